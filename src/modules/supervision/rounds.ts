import { randomUUID } from 'node:crypto'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, conflict, invalid, type ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import type { LocalizedText } from '../catalog/catalog-types.js'
import { getCatalog, type CatalogRow } from '../catalog/service.js'
import type { Actor } from '../identity/actor.js'
import { emailNotifications, notifyOrganisations } from '../notification/service.js'
import { assertCanManageRounds, assertSupervisor } from './permissions.js'
import * as repo from './repository.js'
import type { RoundKind, RoundStatus, TargetState } from './schema.js'

// Rounds on the supervisor's side (issue 3 §1): a self-assessment round or a self-inspection request
// is drafted, published to its target institutions (notified in the app, and by e-mail with SMTP),
// followed while it runs (status of every target, reminders, returns) and closed.

export const roundNotFound = () => new AppError('not_found', 404, { ja: 'ラウンドが見つかりません', en: 'Round not found' })
export const institutionNotFound = () => new AppError('not_found', 404, { ja: '対象の金融機関が見つかりません', en: 'Institution not found in this round' })

export interface CatalogRef {
  id: string
  key: string
  version: string
  title: LocalizedText
}

export const catalogRef = (row: CatalogRow): CatalogRef => ({ id: row.id, key: row.key, version: row.version, title: { ja: row.titleJa, en: row.titleEn } })

export interface RoundTarget {
  mode: 'criteria' | 'list'
  sectors: string[] | null
  sizes: string[] | null
  institutionIds: string[]
}

export interface RoundCounts {
  targets: number
  started: number
  submitted: number
  late: number
  returned: number
}

export interface RoundSummary {
  id: string
  kind: RoundKind
  title: LocalizedText
  status: RoundStatus
  catalog: CatalogRef
  opensAt: Date
  dueAt: Date
  createdAt: Date
  publishedAt: Date | null
  closedAt: Date | null
  feedbackReleasedAt: Date | null
  counts: RoundCounts
}

export interface RoundDetail extends RoundSummary {
  instructions: string
  target: RoundTarget
  carryForward: boolean
  kAnonymity: number
  feedbackGeneratedAt: Date | null
  permissions: { edit: boolean; publish: boolean; close: boolean; manage: boolean }
}

/** What the status list shows: `late` is a submitted target whose current submission came after the due date. */
export type DisplayState = TargetState | 'late'

export interface TargetStatus {
  institution: { id: string; name: LocalizedText; sector: string; sizeBand: string }
  state: DisplayState
  submission: { id: string; version: number; submittedAt: Date; digest: string; late: boolean; source: 'online' | 'import'; overallScore: number | null } | null
  lastRemindedAt: Date | null
}

export interface RoundInput {
  kind: RoundKind
  title: LocalizedText
  catalogId: string
  target: RoundTarget
  opensAt: string
  dueAt: string
  instructions?: string
  carryForward?: boolean
  kAnonymity?: number
}

const EMPTY_COUNTS: RoundCounts = { targets: 0, started: 0, submitted: 0, late: 0, returned: 0 }

function summaryOf(row: repo.RoundRow, catalog: CatalogRow, counts: RoundCounts | undefined): RoundSummary {
  return {
    id: row.id,
    kind: row.kind,
    title: { ja: row.titleJa, en: row.titleEn },
    status: row.status,
    catalog: catalogRef(catalog),
    opensAt: row.opensAt,
    dueAt: row.dueAt,
    createdAt: row.createdAt,
    publishedAt: row.publishedAt,
    closedAt: row.closedAt,
    feedbackReleasedAt: row.feedbackReleasedAt,
    counts: counts ?? EMPTY_COUNTS,
  }
}

async function describeRound(db: Queryable, actor: Actor, row: repo.RoundRow): Promise<RoundDetail> {
  const catalog = await getCatalog(db, row.catalogId)
  const counts = (await repo.stateCounts(db, [row.id])).get(row.id)
  const manage = actor.orgKind === 'supervisor' && (actor.role === 'admin' || actor.role === 'editor')
  return {
    ...summaryOf(row, catalog, counts),
    instructions: row.instructions,
    target: { mode: row.targetMode, sectors: row.targetSectors, sizes: row.targetSizes, institutionIds: row.targetOrgIds ?? [] },
    carryForward: row.carryForward,
    kAnonymity: row.kAnonymity,
    feedbackGeneratedAt: row.feedbackGeneratedAt,
    permissions: { edit: manage && row.status !== 'closed', publish: manage && row.status === 'draft', close: manage && row.status === 'published', manage },
  }
}

export async function requireRound(db: Queryable, actor: Actor, id: string): Promise<repo.RoundRow> {
  assertSupervisor(actor)
  const row = await repo.findRound(db, actor.orgId, id)
  if (!row) throw roundNotFound()
  return row
}

async function lockRound(db: Queryable, actor: Actor, id: string): Promise<repo.RoundRow> {
  const row = await repo.findRoundForUpdate(db, actor.orgId, id)
  if (!row) throw roundNotFound()
  return row
}

// ---------------------------------------------------------------- reading

export async function listRounds(ctx: AppContext, actor: Actor): Promise<RoundSummary[]> {
  assertSupervisor(actor)
  const rows = await repo.roundsOfSupervisor(ctx.db, actor.orgId)
  const counts = await repo.stateCounts(
    ctx.db,
    rows.map((row) => row.id),
  )
  const out: RoundSummary[] = []
  for (const row of rows) out.push(summaryOf(row, await getCatalog(ctx.db, row.catalogId), counts.get(row.id)))
  return out
}

export async function getRound(ctx: AppContext, actor: Actor, id: string): Promise<RoundDetail> {
  return describeRound(ctx.db, actor, await requireRound(ctx.db, actor, id))
}

export function displayState(target: { state: TargetState; submission: { late: boolean } | null }): DisplayState {
  return target.state === 'submitted' && target.submission?.late ? 'late' : target.state
}

export function targetStatusOf(target: repo.TargetView): TargetStatus {
  const submission = target.submission
  return {
    institution: { id: target.institutionOrgId, name: { ja: target.nameJa, en: target.nameEn }, sector: target.sector, sizeBand: target.sizeBand },
    state: displayState(target),
    submission: submission
      ? {
          id: submission.id,
          version: submission.version,
          submittedAt: submission.submittedAt,
          digest: submission.digest,
          late: submission.late,
          source: submission.source,
          overallScore: submission.overallScore,
        }
      : null,
    lastRemindedAt: target.lastRemindedAt,
  }
}

/** The status of every target institution (not started, in progress, submitted, late, returned). */
export async function listTargets(ctx: AppContext, actor: Actor, id: string, filter: { state?: DisplayState } = {}): Promise<TargetStatus[]> {
  const round = await requireRound(ctx.db, actor, id)
  const targets = (await repo.targetsOf(ctx.db, round.id)).map(targetStatusOf)
  return filter.state ? targets.filter((target) => target.state === filter.state) : targets
}

/** The institutions a round may target: the supervisor's jurisdiction. */
export async function listJurisdiction(ctx: AppContext, actor: Actor) {
  assertSupervisor(actor)
  return (await repo.jurisdiction(ctx.db, actor.orgId)).map((org) => ({ id: org.id, name: { ja: org.nameJa, en: org.nameEn }, sector: org.sector, sizeBand: org.sizeBand }))
}

// ---------------------------------------------------------------- drafting

const MESSAGES = {
  blankTitle: { ja: 'タイトル（日本語・英語）を入力してください', en: 'Enter the title in Japanese and English' },
  dueBeforeOpen: { ja: '提出期限は開始日時より後にしてください', en: 'The due date must come after the opening date' },
  badDate: { ja: '日時の形式が正しくありません（ISO 8601）', en: 'Not a valid date and time (ISO 8601)' },
  emptyList: { ja: '対象の金融機関を1つ以上選んでください', en: 'Choose at least one institution' },
  notInJurisdiction: { ja: '所管外の金融機関は対象にできません', en: 'Only institutions in your jurisdiction can be targeted' },
  noTargets: { ja: '対象条件に該当する所管の金融機関がありません', en: 'No institution of your jurisdiction matches the target' },
  notDraft: { ja: '公開済みのラウンドでは、提出期限・説明・k の値のみ変更できます', en: 'Once published, only the due date, the instructions and k can change' },
  closed: { ja: '終了したラウンドは変更できません', en: 'A closed round cannot change' },
} satisfies Record<string, Localized>

function parseDate(value: string, path: string, details: ErrorDetail[]): Date {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) details.push({ path, message: MESSAGES.badDate })
  return date
}

interface CheckedInput {
  kind: RoundKind
  titleJa: string
  titleEn: string
  catalogId: string
  targetMode: 'criteria' | 'list'
  targetSectors: string[] | null
  targetSizes: string[] | null
  targetOrgIds: string[] | null
  opensAt: Date
  dueAt: Date
  instructions: string
  carryForward: boolean
  kAnonymity: number
}

async function checkInput(db: Queryable, actor: Actor, input: RoundInput): Promise<CheckedInput> {
  const details: ErrorDetail[] = []
  const titleJa = input.title.ja.trim()
  const titleEn = input.title.en.trim()
  if (!titleJa) details.push({ path: 'body.title.ja', message: MESSAGES.blankTitle })
  if (!titleEn) details.push({ path: 'body.title.en', message: MESSAGES.blankTitle })
  const opensAt = parseDate(input.opensAt, 'body.opensAt', details)
  const dueAt = parseDate(input.dueAt, 'body.dueAt', details)
  if (dueAt.getTime() <= opensAt.getTime()) details.push({ path: 'body.dueAt', message: MESSAGES.dueBeforeOpen })
  const catalog = await getCatalog(db, input.catalogId).catch(() => null)
  if (!catalog) details.push({ path: 'body.catalogId', message: { ja: 'カタログが見つかりません', en: 'Catalog not found' } })
  let targetOrgIds: string[] | null = null
  if (input.target.mode === 'list') {
    const ids = [...new Set(input.target.institutionIds)]
    if (ids.length === 0) details.push({ path: 'body.target.institutionIds', message: MESSAGES.emptyList })
    const inJurisdiction = new Set((await repo.jurisdiction(db, actor.orgId)).map((org) => org.id))
    ids.forEach((id, i) => {
      if (!inJurisdiction.has(id)) details.push({ path: `body.target.institutionIds[${i}]`, message: MESSAGES.notInJurisdiction })
    })
    targetOrgIds = ids
  }
  if (details.length > 0) throw invalid(details[0]?.message ?? MESSAGES.blankTitle, details)
  const list = (values: string[] | null) => (values && values.length > 0 ? [...new Set(values)] : null)
  return {
    kind: input.kind,
    titleJa,
    titleEn,
    catalogId: (catalog as CatalogRow).id,
    targetMode: input.target.mode,
    targetSectors: input.target.mode === 'criteria' ? list(input.target.sectors) : null,
    targetSizes: input.target.mode === 'criteria' ? list(input.target.sizes) : null,
    targetOrgIds,
    opensAt,
    dueAt,
    instructions: (input.instructions ?? '').trim(),
    carryForward: input.carryForward ?? true,
    kAnonymity: input.kAnonymity ?? 5,
  }
}

export async function createRound(ctx: AppContext, actor: Actor, input: RoundInput): Promise<RoundDetail> {
  assertCanManageRounds(actor)
  const now = ctx.clock()
  const id = randomUUID()
  return ctx.db.transaction(async (tx) => {
    const checked = await checkInput(tx, actor, input)
    await repo.insertRound(tx, { id, supervisorOrgId: actor.orgId, ...checked, status: 'draft', createdBy: actor.userId, createdAt: now, updatedAt: now })
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'round.created', target: { type: 'round', id }, after: checked, at: now })
    return describeRound(tx, actor, (await repo.findRound(tx, actor.orgId, id)) as repo.RoundRow)
  })
}

/** A draft changes freely; a published round only its due date, instructions and k. */
export async function updateRound(ctx: AppContext, actor: Actor, id: string, input: RoundInput): Promise<RoundDetail> {
  assertCanManageRounds(actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const round = await lockRound(tx, actor, id)
    if (round.status === 'closed') throw conflict('round_closed', MESSAGES.closed)
    const checked = await checkInput(tx, actor, input)
    let changes: Partial<CheckedInput>
    if (round.status === 'draft') {
      changes = checked
    } else {
      const fixed: (keyof CheckedInput)[] = ['kind', 'catalogId', 'targetMode', 'targetSectors', 'targetSizes', 'targetOrgIds', 'opensAt', 'carryForward', 'titleJa', 'titleEn']
      const before: Record<string, unknown> = round
      const moved = fixed.filter((key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(checked[key] ?? null))
      if (moved.length > 0) throw invalid(MESSAGES.notDraft, moved.map((key) => ({ path: `body.${key}`, message: MESSAGES.notDraft })))
      changes = { dueAt: checked.dueAt, instructions: checked.instructions, kAnonymity: checked.kAnonymity }
    }
    await repo.updateRound(tx, round.id, { ...changes, updatedAt: now })
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'round.updated', target: { type: 'round', id }, before: round, after: changes, at: now })
    return describeRound(tx, actor, (await repo.findRound(tx, actor.orgId, id)) as repo.RoundRow)
  })
}

// ---------------------------------------------------------------- lifecycle

const roundLink = (id: string) => `/rounds/${id}`

/** Publishing fixes the target institutions (with their sector and size band) and notifies them. */
export async function publishRound(ctx: AppContext, actor: Actor, id: string): Promise<RoundDetail> {
  assertCanManageRounds(actor)
  const now = ctx.clock()
  const { detail, sent } = await ctx.db.transaction(async (tx) => {
    const round = await lockRound(tx, actor, id)
    if (round.status !== 'draft') throw conflict('round_not_draft', { ja: 'このラウンドは公開済みです', en: 'This round is already published' })
    const jurisdiction = await repo.jurisdiction(tx, actor.orgId)
    const listed = new Set(round.targetOrgIds ?? [])
    const targets = jurisdiction.filter((org) =>
      round.targetMode === 'list'
        ? listed.has(org.id)
        : (round.targetSectors === null || round.targetSectors.includes(org.sector)) && (round.targetSizes === null || round.targetSizes.includes(org.sizeBand)),
    )
    if (targets.length === 0) throw invalid(MESSAGES.noTargets, [{ path: 'target', message: MESSAGES.noTargets }])
    await repo.insertTargets(
      tx,
      targets.map((org) => ({ roundId: round.id, institutionOrgId: org.id, sector: org.sector, sizeBand: org.sizeBand })),
    )
    await repo.updateRound(tx, round.id, { status: 'published', publishedAt: now, publishedBy: actor.userId, updatedAt: now })
    const kindLabel = round.kind === 'self_assessment' ? { ja: '自己評価', en: 'self-assessment' } : { ja: '自主点検', en: 'self-inspection' }
    const due = round.dueAt.toISOString().slice(0, 10)
    const sent = await notifyOrganisations(
      tx,
      targets.map((org) => org.id),
      {
        kind: 'round.published',
        title: { ja: `${kindLabel.ja}の依頼: ${round.titleJa}`, en: `Request for ${kindLabel.en}: ${round.titleEn}` },
        body: { ja: `提出期限は ${due} です。`, en: `Due ${due}.` },
        link: roundLink(round.id),
      },
      now,
    )
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'round.published',
      target: { type: 'round', id: round.id },
      after: { targets: targets.map((org) => org.id) },
      details: { targets: targets.length },
      at: now,
    })
    return { detail: await describeRound(tx, actor, (await repo.findRound(tx, actor.orgId, id)) as repo.RoundRow), sent }
  })
  await emailNotifications(ctx, sent)
  return detail
}

export async function closeRound(ctx: AppContext, actor: Actor, id: string): Promise<RoundDetail> {
  assertCanManageRounds(actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const round = await lockRound(tx, actor, id)
    if (round.status !== 'published') throw conflict('round_not_published', { ja: '公開中のラウンドのみ終了できます', en: 'Only a published round can be closed' })
    await repo.updateRound(tx, round.id, { status: 'closed', closedAt: now, updatedAt: now })
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'round.closed', target: { type: 'round', id: round.id }, at: now })
    return describeRound(tx, actor, (await repo.findRound(tx, actor.orgId, id)) as repo.RoundRow)
  })
}

/** Reminds the targets that have not submitted (or only those named); returns how many were reminded. */
export async function sendReminders(ctx: AppContext, actor: Actor, id: string, input: { institutionIds?: string[]; message?: string }): Promise<{ reminded: number }> {
  assertCanManageRounds(actor)
  const now = ctx.clock()
  const { reminded, sent } = await ctx.db.transaction(async (tx) => {
    const round = await lockRound(tx, actor, id)
    if (round.status !== 'published') throw conflict('round_not_published', { ja: '公開中のラウンドのみ督促できます', en: 'Only a published round sends reminders' })
    const named = input.institutionIds ? new Set(input.institutionIds) : null
    const due = (await repo.targetsOf(tx, round.id)).filter((t) => t.state !== 'submitted' && (named === null || named.has(t.institutionOrgId)))
    const note = (input.message ?? '').trim()
    for (const target of due) {
      await repo.updateTarget(tx, round.id, target.institutionOrgId, { lastRemindedAt: now })
      await repo.insertFollowup(tx, {
        id: randomUUID(),
        roundId: round.id,
        institutionOrgId: target.institutionOrgId,
        kind: 'reminder',
        authorOrgId: actor.orgId,
        authorUserId: actor.userId,
        body: note,
        createdAt: now,
      })
    }
    const dueDate = round.dueAt.toISOString().slice(0, 10)
    const sent = await notifyOrganisations(
      tx,
      due.map((t) => t.institutionOrgId),
      {
        kind: 'round.reminder',
        title: { ja: `提出のお願い: ${round.titleJa}（期限 ${dueDate}）`, en: `Reminder: ${round.titleEn} (due ${dueDate})` },
        body: { ja: note, en: note },
        link: roundLink(round.id),
      },
      now,
    )
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'round.reminded',
      target: { type: 'round', id: round.id },
      after: { institutions: due.map((t) => t.institutionOrgId) },
      at: now,
    })
    return { reminded: due.length, sent }
  })
  await emailNotifications(ctx, sent)
  return { reminded }
}
