import type { Localized } from '../types'

// Shapes of the incident reporting API (src/modules/incident/schemas.ts) as the screens use them.

export type Phase = 'initial' | 'intermediate' | 'final'
export const PHASES: Phase[] = ['initial', 'intermediate', 'final']
export type IncidentStatus = 'draft' | 'open' | 'closed'
export type YesNoUnknown = 'yes' | 'no' | 'unknown'
export type CurrentStatus = 'investigating' | 'contained' | 'recovering' | 'recovered'

export interface Person {
  id: string
  displayName: string
}

export interface OrgRef {
  id: string
  name: Localized
  sector: string | null
}

export interface ReportContent {
  title: string | null
  summary: string | null
  detectedAt: string | null
  occurredAt: string | null
  recoveredAt: string | null
  category: string | null
  categoryOther: string | null
  affectedServices: string[]
  customersAffected: YesNoUnknown | null
  currentStatus: CurrentStatus | null
  contact: { name: string | null; department: string | null; phone: string | null; email: string | null }
  impact: {
    criticalServicesAffected: boolean | null
    criticalServices: string[]
    clientsAffected: number | null
    clientsAffectedPercent: number | null
    transactionsAffected: number | null
    durationHours: number | null
    criticalServiceDowntimeHours: number | null
    dataAffected: YesNoUnknown | null
    dataImpact: string[]
    dataKinds: string[]
    maliciousUnauthorisedAccess: boolean | null
    monetaryLossJpy: number | null
    regions: string[]
  }
  timeline: { at: string; description: string }[]
  actionsTaken: string | null
  thirdParties: { name: string; role: string | null }[]
  informed: {
    police: boolean | null
    policeAt: string | null
    nationalCyberCentre: boolean | null
    nationalCyberCentreAt: string | null
    isac: boolean | null
    isacAt: string | null
    others: string | null
  }
  rootCause: { category: string | null; subcategory: string | null; origin: string | null; description: string | null }
  measuresTaken: string | null
  measuresPlanned: { description: string; dueDate: string | null }[]
  lessonsLearned: string | null
  attachments?: { id: string; filename: string; mediaType: string; sizeBytes: number; sha256: string }[]
}

export interface Classification {
  ruleSet: { id: string; version: string }
  severity: string
  label: Localized
  summary: Localized
  criteria: { id: string; label: Localized; fired: boolean; conditions: { field: string; met: boolean; text: Localized }[] }[]
  levels: { id: string; label: Localized; met: boolean }[]
}

export interface AttachmentEntry {
  id: string
  filename: string
  mediaType: string
  sizeBytes: number
  sha256: string
  uploadedAt: string
  uploadedBy: Person
  version: number | null
}

export interface VersionSummary {
  id: string
  version: number
  phase: Phase
  submittedAt: string
  submittedBy: Person
  severity: string
  dueAt: string | null
  late: boolean
  changes: string[]
  acknowledgedAt?: string | null
  acknowledgedBy?: Person | null
}

export interface VersionDetail extends VersionSummary {
  content: ReportContent
  contentDigest: string
  classification: Classification
}

export interface NextReport {
  phase: Phase
  dueAt: string | null
  overdue: boolean
}

export interface Deadlines {
  phases: { phase: Phase; dueAt: string | null; submittedAt: string | null; status: 'pending' | 'submitted' | 'not_required' | 'missed'; late: boolean; overdue: boolean }[]
  next: NextReport | null
  overdue: boolean
}

export interface Problem {
  path: string
  message: Localized
}

export interface Acknowledgement {
  supervisor: OrgRef
  version: number
  acknowledgedAt: string
  acknowledgedBy: Person
  comment: string | null
}

export interface SeverityOverride {
  supervisor: OrgRef
  severity: string
  reason: string
  overriddenAt: string
  overriddenBy: Person
}

export interface IncidentDetail {
  id: string
  reference: string
  status: IncidentStatus
  title: string | null
  category: string | null
  severity: string | null
  detectedAt: string | null
  createdAt: string
  updatedAt: string
  createdBy: Person
  latest: VersionDetail | null
  versions: VersionSummary[]
  draft: { phase: Phase; content: ReportContent; updatedAt: string; updatedBy: Person; classification: Classification; problems: Problem[] } | null
  nextPhases: Phase[]
  deadlines: Deadlines
  attachments: AttachmentEntry[]
  recipients: OrgRef[]
  acknowledgements: Acknowledgement[]
  severityOverrides: SeverityOverride[]
  awaitingReply: boolean
  permissions: { canEdit: boolean; canSubmit: boolean; canMessage: boolean }
}

export interface IncidentListEntry {
  id: string
  reference: string
  status: IncidentStatus
  title: string | null
  category: string | null
  severity: string | null
  latestPhase: Phase | null
  latestVersion: number
  detectedAt: string | null
  lastSubmittedAt: string | null
  updatedAt: string
  draft: { phase: Phase; updatedAt: string } | null
  next: NextReport | null
  overdue: boolean
  awaitingReply: boolean
}

export interface InboxEntry {
  id: string
  reference: string
  institution: OrgRef
  status: IncidentStatus
  title: string | null
  category: string
  severity: string
  computedSeverity: string
  overridden: boolean
  latestPhase: Phase
  latestVersion: number
  detectedAt: string
  firstSubmittedAt: string
  lastSubmittedAt: string
  next: NextReport | null
  overdue: boolean
  acknowledged: boolean
  lastMessageFrom: 'institution' | 'supervisor' | null
}

export interface SupervisorIncidentDetail {
  id: string
  reference: string
  institution: OrgRef
  status: IncidentStatus
  title: string | null
  category: string
  severity: string
  computedSeverity: string
  override: SeverityOverride | null
  detectedAt: string
  firstSubmittedAt: string
  lastSubmittedAt: string
  closedAt: string | null
  latest: VersionDetail
  versions: VersionSummary[]
  deadlines: Deadlines
  attachments: AttachmentEntry[]
  needsAcknowledgement: boolean
  lastMessageFrom: 'institution' | 'supervisor' | null
  permissions: { canAcknowledge: boolean; canOverride: boolean; canMessage: boolean }
}

export interface Message {
  id: string
  supervisor: OrgRef
  from: 'institution' | 'supervisor'
  author: Person
  body: string
  createdAt: string
}

export interface SectorStats {
  from: string
  to: string
  sector: string | null
  months: { month: string; total: number; byCategory: Record<string, number>; bySeverity: Record<string, number> }[]
  totals: { total: number; byCategory: Record<string, number>; bySeverity: Record<string, number> }
}

interface Labelled {
  id: string
  label: Localized
}

export interface Vocabulary {
  categories: Labelled[]
  causes: (Labelled & { subcategories: Labelled[] })[]
  phases: Labelled[]
  incidentStatuses: Labelled[]
  currentStatuses: Labelled[]
  yesNoUnknown: Labelled[]
  dataImpactKinds: Labelled[]
  origins: Labelled[]
  ruleSet: { id: string; version: string; title: Localized; source: Localized | null }
  severities: (Labelled & { description: Localized })[]
  criteria: { id: string; label: Localized; note: Localized | null; fields: { field: string; label: Localized }[] }[]
  deadlines: { phase: Phase; after: string; hours: number; days: number; months: number; note: Localized | null }[]
}
