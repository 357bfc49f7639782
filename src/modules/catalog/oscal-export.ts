// Exports a catalog as an OSCAL 1.1.2 catalog (JSON model) so GRC tools can read Kamae content.
// Sections become groups, items become controls. The output depends only on the catalog and the
// language: uuids are name-based (RFC 9562 version 5) and no clock is read, so exports are reproducible.

import { createHash } from 'node:crypto'
import type { Catalog, CatalogItem, CatalogSection, CrosswalkKey } from './catalog-types.js'

export const OSCAL_VERSION = '1.1.2'
/** Namespace of the props and parts OSCAL itself does not define. */
export const KAMAE_OSCAL_NS = 'urn:kamae:oscal'
/** RFC 9562 §6.6: the URL namespace, for names that are URIs. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8'
const RMF_NS = 'http://csrc.nist.gov/ns/rmf'

export interface OscalProp {
  name: string
  value: string
  ns?: string
  class?: string
}

export interface OscalPart {
  id: string
  name: string
  ns?: string
  title?: string
  props?: OscalProp[]
  prose?: string
  parts?: OscalPart[]
}

export interface OscalControl {
  id: string
  class: string
  title: string
  props: OscalProp[]
  parts: OscalPart[]
}

export interface OscalGroup {
  id: string
  class: string
  title: string
  props: OscalProp[]
  parts?: OscalPart[]
  groups?: OscalGroup[]
  controls?: OscalControl[]
}

export interface OscalCatalogDocument {
  catalog: {
    uuid: string
    metadata: {
      title: string
      published?: string
      'last-modified': string
      version: string
      'oscal-version': string
      props: OscalProp[]
    }
    groups: OscalGroup[]
    'back-matter'?: { resources: { uuid: string; title: string; rlinks: { href: string }[]; remarks?: string }[] }
  }
}

type Lang = 'ja' | 'en'

export function toOscalCatalog(catalog: Catalog, lang: Lang = 'ja'): OscalCatalogDocument {
  const name = `urn:kamae:catalog:${catalog.id}:${catalog.version}:${lang}`
  // OSCAL requires last-modified; the publication date is the only date that is a property of the content.
  const published = catalog.source?.published ? `${catalog.source.published}T00:00:00Z` : undefined
  const source = catalog.source?.url
    ? {
        resources: [
          {
            uuid: uuidV5(`${name}#source`),
            title: catalog.publisher ? `${catalog.publisher[lang]}: ${catalog.title[lang]}` : catalog.title[lang],
            rlinks: [{ href: catalog.source.url }],
            ...(catalog.source.note ? { remarks: catalog.source.note[lang] } : {}),
          },
        ],
      }
    : undefined
  return {
    catalog: {
      uuid: uuidV5(name),
      metadata: {
        title: catalog.title[lang],
        ...(published ? { published } : {}),
        'last-modified': published ?? '1970-01-01T00:00:00Z',
        version: catalog.version,
        'oscal-version': OSCAL_VERSION,
        props: [kamaeProp('catalog-id', catalog.id), kamaeProp('lang', lang)],
      },
      groups: catalog.sections.map((section) => toGroup(section, lang)),
      ...(source ? { 'back-matter': source } : {}),
    },
  }
}

function toGroup(section: CatalogSection, lang: Lang): OscalGroup {
  const id = oscalToken('sec', section.ref)
  return {
    id,
    class: 'section',
    title: section.title[lang],
    props: [
      { name: 'label', value: section.ref },
      ...(section.assessed ? [] : [kamaeProp('assessed', 'false')]),
    ],
    ...(section.summary ? { parts: [{ id: `${id}_ovw`, name: 'overview', prose: section.summary[lang] }] } : {}),
    ...(section.sections.length > 0 ? { groups: section.sections.map((child) => toGroup(child, lang)) } : {}),
    ...(section.items.length > 0 ? { controls: section.items.map((item) => toControl(item, lang)) } : {}),
  }
}

function toControl(item: CatalogItem, lang: Lang): OscalControl {
  const id = oscalToken('item', item.ref)
  return {
    id,
    class: item.class,
    title: item.title[lang],
    props: [
      { name: 'label', value: item.ref },
      kamaeProp('class', item.class),
      ...(item.applicability.sectors ?? []).map((sector) => kamaeProp('sector', sector)),
      ...(item.applicability.sizes ?? []).map((size) => kamaeProp('size', size)),
      ...crosswalkProps(item),
    ],
    parts: [
      { id: `${id}_smt`, name: 'statement', prose: item.text[lang] },
      ...(item.guidance ? [{ id: `${id}_gdn`, name: 'guidance', prose: item.guidance[lang] }] : []),
      {
        // SP 800-53A style: typical evidence is what an assessor examines
        id: `${id}_asm-examine`,
        name: 'assessment-method',
        props: [{ name: 'method', ns: RMF_NS, value: 'EXAMINE' }],
        parts: [
          {
            id: `${id}_asm-examine.obj`,
            name: 'assessment-objects',
            prose: item.evidence[lang].map((evidence) => `- ${evidence}`).join('\n'),
          },
        ],
      },
    ],
  }
}

function crosswalkProps(item: CatalogItem): OscalProp[] {
  const entries = Object.entries(item.crosswalk) as [CrosswalkKey, string[]][]
  return entries.flatMap(([framework, refs]) =>
    refs.map((ref) => ({ name: 'crosswalk', ns: KAMAE_OSCAL_NS, class: framework, value: ref })),
  )
}

function kamaeProp(name: string, value: string): OscalProp {
  return { name, ns: KAMAE_OSCAL_NS, value }
}

/**
 * OSCAL ids are tokens that start with a letter or `_`, and section numbers start with a digit, so every
 * id gets a prefix; dots are legal in tokens and keep `2.2-1` apart from `2-2.1`. The original ref stays
 * in the `label` prop.
 */
export function oscalToken(prefix: string, ref: string): string {
  return `${prefix}-${ref.toLowerCase().replace(/[^a-z0-9._-]/g, '_')}`
}

/** RFC 9562 §5.5: SHA-1 of namespace bytes and name, with version 5 and the RFC variant set. */
export function uuidV5(name: string, namespace: string = URL_NAMESPACE): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16)
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6)
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
