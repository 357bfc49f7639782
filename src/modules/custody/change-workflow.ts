import { conflict, forbidden } from '../../errors.js'
import type { Actor, Role } from '../identity/actor.js'
import { fourEyes } from './workflow.js'

// A change of the allow-list (an address added or removed) as a state machine (pure): proposed,
// it stays pending — and the list unchanged — until m distinct approvers, verified with MFA and
// none of them its proposer, approve it; then it is applied. The proposer or an admin may cancel
// a pending change.
//
//   pending --approve x m--> applied
//   pending --cancel-------> cancelled

export const CHANGE_STATUSES = ['pending', 'applied', 'cancelled'] as const
export type ChangeStatus = (typeof CHANGE_STATUSES)[number]
export const CHANGE_KINDS = ['add', 'remove'] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]

const PROPOSER_ROLES: readonly Role[] = ['editor', 'admin']
const APPROVER_ROLES: readonly Role[] = ['approver', 'admin']

export interface ChangeFacts {
  status: ChangeStatus
  proposedBy: string
  /** Approvers bound to the change's digest. */
  approvers: readonly string[]
  approvalsRequired: number
}

export function assertCanPropose(actor: Actor) {
  if (!PROPOSER_ROLES.includes(actor.role)) {
    throw forbidden({ ja: 'ホワイトリストの変更を申請するには起票者または管理者の役割が必要です', en: 'Proposing an allow-list change needs the editor or admin role' })
  }
}

function assertPending(change: ChangeFacts) {
  if (change.status !== 'pending') {
    throw conflict('change_not_pending', { ja: 'この変更は既に反映または取消されています', en: 'This change has already been applied or cancelled' })
  }
}

export function assertCanApproveChange(actor: Actor, change: ChangeFacts) {
  if (!APPROVER_ROLES.includes(actor.role)) {
    throw forbidden({ ja: 'ホワイトリストの変更の承認には承認者または管理者の役割が必要です', en: 'Approving an allow-list change needs the approver or admin role' })
  }
  if (!actor.mfaVerified) {
    throw fourEyes('mfa_required', { ja: '承認には多要素認証が必要です', en: 'Approval needs a session verified with MFA' })
  }
  assertPending(change)
  if (actor.userId === change.proposedBy) {
    throw fourEyes('proposer_cannot_approve', {
      ja: 'ご自身が申請したホワイトリストの変更は承認できません（四つの目の原則）',
      en: 'You proposed this allow-list change, so you cannot approve it (four-eyes rule)',
    })
  }
  if (change.approvers.includes(actor.userId)) {
    throw conflict('already_approved', { ja: 'この変更は既に承認しています', en: 'You have already approved this change' })
  }
}

export function assertCanCancelChange(actor: Actor, change: ChangeFacts) {
  if (actor.userId !== change.proposedBy && actor.role !== 'admin') {
    throw forbidden({ ja: '変更を取り消せるのは申請者または管理者のみです', en: 'Only the proposer or an admin can cancel a change' })
  }
  assertPending(change)
}

/** Where the change goes with one more approval. */
export function changeStatusAfterApproval(change: ChangeFacts): ChangeStatus {
  return change.approvers.length + 1 >= change.approvalsRequired ? 'applied' : 'pending'
}

export function changeStepsAllowed(actor: Actor, change: ChangeFacts): { approve: boolean; cancel: boolean } {
  const allowed = (check: () => void) => {
    try {
      check()
      return true
    } catch {
      return false
    }
  }
  return { approve: allowed(() => assertCanApproveChange(actor, change)), cancel: allowed(() => assertCanCancelChange(actor, change)) }
}
