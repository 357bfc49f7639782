import { encodeEntry, EntryEncodingError, type LedgerEntry } from './entry.js'
import { EXPORT_TYPE, EXPORT_VERSION } from './export.js'
import { MerkleTree } from './merkle-tree.js'
import { leafHash, verifyConsistency } from './merkle.js'
import { keyIdOf } from './signing-key.js'
import { decodeHash, verifySignedHead, type HeadFailure, type PublicLedgerKey, type SignedTreeHead } from './tree-head.js'

// `kamae ledger verify <export>`: checks an export (export.ts) offline, line by line, and stops at
// the first failure, naming the entry (its index) or the head. In each log: every entry sits at
// its index, and its leaf hash is recomputed from its content; the tree is rebuilt from those
// hashes; every signed head has a known key whose id is its fingerprint, a timestamp within the
// key's validity and a valid signature, and its root is the rebuilt root at its size; each head
// is consistent with the one before (an RFC 9162 §2.1.4.2 check of a proof from the rebuilt tree).
// With trusted key ids, heads signed by any other key fail: keys that come with an export prove
// only that the export agrees with itself. Pure: lines in, a report out.

export type VerifyReason =
  | 'not_json'
  | 'no_header'
  | 'unsupported_version'
  | 'unknown_record'
  | 'malformed'
  | 'outside_log' // an entry or head outside the log section it names
  | 'key_id_mismatch'
  | 'entry_missing' // another entry (or none) where this index should be
  | 'entry_repeated' // an index that was already seen, where this index should be
  | 'entry_beyond_log' // more entries than the log's head counts
  | 'leaf_hash_mismatch' // the content does not hash to the leaf hash listed
  | 'root_mismatch' // the log's (unsigned) root is not the root of its entries
  | HeadFailure
  | 'head_beyond_entries'
  | 'head_root_mismatch'
  | 'heads_inconsistent'

export interface VerifyFailure {
  /** 1-based line of the export where the failure shows. */
  line: number
  subject: 'file' | 'key' | 'entry' | 'log' | 'head'
  reason: VerifyReason
  logId?: string
  /** The entry that fails (subject 'entry'). */
  index?: number
  /** The index found in its place (entry_missing, entry_repeated); absent when the export ends. */
  found?: number
  /** The head that fails (subject 'head'). */
  treeSize?: number
  timestamp?: number
  keyId?: string
  /** head_root_mismatch: the first entry not covered by an earlier, valid head. */
  changedFrom?: number
  detail: string
}

export interface VerifiedLog {
  logId: string
  name: string
  entries: number
  heads: number
  /** The largest size a valid signed head covers (0: none). */
  signedSize: number
}

export type VerifyReport = { ok: true; keys: number; logs: VerifiedLog[] } | { ok: false; failure: VerifyFailure; logs: VerifiedLog[] }

export interface VerifyOptions {
  /** Key ids the verifier trusts; when given, heads signed by other keys fail. */
  trustedKeyIds?: ReadonlySet<string>
}

class VerificationFailed extends Error {
  constructor(readonly failure: VerifyFailure) {
    super(failure.detail)
  }
}

interface OpenLog {
  logId: string
  name: string
  treeSize: number
  rootHash: Uint8Array
  tree: MerkleTree
  heads: { head: SignedTreeHead; line: number }[]
}

type Json = Record<string, unknown>

/** Verifies an export given as lines (a file's lines, or an array). */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const verifier = new ExportVerifier(opts)
  try {
    let number = 0
    for await (const text of lines) verifier.read(text, ++number)
    verifier.end(number + 1)
    return { ok: true, keys: verifier.keys.size, logs: verifier.verified }
  } catch (error) {
    if (error instanceof VerificationFailed) return { ok: false, failure: error.failure, logs: verifier.verified }
    throw error
  }
}

/** Holds what the lines read so far established (a class: it is state). */
class ExportVerifier {
  readonly keys = new Map<string, PublicLedgerKey>()
  readonly verified: VerifiedLog[] = []
  private headerSeen = false
  private log: OpenLog | null = null

  constructor(private readonly opts: VerifyOptions) {}

  read(text: string, line: number) {
    if (text.trim() === '') return
    let record: Json
    try {
      const parsed: unknown = JSON.parse(text)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('not an object')
      record = parsed as Json
    } catch {
      // Inside a log's entries the damaged line is the entry expected next.
      if (this.log && this.log.heads.length === 0) this.fail({ line, subject: 'entry', reason: 'not_json', logId: this.log.logId, index: this.log.tree.size, detail: 'the line is not a JSON object' })
      this.fail({ line, subject: 'file', reason: 'not_json', detail: 'the line is not a JSON object' })
    }
    if (!this.headerSeen) return this.readHeader(record, line)
    switch (record.type) {
      case 'key':
        return this.readKey(record, line)
      case 'log':
        this.endLog(line)
        return this.readLog(record, line)
      case 'entry':
        return this.readEntry(record, line)
      case 'head':
        return this.readHead(record, line)
      default:
        this.fail({ line, subject: 'file', reason: 'unknown_record', detail: `unknown record type ${JSON.stringify(record.type)}` })
    }
  }

  end(line: number) {
    if (!this.headerSeen) this.fail({ line, subject: 'file', reason: 'no_header', detail: 'the export is empty' })
    this.endLog(line)
  }

  private fail(failure: VerifyFailure): never {
    throw new VerificationFailed(failure)
  }

  private readHeader(record: Json, line: number) {
    if (record.type !== EXPORT_TYPE) this.fail({ line, subject: 'file', reason: 'no_header', detail: `the first line is not a ${EXPORT_TYPE} header` })
    if (record.version !== EXPORT_VERSION) this.fail({ line, subject: 'file', reason: 'unsupported_version', detail: `version ${String(record.version)} is not ${EXPORT_VERSION}` })
    this.headerSeen = true
  }

  private readKey(record: Json, line: number) {
    const publicKey = typeof record.publicKey === 'string' ? Buffer.from(record.publicKey, 'base64') : null
    const validFrom = typeof record.validFrom === 'string' ? new Date(record.validFrom) : null
    const validUntil = typeof record.validUntil === 'string' ? new Date(record.validUntil) : record.validUntil === null ? null : undefined
    const keyId = typeof record.keyId === 'string' ? record.keyId : ''
    if (!publicKey || publicKey.length !== 32 || record.algorithm !== 'Ed25519' || !validFrom || Number.isNaN(validFrom.getTime()) || validUntil === undefined || (validUntil && Number.isNaN(validUntil.getTime()))) {
      this.fail({ line, subject: 'key', reason: 'malformed', keyId, detail: 'a key needs keyId, algorithm Ed25519, a 32-byte base64 publicKey, validFrom and validUntil' })
    }
    if (keyIdOf(publicKey) !== keyId) this.fail({ line, subject: 'key', reason: 'key_id_mismatch', keyId, detail: `key id ${keyId} is not the fingerprint of its public key` })
    this.keys.set(keyId, { keyId, publicKey, validFrom, validUntil })
  }

  private readLog(record: Json, line: number) {
    const rootHash = decodeHash(record.rootHash)
    if (typeof record.logId !== 'string' || typeof record.name !== 'string' || !isCount(record.treeSize) || !rootHash) {
      this.fail({ line, subject: 'log', reason: 'malformed', detail: 'a log needs logId, name, treeSize and a 32-byte base64 rootHash' })
    }
    this.log = { logId: record.logId, name: record.name, treeSize: record.treeSize, rootHash, tree: new MerkleTree(), heads: [] }
  }

  private readEntry(record: Json, line: number) {
    const log = this.log
    if (!log || record.logId !== log.logId) this.fail({ line, subject: 'file', reason: 'outside_log', detail: 'an entry outside the section of its log' })
    const expected = log.tree.size
    const at = { line, subject: 'entry' as const, logId: log.logId, index: expected }
    if (!isCount(record.index)) this.fail({ ...at, reason: 'malformed', detail: 'the entry has no index' })
    if (record.index > expected) this.fail({ ...at, reason: 'entry_missing', found: record.index, detail: `entry ${expected} is missing: entry ${record.index} is in its place` })
    if (record.index < expected) this.fail({ ...at, reason: 'entry_repeated', found: record.index, detail: `entry ${record.index} appears again where entry ${expected} should be` })
    if (expected >= log.treeSize) this.fail({ ...at, reason: 'entry_beyond_log', detail: `the log counts ${log.treeSize} entries` })
    const listed = decodeHash(record.leafHash)
    const bytes = entryBytes(record)
    if (!listed || !bytes) this.fail({ ...at, reason: 'malformed', detail: 'an entry needs a 32-byte base64 leafHash and either entry (an object) or entryBytes' })
    const computed = leafHash(bytes)
    if (!Buffer.from(computed).equals(listed)) this.fail({ ...at, reason: 'leaf_hash_mismatch', detail: `the content of entry ${expected} does not hash to its leaf hash` })
    log.tree.appendLeafHash(computed)
  }

  private readHead(record: Json, line: number) {
    const log = this.log
    if (!log) this.fail({ line, subject: 'file', reason: 'outside_log', detail: 'a head before any log' })
    const { type: _type, ...head } = record
    log.heads.push({ head: head as unknown as SignedTreeHead, line })
  }

  /** Checks what only the whole log answers: its size, its heads (smallest first), its root. */
  private endLog(line: number) {
    const log = this.log
    if (!log) return
    this.log = null
    const tree = log.tree
    if (tree.size < log.treeSize) {
      this.fail({ line, subject: 'entry', reason: 'entry_missing', logId: log.logId, index: tree.size, detail: `the export ends at entry ${tree.size} of ${log.treeSize}` })
    }
    const heads = [...log.heads].sort((a, b) => a.head.treeSize - b.head.treeSize || a.head.timestamp - b.head.timestamp)
    let previous: SignedTreeHead | null = null
    for (const { head, line: headLine } of heads) {
      const at = { line: headLine, subject: 'head' as const, logId: log.logId, treeSize: head.treeSize, timestamp: head.timestamp, keyId: head.keyId }
      const signature = verifySignedHead(head, this.keys, this.opts.trustedKeyIds)
      if (!signature.ok) this.fail({ ...at, reason: signature.reason, detail: signature.message })
      if (head.logId !== log.logId) this.fail({ ...at, reason: 'outside_log', detail: `the head is signed for log ${head.logId}` })
      if (head.treeSize > tree.size) this.fail({ ...at, reason: 'head_beyond_entries', detail: `the head counts ${head.treeSize} entries, the export holds ${tree.size}` })
      const root = decodeHash(head.rootHash)!
      if (!Buffer.from(tree.rootAt(head.treeSize)).equals(root)) {
        const changedFrom = previous?.treeSize ?? 0
        this.fail({ ...at, reason: 'head_root_mismatch', changedFrom, detail: `entries ${changedFrom} to ${head.treeSize - 1} are not those the head signed` })
      }
      if (previous && previous.treeSize > 0) {
        const proof = previous.treeSize === head.treeSize
          ? { treeSize1: head.treeSize, treeSize2: head.treeSize, consistencyPath: [] }
          : tree.consistencyProof(previous.treeSize, head.treeSize)
        const check = verifyConsistency(proof, decodeHash(previous.rootHash)!, root)
        if (!check.ok) this.fail({ ...at, reason: 'heads_inconsistent', detail: check.message })
      }
      previous = head
    }
    // The log line's root is unsigned: checked after the heads, which say more about what changed.
    if (!Buffer.from(tree.root()).equals(log.rootHash)) {
      this.fail({ line, subject: 'log', reason: 'root_mismatch', logId: log.logId, detail: "the log's root is not the root of its entries" })
    }
    this.verified.push({ logId: log.logId, name: log.name, entries: tree.size, heads: heads.length, signedSize: previous?.treeSize ?? 0 })
  }
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

/** The bytes an entry record stands for: its object's canonical JSON, or its entryBytes. */
function entryBytes(record: Json): Uint8Array | null {
  if (record.entry !== undefined && record.entryBytes !== undefined) return null
  if (typeof record.entryBytes === 'string') return Buffer.from(record.entryBytes, 'base64')
  try {
    return encodeEntry(record.entry as LedgerEntry)
  } catch (error) {
    if (error instanceof EntryEncodingError || error instanceof TypeError) return null
    throw error
  }
}
