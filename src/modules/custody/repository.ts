import { and, asc, count, desc, eq, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm'
import type { Queryable } from '../../db/database.js'
import { queryRows } from '../../db/database.js'
import { memberships, organisations, users } from '../identity/schema.js'
import type { ChangeStatus } from './change-workflow.js'
import type { AssetLimit, CustodyPolicy } from './policy.js'
import {
  custodyAlerts,
  custodyAllowListChangeApprovals,
  custodyAllowListChanges,
  custodyAllowListEntries,
  custodyAssetLimits,
  custodyConfirmationCodes,
  custodyPolicies,
  custodyRequestApprovals,
  custodyRequests,
  custodySteps,
} from './schema.js'
import type { RequestStatus } from './workflow.js'

// SQL of the custody module. Every query of an exchange's data takes its organisation id, so
// another organisation's request, change or alert is simply not found.

export type RequestRow = typeof custodyRequests.$inferSelect
export type ApprovalRow = typeof custodyRequestApprovals.$inferSelect
export type CodeRow = typeof custodyConfirmationCodes.$inferSelect
export type EntryRow = typeof custodyAllowListEntries.$inferSelect
export type ChangeRow = typeof custodyAllowListChanges.$inferSelect
export type ChangeApprovalRow = typeof custodyAllowListChangeApprovals.$inferSelect
export type StepRow = typeof custodySteps.$inferSelect
export type AlertRow = typeof custodyAlerts.$inferSelect
export type PolicyRow = typeof custodyPolicies.$inferSelect

// ---------------------------------------------------------------- organisations and people

export async function findOrganisation(db: Queryable, id: string): Promise<{ kind: string; sector: string | null } | undefined> {
  const [row] = await db.select({ kind: organisations.kind, sector: organisations.sector }).from(organisations).where(eq(organisations.id, id))
  return row
}

/** Display names for "who did it" fields; a user is named even after leaving the organisation. */
export async function displayNames(db: Queryable, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, wanted))
  return new Map(rows.map((row) => [row.id, row.displayName]))
}

/** Where a member's confirmation codes go: their e-mail, in their language. */
export async function mailboxOf(db: Queryable, orgId: string, userId: string): Promise<{ email: string; locale: 'ja' | 'en' } | undefined> {
  const [row] = await db
    .select({ email: users.email, locale: users.locale })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, orgId)))
    .where(eq(users.id, userId))
  return row
}

/** Members who may approve (approver or admin role): the ceiling of the policy's n. */
export async function countEligibleApprovers(db: Queryable, orgId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.role, ['approver', 'admin'])))
  return Number(row?.n ?? 0)
}

// ---------------------------------------------------------------- policy

export async function findPolicy(db: Queryable, orgId: string): Promise<{ row: PolicyRow; assets: AssetLimit[] } | undefined> {
  const [row] = await db.select().from(custodyPolicies).where(eq(custodyPolicies.orgId, orgId))
  if (!row) return undefined
  return { row, assets: await assetLimitsOf(db, orgId) }
}

export async function assetLimitsOf(db: Queryable, orgId: string): Promise<AssetLimit[]> {
  const rows = await db.select().from(custodyAssetLimits).where(eq(custodyAssetLimits.orgId, orgId)).orderBy(asc(custodyAssetLimits.asset))
  return rows.map((row) => ({ asset: row.asset, singleMax: row.singleMax, dailyMax: row.dailyMax, alertThreshold: row.alertThreshold }))
}

export async function findAssetLimit(db: Queryable, orgId: string, asset: string): Promise<AssetLimit | undefined> {
  const [row] = await db
    .select()
    .from(custodyAssetLimits)
    .where(and(eq(custodyAssetLimits.orgId, orgId), eq(custodyAssetLimits.asset, asset)))
  return row ? { asset: row.asset, singleMax: row.singleMax, dailyMax: row.dailyMax, alertThreshold: row.alertThreshold } : undefined
}

/** Serialises policy changes of one exchange (two admins saving at once). */
export async function lockPolicy(tx: Queryable, orgId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`kamae.custody.policy:${orgId}`}))`)
}

export async function savePolicy(tx: Queryable, orgId: string, policy: CustodyPolicy, by: string, at: Date) {
  const row = {
    orgId,
    approvalsRequired: policy.approvalsRequired,
    approversTotal: policy.approversTotal,
    businessDays: policy.businessHours.days,
    businessStart: policy.businessHours.start,
    businessEnd: policy.businessHours.end,
    updatedBy: by,
    updatedAt: at,
  }
  const { orgId: _orgId, ...changes } = row
  await tx.insert(custodyPolicies).values(row).onConflictDoUpdate({ target: custodyPolicies.orgId, set: changes })
  await tx.delete(custodyAssetLimits).where(eq(custodyAssetLimits.orgId, orgId))
  if (policy.assets.length > 0) await tx.insert(custodyAssetLimits).values(policy.assets.map((limit) => ({ orgId, ...limit })))
}

// ---------------------------------------------------------------- requests

export async function requestsOfOrg(db: Queryable, orgId: string, filters: { status?: RequestStatus; limit: number; offset: number }): Promise<{ rows: RequestRow[]; total: number }> {
  const where = and(eq(custodyRequests.orgId, orgId), filters.status ? eq(custodyRequests.status, filters.status) : undefined)
  const rows = await db.select().from(custodyRequests).where(where).orderBy(desc(custodyRequests.createdAt), desc(custodyRequests.reference)).limit(filters.limit).offset(filters.offset)
  const [total] = await db.select({ n: count() }).from(custodyRequests).where(where)
  return { rows, total: Number(total?.n ?? 0) }
}

export async function findRequest(db: Queryable, orgId: string, id: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyRequests)
    .where(and(eq(custodyRequests.orgId, orgId), eq(custodyRequests.id, id)))
  return row
}

/** Locks the request for the rest of the transaction: the steps of one request take turns. */
export async function findRequestForUpdate(db: Queryable, orgId: string, id: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyRequests)
    .where(and(eq(custodyRequests.orgId, orgId), eq(custodyRequests.id, id)))
    .for('update')
  return row
}

export async function insertRequest(db: Queryable, row: typeof custodyRequests.$inferInsert) {
  await db.insert(custodyRequests).values(row)
}

export async function updateRequest(db: Queryable, orgId: string, id: string, changes: Partial<typeof custodyRequests.$inferInsert>) {
  await db
    .update(custodyRequests)
    .set(changes)
    .where(and(eq(custodyRequests.orgId, orgId), eq(custodyRequests.id, id)))
}

/** The exchange's request whose execution recorded this transaction, if any. */
export async function findRequestByTransaction(db: Queryable, orgId: string, transactionId: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyRequests)
    .where(and(eq(custodyRequests.orgId, orgId), eq(custodyRequests.transactionId, transactionId)))
  return row
}

/**
 * Serialises the requests of one exchange and asset, so that two requests raised at the same
 * moment cannot both fit under the daily limit that only one of them fits under.
 */
export async function lockDailyTotal(tx: Queryable, orgId: string, asset: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`kamae.custody.daily:${orgId}:${asset}`}))`)
}

/** Amounts of the other requests of the asset raised in [from, to), cancelled ones excluded. */
export async function otherAmountsRaised(db: Queryable, orgId: string, asset: string, range: { from: Date; to: Date }, exceptId: string | null): Promise<string[]> {
  const rows = await db
    .select({ amount: custodyRequests.amount })
    .from(custodyRequests)
    .where(
      and(
        eq(custodyRequests.orgId, orgId),
        eq(custodyRequests.asset, asset),
        gte(custodyRequests.createdAt, range.from),
        lt(custodyRequests.createdAt, range.to),
        ne(custodyRequests.status, 'cancelled'),
        exceptId ? ne(custodyRequests.id, exceptId) : undefined,
      ),
    )
  return rows.map((row) => row.amount)
}

/** The next number of the exchange's withdrawal references for a year (WD-2026-0007). */
export async function nextReferenceNumber(tx: Queryable, orgId: string, year: number): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`kamae.custody.reference:${orgId}`}))`)
  const [row] = await queryRows<{ n: number | null }>(
    tx,
    sql`select max(substring(reference from ${`^WD-${year}-([0-9]+)$`})::int) as n from custody_requests where org_id = ${orgId} and reference like ${`WD-${year}-%`}`,
  )
  return (row?.n ?? 0) + 1
}

// ---------------------------------------------------------------- approvals

export async function approvalsOf(db: Queryable, orgId: string, requestId: string): Promise<ApprovalRow[]> {
  return db
    .select()
    .from(custodyRequestApprovals)
    .where(and(eq(custodyRequestApprovals.orgId, orgId), eq(custodyRequestApprovals.requestId, requestId)))
    .orderBy(asc(custodyRequestApprovals.approvedAt), asc(custodyRequestApprovals.id))
}

/** Live approvals per request: not voided and bound to the request's current digest. */
export async function liveApprovalCounts(db: Queryable, orgId: string, requests: readonly { id: string; digest: string }[]): Promise<Map<string, number>> {
  if (requests.length === 0) return new Map()
  const rows = await db
    .select({ requestId: custodyRequestApprovals.requestId, digest: custodyRequestApprovals.digest })
    .from(custodyRequestApprovals)
    .where(
      and(
        eq(custodyRequestApprovals.orgId, orgId),
        inArray(
          custodyRequestApprovals.requestId,
          requests.map((r) => r.id),
        ),
        isNull(custodyRequestApprovals.voidedAt),
      ),
    )
  const digests = new Map(requests.map((r) => [r.id, r.digest]))
  const counts = new Map<string, number>()
  for (const row of rows) {
    if (digests.get(row.requestId) === row.digest) counts.set(row.requestId, (counts.get(row.requestId) ?? 0) + 1)
  }
  return counts
}

export async function insertApproval(db: Queryable, row: typeof custodyRequestApprovals.$inferInsert) {
  await db.insert(custodyRequestApprovals).values(row)
}

/** Voids every live approval of the request; answers how many there were. */
export async function voidApprovals(db: Queryable, orgId: string, requestId: string, at: Date): Promise<number> {
  const voided = await db
    .update(custodyRequestApprovals)
    .set({ voidedAt: at })
    .where(and(eq(custodyRequestApprovals.orgId, orgId), eq(custodyRequestApprovals.requestId, requestId), isNull(custodyRequestApprovals.voidedAt)))
    .returning({ id: custodyRequestApprovals.id })
  return voided.length
}

// ---------------------------------------------------------------- confirmation codes

export async function findCode(db: Queryable, orgId: string, requestId: string): Promise<CodeRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyConfirmationCodes)
    .where(and(eq(custodyConfirmationCodes.orgId, orgId), eq(custodyConfirmationCodes.requestId, requestId)))
  return row
}

/** Stores the request's live code, replacing any earlier one. */
export async function saveCode(db: Queryable, row: typeof custodyConfirmationCodes.$inferInsert) {
  const { requestId: _requestId, ...changes } = row
  await db.insert(custodyConfirmationCodes).values(row).onConflictDoUpdate({ target: custodyConfirmationCodes.requestId, set: changes })
}

export async function setCodeAttempts(db: Queryable, orgId: string, requestId: string, attempts: number) {
  await db
    .update(custodyConfirmationCodes)
    .set({ attempts })
    .where(and(eq(custodyConfirmationCodes.orgId, orgId), eq(custodyConfirmationCodes.requestId, requestId)))
}

export async function deleteCode(db: Queryable, orgId: string, requestId: string) {
  await db.delete(custodyConfirmationCodes).where(and(eq(custodyConfirmationCodes.orgId, orgId), eq(custodyConfirmationCodes.requestId, requestId)))
}

// ---------------------------------------------------------------- allow-list

export async function activeEntry(db: Queryable, orgId: string, asset: string, address: string): Promise<EntryRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyAllowListEntries)
    .where(
      and(
        eq(custodyAllowListEntries.orgId, orgId),
        eq(custodyAllowListEntries.asset, asset),
        eq(custodyAllowListEntries.address, address),
        isNull(custodyAllowListEntries.removedAt),
      ),
    )
  return row
}

export async function entriesOfOrg(db: Queryable, orgId: string, filters: { asset?: string; includeRemoved?: boolean }): Promise<EntryRow[]> {
  return db
    .select()
    .from(custodyAllowListEntries)
    .where(
      and(
        eq(custodyAllowListEntries.orgId, orgId),
        filters.asset ? eq(custodyAllowListEntries.asset, filters.asset) : undefined,
        filters.includeRemoved ? undefined : isNull(custodyAllowListEntries.removedAt),
      ),
    )
    .orderBy(asc(custodyAllowListEntries.asset), asc(custodyAllowListEntries.label), asc(custodyAllowListEntries.id))
}

export async function findEntry(db: Queryable, orgId: string, id: string): Promise<EntryRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyAllowListEntries)
    .where(and(eq(custodyAllowListEntries.orgId, orgId), eq(custodyAllowListEntries.id, id)))
  return row
}

export async function insertEntry(db: Queryable, row: typeof custodyAllowListEntries.$inferInsert) {
  await db.insert(custodyAllowListEntries).values(row)
}

export async function removeEntry(db: Queryable, orgId: string, id: string, changeId: string, at: Date) {
  await db
    .update(custodyAllowListEntries)
    .set({ removedAt: at, removedByChange: changeId })
    .where(and(eq(custodyAllowListEntries.orgId, orgId), eq(custodyAllowListEntries.id, id), isNull(custodyAllowListEntries.removedAt)))
}

export async function changesOfOrg(db: Queryable, orgId: string, filters: { status?: ChangeStatus }): Promise<ChangeRow[]> {
  return db
    .select()
    .from(custodyAllowListChanges)
    .where(and(eq(custodyAllowListChanges.orgId, orgId), filters.status ? eq(custodyAllowListChanges.status, filters.status) : undefined))
    .orderBy(desc(custodyAllowListChanges.proposedAt), asc(custodyAllowListChanges.id))
    .limit(500)
}

export async function findChange(db: Queryable, orgId: string, id: string): Promise<ChangeRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyAllowListChanges)
    .where(and(eq(custodyAllowListChanges.orgId, orgId), eq(custodyAllowListChanges.id, id)))
  return row
}

export async function findChangeForUpdate(db: Queryable, orgId: string, id: string): Promise<ChangeRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyAllowListChanges)
    .where(and(eq(custodyAllowListChanges.orgId, orgId), eq(custodyAllowListChanges.id, id)))
    .for('update')
  return row
}

export async function pendingChangeFor(db: Queryable, orgId: string, asset: string, address: string): Promise<ChangeRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyAllowListChanges)
    .where(
      and(
        eq(custodyAllowListChanges.orgId, orgId),
        eq(custodyAllowListChanges.asset, asset),
        eq(custodyAllowListChanges.address, address),
        eq(custodyAllowListChanges.status, 'pending'),
      ),
    )
  return row
}

/** Serialises allow-list changes of one exchange and address (two proposals at once). */
export async function lockAddress(tx: Queryable, orgId: string, asset: string, address: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`kamae.custody.allow-list:${orgId}:${asset}:${address}`}))`)
}

export async function insertChange(db: Queryable, row: typeof custodyAllowListChanges.$inferInsert) {
  await db.insert(custodyAllowListChanges).values(row)
}

export async function updateChange(db: Queryable, orgId: string, id: string, changes: Partial<typeof custodyAllowListChanges.$inferInsert>) {
  await db
    .update(custodyAllowListChanges)
    .set(changes)
    .where(and(eq(custodyAllowListChanges.orgId, orgId), eq(custodyAllowListChanges.id, id)))
}

export async function changeApprovalsOf(db: Queryable, orgId: string, changeIds: readonly string[]): Promise<ChangeApprovalRow[]> {
  if (changeIds.length === 0) return []
  return db
    .select()
    .from(custodyAllowListChangeApprovals)
    .where(and(eq(custodyAllowListChangeApprovals.orgId, orgId), inArray(custodyAllowListChangeApprovals.changeId, [...changeIds])))
    .orderBy(asc(custodyAllowListChangeApprovals.approvedAt))
}

export async function insertChangeApproval(db: Queryable, row: typeof custodyAllowListChangeApprovals.$inferInsert) {
  await db.insert(custodyAllowListChangeApprovals).values(row)
}

// ---------------------------------------------------------------- steps

export async function insertStep(db: Queryable, row: typeof custodySteps.$inferInsert) {
  await db.insert(custodySteps).values(row)
}

export async function stepsOf(db: Queryable, orgId: string, subjectId: string): Promise<StepRow[]> {
  return db
    .select()
    .from(custodySteps)
    .where(and(eq(custodySteps.orgId, orgId), eq(custodySteps.subjectId, subjectId)))
    .orderBy(asc(custodySteps.seq))
}

// ---------------------------------------------------------------- alerts

export async function insertAlert(db: Queryable, row: typeof custodyAlerts.$inferInsert) {
  await db.insert(custodyAlerts).values(row)
}

export async function alertsOfOrg(db: Queryable, orgId: string, filters: { open?: boolean; requestId?: string }): Promise<AlertRow[]> {
  return db
    .select()
    .from(custodyAlerts)
    .where(
      and(
        eq(custodyAlerts.orgId, orgId),
        filters.requestId ? eq(custodyAlerts.requestId, filters.requestId) : undefined,
        filters.open === true ? isNull(custodyAlerts.acknowledgedAt) : filters.open === false ? sql`${custodyAlerts.acknowledgedAt} is not null` : undefined,
      ),
    )
    .orderBy(desc(custodyAlerts.raisedAt), asc(custodyAlerts.id))
    .limit(500)
}

export async function findAlert(db: Queryable, orgId: string, id: string): Promise<AlertRow | undefined> {
  const [row] = await db
    .select()
    .from(custodyAlerts)
    .where(and(eq(custodyAlerts.orgId, orgId), eq(custodyAlerts.id, id)))
  return row
}

export async function acknowledgeAlert(db: Queryable, orgId: string, id: string, by: string, at: Date, note: string | null) {
  await db
    .update(custodyAlerts)
    .set({ acknowledgedBy: by, acknowledgedAt: at, acknowledgementNote: note })
    .where(and(eq(custodyAlerts.orgId, orgId), eq(custodyAlerts.id, id), isNull(custodyAlerts.acknowledgedAt)))
}
