import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient, type ApiResponse } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'
import { canonicalJson } from '../../canonical-json.js'
import { leafHash, verifyInclusion } from './merkle.js'
import type { OperationReceipt, OperationReceipts } from './operations.js'
import { verifySignedHead, type PublicLedgerKey } from './tree-head.js'

// Issue 6 §3: an institution appends its own operation records and gets receipts it can check
// offline: the leaf hash of its record, the inclusion proof, the signed head and the public key.

const bytes = (b64: string) => Buffer.from(b64, 'base64')
interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}

const transfer = (i: number) => ({ kind: 'transfer', seq: i, from: `acct-${i % 5}`, amount: { value: `${100 + i}.00`, currency: 'JPY' }, at: '2026-01-05T09:00:00Z' })

describe('operation logs of institutions', () => {
  let server: TestServer
  let editorA: ApiClient
  let adminB: ApiClient
  let viewerA: TestUser
  let supervisorAdmin: TestUser

  beforeAll(async () => {
    server = await startTestServer()
    const orgA = await makeInstitution(server.ctx, { name: 'Operations Exchange' })
    const orgB = await makeInstitution(server.ctx, { name: 'Other Exchange' })
    const supervisor = await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Supervisor' })
    editorA = await clientFor(await makeUser(server.ctx, orgA.id, 'editor'))
    adminB = await clientFor(await makeUser(server.ctx, orgB.id, 'admin'))
    viewerA = await makeUser(server.ctx, orgA.id, 'viewer')
    supervisorAdmin = await makeUser(server.ctx, supervisor.id, 'admin')
  })
  afterAll(() => server.close())

  async function clientFor(user: TestUser) {
    const client = new ApiClient(server, 'en')
    await client.login(user.email, user.password, user.totpSecret)
    return client
  }

  const append = (client: ApiClient, body: unknown, idempotencyKey?: string) =>
    client.request<OperationReceipts>('POST', '/api/v1/ledger/operations', body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {})

  /** JSON Lines through the same session (ApiClient sends JSON only). */
  async function appendLines(client: ApiClient, text: string): Promise<ApiResponse<OperationReceipts & ErrorBody>> {
    const response = await fetch(`${server.baseUrl}/api/v1/ledger/operations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'accept-language': 'en',
        cookie: `kamae_session=${client.cookie('kamae_session')}; kamae_csrf=${client.cookie('kamae_csrf')}`,
        'x-csrf-token': client.cookie('kamae_csrf')!,
      },
      body: text,
    })
    const body = await response.text()
    return { status: response.status, headers: response.headers, body: JSON.parse(body) as OperationReceipts & ErrorBody, text: body }
  }

  /** The published public keys (GET /api/v1/ledger/keys), as the institution keeps them. */
  async function publishedKeys(): Promise<Map<string, PublicLedgerKey>> {
    const published = await adminB.get<{ keyId: string; publicKey: string; validFrom: string; validUntil: string | null }[]>('/api/v1/ledger/keys')
    return new Map(published.body.map((k) => [k.keyId, { keyId: k.keyId, publicKey: bytes(k.publicKey), validFrom: new Date(k.validFrom), validUntil: k.validUntil ? new Date(k.validUntil) : null }]))
  }

  /** What the institution does offline: its own records' leaf hashes, the proofs, the head's signature. */
  async function verifyReceipts(records: object[], answer: OperationReceipts) {
    expect(verifySignedHead(answer.signedHead, await publishedKeys())).toEqual({ ok: true })
    expect(answer.signedHead).toMatchObject({ logId: answer.logId, treeSize: answer.treeSize, rootHash: answer.rootHash })
    expect(answer.receipts).toHaveLength(records.length)
    for (const [i, receipt] of answer.receipts.entries()) {
      const leaf = leafHash(Buffer.from(canonicalJson(records[i]), 'utf8'))
      expect(bytes(receipt.leafHash)).toEqual(Buffer.from(leaf))
      const check = verifyInclusion({ leafIndex: receipt.index, treeSize: answer.treeSize, inclusionPath: receipt.inclusionPath.map(bytes) }, leaf, bytes(answer.signedHead.rootHash))
      expect(check, `record ${i}`).toEqual({ ok: true })
    }
  }

  it('appends one record and answers a receipt that verifies offline', async () => {
    const record = transfer(0)
    const response = await append(editorA, { record })
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({ firstIndex: 0, count: 1, treeSize: 1 })
    await verifyReceipts([record], response.body)
  })

  it('appends a bulk of records, each with a receipt against the new signed head', async () => {
    const records = Array.from({ length: 300 }, (_, i) => transfer(1 + i))
    const response = await append(editorA, { records })
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({ firstIndex: 1, count: 300, treeSize: 301 })
    expect(response.body.receipts.map((r) => r.index)).toEqual(records.map((_, i) => 1 + i))
    await verifyReceipts(records, response.body)
  })

  it('takes JSON Lines, whatever the key order of a record', async () => {
    const records = [transfer(400), transfer(401)]
    const lines = `{"seq":400,"kind":"transfer","from":"acct-0","amount":{"currency":"JPY","value":"500.00"},"at":"2026-01-05T09:00:00Z"}\n${JSON.stringify(records[1])}\n`
    const response = await appendLines(editorA, lines)
    expect(response.status).toBe(201)
    expect(response.body.count).toBe(2)
    await verifyReceipts(records, response.body)
  })

  it('answers the same receipts to a retried call with the same idempotency key', async () => {
    const records = [transfer(500), transfer(501), transfer(502)]
    const first = await append(editorA, { records }, 'batch-2026-01-05-001')
    expect(first.status).toBe(201)
    const retried = await append(editorA, { records }, 'batch-2026-01-05-001')
    expect(retried.status).toBe(201)
    expect(retried.headers.get('idempotent-replayed')).toBe('true')
    expect(retried.body).toEqual(first.body)
    const head = await editorA.get<OperationReceipt>(`/api/v1/ledger/operations/receipts/${first.body.firstIndex + 2}`)
    expect(head.body.treeSize).toBe(first.body.treeSize) // appended once
  })

  it('refuses the same idempotency key with other records', async () => {
    expect((await append(editorA, { records: [transfer(600)] }, 'batch-2026-01-05-002')).status).toBe(201)
    const reused = await append(editorA, { records: [transfer(601)] }, 'batch-2026-01-05-002')
    expect(reused.status).toBe(409)
    expect((reused.body as unknown as ErrorBody).error.code).toBe('idempotency_key_reused')
  })

  it('refuses 10,001 records with a clear error, appending nothing', async () => {
    const response = await append(editorA, { records: Array.from({ length: 10_001 }, (_, i) => ({ seq: i })) })
    expect(response.status).toBe(400)
    const body = response.body as unknown as ErrorBody
    expect(body.error.message).toBe('A call appends at most 10,000 records; this one has 10,001')
  })

  it('names the record that is not valid, by index in JSON and by line in JSON Lines', async () => {
    const records: unknown[] = Array.from({ length: 10 }, (_, i) => transfer(700 + i))
    records[7] = ['not', 'an', 'object']
    const json = await append(editorA, { records })
    expect(json.status).toBe(400)
    expect((json.body as unknown as ErrorBody).error.details).toEqual([{ path: 'body.records[7]', message: 'record 7: not a JSON object' }])

    const lines = records.map((record, i) => (i === 7 ? '{"broken": ' : JSON.stringify(record))).join('\n')
    const ndjson = await appendLines(editorA, lines)
    expect(ndjson.status).toBe(400)
    expect(ndjson.body.error.details).toEqual([{ path: 'line 8', message: 'record 7 (line 8) is not JSON' }])
  })

  it('refuses a record over 16 KiB', async () => {
    const response = await append(editorA, { record: { memo: 'x'.repeat(16 * 1024) } })
    expect(response.status).toBe(400)
    expect((response.body as unknown as ErrorBody).error.details[0]!.path).toBe('body.record')
  })

  it('answers a fresh receipt for a record later, against the latest signed head', async () => {
    const response = await editorA.get<OperationReceipt>('/api/v1/ledger/operations/receipts/5')
    expect(response.status).toBe(200)
    const receipt = response.body
    expect(receipt.record).toEqual(transfer(5))
    expect(verifySignedHead(receipt.signedHead, await publishedKeys())).toEqual({ ok: true })
    const leaf = leafHash(Buffer.from(canonicalJson(transfer(5)), 'utf8'))
    expect(verifyInclusion({ leafIndex: 5, treeSize: receipt.treeSize, inclusionPath: receipt.inclusionPath.map(bytes) }, leaf, bytes(receipt.signedHead.rootHash))).toEqual({ ok: true })
  })

  it("keeps each institution's log apart: another cannot fetch its receipts", async () => {
    const own = await append(adminB, { record: transfer(0) })
    expect(own.status).toBe(201)
    expect(own.body.firstIndex).toBe(0) // its own log, starting at 0
    expect(own.body.logId).not.toBe((await editorA.get<OperationReceipt>('/api/v1/ledger/operations/receipts/0')).body.logId)
    const foreign = await adminB.get('/api/v1/ledger/operations/receipts/5')
    expect(foreign.status).toBe(404)
    expect(foreign.text).not.toContain('acct-')
  })

  it('lets no supervisor and no viewer append', async () => {
    const supervisor = await clientFor(supervisorAdmin)
    expect((await append(supervisor, { record: transfer(0) })).status).toBe(403)
    const viewer = await clientFor(viewerA)
    expect((await append(viewer, { record: transfer(0) })).status).toBe(403)
    expect((await viewer.get('/api/v1/ledger/operations/receipts/0')).status).toBe(403)
  })
})
