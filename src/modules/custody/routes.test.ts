import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { queryRows } from '../../db/database.js'
import type { AppError } from '../../errors.js'
import type { Actor } from '../identity/actor.js'
import { CODE_TTL_MS, MAX_ATTEMPTS } from './confirmation-code.js'
import { approveRequest } from './service.js'
import {
  ALL_HOURS,
  approve,
  approveDestination,
  BTC_ADDRESS,
  BTC_LIMITS,
  lastCodeSentTo,
  makeExchange,
  member,
  raise,
  verify,
  type ErrorBody,
  type Exchange,
  type RequestView,
} from './test-fixtures.js'

// A cold-wallet withdrawal through HTTP, on a real server and database: raised by operations,
// verified by someone else with a code sent by e-mail, approved 2-of-3 by MFA-verified approvers
// bound to the request's digest, executed, reconciled — and every four-eyes rule on the way.

interface Alert {
  id: string
  kind: string
  request: { id: string; digest: string | null } | null
  acknowledgedAt: string | null
}

describe('a cold-wallet withdrawal through HTTP', () => {
  let server: TestServer
  let ex: Exchange

  beforeAll(async () => {
    server = await startTestServer()
    ex = await makeExchange(server)
  })
  afterAll(() => server.close())

  /** A request raised and verified (destination approved for it), ready for approval. */
  async function verifiedRequest(amount = '1.5'): Promise<RequestView> {
    const raised = await raise(ex.requester.client, { amount })
    expect(raised.status, raised.text).toBe(201)
    await approveDestination(ex.verifier, raised.body)
    return verify(server, ex.verifier, raised.body)
  }

  async function detail(id: string): Promise<RequestView> {
    const response = await ex.viewer.client.get<RequestView>(`/api/v1/custody/requests/${id}`)
    expect(response.status).toBe(200)
    return response.body
  }

  async function alerts(): Promise<Alert[]> {
    const response = await ex.admin.client.get<Alert[]>('/api/v1/custody/alerts')
    expect(response.status).toBe(200)
    return response.body
  }

  it('walks a withdrawal from request to reconciliation, each step by another person', async () => {
    const raised = await raise(ex.requester.client, { amount: '1.50' })
    expect(raised.status, raised.text).toBe(201)
    expect(raised.body).toMatchObject({ status: 'requested', amount: '1.5', reference: expect.stringMatching(/^WD-\d{4}-\d{4}$/) })
    expect(raised.body.digest).toMatch(/^[0-9a-f]{64}$/)

    await approveDestination(ex.verifier, raised.body)
    const verified = await verify(server, ex.verifier, raised.body)
    expect(verified).toMatchObject({ status: 'verified', verification: { verifiedBy: { id: ex.verifier.user.id } } })

    const first = await approve(ex.approvers[0], verified)
    expect(first.status, first.text).toBe(200)
    expect(first.body).toMatchObject({ status: 'verified', approvals: { count: 1, required: 2 } })
    const second = await approve(ex.approvers[1], verified)
    expect(second.body).toMatchObject({ status: 'approved', approvals: { count: 2 } })

    const txid = 'a1'.repeat(32)
    const executed = await ex.executor.client.post<RequestView>(`/api/v1/custody/requests/${verified.id}/execution`, { transactionId: txid })
    expect(executed.status, executed.text).toBe(200)
    expect(executed.body).toMatchObject({ status: 'executed', execution: { transactionId: txid } })

    const reconciled = await ex.approvers[2].client.post<RequestView>(`/api/v1/custody/requests/${verified.id}/reconciliation`, {
      observedAmount: '1.500',
      observedAddress: BTC_ADDRESS,
      observedTransactionId: txid,
    })
    expect(reconciled.status, reconciled.text).toBe(200)
    expect(reconciled.body).toMatchObject({ status: 'reconciled', reconciliation: { result: 'match', differences: [] } })
    expect(reconciled.body.steps.map((s) => s.step)).toEqual(['created', 'destination_approved', 'code_sent', 'verified', 'approved', 'approved', 'executed', 'reconciled'])
    expect(new Set(reconciled.body.steps.map((s) => s.requestDigest))).toEqual(new Set([raised.body.digest]))
  })

  it('records every step as an audit event carrying the request digest, its after-digest the step digest', async () => {
    const verified = await verifiedRequest()
    const events = await queryRows<{ action: string; after_digest: string; details: { requestDigest?: string; stepDigest?: string } }>(
      server.ctx.db,
      sql`select action, after_digest, details from audit_events where target_type = 'custody_request' and target_id = ${verified.id} order by id`,
    )
    expect(events.map((e) => e.action)).toEqual(['custody.request.created', 'custody.request.destination_approved', 'custody.request.code_sent', 'custody.request.verified'])
    verified.steps.forEach((step, i) => {
      expect(events[i]!.after_digest).toBe(step.stepDigest)
      expect(events[i]!.details.requestDigest).toBe(verified.digest)
    })
  })

  it('refuses an amount sent as a number, naming the field', async () => {
    const response = await ex.requester.client.post<ErrorBody>('/api/v1/custody/requests', { asset: 'BTC', amount: 1.5, destinationAddress: BTC_ADDRESS, purpose: 'float' })
    expect(response.status).toBe(400)
    expect(response.body.error.details.map((d) => d.path)).toContain('body.amount')
  })

  it('lets a viewer read requests but not raise one', async () => {
    expect((await ex.viewer.client.get('/api/v1/custody/requests')).status).toBe(200)
    expect((await raise(ex.viewer.client)).status).toBe(403)
  })

  // ---------------------------------------------------------------- verification

  it('refuses verification by the requester', async () => {
    const raised = await raise(ex.requester.client)
    const response = await ex.requester.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    expect(response.status).toBe(403)
    expect(response.body.error.code).toBe('requester_cannot_verify')
  })

  it('sends the code to the verifier only, never answers it, and stores only its hash', async () => {
    const raised = await raise(ex.requester.client)
    const before = server.sentMessages.length
    const sent = await ex.verifier.client.post<{ sentTo: string; request: RequestView }>(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    expect(sent.status).toBe(200)
    const messages = server.sentMessages.slice(before)
    expect(messages.map((m) => m.to)).toEqual([ex.verifier.user.email])
    const code = lastCodeSentTo(server, ex.verifier.user.email)
    expect(messages[0]!.body).toContain(raised.body.digest)
    expect(sent.text).not.toContain(code)
    const stored = await queryRows<{ code_hash: string }>(server.ctx.db, sql`select code_hash from custody_confirmation_codes where request_id = ${raised.body.id}`)
    expect(stored).toHaveLength(1)
    expect(stored[0]!.code_hash).not.toContain(code)
  })

  it('refuses verification while the destination is off the allow-list and not approved for the request', async () => {
    const raised = await raise(ex.requester.client)
    await ex.verifier.client.post(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    const code = lastCodeSentTo(server, ex.verifier.user.email)
    const refused = await ex.verifier.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification`, { code, digest: raised.body.digest })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('destination_not_cleared')
    await approveDestination(ex.verifier, raised.body)
    const verified = await ex.verifier.client.post<RequestView>(`/api/v1/custody/requests/${raised.body.id}/verification`, { code, digest: raised.body.digest })
    expect(verified.status, verified.text).toBe(200)
    expect(verified.body.status).toBe('verified')
  })

  it('refuses a wrong code, counting the try', async () => {
    const raised = await raise(ex.requester.client)
    await approveDestination(ex.verifier, raised.body)
    await ex.verifier.client.post(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    const code = lastCodeSentTo(server, ex.verifier.user.email)
    const wrong = code === '00000000' ? '11111111' : '00000000'
    const refused = await ex.verifier.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification`, { code: wrong, digest: raised.body.digest })
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({ code: 'code_incorrect', details: [{ path: 'body.code' }] })
    const after = await detail(raised.body.id)
    expect(after.status).toBe('requested')
    expect(after.verification.code?.attemptsLeft).toBe(MAX_ATTEMPTS - 1)
    expect(after.steps.map((s) => s.step)).toContain('code_rejected')
  })

  it('refuses an expired code, even the right one', async () => {
    const raised = await raise(ex.requester.client)
    await approveDestination(ex.verifier, raised.body)
    await ex.verifier.client.post(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    const code = lastCodeSentTo(server, ex.verifier.user.email)
    server.clock.advance(CODE_TTL_MS + 1000)
    const refused = await ex.verifier.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification`, { code, digest: raised.body.digest })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('code_expired')
    expect((await detail(raised.body.id)).status).toBe('requested')
  })

  it('uses the code up after too many wrong tries, and alerts the admins', async () => {
    const raised = await raise(ex.requester.client)
    await approveDestination(ex.verifier, raised.body)
    await ex.verifier.client.post(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    const code = lastCodeSentTo(server, ex.verifier.user.email)
    const wrong = code === '00000000' ? '11111111' : '00000000'
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const refused = await ex.verifier.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification`, { code: wrong, digest: raised.body.digest })
      expect(refused.body.error.code).toBe('code_incorrect')
    }
    const locked = await ex.verifier.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification`, { code, digest: raised.body.digest })
    expect(locked.status).toBe(409)
    expect(locked.body.error.code).toBe('code_locked')
    expect((await alerts()).filter((a) => a.request?.id === raised.body.id).map((a) => a.kind)).toContain('code_attempts_exceeded')
  })

  it('accepts a code only from the person it was sent to', async () => {
    const raised = await raise(ex.requester.client)
    await approveDestination(ex.verifier, raised.body)
    await ex.verifier.client.post(`/api/v1/custody/requests/${raised.body.id}/verification/code`)
    const code = lastCodeSentTo(server, ex.verifier.user.email)
    const other = await ex.executor.client.post<ErrorBody>(`/api/v1/custody/requests/${raised.body.id}/verification`, { code, digest: raised.body.digest })
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('no_code')
  })

  // ---------------------------------------------------------------- approval

  it('refuses self-approval', async () => {
    const raised = await raise(ex.admin.client)
    expect(raised.status, raised.text).toBe(201)
    await approveDestination(ex.verifier, raised.body)
    const verified = await verify(server, ex.verifier, raised.body)
    const refused = await approve(ex.admin, verified)
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('requester_cannot_approve')
    expect((await detail(verified.id)).approvals.count).toBe(0)
  })

  it('refuses approval by the verifier', async () => {
    const raised = await raise(ex.requester.client)
    const verifyingApprover = ex.approvers[2]
    await approveDestination(verifyingApprover, raised.body)
    const verified = await verify(server, verifyingApprover, raised.body)
    const refused = await approve(verifyingApprover, verified)
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('verifier_cannot_approve')
  })

  it('counts the same approver once', async () => {
    const verified = await verifiedRequest()
    expect((await approve(ex.approvers[0], verified)).status).toBe(200)
    const again = await approve(ex.approvers[0], verified)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('already_approved')
    expect(await detail(verified.id)).toMatchObject({ status: 'verified', approvals: { count: 1 } })
  })

  it('reaches approval only with m distinct approvers', async () => {
    await ex.admin.client.put('/api/v1/custody/policy', { approvalsRequired: 3, approversTotal: 4, businessHours: ALL_HOURS, assets: [BTC_LIMITS] })
    try {
      const verified = await verifiedRequest()
      expect(verified.approvals.required).toBe(3)
      expect((await approve(ex.approvers[0], verified)).body.status).toBe('verified')
      expect((await approve(ex.approvers[1], verified)).body.status).toBe('verified')
      expect((await approve(ex.approvers[1], verified)).status).toBe(409)
      expect((await detail(verified.id)).status).toBe('verified')
      const third = await approve(ex.approvers[2], verified)
      expect(third.body).toMatchObject({ status: 'approved', approvals: { count: 3, required: 3 } })
    } finally {
      await ex.admin.client.put('/api/v1/custody/policy', { approvalsRequired: 2, approversTotal: 3, businessHours: ALL_HOURS, assets: [BTC_LIMITS] })
    }
  })

  it('refuses an approver whose role demands MFA but who has not enrolled', async () => {
    const verified = await verifiedRequest()
    const unenrolled = await member(server, ex.orgId, 'approver', { mfa: false })
    const refused = await approve(unenrolled, verified)
    expect(refused.status).toBe(403)
    expect((await detail(verified.id)).approvals.count).toBe(0)
  })

  it('refuses an approver whose session has not passed MFA (service rule)', async () => {
    const verified = await verifiedRequest()
    const actor: Actor = { userId: ex.approvers[0].user.id, orgId: ex.orgId, orgKind: 'institution', role: 'approver', mfaVerified: false, locale: 'en' }
    const refusal = await approveRequest(server.ctx, actor, verified.id, { digest: verified.digest }).then(
      () => null,
      (error: AppError) => ({ code: error.code, status: error.status }),
    )
    expect(refusal).toEqual({ code: 'mfa_required', status: 403 })
    expect((await detail(verified.id)).approvals.count).toBe(0)
  })

  it('refuses an approval given to another digest than the current one', async () => {
    const verified = await verifiedRequest()
    const refused = await approve(ex.approvers[0], { id: verified.id, digest: 'f'.repeat(64) })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('digest_mismatch')
  })

  it('refuses to approve a request whose stored content no longer matches its digest', async () => {
    const verified = await verifiedRequest()
    // Someone with database access changes the amount behind Kamae's back.
    await server.ctx.db.execute(sql`update custody_requests set amount = '9.5' where id = ${verified.id}`)
    const refused = await approve(ex.approvers[0], verified)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('request_tampered')
    expect((await detail(verified.id)).approvals.count).toBe(0)
  })

  it('voids every approval when the amount or the address changes', async () => {
    const verified = await verifiedRequest()
    expect((await approve(ex.approvers[0], verified)).status).toBe(200)
    const changed = await ex.requester.client.put<RequestView>(`/api/v1/custody/requests/${verified.id}`, {
      asset: 'BTC',
      amount: '2',
      destinationAddress: BTC_ADDRESS,
      purpose: '顧客出金のためのホットウォレット補充',
    })
    expect(changed.status, changed.text).toBe(200)
    expect(changed.body).toMatchObject({ status: 'requested', revision: 2, approvals: { count: 0 }, verification: { verifiedBy: null }, destination: { approvedBy: null } })
    expect(changed.body.digest).not.toBe(verified.digest)
    expect(changed.body.approvals.items).toEqual([expect.objectContaining({ current: false, voidedAt: expect.any(String), digest: verified.digest })])
    expect(changed.body.steps.at(-1)).toMatchObject({ step: 'updated', requestDigest: changed.body.digest })
    // An approver who saw the old version cannot approve the new one with it.
    expect((await approve(ex.approvers[1], verified)).status).toBe(409)

    const reverified = await verify(server, ex.verifier, await approveDestination(ex.verifier, changed.body))
    expect((await approve(ex.approvers[1], reverified)).body).toMatchObject({ status: 'verified', approvals: { count: 1 } })
    expect((await approve(ex.approvers[0], reverified)).body).toMatchObject({ status: 'approved', approvals: { count: 2 } })
  })

  it('lets only the requester change a request, and not once it is approved', async () => {
    const verified = await verifiedRequest()
    const body = { asset: 'BTC', amount: '3', destinationAddress: BTC_ADDRESS, purpose: 'x' }
    expect((await ex.executor.client.put<ErrorBody>(`/api/v1/custody/requests/${verified.id}`, body)).body.error.code).toBe('not_the_requester')
    await approve(ex.approvers[0], verified)
    await approve(ex.approvers[1], verified)
    const late = await ex.requester.client.put<ErrorBody>(`/api/v1/custody/requests/${verified.id}`, body)
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('wrong_status')
  })

  // ---------------------------------------------------------------- execution and reconciliation

  it('refuses execution before approval', async () => {
    const verified = await verifiedRequest()
    await approve(ex.approvers[0], verified)
    const refused = await ex.executor.client.post<ErrorBody>(`/api/v1/custody/requests/${verified.id}/execution`, { transactionId: 'b2'.repeat(32) })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('wrong_status')
    expect((await detail(verified.id)).execution).toBeNull()
  })

  it('refuses execution recorded by one of the approvers', async () => {
    const verified = await verifiedRequest()
    const approvingAdmin = ex.admin
    await approve(approvingAdmin, verified)
    await approve(ex.approvers[0], verified)
    const refused = await approvingAdmin.client.post<ErrorBody>(`/api/v1/custody/requests/${verified.id}/execution`, { transactionId: 'c3'.repeat(32) })
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('approver_cannot_execute')
  })

  it('raises an alert when the chain does not match what was approved', async () => {
    const verified = await verifiedRequest()
    await approve(ex.approvers[0], verified)
    await approve(ex.approvers[1], verified)
    const txid = 'd4'.repeat(32)
    await ex.executor.client.post(`/api/v1/custody/requests/${verified.id}/execution`, { transactionId: txid })
    const byExecutor = await ex.executor.client.post<ErrorBody>(`/api/v1/custody/requests/${verified.id}/reconciliation`, {
      observedAmount: '1.5',
      observedAddress: BTC_ADDRESS,
      observedTransactionId: txid,
    })
    expect(byExecutor.body.error.code).toBe('executor_cannot_reconcile')

    const mismatch = await ex.requester.client.post<RequestView>(`/api/v1/custody/requests/${verified.id}/reconciliation`, {
      observedAmount: '15',
      observedAddress: 'bc1qsomeoneelsesaddress0000000000000000',
      observedTransactionId: txid,
    })
    expect(mismatch.status, mismatch.text).toBe(200)
    expect(mismatch.body).toMatchObject({ status: 'mismatch', reconciliation: { result: 'mismatch', differences: ['amount', 'address'] } })
    const alert = (await alerts()).find((a) => a.request?.id === verified.id && a.kind === 'reconciliation_mismatch')
    expect(alert).toMatchObject({ request: { digest: verified.digest }, acknowledgedAt: null })
    const notifications = await ex.approvers[0].client.get<{ items: { kind: string; link: string | null }[] }>('/api/v1/notifications')
    expect(notifications.body.items).toContainEqual(expect.objectContaining({ kind: 'custody.reconciliation_mismatch', link: `/custody/requests/${verified.id}` }))

    const acknowledged = await ex.admin.client.post<Alert>(`/api/v1/custody/alerts/${alert!.id}/acknowledge`, { note: '調査中' })
    expect(acknowledged.status).toBe(200)
    expect(acknowledged.body.acknowledgedAt).not.toBeNull()
    expect((await ex.admin.client.get<Alert[]>('/api/v1/custody/alerts?open=true')).body.map((a) => a.id)).not.toContain(alert!.id)
  })

  it('refuses to record the same transaction for two withdrawals', async () => {
    const txid = 'e5'.repeat(32)
    for (const expected of [200, 409]) {
      const verified = await verifiedRequest('0.1')
      await approve(ex.approvers[0], verified)
      await approve(ex.approvers[1], verified)
      const executed = await ex.executor.client.post<ErrorBody>(`/api/v1/custody/requests/${verified.id}/execution`, { transactionId: txid })
      expect(executed.status).toBe(expected)
    }
  })

  it('cancels a request before execution, with a reason, and nothing more can happen to it', async () => {
    const verified = await verifiedRequest()
    const cancelled = await ex.approvers[0].client.post<RequestView>(`/api/v1/custody/requests/${verified.id}/cancel`, { reason: '送付先の確認が取れないため' })
    expect(cancelled.body.status).toBe('cancelled')
    expect((await approve(ex.approvers[1], verified)).body.error.code).toBe('wrong_status')
  })

  // ---------------------------------------------------------------- alerts

  it('raises alerts for a new destination and an amount over threshold', async () => {
    const raised = await raise(ex.requester.client, { amount: '5' })
    expect(raised.body.alerts.map((a) => a.kind).sort()).toEqual(['amount_over_threshold', 'new_destination'])
    expect((await raise(ex.requester.client, { amount: '4.99' })).body.alerts.map((a) => a.kind)).toEqual(['new_destination'])
  })

  it('raises an alert for an approval outside business hours, not for one inside', async () => {
    const verified = await verifiedRequest()
    expect((await approve(ex.approvers[0], verified)).body.alerts.map((a) => a.kind)).not.toContain('approval_outside_hours')
    const local = new Date(server.ctx.clock().getTime() + 9 * 3_600_000)
    const today = local.getUTCDay() === 0 ? 7 : local.getUTCDay()
    const otherDays = [1, 2, 3, 4, 5, 6, 7].filter((d) => d !== today)
    expect((await ex.admin.client.put('/api/v1/custody/policy', { approvalsRequired: 2, approversTotal: 3, businessHours: { ...ALL_HOURS, days: otherDays }, assets: [BTC_LIMITS] })).status).toBe(200)
    try {
      const second = await approve(ex.approvers[1], verified)
      expect(second.body.alerts.map((a) => a.kind)).toContain('approval_outside_hours')
      expect(second.body.approvals.items.map((a) => a.outsideHours)).toEqual([false, true])
    } finally {
      await ex.admin.client.put('/api/v1/custody/policy', { approvalsRequired: 2, approversTotal: 3, businessHours: ALL_HOURS, assets: [BTC_LIMITS] })
    }
  })

  it('shows the alerts to admins only', async () => {
    expect((await ex.approvers[0].client.get('/api/v1/custody/alerts')).status).toBe(403)
    expect((await ex.admin.client.get('/api/v1/custody/alerts')).status).toBe(200)
  })

  it('answers errors in English when asked', async () => {
    const english = await member(server, ex.orgId, 'editor', { language: 'en' })
    const response = await raise(english.client, { asset: 'DOGE' })
    expect(response.status).toBe(400)
    expect(response.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.asset', message: expect.stringContaining('No withdrawal limits are set for DOGE') }] })
    const japanese = await raise(ex.requester.client, { asset: 'DOGE' })
    expect(japanese.body.error.message).toContain('出庫上限が設定されていません')
  })
})
