import type { Queryable } from '../../db/database.js'
import type { Localized } from '../../i18n/locale.js'
import type { Actor } from '../identity/actor.js'
import { ALERT_TITLES } from './alerts.js'
import { japanDayOf } from './business-hours.js'
import { MAX_ATTEMPTS, MAX_CODES_PER_REQUEST } from './confirmation-code.js'
import { requestDigest, type RequestMaterial } from './digests.js'
import { checkLimits, withinLimits, type AssetLimit, type LimitCheck } from './policy.js'
import * as repo from './repository.js'
import type { CustodyAlertKind } from './schema.js'
import { statusLabel, stepsAllowed, type RequestFacts, type RequestStatus } from './workflow.js'

// What the API answers about withdrawal requests, built from rows: the request, where it stands in
// the workflow, what the actor may do next, and its steps with their digests and times.

export interface Person {
  id: string
  displayName: string
}

export function personOf(names: Map<string, string>, id: string): Person
export function personOf(names: Map<string, string>, id: string | null): Person | null
export function personOf(names: Map<string, string>, id: string | null): Person | null {
  return id === null ? null : { id, displayName: names.get(id) ?? id }
}

export function materialOf(row: repo.RequestRow): RequestMaterial {
  return {
    requestId: row.id,
    orgId: row.orgId,
    reference: row.reference,
    requestedBy: row.requestedBy,
    asset: row.asset,
    amount: row.amount,
    destinationAddress: row.destinationAddress,
    purpose: row.purpose,
  }
}

/** True while the stored request still hashes to its digest. */
export const isIntact = (row: repo.RequestRow) => requestDigest(materialOf(row)) === row.digest

/** A request with what its rules depend on, read in the caller's transaction. */
export interface LoadedRequest {
  row: repo.RequestRow
  approvals: repo.ApprovalRow[]
  /** Approvers whose approval is live: not voided, bound to the current digest. */
  liveApprovers: string[]
  entry: repo.EntryRow | undefined
  limit: AssetLimit | undefined
  limitCheck: LimitCheck | null
  code: repo.CodeRow | undefined
}

export async function loadRequest(db: Queryable, row: repo.RequestRow): Promise<LoadedRequest> {
  const approvals = await repo.approvalsOf(db, row.orgId, row.id)
  const entry = await repo.activeEntry(db, row.orgId, row.asset, row.destinationAddress)
  const limit = await repo.findAssetLimit(db, row.orgId, row.asset)
  const others = limit ? await repo.otherAmountsRaised(db, row.orgId, row.asset, japanDayOf(row.createdAt), row.id) : []
  return {
    row,
    approvals,
    liveApprovers: approvals.filter((a) => a.voidedAt === null && a.digest === row.digest).map((a) => a.approverId),
    entry,
    limit,
    limitCheck: limit ? checkLimits(limit, row.amount, others) : null,
    code: await repo.findCode(db, row.orgId, row.id),
  }
}

export function factsOf(loaded: LoadedRequest): RequestFacts {
  const { row } = loaded
  return {
    status: row.status,
    requestedBy: row.requestedBy,
    destinationApprovedBy: row.destinationApprovedBy,
    verifiedBy: row.verifiedBy,
    approvers: loaded.liveApprovers,
    approvalsRequired: row.approvalsRequired,
    executedBy: row.executedBy,
    destinationCleared: loaded.entry !== undefined || row.destinationApprovedBy !== null,
    withinLimits: loaded.limitCheck !== null && withinLimits(loaded.limitCheck),
  }
}

export interface AlertSummary {
  id: string
  kind: CustodyAlertKind
  title: Localized
  message: Localized
  raisedAt: Date
  acknowledged: boolean
}

export function alertSummary(row: repo.AlertRow): AlertSummary {
  return {
    id: row.id,
    kind: row.kind,
    title: ALERT_TITLES[row.kind],
    message: { ja: row.messageJa, en: row.messageEn },
    raisedAt: row.raisedAt,
    acknowledged: row.acknowledgedAt !== null,
  }
}

export interface StepView {
  seq: number
  step: string
  actor: Person | null
  at: Date
  /** The request digest the step acted on. */
  requestDigest: string | null
  /** SHA-256 of the step record: the after-digest of its audit event and ledger entry. */
  stepDigest: string
}

export function stepViews(rows: repo.StepRow[], names: Map<string, string>): StepView[] {
  return rows.map((row) => ({ seq: row.seq, step: row.step, actor: personOf(names, row.actorUserId), at: row.at, requestDigest: row.subjectDigest, stepDigest: row.stepDigest }))
}

export interface RequestDetail {
  id: string
  reference: string
  status: RequestStatus
  statusLabel: Localized
  asset: string
  amount: string
  destinationAddress: string
  purpose: string
  digest: string
  revision: number
  requestedBy: Person
  createdAt: Date
  updatedAt: Date
  destination: { allowListed: boolean; entry: { id: string; label: string } | null; approvedBy: Person | null; approvedAt: Date | null; comment: string | null }
  limits: { configured: boolean; singleMax: string | null; dailyMax: string | null; alertThreshold: string | null; dailyTotal: string | null; withinLimits: boolean; overThreshold: boolean }
  verification: {
    code: { verifier: Person; sentAt: Date; expiresAt: Date; attemptsLeft: number } | null
    codesSent: number
    codesLeft: number
    verifiedBy: Person | null
    verifiedAt: Date | null
  }
  approvals: {
    required: number
    count: number
    items: { id: string; approver: Person; digest: string; comment: string | null; outsideHours: boolean; approvedAt: Date; current: boolean; voidedAt: Date | null }[]
  }
  execution: { transactionId: string; executedBy: Person; executedAt: Date; note: string | null } | null
  reconciliation: {
    result: 'match' | 'mismatch'
    differences: string[]
    observedAmount: string
    observedAddress: string
    observedTransactionId: string
    reconciledBy: Person
    reconciledAt: Date
    note: string | null
  } | null
  cancellation: { cancelledBy: Person; cancelledAt: Date; reason: string } | null
  alerts: AlertSummary[]
  steps: StepView[]
  permissions: {
    canUpdate: boolean
    canSendCode: boolean
    canApproveDestination: boolean
    canVerify: boolean
    canApprove: boolean
    canExecute: boolean
    canReconcile: boolean
    canCancel: boolean
  }
}

export async function describeRequest(db: Queryable, actor: Actor, row: repo.RequestRow): Promise<RequestDetail> {
  const loaded = await loadRequest(db, row)
  const steps = await repo.stepsOf(db, row.orgId, row.id)
  const alerts = await repo.alertsOfOrg(db, row.orgId, { requestId: row.id })
  const names = await repo.displayNames(db, [
    row.requestedBy,
    row.destinationApprovedBy,
    row.verifiedBy,
    row.executedBy,
    row.reconciledBy,
    row.cancelledBy,
    loaded.code?.verifierId ?? null,
    ...loaded.approvals.map((a) => a.approverId),
    ...steps.map((s) => s.actorUserId),
  ])
  const facts = factsOf(loaded)
  const allowed = stepsAllowed(actor, facts)
  const { code, limit, limitCheck } = loaded
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    statusLabel: statusLabel(row.status),
    asset: row.asset,
    amount: row.amount,
    destinationAddress: row.destinationAddress,
    purpose: row.purpose,
    digest: row.digest,
    revision: row.revision,
    requestedBy: personOf(names, row.requestedBy),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    destination: {
      allowListed: loaded.entry !== undefined,
      entry: loaded.entry ? { id: loaded.entry.id, label: loaded.entry.label } : null,
      approvedBy: personOf(names, row.destinationApprovedBy),
      approvedAt: row.destinationApprovedAt,
      comment: row.destinationComment,
    },
    limits: {
      configured: limit !== undefined,
      singleMax: limit?.singleMax ?? null,
      dailyMax: limit?.dailyMax ?? null,
      alertThreshold: limit?.alertThreshold ?? null,
      dailyTotal: limitCheck?.dailyTotal ?? null,
      withinLimits: facts.withinLimits,
      overThreshold: limitCheck?.overThreshold ?? false,
    },
    verification: {
      code: code
        ? { verifier: personOf(names, code.verifierId), sentAt: code.sentAt, expiresAt: code.expiresAt, attemptsLeft: Math.max(0, MAX_ATTEMPTS - code.attempts) }
        : null,
      codesSent: row.codesSent,
      codesLeft: Math.max(0, MAX_CODES_PER_REQUEST - row.codesSent),
      verifiedBy: personOf(names, row.verifiedBy),
      verifiedAt: row.verifiedAt,
    },
    approvals: {
      required: row.approvalsRequired,
      count: loaded.liveApprovers.length,
      items: loaded.approvals.map((a) => ({
        id: a.id,
        approver: personOf(names, a.approverId),
        digest: a.digest,
        comment: a.comment,
        outsideHours: a.outsideHours,
        approvedAt: a.approvedAt,
        current: a.voidedAt === null && a.digest === row.digest,
        voidedAt: a.voidedAt,
      })),
    },
    execution:
      row.transactionId && row.executedBy && row.executedAt
        ? { transactionId: row.transactionId, executedBy: personOf(names, row.executedBy), executedAt: row.executedAt, note: row.executionNote }
        : null,
    reconciliation:
      row.reconciledBy && row.reconciledAt
        ? {
            result: (row.reconciliationDifferences ?? []).length === 0 ? 'match' : 'mismatch',
            differences: row.reconciliationDifferences ?? [],
            observedAmount: row.observedAmount ?? '',
            observedAddress: row.observedAddress ?? '',
            observedTransactionId: row.observedTransactionId ?? '',
            reconciledBy: personOf(names, row.reconciledBy),
            reconciledAt: row.reconciledAt,
            note: row.reconciliationNote,
          }
        : null,
    cancellation: row.cancelledBy && row.cancelledAt ? { cancelledBy: personOf(names, row.cancelledBy), cancelledAt: row.cancelledAt, reason: row.cancelReason ?? '' } : null,
    alerts: alerts.map(alertSummary),
    steps: stepViews(steps, names),
    permissions: {
      canUpdate: allowed.update,
      canSendCode: allowed.send_code,
      canApproveDestination: allowed.approve_destination,
      canVerify: allowed.verify,
      canApprove: allowed.approve,
      canExecute: allowed.execute,
      canReconcile: allowed.reconcile,
      canCancel: allowed.cancel,
    },
  }
}
