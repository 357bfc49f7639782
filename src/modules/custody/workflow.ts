import { AppError, conflict, forbidden } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { Actor, Role } from '../identity/actor.js'

// The withdrawal request as a state machine (pure). Each step names the states it starts from,
// the roles that may take it and the people who may not (four eyes), and the state it leads to:
//
//   requested --verify--> verified --approve x m--> approved --execute--> executed --reconcile--> reconciled
//      ^  |                  |                         |                                  \--> mismatch
//      |  +- send_code, approve_destination (stay)     |
//      +------- update (voids verification and approvals)
//   requested | verified | approved --cancel--> cancelled
//
// Services call assertCanTake before they write and statusAfter to know where the request goes.

export const REQUEST_STATUSES = ['requested', 'verified', 'approved', 'executed', 'reconciled', 'mismatch', 'cancelled'] as const
export type RequestStatus = (typeof REQUEST_STATUSES)[number]

export const REQUEST_STEPS = ['update', 'send_code', 'approve_destination', 'verify', 'approve', 'execute', 'reconcile', 'cancel'] as const
export type RequestStep = (typeof REQUEST_STEPS)[number]

export const TERMINAL_STATUSES: readonly RequestStatus[] = ['reconciled', 'mismatch', 'cancelled']

/** Who raises a request: an exchange's editor (operations) or admin. */
export const REQUESTER_ROLES: readonly Role[] = ['editor', 'admin']

const FROM: Record<RequestStep, readonly RequestStatus[]> = {
  update: ['requested', 'verified'],
  send_code: ['requested'],
  approve_destination: ['requested'],
  verify: ['requested'],
  approve: ['verified'],
  execute: ['approved'],
  reconcile: ['executed'],
  cancel: ['requested', 'verified', 'approved'],
}

const ROLES: Record<RequestStep, readonly Role[]> = {
  update: REQUESTER_ROLES,
  send_code: ['editor', 'approver', 'admin'],
  approve_destination: ['editor', 'approver', 'admin'],
  verify: ['editor', 'approver', 'admin'],
  approve: ['approver', 'admin'],
  execute: ['editor', 'admin'],
  reconcile: ['editor', 'approver', 'admin'],
  cancel: ['editor', 'approver', 'admin'],
}

/** What the rules need to know of a request. */
export interface RequestFacts {
  status: RequestStatus
  requestedBy: string
  /** Who approved the destination for this request (not on the allow-list), if anyone. */
  destinationApprovedBy: string | null
  /** Who checked the confirmation code, once verified. */
  verifiedBy: string | null
  /** Approvers whose approval is bound to the request's current digest. */
  approvers: readonly string[]
  /** m, fixed when the request was raised or last changed. */
  approvalsRequired: number
  executedBy: string | null
  /** The destination is on the allow-list, or approved for this request. */
  destinationCleared: boolean
  /** The amount is within the asset's single and daily limits. */
  withinLimits: boolean
}

const STATUS_LABELS: Record<RequestStatus, Localized> = {
  requested: { ja: '検証待ち', en: 'awaiting verification' },
  verified: { ja: '承認待ち', en: 'awaiting approval' },
  approved: { ja: '承認済み（実行待ち）', en: 'approved, awaiting execution' },
  executed: { ja: '実行済み（照合待ち）', en: 'executed, awaiting reconciliation' },
  reconciled: { ja: '照合済み', en: 'reconciled' },
  mismatch: { ja: '照合不一致', en: 'reconciliation mismatch' },
  cancelled: { ja: '取消済み', en: 'cancelled' },
}

const STEP_LABELS: Record<RequestStep, Localized> = {
  update: { ja: '出庫申請の変更', en: 'changing the withdrawal request' },
  send_code: { ja: '確認コードの送信', en: 'sending a confirmation code' },
  approve_destination: { ja: '送付先アドレスの確認', en: 'approving the destination address' },
  verify: { ja: '確認コードによる検証', en: 'verification with the confirmation code' },
  approve: { ja: '承認', en: 'approval' },
  execute: { ja: '実行の記録', en: 'recording the execution' },
  reconcile: { ja: '照合', en: 'reconciliation' },
  cancel: { ja: '取消', en: 'cancellation' },
}

const ROLE_LABELS: Record<Role, Localized> = {
  admin: { ja: '管理者', en: 'admin' },
  editor: { ja: '起票者', en: 'editor' },
  approver: { ja: '承認者', en: 'approver' },
  viewer: { ja: '閲覧者', en: 'viewer' },
}

/** A refusal under the four-eyes rules: the person, not the role, may not take this step. */
export const fourEyes = (code: string, message: Localized) => new AppError(code, 403, message)

function assertStatus(step: RequestStep, status: RequestStatus) {
  if (FROM[step].includes(status)) return
  const label = STATUS_LABELS[status]
  const stepLabel = STEP_LABELS[step]
  throw conflict('wrong_status', {
    ja: `この出庫申請は「${label.ja}」のため、${stepLabel.ja}はできません`,
    en: `This withdrawal request is ${label.en}: ${stepLabel.en} is not possible`,
  })
}

function assertRole(step: RequestStep, actor: Actor) {
  if (ROLES[step].includes(actor.role)) return
  const roles = ROLES[step].map((role) => ROLE_LABELS[role])
  throw forbidden({
    ja: `${STEP_LABELS[step].ja}には${roles.map((r) => r.ja).join('・')}の役割が必要です`,
    en: `${capitalise(STEP_LABELS[step].en)} needs the ${roles.map((r) => r.en).join(' or ')} role`,
  })
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/** Throws unless the actor may take the step on a request in this state (role, state, four eyes). */
export function assertCanTake(step: RequestStep, actor: Actor, request: RequestFacts): void {
  assertRole(step, actor)
  assertStatus(step, request.status)
  const me = actor.userId
  switch (step) {
    case 'update':
      if (me !== request.requestedBy) {
        throw fourEyes('not_the_requester', { ja: '出庫申請を変更できるのは申請者のみです', en: 'Only the requester can change a withdrawal request' })
      }
      return
    case 'send_code':
    case 'approve_destination':
    case 'verify':
      if (me === request.requestedBy) {
        throw fourEyes('requester_cannot_verify', {
          ja: 'ご自身の出庫申請は検証できません（四つの目の原則）',
          en: 'You raised this withdrawal request, so you cannot verify it (four-eyes rule)',
        })
      }
      if (step === 'approve_destination' && request.destinationCleared) {
        throw conflict('destination_already_cleared', {
          ja: '送付先アドレスはホワイトリストに登録済みか、既に確認されています',
          en: 'The destination address is already on the allow-list or approved',
        })
      }
      if (step === 'verify') assertReadyForVerification(request)
      return
    case 'approve':
      assertCanApprove(actor, request)
      return
    case 'execute':
      if (request.approvers.length < request.approvalsRequired) {
        throw conflict('approvals_missing', {
          ja: `承認が足りません（${request.approvers.length} / ${request.approvalsRequired}）`,
          en: `Not enough approvals (${request.approvers.length} of ${request.approvalsRequired})`,
        })
      }
      if (request.approvers.includes(me)) {
        throw fourEyes('approver_cannot_execute', {
          ja: 'ご自身が承認した出庫は実行を記録できません（四つの目の原則）',
          en: 'You approved this withdrawal, so you cannot record its execution (four-eyes rule)',
        })
      }
      return
    case 'reconcile':
      if (me === request.executedBy) {
        throw fourEyes('executor_cannot_reconcile', {
          ja: 'ご自身が実行を記録した出庫は照合できません（四つの目の原則）',
          en: 'You recorded the execution, so you cannot reconcile it (four-eyes rule)',
        })
      }
      return
    case 'cancel':
      return
  }
}

function assertReadyForVerification(request: RequestFacts) {
  if (!request.destinationCleared) {
    throw conflict('destination_not_cleared', {
      ja: '送付先アドレスがホワイトリストにありません。この申請の送付先として確認してから検証してください',
      en: 'The destination address is not on the allow-list: approve it for this request before verifying',
    })
  }
  if (!request.withinLimits) {
    throw conflict('limit_exceeded', { ja: '数量が出庫上限を超えています', en: 'The amount exceeds the withdrawal limits' })
  }
}

/**
 * Four eyes on approval: an approver or admin, verified with MFA in this session, who neither
 * raised nor verified the request and has not approved this version of it already.
 */
function assertCanApprove(actor: Actor, request: RequestFacts) {
  if (!actor.mfaVerified) {
    throw fourEyes('mfa_required', { ja: '承認には多要素認証が必要です', en: 'Approval needs a session verified with MFA' })
  }
  if (actor.userId === request.requestedBy) {
    throw fourEyes('requester_cannot_approve', {
      ja: 'ご自身の出庫申請は承認できません（四つの目の原則）',
      en: 'You raised this withdrawal request, so you cannot approve it (four-eyes rule)',
    })
  }
  if (actor.userId === request.verifiedBy || actor.userId === request.destinationApprovedBy) {
    throw fourEyes('verifier_cannot_approve', {
      ja: 'ご自身が検証した出庫申請は承認できません（四つの目の原則）',
      en: 'You verified this withdrawal request, so you cannot approve it (four-eyes rule)',
    })
  }
  if (request.approvers.includes(actor.userId)) {
    throw conflict('already_approved', { ja: 'この出庫申請は既に承認しています', en: 'You have already approved this withdrawal request' })
  }
}

/** Where the request goes when the step is taken; `mismatch` tells a reconciliation's outcome. */
export function statusAfter(step: RequestStep, request: RequestFacts, outcome: { mismatch?: boolean } = {}): RequestStatus {
  switch (step) {
    case 'update':
      return 'requested'
    case 'send_code':
    case 'approve_destination':
      return request.status
    case 'verify':
      return 'verified'
    case 'approve':
      return request.approvers.length + 1 >= request.approvalsRequired ? 'approved' : 'verified'
    case 'execute':
      return 'executed'
    case 'reconcile':
      return outcome.mismatch ? 'mismatch' : 'reconciled'
    case 'cancel':
      return 'cancelled'
  }
}

/** Which steps the actor may take now: the same rules, as booleans for the screens. */
export function stepsAllowed(actor: Actor, request: RequestFacts): Record<RequestStep, boolean> {
  const allowed = (step: RequestStep) => {
    try {
      assertCanTake(step, actor, request)
      return true
    } catch {
      return false
    }
  }
  return Object.fromEntries(REQUEST_STEPS.map((step) => [step, allowed(step)])) as Record<RequestStep, boolean>
}

export function statusLabel(status: RequestStatus): Localized {
  return STATUS_LABELS[status]
}
