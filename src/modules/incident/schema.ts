import { bigint, bigserial, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { Classification } from './classification.js'
import type { ReportContent } from './content.js'

// Tables of the incident module (migrations/0004_incident.sql is the source of truth).

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const PHASES = ['initial', 'intermediate', 'final'] as const
export type Phase = (typeof PHASES)[number]

export const supervisionLinks = pgTable(
  'supervision_links',
  {
    supervisorOrgId: uuid('supervisor_org_id').notNull(),
    institutionOrgId: uuid('institution_org_id').notNull(),
    linkedAt: ts('linked_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.supervisorOrgId, t.institutionOrgId] })],
)

export const incidents = pgTable('incidents', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  reference: text('reference').notNull(),
  createdBy: uuid('created_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  latestVersion: integer('latest_version').notNull().default(0),
  latestReportId: uuid('latest_report_id'),
  latestPhase: text('latest_phase', { enum: PHASES }),
  title: text('title'),
  category: text('category'),
  severity: text('severity'),
  detectedAt: ts('detected_at'),
  firstSubmittedAt: ts('first_submitted_at'),
  lastSubmittedAt: ts('last_submitted_at'),
  closedAt: ts('closed_at'),
  nextDuePhase: text('next_due_phase', { enum: PHASES }),
  nextDueAt: ts('next_due_at'),
})

export const incidentReports = pgTable('incident_reports', {
  id: uuid('id').primaryKey(),
  incidentId: uuid('incident_id').notNull(),
  orgId: uuid('org_id').notNull(),
  version: integer('version').notNull(),
  phase: text('phase', { enum: PHASES }).notNull(),
  category: text('category').notNull(),
  severity: text('severity').notNull(),
  detectedAt: ts('detected_at').notNull(),
  submittedAt: ts('submitted_at').notNull(),
  submittedBy: uuid('submitted_by').notNull(),
  dueAt: ts('due_at'),
  content: jsonb('content').$type<ReportContent>().notNull(),
  contentDigest: text('content_digest').notNull(),
  classification: jsonb('classification').$type<Classification>().notNull(),
})

export const incidentDrafts = pgTable('incident_drafts', {
  incidentId: uuid('incident_id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  phase: text('phase', { enum: PHASES }).notNull(),
  content: jsonb('content').$type<ReportContent>().notNull(),
  updatedBy: uuid('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull(),
})

export const incidentAttachments = pgTable('incident_attachments', {
  id: uuid('id').primaryKey(),
  incidentId: uuid('incident_id').notNull(),
  orgId: uuid('org_id').notNull(),
  reportId: uuid('report_id'),
  sha256: text('sha256').notNull(),
  filename: text('filename').notNull(),
  mediaType: text('media_type').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  uploadedBy: uuid('uploaded_by').notNull(),
  uploadedAt: ts('uploaded_at').notNull(),
})

export const incidentAcknowledgements = pgTable(
  'incident_acknowledgements',
  {
    reportId: uuid('report_id').notNull(),
    supervisorOrgId: uuid('supervisor_org_id').notNull(),
    incidentId: uuid('incident_id').notNull(),
    acknowledgedBy: uuid('acknowledged_by').notNull(),
    acknowledgedAt: ts('acknowledged_at').notNull(),
    comment: text('comment'),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.supervisorOrgId] })],
)

export const incidentSeverityOverrides = pgTable(
  'incident_severity_overrides',
  {
    incidentId: uuid('incident_id').notNull(),
    supervisorOrgId: uuid('supervisor_org_id').notNull(),
    severity: text('severity').notNull(),
    reason: text('reason').notNull(),
    overriddenBy: uuid('overridden_by').notNull(),
    overriddenAt: ts('overridden_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.supervisorOrgId] })],
)

export const incidentMessages = pgTable('incident_messages', {
  id: uuid('id').primaryKey(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  incidentId: uuid('incident_id').notNull(),
  institutionOrgId: uuid('institution_org_id').notNull(),
  supervisorOrgId: uuid('supervisor_org_id').notNull(),
  authorOrgId: uuid('author_org_id').notNull(),
  authorUserId: uuid('author_user_id').notNull(),
  body: text('body').notNull(),
  createdAt: ts('created_at').notNull(),
})
