import { bigint, customType, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core'

// Tables of migrations/0003_ledger.sql. Hashes and entries are bytea: Uint8Array in, Uint8Array
// out (node-postgres answers Buffers, PGlite Uint8Arrays; both are Uint8Arrays).
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
  fromDriver: (value) => value,
})

export const ledgerLogs = pgTable('ledger_logs', {
  id: text('id').primaryKey(),
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
