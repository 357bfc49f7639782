import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ALL_HOURS, approveDestination, BTC_LIMITS, lastCodeSentTo, makeExchange, raise, type ErrorBody, type Exchange, type RequestView } from './test-fixtures.js'

// Withdrawal limits and the policy that sets them, through HTTP: a single withdrawal and the total
// of a Japan-time day stay within the asset's limits, counted exactly; only an admin sets the
// policy, and a wrong policy is refused field by field.

interface PolicyView {
  configured: boolean
  approvalsRequired: number
  approversTotal: number
  eligibleApprovers: number
  assets: { asset: string; singleMax: string; dailyMax: string; alertThreshold: string | null }[]
}

describe('withdrawal limits and policy', () => {
  let server: TestServer
  let ex: Exchange

  const ETH = { asset: 'ETH', singleMax: '0.3', dailyMax: '0.6', alertThreshold: null }

  beforeAll(async () => {
    server = await startTestServer()
    ex = await makeExchange(server)
    const policy = await ex.admin.client.put('/api/v1/custody/policy', { approvalsRequired: 2, approversTotal: 3, businessHours: ALL_HOURS, assets: [BTC_LIMITS, ETH] })
    expect(policy.status, policy.text).toBe(200)
  })
  afterAll(() => server.close())

  const eth = (amount: string) => raise(ex.requester.client, { asset: 'ETH', amount, destinationAddress: '0x00000000000000000000000000000000000000e1' })

  it('refuses a single withdrawal over the limit, naming the amount', async () => {
    const refused = await eth('0.300000000000000001')
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({ code: 'limit_exceeded', details: [{ path: 'body.amount' }] })
    expect((await eth('0.3')).status).toBe(201)
  })

  it("counts the day's total exactly, without floating-point error, and leaves out cancelled requests", async () => {
    // 0.3 is already raised today; 0.1 + 0.2 brings the day to exactly 0.6.
    const first = await eth('0.1')
    expect(first.status).toBe(201)
    expect((await eth('0.2')).status).toBe(201)
    const over = await eth('0.000000000000000001')
    expect(over.status).toBe(400)
    expect(over.body.error.code).toBe('limit_exceeded')
    expect(over.body.error.message).toContain('0.600000000000000001')
    await ex.requester.client.post(`/api/v1/custody/requests/${first.body.id}/cancel`, { reason: '誤入力' })
    expect((await eth('0.1')).status).toBe(201)
  })

  it('refuses an asset without limits', async () => {
    const refused = await raise(ex.requester.client, { asset: 'XRP' })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details[0]?.path).toBe('body.asset')
  })

  it('refuses a change that takes the request over the limit', async () => {
    const raised = await raise(ex.requester.client, { amount: '1' })
    const changed = await ex.requester.client.put<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}`, {
      asset: 'BTC',
      amount: '10.5',
      destinationAddress: raised.body.destinationAddress,
      purpose: 'more',
    })
    expect(changed.status).toBe(400)
    expect(changed.body.error.code).toBe('limit_exceeded')
  })

  it('checks the limits again at verification, after the policy was tightened', async () => {
    const raised = await raise(ex.requester.client, { amount: '8' })
    expect(raised.status).toBe(201)
    await approveDestination(ex.verifier, raised.body)
    await ex.verifier.client.post(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    const tightened = await ex.admin.client.put('/api/v1/custody/policy', {
      approvalsRequired: 2,
      approversTotal: 3,
      businessHours: ALL_HOURS,
      assets: [{ ...BTC_LIMITS, singleMax: '5', alertThreshold: null }, ETH],
    })
    expect(tightened.status).toBe(200)
    const refused = await ex.verifier.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification`, {
      code: lastCodeSentTo(server, ex.verifier.user.email),
      digest: raised.body.digest,
    })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('limit_exceeded')
    expect((await ex.viewer.client.get<RequestView>(`/api/v1/custody/requests/${raised.body.id}`)).body).toMatchObject({ status: 'requested', limits: { withinLimits: false } })
  })

  it('lets only an admin set the policy', async () => {
    const refused = await ex.approvers[0].client.put<ErrorBody>('/api/v1/custody/policy', { approvalsRequired: 1, approversTotal: 1, businessHours: ALL_HOURS, assets: [] })
    expect(refused.status).toBe(403)
    expect((await ex.viewer.client.get<PolicyView>('/api/v1/custody/policy')).body.approvalsRequired).toBe(2)
  })

  it('refuses m greater than n, and n greater than the members who can approve', async () => {
    const mOverN = await ex.admin.client.put<ErrorBody>('/api/v1/custody/policy', { approvalsRequired: 3, approversTotal: 2, businessHours: ALL_HOURS, assets: [] })
    expect(mOverN.status).toBe(400)
    expect(mOverN.body.error.details.map((d) => d.path)).toEqual(['body.approvalsRequired'])
    const policy = (await ex.admin.client.get<PolicyView>('/api/v1/custody/policy')).body
    const tooMany = await ex.admin.client.put<ErrorBody>('/api/v1/custody/policy', {
      approvalsRequired: 2,
      approversTotal: policy.eligibleApprovers + 1,
      businessHours: ALL_HOURS,
      assets: [],
    })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error.details.map((d) => d.path)).toEqual(['body.approversTotal'])
  })

  it('refuses limits sent as numbers and limits that contradict each other, naming each field', async () => {
    const numbers = await ex.admin.client.put<ErrorBody>('/api/v1/custody/policy', {
      approvalsRequired: 2,
      approversTotal: 3,
      businessHours: ALL_HOURS,
      assets: [{ asset: 'BTC', singleMax: 10, dailyMax: '25', alertThreshold: null }],
    })
    expect(numbers.status).toBe(400)
    expect(numbers.body.error.details.map((d) => d.path)).toEqual(['body.assets[0].singleMax'])
    const contradictory = await ex.admin.client.put<ErrorBody>('/api/v1/custody/policy', {
      approvalsRequired: 2,
      approversTotal: 3,
      businessHours: ALL_HOURS,
      assets: [{ asset: 'BTC', singleMax: '10', dailyMax: '5', alertThreshold: '11' }],
    })
    expect(contradictory.body.error.details.map((d) => d.path)).toEqual(['body.assets[0].dailyMax', 'body.assets[0].alertThreshold'])
  })

  it('records a policy change as an alert and keeps the m a request was raised with', async () => {
    const policyAlerts = async () => (await ex.admin.client.get<{ kind: string }[]>('/api/v1/custody/alerts')).body.filter((a) => a.kind === 'policy_changed').length
    const before = await policyAlerts()
    const raised = await raise(ex.requester.client, { amount: '1' })
    expect(raised.body.approvals.required).toBe(2)
    await ex.admin.client.put('/api/v1/custody/policy', { approvalsRequired: 1, approversTotal: 3, businessHours: ALL_HOURS, assets: [BTC_LIMITS, ETH] })
    expect((await ex.viewer.client.get<RequestView>(`/api/v1/custody/requests/${raised.body.id}`)).body.approvals.required).toBe(2)
    expect(await policyAlerts()).toBe(before + 1)
  })
})
