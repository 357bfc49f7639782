import { createHmac } from 'node:crypto'
import { canonicalJson } from '../../canonical-json.js'
import type { Queryable } from '../../db/database.js'
import { encodeEntry, type LedgerEntry } from './entry.js'
import * as repo from './repository.js'

// Kamae's audit trail in the ledger (issue 6 §2). Every audit event becomes an entry of the global
// log 'kamae-audit', queued in the transaction that records the event (it commits or rolls back
// with the change) and given its index shortly after by the sequencer (sequencer.ts).
//
// An entry holds digests, never personal data in clear:
//
//   { "type": "kamae.audit", "v": 1, "auditEventId": 42, "occurredAt": "2026-…Z",
//     "orgId": "<uuid>" | null, "action": "assessment.approved",
//     "actor": "<hex HMAC of the user id>" | null,
//     "target": { "type": "assessment", "idDigest": "<hex HMAC of type and id>" },
//     "beforeDigest": "<hex>" | null, "afterDigest": "<hex>" | null,
//     "detailsDigest": "<hex HMAC of the details' canonical JSON>" }
//
// actor, target.idDigest and detailsDigest are HMAC-SHA-256 under the deployment's audit salt
// (ledger_audit_settings, made once by migration 0007): the same user is the same pseudonym in
// every entry, and a reader of the ledger without the database cannot tell who — nor test a
// guessed e-mail address or name against a digest. beforeDigest / afterDigest are the audit row's
// own (SHA-256 of the canonical JSON of the state), so a row and its entry can be compared.

export const AUDIT_LOG = 'kamae-audit'
export const AUDIT_ENTRY_TYPE = 'kamae.audit'

/** An audit event as audit_events holds it. */
export interface AuditEventRecord {
  id: number
  occurredAt: Date
  actorUserId: string | null
  orgId: string | null
  action: string
  targetType: string
  targetId: string
  beforeDigest: string | null
  afterDigest: string | null
  details: Record<string, unknown>
}

/** HMAC-SHA-256 under the audit salt of `<purpose> NUL <value>`, in hex; the purpose keeps the kinds apart. */
export function keyedDigest(salt: Uint8Array, purpose: 'actor' | 'target' | 'details', value: string): string {
  return createHmac('sha256', salt).update(`${purpose}\u0000${value}`, 'utf8').digest('hex')
}

/** The ledger entry of an audit event. */
export function auditLedgerEntry(event: AuditEventRecord, salt: Uint8Array): LedgerEntry {
  return {
    type: AUDIT_ENTRY_TYPE,
    v: 1,
    auditEventId: event.id,
    occurredAt: event.occurredAt.toISOString(),
    orgId: event.orgId,
    action: event.action,
    actor: event.actorUserId === null ? null : keyedDigest(salt, 'actor', event.actorUserId),
    target: { type: event.targetType, idDigest: keyedDigest(salt, 'target', `${event.targetType}\u0000${event.targetId}`) },
    beforeDigest: event.beforeDigest,
    afterDigest: event.afterDigest,
    detailsDigest: keyedDigest(salt, 'details', canonicalJson(event.details)),
  }
}

/**
 * Queues the event's entry for the audit log, in the caller's transaction (recordAudit's). No lock
 * is taken: concurrent recorders only insert rows, and the sequencer orders them later.
 */
export async function queueAuditEvent(tx: Queryable, event: AuditEventRecord): Promise<void> {
  const { salt } = await repo.auditSettings(tx)
  await repo.insertPending(tx, { logId: AUDIT_LOG, entry: encodeEntry(auditLedgerEntry(event, salt)), auditEventId: event.id })
}

/** The auditEventId of an audit log entry's bytes, or null when they are not an audit entry. */
export function auditEventIdOf(bytes: Uint8Array): number | null {
  try {
    const value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown
    if (value === null || typeof value !== 'object') return null
    const { type, auditEventId } = value as { type?: unknown; auditEventId?: unknown }
    return type === AUDIT_ENTRY_TYPE && Number.isSafeInteger(auditEventId) ? (auditEventId as number) : null
  } catch {
    return null
  }
}
