import { and, asc, desc, eq, gt, gte, isNull, lt, or, sql } from 'drizzle-orm'
import { queryRows, type Queryable } from '../../db/database.js'
import type { SubtreeAddress } from './merkle.js'
import { ledgerAuditSettings, ledgerEntries, ledgerHeads, ledgerKeys, ledgerLogs, ledgerNodes, ledgerOperationBatches, ledgerPending } from './schema.js'

// SQL of the ledger. Leaves live in ledger_entries (level 0), complete perfect subtrees of level
// >= 1 in ledger_nodes; a log's head row in ledger_logs is the one row an append batch locks.

export type LogHeadRow = typeof ledgerLogs.$inferSelect
export type EntryRow = typeof ledgerEntries.$inferSelect
export type KeyRow = typeof ledgerKeys.$inferSelect
export type SignedHeadRow = typeof ledgerHeads.$inferSelect
export type NodeRow = { level: number; idx: number; hash: Uint8Array }
export type PendingRow = typeof ledgerPending.$inferSelect
export type AuditSettingsRow = typeof ledgerAuditSettings.$inferSelect
export type OperationBatchRow = typeof ledgerOperationBatches.$inferSelect

export const subtreeKey = (level: number, index: number) => `${level}:${index}`

/** Creates the log with the empty tree's head unless it exists. */
export async function insertLogIfAbsent(db: Queryable, id: string, emptyRoot: Uint8Array): Promise<void> {
  await db.insert(ledgerLogs).values({ id, treeSize: 0, rootHash: emptyRoot }).onConflictDoNothing()
}

export async function findHead(db: Queryable, logId: string): Promise<LogHeadRow | undefined> {
  const [row] = await db.select().from(ledgerLogs).where(eq(ledgerLogs.id, logId))
  return row
}

/** Locks the head row for the rest of the transaction: append batches of one log queue up here. */
export async function findHeadForUpdate(db: Queryable, logId: string): Promise<LogHeadRow | undefined> {
  const [row] = await db.select().from(ledgerLogs).where(eq(ledgerLogs.id, logId)).for('update')
  return row
}

export interface BatchWrite {
  /** Index of the first entry; the others follow. */
  firstIdx: number
  leafHashes: readonly Uint8Array[]
  entries: readonly Uint8Array[]
  /** The perfect subtrees of level >= 1 the entries complete. */
  nodes: readonly { level: number; index: number; hash: Uint8Array }[]
  treeSize: number
  rootHash: Uint8Array
}

/**
 * Writes an append batch in one statement: its entries, the subtrees they complete and the log's
 * new head. The rows travel as a handful of parameters whatever their number — leaf hashes,
 * entries and node hashes each concatenated into one byte string, lengths and addresses as
 * integer arrays — and unnest back into rows in the database: one round trip, no per-row
 * parameters to bind, no statement text growing with the batch.
 */
export async function writeBatch(db: Queryable, logId: string, batch: BatchWrite): Promise<void> {
  const { entries, nodes } = batch
  await db.execute(sql`
    with new_entries as (
      insert into ledger_entries (log_id, idx, leaf_hash, entry)
      select ${logId}, ${batch.firstIdx}::bigint + r.n - 1,
             substring(${bytesOf(batch.leafHashes)} from (r.n - 1)::int * 32 + 1 for 32),
             substring(${bytesOf(entries)} from r.offset_ + 1 for r.length_)
        from unnest(${integerArray(offsets(entries))}::int[], ${integerArray(entries.map((e) => e.length))}::int[]) with ordinality as r(offset_, length_, n)
    ), new_nodes as (
      insert into ledger_nodes (log_id, level, idx, hash)
      select ${logId}, r.level, r.idx, substring(${bytesOf(nodes.map((n) => n.hash))} from (r.n - 1)::int * 32 + 1 for 32)
        from unnest(${integerArray(nodes.map((n) => n.level))}::smallint[], ${integerArray(nodes.map((n) => n.index))}::bigint[]) with ordinality as r(level, idx, n)
    )
    update ledger_logs set tree_size = ${batch.treeSize}, root_hash = ${bytesOf([batch.rootHash])}, updated_at = now() where id = ${logId}`)
}

function offsets(parts: readonly Uint8Array[]): number[] {
  const out: number[] = []
  let at = 0
  for (const part of parts) {
    out.push(at)
    at += part.length
  }
  return out
}

/**
 * Byte strings concatenated, as a bytea decoded in the database from one hex text parameter:
 * PGlite binds a text parameter some 25 times faster than a bytea one of the same bytes, and for
 * PostgreSQL the difference is small.
 */
const bytesOf = (parts: readonly Uint8Array[]) => sql`decode(${Buffer.concat(parts).toString('hex')}::text, 'hex')`

/**
 * Hashes of perfect subtrees by `subtreeKey`, in one statement: leaves from ledger_entries, the
 * rest from ledger_nodes. The addresses travel as two integer arrays (two parameters, whatever
 * their number), joined to the primary keys.
 */
export async function subtreeHashes(db: Queryable, logId: string, addresses: readonly SubtreeAddress[]): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>()
  if (addresses.length === 0) return found
  const leaves = addresses.filter((a) => a.level === 0).map((a) => a.index)
  const inner = addresses.filter((a) => a.level > 0)
  const rows = await queryRows<{ level: number; idx: number | string; hash: Uint8Array }>(
    db,
    sql`select 0 as level, e.idx, e.leaf_hash as hash
          from ledger_entries e
         where e.log_id = ${logId} and e.idx = any(${integerArray(leaves)}::bigint[])
        union all
        select n.level, n.idx, n.hash
          from unnest(${integerArray(inner.map((a) => a.level))}::smallint[], ${integerArray(inner.map((a) => a.index))}::bigint[]) as wanted(level, idx)
          join ledger_nodes n on n.log_id = ${logId} and n.level = wanted.level and n.idx = wanted.idx`,
  )
  for (const row of rows) found.set(subtreeKey(Number(row.level), Number(row.idx)), row.hash)
  return found
}

/** A PostgreSQL array literal of integers ('{1,2,3}'), passed as one text parameter. */
function integerArray(values: readonly number[]): string {
  for (const value of values) if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer`)
  return `{${values.join(',')}}`
}

/** Entries [begin, end) in index order. */
export async function entriesInRange(db: Queryable, logId: string, begin: number, end: number): Promise<EntryRow[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.logId, logId), gte(ledgerEntries.idx, begin), lt(ledgerEntries.idx, end)))
    .orderBy(asc(ledgerEntries.idx))
}

/** Leaf hashes [begin, end) in index order (index checked by the caller). */
export async function leafHashesInRange(db: Queryable, logId: string, begin: number, end: number): Promise<{ idx: number; leafHash: Uint8Array }[]> {
  return db
    .select({ idx: ledgerEntries.idx, leafHash: ledgerEntries.leafHash })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.logId, logId), gte(ledgerEntries.idx, begin), lt(ledgerEntries.idx, end)))
    .orderBy(asc(ledgerEntries.idx))
}

/** The lowest index holding this leaf hash, if any. */
export async function findIndexOfLeafHash(db: Queryable, logId: string, leafHash: Uint8Array): Promise<number | undefined> {
  const [row] = await db
    .select({ idx: ledgerEntries.idx })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.logId, logId), eq(ledgerEntries.leafHash, leafHash)))
    .orderBy(asc(ledgerEntries.idx))
    .limit(1)
  return row?.idx
}

// ---------------------------------------------------------------------------------------------
// Logs by public id and owner, signing keys and signed heads (migrations/0005_ledger_heads.sql).

/** Creates the log (empty tree, given owner) unless a log of that name exists. */
export async function insertOwnedLogIfAbsent(db: Queryable, id: string, ownerOrgId: string | null, emptyRoot: Uint8Array): Promise<void> {
  await db.insert(ledgerLogs).values({ id, ownerOrgId, treeSize: 0, rootHash: emptyRoot }).onConflictDoNothing()
}

export async function findLogByUuid(db: Queryable, uuid: string): Promise<LogHeadRow | undefined> {
  const [row] = await db.select().from(ledgerLogs).where(eq(ledgerLogs.uuid, uuid))
  return row
}

/** Logs in name order: all of them, or those of one owner (null: the global logs). */
export async function listLogs(db: Queryable, owner?: { ownerOrgId: string | null }): Promise<LogHeadRow[]> {
  const query = db.select().from(ledgerLogs)
  if (!owner) return query.orderBy(asc(ledgerLogs.id))
  const where = owner.ownerOrgId === null ? isNull(ledgerLogs.ownerOrgId) : eq(ledgerLogs.ownerOrgId, owner.ownerOrgId)
  return query.where(where).orderBy(asc(ledgerLogs.id))
}

export async function findKey(db: Queryable, keyId: string): Promise<KeyRow | undefined> {
  const [row] = await db.select().from(ledgerKeys).where(eq(ledgerKeys.keyId, keyId))
  return row
}

export async function listKeys(db: Queryable): Promise<KeyRow[]> {
  return db.select().from(ledgerKeys).orderBy(asc(ledgerKeys.validFrom), asc(ledgerKeys.keyId))
}

/** Ends the validity of every key still in use: a newer one takes over at `at`. */
export async function retireCurrentKeys(db: Queryable, at: Date): Promise<void> {
  await db.update(ledgerKeys).set({ validUntil: at }).where(isNull(ledgerKeys.validUntil))
}

export async function insertKeyIfAbsent(db: Queryable, key: { keyId: string; publicKey: Uint8Array; validFrom: Date }): Promise<void> {
  await db.insert(ledgerKeys).values({ ...key, algorithm: 'Ed25519', validUntil: null }).onConflictDoNothing()
}

/** Inserts a signed head unless the log already has one of that size by that key. */
export async function insertSignedHeadIfAbsent(db: Queryable, head: Omit<SignedHeadRow, 'id'>): Promise<void> {
  await db.insert(ledgerHeads).values(head).onConflictDoNothing()
}

/** Inserts a signed head of a size not signed before (the caller holds the log's head lock). */
export async function insertSignedHead(db: Queryable, head: Omit<SignedHeadRow, 'id'>): Promise<SignedHeadRow> {
  const [row] = await db.insert(ledgerHeads).values(head).returning()
  return row!
}

export async function findSignedHead(db: Queryable, id: number): Promise<SignedHeadRow | undefined> {
  const [row] = await db.select().from(ledgerHeads).where(eq(ledgerHeads.id, id))
  return row
}

/** The newest signed head: the largest size, then the latest signature. */
export async function latestSignedHead(db: Queryable, logId: string): Promise<SignedHeadRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerHeads)
    .where(eq(ledgerHeads.logId, logId))
    .orderBy(desc(ledgerHeads.treeSize), desc(ledgerHeads.timestampMs))
    .limit(1)
  return row
}

/** The latest signed head of exactly this size, if any. */
export async function signedHeadOfSize(db: Queryable, logId: string, treeSize: number): Promise<SignedHeadRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerHeads)
    .where(and(eq(ledgerHeads.logId, logId), eq(ledgerHeads.treeSize, treeSize)))
    .orderBy(desc(ledgerHeads.timestampMs))
    .limit(1)
  return row
}

export async function signedHeadBySizeAndKey(db: Queryable, logId: string, treeSize: number, keyId: string): Promise<SignedHeadRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerHeads)
    .where(and(eq(ledgerHeads.logId, logId), eq(ledgerHeads.treeSize, treeSize), eq(ledgerHeads.keyId, keyId)))
  return row
}

/** Every signed head of a log, smallest size first, then in signing order. */
export async function signedHeadsOf(db: Queryable, logId: string): Promise<SignedHeadRow[]> {
  return db
    .select()
    .from(ledgerHeads)
    .where(eq(ledgerHeads.logId, logId))
    .orderBy(asc(ledgerHeads.treeSize), asc(ledgerHeads.timestampMs), asc(ledgerHeads.id))
}

/**
 * Up to `limit` stored entries with idx >= `from`, in index order, whatever the log's head says
 * (an audit must see rows beyond it, and gaps).
 */
export async function entriesFrom(db: Queryable, logId: string, from: number, limit: number): Promise<EntryRow[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.logId, logId), gte(ledgerEntries.idx, from)))
    .orderBy(asc(ledgerEntries.idx))
    .limit(limit)
}

/** Up to `limit` stored interior nodes after (level, idx), ordered by level then index. */
export async function nodesAfter(db: Queryable, logId: string, after: { level: number; idx: number } | null, limit: number): Promise<NodeRow[]> {
  const position = after
    ? or(gt(ledgerNodes.level, after.level), and(eq(ledgerNodes.level, after.level), gt(ledgerNodes.idx, after.idx)))
    : undefined
  return db
    .select({ level: ledgerNodes.level, idx: ledgerNodes.idx, hash: ledgerNodes.hash })
    .from(ledgerNodes)
    .where(and(eq(ledgerNodes.logId, logId), position))
    .orderBy(asc(ledgerNodes.level), asc(ledgerNodes.idx))
    .limit(limit)
}

/** The stored bytes of the entries at these indices, by index. */
export async function entriesAt(db: Queryable, logId: string, indices: readonly number[]): Promise<Map<number, Uint8Array>> {
  const found = new Map<number, Uint8Array>()
  if (indices.length === 0) return found
  const rows = await queryRows<{ idx: number | string; entry: Uint8Array }>(
    db,
    sql`select idx, entry from ledger_entries where log_id = ${logId} and idx = any(${integerArray(indices)}::bigint[])`,
  )
  for (const row of rows) found.set(Number(row.idx), row.entry)
  return found
}

// ---------------------------------------------------------------------------------------------
// Entries waiting for the sequencer (migrations/0007_ledger_audit.sql).

export async function insertPending(db: Queryable, row: { logId: string; entry: Uint8Array; auditEventId: number | null }): Promise<void> {
  await db.insert(ledgerPending).values(row)
}

/** The oldest waiting entries of a log, in the order they were queued. */
export async function pendingEntries(db: Queryable, logId: string, limit: number): Promise<PendingRow[]> {
  return db.select().from(ledgerPending).where(eq(ledgerPending.logId, logId)).orderBy(asc(ledgerPending.id)).limit(limit)
}

export async function deletePending(db: Queryable, ids: readonly number[]): Promise<void> {
  await db.execute(sql`delete from ledger_pending where id = any(${integerArray(ids)}::bigint[])`)
}

export async function hasPending(db: Queryable, logId: string): Promise<boolean> {
  const [row] = await db.select({ id: ledgerPending.id }).from(ledgerPending).where(eq(ledgerPending.logId, logId)).limit(1)
  return row !== undefined
}

/** The logs that have entries waiting. */
export async function logsWithPending(db: Queryable): Promise<string[]> {
  const rows = await db.selectDistinct({ logId: ledgerPending.logId }).from(ledgerPending).orderBy(asc(ledgerPending.logId))
  return rows.map((row) => row.logId)
}

/** Which of these audit events have an entry waiting. */
export async function pendingAuditEventIds(db: Queryable, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await queryRows<{ id: number | string }>(
    db,
    sql`select audit_event_id as id from ledger_pending where audit_event_id = any(${integerArray(ids)}::bigint[])`,
  )
  return new Set(rows.map((row) => Number(row.id)))
}

export async function auditSettings(db: Queryable): Promise<AuditSettingsRow> {
  const [row] = await db.select().from(ledgerAuditSettings)
  if (!row) throw new Error('ledger_audit_settings is empty: migration 0007 did not run')
  return row
}

export async function auditSettingsForUpdate(db: Queryable): Promise<AuditSettingsRow> {
  const [row] = await db.select().from(ledgerAuditSettings).for('update')
  if (!row) throw new Error('ledger_audit_settings is empty: migration 0007 did not run')
  return row
}

export async function setBackfilledThrough(db: Queryable, id: number): Promise<void> {
  await db.update(ledgerAuditSettings).set({ backfilledThrough: id })
}

// ---------------------------------------------------------------------------------------------
// Institutions' operation batches.

export async function findOperationBatch(db: Queryable, orgId: string, idempotencyKey: string): Promise<OperationBatchRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerOperationBatches)
    .where(and(eq(ledgerOperationBatches.orgId, orgId), eq(ledgerOperationBatches.idempotencyKey, idempotencyKey)))
  return row
}

export async function insertOperationBatch(db: Queryable, row: Omit<OperationBatchRow, 'id' | 'appendedAt'>): Promise<OperationBatchRow> {
  const [inserted] = await db.insert(ledgerOperationBatches).values(row).returning()
  return inserted!
}
