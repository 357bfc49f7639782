import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { directoryBlobStore } from '../../src/blob-store.js'
import { loadConfig } from '../../src/config.js'
import type { AppContext } from '../../src/context.js'
import { buildApp, type App, type AppOptions } from '../../src/http/app.js'
import { createTestDatabase, type TestDatabase } from './database.js'

/** A clock tests can move forward (session expiry, lockout, TOTP steps, due dates). */
export interface TestClock {
  now(): Date
  advance(ms: number): void
}

export function makeClock(start = new Date()): TestClock {
  let offset = 0
  return {
    now: () => new Date(start.getTime() + offset + (Date.now() - start.getTime())),
    advance: (ms) => {
      offset += ms
    },
  }
}

export interface TestServer {
  ctx: AppContext
  app: App
  clock: TestClock
  baseUrl: string
  sentMessages: { to: string; subject: string; body: string }[]
  database: TestDatabase
  close(): Promise<void>
}

/** A real server on a loopback port over a fresh database: tests speak HTTP to it. */
export async function startTestServer(options: AppOptions & { env?: Record<string, string> } = {}): Promise<TestServer> {
  const database = await createTestDatabase()
  const dataDir = mkdtempSync(join(tmpdir(), 'kamae-test-'))
  const config = loadConfig({ KAMAE_DATA_DIR: dataDir, PORT: '0', ...options.env })
  const clock = makeClock()
  const sentMessages: TestServer['sentMessages'] = []
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    blobs: directoryBlobStore(join(dataDir, 'blobs')),
    notifier: {
      async send(message) {
        sentMessages.push(message)
      },
    },
    clock: clock.now,
  }
  const app = await buildApp(ctx, { serveWeb: false, loginRateLimitPerMinute: 1000, ...options })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    ctx,
    app,
    clock,
    baseUrl: `http://127.0.0.1:${port}`,
    sentMessages,
    database,
    async close() {
      await app.close()
      await database.dispose()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
