// Shapes of the Kamae HTTP API as the SPA uses them (see /api/docs for the full OpenAPI description).

export type Lang = 'ja' | 'en'
export type Role = 'admin' | 'editor' | 'approver' | 'viewer'
export const ROLES: Role[] = ['admin', 'editor', 'approver', 'viewer']

export interface Localized {
  ja: string
  en: string
}

export interface LocalizedList {
  ja: string[]
  en: string[]
}

// ------------------------------------------------------------------ identity

export type SessionState = 'active' | 'mfa_required' | 'mfa_enrolment_required'

export interface Membership {
  orgId: string
  role: Role
  kind: string
  nameJa: string
  nameEn: string
  sector: string | null
  sizeBand: string | null
}

export interface Session {
  authenticated: boolean
  csrfToken: string
  state?: SessionState
  user?: { id: string; email: string; displayName: string; locale: Lang; mfaEnabled: boolean }
  activeOrgId?: string | null
  memberships?: Membership[]
}

export interface Member {
  userId: string
  email: string
  displayName: string
  role: Role
  mfaEnabled: boolean
  joinedAt: string
}

export interface Invitation {
  id: string
  email: string
  role: Role
  createdAt: string
  expiresAt: string
  status: string
}

export interface CreatedInvitation {
  id: string
  email: string
  role: Role
  link: string
  expiresAt: string
}

export interface InvitationOffer {
  email: string
  role: Role
  organisation: { nameJa: string; nameEn: string }
  existingUser: boolean
}

export interface MfaEnrolment {
  secret: string
  otpauthUri: string
  qrCodeDataUrl: string
}

// ------------------------------------------------------------------ catalog

export interface CatalogSummary {
  id: string
  key: string
  version: string
  title: Localized
  itemCount: number
  loadedAt: string
}

export interface ScaleOption {
  value: number
  label: Localized
  score: number
}

export interface AnswerScale {
  options: ScaleOption[]
  notApplicable: { label: Localized; requiresReason: boolean }
}

export type ItemClass = 'basic' | 'desirable'

export interface CatalogItem {
  ref: string
  class: ItemClass
  title: Localized
  text: Localized
  guidance: Localized | null
  evidence: LocalizedList
  applicability: { sectors: string[] | null; sizes: string[] | null }
  crosswalk: Partial<Record<string, string[]>>
  scale: AnswerScale
  sectionRef: string
}

export interface CatalogSection {
  ref: string
  title: Localized
  assessed: boolean
  summary: Localized | null
  sections: CatalogSection[]
  items: CatalogItem[]
}

export interface Catalog {
  id: string
  key: string
  version: string
  title: Localized
  scale: AnswerScale
  sections: CatalogSection[]
}

// ------------------------------------------------------------------ assessment

export type AssessmentStatus = 'draft' | 'in_review' | 'approved'

export interface CatalogRef {
  id: string
  key: string
  version: string
  title: Localized
}

export interface UserRef {
  id: string
  displayName: string
}

export interface AssessmentSummary {
  id: string
  lineageId: string
  version: number
  title: string
  status: AssessmentStatus
  catalog: CatalogRef
  updatedAt: string
  progress: number | null
  score: number | null
  olderVersions?: unknown
}

export interface AssessmentPermissions {
  canEdit: boolean
  canPlan: boolean
  canRequestReview: boolean
  canApprove: boolean
  canReturn: boolean
  canReopen: boolean
}

export interface AssessmentVersion {
  id: string
  version: number
  status: AssessmentStatus
  approvedAt: string | null
}

export interface AssessmentDetail {
  id: string
  lineageId: string
  version: number
  title: string
  status: AssessmentStatus
  catalog: CatalogRef
  createdAt: string
  updatedAt: string
  createdBy: UserRef | null
  reviewRequestedAt: string | null
  reviewRequestedBy: UserRef | null
  returnedAt: string | null
  returnComment: string | null
  approvedAt: string | null
  approvedBy: UserRef | null
  approvalComment: string | null
  lockedAt: string | null
  versions: AssessmentVersion[]
  permissions: AssessmentPermissions
}

export interface ItemState {
  ref: string
  inScope: boolean
  value: number | null
  notApplicable: boolean
  naReason: string | null
  comment: string | null
  updatedAt: string | null
  updatedBy: UserRef | null
  evidenceCount: number
}

export type ItemPatch = Partial<Pick<ItemState, 'value' | 'notApplicable' | 'naReason' | 'comment' | 'inScope'>>

export interface Score {
  score: number | null
  progress: number | null
  answered: number
  inScope: number
  basicCompliance: number | null
  desirableAdoption: number | null
  basicTotal: number
  desirableTotal: number
}

export interface SectionScore extends Score {
  ref: string
  title: Localized
}

export interface Scores {
  overall: Score
  sections: SectionScore[]
}

export interface DiffChange {
  ref: string
  field: string
  before: unknown
  after: unknown
}

export interface Diff {
  from: unknown
  to: unknown
  changes: DiffChange[]
}

export interface Evidence {
  id: string
  itemRef: string
  filename: string
  sha256: string
  sizeBytes: number
  mediaType: string
  uploadedAt: string
  uploadedBy?: UserRef | null
}

export type ActionStatus = 'open' | 'in_progress' | 'done' | 'cancelled'
export const ACTION_STATUSES: ActionStatus[] = ['open', 'in_progress', 'done', 'cancelled']

export interface RemediationAction {
  id: string
  title: string
  description: string | null
  owner: string | null
  dueDate: string | null
  status: ActionStatus
  itemRefs: string[]
  createdAt?: string
  updatedAt?: string
}

export interface ActionInput {
  title: string
  description?: string | null
  owner?: string | null
  dueDate?: string | null
  status?: ActionStatus
  itemRefs?: string[]
}

export interface ImportResult {
  answersUpdated: number
  actionsCreated: number
  actionsUpdated: number
}
