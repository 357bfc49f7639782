import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { migrationsDir } from '../paths.js'
import { queryRows, type Database } from './database.js'

export interface MigrationResult {
  applied: string[]
}

// Migrations are plain SQL files applied in name order, each in its own transaction, recorded in
// kamae_migrations. An advisory lock keeps two starting processes from applying the same one twice.
export async function migrate(database: Database, dir = migrationsDir): Promise<MigrationResult> {
  const files = readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
  await database.execScript(`
    CREATE TABLE IF NOT EXISTS kamae_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    );
    SELECT pg_advisory_lock(727274);`)
  const applied: string[] = []
  try {
    const rows = await queryRows<{ name: string }>(database.db, sql`select name from kamae_migrations`)
    const done = new Set(rows.map((row) => row.name))
    for (const name of files) {
      if (done.has(name)) continue
      const script = readFileSync(join(dir, name), 'utf8')
      await database.execScript(
        `BEGIN;\n${script}\n;INSERT INTO kamae_migrations (name) VALUES ('${name}');\nCOMMIT;`,
      )
      applied.push(name)
    }
  } catch (error) {
    await database.execScript('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    await database.execScript('SELECT pg_advisory_unlock(727274)')
  }
  return { applied }
}
