import { and, asc, desc, eq, gt, inArray, lt, lte, sql } from 'drizzle-orm'
import { digestOf } from '../../canonical-json.js'
import type { Queryable } from '../../db/database.js'
import { queueAuditEvent, type AuditEventRecord } from '../ledger/audit-trail.js'
import { auditEvents } from './schema.js'

export interface AuditEntry {
  actorUserId: string | null
  orgId: string | null
  action: string
  target: { type: string; id: string }
  /** State before and after; only their digests are stored, so no personal data is copied here. */
  before?: unknown
  after?: unknown
  details?: Record<string, unknown>
  at?: Date
}

export type { AuditEventRecord }

// Called inside the same transaction as the change it records: the audit row and its ledger entry
// (queued for the 'kamae-audit' log, issue 6 §2) commit with the change, or neither does.
export async function recordAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  const event: Omit<AuditEventRecord, 'id'> = {
    occurredAt: entry.at ?? new Date(),
    actorUserId: entry.actorUserId,
    orgId: entry.orgId,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    beforeDigest: entry.before === undefined ? null : digestOf(entry.before),
    afterDigest: entry.after === undefined ? null : digestOf(entry.after),
    details: asStored(entry.details ?? {}),
  }
  const [row] = await tx.insert(auditEvents).values(event).returning({ id: auditEvents.id })
  await queueAuditEvent(tx, { ...event, id: row!.id })
}

/** The details as jsonb gives them back (what JSON keeps of them): the ledger entry digests these. */
function asStored(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details)) as Record<string, unknown>
}

export async function listAuditEvents(db: Queryable, orgId: string, opts: { before?: number; limit: number }) {
  return db
    .select()
    .from(auditEvents)
    .where(opts.before ? and(eq(auditEvents.orgId, orgId), lt(auditEvents.id, opts.before)) : eq(auditEvents.orgId, orgId))
    .orderBy(desc(auditEvents.id))
    .limit(opts.limit)
}

// ---------------------------------------------------------------------------------------------
// For the ledger: its sequencer links each event to its entry, and `kamae ledger audit` compares them.

export type AuditEventRow = typeof auditEvents.$inferSelect

/** Records where each event sits in the audit log. */
export async function linkToLedger(tx: Queryable, links: readonly { auditEventId: number; ledgerIndex: number }[]): Promise<void> {
  if (links.length === 0) return
  const ids = `{${links.map((l) => l.auditEventId).join(',')}}`
  const indices = `{${links.map((l) => l.ledgerIndex).join(',')}}`
  await tx.execute(sql`
    update audit_events a set ledger_index = l.idx
      from unnest(${ids}::bigint[], ${indices}::bigint[]) as l(id, idx)
     where a.id = l.id`)
}

/** Up to `limit` events with id in (after, until], in id order. */
export async function auditEventsInRange(db: Queryable, after: number, until: number, limit: number): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(gt(auditEvents.id, after), lte(auditEvents.id, until)))
    .orderBy(asc(auditEvents.id))
    .limit(limit)
}

/** Up to `limit` events with id > after, in id order. */
export async function auditEventsAfter(db: Queryable, after: number, limit: number): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(gt(auditEvents.id, after)).orderBy(asc(auditEvents.id)).limit(limit)
}

/** Which of these event ids still have a row. */
export async function existingAuditEventIds(db: Queryable, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await db.select({ id: auditEvents.id }).from(auditEvents).where(inArray(auditEvents.id, [...ids]))
  return new Set(rows.map((row) => row.id))
}
