import { bigint, bigserial, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const auditEvents = pgTable('audit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  actorUserId: uuid('actor_user_id'),
  orgId: uuid('org_id'),
  action: text('action').notNull(),
  targetType: text('target_type').notNull(),
  targetId: text('target_id').notNull(),
  beforeDigest: text('before_digest'),
  afterDigest: text('after_digest'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  /** Where the event sits in the 'kamae-audit' ledger log; null until the sequencer has appended it. */
  ledgerIndex: bigint('ledger_index', { mode: 'number' }),
})
