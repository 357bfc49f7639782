import { desc, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeUser, type TestUser } from '../../../test/support/factories.js'
import { queryRows } from '../../db/database.js'
import { recordAudit } from '../audit/service.js'
import { auditEvents } from '../audit/schema.js'
import { createOrganisation } from '../identity/service.js'
import { auditLog } from './audit.js'
import { AUDIT_LOG } from './audit-trail.js'
import { rebuildTree } from './durable-log.js'
import { decodeEntry } from './entry.js'
import { exportLedger } from './export.js'
import * as repo from './repository.js'
import { backfillAuditTrail, sequencePending } from './sequencer.js'
import { signAllHeads } from './sign-heads.js'
import { verifyExport } from './verify-export.js'

// Issue 6 §2: every audit record is also an entry of the 'kamae-audit' log, written in the
// same transaction (queued), placed by the sequencer, holding digests and no personal data.
describe('the audit trail in the ledger', () => {
  let server: TestServer
  let user: TestUser

  beforeAll(async () => {
    server = await startTestServer()
    const org = await makeInstitution(server.ctx, { name: 'Trail Shinkin' })
    user = await makeUser(server.ctx, org.id, 'editor')
  })
  afterAll(() => server.close())

  const db = () => server.ctx.db
  const latestEvent = async (action: string) => (await db().select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)).limit(1))[0]
  const entryAt = async (index: number) => decodeEntry((await repo.entriesInRange(db(), AUDIT_LOG, index, index + 1))[0]!.entry)

  it('turns an audited change into an audit log entry holding the audit row’s digests and no personal data', async () => {
    const client = new ApiClient(server, 'en')
    await client.login(user.email, user.password)
    expect((await client.patch('/api/v1/me', { displayName: 'Yamada Hanako' })).status).toBe(200)
    const row = (await latestEvent('user.profile_updated'))!
    expect(row.ledgerIndex).toBeNull() // queued with the change, placed by the sequencer

    await sequencePending(db(), AUDIT_LOG)
    const linked = (await db().select().from(auditEvents).where(eq(auditEvents.id, row.id)))[0]!
    expect(linked.ledgerIndex).not.toBeNull()
    const entry = await entryAt(linked.ledgerIndex!)
    expect(entry).toMatchObject({
      type: 'kamae.audit',
      auditEventId: row.id,
      action: 'user.profile_updated',
      orgId: row.orgId,
      occurredAt: row.occurredAt.toISOString(),
      beforeDigest: row.beforeDigest,
      afterDigest: row.afterDigest,
      target: { type: 'user' },
    })
    expect(row.afterDigest).toMatch(/^[0-9a-f]{64}$/)
    expect(entry.actor).toMatch(/^[0-9a-f]{64}$/)
    const text = JSON.stringify(entry)
    for (const personal of [user.email, 'Yamada Hanako', user.id]) expect(text).not.toContain(personal)
  })

  it('gives the same actor the same pseudonym in every entry', async () => {
    await sequencePending(db(), AUDIT_LOG)
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.actorUserId, user.id))
    const actors = new Set(await Promise.all(rows.map(async (row) => (await entryAt(row.ledgerIndex!)).actor)))
    expect(rows.length).toBeGreaterThan(1)
    expect(actors.size).toBe(1)
  })

  it('leaves neither an audit row nor an entry when the change rolls back', async () => {
    await sequencePending(db(), AUDIT_LOG)
    const countRows = async () => Number((await queryRows<{ n: number | string }>(db(), sql`select count(*) as n from audit_events`))[0]!.n)
    const rowsBefore = await countRows()
    const sizeBefore = (await repo.findHead(db(), AUDIT_LOG))!.treeSize
    await expect(
      db().transaction(async (tx) => {
        await createOrganisation(tx, { kind: 'institution', nameJa: '巻き戻し信金', nameEn: 'Rolled Back Shinkin', sector: 'shinkin', sizeBand: 'small' })
        throw new Error('the change fails after its audit record')
      }),
    ).rejects.toThrow('the change fails')
    expect(await countRows()).toBe(rowsBefore)
    expect(await repo.pendingEntries(db(), AUDIT_LOG, 10)).toEqual([])
    await sequencePending(db(), AUDIT_LOG)
    expect((await repo.findHead(db(), AUDIT_LOG))!.treeSize).toBe(sizeBefore)
  })

  it('places audit events recorded at once in distinct entries, each linked to its own', async () => {
    const start = (await repo.findHead(db(), AUDIT_LOG))!.treeSize
    await sequencePending(db(), AUDIT_LOG)
    const recorded = Array.from({ length: 12 }, (_, i) =>
      db().transaction((tx) => recordAudit(tx, { actorUserId: user.id, orgId: user.orgId, action: 'test.concurrent', target: { type: 'test', id: `t-${i}` } })),
    )
    await Promise.all(recorded)
    await sequencePending(db(), AUDIT_LOG)
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.concurrent'))
    expect(rows).toHaveLength(12)
    expect(new Set(rows.map((row) => row.ledgerIndex)).size).toBe(12)
    for (const row of rows) expect((await entryAt(row.ledgerIndex!)).auditEventId).toBe(row.id)
    const tree = await rebuildTree(db(), AUDIT_LOG)
    expect(tree.size).toBeGreaterThanOrEqual(start + 12)
    expect((await auditLog(db(), AUDIT_LOG)).findings).toEqual([])
  })

  it('puts the audit events recorded before the ledger held them into the log, in id order', async () => {
    await sequencePending(db(), AUDIT_LOG)
    // Rows written the way the audit trail was written before migration 0007: no queued entry.
    const ids = await queryRows<{ id: number | string }>(
      db(),
      sql`insert into audit_events (occurred_at, actor_user_id, org_id, action, target_type, target_id)
          select now(), ${user.id}::uuid, ${user.orgId}::uuid, 'test.before_ledger', 'test', 'old-' || g from generate_series(1, 3) g
          returning id`,
    )
    const numbers = ids.map((row) => Number(row.id))
    // What migration 0007 notes: everything up to the last of them predates the ledger; an
    // earlier row already in the log is not appended again.
    await db().execute(sql`update ledger_audit_settings set backfilled_through = ${Math.min(...numbers) - 2}, backfill_until = ${Math.max(...numbers)}`)
    expect(await backfillAuditTrail(db())).toBe(3)
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.before_ledger')).orderBy(auditEvents.id)
    const indices = rows.map((row) => row.ledgerIndex!)
    expect(indices).toEqual([...indices].sort((a, b) => a - b))
    expect((await auditLog(db(), AUDIT_LOG)).findings).toEqual([])
    expect(await backfillAuditTrail(db())).toBe(0)
  })

  it('exports the audit log under a signed head, and the export verifies offline', async () => {
    await signAllHeads(server.ctx)
    const lines: string[] = []
    await exportLedger(db(), { logNames: [AUDIT_LOG], now: server.ctx.clock() }, (line) => {
      lines.push(line)
    })
    const size = (await repo.findHead(db(), AUDIT_LOG))!.treeSize
    expect(size).toBeGreaterThan(0)
    expect(await verifyExport(lines)).toMatchObject({ ok: true, logs: [{ name: AUDIT_LOG, entries: size, signedSize: size }] })
  })
})
