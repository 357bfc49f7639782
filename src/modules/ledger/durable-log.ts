import type { Db, Queryable } from '../../db/database.js'
import { notFound } from '../../errors.js'
import { borderOf, extendRange } from './compact-range.js'
import { encodeEntry, type LedgerEntry } from './entry.js'
import { MerkleTree } from './merkle-tree.js'
import {
  EMPTY_ROOT,
  consistencyProof,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofRanges,
  leafHash,
  perfectSubtrees,
  rangeHash,
  type ConsistencyProof,
  type HashSource,
  type InclusionProof,
  type LeafRange,
  type SubtreeAddress,
} from './merkle.js'
import * as repo from './repository.js'

// A Merkle log in the database. It keeps nothing in memory between calls: each append batch reads
// the log's head (locked) and its compact range, so any process — or the same one after a restart
// — continues the same tree. Proofs read the O(log n) subtree hashes they need in one query per
// table.

/** Entries a batch may carry (the external-log API takes up to 10,000 records a call). */
export const MAX_BATCH = 10_000

export interface TreeHead {
  logId: string
  treeSize: number
  rootHash: Uint8Array
}

export interface AppendedBatch extends TreeHead {
  /** Index of the batch's first entry; the others follow in order. */
  firstIndex: number
}

export class LedgerIntegrityError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LedgerIntegrityError'
  }
}

/** Opens a log, creating it empty the first time. */
export async function openLog(db: Queryable, logId: string): Promise<TreeHead> {
  await repo.insertLogIfAbsent(db, logId, EMPTY_ROOT)
  return readHead(db, logId)
}

export async function readHead(db: Queryable, logId: string): Promise<TreeHead> {
  const head = await repo.findHead(db, logId)
  if (!head) throw notFound('ledger_log', logId)
  return { logId, treeSize: head.treeSize, rootHash: head.rootHash }
}

/**
 * Appends a batch of entries in one transaction: the head row is locked once for the batch, the
 * entries and every perfect subtree they complete are written, and the head moves to the new size
 * and root. Entries get consecutive indices in the order given.
 */
export async function appendEntries(db: Db, logId: string, entries: readonly LedgerEntry[]): Promise<AppendedBatch> {
  const encoded = entries.map(encodeEntry)
  return db.transaction(async (tx) => appendEncoded(tx, await lockHead(tx, logId), encoded))
}

/** Locks the log's head row for the rest of the transaction (append batches of a log queue here). */
export async function lockHead(tx: Queryable, logId: string): Promise<TreeHead> {
  const head = await repo.findHeadForUpdate(tx, logId)
  if (!head) throw notFound('ledger_log', logId)
  return { logId, treeSize: head.treeSize, rootHash: head.rootHash }
}

/**
 * Appends entries given as their canonical bytes to a log whose head the transaction has locked
 * (lockHead): one read of the compact range, then one statement writes the entries, the subtrees
 * they complete and the new head.
 */
export async function appendEncoded(tx: Queryable, head: TreeHead, encoded: readonly Uint8Array[]): Promise<AppendedBatch> {
  if (encoded.length === 0 || encoded.length > MAX_BATCH) throw new RangeError(`a batch holds 1 to ${MAX_BATCH} entries, not ${encoded.length}`)
  const { logId } = head
  const leaves = encoded.map(leafHash)
  const addresses = borderOf(head.treeSize)
  const found = await repo.subtreeHashes(tx, logId, addresses)
  const border = addresses.map((a) => ({ ...a, hash: required(found, logId, a) }))
  const extended = extendRange(head.treeSize, border, leaves)
  await repo.writeBatch(tx, logId, { firstIdx: head.treeSize, leafHashes: leaves, entries: encoded, nodes: extended.completed, treeSize: extended.size, rootHash: extended.root })
  return { logId, firstIndex: head.treeSize, treeSize: extended.size, rootHash: extended.root }
}

/** RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries (default: the head). */
export async function proveInclusion(db: Queryable, logId: string, index: number, treeSize?: number): Promise<InclusionProof> {
  const size = await sizeWithin(db, logId, treeSize)
  const source = await fetchedSource(db, logId, size, inclusionProofRanges(index, size))
  return inclusionProof(source, index, size)
}

/**
 * Leaf hashes and RFC 9162 inclusion proofs of entries [begin, end) in the tree of `treeSize`
 * entries, from one query: the receipts of a batch.
 */
export async function proveInclusionRange(
  db: Queryable,
  logId: string,
  range: LeafRange,
  treeSize: number,
): Promise<{ leafHashes: Uint8Array[]; proofs: InclusionProof[] }> {
  const size = await sizeWithin(db, logId, treeSize)
  if (range.begin < 0 || range.end > size || range.begin >= range.end) throw new RangeError(`entries ${range.begin} to ${range.end} are not in a tree of ${size}`)
  const wanted = new Map<string, SubtreeAddress>()
  for (let index = range.begin; index < range.end; index++) {
    wanted.set(repo.subtreeKey(0, index), { level: 0, index })
    for (const r of inclusionProofRanges(index, size)) for (const a of perfectSubtrees(r)) wanted.set(repo.subtreeKey(a.level, a.index), a)
  }
  const found = await repo.subtreeHashes(db, logId, [...wanted.values()])
  const source: HashSource = { size, subtreeHash: (level, index) => required(found, logId, { level, index }) }
  const leafHashes: Uint8Array[] = []
  const proofs: InclusionProof[] = []
  for (let index = range.begin; index < range.end; index++) {
    leafHashes.push(source.subtreeHash(0, index))
    proofs.push(inclusionProof(source, index, size))
  }
  return { leafHashes, proofs }
}

/** RFC 9162 consistency proof between the trees of size1 and size2 entries (default: the head). */
export async function proveConsistency(db: Queryable, logId: string, size1: number, size2?: number): Promise<ConsistencyProof> {
  const size = await sizeWithin(db, logId, size2)
  const source = await fetchedSource(db, logId, size, consistencyProofRanges(size1, size))
  return consistencyProof(source, size1, size)
}

/** MTH of the first `treeSize` entries (the head's root when it is the head's size). */
export async function rootAtSize(db: Queryable, logId: string, treeSize: number): Promise<Uint8Array> {
  const head = await readHead(db, logId)
  if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > head.treeSize) throw new RangeError(`log ${logId} has ${head.treeSize} entries, not ${treeSize}`)
  if (treeSize === head.treeSize) return head.rootHash
  if (treeSize === 0) return Uint8Array.from(EMPTY_ROOT)
  const range = { begin: 0, end: treeSize }
  return rangeHash(await fetchedSource(db, logId, treeSize, [range]), range)
}

/**
 * Rebuilds the whole tree in memory from the stored leaf hashes, reading `pageSize` entries at a
 * time (for audits and for checking the stored heads and nodes).
 */
export async function rebuildTree(db: Queryable, logId: string, pageSize = 10_000): Promise<MerkleTree> {
  const head = await readHead(db, logId)
  const tree = new MerkleTree()
  for (let begin = 0; begin < head.treeSize; begin += pageSize) {
    const rows = await repo.leafHashesInRange(db, logId, begin, Math.min(begin + pageSize, head.treeSize))
    for (const row of rows) {
      if (row.idx !== tree.size) throw new LedgerIntegrityError(`log ${logId} has no entry ${tree.size}`)
      tree.appendLeafHash(row.leafHash)
    }
  }
  if (tree.size !== head.treeSize) throw new LedgerIntegrityError(`log ${logId} holds ${tree.size} of its ${head.treeSize} entries`)
  return tree
}

async function sizeWithin(db: Queryable, logId: string, treeSize: number | undefined): Promise<number> {
  const head = await readHead(db, logId)
  if (treeSize === undefined) return head.treeSize
  if (treeSize > head.treeSize) throw new RangeError(`log ${logId} has ${head.treeSize} entries, not ${treeSize}`)
  return treeSize
}

/** A hash source holding just the subtrees that proofs over `ranges` read, fetched at once. */
async function fetchedSource(db: Queryable, logId: string, size: number, ranges: readonly LeafRange[]): Promise<HashSource> {
  const found = await repo.subtreeHashes(db, logId, ranges.flatMap(perfectSubtrees))
  return { size, subtreeHash: (level, index) => required(found, logId, { level, index }) }
}

function required(found: Map<string, Uint8Array>, logId: string, address: SubtreeAddress): Uint8Array {
  const hash = found.get(repo.subtreeKey(address.level, address.index))
  if (!hash) throw new LedgerIntegrityError(`log ${logId} is missing the subtree hash at level ${address.level}, index ${address.index}`)
  return hash
}
