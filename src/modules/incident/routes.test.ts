import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'
import { linkInstitution } from './jurisdiction.js'
import { initialReport } from './test-fixtures.js'

// An incident through HTTP, on a real server and database, as the issue tells it: the institution
// files an initial report in Japanese, the supervisor acknowledges and asks a question, the
// institution answers, adds an intermediate report with the impact and closes with a final report.
// The tests run in order and build on each other.

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}
interface Version {
  id: string
  version: number
  phase: string
  severity: string
  late: boolean
  changes: string[]
  content: Record<string, unknown> & { impact: Record<string, unknown>; attachments: { id: string; sha256: string }[] }
  contentDigest: string
  classification: { severity: string; summary: { ja: string; en: string }; criteria: { id: string; fired: boolean }[] }
}
interface Detail {
  id: string
  reference: string
  status: string
  severity: string | null
  latest: Version | null
  versions: { version: number; phase: string; changes: string[] }[]
  draft: { phase: string; classification: { severity: string }; problems: { path: string }[] } | null
  nextPhases: string[]
  deadlines: { next: { phase: string; dueAt: string; overdue: boolean } | null; overdue: boolean; phases: { phase: string; status: string; late: boolean }[] }
  attachments: { id: string; version: number | null }[]
  recipients: { id: string }[]
  acknowledgements: { version: number; supervisor: { id: string } }[]
  severityOverrides: { severity: string; reason: string }[]
  awaitingReply: boolean
  permissions: Record<string, boolean>
}
interface SupervisorDetail {
  id: string
  severity: string
  computedSeverity: string
  override: { severity: string; reason: string } | null
  latest: Version
  versions: { version: number; acknowledgedAt: string | null }[]
  attachments: { id: string; version: number }[]
  needsAcknowledgement: boolean
  lastMessageFrom: string | null
}

const HOUR = 3_600_000

describe('an incident report through HTTP', () => {
  let server: TestServer
  let supervisorOrg: string
  let editor: TestUser
  let viewer: TestUser
  let analyst: TestUser
  let editorClient: ApiClient
  let viewerClient: ApiClient
  let analystClient: ApiClient
  let incidentId: string
  let detectedAt: Date
  let initialDigest: string

  const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n', 'latin1')

  async function loggedIn(user: TestUser, language: 'ja' | 'en' = 'ja') {
    const client = new ApiClient(server, language)
    expect((await client.login(user.email, user.password, user.totpSecret)).status).toBe(200)
    return client
  }

  beforeAll(async () => {
    server = await startTestServer()
    supervisorOrg = (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Minato Supervision Office' })).id
    const institution = (await makeInstitution(server.ctx, { sector: 'shinkin', name: 'Kamome Shinkin' })).id
    await server.ctx.db.transaction((tx) => linkInstitution(tx, supervisorOrg, institution))
    editor = await makeUser(server.ctx, institution, 'editor')
    viewer = await makeUser(server.ctx, institution, 'viewer')
    analyst = await makeUser(server.ctx, supervisorOrg, 'editor')
    editorClient = await loggedIn(editor)
    viewerClient = await loggedIn(viewer)
    analystClient = await loggedIn(analyst)
    detectedAt = new Date(server.ctx.clock().getTime() - 2 * HOUR)
  })
  afterAll(() => server.close())

  it('refuses to submit an incomplete initial report, naming each missing field, and creates nothing', async () => {
    const english = await loggedIn(editor, 'en')
    const refused = await english.post<ErrorBody>('/api/v1/incidents', { content: { title: 'Something happened' }, submit: true })
    expect(refused.status).toBe(400)
    expect(refused.body.error.code).toBe('report_incomplete')
    expect(refused.body.error.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['body.content.detectedAt', 'body.content.category', 'body.content.affectedServices', 'body.content.contact.name']),
    )
    expect(refused.body.error.details.find((d) => d.path === 'body.content.detectedAt')?.message).toBe('Enter when the incident was detected')
    expect((await editorClient.get<unknown[]>('/api/v1/incidents')).body).toHaveLength(0)
  })

  it('refuses a category that is not in the taxonomy', async () => {
    const refused = await editorClient.post<ErrorBody>('/api/v1/incidents', { content: { category: 'alien_invasion' } })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details).toEqual([{ path: 'body.content.category', message: 'インシデントの種類にない値です（alien_invasion）' }])
  })

  it('files the initial report in one request, classified and with the next deadline', async () => {
    const filed = await editorClient.post<Detail>('/api/v1/incidents', { content: initialReport(detectedAt), submit: true })
    expect(filed.status).toBe(201)
    incidentId = filed.body.id
    expect(filed.body).toMatchObject({ status: 'open', severity: 'non_major', draft: null, nextPhases: ['intermediate', 'final'] })
    expect(filed.body.reference).toMatch(/^INC-\d{4}-0001$/)
    expect(filed.body.latest).toMatchObject({ version: 1, phase: 'initial', late: false })
    expect(filed.body.latest?.content).toMatchObject({ title: 'インターネットバンキングへの不正ログイン', category: 'unauthorised_access' })
    expect(filed.body.recipients.map((r) => r.id)).toEqual([supervisorOrg])
    const due = Date.parse(filed.body.deadlines.next!.dueAt)
    expect(filed.body.deadlines.next).toMatchObject({ phase: 'intermediate', overdue: false })
    expect(due - server.ctx.clock().getTime()).toBeGreaterThan(71 * HOUR)
    expect(filed.body.deadlines.phases[0]).toMatchObject({ phase: 'initial', status: 'submitted', late: false })
    initialDigest = filed.body.latest!.contentDigest
  })

  it('lets a viewer read but not write', async () => {
    expect((await viewerClient.get(`/api/v1/incidents/${incidentId}`)).status).toBe(200)
    const refused = await viewerClient.put<ErrorBody>(`/api/v1/incidents/${incidentId}/draft`, { phase: 'intermediate', content: initialReport(detectedAt) })
    expect(refused.status).toBe(403)
  })

  it("puts the report in the supervisor's inbox, unacknowledged", async () => {
    const inbox = await analystClient.get<{ total: number; items: { id: string; acknowledged: boolean; institution: { sector: string }; latestPhase: string }[] }>(
      '/api/v1/supervision/incidents',
    )
    expect(inbox.status).toBe(200)
    expect(inbox.body.total).toBe(1)
    expect(inbox.body.items[0]).toMatchObject({ id: incidentId, acknowledged: false, latestPhase: 'initial', institution: { sector: 'shinkin' } })
  })

  it('lets the supervisor acknowledge the report and ask a question', async () => {
    const acknowledged = await analystClient.post<SupervisorDetail>(`/api/v1/supervision/incidents/${incidentId}/acknowledge`, { comment: '受領しました' })
    expect(acknowledged.status).toBe(200)
    expect(acknowledged.body.needsAcknowledgement).toBe(false)
    expect(acknowledged.body.versions[0]?.acknowledgedAt).not.toBeNull()
    const asked = await analystClient.post<{ from: string; body: string }>(`/api/v1/supervision/incidents/${incidentId}/messages`, {
      body: '不正ログインの件数と、影響を受けた顧客数を教えてください。',
    })
    expect(asked.status).toBe(201)
    expect(asked.body).toMatchObject({ from: 'supervisor' })
    const filtered = await analystClient.get<{ total: number }>('/api/v1/supervision/incidents?acknowledged=false')
    expect(filtered.body.total).toBe(0)
  })

  it('shows the institution the receipt and the open question, and takes its answer', async () => {
    const detail = await editorClient.get<Detail>(`/api/v1/incidents/${incidentId}`)
    expect(detail.body.acknowledgements).toMatchObject([{ version: 1, supervisor: { id: supervisorOrg } }])
    expect(detail.body.awaitingReply).toBe(true)
    const answered = await editorClient.post<{ from: string }>(`/api/v1/incidents/${incidentId}/messages`, { body: '現時点で約120件です。続報でお知らせします。' })
    expect(answered.status).toBe(201)
    expect(answered.body.from).toBe('institution')
    const thread = await analystClient.get<{ from: string }[]>(`/api/v1/supervision/incidents/${incidentId}/messages`)
    expect(thread.body.map((m) => m.from)).toEqual(['supervisor', 'institution'])
    expect((await editorClient.get<Detail>(`/api/v1/incidents/${incidentId}`)).body.awaitingReply).toBe(false)
  })

  it('keeps a draft of the intermediate report that the supervisor cannot see, with its live classification', async () => {
    const saved = await editorClient.put<Detail>(`/api/v1/incidents/${incidentId}/draft`, {
      phase: 'intermediate',
      content: initialReport(detectedAt, {
        customersAffected: 'yes',
        currentStatus: 'contained',
        impact: { criticalServicesAffected: true, clientsAffected: 150_000, dataImpact: ['confidentiality'], regions: ['東京都'] },
        actionsTaken: '該当アカウントを凍結し、パスワードを再設定しました。',
        informed: { police: true, isac: true },
      }),
    })
    expect(saved.status).toBe(200)
    expect(saved.body.draft).toMatchObject({ phase: 'intermediate', classification: { severity: 'major' }, problems: [] })
    expect(saved.body.latest?.version).toBe(1)
    const seen = await analystClient.get<SupervisorDetail>(`/api/v1/supervision/incidents/${incidentId}`)
    expect(seen.body.latest.version).toBe(1)
    expect(seen.body.latest.content.impact.clientsAffected).toBeNull()
    expect(JSON.stringify(seen.body)).not.toContain('150000')
  })

  it('refuses a second initial report', async () => {
    const refused = await editorClient.put<ErrorBody>(`/api/v1/incidents/${incidentId}/draft`, { phase: 'initial', content: initialReport(detectedAt) })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('phase_not_allowed')
  })

  it('submits the intermediate report as version 2, major, listing what it changed', async () => {
    const submitted = await editorClient.post<Detail>(`/api/v1/incidents/${incidentId}/submit`)
    expect(submitted.status).toBe(200)
    expect(submitted.body).toMatchObject({ severity: 'major', draft: null })
    expect(submitted.body.latest).toMatchObject({ version: 2, phase: 'intermediate' })
    expect(submitted.body.latest?.changes).toEqual(
      expect.arrayContaining(['customersAffected', 'currentStatus', 'impact.criticalServicesAffected', 'impact.clientsAffected', 'actionsTaken']),
    )
    expect(submitted.body.latest?.classification.criteria.filter((c) => c.fired).map((c) => c.id)).toEqual(['critical_services', 'clients', 'data_loss'])
    expect(submitted.body.deadlines.next?.phase).toBe('final')
    const seen = await analystClient.get<SupervisorDetail>(`/api/v1/supervision/incidents/${incidentId}`)
    expect(seen.body).toMatchObject({ severity: 'major', needsAcknowledgement: true })
  })

  it('keeps version 1 exactly as it was submitted', async () => {
    const first = await analystClient.get<Version>(`/api/v1/supervision/incidents/${incidentId}/versions/1`)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ version: 1, phase: 'initial', severity: 'non_major', contentDigest: initialDigest })
    expect(first.body.content.customersAffected).toBe('unknown')
  })

  it('refuses to change a submitted report even in the database', async () => {
    await expect(server.ctx.db.execute(sql`update incident_reports set severity = 'major' where incident_id = ${incidentId} and version = 1`)).rejects.toThrow()
  })

  it('lets the supervisor override the severity with a reason, kept alongside the computed one', async () => {
    const refused = await analystClient.put<ErrorBody>(`/api/v1/supervision/incidents/${incidentId}/severity`, { severity: 'catastrophic', reason: 'x' })
    expect(refused.status).toBe(400)
    const overridden = await analystClient.put<SupervisorDetail>(`/api/v1/supervision/incidents/${incidentId}/severity`, {
      severity: 'non_major',
      reason: '影響顧客数は重複を除くと少数と確認',
    })
    expect(overridden.status).toBe(200)
    expect(overridden.body).toMatchObject({ severity: 'non_major', computedSeverity: 'major', override: { severity: 'non_major' } })
    const inbox = await analystClient.get<{ total: number }>('/api/v1/supervision/incidents?severity=non_major')
    expect(inbox.body.total).toBe(1)
    const institution = await editorClient.get<Detail>(`/api/v1/incidents/${incidentId}`)
    expect(institution.body.severity).toBe('major')
    expect(institution.body.severityOverrides).toMatchObject([{ severity: 'non_major', reason: '影響顧客数は重複を除くと少数と確認' }])
  })

  it('attaches a file to the final report, refusing a file whose content is not what its name says', async () => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(PDF)]), '原因調査報告書.pdf')
    const attached = await editorClient.request<{ id: string; version: number | null; sha256: string }>('POST', `/api/v1/incidents/${incidentId}/attachments`, form)
    expect(attached.status).toBe(201)
    expect(attached.body.version).toBeNull()
    const bad = new FormData()
    bad.append('file', new Blob([new Uint8Array(PDF)]), 'photo.png')
    const refused = await editorClient.request<ErrorBody>('POST', `/api/v1/incidents/${incidentId}/attachments`, bad)
    expect(refused.status).toBe(415)
  })

  it('closes the incident with a final report that carries the file', async () => {
    const current = (await editorClient.get<Detail>(`/api/v1/incidents/${incidentId}`)).body.latest!.content
    const final = {
      ...current,
      currentStatus: 'recovered',
      recoveredAt: new Date(detectedAt.getTime() + 30 * HOUR).toISOString(),
      rootCause: { category: 'malicious_action', subcategory: 'credential_compromise', origin: 'own', description: 'パスワードリスト攻撃' },
      measuresTaken: '多要素認証を必須化しました。',
      measuresPlanned: [{ description: 'リスクベース認証の導入', dueDate: '2026-12-31' }],
      lessonsLearned: 'ログイン失敗の監視閾値を見直す。',
    }
    delete (final as Record<string, unknown>).attachments
    const incomplete = await editorClient.put<Detail>(`/api/v1/incidents/${incidentId}/draft`, { phase: 'final', content: { ...final, measuresTaken: null } })
    expect(incomplete.body.draft?.problems.map((p) => p.path)).toEqual(['content.measuresTaken'])
    const refused = await editorClient.post<ErrorBody>(`/api/v1/incidents/${incidentId}/submit`)
    expect(refused.status).toBe(400)
    expect(refused.body.error.details.map((d) => d.path)).toEqual(['content.measuresTaken'])

    expect((await editorClient.put(`/api/v1/incidents/${incidentId}/draft`, { phase: 'final', content: final })).status).toBe(200)
    const closed = await editorClient.post<Detail>(`/api/v1/incidents/${incidentId}/submit`)
    expect(closed.status).toBe(200)
    expect(closed.body).toMatchObject({ status: 'closed', nextPhases: [], deadlines: { next: null, overdue: false } })
    expect(closed.body.latest).toMatchObject({ version: 3, phase: 'final' })
    expect(closed.body.latest?.content.attachments).toHaveLength(1)
    expect(closed.body.attachments.map((a) => a.version)).toEqual([3])
    expect(closed.body.versions.map((v) => v.phase)).toEqual(['initial', 'intermediate', 'final'])
  })

  it('lets the supervisor download the file submitted with the final report', async () => {
    const seen = await analystClient.get<SupervisorDetail>(`/api/v1/supervision/incidents/${incidentId}`)
    const [file] = seen.body.attachments
    expect(file?.version).toBe(3)
    const response = await fetch(`${server.baseUrl}/api/v1/supervision/incident-attachments/${file!.id}/download`, {
      headers: { cookie: `kamae_session=${analystClient.cookie('kamae_session')}` },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true)
  })

  it('takes no further report after the final one', async () => {
    const refused = await editorClient.put<ErrorBody>(`/api/v1/incidents/${incidentId}/draft`, { phase: 'intermediate', content: initialReport(detectedAt) })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('incident_closed')
  })

  it('keeps an audit event for every step, in the same transactions', async () => {
    const rows = (await server.ctx.db.execute(sql`select action from audit_events where target_id = ${incidentId} order by id`)) as unknown as { rows: { action: string }[] }
    const actions = rows.rows.map((r) => r.action)
    expect(actions).toEqual(
      expect.arrayContaining(['incident.created', 'incident.report_submitted', 'incident.acknowledged', 'incident.message_posted', 'incident.draft_saved', 'incident.severity_overridden']),
    )
    expect(actions.filter((a) => a === 'incident.report_submitted')).toHaveLength(3)
  })
})
