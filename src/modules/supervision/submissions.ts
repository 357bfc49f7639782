import { randomUUID } from 'node:crypto'
import { and, desc, eq, inArray, ne } from 'drizzle-orm'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, conflict, invalid } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { AnswerExchange } from '../assessment/exchange-types.js'
import * as assessmentRepo from '../assessment/repository.js'
import { assessments } from '../assessment/schema.js'
import { insertNewAssessment } from '../assessment/service.js'
import type { LocalizedText } from '../catalog/catalog-types.js'
import { catalogs } from '../catalog/schema.js'
import { getCatalog, type CatalogRow } from '../catalog/service.js'
import type { Actor } from '../identity/actor.js'
import { organisations, users } from '../identity/schema.js'
import { recordAudit } from '../audit/service.js'
import { auditEvents } from '../audit/schema.js'
import { auditReceipt, type AuditReceipt } from '../ledger/audit-receipt.js'
import { emailNotifications, notifyOrganisations } from '../notification/service.js'
import { assertCanManageRounds, assertCanSubmit, assertCanWorkOnRound, assertInstitution } from './permissions.js'
import * as repo from './repository.js'
import { catalogRef, displayState, institutionNotFound, requireRound, roundNotFound, targetStatusOf, type CatalogRef, type DisplayState, type TargetStatus } from './rounds.js'
import { supervisionRounds, supervisionSubmissions, type RoundKind, type RoundStatus } from './schema.js'
import { itemFlagsOf, resultsOf, sealSnapshot, SNAPSHOT_FORMAT, type SubmissionSnapshot } from './snapshot.js'

// Submissions and the follow-up exchange (issue 3 §1). An institution submits an approved assessment;
// the stored snapshot never changes and its SHA-256 is shown to both sides. A resubmission is a new
// version (late after the due date, unless it answers a return); the supervisor may return a
// submission with comments, and the whole exchange is kept as the round's thread for that institution.

export interface SubmissionEntry {
  id: string
  version: number
  submittedAt: Date
  submittedBy: string
  digest: string
  late: boolean
  source: 'online' | 'import'
  overallScore: number | null
  basicCompliance: number | null
}

export interface ThreadEntry {
  id: string
  kind: 'return' | 'response' | 'reminder' | 'submission'
  side: 'supervisor' | 'institution'
  author: string | null
  body: string
  submissionVersion: number | null
  createdAt: Date
}

export interface InstitutionRound {
  id: string
  kind: RoundKind
  title: LocalizedText
  status: RoundStatus
  supervisor: LocalizedText
  catalog: CatalogRef
  opensAt: Date
  dueAt: Date
  instructions: string
  carryForward: boolean
  state: DisplayState
  assessmentId: string | null
  submissions: SubmissionEntry[]
  thread: ThreadEntry[]
  feedbackReleased: boolean
  permissions: { start: boolean; submit: boolean; respond: boolean }
}

export interface InstitutionInRound {
  target: TargetStatus
  submissions: SubmissionEntry[]
  thread: ThreadEntry[]
  scores: { sections: { ref: string; title: LocalizedText; score: number | null; basicCompliance: number | null }[] } | null
}

const MESSAGES = {
  notApproved: { ja: '提出できるのは承認済みの自己評価だけです（経営陣の承認が必要です）', en: 'Only an approved assessment can be submitted (it needs management sign-off)' },
  otherCatalog: { ja: 'このラウンドとは別のカタログの自己評価です', en: 'This assessment uses another catalog than the round' },
  notOpen: { ja: 'このラウンドはまだ受付を開始していません', en: 'This round is not open yet' },
  closed: { ja: 'このラウンドは終了しているため提出できません', en: 'This round is closed: submissions are no longer accepted' },
  blankBody: { ja: 'コメントを入力してください', en: 'Write a comment' },
  notSubmitted: { ja: '差し戻せるのは提出済みの回答だけです', en: 'Only a submitted answer can be returned' },
  assessmentMissing: { ja: '自己評価が見つかりません', en: 'Assessment not found' },
} satisfies Record<string, Localized>

const submissionNotFound = () => new AppError('not_found', 404, { ja: '提出が見つかりません', en: 'Submission not found' })

const entryOf = (row: repo.SubmissionSummary & { submitterName: string }): SubmissionEntry => ({
  id: row.id,
  version: row.version,
  submittedAt: row.submittedAt,
  submittedBy: row.submitterName,
  digest: row.digest,
  late: row.late,
  source: row.source,
  overallScore: row.overallScore,
  basicCompliance: row.basicCompliance,
})

async function threadOf(db: Queryable, roundId: string, institutionOrgId: string): Promise<ThreadEntry[]> {
  const versions = new Map((await repo.submissionsOf(db, roundId, institutionOrgId)).map((s) => [s.id, s.version]))
  return (await repo.threadOf(db, roundId, institutionOrgId)).map(({ followup, authorName, authorOrgKind }) => ({
    id: followup.id,
    kind: followup.kind,
    side: authorOrgKind === 'supervisor' ? 'supervisor' : 'institution',
    author: authorName,
    body: followup.body,
    submissionVersion: followup.submissionId ? (versions.get(followup.submissionId) ?? null) : null,
    createdAt: followup.createdAt,
  }))
}

function cleanBody(body: string): string {
  const trimmed = body.trim()
  if (!trimmed) throw invalid(MESSAGES.blankBody, [{ path: 'body.body', message: MESSAGES.blankBody }])
  return trimmed
}

// ---------------------------------------------------------------- recording a submission

/**
 * What the ledger proves about a submission: the audit event of the submission records the digest of
 * this object as its `afterDigest`, so whoever holds the snapshot's digest can show that the ledger
 * holds it, and since when.
 */
export interface SubmissionClaim {
  roundId: string
  institutionOrgId: string
  version: number
  digest: string
  late: boolean
}

const submissionClaim = (claim: SubmissionClaim): SubmissionClaim => ({ roundId: claim.roundId, institutionOrgId: claim.institutionOrgId, version: claim.version, digest: claim.digest, late: claim.late })

export interface SubmissionReceipt {
  claim: SubmissionClaim
  /** The ledger receipt of the submission's audit event; null while it is still queued. */
  receipt: AuditReceipt | null
}

async function receiptOf(ctx: AppContext, row: repo.SubmissionRow): Promise<SubmissionReceipt> {
  const [event] = await ctx.db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, 'round_submission'), eq(auditEvents.targetId, row.id)))
    .orderBy(auditEvents.id)
    .limit(1)
  return {
    claim: submissionClaim({ roundId: row.roundId, institutionOrgId: row.institutionOrgId, version: row.version, digest: row.digest, late: row.late }),
    receipt: event ? await auditReceipt(ctx, event.id) : null,
  }
}

export interface NewSubmission {
  round: repo.RoundRow
  target: repo.TargetRow
  catalog: CatalogRow
  institution: { id: string; nameJa: string; nameEn: string }
  answers: AnswerExchange[]
  assessment: SubmissionSnapshot['assessment']
  source: 'online' | 'import'
  submitter: { userId: string; orgId: string; displayName: string }
  now: Date
}

/** Seals the snapshot, stores it with its derived scores, moves the target to submitted; returns the submission id and digest. */
export async function recordSubmission(tx: Queryable, input: NewSubmission): Promise<{ id: string; version: number; digest: string; late: boolean }> {
  const { round, target, catalog, now } = input
  const previous = await repo.submissionsOf(tx, round.id, target.institutionOrgId)
  const version = (previous.at(-1)?.version ?? 0) + 1
  // After the due date a submission is late, unless it answers the supervisor's return.
  const late = now.getTime() > round.dueAt.getTime() && target.state !== 'returned'
  const results = resultsOf(catalog.content, input.answers)
  const snapshot: SubmissionSnapshot = {
    format: SNAPSHOT_FORMAT,
    formatVersion: 1,
    round: { id: round.id, kind: round.kind, title: { ja: round.titleJa, en: round.titleEn }, dueAt: round.dueAt.toISOString() },
    institution: { id: input.institution.id, name: { ja: input.institution.nameJa, en: input.institution.nameEn }, sector: target.sector, sizeBand: target.sizeBand },
    catalog: { key: catalog.key, version: catalog.version, digest: catalog.digest },
    assessment: input.assessment,
    source: input.source,
    version,
    submittedAt: now.toISOString(),
    submittedBy: input.submitter.displayName,
    answers: input.answers,
    scores: { overall: results.overall, sections: results.sections },
  }
  const sealed = sealSnapshot(snapshot)
  const id = randomUUID()
  await repo.insertSubmission(
    tx,
    {
      id,
      roundId: round.id,
      institutionOrgId: target.institutionOrgId,
      version,
      assessmentId: input.assessment?.id ?? null,
      source: input.source,
      snapshot: sealed.text,
      digest: sealed.digest,
      submittedBy: input.submitter.userId,
      submittedAt: now,
      late,
      overallScore: results.overall.score,
      basicCompliance: results.overall.basicCompliance,
      desirableAdoption: results.overall.desirableAdoption,
      itemFlags: itemFlagsOf(results.items),
    },
    results.sections,
    results.items,
  )
  await repo.updateTarget(tx, round.id, target.institutionOrgId, { state: 'submitted', currentSubmissionId: id })
  await repo.insertFollowup(tx, {
    id: randomUUID(),
    roundId: round.id,
    institutionOrgId: target.institutionOrgId,
    submissionId: id,
    kind: 'submission',
    authorOrgId: input.submitter.orgId,
    authorUserId: input.submitter.userId,
    body: '',
    createdAt: now,
  })
  await recordAudit(tx, {
    actorUserId: input.submitter.userId,
    orgId: input.submitter.orgId,
    action: input.source === 'online' ? 'round.submitted' : 'round.submission_imported',
    target: { type: 'round_submission', id },
    after: submissionClaim({ roundId: round.id, institutionOrgId: target.institutionOrgId, version, digest: sealed.digest, late }),
    at: now,
  })
  return { id, version, digest: sealed.digest, late }
}

// ---------------------------------------------------------------- institution side

async function requireMyRound(db: Queryable, actor: Actor, id: string) {
  assertInstitution(actor)
  const found = await repo.roundForInstitution(db, actor.orgId, id)
  if (!found) throw roundNotFound()
  return found
}

async function describeMyRound(db: Queryable, actor: Actor, id: string): Promise<InstitutionRound> {
  const { round, target, supervisorNameJa, supervisorNameEn } = await requireMyRound(db, actor, id)
  const catalog = await getCatalog(db, round.catalogId)
  const submissions = (await repo.submissionsOf(db, round.id, actor.orgId)).map(entryOf)
  const current = submissions.find((s) => s.id === target.currentSubmissionId) ?? null
  const canWork = actor.role === 'admin' || actor.role === 'editor'
  return {
    id: round.id,
    kind: round.kind,
    title: { ja: round.titleJa, en: round.titleEn },
    status: round.status,
    supervisor: { ja: supervisorNameJa, en: supervisorNameEn },
    catalog: catalogRef(catalog),
    opensAt: round.opensAt,
    dueAt: round.dueAt,
    instructions: round.instructions,
    carryForward: round.carryForward,
    state: displayState({ state: target.state, submission: current }),
    assessmentId: target.assessmentId,
    submissions,
    thread: await threadOf(db, round.id, actor.orgId),
    feedbackReleased: round.feedbackReleasedAt !== null,
    permissions: {
      start: canWork && round.status === 'published' && target.assessmentId === null,
      submit: actor.role !== 'viewer' && round.status === 'published',
      respond: actor.role !== 'viewer' && round.status !== 'draft',
    },
  }
}

export interface MyRoundSummary {
  id: string
  kind: RoundKind
  title: LocalizedText
  status: RoundStatus
  supervisor: LocalizedText
  dueAt: Date
  state: DisplayState
  feedbackReleased: boolean
}

/** The published rounds that target the institution, for its dashboard. */
export async function listMyRounds(ctx: AppContext, actor: Actor): Promise<MyRoundSummary[]> {
  assertInstitution(actor)
  const rows = await repo.roundsTargeting(ctx.db, actor.orgId)
  const late = new Set(
    (
      await ctx.db
        .select({ id: supervisionSubmissions.id })
        .from(supervisionSubmissions)
        .where(and(eq(supervisionSubmissions.institutionOrgId, actor.orgId), eq(supervisionSubmissions.late, true)))
    ).map((row) => row.id),
  )
  return rows.map(({ round, target, supervisorNameJa, supervisorNameEn }) => ({
    id: round.id,
    kind: round.kind,
    title: { ja: round.titleJa, en: round.titleEn },
    status: round.status,
    supervisor: { ja: supervisorNameJa, en: supervisorNameEn },
    dueAt: round.dueAt,
    state: target.state === 'submitted' && target.currentSubmissionId && late.has(target.currentSubmissionId) ? 'late' : target.state,
    feedbackReleased: round.feedbackReleasedAt !== null,
  }))
}

export async function getMyRound(ctx: AppContext, actor: Actor, id: string): Promise<InstitutionRound> {
  return describeMyRound(ctx.db, actor, id)
}

/**
 * The answers of the institution's latest earlier submission on a catalog with the same key, for a
 * round that carries answers forward; items whose refs changed are simply not carried.
 */
async function carriedAnswers(db: Queryable, actor: Actor, round: repo.RoundRow, catalogKey: string): Promise<Map<string, AnswerExchange> | undefined> {
  if (!round.carryForward) return undefined
  const [latest] = await db
    .select({ snapshot: supervisionSubmissions.snapshot })
    .from(supervisionSubmissions)
    .innerJoin(supervisionRounds, eq(supervisionRounds.id, supervisionSubmissions.roundId))
    .innerJoin(catalogs, eq(catalogs.id, supervisionRounds.catalogId))
    .where(and(eq(supervisionSubmissions.institutionOrgId, actor.orgId), ne(supervisionSubmissions.roundId, round.id), eq(catalogs.key, catalogKey)))
    .orderBy(desc(supervisionSubmissions.submittedAt))
    .limit(1)
  if (!latest) return undefined
  const snapshot = JSON.parse(latest.snapshot) as SubmissionSnapshot
  return new Map(snapshot.answers.map((answer) => [answer.ref, answer]))
}

/** Starts the institution's assessment for the round, pre-filled from its previous round when the round allows it. */
export async function startRoundAssessment(ctx: AppContext, actor: Actor, id: string): Promise<{ assessmentId: string; carried: number }> {
  assertCanWorkOnRound(actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const { round, target } = await requireMyRound(tx, actor, id)
    if (round.status !== 'published') throw conflict('round_closed', MESSAGES.closed)
    const locked = (await repo.findTargetForUpdate(tx, round.id, actor.orgId)) as repo.TargetRow
    if (locked.assessmentId) {
      throw conflict('round_assessment_exists', { ja: 'このラウンドの自己評価は作成済みです', en: 'The assessment for this round already exists' })
    }
    const catalog = await getCatalog(tx, round.catalogId)
    const carried = await carriedAnswers(tx, actor, round, catalog.key)
    const assessmentId = await insertNewAssessment(tx, actor, { sector: target.sector, sizeBand: target.sizeBand }, { catalogId: round.catalogId, title: round.titleJa, carried }, now)
    await repo.updateTarget(tx, round.id, actor.orgId, { assessmentId, state: locked.state === 'not_started' ? 'in_progress' : locked.state })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'round.assessment_started',
      target: { type: 'round', id: round.id },
      after: { assessmentId, carried: carried?.size ?? 0 },
      at: now,
    })
    return { assessmentId, carried: carried?.size ?? 0 }
  })
}

/** Submits an approved assessment of the round's catalog; returns the round as the institution now sees it. */
export async function submitToRound(ctx: AppContext, actor: Actor, id: string, input: { assessmentId: string }): Promise<InstitutionRound> {
  assertCanSubmit(actor)
  const now = ctx.clock()
  const { detail, sent } = await ctx.db.transaction(async (tx) => {
    const { round } = await requireMyRound(tx, actor, id)
    if (round.status !== 'published') throw conflict('round_closed', MESSAGES.closed)
    if (now.getTime() < round.opensAt.getTime()) throw conflict('round_not_open', MESSAGES.notOpen)
    const target = (await repo.findTargetForUpdate(tx, round.id, actor.orgId)) as repo.TargetRow
    const assessment = await assessmentRepo.findAssessment(tx, actor.orgId, input.assessmentId)
    if (!assessment) throw invalid(MESSAGES.assessmentMissing, [{ path: 'body.assessmentId', message: MESSAGES.assessmentMissing }])
    if (assessment.status !== 'approved') throw invalid(MESSAGES.notApproved, [{ path: 'body.assessmentId', message: MESSAGES.notApproved }])
    if (assessment.catalogId !== round.catalogId) throw invalid(MESSAGES.otherCatalog, [{ path: 'body.assessmentId', message: MESSAGES.otherCatalog }])
    const catalog = await getCatalog(tx, round.catalogId)
    const [institution] = await tx.select().from(organisations).where(eq(organisations.id, actor.orgId))
    const [submitter] = await tx.select({ displayName: users.displayName }).from(users).where(eq(users.id, actor.userId))
    const approver = assessment.approvedBy ? (await assessmentRepo.displayNames(tx, [assessment.approvedBy])).get(assessment.approvedBy) ?? null : null
    const answers = (await assessmentRepo.answersOf(tx, assessment.id)).map(
      (row): AnswerExchange => ({ ref: row.itemRef, inScope: row.inScope, value: row.value, notApplicable: row.notApplicable, naReason: row.naReason, comment: row.comment }),
    )
    const order = new Map(answers.map((a, i) => [a.ref, i]))
    answers.sort((a, b) => (order.get(a.ref) ?? 0) - (order.get(b.ref) ?? 0))
    const submission = await recordSubmission(tx, {
      round,
      target,
      catalog,
      institution: institution as { id: string; nameJa: string; nameEn: string },
      answers,
      assessment: {
        id: assessment.id,
        lineageId: assessment.lineageId,
        version: assessment.version,
        title: assessment.title,
        approvedAt: assessment.approvedAt?.toISOString() ?? null,
        approvedBy: approver,
        approvalComment: assessment.approvalComment,
      },
      source: 'online',
      submitter: { userId: actor.userId, orgId: actor.orgId, displayName: submitter?.displayName ?? actor.userId },
      now,
    })
    if (!target.assessmentId) await repo.updateTarget(tx, round.id, actor.orgId, { assessmentId: assessment.id })
    const name = institution as { nameJa: string; nameEn: string }
    const sent = await notifyOrganisations(
      tx,
      [round.supervisorOrgId],
      {
        kind: 'round.submitted',
        title: {
          ja: `${name.nameJa} が「${round.titleJa}」に提出しました（第${submission.version}版${submission.late ? '・期限超過' : ''}）`,
          en: `${name.nameEn} submitted to "${round.titleEn}" (version ${submission.version}${submission.late ? ', overdue' : ''})`,
        },
        link: `/supervision/rounds/${round.id}/institutions/${actor.orgId}`,
      },
      now,
    )
    return { detail: await describeMyRound(tx, actor, id), sent }
  })
  await emailNotifications(ctx, sent)
  return detail
}

/** The institution's answer in the follow-up exchange. */
export async function respondToRound(ctx: AppContext, actor: Actor, id: string, input: { body: string }): Promise<InstitutionRound> {
  assertCanSubmit(actor)
  const body = cleanBody(input.body)
  const now = ctx.clock()
  const { detail, sent } = await ctx.db.transaction(async (tx) => {
    const { round, target } = await requireMyRound(tx, actor, id)
    await repo.insertFollowup(tx, {
      id: randomUUID(),
      roundId: round.id,
      institutionOrgId: actor.orgId,
      submissionId: target.currentSubmissionId,
      kind: 'response',
      authorOrgId: actor.orgId,
      authorUserId: actor.userId,
      body,
      createdAt: now,
    })
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'round.responded', target: { type: 'round', id: round.id }, after: { body }, at: now })
    const sent = await notifyOrganisations(
      tx,
      [round.supervisorOrgId],
      { kind: 'round.response', title: { ja: `フォローアップへの回答: ${round.titleJa}`, en: `Follow-up answer: ${round.titleEn}` }, link: `/supervision/rounds/${round.id}/institutions/${actor.orgId}` },
      now,
    )
    return { detail: await describeMyRound(tx, actor, id), sent }
  })
  await emailNotifications(ctx, sent)
  return detail
}

/** The ledger's receipt for one of the institution's own submissions. */
export async function mySubmissionReceipt(ctx: AppContext, actor: Actor, roundId: string, submissionId: string): Promise<SubmissionReceipt> {
  await requireMyRound(ctx.db, actor, roundId)
  const row = await repo.findSubmission(ctx.db, roundId, actor.orgId, submissionId)
  if (!row) throw submissionNotFound()
  return receiptOf(ctx, row)
}

/** The exact stored bytes of one of the institution's own submissions. */
export async function mySubmissionSnapshot(ctx: AppContext, actor: Actor, roundId: string, submissionId: string): Promise<{ text: string; digest: string; version: number }> {
  await requireMyRound(ctx.db, actor, roundId)
  const row = await repo.findSubmission(ctx.db, roundId, actor.orgId, submissionId)
  if (!row) throw submissionNotFound()
  return { text: row.snapshot, digest: row.digest, version: row.version }
}

// ---------------------------------------------------------------- supervisor side

async function requireTarget(db: Queryable, round: repo.RoundRow, institutionOrgId: string): Promise<repo.TargetView> {
  const [target] = await repo.targetsOf(db, round.id, institutionOrgId)
  if (!target) throw institutionNotFound()
  return target
}

/** One institution in a round: status, every submission, the thread, and the current submission's section scores. */
export async function institutionInRound(ctx: AppContext, actor: Actor, roundId: string, institutionOrgId: string): Promise<InstitutionInRound> {
  const round = await requireRound(ctx.db, actor, roundId)
  const target = await requireTarget(ctx.db, round, institutionOrgId)
  const catalog = await getCatalog(ctx.db, round.catalogId)
  let scores: InstitutionInRound['scores'] = null
  if (target.currentSubmissionId) {
    const row = await repo.findSubmission(ctx.db, round.id, institutionOrgId, target.currentSubmissionId)
    const snapshot = JSON.parse((row as repo.SubmissionRow).snapshot) as SubmissionSnapshot
    const titles = new Map(catalog.content.sections.map((section) => [section.ref, section.title]))
    scores = { sections: snapshot.scores.sections.map((section) => ({ ...section, title: titles.get(section.ref) ?? { ja: section.ref, en: section.ref } })) }
  }
  return {
    target: targetStatusOf(target),
    submissions: (await repo.submissionsOf(ctx.db, round.id, institutionOrgId)).map(entryOf),
    thread: await threadOf(ctx.db, round.id, institutionOrgId),
    scores,
  }
}

/** フォローアップ: returns the current submission with comments; the institution answers and resubmits. */
export async function returnSubmission(ctx: AppContext, actor: Actor, roundId: string, institutionOrgId: string, input: { comment: string }): Promise<InstitutionInRound> {
  assertCanManageRounds(actor)
  const comment = cleanBody(input.comment)
  const now = ctx.clock()
  const sent = await ctx.db.transaction(async (tx) => {
    const round = await requireRound(tx, actor, roundId)
    if (round.status === 'draft') throw roundNotFound()
    await requireTarget(tx, round, institutionOrgId)
    const target = (await repo.findTargetForUpdate(tx, round.id, institutionOrgId)) as repo.TargetRow
    if (target.state !== 'submitted') throw conflict('not_submitted', MESSAGES.notSubmitted)
    await repo.updateTarget(tx, round.id, institutionOrgId, { state: 'returned' })
    await repo.insertFollowup(tx, {
      id: randomUUID(),
      roundId: round.id,
      institutionOrgId,
      submissionId: target.currentSubmissionId,
      kind: 'return',
      authorOrgId: actor.orgId,
      authorUserId: actor.userId,
      body: comment,
      createdAt: now,
    })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'round.submission_returned',
      target: { type: 'round', id: round.id },
      after: { institutionOrgId, submissionId: target.currentSubmissionId, comment },
      at: now,
    })
    return notifyOrganisations(
      tx,
      [institutionOrgId],
      {
        kind: 'round.returned',
        title: { ja: `フォローアップ（差戻し）: ${round.titleJa}`, en: `Follow-up (returned): ${round.titleEn}` },
        body: { ja: comment, en: comment },
        link: `/rounds/${round.id}`,
      },
      now,
    )
  })
  await emailNotifications(ctx, sent)
  return institutionInRound(ctx, actor, roundId, institutionOrgId)
}

/** The ledger's receipt for a submission made to one of the supervisor's rounds. */
export async function supervisorSubmissionReceipt(ctx: AppContext, actor: Actor, roundId: string, institutionOrgId: string, submissionId: string): Promise<SubmissionReceipt> {
  const round = await requireRound(ctx.db, actor, roundId)
  const row = await repo.findSubmission(ctx.db, round.id, institutionOrgId, submissionId)
  if (!row) throw submissionNotFound()
  return receiptOf(ctx, row)
}

/** The exact stored bytes of a submission made to one of the supervisor's rounds. */
export async function supervisorSnapshot(ctx: AppContext, actor: Actor, roundId: string, institutionOrgId: string, submissionId: string) {
  const round = await requireRound(ctx.db, actor, roundId)
  const row = await repo.findSubmission(ctx.db, round.id, institutionOrgId, submissionId)
  if (!row) throw submissionNotFound()
  return { text: row.snapshot, digest: row.digest, version: row.version }
}

/** The approved assessments of the round's catalog the institution could submit, newest first. */
export async function approvedAssessmentsFor(ctx: AppContext, actor: Actor, roundId: string) {
  const { round } = await requireMyRound(ctx.db, actor, roundId)
  return ctx.db
    .select({ id: assessments.id, title: assessments.title, version: assessments.version, approvedAt: assessments.approvedAt })
    .from(assessments)
    .where(and(eq(assessments.orgId, actor.orgId), eq(assessments.catalogId, round.catalogId), inArray(assessments.status, ['approved'])))
    .orderBy(desc(assessments.approvedAt))
}
