import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { directoryBlobStore } from './blob-store.js'
import type { Config } from './config.js'
import type { AppContext, Logger } from './context.js'
import { openDatabase, type Database } from './db/database.js'
import { migrate } from './db/migrate.js'
import { buildApp } from './http/app.js'
import { loadBundledCatalogs } from './modules/catalog/service.js'
import { useReportingFiles } from './modules/incident/load-policy.js'
import { startPeriodicHeads } from './modules/ledger/sign-heads.js'
import { formatDemoLogins, isDatabaseEmpty, seedDemo } from './seed/demo.js'
import { logNotifier } from './notifier.js'

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ engine: 'postgres', url: config.databaseUrl })
    : openDatabase({ engine: 'pglite', dataDir: config.dataDir })
}

export function makeLogger(config: Config) {
  return pino({ level: config.logLevel })
}

/** The production context: the configured database, the blob store under the data directory, the real clock. */
export function makeContext(config: Config, database: Database, log: Logger): AppContext {
  return {
    config,
    database,
    db: database.db,
    blobs: directoryBlobStore(join(config.dataDir, 'blobs')),
    notifier: logNotifier(log),
    clock: () => new Date(),
  }
}

export async function startServer(config: Config, opts: { demo: boolean }) {
  // A deployment's own reporting rules are checked before anything else: a broken file stops the start.
  if (config.incidentPolicyFile || config.incidentTaxonomyFile) {
    useReportingFiles({ policyPath: config.incidentPolicyFile ?? undefined, taxonomyPath: config.incidentTaxonomyFile ?? undefined })
  }
  const log = makeLogger(config)
  const database = await openConfiguredDatabase(config)
  const migrations = await migrate(database)
  if (migrations.applied.length) log.info({ applied: migrations.applied }, 'migrations applied')
  const ctx = makeContext(config, database, log)
  await loadBundledCatalogs(ctx, log)

  // Demo data: on the embedded default at first start, or on request (--demo); never silently on a server.
  const embedded = database.engine === 'pglite'
  let demoText: string | null = null
  if ((embedded || opts.demo) && (await isDatabaseEmpty(ctx))) {
    const logins = await seedDemo(ctx)
    demoText = formatDemoLogins(logins)
    const file = join(config.dataDir, 'demo-logins.json')
    writeFileSync(file, JSON.stringify(logins, null, 2), { mode: 0o600 })
  }

  // Signed tree heads of the ledger, now and every minute (embedded mode generates its key here).
  const ledgerHeads = startPeriodicHeads(ctx, log)
  const app = await buildApp(ctx, { logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel } })
  await app.listen({ port: config.port, host: config.host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`
  const lines = [
    '',
    `  構え Kamae is running / 起動しました: ${url}`,
    `  Database / データベース: ${embedded ? `PGlite (embedded) ${join(config.dataDir, 'pgdata')}` : 'PostgreSQL'}`,
    `  API docs: ${url}/api/docs`,
  ]
  if (demoText) lines.push('', demoText)
  else if (embedded) lines.push(`  Demo logins / デモ用ログイン: ${join(config.dataDir, 'demo-logins.json')}`)
  process.stdout.write(`${lines.join('\n')}\n\n`)

  const stop = async () => {
    await ledgerHeads.stop()
    await app.close()
    await database.close()
  }
  return { app, ctx, url, stop }
}
