// Test factories: small catalogs as YAML text, so each test states only what it is about.

import type { Catalog } from './catalog-types.js'
import { parseCatalogText } from './load-catalog.js'

export const CATALOG_HEAD = `id: demo-catalog
version: "1.0"
title: { ja: デモ, en: Demo }
scale:
  options:
    - { value: 0, label: { ja: 未対応, en: Not in place }, score: 0 }
    - { value: 1, label: { ja: 対応済, en: In place }, score: 1 }
  notApplicable: { label: { ja: 対象外, en: Not applicable }, requiresReason: true }
`

interface ItemOptions {
  ref?: string
  class?: string
  csf?: string[]
  /** Extra YAML lines of the item, indented by 8 spaces. */
  extra?: string
}

export function makeItemYaml({ ref = '1-B1', class: itemClass = 'basic', csf = ['GV.OC-01'], extra = '' }: ItemOptions = {}): string {
  return [
    `      - ref: ${ref}`,
    `        class: ${itemClass}`,
    `        title: { ja: 項目 ${ref}, en: Item ${ref} }`,
    `        text: { ja: あるべき姿を一文で書く。, en: One sentence on what good looks like. }`,
    `        evidence: { ja: [規程], en: [Rules] }`,
    ...(csf.length > 0 ? [`        crosswalk: { csf: [${csf.join(', ')}] }`] : []),
    ...(extra ? [extra.replace(/\n$/, '')] : []),
    '',
  ].join('\n')
}

interface SectionOptions {
  ref?: string
  items?: string[]
  /** Extra YAML lines of the section (assessed, sections), indented by 4 spaces. */
  extra?: string
}

export function makeSectionYaml({ ref = '1', items = [makeItemYaml()], extra = '' }: SectionOptions = {}): string {
  return [
    `  - ref: "${ref}"`,
    `    title: { ja: 節 ${ref}, en: Section ${ref} }`,
    ...(extra ? [extra.replace(/\n$/, '')] : []),
    ...(items.length > 0 ? ['    items:', items.join('').replace(/\n$/, '')] : []),
    '',
  ].join('\n')
}

export function makeCatalogYaml({ head = CATALOG_HEAD, sections = [makeSectionYaml()] } = {}): string {
  return `${head}sections:\n${sections.join('')}`
}

export function makeSectionFileYaml(sections: string[]): string {
  return `sections:\n${sections.join('')}`
}

export function makeCatalog(text: string = makeCatalogYaml()): Catalog {
  const result = parseCatalogText([{ name: 'catalog.yaml', text }])
  if (!result.ok) throw new Error(`fixture catalog is invalid: ${JSON.stringify(result.errors, null, 2)}`)
  return result.catalog
}

/** 1-based line of the first line containing `fragment`. */
export function lineOf(text: string, fragment: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(fragment))
  if (index < 0) throw new Error(`"${fragment}" is not in the text`)
  return index + 1
}
