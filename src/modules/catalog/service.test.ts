import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeUser } from '../../../test/support/factories.js'
import { loadFixtureCatalog } from '../../../test/support/catalogs.js'
import { bundledCatalogsDir } from '../../paths.js'
import { loadCatalog } from './load-catalog.js'
import { getCatalog, storeCatalog } from './service.js'
import { join } from 'node:path'
import type { Catalog } from './catalog-types.js'

describe('stored catalog versions', () => {
  let database: TestDatabase
  let catalog: Catalog
  beforeAll(async () => {
    database = await createTestDatabase()
    const loaded = await loadCatalog(join(bundledCatalogsDir, 'crypto-custody-2024'))
    if (!loaded.ok) throw new Error('crypto-custody-2024 does not load')
    catalog = loaded.catalog
  })
  afterAll(() => database.dispose())

  it('stores a catalog version once and treats the same content again as unchanged', async () => {
    const first = await database.db.transaction((tx) => storeCatalog(tx, catalog, null))
    const again = await database.db.transaction((tx) => storeCatalog(tx, catalog, null))
    expect(first.outcome).toBe('stored')
    expect(again).toEqual({ id: first.id, outcome: 'unchanged' })
  })

  it('refuses other content under the same id and version, keeping the stored one', async () => {
    const altered: Catalog = { ...catalog, title: { ja: '改ざん', en: 'Altered' } }
    const result = await database.db.transaction((tx) => storeCatalog(tx, altered, null))
    expect(result.outcome).toBe('conflict')
    const stored = await getCatalog(database.db, result.id)
    expect(stored.content.title).toEqual(catalog.title)
  })
})

describe('catalog routes', () => {
  let server: TestServer
  let client: ApiClient
  let catalogId: string
  beforeAll(async () => {
    server = await startTestServer()
    catalogId = await loadFixtureCatalog(server.ctx, 'fsa-cyber-2024')
    const org = await makeInstitution(server.ctx)
    const viewer = await makeUser(server.ctx, org.id, 'viewer')
    client = new ApiClient(server)
    await client.login(viewer.email, viewer.password)
  })
  afterAll(() => server.close())

  it('lists the loaded catalogs with their item counts', async () => {
    const response = await client.get<{ key: string; itemCount: number }[]>('/api/v1/catalogs')
    expect(response.body).toEqual([expect.objectContaining({ key: 'fsa-cyber-2024' })])
    expect(response.body[0]!.itemCount).toBeGreaterThanOrEqual(150)
  })

  it('answers a catalog with its sections and items', async () => {
    const response = await client.get<{ key: string; sections: { ref: string }[] }>(`/api/v1/catalogs/${catalogId}`)
    expect(response.body.key).toBe('fsa-cyber-2024')
    expect(response.body.sections.map((s) => s.ref)).toEqual(expect.arrayContaining(['2.1', '2.6']))
  })

  it('exports the catalog as OSCAL JSON in English', async () => {
    const response = await client.get<{ catalog: { metadata: { title: string } } }>(`/api/v1/catalogs/${catalogId}/oscal?lang=en`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-disposition')).toContain('attachment')
    expect(response.body.catalog.metadata.title).toMatch(/guideline/i)
  })

  it('answers 404 in Japanese for an unknown catalog', async () => {
    const response = await client.get<{ error: { code: string; message: string } }>('/api/v1/catalogs/00000000-0000-4000-8000-000000000000')
    expect(response.status).toBe(404)
    expect(response.body.error.message).toContain('カタログが見つかりません')
  })
})
