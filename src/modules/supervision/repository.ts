import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import { queryRows, type Queryable } from '../../db/database.js'
import { organisations, users } from '../identity/schema.js'
import { supervisionLinks } from '../incident/schema.js'
import {
  supervisionFeedback,
  supervisionFeedbackJobs,
  supervisionFollowups,
  supervisionItemResults,
  supervisionRoundTargets,
  supervisionRounds,
  supervisionSectionScores,
  supervisionSubmissions,
} from './schema.js'

// SQL of the supervision module. A supervisor's queries take its own organisation id; an
// institution's reach a round only through its target row, and only once the round is published.

export type RoundRow = typeof supervisionRounds.$inferSelect
export type TargetRow = typeof supervisionRoundTargets.$inferSelect
export type SubmissionRow = typeof supervisionSubmissions.$inferSelect
export type FollowupRow = typeof supervisionFollowups.$inferSelect
export type FeedbackRow = typeof supervisionFeedback.$inferSelect
export type FeedbackJobRow = typeof supervisionFeedbackJobs.$inferSelect
export type SubmissionSummary = Omit<SubmissionRow, 'snapshot' | 'itemFlags'>

export interface InstitutionRef {
  id: string
  nameJa: string
  nameEn: string
  sector: string
  sizeBand: string
}

// ---------------------------------------------------------------- rounds

export async function findRound(db: Queryable, supervisorOrgId: string, id: string): Promise<RoundRow | undefined> {
  const [row] = await db
    .select()
    .from(supervisionRounds)
    .where(and(eq(supervisionRounds.supervisorOrgId, supervisorOrgId), eq(supervisionRounds.id, id)))
  return row
}

export async function findRoundForUpdate(db: Queryable, supervisorOrgId: string, id: string): Promise<RoundRow | undefined> {
  const [row] = await db
    .select()
    .from(supervisionRounds)
    .where(and(eq(supervisionRounds.supervisorOrgId, supervisorOrgId), eq(supervisionRounds.id, id)))
    .for('update')
  return row
}

export async function roundsOfSupervisor(db: Queryable, supervisorOrgId: string): Promise<RoundRow[]> {
  return db.select().from(supervisionRounds).where(eq(supervisionRounds.supervisorOrgId, supervisorOrgId)).orderBy(desc(supervisionRounds.createdAt))
}

export async function insertRound(db: Queryable, row: typeof supervisionRounds.$inferInsert) {
  await db.insert(supervisionRounds).values(row)
}

export async function updateRound(db: Queryable, id: string, changes: Partial<typeof supervisionRounds.$inferInsert>) {
  await db.update(supervisionRounds).set(changes).where(eq(supervisionRounds.id, id))
}

/** The round before this one: the same supervisor's latest other published round on a catalog of the same key, published earlier. */
export async function previousRound(db: Queryable, round: RoundRow, catalogKey: string): Promise<RoundRow | undefined> {
  if (!round.publishedAt) return undefined
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    SELECT r.id FROM supervision_rounds r JOIN catalogs c ON c.id = r.catalog_id
    WHERE r.supervisor_org_id = ${round.supervisorOrgId} AND r.id <> ${round.id} AND c.key = ${catalogKey}
      AND r.published_at IS NOT NULL AND r.published_at < ${round.publishedAt.toISOString()}
    ORDER BY r.published_at DESC LIMIT 1`,
  )
  const id = rows[0]?.id
  return id ? findRound(db, round.supervisorOrgId, id) : undefined
}

// ---------------------------------------------------------------- jurisdiction

/** The institutions in the supervisor's jurisdiction, with what peer groups need. */
export async function jurisdiction(db: Queryable, supervisorOrgId: string): Promise<InstitutionRef[]> {
  const rows = await db
    .select({ id: organisations.id, nameJa: organisations.nameJa, nameEn: organisations.nameEn, sector: organisations.sector, sizeBand: organisations.sizeBand })
    .from(supervisionLinks)
    .innerJoin(organisations, eq(organisations.id, supervisionLinks.institutionOrgId))
    .where(and(eq(supervisionLinks.supervisorOrgId, supervisorOrgId), eq(organisations.kind, 'institution')))
    .orderBy(asc(organisations.nameJa))
  return rows.map((row) => ({ ...row, sector: row.sector ?? 'other', sizeBand: row.sizeBand ?? 'small' }))
}

// ---------------------------------------------------------------- targets

export async function insertTargets(db: Queryable, rows: (typeof supervisionRoundTargets.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(supervisionRoundTargets).values(rows.slice(i, i + 1000))
}

export interface TargetView extends TargetRow {
  nameJa: string
  nameEn: string
  submission: SubmissionSummary | null
}

const submissionSummaryColumns = {
  id: supervisionSubmissions.id,
  roundId: supervisionSubmissions.roundId,
  institutionOrgId: supervisionSubmissions.institutionOrgId,
  version: supervisionSubmissions.version,
  assessmentId: supervisionSubmissions.assessmentId,
  source: supervisionSubmissions.source,
  digest: supervisionSubmissions.digest,
  submittedBy: supervisionSubmissions.submittedBy,
  submittedAt: supervisionSubmissions.submittedAt,
  late: supervisionSubmissions.late,
  overallScore: supervisionSubmissions.overallScore,
  basicCompliance: supervisionSubmissions.basicCompliance,
  desirableAdoption: supervisionSubmissions.desirableAdoption,
}

export async function targetsOf(db: Queryable, roundId: string, institutionOrgId?: string): Promise<TargetView[]> {
  const rows = await db
    .select({ target: supervisionRoundTargets, nameJa: organisations.nameJa, nameEn: organisations.nameEn, submission: submissionSummaryColumns })
    .from(supervisionRoundTargets)
    .innerJoin(organisations, eq(organisations.id, supervisionRoundTargets.institutionOrgId))
    .leftJoin(supervisionSubmissions, eq(supervisionSubmissions.id, supervisionRoundTargets.currentSubmissionId))
    .where(
      institutionOrgId
        ? and(eq(supervisionRoundTargets.roundId, roundId), eq(supervisionRoundTargets.institutionOrgId, institutionOrgId))
        : eq(supervisionRoundTargets.roundId, roundId),
    )
    .orderBy(asc(organisations.nameJa))
  return rows.map(({ target, nameJa, nameEn, submission }) => ({ ...target, nameJa, nameEn, submission: submission?.id ? submission : null }))
}

export async function findTargetForUpdate(db: Queryable, roundId: string, institutionOrgId: string): Promise<TargetRow | undefined> {
  const [row] = await db
    .select()
    .from(supervisionRoundTargets)
    .where(and(eq(supervisionRoundTargets.roundId, roundId), eq(supervisionRoundTargets.institutionOrgId, institutionOrgId)))
    .for('update')
  return row
}

export async function updateTarget(db: Queryable, roundId: string, institutionOrgId: string, changes: Partial<typeof supervisionRoundTargets.$inferInsert>) {
  await db
    .update(supervisionRoundTargets)
    .set(changes)
    .where(and(eq(supervisionRoundTargets.roundId, roundId), eq(supervisionRoundTargets.institutionOrgId, institutionOrgId)))
}

export async function stateCounts(db: Queryable, roundIds: string[]): Promise<Map<string, { targets: number; started: number; submitted: number; late: number; returned: number }>> {
  const out = new Map<string, { targets: number; started: number; submitted: number; late: number; returned: number }>()
  if (roundIds.length === 0) return out
  const rows = await db
    .select({
      roundId: supervisionRoundTargets.roundId,
      targets: sql<number>`count(*)::int`,
      started: sql<number>`(count(*) FILTER (WHERE ${supervisionRoundTargets.state} <> 'not_started'))::int`,
      submitted: sql<number>`(count(*) FILTER (WHERE ${supervisionRoundTargets.state} = 'submitted'))::int`,
      late: sql<number>`(count(*) FILTER (WHERE ${supervisionRoundTargets.state} = 'submitted' AND ${supervisionSubmissions.late}))::int`,
      returned: sql<number>`(count(*) FILTER (WHERE ${supervisionRoundTargets.state} = 'returned'))::int`,
    })
    .from(supervisionRoundTargets)
    .leftJoin(supervisionSubmissions, eq(supervisionSubmissions.id, supervisionRoundTargets.currentSubmissionId))
    .where(inArray(supervisionRoundTargets.roundId, roundIds))
    .groupBy(supervisionRoundTargets.roundId)
  for (const row of rows) out.set(row.roundId, row)
  return out
}

/** Published rounds that target the institution, newest first. */
export async function roundsTargeting(db: Queryable, institutionOrgId: string): Promise<{ round: RoundRow; target: TargetRow; supervisorNameJa: string; supervisorNameEn: string }[]> {
  return db
    .select({ round: supervisionRounds, target: supervisionRoundTargets, supervisorNameJa: organisations.nameJa, supervisorNameEn: organisations.nameEn })
    .from(supervisionRoundTargets)
    .innerJoin(supervisionRounds, eq(supervisionRounds.id, supervisionRoundTargets.roundId))
    .innerJoin(organisations, eq(organisations.id, supervisionRounds.supervisorOrgId))
    .where(and(eq(supervisionRoundTargets.institutionOrgId, institutionOrgId), inArray(supervisionRounds.status, ['published', 'closed'])))
    .orderBy(desc(supervisionRounds.dueAt))
}

/** A published round as its target institution sees it; undefined for any other round. */
export async function roundForInstitution(db: Queryable, institutionOrgId: string, roundId: string) {
  const [row] = await db
    .select({ round: supervisionRounds, target: supervisionRoundTargets, supervisorNameJa: organisations.nameJa, supervisorNameEn: organisations.nameEn })
    .from(supervisionRoundTargets)
    .innerJoin(supervisionRounds, eq(supervisionRounds.id, supervisionRoundTargets.roundId))
    .innerJoin(organisations, eq(organisations.id, supervisionRounds.supervisorOrgId))
    .where(
      and(
        eq(supervisionRoundTargets.institutionOrgId, institutionOrgId),
        eq(supervisionRoundTargets.roundId, roundId),
        inArray(supervisionRounds.status, ['published', 'closed']),
      ),
    )
  return row
}

// ---------------------------------------------------------------- submissions

export async function submissionsOf(db: Queryable, roundId: string, institutionOrgId: string): Promise<(SubmissionSummary & { submitterName: string })[]> {
  return db
    .select({ ...submissionSummaryColumns, submitterName: users.displayName })
    .from(supervisionSubmissions)
    .innerJoin(users, eq(users.id, supervisionSubmissions.submittedBy))
    .where(and(eq(supervisionSubmissions.roundId, roundId), eq(supervisionSubmissions.institutionOrgId, institutionOrgId)))
    .orderBy(asc(supervisionSubmissions.version))
}

export async function findSubmission(db: Queryable, roundId: string, institutionOrgId: string, id: string): Promise<SubmissionRow | undefined> {
  const [row] = await db
    .select()
    .from(supervisionSubmissions)
    .where(and(eq(supervisionSubmissions.roundId, roundId), eq(supervisionSubmissions.institutionOrgId, institutionOrgId), eq(supervisionSubmissions.id, id)))
  return row
}

export async function latestSubmissionOfInstitution(db: Queryable, roundIds: string[], institutionOrgId: string): Promise<SubmissionRow | undefined> {
  if (roundIds.length === 0) return undefined
  const [row] = await db
    .select()
    .from(supervisionSubmissions)
    .where(and(inArray(supervisionSubmissions.roundId, roundIds), eq(supervisionSubmissions.institutionOrgId, institutionOrgId)))
    .orderBy(desc(supervisionSubmissions.submittedAt))
    .limit(1)
  return row
}

export async function insertSubmission(
  db: Queryable,
  row: typeof supervisionSubmissions.$inferInsert,
  sections: { ref: string; score: number | null; basicCompliance: number | null }[],
  items: { ref: string; assessed: boolean; score: number; inPlace: boolean }[],
) {
  await db.insert(supervisionSubmissions).values(row)
  if (sections.length > 0) {
    await db.insert(supervisionSectionScores).values(sections.map((s) => ({ submissionId: row.id, sectionRef: s.ref, score: s.score, basicCompliance: s.basicCompliance })))
  }
  if (items.length > 0) {
    await db.insert(supervisionItemResults).values(items.map((i) => ({ submissionId: row.id, itemRef: i.ref, assessed: i.assessed, score: i.score, inPlace: i.inPlace })))
  }
}

// ---------------------------------------------------------------- follow-up

export async function insertFollowup(db: Queryable, row: typeof supervisionFollowups.$inferInsert) {
  await db.insert(supervisionFollowups).values(row)
}

export async function threadOf(db: Queryable, roundId: string, institutionOrgId: string) {
  return db
    .select({ followup: supervisionFollowups, authorName: users.displayName, authorOrgKind: organisations.kind })
    .from(supervisionFollowups)
    .innerJoin(organisations, eq(organisations.id, supervisionFollowups.authorOrgId))
    .leftJoin(users, eq(users.id, supervisionFollowups.authorUserId))
    .where(and(eq(supervisionFollowups.roundId, roundId), eq(supervisionFollowups.institutionOrgId, institutionOrgId)))
    .orderBy(asc(supervisionFollowups.createdAt), asc(supervisionFollowups.id))
}

// ---------------------------------------------------------------- feedback

export async function findFeedback(db: Queryable, roundId: string, institutionOrgId: string): Promise<FeedbackRow | undefined> {
  const [row] = await db
    .select()
    .from(supervisionFeedback)
    .where(and(eq(supervisionFeedback.roundId, roundId), eq(supervisionFeedback.institutionOrgId, institutionOrgId)))
  return row
}

export async function saveFeedback(db: Queryable, row: typeof supervisionFeedback.$inferInsert) {
  await db
    .insert(supervisionFeedback)
    .values(row)
    .onConflictDoUpdate({
      target: [supervisionFeedback.roundId, supervisionFeedback.institutionOrgId],
      set: { report: row.report, pdfJaSha256: row.pdfJaSha256, pdfEnSha256: row.pdfEnSha256, generatedAt: row.generatedAt },
    })
}

export async function deleteFeedbackOf(db: Queryable, roundId: string) {
  await db.delete(supervisionFeedback).where(eq(supervisionFeedback.roundId, roundId))
}

export async function findJob(db: Queryable, roundId: string): Promise<FeedbackJobRow | undefined> {
  const [row] = await db.select().from(supervisionFeedbackJobs).where(eq(supervisionFeedbackJobs.roundId, roundId))
  return row
}

export async function saveJob(db: Queryable, row: typeof supervisionFeedbackJobs.$inferInsert) {
  await db
    .insert(supervisionFeedbackJobs)
    .values(row)
    .onConflictDoUpdate({ target: supervisionFeedbackJobs.roundId, set: { state: row.state, total: row.total, done: row.done ?? 0, startedBy: row.startedBy, startedAt: row.startedAt, finishedAt: row.finishedAt ?? null, error: row.error ?? null } })
}

export async function updateJob(db: Queryable, roundId: string, changes: Partial<typeof supervisionFeedbackJobs.$inferInsert>) {
  await db.update(supervisionFeedbackJobs).set(changes).where(eq(supervisionFeedbackJobs.roundId, roundId))
}
