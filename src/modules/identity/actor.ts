import type { Locale } from '../../i18n/locale.js'

export const ROLES = ['admin', 'editor', 'approver', 'viewer'] as const
export type Role = (typeof ROLES)[number]
export const ORG_KINDS = ['institution', 'supervisor', 'isac'] as const
export type OrgKind = (typeof ORG_KINDS)[number]

/** Who is acting, for which organisation: every service call takes one and filters by its orgId. */
export interface Actor {
  userId: string
  orgId: string
  orgKind: OrgKind
  role: Role
  /** The session passed a TOTP check (or a recovery code) since login. */
  mfaVerified: boolean
  locale: Locale
}

/** Roles that must have MFA before they can act (DESIGN.md §7). */
export const MFA_REQUIRED_ROLES: readonly Role[] = ['admin', 'approver']
