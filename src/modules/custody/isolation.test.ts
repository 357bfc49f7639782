import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { makeInstitution, makeOrganisation } from '../../../test/support/factories.js'
import { approveDestination, makeExchange, member, raise, verify, type Exchange, type Member, type RequestView } from './test-fixtures.js'

// Custody data stays with its exchange (DESIGN.md §7): another exchange's admin finds none of it
// (404) and cannot act on it; an institution of another sector and a supervisor are refused the
// custody routes altogether (403).

describe("an exchange's withdrawals stay with the exchange", () => {
  let server: TestServer
  let alpha: Exchange
  let betaAdmin: Member
  let betaApprover: Member
  let bankAdmin: Member
  let supervisorAdmin: Member
  const ids: Record<string, string> = {}
  let digest: string

  beforeAll(async () => {
    server = await startTestServer()
    alpha = await makeExchange(server, 'Alpha Exchange')
    const beta = await makeExchange(server, 'Beta Exchange')
    betaAdmin = beta.admin
    betaApprover = beta.approvers[0]
    bankAdmin = await member(server, (await makeInstitution(server.ctx, { sector: 'regional_bank', name: 'Gamma Bank' })).id, 'admin')
    supervisorAdmin = await member(server, (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Delta Bureau' })).id, 'admin')

    const raised = await raise(alpha.requester.client, { purpose: 'ALPHA-SECRET-PURPOSE' })
    await approveDestination(alpha.verifier, raised.body)
    const verified = await verify(server, alpha.verifier, raised.body)
    ids.request = verified.id
    digest = verified.digest
    const change = await alpha.requester.client.post<{ id: string }>('/api/v1/custody/allow-list/changes', {
      kind: 'add',
      asset: 'BTC',
      address: 'bc1qalphasecretallowlisted00000000000001',
      label: 'ALPHA-SECRET-LABEL',
    })
    ids.change = change.body.id
    ids.alert = (await alpha.admin.client.get<{ id: string }[]>('/api/v1/custody/alerts')).body[0]!.id
  })
  afterAll(() => server.close())

  const routes = () => [
    ['GET', `/api/v1/custody/requests/${ids.request}`, undefined],
    ['PUT', `/api/v1/custody/requests/${ids.request}`, { asset: 'BTC', amount: '9', destinationAddress: 'bc1qintruderaddress0000000000000000000001', purpose: 'x' }],
    ['POST', `/api/v1/custody/requests/${ids.request}/verification/code`, {}],
    ['POST', `/api/v1/custody/requests/${ids.request}/verification/destination`, { digest }],
    ['POST', `/api/v1/custody/requests/${ids.request}/verification`, { code: '12345678', digest }],
    ['POST', `/api/v1/custody/requests/${ids.request}/approvals`, { digest }],
    ['POST', `/api/v1/custody/requests/${ids.request}/execution`, { transactionId: 'f'.repeat(64) }],
    ['POST', `/api/v1/custody/requests/${ids.request}/reconciliation`, { observedAmount: '1', observedAddress: 'bc1qintruderaddress0000000000000000000001', observedTransactionId: 'f'.repeat(64) }],
    ['POST', `/api/v1/custody/requests/${ids.request}/cancel`, { reason: 'x' }],
    ['GET', `/api/v1/custody/allow-list/changes/${ids.change}`, undefined],
    ['POST', `/api/v1/custody/allow-list/changes/${ids.change}/approvals`, { digest }],
    ['POST', `/api/v1/custody/allow-list/changes/${ids.change}/cancel`, {}],
    ['POST', `/api/v1/custody/alerts/${ids.alert}/acknowledge`, {}],
  ] as const

  it("answers another exchange's admin 404 on every one of Alpha's records", async () => {
    for (const [method, path, body] of routes()) {
      const response = await betaAdmin.client.request(method, path, body)
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(404)
      expect(response.text).not.toContain('ALPHA-SECRET')
    }
  })

  it("answers another exchange's approver 404 when approving Alpha's request", async () => {
    const response = await betaApprover.client.post(`/api/v1/custody/requests/${ids.request}/approvals`, { digest })
    expect(response.status).toBe(404)
  })

  it("never lists Alpha's records to another exchange", async () => {
    for (const path of ['/api/v1/custody/requests', '/api/v1/custody/allow-list/changes', '/api/v1/custody/alerts', '/api/v1/custody/allow-list']) {
      const response = await betaAdmin.client.get(path)
      expect(response.status, path).toBe(200)
      expect(response.text, path).not.toContain(ids.request!)
      expect(response.text, path).not.toContain('ALPHA-SECRET')
    }
  })

  it('refuses a bank and a supervisor every custody route, even their own lists', async () => {
    const ownLists = [
      ['GET', '/api/v1/custody/requests', undefined],
      ['POST', '/api/v1/custody/requests', { asset: 'BTC', amount: '1', destinationAddress: 'bc1qbankaddress00000000000000000000000001', purpose: 'x' }],
      ['GET', '/api/v1/custody/policy', undefined],
      ['GET', '/api/v1/custody/allow-list', undefined],
    ] as const
    for (const outsider of [bankAdmin, supervisorAdmin]) {
      for (const [method, path, body] of [...routes(), ...ownLists]) {
        const response = await outsider.client.request(method, path, body)
        expect(response.status, `${method} ${path}`).toBe(403)
        expect(response.text).not.toContain('ALPHA-SECRET')
      }
    }
  })

  it("leaves Alpha's request as it was, and e-mails no code to an intruder", async () => {
    const detail = await alpha.viewer.client.get<RequestView>(`/api/v1/custody/requests/${ids.request}`)
    expect(detail.body).toMatchObject({ status: 'verified', digest, amount: '1.5', approvals: { count: 0 } })
    const intruders = [betaAdmin, betaApprover, bankAdmin, supervisorAdmin].map((m) => m.user.email)
    expect(server.sentMessages.filter((m) => intruders.includes(m.to))).toEqual([])
  })
})
