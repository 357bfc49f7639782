import { forbidden } from '../../errors.js'
import type { Actor, Role } from '../identity/actor.js'
import { REQUESTER_ROLES } from './workflow.js'

// Who may use custody at all (DESIGN.md §7): members of an institution of sector crypto_exchange.
// Within one, every member reads requests and the allow-list; the rules of each step are in
// workflow.ts and change-workflow.ts; the policy and the alerts are the admins'.

export const CUSTODY_SECTOR = 'crypto_exchange'

/** Roles that count among the n approvers of the policy. */
export const APPROVER_ROLES: readonly Role[] = ['approver', 'admin']

export function assertExchange(actor: Actor, organisation: { kind: string; sector: string | null } | undefined) {
  if (actor.orgKind !== 'institution' || organisation?.sector !== CUSTODY_SECTOR) {
    throw forbidden({
      ja: '出庫管理は暗号資産交換業者のみが利用できます',
      en: 'Withdrawal control is for crypto-asset exchanges only',
    })
  }
}

export function assertCanRequest(actor: Actor) {
  if (!REQUESTER_ROLES.includes(actor.role)) {
    throw forbidden({ ja: '出庫申請には起票者または管理者の役割が必要です', en: 'Raising a withdrawal request needs the editor or admin role' })
  }
}

export function assertCustodyAdmin(actor: Actor) {
  if (actor.role !== 'admin') {
    throw forbidden({ ja: 'この操作には管理者の権限が必要です', en: 'This needs the admin role' })
  }
}
