import { AppError } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { classify, type Classification } from './classification.js'
import { changedFields, factsOf, type ReportContent } from './content.js'
import { deadlineState, type DeadlineState, type PhaseDeadlineStatus, type ReportingHistory } from './deadlines.js'
import type { IncidentRecord } from './fire.js'
import type { ReportingPolicy } from './load-policy.js'
import type * as repo from './repository.js'
import type { Phase } from './schema.js'
import { labelOf, type Taxonomy } from './taxonomy.js'

// What the incident services answer, and the pure pieces both sides (institution, supervisor)
// build their answers from.

export interface Person {
  id: string
  displayName: string
}

export interface OrgRef {
  id: string
  name: Localized
  sector: string | null
}

export type IncidentStatus = 'draft' | 'open' | 'closed'

export interface AttachmentEntry {
  id: string
  filename: string
  mediaType: string
  sizeBytes: number
  sha256: string
  uploadedAt: Date
  uploadedBy: Person
  /** The version it was submitted with; null while it waits for the next report. */
  version: number | null
}

export interface VersionSummary {
  id: string
  version: number
  phase: Phase
  submittedAt: Date
  submittedBy: Person
  severity: string
  dueAt: Date | null
  late: boolean
  /** Fields this version added or corrected against the one before. */
  changes: string[]
}

export interface VersionDetail extends VersionSummary {
  content: ReportContent
  contentDigest: string
  classification: Classification
}

export interface DeadlineView {
  phases: { phase: Phase; dueAt: Date | null; submittedAt: Date | null; status: PhaseDeadlineStatus; late: boolean; overdue: boolean }[]
  next: { phase: Phase; dueAt: Date | null; overdue: boolean } | null
  overdue: boolean
}

export interface AcknowledgementView {
  supervisor: OrgRef
  version: number
  acknowledgedAt: Date
  acknowledgedBy: Person
  comment: string | null
}

export interface SeverityOverrideView {
  supervisor: OrgRef
  severity: string
  reason: string
  overriddenAt: Date
  overriddenBy: Person
}

export interface MessageView {
  id: string
  supervisor: OrgRef
  from: 'institution' | 'supervisor'
  author: Person
  body: string
  createdAt: Date
}

export const NOT_FOUND_MESSAGES = {
  incident: { ja: 'インシデント報告が見つかりません', en: 'Incident not found' },
  version: { ja: '報告の版が見つかりません', en: 'Report version not found' },
  attachment: { ja: '添付ファイルが見つかりません', en: 'Attachment not found' },
} satisfies Record<string, Localized>

// A record of another organisation, a draft a supervisor asks for, an id that does not exist: the
// same answer each time, without the id, so probing teaches nothing (DESIGN.md §7).
export const missing = (what: keyof typeof NOT_FOUND_MESSAGES) => new AppError('not_found', 404, NOT_FOUND_MESSAGES[what])

export function personOf(names: Map<string, string>, id: string): Person {
  return { id, displayName: names.get(id) ?? id }
}

export function orgRefOf(org: repo.OrganisationRef | undefined, id: string): OrgRef {
  return org ? { id: org.id, name: { ja: org.nameJa, en: org.nameEn }, sector: org.sector } : { id, name: { ja: id, en: id }, sector: null }
}

export function statusOf(incident: repo.IncidentRow): IncidentStatus {
  if (incident.latestVersion === 0) return 'draft'
  return incident.closedAt ? 'closed' : 'open'
}

const dateOrNull = (iso: string | null | undefined) => (iso ? new Date(iso) : null)

/** The history the deadline clocks run on: detection as last reported (or as drafted), and the submissions. */
export function historyOf(incident: repo.IncidentRow, submissions: { phase: Phase; submittedAt: Date }[], draft: { content: ReportContent } | null): ReportingHistory {
  return { detectedAt: incident.detectedAt ?? dateOrNull(draft?.content.detectedAt), submissions }
}

export function deadlineView(state: DeadlineState): DeadlineView {
  return {
    phases: state.phases.map((p) => ({ phase: p.phase, dueAt: p.dueAt, submittedAt: p.submittedAt, status: p.status, late: p.late, overdue: p.overdue })),
    next: state.next,
    overdue: state.overdue,
  }
}

export function deadlinesOf(policy: ReportingPolicy, history: ReportingHistory, now: Date): DeadlineView {
  return deadlineView(deadlineState(history, policy.deadlines, now))
}

/** What the incident row should say about the next report owed, after a change. */
export function nextDueColumns(policy: ReportingPolicy, history: ReportingHistory, now: Date) {
  const next = deadlineState(history, policy.deadlines, now).next
  return { nextDuePhase: next?.phase ?? null, nextDueAt: next?.dueAt ?? null }
}

const isLate = (report: repo.ReportRow) => report.dueAt !== null && report.submittedAt.getTime() > report.dueAt.getTime()

export function versionSummaries(reports: repo.ReportRow[], names: Map<string, string>): VersionSummary[] {
  return reports.map((report, i) => ({
    id: report.id,
    version: report.version,
    phase: report.phase,
    submittedAt: report.submittedAt,
    submittedBy: personOf(names, report.submittedBy),
    severity: report.severity,
    dueAt: report.dueAt,
    late: isLate(report),
    changes: changedFields(i > 0 ? reports[i - 1]!.content : null, report.content),
  }))
}

export function versionDetail(reports: repo.ReportRow[], version: number, names: Map<string, string>): VersionDetail | null {
  const index = reports.findIndex((r) => r.version === version)
  if (index < 0) return null
  const report = reports[index]!
  const summary = versionSummaries(reports, names)[index]!
  return { ...summary, content: report.content, contentDigest: report.contentDigest, classification: report.classification }
}

export function attachmentEntries(rows: repo.AttachmentRow[], reports: repo.ReportRow[], names: Map<string, string>): AttachmentEntry[] {
  const versionOf = new Map(reports.map((r) => [r.id, r.version]))
  return rows.map((row) => ({
    id: row.id,
    filename: row.filename,
    mediaType: row.mediaType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    uploadedAt: row.uploadedAt,
    uploadedBy: personOf(names, row.uploadedBy),
    version: row.reportId ? (versionOf.get(row.reportId) ?? null) : null,
  }))
}

export function acknowledgementViews(rows: repo.AcknowledgementRow[], reports: repo.ReportRow[], orgs: Map<string, repo.OrganisationRef>, names: Map<string, string>): AcknowledgementView[] {
  const versionOf = new Map(reports.map((r) => [r.id, r.version]))
  return rows.flatMap((row) => {
    const version = versionOf.get(row.reportId)
    if (version === undefined) return []
    return [{ supervisor: orgRefOf(orgs.get(row.supervisorOrgId), row.supervisorOrgId), version, acknowledgedAt: row.acknowledgedAt, acknowledgedBy: personOf(names, row.acknowledgedBy), comment: row.comment }]
  })
}

export function overrideViews(rows: repo.OverrideRow[], orgs: Map<string, repo.OrganisationRef>, names: Map<string, string>): SeverityOverrideView[] {
  return rows.map((row) => ({
    supervisor: orgRefOf(orgs.get(row.supervisorOrgId), row.supervisorOrgId),
    severity: row.severity,
    reason: row.reason,
    overriddenAt: row.overriddenAt,
    overriddenBy: personOf(names, row.overriddenBy),
  }))
}

export function messageViews(rows: repo.MessageRow[], orgs: Map<string, repo.OrganisationRef>, names: Map<string, string>): MessageView[] {
  return rows.map((row) => ({
    id: row.id,
    supervisor: orgRefOf(orgs.get(row.supervisorOrgId), row.supervisorOrgId),
    from: row.authorOrgId === row.supervisorOrgId ? 'supervisor' : 'institution',
    author: personOf(names, row.authorUserId),
    body: row.body,
    createdAt: row.createdAt,
  }))
}

/** The classification of a content under the current rule set (for drafts; submitted reports keep theirs). */
export function classifyContent(policy: ReportingPolicy, content: ReportContent): Classification {
  return classify(policy.classification, { id: policy.id, version: policy.version }, factsOf(content))
}

/** One incident as the FIRE and XLSX exports see it. */
export function incidentRecord(input: {
  incident: repo.IncidentRow
  institution: repo.OrganisationRef
  reports: repo.ReportRow[]
  draft: repo.DraftRow | null
  override: repo.OverrideRow | null
  policy: ReportingPolicy
  taxonomy: Taxonomy
  now: Date
}): IncidentRecord {
  const { incident, reports, draft, policy } = input
  const latest = reports.at(-1) ?? null
  const content = latest?.content ?? draft?.content
  if (!content) throw missing('incident')
  const history = historyOf(incident, reports.map((r) => ({ phase: r.phase, submittedAt: r.submittedAt })), draft)
  return {
    reference: incident.reference,
    institution: { nameJa: input.institution.nameJa, nameEn: input.institution.nameEn, sector: input.institution.sector },
    status: statusOf(incident),
    phase: latest?.phase ?? draft?.phase ?? null,
    version: latest?.version ?? null,
    submittedAt: latest?.submittedAt ?? null,
    closedAt: incident.closedAt,
    content,
    classification: latest?.classification ?? classifyContent(policy, content),
    override: input.override ? { severity: input.override.severity, reason: input.override.reason, at: input.override.overriddenAt } : null,
    versions: reports.map((r) => ({ version: r.version, phase: r.phase, submittedAt: r.submittedAt, dueAt: r.dueAt, late: isLate(r), severity: r.severity, contentDigest: r.contentDigest })),
    categoryLabel: labelOf(input.taxonomy.categories, content.category),
    nextDue: deadlineState(history, policy.deadlines, input.now).next,
  }
}
