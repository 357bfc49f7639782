import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Queryable } from '../../db/database.js'
import { queryRows } from '../../db/database.js'
import { memberships, organisations, users } from '../identity/schema.js'
import {
  intelApiTokens,
  intelCollectionRights,
  intelCollections,
  intelIsacMembers,
  intelObjects,
  intelObservables,
  intelShareRecipients,
  intelShares,
  intelSharingGroupMembers,
  intelSharingGroups,
  intelSubscriptions,
  intelTaxiiStatuses,
} from './schema.js'
import type { Reader, TlpLevel } from './tlp.js'

// SQL of the intel module. Objects are found through `audience`, the TLP 2.0 audience rules of
// tlp.ts `mayRead` written as SQL, so that paging, version selection (first / last) and counts are
// done by the database over what the reader may read; the store then passes every row through
// `mayRead` itself before anything leaves (store.ts `guard`).

export type CollectionRow = typeof intelCollections.$inferSelect
export type GroupRow = typeof intelSharingGroups.$inferSelect
export type ShareRow = typeof intelShares.$inferSelect
export type RecipientRowFull = typeof intelShareRecipients.$inferSelect
export type TokenRow = typeof intelApiTokens.$inferSelect
export type StatusRow = typeof intelTaxiiStatuses.$inferSelect
export type SubscriptionRow = typeof intelSubscriptions.$inferSelect
export type OrganisationRef = { id: string; kind: 'institution' | 'supervisor' | 'isac'; nameJa: string; nameEn: string; createdAt: Date }

/** A uuid[] literal for `= any(…::uuid[])` (ids are uuids: no quoting needed). */
const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`
const textArray = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`
/** date_added to the microsecond, as TAXII writes timestamps. */
export const dateAddedText = (column: SQL | string) => sql`to_char(${typeof column === 'string' ? sql.raw(column) : column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

// ---------------------------------------------------------------- organisations and people

const orgColumns = { id: organisations.id, kind: organisations.kind, nameJa: organisations.nameJa, nameEn: organisations.nameEn, createdAt: organisations.createdAt }

export async function findOrganisation(db: Queryable, id: string): Promise<OrganisationRef | undefined> {
  const [row] = await db.select(orgColumns).from(organisations).where(eq(organisations.id, id))
  return row
}

export async function organisationsByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, OrganisationRef>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select(orgColumns)
    .from(organisations)
    .where(inArray(organisations.id, [...new Set(ids)]))
  return new Map(rows.map((row) => [row.id, row]))
}

export async function existingUserIds(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]))
  return new Set(rows.map((row) => row.id))
}

export async function findUser(db: Queryable, id: string) {
  const [row] = await db.select({ id: users.id, email: users.email, lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, id))
  return row
}

export async function roleOf(db: Queryable, orgId: string, userId: string) {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
  return row?.role
}

// ---------------------------------------------------------------- communities

export async function isacsOfMember(db: Queryable, orgId: string): Promise<string[]> {
  const rows = await db.select({ id: intelIsacMembers.isacOrgId }).from(intelIsacMembers).where(eq(intelIsacMembers.memberOrgId, orgId))
  return rows.map((row) => row.id)
}

export async function groupsOfMember(db: Queryable, orgId: string): Promise<string[]> {
  const rows = await db.select({ id: intelSharingGroupMembers.groupId }).from(intelSharingGroupMembers).where(eq(intelSharingGroupMembers.orgId, orgId))
  return rows.map((row) => row.id)
}

export async function isacMembers(db: Queryable, isacOrgId: string) {
  return db
    .select({ org: orgColumns, sector: organisations.sector, addedAt: intelIsacMembers.addedAt })
    .from(intelIsacMembers)
    .innerJoin(organisations, eq(organisations.id, intelIsacMembers.memberOrgId))
    .where(eq(intelIsacMembers.isacOrgId, isacOrgId))
    .orderBy(asc(organisations.nameEn))
}

export async function addIsacMember(db: Queryable, row: typeof intelIsacMembers.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(intelIsacMembers).values(row).onConflictDoNothing().returning({ id: intelIsacMembers.memberOrgId })
  return inserted.length > 0
}

export async function removeIsacMember(db: Queryable, isacOrgId: string, memberOrgId: string): Promise<boolean> {
  const removed = await db
    .delete(intelIsacMembers)
    .where(and(eq(intelIsacMembers.isacOrgId, isacOrgId), eq(intelIsacMembers.memberOrgId, memberOrgId)))
    .returning({ id: intelIsacMembers.memberOrgId })
  return removed.length > 0
}

export async function groupsByIds(db: Queryable, ids: readonly string[]): Promise<GroupRow[]> {
  if (ids.length === 0) return []
  return db
    .select()
    .from(intelSharingGroups)
    .where(inArray(intelSharingGroups.id, [...ids]))
    .orderBy(asc(intelSharingGroups.name))
}

export async function findGroup(db: Queryable, id: string): Promise<GroupRow | undefined> {
  const [row] = await db.select().from(intelSharingGroups).where(eq(intelSharingGroups.id, id))
  return row
}

export async function insertGroup(db: Queryable, row: typeof intelSharingGroups.$inferInsert) {
  await db.insert(intelSharingGroups).values(row)
}

export async function updateGroup(db: Queryable, id: string, changes: Partial<typeof intelSharingGroups.$inferInsert>) {
  await db.update(intelSharingGroups).set(changes).where(eq(intelSharingGroups.id, id))
}

export async function groupMembers(db: Queryable, groupIds: readonly string[]) {
  if (groupIds.length === 0) return []
  return db
    .select({ groupId: intelSharingGroupMembers.groupId, org: orgColumns, addedAt: intelSharingGroupMembers.addedAt })
    .from(intelSharingGroupMembers)
    .innerJoin(organisations, eq(organisations.id, intelSharingGroupMembers.orgId))
    .where(inArray(intelSharingGroupMembers.groupId, [...groupIds]))
    .orderBy(asc(organisations.nameEn))
}

export async function addGroupMember(db: Queryable, row: typeof intelSharingGroupMembers.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(intelSharingGroupMembers).values(row).onConflictDoNothing().returning({ id: intelSharingGroupMembers.orgId })
  return inserted.length > 0
}

export async function removeGroupMember(db: Queryable, groupId: string, orgId: string): Promise<boolean> {
  const removed = await db
    .delete(intelSharingGroupMembers)
    .where(and(eq(intelSharingGroupMembers.groupId, groupId), eq(intelSharingGroupMembers.orgId, orgId)))
    .returning({ id: intelSharingGroupMembers.orgId })
  return removed.length > 0
}

/** Organisations that share a community with `orgId` (ISACs, their members, groups' members). */
export async function fellowOrganisations(db: Queryable, communityIds: readonly string[]): Promise<OrganisationRef[]> {
  if (communityIds.length === 0) return []
  const ids = uuidArray(communityIds)
  return queryRows<OrganisationRef>(
    db,
    sql`select o.id, o.kind, o.name_ja as "nameJa", o.name_en as "nameEn", o.created_at as "createdAt" from organisations o
         where o.id = any(${ids}::uuid[])
            or o.id in (select member_org_id from intel_isac_members where isac_org_id = any(${ids}::uuid[]))
            or o.id in (select org_id from intel_sharing_group_members where group_id = any(${ids}::uuid[]))
         order by o.name_en`,
  )
}

// ---------------------------------------------------------------- collections

export interface CollectionWithRight {
  collection: CollectionRow
  rightRead: boolean
  rightWrite: boolean
}

/** Collections an organisation owns, is granted, or whose community it belongs to. */
export async function collectionsNear(db: Queryable, orgId: string, communityIds: readonly string[]): Promise<CollectionWithRight[]> {
  const rows = await db
    .select({ collection: intelCollections, rightRead: intelCollectionRights.canRead, rightWrite: intelCollectionRights.canWrite })
    .from(intelCollections)
    .leftJoin(intelCollectionRights, and(eq(intelCollectionRights.collectionId, intelCollections.id), eq(intelCollectionRights.orgId, orgId)))
    .where(
      or(
        eq(intelCollections.ownerOrgId, orgId),
        sql`${intelCollectionRights.orgId} is not null`,
        communityIds.length > 0 ? inArray(intelCollections.communityId, [...communityIds]) : sql`false`,
      ),
    )
    .orderBy(asc(intelCollections.title), asc(intelCollections.id))
  return rows.map((row) => ({ collection: row.collection, rightRead: row.rightRead ?? false, rightWrite: row.rightWrite ?? false }))
}

export async function findCollection(db: Queryable, id: string): Promise<CollectionRow | undefined> {
  const [row] = await db.select().from(intelCollections).where(eq(intelCollections.id, id))
  return row
}

export async function insertCollection(db: Queryable, row: typeof intelCollections.$inferInsert) {
  await db.insert(intelCollections).values(row)
}

export async function updateCollection(db: Queryable, id: string, changes: Partial<typeof intelCollections.$inferInsert>) {
  await db.update(intelCollections).set(changes).where(eq(intelCollections.id, id))
}

export async function rightsOf(db: Queryable, collectionId: string) {
  return db
    .select({ org: orgColumns, canRead: intelCollectionRights.canRead, canWrite: intelCollectionRights.canWrite })
    .from(intelCollectionRights)
    .innerJoin(organisations, eq(organisations.id, intelCollectionRights.orgId))
    .where(eq(intelCollectionRights.collectionId, collectionId))
    .orderBy(asc(organisations.nameEn))
}

export async function setRight(db: Queryable, row: typeof intelCollectionRights.$inferInsert) {
  await db
    .insert(intelCollectionRights)
    .values(row)
    .onConflictDoUpdate({ target: [intelCollectionRights.collectionId, intelCollectionRights.orgId], set: { canRead: row.canRead, canWrite: row.canWrite } })
}

export async function removeRight(db: Queryable, collectionId: string, orgId: string): Promise<boolean> {
  const removed = await db
    .delete(intelCollectionRights)
    .where(and(eq(intelCollectionRights.collectionId, collectionId), eq(intelCollectionRights.orgId, orgId)))
    .returning({ id: intelCollectionRights.orgId })
  return removed.length > 0
}

export async function collectionsByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, CollectionRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select()
    .from(intelCollections)
    .where(inArray(intelCollections.id, [...new Set(ids)]))
  return new Map(rows.map((row) => [row.id, row]))
}

// ---------------------------------------------------------------- shares

export async function insertShare(db: Queryable, row: typeof intelShares.$inferInsert) {
  await db.insert(intelShares).values(row)
}

export async function findShare(db: Queryable, id: string): Promise<ShareRow | undefined> {
  const [row] = await db.select().from(intelShares).where(eq(intelShares.id, id))
  return row
}

export async function sharesByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, ShareRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select()
    .from(intelShares)
    .where(inArray(intelShares.id, [...new Set(ids)]))
  return new Map(rows.map((row) => [row.id, row]))
}

export async function insertRecipients(db: Queryable, rows: (typeof intelShareRecipients.$inferInsert)[]) {
  if (rows.length === 0) return
  await db.insert(intelShareRecipients).values(rows).onConflictDoNothing()
}

export async function recipientsOfShares(db: Queryable, shareIds: readonly string[]): Promise<RecipientRowFull[]> {
  if (shareIds.length === 0) return []
  return db
    .select()
    .from(intelShareRecipients)
    .where(inArray(intelShareRecipients.shareId, [...new Set(shareIds)]))
}

// ---------------------------------------------------------------- objects: writing

/** Holds the collection for the rest of the transaction: ingests into one collection take turns. */
export async function lockCollection(tx: Queryable, collectionId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`kamae.intel.collection:${collectionId}`}))`)
}

/** The first date_added of a new ingest: now, or just after the collection's last, to the microsecond. */
export async function nextDateAdded(tx: Queryable, collectionId: string, now: Date): Promise<string> {
  const at = now.toISOString()
  const [row] = await queryRows<{ next: string }>(
    tx,
    sql`select ${dateAddedText(sql`greatest(${at}::timestamptz, coalesce(max(date_added) + interval '1 microsecond', ${at}::timestamptz))`)} as next
          from intel_objects where collection_id = ${collectionId}`,
  )
  return row!.next
}

/** Rows per INSERT: 19 parameters a row, well under PostgreSQL's 65,535 parameters a statement. */
const INSERT_CHUNK = 500

export type NewObjectRow = Omit<typeof intelObjects.$inferInsert, 'dateAdded' | 'seq'> & { dateAdded: string }

/** Inserts object versions, skipping those already stored; answers the ones it stored. */
export async function insertObjects(tx: Queryable, rows: NewObjectRow[]): Promise<{ seq: number; stixId: string; versionKey: string }[]> {
  const stored: { seq: number; stixId: string; versionKey: string }[] = []
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK).map((row) => ({ ...row, dateAdded: sql`${row.dateAdded}::timestamptz` as unknown as Date }))
    const inserted = await tx
      .insert(intelObjects)
      .values(chunk)
      .onConflictDoNothing({ target: [intelObjects.collectionId, intelObjects.stixId, intelObjects.versionKey, intelObjects.producerOrgId] })
      .returning({ seq: intelObjects.seq, stixId: intelObjects.stixId, versionKey: intelObjects.versionKey })
    stored.push(...inserted.map((row) => ({ ...row, seq: Number(row.seq) })))
  }
  return stored
}

export async function insertObservables(tx: Queryable, rows: (typeof intelObservables.$inferInsert)[]) {
  for (let start = 0; start < rows.length; start += 1000) await tx.insert(intelObservables).values(rows.slice(start, start + 1000))
}

export async function deleteObjects(tx: Queryable, seqs: readonly number[]) {
  if (seqs.length === 0) return
  await tx.delete(intelObservables).where(inArray(intelObservables.objectSeq, [...seqs]))
  await tx.delete(intelObjects).where(inArray(intelObjects.seq, [...seqs]))
}

// ---------------------------------------------------------------- objects: reading

export interface ObjectRow {
  seq: number
  collectionId: string
  communityId: string
  shareId: string
  producerOrgId: string
  stixId: string
  type: string
  specVersion: string
  version: string
  versionKey: string
  modified: string | null
  createdByRef: string | null
  tlp: TlpLevel
  name: string | null
  revoked: boolean
  dateAdded: string
  json: string | null
}

export type VersionSelector = { kind: 'all' } | { kind: 'last' } | { kind: 'first' } | { kind: 'at'; key: string; raw: string }

export interface ObjectQuery {
  /** One collection (TAXII), or every collection (the API). */
  collectionId?: string
  ids?: readonly string[]
  types?: readonly string[]
  specVersions?: readonly string[]
  tlps?: readonly TlpLevel[]
  /** Words to find in the name, the id or an indicator's observables. */
  text?: string
  versions: readonly VersionSelector[]
  addedAfter?: string
  afterSeq?: number
  /** Only what this organisation produced (a producer's own view, TAXII DELETE). */
  producerOrgId?: string
  /** Every producer's copy of a version, not only the first readable one (TAXII DELETE). */
  allCopies?: boolean
  order: 'added' | 'recent' | 'version'
  limit: number
  offset?: number
  withJson: boolean
}

/**
 * The TLP 2.0 audience of `mayRead` (tlp.ts) as SQL over the rows of `alias`: the producer; RED,
 * AMBER+STRICT and AMBER recipients (organisations or people named on the share); AMBER clients;
 * GREEN the community; CLEAR the collection's readers. Audiences nest: every label admits the
 * audiences of the more restrictive ones.
 */
function audience(alias: string, reader: Reader): SQL {
  const o = sql.raw(alias)
  return sql`(${o}.producer_org_id = ${reader.orgId}
    or (${o}.tlp in ('green', 'clear') and ${o}.community_id = any(${uuidArray(reader.communityIds)}::uuid[]))
    or (${o}.tlp = 'clear' and ${o}.collection_id = any(${uuidArray(reader.collectionIds)}::uuid[]))
    or exists (select 1 from intel_share_recipients r where r.share_id = ${o}.share_id and (
         (r.kind = 'org' and r.org_id = ${reader.orgId})
         or (r.kind = 'user' and r.user_id = ${reader.userId})
         or (r.kind = 'client' and r.org_id = ${reader.orgId} and ${o}.tlp in ('amber', 'green', 'clear')))))`
}

/** Another readable row of the same object (in the same collection when the query names one). */
function sameObject(query: ObjectQuery, reader: Reader, condition: SQL): SQL {
  const scope = query.collectionId ? sql`o2.collection_id = o.collection_id and ` : sql``
  return sql`exists (select 1 from intel_objects o2 where ${scope}o2.stix_id = o.stix_id and ${condition} and ${audience('o2', reader)})`
}

function versionCondition(query: ObjectQuery, reader: Reader, selector: VersionSelector): SQL {
  switch (selector.kind) {
    case 'all':
      return sql`true`
    case 'last':
      return sql`not ${sameObject(query, reader, sql`o2.version_key > o.version_key`)}`
    case 'first':
      return sql`not ${sameObject(query, reader, sql`o2.version_key < o.version_key`)}`
    case 'at':
      return sql`(o.version_key = ${selector.key} or (o.version_key = '' and o.version = ${selector.raw}))`
  }
}

function whereOf(query: ObjectQuery, reader: Reader): SQL {
  const conditions: SQL[] = [audience('o', reader)]
  if (query.collectionId) conditions.push(sql`o.collection_id = ${query.collectionId}`)
  if (query.ids) conditions.push(sql`o.stix_id = any(${textArray(query.ids)}::text[])`)
  if (query.types) conditions.push(sql`o.type = any(${textArray(query.types)}::text[])`)
  if (query.specVersions) conditions.push(sql`o.spec_version = any(${textArray(query.specVersions)}::text[])`)
  if (query.tlps) conditions.push(sql`o.tlp = any(${textArray(query.tlps)}::text[])`)
  if (query.producerOrgId) conditions.push(sql`o.producer_org_id = ${query.producerOrgId}`)
  if (query.addedAfter) conditions.push(sql`o.date_added > ${query.addedAfter}::timestamptz`)
  if (query.afterSeq !== undefined) conditions.push(sql`o.seq > ${query.afterSeq}`)
  if (query.text) {
    const like = `%${query.text.replace(/([\\%_])/g, '\\$1')}%`
    conditions.push(
      sql`(o.name ilike ${like} or o.stix_id = ${query.text} or o.created_by_ref = ${query.text}
           or exists (select 1 from intel_observables ob where ob.object_seq = o.seq and ob.value ilike ${like}))`,
    )
  }
  // One copy of a version that two producers shared (the first the reader may read).
  if (!query.allCopies) conditions.push(sql`not ${sameObject(query, reader, sql`o2.version_key = o.version_key and o2.seq < o.seq`)}`)
  if (!query.versions.some((v) => v.kind === 'all')) {
    conditions.push(sql`(${sql.join(
      query.versions.map((v) => versionCondition(query, reader, v)),
      sql` or `,
    )})`)
  }
  return sql.join(conditions, sql` and `)
}

const ORDER: Record<ObjectQuery['order'], SQL> = {
  added: sql`o.seq`,
  recent: sql`o.date_added desc, o.seq desc`,
  version: sql`o.version_key, o.seq`,
}

export async function findObjects(db: Queryable, reader: Reader, query: ObjectQuery): Promise<ObjectRow[]> {
  const rows = await queryRows<ObjectRow & { seq: string | number }>(
    db,
    sql`select o.seq, o.collection_id as "collectionId", o.community_id as "communityId", o.share_id as "shareId",
               o.producer_org_id as "producerOrgId", o.stix_id as "stixId", o.type, o.spec_version as "specVersion",
               o.version, o.version_key as "versionKey", o.modified, o.created_by_ref as "createdByRef", o.tlp, o.name, o.revoked,
               ${dateAddedText('o.date_added')} as "dateAdded", ${query.withJson ? sql`o.json` : sql`null`} as json
          from intel_objects o
         where ${whereOf(query, reader)}
         order by ${ORDER[query.order]}
         limit ${query.limit} offset ${query.offset ?? 0}`,
  )
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }))
}

export async function countObjects(db: Queryable, reader: Reader, query: ObjectQuery): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db, sql`select count(*) as n from intel_objects o where ${whereOf(query, reader)}`)
  return Number(row?.n ?? 0)
}

export async function observablesOfObjects(db: Queryable, seqs: readonly number[]) {
  if (seqs.length === 0) return []
  return db
    .select()
    .from(intelObservables)
    .where(inArray(intelObservables.objectSeq, [...seqs]))
}

// ---------------------------------------------------------------- tokens

export async function insertToken(db: Queryable, row: typeof intelApiTokens.$inferInsert) {
  await db.insert(intelApiTokens).values(row)
}

export async function tokensOfUser(db: Queryable, userId: string, orgId: string): Promise<TokenRow[]> {
  return db
    .select()
    .from(intelApiTokens)
    .where(and(eq(intelApiTokens.userId, userId), eq(intelApiTokens.orgId, orgId)))
    .orderBy(desc(intelApiTokens.createdAt))
}

export async function findTokenByHash(db: Queryable, tokenHash: string): Promise<TokenRow | undefined> {
  const [row] = await db.select().from(intelApiTokens).where(eq(intelApiTokens.tokenHash, tokenHash))
  return row
}

export async function revokeToken(db: Queryable, userId: string, orgId: string, id: string, at: Date): Promise<TokenRow | undefined> {
  const [row] = await db
    .update(intelApiTokens)
    .set({ revokedAt: at })
    .where(and(eq(intelApiTokens.id, id), eq(intelApiTokens.userId, userId), eq(intelApiTokens.orgId, orgId), isNull(intelApiTokens.revokedAt)))
    .returning()
  return row
}

export async function touchToken(db: Queryable, id: string, at: Date) {
  await db.update(intelApiTokens).set({ lastUsedAt: at }).where(eq(intelApiTokens.id, id))
}

// ---------------------------------------------------------------- TAXII statuses

export async function insertStatus(db: Queryable, row: typeof intelTaxiiStatuses.$inferInsert) {
  await db.insert(intelTaxiiStatuses).values(row)
}

export async function findStatus(db: Queryable, orgId: string, id: string): Promise<StatusRow | undefined> {
  const [row] = await db
    .select()
    .from(intelTaxiiStatuses)
    .where(and(eq(intelTaxiiStatuses.id, id), eq(intelTaxiiStatuses.orgId, orgId)))
  return row
}

// ---------------------------------------------------------------- subscriptions

export async function insertSubscription(db: Queryable, row: typeof intelSubscriptions.$inferInsert) {
  await db.insert(intelSubscriptions).values(row)
}

export async function subscriptionsOfOrg(db: Queryable, orgId: string): Promise<SubscriptionRow[]> {
  return db.select().from(intelSubscriptions).where(eq(intelSubscriptions.orgId, orgId)).orderBy(asc(intelSubscriptions.createdAt))
}

export async function findSubscription(db: Queryable, orgId: string, id: string): Promise<SubscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(intelSubscriptions)
    .where(and(eq(intelSubscriptions.id, id), eq(intelSubscriptions.orgId, orgId)))
  return row
}

export async function updateSubscription(db: Queryable, id: string, changes: Partial<typeof intelSubscriptions.$inferInsert>) {
  await db.update(intelSubscriptions).set(changes).where(eq(intelSubscriptions.id, id))
}

export async function deleteSubscription(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const removed = await db
    .delete(intelSubscriptions)
    .where(and(eq(intelSubscriptions.id, id), eq(intelSubscriptions.orgId, orgId)))
    .returning({ id: intelSubscriptions.id })
  return removed.length > 0
}

/**
 * Takes one subscription that is due and not being pulled (or whose pull was cut off `staleAfter`
 * ago): marks it as being pulled, in one statement, so two processes never pull the same one.
 */
export async function claimDueSubscription(db: Queryable, now: Date, staleBefore: Date): Promise<SubscriptionRow | undefined> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`update intel_subscriptions set pulling_since = ${now.toISOString()}::timestamptz
         where id = (select id from intel_subscriptions
                      where active and next_pull_at <= ${now.toISOString()}::timestamptz
                        and (pulling_since is null or pulling_since < ${staleBefore.toISOString()}::timestamptz)
                      order by next_pull_at limit 1 for update skip locked)
         returning id`,
  )
  if (!row) return undefined
  const [claimed] = await db.select().from(intelSubscriptions).where(eq(intelSubscriptions.id, row.id))
  return claimed
}

/** Claims one subscription by id for a pull requested now (refused while another pull runs). */
export async function claimSubscription(db: Queryable, id: string, now: Date, staleBefore: Date): Promise<boolean> {
  const rows = await db
    .update(intelSubscriptions)
    .set({ pullingSince: now })
    .where(and(eq(intelSubscriptions.id, id), or(isNull(intelSubscriptions.pullingSince), lte(intelSubscriptions.pullingSince, staleBefore))))
    .returning({ id: intelSubscriptions.id })
  return rows.length > 0
}
