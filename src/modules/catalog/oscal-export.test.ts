import { describe, expect, it } from 'vitest'
import { CATALOG_HEAD, makeCatalog } from './catalog-fixtures.js'
import { KAMAE_OSCAL_NS, OSCAL_VERSION, toOscalCatalog, uuidV5, type OscalControl, type OscalGroup } from './oscal-export.js'

const head = CATALOG_HEAD.replace(
  'title: { ja: デモ, en: Demo }\n',
  `title: { ja: デモ, en: Demo }
publisher: { ja: 当局, en: Supervisor }
source: { published: "2024-10-04", url: "https://example.org/guideline.pdf", note: { ja: 要約, en: A summary } }
`,
)
const text = `${head}sections:
  - ref: "2.2"
    title: { ja: 特定, en: Identify }
    summary: { ja: 概要, en: Overview }
    sections:
      - ref: "2.2.1"
        title: { ja: 資産, en: Assets }
        items:
          - ref: 2.2.1-B1
            class: basic
            title: { ja: 台帳, en: Asset register }
            text: { ja: 台帳がある。, en: An asset register exists. }
            guidance: { ja: 見方, en: How to judge }
            evidence: { ja: [台帳, 更新履歴], en: [Register, Change history] }
            applicability: { sectors: [shinkin, credit_union], sizes: [small] }
            crosswalk: { csf: [ID.AM-01, ID.AM-02], fisc: [実14] }
`
const catalog = makeCatalog(text)

function firstControl(group: OscalGroup | undefined): OscalControl | undefined {
  return group?.groups?.[0]?.controls?.[0]
}

describe('OSCAL catalog export', () => {
  it('fills the metadata OSCAL requires', () => {
    const { metadata } = toOscalCatalog(catalog).catalog
    expect(metadata).toMatchObject({
      title: 'デモ',
      published: '2024-10-04T00:00:00Z',
      'last-modified': '2024-10-04T00:00:00Z',
      version: '1.0',
      'oscal-version': OSCAL_VERSION,
    })
  })

  it('turns sections into groups and items into controls with token ids and the ref as label', () => {
    const [group] = toOscalCatalog(catalog, 'en').catalog.groups
    expect(group).toMatchObject({ id: 'sec-2.2', title: 'Identify', props: [{ name: 'label', value: '2.2' }] })
    expect(group?.parts).toEqual([{ id: 'sec-2.2_ovw', name: 'overview', prose: 'Overview' }])
    const control = firstControl(group)
    expect(control).toMatchObject({ id: 'item-2.2.1-b1', class: 'basic', title: 'Asset register' })
    expect(control?.props).toContainEqual({ name: 'label', value: '2.2.1-B1' })
  })

  it('puts the text, guidance and evidence into statement, guidance and assessment parts', () => {
    const control = firstControl(toOscalCatalog(catalog, 'en').catalog.groups[0])
    expect(control?.parts.map((part) => part.name)).toEqual(['statement', 'guidance', 'assessment-method'])
    expect(control?.parts[0]?.prose).toBe('An asset register exists.')
    expect(control?.parts[2]?.parts?.[0]).toMatchObject({ name: 'assessment-objects', prose: '- Register\n- Change history' })
  })

  it('carries class, applicability and every crosswalk ref as namespaced props', () => {
    const props = firstControl(toOscalCatalog(catalog).catalog.groups[0])?.props ?? []
    const ours = props.filter((prop) => prop.ns === KAMAE_OSCAL_NS)
    expect(ours).toEqual([
      { name: 'class', ns: KAMAE_OSCAL_NS, value: 'basic' },
      { name: 'sector', ns: KAMAE_OSCAL_NS, value: 'shinkin' },
      { name: 'sector', ns: KAMAE_OSCAL_NS, value: 'credit_union' },
      { name: 'size', ns: KAMAE_OSCAL_NS, value: 'small' },
      { name: 'crosswalk', ns: KAMAE_OSCAL_NS, class: 'csf', value: 'ID.AM-01' },
      { name: 'crosswalk', ns: KAMAE_OSCAL_NS, class: 'csf', value: 'ID.AM-02' },
      { name: 'crosswalk', ns: KAMAE_OSCAL_NS, class: 'fisc', value: '実14' },
    ])
  })

  it('links the official text from the back matter', () => {
    const resources = toOscalCatalog(catalog, 'en').catalog['back-matter']?.resources
    expect(resources).toEqual([
      { uuid: expect.any(String), title: 'Supervisor: Demo', rlinks: [{ href: 'https://example.org/guideline.pdf' }], remarks: 'A summary' },
    ])
  })

  it('is reproducible: the same catalog gives byte-identical JSON', () => {
    expect(JSON.stringify(toOscalCatalog(makeCatalog(text)))).toBe(JSON.stringify(toOscalCatalog(catalog)))
  })

  it('gives each language its own document uuid', () => {
    expect(toOscalCatalog(catalog, 'ja').catalog.uuid).not.toBe(toOscalCatalog(catalog, 'en').catalog.uuid)
  })

  it('omits the lists OSCAL forbids to be empty', () => {
    const json = JSON.stringify(toOscalCatalog(makeCatalog()))
    expect(json).not.toContain('[]')
    expect(json).not.toContain('back-matter')
  })
})

describe('name-based uuids', () => {
  it('match the RFC 9562 version 5 algorithm', () => {
    // uuid5(NAMESPACE_DNS, 'www.example.com') as computed by Python's uuid module
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2')
  })
})
