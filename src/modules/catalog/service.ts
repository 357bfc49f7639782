import { randomUUID } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { and, asc, eq } from 'drizzle-orm'
import { digestOf } from '../../canonical-json.js'
import type { AppContext, Logger } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, invalid, notFound } from '../../errors.js'
import { bundledCatalogsDir } from '../../paths.js'
import { recordAudit } from '../audit/service.js'
import type { Catalog, CatalogItem, CatalogSection } from './catalog-types.js'
import { loadCatalog } from './load-catalog.js'
import { toOscalCatalog } from './oscal-export.js'
import { catalogItems, catalogs } from './schema.js'

export type CatalogRow = typeof catalogs.$inferSelect

/** Every item in document order, with the top-level section it belongs to. */
export function flattenItems(catalog: Catalog): { item: CatalogItem; topSectionRef: string; position: number }[] {
  const out: { item: CatalogItem; topSectionRef: string; position: number }[] = []
  const walk = (section: CatalogSection, top: string) => {
    for (const item of section.items) out.push({ item, topSectionRef: top, position: out.length })
    for (const child of section.sections) walk(child, top)
  }
  for (const section of catalog.sections) walk(section, section.ref)
  return out
}

export type StoreOutcome = 'stored' | 'unchanged' | 'conflict'

// A catalog version is immutable once stored (assessments point at it). Storing the same content
// again is a no-op; different content under the same id and version is refused.
export async function storeCatalog(tx: Queryable, catalog: Catalog, actorUserId: string | null): Promise<{ id: string; outcome: StoreOutcome }> {
  const digest = digestOf(catalog)
  const [existing] = await tx
    .select({ id: catalogs.id, digest: catalogs.digest })
    .from(catalogs)
    .where(and(eq(catalogs.key, catalog.id), eq(catalogs.version, catalog.version)))
  if (existing) return { id: existing.id, outcome: existing.digest === digest ? 'unchanged' : 'conflict' }
  const id = randomUUID()
  await tx.insert(catalogs).values({ id, key: catalog.id, version: catalog.version, titleJa: catalog.title.ja, titleEn: catalog.title.en, content: catalog, digest })
  const rows = flattenItems(catalog).map(({ item, topSectionRef, position }) => ({
    catalogId: id,
    ref: item.ref,
    position,
    sectionRef: item.sectionRef,
    topSectionRef,
    class: item.class,
    sectors: item.applicability.sectors,
    sizes: item.applicability.sizes,
  }))
  for (let i = 0; i < rows.length; i += 500) await tx.insert(catalogItems).values(rows.slice(i, i + 500))
  await recordAudit(tx, { actorUserId, orgId: null, action: 'catalog.loaded', target: { type: 'catalog', id }, after: { key: catalog.id, version: catalog.version, digest } })
  return { id, outcome: 'stored' }
}

/** Loads every catalog shipped in catalogs/ at start; a broken bundled catalog stops the start. */
export async function loadBundledCatalogs(ctx: AppContext, log: Logger, dir = bundledCatalogsDir) {
  const entries = readdirSync(dir)
    .filter((name) => name !== 'schema' && !name.startsWith('.'))
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory() || path.endsWith('.yaml'))
    .sort()
  for (const path of entries) {
    const result = await loadCatalog(path)
    if (!result.ok) {
      const first = result.errors.slice(0, 5).map((e) => `${e.file}:${e.line ?? '?'} ${e.path}: ${e.message.en}`)
      throw new Error(`bundled catalog ${path} is invalid:\n${first.join('\n')}`)
    }
    const stored = await ctx.db.transaction((tx) => storeCatalog(tx, result.catalog, null))
    if (stored.outcome === 'conflict') {
      log.warn({ catalog: result.catalog.id, version: result.catalog.version }, 'catalog content changed without a new version; the stored version is kept')
    } else if (stored.outcome === 'stored') {
      log.info({ catalog: result.catalog.id, version: result.catalog.version }, 'catalog loaded')
    }
  }
}

export async function listCatalogs(ctx: AppContext) {
  const rows = await ctx.db.select().from(catalogs).orderBy(asc(catalogs.key), asc(catalogs.version))
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    version: row.version,
    title: { ja: row.titleJa, en: row.titleEn },
    itemCount: flattenItems(row.content).length,
    loadedAt: row.loadedAt,
  }))
}

// A stored catalog version never changes (storeCatalog refuses new content under the same id), so
// its parsed content can be kept per process: every autosave of an answer needs it, and re-reading
// a few hundred kilobytes of JSON per keystroke would dominate the request.
const catalogCache = new Map<string, CatalogRow>()
const CATALOG_CACHE_LIMIT = 32

export async function getCatalog(db: Queryable, id: string): Promise<CatalogRow> {
  const cached = catalogCache.get(id)
  if (cached) return cached
  const [row] = await db.select().from(catalogs).where(eq(catalogs.id, id))
  if (!row) throw notFound('catalog', id)
  if (catalogCache.size >= CATALOG_CACHE_LIMIT) catalogCache.delete(catalogCache.keys().next().value!)
  catalogCache.set(id, row)
  return row
}

export async function findCatalogByKey(db: Queryable, key: string, version?: string): Promise<CatalogRow | undefined> {
  const rows = await db.select().from(catalogs).where(version ? and(eq(catalogs.key, key), eq(catalogs.version, version)) : eq(catalogs.key, key)).orderBy(asc(catalogs.loadedAt))
  return rows.at(-1)
}

export async function exportOscal(ctx: AppContext, id: string, lang: 'ja' | 'en') {
  const row = await getCatalog(ctx.db, id)
  return toOscalCatalog(row.content, lang)
}

export const catalogConflict = () =>
  new AppError('catalog_version_exists', 409, {
    ja: '同じIDとバージョンのカタログが既に異なる内容で登録されています。バージョンを変えてください',
    en: 'A catalog with this id and version already exists with other content: give it a new version',
  })

export { invalid }
