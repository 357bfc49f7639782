import type { AppContext, Logger } from '../../../context.js'
import type { ErrorDetail } from '../../../errors.js'
import type { Localized } from '../../../i18n/locale.js'
import { recordAudit } from '../../audit/service.js'
import * as repo from '../repository.js'
import type { PullResult } from '../schema.js'
import { NO_RECIPIENTS } from '../sharing.js'
import { ingest, readEnvelope, readerContext, type IncomingObject } from '../store.js'
import { fetchObjectsPage, TaxiiClientError, type PageRequest, type RemoteCollection } from './client.js'
import { credentialKey, openSecret } from './credentials.js'

// Subscriptions pulled on a schedule (issue 5 §3, client side). The schedule lives in the database
// (next_pull_at), not in a process: every process ticks, claims one due subscription at a time
// with FOR UPDATE SKIP LOCKED, pulls it, and sets its next time — so several processes share the
// work and none pulls a subscription another is pulling. A pull asks for what was added after the
// last date added it stored (the cursor), follows `next` to the end, validates every object, and
// stores each page in one transaction with the new cursor: a pull cut off half way resumes there.

export const PAGE_SIZE = 500
const MAX_PAGES_PER_PULL = 200
/** A pull claimed longer ago than this was cut off (a process stopped): another may take it. */
const STALE_PULL_MS = 15 * 60_000
const MAX_PROBLEMS = 20
const TICK_MS = 60_000
/** The reader id of a subscription whose creator is gone (only its organisation matters). */
const NOBODY = '00000000-0000-0000-0000-000000000000'

export function remoteOf(ctx: AppContext, subscription: repo.SubscriptionRow): RemoteCollection {
  return {
    apiRootUrl: subscription.apiRootUrl,
    collectionId: subscription.remoteCollectionId,
    username: subscription.username,
    token: openSecret(credentialKey(ctx.config), subscription.tokenKeyId, subscription.tokenCiphertext),
  }
}

export interface PullOptions {
  /** Objects asked for per page (default 500). */
  pageSize?: number
}

const localized = (error: unknown): Localized => {
  if (error instanceof TaxiiClientError) return error.localized
  if (error && typeof error === 'object' && 'localized' in error) return (error as { localized: Localized }).localized
  const text = error instanceof Error ? error.message : String(error)
  return { ja: `取り込みに失敗しました（${text}）`, en: `The pull failed (${text})` }
}

/** Stores one page's valid objects and the new cursor in one transaction; answers how many were new. */
async function storePage(ctx: AppContext, subscription: repo.SubscriptionRow, objects: IncomingObject[], cursor: string | null): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const context = await readerContext(tx, { userId: subscription.createdBy ?? NOBODY, orgId: subscription.orgId })
    const access = context.collections.get(subscription.collectionId)
    if (!access?.canWrite) {
      throw new TaxiiClientError({ ja: '取り込み先のコレクションに書き込めなくなりました', en: 'The local collection can no longer be written to' })
    }
    let stored = 0
    if (objects.length > 0) {
      const outcome = await ingest(tx, {
        collection: access.collection,
        producerOrgId: subscription.orgId,
        producerUserId: null,
        via: 'subscription',
        tlp: subscription.tlp,
        anonymous: false,
        recipients: NO_RECIPIENTS,
        subscriptionId: subscription.id,
        objects,
        now: ctx.clock(),
      })
      stored = outcome.stored.length
    }
    await repo.updateSubscription(tx, subscription.id, { cursor })
    return stored
  })
}

/** Counts what a page held that is not valid STIX, and keeps the first few reasons. */
function noteProblems(result: PullResult, problems: Map<number, ErrorDetail[]>) {
  for (const found of problems.values()) {
    result.skipped++
    const first = found[0]!
    if (result.problems.length < MAX_PROBLEMS) result.problems.push({ ja: `${first.path}: ${first.message.ja}`, en: `${first.path}: ${first.message.en}` })
  }
}

/**
 * Pulls one claimed subscription to the end and releases it, recording what happened. Never throws:
 * the result says what went wrong, and the next pull comes at the next interval. Pages are asked
 * with the same added_after and followed by `next` (§3.4); each page is stored with its
 * X-TAXII-Date-Added-Last as the cursor the next pull starts after.
 */
export async function pullSubscription(ctx: AppContext, subscription: repo.SubscriptionRow, options: PullOptions = {}): Promise<PullResult> {
  const result: PullResult = { at: ctx.clock().toISOString(), ok: true, pages: 0, received: 0, stored: 0, skipped: 0, problems: [] }
  let cursor = subscription.cursor
  try {
    const remote = remoteOf(ctx, subscription)
    let request: PageRequest = { addedAfter: cursor ?? undefined, limit: options.pageSize ?? PAGE_SIZE }
    while (result.pages < MAX_PAGES_PER_PULL) {
      const page = await fetchObjectsPage(remote, request, { maxBytes: ctx.config.maxUploadBytes, timeoutMs: 60_000 })
      result.pages++
      const read = readEnvelope(page.text)
      if (!read.ok) throw new TaxiiClientError({ ja: '応答が TAXII エンベロープではありません', en: 'The answer is not a TAXII envelope' })
      result.received += read.objects.length
      noteProblems(result, read.problems)
      cursor = page.dateAddedLast ?? cursor
      result.stored += await storePage(
        ctx,
        subscription,
        read.objects.filter((o) => !read.problems.has(o.index)),
        cursor,
      )
      if (!page.more) break
      // With more but no next, a client goes on from the last date added (§3.4).
      if (page.next) request = { ...request, next: page.next }
      else if (page.dateAddedLast) request = { addedAfter: page.dateAddedLast, limit: request.limit }
      else break
    }
  } catch (error) {
    result.ok = false
    result.problems.unshift(localized(error))
  }
  const finished = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    await repo.updateSubscription(tx, subscription.id, {
      pullingSince: null,
      lastPullAt: finished,
      lastResult: result,
      nextPullAt: new Date(finished.getTime() + subscription.intervalMinutes * 60_000),
    })
    await recordAudit(tx, {
      actorUserId: null,
      orgId: subscription.orgId,
      action: 'intel.subscription_pulled',
      target: { type: 'intel_subscription', id: subscription.id },
      details: { ok: result.ok, pages: result.pages, received: result.received, stored: result.stored, skipped: result.skipped, cursor },
      at: finished,
    })
  })
  return result
}

/** Pulls every subscription that is due, one after the other; answers how many were pulled. */
export async function runDueSubscriptions(ctx: AppContext, log?: Logger, options: PullOptions = {}): Promise<number> {
  let pulled = 0
  for (;;) {
    const now = ctx.clock()
    const subscription = await repo.claimDueSubscription(ctx.db, now, new Date(now.getTime() - STALE_PULL_MS))
    if (!subscription) return pulled
    const result = await pullSubscription(ctx, subscription, options)
    if (!result.ok) log?.warn({ subscription: subscription.id, problem: result.problems[0]?.en }, 'intel: subscription pull failed')
    pulled++
  }
}

/** Claims a subscription for a pull requested now; false while another pull of it runs. */
export async function claimForPull(ctx: AppContext, id: string): Promise<boolean> {
  const now = ctx.clock()
  return repo.claimSubscription(ctx.db, id, now, new Date(now.getTime() - STALE_PULL_MS))
}

export interface SubscriptionScheduler {
  stop(): Promise<void>
}

/** Ticks every minute in this process; failures are logged, never thrown. */
export function startSubscriptionScheduler(ctx: AppContext, log: Logger, intervalMs = TICK_MS): SubscriptionScheduler {
  let running: Promise<void> | null = null
  const tick = () => {
    if (running) return
    running = runDueSubscriptions(ctx, log)
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error }, 'intel: pulling subscriptions failed'),
      )
      .finally(() => {
        running = null
      })
  }
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
