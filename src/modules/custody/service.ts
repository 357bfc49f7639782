import { randomUUID } from 'node:crypto'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, conflict } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { Actor } from '../identity/actor.js'
import { emailNotifications, type NotificationMessage } from '../notification/service.js'
import { raiseAlert } from './alerts.js'
import { japanDayOf, withinBusinessHours } from './business-hours.js'
import { checkCode, MAX_ATTEMPTS, MAX_CODES_PER_REQUEST, newConfirmationCode, type CodeOutcome } from './confirmation-code.js'
import { normalizeAmount } from './decimal.js'
import { requestDigest, type RequestMaterial } from './digests.js'
import { digestMismatch, invalidAmount, invalidField, missing, requestTampered } from './errors.js'
import { assertCanRequest, assertExchange } from './permissions.js'
import { checkLimits, DEFAULT_POLICY, type AssetLimit, type LimitCheck } from './policy.js'
import { reconcile, type ReconciledField } from './reconciliation.js'
import * as repo from './repository.js'
import { recordStep } from './steps.js'
import { describeRequest, factsOf, isIntact, loadRequest, materialOf, type LoadedRequest, type RequestDetail } from './views.js'
import { assertCanTake, statusAfter, type RequestStatus } from './workflow.js'

// Cold-wallet withdrawal requests of a crypto-asset exchange (issue 6 §4). Kamae holds no keys: it
// is where the request is raised, verified by someone else with a code sent over a second
// channel, approved by m distinct MFA-verified approvers bound to the request's digest, recorded as
// executed and reconciled with the chain. Every step runs in one transaction with its step record
// and audit event (and so its ledger entry); alerts are e-mailed after commit.

type Sent = { orgIds: readonly string[]; message: NotificationMessage }

export interface RequestInput {
  asset: string
  amount: string
  destinationAddress: string
  purpose: string
}

export interface RequestListEntry {
  id: string
  reference: string
  status: RequestStatus
  asset: string
  amount: string
  destinationAddress: string
  requestedBy: { id: string; displayName: string }
  createdAt: Date
  updatedAt: Date
  approvals: { count: number; required: number }
}

/** Custody is for crypto-asset exchanges: anyone else is refused before any of their data is read. */
export async function requireExchange(ctx: AppContext, actor: Actor): Promise<void> {
  assertExchange(actor, await repo.findOrganisation(ctx.db, actor.orgId))
}

async function lockRequest(tx: Queryable, actor: Actor, id: string): Promise<repo.RequestRow> {
  const row = await repo.findRequestForUpdate(tx, actor.orgId, id)
  if (!row) throw missing('request')
  return row
}

async function emailAll(ctx: AppContext, sent: readonly Sent[]) {
  for (const one of sent) await emailNotifications(ctx, one)
}

const limitExceeded = (message: Localized) => new AppError('limit_exceeded', 400, message, [{ path: 'body.amount', message }])

/** The asset's limits and where the amount stands against them; refuses an unconfigured asset or an amount over them. */
async function assertWithinLimits(tx: Queryable, orgId: string, input: { asset: string; amount: string }, day: Date, exceptId: string | null): Promise<LimitCheck> {
  const limit: AssetLimit | undefined = await repo.findAssetLimit(tx, orgId, input.asset)
  if (!limit) {
    throw invalidField('body.asset', {
      ja: `${input.asset} の出庫上限が設定されていません。管理者が出庫ポリシーで設定してください`,
      en: `No withdrawal limits are set for ${input.asset}: an admin sets them in the withdrawal policy`,
    })
  }
  await repo.lockDailyTotal(tx, orgId, input.asset)
  const check = checkLimits(limit, input.amount, await repo.otherAmountsRaised(tx, orgId, input.asset, japanDayOf(day), exceptId))
  if (!check.withinSingle) {
    throw limitExceeded({ ja: `1回の出庫上限（${limit.singleMax} ${limit.asset}）を超えています`, en: `Over the single-withdrawal limit (${limit.singleMax} ${limit.asset})` })
  }
  if (!check.withinDaily) {
    throw limitExceeded({
      ja: `1日の出庫上限（${limit.dailyMax} ${limit.asset}）を超えます（この申請を含む合計 ${check.dailyTotal}）`,
      en: `Over the daily limit (${limit.dailyMax} ${limit.asset}): the day's total with this request is ${check.dailyTotal}`,
    })
  }
  return check
}

function cleanInput(input: RequestInput): RequestInput {
  const amount = normalizeAmount(input.amount)
  if (amount === null || amount === '0') throw invalidAmount('body.amount')
  const purpose = input.purpose.trim()
  if (!purpose) throw invalidField('body.purpose', { ja: '出庫の目的を入力してください', en: 'Enter the purpose of the withdrawal' })
  return { asset: input.asset, amount, destinationAddress: input.destinationAddress.trim(), purpose }
}

/** Alerts of a request as raised or changed: a destination off the allow-list, an amount over threshold. */
async function alertsOnContent(
  tx: Queryable,
  actor: Actor,
  request: { id: string; reference: string; digest: string; asset: string; amount: string; destinationAddress: string },
  found: { allowListed: boolean; check: LimitCheck },
  now: Date,
): Promise<Sent[]> {
  const sent: Sent[] = []
  const ref = { id: request.id, reference: request.reference, digest: request.digest }
  if (!found.allowListed) {
    sent.push(
      await raiseAlert(tx, {
        orgId: actor.orgId,
        kind: 'new_destination',
        request: ref,
        message: {
          ja: `${request.reference}: 送付先アドレス ${request.destinationAddress}（${request.asset}）はホワイトリストにありません`,
          en: `${request.reference}: destination address ${request.destinationAddress} (${request.asset}) is not on the allow-list`,
        },
        raisedBy: actor.userId,
        at: now,
      }),
    )
  }
  if (found.check.overThreshold) {
    sent.push(
      await raiseAlert(tx, {
        orgId: actor.orgId,
        kind: 'amount_over_threshold',
        request: ref,
        message: {
          ja: `${request.reference}: 出庫数量 ${request.amount} ${request.asset} がアラートの閾値以上です`,
          en: `${request.reference}: withdrawal of ${request.amount} ${request.asset} is at or over the alert threshold`,
        },
        raisedBy: actor.userId,
        at: now,
      }),
    )
  }
  return sent
}

// ---------------------------------------------------------------- reading

export async function listRequests(ctx: AppContext, actor: Actor, query: { status?: RequestStatus; limit?: number; offset?: number }): Promise<{ total: number; items: RequestListEntry[] }> {
  await requireExchange(ctx, actor)
  const { rows, total } = await repo.requestsOfOrg(ctx.db, actor.orgId, { status: query.status, limit: query.limit ?? 100, offset: query.offset ?? 0 })
  const counts = await repo.liveApprovalCounts(ctx.db, actor.orgId, rows)
  const names = await repo.displayNames(
    ctx.db,
    rows.map((r) => r.requestedBy),
  )
  return {
    total,
    items: rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      status: row.status,
      asset: row.asset,
      amount: row.amount,
      destinationAddress: row.destinationAddress,
      requestedBy: { id: row.requestedBy, displayName: names.get(row.requestedBy) ?? row.requestedBy },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      approvals: { count: counts.get(row.id) ?? 0, required: row.approvalsRequired },
    })),
  }
}

export async function getRequest(ctx: AppContext, actor: Actor, id: string): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const row = await repo.findRequest(ctx.db, actor.orgId, id)
  if (!row) throw missing('request')
  return describeRequest(ctx.db, actor, row)
}

// ---------------------------------------------------------------- raising and changing

/** WD-<year>-<nnnn>, numbered per exchange and year (Japan time). */
async function newReference(tx: Queryable, orgId: string, now: Date): Promise<string> {
  const year = new Date(now.getTime() + 9 * 3_600_000).getUTCFullYear()
  return `WD-${year}-${String(await repo.nextReferenceNumber(tx, orgId, year)).padStart(4, '0')}`
}

export async function createRequest(ctx: AppContext, actor: Actor, input: RequestInput): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  assertCanRequest(actor)
  const clean = cleanInput(input)
  const now = ctx.clock()
  const { detail, sent } = await ctx.db.transaction(async (tx) => {
    const check = await assertWithinLimits(tx, actor.orgId, clean, now, null)
    const policy = await repo.findPolicy(tx, actor.orgId)
    const id = randomUUID()
    const reference = await newReference(tx, actor.orgId, now)
    const material: RequestMaterial = { requestId: id, orgId: actor.orgId, reference, requestedBy: actor.userId, ...clean }
    const digest = requestDigest(material)
    await repo.insertRequest(tx, {
      id,
      orgId: actor.orgId,
      reference,
      status: 'requested',
      ...clean,
      digest,
      approvalsRequired: policy?.row.approvalsRequired ?? DEFAULT_POLICY.approvalsRequired,
      requestedBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    const allowListed = (await repo.activeEntry(tx, actor.orgId, clean.asset, clean.destinationAddress)) !== undefined
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'created',
      actorUserId: actor.userId,
      subjectDigest: digest,
      details: { reference, asset: clean.asset, amount: clean.amount, allowListed },
      at: now,
    })
    const sent = await alertsOnContent(tx, actor, { id, reference, digest, ...clean }, { allowListed, check }, now)
    return { detail: await describeRequest(tx, actor, await lockRequest(tx, actor, id)), sent }
  })
  await emailAll(ctx, sent)
  return detail
}

const MATERIAL_FIELDS = ['asset', 'amount', 'destinationAddress', 'purpose'] as const

/**
 * Changes a request before it is approved. The new content has a new digest: the verification,
 * the destination approval, a pending code and every approval given so far no longer count.
 */
export async function updateRequest(ctx: AppContext, actor: Actor, id: string, input: RequestInput): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  const { detail, sent } = await ctx.db.transaction(async (tx) => {
    const row = await lockRequest(tx, actor, id)
    assertCanTake('update', actor, factsOf(await loadRequest(tx, row)))
    const clean = cleanInput(input)
    const digest = requestDigest({ ...materialOf(row), ...clean })
    if (digest === row.digest) return { detail: await describeRequest(tx, actor, row), sent: [] }
    const check = await assertWithinLimits(tx, actor.orgId, clean, row.createdAt, row.id)
    const policy = await repo.findPolicy(tx, actor.orgId)
    const voided = await repo.voidApprovals(tx, actor.orgId, id, now)
    await repo.deleteCode(tx, actor.orgId, id)
    await repo.updateRequest(tx, actor.orgId, id, {
      ...clean,
      digest,
      revision: row.revision + 1,
      status: 'requested',
      approvalsRequired: policy?.row.approvalsRequired ?? DEFAULT_POLICY.approvalsRequired,
      destinationApprovedBy: null,
      destinationApprovedAt: null,
      destinationComment: null,
      verifiedBy: null,
      verifiedAt: null,
      approvedAt: null,
      updatedAt: now,
    })
    const changed = MATERIAL_FIELDS.filter((field) => clean[field] !== row[field])
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'updated',
      actorUserId: actor.userId,
      subjectDigest: digest,
      details: { reference: row.reference, previousDigest: row.digest, revision: row.revision + 1, changed, approvalsVoided: voided, verificationVoided: row.verifiedBy !== null },
      at: now,
    })
    const allowListed = (await repo.activeEntry(tx, actor.orgId, clean.asset, clean.destinationAddress)) !== undefined
    const destinationChanged = changed.includes('asset') || changed.includes('destinationAddress')
    const amountChanged = changed.includes('asset') || changed.includes('amount')
    const sent = await alertsOnContent(
      tx,
      actor,
      { id, reference: row.reference, digest, ...clean },
      { allowListed: allowListed || !destinationChanged, check: { ...check, overThreshold: check.overThreshold && amountChanged } },
      now,
    )
    return { detail: await describeRequest(tx, actor, await lockRequest(tx, actor, id)), sent }
  })
  await emailAll(ctx, sent)
  return detail
}

// ---------------------------------------------------------------- verification

const maskEmail = (email: string) => {
  const [local = '', domain = ''] = email.split('@')
  return `${local.slice(0, 1)}***@${domain}`
}

function codeMessage(locale: 'ja' | 'en', row: repo.RequestRow, code: string, expiresAt: Date) {
  const until = new Date(expiresAt.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
  if (locale === 'en') {
    return {
      subject: `Kamae: confirmation code for withdrawal request ${row.reference}`,
      body: [
        `Confirmation code: ${code}`,
        '',
        `It confirms withdrawal request ${row.reference}:`,
        `  asset: ${row.asset}`,
        `  amount: ${row.amount}`,
        `  destination address: ${row.destinationAddress}`,
        `  request digest: ${row.digest}`,
        '',
        `Valid until ${until} (Japan time), for ${MAX_ATTEMPTS} tries.`,
        'Compare these details with the screen. If they differ, or you did not ask for this code, do not enter it and tell an admin.',
      ].join('\n'),
    }
  }
  return {
    subject: `Kamae: 出庫申請 ${row.reference} の確認コード`,
    body: [
      `確認コード: ${code}`,
      '',
      `次の出庫申請 ${row.reference} を確認するためのコードです。`,
      `  資産: ${row.asset}`,
      `  数量: ${row.amount}`,
      `  送付先アドレス: ${row.destinationAddress}`,
      `  申請ダイジェスト: ${row.digest}`,
      '',
      `有効期限: ${until}（日本時間）、入力は${MAX_ATTEMPTS}回まで。`,
      '画面の内容と照らし合わせてください。内容が異なる場合や、心当たりがない場合は入力せず、管理者に連絡してください。',
    ].join('\n'),
  }
}

/**
 * Sends the verifier a one-time code by e-mail (the second channel), with what it confirms. A new
 * code replaces the previous one; a request takes at most MAX_CODES_PER_REQUEST codes.
 */
export async function sendConfirmationCode(ctx: AppContext, actor: Actor, id: string): Promise<{ sentTo: string; expiresAt: Date; request: RequestDetail }> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  const mailbox = await repo.mailboxOf(ctx.db, actor.orgId, actor.userId)
  if (!mailbox) throw missing('request')
  const { code, row, expiresAt, detail } = await ctx.db.transaction(async (tx) => {
    const row = await lockRequest(tx, actor, id)
    assertCanTake('send_code', actor, factsOf(await loadRequest(tx, row)))
    if (row.codesSent >= MAX_CODES_PER_REQUEST) {
      throw conflict('too_many_codes', {
        ja: `この出庫申請には既に${MAX_CODES_PER_REQUEST}回コードを送信しました。申請を取り消して、改めて申請してください`,
        en: `${MAX_CODES_PER_REQUEST} codes have been sent for this request: cancel it and raise it again`,
      })
    }
    const { code, stored } = newConfirmationCode(row.digest, now)
    await repo.saveCode(tx, { requestId: id, orgId: actor.orgId, verifierId: actor.userId, ...stored, sentAt: now })
    await repo.updateRequest(tx, actor.orgId, id, { codesSent: row.codesSent + 1, updatedAt: now })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'code_sent',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { reference: row.reference, expiresAt: stored.expiresAt.toISOString(), codesSent: row.codesSent + 1 },
      at: now,
    })
    return { code, row, expiresAt: stored.expiresAt, detail: await describeRequest(tx, actor, await lockRequest(tx, actor, id)) }
  })
  // After commit: a code is only ever delivered when it is stored (a failed delivery: send again).
  await ctx.notifier.send({ to: mailbox.email, ...codeMessage(mailbox.locale, row, code, expiresAt) })
  return { sentTo: maskEmail(mailbox.email), expiresAt, request: detail }
}

/** The verifier approves, for this request only, a destination that is not on the allow-list. */
export async function approveDestination(ctx: AppContext, actor: Actor, id: string, input: { digest: string; comment?: string | null }): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const row = await lockRequest(tx, actor, id)
    assertCanTake('approve_destination', actor, factsOf(await loadRequest(tx, row)))
    if (input.digest !== row.digest) throw digestMismatch()
    const comment = input.comment?.trim() || null
    await repo.updateRequest(tx, actor.orgId, id, { destinationApprovedBy: actor.userId, destinationApprovedAt: now, destinationComment: comment, updatedAt: now })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'destination_approved',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { reference: row.reference, asset: row.asset, destinationAddress: row.destinationAddress },
      at: now,
    })
    return describeRequest(tx, actor, await lockRequest(tx, actor, id))
  })
}

function codeRefusal(outcome: Exclude<CodeOutcome, { result: 'accepted' }>): AppError {
  const at = (code: string, status: number, message: Localized) => new AppError(code, status, message, [{ path: 'body.code', message }])
  switch (outcome.result) {
    case 'wrong':
      return at(
        'code_incorrect',
        400,
        outcome.attemptsLeft > 0
          ? { ja: `確認コードが正しくありません（残り${outcome.attemptsLeft}回）`, en: `The confirmation code is not correct (${outcome.attemptsLeft} tries left)` }
          : { ja: '確認コードが正しくありません。このコードは使えなくなりました。新しいコードを送信してください', en: 'The confirmation code is not correct and is now used up: send a new code' },
      )
    case 'expired':
      return at('code_expired', 409, { ja: '確認コードの有効期限が切れています。新しいコードを送信してください', en: 'The confirmation code has expired: send a new code' })
    case 'locked':
      return at('code_locked', 409, { ja: '誤入力が多すぎるため、このコードは使えません。新しいコードを送信してください', en: 'Too many wrong tries: this code is used up. Send a new code' })
    case 'stale':
      return at('code_stale', 409, { ja: 'コードの送信後に出庫申請が変更されました。新しいコードを送信してください', en: 'The request changed after the code was sent: send a new code' })
  }
}

/**
 * Completes verification: the destination is allow-listed or approved, the amount within limits,
 * and the verifier types the code they received. A wrong try is counted (and committed) before
 * the refusal is answered.
 */
export async function verifyRequest(ctx: AppContext, actor: Actor, id: string, input: { code: string; digest: string }): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  const { outcome, detail, sent } = await ctx.db.transaction(async (tx) => {
    const row = await lockRequest(tx, actor, id)
    const loaded = await loadRequest(tx, row)
    assertCanTake('verify', actor, factsOf(loaded))
    if (input.digest !== row.digest) throw digestMismatch()
    const code = loaded.code
    if (!code || code.verifierId !== actor.userId) {
      throw conflict('no_code', {
        ja: '確認コードがありません。先にコードを送信してください（コードは受け取った本人のみが入力できます）',
        en: 'There is no confirmation code for you: send a code first (only its recipient can enter it)',
      })
    }
    const outcome = checkCode(code, input.code, row.digest, now)
    const sent: Sent[] = []
    if (outcome.result === 'wrong') {
      await repo.setCodeAttempts(tx, actor.orgId, id, outcome.attempts)
      await recordStep(tx, {
        orgId: actor.orgId,
        subject: { type: 'request', id },
        step: 'code_rejected',
        actorUserId: actor.userId,
        subjectDigest: row.digest,
        details: { reference: row.reference, attempts: outcome.attempts },
        at: now,
      })
      if (outcome.attemptsLeft === 0) {
        sent.push(
          await raiseAlert(tx, {
            orgId: actor.orgId,
            kind: 'code_attempts_exceeded',
            request: { id, reference: row.reference, digest: row.digest },
            message: {
              ja: `${row.reference}: 確認コードが${MAX_ATTEMPTS}回誤って入力されました`,
              en: `${row.reference}: the confirmation code was entered wrongly ${MAX_ATTEMPTS} times`,
            },
            raisedBy: actor.userId,
            at: now,
          }),
        )
      }
      return { outcome, detail: null, sent }
    }
    if (outcome.result !== 'accepted') return { outcome, detail: null, sent }
    await repo.deleteCode(tx, actor.orgId, id)
    await repo.updateRequest(tx, actor.orgId, id, { status: statusAfter('verify', factsOf(loaded)), verifiedBy: actor.userId, verifiedAt: now, updatedAt: now })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'verified',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: {
        reference: row.reference,
        destination: loaded.entry ? 'allow_list' : 'approved_for_request',
        allowListEntryId: loaded.entry?.id ?? null,
        dailyTotal: loaded.limitCheck?.dailyTotal ?? null,
        codeSentAt: code.sentAt.toISOString(),
      },
      at: now,
    })
    return { outcome, detail: await describeRequest(tx, actor, await lockRequest(tx, actor, id)), sent }
  })
  await emailAll(ctx, sent)
  if (outcome.result !== 'accepted') throw codeRefusal(outcome)
  return detail!
}

// ---------------------------------------------------------------- approval, execution, reconciliation

async function lockIntactRequest(tx: Queryable, actor: Actor, id: string): Promise<LoadedRequest> {
  const row = await lockRequest(tx, actor, id)
  if (!isIntact(row)) throw requestTampered()
  return loadRequest(tx, row)
}

/** One of the m approvals, bound to the digest the approver saw; outside business hours it raises an alert. */
export async function approveRequest(ctx: AppContext, actor: Actor, id: string, input: { digest: string; comment?: string | null }): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  const { detail, sent } = await ctx.db.transaction(async (tx) => {
    const loaded = await lockIntactRequest(tx, actor, id)
    const { row } = loaded
    const facts = factsOf(loaded)
    assertCanTake('approve', actor, facts)
    if (input.digest !== row.digest) throw digestMismatch()
    const policy = await repo.findPolicy(tx, actor.orgId)
    const hours = policy
      ? { days: policy.row.businessDays, start: policy.row.businessStart, end: policy.row.businessEnd }
      : DEFAULT_POLICY.businessHours
    const outsideHours = !withinBusinessHours(now, hours)
    await repo.insertApproval(tx, {
      id: randomUUID(),
      requestId: id,
      orgId: actor.orgId,
      approverId: actor.userId,
      digest: row.digest,
      comment: input.comment?.trim() || null,
      outsideHours,
      approvedAt: now,
    })
    const status = statusAfter('approve', facts)
    await repo.updateRequest(tx, actor.orgId, id, { status, approvedAt: status === 'approved' ? now : null, updatedAt: now })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'approved',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { reference: row.reference, approvals: facts.approvers.length + 1, required: row.approvalsRequired, quorumReached: status === 'approved', outsideHours },
      at: now,
    })
    const sent: Sent[] = []
    if (outsideHours) {
      sent.push(
        await raiseAlert(tx, {
          orgId: actor.orgId,
          kind: 'approval_outside_hours',
          request: { id, reference: row.reference, digest: row.digest },
          message: {
            ja: `${row.reference}: 営業時間外（${hours.start}〜${hours.end}、日本時間）に承認されました`,
            en: `${row.reference}: approved outside business hours (${hours.start}–${hours.end} Japan time)`,
          },
          raisedBy: actor.userId,
          at: now,
        }),
      )
    }
    return { detail: await describeRequest(tx, actor, await lockRequest(tx, actor, id)), sent }
  })
  await emailAll(ctx, sent)
  return detail
}

/** The executor records the on-chain transaction of an approved withdrawal. */
export async function recordExecution(ctx: AppContext, actor: Actor, id: string, input: { transactionId: string; note?: string | null }): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const loaded = await lockIntactRequest(tx, actor, id)
    const { row } = loaded
    assertCanTake('execute', actor, factsOf(loaded))
    const transactionId = input.transactionId.trim()
    const earlier = await repo.findRequestByTransaction(tx, actor.orgId, transactionId)
    if (earlier) {
      const message = {
        ja: `このトランザクションIDは出庫申請 ${earlier.reference} の実行として記録済みです`,
        en: `This transaction id is already recorded as the execution of withdrawal request ${earlier.reference}`,
      }
      throw new AppError('transaction_already_recorded', 409, message, [{ path: 'body.transactionId', message }])
    }
    await repo.updateRequest(tx, actor.orgId, id, {
      status: statusAfter('execute', factsOf(loaded)),
      executedBy: actor.userId,
      executedAt: now,
      transactionId,
      executionNote: input.note?.trim() || null,
      updatedAt: now,
    })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'executed',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { reference: row.reference, transactionId, approvers: loaded.liveApprovers.length },
      at: now,
    })
    return describeRequest(tx, actor, await lockRequest(tx, actor, id))
  })
}

export interface ObservedTransfer {
  observedAmount: string
  observedAddress: string
  observedTransactionId: string
  note?: string | null
}

/** Compares what the chain shows with what was approved; a difference raises an alert. */
export async function reconcileRequest(ctx: AppContext, actor: Actor, id: string, input: ObservedTransfer): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  const { detail, sent } = await ctx.db.transaction(async (tx) => {
    const loaded = await lockIntactRequest(tx, actor, id)
    const { row } = loaded
    assertCanTake('reconcile', actor, factsOf(loaded))
    const observedAmount = normalizeAmount(input.observedAmount)
    if (observedAmount === null) throw invalidAmount('body.observedAmount')
    const observed = { amount: observedAmount, address: input.observedAddress.trim(), transactionId: input.observedTransactionId.trim() }
    const differences = reconcile({ amount: row.amount, address: row.destinationAddress, transactionId: row.transactionId ?? '' }, observed)
    const mismatch = differences.length > 0
    await repo.updateRequest(tx, actor.orgId, id, {
      status: statusAfter('reconcile', factsOf(loaded), { mismatch }),
      reconciledBy: actor.userId,
      reconciledAt: now,
      observedAmount: observed.amount,
      observedAddress: observed.address,
      observedTransactionId: observed.transactionId,
      reconciliationDifferences: differences,
      reconciliationNote: input.note?.trim() || null,
      updatedAt: now,
    })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: mismatch ? 'reconciliation_mismatch' : 'reconciled',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { reference: row.reference, differences, observedAmount: observed.amount, observedAddress: observed.address, observedTransactionId: observed.transactionId },
      at: now,
    })
    const sent: Sent[] = []
    if (mismatch) {
      sent.push(
        await raiseAlert(tx, {
          orgId: actor.orgId,
          kind: 'reconciliation_mismatch',
          request: { id, reference: row.reference, digest: row.digest },
          message: {
            ja: `${row.reference}: チェーン上の取引が承認内容と一致しません（${differences.map((d) => FIELD_LABELS[d].ja).join('、')}）`,
            en: `${row.reference}: the transaction on chain does not match what was approved (${differences.map((d) => FIELD_LABELS[d].en).join(', ')})`,
          },
          raisedBy: actor.userId,
          at: now,
        }),
      )
    }
    return { detail: await describeRequest(tx, actor, await lockRequest(tx, actor, id)), sent }
  })
  await emailAll(ctx, sent)
  return detail
}

const FIELD_LABELS: Record<ReconciledField, Localized> = {
  amount: { ja: '数量', en: 'amount' },
  address: { ja: '送付先アドレス', en: 'destination address' },
  transactionId: { ja: 'トランザクションID', en: 'transaction id' },
}

export async function cancelRequest(ctx: AppContext, actor: Actor, id: string, input: { reason: string }): Promise<RequestDetail> {
  await requireExchange(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const row = await lockRequest(tx, actor, id)
    assertCanTake('cancel', actor, factsOf(await loadRequest(tx, row)))
    const reason = input.reason.trim()
    if (!reason) throw invalidField('body.reason', { ja: '取消の理由を入力してください', en: 'Enter the reason for cancelling' })
    await repo.deleteCode(tx, actor.orgId, id)
    await repo.updateRequest(tx, actor.orgId, id, { status: 'cancelled', cancelledBy: actor.userId, cancelledAt: now, cancelReason: reason, updatedAt: now })
    await recordStep(tx, {
      orgId: actor.orgId,
      subject: { type: 'request', id },
      step: 'cancelled',
      actorUserId: actor.userId,
      subjectDigest: row.digest,
      details: { reference: row.reference, previousStatus: row.status },
      at: now,
    })
    return describeRequest(tx, actor, await lockRequest(tx, actor, id))
  })
}
