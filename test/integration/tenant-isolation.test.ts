import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findCatalogByKey } from '../../src/modules/catalog/service.js'
import { startTestServer, type TestServer } from '../support/app.js'
import { ApiClient } from '../support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../support/factories.js'
import { loadFixtureCatalog } from '../support/catalogs.js'
import { makeSignedLog } from '../../src/modules/ledger/test-fixtures.js'
import { linkInstitution } from '../../src/modules/incident/jurisdiction.js'
import { approvedAssessment, storeRoundCatalog } from '../../src/modules/supervision/test-fixtures.js'
import { bundleOf, createToken, indicator, marked, taxii, uploadBundle } from '../../src/modules/intel/test-fixtures.js'
import { approve as approveWithdrawal, approveDestination, makeExchange, raise as raiseWithdrawal, verify as verifyWithdrawal, type Exchange } from '../../src/modules/custody/test-fixtures.js'

// DESIGN.md §7: no user ever reads another organisation's data. This test walks EVERY route of the
// OpenAPI document as an admin of organisation B against the data of organisation A, and expects
// nothing: 403 or 404, and no trace of A's data in the body. A new route with a path parameter this
// test does not know fails the test until it is added here.

interface OpenApiOperation {
  tags?: string[]
  security?: unknown[]
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
}
interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  format?: string
  pattern?: string
  minimum?: number
  minLength?: number
  default?: unknown
  examples?: unknown[]
}

// Routes that act on the caller's own session or account, or on shared framework content, and so hold
// no other organisation's data. Each is covered by its own tests.
const NOT_TENANT_SCOPED = new Set([
  'GET /api/v1/health',
  'GET /api/v1/auth/session',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/mfa/verify',
  'POST /api/v1/auth/mfa/enrolment',
  'POST /api/v1/auth/mfa/enrolment/confirm',
  'PATCH /api/v1/me',
  'POST /api/v1/me/password',
  'GET /api/v1/catalogs',
  'GET /api/v1/catalogs/{id}',
  'GET /api/v1/catalogs/{id}/oscal',
  'GET /api/v1/incidents/taxonomy',
  'GET /api/v1/ledger/keys', // public keys of signed heads: the same for everyone
])

describe('tenant isolation: every route, as another organisation', () => {
  let server: TestServer
  let ownerA: TestUser
  let editorA: TestUser
  let intruder: TestUser
  let supervisorIntruder: TestUser
  let exchangeA: Exchange
  let exchangeIntruder: TestUser
  const statuses = new Map<string, number>()
  const a: Record<string, string> = {}
  const secrets: string[] = []

  beforeAll(async () => {
    server = await startTestServer()
    await loadFixtureCatalog(server.ctx, 'fsa-cyber-2024')
    const orgA = await makeInstitution(server.ctx, { name: 'Alpha Shinkin' })
    const orgB = await makeInstitution(server.ctx, { name: 'Beta Bank', sector: 'regional_bank' })
    ownerA = await makeUser(server.ctx, orgA.id, 'admin')
    editorA = await makeUser(server.ctx, orgA.id, 'editor')
    intruder = await makeUser(server.ctx, orgB.id, 'admin')

    // Organisation A's data, made through the API like a user would.
    const catalog = await findCatalogByKey(server.ctx.db, 'fsa-cyber-2024')
    const editor = new ApiClient(server)
    await editor.login(editorA.email, editorA.password)
    const created = await editor.post<{ id: string }>('/api/v1/assessments', { catalogId: catalog!.id, title: 'ALPHA-SECRET-ASSESSMENT' })
    expect(created.status).toBe(201)
    a.assessment = created.body.id
    a.ref = '2.1-B1'
    expect((await editor.put(`/api/v1/assessments/${a.assessment}/items/${a.ref}`, { value: 2, comment: 'ALPHA-SECRET-COMMENT' })).status).toBe(200)
    const form = new FormData()
    form.append('file', new Blob(['ALPHA-SECRET-EVIDENCE'], { type: 'text/plain' }), 'alpha-secret-evidence.txt')
    const evidence = await editor.request<{ id: string }>('POST', `/api/v1/assessments/${a.assessment}/items/${a.ref}/evidence`, form)
    expect(evidence.status).toBe(201)
    a.evidence = evidence.body.id
    const action = await editor.post<{ id: string }>(`/api/v1/assessments/${a.assessment}/actions`, { title: 'ALPHA-SECRET-ACTION', itemRefs: [a.ref] })
    expect(action.status).toBe(201)
    a.action = action.body.id
    const admin = new ApiClient(server)
    await admin.login(ownerA.email, ownerA.password, ownerA.totpSecret)
    const invitation = await admin.post<{ id: string }>('/api/v1/invitations', { email: 'alpha-secret-invitee@test.example', role: 'viewer' })
    expect(invitation.status).toBe(201)
    a.invitation = invitation.body.id
    a.member = editorA.id
    const incident = await editor.post<{ id: string }>('/api/v1/incidents', {
      content: {
        title: 'ALPHA-SECRET-INCIDENT',
        detectedAt: new Date(server.ctx.clock().getTime() - 3_600_000).toISOString(),
        category: 'ransomware',
        affectedServices: ['ALPHA-SECRET-SERVICE'],
        customersAffected: 'unknown',
        currentStatus: 'investigating',
        contact: { name: 'ALPHA-SECRET-CONTACT', email: 'alpha-secret-contact@test.example' },
      },
      submit: true,
    })
    expect(incident.status).toBe(201)
    a.incident = incident.body.id
    const attachmentForm = new FormData()
    attachmentForm.append('file', new Blob(['ALPHA-SECRET-ATTACHMENT'], { type: 'text/plain' }), 'alpha-secret-attachment.txt')
    const attachment = await editor.request<{ id: string }>('POST', `/api/v1/incidents/${a.incident}/attachments`, attachmentForm)
    expect(attachment.status).toBe(201)
    a.incidentAttachment = attachment.body.id
    secrets.push('ALPHA-SECRET', 'alpha-secret', editorA.email, ownerA.email, a.evidence, a.action, a.invitation, a.incident, a.incidentAttachment)
    const ledger = await makeSignedLog(server.ctx, { name: `org:${orgA.id}:operations`, ownerOrgId: orgA.id, batches: [2], tag: 'ALPHA-SECRET-LEDGER' })
    a.ledgerLog = ledger.log.id
    secrets.push(a.ledgerLog)

    // A supervision round of A's supervisor, to which A has submitted and answered a follow-up.
    const supervisorA = await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Alpha Supervisor' })
    await server.ctx.db.transaction((tx) => linkInstitution(tx, supervisorA.id, orgA.id))
    const roundCatalog = await storeRoundCatalog(server.ctx)
    const analyst = await makeUser(server.ctx, supervisorA.id, 'editor')
    const supervisorClient = new ApiClient(server)
    await supervisorClient.login(analyst.email, analyst.password)
    const now = server.ctx.clock().getTime()
    const round = await supervisorClient.post<{ id: string }>('/api/v1/supervision/rounds', {
      kind: 'self_assessment',
      title: { ja: 'ALPHA-SECRET-ROUND', en: 'ALPHA-SECRET-ROUND' },
      catalogId: roundCatalog,
      target: { mode: 'list', sectors: null, sizes: null, institutionIds: [orgA.id] },
      opensAt: new Date(now - 86_400_000).toISOString(),
      dueAt: new Date(now + 86_400_000).toISOString(),
      instructions: 'ALPHA-SECRET-INSTRUCTIONS',
    })
    expect(round.status).toBe(201)
    a.round = round.body.id
    expect((await supervisorClient.post(`/api/v1/supervision/rounds/${a.round}/publish`)).status).toBe(200)
    const approved = await approvedAssessment(server.ctx, orgA.id, roundCatalog, [1, 0, 1, 0, 1, 0])
    const submitted = await editor.post<{ submissions: { id: string }[] }>(`/api/v1/rounds/${a.round}/submissions`, { assessmentId: approved })
    expect(submitted.status).toBe(201)
    a.submission = submitted.body.submissions[0]!.id
    a.orgA = orgA.id
    expect((await editor.post(`/api/v1/rounds/${a.round}/messages`, { body: 'ALPHA-SECRET-RESPONSE' })).status).toBe(201)
    secrets.push(a.round, a.submission)

    // Organisation A's threat intelligence (issue 5): a sharing group of its own with a collection,
    // a GREEN and a RED indicator shared there, an API token, a TAXII status and a subscription.
    const group = await admin.post<{ id: string }>('/api/v1/intel/sharing-groups', { name: 'ALPHA-SECRET-GROUP' })
    expect(group.status).toBe(201)
    a.intelGroup = group.body.id
    const collection = await admin.post<{ id: string }>('/api/v1/intel/collections', {
      title: 'ALPHA-SECRET-COLLECTION',
      community: { kind: 'group', id: a.intelGroup },
      defaultTlp: 'green',
      membersCanWrite: true,
    })
    expect(collection.status).toBe(201)
    a.intelCollection = collection.body.id
    const alphaIndicator = indicator({ name: 'ALPHA-SECRET-INDICATOR' })
    const shared = await uploadBundle(editor, a.intelCollection, bundleOf([alphaIndicator, marked(indicator({ name: 'ALPHA-SECRET-RED' }), 'red')]))
    expect(shared.status).toBe(201)
    a.intelObject = String(alphaIndicator.id)
    a.intelShare = String(shared.body.shareId)
    const alphaToken = await createToken(editor, 'ALPHA-SECRET-TOKEN')
    a.intelToken = (await editor.get<{ id: string }[]>('/api/v1/intel/tokens')).body[0]!.id
    const posted = await taxii<{ id: string }>(server, 'POST', `/taxii2/kamae/collections/${a.intelCollection}/objects/`, { email: editorA.email, token: alphaToken }, {
      body: { objects: [indicator({ name: 'ALPHA-SECRET-TAXII' })] },
    })
    expect(posted.status).toBe(202)
    a.intelStatus = posted.body.id
    const subscription = await admin.post<{ id: string }>('/api/v1/intel/subscriptions', {
      title: 'ALPHA-SECRET-SUBSCRIPTION',
      url: 'https://taxii.alpha-secret.example/taxii2/',
      apiRoot: 'api1/',
      remoteCollectionId: 'alpha-secret-remote',
      username: 'alpha-secret-user@test.example',
      token: 'ALPHA-SECRET-REMOTE-TOKEN',
      collectionId: a.intelCollection,
      tlp: 'amber+strict',
    })
    expect(subscription.status).toBe(201)
    a.intelSubscription = subscription.body.id
    secrets.push(a.intelGroup, a.intelCollection, a.intelObject, a.intelShare, a.intelToken, a.intelStatus, a.intelSubscription)

    supervisorIntruder = await makeUser(server.ctx, (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Beta Supervisor' })).id, 'admin')

    // A crypto-asset exchange A with a withdrawal request verified and approved once, a pending
    // allow-list change and alerts; the intruder of the custody walk is another exchange's admin.
    exchangeA = await makeExchange(server, 'Alpha Exchange')
    const withdrawal = await raiseWithdrawal(exchangeA.requester.client, { purpose: 'ALPHA-SECRET-WITHDRAWAL' })
    expect(withdrawal.status).toBe(201)
    await approveDestination(exchangeA.verifier, withdrawal.body)
    const verified = await verifyWithdrawal(server, exchangeA.verifier, withdrawal.body)
    expect((await approveWithdrawal(exchangeA.approvers[0], verified)).status).toBe(200)
    a.custodyRequest = verified.id
    a.custodyDigest = verified.digest
    const change = await exchangeA.requester.client.post<{ id: string }>('/api/v1/custody/allow-list/changes', {
      kind: 'add',
      asset: 'BTC',
      address: 'bc1qalpha-secret-allow-listed-000000001',
      label: 'ALPHA-SECRET-LABEL',
    })
    expect(change.status).toBe(201)
    a.custodyChange = change.body.id
    const alerts = await exchangeA.admin.client.get<{ id: string }[]>('/api/v1/custody/alerts')
    a.custodyAlert = alerts.body[0]!.id
    secrets.push(a.custodyRequest, a.custodyChange, a.custodyAlert, exchangeA.requester.user.email, exchangeA.verifier.user.email)
    exchangeIntruder = await makeUser(server.ctx, (await makeInstitution(server.ctx, { sector: 'crypto_exchange', name: 'Beta Exchange' })).id, 'admin')
  })
  afterAll(() => server.close())

  const pathValue = (path: string, param: string): string => {
    if (param === 'ref') return a.ref!
    if (param === 'userId') return a.member!
    if (param === 'token') return 'x'.repeat(43)
    if (param === 'version') return '1'
    if (param === 'logId' && path.startsWith('/api/v1/ledger/')) return a.ledgerLog!
    if (param === 'index' && path.startsWith('/api/v1/ledger/operations/')) return '1' // A's log holds entries 0 and 1; B's has none
    if (param === 'orgId') return a.orgA!
    if (param === 'submissionId') return a.submission!
    if (param === 'stixId') return a.intelObject!
    if (param !== 'id') throw new Error(`tenant-isolation test: unknown path parameter {${param}} in ${path}: add it`)
    if (path.startsWith('/api/v1/assessments/')) return a.assessment!
    if (path.startsWith('/api/v1/supervision/rounds/') || path.startsWith('/api/v1/rounds/')) return a.round!
    if (path.startsWith('/api/v1/evidence/')) return a.evidence!
    if (path.startsWith('/api/v1/remediation-actions/')) return a.action!
    if (path.startsWith('/api/v1/invitations/')) return a.invitation!
    if (path.startsWith('/api/v1/incidents/') || path.startsWith('/api/v1/supervision/incidents/')) return a.incident!
    if (path.startsWith('/api/v1/incident-attachments/') || path.startsWith('/api/v1/supervision/incident-attachments/')) return a.incidentAttachment!
    if (path.startsWith('/api/v1/custody/requests/')) return a.custodyRequest!
    if (path.startsWith('/api/v1/custody/allow-list/changes/')) return a.custodyChange!
    if (path.startsWith('/api/v1/custody/alerts/')) return a.custodyAlert!
    if (path.startsWith('/api/v1/intel/collections/')) return a.intelCollection!
    if (path.startsWith('/api/v1/intel/sharing-groups/')) return a.intelGroup!
    if (path.startsWith('/api/v1/intel/shares/')) return a.intelShare!
    if (path.startsWith('/api/v1/intel/tokens/')) return a.intelToken!
    if (path.startsWith('/api/v1/intel/subscriptions/')) return a.intelSubscription!
    throw new Error(`tenant-isolation test: which record of organisation A does ${path} take? Add it`)
  }

  async function walk(user: TestUser, only: (path: string) => boolean) {
    const client = new ApiClient(server)
    await client.login(user.email, user.password, user.totpSecret)
    const doc = (await client.get<{ paths: Record<string, Record<string, OpenApiOperation>> }>('/api/docs/json')).body
    const walked: string[] = []
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!only(path)) continue
      for (const [method, operation] of Object.entries(operations)) {
        const key = `${method.toUpperCase()} ${path}`
        if (NOT_TENANT_SCOPED.has(key)) continue
        const url = path.replace(/\{(\w+)\}/g, (_m, param: string) => encodeURIComponent(pathValue(path, param)))
        const body = requestBodyFor(operation, (format) => (format === 'uuid' ? a.assessment! : undefined))
        const response = await client.request(method.toUpperCase(), url, body)
        walked.push(key)
        statuses.set(key, response.status)
        if (process.env.KAMAE_DEBUG_ISOLATION) console.log(key, response.status)
        if (key === 'GET /api/v1/invitations/by-token/{token}') {
          expect(response.status, key).toBe(410) // a token that is not A's reveals nothing either
        } else if (key === 'POST /api/v1/invitations/accept') {
          expect([400, 410], key).toContain(response.status)
        } else if (isOwnOrgListing(key)) {
          // Lists of the caller's own organisation: allowed, but never A's rows.
          expect(response.status, key).toBeLessThan(500)
        } else {
          expect([403, 404], `${key} answered ${response.status}: ${response.text.slice(0, 200)}`).toContain(response.status)
        }
        for (const secret of secrets) expect(response.text, `${key} leaked ${secret}`).not.toContain(secret)
      }
    }
    return walked
  }

  it('answers 403 or 404 with no data of organisation A on every route', async () => {
    const walked = await walk(intruder, () => true)
    expect(walked.length).toBeGreaterThan(25)
  })

  it("answers 404 to another supervisor on every route of A's supervisor's round", async () => {
    const walked = await walk(supervisorIntruder, (path) => path.startsWith('/api/v1/supervision/') || path.startsWith('/api/v1/rounds'))
    expect(walked.length).toBeGreaterThan(20)
  })

  it("answers another crypto-asset exchange 404 on every custody route that names A's data", async () => {
    const walked = await walk(exchangeIntruder, (path) => path.startsWith('/api/v1/custody/'))
    const naming = walked.filter((key) => !isOwnOrgListing(key))
    expect(naming.length).toBeGreaterThan(10)
    for (const key of naming) expect(statuses.get(key), key).toBe(404)
  })

  it("leaves exchange A's withdrawal, allow-list change and alert unchanged after the attempts", async () => {
    const request = await exchangeA.viewer.client.get<{ status: string; digest: string; amount: string; approvals: { count: number } }>(`/api/v1/custody/requests/${a.custodyRequest}`)
    expect(request.body).toMatchObject({ status: 'verified', digest: a.custodyDigest, amount: '1.5', approvals: { count: 1 } })
    const change = await exchangeA.viewer.client.get<{ status: string; approvals: { count: number } }>(`/api/v1/custody/allow-list/changes/${a.custodyChange}`)
    expect(change.body).toMatchObject({ status: 'pending', approvals: { count: 0 } })
    const alerts = await exchangeA.admin.client.get<{ id: string; acknowledgedAt: string | null }[]>('/api/v1/custody/alerts')
    expect(alerts.body.find((x) => x.id === a.custodyAlert)?.acknowledgedAt).toBeNull()
  })

  it("answers 404 or 403 to another organisation's TAXII token on every TAXII endpoint of A's collection", async () => {
    const client = new ApiClient(server)
    await client.login(intruder.email, intruder.password, intruder.totpSecret)
    const creds = { email: intruder.email, token: await createToken(client, 'intruder') }
    const collection = `/taxii2/kamae/collections/${a.intelCollection}`
    const object = `${collection}/objects/${a.intelObject}`
    const attempts: [string, string, unknown?][] = [
      ['GET', `${collection}/`],
      ['GET', `${collection}/objects/`],
      ['POST', `${collection}/objects/`, { objects: [indicator({ name: 'INTRUDER' })] }],
      ['GET', `${collection}/manifest/`],
      ['GET', `${object}/`],
      ['GET', `${object}/versions/`],
      ['DELETE', `${object}/`],
      ['GET', `/taxii2/kamae/status/${a.intelStatus}/`],
    ]
    for (const [method, path, body] of attempts) {
      const response = await taxii(server, method, path, creds, { body })
      expect([403, 404], `${method} ${path} answered ${response.status}`).toContain(response.status)
      for (const secret of secrets) expect(response.text, `${method} ${path} leaked ${secret}`).not.toContain(secret)
    }
    const listed = await taxii(server, 'GET', '/taxii2/kamae/collections/', creds)
    expect(listed.status).toBe(200)
    expect(listed.text).not.toContain(a.intelCollection)
  })

  it("leaves organisation A's data unchanged after the attempts", async () => {
    const editor = new ApiClient(server)
    await editor.login(editorA.email, editorA.password)
    const items = await editor.get<{ ref: string; value: number | null; comment: string | null }[]>(`/api/v1/assessments/${a.assessment}/items`)
    expect(items.body.find((item) => item.ref === a.ref)).toMatchObject({ value: 2, comment: 'ALPHA-SECRET-COMMENT' })
    expect((await editor.get(`/api/v1/evidence/${a.evidence}/download`)).text).toBe('ALPHA-SECRET-EVIDENCE')
    const actions = await editor.get<{ id: string }[]>(`/api/v1/assessments/${a.assessment}/actions`)
    expect(actions.body.map((x) => x.id)).toContain(a.action)
    const members = await editor.get<{ userId: string }[]>('/api/v1/members')
    expect(members.body.map((m) => m.userId)).toContain(editorA.id)
    const incident = await editor.get<{ latest: { version: number; content: { title: string } }; attachments: { id: string }[] }>(`/api/v1/incidents/${a.incident}`)
    expect(incident.body.latest).toMatchObject({ version: 1, content: { title: 'ALPHA-SECRET-INCIDENT' } })
    expect(incident.body.attachments.map((x) => x.id)).toEqual([a.incidentAttachment])
    const intel = await editor.get<{ versions: { object: { name: string } }[] }>(`/api/v1/intel/objects/${a.intelObject}`)
    expect(intel.body.versions.map((v) => v.object.name)).toEqual(['ALPHA-SECRET-INDICATOR'])
    expect((await editor.get<{ total: number }>('/api/v1/intel/objects?q=ALPHA-SECRET')).body.total).toBe(3)
  })
})

function isOwnOrgListing(key: string): boolean {
  return [
    'GET /api/v1/organisation',
    'GET /api/v1/members',
    'GET /api/v1/invitations',
    'POST /api/v1/invitations',
    'GET /api/v1/assessments',
    'POST /api/v1/assessments',
    'GET /api/v1/audit-events',
    'POST /api/v1/auth/switch-organisation',
    'GET /api/v1/incidents',
    'POST /api/v1/incidents',
    'POST /api/v1/incidents/import',
    'GET /api/v1/ledger/logs',
    'POST /api/v1/ledger/operations', // appends to the caller's own operations log
    'GET /api/v1/rounds',
    'GET /api/v1/notifications',
    'POST /api/v1/notifications/read',
    'GET /api/v1/supervision/jurisdiction',
    'GET /api/v1/supervision/rounds',
    'POST /api/v1/supervision/rounds',
    'GET /api/v1/supervision/incidents',
    'GET /api/v1/supervision/incidents/stats',
    'GET /api/v1/custody/requests',
    'POST /api/v1/custody/requests',
    'GET /api/v1/custody/allow-list',
    'GET /api/v1/custody/allow-list/changes',
    'POST /api/v1/custody/allow-list/changes',
    'GET /api/v1/custody/policy',
    'PUT /api/v1/custody/policy',
    'GET /api/v1/custody/alerts',
    'POST /api/v1/supervision/incidents/export.json',
    'POST /api/v1/supervision/incidents/export.xlsx',
    'GET /api/v1/intel/objects', // what TLP lets the caller read: never A's here
    'GET /api/v1/intel/export',
    'GET /api/v1/intel/communities',
    'GET /api/v1/intel/sharing-groups',
    'POST /api/v1/intel/sharing-groups',
    'GET /api/v1/intel/collections',
    'POST /api/v1/intel/collections',
    'GET /api/v1/intel/tokens',
    'POST /api/v1/intel/tokens',
    'GET /api/v1/intel/subscriptions',
    'POST /api/v1/intel/subscriptions',
  ].includes(key)
}

/** A valid body for the operation, so that the request reaches the service (not just validation). */
function requestBodyFor(operation: OpenApiOperation, uuid: (format: string) => string | undefined): unknown {
  const content = operation.requestBody?.content
  if (!content) return undefined
  if (content['multipart/form-data'] && !content['application/json']) {
    const form = new FormData()
    form.append('file', new Blob(['intruder'], { type: 'text/plain' }), 'intruder.txt')
    return form
  }
  const schema = content['application/json']?.schema
  return schema ? sampleOf(schema, uuid) : {}
}

function sampleOf(schema: JsonSchema, uuid: (format: string) => string | undefined): unknown {
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  if (schema.default !== undefined) return schema.default
  if (schema.examples?.length) return schema.examples[0]
  const variants = schema.anyOf ?? schema.oneOf
  if (variants) return sampleOf(variants.find((v) => v.type !== 'null') ?? variants[0]!, uuid)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, prop]) => [name, sampleOf(prop, uuid)]))
    case 'array':
      return schema.items ? [sampleOf(schema.items, uuid)] : []
    case 'integer':
    case 'number':
      return schema.minimum ?? 1
    case 'boolean':
      return false
    case 'string':
      if (schema.format === 'uuid') return uuid('uuid')
      if (schema.format === 'email') return 'intruder@test.example'
      if (schema.format === 'date') return '2030-01-31'
      if (schema.format === 'date-time') return '2030-01-31T00:00:00Z'
      if (schema.pattern === '^[0-9]{6}$') return '123456'
      return 'intruder text'.padEnd(schema.minLength ?? 0, 'x')
    default:
      return null
  }
}
