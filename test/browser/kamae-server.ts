import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Starts Kamae the way a user does (`kamae serve` on a fresh data directory) and reads the demo
// logins the first start writes.

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface DemoLogin {
  org: string
  orgNameJa: string
  role: 'admin' | 'editor' | 'approver' | 'viewer'
  email: string
  password: string
  totpSecret: string | null
}

export interface KamaeServer {
  url: string
  dataDir: string
  logins: DemoLogin[]
  login(org: string, role: DemoLogin['role']): DemoLogin
  output(): string
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * bin/kamae.mjs runs the compiled server (dist/) when there is one. CI builds right before the
 * browser tests; on a developer machine an older dist/ would test stale code, so then run the source.
 */
function staleBuild(): boolean {
  const compiled = join(repoRoot, 'dist', 'src', 'cli', 'index.js')
  if (!existsSync(compiled)) return false
  return newestMtime(join(repoRoot, 'src')) > statSync(compiled).mtimeMs
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`kamae serve exited with ${child.exitCode}:\n${output()}`)
    try {
      const response = await fetch(`${url}/api/v1/health`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`kamae serve did not become healthy within ${timeoutMs} ms:\n${output()}`)
}

export async function startKamae(): Promise<KamaeServer> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'kamae-browser-'))
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', KAMAE_DATA_DIR: dataDir, KAMAE_LOG_LEVEL: 'warn' }
  if (staleBuild()) env.KAMAE_FROM_SOURCE = '1'
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'kamae.mjs'), 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await waitForHealth(url, child, () => log)
  } catch (error) {
    await stop()
    throw error
  }
  const logins = JSON.parse(readFileSync(join(dataDir, 'demo-logins.json'), 'utf8')) as DemoLogin[]
  return {
    url,
    dataDir,
    logins,
    login(org, role) {
      const found = logins.find((l) => l.org === org && l.role === role)
      if (!found) throw new Error(`no demo login for ${org}/${role}`)
      return found
    },
    output: () => log,
    stop,
  }
}
