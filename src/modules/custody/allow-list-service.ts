import { randomUUID } from 'node:crypto'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { Actor } from '../identity/actor.js'
import { assertCanApproveChange, assertCanCancelChange, assertCanPropose, changeStatusAfterApproval, changeStepsAllowed, type ChangeFacts, type ChangeKind, type ChangeStatus } from './change-workflow.js'
import { changeDigest } from './digests.js'
import { digestMismatch, invalidField, missing, requestTampered } from './errors.js'
import { DEFAULT_POLICY } from './policy.js'
import * as repo from './repository.js'
import { requireExchange } from './service.js'
import { recordStep } from './steps.js'
import { personOf, stepViews, type Person, type StepView } from './views.js'

// The allow-list of destination addresses (ホワイトリスト), per asset. It changes only through
// proposed changes that m distinct MFA-verified approvers approve, none of them the proposer; a
// pending change leaves the list as it is. Every step is a step record and an audit event.

export interface EntryView {
  id: string
  asset: string
  address: string
  label: string
  addedBy: Person
  addedAt: Date
  removedAt: Date | null
}

export interface ChangeView {
  id: string
  kind: ChangeKind
  status: ChangeStatus
  asset: string
  address: string
  label: string
  entryId: string | null
  reason: string
  digest: string
  proposedBy: Person
  proposedAt: Date
  decidedAt: Date | null
  cancelledBy: Person | null
  approvals: { required: number; count: number; items: { approver: Person; digest: string; approvedAt: Date }[] }
  permissions: { canApprove: boolean; canCancel: boolean }
}

export interface ChangeDetail extends ChangeView {
  steps: StepView[]
}

export interface ChangeInput {
  kind: ChangeKind
  asset?: string
  address?: string
  label?: string
  entryId?: string
  reason?: string
}

const conflictAt = (code: string, path: string, message: Localized) => new AppError(code, 409, message, [{ path, message }])

function materialOf(row: repo.ChangeRow) {
  return { changeId: row.id, orgId: row.orgId, kind: row.kind, asset: row.asset, address: row.address, label: row.label, entryId: row.entryId, proposedBy: row.proposedBy }
}

function factsOf(row: repo.ChangeRow, approvals: repo.ChangeApprovalRow[]): ChangeFacts {
  return {
    status: row.status,
    proposedBy: row.proposedBy,
    approvers: approvals.filter((a) => a.changeId === row.id && a.digest === row.digest).map((a) => a.approverId),
    approvalsRequired: row.approvalsRequired,
  }
}

function changeView(actor: Actor, row: repo.ChangeRow, approvals: repo.ChangeApprovalRow[], names: Map<string, string>): ChangeView {
  const own = approvals.filter((a) => a.changeId === row.id)
  const facts = factsOf(row, approvals)
  const allowed = changeStepsAllowed(actor, facts)
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    asset: row.asset,
    address: row.address,
    label: row.label,
    entryId: row.entryId,
    reason: row.reason,
    digest: row.digest,
    proposedBy: personOf(names, row.proposedBy),
    proposedAt: row.proposedAt,
    decidedAt: row.decidedAt,
    cancelledBy: personOf(names, row.cancelledBy),
    approvals: {
      required: row.approvalsRequired,
      count: facts.approvers.length,
      items: own.map((a) => ({ approver: personOf(names, a.approverId), digest: a.digest, approvedAt: a.approvedAt })),
    },
    permissions: { canApprove: allowed.approve, canCancel: allowed.cancel },
  }
}

async function describeChange(db: Queryable, actor: Actor, row: repo.ChangeRow): Promise<ChangeDetail> {
  const approvals = await repo.changeApprovalsOf(db, row.orgId, [row.id])
  const steps = await repo.stepsOf(db, row.orgId, row.id)
  const names = await repo.displayNames(db, [row.proposedBy, row.cancelledBy, ...approvals.map((a) => a.approverId), ...steps.map((s) => s.actorUserId)])
  return { ...changeView(actor, row, approvals, names), steps: stepViews(steps, names) }
}

// ---------------------------------------------------------------- reading

export async function listEntries(ctx: AppContext, actor: Actor, query: { asset?: string; includeRemoved?: boolean }): Promise<EntryView[]> {
  await requireExchange(ctx, actor)
  const rows = await repo.entriesOfOrg(ctx.db, actor.orgId, query)
  const names = await repo.displayNames(
    ctx.db,
    rows.map((r) => r.addedBy),
  )
  return rows.map((row) => ({
    id: row.id,
    asset: row.asset,
    address: row.address,
    label: row.label,
    addedBy: personOf(names, row.addedBy),
    addedAt: row.addedAt,
    removedAt: row.removedAt,
  }))
}

export async function listChanges(ctx: AppContext, actor: Actor, query: { status?: ChangeStatus }): Promise<ChangeView[]> {
  await requireExchange(ctx, actor)
  const rows = await repo.changesOfOrg(ctx.db, actor.orgId, query)
  const approvals = await repo.changeApprovalsOf(
    ctx.db,
    actor.orgId,
    rows.map((r) => r.id),
  )
  const names = await repo.displayNames(ctx.db, [...rows.flatMap((r) => [r.proposedBy, r.cancelledBy]), ...approvals.map((a) => a.approverId)])
  return rows.map((row) => changeView(actor, row, approvals, names))
}

export async function getChange(ctx: AppContext, actor: Actor, id: string): Promise<ChangeDetail> {
  await requireExchange(ctx, actor)
  const row = await repo.findChange(ctx.db, actor.orgId, id)
  if (!row) throw missing('change')
  return describeChange(ctx.db, actor, row)
}

// ---------------------------------------------------------------- proposing, approving, cancelling

const required = (path: string, ja: string, en: string) => invalidField(path, { ja, en })

/** What the change is about: an address to add, or an entry of the list to remove. */
async function subjectOf(tx: Queryable, actor: Actor, input: ChangeInput): Promise<{ asset: string; address: string; label: string; entryId: string | null }> {
  if (input.kind === 'remove') {
    if (!input.entryId) throw required('body.entryId', '削除するホワイトリストの登録を選んでください', 'Choose the allow-list entry to remove')
    const entry = await repo.findEntry(tx, actor.orgId, input.entryId)
    if (!entry || entry.removedAt) throw missing('entry')
    return { asset: entry.asset, address: entry.address, label: entry.label, entryId: entry.id }
  }
  if (!input.asset) throw required('body.asset', '資産を入力してください', 'Enter the asset')
  const address = input.address?.trim()
  if (!address) throw required('body.address', '送付先アドレスを入力してください', 'Enter the destination address')
  const label = input.label?.trim()
  if (!label) throw required('body.label', 'ラベル（送付先の名称）を入力してください', 'Enter a label naming the destination')
  if (await repo.activeEntry(tx, actor.orgId, input.asset, address)) {
    throw conflictAt('already_allow_listed', 'body.address', { ja: 'このアドレスは既にホワイトリストに登録されています', en: 'This address is already on the allow-list' })
  }
  return { asset: input.asset, address, label, entryId: null }
}

/** Proposes a change; the allow-list stays as it is until m approvers approve it. */
export async function proposeChange(ctx: AppContext, actor: Actor, input: ChangeInput): Promise<ChangeDetail> {
  await requireExchange(ctx, actor)
  assertCanPropose(actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const subject = await subjectOf(tx, actor, input)
    await repo.lockAddress(tx, actor.orgId, subject.asset, subject.address)
    if (await repo.pendingChangeFor(tx, actor.orgId, subject.asset, subject.address)) {
      throw conflictAt('change_pending', input.kind === 'remove' ? 'body.entryId' : 'body.address', {
        ja: 'このアドレスには承認待ちの変更が既にあります',
        en: 'A change of this address is already waiting for approval',
      })
    }
    const policy = await repo.findPolicy(tx, actor.orgId)
    const id = randomUUID()
    const material = { changeId: id, orgId: actor.orgId, kind: input.kind, ...subject, proposedBy: actor.userId }
    const digest = changeDigest(material)
    await repo.insertChange(tx, {
      id,
      orgId: actor.orgId,
      kind: input.kind,
      ...subject,
      reason: input.reason?.trim() ?? '',
      digest,
      approvalsRequired: policy?.row.approvalsRequired ?? DEFAULT_POLICY.approvalsRequired,
      status: 'pending',
      proposedBy: actor.userId,
      proposedAt: now,
    })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'allow_list_change', id },
      step: 'proposed',
      actorUserId: actor.userId,
      subjectDigest: digest,
      details: { kind: input.kind, asset: subject.asset, address: subject.address, entryId: subject.entryId },
      at: now,
    })
    const row = await repo.findChange(tx, actor.orgId, id)
    return describeChange(tx, actor, row!)
  })
}

async function applyChange(tx: Queryable, row: repo.ChangeRow, now: Date) {
  if (row.kind === 'remove') {
    await repo.removeEntry(tx, row.orgId, row.entryId!, row.id, now)
    return
  }
  if (await repo.activeEntry(tx, row.orgId, row.asset, row.address)) {
    throw conflictAt('already_allow_listed', 'body.address', { ja: 'このアドレスは既にホワイトリストに登録されています', en: 'This address is already on the allow-list' })
  }
  await repo.insertEntry(tx, {
    id: randomUUID(),
    orgId: row.orgId,
    asset: row.asset,
    address: row.address,
    label: row.label,
    addedBy: row.proposedBy,
    addedAt: now,
    addedByChange: row.id,
  })
}

/** One of the m approvals of a change, bound to its digest; the m-th applies it to the allow-list. */
export async function approveChange(ctx: AppContext, actor: Actor, id: string, input: { digest: string }): Promise<ChangeDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const row = await repo.findChangeForUpdate(tx, actor.orgId, id)
    if (!row) throw missing('change')
    if (changeDigest(materialOf(row)) !== row.digest) throw requestTampered()
    const facts = factsOf(row, await repo.changeApprovalsOf(tx, actor.orgId, [id]))
    assertCanApproveChange(actor, facts)
    if (input.digest !== row.digest) throw digestMismatch()
    await repo.insertChangeApproval(tx, { changeId: id, orgId: actor.orgId, approverId: actor.userId, digest: row.digest, approvedAt: now })
    const status = changeStatusAfterApproval(facts)
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'allow_list_change', id },
      step: 'approved',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { approvals: facts.approvers.length + 1, required: row.approvalsRequired },
      at: now,
    })
    if (status === 'applied') {
      await applyChange(tx, row, now)
      await repo.updateChange(tx, actor.orgId, id, { status, decidedAt: now })
      await recordStep(tx, {
        orgId: actor.orgId,
        subject: { type: 'allow_list_change', id },
        step: 'applied',
        actorUserId: actor.userId,
        subjectDigest: row.digest,
        details: { kind: row.kind, asset: row.asset, address: row.address, entryId: row.entryId },
        at: now,
      })
    }
    return describeChange(tx, actor, (await repo.findChange(tx, actor.orgId, id))!)
  })
}

export async function cancelChange(ctx: AppContext, actor: Actor, id: string): Promise<ChangeDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const row = await repo.findChangeForUpdate(tx, actor.orgId, id)
    if (!row) throw missing('change')
    assertCanCancelChange(actor, factsOf(row, await repo.changeApprovalsOf(tx, actor.orgId, [id])))
    await repo.updateChange(tx, actor.orgId, id, { status: 'cancelled', decidedAt: now, cancelledBy: actor.userId })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'allow_list_change', id },
      step: 'cancelled',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { kind: row.kind, asset: row.asset, address: row.address },
      at: now,
    })
    return describeChange(tx, actor, (await repo.findChange(tx, actor.orgId, id))!)
  })
}
