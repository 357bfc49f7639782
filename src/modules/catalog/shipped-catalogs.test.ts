// The catalogs Kamae ships, held to the loader, to the reference list of NIST CSF 2.0 ids and to the brief.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assessableItems } from './catalog-summary.js'
import type { Catalog, CatalogItem, CatalogSection } from './catalog-types.js'
import { CSF_SUBCATEGORY_IDS } from './csf-ids.js'
import { loadCatalog } from './load-catalog.js'
import { toOscalCatalog, type OscalControl, type OscalGroup } from './oscal-export.js'

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const catalogsDir = join(repoRoot, 'catalogs')
const shipped = readdirSync(catalogsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'schema')
  .map((entry) => entry.name)

// Test oracle kept beside the project, never copied into it (../shared/reference/README.md).
const referencePath = resolve(repoRoot, '../shared/reference/nist-csf-2.0-ids.json')
const referenceExists = existsSync(referencePath)
const whenReference = referenceExists ? '' : ' (skipped: the ../shared/reference folder is absent)'

interface CsfReference {
  functions: { id: string; categories: { id: string; subcategories: string[] }[] }[]
}

function readReference(): CsfReference {
  return JSON.parse(readFileSync(referencePath, 'utf8')) as CsfReference
}

const loaded = new Map<string, Promise<Catalog>>()

function load(name: string): Promise<Catalog> {
  const catalog =
    loaded.get(name) ??
    loadCatalog(join(catalogsDir, name)).then((result) => {
      if (!result.ok) throw new Error(`${name} does not load: ${JSON.stringify(result.errors, null, 2)}`)
      return result.catalog
    })
  loaded.set(name, catalog)
  return catalog
}

function allItems(sections: CatalogSection[]): CatalogItem[] {
  return sections.flatMap((section) => [...section.items, ...allItems(section.sections)])
}

function findSection(sections: CatalogSection[], ref: string): CatalogSection | undefined {
  for (const section of sections) {
    if (section.ref === ref) return section
    const found = findSection(section.sections, ref)
    if (found) return found
  }
  return undefined
}

describe('shipped catalogs', () => {
  it.each(shipped)('%s loads with no errors', async (name) => {
    const result = await loadCatalog(join(catalogsDir, name))
    expect(result.ok ? [] : result.errors).toEqual([])
  })

  it.each(shipped)('%s exports to OSCAL with unique, well-formed ids', async (name) => {
    const ids: string[] = []
    const collect = (groups: OscalGroup[] = [], controls: OscalControl[] = []) => {
      for (const control of controls) ids.push(control.id)
      for (const group of groups) {
        ids.push(group.id)
        collect(group.groups, group.controls)
      }
    }
    collect(toOscalCatalog(await load(name)).catalog.groups)
    expect(new Set(ids).size).toBe(ids.length)
    // OSCAL token: starts with a letter or underscore
    expect(ids.filter((id) => !/^[\p{L}_][\p{L}\p{N}.\-_]*$/u.test(id))).toEqual([])
  })
})

describe('nist-csf-2.0', () => {
  it.skipIf(!referenceExists)(`holds exactly the 106 subcategory ids of the reference list${whenReference}`, async () => {
    const expected = readReference().functions.flatMap((fn) => fn.categories.flatMap((category) => category.subcategories))
    const catalog = await load('nist-csf-2.0')
    expect(expected).toHaveLength(106)
    expect(allItems(catalog.sections).map((item) => item.ref)).toEqual(expected)
  })

  it.skipIf(!referenceExists)(`nests the 22 categories under the 6 functions as the reference does${whenReference}`, async () => {
    const expected = readReference().functions.map((fn) => [fn.id, fn.categories.map((category) => category.id)])
    const catalog = await load('nist-csf-2.0')
    expect(catalog.sections.map((fn) => [fn.ref, fn.sections.map((category) => category.ref)])).toEqual(expected)
  })

  it.skipIf(!referenceExists)(`agrees with the ids the loader checks crosswalks against${whenReference}`, () => {
    const expected = readReference().functions.flatMap((fn) => fn.categories.flatMap((category) => category.subcategories))
    expect([...CSF_SUBCATEGORY_IDS]).toEqual(expected)
  })

  it('lists every id the loader accepts as a crosswalk target', async () => {
    const refs = allItems((await load('nist-csf-2.0')).sections).map((item) => item.ref)
    expect(refs).toEqual([...CSF_SUBCATEGORY_IDS])
  })
})

describe('crypto-custody-2024', () => {
  it('has the six sections of the self-inspection, each with basic and desirable items', async () => {
    const catalog = await load('crypto-custody-2024')
    expect(catalog.sections.map((section) => section.ref)).toEqual(['1', '2', '3', '4', '5', '6'])
    for (const section of catalog.sections) {
      expect(new Set(section.items.map((item) => item.class)), section.ref).toEqual(new Set(['basic', 'desirable']))
    }
  })

  it('applies every item to crypto-asset exchanges and maps it to NIST CSF 2.0', async () => {
    const items = allItems((await load('crypto-custody-2024')).sections)
    expect(items.filter((item) => item.applicability.sectors?.join() !== 'crypto_exchange').map((item) => item.ref)).toEqual([])
    expect(items.filter((item) => (item.crosswalk.csf ?? []).length === 0).map((item) => item.ref)).toEqual([])
  })
})

const fsaPresent = existsSync(join(catalogsDir, 'fsa-cyber-2024', 'catalog.yaml'))
const FSA_SUBSECTIONS = ['2.1', '2.2.1', '2.2.2', '2.2.3', '2.2.4', '2.2.5', '2.3.1', '2.3.2', '2.3.3', '2.3.4', '2.4', '2.5', '2.6']

describe(`fsa-cyber-2024${fsaPresent ? '' : ' (skipped: the catalog is not written yet)'}`, () => {
  it.skipIf(!fsaPresent)('has at least 150 assessable items, each with ja and en text, evidence and a CSF ref', async () => {
    const items = (await load('fsa-cyber-2024')).sections.flatMap(assessableItems)
    expect(items.length).toBeGreaterThanOrEqual(150)
    const incomplete = items.filter(
      (item) =>
        !item.text.ja.trim() ||
        !item.text.en.trim() ||
        item.evidence.ja.length === 0 ||
        item.evidence.en.length === 0 ||
        (item.crosswalk.csf ?? []).length === 0,
    )
    expect(incomplete.map((item) => item.ref)).toEqual([])
  })

  it.skipIf(!fsaPresent)('covers every subsection of chapter 2 with basic and desirable items', async () => {
    const catalog = await load('fsa-cyber-2024')
    const coverage = FSA_SUBSECTIONS.map((ref) => {
      const section = findSection(catalog.sections, ref)
      const classes = new Set(section ? allItems([section]).map((item) => item.class) : [])
      return [ref, [...classes].sort().join('+') || 'missing']
    })
    expect(coverage).toEqual(FSA_SUBSECTIONS.map((ref) => [ref, 'basic+desirable']))
  })
})
