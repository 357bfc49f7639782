import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { TLP2_MARKING_IDS } from '../tlp.js'
import { IndicatorIndex, suffixRuleOf } from './indicator-index.js'
import { matchStream, type Hit, type MatchStats } from './match-stream.js'

let serial = 0
function indicator(pattern: string, tlp?: keyof typeof TLP2_MARKING_IDS) {
  serial++
  return {
    id: `indicator--00000000-0000-4000-8000-${serial.toString(16).padStart(12, '0')}`,
    pattern,
    pattern_type: 'stix',
    ...(tlp ? { object_marking_refs: [TLP2_MARKING_IDS[tlp]] } : {}),
  }
}

function makeIndex(...patterns: string[]) {
  const index = new IndicatorIndex()
  const ids = patterns.map((pattern) => {
    const input = indicator(pattern, 'amber')
    index.addIndicator(input)
    return input.id
  })
  return { index, ids }
}

async function hitsOf(index: IndicatorIndex, input: string | Buffer | Buffer[], stats?: MatchStats): Promise<Hit[]> {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input) : input]
  const hits: Hit[] = []
  for await (const hit of matchStream(Readable.from(chunks), index, stats)) hits.push(hit)
  return hits
}

const summary = (hits: Hit[]) => hits.map((hit) => `${hit.line} ${hit.kind} ${hit.value}`)

describe('matchStream', () => {
  it('finds every planted value on its line and nothing else', async () => {
    const { index, ids } = makeIndex(
      "[ipv4-addr:value = '198.51.100.7']",
      "[domain-name:value = 'c2.evil.example']",
      "[url:value = 'https://login.evil.example/bank/']",
      "[email-addr:value = 'billing@evil.example']",
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
      "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']",
      "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
    )
    const noise = ['198.51.100.70', '198.51.100.6', 'c2.evil.example.net', 'xc2.evil.example', 'https://login.evil.example/bank', 'billing@evil.example.org', 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019']
    const lines = [
      `noise ${noise.join(' ')}`,
      'conn from 198.51.100.7:4431 ok',
      'dns query C2.Evil.Example. A',
      'GET "https://LOGIN.evil.example/bank/" 200',
      'mail from=<billing@evil.example> to=<a@example.org>',
      'file AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F dropped',
      'av md5:79054025255fb1a26e4bc422aef54eb4 sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709',
      `more noise ${noise.reverse().join(', ')}`,
    ]
    const hits = await hitsOf(index, lines.join('\n'))
    expect(summary(hits)).toEqual([
      '2 ipv4 198.51.100.7',
      '3 domain c2.evil.example',
      '4 url https://login.evil.example/bank/',
      '5 email billing@evil.example',
      '6 sha256 aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f',
      '7 md5 79054025255fb1a26e4bc422aef54eb4',
      '7 sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709',
    ])
    expect(hits.map((hit) => hit.indicatorId)).toEqual([ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6]])
    expect(hits.every((hit) => hit.tlp === 'amber')).toBe(true)
  })

  it('matches CIDR blocks up to their edges and not one address beyond', async () => {
    const { index } = makeIndex("[ipv4-addr:value = '10.0.0.0/8']", "[ipv4-addr:value ISSUBSET '192.0.2.128/25']")
    const hits = await hitsOf(index, ['9.255.255.255 10.0.0.0 10.255.255.255 11.0.0.0', '192.0.2.127 192.0.2.128 192.0.2.255 192.0.3.0'].join('\n'))
    expect(summary(hits)).toEqual(['1 ipv4 10.0.0.0', '1 ipv4 10.255.255.255', '2 ipv4 192.0.2.128', '2 ipv4 192.0.2.255'])
  })

  it('matches a domain-suffix rule on subdomains but not on a name that only ends in the same letters', async () => {
    const { index } = makeIndex("[domain-name:value LIKE '%.evil.example']", "[domain-name:value MATCHES '(^|\\\\.)bad\\\\.example$']")
    const hits = await hitsOf(index, 'notevil.example evil.example a.evil.example b.a.EVIL.example evil.example.org\nnotbad.example bad.example x.bad.example')
    expect(summary(hits)).toEqual(['1 domain a.evil.example', '1 domain b.a.evil.example', '2 domain bad.example', '2 domain x.bad.example'])
  })

  it('matches an IPv6 indicator whatever text form the log uses, and IPv6 blocks', async () => {
    const { index } = makeIndex("[ipv6-addr:value = '2001:db8::7']", "[ipv6-addr:value = '2001:db8:ff00::/40']")
    const hits = await hitsOf(index, ['2001:0DB8:0000:0000:0000:0000:0000:0007', 'x [2001:db8:0:0::7]:443', '2001:db8::70', '2001:db8:feff:ffff:ffff:ffff:ffff:ffff 2001:db8:ff00:: 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff 2001:db9::'].join('\n'))
    expect(summary(hits)).toEqual(['1 ipv6 2001:db8::7', '2 ipv6 2001:db8::7', '4 ipv6 2001:db8:ff00::', '4 ipv6 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'])
  })

  it('reads gzip input, recognised by its magic bytes, also when it arrives one byte at a time', async () => {
    const { index } = makeIndex("[ipv4-addr:value = '198.51.100.7']")
    const text = Array.from({ length: 2000 }, (_, i) => (i === 1234 ? 'hit 198.51.100.7' : `line ${i} 192.0.2.${i % 250}`)).join('\n')
    const gz = gzipSync(text)
    expect(summary(await hitsOf(index, gz))).toEqual(['1235 ipv4 198.51.100.7'])
    const byteByByte = Array.from(gz, (byte) => Buffer.from([byte]))
    expect(summary(await hitsOf(index, byteByByte))).toEqual(['1235 ipv4 198.51.100.7'])
    // Two gzip members one after the other (rotated logs concatenated) read as one text.
    const twoMembers = Buffer.concat([gzipSync('a\n'), gzipSync('198.51.100.7\n')])
    expect(summary(await hitsOf(index, twoMembers))).toEqual(['2 ipv4 198.51.100.7'])
  })

  it('finds values split across chunk boundaries and counts lines and bytes', async () => {
    const { index } = makeIndex("[domain-name:value = 'c2.evil.example']")
    const text = 'a\nb c2.evil.example\nc\nc2.evil.example'
    for (let size = 1; size <= 7; size++) {
      const chunks: Buffer[] = []
      for (let i = 0; i < text.length; i += size) chunks.push(Buffer.from(text.slice(i, i + size)))
      const stats: MatchStats = { bytes: 0, lines: 0, hits: 0 }
      expect(summary(await hitsOf(index, chunks, stats)), `chunks of ${size}`).toEqual(['2 domain c2.evil.example', '4 domain c2.evil.example'])
      expect(stats).toEqual({ bytes: text.length, lines: 4, hits: 2 })
    }
  })

  it('reports one hit per indicator for each value on a line, and every indicator naming it', async () => {
    const index = new IndicatorIndex()
    const first = indicator("[ipv4-addr:value = '198.51.100.7']", 'red')
    const second = indicator("[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value = '198.51.100.0/24']", 'green')
    index.addIndicator(first)
    index.addIndicator(second)
    const hits = await hitsOf(index, '198.51.100.7 and again 198.51.100.7')
    expect(hits.map((hit) => [hit.indicatorId, hit.tlp])).toEqual([
      [first.id, 'red'],
      [second.id, 'green'],
    ])
  })

  it('reads an empty input and a plain input of one byte', async () => {
    const { index } = makeIndex("[ipv4-addr:value = '198.51.100.7']")
    expect(await hitsOf(index, [])).toEqual([])
    expect(await hitsOf(index, 'x')).toEqual([])
  })
})

describe('IndicatorIndex', () => {
  it('turns the documented LIKE and MATCHES forms into suffix rules, and nothing else', () => {
    expect(suffixRuleOf('LIKE', '%.Evil.Example')).toEqual({ domain: 'evil.example', includeApex: false })
    expect(suffixRuleOf('MATCHES', '\\.evil\\.example$')).toEqual({ domain: 'evil.example', includeApex: false })
    expect(suffixRuleOf('MATCHES', '^.*\\.evil\\.example$')).toEqual({ domain: 'evil.example', includeApex: false })
    expect(suffixRuleOf('MATCHES', '^.+\\.evil\\.example$')).toEqual({ domain: 'evil.example', includeApex: false })
    expect(suffixRuleOf('MATCHES', '(^|\\.)evil\\.example$')).toEqual({ domain: 'evil.example', includeApex: true })
    expect(suffixRuleOf('MATCHES', '^(.*\\.)?evil\\.example$')).toEqual({ domain: 'evil.example', includeApex: true })
    for (const [operator, value] of [
      ['LIKE', '%evil.example'],
      ['LIKE', 'evil.%'],
      ['LIKE', '%.evil_example'],
      ['MATCHES', 'evil\\.example$'],
      ['MATCHES', '\\.evil\\.example'],
      ['MATCHES', '\\.evil.example$'],
      ['MATCHES', '^evil\\.example$'],
      ['ISSUBSET', '%.evil.example'],
    ]) {
      expect(suffixRuleOf(operator!, value!), `${operator} ${value}`).toBeNull()
    }
  })

  it('keeps working after compaction: earlier and later indicators, odd ids and TLPs intact', async () => {
    const index = new IndicatorIndex()
    const before = indicator("[domain-name:value = 'a.evil.example'] OR [url:value = 'http://a.evil.example/x']", 'amber+strict')
    index.addIndicator(before)
    index.compact()
    index.addIndicator({ id: 'indicator--not-a-uuid', pattern: "[domain-name:value = 'b.evil.example'] OR [url:value = 'http://b.evil.example/x']", pattern_type: 'stix' })
    index.compact()
    index.compact()
    const hits = await hitsOf(index, 'a.evil.example http://b.evil.example/x')
    expect(hits.map((hit) => [hit.value, hit.indicatorId, hit.tlp])).toEqual([
      ['a.evil.example', before.id, 'amber+strict'],
      ['http://b.evil.example/x', 'indicator--not-a-uuid', null],
      ['b.evil.example', 'indicator--not-a-uuid', null],
    ])
  })

  it('counts what it cannot index, with the reason, and ignores revoked indicators', () => {
    const index = new IndicatorIndex()
    expect(index.addIndicator(indicator("[domain-name:value LIKE 'evil%']"))).toBe(false)
    expect(index.addIndicator(indicator("[file:hashes.MD5 = 'abc']"))).toBe(false)
    expect(index.addIndicator({ ...indicator("[ipv4-addr:value = '10.0.0.1']"), revoked: true })).toBe(false)
    expect(index.addIndicator({ ...indicator('title: x'), pattern_type: 'sigma' })).toBe(false)
    expect(index.addIndicator(indicator("[ipv4-addr:value = '2001:db8::1']"))).toBe(false)
    expect(index.addIndicator(indicator("[file:name = 'x.exe'] OR [ipv4-addr:value = '10.0.0.1']"))).toBe(true)
    expect(index.stats()).toMatchObject({ indicators: 1, ipv4: 1, skipped: 4 })
    expect(index.skipped.map((entry) => entry.reason)).toEqual([
      "LIKE 'evil%' is not a domain-suffix form",
      'not a md5 value',
      'pattern_type sigma',
      'not an address or CIDR block of this family',
    ])
  })
})
