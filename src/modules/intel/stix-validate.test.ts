import { describe, expect, it } from 'vitest'
import { loadIndicatorBundle } from './load-indicators.js'
import { idFor, validObjects } from './stix-test-fixtures.js'
import { validateStix } from './stix-validate.js'

const errorsOf = (value: unknown) => {
  const result = validateStix(value)
  return result.ok ? [] : result.errors
}
const at = (value: unknown) => errorsOf(value).map((error) => [error.path, error.message.en])

describe('validateStix: where and what', () => {
  it('names a missing required property by its JSON pointer, in Japanese and English', () => {
    const { name: _name, ...campaign } = validObjects().campaign!
    const [error] = errorsOf(campaign)
    expect(error).toEqual({ path: '/name', message: { ja: '必須の項目です', en: 'is required' } })
  })

  it('locates errors inside a bundle by the object index, and inside lists', () => {
    const fixtures = validObjects()
    const bundle = {
      type: 'bundle',
      id: idFor('bundle'),
      objects: [fixtures.identity, { ...fixtures.indicator, kill_chain_phases: [{ kill_chain_name: 'x' }] }, { ...fixtures.report, object_refs: ['report'] }],
    }
    expect(at(bundle)).toEqual([
      ['/objects/1/kill_chain_phases/0/phase_name', 'is required'],
      ['/objects/2/object_refs/0', 'must be an identifier <type>--<UUID>'],
    ])
  })

  it('escapes "/" and "~" in pointer tokens (RFC 6901)', () => {
    const fixtures = validObjects()
    const file = { ...fixtures.file, extensions: { 'a/b~c': { x: 1 } } }
    expect(errorsOf(file).map((error) => error.path)).toContain('/extensions/a~1b~0c')
  })

  it('says which identifier type a property expects', () => {
    expect(at({ ...validObjects().campaign, id: idFor('tool') })).toEqual([['/id', 'must be an identifier campaign--<UUID>']])
    expect(at({ ...validObjects().campaign, created_by_ref: idFor('malware') })).toEqual([['/created_by_ref', 'must refer to identity, not malware']])
    expect(at({ ...validObjects().relationship, source_ref: idFor('sighting') })).toEqual([['/source_ref', 'cannot refer to sighting (a relationship object (SRO))']])
    expect(at({ ...validObjects().sighting, sighting_of_ref: idFor('file') })).toEqual([['/sighting_of_ref', 'must refer to a domain object (SDO), not file']])
  })

  it('explains timestamps: format, precision, order and calendar', () => {
    const campaign = validObjects().campaign
    expect(at({ ...campaign, created: '2024-04-01T09:30:00Z' })).toEqual([['/created', 'must be a UTC timestamp with milliseconds (e.g. 2016-05-12T08:17:27.000Z)']])
    expect(at({ ...campaign, first_seen: '2024-04-01 09:30:00' })).toEqual([['/first_seen', 'must be a UTC timestamp (e.g. 2016-05-12T08:17:27Z)']])
    expect(at({ ...campaign, modified: '2024-03-01T00:00:00.000Z' })).toEqual([['/modified', 'must not be earlier than created']])
    expect(at({ ...campaign, first_seen: '2023-02-29T00:00:00Z', last_seen: '2024-03-01T00:00:00Z' })).toEqual([['/first_seen', 'is not a date that exists']])
    expect(errorsOf({ ...campaign, modified: '2024-03-01T00:00:00.000Z' })[0]!.message.ja).toBe('created 以降でなければなりません')
  })

  it('accepts modified equal to created, and fractions of any length in order', () => {
    expect(validateStix({ ...validObjects().campaign, created: '2024-04-01T00:00:00.5Z', modified: '2024-04-01T00:00:00.500Z' }).ok).toBe(false) // .5 lacks milliseconds
    expect(validateStix({ ...validObjects().campaign, created: '2024-04-01T00:00:00.500Z', modified: '2024-04-01T00:00:00.5000001Z' })).toEqual({ ok: true })
    expect(validateStix({ ...validObjects().campaign, created: '2024-04-01T00:00:00.123Z', modified: '2024-04-01T00:00:00.123Z' })).toEqual({ ok: true })
  })

  it('reports an unparseable STIX pattern with its column, and leaves other pattern languages alone', () => {
    const indicator = validObjects().indicator
    expect(at({ ...indicator, pattern: "[ipv4-addr:value = '10.0.0.1'] AND" })).toEqual([['/pattern', "pattern syntax error: column 35: expected '[' or '('"]])
    expect(validateStix({ ...indicator, pattern: 'not a stix pattern', pattern_type: 'pcre' })).toEqual({ ok: true })
  })

  it('gives one message for a failed alternative, not one per branch', () => {
    const location = { ...validObjects()['location:country'] }
    delete location.country
    expect(at(location)).toEqual([['', 'needs region, country, or latitude and longitude']])
    expect(at({ ...validObjects().artifact, url: 'https://a.example/x' })).toEqual([['', 'needs either payload_bin, or url with hashes']])
  })

  it('checks the embedded objects of an observed-data, whose refs are local keys', () => {
    const observed = validObjects()['observed-data:embedded']
    expect(validateStix(observed)).toEqual({ ok: true })
    const broken = structuredClone(observed) as { objects: Record<string, Record<string, unknown>> }
    broken.objects['1']!.value = 'not a domain!'
    broken.objects['2'] = { type: 'malware', id: idFor('malware'), is_family: false }
    expect(at(broken)).toEqual([
      ['/objects/1/value', 'must be a domain name'],
      ['/objects/2/type', 'only cyber-observable objects (SCOs) can be embedded in observed-data'],
    ])
  })

  it('refuses what is no object at all', () => {
    expect(at('indicator')).toEqual([['', 'is not a STIX object (a JSON object)']])
    expect(at({ id: idFor('tool') })).toEqual([['/type', 'is required (the object type)']])
    expect(at({ type: 'bundle', id: idFor('bundle'), objects: [42] })).toEqual([['/objects/0', 'is not a STIX object (a JSON object)']])
  })

  it('treats an unknown type as a custom object with the common properties', () => {
    expect(validateStix({ type: 'x-kamae-case', spec_version: '2.1', id: idFor('x-kamae-case'), created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' })).toEqual({ ok: true })
    expect(at({ type: 'x-kamae-case', spec_version: '2.1', id: idFor('x-kamae-case'), created: '2024-01-01T00:00:00.000Z' })).toEqual([['/modified', 'is required']])
    expect(at({ type: 'x-kamae-case', id: idFor('x-other') })).toEqual([['/id', 'must begin with "x-kamae-case--"']])
  })

  it('refuses the reserved property names and a value of null', () => {
    expect(at({ ...validObjects().tool, severity: 'high', tool_version: null })).toEqual([
      ['/tool_version', 'must be string'],
      ['/tool_version', 'must be array / string / number / boolean / object'],
      ['/severity', 'is a name STIX 2.1 reserves and cannot be used'],
    ])
  })
})

describe('loadIndicatorBundle', () => {
  const indicator = (n: number, modified: string, pattern: string, extra: Record<string, unknown> = {}) => ({
    ...validObjects().indicator,
    id: idFor('indicator', n),
    created: '2024-01-01T00:00:00.000Z',
    modified,
    pattern,
    ...extra,
  })

  it('indexes the latest version of each indicator and leaves out revoked and invalid ones, naming them', () => {
    const bundle = {
      type: 'bundle',
      id: idFor('bundle'),
      objects: [
        indicator(1, '2024-02-01T00:00:00.000Z', "[ipv4-addr:value = '192.0.2.1']"),
        indicator(1, '2024-03-01T00:00:00.000Z', "[ipv4-addr:value = '192.0.2.2']"),
        indicator(2, '2024-03-01T00:00:00.000Z', "[ipv4-addr:value = '192.0.2.3']", { revoked: true }),
        indicator(3, '2024-03-01T00:00:00.000Z', "[ipv4-addr:value = '192.0.2.4'"),
        validObjects().malware,
      ],
    }
    const load = loadIndicatorBundle(bundle)
    expect(load.ok).toBe(true)
    if (!load.ok) return
    expect([load.loaded.indicators, load.loaded.indexed]).toEqual([4, 1])
    expect(load.loaded.index.exactIpv4.size).toBe(1)
    expect(load.loaded.problems.map((problem) => problem.path)).toEqual(['/objects/3/pattern'])
  })

  it('refuses what is not a bundle', () => {
    expect(loadIndicatorBundle(validObjects().indicator)).toMatchObject({ ok: false, errors: [{ path: '/type' }] })
    expect(loadIndicatorBundle({ type: 'bundle', id: idFor('bundle'), objects: {} })).toMatchObject({ ok: false, errors: [{ path: '/objects' }] })
  })
})
