import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'
import { ensureLog } from './service.js'
import { entryLeafHash, type LedgerEntry } from './entry.js'
import { verifyConsistency, verifyInclusion } from './merkle.js'
import { makeSignedLog } from './test-fixtures.js'
import { verifySignedHead, type PublicLedgerKey, type SignedTreeHead } from './tree-head.js'

const bytes = (b64: string) => Buffer.from(b64, 'base64')

interface InclusionBody {
  leafIndex: number
  treeSize: number
  leafHash: string
  rootHash: string
  inclusionPath: string[]
  signedHead: SignedTreeHead | null
}
interface ConsistencyBody {
  treeSize1: number
  treeSize2: number
  rootHash1: string
  rootHash2: string
  consistencyPath: string[]
  signedHead1: SignedTreeHead | null
  signedHead2: SignedTreeHead | null
}
interface KeyBody {
  keyId: string
  publicKey: string
  validFrom: string
  validUntil: string | null
}

describe('the ledger API', () => {
  let server: TestServer
  let adminA: ApiClient
  let logA: string
  let entries: LedgerEntry[]
  let heads: SignedTreeHead[]
  let globalLog: string
  let editorA: TestUser
  let adminB: TestUser
  let supervisorAdmin: TestUser
  const base = () => `/api/v1/ledger/logs/${logA}`

  beforeAll(async () => {
    server = await startTestServer()
    const orgA = await makeInstitution(server.ctx, { name: 'Ledger Shinkin' })
    const orgB = await makeInstitution(server.ctx, { name: 'Other Bank' })
    const supervisor = await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Supervisor' })
    const owner = await makeUser(server.ctx, orgA.id, 'admin')
    editorA = await makeUser(server.ctx, orgA.id, 'editor')
    adminB = await makeUser(server.ctx, orgB.id, 'admin')
    supervisorAdmin = await makeUser(server.ctx, supervisor.id, 'admin')
    // Heads at 5, 25 and 100 entries: proofs cross the batch boundaries.
    const made = await makeSignedLog(server.ctx, { name: `org:${orgA.id}:operations`, ownerOrgId: orgA.id, batches: [5, 20, 75] })
    logA = made.log.id
    entries = made.entries
    heads = made.heads
    globalLog = (await makeSignedLog(server.ctx, { name: 'kamae-test-global', batches: [3], tag: 'global' })).log.id
    await ensureLog(server.ctx.db, { name: `org:${orgA.id}:unsigned`, ownerOrgId: orgA.id })
    adminA = new ApiClient(server, 'en')
    await adminA.login(owner.email, owner.password, owner.totpSecret)
  })
  afterAll(() => server.close())

  async function clientFor(user: TestUser) {
    const client = new ApiClient(server, 'en')
    await client.login(user.email, user.password, user.totpSecret)
    return client
  }

  async function keyring(): Promise<Map<string, PublicLedgerKey>> {
    const keys = await adminA.get<KeyBody[]>('/api/v1/ledger/keys')
    expect(keys.status).toBe(200)
    return new Map(
      keys.body.map((k) => [k.keyId, { keyId: k.keyId, publicKey: bytes(k.publicKey), validFrom: new Date(k.validFrom), validUntil: k.validUntil ? new Date(k.validUntil) : null }]),
    )
  }

  it('answers the latest signed head, which verifies with the published key', async () => {
    const head = await adminA.get<SignedTreeHead>(`${base()}/head`)
    expect(head.status).toBe(200)
    expect(head.body).toEqual(heads[2])
    expect(head.body).toMatchObject({ logId: logA, treeSize: 100 })
    expect(verifySignedHead(head.body, await keyring())).toEqual({ ok: true })
  })

  it('proves inclusion by index against the latest signed head', async () => {
    const proof = await adminA.get<InclusionBody>(`${base()}/proof/inclusion?index=42`)
    expect(proof.status).toBe(200)
    expect(proof.body).toMatchObject({ leafIndex: 42, treeSize: 100, rootHash: heads[2]!.rootHash, signedHead: heads[2] })
    const check = verifyInclusion({ leafIndex: 42, treeSize: 100, inclusionPath: proof.body.inclusionPath.map(bytes) }, entryLeafHash(entries[42]!), bytes(heads[2]!.rootHash))
    expect(check).toEqual({ ok: true })
  })

  it('proves inclusion by leaf hash, given in hex or in base64', async () => {
    const leaf = Buffer.from(entryLeafHash(entries[17]!))
    for (const given of [leaf.toString('hex'), encodeURIComponent(leaf.toString('base64')), leaf.toString('base64url')]) {
      const proof = await adminA.get<InclusionBody>(`${base()}/proof/inclusion?leafHash=${given}`)
      expect(proof.status, given).toBe(200)
      expect(proof.body.leafIndex).toBe(17)
      expect(verifyInclusion({ leafIndex: 17, treeSize: proof.body.treeSize, inclusionPath: proof.body.inclusionPath.map(bytes) }, leaf, bytes(proof.body.rootHash))).toEqual({ ok: true })
    }
  })

  it('proves inclusion in an earlier signed tree', async () => {
    const proof = await adminA.get<InclusionBody>(`${base()}/proof/inclusion?index=4&treeSize=25`)
    expect(proof.body).toMatchObject({ treeSize: 25, rootHash: heads[1]!.rootHash, signedHead: heads[1] })
    expect(verifyInclusion({ leafIndex: 4, treeSize: 25, inclusionPath: proof.body.inclusionPath.map(bytes) }, entryLeafHash(entries[4]!), bytes(heads[1]!.rootHash))).toEqual({ ok: true })
  })

  it('proves every signed head consistent with the latest', async () => {
    for (const older of heads.slice(0, 2)) {
      const proof = await adminA.get<ConsistencyBody>(`${base()}/proof/consistency?first=${older.treeSize}`)
      expect(proof.status).toBe(200)
      expect(proof.body).toMatchObject({ treeSize1: older.treeSize, treeSize2: 100, signedHead1: older, signedHead2: heads[2] })
      const check = verifyConsistency(
        { treeSize1: older.treeSize, treeSize2: 100, consistencyPath: proof.body.consistencyPath.map(bytes) },
        bytes(older.rootHash),
        bytes(heads[2]!.rootHash),
      )
      expect(check, `${older.treeSize} -> 100`).toEqual({ ok: true })
    }
  })

  it('proves consistency between sizes no head was signed at, with their roots', async () => {
    const proof = await adminA.get<ConsistencyBody>(`${base()}/proof/consistency?first=7&second=60`)
    expect(proof.body).toMatchObject({ treeSize1: 7, treeSize2: 60, signedHead1: null, signedHead2: null })
    const check = verifyConsistency({ treeSize1: 7, treeSize2: 60, consistencyPath: proof.body.consistencyPath.map(bytes) }, bytes(proof.body.rootHash1), bytes(proof.body.rootHash2))
    expect(check).toEqual({ ok: true })
  })

  it('reads entries by range with their leaf hashes', async () => {
    const page = await adminA.get<{ start: number; end: number; entries: { index: number; leafHash: string; entry: LedgerEntry }[] }>(`${base()}/entries?start=95&end=200`)
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ start: 95, end: 100 })
    expect(page.body.entries.map((e) => e.index)).toEqual([95, 96, 97, 98, 99])
    for (const e of page.body.entries) {
      expect(e.entry).toEqual(entries[e.index])
      expect(bytes(e.leafHash)).toEqual(Buffer.from(entryLeafHash(e.entry)))
    }
  })

  it('reads at most 1,000 entries a request', async () => {
    const response = await adminA.get<{ error: { code: string; details: { path: string }[] } }>(`${base()}/entries?start=0&end=1001`)
    expect(response.status).toBe(400)
    expect(response.body.error.details[0]!.path).toBe('querystring.end')
  })

  it('asks for either an index or a leaf hash, and for the older size of a consistency proof', async () => {
    const none = await adminA.get<{ error: { details: { path: string }[] } }>(`${base()}/proof/inclusion`)
    expect(none.status).toBe(400)
    expect(none.body.error.details[0]!.path).toBe('querystring.index')
    expect((await adminA.get(`${base()}/proof/inclusion?index=1&leafHash=${'a'.repeat(64)}`)).status).toBe(400)
    expect((await adminA.get(`${base()}/proof/inclusion?index=100`)).status).toBe(400)
    expect((await adminA.get(`${base()}/proof/inclusion?index=1&treeSize=101`)).status).toBe(400)
    expect((await adminA.get(`${base()}/proof/consistency`)).status).toBe(400)
    expect((await adminA.get(`${base()}/proof/consistency?first=30&second=20`)).status).toBe(400)
    expect((await adminA.get(`${base()}/proof/inclusion?leafHash=${'b'.repeat(64)}`)).status).toBe(404)
  })

  it('says when a log has no signed head yet', async () => {
    const logs = await adminA.get<{ id: string; name: string }[]>('/api/v1/ledger/logs')
    const unsigned = logs.body.find((log) => log.name.endsWith(':unsigned'))!
    const response = await adminA.get<{ error: { code: string } }>(`/api/v1/ledger/logs/${unsigned.id}/head`)
    expect(response.status).toBe(404)
  })

  it('lists the organisation’s own logs to its admin, without the global ones', async () => {
    const logs = await adminA.get<{ id: string }[]>('/api/v1/ledger/logs')
    expect(logs.body.map((log) => log.id)).toContain(logA)
    expect(logs.body.map((log) => log.id)).not.toContain(globalLog)
  })

  it('is for admins only', async () => {
    const editor = await clientFor(editorA)
    expect((await editor.get(`${base()}/head`)).status).toBe(403)
    expect((await editor.get('/api/v1/ledger/keys')).status).toBe(403)
  })

  it("hides another organisation's log", async () => {
    const other = await clientFor(adminB)
    for (const path of ['head', 'proof/inclusion?index=1', 'proof/consistency?first=5', 'entries']) {
      const response = await other.get(`${base()}/${path}`)
      expect(response.status, path).toBe(404)
      expect(response.text).not.toContain(logA)
    }
    expect((await other.get<{ id: string }[]>('/api/v1/ledger/logs')).body).toEqual([])
  })

  it("lets a supervisor's admin read the global logs, and no institution's admin", async () => {
    const supervisor = await clientFor(supervisorAdmin)
    const head = await supervisor.get<SignedTreeHead>(`/api/v1/ledger/logs/${globalLog}/head`)
    expect(head.status).toBe(200)
    expect(head.body.treeSize).toBe(3)
    const listed = (await supervisor.get<{ id: string; name: string; ownerOrgId: string | null }[]>('/api/v1/ledger/logs')).body
    expect(listed.map((log) => log.name)).toEqual(['kamae-audit', 'kamae-test-global'])
    expect(listed.every((log) => log.ownerOrgId === null)).toBe(true)
    expect((await supervisor.get(`${base()}/head`)).status).toBe(404)
    expect((await adminA.get(`/api/v1/ledger/logs/${globalLog}/head`)).status).toBe(404)
  })
})
