import { describe, expect, it } from 'vitest'
import { CATALOG_HEAD, makeCatalog } from './catalog-fixtures.js'
import { formatSummary, summarizeCatalog } from './catalog-summary.js'

// Chapter 1 is context (not assessed); chapter 2 has a subsection; one item has no CSF crosswalk.
const text = `${CATALOG_HEAD}sections:
  - ref: "1"
    title: { ja: 基本的考え方, en: Basic approach }
    assessed: false
    items:
      - { ref: 1-B1, class: basic, title: { ja: 文脈, en: Context }, text: { ja: 文, en: Text }, evidence: { ja: [無し], en: [None] } }
  - ref: "2"
    title: { ja: 管理態勢, en: Management system }
    items:
      - { ref: 2-B1, class: basic, title: { ja: 方針, en: Policy }, text: { ja: 文, en: Text }, evidence: { ja: [方針], en: [Policy] }, crosswalk: { csf: [GV.PO-01] } }
    sections:
      - ref: "2.1"
        title: { ja: 資産, en: Assets }
        items:
          - { ref: 2.1-B1, class: basic, title: { ja: 台帳, en: Register }, text: { ja: 文, en: Text }, evidence: { ja: [台帳], en: [Register] }, crosswalk: { csf: [ID.AM-01] } }
          - { ref: 2.1-D1, class: desirable, title: { ja: SBOM, en: SBOM }, text: { ja: 文, en: Text }, evidence: { ja: [SBOM], en: [SBOM] }, crosswalk: { fisc: [実14] } }
`

describe('catalog summary', () => {
  const summary = summarizeCatalog(makeCatalog(text))

  it('counts sections at every level', () => {
    expect(summary.sections).toBe(3)
  })

  it('counts only items of assessed sections, split by class', () => {
    expect(summary.assessableItems).toBe(3)
    expect(summary.itemsByClass).toEqual({ basic: 2, desirable: 1 })
  })

  it('gives the share of items mapped to NIST CSF 2.0', () => {
    expect(summary.csfMapped).toEqual({ items: 2, share: 2 / 3 })
  })

  it('counts items per top-level section including its subsections', () => {
    expect(summary.topSections.map((section) => [section.ref, section.assessableItems])).toEqual([
      ['1', 0],
      ['2', 3],
    ])
  })

  it('reads in Japanese by default', () => {
    expect(formatSummary(summary)).toBe(
      [
        'デモ（demo-catalog 1.0）',
        'セクション数（全階層）: 3',
        '評価項目: 3（基本的な対応事項 2 / 対応が望ましい事項 1）',
        'NIST CSF 2.0 への対応付け: 2/3 項目（67%）',
        '上位セクション別の評価項目:',
        '  1 基本的考え方: 0',
        '  2 管理態勢: 3',
      ].join('\n'),
    )
  })

  it('reads in English on request', () => {
    expect(formatSummary(summary, 'en')).toContain('Assessable items: 3 (basic measures 2 / desirable measures 1)')
  })

  it('reports a zero share, not NaN, for a catalog without assessable items', () => {
    const empty = summarizeCatalog(makeCatalog(`${CATALOG_HEAD}sections: []\n`))
    expect(empty.csfMapped).toEqual({ items: 0, share: 0 })
  })
})
