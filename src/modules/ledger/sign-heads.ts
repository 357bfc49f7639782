import { sql } from 'drizzle-orm'
import type { AppContext, Logger } from '../../context.js'
import type { Db, Queryable } from '../../db/database.js'
import { notFound } from '../../errors.js'
import { sequenceAll, sequenceIfPending, startPeriodicSequencing } from './sequencer.js'
import { loadSigningKey, LedgerKeyError, type LedgerSigningKey } from './signing-key.js'
import { signTreeHead, type PublicLedgerKey, type SignedTreeHead } from './tree-head.js'
import * as repo from './repository.js'

// Signing tree heads with the configured key, and the registry of public keys (ledger_keys) that
// keeps every key that ever signed, so that rotation leaves old heads verifiable.
//
// Names: a log's `name` is ledger_logs.id ('kamae-audit'), the key durable-log.ts and the tables
// use; its public id is ledger_logs.uuid, which heads sign as `logId`.

/** How often the server signs the heads of logs that grew (issue 6: periodic heads). */
export const HEAD_INTERVAL_MS = 60_000

// Serialises key registration across processes (one key takes over from the others at a time).
const KEY_REGISTRATION_LOCK = 727_275

export const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

export function toSignedTreeHead(row: repo.SignedHeadRow, logUuid: string): SignedTreeHead {
  return {
    logId: logUuid,
    treeSize: row.treeSize,
    rootHash: base64(row.rootHash),
    timestamp: row.timestampMs,
    keyId: row.keyId,
    signature: base64(row.signature),
  }
}

export function toPublicLedgerKey(row: repo.KeyRow): PublicLedgerKey {
  return { keyId: row.keyId, publicKey: row.publicKey, validFrom: row.validFrom, validUntil: row.validUntil }
}

/** Every registered public key by id, for verifying stored heads. */
export async function publicKeysById(db: Queryable): Promise<Map<string, PublicLedgerKey>> {
  return new Map((await repo.listKeys(db)).map((row) => [row.keyId, toPublicLedgerKey(row)]))
}

/** The configured key, or a configuration error saying how to provide one. */
export function requireSigningKey(ctx: AppContext): LedgerSigningKey {
  const key = loadSigningKey(ctx.config)
  if (!key) throw new LedgerKeyError('no ledger signing key: set KAMAE_LEDGER_KEY_FILE (an Ed25519 PKCS#8 PEM file)')
  return key
}

/**
 * Records the key in ledger_keys the first time it signs; a new key ends the validity of the keys
 * before it (rotation). A key that was retired signs nothing more: a process still holding it
 * after a rotation must not produce heads that verifiers then refuse.
 */
export async function registerSigningKey(db: Db, key: LedgerSigningKey, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_REGISTRATION_LOCK})`)
    const known = await repo.findKey(tx, key.keyId)
    if (known?.validUntil) throw new LedgerKeyError(`ledger key ${key.keyId} (${key.source}) was retired at ${known.validUntil.toISOString()}: configure the current key`)
    if (known) return
    await repo.retireCurrentKeys(tx, now)
    await repo.insertKeyIfAbsent(tx, { keyId: key.keyId, publicKey: key.publicKey, validFrom: now })
  })
}

/**
 * Signs the head of the log at its current size, once its queued entries are in. Idempotent: while
 * the size does not change, the head already signed by this key is answered again.
 */
export async function signHead(ctx: AppContext, logName: string): Promise<SignedTreeHead> {
  const key = requireSigningKey(ctx)
  await registerSigningKey(ctx.db, key, ctx.clock())
  await sequenceIfPending(ctx.db, logName)
  return signHeadWith(ctx, key, logName)
}

/**
 * Signs, in the caller's transaction, the head of a log that the transaction holds locked and has
 * just grown (a size never signed before): the head commits with the entries it covers. The key
 * must be registered first (registerSigningKey, outside the transaction).
 */
export async function signHeadInTransaction(
  tx: Queryable,
  key: LedgerSigningKey,
  log: { name: string; uuid: string },
  head: { treeSize: number; rootHash: Uint8Array },
  now: Date,
): Promise<repo.SignedHeadRow> {
  const signed = signTreeHead({ logId: log.uuid, treeSize: head.treeSize, rootHash: base64(head.rootHash), timestamp: now.getTime(), keyId: key.keyId }, key.privateKey)
  return repo.insertSignedHead(tx, {
    logId: log.name,
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestampMs: signed.timestamp,
    keyId: signed.keyId,
    signature: Buffer.from(signed.signature, 'base64'),
  })
}

/** Moves the queued entries into their logs, then signs a head for every non-empty log whose size has no head by the current key; answers how many. */
export async function signAllHeads(ctx: AppContext): Promise<number> {
  const key = requireSigningKey(ctx)
  await registerSigningKey(ctx.db, key, ctx.clock())
  await sequenceAll(ctx.db)
  let signed = 0
  for (const log of await repo.listLogs(ctx.db)) {
    if (log.treeSize === 0) continue
    if (await repo.signedHeadBySizeAndKey(ctx.db, log.id, log.treeSize, key.keyId)) continue
    await signHeadWith(ctx, key, log.id)
    signed += 1
  }
  return signed
}

async function signHeadWith(ctx: AppContext, key: LedgerSigningKey, logName: string): Promise<SignedTreeHead> {
  const log = await repo.findHead(ctx.db, logName)
  if (!log) throw notFound('ledger_log', logName)
  const existing = await repo.signedHeadBySizeAndKey(ctx.db, log.id, log.treeSize, key.keyId)
  if (existing) return toSignedTreeHead(existing, log.uuid)
  const head = signTreeHead(
    { logId: log.uuid, treeSize: log.treeSize, rootHash: base64(log.rootHash), timestamp: ctx.clock().getTime(), keyId: key.keyId },
    key.privateKey,
  )
  await repo.insertSignedHeadIfAbsent(ctx.db, {
    logId: log.id,
    treeSize: head.treeSize,
    rootHash: log.rootHash,
    timestampMs: head.timestamp,
    keyId: head.keyId,
    signature: Buffer.from(head.signature, 'base64'),
  })
  // Another process may have signed the same size first: its head is the one kept.
  const stored = await repo.signedHeadBySizeAndKey(ctx.db, log.id, log.treeSize, key.keyId)
  return stored ? toSignedTreeHead(stored, log.uuid) : head
}

export interface PeriodicHeads {
  stop(): Promise<void>
}

/**
 * The ledger's background work at server start: sequencing queued entries every second
 * (sequencer.ts), and signing heads now and then every `intervalMs`. Loads — in embedded mode,
 * first generates — the key at once, so a broken key file stops the start; without a key
 * (PostgreSQL, none configured) it warns and signs nothing. Failures of a run are logged, never
 * thrown.
 */
export function startPeriodicHeads(ctx: AppContext, log: Logger, intervalMs = HEAD_INTERVAL_MS): PeriodicHeads {
  const key = loadSigningKey(ctx.config)
  const sequencing = startPeriodicSequencing(ctx.db, log)
  if (!key) {
    log.warn({}, 'ledger: no signing key (KAMAE_LEDGER_KEY_FILE): tree heads are not signed')
    return { stop: () => sequencing.stop() }
  }
  log.info({ keyId: key.keyId, source: key.source }, 'ledger: tree heads are signed with this key')
  let running: Promise<void> | null = null
  const run = () => {
    if (running) return
    running = signAllHeads(ctx)
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error }, 'ledger: signing tree heads failed'),
      )
      .finally(() => {
        running = null
      })
  }
  run()
  const timer = setInterval(run, intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
      await sequencing.stop()
    },
  }
}
