import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { invalid } from '../../errors.js'
import type { Locale, Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import type { Actor } from '../identity/actor.js'
import { buildFireDocument, type FireDocument } from './fire.js'
import { reportingData } from './load-policy.js'
import { assertCanRespond, assertSupervisor } from './permissions.js'
import * as repo from './repository.js'
import type { Phase } from './schema.js'
import { recordMessage, type OpenedAttachment } from './service.js'
import { isMonth, monthlyCounts, monthsBetween, nextMonth, recentMonths, startOfMonth, type MonthlyCount } from './stats.js'
import {
  attachmentEntries,
  deadlinesOf,
  historyOf,
  incidentRecord,
  messageViews,
  missing,
  orgRefOf,
  overrideViews,
  personOf,
  statusOf,
  versionDetail,
  versionSummaries,
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

// Incident reports, the supervisor's side (issue 4 §3): an inbox of what the institutions of its
// jurisdiction submitted (never drafts), acknowledgement, requests for information on a thread per
// incident, its own severity with a reason, the sector view, exports. Every query goes through the
// supervisor's jurisdiction; an incident outside it, or not yet submitted, is simply not found.

export interface InboxEntry {
  id: string
  reference: string
  institution: OrgRef
  status: IncidentStatus
  title: string | null
  category: string
  /** The supervisor's own severity where it overrode the computed one. */
  severity: string
  computedSeverity: string
  overridden: boolean
  latestPhase: Phase
  latestVersion: number
  detectedAt: Date
  firstSubmittedAt: Date
  lastSubmittedAt: Date
  next: DeadlineView['next']
  overdue: boolean
  /** The latest report has been acknowledged by this supervisor. */
  acknowledged: boolean
  lastMessageFrom: 'institution' | 'supervisor' | null
}

export interface SupervisedVersion extends VersionSummary {
  acknowledgedAt: Date | null
  acknowledgedBy: Person | null
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
  override: SeverityOverrideView | null
  detectedAt: Date
  firstSubmittedAt: Date
  lastSubmittedAt: Date
  closedAt: Date | null
  latest: VersionDetail
  versions: SupervisedVersion[]
  deadlines: DeadlineView
  attachments: AttachmentEntry[]
  needsAcknowledgement: boolean
  lastMessageFrom: 'institution' | 'supervisor' | null
  permissions: { canAcknowledge: boolean; canOverride: boolean; canMessage: boolean }
}

export interface SectorStats {
  from: string
  to: string
  sector: string | null
  months: MonthlyCount[]
  totals: { total: number; byCategory: Record<string, number>; bySeverity: Record<string, number> }
}

async function requireVisible(db: Queryable, actor: Actor, id: string): Promise<repo.VisibleIncident> {
  assertSupervisor(actor)
  const visible = await repo.findVisibleIncident(db, actor.orgId, id)
  if (!visible) throw missing('incident')
  return visible
}

const lastFrom = (authors: { incidentId: string; authorOrgId: string }[], incidentId: string, supervisorOrgId: string) => {
  const last = authors.find((a) => a.incidentId === incidentId)
  if (!last) return null
  return last.authorOrgId === supervisorOrgId ? ('supervisor' as const) : ('institution' as const)
}

const canRespond = (actor: Actor) => {
  try {
    assertCanRespond(actor)
    return true
  } catch {
    return false
  }
}

// ---------------------------------------------------------------- inbox

export interface InboxQuery extends repo.InboxFilters {
  limit?: number
  offset?: number
}

export async function inbox(ctx: AppContext, actor: Actor, query: InboxQuery): Promise<{ total: number; items: InboxEntry[] }> {
  assertSupervisor(actor)
  const { policy } = reportingData()
  const now = ctx.clock()
  const { limit = 100, offset = 0, ...filters } = query
  const { rows, total } = await repo.inbox(ctx.db, actor.orgId, filters, now, { limit, offset })
  const ids = rows.map((row) => row.incident.id)
  const submissions = await repo.submissionsOfMany(ctx.db, ids)
  const authors = await repo.lastAuthorsOf(ctx.db, ids, actor.orgId)
  const items = rows.map(({ incident, institution, overrideSeverity, acknowledgedAt }): InboxEntry => {
    const deadlines = deadlinesOf(policy, historyOf(incident, submissions.get(incident.id) ?? [], null), now)
    return {
      id: incident.id,
      reference: incident.reference,
      institution: orgRefOf(institution, institution.id),
      status: statusOf(incident),
      title: incident.title,
      category: incident.category as string,
      severity: overrideSeverity ?? (incident.severity as string),
      computedSeverity: incident.severity as string,
      overridden: overrideSeverity !== null,
      latestPhase: incident.latestPhase as Phase,
      latestVersion: incident.latestVersion,
      detectedAt: incident.detectedAt as Date,
      firstSubmittedAt: incident.firstSubmittedAt as Date,
      lastSubmittedAt: incident.lastSubmittedAt as Date,
      next: deadlines.next,
      overdue: deadlines.overdue,
      acknowledged: acknowledgedAt !== null,
      lastMessageFrom: lastFrom(authors, incident.id, actor.orgId),
    }
  })
  return { total, items }
}

// ---------------------------------------------------------------- one incident

async function describeForSupervisor(db: Queryable, actor: Actor, id: string, now: Date): Promise<SupervisorIncidentDetail> {
  const { policy } = reportingData()
  const { incident, institution } = await requireVisible(db, actor, id)
  const reports = await repo.reportsOf(db, id)
  const attachments = await repo.attachmentsOf(db, id, true)
  const acks = await repo.acknowledgementsOf(db, [id], actor.orgId)
  const [override] = await repo.overridesOf(db, [id], actor.orgId)
  const authors = await repo.lastAuthorsOf(db, [id], actor.orgId)
  const names = await repo.displayNames(db, [...reports.map((r) => r.submittedBy), ...attachments.map((a) => a.uploadedBy), ...acks.map((a) => a.acknowledgedBy), override?.overriddenBy ?? null])
  const own = await repo.organisationsByIds(db, [actor.orgId])
  const latest = versionDetail(reports, incident.latestVersion, names)
  if (!latest) throw missing('incident')
  const ackByReport = new Map(acks.map((a) => [a.reportId, a]))
  const versions = versionSummaries(reports, names).map((summary): SupervisedVersion => {
    const ack = ackByReport.get(summary.id)
    return { ...summary, acknowledgedAt: ack?.acknowledgedAt ?? null, acknowledgedBy: ack ? personOf(names, ack.acknowledgedBy) : null }
  })
  const submissions = reports.map((r) => ({ phase: r.phase, submittedAt: r.submittedAt }))
  const responder = canRespond(actor)
  return {
    id: incident.id,
    reference: incident.reference,
    institution: orgRefOf(institution, institution.id),
    status: statusOf(incident),
    title: incident.title,
    category: incident.category as string,
    severity: override?.severity ?? (incident.severity as string),
    computedSeverity: incident.severity as string,
    override: override ? (overrideViews([override], own, names)[0] ?? null) : null,
    detectedAt: incident.detectedAt as Date,
    firstSubmittedAt: incident.firstSubmittedAt as Date,
    lastSubmittedAt: incident.lastSubmittedAt as Date,
    closedAt: incident.closedAt,
    latest,
    versions,
    deadlines: deadlinesOf(policy, historyOf(incident, submissions, null), now),
    attachments: attachmentEntries(attachments, reports, names),
    needsAcknowledgement: !ackByReport.has(latest.id),
    lastMessageFrom: lastFrom(authors, id, actor.orgId),
    permissions: { canAcknowledge: responder && !ackByReport.has(latest.id), canOverride: responder, canMessage: responder },
  }
}

export async function getIncident(ctx: AppContext, actor: Actor, id: string): Promise<SupervisorIncidentDetail> {
  return describeForSupervisor(ctx.db, actor, id, ctx.clock())
}

export async function getVersion(ctx: AppContext, actor: Actor, id: string, version: number): Promise<VersionDetail> {
  await requireVisible(ctx.db, actor, id)
  const reports = await repo.reportsOf(ctx.db, id)
  const names = await repo.displayNames(
    ctx.db,
    reports.map((r) => r.submittedBy),
  )
  const detail = versionDetail(reports, version, names)
  if (!detail) throw missing('version')
  return detail
}

/** Confirms receipt of the latest report (受領確認); acknowledging it again changes nothing. */
export async function acknowledge(ctx: AppContext, actor: Actor, id: string, input: { comment?: string | null }): Promise<SupervisorIncidentDetail> {
  const now = ctx.clock()
  const comment = input.comment?.trim() || null
  return ctx.db.transaction(async (tx) => {
    const { incident } = await requireVisible(tx, actor, id)
    assertCanRespond(actor)
    const reportId = incident.latestReportId as string
    const added = await repo.insertAcknowledgement(tx, { reportId, supervisorOrgId: actor.orgId, incidentId: id, acknowledgedBy: actor.userId, acknowledgedAt: now, comment })
    if (added) {
      await recordAudit(tx, {
        actorUserId: actor.userId,
        orgId: actor.orgId,
        action: 'incident.acknowledged',
        target: { type: 'incident', id },
        after: { version: incident.latestVersion, comment },
        details: { version: incident.latestVersion, institutionOrgId: incident.orgId },
        at: now,
      })
    }
    return describeForSupervisor(tx, actor, id, now)
  })
}

/** Sets (or, with null, withdraws) this supervisor's own severity; the computed one stays alongside. */
export async function overrideSeverity(ctx: AppContext, actor: Actor, id: string, input: { severity: string | null; reason: string }): Promise<SupervisorIncidentDetail> {
  const { policy } = reportingData()
  const now = ctx.clock()
  const reason = input.reason.trim()
  const levels = [...policy.classification.levels, policy.classification.otherwise].map((l) => l.id)
  return ctx.db.transaction(async (tx) => {
    await requireVisible(tx, actor, id)
    assertCanRespond(actor)
    if (input.severity !== null && !levels.includes(input.severity)) {
      const message = { ja: `重大度は次のいずれかにしてください: ${levels.join(', ')}`, en: `The severity must be one of: ${levels.join(', ')}` }
      throw invalid(message, [{ path: 'body.severity', message }])
    }
    if (!reason) {
      const message = { ja: '重大度を変更する理由を入力してください', en: 'Give the reason for the change of severity' }
      throw invalid(message, [{ path: 'body.reason', message }])
    }
    const [before] = await repo.overridesOf(tx, [id], actor.orgId)
    if (input.severity === null) await repo.deleteOverride(tx, id, actor.orgId)
    else await repo.saveOverride(tx, { incidentId: id, supervisorOrgId: actor.orgId, severity: input.severity, reason, overriddenBy: actor.userId, overriddenAt: now })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: input.severity === null ? 'incident.severity_override_withdrawn' : 'incident.severity_overridden',
      target: { type: 'incident', id },
      before: before ? { severity: before.severity, reason: before.reason } : undefined,
      after: { severity: input.severity, reason },
      details: { severity: input.severity },
      at: now,
    })
    return describeForSupervisor(tx, actor, id, now)
  })
}

// ---------------------------------------------------------------- requests for information

export async function listMessages(ctx: AppContext, actor: Actor, id: string): Promise<MessageView[]> {
  await requireVisible(ctx.db, actor, id)
  const rows = await repo.messagesOf(ctx.db, [id], actor.orgId)
  const orgs = await repo.organisationsByIds(ctx.db, [actor.orgId])
  const names = await repo.displayNames(
    ctx.db,
    rows.map((r) => r.authorUserId),
  )
  return messageViews(rows, orgs, names)
}

/** A request for information (or any message) to the institution, on this supervisor's thread of the incident. */
export async function postMessage(ctx: AppContext, actor: Actor, id: string, input: { body: string }): Promise<MessageView> {
  const body = input.body.trim()
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const { incident } = await requireVisible(tx, actor, id)
    assertCanRespond(actor)
    if (!body) {
      const message = { ja: 'メッセージを入力してください', en: 'Write a message' }
      throw invalid(message, [{ path: 'body.body', message }])
    }
    const messageId = await recordMessage(tx, actor, { incidentId: id, institutionOrgId: incident.orgId, supervisorOrgId: actor.orgId, body }, now)
    const saved = (await repo.messagesOf(tx, [id], actor.orgId)).filter((m) => m.id === messageId)
    return messageViews(saved, await repo.organisationsByIds(tx, [actor.orgId]), await repo.displayNames(tx, [actor.userId]))[0]!
  })
}

// ---------------------------------------------------------------- files, exports, sector view

export async function openAttachment(ctx: AppContext, actor: Actor, attachmentId: string): Promise<OpenedAttachment> {
  assertSupervisor(actor)
  const row = await repo.findVisibleAttachment(ctx.db, actor.orgId, attachmentId)
  if (!row || !(await ctx.blobs.has(row.sha256))) throw missing('attachment')
  return { filename: row.filename, mediaType: row.mediaType, sizeBytes: row.sizeBytes, content: ctx.blobs.read(row.sha256) }
}

async function visibleRecords(ctx: AppContext, actor: Actor, ids: string[]) {
  assertSupervisor(actor)
  const { policy, taxonomy } = reportingData()
  const wanted = [...new Set(ids)]
  const now = ctx.clock()
  const { rows } = await repo.inbox(ctx.db, actor.orgId, { ids: wanted }, now, { limit: wanted.length, offset: 0 })
  if (rows.length !== wanted.length) throw missing('incident')
  const reports = await repo.reportsOfMany(ctx.db, wanted)
  const overrides = new Map((await repo.overridesOf(ctx.db, wanted, actor.orgId)).map((o) => [o.incidentId, o]))
  const byId = new Map(rows.map((row) => [row.incident.id, row]))
  return wanted.map((id) => {
    const { incident, institution } = byId.get(id)!
    return incidentRecord({
      incident,
      institution,
      reports: reports.filter((r) => r.incidentId === id),
      draft: null,
      override: overrides.get(id) ?? null,
      policy,
      taxonomy,
      now,
    })
  })
}

export async function exportJson(ctx: AppContext, actor: Actor, ids: string[]): Promise<FireDocument> {
  return buildFireDocument(await visibleRecords(ctx, actor, ids), ctx.clock())
}

export async function exportXlsx(ctx: AppContext, actor: Actor, ids: string[], lang: Locale): Promise<Buffer> {
  const { policy, taxonomy } = reportingData()
  return buildIncidentWorkbook(await visibleRecords(ctx, actor, ids), { policy, taxonomy, lang, exportedAt: ctx.clock() })
}

const badMonth = (field: 'from' | 'to'): Localized => ({ ja: `${field} は YYYY-MM 形式の月にしてください`, en: `"${field}" must be a month as YYYY-MM` })

/** Incidents over time by category and severity: counts per month of detection (Japan time). */
export async function sectorStats(ctx: AppContext, actor: Actor, query: { from?: string; to?: string; sector?: string }): Promise<SectorStats> {
  assertSupervisor(actor)
  const recent = recentMonths(ctx.clock(), 12)
  const from = query.from ?? recent.from
  const to = query.to ?? recent.to
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (!isMonth(value)) throw invalid(badMonth(field), [{ path: `querystring.${field}`, message: badMonth(field) }])
  }
  const months = monthsBetween(from, to)
  if (months.length === 0 || months.length > 120) {
    const message = { ja: '期間は1か月以上、120か月以内にしてください（from ≦ to）', en: 'The period must span 1 to 120 months (from <= to)' }
    throw invalid(message, [{ path: 'querystring.from', message }])
  }
  const rows = await repo.statsRows(ctx.db, actor.orgId, { from: startOfMonth(from), to: startOfMonth(nextMonth(to)) }, query.sector)
  const counts = monthlyCounts(rows, months)
  const totals = { total: 0, byCategory: {} as Record<string, number>, bySeverity: {} as Record<string, number> }
  for (const month of counts) {
    totals.total += month.total
    for (const [k, n] of Object.entries(month.byCategory)) totals.byCategory[k] = (totals.byCategory[k] ?? 0) + n
    for (const [k, n] of Object.entries(month.bySeverity)) totals.bySeverity[k] = (totals.bySeverity[k] ?? 0) + n
  }
  return { from, to, sector: query.sector ?? null, months: counts, totals }
}
