import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { lastCodeSentTo, makeExchange, member, raise, type ErrorBody, type Exchange, type RequestView } from './test-fixtures.js'

// The allow-list (ホワイトリスト) through HTTP: an address is added or removed only by a change
// that m distinct MFA-verified approvers approve, none of them its proposer. Until then the list
// is as it was, and a withdrawal to the address is a new destination.

interface Change {
  id: string
  status: string
  digest: string
  entryId: string | null
  approvals: { count: number; required: number }
  steps: { step: string; requestDigest: string | null }[]
}
interface Entry {
  id: string
  asset: string
  address: string
  label: string
  removedAt: string | null
}

describe('allow-list changes need m-of-n approval', () => {
  let server: TestServer
  let ex: Exchange
  const address = 'bc1qkamaeallowlisted00000000000000000001'
  let proposal: Change

  beforeAll(async () => {
    server = await startTestServer()
    ex = await makeExchange(server)
  })
  afterAll(() => server.close())

  const entries = async () => (await ex.viewer.client.get<Entry[]>('/api/v1/custody/allow-list')).body
  const propose = (body: Record<string, unknown>) => ex.requester.client.post<Change & ErrorBody>('/api/v1/custody/allow-list/changes', body)
  const approveChange = (who: Exchange['admin'], change: { id: string; digest: string }) =>
    who.client.post<Change & ErrorBody>(`/api/v1/custody/allow-list/changes/${change.id}/approvals`, { digest: change.digest })

  it('leaves the list unchanged while a change waits for approval', async () => {
    const proposed = await propose({ kind: 'add', asset: 'BTC', address, label: 'コールドウォレット（予備）', reason: '保管先の追加' })
    expect(proposed.status, proposed.text).toBe(201)
    expect(proposed.body).toMatchObject({ status: 'pending', approvals: { count: 0, required: 2 } })
    expect(proposed.body.steps).toEqual([expect.objectContaining({ step: 'proposed', requestDigest: proposed.body.digest })])
    expect(await entries()).toEqual([])
    proposal = proposed.body
  })

  it('refuses approval by the proposer, and by an approver without MFA', async () => {
    const adminProposal = await ex.admin.client.post<Change>('/api/v1/custody/allow-list/changes', { kind: 'add', asset: 'BTC', address: 'bc1qkamaeadminproposal0000000000000000001', label: 'admin' })
    const self = await approveChange(ex.admin, adminProposal.body)
    expect(self.status).toBe(403)
    expect(self.body.error.code).toBe('proposer_cannot_approve')
    const unenrolled = await member(server, ex.orgId, 'approver', { mfa: false })
    expect((await approveChange(unenrolled, proposal)).status).toBe(403)
    const editor = await approveChange(ex.executor, proposal)
    expect(editor.status).toBe(403)
    expect((await ex.viewer.client.get<Change>(`/api/v1/custody/allow-list/changes/${proposal.id}`)).body.approvals.count).toBe(0)
  })

  it('does not apply the change with fewer than m approvals, nor with the same approver twice', async () => {
    const first = await approveChange(ex.approvers[0], proposal)
    expect(first.body).toMatchObject({ status: 'pending', approvals: { count: 1 } })
    const again = await approveChange(ex.approvers[0], proposal)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('already_approved')
    expect(await entries()).toEqual([])
  })

  it('applies the change with the m-th distinct approval', async () => {
    const second = await approveChange(ex.approvers[1], proposal)
    expect(second.status, second.text).toBe(200)
    expect(second.body).toMatchObject({ status: 'applied', approvals: { count: 2 } })
    expect(second.body.steps.map((s) => s.step)).toEqual(['proposed', 'approved', 'approved', 'applied'])
    expect((await entries()).map((e) => [e.asset, e.address, e.label])).toEqual([['BTC', address, 'コールドウォレット（予備）']])
  })

  it('treats an allow-listed address as known: no new-destination alert, no destination approval to verify', async () => {
    const raised = await raise(ex.requester.client, { destinationAddress: address })
    expect(raised.status).toBe(201)
    expect(raised.body.destination.allowListed).toBe(true)
    expect(raised.body.alerts.map((a) => a.kind)).not.toContain('new_destination')
    await ex.verifier.client.post(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    const verified = await ex.verifier.client.post<RequestView>(`/api/v1/custody/requests/${raised.body.id}/verification`, {
      code: lastCodeSentTo(server, ex.verifier.user.email),
      digest: raised.body.digest,
    })
    expect(verified.status, verified.text).toBe(200)
    expect(verified.body).toMatchObject({ status: 'verified', destination: { allowListed: true, approvedBy: null } })
  })

  it('refuses a second proposal for an address already listed or already pending', async () => {
    const listed = await propose({ kind: 'add', asset: 'BTC', address, label: 'again' })
    expect(listed.status).toBe(409)
    expect(listed.body.error).toMatchObject({ code: 'already_allow_listed', details: [{ path: 'body.address' }] })
    const other = 'bc1qkamaependingtwice0000000000000000001'
    expect((await propose({ kind: 'add', asset: 'BTC', address: other, label: 'first' })).status).toBe(201)
    const twice = await propose({ kind: 'add', asset: 'BTC', address: other, label: 'second' })
    expect(twice.status).toBe(409)
    expect(twice.body.error.code).toBe('change_pending')
  })

  it('names the missing field of a proposal', async () => {
    const response = await propose({ kind: 'add', asset: 'BTC', address: 'bc1qkamaenolabel000000000000000000000001' })
    expect(response.status).toBe(400)
    expect(response.body.error.details.map((d) => d.path)).toEqual(['body.label'])
  })

  it('removes an address only with m-of-n approval too', async () => {
    const [entry] = await entries()
    const removal = await propose({ kind: 'remove', entryId: entry!.id, reason: '取引終了' })
    expect(removal.status, removal.text).toBe(201)
    await approveChange(ex.approvers[0], removal.body)
    expect((await entries()).map((e) => e.id)).toContain(entry!.id)
    expect((await approveChange(ex.approvers[2], removal.body)).body.status).toBe('applied')
    expect((await entries()).map((e) => e.id)).not.toContain(entry!.id)
    const raised = await raise(ex.requester.client, { destinationAddress: address })
    expect(raised.body.alerts.map((a) => a.kind)).toContain('new_destination')
  })

  it('lets the proposer cancel a pending change, which then cannot be approved', async () => {
    const proposed = await propose({ kind: 'add', asset: 'BTC', address: 'bc1qkamaecancelled0000000000000000000001', label: 'cancel me' })
    const cancelled = await ex.requester.client.post<Change>(`/api/v1/custody/allow-list/changes/${proposed.body.id}/cancel`)
    expect(cancelled.body.status).toBe('cancelled')
    const late = await approveChange(ex.approvers[0], proposed.body)
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('change_not_pending')
    expect((await ex.requester.client.post<ErrorBody>(`/api/v1/custody/allow-list/changes/${proposed.body.id}/cancel`)).status).toBe(409)
  })

  it('lets neither an approver nor a viewer cancel a change proposed by someone else', async () => {
    const proposed = await propose({ kind: 'add', asset: 'BTC', address: 'bc1qkamaenotyourstocancel000000000000001', label: 'keep' })
    expect((await ex.approvers[1].client.post(`/api/v1/custody/allow-list/changes/${proposed.body.id}/cancel`)).status).toBe(403)
    expect((await ex.viewer.client.post(`/api/v1/custody/allow-list/changes/${proposed.body.id}/cancel`)).status).toBe(403)
    expect((await ex.viewer.client.get<Change>(`/api/v1/custody/allow-list/changes/${proposed.body.id}`)).body.status).toBe('pending')
  })
})
