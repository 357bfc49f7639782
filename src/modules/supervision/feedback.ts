import type { Readable } from 'node:stream'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, conflict } from '../../errors.js'
import type { Locale } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import { getCatalog } from '../catalog/service.js'
import type { Actor } from '../identity/actor.js'
import { emailNotifications, notifyOrganisations } from '../notification/service.js'
import { analyseRound, catalogShape, drillDown, feedbackFor, sectorSummary, type DrillDownFilter, type FeedbackContext, type RoundAnalysis } from './analysis.js'
import { renderFeedbackPdf } from './feedback-pdf.js'
import { assertCanManageRounds, assertInstitution } from './permissions.js'
import type { FeedbackReport, SectorSummary } from './report-types.js'
import * as repo from './repository.js'
import { loadRoundData, trendsOf, unmetItems, type RoundData } from './round-data.js'
import { institutionNotFound, requireRound, roundNotFound } from './rounds.js'
import { renderSectorSummaryPdf } from './summary-pdf.js'

// Analysis for the supervisor, and the feedback reports (還元) of a round: generated in one action
// (a background job with progress), frozen, released, then each institution downloads its own.

const MESSAGES = {
  noSubmission: { ja: 'この金融機関はこのラウンドにまだ提出していません', en: 'This institution has not submitted to this round' },
  notReleased: { ja: 'フィードバックはまだ還元されていません', en: 'The feedback has not been released yet' },
  notGenerated: { ja: '先にフィードバックを作成してください', en: 'Generate the feedback reports first' },
  running: { ja: 'フィードバックを作成中です', en: 'The feedback reports are being generated' },
  noneSubmitted: { ja: '提出がないため、フィードバックを作成できません', en: 'Nothing was submitted: there is no feedback to generate' },
  draft: { ja: '公開前のラウンドです', en: 'The round is not published' },
}

const feedbackNotFound = () => new AppError('not_found', 404, { ja: 'フィードバックが見つかりません', en: 'Feedback not found' })

interface LoadedRound {
  round: repo.RoundRow
  context: FeedbackContext
  targets: number
  previous: { round: repo.RoundRow; data: RoundData; shape: ReturnType<typeof catalogShape> } | null
  catalogKey: string
}

async function loadRound(db: Queryable, round: repo.RoundRow, at: Date): Promise<LoadedRound> {
  const catalog = await getCatalog(db, round.catalogId)
  const shape = catalogShape(catalog.content)
  const data = await loadRoundData(db, round.id, shape.items.map((item) => item.ref))
  const targets = (await repo.stateCounts(db, [round.id])).get(round.id)?.targets ?? 0
  const previousRow = await repo.previousRound(db, round, catalog.key)
  let previous: LoadedRound['previous'] = null
  if (previousRow) {
    const previousCatalog = await getCatalog(db, previousRow.catalogId)
    const previousShape = catalogShape(previousCatalog.content)
    previous = { round: previousRow, data: await loadRoundData(db, previousRow.id, previousShape.items.map((item) => item.ref)), shape: previousShape }
  }
  return {
    round,
    targets,
    previous,
    catalogKey: catalog.key,
    context: {
      round: { id: round.id, title: { ja: round.titleJa, en: round.titleEn }, kind: round.kind, k: round.kAnonymity },
      catalog: { key: catalog.key, version: catalog.version, title: { ja: catalog.titleJa, en: catalog.titleEn } },
      shape,
      data,
      generatedAt: at,
    },
  }
}

// ---------------------------------------------------------------- supervisor: analysis

export async function getAnalysis(ctx: AppContext, actor: Actor, roundId: string): Promise<RoundAnalysis> {
  return analysisOfRound(ctx.db, await requireRound(ctx.db, actor, roundId), ctx.clock())
}

/** The full analysis of a round, without a caller (the route above, benchmarks). */
export async function analysisOfRound(db: Queryable, round: repo.RoundRow, at: Date): Promise<RoundAnalysis> {
  const loaded = await loadRound(db, round, at)
  const previous = loaded.previous ? { roundId: loaded.previous.round.id, title: { ja: loaded.previous.round.titleJa, en: loaded.previous.round.titleEn }, data: loaded.previous.data, shape: loaded.previous.shape } : undefined
  return analyseRound(loaded.context.shape, loaded.context.data, round.kAnonymity, loaded.targets, previous)
}

/** The institutions behind a figure; with an item, split into those with it in place and those without. */
export async function getDrillDown(ctx: AppContext, actor: Actor, roundId: string, filter: DrillDownFilter & { itemRef?: string }) {
  const round = await requireRound(ctx.db, actor, roundId)
  const rows = drillDown((await loadRound(ctx.db, round, ctx.clock())).context.data, filter)
  if (!filter.itemRef) return rows.map((row) => ({ ...row, itemInPlace: null }))
  const unmet = await unmetItems(ctx.db, round.id)
  const missing = new Set([...unmet].filter(([, items]) => items.some((item) => item.ref === filter.itemRef)).map(([orgId]) => orgId))
  return rows.map((row) => ({ ...row, itemInPlace: !missing.has(row.institution.id) }))
}

async function computeFeedback(db: Queryable, loaded: LoadedRound, institutionOrgId: string): Promise<FeedbackReport> {
  const { round, context } = loaded
  if (!context.data.members.some((m) => m.institutionOrgId === institutionOrgId)) {
    throw new AppError('not_submitted', 409, MESSAGES.noSubmission)
  }
  const unmet = (await unmetItems(db, round.id, institutionOrgId)).get(institutionOrgId) ?? []
  const trend = (await trendsOf(db, round.supervisorOrgId, loaded.catalogKey, round.publishedAt ?? context.generatedAt, institutionOrgId)).get(institutionOrgId) ?? []
  const previousOwn = loaded.previous?.data.members.find((m) => m.institutionOrgId === institutionOrgId)
  return feedbackFor(context, institutionOrgId, unmet, trend, previousOwn)
}

/** One institution's feedback as it would be generated now (the supervisor's preview). */
export async function previewFeedback(ctx: AppContext, actor: Actor, roundId: string, institutionOrgId: string): Promise<FeedbackReport> {
  const round = await requireRound(ctx.db, actor, roundId)
  if ((await repo.targetsOf(ctx.db, round.id, institutionOrgId)).length === 0) throw institutionNotFound()
  return computeFeedback(ctx.db, await loadRound(ctx.db, round, ctx.clock()), institutionOrgId)
}

/** Computes one institution's feedback data for a round, without a caller (benchmarks). */
export async function feedbackDataFor(db: Queryable, round: repo.RoundRow, institutionOrgId: string, at: Date): Promise<FeedbackReport> {
  return computeFeedback(db, await loadRound(db, round, at), institutionOrgId)
}

/** Every submitting institution's feedback data, as the generation job computes it. */
export async function allFeedbackData(db: Queryable, round: repo.RoundRow, at: Date): Promise<FeedbackReport[]> {
  const loaded = await loadRound(db, round, at)
  const unmet = await unmetItems(db, round.id)
  const trends = await trendsOf(db, round.supervisorOrgId, loaded.catalogKey, round.publishedAt ?? at)
  return loaded.context.data.members.map((member) => {
    const id = member.institutionOrgId
    const previousOwn = loaded.previous?.data.members.find((m) => m.institutionOrgId === id)
    return feedbackFor(loaded.context, id, unmet.get(id) ?? [], trends.get(id) ?? [], previousOwn)
  })
}

export async function getSectorSummary(ctx: AppContext, actor: Actor, roundId: string): Promise<SectorSummary> {
  const round = await requireRound(ctx.db, actor, roundId)
  const loaded = await loadRound(ctx.db, round, ctx.clock())
  const previous = loaded.previous ? { roundId: loaded.previous.round.id, title: { ja: loaded.previous.round.titleJa, en: loaded.previous.round.titleEn }, data: loaded.previous.data } : null
  return sectorSummary(loaded.context, loaded.targets, previous)
}

export async function sectorSummaryPdf(ctx: AppContext, actor: Actor, roundId: string, lang: Locale): Promise<Buffer> {
  return renderSectorSummaryPdf(await getSectorSummary(ctx, actor, roundId), lang)
}

// ---------------------------------------------------------------- supervisor: generation and release

export interface FeedbackJob {
  state: 'idle' | 'running' | 'done' | 'failed'
  total: number
  done: number
  startedAt: Date | null
  finishedAt: Date | null
  error: string | null
  generatedAt: Date | null
  releasedAt: Date | null
}

// Jobs of this process. A job row still 'running' without an entry here was cut off by a restart.
const runningJobs = new Map<string, Promise<void>>()

function jobView(round: repo.RoundRow, row: repo.FeedbackJobRow | undefined): FeedbackJob {
  const interrupted = row?.state === 'running' && !runningJobs.has(round.id)
  return {
    state: row ? (interrupted ? 'failed' : row.state) : 'idle',
    total: row?.total ?? 0,
    done: row?.done ?? 0,
    startedAt: row?.startedAt ?? null,
    finishedAt: row?.finishedAt ?? null,
    error: interrupted ? 'interrupted' : (row?.error ?? null),
    generatedAt: round.feedbackGeneratedAt,
    releasedAt: round.feedbackReleasedAt,
  }
}

export async function feedbackJob(ctx: AppContext, actor: Actor, roundId: string): Promise<FeedbackJob> {
  const round = await requireRound(ctx.db, actor, roundId)
  return jobView(round, await repo.findJob(ctx.db, round.id))
}

/** Renders the report in both languages and stores the PDFs; returns the stored row. */
async function storeFeedback(ctx: AppContext, roundId: string, report: FeedbackReport, at: Date) {
  const [ja, en] = [await renderFeedbackPdf(report, 'ja'), await renderFeedbackPdf(report, 'en')]
  const storedJa = await ctx.blobs.put(ja)
  const storedEn = await ctx.blobs.put(en)
  await repo.saveFeedback(ctx.db, { roundId, institutionOrgId: report.institution.id, report, pdfJaSha256: storedJa.sha256, pdfEnSha256: storedEn.sha256, generatedAt: at })
}


async function runGeneration(ctx: AppContext, round: repo.RoundRow, actorUserId: string, at: Date): Promise<void> {
  try {
    const reports = await allFeedbackData(ctx.db, round, at)
    await repo.deleteFeedbackOf(ctx.db, round.id)
    // About fifty progress updates whatever the size of the round.
    const progressEvery = Math.max(1, Math.floor(reports.length / 50))
    let done = 0
    for (const report of reports) {
      await storeFeedback(ctx, round.id, report, at)
      done += 1
      if (done % progressEvery === 0) await repo.updateJob(ctx.db, round.id, { done })
    }
    await ctx.db.transaction(async (tx) => {
      await repo.updateJob(tx, round.id, { done, state: 'done', finishedAt: ctx.clock() })
      await repo.updateRound(tx, round.id, { feedbackGeneratedAt: at, feedbackReleasedAt: null, feedbackReleasedBy: null })
      await recordAudit(tx, { actorUserId, orgId: round.supervisorOrgId, action: 'round.feedback_generated', target: { type: 'round', id: round.id }, details: { reports: done }, at })
    })
  } catch (error) {
    await repo.updateJob(ctx.db, round.id, { state: 'failed', finishedAt: ctx.clock(), error: error instanceof Error ? error.message : String(error) }).catch(() => undefined)
  }
}

/**
 * Generates the feedback of every submitting institution in the background (frozen data and the
 * PDFs in Japanese and English); the answer is the job, whose progress the supervisor then polls.
 * Generating again replaces the reports and takes back a release.
 */
export async function startFeedbackGeneration(ctx: AppContext, actor: Actor, roundId: string): Promise<FeedbackJob> {
  assertCanManageRounds(actor)
  const round = await requireRound(ctx.db, actor, roundId)
  if (round.status === 'draft') throw conflict('round_not_published', MESSAGES.draft)
  if (runningJobs.has(round.id)) throw conflict('feedback_running', MESSAGES.running)
  const at = ctx.clock()
  const total = (await repo.targetsOf(ctx.db, round.id)).filter((target) => target.currentSubmissionId !== null).length
  if (total === 0) throw conflict('nothing_submitted', MESSAGES.noneSubmitted)
  await repo.saveJob(ctx.db, { roundId: round.id, state: 'running', total, done: 0, startedBy: actor.userId, startedAt: at, finishedAt: null, error: null })
  const job = runGeneration(ctx, round, actor.userId, at).finally(() => runningJobs.delete(round.id))
  runningJobs.set(round.id, job)
  return jobView(round, await repo.findJob(ctx.db, round.id))
}

/** Waits for the round's job of this process, if any (tests, graceful shutdown). */
export async function settleFeedbackJob(roundId: string): Promise<void> {
  await runningJobs.get(roundId)
}

/** Releases the generated reports to the institutions (還元) and notifies them. */
export async function releaseFeedback(ctx: AppContext, actor: Actor, roundId: string): Promise<FeedbackJob> {
  assertCanManageRounds(actor)
  const now = ctx.clock()
  const sent = await ctx.db.transaction(async (tx) => {
    const round = await repo.findRoundForUpdate(tx, actor.orgId, roundId)
    if (!round) throw roundNotFound()
    if (runningJobs.has(round.id)) throw conflict('feedback_running', MESSAGES.running)
    if (!round.feedbackGeneratedAt) throw conflict('feedback_not_generated', MESSAGES.notGenerated)
    await repo.updateRound(tx, round.id, { feedbackReleasedAt: now, feedbackReleasedBy: actor.userId })
    const recipients = (await repo.targetsOf(tx, round.id)).filter((t) => t.currentSubmissionId !== null).map((t) => t.institutionOrgId)
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'round.feedback_released', target: { type: 'round', id: round.id }, details: { institutions: recipients.length }, at: now })
    return notifyOrganisations(
      tx,
      recipients,
      {
        kind: 'round.feedback_released',
        title: { ja: `フィードバックが還元されました: ${round.titleJa}`, en: `Feedback released: ${round.titleEn}` },
        link: `/rounds/${round.id}/feedback`,
      },
      now,
    )
  })
  await emailNotifications(ctx, sent)
  return feedbackJob(ctx, actor, roundId)
}

export async function generatedFeedbackPdf(ctx: AppContext, actor: Actor, roundId: string, institutionOrgId: string, lang: Locale): Promise<{ filename: string; content: Readable }> {
  const round = await requireRound(ctx.db, actor, roundId)
  return pdfOf(ctx, round, institutionOrgId, lang)
}

async function pdfOf(ctx: AppContext, round: repo.RoundRow, institutionOrgId: string, lang: Locale): Promise<{ filename: string; content: Readable }> {
  const row = await repo.findFeedback(ctx.db, round.id, institutionOrgId)
  const sha256 = lang === 'en' ? row?.pdfEnSha256 : row?.pdfJaSha256
  if (!row || !sha256) throw feedbackNotFound()
  return { filename: `feedback-${round.id.slice(0, 8)}-${lang}.pdf`, content: ctx.blobs.read(sha256) }
}

// ---------------------------------------------------------------- institution

async function releasedRound(ctx: AppContext, actor: Actor, roundId: string): Promise<repo.RoundRow> {
  assertInstitution(actor)
  const found = await repo.roundForInstitution(ctx.db, actor.orgId, roundId)
  if (!found) throw roundNotFound()
  if (!found.round.feedbackReleasedAt) throw new AppError('not_found', 404, MESSAGES.notReleased)
  return found.round
}

/** The institution's own released feedback. */
export async function myFeedback(ctx: AppContext, actor: Actor, roundId: string): Promise<FeedbackReport> {
  const round = await releasedRound(ctx, actor, roundId)
  const row = await repo.findFeedback(ctx.db, round.id, actor.orgId)
  if (!row) throw feedbackNotFound()
  return row.report
}

export async function myFeedbackPdf(ctx: AppContext, actor: Actor, roundId: string, lang: Locale): Promise<{ filename: string; content: Readable }> {
  const round = await releasedRound(ctx, actor, roundId)
  return pdfOf(ctx, round, actor.orgId, lang)
}
