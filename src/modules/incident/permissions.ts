import { conflict, forbidden } from '../../errors.js'
import type { Actor } from '../identity/actor.js'
import type { Phase } from './schema.js'

// Who may do what with incident reports (DESIGN.md §7: least privilege by role). Institutions file
// and answer; supervisors read what was submitted to them, acknowledge, ask and reclassify.
// Viewers of either side only read. Services call these before they write.

const ROLE_CAN_REPORT = new Set(['admin', 'editor'])
const ROLE_CAN_RESPOND = new Set(['admin', 'editor', 'approver'])

export function assertInstitution(actor: Actor) {
  if (actor.orgKind !== 'institution') {
    throw forbidden({ ja: 'インシデント報告は金融機関のみが作成できます', en: 'Only institutions file incident reports' })
  }
}

export function assertSupervisor(actor: Actor) {
  if (actor.orgKind !== 'supervisor') {
    throw forbidden({ ja: 'この機能は監督当局の利用者のみが使えます', en: 'Only supervisors receive incident reports' })
  }
}

/** Writing and submitting reports, attaching files, importing: an institution's editor or admin. */
export function assertCanReport(actor: Actor) {
  assertInstitution(actor)
  if (!ROLE_CAN_REPORT.has(actor.role)) {
    throw forbidden({ ja: 'インシデント報告を作成する権限がありません（起票者または管理者の役割が必要です）', en: 'Filing incident reports needs the editor or admin role' })
  }
}

/** Answering the supervisor's questions: any institution member but a viewer. */
export function assertCanAnswer(actor: Actor) {
  assertInstitution(actor)
  if (!ROLE_CAN_RESPOND.has(actor.role)) {
    throw forbidden({ ja: 'メッセージを送る権限がありません（閲覧者は送信できません）', en: 'Viewers cannot post messages' })
  }
}

/** Acknowledging, asking for information and reclassifying: any supervisor member but a viewer. */
export function assertCanRespond(actor: Actor) {
  assertSupervisor(actor)
  if (!ROLE_CAN_RESPOND.has(actor.role)) {
    throw forbidden({ ja: 'この操作の権限がありません（閲覧者は操作できません）', en: 'Viewers cannot act on incident reports' })
  }
}

/** Which report may come next: the initial one first, then intermediate ones (0..n), then the final one. */
export function nextPhases(latestPhase: Phase | null): Phase[] {
  if (latestPhase === null) return ['initial']
  if (latestPhase === 'final') return []
  return ['intermediate', 'final']
}

export function assertPhaseAllowed(latestPhase: Phase | null, phase: Phase) {
  if (latestPhase === 'final') {
    throw conflict('incident_closed', { ja: '最終報の提出後は報告を追加できません', en: 'The final report has been submitted: no further reports' })
  }
  if (!nextPhases(latestPhase).includes(phase)) {
    throw conflict(
      'phase_not_allowed',
      latestPhase === null
        ? { ja: '最初の報告は第一報です', en: 'The first report is the initial report' }
        : { ja: '第一報は一度だけ提出します。続報または最終報を作成してください', en: 'The initial report is sent once: write an intermediate or the final report' },
    )
  }
}
