import { once } from 'node:events'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { TlpLevel } from '../tlp.js'
import { ABSENT } from './byte-table.js'
import { KIND_DOMAIN, KIND_EMAIL, KIND_IPV4, KIND_IPV6, KIND_MD5, KIND_NAMES, KIND_SHA1, KIND_SHA256, KIND_URL, scanText, type CandidateSink } from './extract.js'
import { normaliseUrl, type HitKind, type IndicatorIndex } from './indicator-index.js'
import { ipv6ToString, parseIpv6 } from './ip.js'

// Streams log text (plain, or gzip — told apart by the magic bytes 1f 8b, RFC 1952 §2.3.1) through
// the extractor and the indicator index, and yields one hit per indicator a value on a line matches.

export interface Hit {
  /** 1-based line number in the (decompressed) input. */
  line: number
  value: string
  kind: HitKind
  indicatorId: string
  tlp: TlpLevel | null
}

export interface MatchStats {
  bytes: number
  lines: number
  hits: number
}

/** A line longer than this is scanned in pieces (a value across a piece boundary can be missed). */
const MAX_CARRY = 1 << 20

export async function* matchStream(input: AsyncIterable<Buffer | string> | Readable, index: IndicatorIndex, stats?: MatchStats): AsyncGenerator<Hit> {
  const sink = new MatchSink(index)
  let carry: Buffer | null = null
  let line = 1
  let bytes = 0
  let hits = 0
  for await (const chunk of decompressed(input)) {
    bytes += chunk.length
    let from = 0
    if (carry) {
      // The line begun in the last chunk: only it is copied, not the chunk.
      const newline = chunk.indexOf(10)
      if (newline < 0) {
        carry = Buffer.concat([carry, chunk])
        if (carry.length >= MAX_CARRY) [line, carry] = scanLongLine(sink, carry, line)
        continue
      }
      const head = Buffer.concat([carry, chunk.subarray(0, newline + 1)])
      line = sink.scan(head, 0, head.length, line)
      carry = null
      from = newline + 1
    }
    const lastNewline = chunk.lastIndexOf(10)
    if (lastNewline >= from) {
      line = sink.scan(chunk, from, lastNewline + 1, line)
      from = lastNewline + 1
    }
    if (from < chunk.length) {
      carry = chunk.subarray(from)
      if (carry.length >= MAX_CARRY) [line, carry] = scanLongLine(sink, carry, line)
    }
    if (sink.hits.length > 0) {
      hits += sink.hits.length
      yield* sink.take()
    }
  }
  if (carry && carry.length > 0) {
    // The last line has no newline: scan it with one (the scanner needs a delimiter at the end).
    const last = Buffer.concat([carry, NEWLINE])
    line = sink.scan(last, 0, last.length, line)
    hits += sink.hits.length
    yield* sink.take()
  }
  if (stats) {
    stats.bytes = bytes
    stats.lines = line - 1
    stats.hits = hits
  }
}

const NEWLINE = Buffer.from('\n')

/** A line longer than MAX_CARRY: scanned up to its last space, the rest carried on. */
function scanLongLine(sink: MatchSink, text: Buffer, line: number): [number, Buffer | null] {
  const space = text.lastIndexOf(32)
  if (space < 0) {
    const padded = Buffer.concat([text, Buffer.from(' ')])
    sink.scan(padded, 0, padded.length, line)
    return [line, null]
  }
  sink.scan(text, 0, space + 1, line)
  return [line, space + 1 < text.length ? text.subarray(space + 1) : null]
}

/** The input's bytes, gunzipped when they start with the gzip magic bytes. */
async function* decompressed(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]()
  let head = Buffer.alloc(0)
  // Read until the two magic bytes can be seen (a first chunk may hold one byte).
  while (head.length < 2) {
    const next = await iterator.next()
    if (next.done) {
      if (head.length > 0) yield head
      return
    }
    head = Buffer.concat([head, toBuffer(next.value)])
  }
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({ next: async () => {
      const next = await iterator.next()
      return next.done ? { done: true, value: undefined } : { done: false, value: toBuffer(next.value) }
    } }),
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield head
    yield* rest
    return
  }
  const gunzip = createGunzip()
  const feeding = (async () => {
    try {
      if (!gunzip.write(head)) await once(gunzip, 'drain')
      for await (const chunk of rest) if (!gunzip.write(chunk)) await once(gunzip, 'drain')
      gunzip.end()
    } catch (error) {
      gunzip.destroy(error as Error)
    }
  })()
  for await (const chunk of gunzip) yield chunk as Buffer
  await feeding
}

const toBuffer = (chunk: Buffer | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)

/** Looks each candidate up in the index; collects hits, once per (line, indicator, value). */
class MatchSink implements CandidateSink {
  hits: Hit[] = []
  private text: Buffer = Buffer.alloc(0)
  private readonly refs: number[] = []
  private readonly indicators: number[] = []
  private seenLine = 0
  private readonly seen = new Set<string>()
  private readonly hasCidr4: boolean
  private readonly hasCidr6: boolean
  private readonly hasDomains: boolean

  constructor(private readonly index: IndicatorIndex) {
    this.hasCidr4 = index.cidr4.size > 0
    this.hasCidr6 = index.cidr6.size > 0
    const { domains, suffixRules } = index.stats()
    this.hasDomains = domains + suffixRules > 0
  }

  scan(text: Buffer, start: number, end: number, line: number): number {
    this.text = text
    return scanText(text, start, end, line, this)
  }

  take(): Hit[] {
    const hits = this.hits
    this.hits = []
    return hits
  }

  found(kind: number, start: number, end: number, line: number, high: number, low: number): void {
    const index = this.index
    const text = this.text
    switch (kind) {
      case KIND_IPV4: {
        const ref = index.exactIpv4.get(high, low)
        if (ref !== ABSENT) this.report(kind, ref, line, start, end)
        if (this.hasCidr4) {
          if (this.refs.length > 0) this.refs.length = 0
          index.cidr4.lookup32(high, low, this.refs)
          for (const cidrRef of this.refs) this.report(kind, cidrRef, line, start, end)
        }
        return
      }
      case KIND_IPV6: {
        const words = parseIpv6(text.toString('latin1', start, end))
        if (!words) return
        const value = ipv6ToString(words)
        const ref = index.exactIpv6.get(value)
        if (ref !== undefined) this.report(kind, ref, line, start, end, value)
        if (this.hasCidr6) {
          this.refs.length = 0
          index.cidr6.lookup128(words, this.refs)
          for (const cidrRef of this.refs) this.report(kind, cidrRef, line, start, end, value)
        }
        return
      }
      case KIND_DOMAIN: {
        if (!this.hasDomains) return
        if (this.refs.length > 0) this.refs.length = 0
        index.domains.lookup(text, start, end, this.refs)
        for (const domainRef of this.refs) this.report(kind, domainRef, line, start, end)
        return
      }
      case KIND_URL: {
        if (index.urls.size === 0) return
        const ref = index.urls.get(text, start, end, hostEnd(text, start, end))
        if (ref !== ABSENT) this.report(kind, ref, line, start, end)
        return
      }
      case KIND_EMAIL: {
        if (index.emails.size === 0) return
        const ref = index.emails.get(text, start, end, end)
        if (ref !== ABSENT) this.report(kind, ref, line, start, end)
        return
      }
      case KIND_MD5:
      case KIND_SHA1:
      case KIND_SHA256: {
        const table = kind === KIND_MD5 ? index.hashes.md5 : kind === KIND_SHA1 ? index.hashes.sha1 : index.hashes.sha256
        if (table.size === 0) return
        const ref = table.get(text, start, end, end)
        if (ref !== ABSENT) this.report(kind, ref, line, start, end)
        return
      }
    }
  }

  /** A hit: only now is the value made a string (normalised as the index keeps it). */
  private report(kind: number, ref: number, line: number, start: number, end: number, given?: string): void {
    const value = given ?? hitValue(kind, this.text, start, end)
    if (line !== this.seenLine) {
      this.seen.clear()
      this.seenLine = line
    }
    this.indicators.length = 0
    this.index.expand(ref, this.indicators)
    for (const at of this.indicators) {
      const key = `${at}\n${value}`
      if (this.seen.has(key)) continue
      this.seen.add(key)
      const { id, tlp } = this.index.indicator(at)
      this.hits.push({ line, value, kind: KIND_NAMES[kind]!, indicatorId: id, tlp })
    }
  }
}


/** Where the scheme and host of a URL end (they compare without case, RFC 3986 §6.2.2.1). */
function hostEnd(text: Uint8Array, start: number, end: number): number {
  let i = start
  while (i < end && text[i] !== 58) i++
  for (i += 3; i < end; i++) {
    const c = text[i]
    if (c === 47 || c === 63 || c === 35) return i
  }
  return end
}

function hitValue(kind: number, text: Buffer, start: number, end: number): string {
  switch (kind) {
    case KIND_IPV4:
      return text.toString('latin1', start, end)
    case KIND_URL:
      return normaliseUrl(text.toString('utf8', start, end))
    default:
      return text.toString('latin1', start, end).toLowerCase()
  }
}
