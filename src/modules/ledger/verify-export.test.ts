import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { exportLedger } from './export.js'
import { describeVerifyFailure } from './ledger-command.js'
import { loadSigningKey } from './signing-key.js'
import { makeSignedLog } from './test-fixtures.js'
import { verifyExport, type VerifyReport } from './verify-export.js'

const ja = (j: string) => j
const en = (_j: string, e: string) => e

describe('kamae ledger verify (an export, offline)', () => {
  let server: TestServer
  let lines: string[]
  /** Line number (0-based) of entry i. */
  let lineOf: (index: number) => number

  beforeAll(async () => {
    server = await startTestServer()
    // 40 entries, heads signed at 3, 13 and 40.
    await makeSignedLog(server.ctx, { name: 'verify-test', batches: [3, 10, 27] })
    lines = []
    await exportLedger(server.ctx.db, { logNames: ['verify-test'], now: server.ctx.clock() }, (line) => {
      lines.push(line)
    })
    lineOf = (index) => lines.findIndex((line) => line.startsWith('{"type":"entry"') && JSON.parse(line).index === index)
  })
  afterAll(() => server.close())

  const failureOf = (report: VerifyReport) => {
    if (report.ok) throw new Error('the export verified')
    return report.failure
  }

  it('passes a faithful export: every leaf hash, root, signature and consistency', async () => {
    const report = await verifyExport(lines)
    expect(report).toMatchObject({ ok: true, keys: 1, logs: [{ name: 'verify-test', entries: 40, heads: 3, signedSize: 40 }] })
  })

  it('names the entry in which one byte changed', async () => {
    const changed = [...lines]
    const at = lineOf(17)
    changed[at] = changed[at]!.replace('"actor":"pseudonym-3"', '"actor":"pseudonym-4"')
    expect(changed[at]).not.toBe(lines[at])
    const failure = failureOf(await verifyExport(changed))
    expect(failure).toMatchObject({ subject: 'entry', index: 17, reason: 'leaf_hash_mismatch', line: at + 1 })
    expect(describeVerifyFailure(failure, en)).toContain('entry 17')
    expect(describeVerifyFailure(failure, ja)).toContain('エントリ 17')
  })

  it('names the entry that was removed', async () => {
    const removed = lines.filter((_, i) => i !== lineOf(17))
    expect(failureOf(await verifyExport(removed))).toMatchObject({ subject: 'entry', index: 17, found: 18, reason: 'entry_missing' })
  })

  it('names the first of two swapped entries', async () => {
    const swapped = [...lines]
    ;[swapped[lineOf(11)], swapped[lineOf(29)]] = [lines[lineOf(29)]!, lines[lineOf(11)]!]
    expect(failureOf(await verifyExport(swapped))).toMatchObject({ subject: 'entry', index: 11, found: 29, reason: 'entry_missing' })
  })

  it('names the first signed head that no longer matches when swapped entries keep their indices', async () => {
    const swapped = [...lines]
    const contentOf = (i: number) => {
      const { entry, leafHash } = JSON.parse(lines[lineOf(i)]!) as { entry: unknown; leafHash: string }
      return { entry, leafHash }
    }
    for (const [i, j] of [[11, 29], [29, 11]] as const) swapped[lineOf(i)] = JSON.stringify({ ...JSON.parse(lines[lineOf(i)]!), ...contentOf(j) })
    const failure = failureOf(await verifyExport(swapped))
    expect(failure).toMatchObject({ subject: 'head', treeSize: 13, reason: 'head_root_mismatch', changedFrom: 3 })
    expect(describeVerifyFailure(failure, en)).toContain('entries 3 to 12 were changed')
  })

  it('names the entry on a line that is no longer JSON', async () => {
    const broken = [...lines]
    broken[lineOf(5)] = broken[lineOf(5)]!.slice(0, -1)
    expect(failureOf(await verifyExport(broken))).toMatchObject({ subject: 'entry', index: 5, reason: 'not_json' })
  })

  it('names the entry where the export was cut short', async () => {
    const cut = lines.filter((line, i) => !(line.startsWith('{"type":"entry"') && i > lineOf(35)))
    expect(failureOf(await verifyExport(cut))).toMatchObject({ subject: 'entry', index: 36, reason: 'entry_missing' })
  })

  it('names a head whose signature was tampered with', async () => {
    const forged = lines.map((line) => {
      const record = JSON.parse(line) as { type: string; treeSize: number; signature: string }
      if (record.type !== 'head' || record.treeSize !== 13) return line
      const signature = Buffer.from(record.signature, 'base64')
      signature[0]! ^= 1
      return JSON.stringify({ ...record, signature: signature.toString('base64') })
    })
    expect(failureOf(await verifyExport(forged))).toMatchObject({ subject: 'head', treeSize: 13, reason: 'bad_signature' })
  })

  it('accepts only the trusted keys when told which', async () => {
    const keyId = loadSigningKey(server.ctx.config)!.keyId
    expect((await verifyExport(lines, { trustedKeyIds: new Set([keyId]) })).ok).toBe(true)
    expect(failureOf(await verifyExport(lines, { trustedKeyIds: new Set(['0'.repeat(32)]) }))).toMatchObject({ subject: 'head', treeSize: 3, reason: 'untrusted_key' })
  })

  it('refuses a key listed under an id that is not its fingerprint', async () => {
    const forged = lines.map((line) => (line.startsWith('{"type":"key"') ? line.replace(/"keyId":"[0-9a-f]{32}"/, `"keyId":"${'1'.repeat(32)}"`) : line))
    expect(failureOf(await verifyExport(forged))).toMatchObject({ subject: 'key', reason: 'key_id_mismatch' })
  })

  it('refuses a file that is not an export', async () => {
    expect(failureOf(await verifyExport(['{"hello":"world"}']))).toMatchObject({ subject: 'file', reason: 'no_header' })
    expect(failureOf(await verifyExport([]))).toMatchObject({ reason: 'no_header' })
  })
})
