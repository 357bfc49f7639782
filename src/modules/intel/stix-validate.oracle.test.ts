import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../paths.js'
import { fixtureUuid, idFor, validObjects, type StixJson } from './stix-test-fixtures.js'
import { validateStix } from './stix-validate.js'

// The OASIS STIX 2.1 JSON Schemas (oasis-open/cti-stix2-json-schemas, read from ../shared/reference,
// never copied here) as the oracle: for every example and every object type, valid objects and
// deliberately broken ones, our verdict must equal theirs. Three lists say where it may not, each
// case asserted so that the list stays true:
//   - RULES_BEYOND_SCHEMAS: what the specification requires and no schema can check; we reject, they accept;
//   - KNOWN_DIVERGENCES: where the OASIS schemas contradict the specification (their bugs); we follow the spec.
const referenceDir = resolve(packageRoot, '../shared/reference/stix2.1-schemas')
const schemasDir = join(referenceDir, 'schemas')
const examplesDir = join(referenceDir, 'examples')
const present = existsSync(schemasDir)

const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/'
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

function loadOracle(): Map<string, ValidateFunction> {
  // The OASIS patterns use escapes (`\-`) that the unicode flag refuses, hence unicodeRegExp: false.
  const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: false })
  addFormats(ajv)
  // ajv-formats has no idn-hostname: the WHATWG URL parser (IDNA included) stands in for it.
  ajv.addFormat('idn-hostname', (value: string) => {
    if (/[\s/?#@:\\]/.test(value)) return false
    try {
      return new URL(`http://${value}/`).hostname.length > 0
    } catch {
      return false
    }
  })
  const byType = new Map<string, ValidateFunction>()
  const files: string[] = []
  for (const dir of ['common', 'sdos', 'sros', 'observables']) {
    for (const name of readdirSync(join(schemasDir, dir))) {
      ajv.addSchema(JSON.parse(readFileSync(join(schemasDir, dir, name), 'utf8')))
      files.push(`${dir}/${name}`)
    }
  }
  for (const file of files) {
    const type = file.slice(file.indexOf('/') + 1, -'.json'.length)
    byType.set(type, ajv.getSchema(`${BASE}${file}`)!)
  }
  return byType
}

const oracle = present ? loadOracle() : new Map<string, ValidateFunction>()

/** The OASIS verdict: an object by its type's schema; a custom object (no schema) inside a bundle. */
function oasisAccepts(object: unknown): boolean {
  const type = (object as StixJson).type as string
  const schema = oracle.get(type)
  if (schema) return schema(object) as boolean
  return oracle.get('bundle')!({ type: 'bundle', id: idFor('bundle'), objects: [object] }) as boolean
}

const oursAccepts = (object: unknown) => validateStix(object).ok
const clone = <T>(value: T): T => structuredClone(value)

// ---------------------------------------------------------------------------------------------
// The matrix: every valid fixture, and each broken in every generic way that applies.

interface Case {
  name: string
  object: StixJson
}

const isTimestamp = (value: unknown) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)

function genericMutations(name: string, valid: StixJson): Case[] {
  const cases: Case[] = []
  const mutate = (label: string, change: (object: StixJson) => void) => {
    const object = clone(valid)
    change(object)
    cases.push({ name: `${name}: ${label}`, object })
  }
  for (const [key, value] of Object.entries(valid)) {
    if (key !== 'type') mutate(`without ${key}`, (o) => delete o[key])
    mutate(`${key} null`, (o) => (o[key] = null))
    if (Array.isArray(value)) mutate(`${key} empty list`, (o) => (o[key] = []))
    if (isTimestamp(value)) {
      mutate(`${key} month 13`, (o) => (o[key] = '2024-13-01T00:00:00.000Z'))
      mutate(`${key} not a timestamp`, (o) => (o[key] = 'yesterday'))
      mutate(`${key} with an offset instead of Z`, (o) => (o[key] = '2024-04-01T09:30:00.000+09:00'))
    }
  }
  mutate('id not an identifier', (o) => (o.id = 'not-an-id'))
  mutate('id with a bad UUID', (o) => (o.id = `${String(o.type)}--1234`))
  if (!String(valid.type).startsWith('x-')) mutate('id of another type', (o) => (o.id = idFor('attack-pattern', 77) === o.id ? idFor('campaign', 77) : idFor('attack-pattern', 77)))
  mutate('spec_version 2.2', (o) => (o.spec_version = '2.2'))
  mutate('spec_version a number', (o) => (o.spec_version = 2.1))
  mutate('custom property', (o) => (o.x_kamae_note = 'fine'))
  // marking-definition.json has no property rules at all (a divergence listed below).
  if (valid.type !== 'marking-definition') {
    mutate('property name too short', (o) => (o.ab = 'x'))
    mutate('property name with a capital first letter', (o) => (o.Xnote = 'x'))
    mutate('custom _hex property not hex', (o) => (o.x_dump_hex = 'xyz'))
    mutate('custom _bin property not base64', (o) => (o.x_blob_bin = '***'))
    mutate('custom property an empty list', (o) => (o.x_list = []))
  }
  mutate('reserved property severity', (o) => (o.severity = 'high'))
  mutate('extension with a bad name', (o) => (o.extensions = { 'not an extension': { a: 1 } }))
  mutate('extension-definition extension without extension_type', (o) => (o.extensions = { [idFor('extension-definition', 3)]: { x_value: 1 } }))
  mutate('granular marking of a non-marking', (o) => (o.granular_markings = [{ selectors: ['type'], marking_ref: idFor('identity') }]))
  mutate('granular marking without selectors', (o) => (o.granular_markings = [{ marking_ref: idFor('marking-definition') }]))
  mutate('type with a capital letter', (o) => (o.type = String(o.type).toUpperCase()))
  return cases
}

const setIn = (object: StixJson, path: string[], value: unknown) => {
  let current = object as Record<string, unknown>
  for (const key of path.slice(0, -1)) current = current[key] as Record<string, unknown>
  if (value === undefined) delete current[path.at(-1)!]
  else current[path.at(-1)!] = value
}

/** Breakages particular to one type: [fixture, label, path, new value (undefined: delete), path also deleted]. */
const TYPE_MUTATIONS: Array<[string, string, string[], unknown, string[]?]> = [
  ['attack-pattern', 'kill chain phase without phase_name', ['kill_chain_phases'], [{ kill_chain_name: 'mitre-attack' }]],
  ['attack-pattern', 'capec reference with a CVE id', ['external_references'], [{ source_name: 'capec', external_id: 'CVE-2024-0001' }]],
  ['attack-pattern', 'external reference with only a source', ['external_references'], [{ source_name: 'internal' }]],
  ['attack-pattern', 'external reference with a bad URL', ['external_references'], [{ source_name: 'internal', url: 'not a url' }]],
  ['attack-pattern', 'external reference hash too short', ['external_references'], [{ source_name: 'x', url: 'https://a.example/', hashes: { 'SHA-256': 'abcd' } }]],
  ['vulnerability', 'cve reference without an id', ['external_references'], [{ source_name: 'cve', description: 'x' }]],
  ['vulnerability', 'cve id malformed', ['external_references'], [{ source_name: 'cve', external_id: 'CVE-24-1' }]],
  ['indicator', 'confidence 101', ['confidence'], 101],
  ['indicator', 'confidence a fraction', ['confidence'], 50.5],
  ['indicator', 'labels not strings', ['labels'], [1, 2]],
  ['indicator', 'pattern a number', ['pattern'], 42],
  ['identity', 'name a number', ['name'], 42],
  ['location', 'latitude without longitude', ['longitude'], undefined],
  ['location', 'latitude 91', ['latitude'], 91],
  ['location:country', 'no country, region or coordinates', ['country'], undefined],
  ['location:country', 'precision without coordinates', ['precision'], 10],
  ['malware', 'a family without a name', ['name'], undefined],
  ['malware:instance', 'is_family a string', ['is_family'], 'no'],
  ['malware-analysis', 'neither result nor analysis_sco_refs', ['result'], undefined, ['analysis_sco_refs']],
  ['observed-data', 'number_observed 0', ['number_observed'], 0],
  ['observed-data', 'both objects and object_refs', ['objects'], { '0': { type: 'ipv4-addr', id: idFor('ipv4-addr', 9), value: '192.0.2.1' } }],
  ['observed-data:embedded', 'an embedded address that is not one', ['objects', '0', 'value'], '300.1.1.1'],
  ['opinion', 'an opinion not in the enumeration', ['opinion'], 'maybe'],
  ['report', 'object_refs not identifiers', ['object_refs'], ['indicator']],
  ['relationship', 'relationship_type with capitals', ['relationship_type'], 'Indicates'],
  ['relationship', 'source_ref a relationship', ['source_ref'], idFor('relationship', 5)],
  ['relationship', 'target_ref a marking definition', ['target_ref'], idFor('marking-definition')],
  ['observed-data', 'object_refs an SDO', ['object_refs'], [idFor('malware')]],
  ['sighting', 'count negative', ['count'], -1],
  ['sighting', 'sighting of a relationship', ['sighting_of_ref'], idFor('relationship', 5)],
  ['sighting', 'where_sighted_refs a malware', ['where_sighted_refs'], [idFor('malware')]],
  ['artifact', 'both payload_bin and url', ['url'], 'https://files.example.org/x'],
  ['artifact', 'payload_bin not base64', ['payload_bin'], 'not base64!'],
  ['artifact', 'decryption_key without encryption_algorithm', ['decryption_key'], 'infected'],
  ['artifact:url', 'url without hashes', ['hashes'], undefined],
  ['artifact', 'MD5 of the wrong length', ['hashes'], { MD5: 'abc' }],
  ['artifact', 'hash algorithm name too short', ['hashes'], { ab: 'x' }],
  ['artifact', 'encryption algorithm unknown', ['encryption_algorithm'], 'ROT13'],
  ['autonomous-system', 'number a string', ['number'], 'AS64512'],
  ['directory', 'path_enc with spaces', ['path_enc'], 'not an encoding'],
  ['domain-name', 'a value with a space', ['value'], 'evil example.com'],
  ['email-addr', 'a value that is no address', ['value'], 'billing at evil'],
  ['email-message', 'multipart with a body', ['body'], 'text'],
  ['email-message', 'a MIME part with neither body nor body_raw_ref', ['body_multipart'], [{ content_type: 'text/plain' }]],
  ['email-message:single', 'single-part with body_multipart', ['body_multipart'], [{ body: 'x' }]],
  ['email-message:single', 'without is_multipart', ['is_multipart'], undefined],
  ['file', 'neither hashes nor name', ['name'], undefined, ['hashes']],
  ['file', 'magic number not hex', ['magic_number_hex'], 'MZ'],
  ['file', 'size negative', ['size'], -1],
  ['file', 'PE extension without pe_type', ['extensions', 'windows-pebinary-ext', 'pe_type'], undefined],
  ['file', 'PE time stamp with milliseconds', ['extensions', 'windows-pebinary-ext', 'time_date_stamp'], '2024-01-01T00:00:00.000Z'],
  ['file', 'NTFS extension empty of its fields', ['extensions', 'ntfs-ext'], { x_other: 'y' }],
  ['file:archive', 'archive extension without contains_refs', ['extensions', 'archive-ext'], { comment: 'x' }],
  ['ipv4-addr', 'an octet over 255', ['value'], '256.1.1.1'],
  ['ipv4-addr', 'a prefix over 32', ['value'], '10.0.0.0/33'],
  ['ipv4-addr', 'a hostname', ['value'], 'evil.example'],
  ['ipv6-addr', 'not hexadecimal', ['value'], '2001:db8::zz'],
  ['ipv6-addr', 'a prefix over 128', ['value'], '2001:db8::/129'],
  ['mac-addr', 'upper-case', ['value'], '00:1B:63:84:45:E6'],
  ['mac-addr', 'dashes', ['value'], '00-1b-63-84-45-e6'],
  ['mutex', 'name a number', ['name'], 7],
  ['network-traffic', 'neither src_ref nor dst_ref', ['src_ref'], undefined, ['dst_ref']],
  ['network-traffic', 'active with an end', ['is_active'], true],
  ['network-traffic', 'port 65536', ['dst_port'], 65536],
  ['network-traffic', 'HTTP extension without request_value', ['extensions', 'http-request-ext', 'request_value'], undefined],
  ['network-traffic', 'TCP extension without flags', ['extensions', 'tcp-ext'], { x_other: 'y' }],
  ['process', 'integrity level unknown', ['extensions', 'windows-process-ext', 'integrity_level'], 'extreme'],
  ['software', 'a CPE 2.2 name', ['cpe'], 'cpe:/a:microsoft:word:2000'],
  ['software', 'a language code of two letters', ['languages'], ['ja']],
  ['url', 'not a URI', ['value'], 'evil example'],
  ['user-account', 'unix extension empty of its fields', ['extensions', 'unix-account-ext'], { x_other: 1 }],
  ['windows-registry-key', 'an abbreviated hive', ['key'], 'HKLM\\Software\\Run'],
  ['windows-registry-key', 'a value of unknown data type', ['values'], [{ name: 'a', data_type: 'REG_TEXT' }]],
  ['x509-certificate', 'v3 extensions with a date that is not one', ['x509_v3_extensions'], { private_key_usage_period_not_before: 'soon' }],
  ['marking-definition:statement', 'a statement without statement', ['definition'], { text: 'x' }],
  ['marking-definition:statement', 'neither definition nor extensions', ['definition'], undefined],
  ['marking-definition:tlp1', 'TLP 1.0 with the wrong name', ['name'], 'TLP:RED'],
  ['marking-definition:tlp1', 'TLP 1.0 with another created', ['created'], '2018-01-01T00:00:00.000Z'],
  ['marking-definition:tlp1', 'TLP 1.0 with an extra property', ['created_by_ref'], idFor('identity', 900)],
  ['marking-definition:tlp2', 'TLP 2.0 with a non-definition extension', ['extensions'], { 'tlp-ext': { tlp_2_0: 'amber' } }],
  ['marking-definition:tlp2', 'object_marking_refs of a non-marking', ['object_marking_refs'], [idFor('identity')]],
  ['language-content', 'contents empty', ['contents'], {}],
  ['extension-definition', 'an unknown extension type', ['extension_types'], ['new-thing']],
  ['extension-definition', 'extension_properties without toplevel-property-extension', ['extension_types'], ['property-extension']],
]

function typeMutations(fixtures: Record<string, StixJson>): Case[] {
  return TYPE_MUTATIONS.map(([name, label, path, value, alsoDeleted]) => {
    const object = clone(fixtures[name]!)
    setIn(object, path, value)
    if (alsoDeleted) setIn(object, alsoDeleted, undefined)
    return { name: `${name}: ${label}`, object }
  })
}

/** Rules of the specification no JSON Schema checks: ours reject, the OASIS schemas accept. */
const RULES_BEYOND_SCHEMAS: Array<[string, string, string[], unknown]> = [
  ['campaign', 'modified before created', ['modified'], '2024-03-01T00:00:00.000Z'],
  ['campaign', 'last_seen before first_seen', ['last_seen'], '2023-12-01T00:00:00Z'],
  ['indicator', 'valid_until before valid_from', ['valid_until'], '2024-03-01T00:00:00Z'],
  ['indicator', 'a pattern that does not parse', ['pattern'], "[ipv4-addr:value = '198.51.100.7'"],
  ['indicator', 'created_by_ref a malware', ['created_by_ref'], idFor('malware')],
  ['indicator', 'object_marking_refs an identity', ['object_marking_refs'], [idFor('identity')]],
  ['indicator', '30 February', ['valid_from'], '2024-02-30T00:00:00Z'],
  ['relationship', 'stop_time before start_time', ['stop_time'], '2024-03-01T00:00:00Z'],
  ['sighting', 'sighting of an SCO', ['sighting_of_ref'], idFor('ipv4-addr')],
  ['relationship:resolves-to', 'a domain resolving to a file', ['target_ref'], idFor('file')],
  ['observed-data', 'last_observed before first_observed', ['last_observed'], '2024-03-01T00:00:00Z'],
  ['malware', 'sample_refs a URL', ['sample_refs'], [idFor('url')]],
  ['domain-name', 'resolves to a URL', ['resolves_to_refs'], [idFor('url')]],
  ['network-traffic', 'src_ref a file', ['src_ref'], idFor('file')],
  ['network-traffic', 'src_ref not an identifier', ['src_ref'], 'the client'],
  ['email-message', 'from_ref a user account', ['from_ref'], idFor('user-account')],
  ['process', 'image_ref a directory', ['image_ref'], idFor('directory')],
  ['indicator', 'a granular marking selecting nothing', ['granular_markings'], [{ selectors: ['no_such_property'], marking_ref: idFor('marking-definition') }]],
]

/** Where the OASIS schemas contradict STIX 2.1; `ours` is the verdict we give (per the spec). */
const KNOWN_DIVERGENCES: Array<{ why: string; ours: boolean; object: () => unknown }> = [
  {
    why: 'ipv6-addr.json writes \\d as "d", so an embedded IPv4 form (RFC 4291 §2.2) fails there',
    ours: true,
    object: () => ({ type: 'ipv6-addr', id: idFor('ipv6-addr', 40), value: '::ffff:192.0.2.1' }),
  },
  {
    why: 'core.json allows spec_version "2.0"; an object of STIX 2.1 has "2.1" (§3.2)',
    ours: false,
    object: () => ({ ...validObjects().campaign, spec_version: '2.0' }),
  },
  {
    why: 'bundle.json lists no grouping, incident, location, note, opinion or extension-definition, so a valid one fails inside a bundle',
    ours: true,
    object: () => ({ type: 'bundle', id: idFor('bundle'), objects: [validObjects().grouping] }),
  },
  {
    why: 'bundle.json lets a custom object match both core and cyber-observable-core, so a custom SDO fails its oneOf',
    ours: true,
    object: () => ({
      type: 'bundle',
      id: idFor('bundle'),
      objects: [{ type: 'x-kamae-case', spec_version: '2.1', id: idFor('x-kamae-case'), created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', x_state: 'open' }],
    }),
  },
  {
    why: 'properties.json leaves its name pattern unanchored, so "abc-def" passes as a property name (§3.1: letters, digits, _)',
    ours: false,
    object: () => ({ ...validObjects().tool, 'abc-def': 'x' }),
  },
  {
    why: 'marking-definition.json applies no property-name or value rules; §3.1 and §3.3 hold for every object',
    ours: false,
    object: () => ({ ...validObjects()['marking-definition:statement'], x_list: [] }),
  },
  {
    why: 'bundle.json takes a bundle inside a bundle for a custom object; §8 holds STIX objects, and a bundle is none',
    ours: false,
    object: () => ({ type: 'bundle', id: idFor('bundle'), objects: [{ type: 'bundle', id: idFor('bundle', 2), objects: [validObjects().tool] }] }),
  },
  {
    why: 'the custom-object branch does not check that the id names the type (§2.9)',
    ours: false,
    object: () => ({ type: 'bundle', id: idFor('bundle'), objects: [{ type: 'x-kamae-account', id: idFor('x-other'), x_number: '1' }] }),
  },
]

// ---------------------------------------------------------------------------------------------

function exampleFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? exampleFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : []))
    .sort()
}

describe.skipIf(!present)('STIX 2.1 validation agrees with the OASIS JSON Schemas', () => {
  const fixtures = validObjects()

  it('covers every object type the OASIS schemas define', () => {
    const oasisTypes = ['sdos', 'sros', 'observables']
      .flatMap((dir) => readdirSync(join(schemasDir, dir)).map((file) => file.replace(/\.json$/, '')))
      .concat(['marking-definition', 'language-content', 'extension-definition'])
    const covered = new Set(Object.values(fixtures).map((object) => object.type))
    expect(oasisTypes.filter((type) => !covered.has(type))).toEqual([])
  })

  it.each(Object.keys(fixtures))('accepts the valid %s, as the oracle does', (name) => {
    expect(oasisAccepts(fixtures[name]), 'the oracle rejects the fixture').toBe(true)
    expect(validateStix(fixtures[name])).toEqual({ ok: true })
  })

  const generic = Object.entries(fixtures).flatMap(([name, object]) => genericMutations(name, object))
  const excluded = new Set(RULES_BEYOND_SCHEMAS.map(([name, label]) => `${name}: ${label}`))
  it(`gives the oracle's verdict on ${generic.length} generic mutations`, () => {
    const disagreements = generic
      .filter((c) => !excluded.has(c.name))
      .map((c) => ({ name: c.name, ours: oursAccepts(c.object), oasis: oasisAccepts(c.object) }))
      .filter((c) => c.ours !== c.oasis)
    expect(disagreements).toEqual([])
    // The matrix must actually break things: most mutations are rejected by both.
    expect(generic.filter((c) => !oasisAccepts(c.object)).length).toBeGreaterThan(generic.length / 2)
  })

  it.each(typeMutations(validObjects()).map((c) => [c.name, c.object] as const))('gives the verdict of the oracle: %s', (_name, object) => {
    const oasis = oasisAccepts(object)
    expect(oursAccepts(object)).toBe(oasis)
  })

  it('rejects every type-specific breakage (the oracle too)', () => {
    const accepted = typeMutations(validObjects()).filter((c) => oasisAccepts(c.object) || oursAccepts(c.object))
    expect(accepted.map((c) => c.name)).toEqual([])
  })

  it.each(RULES_BEYOND_SCHEMAS.map(([name, label, path, value]) => [`${name}: ${label}`, name, path, value] as const))(
    'rejects what no schema can see: %s',
    (_label, name, path, value) => {
      const object = clone(fixtures[name]!)
      setIn(object, path, value)
      expect(oasisAccepts(object), 'the oracle should not see this').toBe(true)
      const result = validateStix(object)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.errors.some((error) => error.path.startsWith(`/${path[0]}`))).toBe(true)
    },
  )

  it.each(KNOWN_DIVERGENCES.map((d) => [d.why, d] as const))('follows the specification where the OASIS schema does not: %s', (_why, divergence) => {
    const object = divergence.object()
    expect(oursAccepts(object)).toBe(divergence.ours)
    expect(oasisAccepts(object)).toBe(!divergence.ours)
  })

  const examples = exampleFiles(examplesDir)
  it.each(examples.map((file) => [relative(examplesDir, file), file] as const))('accepts the OASIS example %s, as does the oracle', (_name, file) => {
    const example: unknown = JSON.parse(readFileSync(file, 'utf8'))
    expect(oasisAccepts(example)).toBe(true)
    expect(validateStix(example)).toEqual({ ok: true })
  })

  it('agrees on every object of every example, whole and with its id of the wrong type', () => {
    const objects = examples.flatMap((file) => {
      const example = JSON.parse(readFileSync(file, 'utf8')) as StixJson
      return example.type === 'bundle' ? (example.objects as StixJson[]) : [example]
    })
    expect(objects.length).toBeGreaterThan(200)
    for (const object of objects) {
      expect([object.id, oursAccepts(object)]).toEqual([object.id, oasisAccepts(object)])
      const broken = { ...object, id: `${object.type === 'tool' ? 'malware' : 'tool'}--${fixtureUuid(1)}` }
      expect([object.id, oursAccepts(broken)]).toEqual([object.id, oasisAccepts(broken)])
    }
  })

  it('agrees on example bundles broken as a whole', () => {
    const bundle = JSON.parse(readFileSync(join(examplesDir, 'indicators-for-C2-with-COA.json'), 'utf8')) as StixJson
    const variants: StixJson[] = [
      { ...bundle, id: `report--${fixtureUuid(1)}` },
      { ...bundle, objects: [] },
      { ...bundle, objects: [...(bundle.objects as StixJson[]), { ...(bundle.objects as StixJson[])[0], modified: 'never' }] },
      { ...bundle, objects: [...(bundle.objects as StixJson[]), 'not an object'] },
    ]
    for (const variant of variants) expect(oursAccepts(variant)).toBe(oasisAccepts(variant))
    expect(variants.every((variant) => !oursAccepts(variant))).toBe(true)
  })
})
