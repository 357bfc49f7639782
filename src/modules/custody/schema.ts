import { bigserial, boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { ChangeKind, ChangeStatus } from './change-workflow.js'
import type { RequestStatus } from './workflow.js'

// Tables of the custody module (migrations/0008_custody.sql is the source of truth).

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const CUSTODY_ALERT_KINDS = ['new_destination', 'amount_over_threshold', 'approval_outside_hours', 'reconciliation_mismatch', 'code_attempts_exceeded', 'policy_changed'] as const
export type CustodyAlertKind = (typeof CUSTODY_ALERT_KINDS)[number]
export const CUSTODY_STEP_SUBJECTS = ['request', 'allow_list_change', 'policy'] as const
export type CustodyStepSubject = (typeof CUSTODY_STEP_SUBJECTS)[number]

export const custodyPolicies = pgTable('custody_policies', {
  orgId: uuid('org_id').primaryKey(),
  approvalsRequired: integer('approvals_required').notNull(),
  approversTotal: integer('approvers_total').notNull(),
  businessDays: integer('business_days').array().notNull(),
  businessStart: text('business_start').notNull(),
  businessEnd: text('business_end').notNull(),
  updatedBy: uuid('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull(),
})

export const custodyAssetLimits = pgTable(
  'custody_asset_limits',
  {
    orgId: uuid('org_id').notNull(),
    asset: text('asset').notNull(),
    singleMax: text('single_max').notNull(),
    dailyMax: text('daily_max').notNull(),
    alertThreshold: text('alert_threshold'),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.asset] })],
)

export const custodyAllowListChanges = pgTable('custody_allow_list_changes', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  kind: text('kind').$type<ChangeKind>().notNull(),
  asset: text('asset').notNull(),
  address: text('address').notNull(),
  label: text('label').notNull(),
  entryId: uuid('entry_id'),
  reason: text('reason').notNull().default(''),
  digest: text('digest').notNull(),
  approvalsRequired: integer('approvals_required').notNull(),
  status: text('status').$type<ChangeStatus>().notNull(),
  proposedBy: uuid('proposed_by').notNull(),
  proposedAt: ts('proposed_at').notNull(),
  decidedAt: ts('decided_at'),
  cancelledBy: uuid('cancelled_by'),
})

export const custodyAllowListChangeApprovals = pgTable(
  'custody_allow_list_change_approvals',
  {
    changeId: uuid('change_id').notNull(),
    orgId: uuid('org_id').notNull(),
    approverId: uuid('approver_id').notNull(),
    digest: text('digest').notNull(),
    approvedAt: ts('approved_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.changeId, t.approverId] })],
)

export const custodyAllowListEntries = pgTable('custody_allow_list_entries', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  asset: text('asset').notNull(),
  address: text('address').notNull(),
  label: text('label').notNull(),
  addedBy: uuid('added_by').notNull(),
  addedAt: ts('added_at').notNull(),
  addedByChange: uuid('added_by_change').notNull(),
  removedAt: ts('removed_at'),
  removedByChange: uuid('removed_by_change'),
})

export const custodyRequests = pgTable('custody_requests', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  reference: text('reference').notNull(),
  status: text('status').$type<RequestStatus>().notNull(),
  asset: text('asset').notNull(),
  amount: text('amount').notNull(),
  destinationAddress: text('destination_address').notNull(),
  purpose: text('purpose').notNull(),
  digest: text('digest').notNull(),
  revision: integer('revision').notNull().default(1),
  approvalsRequired: integer('approvals_required').notNull(),
  requestedBy: uuid('requested_by').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  codesSent: integer('codes_sent').notNull().default(0),
  destinationApprovedBy: uuid('destination_approved_by'),
  destinationApprovedAt: ts('destination_approved_at'),
  destinationComment: text('destination_comment'),
  verifiedBy: uuid('verified_by'),
  verifiedAt: ts('verified_at'),
  approvedAt: ts('approved_at'),
  executedBy: uuid('executed_by'),
  executedAt: ts('executed_at'),
  transactionId: text('transaction_id'),
  executionNote: text('execution_note'),
  reconciledBy: uuid('reconciled_by'),
  reconciledAt: ts('reconciled_at'),
  observedAmount: text('observed_amount'),
  observedAddress: text('observed_address'),
  observedTransactionId: text('observed_transaction_id'),
  reconciliationDifferences: text('reconciliation_differences').array(),
  reconciliationNote: text('reconciliation_note'),
  cancelledBy: uuid('cancelled_by'),
  cancelledAt: ts('cancelled_at'),
  cancelReason: text('cancel_reason'),
})

export const custodyRequestApprovals = pgTable('custody_request_approvals', {
  id: uuid('id').primaryKey(),
  requestId: uuid('request_id').notNull(),
  orgId: uuid('org_id').notNull(),
  approverId: uuid('approver_id').notNull(),
  digest: text('digest').notNull(),
  comment: text('comment'),
  outsideHours: boolean('outside_hours').notNull(),
  approvedAt: ts('approved_at').notNull(),
  voidedAt: ts('voided_at'),
})

export const custodyConfirmationCodes = pgTable('custody_confirmation_codes', {
  requestId: uuid('request_id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  verifierId: uuid('verifier_id').notNull(),
  digest: text('digest').notNull(),
  salt: text('salt').notNull(),
  codeHash: text('code_hash').notNull(),
  expiresAt: ts('expires_at').notNull(),
  attempts: integer('attempts').notNull().default(0),
  sentAt: ts('sent_at').notNull(),
})

export const custodySteps = pgTable('custody_steps', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  id: uuid('id').notNull(),
  orgId: uuid('org_id').notNull(),
  subjectType: text('subject_type').$type<CustodyStepSubject>().notNull(),
  subjectId: uuid('subject_id').notNull(),
  step: text('step').notNull(),
  actorUserId: uuid('actor_user_id'),
  subjectDigest: text('subject_digest'),
  stepDigest: text('step_digest').notNull(),
  at: ts('at').notNull(),
})

export const custodyAlerts = pgTable('custody_alerts', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  kind: text('kind').$type<CustodyAlertKind>().notNull(),
  requestId: uuid('request_id'),
  requestDigest: text('request_digest'),
  messageJa: text('message_ja').notNull(),
  messageEn: text('message_en').notNull(),
  raisedBy: uuid('raised_by'),
  raisedAt: ts('raised_at').notNull(),
  acknowledgedBy: uuid('acknowledged_by'),
  acknowledgedAt: ts('acknowledged_at'),
  acknowledgementNote: text('acknowledgement_note'),
})
