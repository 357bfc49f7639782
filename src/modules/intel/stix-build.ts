import { createHash } from 'node:crypto'
import { isIdnHostname } from './stix-formats.js'
import { parseCidr } from './matching/ip.js'
import { TLP2_MARKING_IDS, tlpMarkingDefinition, type TlpLevel } from './tlp.js'

// Building STIX 2.1 indicators from plain observable values (the importers: misp.ts,
// csv-indicators.ts). Pure; ids are deterministic (UUIDv5), so importing the same data twice yields
// the same ids and a store keeps versions by `modified` (§3.6).

/** The observable kinds an importer turns into indicator patterns. */
export type ObservableType = 'ipv4' | 'ipv6' | 'domain' | 'domain-suffix' | 'url' | 'email' | 'md5' | 'sha1' | 'sha256'

/** Kamae's UUIDv5 namespace for the ids it derives (a fixed random UUID). */
export const KAMAE_NAMESPACE = '6d4f3c1e-58a2-4b8e-9a27-4c1f0e7b2d90'

/** RFC 4122 §4.3 name-based UUID (SHA-1, version 5). */
export function uuidV5(name: string, namespace = KAMAE_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** A STIX timestamp with milliseconds (§3.2 created / modified). */
export function stixTimestamp(date: Date): string {
  return date.toISOString()
}

/** §9.4.1: `'` and `\` are escaped by `\` in a string constant. */
export function stixString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

const HASH_LENGTH = { md5: 32, sha1: 40, sha256: 64 } as const
const HASH_PATH = { md5: 'MD5', sha1: "'SHA-1'", sha256: "'SHA-256'" } as const

/**
 * The STIX pattern for a value, or why the value is not one of its type. `ip` values (either
 * family, optionally a CIDR block) say which family they are.
 */
export function patternFor(type: ObservableType | 'ip', raw: string): { ok: true; pattern: string; type: ObservableType } | { ok: false; reason: { ja: string; en: string } } {
  const value = raw.trim()
  if (value === '') return { ok: false, reason: { ja: '値が空です', en: 'the value is empty' } }
  switch (type) {
    case 'ip':
    case 'ipv4':
    case 'ipv6': {
      const block = parseCidr(value)
      if (!block || (type === 'ipv4' && block.version !== 4) || (type === 'ipv6' && block.version !== 6)) {
        const family = type === 'ip' ? 'IP' : type === 'ipv4' ? 'IPv4' : 'IPv6'
        return { ok: false, reason: { ja: `${family} アドレス（または CIDR）ではありません: ${value}`, en: `not an ${family} address or CIDR block: ${value}` } }
      }
      const kind = block.version === 4 ? 'ipv4' : 'ipv6'
      return { ok: true, type: kind, pattern: `[${kind}-addr:value = ${stixString(value)}]` }
    }
    case 'domain':
      if (!isIdnHostname(value)) return { ok: false, reason: { ja: `ドメイン名ではありません: ${value}`, en: `not a domain name: ${value}` } }
      return { ok: true, type, pattern: `[domain-name:value = ${stixString(value.toLowerCase())}]` }
    case 'domain-suffix': {
      // `.evil.example` or `*.evil.example`: every name below evil.example (a LIKE the matcher indexes).
      const domain = value.replace(/^\*?\./, '')
      if (domain === value || !isIdnHostname(domain) || !domain.includes('.')) {
        return { ok: false, reason: { ja: `ドメインの接尾辞（.evil.example または *.evil.example）ではありません: ${value}`, en: `not a domain suffix (.evil.example or *.evil.example): ${value}` } }
      }
      return { ok: true, type, pattern: `[domain-name:value LIKE ${stixString(`%.${domain.toLowerCase()}`)}]` }
    }
    case 'url':
      if (!isUrl(value)) return { ok: false, reason: { ja: `URL ではありません: ${value}`, en: `not a URL: ${value}` } }
      return { ok: true, type, pattern: `[url:value = ${stixString(value)}]` }
    case 'email':
      if (!/^[^@\s]+@[^@\s]+$/.test(value) || !isIdnHostname(value.slice(value.indexOf('@') + 1))) {
        return { ok: false, reason: { ja: `メールアドレスではありません: ${value}`, en: `not an e-mail address: ${value}` } }
      }
      return { ok: true, type, pattern: `[email-addr:value = ${stixString(value)}]` }
    case 'md5':
    case 'sha1':
    case 'sha256': {
      const length = HASH_LENGTH[type]
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value)) {
        return { ok: false, reason: { ja: `${type.toUpperCase()} のハッシュ（16 進 ${length} 桁）ではありません: ${value}`, en: `not a ${type.toUpperCase()} hash (${length} hex digits): ${value}` } }
      }
      return { ok: true, type, pattern: `[file:hashes.${HASH_PATH[type]} = ${stixString(value.toLowerCase())}]` }
    }
  }
}

function isUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.host !== '' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
  } catch {
    return false
  }
}

export interface IndicatorFields {
  /** The UUID part of the id. */
  uuid: string
  pattern: string
  name?: string
  description?: string
  created: string
  modified: string
  validFrom: string
  validUntil?: string
  labels?: string[]
  createdByRef?: string
  tlp?: TlpLevel | null
}

export function makeIndicator(fields: IndicatorFields): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${fields.uuid}`,
    ...(fields.createdByRef ? { created_by_ref: fields.createdByRef } : {}),
    created: fields.created,
    modified: fields.modified,
    ...(fields.name ? { name: fields.name } : {}),
    ...(fields.description ? { description: fields.description } : {}),
    indicator_types: ['malicious-activity'],
    pattern: fields.pattern,
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: fields.validFrom,
    ...(fields.validUntil ? { valid_until: fields.validUntil } : {}),
    ...(fields.labels && fields.labels.length > 0 ? { labels: fields.labels } : {}),
    ...(fields.tlp ? { object_marking_refs: [TLP2_MARKING_IDS[fields.tlp]] } : {}),
  }
}

/** An identity for the producer of imported data. */
export function makeIdentity(uuid: string, name: string, created: string): Record<string, unknown> {
  return { type: 'identity', spec_version: '2.1', id: `identity--${uuid}`, created, modified: created, name, identity_class: 'organization' }
}

/** A bundle of objects and the TLP marking definitions they refer to. */
export function makeBundle(objects: Array<Record<string, unknown>>, tlps: Iterable<TlpLevel>, bundleName: string): Record<string, unknown> {
  const markings = [...new Set(tlps)].map((level) => tlpMarkingDefinition(level))
  return { type: 'bundle', id: `bundle--${uuidV5(`bundle:${bundleName}`)}`, objects: [...markings, ...objects] }
}
