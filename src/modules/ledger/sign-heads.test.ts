import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import type { AppContext } from '../../context.js'
import { appendEntries } from './durable-log.js'
import { exportLedger } from './export.js'
import * as repo from './repository.js'
import { publicKeysById, signAllHeads, signHead, startPeriodicHeads, toSignedTreeHead } from './sign-heads.js'
import { generateSigningKeyPem, LedgerKeyError, loadSigningKey } from './signing-key.js'
import { makeEntry, makeSignedLog } from './test-fixtures.js'
import { verifySignedHead } from './tree-head.js'
import { verifyExport } from './verify-export.js'

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }

/** The same context with another key file: what an operator's rotation looks like to the code. */
function withNewKey(ctx: AppContext, name: string): AppContext {
  const file = join(ctx.config.dataDir, name)
  writeFileSync(file, generateSigningKeyPem(), { mode: 0o600 })
  return { ...ctx, config: { ...ctx.config, ledgerKeyFile: file } }
}

describe('signing tree heads', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  it('signs the current size and root with the embedded key, registered with its public key', async () => {
    const { log } = await makeSignedLog(server.ctx, { name: 'heads-basic', batches: [5] })
    const head = await signHead(server.ctx, log.name)
    expect(head).toMatchObject({ logId: log.id, treeSize: 5, rootHash: log.rootHash, keyId: loadSigningKey(server.ctx.config)!.keyId })
    expect(verifySignedHead(head, await publicKeysById(server.ctx.db))).toEqual({ ok: true })
  })

  it('answers the same head again while the size does not change, and a new one once it does', async () => {
    const { log, heads } = await makeSignedLog(server.ctx, { name: 'heads-idempotent', batches: [3] })
    server.clock.advance(5_000)
    expect(await signHead(server.ctx, log.name)).toEqual(heads[0])
    await appendEntries(server.ctx.db, log.name, [makeEntry(3)])
    const grown = await signHead(server.ctx, log.name)
    expect(grown.treeSize).toBe(4)
    expect(grown.timestamp).toBeGreaterThan(heads[0]!.timestamp)
    expect(await repo.signedHeadsOf(server.ctx.db, log.name)).toHaveLength(2)
  })

  it('signs every log that grew, and only those', async () => {
    const { log } = await makeSignedLog(server.ctx, { name: 'heads-all', batches: [2] })
    expect(await signAllHeads(server.ctx)).toBe(0)
    await appendEntries(server.ctx.db, log.name, [makeEntry(2)])
    expect(await signAllHeads(server.ctx)).toBe(1)
  })

  it('signs periodically until stopped', async () => {
    const { log } = await makeSignedLog(server.ctx, { name: 'heads-periodic', batches: [1] })
    await appendEntries(server.ctx.db, log.name, [makeEntry(1)])
    const periodic = startPeriodicHeads(server.ctx, silent, 20)
    await expect.poll(async () => (await repo.latestSignedHead(server.ctx.db, log.name))?.treeSize, { timeout: 5_000 }).toBe(2)
    await periodic.stop()
  })
})

describe('key rotation', () => {
  let server: TestServer
  let current: AppContext
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  it('keeps heads signed by the old key verifiable, each within its key validity', async () => {
    const { log, heads: [oldHead] } = await makeSignedLog(server.ctx, { name: 'rotation', batches: [4] })
    server.clock.advance(1_000)
    const rotated = withNewKey(server.ctx, 'rotated-key.pem')
    current = rotated
    await appendEntries(server.ctx.db, log.name, [makeEntry(4)])
    const newHead = await signHead(rotated, log.name)
    expect(newHead.keyId).not.toBe(oldHead!.keyId)

    const keys = await publicKeysById(server.ctx.db)
    expect(keys.size).toBe(2)
    expect(keys.get(oldHead!.keyId)!.validUntil).not.toBeNull()
    expect(keys.get(newHead.keyId)!.validUntil).toBeNull()
    const stored = (await repo.signedHeadsOf(server.ctx.db, log.name)).map((row) => toSignedTreeHead(row, log.id))
    expect(stored.map((head) => head.keyId)).toEqual([oldHead!.keyId, newHead.keyId])
    for (const head of stored) expect(verifySignedHead(head, keys), `head of size ${head.treeSize}`).toEqual({ ok: true })
  })

  it('re-signs an unchanged size with the new key, so the latest head always carries it', async () => {
    const { log, heads: [before] } = await makeSignedLog(current, { name: 'rotation-idle', batches: [2] })
    const newer = withNewKey(server.ctx, 'newer-key.pem')
    const head = await signHead(newer, log.name)
    expect(head).toMatchObject({ treeSize: 2, rootHash: before!.rootHash, keyId: loadSigningKey(newer.config)!.keyId })
    expect(toSignedTreeHead((await repo.latestSignedHead(server.ctx.db, log.name))!, log.id)).toEqual(head)
  })

  it('exports heads of both keys that verify offline', async () => {
    const lines: string[] = []
    await exportLedger(server.ctx.db, { logNames: ['rotation'], now: server.ctx.clock() }, (line) => {
      lines.push(line)
    })
    expect(await verifyExport(lines)).toMatchObject({ ok: true, keys: 3, logs: [{ name: 'rotation', entries: 5, heads: 2, signedSize: 5 }] })
  })

  it('refuses to sign with a retired key', async () => {
    await expect(signHead(server.ctx, 'rotation')).rejects.toThrow(LedgerKeyError)
  })
})
