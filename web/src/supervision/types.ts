import type { Localized } from '../types'

// Shapes of the supervision-round API (src/modules/supervision/schemas.ts) as the SPA uses them.
// Dates are ISO 8601 strings; scores and rates are 0..1, percentile ranks 0..100.

export type RoundKind = 'self_assessment' | 'self_inspection'
export const ROUND_KINDS: RoundKind[] = ['self_assessment', 'self_inspection']
export type RoundStatus = 'draft' | 'published' | 'closed'
export type TargetState = 'not_started' | 'in_progress' | 'submitted' | 'late' | 'returned'
export const TARGET_STATES: TargetState[] = ['not_started', 'in_progress', 'submitted', 'late', 'returned']
export type ItemClass = 'basic' | 'desirable'

export const SECTORS = ['regional_bank', 'major_bank', 'shinkin', 'credit_union', 'securities', 'insurance', 'crypto_exchange', 'payment', 'other'] as const
export const SIZE_BANDS = ['small', 'medium', 'large'] as const

export interface RoundCatalogRef {
  id: string
  key: string
  version: string
  title: Localized
}

export interface RoundCounts {
  targets: number
  started: number
  submitted: number
  late: number
  returned: number
}

export interface RoundSummary {
  id: string
  kind: RoundKind
  title: Localized
  status: RoundStatus
  catalog: RoundCatalogRef
  opensAt: string
  dueAt: string
  createdAt: string
  publishedAt: string | null
  closedAt: string | null
  feedbackReleasedAt: string | null
  counts: RoundCounts
}

export interface RoundTarget {
  mode: 'criteria' | 'list'
  sectors: string[] | null
  sizes: string[] | null
  institutionIds: string[]
}

export interface RoundDetail extends RoundSummary {
  instructions: string
  target: RoundTarget
  carryForward: boolean
  kAnonymity: number
  feedbackGeneratedAt: string | null
  permissions: { edit: boolean; publish: boolean; close: boolean; manage: boolean }
}

export interface RoundInput {
  kind: RoundKind
  title: Localized
  catalogId: string
  target: RoundTarget
  opensAt: string
  dueAt: string
  instructions: string
  carryForward: boolean
  kAnonymity: number
}

export interface InstitutionRef {
  id: string
  name: Localized
  sector: string
  sizeBand: string
}

export interface TargetStatus {
  institution: InstitutionRef
  state: TargetState
  submission: { id: string; version: number; submittedAt: string; digest: string; late: boolean; source: 'online' | 'import'; overallScore: number | null } | null
  lastRemindedAt: string | null
}

export interface SubmissionEntry {
  id: string
  version: number
  submittedAt: string
  submittedBy: string
  digest: string
  late: boolean
  source: 'online' | 'import'
  overallScore: number | null
  basicCompliance: number | null
}

export interface ThreadEntry {
  id: string
  kind: 'return' | 'response' | 'reminder' | 'submission'
  side: 'supervisor' | 'institution'
  author: string | null
  body: string
  submissionVersion: number | null
  createdAt: string
}

export interface InstitutionInRound {
  target: TargetStatus
  submissions: SubmissionEntry[]
  thread: ThreadEntry[]
  scores: { sections: { ref: string; title: Localized; score: number | null; basicCompliance: number | null }[] } | null
}

export interface MyRoundSummary {
  id: string
  kind: RoundKind
  title: Localized
  status: RoundStatus
  supervisor: Localized
  dueAt: string
  state: TargetState
  feedbackReleased: boolean
}

export interface InstitutionRound {
  id: string
  kind: RoundKind
  title: Localized
  status: RoundStatus
  supervisor: Localized
  catalog: RoundCatalogRef
  opensAt: string
  dueAt: string
  instructions: string
  carryForward: boolean
  state: TargetState
  assessmentId: string | null
  submissions: SubmissionEntry[]
  thread: ThreadEntry[]
  feedbackReleased: boolean
  permissions: { start: boolean; submit: boolean; respond: boolean }
}

export interface ApprovedAssessment {
  id: string
  title: string
  version: number
  approvedAt: string | null
}

// ---------------------------------------------------------------- analysis and feedback

export interface Distribution {
  count: number
  mean: number
  p10: number
  p25: number
  median: number
  p75: number
  p90: number
  min: number
  max: number
}

export interface GroupFigure {
  sector: string
  sizeBand: string | null
  size: number
  belowK: boolean
  distribution: Distribution | null
}

export interface MetricFigures {
  all: Distribution | null
  bySector: GroupFigure[]
  byPeer: GroupFigure[]
}

export interface CommonWeakness {
  ref: string
  sectionRef: string
  class: ItemClass
  title: Localized
  implementationRate: number
  assessed: number
}

export interface ItemRate {
  ref: string
  sectionRef: string
  class: ItemClass
  title: Localized
  assessed: number
  inPlace: number
  rate: number | null
  previousRate: number | null
}

export interface RoundAnalysis {
  k: number
  targets: number
  submissions: number
  overall: MetricFigures
  basicCompliance: MetricFigures
  fullBasicComplianceRate: number | null
  sections: (MetricFigures & { ref: string; title: Localized })[]
  items: ItemRate[]
  commonWeaknesses: CommonWeakness[]
  previous: {
    roundId: string
    title: Localized
    submissions: number
    overallMean: number | null
    basicComplianceMean: number | null
    sections: { ref: string; mean: number | null }[]
  } | null
}

export interface DrillDownRow {
  institution: InstitutionRef
  score: number | null
  basicCompliance: number | null
  itemInPlace: boolean | null
  submission: { id: string; version: number; submittedAt: string; late: boolean }
}

export interface PeerGroup {
  level: 'peer' | 'sector' | 'all'
  sector: string | null
  sizeBand: string | null
  size: number
  fellBackFrom: 'peer' | 'sector' | null
}

export interface SectionFeedback {
  ref: string
  title: Localized
  score: number | null
  peers: Distribution | null
  percentileRank: number | null
  previousScore: number | null
}

export interface FeedbackReport {
  roundId: string
  roundTitle: Localized
  roundKind: RoundKind
  catalog: { key: string; version: string; title: Localized }
  institution: InstitutionRef
  submission: { version: number; submittedAt: string; digest: string; late: boolean }
  generatedAt: string
  k: number
  peerGroup: PeerGroup
  overall: SectionFeedback
  basicCompliance: { own: number | null; peers: Distribution | null }
  sections: SectionFeedback[]
  unmetBasicItems: { ref: string; sectionRef: string; title: Localized; ownScore: number }[]
  largestGaps: { ref: string; sectionRef: string; class: ItemClass; title: Localized; ownScore: number; peerImplementationRate: number }[]
  trend: { roundId: string; roundTitle: Localized; closedAt: string; overall: number | null; basicCompliance: number | null }[]
}

export interface SectorSummary {
  roundId: string
  roundTitle: Localized
  catalog: { key: string; version: string; title: Localized }
  generatedAt: string
  k: number
  targets: number
  submissions: number
  headline: { meanOverall: number | null; meanBasicCompliance: number | null; fullBasicComplianceRate: number | null }
  overall: Distribution | null
  sections: { ref: string; title: Localized; distribution: Distribution | null }[]
  bySector: { sector: string; distribution: Distribution }[]
  othersFolded: number
  commonWeaknesses: CommonWeakness[]
  trend: { previousRoundId: string; previousRoundTitle: Localized; previousMeanOverall: number | null; previousMeanBasicCompliance: number | null } | null
}

export interface FeedbackJob {
  state: 'idle' | 'running' | 'done' | 'failed'
  total: number
  done: number
  startedAt: string | null
  finishedAt: string | null
  error: string | null
  generatedAt: string | null
  releasedAt: string | null
}

export interface NotificationEntry {
  id: string
  kind: string
  title: Localized
  body: Localized
  link: string | null
  createdAt: string
  read: boolean
}

export interface NotificationList {
  unread: number
  items: NotificationEntry[]
}
