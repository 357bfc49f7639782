import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { SQL } from 'drizzle-orm'
import pg from 'pg'
import * as schema from './schema.js'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
/** Anything a repository can run a query on: the database or an open transaction. */
export type Queryable = Db | Tx

export type Engine = 'pglite' | 'postgres'

export interface Database {
  db: Db
  engine: Engine
  /** Runs a script of several statements (migrations); not for user input. */
  execScript(sql: string): Promise<void>
  close(): Promise<void>
}

export type DatabaseTarget =
  | { engine: 'pglite'; dataDir: string | null } // null = in memory (tests)
  | { engine: 'postgres'; url: string }

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 })
    // A broken idle connection must not crash the process; the next query reports the error.
    pool.on('error', () => undefined)
    await pool.query('select 1')
    return {
      db: drizzlePg(pool, { schema }) as unknown as Db,
      engine: 'postgres',
      execScript: async (sql) => {
        await pool.query(sql)
      },
      close: () => pool.end(),
    }
  }
  let client: PGlite
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true })
    client = await PGlite.create(join(target.dataDir, 'pgdata'))
  } else {
    client = await PGlite.create()
  }
  return {
    db: drizzlePglite(client, { schema }) as unknown as Db,
    engine: 'pglite',
    execScript: async (sql) => {
      await client.exec(sql)
    },
    close: () => client.close(),
  }
}

/** Runs raw SQL and returns its rows; both drivers answer with a `rows` array. */
export async function queryRows<T>(db: Queryable, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] }
  return result.rows
}
