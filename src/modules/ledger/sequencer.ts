import type { Logger } from '../../context.js'
import type { Db } from '../../db/database.js'
import * as audit from '../audit/service.js'
import { AUDIT_LOG, auditLedgerEntry } from './audit-trail.js'
import { appendEncoded, lockHead } from './durable-log.js'
import { encodeEntry } from './entry.js'
import * as repo from './repository.js'

// The sequencer: gives queued entries (ledger_pending) their places in their logs, in batches.
//
// Why a queue (issue 6 §2, "appends sequenced in batches so that many writers never contend on one
// row"): an audit event is recorded inside the transaction of the change it records, and those
// transactions run concurrently and may last. Appending to the log there would lock the log's head
// row from the first audit event to the commit, so every change in Kamae would queue behind every
// other. Instead the transaction inserts the finished entry into ledger_pending — a plain insert,
// no lock shared with anyone — and it commits or rolls back with the change. The sequencer then
// takes the head lock once per batch of up to SEQUENCE_BATCH committed entries, appends them in
// queue order, links each audit event to its index and deletes what it moved: one short
// transaction. Several processes may run it at once: they take turns at the head lock, and each
// reads the queue only once it holds the lock, so no entry is appended twice. An entry queued by a
// transaction that commits late (its id lower than entries already moved) is simply moved in a
// later batch: the log's order is the order of sequencing, never of the queue's ids.
//
// It runs every SEQUENCE_INTERVAL_MS in the server (startPeriodicHeads), before heads are signed,
// and on demand before a log is read through the API and before `kamae ledger export / audit`.

/** Entries one sequencing transaction moves. */
export const SEQUENCE_BATCH = 5_000

/** How often the server sequences (the delay between a commit and the entry's index). */
export const SEQUENCE_INTERVAL_MS = 1_000

/** Moves every waiting entry of a log into it; answers how many. */
export async function sequencePending(db: Db, logName: string): Promise<number> {
  let moved = 0
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const head = await lockHead(tx, logName)
      const rows = await repo.pendingEntries(tx, logName, SEQUENCE_BATCH)
      if (rows.length === 0) return 0
      const appended = await appendEncoded(tx, head, rows.map((row) => row.entry))
      const links = rows.flatMap((row, i) => (row.auditEventId === null ? [] : [{ auditEventId: row.auditEventId, ledgerIndex: appended.firstIndex + i }]))
      await audit.linkToLedger(tx, links)
      await repo.deletePending(tx, rows.map((row) => row.id))
      return rows.length
    })
    moved += batch
    if (batch < SEQUENCE_BATCH) return moved
  }
}

/** Sequences the log when it has waiting entries (one cheap read otherwise); true when it moved any. */
export async function sequenceIfPending(db: Db, logName: string): Promise<boolean> {
  if (!(await repo.hasPending(db, logName))) return false
  return (await sequencePending(db, logName)) > 0
}

/** The audit events from before migration 0007, then every log's waiting entries; answers how many moved. */
export async function sequenceAll(db: Db): Promise<number> {
  let moved = await backfillAuditTrail(db)
  for (const logName of await repo.logsWithPending(db)) moved += await sequencePending(db, logName)
  return moved
}

/**
 * Appends the audit events recorded before the ledger held the audit trail (ids up to
 * backfill_until, fixed by migration 0007), in id order and ahead of anything queued since.
 */
export async function backfillAuditTrail(db: Db): Promise<number> {
  const settings = await repo.auditSettings(db)
  if (settings.backfilledThrough >= settings.backfillUntil) return 0
  let moved = 0
  for (;;) {
    const step = await db.transaction(async (tx) => {
      const head = await lockHead(tx, AUDIT_LOG)
      const { salt, backfillUntil, backfilledThrough } = await repo.auditSettingsForUpdate(tx)
      if (backfilledThrough >= backfillUntil) return { events: 0, done: true }
      const rows = await audit.auditEventsInRange(tx, backfilledThrough, backfillUntil, SEQUENCE_BATCH)
      const done = rows.length < SEQUENCE_BATCH
      const events = rows.filter((row) => row.ledgerIndex === null) // never an event twice
      if (events.length > 0) {
        const appended = await appendEncoded(tx, head, events.map((event) => encodeEntry(auditLedgerEntry(event, salt))))
        await audit.linkToLedger(tx, events.map((event, i) => ({ auditEventId: event.id, ledgerIndex: appended.firstIndex + i })))
      }
      await repo.setBackfilledThrough(tx, done ? backfillUntil : rows[rows.length - 1]!.id)
      return { events: events.length, done }
    })
    moved += step.events
    if (step.done) return moved
  }
}

export interface PeriodicWork {
  stop(): Promise<void>
}

/** Runs sequenceAll now and every `intervalMs`; failures are logged, never thrown. */
export function startPeriodicSequencing(db: Db, log: Logger, intervalMs = SEQUENCE_INTERVAL_MS): PeriodicWork {
  let running: Promise<void> | null = null
  const run = () => {
    if (running) return
    running = sequenceAll(db)
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error }, 'ledger: sequencing queued entries failed'),
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
    },
  }
}
