// What a catalog author or reviewer wants to see at a glance: how big the catalog is, how its items
// split between basic and desirable measures, and how much of it already points at NIST CSF 2.0.

import type { Catalog, CatalogItem, CatalogSection, ItemClass, LocalizedText } from './catalog-types.js'

export interface CatalogSummary {
  id: string
  version: string
  title: LocalizedText
  /** Sections at every level. */
  sections: number
  /** Items whose section is assessed. */
  assessableItems: number
  itemsByClass: Record<ItemClass, number>
  /** Assessable items with at least one NIST CSF 2.0 crosswalk ref, and their share (0..1, 0 when there are none). */
  csfMapped: { items: number; share: number }
  /** Assessable items in each top-level section's subtree, in catalog order. */
  topSections: { ref: string; title: LocalizedText; assessableItems: number }[]
}

export function summarizeCatalog(catalog: Catalog): CatalogSummary {
  const items = catalog.sections.flatMap(assessableItems)
  const csfMapped = items.filter((item) => (item.crosswalk.csf ?? []).length > 0).length
  return {
    id: catalog.id,
    version: catalog.version,
    title: catalog.title,
    sections: catalog.sections.reduce((count, section) => count + countSections(section), 0),
    assessableItems: items.length,
    itemsByClass: {
      basic: items.filter((item) => item.class === 'basic').length,
      desirable: items.filter((item) => item.class === 'desirable').length,
    },
    csfMapped: { items: csfMapped, share: items.length === 0 ? 0 : csfMapped / items.length },
    topSections: catalog.sections.map((section) => ({
      ref: section.ref,
      title: section.title,
      assessableItems: assessableItems(section).length,
    })),
  }
}

export function assessableItems(section: CatalogSection): CatalogItem[] {
  return [...(section.assessed ? section.items : []), ...section.sections.flatMap(assessableItems)]
}

function countSections(section: CatalogSection): number {
  return 1 + section.sections.reduce((count, child) => count + countSections(child), 0)
}

const LABELS = {
  ja: {
    sections: 'セクション数（全階層）',
    items: '評価項目',
    basic: '基本的な対応事項',
    desirable: '対応が望ましい事項',
    csf: 'NIST CSF 2.0 への対応付け',
    itemUnit: '項目',
    perSection: '上位セクション別の評価項目',
  },
  en: {
    sections: 'Sections (all levels)',
    items: 'Assessable items',
    basic: 'basic measures',
    desirable: 'desirable measures',
    csf: 'Mapped to NIST CSF 2.0',
    itemUnit: 'items',
    perSection: 'Assessable items per top-level section',
  },
} as const

export function formatSummary(summary: CatalogSummary, lang: 'ja' | 'en' = 'ja'): string {
  const label = LABELS[lang]
  const paren = (text: string) => (lang === 'ja' ? `（${text}）` : ` (${text})`)
  const percent = `${Math.round(summary.csfMapped.share * 100)}%`
  const byClass = `${label.basic} ${summary.itemsByClass.basic} / ${label.desirable} ${summary.itemsByClass.desirable}`
  return [
    `${summary.title[lang]}${paren(`${summary.id} ${summary.version}`)}`,
    `${label.sections}: ${summary.sections}`,
    `${label.items}: ${summary.assessableItems}${paren(byClass)}`,
    `${label.csf}: ${summary.csfMapped.items}/${summary.assessableItems} ${label.itemUnit}${paren(percent)}`,
    `${label.perSection}:`,
    ...summary.topSections.map((section) => `  ${section.ref} ${section.title[lang]}: ${section.assessableItems}`),
  ].join('\n')
}
