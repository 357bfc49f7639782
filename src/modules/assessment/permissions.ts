import { forbidden, conflict } from '../../errors.js'
import type { Actor } from '../identity/actor.js'
import type { AssessmentStatus } from './schema.js'

// Who may do what to an assessment (DESIGN.md §7: least privilege by role, four eyes on sign-off).
// Every check is named and sits next to the data it protects; services call these before writing.

export interface AssessmentState {
  orgId: string
  status: AssessmentStatus
  /** Who asked for the review; never the one who approves (four eyes). */
  reviewRequestedBy?: string | null
  /** False for an older version of the lineage: only the newest version can be reopened. */
  isLatestVersion?: boolean
}

const ROLE_CAN_EDIT = new Set(['admin', 'editor'])

export function assertInstitution(actor: Actor) {
  if (actor.orgKind !== 'institution') {
    throw forbidden({ ja: '自己評価は金融機関のみが作成できます', en: 'Only institutions keep self-assessments' })
  }
}

/** Starting a self-assessment: an institution's editor or admin. */
export function assertCanCreate(actor: Actor) {
  assertInstitution(actor)
  if (!ROLE_CAN_EDIT.has(actor.role)) {
    throw forbidden({ ja: '自己評価を作成する権限がありません（起票者または管理者の役割が必要です）', en: 'Starting an assessment needs the editor or admin role' })
  }
}

export function assertCanEdit(actor: Actor, assessment: AssessmentState) {
  if (!ROLE_CAN_EDIT.has(actor.role)) {
    throw forbidden({ ja: '回答を編集する権限がありません（起票者または管理者の役割が必要です）', en: 'Editing answers needs the editor or admin role' })
  }
  if (assessment.status !== 'draft') {
    throw conflict('assessment_locked', {
      ja: 'この自己評価は編集できません（レビュー中または承認済み）。承認済みの場合は再オープンして新しい版を作成してください',
      en: 'This assessment cannot be edited (in review or approved); reopen an approved one to start a new version',
    })
  }
}

/** Remediation actions are a living plan: they stay editable after approval. */
export function assertCanPlan(actor: Actor) {
  if (!ROLE_CAN_EDIT.has(actor.role)) {
    throw forbidden({ ja: '改善計画を編集する権限がありません', en: 'Editing the remediation plan needs the editor or admin role' })
  }
}

export function assertCanRequestReview(actor: Actor, assessment: AssessmentState) {
  assertCanEdit(actor, assessment)
}

/**
 * Four eyes: the approver holds the approver role, has passed MFA in this session, and is not the
 * last editor of any answer of the assessment.
 */
export function assertCanApprove(actor: Actor, assessment: AssessmentState, lastEditorIds: ReadonlySet<string>) {
  if (actor.role !== 'approver') {
    throw forbidden({ ja: '承認には承認者の役割が必要です', en: 'Approval needs the approver role' })
  }
  if (!actor.mfaVerified) {
    throw forbidden({ ja: '承認には多要素認証が必要です', en: 'Approval needs a session verified with MFA' })
  }
  if (assessment.status !== 'in_review') {
    throw conflict('assessment_not_in_review', { ja: 'レビュー中の自己評価のみ承認できます', en: 'Only an assessment in review can be approved' })
  }
  if (lastEditorIds.has(actor.userId)) {
    throw forbidden({
      ja: 'ご自身が最後に編集した回答があるため承認できません（四つの目の原則）',
      en: 'You last edited at least one answer, so you cannot approve it (four-eyes rule)',
    })
  }
  if (assessment.reviewRequestedBy && assessment.reviewRequestedBy === actor.userId) {
    throw forbidden({
      ja: 'ご自身がレビューを依頼した自己評価は承認できません（四つの目の原則）',
      en: 'You requested the review, so you cannot approve it (four-eyes rule)',
    })
  }
}

export function assertCanReturn(actor: Actor, assessment: AssessmentState) {
  if (actor.role !== 'approver') {
    throw forbidden({ ja: '差戻しには承認者の役割が必要です', en: 'Returning needs the approver role' })
  }
  if (assessment.status !== 'in_review') {
    throw conflict('assessment_not_in_review', { ja: 'レビュー中の自己評価のみ差し戻せます', en: 'Only an assessment in review can be returned' })
  }
}

export function assertCanReopen(actor: Actor, assessment: AssessmentState) {
  if (!ROLE_CAN_EDIT.has(actor.role)) {
    throw forbidden({ ja: '再オープンには起票者または管理者の役割が必要です', en: 'Reopening needs the editor or admin role' })
  }
  if (assessment.status !== 'approved') {
    throw conflict('assessment_not_approved', { ja: '承認済みの自己評価のみ再オープンできます', en: 'Only an approved assessment can be reopened' })
  }
  if (assessment.isLatestVersion === false) {
    throw conflict('assessment_not_latest', {
      ja: '新しい版が既にあります。最新の版から再オープンしてください',
      en: 'A newer version exists: reopen the newest version',
    })
  }
}

/** What the UI may offer this actor; the same rules, answered as booleans. */
export function permissionsFor(actor: Actor, assessment: AssessmentState, lastEditorIds: ReadonlySet<string>) {
  const allowed = (check: () => void) => {
    try {
      check()
      return true
    } catch {
      return false
    }
  }
  return {
    canEdit: allowed(() => assertCanEdit(actor, assessment)),
    canPlan: allowed(() => assertCanPlan(actor)),
    canRequestReview: allowed(() => assertCanRequestReview(actor, assessment)),
    canApprove: allowed(() => assertCanApprove(actor, assessment, lastEditorIds)),
    canReturn: allowed(() => assertCanReturn(actor, assessment)),
    canReopen: allowed(() => assertCanReopen(actor, assessment)),
  }
}
