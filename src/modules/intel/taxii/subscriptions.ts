import { randomUUID } from 'node:crypto'
import type { AppContext } from '../../../context.js'
import { conflict, invalid } from '../../../errors.js'
import { recordAudit } from '../../audit/service.js'
import type { Actor } from '../../identity/actor.js'
import { assertCanWrite, assertOrgAdmin, missing, visibleCollection } from '../permissions.js'
import * as repo from '../repository.js'
import type { PullResult } from '../schema.js'
import { readerContext } from '../store.js'
import type { TlpLevel } from '../tlp.js'
import { credentialKey, sealSecret } from './credentials.js'
import { claimForPull, pullSubscription } from './scheduler.js'

// Subscriptions to collections of other TAXII 2.1 servers (issue 5 §3): an organisation's admin
// names the remote collection and the credentials Kamae presents there, the local collection the
// objects go into and the TLP label they are stored under. The token is stored encrypted and never
// returned. Pulls run on the schedule (scheduler.ts) or when asked.

export interface SubscriptionView {
  id: string
  title: string
  apiRootUrl: string
  remoteCollectionId: string
  username: string
  collection: { id: string; title: string }
  tlp: TlpLevel
  intervalMinutes: number
  active: boolean
  cursor: string | null
  nextPullAt: Date
  lastPullAt: Date | null
  lastResult: PullResult | null
  createdAt: Date
}

export const DEFAULT_INTERVAL_MINUTES = 60

async function views(ctx: AppContext, rows: repo.SubscriptionRow[]): Promise<SubscriptionView[]> {
  const collections = await repo.collectionsByIds(
    ctx.db,
    rows.map((r) => r.collectionId),
  )
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    apiRootUrl: row.apiRootUrl,
    remoteCollectionId: row.remoteCollectionId,
    username: row.username,
    collection: { id: row.collectionId, title: collections.get(row.collectionId)?.title ?? '' },
    tlp: row.tlp,
    intervalMinutes: row.intervalMinutes,
    active: row.active,
    cursor: row.cursor,
    nextPullAt: row.nextPullAt,
    lastPullAt: row.lastPullAt,
    lastResult: row.lastResult,
    createdAt: row.createdAt,
  }))
}

async function ownSubscription(ctx: AppContext, actor: Actor, id: string): Promise<repo.SubscriptionRow> {
  const row = await repo.findSubscription(ctx.db, actor.orgId, id)
  if (!row) throw missing('subscription')
  return row
}

export async function listSubscriptions(ctx: AppContext, actor: Actor): Promise<SubscriptionView[]> {
  return views(ctx, await repo.subscriptionsOfOrg(ctx.db, actor.orgId))
}

export async function getSubscription(ctx: AppContext, actor: Actor, id: string): Promise<SubscriptionView> {
  return (await views(ctx, [await ownSubscription(ctx, actor, id)]))[0]!
}

/** `url` + `apiRoot` -> the API root's absolute URL, ending in a slash. */
export function apiRootUrlOf(url: string, apiRoot: string | undefined): string {
  const resolved = new URL(apiRoot?.trim() || url, url.endsWith('/') ? url : `${url}/`)
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') throw new TypeError('not http(s)')
  resolved.search = ''
  resolved.hash = ''
  return resolved.href.endsWith('/') ? resolved.href : `${resolved.href}/`
}

export interface SubscriptionInput {
  title: string
  url: string
  apiRoot?: string
  remoteCollectionId: string
  username: string
  token: string
  collectionId: string
  tlp: TlpLevel
  intervalMinutes?: number
}

export async function createSubscription(ctx: AppContext, actor: Actor, input: SubscriptionInput): Promise<SubscriptionView> {
  assertOrgAdmin(actor)
  let apiRootUrl: string
  try {
    apiRootUrl = apiRootUrlOf(input.url, input.apiRoot)
  } catch {
    const message = { ja: 'TAXII サーバーの URL（http または https）ではありません', en: 'is not the URL of a TAXII server (http or https)' }
    throw invalid(message, [{ path: input.apiRoot ? 'body.apiRoot' : 'body.url', message }])
  }
  const key = credentialKey(ctx.config)
  const now = ctx.clock()
  const id = randomUUID()
  await ctx.db.transaction(async (tx) => {
    const context = await readerContext(tx, actor)
    assertCanWrite(actor, visibleCollection(context.collections.get(input.collectionId)))
    await repo.insertSubscription(tx, {
      id,
      orgId: actor.orgId,
      title: input.title.trim(),
      apiRootUrl,
      remoteCollectionId: input.remoteCollectionId.trim(),
      username: input.username.trim(),
      tokenCiphertext: sealSecret(key, input.token),
      tokenKeyId: key.id,
      collectionId: input.collectionId,
      tlp: input.tlp,
      intervalMinutes: input.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES,
      nextPullAt: now,
      createdBy: actor.userId,
      createdAt: now,
    })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'intel.subscription_created',
      target: { type: 'intel_subscription', id },
      details: { apiRootUrl, remoteCollectionId: input.remoteCollectionId, collectionId: input.collectionId, tlp: input.tlp },
      at: now,
    })
  })
  return getSubscription(ctx, actor, id)
}

export async function updateSubscription(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { title?: string; username?: string; token?: string; tlp?: TlpLevel; intervalMinutes?: number; active?: boolean },
): Promise<SubscriptionView> {
  assertOrgAdmin(actor)
  const row = await ownSubscription(ctx, actor, id)
  const key = credentialKey(ctx.config)
  const now = ctx.clock()
  const changes = {
    ...(input.title?.trim() ? { title: input.title.trim() } : {}),
    ...(input.username?.trim() ? { username: input.username.trim() } : {}),
    ...(input.token ? { tokenCiphertext: sealSecret(key, input.token), tokenKeyId: key.id } : {}),
    ...(input.tlp ? { tlp: input.tlp } : {}),
    ...(input.intervalMinutes ? { intervalMinutes: input.intervalMinutes } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(input.active === true && !row.active ? { nextPullAt: now } : {}),
  }
  await ctx.db.transaction(async (tx) => {
    await repo.updateSubscription(tx, id, changes)
    const { tokenCiphertext: _secret, ...shown } = changes as typeof changes & { tokenCiphertext?: string }
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'intel.subscription_updated',
      target: { type: 'intel_subscription', id },
      details: { ...shown, tokenChanged: input.token !== undefined },
      at: now,
    })
  })
  return getSubscription(ctx, actor, id)
}

export async function deleteSubscription(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  assertOrgAdmin(actor)
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    if (!(await repo.deleteSubscription(tx, actor.orgId, id))) throw missing('subscription')
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.subscription_deleted', target: { type: 'intel_subscription', id }, at: now })
  })
}

/** Pulls the subscription now (an admin's "pull now"), and answers it with the result. */
export async function pullNow(ctx: AppContext, actor: Actor, id: string): Promise<SubscriptionView> {
  assertOrgAdmin(actor)
  const row = await ownSubscription(ctx, actor, id)
  if (!(await claimForPull(ctx, row.id))) throw conflict('pull_running', { ja: 'この購読は取り込み中です', en: 'This subscription is being pulled right now' })
  await pullSubscription(ctx, row)
  return getSubscription(ctx, actor, id)
}
