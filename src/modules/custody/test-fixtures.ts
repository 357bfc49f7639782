import { expect } from 'vitest'
import type { TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeUser, type TestUser } from '../../../test/support/factories.js'
import type { Role } from '../identity/actor.js'

// An exchange with the people of a withdrawal, logged in over HTTP, for the custody tests.

export interface Member {
  user: TestUser
  client: ApiClient
}

export interface Exchange {
  orgId: string
  admin: Member
  requester: Member
  verifier: Member
  approvers: [Member, Member, Member]
  executor: Member
  viewer: Member
}

export interface RequestView {
  id: string
  reference: string
  status: string
  asset: string
  amount: string
  destinationAddress: string
  digest: string
  revision: number
  destination: { allowListed: boolean; approvedBy: { id: string } | null }
  limits: { withinLimits: boolean; overThreshold: boolean; dailyTotal: string | null }
  verification: { code: { verifier: { id: string }; attemptsLeft: number } | null; codesSent: number; verifiedBy: { id: string } | null }
  approvals: { required: number; count: number; items: { approver: { id: string }; digest: string; current: boolean; voidedAt: string | null; outsideHours: boolean }[] }
  execution: { transactionId: string } | null
  reconciliation: { result: string; differences: string[] } | null
  alerts: { kind: string }[]
  steps: { step: string; actor: { id: string } | null; requestDigest: string | null; stepDigest: string; at: string }[]
  permissions: Record<string, boolean>
}

export interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}

export const BTC_ADDRESS = 'bc1qkamaetestdestination000000000000001'
export const ALL_HOURS = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }
export const BTC_LIMITS = { asset: 'BTC', singleMax: '10', dailyMax: '1000', alertThreshold: '5' }

export async function member(server: TestServer, orgId: string, role: Role, opts: { mfa?: boolean; language?: 'ja' | 'en' } = {}): Promise<Member> {
  const user = await makeUser(server.ctx, orgId, role, opts)
  const client = new ApiClient(server, opts.language ?? 'ja')
  const login = await client.login(user.email, user.password, user.totpSecret)
  expect(login.status).toBe(200)
  return { user, client }
}

/** A crypto-asset exchange with a 2-of-3 policy, BTC limits and round-the-clock business hours. */
export async function makeExchange(server: TestServer, name = 'Kamome Exchange'): Promise<Exchange> {
  const orgId = (await makeInstitution(server.ctx, { sector: 'crypto_exchange', name })).id
  const exchange: Exchange = {
    orgId,
    admin: await member(server, orgId, 'admin'),
    requester: await member(server, orgId, 'editor'),
    verifier: await member(server, orgId, 'editor'),
    approvers: [await member(server, orgId, 'approver'), await member(server, orgId, 'approver'), await member(server, orgId, 'approver')],
    executor: await member(server, orgId, 'editor'),
    viewer: await member(server, orgId, 'viewer'),
  }
  const policy = await exchange.admin.client.put('/api/v1/custody/policy', { approvalsRequired: 2, approversTotal: 3, businessHours: ALL_HOURS, assets: [BTC_LIMITS] })
  expect(policy.status, policy.text).toBe(200)
  return exchange
}

export async function raise(client: ApiClient, body: Partial<{ asset: string; amount: string; destinationAddress: string; purpose: string }> = {}) {
  return client.post<RequestView & ErrorBody>('/api/v1/custody/requests', { asset: 'BTC', amount: '1.5', destinationAddress: BTC_ADDRESS, purpose: '顧客出金のためのホットウォレット補充', ...body })
}

/** The last confirmation code e-mailed to this person. */
export function lastCodeSentTo(server: TestServer, email: string): string {
  const message = server.sentMessages.filter((m) => m.to === email).at(-1)
  const code = message?.body.match(/(?:確認コード|Confirmation code): ([0-9]{8})/)?.[1]
  if (!code) throw new Error(`no confirmation code was sent to ${email}`)
  return code
}

/** Sends a code to the verifier and enters it: the request becomes verified. */
export async function verify(server: TestServer, verifier: Member, request: { id: string; digest: string }) {
  const sent = await verifier.client.post(`/api/v1/custody/requests/${request.id}/verification/code`)
  expect(sent.status, sent.text).toBe(200)
  const verified = await verifier.client.post<RequestView & ErrorBody>(`/api/v1/custody/requests/${request.id}/verification`, {
    code: lastCodeSentTo(server, verifier.user.email),
    digest: request.digest,
  })
  expect(verified.status, verified.text).toBe(200)
  return verified.body
}

export async function approve(approver: Member, request: { id: string; digest: string }) {
  return approver.client.post<RequestView & ErrorBody>(`/api/v1/custody/requests/${request.id}/approvals`, { digest: request.digest })
}

/** The destination approved for the request by the verifier (not on the allow-list). */
export async function approveDestination(verifier: Member, request: { id: string; digest: string }) {
  const approved = await verifier.client.post<RequestView & ErrorBody>(`/api/v1/custody/requests/${request.id}/verification/destination`, { digest: request.digest })
  expect(approved.status, approved.text).toBe(200)
  return approved.body
}
