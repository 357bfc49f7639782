import { observablesOf, parsePattern, type NamedObservable } from '../stix-pattern.js'
import { tlpOfMarkings, type TlpLevel } from '../tlp.js'
import { domainToASCII } from 'node:url'
import { ABSENT, ByteKeyTable, U32Table } from './byte-table.js'
import { CidrTrie } from './cidr-trie.js'
import { DomainTrie } from './domain-trie.js'
import { bitOf, ipv6ToString, parseCidr } from './ip.js'

// Indicators, indexed for matching log lines (issue 5 §4): exact values in hash tables probed from
// the log's bytes (byte-table.ts: IPv4 as numbers; e-mail addresses and hashes lower-cased; URLs
// with scheme and host lower-cased; IPv6 in RFC 5952 form), CIDR blocks in a prefix tree per address
// family, domain names — exact ones and suffix rules, lower-cased, IDNs as A-labels — in a
// reversed-label trie whose edges are such a hash table (domain-trie.ts).
//
// Which comparisons become what (observablesOf names them):
//   ipv4-addr:value / ipv6-addr:value  = 'a.b.c.d'            exact address
//                                      = 'a.b.c.d/n', ISSUBSET 'a.b.c.d/n'   CIDR block (host bits cleared)
//   domain-name:value                  = 'evil.example'        exact name
//                                      LIKE '%.evil.example'   suffix rule: subdomains only
//                                      MATCHES '\.evil\.example$', '^.*\.evil\.example$', '^.+\.evil\.example$'
//                                                              suffix rule: subdomains only
//                                      MATCHES '(^|\.)evil\.example$', '^(.*\.)?evil\.example$', '^(.+\.)?evil\.example$'
//                                                              suffix rule: the name and its subdomains
//   url:value, email-addr:value        = '…'                   exact value
//   file:hashes.MD5 / SHA-1 / SHA-256  = '…'                   exact value (hex, any case)
// Anything else (other LIKE or MATCHES forms, hashes of the wrong length, …) is not indexed and is
// counted in `skipped` with the reason: the matcher never guesses what a regular expression meant.

export type HitKind = 'ipv4' | 'ipv6' | 'domain' | 'url' | 'email' | 'md5' | 'sha1' | 'sha256'

export interface IndexedIndicator {
  id: string
  tlp: TlpLevel | null
}

export interface SkippedObservable {
  indicatorId: string
  observable: NamedObservable | null
  reason: string
}

/** A STIX indicator as the index reads it. */
export interface IndicatorInput {
  id: string
  pattern: string
  pattern_type: string
  object_marking_refs?: readonly string[]
  revoked?: boolean
}

const HASH_LENGTH: Record<'md5' | 'sha1' | 'sha256', number> = { md5: 32, sha1: 40, sha256: 64 }

/** A reference to the indicators of one value: >= 0 one indicator, <= -2 a list in `multi`. */
type Ref = number
const NO_REF = ABSENT

export class IndicatorIndex {
  private readonly ids = new IndicatorIds()
  private readonly multi: number[][] = []
  readonly exactIpv4 = new U32Table()
  readonly exactIpv6 = new Map<string, Ref>()
  /** Exact names and suffix rules, by reversed labels. */
  readonly domains = new DomainTrie()
  private exactDomains = 0
  private suffixRules = 0
  readonly urls = new ByteKeyTable()
  readonly emails = new ByteKeyTable()
  // Hashes are random: their first 16 hex digits spread them as well as all 64 would.
  readonly hashes = { md5: new ByteKeyTable(16), sha1: new ByteKeyTable(16), sha256: new ByteKeyTable(16) }
  readonly cidr4 = new CidrTrie()
  readonly cidr6 = new CidrTrie()
  readonly skipped: SkippedObservable[] = []
  private skippedCount = 0

  /** How many indicators, and how many values of each kind, the index holds. */
  stats() {
    return {
      indicators: this.ids.size,
      ipv4: this.exactIpv4.size,
      ipv6: this.exactIpv6.size,
      cidr: this.cidr4.size + this.cidr6.size,
      domains: this.exactDomains,
      suffixRules: this.suffixRules,
      urls: this.urls.size,
      emails: this.emails.size,
      hashes: this.hashes.md5.size + this.hashes.sha1.size + this.hashes.sha256.size,
      skipped: this.skippedCount,
    }
  }

  indicator(index: number): IndexedIndicator {
    return this.ids.at(index)
  }

  /** Adds a STIX indicator; false when it names nothing the matcher can index. */
  addIndicator(indicator: IndicatorInput): boolean {
    if (indicator.revoked === true) return false
    if (indicator.pattern_type !== 'stix') {
      this.skip({ indicatorId: indicator.id, observable: null, reason: `pattern_type ${indicator.pattern_type}` })
      return false
    }
    const parsed = parsePattern(indicator.pattern)
    if (!parsed.ok) {
      this.skip({ indicatorId: indicator.id, observable: null, reason: parsed.error.message.en })
      return false
    }
    return this.addObservables(indicator.id, tlpOfMarkings(indicator.object_marking_refs), observablesOf(parsed.pattern))
  }

  /** Adds the observables of one indicator (already parsed). */
  addObservables(id: string, tlp: TlpLevel | null, observables: readonly NamedObservable[]): boolean {
    const index = this.ids.size
    let added = 0
    for (const observable of observables) {
      const reason = this.addObservable(index, observable)
      if (reason === null) added++
      else this.skip({ indicatorId: id, observable, reason })
    }
    if (added === 0) return false
    this.ids.push(id, tlp)
    return true
  }

  /** Indexes one observable for indicator `index`; a reason when it cannot be. */
  private addObservable(index: number, observable: NamedObservable): string | null {
    const { kind, operator, value } = observable
    switch (kind) {
      case 'ipv4':
      case 'ipv6': {
        if (operator !== '=' && operator !== 'ISSUBSET') return `${operator} on an address is not indexed`
        const block = parseCidr(value)
        if (!block || (block.version === 4) !== (kind === 'ipv4')) return 'not an address or CIDR block of this family'
        if (block.version === 4) {
          if (block.prefix === 32) return this.addExact(this.exactIpv4, block.address, index)
          const address = block.address
          this.addToTrie(this.cidr4, (bit) => (address >>> (31 - bit)) & 1, block.prefix, index)
          return null
        }
        if (block.prefix === 128) return this.addExact(this.exactIpv6, ipv6ToString(block.words), index)
        const words = block.words
        this.addToTrie(this.cidr6, (bit) => bitOf(words, bit), block.prefix, index)
        return null
      }
      case 'domain': {
        const combine = (old: Ref) => this.combine(old, index)
        if (operator === '=') {
          this.domains.add(normaliseDomain(value), index, { apex: true, below: false }, combine)
          this.exactDomains++
          return null
        }
        const rule = suffixRuleOf(operator, value)
        if (!rule) return `${operator} '${value}' is not a domain-suffix form`
        this.domains.add(normaliseDomain(rule.domain), index, { apex: rule.includeApex, below: true }, combine)
        this.suffixRules++
        return null
      }
      case 'url':
        return operator === '=' ? this.addExact(this.urls, normaliseUrl(value), index) : `${operator} on a URL is not indexed`
      case 'email':
        return operator === '=' ? this.addExact(this.emails, value.toLowerCase(), index) : `${operator} on an e-mail address is not indexed`
      case 'md5':
      case 'sha1':
      case 'sha256': {
        if (operator !== '=') return `${operator} on a hash is not indexed`
        const hex = value.toLowerCase()
        if (hex.length !== HASH_LENGTH[kind] || !/^[0-9a-f]+$/.test(hex)) return `not a ${kind} value`
        return this.addExact(this.hashes[kind], hex, index)
      }
    }
  }

  private addExact(table: Map<string, Ref> | ByteKeyTable | U32Table, key: string | number, index: number): null {
    if (table instanceof Map) {
      const existing = table.get(key as string)
      table.set(key as string, existing === undefined ? index : this.combine(existing, index))
    } else if (table instanceof U32Table) {
      table.set(key as number, index, (old) => this.combine(old, index))
    } else {
      table.set(key as string, index, (old) => this.combine(old, index))
    }
    return null
  }

  private addToTrie(trie: CidrTrie, bitAt: (bit: number) => number, prefix: number, index: number): void {
    const previous = trie.insert(bitAt, prefix, index)
    if (previous !== NO_REF) trie.insert(bitAt, prefix, this.combine(previous, index))
  }

  private combine(ref: Ref, index: number): Ref {
    if (ref === index) return ref
    if (ref >= 0) {
      this.multi.push([ref, index])
      return -(this.multi.length + 1)
    }
    const list = this.multi[-ref - 2]!
    if (!list.includes(index)) list.push(index)
    return ref
  }

  /** Gives back spare capacity once everything is added (the index can still grow after). */
  compact(): void {
    this.ids.compact()
    for (const table of [this.urls, this.emails, this.hashes.md5, this.hashes.sha1, this.hashes.sha256]) table.compact()
    this.domains.compact()
  }

  /** Appends the indicator indices a reference stands for. */
  expand(ref: Ref, out: number[]): void {
    if (ref >= 0) out.push(ref)
    else if (ref <= -2) out.push(...this.multi[-ref - 2]!)
  }

  private skip(entry: SkippedObservable): void {
    this.skippedCount++
    if (this.skipped.length < 1000) this.skipped.push(entry)
  }
}

// ---------------------------------------------------------------------------------------------

const TLP_CODES: Array<TlpLevel | null> = [null, 'red', 'amber+strict', 'amber', 'green', 'clear']
const INDICATOR_ID = /^indicator--([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/

/**
 * Indicator ids and TLPs, compactly: `indicator--<uuid>` as its 16 bytes (a million ids in 16 MB,
 * not 70), any other id as a string; the TLP as one byte.
 */
class IndicatorIds {
  private uuids: Uint8Array = new Uint8Array(16 * 1024)
  private tlps: Uint8Array = new Uint8Array(1024)
  private readonly others = new Map<number, string>()
  size = 0

  push(id: string, tlp: TlpLevel | null): void {
    if (this.size === this.tlps.length) {
      const length = Math.max(1024, this.tlps.length * 2)
      this.uuids = grow(this.uuids, length * 16)
      this.tlps = grow(this.tlps, length)
    }
    const match = INDICATOR_ID.exec(id)
    if (match) this.uuids.set(Buffer.from(match.slice(1).join(''), 'hex'), this.size * 16)
    else this.others.set(this.size, id)
    this.tlps[this.size] = TLP_CODES.indexOf(tlp)
    this.size++
  }

  at(index: number): IndexedIndicator {
    const tlp = TLP_CODES[this.tlps[index]!] ?? null
    const other = this.others.get(index)
    if (other !== undefined) return { id: other, tlp }
    const hex = Buffer.from(this.uuids.buffer, this.uuids.byteOffset + index * 16, 16).toString('hex')
    return { id: `indicator--${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, tlp }
  }

  compact(): void {
    this.uuids = this.uuids.slice(0, this.size * 16)
    this.tlps = this.tlps.slice(0, this.size)
  }
}

function grow(array: Uint8Array, length: number): Uint8Array {
  const next = new Uint8Array(length)
  next.set(array)
  return next
}

// ---------------------------------------------------------------------------------------------
// Normal forms, shared by the index and the matcher

/** Lower case, no trailing dot; an internationalised name as its A-labels (RFC 5890), as logs write it. */
export function normaliseDomain(domain: string): string {
  const lower = domain.toLowerCase()
  const name = lower.endsWith('.') ? lower.slice(0, -1) : lower
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(name) ? domainToASCII(name) || name : name
}

/** Scheme and host are case-insensitive (RFC 3986 §6.2.2.1); path and query are not. */
export function normaliseUrl(url: string): string {
  const scheme = url.indexOf('://')
  if (scheme < 0) return url
  const hostStart = scheme + 3
  let hostEnd = url.length
  for (let i = hostStart; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 47 || c === 63 || c === 35) {
      hostEnd = i
      break
    }
  }
  const head = url.slice(0, hostEnd)
  return head === head.toLowerCase() ? url : head.toLowerCase() + url.slice(hostEnd)
}

const DOMAIN = '((?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\\.)+[a-z][a-z0-9-]*[a-z0-9])'
const LIKE_SUBDOMAINS = new RegExp(`^%\\.${DOMAIN}$`)
const ESCAPED_DOMAIN = '((?:[a-z0-9_-]+\\\\\\.)+[a-z][a-z0-9-]*)'
const MATCHES_SUBDOMAINS = [new RegExp(`^\\\\\\.${ESCAPED_DOMAIN}\\$$`), new RegExp(`^\\^\\.[*+]\\\\\\.${ESCAPED_DOMAIN}\\$$`)]
const MATCHES_WITH_APEX = [
  new RegExp(`^\\(\\^\\|\\\\\\.\\)${ESCAPED_DOMAIN}\\$$`),
  new RegExp(`^\\^\\(\\.[*+]\\\\\\.\\)\\?${ESCAPED_DOMAIN}\\$$`),
]

/** The suffix rule a LIKE or MATCHES on domain-name:value expresses, if it is one of the forms above. */
export function suffixRuleOf(operator: string, value: string): { domain: string; includeApex: boolean } | null {
  const lower = value.toLowerCase()
  if (operator === 'LIKE') {
    const match = LIKE_SUBDOMAINS.exec(lower)
    return match ? { domain: match[1]!, includeApex: false } : null
  }
  if (operator !== 'MATCHES') return null
  for (const [forms, includeApex] of [
    [MATCHES_SUBDOMAINS, false],
    [MATCHES_WITH_APEX, true],
  ] as const) {
    for (const form of forms) {
      const match = form.exec(lower)
      if (match) return { domain: match[1]!.replace(/\\\./g, '.'), includeApex }
    }
  }
  return null
}

