import type { AppContext } from '../../context.js'
import { AppError, forbidden, conflict } from '../../errors.js'
import * as audit from '../audit/service.js'
import type { Actor } from '../identity/actor.js'
import { appendEncoded, lockHead, proveInclusion, proveInclusionRange } from './durable-log.js'
import { recordsDigest } from './operation-records.js'
import * as repo from './repository.js'
import { ensureLog } from './service.js'
import { base64, registerSigningKey, signHead, signHeadInTransaction, toSignedTreeHead } from './sign-heads.js'
import { loadSigningKey, type LedgerSigningKey } from './signing-key.js'
import type { SignedTreeHead } from './tree-head.js'

// Institutions' own operation / transaction logs (issue 6 §3). Each institution appends to its own
// log 'org:<uuid>:operations', which nobody else reads or writes. A call appends its records as one
// batch under the log's head lock, signs a head for the new size in the same transaction and
// answers receipts: per record its index, its leaf hash and an RFC 9162 inclusion proof against
// that signed head — everything the institution needs to verify offline with the published key.
//
// Unlike the audit trail (sequencer.ts) these appends are not queued: the caller wants its indices
// and proofs in the answer, and a call is itself a batch of up to 10,000 records, so the head lock
// is held once per call, for one short transaction that does nothing else.

export const operationsLogName = (orgId: string) => `org:${orgId}:operations`

const ROLES_THAT_APPEND = new Set(['admin', 'editor'])

/** Appending records and fetching their receipts: an institution's admin or editor. */
export function assertCanAppendOperations(actor: Actor) {
  if (actor.orgKind !== 'institution') {
    throw forbidden({ ja: '操作ログを記録できるのは金融機関のみです', en: 'Only institutions keep operation logs' })
  }
  if (!ROLES_THAT_APPEND.has(actor.role)) {
    throw forbidden({ ja: '操作ログを記録する権限がありません（起票者または管理者の役割が必要です）', en: 'Appending operation records needs the editor or admin role' })
  }
}

export interface RecordReceipt {
  index: number
  /** base64 of SHA-256(0x00 || the record's RFC 8785 canonical JSON). */
  leafHash: string
  inclusionPath: string[]
}

export interface OperationReceipts {
  logId: string
  firstIndex: number
  count: number
  treeSize: number
  rootHash: string
  signedHead: SignedTreeHead
  receipts: RecordReceipt[]
}

/**
 * Appends an institution's records (their canonical bytes, validated by operation-records.ts).
 * With an idempotency key, a call repeated with the same records answers the receipts of the
 * first (`replayed`), and one with other records is refused.
 */
export async function appendOperations(
  ctx: AppContext,
  actor: Actor,
  input: { records: readonly Uint8Array[]; idempotencyKey?: string },
): Promise<OperationReceipts & { replayed: boolean }> {
  assertCanAppendOperations(actor)
  const key = signingKeyOrUnavailable(ctx)
  await registerSigningKey(ctx.db, key, ctx.clock())
  const name = operationsLogName(actor.orgId)
  const digest = recordsDigest(input.records)
  const { batch, replayed } = await ctx.db.transaction(async (tx) => {
    const log = await ensureLog(tx, { name, ownerOrgId: actor.orgId })
    // The head lock also serialises calls that carry the same idempotency key.
    const head = await lockHead(tx, name)
    if (input.idempotencyKey !== undefined) {
      const earlier = await repo.findOperationBatch(tx, actor.orgId, input.idempotencyKey)
      if (earlier) {
        if (!Buffer.from(earlier.requestDigest).equals(digest)) throw keyReused()
        return { batch: earlier, replayed: true }
      }
    }
    const appended = await appendEncoded(tx, head, input.records)
    const signed = await signHeadInTransaction(tx, key, { name, uuid: log.id }, appended, ctx.clock())
    const batch = await repo.insertOperationBatch(tx, {
      orgId: actor.orgId,
      logId: name,
      idempotencyKey: input.idempotencyKey ?? null,
      requestDigest: digest,
      firstIndex: appended.firstIndex,
      recordCount: input.records.length,
      headId: signed.id,
      appendedBy: actor.userId,
    })
    await audit.recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'ledger.operations_appended',
      target: { type: 'ledger_log', id: log.id },
      details: { firstIndex: appended.firstIndex, count: input.records.length, treeSize: appended.treeSize },
    })
    return { batch, replayed: false }
  })
  return { ...(await receiptsOf(ctx, batch)), replayed }
}

/** The receipts of a batch: proofs against the head signed with it (the same answer every time). */
async function receiptsOf(ctx: AppContext, batch: repo.OperationBatchRow): Promise<OperationReceipts> {
  const log = await repo.findHead(ctx.db, batch.logId)
  const head = await repo.findSignedHead(ctx.db, batch.headId)
  if (!log || !head) throw new Error(`operation batch ${batch.id} has lost its log or signed head`)
  const range = { begin: batch.firstIndex, end: batch.firstIndex + batch.recordCount }
  const { leafHashes, proofs } = await proveInclusionRange(ctx.db, log.id, range, head.treeSize)
  return {
    logId: log.uuid,
    firstIndex: batch.firstIndex,
    count: batch.recordCount,
    treeSize: head.treeSize,
    rootHash: base64(head.rootHash),
    signedHead: toSignedTreeHead(head, log.uuid),
    receipts: proofs.map((proof, i) => ({ index: proof.leafIndex, leafHash: base64(leafHashes[i]!), inclusionPath: proof.inclusionPath.map(base64) })),
  }
}

export interface OperationReceipt {
  logId: string
  index: number
  leafHash: string
  /** The record as appended (its canonical JSON, parsed). */
  record: unknown
  appendedAt: Date
  treeSize: number
  rootHash: string
  inclusionPath: string[]
  signedHead: SignedTreeHead
}

/** A fresh receipt for a record of the caller's own log: its proof against the latest signed head. */
export async function operationReceipt(ctx: AppContext, actor: Actor, index: number): Promise<OperationReceipt> {
  assertCanAppendOperations(actor)
  const name = operationsLogName(actor.orgId)
  const log = await repo.findHead(ctx.db, name)
  if (!log || index >= log.treeSize) throw noSuchRecord()
  let head = await repo.latestSignedHead(ctx.db, name)
  if (!head || head.treeSize <= index) {
    // Every append signs its head, so only a log written by other means gets here.
    signingKeyOrUnavailable(ctx)
    await signHead(ctx, name)
    head = await repo.latestSignedHead(ctx.db, name)
  }
  if (!head) throw noSuchRecord()
  const proof = await proveInclusion(ctx.db, name, index, head.treeSize)
  const [entry] = await repo.entriesInRange(ctx.db, name, index, index + 1)
  if (!entry) throw noSuchRecord()
  return {
    logId: log.uuid,
    index,
    leafHash: base64(entry.leafHash),
    record: JSON.parse(Buffer.from(entry.entry).toString('utf8')) as unknown,
    appendedAt: entry.appendedAt,
    treeSize: head.treeSize,
    rootHash: base64(head.rootHash),
    inclusionPath: proof.inclusionPath.map(base64),
    signedHead: toSignedTreeHead(head, log.uuid),
  }
}

function signingKeyOrUnavailable(ctx: AppContext): LedgerSigningKey {
  const key = loadSigningKey(ctx.config)
  if (!key) {
    throw new AppError('ledger_unsigned', 503, {
      ja: '台帳の署名鍵が設定されていないため、受領証を発行できません（KAMAE_LEDGER_KEY_FILE）',
      en: 'No ledger signing key is configured, so no receipts can be issued (KAMAE_LEDGER_KEY_FILE)',
    })
  }
  return key
}

const keyReused = () =>
  conflict('idempotency_key_reused', {
    ja: 'この Idempotency-Key は別の内容の記録に使われています',
    en: 'This Idempotency-Key was used for other records',
  })

const noSuchRecord = () => new AppError('not_found', 404, { ja: 'この番号の記録はありません', en: 'No record has this index' })
