import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'
import { linkInstitution } from './jurisdiction.js'
import { LONG_SESSIONS, initialReport } from './test-fixtures.js'

// The supervisor's side and the clocks through HTTP: overdue reports flagged for both sides as
// the test clock moves, the inbox filters, the sector view, and the FIRE JSON / XLSX exchange.

const HOUR = 3_600_000

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}
interface InboxEntry {
  id: string
  reference: string
  overdue: boolean
  severity: string
  category: string
  latestPhase: string
  next: { phase: string; overdue: boolean } | null
  institution: { sector: string }
}
interface Inbox {
  total: number
  items: InboxEntry[]
}
interface ListEntry {
  id: string
  status: string
  overdue: boolean
  next: { phase: string; overdue: boolean } | null
}

describe('the supervisor inbox, deadlines and exchange through HTTP', () => {
  let server: TestServer
  let shinkinEditor: TestUser
  let bankEditor: TestUser
  let analyst: TestUser
  let shinkin: ApiClient
  let bank: ApiClient
  let supervisor: ApiClient
  let phishingId: string
  let ransomwareId: string
  let draftOnlyId: string

  async function loggedIn(user: TestUser, language: 'ja' | 'en' = 'ja') {
    const client = new ApiClient(server, language)
    expect((await client.login(user.email, user.password, user.totpSecret)).status).toBe(200)
    return client
  }

  function upload(client: ApiClient, path: string, document: unknown, filename = 'report.json') {
    const form = new FormData()
    form.append('file', new Blob([typeof document === 'string' ? document : JSON.stringify(document)], { type: 'application/json' }), filename)
    return client.request<ErrorBody & { created: { id: string }[] }>('POST', path, form)
  }

  beforeAll(async () => {
    server = await startTestServer({ env: LONG_SESSIONS })
    const supervisorOrg = (await makeOrganisation(server.ctx, { kind: 'supervisor' })).id
    const shinkinOrg = (await makeInstitution(server.ctx, { sector: 'shinkin' })).id
    const bankOrg = (await makeInstitution(server.ctx, { sector: 'regional_bank' })).id
    await server.ctx.db.transaction(async (tx) => {
      await linkInstitution(tx, supervisorOrg, shinkinOrg)
      await linkInstitution(tx, supervisorOrg, bankOrg)
      await linkInstitution(tx, supervisorOrg, bankOrg) // idempotent
    })
    shinkinEditor = await makeUser(server.ctx, shinkinOrg, 'editor')
    bankEditor = await makeUser(server.ctx, bankOrg, 'editor')
    analyst = await makeUser(server.ctx, supervisorOrg, 'viewer')
    shinkin = await loggedIn(shinkinEditor)
    bank = await loggedIn(bankEditor)
    supervisor = await loggedIn(analyst)

    const now = server.ctx.clock().getTime()
    const phishing = await shinkin.post<{ id: string }>('/api/v1/incidents', {
      content: initialReport(new Date(now - HOUR), { title: 'フィッシングサイトの出現', category: 'phishing' }),
      submit: true,
    })
    phishingId = phishing.body.id
    const ransomware = await bank.post<{ id: string }>('/api/v1/incidents', {
      content: initialReport(new Date(now - 3 * HOUR), {
        title: '勘定系サーバーのランサムウェア感染',
        category: 'ransomware',
        impact: { criticalServicesAffected: true, maliciousUnauthorisedAccess: true },
      }),
      submit: true,
    })
    ransomwareId = ransomware.body.id
    // Detected 20 h ago and still a draft: the institution owes its initial report within 4 h.
    const draft = await bank.post<{ id: string }>('/api/v1/incidents', { content: initialReport(new Date(now - 20 * HOUR), { title: '社内端末のマルウェア検知' }) })
    draftOnlyId = draft.body.id
  })
  afterAll(() => server.close())

  it('shows the supervisor only submitted reports, newest first', async () => {
    const inbox = await supervisor.get<Inbox>('/api/v1/supervision/incidents')
    expect(inbox.body.items.map((i) => i.id)).toEqual([ransomwareId, phishingId])
    expect(inbox.body.items.map((i) => i.severity)).toEqual(['major', 'non_major'])
  })

  it('filters the inbox by sector, category, severity and phase', async () => {
    const ids = async (query: string) => (await supervisor.get<Inbox>(`/api/v1/supervision/incidents?${query}`)).body.items.map((i) => i.id)
    expect(await ids('sector=shinkin')).toEqual([phishingId])
    expect(await ids('category=ransomware')).toEqual([ransomwareId])
    expect(await ids('severity=major')).toEqual([ransomwareId])
    expect(await ids('phase=initial')).toEqual([ransomwareId, phishingId])
    expect(await ids('phase=final')).toEqual([])
    expect(await ids('sector=regional_bank&severity=non_major')).toEqual([])
  })

  it('flags an initial report not filed within 24 h of detection to the institution only', async () => {
    let list = await bank.get<ListEntry[]>('/api/v1/incidents')
    expect(list.body.find((i) => i.id === draftOnlyId)).toMatchObject({ status: 'draft', overdue: false, next: { phase: 'initial' } })
    server.clock.advance(5 * HOUR)
    list = await bank.get<ListEntry[]>('/api/v1/incidents')
    expect(list.body.find((i) => i.id === draftOnlyId)).toMatchObject({ overdue: true, next: { phase: 'initial', overdue: true } })
    const inbox = await supervisor.get<Inbox>('/api/v1/supervision/incidents')
    expect(inbox.body.items.map((i) => i.id)).not.toContain(draftOnlyId)
  })

  it('flags a missing intermediate report 72 h after the initial one, for both sides', async () => {
    expect((await supervisor.get<Inbox>('/api/v1/supervision/incidents?overdue=true')).body.total).toBe(0)
    server.clock.advance(68 * HOUR)
    const overdue = await supervisor.get<Inbox>('/api/v1/supervision/incidents?overdue=true')
    expect(overdue.body.items.map((i) => i.id).sort()).toEqual([phishingId, ransomwareId].sort())
    expect(overdue.body.items[0]).toMatchObject({ overdue: true, next: { phase: 'intermediate', overdue: true } })
    expect((await supervisor.get<Inbox>('/api/v1/supervision/incidents?overdue=false')).body.total).toBe(0)
    const own = await shinkin.get<{ deadlines: { overdue: boolean; next: { phase: string } } }>(`/api/v1/incidents/${phishingId}`)
    expect(own.body.deadlines).toMatchObject({ overdue: true, next: { phase: 'intermediate' } })
  })

  it('stops flagging once the intermediate report is in, and marks it late', async () => {
    const current = (await shinkin.get<{ latest: { content: Record<string, unknown> } }>(`/api/v1/incidents/${phishingId}`)).body.latest.content
    const { attachments: _attachments, ...content } = current
    await shinkin.put(`/api/v1/incidents/${phishingId}/draft`, {
      phase: 'intermediate',
      content: { ...content, impact: { criticalServicesAffected: false }, actionsTaken: 'テイクダウンを依頼しました。' },
    })
    const submitted = await shinkin.post<{ latest: { late: boolean }; deadlines: { overdue: boolean; next: { phase: string } } }>(`/api/v1/incidents/${phishingId}/submit`)
    expect(submitted.status).toBe(200)
    expect(submitted.body.latest.late).toBe(true)
    expect(submitted.body.deadlines).toMatchObject({ overdue: false, next: { phase: 'final' } })
    const overdue = await supervisor.get<Inbox>('/api/v1/supervision/incidents?overdue=true')
    expect(overdue.body.items.map((i) => i.id)).toEqual([ransomwareId])
  })

  it('refuses acknowledgement by a supervisor viewer', async () => {
    const refused = await supervisor.post<ErrorBody>(`/api/v1/supervision/incidents/${ransomwareId}/acknowledge`, {})
    expect(refused.status).toBe(403)
  })

  it('counts incidents per month by category and severity for the sector view', async () => {
    const stats = await supervisor.get<{ months: { month: string; total: number }[]; totals: { total: number; byCategory: Record<string, number>; bySeverity: Record<string, number> } }>(
      '/api/v1/supervision/incidents/stats',
    )
    expect(stats.status).toBe(200)
    expect(stats.body.months).toHaveLength(12)
    expect(stats.body.totals).toEqual({ total: 2, byCategory: { phishing: 1, ransomware: 1 }, bySeverity: { non_major: 1, major: 1 } })
    const banks = await supervisor.get<{ totals: { total: number } }>('/api/v1/supervision/incidents/stats?sector=regional_bank')
    expect(banks.body.totals.total).toBe(1)
    const wrong = await supervisor.get<ErrorBody>('/api/v1/supervision/incidents/stats?from=2026-13')
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details[0]?.path).toBe('querystring.from')
  })

  it('exports a selection as FIRE JSON and as a workbook', async () => {
    const json = await supervisor.post<{ format: string; incidents: { reportingDetails: { reference: string; reportingEntity: { sector: string } } }[] }>(
      '/api/v1/supervision/incidents/export.json',
      { ids: [phishingId, ransomwareId] },
    )
    expect(json.status).toBe(200)
    expect(json.headers.get('content-disposition')).toContain('attachment')
    expect(json.body.format).toBe('kamae.incident-report.fire')
    expect(json.body.incidents.map((i) => i.reportingDetails.reportingEntity.sector)).toEqual(['shinkin', 'regional_bank'])

    const response = await fetch(`${server.baseUrl}/api/v1/supervision/incidents/export.xlsx?lang=en`, {
      method: 'POST',
      headers: { cookie: `kamae_session=${supervisor.cookie('kamae_session')}`, 'x-csrf-token': supervisor.cookie('kamae_csrf')!, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [phishingId, ransomwareId] }),
    })
    expect(response.status).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer)
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Incidents', 'Report history', 'Classification', 'Timeline'])
    const incidents = workbook.getWorksheet('Incidents')!
    expect(incidents.getRow(1).getCell(1).value).toBe('Reference')
    expect(incidents.rowCount).toBe(3)
    expect(workbook.getWorksheet('Report history')!.rowCount).toBe(1 + 3)
  })

  it('refuses to export a draft, even in a selection with submitted incidents', async () => {
    const refused = await supervisor.post<ErrorBody>('/api/v1/supervision/incidents/export.json', { ids: [phishingId, draftOnlyId] })
    expect(refused.status).toBe(404)
  })

  it('imports an exported report into a new incident as a draft initial report', async () => {
    const exported = await shinkin.get<{ incidents: unknown[] }>(`/api/v1/incidents/${phishingId}/export.json`)
    expect(exported.status).toBe(200)
    const before = (await shinkin.get<ListEntry[]>('/api/v1/incidents')).body.length
    const imported = await upload(shinkin, '/api/v1/incidents/import', exported.body)
    expect(imported.status).toBe(201)
    expect(imported.body.created).toHaveLength(1)
    const detail = await shinkin.get<{ status: string; draft: { phase: string; content: { title: string; actionsTaken: string } } }>(`/api/v1/incidents/${imported.body.created[0]!.id}`)
    expect(detail.body).toMatchObject({ status: 'draft', draft: { phase: 'initial', content: { title: 'フィッシングサイトの出現', actionsTaken: 'テイクダウンを依頼しました。' } } })
    expect((await shinkin.get<ListEntry[]>('/api/v1/incidents')).body).toHaveLength(before + 1)
  })

  it('refuses a bad file whole, naming the JSON paths, and changes nothing', async () => {
    const exported = (await shinkin.get<{ incidents: Record<string, Record<string, unknown>>[] }>(`/api/v1/incidents/${phishingId}/export.json`)).body
    const document = { ...exported, incidents: [exported.incidents[0], { ...exported.incidents[0], impactAssessment: { clientsAffected: -5 } }] }
    const before = (await shinkin.get<ListEntry[]>('/api/v1/incidents')).body.length
    const english = await loggedIn(shinkinEditor, 'en')
    const refused = await upload(english, '/api/v1/incidents/import', document)
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({ code: 'import_failed', details: [{ path: 'incidents[1].impactAssessment.clientsAffected', message: 'must be >= 0' }] })
    const notJson = await upload(shinkin, '/api/v1/incidents/import', '{"format":', 'broken.json')
    expect(notJson.status).toBe(400)
    expect(notJson.body.error.details[0]?.path).toBe('$')
    expect((await shinkin.get<ListEntry[]>('/api/v1/incidents')).body).toHaveLength(before)
  })

  it('imports a report as the draft of the next report of an incident', async () => {
    const exported = (await bank.get<{ incidents: { reportingDetails: Record<string, unknown>; closure: Record<string, unknown> }[] }>(`/api/v1/incidents/${ransomwareId}/export.json`)).body
    const [incident] = exported.incidents
    incident!.reportingDetails.reportPhase = 'initial'
    const refused = await upload(bank, `/api/v1/incidents/${ransomwareId}/import`, exported)
    expect(refused.status).toBe(400)
    expect(refused.body.error.details[0]?.path).toBe('incidents[0].reportingDetails.reportPhase')
    incident!.reportingDetails.reportPhase = 'intermediate'
    const imported = await upload(bank, `/api/v1/incidents/${ransomwareId}/import`, exported)
    expect(imported.status).toBe(200)
    expect((imported.body as unknown as { draft: { phase: string } }).draft.phase).toBe('intermediate')
  })

  it('discards a never-submitted incident with its draft', async () => {
    const discarded = await bank.delete<{ incidentDeleted: boolean }>(`/api/v1/incidents/${draftOnlyId}/draft`)
    expect(discarded.body).toEqual({ ok: true, incidentDeleted: true })
    expect((await bank.get(`/api/v1/incidents/${draftOnlyId}`)).status).toBe(404)
  })

  it('hands both sides the vocabulary and the rules in ja and en', async () => {
    const vocabulary = await supervisor.get<{ categories: { id: string; label: { ja: string } }[]; severities: { id: string }[]; deadlines: { phase: string; hours: number; months: number }[] }>(
      '/api/v1/incidents/taxonomy',
    )
    expect(vocabulary.status).toBe(200)
    expect(vocabulary.body.categories.find((c) => c.id === 'crypto_asset_outflow')?.label.ja).toBe('暗号資産の不正流出')
    expect(vocabulary.body.severities.map((s) => s.id)).toEqual(['major', 'non_major'])
    expect(vocabulary.body.deadlines.map((d) => [d.phase, d.hours, d.months])).toEqual([
      ['initial', 24, 0],
      ['intermediate', 72, 0],
      ['final', 0, 1],
    ])
  })
})
