import { describe, expect, it } from 'vitest'
import type { AppError } from '../../errors.js'
import type { Actor, Role } from '../identity/actor.js'
import {
  assertCanApprove,
  assertCanCreate,
  assertCanEdit,
  assertCanPlan,
  assertCanReopen,
  assertCanRequestReview,
  assertCanReturn,
  permissionsFor,
  type AssessmentState,
} from './permissions.js'

const actor = (role: Role, fields: Partial<Actor> = {}): Actor => ({
  userId: `${role}-user`,
  orgId: 'org-1',
  orgKind: 'institution',
  role,
  mfaVerified: role === 'approver' || role === 'admin',
  locale: 'ja',
  ...fields,
})
const state = (status: AssessmentState['status'], fields: Partial<AssessmentState> = {}): AssessmentState => ({ orgId: 'org-1', status, ...fields })
const none = new Set<string>()

/** The code and status an assertion refuses with, or null when it allows. */
function refusal(check: () => void): { code: string; status: number } | null {
  try {
    check()
    return null
  } catch (error) {
    const { code, status } = error as AppError
    return { code, status }
  }
}

describe('who may do what to an assessment', () => {
  it('lets an editor and an admin edit a draft', () => {
    expect(refusal(() => assertCanEdit(actor('editor'), state('draft')))).toBeNull()
    expect(refusal(() => assertCanEdit(actor('admin'), state('draft')))).toBeNull()
  })

  it('keeps a viewer and an approver from editing answers', () => {
    expect(refusal(() => assertCanEdit(actor('viewer'), state('draft')))).toEqual({ code: 'forbidden', status: 403 })
    expect(refusal(() => assertCanEdit(actor('approver'), state('draft')))).toEqual({ code: 'forbidden', status: 403 })
  })

  it('locks answers while in review and after approval', () => {
    expect(refusal(() => assertCanEdit(actor('editor'), state('in_review')))).toEqual({ code: 'assessment_locked', status: 409 })
    expect(refusal(() => assertCanEdit(actor('editor'), state('approved')))).toEqual({ code: 'assessment_locked', status: 409 })
  })

  it('lets only an institution start an assessment', () => {
    expect(refusal(() => assertCanCreate(actor('editor')))).toBeNull()
    expect(refusal(() => assertCanCreate(actor('admin', { orgKind: 'supervisor' })))).toEqual({ code: 'forbidden', status: 403 })
    expect(refusal(() => assertCanCreate(actor('viewer')))).toEqual({ code: 'forbidden', status: 403 })
  })

  it('keeps the remediation plan editable by editors whatever the status', () => {
    expect(refusal(() => assertCanPlan(actor('editor')))).toBeNull()
    expect(refusal(() => assertCanPlan(actor('viewer')))).toEqual({ code: 'forbidden', status: 403 })
  })

  it('lets an editor send a draft for review, but not one already in review', () => {
    expect(refusal(() => assertCanRequestReview(actor('editor'), state('draft')))).toBeNull()
    expect(refusal(() => assertCanRequestReview(actor('editor'), state('in_review')))?.status).toBe(409)
  })

  it('lets an approver with MFA approve an assessment in review', () => {
    expect(refusal(() => assertCanApprove(actor('approver'), state('in_review'), none))).toBeNull()
  })

  it('refuses approval by the last editor of an answer', () => {
    expect(refusal(() => assertCanApprove(actor('approver'), state('in_review'), new Set(['approver-user'])))).toEqual({ code: 'forbidden', status: 403 })
  })

  it('refuses approval by the one who asked for the review', () => {
    expect(refusal(() => assertCanApprove(actor('approver'), state('in_review', { reviewRequestedBy: 'approver-user' }), none))).toEqual({ code: 'forbidden', status: 403 })
  })

  it('refuses approval without MFA in the session', () => {
    expect(refusal(() => assertCanApprove(actor('approver', { mfaVerified: false }), state('in_review'), none))).toEqual({ code: 'forbidden', status: 403 })
  })

  it('refuses approval by an editor or admin', () => {
    expect(refusal(() => assertCanApprove(actor('admin'), state('in_review'), none))?.status).toBe(403)
    expect(refusal(() => assertCanApprove(actor('editor'), state('in_review'), none))?.status).toBe(403)
  })

  it('refuses approval of a draft', () => {
    expect(refusal(() => assertCanApprove(actor('approver'), state('draft'), none))).toEqual({ code: 'assessment_not_in_review', status: 409 })
  })

  it('lets an approver return an assessment in review, and only in review', () => {
    expect(refusal(() => assertCanReturn(actor('approver'), state('in_review')))).toBeNull()
    expect(refusal(() => assertCanReturn(actor('approver'), state('draft')))?.status).toBe(409)
    expect(refusal(() => assertCanReturn(actor('editor'), state('in_review')))?.status).toBe(403)
  })

  it('reopens only the newest approved version', () => {
    expect(refusal(() => assertCanReopen(actor('editor'), state('approved', { isLatestVersion: true })))).toBeNull()
    expect(refusal(() => assertCanReopen(actor('editor'), state('approved', { isLatestVersion: false })))).toEqual({ code: 'assessment_not_latest', status: 409 })
    expect(refusal(() => assertCanReopen(actor('editor'), state('draft')))).toEqual({ code: 'assessment_not_approved', status: 409 })
  })

  it('offers a viewer nothing but reading', () => {
    expect(Object.values(permissionsFor(actor('viewer'), state('draft'), none)).every((allowed) => !allowed)).toBe(true)
  })

  it('offers an approver approval and return of an assessment in review', () => {
    expect(permissionsFor(actor('approver'), state('in_review'), none)).toEqual({
      canEdit: false,
      canPlan: false,
      canRequestReview: false,
      canApprove: true,
      canReturn: true,
      canReopen: false,
    })
  })
})
