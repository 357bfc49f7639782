import { and, asc, eq, gte, lt, sql } from 'drizzle-orm'
import { queryRows, type Queryable } from '../../db/database.js'
import type { SubtreeAddress } from './merkle.js'
import { ledgerEntries, ledgerLogs, ledgerNodes } from './schema.js'

// SQL of the ledger. Leaves live in ledger_entries (level 0), complete perfect subtrees of level
// >= 1 in ledger_nodes; a log's head row in ledger_logs is the one row an append batch locks.

export type LogHeadRow = typeof ledgerLogs.$inferSelect
export type EntryRow = typeof ledgerEntries.$inferSelect

// Rows per INSERT statement: 4 parameters a row stays far below PostgreSQL's 65,535.
const INSERT_CHUNK = 5_000

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

export async function updateHead(db: Queryable, logId: string, treeSize: number, rootHash: Uint8Array): Promise<void> {
  await db.update(ledgerLogs).set({ treeSize, rootHash, updatedAt: sql`now()` }).where(eq(ledgerLogs.id, logId))
}

export async function insertEntries(db: Queryable, logId: string, rows: { idx: number; leafHash: Uint8Array; entry: Uint8Array }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db.insert(ledgerEntries).values(rows.slice(i, i + INSERT_CHUNK).map((row) => ({ logId, ...row })))
  }
}

export async function insertNodes(db: Queryable, logId: string, nodes: { level: number; index: number; hash: Uint8Array }[]): Promise<void> {
  for (let i = 0; i < nodes.length; i += INSERT_CHUNK) {
    await db.insert(ledgerNodes).values(nodes.slice(i, i + INSERT_CHUNK).map((node) => ({ logId, level: node.level, idx: node.index, hash: node.hash })))
  }
}

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
