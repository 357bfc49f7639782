import { and, desc, eq, lt } from 'drizzle-orm'
import { digestOf } from '../../canonical-json.js'
import type { Queryable } from '../../db/database.js'
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

// Called inside the same transaction as the change it records: both commit or neither does.
export async function recordAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.insert(auditEvents).values({
    occurredAt: entry.at ?? new Date(),
    actorUserId: entry.actorUserId,
    orgId: entry.orgId,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    beforeDigest: entry.before === undefined ? null : digestOf(entry.before),
    afterDigest: entry.after === undefined ? null : digestOf(entry.after),
    details: entry.details ?? {},
  })
}

export async function listAuditEvents(db: Queryable, orgId: string, opts: { before?: number; limit: number }) {
  return db
    .select()
    .from(auditEvents)
    .where(opts.before ? and(eq(auditEvents.orgId, orgId), lt(auditEvents.id, opts.before)) : eq(auditEvents.orgId, orgId))
    .orderBy(desc(auditEvents.id))
    .limit(opts.limit)
}
