import { eq } from 'drizzle-orm'
import type { AppContext } from '../../context.js'
import { auditEvents } from '../audit/schema.js'
import { AUDIT_LOG } from './audit-trail.js'
import { LedgerIntegrityError, proveInclusion, rootAtSize } from './durable-log.js'
import * as repo from './repository.js'
import { sequenceIfPending } from './sequencer.js'
import { base64, signHead, toSignedTreeHead } from './sign-heads.js'
import { LedgerKeyError } from './signing-key.js'
import type { SignedTreeHead } from './tree-head.js'

// A receipt for one audit event: its entry in 'kamae-audit', where it stands, and an RFC 9162
// inclusion proof against a signed tree head. Modules hand it to the people an event concerns (a
// submission to a supervisor: both sides), who may not read the global log itself; with the
// published keys anyone can check it offline, and the entry's digests tie it to what they hold.

export interface AuditReceipt {
  logId: string
  leafIndex: number
  treeSize: number
  leafHash: string
  rootHash: string
  inclusionPath: string[]
  /** The head the proof leads to; null only when the deployment has no signing key. */
  signedHead: SignedTreeHead | null
  /** The entry itself (canonical JSON): its leaf hash is SHA-256(0x00 || these bytes). */
  entry: string
}

/** The receipt of an audit event, or null while it has no place in the log yet (it is queued). */
export async function auditReceipt(ctx: AppContext, auditEventId: number): Promise<AuditReceipt | null> {
  await sequenceIfPending(ctx.db, AUDIT_LOG)
  const [event] = await ctx.db.select({ ledgerIndex: auditEvents.ledgerIndex }).from(auditEvents).where(eq(auditEvents.id, auditEventId))
  const index = event?.ledgerIndex
  if (index === null || index === undefined) return null
  let signed = await repo.latestSignedHead(ctx.db, AUDIT_LOG)
  if (!signed || signed.treeSize <= index) {
    // Heads are signed every minute; a receipt asked for sooner gets a head of its own.
    try {
      await signHead(ctx, AUDIT_LOG)
    } catch (error) {
      if (!(error instanceof LedgerKeyError)) throw error
    }
    signed = await repo.latestSignedHead(ctx.db, AUDIT_LOG)
  }
  const log = await repo.findHead(ctx.db, AUDIT_LOG)
  if (!log) throw new LedgerIntegrityError(`log ${AUDIT_LOG} is missing`)
  const treeSize = signed && signed.treeSize > index ? signed.treeSize : log.treeSize
  const proof = await proveInclusion(ctx.db, AUDIT_LOG, index, treeSize)
  const [leaf] = await repo.leafHashesInRange(ctx.db, AUDIT_LOG, index, index + 1)
  const entry = (await repo.entriesAt(ctx.db, AUDIT_LOG, [index])).get(index)
  if (!leaf || !entry) throw new LedgerIntegrityError(`log ${AUDIT_LOG} has no entry ${index}`)
  const head = signed && signed.treeSize === treeSize ? toSignedTreeHead(signed, log.uuid) : null
  return {
    logId: log.uuid,
    leafIndex: index,
    treeSize,
    leafHash: base64(leaf.leafHash),
    rootHash: base64(await rootAtSize(ctx.db, AUDIT_LOG, treeSize)),
    inclusionPath: proof.inclusionPath.map(base64),
    signedHead: head,
    entry: Buffer.from(entry).toString('utf8'),
  }
}
