import ExcelJS from 'exceljs'
import type { AppContext } from '../../context.js'
import { conflict } from '../../errors.js'
import type { Locale } from '../../i18n/locale.js'
import type { AnswerExchange, AssessmentExchange } from '../assessment/exchange-types.js'
import { answersFromCheckSheet, importFailed } from '../assessment/service.js'
import { itemAppliesTo } from '../assessment/scoring.js'
import { buildAssessmentWorkbook, parseAssessmentWorkbook } from '../assessment/xlsx.js'
import { flattenItems, getCatalog, type CatalogRow } from '../catalog/service.js'
import type { Actor } from '../identity/actor.js'
import { eq } from 'drizzle-orm'
import { organisations, users } from '../identity/schema.js'
import { emailNotifications, notifyOrganisations } from '../notification/service.js'
import { catalogShape } from './analysis.js'
import { assertCanManageRounds, assertInstitution } from './permissions.js'
import * as repo from './repository.js'
import { institutionNotFound, requireRound, roundNotFound, targetStatusOf, type TargetStatus } from './rounds.js'
import type { SubmissionSnapshot } from './snapshot.js'
import { institutionInRound, recordSubmission, type InstitutionInRound } from './submissions.js'

// Files of a round (issue 3 §3): the round's check sheet template, the supervisor's export of the
// status list and of every current submission (XLSX and CSV), and the import of a check sheet an
// institution sent outside Kamae (validated like the foundation's import; a bad file changes nothing).

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export type CsvTable = 'status' | 'scores' | 'answers'

const LABELS = {
  status: { ja: '提出状況', en: 'Status' },
  scores: { ja: 'スコア', en: 'Scores' },
  answers: { ja: '回答', en: 'Answers' },
  items: { ja: '項目別実施率', en: 'Item rates' },
  institutionId: { ja: '金融機関ID', en: 'Institution id' },
  name: { ja: '金融機関名', en: 'Institution' },
  sector: { ja: '業態', en: 'Sector' },
  sizeBand: { ja: '規模', en: 'Size band' },
  state: { ja: '状況', en: 'State' },
  version: { ja: '版', en: 'Version' },
  submittedAt: { ja: '提出日時', en: 'Submitted at' },
  late: { ja: '期限超過', en: 'Overdue' },
  source: { ja: '提出方法', en: 'Source' },
  digest: { ja: 'SHA-256', en: 'SHA-256' },
  lastRemindedAt: { ja: '最終督促日時', en: 'Last reminded at' },
  overall: { ja: '総合スコア', en: 'Overall score' },
  basicCompliance: { ja: '基本的な対応事項の充足率', en: 'Basic measure compliance' },
  desirableAdoption: { ja: '対応が望ましい事項の実施率', en: 'Desirable measure adoption' },
  ref: { ja: '項目番号', en: 'Item' },
  itemClass: { ja: '区分', en: 'Class' },
  title: { ja: '項目名', en: 'Title' },
  assessed: { ja: '評価数', en: 'Assessed' },
  inPlace: { ja: '対応済み数', en: 'In place' },
  rate: { ja: '実施率', en: 'Implementation rate' },
}

const STATE_LABELS: Record<TargetStatus['state'], { ja: string; en: string }> = {
  not_started: { ja: '未着手', en: 'Not started' },
  in_progress: { ja: '作成中', en: 'In progress' },
  submitted: { ja: '提出済み', en: 'Submitted' },
  late: { ja: '期限超過で提出', en: 'Submitted late' },
  returned: { ja: '差戻し中', en: 'Returned' },
}

interface Sheet {
  name: string
  header: string[]
  rows: (string | number | null)[][]
}

/** The tables of a round's export, in the language asked for. */
async function roundTables(ctx: AppContext, actor: Actor, roundId: string, lang: Locale): Promise<Record<CsvTable | 'items', Sheet>> {
  const round = await requireRound(ctx.db, actor, roundId)
  const catalog = await getCatalog(ctx.db, round.catalogId)
  const shape = catalogShape(catalog.content)
  const targets = await repo.targetsOf(ctx.db, round.id)
  const l = (key: keyof typeof LABELS) => LABELS[key][lang]
  const status: Sheet = {
    name: l('status'),
    header: [l('institutionId'), l('name'), l('sector'), l('sizeBand'), l('state'), l('version'), l('submittedAt'), l('late'), l('source'), l('digest'), l('lastRemindedAt')],
    rows: targets.map((target) => {
      const view = targetStatusOf(target)
      const s = view.submission
      return [
        view.institution.id,
        view.institution.name[lang],
        view.institution.sector,
        view.institution.sizeBand,
        STATE_LABELS[view.state][lang],
        s?.version ?? null,
        s?.submittedAt.toISOString() ?? null,
        s ? (s.late ? 'TRUE' : 'FALSE') : null,
        s?.source ?? null,
        s?.digest ?? null,
        view.lastRemindedAt?.toISOString() ?? null,
      ]
    }),
  }
  const submitted = targets.filter((t) => t.currentSubmissionId !== null)
  const snapshots = new Map<string, SubmissionSnapshot>()
  for (const target of submitted) {
    const row = await repo.findSubmission(ctx.db, round.id, target.institutionOrgId, target.currentSubmissionId as string)
    if (row) snapshots.set(target.institutionOrgId, JSON.parse(row.snapshot) as SubmissionSnapshot)
  }
  const scores: Sheet = {
    name: l('scores'),
    header: [l('institutionId'), l('name'), l('sector'), l('sizeBand'), l('version'), l('overall'), l('basicCompliance'), l('desirableAdoption'), ...shape.sections.map((s) => `${s.ref} ${s.title[lang]}`)],
    rows: submitted.map((target) => {
      const snapshot = snapshots.get(target.institutionOrgId)
      const sections = new Map(snapshot?.scores.sections.map((s) => [s.ref, s.score]) ?? [])
      return [
        target.institutionOrgId,
        lang === 'ja' ? target.nameJa : target.nameEn,
        target.sector,
        target.sizeBand,
        target.submission?.version ?? null,
        snapshot?.scores.overall.score ?? null,
        snapshot?.scores.overall.basicCompliance ?? null,
        snapshot?.scores.overall.desirableAdoption ?? null,
        ...shape.sections.map((s) => sections.get(s.ref) ?? null),
      ]
    }),
  }
  // Answers: the option value, "N/A" for not applicable, "-" for out of scope, empty when unanswered.
  const answerCell = (answer: AnswerExchange | undefined) => (!answer ? null : !answer.inScope ? '-' : answer.notApplicable ? 'N/A' : answer.value)
  const answers: Sheet = {
    name: l('answers'),
    header: [l('institutionId'), l('name'), ...shape.items.map((item) => item.ref)],
    rows: submitted.map((target) => {
      const byRef = new Map(snapshots.get(target.institutionOrgId)?.answers.map((a) => [a.ref, a]) ?? [])
      return [target.institutionOrgId, lang === 'ja' ? target.nameJa : target.nameEn, ...shape.items.map((item) => answerCell(byRef.get(item.ref)))]
    }),
  }
  const counts = new Map(shape.items.map((item) => [item.ref, { assessed: 0, inPlace: 0 }]))
  for (const snapshot of snapshots.values()) {
    const options = new Map(flattenItems(catalog.content).map(({ item }) => [item.ref, item.scale.options]))
    for (const answer of snapshot.answers) {
      const count = counts.get(answer.ref)
      if (!count || !answer.inScope || answer.notApplicable) continue
      count.assessed += 1
      const score = options.get(answer.ref)?.find((o) => o.value === answer.value)?.score ?? 0
      if (score >= 2 / 3 - 1e-4) count.inPlace += 1
    }
  }
  const items: Sheet = {
    name: l('items'),
    header: [l('ref'), l('itemClass'), l('title'), l('assessed'), l('inPlace'), l('rate')],
    rows: shape.items.map((item) => {
      const count = counts.get(item.ref) as { assessed: number; inPlace: number }
      return [item.ref, item.class, item.title[lang], count.assessed, count.inPlace, count.assessed > 0 ? count.inPlace / count.assessed : null]
    }),
  }
  return { status, scores, answers, items }
}

export async function exportRoundWorkbook(ctx: AppContext, actor: Actor, roundId: string, lang: Locale): Promise<Buffer> {
  const tables = await roundTables(ctx, actor, roundId, lang)
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Kamae'
  for (const table of [tables.status, tables.scores, tables.answers, tables.items]) {
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] })
    sheet.addRow(table.header).font = { bold: true }
    for (const row of table.rows) sheet.addRow(row)
    sheet.columns.forEach((column, i) => {
      column.width = i < 2 ? 28 : 14
    })
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** RFC 4180 CSV with a UTF-8 byte order mark, so Excel opens Japanese text correctly. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (value: string | number | null) => {
    if (value === null) return ''
    const text = String(value)
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`
}

export async function exportRoundCsv(ctx: AppContext, actor: Actor, roundId: string, table: CsvTable, lang: Locale): Promise<string> {
  const tables = await roundTables(ctx, actor, roundId, lang)
  return toCsv(tables[table].header, tables[table].rows)
}

// ---------------------------------------------------------------- the round's check sheet

function blankExchange(round: repo.RoundRow, catalog: CatalogRow, organisation: { ja: string; en: string }, profile: { sector: string | null; sizeBand: string | null }, at: Date): AssessmentExchange {
  return {
    assessment: {
      id: round.id,
      title: round.titleJa,
      version: 1,
      status: 'draft',
      organisation,
      catalogKey: catalog.key,
      catalogVersion: catalog.version,
      exportedAt: at.toISOString(),
    },
    catalog: catalog.content,
    answers: flattenItems(catalog.content).map(({ item }) => ({
      ref: item.ref,
      inScope: itemAppliesTo(item.applicability, profile),
      value: null,
      notApplicable: false,
      naReason: null,
      comment: null,
    })),
    evidence: [],
    actions: [],
  }
}

/** The round's blank check sheet for the institution, to fill in outside Kamae if it must. */
export async function roundTemplate(ctx: AppContext, actor: Actor, roundId: string, lang: Locale): Promise<Buffer> {
  assertInstitution(actor)
  const found = await repo.roundForInstitution(ctx.db, actor.orgId, roundId)
  if (!found) throw roundNotFound()
  const catalog = await getCatalog(ctx.db, found.round.catalogId)
  const [org] = await ctx.db.select().from(organisations).where(eq(organisations.id, actor.orgId))
  const exchange = blankExchange(found.round, catalog, { ja: org?.nameJa ?? '', en: org?.nameEn ?? '' }, { sector: found.target.sector, sizeBand: found.target.sizeBand }, ctx.clock())
  return buildAssessmentWorkbook(exchange, lang)
}

/**
 * Records a check sheet an institution sent outside Kamae as its submission (source `import`): read
 * against a blank assessment of the round's catalog and the institution's profile; all or nothing.
 */
export async function importSubmission(ctx: AppContext, actor: Actor, roundId: string, institutionOrgId: string, data: Buffer, lang: Locale): Promise<InstitutionInRound> {
  assertCanManageRounds(actor)
  const round = await requireRound(ctx.db, actor, roundId)
  const [target] = await repo.targetsOf(ctx.db, round.id, institutionOrgId)
  if (!target) throw institutionNotFound()
  if (round.status !== 'published') throw conflict('round_not_published', { ja: '公開中のラウンドにのみ取り込めます', en: 'Only a published round takes imports' })
  const catalog = await getCatalog(ctx.db, round.catalogId)
  const profile = { sector: target.sector, sizeBand: target.sizeBand }
  const exchange = blankExchange(round, catalog, { ja: target.nameJa, en: target.nameEn }, profile, ctx.clock())
  const parsed = await parseAssessmentWorkbook(data, exchange, lang, { answersOnly: true })
  if (!parsed.ok) throw importFailed(parsed.errors)
  const checked = answersFromCheckSheet(catalog.content, profile, parsed.plan.answers)
  if (!checked.ok) throw importFailed(checked.details)
  const now = ctx.clock()
  const sent = await ctx.db.transaction(async (tx) => {
    const locked = await repo.findTargetForUpdate(tx, round.id, institutionOrgId)
    if (!locked) throw institutionNotFound()
    const [submitter] = await tx.select({ displayName: users.displayName }).from(users).where(eq(users.id, actor.userId))
    const submission = await recordSubmission(tx, {
      round,
      target: locked,
      catalog,
      institution: { id: institutionOrgId, nameJa: target.nameJa, nameEn: target.nameEn },
      answers: checked.answers,
      assessment: null,
      source: 'import',
      submitter: { userId: actor.userId, orgId: actor.orgId, displayName: submitter?.displayName ?? actor.userId },
      now,
    })
    return notifyOrganisations(
      tx,
      [institutionOrgId],
      {
        kind: 'round.submission_imported',
        title: {
          ja: `監督当局が貴組織のチェックシートを「${round.titleJa}」の提出として取り込みました（第${submission.version}版）`,
          en: `The supervisor imported your check sheet as your submission to "${round.titleEn}" (version ${submission.version})`,
        },
        body: { ja: `SHA-256: ${submission.digest}`, en: `SHA-256: ${submission.digest}` },
        link: `/rounds/${round.id}`,
      },
      now,
    )
  })
  await emailNotifications(ctx, sent)
  return institutionInRound(ctx, actor, roundId, institutionOrgId)
}
