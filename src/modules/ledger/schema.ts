import { bigint, bigserial, boolean, customType, integer, pgTable, primaryKey, smallint, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations, users } from '../identity/schema.js'

// Tables of migrations/0003_ledger.sql, 0005_ledger_heads.sql and 0007_ledger_audit.sql. Hashes and entries are bytea: Uint8Array in, Uint8Array
// out (node-postgres answers Buffers, PGlite Uint8Arrays; both are Uint8Arrays).
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
  fromDriver: (value) => value,
})

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const ledgerLogs = pgTable('ledger_logs', {
  /** The internal name ('kamae-audit', 'org:<uuid>:operations'); the key of entries and nodes. */
  id: text('id').primaryKey(),
  /** The public id: in the API, in signed heads and in exports. */
  uuid: uuid('uuid').notNull().defaultRandom(),
  /** The organisation whose admins read the log; null for Kamae's global logs (supervisors' admins). */
  ownerOrgId: uuid('owner_org_id').references(() => organisations.id),
  treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
  rootHash: bytea('root_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    logId: text('log_id').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    leafHash: bytea('leaf_hash').notNull(),
    entry: bytea('entry').notNull(),
    appendedAt: timestamp('appended_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.logId, t.idx] })],
)

export const ledgerNodes = pgTable(
  'ledger_nodes',
  {
    logId: text('log_id').notNull(),
    level: smallint('level').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.logId, t.level, t.idx] })],
)

export const ledgerKeys = pgTable('ledger_keys', {
  keyId: text('key_id').primaryKey(),
  algorithm: text('algorithm', { enum: ['Ed25519'] }).notNull(),
  /** The raw 32-byte Ed25519 public key. */
  publicKey: bytea('public_key').notNull(),
  validFrom: ts('valid_from').notNull(),
  validUntil: ts('valid_until'),
})

export const ledgerHeads = pgTable(
  'ledger_heads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    logId: text('log_id').notNull(),
    treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
    rootHash: bytea('root_hash').notNull(),
    timestampMs: bigint('timestamp_ms', { mode: 'number' }).notNull(),
    keyId: text('key_id').notNull(),
    signature: bytea('signature').notNull(),
  },
  (t) => [unique('ledger_heads_once').on(t.logId, t.treeSize, t.keyId)],
)

/** Entries waiting for the sequencer: written in the transaction of the change they record. */
export const ledgerPending = pgTable('ledger_pending', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  logId: text('log_id').notNull(),
  entry: bytea('entry').notNull(),
  auditEventId: bigint('audit_event_id', { mode: 'number' }),
  queuedAt: ts('queued_at').notNull().defaultNow(),
})

/** One row: the deployment's audit salt (never changes) and the backfill of older audit events. */
export const ledgerAuditSettings = pgTable('ledger_audit_settings', {
  singleton: boolean('singleton').primaryKey().default(true),
  salt: bytea('salt').notNull(),
  backfillUntil: bigint('backfill_until', { mode: 'number' }).notNull(),
  backfilledThrough: bigint('backfilled_through', { mode: 'number' }).notNull(),
})

export const ledgerOperationBatches = pgTable(
  'ledger_operation_batches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    logId: text('log_id').notNull(),
    idempotencyKey: text('idempotency_key'),
    requestDigest: bytea('request_digest').notNull(),
    firstIndex: bigint('first_index', { mode: 'number' }).notNull(),
    recordCount: integer('record_count').notNull(),
    headId: bigint('head_id', { mode: 'number' }).notNull(),
    appendedBy: uuid('appended_by').references(() => users.id),
    appendedAt: ts('appended_at').notNull().defaultNow(),
  },
  (t) => [unique('ledger_operation_batches_key').on(t.orgId, t.idempotencyKey)],
)
