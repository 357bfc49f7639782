import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../../test/support/app.js'
import { objectTexts } from '../bundle-text.js'
import { intelSubscriptions } from '../schema.js'
import { createToken, indicator, makeIsac, makeMember, marked, taxii, type Community, type Member, type Stix } from '../test-fixtures.js'
import { runDueSubscriptions, startSubscriptionScheduler } from './scheduler.js'

// Two Kamae servers on loopback (issue 5 §3): a regional ISAC on server B subscribes to the national
// ISAC's collection on server A with a member bank's API token, and pulls it on a schedule into
// its own collection under TLP:GREEN — the pages followed to the end, only what is new the next
// time, every object stored exactly as A served it, and only what the token may read on A.

interface SubscriptionView {
  id: string
  apiRootUrl: string
  cursor: string | null
  nextPullAt: string
  lastResult: { ok: boolean; pages: number; received: number; stored: number; skipped: number; problems: { en: string }[] } | null
}

// Past the subscription's interval (5 minutes), well within the sessions' idle time.
const PAST_INTERVAL = 6 * 60_000

describe('pulling a collection of another Kamae server', () => {
  let a: TestServer
  let b: TestServer
  let nationalBank: Member
  let national: Community
  let regional: Community
  let regionalBank: Member
  let token: string
  let subscription: SubscriptionView
  const first: Stix[] = []

  const post = async (objects: Stix[], creds = { email: nationalBank.user.email, token }) => {
    const response = await taxii<{ success_count: number }>(a, 'POST', `/taxii2/kamae/collections/${national.collectionId}/objects/`, creds, { body: { objects } })
    expect(response.status, response.text).toBe(202)
    expect(response.body.success_count).toBe(objects.length)
  }

  beforeAll(async () => {
    ;[a, b] = await Promise.all([startTestServer(), startTestServer()])
    nationalBank = await makeMember(a, 'National Member Bank')
    const otherBank = await makeMember(a, 'Other National Bank')
    national = await makeIsac(a, [nationalBank, otherBank], { defaultTlp: 'green' })
    token = await createToken(nationalBank.client, 'regional isac pull')

    regionalBank = await makeMember(b, 'Regional Member Bank')
    regional = await makeIsac(b, [regionalBank], { title: 'From the national ISAC', defaultTlp: 'amber+strict', membersCanWrite: false })

    const versioned = indicator({ name: 'NATIONAL-VERSIONED' })
    first.push(indicator({ name: 'NATIONAL-1' }), versioned, indicator({ name: 'NATIONAL-2' }), { ...versioned, modified: '2024-04-05T00:00:00.000Z', name: 'NATIONAL-VERSIONED v2' })
    await post(first)
    // RED for the other bank alone: the token's organisation may not read it on A, so it never travels.
    const otherToken = await createToken(otherBank.client)
    await post([marked(indicator({ name: 'NATIONAL-RED-OTHER' }), 'red')], { email: otherBank.user.email, token: otherToken })
    await post([indicator({ name: 'NATIONAL-3' }), indicator({ name: 'NATIONAL-4' })])
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
  })

  it('subscribes with the remote token stored encrypted and never shown', async () => {
    const created = await regional.isacAdmin.client.post<SubscriptionView>('/api/v1/intel/subscriptions', {
      title: 'National ISAC indicators',
      url: `${a.baseUrl}/taxii2/`,
      apiRoot: 'kamae/',
      remoteCollectionId: national.collectionId,
      username: nationalBank.user.email,
      token,
      collectionId: regional.collectionId,
      tlp: 'green',
      intervalMinutes: 5,
    })
    expect(created.status, created.text).toBe(201)
    subscription = created.body
    expect(subscription.apiRootUrl).toBe(`${a.baseUrl}/taxii2/kamae/`)
    expect(created.text).not.toContain(token)
    expect((await regional.isacAdmin.client.get(`/api/v1/intel/subscriptions/${subscription.id}`)).text).not.toContain(token)
    const [row] = await b.ctx.db.select().from(intelSubscriptions).where(eq(intelSubscriptions.id, subscription.id))
    expect(row!.tokenCiphertext).not.toContain(token)
    expect(row!.tokenCiphertext.length).toBeGreaterThan(token.length)
    // A member bank of the regional ISAC is not its admin: it may not subscribe.
    const refused = await regionalBank.client.post('/api/v1/intel/subscriptions', {
      title: 'x',
      url: `${a.baseUrl}/taxii2/kamae/`,
      remoteCollectionId: national.collectionId,
      username: 'x',
      token: 'x',
      collectionId: regional.collectionId,
      tlp: 'green',
    })
    expect(refused.status).toBe(403)
  })

  it('pulls everything the token may read, following next to the end', async () => {
    expect(await runDueSubscriptions(b.ctx, undefined, { pageSize: 2 })).toBe(1)
    const after = await regional.isacAdmin.client.get<SubscriptionView>(`/api/v1/intel/subscriptions/${subscription.id}`)
    expect(after.body.lastResult).toMatchObject({ ok: true, pages: 3, received: 6, stored: 6, skipped: 0 })
    expect(after.body.cursor).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    expect(Date.parse(after.body.nextPullAt) - b.ctx.clock().getTime()).toBeGreaterThan(4 * 60_000)

    const list = await regionalBank.client.get<{ items: { name: string; tlp: string }[] }>('/api/v1/intel/objects?q=NATIONAL')
    expect(list.body.items.map((i) => i.name).sort()).toEqual(['NATIONAL-1', 'NATIONAL-2', 'NATIONAL-3', 'NATIONAL-4', 'NATIONAL-VERSIONED v2'])
    expect(new Set(list.body.items.map((i) => i.tlp))).toEqual(new Set(['green']))
  })

  it('stores every version exactly as the other server served it', async () => {
    const versioned = first[1]!
    const served = await taxii(a, 'GET', `/taxii2/kamae/collections/${national.collectionId}/objects/${String(versioned.id)}/?match[version]=all`, {
      email: nationalBank.user.email,
      token,
    })
    const detail = await regionalBank.client.get<{ versions: { json: string }[] }>(`/api/v1/intel/objects/${String(versioned.id)}`)
    expect(detail.body.versions.map((v) => v.json)).toEqual(objectTexts(served.text))
  })

  it('waits for the interval, then pulls only what was added since', async () => {
    expect(await runDueSubscriptions(b.ctx)).toBe(0)
    await post([indicator({ name: 'NATIONAL-LATER-1' }), indicator({ name: 'NATIONAL-LATER-2' })])
    b.clock.advance(PAST_INTERVAL)
    expect(await runDueSubscriptions(b.ctx)).toBe(1)
    const after = await regional.isacAdmin.client.get<SubscriptionView>(`/api/v1/intel/subscriptions/${subscription.id}`)
    expect(after.body.lastResult).toMatchObject({ ok: true, received: 2, stored: 2 })
    expect((await regionalBank.client.get<{ total: number }>('/api/v1/intel/objects?q=NATIONAL-LATER')).body.total).toBe(2)
  })

  it('pulls by itself when the interval has passed, on the scheduler’s tick', async () => {
    await post([indicator({ name: 'NATIONAL-TICKED' })])
    b.clock.advance(PAST_INTERVAL)
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }
    const scheduler = startSubscriptionScheduler(b.ctx, quiet, 50)
    try {
      await expect.poll(async () => (await regionalBank.client.get<{ total: number }>('/api/v1/intel/objects?q=NATIONAL-TICKED')).body.total, { timeout: 10_000 }).toBe(1)
    } finally {
      await scheduler.stop()
    }
  })

  it('keeps pulled objects to the local community', async () => {
    const outsider = await makeMember(b, 'Not In The Regional ISAC')
    expect((await outsider.client.get<{ total: number }>('/api/v1/intel/objects?q=NATIONAL')).body.total).toBe(0)
  })

  it('records a refused token as a failed pull, and pulls again with a new one', async () => {
    const tokens = await nationalBank.client.get<{ id: string; name: string }[]>('/api/v1/intel/tokens')
    const id = tokens.body.find((t) => t.name === 'regional isac pull')!.id
    expect((await nationalBank.client.delete(`/api/v1/intel/tokens/${id}`)).status).toBe(200)
    b.clock.advance(PAST_INTERVAL)
    expect(await runDueSubscriptions(b.ctx)).toBe(1)
    const failed = await regional.isacAdmin.client.get<SubscriptionView>(`/api/v1/intel/subscriptions/${subscription.id}`)
    expect(failed.body.lastResult?.ok).toBe(false)
    expect(failed.body.lastResult?.problems[0]?.en).toContain('HTTP 401')

    await post([indicator({ name: 'NATIONAL-AFTER-NEW-TOKEN' })], { email: nationalBank.user.email, token: await createToken(nationalBank.client, 'second') })
    const replacement = await createToken(nationalBank.client, 'regional isac pull 2')
    expect((await regional.isacAdmin.client.patch(`/api/v1/intel/subscriptions/${subscription.id}`, { token: replacement })).status).toBe(200)
    const pulled = await regional.isacAdmin.client.post<SubscriptionView>(`/api/v1/intel/subscriptions/${subscription.id}/pull`)
    expect(pulled.status, pulled.text).toBe(200)
    expect(pulled.body.lastResult).toMatchObject({ ok: true, received: 1, stored: 1 })
  })

  it('validates what it pulls: an invalid object is left out and named, the rest stored', async () => {
    const good = indicator({ name: 'FOREIGN-GOOD' })
    const bad = indicator({ name: 'FOREIGN-BAD', pattern: "[ipv4-addr:value = '192.0.2.1'" })
    // Another TAXII server, which does not validate what it serves.
    const foreign = createServer((request, response) => {
      expect(request.headers.authorization).toBe(`Basic ${Buffer.from('analyst@foreign.example:foreign-token').toString('base64')}`)
      response.writeHead(200, { 'content-type': 'application/taxii+json;version=2.1', 'x-taxii-date-added-last': '2024-06-01T00:00:00.000000Z' })
      response.end(JSON.stringify({ more: false, objects: [good, bad] }))
    })
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve))
    try {
      const port = (foreign.address() as AddressInfo).port
      const created = await regional.isacAdmin.client.post<SubscriptionView>('/api/v1/intel/subscriptions', {
        title: 'Foreign feed',
        url: `http://127.0.0.1:${port}/api1/`,
        remoteCollectionId: 'feed',
        username: 'analyst@foreign.example',
        token: 'foreign-token',
        collectionId: regional.collectionId,
        tlp: 'amber+strict',
      })
      expect(created.status, created.text).toBe(201)
      const pulled = await regional.isacAdmin.client.post<SubscriptionView>(`/api/v1/intel/subscriptions/${created.body.id}/pull`)
      expect(pulled.body.lastResult).toMatchObject({ ok: true, received: 2, stored: 1, skipped: 1 })
      expect(pulled.body.lastResult!.problems[0]!.en).toMatch(/^\/objects\/1\/pattern: /)
      expect(pulled.body.cursor).toBe('2024-06-01T00:00:00.000000Z')
      // Stored under the subscription's label: AMBER+STRICT names no one, so only the subscriber reads it.
      expect((await regional.isacAdmin.client.get<{ items: { tlp: string }[] }>('/api/v1/intel/objects?q=FOREIGN')).body.items.map((i) => i.tlp)).toEqual(['amber+strict'])
      expect((await regionalBank.client.get<{ total: number }>('/api/v1/intel/objects?q=FOREIGN')).body.total).toBe(0)
    } finally {
      await new Promise((resolve) => foreign.close(resolve))
    }
  })
})
