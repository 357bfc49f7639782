import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { makeInstitution, makeOrganisation } from '../../../test/support/factories.js'
import { institutionsSupervisedBy, linkInstitution, supervisorsOf, unlinkInstitution } from './jurisdiction.js'

// Jurisdiction links, as the demo seed and the supervision module use them.

describe('supervision links', () => {
  let server: TestServer
  let supervisor: string
  let institution: string
  let otherSupervisor: string

  beforeAll(async () => {
    server = await startTestServer()
    supervisor = (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Bureau' })).id
    otherSupervisor = (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Agency' })).id
    institution = (await makeInstitution(server.ctx, { name: 'Kamome' })).id
  })
  afterAll(() => server.close())

  const auditCount = async (action: string) => {
    const result = (await server.ctx.db.execute(sql`select count(*)::int as n from audit_events where action = ${action}`)) as unknown as { rows: { n: number }[] }
    return result.rows[0]!.n
  }

  it('links an institution once, however often it is asked, with one audit event', async () => {
    await server.ctx.db.transaction(async (tx) => {
      await linkInstitution(tx, supervisor, institution)
      await linkInstitution(tx, supervisor, institution)
      await linkInstitution(tx, otherSupervisor, institution)
    })
    expect((await institutionsSupervisedBy(server.ctx.db, supervisor)).map((o) => o.id)).toEqual([institution])
    expect((await supervisorsOf(server.ctx.db, institution)).map((o) => o.nameEn).sort()).toEqual(['Agency', 'Bureau'])
    expect(await auditCount('supervision.institution_linked')).toBe(2)
  })

  it('refuses a link whose ends are not a supervisor and an institution', async () => {
    await expect(server.ctx.db.transaction((tx) => linkInstitution(tx, institution, supervisor))).rejects.toMatchObject({ code: 'validation_failed' })
    await expect(server.ctx.db.transaction((tx) => linkInstitution(tx, supervisor, otherSupervisor))).rejects.toMatchObject({ code: 'validation_failed' })
  })

  it('unlinks an institution', async () => {
    await server.ctx.db.transaction((tx) => unlinkInstitution(tx, otherSupervisor, institution))
    expect((await supervisorsOf(server.ctx.db, institution)).map((o) => o.nameEn)).toEqual(['Bureau'])
    expect(await auditCount('supervision.institution_unlinked')).toBe(1)
  })
})
