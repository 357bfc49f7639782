import { boolean, doublePrecision, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { FeedbackReport } from './report-types.js'

// Tables of the supervision module (migrations/0006_supervision.sql is the source of truth).

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const ROUND_KINDS = ['self_assessment', 'self_inspection'] as const
export type RoundKind = (typeof ROUND_KINDS)[number]
export const ROUND_STATUSES = ['draft', 'published', 'closed'] as const
export type RoundStatus = (typeof ROUND_STATUSES)[number]
export const TARGET_STATES = ['not_started', 'in_progress', 'submitted', 'returned'] as const
export type TargetState = (typeof TARGET_STATES)[number]
export const FOLLOWUP_KINDS = ['return', 'response', 'reminder', 'submission'] as const
export type FollowupKind = (typeof FOLLOWUP_KINDS)[number]

export const supervisionRounds = pgTable('supervision_rounds', {
  id: uuid('id').primaryKey(),
  supervisorOrgId: uuid('supervisor_org_id').notNull(),
  kind: text('kind', { enum: ROUND_KINDS }).notNull(),
  titleJa: text('title_ja').notNull(),
  titleEn: text('title_en').notNull(),
  catalogId: uuid('catalog_id').notNull(),
  targetMode: text('target_mode', { enum: ['criteria', 'list'] }).notNull(),
  targetSectors: text('target_sectors').array(),
  targetSizes: text('target_sizes').array(),
  targetOrgIds: uuid('target_org_ids').array(),
  opensAt: ts('opens_at').notNull(),
  dueAt: ts('due_at').notNull(),
  instructions: text('instructions').notNull().default(''),
  carryForward: boolean('carry_forward').notNull().default(true),
  kAnonymity: integer('k_anonymity').notNull().default(5),
  status: text('status', { enum: ROUND_STATUSES }).notNull(),
  createdBy: uuid('created_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  publishedAt: ts('published_at'),
  publishedBy: uuid('published_by'),
  closedAt: ts('closed_at'),
  feedbackGeneratedAt: ts('feedback_generated_at'),
  feedbackReleasedAt: ts('feedback_released_at'),
  feedbackReleasedBy: uuid('feedback_released_by'),
})

export const supervisionRoundTargets = pgTable(
  'supervision_round_targets',
  {
    roundId: uuid('round_id').notNull(),
    institutionOrgId: uuid('institution_org_id').notNull(),
    sector: text('sector').notNull(),
    sizeBand: text('size_band').notNull(),
    state: text('state', { enum: TARGET_STATES }).notNull().default('not_started'),
    assessmentId: uuid('assessment_id'),
    currentSubmissionId: uuid('current_submission_id'),
    lastRemindedAt: ts('last_reminded_at'),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.institutionOrgId] })],
)

export const supervisionSubmissions = pgTable('supervision_submissions', {
  id: uuid('id').primaryKey(),
  roundId: uuid('round_id').notNull(),
  institutionOrgId: uuid('institution_org_id').notNull(),
  version: integer('version').notNull(),
  assessmentId: uuid('assessment_id'),
  source: text('source', { enum: ['online', 'import'] }).notNull(),
  snapshot: text('snapshot').notNull(),
  digest: text('digest').notNull(),
  submittedBy: uuid('submitted_by').notNull(),
  submittedAt: ts('submitted_at').notNull(),
  late: boolean('late').notNull(),
  overallScore: doublePrecision('overall_score'),
  basicCompliance: doublePrecision('basic_compliance'),
  desirableAdoption: doublePrecision('desirable_adoption'),
  itemFlags: text('item_flags').notNull(),
})

export const supervisionSectionScores = pgTable(
  'supervision_section_scores',
  {
    submissionId: uuid('submission_id').notNull(),
    sectionRef: text('section_ref').notNull(),
    score: doublePrecision('score'),
    basicCompliance: doublePrecision('basic_compliance'),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.sectionRef] })],
)

export const supervisionItemResults = pgTable(
  'supervision_item_results',
  {
    submissionId: uuid('submission_id').notNull(),
    itemRef: text('item_ref').notNull(),
    assessed: boolean('assessed').notNull(),
    score: real('score').notNull(),
    inPlace: boolean('in_place').notNull(),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.itemRef] })],
)

export const supervisionFollowups = pgTable('supervision_followups', {
  id: uuid('id').primaryKey(),
  roundId: uuid('round_id').notNull(),
  institutionOrgId: uuid('institution_org_id').notNull(),
  submissionId: uuid('submission_id'),
  kind: text('kind', { enum: FOLLOWUP_KINDS }).notNull(),
  authorOrgId: uuid('author_org_id').notNull(),
  authorUserId: uuid('author_user_id'),
  body: text('body').notNull().default(''),
  createdAt: ts('created_at').notNull(),
})

export const supervisionFeedback = pgTable(
  'supervision_feedback',
  {
    roundId: uuid('round_id').notNull(),
    institutionOrgId: uuid('institution_org_id').notNull(),
    report: jsonb('report').$type<FeedbackReport>().notNull(),
    pdfJaSha256: text('pdf_ja_sha256'),
    pdfEnSha256: text('pdf_en_sha256'),
    generatedAt: ts('generated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.institutionOrgId] })],
)

export const supervisionFeedbackJobs = pgTable('supervision_feedback_jobs', {
  roundId: uuid('round_id').primaryKey(),
  state: text('state', { enum: ['running', 'done', 'failed'] }).notNull(),
  total: integer('total').notNull(),
  done: integer('done').notNull().default(0),
  startedBy: uuid('started_by'),
  startedAt: ts('started_at').notNull(),
  finishedAt: ts('finished_at'),
  error: text('error'),
})
