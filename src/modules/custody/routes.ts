import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { AppContext } from '../../context.js'
import { invalid, type ErrorDetail } from '../../errors.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { ErrorResponse, IdParams, withErrors } from '../../http/schemas.js'
import * as allowList from './allow-list-service.js'
import * as policies from './policy-service.js'
import {
  AcknowledgeBody,
  Alert,
  AlertsQuery,
  AllowListEntry,
  CancelBody,
  ChangeApprovalBody,
  ChangeBody,
  ChangeDetail,
  ChangeSummary,
  ChangesQuery,
  CodeSent,
  DigestBody,
  EntriesQuery,
  ExecutionBody,
  Policy,
  PolicyBody,
  ReconciliationBody,
  RequestBody,
  RequestDetail,
  RequestListEntry,
  RequestsQuery,
  VerifyBody,
} from './schemas.js'
import * as requests from './service.js'

// HTTP of cold-wallet withdrawal control (issue 6 §4), for crypto-asset exchanges only, under
// /api/v1/custody. Schemas, status codes, nothing else: the rules are in the services.

const AMOUNT_FIELDS = new Set(['amount', 'observedAmount', 'singleMax', 'dailyMax', 'alertThreshold'])

/** Where the body holds an amount as a JSON number, which a float cannot carry exactly. */
function numericAmounts(value: unknown, path: string): ErrorDetail[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => numericAmounts(item, `${path}[${i}]`))
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, field]) =>
    AMOUNT_FIELDS.has(key) && typeof field === 'number'
      ? [{ path: `${path}.${key}`, message: { ja: '数量は数値ではなく10進数の文字列で送ってください（例: "1.5"）', en: 'Send amounts as decimal strings, not numbers (e.g. "1.5")' } }]
      : numericAmounts(field, `${path}.${key}`),
  )
}

/**
 * Runs before validation, which would coerce 0.30000000000000004 into a string: an amount must
 * arrive as the decimal string the person typed.
 */
async function refuseNumericAmounts(request: FastifyRequest) {
  const problems = numericAmounts(request.body, 'body')
  if (problems.length > 0) throw invalid(problems[0]!.message, problems)
}

export function custodyRoutes(app: App, ctx: AppContext) {
  const tags = ['custody']
  const withConflicts = <T extends Parameters<typeof withErrors>[0]>(responses: T) => withErrors({ ...responses, 409: ErrorResponse })

  // ---------------------------------------------------------------- withdrawal requests

  app.get(
    '/api/v1/custody/requests',
    { schema: { tags, summary: "The exchange's withdrawal requests (出庫申請), newest first", querystring: RequestsQuery, response: withErrors({ 200: Type.Object({ total: Type.Integer(), items: Type.Array(RequestListEntry) }) }) } },
    async (request) => requests.listRequests(ctx, actorOf(request), request.query),
  )

  app.post(
    '/api/v1/custody/requests',
    {
      preValidation: refuseNumericAmounts,
      schema: {
        tags,
        summary: 'Raise a withdrawal request from the cold wallet (editor or admin); the amount is a decimal string, within the asset limits',
        body: RequestBody,
        response: withErrors({ 201: RequestDetail }),
      },
    },
    async (request, reply) => reply.status(201).send(await requests.createRequest(ctx, actorOf(request), request.body)),
  )

  app.get(
    '/api/v1/custody/requests/:id',
    {
      schema: {
        tags,
        summary: 'A withdrawal request: digest, destination and limits, verification, approvals, execution, reconciliation, alerts and every step with its digest',
        params: IdParams,
        response: withErrors({ 200: RequestDetail }),
      },
    },
    async (request) => requests.getRequest(ctx, actorOf(request), request.params.id),
  )

  app.put(
    '/api/v1/custody/requests/:id',
    {
      preValidation: refuseNumericAmounts,
      schema: {
        tags,
        summary: 'Change a request before it is approved (requester only): a new digest, verification and approvals void',
        params: IdParams,
        body: RequestBody,
        response: withConflicts({ 200: RequestDetail }),
      },
    },
    async (request) => requests.updateRequest(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/custody/requests/:id/verification/code',
    {
      schema: {
        tags,
        summary: "Send a one-time confirmation code to the verifier's e-mail (second channel); not the requester",
        params: IdParams,
        response: withConflicts({ 200: CodeSent }),
      },
    },
    async (request) => requests.sendConfirmationCode(ctx, actorOf(request), request.params.id),
  )

  app.post(
    '/api/v1/custody/requests/:id/verification/destination',
    {
      schema: {
        tags,
        summary: 'Approve, for this request only, a destination address that is not on the allow-list (verifier, bound to the digest)',
        params: IdParams,
        body: DigestBody,
        response: withConflicts({ 200: RequestDetail }),
      },
    },
    async (request) => requests.approveDestination(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/custody/requests/:id/verification',
    {
      schema: {
        tags,
        summary: 'Complete verification with the confirmation code: destination cleared, amount within limits, code right, unexpired, within its tries',
        params: IdParams,
        body: VerifyBody,
        response: withConflicts({ 200: RequestDetail }),
      },
    },
    async (request) => requests.verifyRequest(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/custody/requests/:id/approvals',
    {
      schema: {
        tags,
        summary: 'Approve the verified request as it is (its digest): approver or admin with MFA, neither requester nor verifier; m distinct approvals complete it',
        params: IdParams,
        body: DigestBody,
        response: withConflicts({ 200: RequestDetail }),
      },
    },
    async (request) => requests.approveRequest(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/custody/requests/:id/execution',
    {
      schema: { tags, summary: 'Record the on-chain transaction of an approved withdrawal (executor: editor or admin, not an approver)', params: IdParams, body: ExecutionBody, response: withConflicts({ 200: RequestDetail }) },
    },
    async (request) => requests.recordExecution(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/custody/requests/:id/reconciliation',
    {
      preValidation: refuseNumericAmounts,
      schema: {
        tags,
        summary: 'Reconcile the executed withdrawal with what the chain shows (not the executor); a difference is a mismatch and raises an alert',
        params: IdParams,
        body: ReconciliationBody,
        response: withConflicts({ 200: RequestDetail }),
      },
    },
    async (request) => requests.reconcileRequest(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/custody/requests/:id/cancel',
    { schema: { tags, summary: 'Cancel a request before execution, with a reason', params: IdParams, body: CancelBody, response: withConflicts({ 200: RequestDetail }) } },
    async (request) => requests.cancelRequest(ctx, actorOf(request), request.params.id, request.body),
  )

  // ---------------------------------------------------------------- allow-list

  app.get(
    '/api/v1/custody/allow-list',
    { schema: { tags, summary: 'The allow-list (ホワイトリスト) of destination addresses per asset', querystring: EntriesQuery, response: withErrors({ 200: Type.Array(AllowListEntry) }) } },
    async (request) => allowList.listEntries(ctx, actorOf(request), request.query),
  )

  app.get(
    '/api/v1/custody/allow-list/changes',
    { schema: { tags, summary: 'Proposed, applied and cancelled changes of the allow-list', querystring: ChangesQuery, response: withErrors({ 200: Type.Array(ChangeSummary) }) } },
    async (request) => allowList.listChanges(ctx, actorOf(request), request.query),
  )

  app.post(
    '/api/v1/custody/allow-list/changes',
    {
      schema: {
        tags,
        summary: 'Propose adding an address (asset, address, label) or removing an entry (entryId); effective only once m approvers approve',
        body: ChangeBody,
        response: withConflicts({ 201: ChangeDetail }),
      },
    },
    async (request, reply) => reply.status(201).send(await allowList.proposeChange(ctx, actorOf(request), request.body)),
  )

  app.get(
    '/api/v1/custody/allow-list/changes/:id',
    { schema: { tags, summary: 'An allow-list change with its approvals and steps', params: IdParams, response: withErrors({ 200: ChangeDetail }) } },
    async (request) => allowList.getChange(ctx, actorOf(request), request.params.id),
  )

  app.post(
    '/api/v1/custody/allow-list/changes/:id/approvals',
    {
      schema: {
        tags,
        summary: 'Approve a pending change (its digest): approver or admin with MFA, not the proposer; the m-th approval applies it',
        params: IdParams,
        body: ChangeApprovalBody,
        response: withConflicts({ 200: ChangeDetail }),
      },
    },
    async (request) => allowList.approveChange(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/custody/allow-list/changes/:id/cancel',
    { schema: { tags, summary: 'Cancel a pending change (its proposer or an admin)', params: IdParams, response: withConflicts({ 200: ChangeDetail }) } },
    async (request) => allowList.cancelChange(ctx, actorOf(request), request.params.id),
  )

  // ---------------------------------------------------------------- policy and alerts

  app.get(
    '/api/v1/custody/policy',
    { schema: { tags, summary: 'The withdrawal policy: m-of-n, limits per asset, business hours (Japan time)', response: withErrors({ 200: Policy }) } },
    async (request) => policies.getPolicy(ctx, actorOf(request)),
  )

  app.put(
    '/api/v1/custody/policy',
    { preValidation: refuseNumericAmounts, schema: { tags, summary: 'Replace the withdrawal policy (admin); raises an alert', body: PolicyBody, response: withErrors({ 200: Policy }) } },
    async (request) => policies.putPolicy(ctx, actorOf(request), request.body),
  )

  app.get(
    '/api/v1/custody/alerts',
    { schema: { tags, summary: 'Alerts of withdrawal control, newest first (admin); open=true: not yet acknowledged', querystring: AlertsQuery, response: withErrors({ 200: Type.Array(Alert) }) } },
    async (request) => policies.listAlerts(ctx, actorOf(request), request.query),
  )

  app.post(
    '/api/v1/custody/alerts/:id/acknowledge',
    { schema: { tags, summary: 'Acknowledge an alert (admin), with an optional note', params: IdParams, body: AcknowledgeBody, response: withErrors({ 200: Alert }) } },
    async (request) => policies.acknowledgeAlert(ctx, actorOf(request), request.params.id, request.body),
  )
}
