import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { digestOf } from '../../canonical-json.js'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, conflict, invalid, tooLarge, type ErrorDetail } from '../../errors.js'
import type { Locale, Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import { ALLOWED_EXTENSIONS, checkEvidenceType, cleanFilename } from '../assessment/evidence.js'
import type { Actor } from '../identity/actor.js'
import { FACT_FIELDS, type Classification } from './classification.js'
import { normalizeContent, problemsForPhase, taxonomyProblems, type ReportContent, type ReportContentInput } from './content.js'
import { buildFireDocument, readFireFile, type FireDocument, type ImportedReport } from './fire.js'
import { reportingData, type ReportingPolicy } from './load-policy.js'
import { assertCanAnswer, assertCanReport, assertInstitution, assertPhaseAllowed, nextPhases } from './permissions.js'
import * as repo from './repository.js'
import type { Phase } from './schema.js'
import { DATA_IMPACT_LABELS, INCIDENT_STATUS_LABELS, ORIGIN_LABELS, PHASE_LABELS, STATUS_LABELS, YES_NO_UNKNOWN_LABELS, type Taxonomy } from './taxonomy.js'
import {
  acknowledgementViews,
  attachmentEntries,
  classifyContent,
  deadlinesOf,
  historyOf,
  incidentRecord,
  messageViews,
  missing,
  nextDueColumns,
  orgRefOf,
  overrideViews,
  personOf,
  statusOf,
  versionDetail,
  versionSummaries,
  type AcknowledgementView,
  type AttachmentEntry,
  type DeadlineView,
  type IncidentStatus,
  type MessageView,
  type OrgRef,
  type Person,
  type SeverityOverrideView,
  type VersionDetail,
  type VersionSummary,
} from './views.js'
import { buildIncidentWorkbook } from './xlsx.js'

// Incident reports, the institution's side (issue 4): file an initial report in under a minute,
// then intermediate reports and a final one; every submitted report is an immutable version with
// its classification; the next report is kept as a draft no supervisor sees. Every query is
// filtered by the actor's organisation; every write runs in one transaction with its audit event,
// and inside a transaction only `tx` is used (PGlite has one connection).

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** A selection export names at most this many incidents. */
export const MAX_EXPORT = 500

// ---------------------------------------------------------------- views

export interface DraftView {
  phase: Phase
  content: ReportContent
  updatedAt: Date
  updatedBy: Person
  /** The severity the rule set gives what the draft says now. */
  classification: Classification
  /** What is still missing before the draft can be submitted. */
  problems: { path: string; message: Localized }[]
}

export interface IncidentDetail {
  id: string
  reference: string
  status: IncidentStatus
  title: string | null
  category: string | null
  severity: string | null
  detectedAt: Date | null
  createdAt: Date
  updatedAt: Date
  createdBy: Person
  latest: VersionDetail | null
  versions: VersionSummary[]
  draft: DraftView | null
  nextPhases: Phase[]
  deadlines: DeadlineView
  attachments: AttachmentEntry[]
  recipients: OrgRef[]
  acknowledgements: AcknowledgementView[]
  severityOverrides: SeverityOverrideView[]
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
  detectedAt: Date | null
  lastSubmittedAt: Date | null
  updatedAt: Date
  draft: { phase: Phase; updatedAt: Date } | null
  next: DeadlineView['next']
  overdue: boolean
  awaitingReply: boolean
}

const allowed = (check: () => void) => {
  try {
    check()
    return true
  } catch {
    return false
  }
}

const reportIncomplete = (details: ErrorDetail[]) =>
  new AppError(
    'report_incomplete',
    400,
    { ja: '報告を提出できません。不足している項目を入力してください', en: 'The report cannot be submitted yet: fill in what is missing' },
    details,
  )

const invalidContent = (details: ErrorDetail[]) => invalid(details[0]?.message ?? { ja: '入力内容に誤りがあります', en: 'The request is not valid' }, details)

const incidentClosed = () =>
  conflict('incident_closed', { ja: '最終報の提出後は変更できません', en: 'The final report has been submitted: the incident is closed' })

export const importFailed = (details: ErrorDetail[]) =>
  new AppError(
    'import_failed',
    400,
    {
      ja: 'ファイルを取り込めませんでした。指摘された箇所を直して、もう一度取り込んでください（何も変更していません）',
      en: 'The file could not be imported: fix the places listed and import it again (nothing was changed)',
    },
    details,
  )

async function requireIncident(db: Queryable, actor: Actor, id: string): Promise<repo.IncidentRow> {
  assertInstitution(actor)
  const row = await repo.findIncident(db, actor.orgId, id)
  if (!row) throw missing('incident')
  return row
}

async function lockIncident(db: Queryable, actor: Actor, id: string): Promise<repo.IncidentRow> {
  assertInstitution(actor)
  const row = await repo.findIncidentForUpdate(db, actor.orgId, id)
  if (!row) throw missing('incident')
  return row
}

async function describeIncident(db: Queryable, actor: Actor, id: string, now: Date): Promise<IncidentDetail> {
  const { policy, taxonomy } = reportingData()
  const incident = await requireIncident(db, actor, id)
  const reports = await repo.reportsOf(db, id)
  const draftRow = (await repo.findDraft(db, actor.orgId, id)) ?? null
  const attachments = await repo.attachmentsOf(db, id, false)
  const recipients = await repo.supervisorsOf(db, actor.orgId)
  const acks = await repo.acknowledgementsOf(db, [id])
  const overrides = await repo.overridesOf(db, [id])
  const lastAuthors = await repo.lastAuthorsOf(db, [id])
  const names = await repo.displayNames(db, [
    incident.createdBy,
    ...reports.map((r) => r.submittedBy),
    draftRow?.updatedBy ?? null,
    ...attachments.map((a) => a.uploadedBy),
    ...acks.map((a) => a.acknowledgedBy),
    ...overrides.map((o) => o.overriddenBy),
  ])
  const orgs = await repo.organisationsByIds(db, [...acks.map((a) => a.supervisorOrgId), ...overrides.map((o) => o.supervisorOrgId)])
  const submissions = reports.map((r) => ({ phase: r.phase, submittedAt: r.submittedAt }))
  const latest = reports.at(-1)
  const canEdit = allowed(() => assertCanReport(actor)) && incident.closedAt === null
  const draft = draftRow ? describeDraft(draftRow, names, policy, taxonomy, now) : null
  return {
    id: incident.id,
    reference: incident.reference,
    status: statusOf(incident),
    title: incident.title ?? draftRow?.content.title ?? null,
    category: incident.category,
    severity: incident.severity,
    detectedAt: incident.detectedAt,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    createdBy: personOf(names, incident.createdBy),
    latest: latest ? versionDetail(reports, latest.version, names) : null,
    versions: versionSummaries(reports, names),
    draft,
    nextPhases: nextPhases(incident.latestPhase),
    deadlines: deadlinesOf(policy, historyOf(incident, submissions, draftRow), now),
    attachments: attachmentEntries(attachments, reports, names),
    recipients: recipients.map((org) => orgRefOf(org, org.id)),
    acknowledgements: acknowledgementViews(acks, reports, orgs, names),
    severityOverrides: overrideViews(overrides, orgs, names),
    awaitingReply: lastAuthors.some((m) => m.authorOrgId !== actor.orgId),
    permissions: {
      canEdit,
      canSubmit: canEdit && draft !== null && draft.problems.length === 0,
      canMessage: allowed(() => assertCanAnswer(actor)) && incident.latestVersion > 0 && recipients.length > 0,
    },
  }
}

function describeDraft(row: repo.DraftRow, names: Map<string, string>, policy: ReportingPolicy, taxonomy: Taxonomy, now: Date): DraftView {
  const content = normalizeContent(row.content)
  return {
    phase: row.phase,
    content,
    updatedAt: row.updatedAt,
    updatedBy: personOf(names, row.updatedBy),
    classification: classifyContent(policy, content),
    problems: problemsForPhase(content, row.phase, taxonomy, now, 'content'),
  }
}

// ---------------------------------------------------------------- vocabulary

const entries = (labels: Record<string, Localized>) => Object.entries(labels).map(([id, label]) => ({ id, label }))

/** The words and rules of incident reporting, for the screens of both sides. */
export function reportingVocabulary() {
  const { policy, taxonomy } = reportingData()
  return {
    categories: taxonomy.categories.map((c) => ({ id: c.id, label: c.label })),
    causes: taxonomy.causes.map((c) => ({ id: c.id, label: c.label, subcategories: c.subcategories.map((s) => ({ id: s.id, label: s.label })) })),
    phases: entries(PHASE_LABELS),
    incidentStatuses: entries(INCIDENT_STATUS_LABELS),
    currentStatuses: entries(STATUS_LABELS),
    yesNoUnknown: entries(YES_NO_UNKNOWN_LABELS),
    dataImpactKinds: entries(DATA_IMPACT_LABELS),
    origins: entries(ORIGIN_LABELS),
    ruleSet: { id: policy.id, version: policy.version, title: policy.title, source: policy.source },
    severities: [...policy.classification.levels, policy.classification.otherwise].map((l) => ({ id: l.id, label: l.label, description: l.description })),
    criteria: policy.classification.criteria.map((c) => ({
      id: c.id,
      label: c.label,
      note: c.note ?? null,
      fields: c.conditions.map((condition) => ({ field: condition.field, label: FACT_FIELDS[condition.field].label })),
    })),
    deadlines: (['initial', 'intermediate', 'final'] as const).map((phase) => {
      const rule = policy.deadlines[phase]
      return { phase, after: rule.after, hours: rule.hours ?? 0, days: rule.days ?? 0, months: rule.months ?? 0, note: rule.note ?? null }
    }),
  }
}

// ---------------------------------------------------------------- incidents

export async function listIncidents(ctx: AppContext, actor: Actor): Promise<IncidentListEntry[]> {
  assertInstitution(actor)
  const { policy } = reportingData()
  const now = ctx.clock()
  const rows = await repo.incidentsOfOrg(ctx.db, actor.orgId)
  const ids = rows.map((row) => row.incident.id)
  const submissions = await repo.submissionsOfMany(ctx.db, ids)
  const lastAuthors = await repo.lastAuthorsOf(ctx.db, ids)
  return rows.map(({ incident, draft }) => {
    const deadlines = deadlinesOf(policy, historyOf(incident, submissions.get(incident.id) ?? [], draft), now)
    return {
      id: incident.id,
      reference: incident.reference,
      status: statusOf(incident),
      title: incident.title ?? draft?.content.title ?? null,
      category: incident.category ?? draft?.content.category ?? null,
      severity: incident.severity,
      latestPhase: incident.latestPhase,
      latestVersion: incident.latestVersion,
      detectedAt: incident.detectedAt ?? (draft?.content.detectedAt ? new Date(draft.content.detectedAt) : null),
      lastSubmittedAt: incident.lastSubmittedAt,
      updatedAt: incident.updatedAt,
      draft: draft ? { phase: draft.phase, updatedAt: draft.updatedAt } : null,
      next: deadlines.next,
      overdue: deadlines.overdue,
      awaitingReply: lastAuthors.some((m) => m.incidentId === incident.id && m.authorOrgId !== actor.orgId),
    }
  })
}

export async function getIncident(ctx: AppContext, actor: Actor, id: string): Promise<IncidentDetail> {
  return describeIncident(ctx.db, actor, id, ctx.clock())
}

export async function getVersion(ctx: AppContext, actor: Actor, id: string, version: number): Promise<VersionDetail> {
  await requireIncident(ctx.db, actor, id)
  const reports = await repo.reportsOf(ctx.db, id)
  const names = await repo.displayNames(
    ctx.db,
    reports.map((r) => r.submittedBy),
  )
  const detail = versionDetail(reports, version, names)
  if (!detail) throw missing('version')
  return detail
}

/** INC-<year>-<nnnn>, numbered per institution and year (Japan time). */
async function newReference(tx: Queryable, orgId: string, now: Date): Promise<string> {
  const year = new Date(now.getTime() + 9 * 3_600_000).getUTCFullYear()
  const n = await repo.nextReferenceNumber(tx, orgId, year)
  return `INC-${year}-${String(n).padStart(4, '0')}`
}

/** A new incident whose draft initial report holds `content`, inside the caller's transaction. */
async function insertIncidentWithDraft(tx: Queryable, actor: Actor, content: ReportContent, now: Date, via: 'form' | 'import'): Promise<{ id: string; reference: string }> {
  const { policy } = reportingData()
  const id = randomUUID()
  const reference = await newReference(tx, actor.orgId, now)
  const history = { detectedAt: content.detectedAt ? new Date(content.detectedAt) : null, submissions: [] }
  await repo.insertIncident(tx, { id, orgId: actor.orgId, reference, createdBy: actor.userId, createdAt: now, updatedAt: now, ...nextDueColumns(policy, history, now) })
  await repo.saveDraft(tx, { incidentId: id, orgId: actor.orgId, phase: 'initial', content, updatedBy: actor.userId, updatedAt: now })
  await recordAudit(tx, {
    actorUserId: actor.userId,
    orgId: actor.orgId,
    action: 'incident.created',
    target: { type: 'incident', id },
    after: { reference, draft: content },
    details: { reference, via },
    at: now,
  })
  return { id, reference }
}

/**
 * Opens an incident with a draft of its initial report; with `submit`, the initial report is
 * submitted at once (the one-minute path), or nothing is created when it is incomplete.
 */
export async function createIncident(ctx: AppContext, actor: Actor, input: { content?: ReportContentInput; submit?: boolean }): Promise<IncidentDetail> {
  assertCanReport(actor)
  const { taxonomy } = reportingData()
  const content = normalizeContent(input.content ?? {})
  const problems = taxonomyProblems(content, taxonomy, 'body.content')
  if (problems.length > 0) throw invalidContent(problems)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const { id } = await insertIncidentWithDraft(tx, actor, content, now, 'form')
    if (input.submit) await submitInTransaction(tx, actor, await lockIncident(tx, actor, id), now, 'body.content')
    return describeIncident(tx, actor, id, now)
  })
}

/** Replaces the draft of the next report (autosave target). */
export async function saveDraft(ctx: AppContext, actor: Actor, id: string, input: { phase: Phase; content: ReportContentInput }): Promise<IncidentDetail> {
  const { policy, taxonomy } = reportingData()
  const content = normalizeContent(input.content)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, actor, id)
    assertCanReport(actor)
    if (incident.closedAt) throw incidentClosed()
    assertPhaseAllowed(incident.latestPhase, input.phase)
    const problems = taxonomyProblems(content, taxonomy, 'body.content')
    if (problems.length > 0) throw invalidContent(problems)
    const before = await repo.findDraft(tx, actor.orgId, id)
    await repo.saveDraft(tx, { incidentId: id, orgId: actor.orgId, phase: input.phase, content, updatedBy: actor.userId, updatedAt: now })
    const changes: Partial<repo.IncidentRow> = { updatedAt: now }
    if (incident.latestVersion === 0) Object.assign(changes, nextDueColumns(policy, historyOf(incident, [], { content }), now))
    await repo.updateIncident(tx, actor.orgId, id, changes)
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'incident.draft_saved',
      target: { type: 'incident', id },
      before: before ? { phase: before.phase, content: before.content } : undefined,
      after: { phase: input.phase, content },
      details: { phase: input.phase },
      at: now,
    })
    return describeIncident(tx, actor, id, now)
  })
}

/**
 * Throws the draft away with the files waiting for it. An incident never submitted goes with its
 * draft: nobody else ever saw it.
 */
export async function discardDraft(ctx: AppContext, actor: Actor, id: string): Promise<{ incidentDeleted: boolean }> {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, actor, id)
    assertCanReport(actor)
    const draft = await repo.findDraft(tx, actor.orgId, id)
    if (incident.latestVersion === 0) {
      await repo.deleteIncident(tx, actor.orgId, id)
      await recordAudit(tx, {
        actorUserId: actor.userId,
        orgId: actor.orgId,
        action: 'incident.deleted',
        target: { type: 'incident', id },
        before: { reference: incident.reference, draft: draft?.content ?? null },
        at: now,
      })
      return { incidentDeleted: true }
    }
    if (!draft) throw conflict('no_draft', { ja: '下書きがありません', en: 'There is no draft' })
    await repo.deleteDraft(tx, actor.orgId, id)
    await repo.deletePendingAttachments(tx, actor.orgId, id)
    await repo.updateIncident(tx, actor.orgId, id, { updatedAt: now })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'incident.draft_discarded',
      target: { type: 'incident', id },
      before: { phase: draft.phase, content: draft.content },
      at: now,
    })
    return { incidentDeleted: false }
  })
}

/** Submits the draft: an immutable version with its classification, the files waiting for it, and new deadlines. */
export async function submitDraft(ctx: AppContext, actor: Actor, id: string): Promise<IncidentDetail> {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, actor, id)
    await submitInTransaction(tx, actor, incident, now, 'content')
    return describeIncident(tx, actor, id, now)
  })
}

async function submitInTransaction(tx: Queryable, actor: Actor, incident: repo.IncidentRow, now: Date, pathPrefix: string): Promise<void> {
  const { policy, taxonomy } = reportingData()
  assertCanReport(actor)
  if (incident.closedAt) throw incidentClosed()
  const draft = await repo.findDraft(tx, actor.orgId, incident.id)
  if (!draft) throw conflict('no_draft', { ja: '提出する下書きがありません', en: 'There is no draft to submit' })
  assertPhaseAllowed(incident.latestPhase, draft.phase)
  const content = normalizeContent(draft.content)
  const problems = problemsForPhase(content, draft.phase, taxonomy, now, pathPrefix)
  if (problems.length > 0) throw reportIncomplete(problems)

  const reports = await repo.reportsOf(tx, incident.id)
  const detectedAt = new Date(content.detectedAt as string)
  const before = reports.map((r) => ({ phase: r.phase, submittedAt: r.submittedAt }))
  const answered = deadlinesOf(policy, { detectedAt, submissions: before }, now).next
  const pending = await repo.pendingAttachments(tx, actor.orgId, incident.id)
  const submitted: ReportContent = {
    ...content,
    attachments: pending.map((a) => ({ id: a.id, filename: a.filename, mediaType: a.mediaType, sizeBytes: a.sizeBytes, sha256: a.sha256 })),
  }
  const classification = classifyContent(policy, submitted)
  const reportId = randomUUID()
  const version = incident.latestVersion + 1
  const contentDigest = digestOf(submitted)
  await repo.insertReport(tx, {
    id: reportId,
    incidentId: incident.id,
    orgId: actor.orgId,
    version,
    phase: draft.phase,
    category: submitted.category as string,
    severity: classification.severity,
    detectedAt,
    submittedAt: now,
    submittedBy: actor.userId,
    dueAt: answered?.dueAt ?? null,
    content: submitted,
    contentDigest,
    classification,
  })
  await repo.assignPendingAttachments(tx, actor.orgId, incident.id, reportId)
  const after = { detectedAt, submissions: [...before, { phase: draft.phase, submittedAt: now }] }
  await repo.updateIncident(tx, actor.orgId, incident.id, {
    latestVersion: version,
    latestReportId: reportId,
    latestPhase: draft.phase,
    title: submitted.title,
    category: submitted.category,
    severity: classification.severity,
    detectedAt,
    firstSubmittedAt: incident.firstSubmittedAt ?? now,
    lastSubmittedAt: now,
    closedAt: draft.phase === 'final' ? now : null,
    updatedAt: now,
    ...nextDueColumns(policy, after, now),
  })
  await repo.deleteDraft(tx, actor.orgId, incident.id)
  await recordAudit(tx, {
    actorUserId: actor.userId,
    orgId: actor.orgId,
    action: 'incident.report_submitted',
    target: { type: 'incident', id: incident.id },
    after: { version, phase: draft.phase, contentDigest, severity: classification.severity },
    details: { version, phase: draft.phase, severity: classification.severity, contentDigest, late: answered?.overdue ?? false },
    at: now,
  })
}

// ---------------------------------------------------------------- attachments

export const unsupportedAttachmentType = (message: Localized) => new AppError('unsupported_media_type', 415, message)

/** Whether a file may be attached now, asked before the upload is read; addAttachment checks again. */
export async function assertCanAttach(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const incident = await requireIncident(ctx.db, actor, id)
  assertCanReport(actor)
  if (incident.closedAt) throw incidentClosed()
}

function attachmentTypeProblem(filename: string, data: Buffer): { mediaType: string } {
  const verdict = checkEvidenceType(filename, data)
  if (verdict.ok) return { mediaType: verdict.mediaType }
  if (verdict.problem === 'content') throw unsupportedAttachmentType(verdict.message)
  const shown = verdict.extension ? `.${verdict.extension}` : null
  throw unsupportedAttachmentType({
    ja: `この種類のファイル（${shown ?? '拡張子なし'}）は添付できません。添付できる形式: ${ALLOWED_EXTENSIONS.join(', ')}`,
    en: `This kind of file (${shown ?? 'no extension'}) cannot be attached. Accepted: ${ALLOWED_EXTENSIONS.join(', ')}`,
  })
}

/**
 * Attaches a file to the next report: type-checked like evidence (extension and content), stored
 * once by sha256 in the blob store, and part of the report when it is submitted.
 */
export async function addAttachment(ctx: AppContext, actor: Actor, id: string, file: { filename: string; data: Buffer }): Promise<AttachmentEntry> {
  if (file.data.length > ctx.config.maxUploadBytes) throw tooLarge(ctx.config.maxUploadBytes)
  const filename = cleanFilename(file.filename)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, actor, id)
    assertCanReport(actor)
    if (incident.closedAt) throw incidentClosed()
    const { mediaType } = attachmentTypeProblem(filename, file.data)
    const stored = await ctx.blobs.put(file.data)
    await repo.ensureBlob(tx, { sha256: stored.sha256, sizeBytes: stored.sizeBytes, mediaType })
    const attachmentId = randomUUID()
    await repo.insertAttachment(tx, {
      id: attachmentId,
      incidentId: id,
      orgId: actor.orgId,
      reportId: null,
      sha256: stored.sha256,
      filename,
      mediaType,
      sizeBytes: stored.sizeBytes,
      uploadedBy: actor.userId,
      uploadedAt: now,
    })
    await repo.updateIncident(tx, actor.orgId, id, { updatedAt: now })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'incident.attachment_uploaded',
      target: { type: 'incident_attachment', id: attachmentId },
      after: { incidentId: id, sha256: stored.sha256, sizeBytes: stored.sizeBytes },
      at: now,
    })
    const saved = await repo.findAttachment(tx, actor.orgId, attachmentId)
    if (!saved) throw missing('attachment')
    const names = await repo.displayNames(tx, [saved.uploadedBy])
    return attachmentEntries([saved], [], names)[0]!
  })
}

export interface OpenedAttachment {
  filename: string
  mediaType: string
  sizeBytes: number
  content: Readable
}

export async function openAttachment(ctx: AppContext, actor: Actor, attachmentId: string): Promise<OpenedAttachment> {
  assertInstitution(actor)
  const row = await repo.findAttachment(ctx.db, actor.orgId, attachmentId)
  if (!row || !(await ctx.blobs.has(row.sha256))) throw missing('attachment')
  return { filename: row.filename, mediaType: row.mediaType, sizeBytes: row.sizeBytes, content: ctx.blobs.read(row.sha256) }
}

/** Removes a file that waits for the next report; a submitted one stays with its report for good. */
export async function deleteAttachment(ctx: AppContext, actor: Actor, attachmentId: string): Promise<void> {
  assertInstitution(actor)
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const row = await repo.findAttachment(tx, actor.orgId, attachmentId)
    if (!row) throw missing('attachment')
    await lockIncident(tx, actor, row.incidentId)
    assertCanReport(actor)
    if (row.reportId) {
      throw conflict('attachment_submitted', { ja: '提出済みの報告の添付ファイルは削除できません', en: 'A file submitted with a report cannot be removed' })
    }
    await repo.deleteAttachment(tx, actor.orgId, attachmentId)
    await repo.updateIncident(tx, actor.orgId, row.incidentId, { updatedAt: now })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'incident.attachment_deleted',
      target: { type: 'incident_attachment', id: attachmentId },
      before: { incidentId: row.incidentId, sha256: row.sha256 },
      at: now,
    })
  })
}

// ---------------------------------------------------------------- requests for information

export async function listMessages(ctx: AppContext, actor: Actor, id: string): Promise<MessageView[]> {
  await requireIncident(ctx.db, actor, id)
  const rows = await repo.messagesOf(ctx.db, [id])
  const orgs = await repo.organisationsByIds(
    ctx.db,
    rows.map((r) => r.supervisorOrgId),
  )
  const names = await repo.displayNames(
    ctx.db,
    rows.map((r) => r.authorUserId),
  )
  return messageViews(rows, orgs, names)
}

/** Answers (or writes to) a supervisor on the incident's thread with it; needs the supervisor when there are several. */
export async function postMessage(ctx: AppContext, actor: Actor, id: string, input: { body: string; supervisorOrgId?: string | null }): Promise<MessageView> {
  const body = input.body.trim()
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, actor, id)
    assertCanAnswer(actor)
    if (incident.latestVersion === 0) {
      throw conflict('not_submitted', { ja: '報告を提出するまでメッセージは送れません', en: 'Messages start once a report has been submitted' })
    }
    if (!body) {
      const message = { ja: 'メッセージを入力してください', en: 'Write a message' }
      throw invalid(message, [{ path: 'body.body', message }])
    }
    const supervisors = await repo.supervisorsOf(tx, actor.orgId)
    const chosen = input.supervisorOrgId ? supervisors.find((s) => s.id === input.supervisorOrgId) : supervisors.length === 1 ? supervisors[0] : undefined
    if (!chosen) {
      const message = input.supervisorOrgId
        ? { ja: '報告先の監督当局ではありません', en: 'Not a supervisor this institution reports to' }
        : { ja: '宛先の監督当局を選んでください', en: 'Choose the supervisor to write to' }
      throw invalid(message, [{ path: 'body.supervisorOrgId', message }])
    }
    const messageId = await recordMessage(tx, actor, { incidentId: id, institutionOrgId: actor.orgId, supervisorOrgId: chosen.id, body }, now)
    const saved = (await repo.messagesOf(tx, [id])).filter((m) => m.id === messageId)
    return messageViews(saved, new Map([[chosen.id, chosen]]), await repo.displayNames(tx, [actor.userId]))[0]!
  })
}

// ---------------------------------------------------------------- exports and imports

async function ownRecords(ctx: AppContext, actor: Actor, ids: string[]) {
  assertInstitution(actor)
  const { policy, taxonomy } = reportingData()
  const wanted = [...new Set(ids)]
  const rows = await repo.incidentsByIds(ctx.db, actor.orgId, wanted)
  if (rows.length !== wanted.length) throw missing('incident')
  const institution = await repo.findOrganisation(ctx.db, actor.orgId)
  if (!institution) throw missing('incident')
  const reports = await repo.reportsOfMany(ctx.db, wanted)
  const now = ctx.clock()
  const byId = new Map(rows.map((row) => [row.id, row]))
  const records = []
  for (const id of wanted) {
    const incident = byId.get(id)!
    const draft = incident.latestVersion === 0 ? ((await repo.findDraft(ctx.db, actor.orgId, id)) ?? null) : null
    records.push(incidentRecord({ incident, institution, reports: reports.filter((r) => r.incidentId === id), draft, override: null, policy, taxonomy, now }))
  }
  return records
}

/** The incidents as FIRE JSON: the latest submitted report of each (a never-submitted one: its draft). */
export async function exportJson(ctx: AppContext, actor: Actor, ids: string[]): Promise<FireDocument> {
  return buildFireDocument(await ownRecords(ctx, actor, ids), ctx.clock())
}

export async function exportXlsx(ctx: AppContext, actor: Actor, ids: string[], lang: Locale): Promise<Buffer> {
  const { policy, taxonomy } = reportingData()
  return buildIncidentWorkbook(await ownRecords(ctx, actor, ids), { policy, taxonomy, lang, exportedAt: ctx.clock() })
}

/** Checks the caller may import at all, before the upload is read. */
export function assertCanImport(actor: Actor) {
  assertCanReport(actor)
}

/**
 * Opens one incident per report of a FIRE file, each with the report as the draft of its initial
 * report: a received file prepares drafts, submission stays a deliberate act. All or nothing.
 */
export async function importIncidents(ctx: AppContext, actor: Actor, data: Buffer): Promise<{ created: { id: string; reference: string }[] }> {
  assertCanReport(actor)
  const parsed = readFireFile(data, reportingData().taxonomy)
  if (!parsed.ok) throw importFailed(parsed.errors)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const created = []
    for (const report of parsed.reports) created.push(await insertIncidentWithDraft(tx, actor, report.content, now, 'import'))
    return { created }
  })
}

/** The phase an imported report takes as the next report of an incident. */
function importedPhase(report: ImportedReport, latestPhase: Phase | null): Phase {
  const allowedPhases = nextPhases(latestPhase)
  if (allowedPhases.length === 0) throw incidentClosed()
  if (report.phase === null) return allowedPhases[0]!
  if (!allowedPhases.includes(report.phase)) {
    const message = {
      ja: `この報告の次に取り込める報告の種類ではありません（可能: ${allowedPhases.join(', ')}）`,
      en: `Not a kind of report this incident can take next (possible: ${allowedPhases.join(', ')})`,
    }
    throw importFailed([{ path: 'incidents[0].reportingDetails.reportPhase', message }])
  }
  return report.phase
}

/** Replaces the draft of the incident's next report with the one report of a FIRE file. */
export async function importIntoDraft(ctx: AppContext, actor: Actor, id: string, data: Buffer): Promise<IncidentDetail> {
  const parsed = readFireFile(data, reportingData().taxonomy)
  if (!parsed.ok) throw importFailed(parsed.errors)
  if (parsed.reports.length !== 1) {
    throw importFailed([{ path: 'incidents', message: { ja: '取り込む報告は1件にしてください', en: 'The file must hold exactly one report to import into an incident' } }])
  }
  const report = parsed.reports[0]!
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, actor, id)
    assertCanReport(actor)
    if (incident.closedAt) throw incidentClosed()
    const phase = importedPhase(report, incident.latestPhase)
    await repo.saveDraft(tx, { incidentId: id, orgId: actor.orgId, phase, content: report.content, updatedBy: actor.userId, updatedAt: now })
    await repo.updateIncident(tx, actor.orgId, id, { updatedAt: now })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'incident.draft_imported',
      target: { type: 'incident', id },
      after: { phase, content: report.content },
      details: { phase },
      at: now,
    })
    return describeIncident(tx, actor, id, now)
  })
}

/** Appends a message to the thread between one institution and one supervisor, with its audit event. */
export async function recordMessage(
  tx: Queryable,
  actor: Actor,
  thread: { incidentId: string; institutionOrgId: string; supervisorOrgId: string; body: string },
  now: Date,
): Promise<string> {
  const messageId = randomUUID()
  await repo.insertMessage(tx, { id: messageId, ...thread, authorOrgId: actor.orgId, authorUserId: actor.userId, createdAt: now })
  await recordAudit(tx, {
    actorUserId: actor.userId,
    orgId: actor.orgId,
    action: 'incident.message_posted',
    target: { type: 'incident', id: thread.incidentId },
    after: { body: thread.body },
    details: { messageId, institutionOrgId: thread.institutionOrgId, supervisorOrgId: thread.supervisorOrgId },
    at: now,
  })
  return messageId
}
