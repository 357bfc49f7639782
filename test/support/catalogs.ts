import { join } from 'node:path'
import type { AppContext } from '../../src/context.js'
import { bundledCatalogsDir } from '../../src/paths.js'
import { loadCatalog } from '../../src/modules/catalog/load-catalog.js'
import { storeCatalog } from '../../src/modules/catalog/service.js'

/** Loads a bundled catalog (catalogs/<key>) into the test database and returns its row id. */
export async function loadFixtureCatalog(ctx: AppContext, key: string): Promise<string> {
  const result = await loadCatalog(join(bundledCatalogsDir, key))
  if (!result.ok) throw new Error(`catalog ${key} does not load: ${JSON.stringify(result.errors.slice(0, 3))}`)
  const stored = await ctx.db.transaction((tx) => storeCatalog(tx, result.catalog, null))
  return stored.id
}
