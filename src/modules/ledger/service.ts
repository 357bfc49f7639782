import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, forbidden, invalid, notFound } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { Actor } from '../identity/actor.js'
import { LedgerIntegrityError, proveConsistency, proveInclusion, rootAtSize } from './durable-log.js'
import { sequenceIfPending } from './sequencer.js'
import { EMPTY_ROOT, HASH_SIZE } from './merkle.js'
import { base64, toSignedTreeHead } from './sign-heads.js'
import { publicKeyPem } from './signing-key.js'
import type { SignedTreeHead } from './tree-head.js'
import * as repo from './repository.js'

// What the ledger API reads, and who may read it. Ledger routes are for admins (those of the
// institutions' operation logs excepted: operations.ts). A log belongs to an organisation (its
// admins read it) or, for Kamae's global logs such as 'kamae-audit', to no one: those are read by
// admins of a supervisor only. A log the actor may not read is "not found",
// whatever the reason, so its existence is not revealed.

/** Entries one request may read. */
export const MAX_ENTRIES_PER_REQUEST = 1_000

export interface LedgerLog {
  /** The public id (uuid): in the API, in signed heads, in exports. */
  id: string
  /** The internal name, ledger_logs.id. */
  name: string
  ownerOrgId: string | null
  treeSize: number
  rootHash: string
}

const toLedgerLog = (row: repo.LogHeadRow): LedgerLog => ({
  id: row.uuid,
  name: row.id,
  ownerOrgId: row.ownerOrgId,
  treeSize: row.treeSize,
  rootHash: base64(row.rootHash),
})

/** Opens a log for an owner (an organisation, or null for a global log), creating it empty the first time. */
export async function ensureLog(db: Queryable, input: { name: string; ownerOrgId: string | null }): Promise<LedgerLog> {
  await repo.insertOwnedLogIfAbsent(db, input.name, input.ownerOrgId, EMPTY_ROOT)
  const row = await repo.findHead(db, input.name)
  if (!row) throw notFound('ledger_log', input.name)
  if (row.ownerOrgId !== input.ownerOrgId) throw new LedgerIntegrityError(`log ${input.name} has another owner`)
  return toLedgerLog(row)
}

/** A log by its public id or its name (the CLI takes either). */
export async function findLog(db: Queryable, idOrName: string): Promise<LedgerLog | undefined> {
  const byName = await repo.findHead(db, idOrName)
  if (byName) return toLedgerLog(byName)
  const byId = UUID.test(idOrName) ? await repo.findLogByUuid(db, idOrName.toLowerCase()) : undefined
  return byId && toLedgerLog(byId)
}

export async function listAllLogs(db: Queryable): Promise<LedgerLog[]> {
  return (await repo.listLogs(db)).map(toLedgerLog)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// ---------------------------------------------------------------------------------------------
// Permissions

export function assertCanReadLedger(actor: Actor) {
  if (actor.role !== 'admin') throw forbidden({ ja: '台帳を閲覧できるのは管理者のみです', en: 'Only admins read the ledger' })
}

/** Its own organisation's logs; the global logs (no owner) for admins of a supervisor only. */
export function canReadLog(actor: Actor, log: { ownerOrgId: string | null }): boolean {
  return log.ownerOrgId === null ? actor.orgKind === 'supervisor' : log.ownerOrgId === actor.orgId
}

async function readableLog(ctx: AppContext, actor: Actor, logId: string): Promise<repo.LogHeadRow> {
  assertCanReadLedger(actor)
  const row = await repo.findLogByUuid(ctx.db, logId)
  if (!row || !canReadLog(actor, row)) throw notFound('ledger_log', logId)
  // Entries still queued (the audit trail's, sequencer.ts) join the log first: reads are current.
  if (await sequenceIfPending(ctx.db, row.id)) return (await repo.findLogByUuid(ctx.db, logId))!
  return row
}

// ---------------------------------------------------------------------------------------------
// Reads

export async function listReadableLogs(ctx: AppContext, actor: Actor): Promise<LedgerLog[]> {
  assertCanReadLedger(actor)
  const own = await repo.listLogs(ctx.db, { ownerOrgId: actor.orgId })
  const global = actor.orgKind === 'supervisor' ? await repo.listLogs(ctx.db, { ownerOrgId: null }) : []
  return [...global, ...own].map(toLedgerLog)
}

export async function latestHead(ctx: AppContext, actor: Actor, logId: string): Promise<SignedTreeHead> {
  const log = await readableLog(ctx, actor, logId)
  const head = await repo.latestSignedHead(ctx.db, log.id)
  if (!head) throw noSignedHead()
  return toSignedTreeHead(head, log.uuid)
}

export interface InclusionQuery {
  index?: number
  leafHash?: string
  treeSize?: number
}

/**
 * RFC 9162 inclusion proof of an entry, chosen by index or by leaf hash (the first entry with that
 * hash). Without treeSize the proof is against the latest signed head when it holds the entry,
 * else against the current tree.
 */
export async function inclusionProofFor(ctx: AppContext, actor: Actor, logId: string, query: InclusionQuery) {
  const log = await readableLog(ctx, actor, logId)
  if ((query.index === undefined) === (query.leafHash === undefined)) {
    throw badQuery('index', { ja: 'index と leafHash のどちらか一方を指定してください', en: 'Give either index or leafHash' })
  }
  let index = query.index
  if (query.leafHash !== undefined) {
    const hash = parseHash(query.leafHash)
    if (!hash) throw badQuery('leafHash', { ja: 'leafHash は 32 バイトのハッシュ（16 進または base64）です', en: 'leafHash is a 32-byte hash in hex or base64' })
    index = await repo.findIndexOfLeafHash(ctx.db, log.id, hash)
    if (index === undefined) throw noSuchEntry()
  }
  const leafIndex = index!
  const signed = await repo.latestSignedHead(ctx.db, log.id)
  const treeSize = query.treeSize ?? (signed && signed.treeSize > leafIndex ? signed.treeSize : log.treeSize)
  if (treeSize > log.treeSize) throw beyondLog('treeSize', log.treeSize)
  if (leafIndex >= treeSize) {
    throw badQuery(query.leafHash === undefined ? 'index' : 'leafHash', {
      ja: `エントリ ${leafIndex} はサイズ ${treeSize} の木に含まれません`,
      en: `entry ${leafIndex} is not in the tree of size ${treeSize}`,
    })
  }
  const proof = await proveInclusion(ctx.db, log.id, leafIndex, treeSize)
  const [leaf] = await repo.leafHashesInRange(ctx.db, log.id, leafIndex, leafIndex + 1)
  if (!leaf) throw new LedgerIntegrityError(`log ${log.id} has no entry ${leafIndex}`)
  return {
    logId: log.uuid,
    leafIndex,
    treeSize,
    leafHash: base64(leaf.leafHash),
    rootHash: base64(await rootAtSize(ctx.db, log.id, treeSize)),
    inclusionPath: proof.inclusionPath.map(base64),
    signedHead: await signedHeadOfSize(ctx.db, log, treeSize),
  }
}

/**
 * RFC 9162 consistency proof between the trees of sizes first and second. Without second the
 * proof reaches the latest signed head (when it is at least first), else the current tree.
 */
export async function consistencyProofFor(ctx: AppContext, actor: Actor, logId: string, query: { first?: number; second?: number }) {
  const log = await readableLog(ctx, actor, logId)
  const first = query.first
  if (first === undefined) throw badQuery('first', { ja: 'first（古い方の木のサイズ）を指定してください', en: 'Give first, the size of the older tree' })
  const signed = await repo.latestSignedHead(ctx.db, log.id)
  const second = query.second ?? (signed && signed.treeSize >= first ? signed.treeSize : log.treeSize)
  if (second > log.treeSize) throw beyondLog('second', log.treeSize)
  if (first > second) throw badQuery('first', { ja: `first (${first}) が second (${second}) を超えています`, en: `first (${first}) is larger than second (${second})` })
  const proof = await proveConsistency(ctx.db, log.id, first, second)
  return {
    logId: log.uuid,
    treeSize1: first,
    treeSize2: second,
    rootHash1: base64(await rootAtSize(ctx.db, log.id, first)),
    rootHash2: base64(await rootAtSize(ctx.db, log.id, second)),
    consistencyPath: proof.consistencyPath.map(base64),
    signedHead1: await signedHeadOfSize(ctx.db, log, first),
    signedHead2: await signedHeadOfSize(ctx.db, log, second),
  }
}

/** Entries [start, end) with their leaf hashes; end defaults to start + 1,000 and stops at the tree size. */
export async function entriesFor(ctx: AppContext, actor: Actor, logId: string, query: { start: number; end?: number }) {
  const log = await readableLog(ctx, actor, logId)
  const start = query.start
  const requestedEnd = query.end ?? start + MAX_ENTRIES_PER_REQUEST
  if (requestedEnd < start) throw badQuery('end', { ja: 'end は start 以上です', en: 'end is not below start' })
  if (requestedEnd - start > MAX_ENTRIES_PER_REQUEST) {
    throw badQuery('end', { ja: `一度に読めるのは ${MAX_ENTRIES_PER_REQUEST} 件までです`, en: `at most ${MAX_ENTRIES_PER_REQUEST} entries a request` })
  }
  const end = Math.max(start, Math.min(requestedEnd, log.treeSize))
  const rows = end > start ? await repo.entriesInRange(ctx.db, log.id, start, end) : []
  return {
    logId: log.uuid,
    start,
    end,
    entries: rows.map((row) => ({ index: row.idx, leafHash: base64(row.leafHash), entry: parseEntry(row.entry), appendedAt: row.appendedAt })),
  }
}

/** Every public key that ever signed heads, with its validity. */
export async function listPublicKeys(ctx: AppContext, actor: Actor) {
  assertCanReadLedger(actor)
  return (await repo.listKeys(ctx.db)).map((key) => ({
    keyId: key.keyId,
    algorithm: key.algorithm,
    publicKey: base64(key.publicKey),
    publicKeyPem: publicKeyPem(key.publicKey),
    validFrom: key.validFrom,
    validUntil: key.validUntil,
  }))
}

// ---------------------------------------------------------------------------------------------

async function signedHeadOfSize(db: Queryable, log: repo.LogHeadRow, treeSize: number): Promise<SignedTreeHead | null> {
  const row = await repo.signedHeadOfSize(db, log.id, treeSize)
  return row ? toSignedTreeHead(row, log.uuid) : null
}

/** The stored bytes as JSON (they are canonical JSON); null when they are not JSON at all. */
function parseEntry(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  } catch {
    return null
  }
}

/** A 32-byte hash given as 64 hex digits, or as base64 / base64url. */
export function parseHash(text: string): Uint8Array | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex')
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  return bytes.length === HASH_SIZE ? bytes : null
}

function badQuery(field: string, message: Localized): AppError {
  return invalid(message, [{ path: `querystring.${field}`, message }])
}

const beyondLog = (field: string, size: number) =>
  badQuery(field, { ja: `この台帳のエントリは ${size} 件です`, en: `the log holds ${size} entries` })

const noSignedHead = () =>
  new AppError('not_found', 404, { ja: 'この台帳にはまだ署名付きツリーヘッドがありません', en: 'The log has no signed tree head yet' })

const noSuchEntry = () => new AppError('not_found', 404, { ja: 'このハッシュのエントリはありません', en: 'No entry has this leaf hash' })
