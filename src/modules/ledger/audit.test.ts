import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { makeInstitution } from '../../../test/support/factories.js'
import { queryRows } from '../../db/database.js'
import { auditLog, type AuditFinding } from './audit.js'
import { entryLeafHash } from './entry.js'
import { AUDIT_LOG } from './audit-trail.js'
import { describeAuditFinding } from './ledger-command.js'
import { MerkleTree } from './merkle-tree.js'
import { sequenceAll } from './sequencer.js'
import { makeSignedLog } from './test-fixtures.js'

const ja = (j: string) => j
const en = (_j: string, e: string) => e

// Each test tampers with its own log the way someone with write access to the database would.
describe('kamae ledger audit (the database)', () => {
  let server: TestServer
  let counter = 0
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  /** 40 entries, heads signed at 3, 13 and 40. */
  async function makeLog() {
    return makeSignedLog(server.ctx, { name: `audit-${++counter}`, batches: [3, 10, 27] })
  }
  const run = (query: ReturnType<typeof sql>) => server.ctx.db.execute(query)
  const kinds = (findings: AuditFinding[]) => findings.map((f) => f.kind)

  it('finds nothing wrong with an untouched log', async () => {
    const { log } = await makeLog()
    const audit = await auditLog(server.ctx.db, log.name)
    expect(audit).toMatchObject({ logId: log.id, treeSize: 40, entries: 40, heads: 3, findings: [] })
    expect(audit.nodes).toBe(20 + 10 + 5 + 2 + 1)
  })

  it('names the entry in which one stored byte changed', async () => {
    const { log } = await makeLog()
    await run(sql`update ledger_entries set entry = set_byte(entry, 5, get_byte(entry, 5) # 1) where log_id = ${log.name} and idx = 21`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings[0]).toMatchObject({ kind: 'entry_changed', index: 21 })
    // The signed heads covering it no longer match either; the others still do.
    expect(findings.filter((f) => f.kind === 'head_mismatch').map((f) => f.treeSize)).toEqual([40])
    expect(describeAuditFinding(findings[0]!, en)).toBe('entry 21: changed (its bytes do not hash to its leaf hash)')
    expect(describeAuditFinding(findings[0]!, ja)).toContain('エントリ 21')
  })

  it('names the entry that was deleted', async () => {
    const { log } = await makeLog()
    await run(sql`delete from ledger_entries where log_id = ${log.name} and idx = 8`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings[0]).toMatchObject({ kind: 'entry_missing', index: 8, lastIndex: 8 })
    expect(kinds(findings).filter((k) => k.startsWith('entr') || k.startsWith('node'))).toEqual(['entry_missing'])
    expect(findings.filter((f) => f.kind === 'head_mismatch').map((f) => f.treeSize)).toEqual([13, 40])
  })

  it('names both of two swapped entries, and where each one went', async () => {
    const { log } = await makeLog()
    await run(sql`update ledger_entries e set entry = o.entry, leaf_hash = o.leaf_hash from ledger_entries o
                   where e.log_id = ${log.name} and o.log_id = ${log.name}
                     and ((e.idx = 6 and o.idx = 29) or (e.idx = 29 and o.idx = 6))`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings.filter((f) => f.kind === 'entry_moved')).toEqual([
      expect.objectContaining({ index: 6, originalAt: 29 }),
      expect.objectContaining({ index: 29, originalAt: 6 }),
    ])
    expect(describeAuditFinding(findings[0]!, en)).toBe('entry 6: replaced, its original content is now at entry 29 (reordered)')
  })

  it('names two neighbouring entries that were swapped', async () => {
    const { log } = await makeLog()
    await run(sql`update ledger_entries e set entry = o.entry, leaf_hash = o.leaf_hash from ledger_entries o
                   where e.log_id = ${log.name} and o.log_id = ${log.name}
                     and ((e.idx = 16 and o.idx = 17) or (e.idx = 17 and o.idx = 16))`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings[0]).toMatchObject({ kind: 'entries_swapped', index: 16, otherIndex: 17 })
  })

  it('names the entry whose content moved when only the bytes were swapped', async () => {
    const { log } = await makeLog()
    await run(sql`update ledger_entries e set entry = o.entry from ledger_entries o
                   where e.log_id = ${log.name} and o.log_id = ${log.name}
                     and ((e.idx = 2 and o.idx = 33) or (e.idx = 33 and o.idx = 2))`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings.slice(0, 2)).toEqual([
      expect.objectContaining({ kind: 'entry_changed', index: 2, originalAt: 33 }),
      expect.objectContaining({ kind: 'entry_changed', index: 33, originalAt: 2 }),
    ])
  })

  it('narrows an entry rewritten together with its leaf hash to its pair', async () => {
    const { log } = await makeLog()
    const forged = Buffer.from('{"kind":"forged"}')
    await run(sql`update ledger_entries set entry = ${forged}, leaf_hash = ${Buffer.from(entryLeafHash({ kind: 'forged' }))}
                   where log_id = ${log.name} and idx = 25`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings[0]).toMatchObject({ kind: 'entries_changed', index: 24, otherIndex: 25 })
    expect(findings.filter((f) => f.kind === 'head_mismatch')).toEqual([expect.objectContaining({ treeSize: 40, changedFrom: 13 })])
  })

  it('catches a log cut back with its head, nodes and root rewritten: only the signed head remembers', async () => {
    const { log, entries } = await makeLog()
    const root35 = Buffer.from(MerkleTree.fromLeafHashes(entries.slice(0, 35).map(entryLeafHash)).root())
    await run(sql`delete from ledger_entries where log_id = ${log.name} and idx >= 35`)
    await run(sql`delete from ledger_nodes where log_id = ${log.name} and (idx + 1) * (1 << level) > 35`)
    await run(sql`update ledger_logs set tree_size = 35, root_hash = ${root35} where id = ${log.name}`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings).toEqual([expect.objectContaining({ kind: 'head_beyond_log', treeSize: 40 })])
  })

  it('names a stored node that was changed', async () => {
    const { log } = await makeLog()
    await run(sql`update ledger_nodes set hash = set_byte(hash, 0, get_byte(hash, 0) # 1) where log_id = ${log.name} and level = 3 and idx = 2`)
    const { findings } = await auditLog(server.ctx.db, log.name)
    expect(findings).toEqual([expect.objectContaining({ kind: 'node_changed', level: 3, nodeIndex: 2 })])
  })

  describe('the audit log against the audit trail', () => {
    /** An audited change (an organisation created), in the log; answers its audit event's id and entry index. */
    async function auditedChange(): Promise<{ id: number; index: number }> {
      const org = await makeInstitution(server.ctx)
      await sequenceAll(server.ctx.db)
      const [row] = await queryRows<{ id: string | number; ledger_index: string | number }>(
        server.ctx.db,
        sql`select id, ledger_index from audit_events where action = 'organisation.created' and target_id = ${org.id}`,
      )
      return { id: Number(row!.id), index: Number(row!.ledger_index) }
    }

    it('agrees with an untouched audit trail', async () => {
      await auditedChange()
      const audit = await auditLog(server.ctx.db, AUDIT_LOG)
      expect(audit.findings).toEqual([])
      expect(audit.auditEvents).toBeGreaterThan(0)
    })

    it('names the audit record that was changed in the database', async () => {
      const { id, index } = await auditedChange()
      await run(sql`update audit_events set action = 'organisation.deleted' where id = ${id}`)
      const { findings } = await auditLog(server.ctx.db, AUDIT_LOG)
      const changed = findings.filter((f) => f.kind.startsWith('audit_'))
      expect(changed).toEqual([expect.objectContaining({ kind: 'audit_event_changed', auditEventId: id, index })])
      expect(describeAuditFinding(changed[0]!, en)).toBe(`audit event ${id}: does not match entry ${index} of the audit log (the audit record or the entry was changed)`)
      await run(sql`update audit_events set action = 'organisation.created' where id = ${id}`)
    })

    it('names the audit record that was deleted, and one written around the ledger', async () => {
      const { id, index } = await auditedChange()
      await run(sql`delete from audit_events where id = ${id}`)
      await run(sql`insert into audit_events (occurred_at, action, target_type, target_id) values (now(), 'forged.event', 'test', 'x')`)
      const { findings } = await auditLog(server.ctx.db, AUDIT_LOG)
      expect(findings.filter((f) => f.kind.startsWith('audit_')).map((f) => [f.kind, f.index])).toEqual([
        ['audit_event_removed', index],
        ['audit_event_unlogged', undefined],
      ])
    })
  })
})
