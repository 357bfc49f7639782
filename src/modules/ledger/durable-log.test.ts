import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js'
import { queryRows } from '../../db/database.js'
import { appendEntries, openLog, proveConsistency, proveInclusion, readHead, rebuildTree, type TreeHead } from './durable-log.js'
import { entryLeafHash, type LedgerEntry } from './entry.js'
import { MerkleTree } from './merkle-tree.js'
import { EMPTY_ROOT, verifyConsistency, verifyInclusion } from './merkle.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const makeEntry = (i: number): LedgerEntry => ({ kind: 'test.event', seq: i, actor: `pseudonym-${i % 17}`, payload: { digest: hex(entryLeafHash({ i })) } })

// Batch sizes whose boundaries fall inside perfect subtrees of every size; 2,500 entries in all.
const BATCHES = [1, 2, 97, 400, 1_000, 1_000]
const LOG = 'kamae-audit-test'

describe('the durable ledger log', () => {
  let database: TestDatabase
  const entries = Array.from({ length: 2_500 }, (_, i) => makeEntry(i))
  const heads: TreeHead[] = []

  beforeAll(async () => {
    database = await createTestDatabase()
    await openLog(database.db, LOG)
    let done = 0
    // Each batch is its own transaction, and nothing is carried from one batch to the next but
    // what the database holds: the same as a restart between batches.
    for (const size of BATCHES) {
      const batch = await appendEntries(database.db, LOG, entries.slice(done, done + size))
      expect(batch.firstIndex).toBe(done)
      done += size
      heads.push({ logId: LOG, treeSize: batch.treeSize, rootHash: batch.rootHash })
    }
  })
  afterAll(() => database.dispose())

  it('starts a new log at the empty tree', async () => {
    const head = await openLog(database.db, 'kamae-empty-test')
    expect(head.treeSize).toBe(0)
    expect(hex(head.rootHash)).toBe(hex(EMPTY_ROOT))
  })

  it('moves its head to the RFC 9162 root of all entries after every batch', async () => {
    const tree = new MerkleTree()
    let done = 0
    for (const [i, size] of BATCHES.entries()) {
      for (const entry of entries.slice(done, done + size)) tree.appendLeafHash(entryLeafHash(entry))
      done += size
      expect(heads[i]!.treeSize).toBe(done)
      expect(hex(heads[i]!.rootHash), `after batch ${i}`).toBe(hex(tree.root()))
    }
    const head = await readHead(database.db, LOG)
    expect(head.treeSize).toBe(2_500)
    expect(hex(head.rootHash)).toBe(hex(tree.root()))
  })

  it('rebuilds from the database to the stored head, and stores every complete subtree exactly', async () => {
    const rebuilt = await rebuildTree(database.db, LOG, 700)
    expect(hex(rebuilt.root())).toBe(hex((await readHead(database.db, LOG)).rootHash))
    const nodes = await queryRows<{ level: number; idx: string | number; hash: Uint8Array }>(
      database.db,
      sql`select level, idx, hash from ledger_nodes where log_id = ${LOG} order by level, idx`,
    )
    const expected = Array.from({ length: 11 }, (_, l) => Math.floor(2_500 / 2 ** (l + 1))).reduce((a, b) => a + b, 0)
    expect(nodes).toHaveLength(expected)
    for (const node of nodes) expect(hex(node.hash)).toBe(hex(rebuilt.subtreeHash(node.level, Number(node.idx))))
  })

  it('proves inclusion of entries on both sides of every batch boundary, at the head and at earlier heads', async () => {
    const boundaries = [0, 1, 2, 3, 99, 100, 101, 499, 500, 501, 1_499, 1_500, 2_499]
    for (const head of [...heads, heads.at(-1)!]) {
      for (const index of boundaries.filter((i) => i < head.treeSize)) {
        const proof = await proveInclusion(database.db, LOG, index, head.treeSize)
        expect(verifyInclusion(proof, entryLeafHash(entries[index]!), head.rootHash), `entry ${index} in ${head.treeSize}`).toEqual({ ok: true })
      }
    }
  })

  it('proves every head consistent with every later one', async () => {
    for (const [i, older] of heads.entries()) {
      for (const newer of heads.slice(i)) {
        const proof = await proveConsistency(database.db, LOG, older.treeSize, newer.treeSize)
        expect(verifyConsistency(proof, older.rootHash, newer.rootHash), `${older.treeSize} -> ${newer.treeSize}`).toEqual({ ok: true })
      }
    }
  })

  it('keeps logs apart', async () => {
    await openLog(database.db, 'org-test:operations')
    const other = await appendEntries(database.db, 'org-test:operations', [{ kind: 'other' }])
    expect(other.firstIndex).toBe(0)
    expect((await readHead(database.db, LOG)).treeSize).toBe(2_500)
  })

  it('refuses to append to a log that was never opened', async () => {
    await expect(appendEntries(database.db, 'no-such-log', [{ kind: 'x' }])).rejects.toMatchObject({ code: 'not_found' })
  })

  it('refuses a proof for a size beyond its head', async () => {
    await expect(proveInclusion(database.db, LOG, 0, 2_501)).rejects.toThrow(RangeError)
  })
})
