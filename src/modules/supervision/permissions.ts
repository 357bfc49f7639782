import { forbidden } from '../../errors.js'
import type { Actor } from '../identity/actor.js'

// Who may do what in supervision rounds (DESIGN.md §7: least privilege by role). A supervisor's
// editors and admins run rounds; its viewers and approvers read. An institution's editors and admins
// start the round's assessment; submitting (already approved by management) also suits an approver.

const SUPERVISOR_CAN_MANAGE = new Set(['admin', 'editor'])
const INSTITUTION_CAN_WORK = new Set(['admin', 'editor'])
const INSTITUTION_CAN_SUBMIT = new Set(['admin', 'editor', 'approver'])

export function assertSupervisor(actor: Actor) {
  if (actor.orgKind !== 'supervisor') {
    throw forbidden({ ja: 'この機能は監督当局の利用者のみが使えます', en: 'Only supervisors run self-assessment rounds' })
  }
}

export function assertCanManageRounds(actor: Actor) {
  assertSupervisor(actor)
  if (!SUPERVISOR_CAN_MANAGE.has(actor.role)) {
    throw forbidden({ ja: 'ラウンドを操作する権限がありません（起票者または管理者の役割が必要です）', en: 'Running rounds needs the editor or admin role' })
  }
}

export function assertInstitution(actor: Actor) {
  if (actor.orgKind !== 'institution') {
    throw forbidden({ ja: 'この機能は金融機関の利用者のみが使えます', en: 'Only institutions answer self-assessment rounds' })
  }
}

export function assertCanWorkOnRound(actor: Actor) {
  assertInstitution(actor)
  if (!INSTITUTION_CAN_WORK.has(actor.role)) {
    throw forbidden({ ja: 'この操作には起票者または管理者の役割が必要です', en: 'This needs the editor or admin role' })
  }
}

export function assertCanSubmit(actor: Actor) {
  assertInstitution(actor)
  if (!INSTITUTION_CAN_SUBMIT.has(actor.role)) {
    throw forbidden({ ja: '提出する権限がありません（閲覧者は提出できません）', en: 'Viewers cannot submit' })
  }
}
