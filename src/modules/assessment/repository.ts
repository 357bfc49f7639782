import { and, asc, count, desc, eq, inArray, isNotNull } from 'drizzle-orm'
import type { Queryable } from '../../db/database.js'
import { users } from '../identity/schema.js'
import { assessmentAnswers, assessments, blobs, evidence, remediationActions } from './schema.js'

// SQL of the assessment module. Every query of a tenant-owned row takes the organisation id, so a
// row of another organisation is simply not found (DESIGN.md §3).

export type AssessmentRow = typeof assessments.$inferSelect
export type AnswerRow = typeof assessmentAnswers.$inferSelect
export type EvidenceRow = typeof evidence.$inferSelect
export type ActionRow = typeof remediationActions.$inferSelect

const INSERT_CHUNK = 500

// ---------------------------------------------------------------- assessments

export async function findAssessment(db: Queryable, orgId: string, id: string): Promise<AssessmentRow | undefined> {
  const [row] = await db
    .select()
    .from(assessments)
    .where(and(eq(assessments.orgId, orgId), eq(assessments.id, id)))
  return row
}

/** Locks the row for the rest of the transaction: workflow steps and edits of one assessment queue up. */
export async function findAssessmentForUpdate(db: Queryable, orgId: string, id: string): Promise<AssessmentRow | undefined> {
  const [row] = await db
    .select()
    .from(assessments)
    .where(and(eq(assessments.orgId, orgId), eq(assessments.id, id)))
    .for('update')
  return row
}

/** Every version of every assessment of an organisation, newest version of each lineage first. */
export async function assessmentsOfOrg(db: Queryable, orgId: string): Promise<AssessmentRow[]> {
  return db.select().from(assessments).where(eq(assessments.orgId, orgId)).orderBy(asc(assessments.lineageId), desc(assessments.version))
}

export async function versionsOfLineage(db: Queryable, orgId: string, lineageId: string) {
  return db
    .select({ id: assessments.id, version: assessments.version, status: assessments.status, approvedAt: assessments.approvedAt, catalogId: assessments.catalogId })
    .from(assessments)
    .where(and(eq(assessments.orgId, orgId), eq(assessments.lineageId, lineageId)))
    .orderBy(asc(assessments.version))
}

export async function insertAssessment(db: Queryable, row: typeof assessments.$inferInsert) {
  await db.insert(assessments).values(row)
}

export async function updateAssessment(db: Queryable, id: string, changes: Partial<typeof assessments.$inferInsert>) {
  await db.update(assessments).set(changes).where(eq(assessments.id, id))
}

// ---------------------------------------------------------------- answers

export async function answersOf(db: Queryable, assessmentId: string): Promise<AnswerRow[]> {
  return db.select().from(assessmentAnswers).where(eq(assessmentAnswers.assessmentId, assessmentId))
}

export async function answersOfMany(db: Queryable, assessmentIds: string[]): Promise<AnswerRow[]> {
  if (assessmentIds.length === 0) return []
  return db.select().from(assessmentAnswers).where(inArray(assessmentAnswers.assessmentId, assessmentIds))
}

export async function findAnswer(db: Queryable, assessmentId: string, ref: string): Promise<AnswerRow | undefined> {
  const [row] = await db
    .select()
    .from(assessmentAnswers)
    .where(and(eq(assessmentAnswers.assessmentId, assessmentId), eq(assessmentAnswers.itemRef, ref)))
  return row
}

export async function insertAnswers(db: Queryable, rows: (typeof assessmentAnswers.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await db.insert(assessmentAnswers).values(rows.slice(i, i + INSERT_CHUNK))
}

/** Writes an answer row, creating it when the assessment has none for the item yet. */
export async function saveAnswer(db: Queryable, row: typeof assessmentAnswers.$inferInsert) {
  const { assessmentId: _assessmentId, itemRef: _itemRef, ...changes } = row
  await db
    .insert(assessmentAnswers)
    .values(row)
    .onConflictDoUpdate({ target: [assessmentAnswers.assessmentId, assessmentAnswers.itemRef], set: changes })
}

/** Everyone who is the last editor of at least one answer (the four-eyes rule looks at these). */
export async function lastEditorIds(db: Queryable, assessmentId: string): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ userId: assessmentAnswers.updatedBy })
    .from(assessmentAnswers)
    .where(and(eq(assessmentAnswers.assessmentId, assessmentId), isNotNull(assessmentAnswers.updatedBy)))
  return new Set(rows.flatMap((row) => (row.userId ? [row.userId] : [])))
}

// ---------------------------------------------------------------- evidence and blobs

export interface EvidenceView extends EvidenceRow {
  uploaderName: string
}

const evidenceWithUploader = {
  id: evidence.id,
  orgId: evidence.orgId,
  assessmentId: evidence.assessmentId,
  itemRef: evidence.itemRef,
  sha256: evidence.sha256,
  filename: evidence.filename,
  mediaType: evidence.mediaType,
  sizeBytes: evidence.sizeBytes,
  uploadedBy: evidence.uploadedBy,
  uploadedAt: evidence.uploadedAt,
  uploaderName: users.displayName,
}

export async function evidenceOf(db: Queryable, orgId: string, assessmentId: string): Promise<EvidenceView[]> {
  return db
    .select(evidenceWithUploader)
    .from(evidence)
    .innerJoin(users, eq(users.id, evidence.uploadedBy))
    .where(and(eq(evidence.orgId, orgId), eq(evidence.assessmentId, assessmentId)))
    .orderBy(asc(evidence.uploadedAt), asc(evidence.id))
}

export async function findEvidence(db: Queryable, orgId: string, id: string): Promise<EvidenceView | undefined> {
  const [row] = await db
    .select(evidenceWithUploader)
    .from(evidence)
    .innerJoin(users, eq(users.id, evidence.uploadedBy))
    .where(and(eq(evidence.orgId, orgId), eq(evidence.id, id)))
  return row
}

export async function evidenceCounts(db: Queryable, orgId: string, assessmentId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ itemRef: evidence.itemRef, n: count() })
    .from(evidence)
    .where(and(eq(evidence.orgId, orgId), eq(evidence.assessmentId, assessmentId)))
    .groupBy(evidence.itemRef)
  return new Map(rows.map((row) => [row.itemRef, Number(row.n)]))
}

export async function insertEvidence(db: Queryable, rows: (typeof evidence.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await db.insert(evidence).values(rows.slice(i, i + INSERT_CHUNK))
}

export async function deleteEvidence(db: Queryable, orgId: string, id: string) {
  await db.delete(evidence).where(and(eq(evidence.orgId, orgId), eq(evidence.id, id)))
}

/** Records a stored blob once; the same bytes uploaded again share the row. */
export async function ensureBlob(db: Queryable, blob: { sha256: string; sizeBytes: number; mediaType: string }) {
  await db.insert(blobs).values(blob).onConflictDoNothing({ target: blobs.sha256 })
}

// ---------------------------------------------------------------- remediation actions

export async function actionsOfLineage(db: Queryable, orgId: string, lineageId: string): Promise<ActionRow[]> {
  return db
    .select()
    .from(remediationActions)
    .where(and(eq(remediationActions.orgId, orgId), eq(remediationActions.lineageId, lineageId)))
    .orderBy(asc(remediationActions.createdAt), asc(remediationActions.id))
}

export async function findAction(db: Queryable, orgId: string, id: string): Promise<ActionRow | undefined> {
  const [row] = await db
    .select()
    .from(remediationActions)
    .where(and(eq(remediationActions.orgId, orgId), eq(remediationActions.id, id)))
  return row
}

export async function insertAction(db: Queryable, row: typeof remediationActions.$inferInsert) {
  await db.insert(remediationActions).values(row)
}

export async function updateAction(db: Queryable, orgId: string, id: string, changes: Partial<typeof remediationActions.$inferInsert>) {
  await db
    .update(remediationActions)
    .set(changes)
    .where(and(eq(remediationActions.orgId, orgId), eq(remediationActions.id, id)))
}

export async function deleteAction(db: Queryable, orgId: string, id: string) {
  await db.delete(remediationActions).where(and(eq(remediationActions.orgId, orgId), eq(remediationActions.id, id)))
}

// ---------------------------------------------------------------- people

/** Display names of users, for "who did it" fields; a user is named even after leaving the organisation. */
export async function displayNames(db: Queryable, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, wanted))
  return new Map(rows.map((row) => [row.id, row.displayName]))
}
