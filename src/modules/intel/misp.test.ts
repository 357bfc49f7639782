import { describe, expect, it } from 'vitest'
import { IndicatorIndex } from './matching/indicator-index.js'
import { importMispEvent } from './misp.js'
import { validateStix } from './stix-validate.js'
import { TLP2_MARKING_IDS } from './tlp.js'

const now = new Date('2024-05-01T00:00:00Z')

function makeEvent(overrides: Record<string, unknown> = {}) {
  return {
    Event: {
      uuid: '5f0c2b4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      info: 'Phishing wave against shinkin banks',
      date: '2024-04-30',
      timestamp: '1714435200',
      Orgc: { name: 'Fin-ISAC Japan', uuid: '11111111-2222-4333-8444-555555555555' },
      Tag: [{ name: 'tlp:amber' }, { name: 'misp-galaxy:threat-actor="Winter"' }],
      Attribute: [
        { type: 'ip-dst', value: '198.51.100.7', uuid: 'aaaaaaaa-0000-4000-8000-000000000001', to_ids: true, comment: 'C2' },
        { type: 'domain', value: 'C2.Evil.Example', uuid: 'aaaaaaaa-0000-4000-8000-000000000002', to_ids: true, Tag: [{ name: 'tlp:red' }] },
        { type: 'url', value: "https://login.evil.example/it's", uuid: 'aaaaaaaa-0000-4000-8000-000000000003', to_ids: true },
        { type: 'email-src', value: 'billing@evil.example', uuid: 'aaaaaaaa-0000-4000-8000-000000000004', to_ids: true },
        { type: 'sha256', value: 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F', uuid: 'aaaaaaaa-0000-4000-8000-000000000005', to_ids: true },
        { type: 'ip-src', value: '203.0.113.0/24', uuid: 'aaaaaaaa-0000-4000-8000-000000000006', to_ids: true, Tag: [{ name: 'tlp:white' }] },
        { type: 'comment', value: 'analyst note', to_ids: false },
        { type: 'md5', value: 'not-a-hash', to_ids: true },
        { type: 'hostname', value: 'context.evil.example', to_ids: false },
      ],
      Object: [
        {
          name: 'file',
          uuid: 'bbbbbbbb-0000-4000-8000-000000000001',
          Attribute: [
            { type: 'filename', value: 'invoice.exe', to_ids: false },
            { type: 'md5', value: '79054025255fb1a26e4bc422aef54eb4', uuid: 'aaaaaaaa-0000-4000-8000-000000000007', to_ids: true },
            { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', uuid: 'aaaaaaaa-0000-4000-8000-000000000008', to_ids: true },
          ],
        },
      ],
      ...overrides,
    },
  }
}

function imported(json: unknown = makeEvent()) {
  const result = importMispEvent(json, { now })
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result
}

const objectsOf = (bundle: Record<string, unknown>) => bundle.objects as Array<Record<string, unknown>>
const indicatorsOf = (bundle: Record<string, unknown>) => objectsOf(bundle).filter((object) => object.type === 'indicator')

describe('importMispEvent', () => {
  it('turns each matchable attribute, in the event and in its objects, into an indicator', () => {
    const result = imported()
    expect(result.indicators).toBe(8)
    expect(indicatorsOf(result.bundle).map((indicator) => indicator.pattern)).toEqual([
      "[ipv4-addr:value = '198.51.100.7']",
      "[domain-name:value = 'c2.evil.example']",
      "[url:value = 'https://login.evil.example/it\\'s']",
      "[email-addr:value = 'billing@evil.example']",
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
      "[ipv4-addr:value = '203.0.113.0/24']",
      "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']",
      "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
    ])
  })

  it('produces a bundle that is valid STIX 2.1', () => {
    expect(validateStix(imported().bundle)).toEqual({ ok: true })
  })

  it("marks each indicator with its attribute's TLP tag, else the event's, WHITE as CLEAR", () => {
    const markings = indicatorsOf(imported().bundle).map((indicator) => indicator.object_marking_refs)
    expect(markings[0]).toEqual([TLP2_MARKING_IDS.amber])
    expect(markings[1]).toEqual([TLP2_MARKING_IDS.red])
    expect(markings[5]).toEqual([TLP2_MARKING_IDS.clear])
    const definitions = objectsOf(imported().bundle).filter((object) => object.type === 'marking-definition').map((object) => object.id)
    expect(new Set(definitions)).toEqual(new Set([TLP2_MARKING_IDS.amber, TLP2_MARKING_IDS.red, TLP2_MARKING_IDS.clear]))
  })

  it('keeps the MISP uuids as indicator ids, the organisation as creator, the event as a report', () => {
    const { bundle } = imported()
    const [first] = indicatorsOf(bundle)
    expect(first).toMatchObject({ id: 'indicator--aaaaaaaa-0000-4000-8000-000000000001', created_by_ref: 'identity--11111111-2222-4333-8444-555555555555', description: 'C2', valid_from: '2024-04-30T00:00:00.000Z' })
    const report = objectsOf(bundle).find((object) => object.type === 'report')!
    expect(report).toMatchObject({ id: 'report--5f0c2b4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', name: 'Phishing wave against shinkin banks' })
    expect((report.object_refs as string[]).length).toBe(8)
    expect(first!.labels).toEqual(['misp-galaxy:threat-actor="Winter"'])
  })

  it('names every attribute it leaves out by its JSON pointer', () => {
    expect(imported().problems.map((problem) => [problem.path, problem.message.en])).toEqual([
      ['/Event/Attribute/6/type', 'type "comment" is not one Kamae matches: left out'],
      ['/Event/Attribute/7/value', 'not a MD5 hash (32 hex digits): not-a-hash'],
      ['/Event/Attribute/8/to_ids', 'to_ids is false (not for detection): left out'],
      ['/Event/Object/0/Attribute/0/type', 'type "filename" is not one Kamae matches: left out'],
    ])
    expect(imported().problems[1]!.message.ja).toContain('MD5 のハッシュ')
  })

  it('imports attributes marked to_ids false when asked', () => {
    const result = importMispEvent(makeEvent(), { now, includeNonIds: true })
    expect(result.ok && indicatorsOf(result.bundle).some((indicator) => String(indicator.pattern).includes('context.evil.example'))).toBe(true)
  })

  it('reads composite types and the search-result wrapper', () => {
    const event = makeEvent({ Attribute: [{ type: 'ip-dst|port', value: '192.0.2.9|8443', to_ids: true }, { type: 'filename|sha256', value: `a.exe|${'b'.repeat(64)}`, to_ids: true }], Object: [] })
    const result = imported({ response: [event] })
    expect(indicatorsOf(result.bundle).map((indicator) => indicator.pattern)).toEqual(["[ipv4-addr:value = '192.0.2.9']", `[file:hashes.'SHA-256' = '${'b'.repeat(64)}']`])
    expect(result.problems).toEqual([])
  })

  it('gives derived ids when attributes have no uuid, the same on a second import', () => {
    const event = makeEvent({ Attribute: [{ type: 'ip-dst', value: '192.0.2.10', to_ids: true }], Object: [] })
    const [a] = indicatorsOf(imported(event).bundle)
    const [b] = indicatorsOf(imported(structuredClone(event)).bundle)
    expect(a!.id).toMatch(/^indicator--[0-9a-f-]{36}$/)
    expect(a!.id).toBe(b!.id)
  })

  it('refuses what is no MISP event', () => {
    const result = importMispEvent({ hello: 'world' }, { now })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]!.message.en).toContain('not a MISP event')
  })

  it('feeds the matcher: the imported indicators index without loss', () => {
    const index = new IndicatorIndex()
    for (const indicator of indicatorsOf(imported().bundle)) index.addIndicator(indicator as never)
    expect(index.stats()).toMatchObject({ indicators: 8, ipv4: 1, cidr: 1, domains: 1, urls: 1, emails: 1, hashes: 3, skipped: 0 })
  })
})
