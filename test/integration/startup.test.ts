import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runKamae, startKamae, stopKamae } from '../support/cli.js'
import { ApiClient } from '../support/client.js'
import type { TestServer } from '../support/app.js'
import { makeClock } from '../support/app.js'

// What `npm start` does on a fresh machine: the embedded database, migrations, catalogs, demo data,
// the printed URL and logins. Run through the real `kamae serve` command in a fresh data directory.
const dataDir = mkdtempSync(join(tmpdir(), 'kamae-start-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

interface DemoLogin {
  org: string
  role: string
  email: string
  password: string
  totpSecret: string | null
}

function clientFor(url: string): ApiClient {
  const clock = makeClock()
  const server = { baseUrl: url, clock, ctx: { clock: clock.now } } as unknown as TestServer
  return new ApiClient(server)
}

// Each test starts a real server process (and the first seeds the demo): generous time on a busy machine.
describe('first start on the embedded database', { timeout: 180_000 }, () => {
  it('migrates, loads catalogs, seeds demo organisations and prints the URL and logins', async () => {
    const { child, url, output } = await startKamae({ PORT: '0', KAMAE_DATA_DIR: dataDir })
    try {
      expect(output()).toContain('kamae-demo-2026')
      expect(output()).toContain('かもめ信用金庫（デモ）')
      const logins = JSON.parse(readFileSync(join(dataDir, 'demo-logins.json'), 'utf8')) as DemoLogin[]
      const orgs = new Set(logins.map((l) => l.org))
      expect(orgs.size).toBe(8)
      expect(new Set(logins.map((l) => l.role))).toEqual(new Set(['admin', 'editor', 'approver', 'viewer']))
      expect(existsSync(join(dataDir, 'pgdata'))).toBe(true)

      const client = clientFor(url)
      expect((await client.get('/api/v1/health')).body).toEqual({ status: 'ok' })
      const editor = logins.find((l) => l.org === 'kamome' && l.role === 'editor')!
      expect((await client.login(editor.email, editor.password)).status).toBe(200)
      const catalogs = await client.get<{ key: string }[]>('/api/v1/catalogs')
      expect(catalogs.body.map((c) => c.key).sort()).toEqual(['crypto-custody-2024', 'fsa-cyber-2024', 'nist-csf-2.0'])
      const docs = await client.get<{ openapi: string }>('/api/docs/json')
      expect(docs.body.openapi).toBe('3.1.0')
    } finally {
      await stopKamae(child)
    }
  })

  it('keeps its data and does not seed again on the next start', async () => {
    const { child, url, output } = await startKamae({ PORT: '0', KAMAE_DATA_DIR: dataDir })
    try {
      expect(output()).not.toContain('kamae-demo-2026')
      const logins = JSON.parse(readFileSync(join(dataDir, 'demo-logins.json'), 'utf8')) as DemoLogin[]
      const viewer = logins.find((l) => l.org === 'aoba' && l.role === 'viewer')!
      const client = clientFor(url)
      expect((await client.login(viewer.email, viewer.password)).status).toBe(200)
      // The demo shows a signed-off assessment from the first look.
      const assessments = await client.get<{ status: string; score: number | null }[]>('/api/v1/assessments')
      expect(assessments.body).toEqual([expect.objectContaining({ status: 'approved' })])
    } finally {
      await stopKamae(child)
    }
  })

  it('creates a first admin with `kamae admin create`, who must enrol MFA at login', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamae-admin-'))
    try {
      const created = await runKamae(
        ['admin', 'create', '--email', 'ciso@fsa.test.example', '--name', '監督 太郎', '--org-name-ja', 'テスト財務局', '--org-name-en', 'Test Bureau'],
        { KAMAE_DATA_DIR: dir, KAMAE_LANG: 'en' },
      )
      expect(created.code).toBe(0)
      const password = /First password: (\S+)/.exec(created.stdout)?.[1]
      expect(password).toBeTruthy()
      const { child, url } = await startKamae({ PORT: '0', KAMAE_DATA_DIR: dir })
      try {
        const login = await clientFor(url).login('ciso@fsa.test.example', password!)
        expect(login.body.state).toBe('mfa_enrolment_required')
      } finally {
        await stopKamae(child)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
