import type { Queryable } from '../../db/database.js'
import { notFound } from '../../errors.js'
import * as audit from '../audit/service.js'
import { AUDIT_LOG, auditEventIdOf, auditLedgerEntry } from './audit-trail.js'
import { encodeEntry } from './entry.js'
import { MerkleTree } from './merkle-tree.js'
import { HASH_SIZE, leafHash, nodeHash } from './merkle.js'
import { publicKeysById, toSignedTreeHead } from './sign-heads.js'
import { keyIdOf } from './signing-key.js'
import { verifySignedHead, type HeadFailure } from './tree-head.js'
import * as repo from './repository.js'

// `kamae ledger audit`: re-derives a log's tree from the database and compares it with what the
// database also keeps — each entry's leaf hash, the stored nodes, the log's head, the signed heads.
// An edit that is not carried through all of them shows, and is named:
//  - an entry's bytes changed              -> entry_changed (its bytes no longer hash to its leaf hash)
//  - an entry removed                      -> entry_missing (a gap in the indices, or fewer than the head)
//  - entries reordered / moved             -> entry_moved or entries_swapped, found from the stored
//    node above them: the sibling pair that hashes to it again names where the content went
//  - an entry changed with its leaf hash   -> entries_changed (the two entries under the node that
//    no longer matches: the stored nodes cannot tell which of the two it was)
//  - a stored node or head row edited      -> node_changed / root_mismatch
//  - anything rewritten consistently       -> head_mismatch: the signed heads are the one thing an
//    editor of the database cannot recompute.
// The audit log ('kamae-audit') is also compared with the audit trail it holds (audit_events):
//  - an audit row edited                   -> audit_event_changed (it no longer gives its entry)
//  - an audit row deleted                  -> audit_event_removed (an entry names it)
//  - an audit row with no entry, none queued -> audit_event_unlogged (written around recordAudit,
//    or its queued entry deleted)
//  - an audit row pointing at another entry -> audit_event_relinked

export type AuditFindingKind =
  | 'entry_missing'
  | 'entry_changed'
  | 'entry_beyond_head'
  | 'entry_moved'
  | 'entries_swapped'
  | 'entries_changed'
  | 'node_changed'
  | 'node_missing'
  | 'node_unexpected'
  | 'root_mismatch'
  | 'head_invalid'
  | 'head_beyond_log'
  | 'head_mismatch'
  | 'key_id_mismatch'
  | 'audit_event_changed'
  | 'audit_event_removed'
  | 'audit_event_unlogged'
  | 'audit_event_relinked'

export interface AuditFinding {
  kind: AuditFindingKind
  /** The entry named (the first of a run for entry_missing). */
  index?: number
  /** entry_missing: the last of a run of missing entries. */
  lastIndex?: number
  /** entries_swapped / entries_changed: the other entry of the pair. */
  otherIndex?: number
  /** entry_moved: where the entry's original content is now; entry_changed: whose content it now holds. */
  originalAt?: number
  level?: number
  nodeIndex?: number
  treeSize?: number
  timestamp?: number
  keyId?: string
  reason?: HeadFailure
  /** head_mismatch: entries from here up to the head's size were changed after it was signed. */
  changedFrom?: number
  /** audit_event_*: the audit_events row (index: its entry in the audit log, when it has one). */
  auditEventId?: number
  detail: string
}

export interface LogAudit {
  logId: string
  name: string
  treeSize: number
  entries: number
  nodes: number
  heads: number
  findings: AuditFinding[]
  /** The audit log only: the audit events compared with their entries. */
  auditEvents?: number
  /** More findings than maxFindings: the rest were left out. */
  truncated: boolean
}

export interface AuditOptions {
  pageSize?: number
  maxFindings?: number
  /** Mismatching nodes whose leaves are searched for the content that moved (each a pass over the log). */
  maxSearches?: number
}

const MISSING = new Uint8Array(HASH_SIZE) // stands in for a missing leaf so that later indices keep their place
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
const key = (level: number, index: number) => `${level}:${index}`

/** Audits every log (or the named ones). */
export async function auditLedger(db: Queryable, logNames?: string[], opts: AuditOptions = {}): Promise<LogAudit[]> {
  const names = logNames ?? (await repo.listLogs(db)).map((log) => log.id)
  const audits: LogAudit[] = []
  for (const name of names) audits.push(await auditLog(db, name, opts))
  return audits
}

export async function auditLog(db: Queryable, logName: string, opts: AuditOptions = {}): Promise<LogAudit> {
  const log = await repo.findHead(db, logName)
  if (!log) throw notFound('ledger_log', logName)
  const size = log.treeSize
  const findings: AuditFinding[] = []
  const leaves = await readEntries(db, log.id, size, opts.pageSize ?? 10_000, findings)
  findMovedContent(leaves, findings, opts.maxSearches ?? 16)
  const nodes = await compareNodes(db, log.id, leaves, opts, findings)
  const structural = findings.length > 0
  if (!equal(leaves.stored.rootAt(size), log.rootHash) && !structural) {
    const lastUncovered = size % 2 === 1 ? size - 1 : undefined
    findings.push({
      kind: 'root_mismatch',
      index: lastUncovered,
      detail: lastUncovered === undefined ? "the log's stored root is not the root of its entries" : `the log's stored root is not the root of its entries: entry ${lastUncovered} or the root was changed`,
    })
  }
  const heads = await compareSignedHeads(db, log, leaves.content ?? leaves.stored, findings)
  const trail = log.id === AUDIT_LOG ? await compareAuditTrail(db, opts.pageSize ?? 10_000, findings) : undefined
  const max = opts.maxFindings ?? 100
  const ordered = findings.map((finding, i) => ({ finding, i })).sort((a, b) => firstLeaf(a.finding) - firstLeaf(b.finding) || a.i - b.i)
  return {
    logId: log.uuid,
    name: log.id,
    treeSize: size,
    entries: leaves.rows,
    nodes,
    heads,
    ...(trail === undefined ? {} : { auditEvents: trail }),
    findings: ordered.slice(0, max).map(({ finding }) => finding),
    truncated: findings.length > max,
  }
}

/** Where a finding sits in the log, for listing them in entry order; the log-wide ones come last. */
function firstLeaf(finding: AuditFinding): number {
  if (finding.kind === 'root_mismatch' || finding.kind.startsWith('head_') || finding.kind === 'key_id_mismatch') return Number.MAX_SAFE_INTEGER
  if (finding.level !== undefined && finding.nodeIndex !== undefined) return finding.nodeIndex * 2 ** finding.level
  return finding.index ?? Number.MAX_SAFE_INTEGER
}

interface Leaves {
  /** The tree of the stored leaf hashes (what the stored nodes were built from). */
  stored: MerkleTree
  /** The tree of the hashes recomputed from the entries' bytes, when any differs from the stored one. */
  content: MerkleTree | null
  /** 1 where the entry is missing. */
  missing: Uint8Array
  /** Entries whose bytes do not hash to their stored leaf hash, with that hash recomputed. */
  changed: { index: number; computed: Uint8Array }[]
  rows: number
}

/** Reads every stored entry in index order, checking each against its leaf hash and its place. */
async function readEntries(db: Queryable, logName: string, size: number, pageSize: number, findings: AuditFinding[]): Promise<Leaves> {
  const leaves: Leaves = { stored: new MerkleTree(), content: null, missing: new Uint8Array(size), changed: [], rows: 0 }
  const markMissing = (until: number) => {
    const first = leaves.stored.size
    if (first >= until) return
    findings.push({ kind: 'entry_missing', index: first, lastIndex: until - 1, detail: until - first === 1 ? `entry ${first} is missing` : `entries ${first} to ${until - 1} are missing` })
    while (leaves.stored.size < until) {
      leaves.missing[leaves.stored.size] = 1
      append(leaves, MISSING, MISSING)
    }
  }
  for (let from = 0; ; ) {
    const rows = await repo.entriesFrom(db, logName, from, pageSize)
    for (const row of rows) {
      leaves.rows += 1
      if (row.idx >= size) {
        findings.push({ kind: 'entry_beyond_head', index: row.idx, detail: `entry ${row.idx} lies beyond the log's head of ${size}` })
        continue
      }
      markMissing(row.idx)
      const computed = leafHash(row.entry)
      if (!equal(computed, row.leafHash)) {
        findings.push({ kind: 'entry_changed', index: row.idx, detail: `the bytes of entry ${row.idx} do not hash to its leaf hash` })
        leaves.changed.push({ index: row.idx, computed })
      }
      append(leaves, row.leafHash, computed)
    }
    if (rows.length < pageSize) break
    from = rows[rows.length - 1]!.idx + 1
  }
  markMissing(size)
  return leaves
}

function append(leaves: Leaves, stored: Uint8Array, computed: Uint8Array) {
  if (!leaves.content && !equal(stored, computed)) {
    // The first difference: from here on the content tree is kept apart.
    leaves.content = new MerkleTree()
    for (let i = 0; i < leaves.stored.size; i++) leaves.content.appendLeafHash(leaves.stored.leafHash(i))
  }
  leaves.stored.appendLeafHash(stored)
  leaves.content?.appendLeafHash(computed)
}

/** For changed entries: whose stored leaf hash their new content has (content copied or moved from there). */
function findMovedContent(leaves: Leaves, findings: AuditFinding[], maxSearches: number) {
  for (const { index, computed } of leaves.changed.slice(0, maxSearches)) {
    for (let m = 0; m < leaves.stored.size; m++) {
      if (m === index || leaves.missing[m]) continue
      if (equal(leaves.stored.leafHash(m), computed)) {
        const finding = findings.find((f) => f.kind === 'entry_changed' && f.index === index)!
        finding.originalAt = m
        finding.detail = `entry ${index} was changed: it now holds the content of entry ${m}`
        break
      }
    }
  }
}

/** Compares every stored node with the tree of the stored leaf hashes; names the lowest that differ. */
async function compareNodes(db: Queryable, logName: string, leaves: Leaves, opts: AuditOptions, findings: AuditFinding[]): Promise<number> {
  const tree = leaves.stored
  const size = tree.size
  const countAt = (level: number) => Math.floor(size / 2 ** level)
  const mismatched = new Map<string, Uint8Array>()
  let expected: { level: number; idx: number } | null = countAt(1) > 0 ? { level: 1, idx: 0 } : null
  const advance = (at: { level: number; idx: number }) =>
    at.idx + 1 < countAt(at.level) ? { level: at.level, idx: at.idx + 1 } : countAt(at.level + 1) > 0 ? { level: at.level + 1, idx: 0 } : null
  const before = (a: { level: number; idx: number }, b: { level: number; idx: number }) => a.level < b.level || (a.level === b.level && a.idx < b.idx)
  const missingNodes: AuditFinding[] = []
  let read = 0
  let after: { level: number; idx: number } | null = null
  const pageSize = opts.pageSize ?? 10_000
  for (;;) {
    const page = await repo.nodesAfter(db, logName, after, pageSize)
    for (const node of page) {
      read += 1
      while (expected && before(expected, node)) {
        missingNodes.push({ kind: 'node_missing', level: expected.level, nodeIndex: expected.idx, detail: `the stored node at level ${expected.level}, index ${expected.idx} is missing` })
        expected = advance(expected)
      }
      if (node.idx >= countAt(node.level)) {
        findings.push({ kind: 'node_unexpected', level: node.level, nodeIndex: node.idx, detail: `a stored node at level ${node.level}, index ${node.idx} lies beyond the tree of ${size}` })
        continue
      }
      if (expected && expected.level === node.level && expected.idx === node.idx) expected = advance(expected)
      if (!equal(tree.subtreeHash(node.level, node.idx), node.hash)) mismatched.set(key(node.level, node.idx), node.hash)
    }
    if (page.length < pageSize) break
    const last = page[page.length - 1]!
    after = { level: last.level, idx: last.idx }
  }
  for (; expected; expected = advance(expected)) {
    missingNodes.push({ kind: 'node_missing', level: expected.level, nodeIndex: expected.idx, detail: `the stored node at level ${expected.level}, index ${expected.idx} is missing` })
  }
  findings.push(...explainMismatches(leaves, mismatched, opts.maxSearches ?? 16), ...missingNodes)
  return read
}

/**
 * The lowest mismatching nodes, as findings: a node is explained by a missing entry below it or by
 * a mismatching child; at level 1 the pair of entries is examined for swapped or moved content.
 */
function explainMismatches(leaves: Leaves, mismatched: Map<string, Uint8Array>, maxSearches: number): AuditFinding[] {
  const out: AuditFinding[] = []
  let searches = 0
  const ordered = [...mismatched.entries()]
    .map(([k, hash]) => {
      const [level, index] = k.split(':').map(Number) as [number, number]
      return { level, index, hash }
    })
    .sort((a, b) => a.index * 2 ** a.level - b.index * 2 ** b.level || a.level - b.level)
  for (const node of ordered) {
    const begin = node.index * 2 ** node.level
    if (leaves.missing.subarray(begin, begin + 2 ** node.level).includes(1)) continue
    if (node.level > 1 && (mismatched.has(key(node.level - 1, 2 * node.index)) || mismatched.has(key(node.level - 1, 2 * node.index + 1)))) continue
    if (node.level > 1) {
      out.push({ kind: 'node_changed', level: node.level, nodeIndex: node.index, detail: `the stored node at level ${node.level}, index ${node.index} was changed: the nodes below it agree with the entries` })
      continue
    }
    out.push(examinePair(leaves.stored, node.index, node.hash, searches++ < maxSearches))
  }
  return out
}

/** Entries 2i and 2i+1 no longer hash to their stored parent: swapped, moved, or changed. */
function examinePair(tree: MerkleTree, pair: number, parent: Uint8Array, search: boolean): AuditFinding {
  const left = 2 * pair
  const right = left + 1
  const a = tree.leafHash(left)
  const b = tree.leafHash(right)
  if (equal(nodeHash(b, a), parent)) {
    return { kind: 'entries_swapped', index: left, otherIndex: right, detail: `entries ${left} and ${right} were swapped` }
  }
  // The parent was built from the original pair: the stored entry that completes it again is the
  // original content of the one that changed, now elsewhere in the log.
  for (let m = 0; search && m < tree.size; m++) {
    if (m === left || m === right) continue
    const x = tree.leafHash(m)
    if (equal(nodeHash(x, b), parent)) return { kind: 'entry_moved', index: left, originalAt: m, detail: `entry ${left} was replaced: its original content is now at ${m}` }
    if (equal(nodeHash(a, x), parent)) return { kind: 'entry_moved', index: right, originalAt: m, detail: `entry ${right} was replaced: its original content is now at ${m}` }
  }
  return { kind: 'entries_changed', index: left, otherIndex: right, detail: `entry ${left} or ${right} was changed together with its leaf hash` }
}

/** Checks every signed head: its key and signature, and its root against the entries' tree. */
async function compareSignedHeads(db: Queryable, log: repo.LogHeadRow, content: MerkleTree, findings: AuditFinding[]): Promise<number> {
  const keys = await publicKeysById(db)
  for (const k of keys.values()) {
    if (keyIdOf(k.publicKey) !== k.keyId) findings.push({ kind: 'key_id_mismatch', keyId: k.keyId, detail: `key ${k.keyId} is not the fingerprint of its stored public key` })
  }
  const rows = await repo.signedHeadsOf(db, log.id)
  let lastGood = 0
  for (const row of rows) {
    const head = toSignedTreeHead(row, log.uuid)
    const at = { treeSize: head.treeSize, timestamp: head.timestamp, keyId: head.keyId }
    const check = verifySignedHead(head, keys)
    if (!check.ok) {
      findings.push({ kind: 'head_invalid', ...at, reason: check.reason, detail: `the head of size ${head.treeSize}: ${check.message}` })
    } else if (head.treeSize > content.size) {
      findings.push({ kind: 'head_beyond_log', ...at, detail: `a head signed ${head.treeSize} entries; the log holds ${content.size}` })
    } else if (!equal(content.rootAt(head.treeSize), row.rootHash)) {
      findings.push({ kind: 'head_mismatch', ...at, changedFrom: lastGood, detail: `the entries are not those the head of size ${head.treeSize} signed (changed at or after entry ${lastGood})` })
    } else {
      lastGood = head.treeSize
    }
  }
  return rows.length
}

/**
 * The audit log against the audit trail: each audit row against the entry at its ledger_index
 * (rebuilt from the row, byte for byte), then each entry against the row it names. Answers how
 * many audit rows were compared.
 */
async function compareAuditTrail(db: Queryable, pageSize: number, findings: AuditFinding[]): Promise<number> {
  const { salt, backfillUntil, backfilledThrough } = await repo.auditSettings(db)
  let compared = 0
  for (let after = 0; ; ) {
    const rows = await audit.auditEventsAfter(db, after, pageSize)
    compared += rows.length
    const stored = await repo.entriesAt(db, AUDIT_LOG, rows.flatMap((row) => (row.ledgerIndex === null ? [] : [row.ledgerIndex])))
    const queued = await repo.pendingAuditEventIds(db, rows.filter((row) => row.ledgerIndex === null).map((row) => row.id))
    for (const row of rows) {
      const id = row.id
      if (row.ledgerIndex === null) {
        const awaitingBackfill = id > backfilledThrough && id <= backfillUntil
        if (!queued.has(id) && !awaitingBackfill) findings.push({ kind: 'audit_event_unlogged', auditEventId: id, detail: `audit event ${id} has no entry in the audit log and none is queued` })
        continue
      }
      const index = row.ledgerIndex
      const bytes = stored.get(index)
      if (!bytes || auditEventIdOf(bytes) !== id) {
        findings.push({ kind: 'audit_event_relinked', auditEventId: id, index, detail: `audit event ${id} points at entry ${index} of the audit log, which does not record it` })
      } else if (!equal(encodeEntry(auditLedgerEntry(row, salt)), bytes)) {
        findings.push({ kind: 'audit_event_changed', auditEventId: id, index, detail: `audit event ${id} no longer matches its entry ${index} of the audit log (the row or the entry was changed)` })
      }
    }
    if (rows.length < pageSize) break
    after = rows[rows.length - 1]!.id
  }
  for (let from = 0; ; ) {
    const entries = await repo.entriesFrom(db, AUDIT_LOG, from, pageSize)
    const named = entries.flatMap((entry) => {
      const id = auditEventIdOf(entry.entry)
      return id === null ? [] : [{ index: entry.idx, id }]
    })
    const existing = await audit.existingAuditEventIds(db, named.map((n) => n.id))
    for (const { index, id } of named) {
      if (!existing.has(id)) findings.push({ kind: 'audit_event_removed', auditEventId: id, index, detail: `entry ${index} of the audit log records audit event ${id}, whose row is gone` })
    }
    if (entries.length < pageSize) break
    from = entries[entries.length - 1]!.idx + 1
  }
  return compared
}
