import { digestOf } from '../../canonical-json.js'
import type { AppContext } from '../../context.js'
import { invalid } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import type { Actor } from '../identity/actor.js'
import { emailNotifications } from '../notification/service.js'
import { ALERT_TITLES, raiseAlert } from './alerts.js'
import { missing } from './errors.js'
import { assertCustodyAdmin } from './permissions.js'
import { DEFAULT_POLICY, normalizePolicy, policyProblems, type CustodyPolicy } from './policy.js'
import * as repo from './repository.js'
import type { CustodyAlertKind } from './schema.js'
import { requireExchange } from './service.js'
import { recordStep } from './steps.js'
import { personOf, type Person } from './views.js'

// The exchange's withdrawal policy (m-of-n, limits per asset, business hours) and its alerts. Every
// member reads the policy, which the screens need to show limits; the admins set it, and list and
// acknowledge the alerts. A policy change is itself a step, an audit event and an alert.

export interface PolicyView extends CustodyPolicy {
  /** False until an admin has saved a policy: the defaults are shown and no asset can be withdrawn. */
  configured: boolean
  timeZone: 'Asia/Tokyo'
  /** Members with the approver or admin role: the ceiling of n. */
  eligibleApprovers: number
  digest: string
  updatedAt: Date | null
  updatedBy: Person | null
}

export interface AlertView {
  id: string
  kind: CustodyAlertKind
  title: Localized
  message: Localized
  request: { id: string; digest: string | null } | null
  raisedAt: Date
  raisedBy: Person | null
  acknowledgedAt: Date | null
  acknowledgedBy: Person | null
  acknowledgementNote: string | null
}

async function storedPolicy(ctx: AppContext, orgId: string): Promise<{ policy: CustodyPolicy; row: repo.PolicyRow | null }> {
  const found = await repo.findPolicy(ctx.db, orgId)
  if (!found) return { policy: DEFAULT_POLICY, row: null }
  const { row, assets } = found
  return {
    policy: {
      approvalsRequired: row.approvalsRequired,
      approversTotal: row.approversTotal,
      businessHours: { days: row.businessDays, start: row.businessStart, end: row.businessEnd },
      assets,
    },
    row,
  }
}

export async function getPolicy(ctx: AppContext, actor: Actor): Promise<PolicyView> {
  await requireExchange(ctx, actor)
  const { policy, row } = await storedPolicy(ctx, actor.orgId)
  const names = await repo.displayNames(ctx.db, [row?.updatedBy ?? null])
  return {
    ...policy,
    configured: row !== null,
    timeZone: 'Asia/Tokyo',
    eligibleApprovers: await repo.countEligibleApprovers(ctx.db, actor.orgId),
    digest: digestOf(policy),
    updatedAt: row?.updatedAt ?? null,
    updatedBy: personOf(names, row?.updatedBy ?? null),
  }
}

/** Replaces the policy (admin). Requests already raised keep the m they were raised with. */
export async function putPolicy(ctx: AppContext, actor: Actor, input: CustodyPolicy): Promise<PolicyView> {
  await requireExchange(ctx, actor)
  assertCustodyAdmin(actor)
  const policy = normalizePolicy(input)
  const now = ctx.clock()
  const sent = await ctx.db.transaction(async (tx) => {
    await repo.lockPolicy(tx, actor.orgId)
    const problems = policyProblems(policy, await repo.countEligibleApprovers(tx, actor.orgId))
    if (problems.length > 0) throw invalid(problems[0]!.message, problems)
    const before = await repo.findPolicy(tx, actor.orgId)
    const previousDigest = before
      ? digestOf({
          approvalsRequired: before.row.approvalsRequired,
          approversTotal: before.row.approversTotal,
          businessHours: { days: before.row.businessDays, start: before.row.businessStart, end: before.row.businessEnd },
          assets: before.assets,
        })
      : null
    const digest = digestOf(policy)
    if (digest === previousDigest) return null
    await repo.savePolicy(tx, actor.orgId, policy, actor.userId, now)
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'policy', id: actor.orgId },
      step: 'policy_updated',
      actorUserId: actor.userId,
      subjectDigest: digest,
      details: { previousDigest, ...policy },
      at: now,
    })
    const assets = policy.assets.map((a) => a.asset).join(', ') || '-'
    return raiseAlert(tx, {
      orgId: actor.orgId,
      kind: 'policy_changed',
      request: null,
      message: {
        ja: `出庫ポリシーが変更されました（${policy.approvalsRequired}-of-${policy.approversTotal} 承認、対象資産: ${assets}）`,
        en: `The withdrawal policy was changed (${policy.approvalsRequired}-of-${policy.approversTotal} approvals, assets: ${assets})`,
      },
      raisedBy: actor.userId,
      at: now,
    })
  })
  if (sent) await emailNotifications(ctx, sent)
  return getPolicy(ctx, actor)
}

// ---------------------------------------------------------------- alerts

function alertView(row: repo.AlertRow, names: Map<string, string>): AlertView {
  return {
    id: row.id,
    kind: row.kind,
    title: ALERT_TITLES[row.kind],
    message: { ja: row.messageJa, en: row.messageEn },
    request: row.requestId ? { id: row.requestId, digest: row.requestDigest } : null,
    raisedAt: row.raisedAt,
    raisedBy: personOf(names, row.raisedBy),
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: personOf(names, row.acknowledgedBy),
    acknowledgementNote: row.acknowledgementNote,
  }
}

export async function listAlerts(ctx: AppContext, actor: Actor, query: { open?: boolean }): Promise<AlertView[]> {
  await requireExchange(ctx, actor)
  assertCustodyAdmin(actor)
  const rows = await repo.alertsOfOrg(ctx.db, actor.orgId, query)
  const names = await repo.displayNames(ctx.db, [...rows.flatMap((r) => [r.raisedBy, r.acknowledgedBy])])
  return rows.map((row) => alertView(row, names))
}

export async function acknowledgeAlert(ctx: AppContext, actor: Actor, id: string, input: { note?: string | null }): Promise<AlertView> {
  await requireExchange(ctx, actor)
  assertCustodyAdmin(actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const row = await repo.findAlert(tx, actor.orgId, id)
    if (!row) throw missing('alert')
    if (!row.acknowledgedAt) {
      await repo.acknowledgeAlert(tx, actor.orgId, id, actor.userId, now, input.note?.trim() || null)
      await recordAudit(tx, {
        actorUserId: actor.userId,
        orgId: actor.orgId,
        action: 'custody.alert_acknowledged',
        target: { type: 'custody_alert', id },
        details: { kind: row.kind, ...(row.requestId ? { requestId: row.requestId, requestDigest: row.requestDigest } : {}) },
        at: now,
      })
    }
    const saved = (await repo.findAlert(tx, actor.orgId, id))!
    return alertView(saved, await repo.displayNames(tx, [saved.raisedBy, saved.acknowledgedBy]))
  })
}
