import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'
import { linkInstitution } from './jurisdiction.js'
import { initialReport } from './test-fixtures.js'

// Isolation of incident reports (DESIGN.md §7, issue 4 §4): no institution sees another's report;
// a supervisor sees only the institutions of its jurisdiction, and only what they submitted —
// never a draft, never a file waiting for the next report. Every incident route is walked as a
// supervisor without jurisdiction, and as the supervisor with jurisdiction against a draft.

interface Operation {
  tags?: string[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
}
interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  items?: Schema
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  format?: string
  minimum?: number
}

describe('incident reports stay with their institution and its supervisors', () => {
  let server: TestServer
  let alphaEditor: TestUser
  let betaEditor: TestUser
  let ownSupervisorUser: TestUser
  let foreignSupervisorUser: TestUser
  let alpha: ApiClient
  let beta: ApiClient
  let ownSupervisor: ApiClient
  let foreignSupervisor: ApiClient
  const ids: Record<string, string> = {}

  async function loggedIn(user: TestUser) {
    const client = new ApiClient(server)
    expect((await client.login(user.email, user.password, user.totpSecret)).status).toBe(200)
    return client
  }

  function uploadText(client: ApiClient, path: string, name: string, text: string) {
    const form = new FormData()
    form.append('file', new Blob([text], { type: 'text/plain' }), name)
    return client.request<{ id: string }>('POST', path, form)
  }

  beforeAll(async () => {
    server = await startTestServer()
    const alphaOrg = (await makeInstitution(server.ctx, { name: 'Alpha Shinkin' })).id
    const betaOrg = (await makeInstitution(server.ctx, { name: 'Beta Bank', sector: 'regional_bank' })).id
    const ownSupervisorOrg = (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Own Bureau' })).id
    const foreignSupervisorOrg = (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Foreign Bureau' })).id
    await server.ctx.db.transaction(async (tx) => {
      await linkInstitution(tx, ownSupervisorOrg, alphaOrg)
      await linkInstitution(tx, ownSupervisorOrg, betaOrg)
      await linkInstitution(tx, foreignSupervisorOrg, betaOrg)
    })
    alphaEditor = await makeUser(server.ctx, alphaOrg, 'editor')
    betaEditor = await makeUser(server.ctx, betaOrg, 'admin')
    ownSupervisorUser = await makeUser(server.ctx, ownSupervisorOrg, 'admin')
    foreignSupervisorUser = await makeUser(server.ctx, foreignSupervisorOrg, 'admin')
    alpha = await loggedIn(alphaEditor)
    beta = await loggedIn(betaEditor)
    ownSupervisor = await loggedIn(ownSupervisorUser)
    foreignSupervisor = await loggedIn(foreignSupervisorUser)

    const detectedAt = new Date(server.ctx.clock().getTime() - 3_600_000)
    const submitted = await alpha.post<{ id: string }>('/api/v1/incidents', { content: initialReport(detectedAt, { title: 'ALPHA-SECRET-INCIDENT' }), submit: true })
    expect(submitted.status).toBe(201)
    ids.submitted = submitted.body.id
    ids.submittedFile = (await uploadText(alpha, `/api/v1/incidents/${ids.submitted}/attachments`, 'alpha-secret-sent.txt', 'ALPHA-SECRET-SENT')).body.id
    // A second report carries that file; a third one is being drafted with another file waiting for it.
    const latest = initialReport(detectedAt, { title: 'ALPHA-SECRET-INCIDENT', impact: { criticalServicesAffected: true }, actionsTaken: 'ALPHA-SECRET-ACTIONS' })
    expect((await alpha.put(`/api/v1/incidents/${ids.submitted}/draft`, { phase: 'intermediate', content: latest })).status).toBe(200)
    expect((await alpha.post(`/api/v1/incidents/${ids.submitted}/submit`)).status).toBe(200)
    ids.pendingFile = (await uploadText(alpha, `/api/v1/incidents/${ids.submitted}/attachments`, 'alpha-secret-draft.txt', 'ALPHA-SECRET-DRAFT-FILE')).body.id
    await alpha.put(`/api/v1/incidents/${ids.submitted}/draft`, { phase: 'final', content: { ...latest, lessonsLearned: 'ALPHA-SECRET-DRAFT-LESSONS' } })
    expect((await alpha.post(`/api/v1/incidents/${ids.submitted}/messages`, { body: 'ALPHA-SECRET-MESSAGE' })).status).toBe(201)
    const draft = await alpha.post<{ id: string }>('/api/v1/incidents', { content: initialReport(detectedAt, { title: 'ALPHA-SECRET-DRAFT-INCIDENT' }) })
    ids.draftOnly = draft.body.id
  })
  afterAll(() => server.close())

  it("answers another institution 404 on every one of Alpha's incidents and files", async () => {
    expect((await beta.get<unknown[]>('/api/v1/incidents')).body).toEqual([])
    for (const path of [
      `/api/v1/incidents/${ids.submitted}`,
      `/api/v1/incidents/${ids.draftOnly}`,
      `/api/v1/incidents/${ids.submitted}/versions/1`,
      `/api/v1/incidents/${ids.submitted}/messages`,
      `/api/v1/incidents/${ids.submitted}/export.json`,
      `/api/v1/incident-attachments/${ids.submittedFile}/download`,
    ]) {
      const response = await beta.get(path)
      expect(response.status, path).toBe(404)
      expect(response.text).not.toContain('ALPHA')
    }
    expect((await beta.post(`/api/v1/incidents/${ids.submitted}/submit`)).status).toBe(404)
    expect((await beta.delete(`/api/v1/incident-attachments/${ids.pendingFile}`)).status).toBe(404)
    expect((await beta.post('/api/v1/incidents/export.json', { ids: [ids.submitted] })).status).toBe(404)
  })

  it('shows a supervisor without jurisdiction nothing', async () => {
    const inbox = await foreignSupervisor.get<{ total: number }>('/api/v1/supervision/incidents')
    expect(inbox.body.total).toBe(0)
    const stats = await foreignSupervisor.get<{ totals: { total: number } }>('/api/v1/supervision/incidents/stats')
    expect(stats.body.totals.total).toBe(0)
    for (const path of [`/api/v1/supervision/incidents/${ids.submitted}`, `/api/v1/supervision/incident-attachments/${ids.submittedFile}/download`]) {
      expect((await foreignSupervisor.get(path)).status, path).toBe(404)
    }
    expect((await foreignSupervisor.post(`/api/v1/supervision/incidents/${ids.submitted}/acknowledge`, {})).status).toBe(404)
  })

  it('shows the supervisor with jurisdiction what was submitted, and never a draft', async () => {
    const inbox = await ownSupervisor.get<{ items: { id: string }[] }>('/api/v1/supervision/incidents')
    expect(inbox.body.items.map((i) => i.id)).toEqual([ids.submitted])
    const seen = await ownSupervisor.get<{ latest: { version: number } }>(`/api/v1/supervision/incidents/${ids.submitted}`)
    expect(seen.body.latest.version).toBe(2)
    expect(seen.text).not.toContain('ALPHA-SECRET-DRAFT')
    expect((await ownSupervisor.get(`/api/v1/supervision/incidents/${ids.draftOnly}`)).status).toBe(404)
    expect((await ownSupervisor.get(`/api/v1/supervision/incidents/${ids.submitted}/versions/3`)).status).toBe(404)
    expect((await ownSupervisor.get(`/api/v1/supervision/incident-attachments/${ids.pendingFile}/download`)).status).toBe(404)
    const sent = await ownSupervisor.get(`/api/v1/supervision/incident-attachments/${ids.submittedFile}/download`)
    expect(sent.status).toBe(200)
    expect(sent.text).toBe('ALPHA-SECRET-SENT')
  })

  it("keeps each supervisor's thread to itself", async () => {
    const thread = await ownSupervisor.get<{ body: string }[]>(`/api/v1/supervision/incidents/${ids.submitted}/messages`)
    expect(thread.body.map((m) => m.body)).toEqual(['ALPHA-SECRET-MESSAGE'])
  })

  it('keeps each side to its own routes', async () => {
    expect((await alpha.get('/api/v1/supervision/incidents')).status).toBe(403)
    expect((await alpha.get(`/api/v1/supervision/incidents/${ids.submitted}`)).status).toBe(403)
    expect((await ownSupervisor.get('/api/v1/incidents')).status).toBe(403)
    expect((await ownSupervisor.get(`/api/v1/incidents/${ids.submitted}`)).status).toBe(403)
    expect((await ownSupervisor.post('/api/v1/incidents', { content: {} })).status).toBe(403)
  })

  async function walk(client: ApiClient, incidentId: string, attachmentId: string, label: string, secrets: string[]) {
    const doc = (await client.get<{ paths: Record<string, Record<string, Operation>> }>('/api/docs/json')).body
    let walked = 0
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.tags?.includes('incident')) continue
        const key = `${method.toUpperCase()} ${path}`
        if (key === 'GET /api/v1/incidents/taxonomy') continue // shared vocabulary, no tenant data
        const url = path
          .replace('{version}', '1')
          .replace(/\{id\}/, path.includes('attachments') ? attachmentId : incidentId)
        const response = await client.request(method.toUpperCase(), url, bodyFor(operation, incidentId))
        walked += 1
        const ownListing = ['GET /api/v1/supervision/incidents', 'GET /api/v1/supervision/incidents/stats'].includes(key)
        if (ownListing) expect(response.status, `${label} ${key}`).toBe(200)
        else expect([403, 404], `${label} ${key} answered ${response.status}: ${response.text.slice(0, 200)}`).toContain(response.status)
        for (const secret of secrets) expect(response.text, `${label} ${key} leaked`).not.toContain(secret)
      }
    }
    return walked
  }

  it('answers every incident route 403 or 404 to a supervisor without jurisdiction', async () => {
    expect(await walk(foreignSupervisor, ids.submitted!, ids.submittedFile!, 'foreign supervisor', ['ALPHA-SECRET', 'alpha-secret'])).toBeGreaterThan(25)
  })

  it("answers every incident route 403 or 404 to the own supervisor asking for a draft or a waiting file", async () => {
    expect(await walk(ownSupervisor, ids.draftOnly!, ids.pendingFile!, 'own supervisor', ['ALPHA-SECRET-DRAFT', 'alpha-secret-draft'])).toBeGreaterThan(25)
  })

  it("leaves Alpha's incident as it was", async () => {
    const detail = await alpha.get<{ latest: { version: number }; draft: { phase: string }; severityOverrides: unknown[]; acknowledgements: unknown[] }>(`/api/v1/incidents/${ids.submitted}`)
    expect(detail.body).toMatchObject({ latest: { version: 2 }, draft: { phase: 'final' }, severityOverrides: [], acknowledgements: [] })
    expect((await alpha.get(`/api/v1/incidents/${ids.draftOnly}`)).status).toBe(200)
  })
})

function bodyFor(operation: Operation, uuid: string): unknown {
  const content = operation.requestBody?.content
  if (!content) return undefined
  if (content['multipart/form-data'] && !content['application/json']) {
    const form = new FormData()
    form.append('file', new Blob(['{}'], { type: 'application/json' }), 'intruder.json')
    return form
  }
  const schema = content['application/json']?.schema
  return schema ? sample(schema, uuid) : {}
}

function sample(schema: Schema, uuid: string): unknown {
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  if (schema.anyOf) return sample(schema.anyOf.find((v) => v.type !== 'null') ?? schema.anyOf[0]!, uuid)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, prop]) => [name, sample(prop, uuid)]))
    case 'array':
      return schema.items ? [sample(schema.items, uuid)] : []
    case 'integer':
    case 'number':
      return schema.minimum ?? 1
    case 'boolean':
      return false
    case 'string':
      if (schema.format === 'uuid') return uuid
      if (schema.format === 'date-time') return '2030-01-31T00:00:00Z'
      if (schema.format === 'date') return '2030-01-31'
      if (schema.format === 'email') return 'intruder@test.example'
      return 'intruder'
    default:
      return null
  }
}
