import { sql } from 'drizzle-orm'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runKamae } from '../../../test/support/cli.js'
import { directoryBlobStore } from '../../blob-store.js'
import { loadConfig } from '../../config.js'
import type { AppContext } from '../../context.js'
import { openDatabase } from '../../db/database.js'
import { migrate } from '../../db/migrate.js'
import { loadSigningKey } from './signing-key.js'
import { makeSignedLog } from './test-fixtures.js'

// The real `kamae ledger …` commands on an embedded database, as an operator runs them.
const temp = mkdtempSync(join(tmpdir(), 'kamae-ledger-cli-'))
const dataDir = join(temp, 'data')
const exportFile = join(temp, 'ledger.jsonl')
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** Works on the data directory while no command holds it (PGlite: one process at a time). */
async function withDataDir<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const database = await openDatabase({ engine: 'pglite', dataDir })
  try {
    await migrate(database)
    const ctx: AppContext = {
      config: loadConfig({ KAMAE_DATA_DIR: dataDir }),
      database,
      db: database.db,
      blobs: directoryBlobStore(join(dataDir, 'blobs')),
      notifier: { send: async () => undefined },
      clock: () => new Date(),
    }
    return await fn(ctx)
  } finally {
    await database.close()
  }
}

const kamae = (args: string[], lang: 'ja' | 'en' = 'en') => runKamae(['ledger', ...args], { KAMAE_DATA_DIR: dataDir, KAMAE_LANG: lang })

describe('kamae ledger export, verify and audit', { timeout: 120_000 }, () => {
  let keyId: string
  beforeAll(async () => {
    await withDataDir(async (ctx) => {
      await makeSignedLog(ctx, { name: 'kamae-audit', batches: [3, 10, 27] })
      keyId = loadSigningKey(ctx.config)!.keyId
    })
  }, 60_000)

  it('exports a log that then verifies offline, against a pinned key too', async () => {
    const exported = await kamae(['export', '--log', 'kamae-audit', '--out', exportFile])
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stdout).toContain('exported 1 log(s), 40 entries, 3 signed heads, 1 public key(s)')
    const verified = await kamae(['verify', exportFile, '--trusted-key', keyId])
    expect(verified.code, verified.stdout + verified.stderr).toBe(0)
    expect(verified.stdout).toMatch(/^OK: verified 1 log\(s\), 40 entries, 3 signed heads/)
  })

  it('exits non-zero and names the entry of an export in which one byte changed', async () => {
    const lines = readFileSync(exportFile, 'utf8').split('\n')
    const at = lines.findIndex((line) => line.includes('"index":17,'))
    lines[at] = lines[at]!.replace('"seq":17', '"seq":18')
    const tampered = join(temp, 'tampered.jsonl')
    writeFileSync(tampered, lines.join('\n'))
    const en = await kamae(['verify', tampered])
    expect(en.code).toBe(1)
    expect(en.stdout).toContain('NG: entry 17')
    const ja = await kamae(['verify', tampered], 'ja')
    expect(ja.stdout).toContain('NG: エントリ 17')
  })

  it('writes the export to standard output without --out', async () => {
    const result = await kamae(['export'])
    expect(result.code).toBe(0)
    const records = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string })
    expect(records[0]).toMatchObject({ type: 'kamae-ledger-export', version: 1 })
    expect(records.filter((r) => r.type === 'entry')).toHaveLength(40)
  })

  it('audits the database: OK, then names an entry changed in place', async () => {
    const clean = await kamae(['audit'])
    expect(clean.code, clean.stdout + clean.stderr).toBe(0)
    expect(clean.stdout).toMatch(/^OK kamae-audit/)
    await withDataDir((ctx) => ctx.db.execute(sql`update ledger_entries set entry = set_byte(entry, 5, get_byte(entry, 5) # 1) where idx = 21`))
    const ja = await kamae(['audit', '--log', 'kamae-audit'], 'ja')
    expect(ja.code).toBe(1)
    expect(ja.stdout).toContain('エントリ 21: 内容が変更されています')
  })

  it('says so when the log does not exist', async () => {
    const result = await kamae(['audit', '--log', 'no-such-log'])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('no ledger log no-such-log')
  })
})
