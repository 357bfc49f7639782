import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js'
import { queryRows } from './database.js'
import { migrate } from './migrate.js'

describe('migrations', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.dispose())

  it('creates the foundation tables', async () => {
    const rows = await queryRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = current_schema() order by 1`,
    )
    const names = rows.map((row) => row.table_name)
    expect(names).toEqual(expect.arrayContaining(['organisations', 'users', 'assessments', 'audit_events']))
  })

  it('applies nothing the second time', async () => {
    const again = await migrate(database)
    expect(again.applied).toEqual([])
  })
})
