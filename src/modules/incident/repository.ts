import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm'
import type { Queryable } from '../../db/database.js'
import { queryRows } from '../../db/database.js'
// The blob registry is shared by every file kind stored in the blob store (evidence, attachments).
import { blobs } from '../assessment/schema.js'
import { organisations, users } from '../identity/schema.js'
import {
  incidentAcknowledgements,
  incidentAttachments,
  incidentDrafts,
  incidentMessages,
  incidentReports,
  incidents,
  incidentSeverityOverrides,
  supervisionLinks,
  type Phase,
} from './schema.js'

// SQL of the incident module. An institution's queries take its organisation id; a supervisor's
// take its own id and reach an incident only through supervision_links and only once a report has
// been submitted (latest_version > 0), so a draft or another jurisdiction is simply not found.

export type IncidentRow = typeof incidents.$inferSelect
export type ReportRow = typeof incidentReports.$inferSelect
export type DraftRow = typeof incidentDrafts.$inferSelect
export type AttachmentRow = typeof incidentAttachments.$inferSelect
export type AcknowledgementRow = typeof incidentAcknowledgements.$inferSelect
export type OverrideRow = typeof incidentSeverityOverrides.$inferSelect
export type MessageRow = typeof incidentMessages.$inferSelect
export type OrganisationRef = { id: string; kind: string; nameJa: string; nameEn: string; sector: string | null }

// ---------------------------------------------------------------- incidents (institution)

export async function findIncident(db: Queryable, orgId: string, id: string): Promise<IncidentRow | undefined> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), eq(incidents.id, id)))
  return row
}

/** Locks the incident for the rest of the transaction: drafts, submissions and uploads of one incident queue up. */
export async function findIncidentForUpdate(db: Queryable, orgId: string, id: string): Promise<IncidentRow | undefined> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), eq(incidents.id, id)))
    .for('update')
  return row
}

export async function incidentsOfOrg(db: Queryable, orgId: string): Promise<{ incident: IncidentRow; draft: DraftRow | null }[]> {
  const rows = await db
    .select({ incident: incidents, draft: incidentDrafts })
    .from(incidents)
    .leftJoin(incidentDrafts, eq(incidentDrafts.incidentId, incidents.id))
    .where(eq(incidents.orgId, orgId))
    .orderBy(desc(incidents.updatedAt), asc(incidents.reference))
  return rows
}

export async function incidentsByIds(db: Queryable, orgId: string, ids: string[]): Promise<IncidentRow[]> {
  if (ids.length === 0) return []
  return db
    .select()
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), inArray(incidents.id, ids)))
}

export async function insertIncident(db: Queryable, row: typeof incidents.$inferInsert) {
  await db.insert(incidents).values(row)
}

export async function updateIncident(db: Queryable, orgId: string, id: string, changes: Partial<typeof incidents.$inferInsert>) {
  await db
    .update(incidents)
    .set(changes)
    .where(and(eq(incidents.orgId, orgId), eq(incidents.id, id)))
}

export async function deleteIncident(db: Queryable, orgId: string, id: string) {
  await db.delete(incidents).where(and(eq(incidents.orgId, orgId), eq(incidents.id, id)))
}

/**
 * The next number of the institution's references for a year (INC-2026-0007). A transaction-scoped
 * advisory lock per organisation makes two reports filed at the same moment take turns.
 */
export async function nextReferenceNumber(tx: Queryable, orgId: string, year: number): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`kamae.incident.reference:${orgId}`}))`)
  const [row] = await queryRows<{ n: number | null }>(
    tx,
    sql`select max(substring(reference from ${`^INC-${year}-([0-9]+)$`})::int) as n from incidents where org_id = ${orgId} and reference like ${`INC-${year}-%`}`,
  )
  return (row?.n ?? 0) + 1
}

// ---------------------------------------------------------------- incidents (supervisor)

export interface VisibleIncident {
  incident: IncidentRow
  institution: OrganisationRef
}

const institutionColumns = {
  id: organisations.id,
  kind: organisations.kind,
  nameJa: organisations.nameJa,
  nameEn: organisations.nameEn,
  sector: organisations.sector,
}

/** An incident as a supervisor may see it: in its jurisdiction and submitted at least once. */
export async function findVisibleIncident(db: Queryable, supervisorOrgId: string, id: string): Promise<VisibleIncident | undefined> {
  const [row] = await db
    .select({ incident: incidents, institution: institutionColumns })
    .from(incidents)
    .innerJoin(supervisionLinks, and(eq(supervisionLinks.institutionOrgId, incidents.orgId), eq(supervisionLinks.supervisorOrgId, supervisorOrgId)))
    .innerJoin(organisations, eq(organisations.id, incidents.orgId))
    .where(and(eq(incidents.id, id), gt(incidents.latestVersion, 0)))
  return row
}

export interface InboxFilters {
  sector?: string
  category?: string
  severity?: string
  phase?: Phase
  overdue?: boolean
  acknowledged?: boolean
  institutionId?: string
  ids?: string[]
}

export interface InboxRow extends VisibleIncident {
  overrideSeverity: string | null
  acknowledgedAt: Date | null
}

function inboxConditions(filters: InboxFilters, now: Date): SQL[] {
  const effectiveSeverity = sql`coalesce(${incidentSeverityOverrides.severity}, ${incidents.severity})`
  const conditions: SQL[] = [gt(incidents.latestVersion, 0)]
  if (filters.sector) conditions.push(eq(organisations.sector, filters.sector))
  if (filters.category) conditions.push(eq(incidents.category, filters.category))
  if (filters.severity) conditions.push(sql`${effectiveSeverity} = ${filters.severity}`)
  if (filters.phase) conditions.push(eq(incidents.latestPhase, filters.phase))
  if (filters.institutionId) conditions.push(eq(incidents.orgId, filters.institutionId))
  if (filters.ids) conditions.push(inArray(incidents.id, filters.ids.length > 0 ? filters.ids : ['00000000-0000-0000-0000-000000000000']))
  if (filters.overdue === true) conditions.push(and(isNotNull(incidents.nextDueAt), lt(incidents.nextDueAt, now)) as SQL)
  if (filters.overdue === false) conditions.push(sql`(${incidents.nextDueAt} is null or ${incidents.nextDueAt} >= ${now})`)
  if (filters.acknowledged === true) conditions.push(isNotNull(incidentAcknowledgements.acknowledgedAt))
  if (filters.acknowledged === false) conditions.push(isNull(incidentAcknowledgements.acknowledgedAt))
  return conditions
}

function inboxQuery(db: Queryable, supervisorOrgId: string) {
  return db
    .select({
      incident: incidents,
      institution: institutionColumns,
      overrideSeverity: incidentSeverityOverrides.severity,
      acknowledgedAt: incidentAcknowledgements.acknowledgedAt,
    })
    .from(incidents)
    .innerJoin(supervisionLinks, and(eq(supervisionLinks.institutionOrgId, incidents.orgId), eq(supervisionLinks.supervisorOrgId, supervisorOrgId)))
    .innerJoin(organisations, eq(organisations.id, incidents.orgId))
    .leftJoin(incidentSeverityOverrides, and(eq(incidentSeverityOverrides.incidentId, incidents.id), eq(incidentSeverityOverrides.supervisorOrgId, supervisorOrgId)))
    .leftJoin(
      incidentAcknowledgements,
      and(eq(incidentAcknowledgements.reportId, incidents.latestReportId), eq(incidentAcknowledgements.supervisorOrgId, supervisorOrgId)),
    )
}

/** The supervisor's inbox: submitted incidents of its jurisdiction, newest report first. */
export async function inbox(db: Queryable, supervisorOrgId: string, filters: InboxFilters, now: Date, page: { limit: number; offset: number }): Promise<{ rows: InboxRow[]; total: number }> {
  const where = and(...inboxConditions(filters, now))
  const rows = await inboxQuery(db, supervisorOrgId)
    .where(where)
    .orderBy(desc(incidents.lastSubmittedAt), asc(incidents.id))
    .limit(page.limit)
    .offset(page.offset)
  const [total] = await db
    .select({ n: count() })
    .from(incidents)
    .innerJoin(supervisionLinks, and(eq(supervisionLinks.institutionOrgId, incidents.orgId), eq(supervisionLinks.supervisorOrgId, supervisorOrgId)))
    .innerJoin(organisations, eq(organisations.id, incidents.orgId))
    .leftJoin(incidentSeverityOverrides, and(eq(incidentSeverityOverrides.incidentId, incidents.id), eq(incidentSeverityOverrides.supervisorOrgId, supervisorOrgId)))
    .leftJoin(
      incidentAcknowledgements,
      and(eq(incidentAcknowledgements.reportId, incidents.latestReportId), eq(incidentAcknowledgements.supervisorOrgId, supervisorOrgId)),
    )
    .where(where)
  return { rows, total: Number(total?.n ?? 0) }
}

// ---------------------------------------------------------------- reports

export async function reportsOf(db: Queryable, incidentId: string): Promise<ReportRow[]> {
  return db.select().from(incidentReports).where(eq(incidentReports.incidentId, incidentId)).orderBy(asc(incidentReports.version))
}

export async function reportsOfMany(db: Queryable, incidentIds: string[]): Promise<ReportRow[]> {
  if (incidentIds.length === 0) return []
  return db.select().from(incidentReports).where(inArray(incidentReports.incidentId, incidentIds)).orderBy(asc(incidentReports.incidentId), asc(incidentReports.version))
}

/** Phase and time of every submitted report of the incidents, oldest first: enough for the deadline clocks. */
export async function submissionsOfMany(db: Queryable, incidentIds: string[]): Promise<Map<string, { phase: Phase; submittedAt: Date }[]>> {
  const byIncident = new Map<string, { phase: Phase; submittedAt: Date }[]>()
  if (incidentIds.length === 0) return byIncident
  const rows = await db
    .select({ incidentId: incidentReports.incidentId, phase: incidentReports.phase, submittedAt: incidentReports.submittedAt })
    .from(incidentReports)
    .where(inArray(incidentReports.incidentId, incidentIds))
    .orderBy(asc(incidentReports.version))
  for (const row of rows) {
    const list = byIncident.get(row.incidentId) ?? []
    list.push({ phase: row.phase, submittedAt: row.submittedAt })
    byIncident.set(row.incidentId, list)
  }
  return byIncident
}

export async function insertReport(db: Queryable, row: typeof incidentReports.$inferInsert) {
  await db.insert(incidentReports).values(row)
}

// ---------------------------------------------------------------- drafts

export async function findDraft(db: Queryable, orgId: string, incidentId: string): Promise<DraftRow | undefined> {
  const [row] = await db
    .select()
    .from(incidentDrafts)
    .where(and(eq(incidentDrafts.orgId, orgId), eq(incidentDrafts.incidentId, incidentId)))
  return row
}

export async function saveDraft(db: Queryable, row: typeof incidentDrafts.$inferInsert) {
  const { incidentId: _incidentId, ...changes } = row
  await db.insert(incidentDrafts).values(row).onConflictDoUpdate({ target: incidentDrafts.incidentId, set: changes })
}

export async function deleteDraft(db: Queryable, orgId: string, incidentId: string) {
  await db.delete(incidentDrafts).where(and(eq(incidentDrafts.orgId, orgId), eq(incidentDrafts.incidentId, incidentId)))
}

// ---------------------------------------------------------------- attachments

export async function attachmentsOf(db: Queryable, incidentId: string, submittedOnly: boolean): Promise<AttachmentRow[]> {
  return db
    .select()
    .from(incidentAttachments)
    .where(and(eq(incidentAttachments.incidentId, incidentId), submittedOnly ? isNotNull(incidentAttachments.reportId) : undefined))
    .orderBy(asc(incidentAttachments.uploadedAt), asc(incidentAttachments.id))
}

export async function findAttachment(db: Queryable, orgId: string, id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db
    .select()
    .from(incidentAttachments)
    .where(and(eq(incidentAttachments.orgId, orgId), eq(incidentAttachments.id, id)))
  return row
}

/** A submitted attachment of an incident in the supervisor's jurisdiction; a draft's file is never found. */
export async function findVisibleAttachment(db: Queryable, supervisorOrgId: string, id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db
    .select({ attachment: incidentAttachments })
    .from(incidentAttachments)
    .innerJoin(supervisionLinks, and(eq(supervisionLinks.institutionOrgId, incidentAttachments.orgId), eq(supervisionLinks.supervisorOrgId, supervisorOrgId)))
    .where(and(eq(incidentAttachments.id, id), isNotNull(incidentAttachments.reportId)))
  return row?.attachment
}

export async function insertAttachment(db: Queryable, row: typeof incidentAttachments.$inferInsert) {
  await db.insert(incidentAttachments).values(row)
}

export async function deleteAttachment(db: Queryable, orgId: string, id: string) {
  await db.delete(incidentAttachments).where(and(eq(incidentAttachments.orgId, orgId), eq(incidentAttachments.id, id), isNull(incidentAttachments.reportId)))
}

export async function deletePendingAttachments(db: Queryable, orgId: string, incidentId: string) {
  await db
    .delete(incidentAttachments)
    .where(and(eq(incidentAttachments.orgId, orgId), eq(incidentAttachments.incidentId, incidentId), isNull(incidentAttachments.reportId)))
}

export async function pendingAttachments(db: Queryable, orgId: string, incidentId: string): Promise<AttachmentRow[]> {
  return db
    .select()
    .from(incidentAttachments)
    .where(and(eq(incidentAttachments.orgId, orgId), eq(incidentAttachments.incidentId, incidentId), isNull(incidentAttachments.reportId)))
    .orderBy(asc(incidentAttachments.uploadedAt), asc(incidentAttachments.id))
}

/** Files waiting for the next report become part of the report just submitted. */
export async function assignPendingAttachments(db: Queryable, orgId: string, incidentId: string, reportId: string) {
  await db
    .update(incidentAttachments)
    .set({ reportId })
    .where(and(eq(incidentAttachments.orgId, orgId), eq(incidentAttachments.incidentId, incidentId), isNull(incidentAttachments.reportId)))
}

/** Records a stored blob once; the same bytes uploaded again share the row. */
export async function ensureBlob(db: Queryable, blob: { sha256: string; sizeBytes: number; mediaType: string }) {
  await db.insert(blobs).values(blob).onConflictDoNothing({ target: blobs.sha256 })
}

// ---------------------------------------------------------------- acknowledgements, overrides, messages

export async function acknowledgementsOf(db: Queryable, incidentIds: string[], supervisorOrgId?: string): Promise<AcknowledgementRow[]> {
  if (incidentIds.length === 0) return []
  return db
    .select()
    .from(incidentAcknowledgements)
    .where(and(inArray(incidentAcknowledgements.incidentId, incidentIds), supervisorOrgId ? eq(incidentAcknowledgements.supervisorOrgId, supervisorOrgId) : undefined))
    .orderBy(asc(incidentAcknowledgements.acknowledgedAt))
}

/** True when this acknowledgement is new. */
export async function insertAcknowledgement(db: Queryable, row: typeof incidentAcknowledgements.$inferInsert): Promise<boolean> {
  const inserted = await db
    .insert(incidentAcknowledgements)
    .values(row)
    .onConflictDoNothing({ target: [incidentAcknowledgements.reportId, incidentAcknowledgements.supervisorOrgId] })
    .returning({ reportId: incidentAcknowledgements.reportId })
  return inserted.length > 0
}

export async function overridesOf(db: Queryable, incidentIds: string[], supervisorOrgId?: string): Promise<OverrideRow[]> {
  if (incidentIds.length === 0) return []
  return db
    .select()
    .from(incidentSeverityOverrides)
    .where(and(inArray(incidentSeverityOverrides.incidentId, incidentIds), supervisorOrgId ? eq(incidentSeverityOverrides.supervisorOrgId, supervisorOrgId) : undefined))
    .orderBy(asc(incidentSeverityOverrides.overriddenAt))
}

export async function saveOverride(db: Queryable, row: typeof incidentSeverityOverrides.$inferInsert) {
  const { incidentId: _incidentId, supervisorOrgId: _supervisorOrgId, ...changes } = row
  await db
    .insert(incidentSeverityOverrides)
    .values(row)
    .onConflictDoUpdate({ target: [incidentSeverityOverrides.incidentId, incidentSeverityOverrides.supervisorOrgId], set: changes })
}

export async function deleteOverride(db: Queryable, incidentId: string, supervisorOrgId: string) {
  await db
    .delete(incidentSeverityOverrides)
    .where(and(eq(incidentSeverityOverrides.incidentId, incidentId), eq(incidentSeverityOverrides.supervisorOrgId, supervisorOrgId)))
}

export async function messagesOf(db: Queryable, incidentIds: string[], supervisorOrgId?: string): Promise<MessageRow[]> {
  if (incidentIds.length === 0) return []
  return db
    .select()
    .from(incidentMessages)
    .where(and(inArray(incidentMessages.incidentId, incidentIds), supervisorOrgId ? eq(incidentMessages.supervisorOrgId, supervisorOrgId) : undefined))
    .orderBy(asc(incidentMessages.seq))
}

/** Who wrote last in each thread (incident, supervisor), without the message text. */
export async function lastAuthorsOf(db: Queryable, incidentIds: string[], supervisorOrgId?: string): Promise<{ incidentId: string; supervisorOrgId: string; authorOrgId: string }[]> {
  if (incidentIds.length === 0) return []
  const rows = await db
    .selectDistinctOn([incidentMessages.incidentId, incidentMessages.supervisorOrgId], {
      incidentId: incidentMessages.incidentId,
      supervisorOrgId: incidentMessages.supervisorOrgId,
      authorOrgId: incidentMessages.authorOrgId,
    })
    .from(incidentMessages)
    .where(and(inArray(incidentMessages.incidentId, incidentIds), supervisorOrgId ? eq(incidentMessages.supervisorOrgId, supervisorOrgId) : undefined))
    .orderBy(incidentMessages.incidentId, incidentMessages.supervisorOrgId, desc(incidentMessages.seq))
  return rows
}

export async function insertMessage(db: Queryable, row: typeof incidentMessages.$inferInsert) {
  await db.insert(incidentMessages).values(row)
}

// ---------------------------------------------------------------- statistics

export interface StatsRow {
  detectedAt: Date
  category: string
  severity: string
  sector: string | null
}

/** Submitted incidents of the jurisdiction detected in [from, to), with the supervisor's own severity where it overrode. */
export async function statsRows(db: Queryable, supervisorOrgId: string, range: { from: Date; to: Date }, sector?: string): Promise<StatsRow[]> {
  const rows = await db
    .select({
      detectedAt: incidents.detectedAt,
      category: incidents.category,
      severity: sql<string>`coalesce(${incidentSeverityOverrides.severity}, ${incidents.severity})`,
      sector: organisations.sector,
    })
    .from(incidents)
    .innerJoin(supervisionLinks, and(eq(supervisionLinks.institutionOrgId, incidents.orgId), eq(supervisionLinks.supervisorOrgId, supervisorOrgId)))
    .innerJoin(organisations, eq(organisations.id, incidents.orgId))
    .leftJoin(incidentSeverityOverrides, and(eq(incidentSeverityOverrides.incidentId, incidents.id), eq(incidentSeverityOverrides.supervisorOrgId, supervisorOrgId)))
    .where(
      and(
        gt(incidents.latestVersion, 0),
        sql`${incidents.detectedAt} >= ${range.from}`,
        lt(incidents.detectedAt, range.to),
        sector ? eq(organisations.sector, sector) : undefined,
      ),
    )
  return rows.flatMap((row) => (row.detectedAt && row.category ? [{ detectedAt: row.detectedAt, category: row.category, severity: row.severity, sector: row.sector }] : []))
}

// ---------------------------------------------------------------- jurisdiction

export async function findOrganisation(db: Queryable, id: string): Promise<OrganisationRef | undefined> {
  const [row] = await db.select(institutionColumns).from(organisations).where(eq(organisations.id, id))
  return row
}

export async function organisationsByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, OrganisationRef>> {
  const wanted = [...new Set(ids)]
  if (wanted.length === 0) return new Map()
  const rows = await db.select(institutionColumns).from(organisations).where(inArray(organisations.id, wanted))
  return new Map(rows.map((row) => [row.id, row]))
}

/** True when the link is new. */
export async function insertSupervisionLink(db: Queryable, supervisorOrgId: string, institutionOrgId: string, at: Date): Promise<boolean> {
  const inserted = await db
    .insert(supervisionLinks)
    .values({ supervisorOrgId, institutionOrgId, linkedAt: at })
    .onConflictDoNothing({ target: [supervisionLinks.supervisorOrgId, supervisionLinks.institutionOrgId] })
    .returning({ supervisorOrgId: supervisionLinks.supervisorOrgId })
  return inserted.length > 0
}

export async function deleteSupervisionLink(db: Queryable, supervisorOrgId: string, institutionOrgId: string): Promise<boolean> {
  const deleted = await db
    .delete(supervisionLinks)
    .where(and(eq(supervisionLinks.supervisorOrgId, supervisorOrgId), eq(supervisionLinks.institutionOrgId, institutionOrgId)))
    .returning({ supervisorOrgId: supervisionLinks.supervisorOrgId })
  return deleted.length > 0
}

export async function supervisorsOf(db: Queryable, institutionOrgId: string): Promise<OrganisationRef[]> {
  return db
    .select(institutionColumns)
    .from(supervisionLinks)
    .innerJoin(organisations, eq(organisations.id, supervisionLinks.supervisorOrgId))
    .where(eq(supervisionLinks.institutionOrgId, institutionOrgId))
    .orderBy(asc(organisations.nameEn))
}

export async function institutionsOf(db: Queryable, supervisorOrgId: string): Promise<OrganisationRef[]> {
  return db
    .select(institutionColumns)
    .from(supervisionLinks)
    .innerJoin(organisations, eq(organisations.id, supervisionLinks.institutionOrgId))
    .where(eq(supervisionLinks.supervisorOrgId, supervisorOrgId))
    .orderBy(asc(organisations.nameEn))
}

// ---------------------------------------------------------------- people

/** Display names of users, for "who did it" fields; a user is named even after leaving the organisation. */
export async function displayNames(db: Queryable, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, wanted))
  return new Map(rows.map((row) => [row.id, row.displayName]))
}
