import { describe, expect, it } from 'vitest'
import type { AppError } from '../../errors.js'
import type { Actor, Role } from '../identity/actor.js'
import { assertCanApproveChange, assertCanCancelChange, assertCanPropose, changeStatusAfterApproval, type ChangeFacts } from './change-workflow.js'
import { assertCanTake, REQUEST_STATUSES, REQUEST_STEPS, statusAfter, stepsAllowed, type RequestFacts, type RequestStatus, type RequestStep } from './workflow.js'

const actor = (userId: string, role: Role, fields: Partial<Actor> = {}): Actor => ({
  userId,
  orgId: 'exchange-1',
  orgKind: 'institution',
  role,
  mfaVerified: role === 'approver' || role === 'admin',
  locale: 'ja',
  ...fields,
})

const requester = actor('requester', 'editor')
const verifier = actor('verifier', 'editor')
const approver1 = actor('approver-1', 'approver')
const approver2 = actor('approver-2', 'approver')
const executor = actor('executor', 'editor')
const reconciler = actor('reconciler', 'approver')

const facts = (status: RequestStatus, fields: Partial<RequestFacts> = {}): RequestFacts => ({
  status,
  requestedBy: requester.userId,
  destinationApprovedBy: null,
  verifiedBy: status === 'requested' ? null : verifier.userId,
  approvers: [],
  approvalsRequired: 2,
  executedBy: null,
  destinationCleared: true,
  withinLimits: true,
  ...fields,
})

/** The code an assertion refuses with, or null when it allows. */
function refusal(check: () => void): { code: string; status: number } | null {
  try {
    check()
    return null
  } catch (error) {
    const { code, status } = error as AppError
    return { code, status }
  }
}

describe('the withdrawal request state machine', () => {
  it('walks requested -> verified -> approved -> executed -> reconciled with distinct people', () => {
    let request = facts('requested')
    expect(refusal(() => assertCanTake('verify', verifier, request))).toBeNull()
    request = { ...request, status: statusAfter('verify', request), verifiedBy: verifier.userId }
    expect(request.status).toBe('verified')

    expect(refusal(() => assertCanTake('approve', approver1, request))).toBeNull()
    request = { ...request, status: statusAfter('approve', request), approvers: [approver1.userId] }
    expect(request.status).toBe('verified')
    expect(refusal(() => assertCanTake('approve', approver2, request))).toBeNull()
    request = { ...request, status: statusAfter('approve', request), approvers: [approver1.userId, approver2.userId] }
    expect(request.status).toBe('approved')

    expect(refusal(() => assertCanTake('execute', executor, request))).toBeNull()
    request = { ...request, status: statusAfter('execute', request), executedBy: executor.userId }
    expect(request.status).toBe('executed')

    expect(refusal(() => assertCanTake('reconcile', reconciler, request))).toBeNull()
    expect(statusAfter('reconcile', request, { mismatch: false })).toBe('reconciled')
    expect(statusAfter('reconcile', request, { mismatch: true })).toBe('mismatch')
  })

  it('lets each step start only from its states', () => {
    const from: Record<RequestStep, RequestStatus[]> = {
      update: ['requested', 'verified'],
      send_code: ['requested'],
      approve_destination: ['requested'],
      verify: ['requested'],
      approve: ['verified'],
      execute: ['approved'],
      reconcile: ['executed'],
      cancel: ['requested', 'verified', 'approved'],
    }
    const who: Record<RequestStep, Actor> = {
      update: requester,
      send_code: verifier,
      approve_destination: verifier,
      verify: verifier,
      approve: approver1,
      execute: executor,
      reconcile: reconciler,
      cancel: requester,
    }
    for (const step of REQUEST_STEPS) {
      for (const status of REQUEST_STATUSES) {
        const request = facts(status, {
          approvers: status === 'approved' || status === 'executed' ? [approver1.userId, approver2.userId] : [],
          destinationCleared: step !== 'approve_destination',
          verifiedBy: null,
        })
        const outcome = refusal(() => assertCanTake(step, who[step], request))
        if (from[step].includes(status)) expect(outcome, `${step} from ${status}`).toBeNull()
        else expect(outcome, `${step} from ${status}`).toEqual({ code: 'wrong_status', status: 409 })
      }
    }
  })

  it('goes back to requested when the request is changed', () => {
    expect(statusAfter('update', facts('verified', { approvers: [approver1.userId] }))).toBe('requested')
  })

  it('lets only the requester change the request', () => {
    expect(refusal(() => assertCanTake('update', actor('other-editor', 'editor'), facts('requested')))).toEqual({ code: 'not_the_requester', status: 403 })
  })

  it('refuses verification by the requester', () => {
    for (const step of ['send_code', 'approve_destination', 'verify'] as const) {
      expect(refusal(() => assertCanTake(step, requester, facts('requested', { destinationCleared: false, verifiedBy: null }))), step).toEqual({
        code: 'requester_cannot_verify',
        status: 403,
      })
    }
  })

  it('refuses verification while the destination is neither allow-listed nor approved', () => {
    expect(refusal(() => assertCanTake('verify', verifier, facts('requested', { destinationCleared: false })))).toEqual({ code: 'destination_not_cleared', status: 409 })
  })

  it('refuses verification of an amount over the limits', () => {
    expect(refusal(() => assertCanTake('verify', verifier, facts('requested', { withinLimits: false })))).toEqual({ code: 'limit_exceeded', status: 409 })
  })

  it('refuses approving a destination that is already cleared', () => {
    expect(refusal(() => assertCanTake('approve_destination', verifier, facts('requested')))?.code).toBe('destination_already_cleared')
  })

  it('refuses self-approval', () => {
    const requestingAdmin = actor('requester', 'admin')
    expect(refusal(() => assertCanTake('approve', requestingAdmin, facts('verified')))).toEqual({ code: 'requester_cannot_approve', status: 403 })
  })

  it('refuses approval by the verifier of the code or of the destination', () => {
    const verifyingApprover = actor('verifier', 'approver')
    expect(refusal(() => assertCanTake('approve', verifyingApprover, facts('verified')))?.code).toBe('verifier_cannot_approve')
    const destinationApprover = actor('destination-checker', 'approver')
    expect(refusal(() => assertCanTake('approve', destinationApprover, facts('verified', { destinationApprovedBy: 'destination-checker' })))?.code).toBe(
      'verifier_cannot_approve',
    )
  })

  it('counts the same approver once', () => {
    expect(refusal(() => assertCanTake('approve', approver1, facts('verified', { approvers: [approver1.userId] })))).toEqual({ code: 'already_approved', status: 409 })
  })

  it('refuses an approver whose session has not passed MFA', () => {
    expect(refusal(() => assertCanTake('approve', actor('approver-3', 'approver', { mfaVerified: false }), facts('verified')))?.code).toBe('mfa_required')
  })

  it('refuses approval by an editor or a viewer', () => {
    expect(refusal(() => assertCanTake('approve', actor('e', 'editor', { mfaVerified: true }), facts('verified')))?.code).toBe('forbidden')
    expect(refusal(() => assertCanTake('approve', actor('v', 'viewer', { mfaVerified: true }), facts('verified')))?.code).toBe('forbidden')
  })

  it('reaches approval only with m distinct approvers', () => {
    const threeOfThree = facts('verified', { approvalsRequired: 3 })
    expect(statusAfter('approve', threeOfThree)).toBe('verified')
    expect(statusAfter('approve', { ...threeOfThree, approvers: ['a'] })).toBe('verified')
    expect(statusAfter('approve', { ...threeOfThree, approvers: ['a', 'b'] })).toBe('approved')
    expect(statusAfter('approve', facts('verified', { approvalsRequired: 1 }))).toBe('approved')
  })

  it('refuses execution before approval, and by one of the approvers', () => {
    expect(refusal(() => assertCanTake('execute', executor, facts('verified', { approvers: [approver1.userId] })))?.code).toBe('wrong_status')
    expect(refusal(() => assertCanTake('execute', executor, facts('approved', { approvers: [approver1.userId] })))?.code).toBe('approvals_missing')
    const approvingAdmin = actor('approver-1', 'admin')
    expect(refusal(() => assertCanTake('execute', approvingAdmin, facts('approved', { approvers: ['approver-1', 'approver-2'] })))?.code).toBe('approver_cannot_execute')
  })

  it('refuses reconciliation by the executor', () => {
    const executingAdmin = actor('executor', 'admin')
    expect(refusal(() => assertCanTake('reconcile', executingAdmin, facts('executed', { executedBy: 'executor' })))?.code).toBe('executor_cannot_reconcile')
  })

  it('refuses cancellation after execution and by a viewer', () => {
    expect(refusal(() => assertCanTake('cancel', requester, facts('executed')))?.code).toBe('wrong_status')
    expect(refusal(() => assertCanTake('cancel', actor('v', 'viewer'), facts('requested')))?.code).toBe('forbidden')
  })

  it('answers the screens with the same rules', () => {
    const allowed = stepsAllowed(approver1, facts('verified'))
    expect(Object.entries(allowed).filter(([, ok]) => ok).map(([step]) => step)).toEqual(['approve', 'cancel'])
  })
})

describe('the allow-list change state machine', () => {
  const proposer = actor('proposer', 'editor')
  const change = (fields: Partial<ChangeFacts> = {}): ChangeFacts => ({ status: 'pending', proposedBy: proposer.userId, approvers: [], approvalsRequired: 2, ...fields })

  it('lets editors and admins propose, not approvers or viewers', () => {
    expect(refusal(() => assertCanPropose(proposer))).toBeNull()
    expect(refusal(() => assertCanPropose(actor('a', 'admin')))).toBeNull()
    expect(refusal(() => assertCanPropose(approver1))?.code).toBe('forbidden')
    expect(refusal(() => assertCanPropose(actor('v', 'viewer')))?.code).toBe('forbidden')
  })

  it('refuses approval by the proposer', () => {
    expect(refusal(() => assertCanApproveChange(actor('proposer', 'admin'), change()))?.code).toBe('proposer_cannot_approve')
  })

  it('refuses the same approver twice and an approver without MFA', () => {
    expect(refusal(() => assertCanApproveChange(approver1, change({ approvers: [approver1.userId] })))?.code).toBe('already_approved')
    expect(refusal(() => assertCanApproveChange(actor('x', 'approver', { mfaVerified: false }), change()))?.code).toBe('mfa_required')
  })

  it('applies the change only with m distinct approvals', () => {
    expect(changeStatusAfterApproval(change())).toBe('pending')
    expect(changeStatusAfterApproval(change({ approvers: [approver1.userId] }))).toBe('applied')
  })

  it('refuses approval or cancellation once applied', () => {
    expect(refusal(() => assertCanApproveChange(approver2, change({ status: 'applied' })))?.code).toBe('change_not_pending')
    expect(refusal(() => assertCanCancelChange(proposer, change({ status: 'applied' })))?.code).toBe('change_not_pending')
  })

  it('lets the proposer or an admin cancel, nobody else', () => {
    expect(refusal(() => assertCanCancelChange(proposer, change()))).toBeNull()
    expect(refusal(() => assertCanCancelChange(actor('a', 'admin'), change()))).toBeNull()
    expect(refusal(() => assertCanCancelChange(approver1, change()))?.code).toBe('forbidden')
  })
})
