import { describe, expect, it } from 'vitest'
import { importIndicatorCsv, parseCsv } from './csv-indicators.js'
import { IndicatorIndex } from './matching/indicator-index.js'
import { validateStix } from './stix-validate.js'
import { TLP2_MARKING_IDS } from './tlp.js'

const options = { now: new Date('2024-05-01T00:00:00Z'), defaultTlp: 'green' as const, producer: 'Example Shinkin Bank', source: 'list.csv' }

function imported(text: string) {
  const result = importIndicatorCsv(text, options)
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result
}

const indicatorsOf = (bundle: Record<string, unknown>) => (bundle.objects as Array<Record<string, unknown>>).filter((object) => object.type === 'indicator')

const LIST = [
  'type,value,tlp,description,valid_until,labels',
  'ip,198.51.100.7,amber,C2 server,2024-12-31,c2;winter',
  'ipv6,2001:db8::/32,,,,',
  'domain,C2.Evil.Example,TLP:RED,,,',
  'domain-suffix,.bad.example,,,,',
  'url,"https://login.evil.example/a,b",,"phishing, round 2",,',
  'email-src,billing@evil.example,white,,,',
  'sha256,AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F,,,,',
].join('\r\n')

describe('importIndicatorCsv', () => {
  it('turns each row into an indicator with its pattern', () => {
    const result = imported(LIST)
    expect(result.problems).toEqual([])
    expect(indicatorsOf(result.bundle).map((indicator) => indicator.pattern)).toEqual([
      "[ipv4-addr:value = '198.51.100.7']",
      "[ipv6-addr:value = '2001:db8::/32']",
      "[domain-name:value = 'c2.evil.example']",
      "[domain-name:value LIKE '%.bad.example']",
      "[url:value = 'https://login.evil.example/a,b']",
      "[email-addr:value = 'billing@evil.example']",
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    ])
  })

  it('produces a valid STIX 2.1 bundle with the producer and the TLP markings used', () => {
    const { bundle } = imported(LIST)
    expect(validateStix(bundle)).toEqual({ ok: true })
    const [first, second, third] = indicatorsOf(bundle)
    expect(first).toMatchObject({ description: 'C2 server', valid_until: '2024-12-31T00:00:00.000Z', labels: ['c2', 'winter'], object_marking_refs: [TLP2_MARKING_IDS.amber] })
    expect(second!.object_marking_refs).toEqual([TLP2_MARKING_IDS.green]) // the default
    expect(third!.object_marking_refs).toEqual([TLP2_MARKING_IDS.red])
    expect((bundle.objects as Array<Record<string, unknown>>).find((object) => object.type === 'identity')).toMatchObject({ name: 'Example Shinkin Bank' })
  })

  it('names the line and column of every row it cannot import, and imports the rest', () => {
    const text = [
      'type,value,tlp,valid_from,valid_until',
      'ipv4,300.1.1.1,,,',
      'ipv4,192.0.2.1,purple,,',
      'registry,HKLM\\Run,,,',
      'md5,abc,,,',
      'ip,192.0.2.2,,2024-02-30,',
      'ip,192.0.2.3,,2024-05-01,2024-04-01',
      'ip,192.0.2.4,,,',
      'ipv4,192.0.2.4,,,',
    ].join('\n')
    const result = imported(text)
    expect(result.indicators).toBe(1)
    expect(result.problems.map((problem) => [problem.path, problem.message.en])).toEqual([
      ['line 2, value', 'not an IPv4 address or CIDR block: 300.1.1.1'],
      ['line 3, tlp', 'unknown TLP "purple" (clear, green, amber, amber+strict, red)'],
      ['line 4, type', expect.stringContaining('unknown type "registry"')],
      ['line 5, value', 'not a MD5 hash (32 hex digits): abc'],
      ['line 6, valid_from', 'not a UTC date or time (e.g. 2024-04-01T09:00:00Z)'],
      ['line 7, valid_until', 'must be later than valid_from'],
      ['line 9, value', 'the same indicator as line 8 (this row is left out)'],
    ])
    expect(result.problems[0]!.message.ja).toContain('IPv4 アドレス')
  })

  it('counts lines inside quoted cells that span lines', () => {
    const result = imported('type,value,description\nip,192.0.2.1,"two\nlines"\nip,nope,\n')
    expect(result.problems.map((problem) => problem.path)).toEqual(['line 4, value'])
  })

  it('refuses a list without the type and value columns, or with an open quote', () => {
    const noColumns = importIndicatorCsv('kind,indicator\nip,192.0.2.1\n', options)
    expect(noColumns.ok === false && noColumns.errors[0]).toMatchObject({ path: 'line 1', message: { en: 'missing column(s): type, value' } })
    const open = importIndicatorCsv('type,value\nip,"192.0.2.1\n', options)
    expect(open.ok === false && open.errors[0]).toMatchObject({ path: 'line 2', message: { en: 'a quoted cell is not closed (")' } })
    expect(importIndicatorCsv('', options).ok).toBe(false)
  })

  it('gives the same ids when the same list is imported again', () => {
    const ids = (text: string) => indicatorsOf(imported(text).bundle).map((indicator) => indicator.id)
    expect(ids(LIST)).toEqual(ids(LIST))
    expect(new Set(ids(LIST)).size).toBe(7)
  })

  it('feeds the matcher, the suffix row as a suffix rule', () => {
    const index = new IndicatorIndex()
    for (const indicator of indicatorsOf(imported(LIST).bundle)) index.addIndicator(indicator as never)
    expect(index.stats()).toMatchObject({ indicators: 7, ipv4: 1, cidr: 1, domains: 1, suffixRules: 1, urls: 1, emails: 1, hashes: 1, skipped: 0 })
  })
})

describe('parseCsv', () => {
  it('reads RFC 4180: quotes, doubled quotes, CRLF, a BOM and a last row without newline', () => {
    const parsed = parseCsv('\uFEFFa,"b ""q"", c",d\r\n1,2,3')
    expect(parsed.ok && parsed.rows).toEqual([
      { line: 1, cells: ['a', 'b "q", c', 'd'] },
      { line: 2, cells: ['1', '2', '3'] },
    ])
  })
})
