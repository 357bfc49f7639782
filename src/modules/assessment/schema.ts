import { bigint, boolean, date, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const ASSESSMENT_STATUSES = ['draft', 'in_review', 'approved'] as const
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number]

export const assessments = pgTable('assessments', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  catalogId: uuid('catalog_id').notNull(),
  lineageId: uuid('lineage_id').notNull(),
  version: integer('version').notNull(),
  title: text('title').notNull(),
  status: text('status', { enum: ASSESSMENT_STATUSES }).notNull(),
  createdBy: uuid('created_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  reviewRequestedBy: uuid('review_requested_by'),
  reviewRequestedAt: ts('review_requested_at'),
  reviewComment: text('review_comment'),
  returnedBy: uuid('returned_by'),
  returnedAt: ts('returned_at'),
  returnComment: text('return_comment'),
  approvedBy: uuid('approved_by'),
  approvedAt: ts('approved_at'),
  approvalComment: text('approval_comment'),
  lockedAt: ts('locked_at'),
})

export const assessmentAnswers = pgTable(
  'assessment_answers',
  {
    assessmentId: uuid('assessment_id').notNull(),
    itemRef: text('item_ref').notNull(),
    inScope: boolean('in_scope').notNull(),
    value: integer('value'),
    notApplicable: boolean('not_applicable').notNull().default(false),
    naReason: text('na_reason'),
    comment: text('comment'),
    updatedBy: uuid('updated_by'),
    updatedAt: ts('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.assessmentId, t.itemRef] })],
)

export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  mediaType: text('media_type').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
})

export const evidence = pgTable('evidence', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  assessmentId: uuid('assessment_id').notNull(),
  itemRef: text('item_ref').notNull(),
  sha256: text('sha256').notNull(),
  filename: text('filename').notNull(),
  mediaType: text('media_type').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  uploadedBy: uuid('uploaded_by').notNull(),
  uploadedAt: ts('uploaded_at').notNull(),
})

export const REMEDIATION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const
export type RemediationStatus = (typeof REMEDIATION_STATUSES)[number]

export const remediationActions = pgTable('remediation_actions', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  lineageId: uuid('lineage_id').notNull(),
  title: text('title').notNull(),
  description: text('description'),
  owner: text('owner'),
  dueDate: date('due_date', { mode: 'string' }),
  status: text('status', { enum: REMEDIATION_STATUSES }).notNull(),
  itemRefs: text('item_refs').array().notNull().default([]),
  createdBy: uuid('created_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
})
