import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { TSchema } from 'typebox'
import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { isCpe23, isIdnHostname, isIpv6Value, isRealDate, timestampKey } from './stix-formats.js'
import { parsePattern } from './stix-pattern.js'
import { BUNDLE_SCHEMA, CUSTOM_SCO_SCHEMA, CUSTOM_SDO_SCHEMA, MESSAGE_KEYWORD, STIX_OBJECT_SCHEMAS, TIMESTAMP_PATTERN } from './stix-schemas.js'
import { isIdentifier, isScoType, isSpecType, kindOfType, typeOfIdentifier, UUID_PATTERN, type ObjectKind } from './stix-types.js'

// Validates any STIX 2.1 object or bundle: first the JSON Schema of its type (stix-schemas.ts), then
// what a schema cannot say (§ numbers are OASIS STIX 2.1 CS03):
//   - timestamps name real calendar dates; modified >= created; first/last seen and the like in order;
//   - every *_ref / *_refs property holds identifiers, of the types the specification allows there,
//     and relationships between SCOs (resolves-to, belongs-to) join the kinds §6 names;
//   - an indicator with pattern_type "stix" has a pattern that parses (stix-pattern.ts);
//   - granular-marking selectors point at something in the object;
//   - the objects inside a bundle, and those embedded in an observed-data, are each valid.
// Errors are `{ path, message: { ja, en } }`, the path a JSON pointer (RFC 6901) into the value given.

export type StixValidation = { ok: true } | { ok: false; errors: ErrorDetail[] }

/** A broken bundle can fail everywhere; past this many errors the rest are not listed. */
const MAX_ERRORS = 500

export function validateStix(value: unknown): StixValidation {
  const errors: ErrorDetail[] = []
  validateValue(value, '', errors, { embedded: false })
  return errors.length === 0 ? { ok: true } : { ok: false, errors: errors.slice(0, MAX_ERRORS) }
}

interface Context {
  /** An SCO embedded in an observed-data (§4.14, deprecated): its refs are local keys, not ids. */
  embedded: boolean
  /** An object of a bundle (§8: which holds STIX objects, and a bundle is none). */
  inBundle?: boolean
}

function validateValue(value: unknown, at: string, errors: ErrorDetail[], context: Context): void {
  if (!isRecord(value)) {
    errors.push({ path: at, message: { ja: 'STIX オブジェクト（JSON オブジェクト）ではありません', en: 'is not a STIX object (a JSON object)' } })
    return
  }
  const type = value.type
  if (typeof type !== 'string') {
    errors.push({ path: `${at}/type`, message: { ja: '必須の項目です（オブジェクトの種類）', en: 'is required (the object type)' } })
    return
  }
  if (type === 'bundle') {
    if (!context.inBundle && !context.embedded) return validateBundle(value, at, errors)
    errors.push({ path: `${at}/type`, message: { ja: 'バンドルの中にバンドルは入れられません', en: 'a bundle cannot hold a bundle' } })
    return
  }
  if (context.embedded && !isScoType(type) && isSpecType(type)) {
    errors.push({ path: `${at}/type`, message: { ja: 'observed-data に埋め込めるのはサイバー観測オブジェクト（SCO）だけです', en: 'only cyber-observable objects (SCOs) can be embedded in observed-data' } })
    return
  }
  const validate = validatorFor(type, context.embedded || !('created' in value))
  const fromSchema = validate(value) ? [] : schemaErrors(validate.errors ?? [], at)
  // A rule says nothing more about a value the schema already refused.
  const refused = new Set(fromSchema.map((error) => error.path))
  errors.push(...fromSchema, ...ruleErrors(value, type, at, context).filter((error) => !refused.has(error.path)))
  if (type === 'observed-data' && isRecord(value.objects)) {
    for (const [key, embedded] of Object.entries(value.objects)) validateValue(embedded, `${at}/objects/${pointerToken(key)}`, errors, { embedded: true })
  }
}

function validateBundle(bundle: Record<string, unknown>, at: string, errors: ErrorDetail[]): void {
  const validate = compiled('bundle', BUNDLE_SCHEMA)
  if (!validate(bundle)) errors.push(...schemaErrors(validate.errors ?? [], at))
  if (!Array.isArray(bundle.objects)) return
  bundle.objects.forEach((object, index) => {
    if (errors.length < MAX_ERRORS) validateValue(object, `${at}/objects/${index}`, errors, { embedded: false, inBundle: true })
  })
}

// ---------------------------------------------------------------------------------------------
// Schemas

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default
let ajv: Ajv2020 | null = null
const validators = new Map<string, ValidateFunction>()

function schemaCompiler(): Ajv2020 {
  if (ajv) return ajv
  ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, strictTuples: false, allowMatchingProperties: true })
  addFormats(ajv, ['uri', 'email'])
  ajv.addFormat('idn-hostname', isIdnHostname)
  ajv.addFormat('ip-address-v6', isIpv6Value)
  ajv.addFormat('cpe23', isCpe23)
  ajv.addKeyword({ keyword: MESSAGE_KEYWORD, schemaType: 'object' })
  return ajv
}

function compiled(key: string, schema: TSchema): ValidateFunction {
  let validate = validators.get(key)
  if (!validate) {
    validate = schemaCompiler().compile(schema)
    validators.set(key, validate)
  }
  return validate
}

/** The validator of a type; a custom type is a custom SCO without `created`, else a custom SDO/SRO. */
function validatorFor(type: string, withoutCreated: boolean): ValidateFunction {
  if (isSpecType(type)) return compiled(type, STIX_OBJECT_SCHEMAS[type])
  return withoutCreated ? compiled(' custom-sco', CUSTOM_SCO_SCHEMA) : compiled(' custom-sdo', CUSTOM_SDO_SCHEMA)
}

const COMPOSITES = new Set(['anyOf', 'oneOf', 'not'])

/** ajv's errors as located, localised messages: one per problem, not one per failed branch. */
function schemaErrors(raw: ErrorObject[], at: string): ErrorDetail[] {
  // A failed anyOf / oneOf / not reports its branches' errors too: keep the composite alone.
  const composites = raw.filter((error) => COMPOSITES.has(error.keyword)).map((error) => `${error.schemaPath}/`)
  const kept = raw.filter((error) => error.keyword !== 'if' && !composites.some((prefix) => error.schemaPath.startsWith(prefix)))
  const seen = new Set<string>()
  const details: ErrorDetail[] = []
  for (const error of kept) {
    const detail = describeSchemaError(error, at)
    const key = `${detail.path}\n${detail.message.en}`
    if (seen.has(key)) continue
    seen.add(key)
    details.push(detail)
  }
  return details
}

function describeSchemaError(error: ErrorObject, at: string): ErrorDetail {
  const path = `${at}${error.instancePath}`
  const params = error.params as Record<string, unknown>
  const message = messageOf(error.parentSchema)
  switch (error.keyword) {
    case 'required':
      return { path: `${path}/${pointerToken(String(params.missingProperty))}`, message: { ja: '必須の項目です', en: 'is required' } }
    case 'dependentRequired':
      return {
        path: `${path}/${pointerToken(String(params.missingProperty))}`,
        message: { ja: `${String(params.property)} があるときは必須です`, en: `is required when ${String(params.property)} is present` },
      }
    case 'additionalProperties': {
      const name = String(params.additionalProperty)
      return {
        path: `${path}/${pointerToken(name)}`,
        message: message ?? {
          ja: '項目名が正しくありません（英小文字で始まる 3〜250 文字の英数字と「_」）',
          en: 'is not a valid property name (3 to 250 ASCII letters, digits and "_", starting with a lowercase letter)',
        },
      }
    }
    case 'propertyNames':
      return { path: `${path}/${pointerToken(String(params.propertyName))}`, message: message ?? { ja: 'この項目は使えません', en: 'is not allowed here' } }
    case 'type': {
      const types = Array.isArray(params.type) ? params.type.join(' / ') : String(params.type)
      return { path, message: { ja: `値の型が正しくありません（${types}）`, en: `must be ${types}` } }
    }
    case 'const':
      return { path, message: { ja: `${JSON.stringify(params.allowedValue)} でなければなりません`, en: `must be ${JSON.stringify(params.allowedValue)}` } }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')
      return { path, message: { ja: `次のいずれかにしてください: ${allowed}`, en: `must be one of: ${allowed}` } }
    }
    case 'pattern':
      return { path, message: patternMessage(String(params.pattern)) }
    case 'format':
      return { path, message: FORMAT_MESSAGES[String(params.format)] ?? { ja: `形式が正しくありません（${String(params.format)}）`, en: `must be a valid ${String(params.format)}` } }
    case 'minItems':
      return { path, message: { ja: '空のリストは使えません', en: 'must not be an empty list' } }
    case 'minProperties':
      return { path, message: { ja: '空にはできません', en: 'must not be empty' } }
    case 'minimum':
    case 'maximum':
      return { path, message: { ja: `${error.keyword === 'minimum' ? String(params.limit) + ' 以上' : String(params.limit) + ' 以下'}にしてください`, en: `must be ${String(params.comparison)} ${String(params.limit)}` } }
    case 'minLength':
    case 'maxLength':
      return { path, message: { ja: `長さが正しくありません（${String(params.limit)}）`, en: `must have ${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} characters` } }
    default:
      return { path, message: message ?? { ja: '値が正しくありません', en: error.message ?? 'is not valid' } }
  }
}

function messageOf(schema: unknown): Localized | undefined {
  if (!isRecord(schema)) return undefined
  const message = schema[MESSAGE_KEYWORD]
  return isRecord(message) && typeof message.ja === 'string' && typeof message.en === 'string' ? { ja: message.ja, en: message.en } : undefined
}

const FORMAT_MESSAGES: Record<string, Localized> = {
  uri: { ja: 'URI（RFC 3986）の形式ではありません', en: 'must be a URI (RFC 3986)' },
  email: { ja: 'メールアドレスの形式ではありません', en: 'must be an e-mail address' },
  'idn-hostname': { ja: 'ドメイン名の形式ではありません', en: 'must be a domain name' },
  'ip-address-v6': { ja: 'IPv6 アドレス（またはその CIDR 表記）ではありません', en: 'must be an IPv6 address or CIDR block' },
  cpe23: { ja: 'CPE 2.3 の形式ではありません', en: 'must be a CPE 2.3 name' },
}

function patternMessage(pattern: string): Localized {
  if (pattern.includes(UUID_PATTERN)) {
    const type = /^\^([a-z0-9-]+)--/.exec(pattern)?.[1]
    return type
      ? { ja: `${type}--<UUID> の形式の ID にしてください`, en: `must be an identifier ${type}--<UUID>` }
      : { ja: '<種類>--<UUID> の形式の ID にしてください', en: 'must be an identifier <type>--<UUID>' }
  }
  if (pattern.startsWith('^[0-9]{4}-')) {
    return pattern.includes('{3,}')
      ? { ja: 'ミリ秒まで含む UTC のタイムスタンプにしてください（例: 2016-05-12T08:17:27.000Z）', en: 'must be a UTC timestamp with milliseconds (e.g. 2016-05-12T08:17:27.000Z)' }
      : { ja: 'UTC のタイムスタンプにしてください（例: 2016-05-12T08:17:27Z）', en: 'must be a UTC timestamp (e.g. 2016-05-12T08:17:27Z)' }
  }
  if (pattern === '^([a-fA-F0-9]{2})+$') return { ja: '16 進数（偶数桁）にしてください', en: 'must be hex (an even number of hex digits)' }
  if (pattern.startsWith('^([A-Za-z0-9+/]{4})*')) return { ja: 'Base64 にしてください', en: 'must be base64' }
  if (/^\^\[a-fA-F0-9\]\{\d+\}\$$/.test(pattern)) return { ja: 'ハッシュ値の長さまたは文字が正しくありません', en: 'is not a hash of this algorithm (length or characters)' }
  return { ja: '形式が正しくありません', en: `must match ${pattern}` }
}

// ---------------------------------------------------------------------------------------------
// Rules a schema cannot say

type Rule = (object: Record<string, unknown>, type: string, at: string, context: Context) => ErrorDetail[]

function ruleErrors(object: Record<string, unknown>, type: string, at: string, context: Context): ErrorDetail[] {
  return RULES.flatMap((rule) => rule(object, type, at, context))
}

const timestampRegExp = new RegExp(TIMESTAMP_PATTERN)

/** §2.16: a timestamp names a date that exists (the pattern lets 2023-02-30 through). */
const realDates: Rule = (object, _type, at) => {
  const errors: ErrorDetail[] = []
  walk(object, at, (value, path) => {
    if (typeof value === 'string' && timestampRegExp.test(value) && !isRealDate(value)) {
      errors.push({ path, message: { ja: 'この日付は存在しません', en: 'is not a date that exists' } })
    }
  })
  return errors
}

/** Pairs of timestamps in order: [earlier, later, strictly later?] (§3.2, §4.x, §5.x). */
const ORDERED_TIMES: Array<[string, string, boolean]> = [
  ['created', 'modified', false],
  ['first_seen', 'last_seen', false],
  ['first_observed', 'last_observed', false],
  ['valid_from', 'valid_until', true],
  ['start_time', 'stop_time', true],
  ['analysis_started', 'analysis_ended', false],
  ['validity_not_before', 'validity_not_after', false],
]

const timesInOrder: Rule = (object, _type, at) => {
  const errors: ErrorDetail[] = []
  for (const [earlier, later, strict] of ORDERED_TIMES) {
    const from = object[earlier]
    const to = object[later]
    if (typeof from !== 'string' || typeof to !== 'string' || !timestampRegExp.test(from) || !timestampRegExp.test(to)) continue
    const [a, b] = [timestampKey(from), timestampKey(to)]
    if (strict ? b <= a : b < a) {
      errors.push({
        path: `${at}/${later}`,
        message: strict ? { ja: `${earlier} より後でなければなりません`, en: `must be later than ${earlier}` } : { ja: `${earlier} 以降でなければなりません`, en: `must not be earlier than ${earlier}` },
      })
    }
  }
  return errors
}

/** §3.1: property names reserved by the specification; §11.2: `action` is no object type. */
const RESERVED_PROPERTIES = ['severity', 'action', 'username', 'phone_numbers']
const reservedNames: Rule = (object, type, at) => {
  if (type === 'marking-definition') return []
  const errors: ErrorDetail[] = RESERVED_PROPERTIES.filter((name) => name in object).map((name) => ({
    path: `${at}/${name}`,
    message: { ja: 'STIX 2.1 の予約語で、項目名には使えません', en: 'is a name STIX 2.1 reserves and cannot be used' },
  }))
  if (type === 'action') errors.push({ path: `${at}/type`, message: { ja: '「action」は予約された種類名です', en: '"action" is a reserved type name' } })
  return errors
}

/** §2.9: an id is `<its type>--<UUID>` (the schema of a known type says so; here custom ones). */
const idMatchesType: Rule = (object, type, at, context) => {
  if (context.embedded || isSpecType(type) || typeof object.id !== 'string' || !isIdentifier(object.id)) return []
  return typeOfIdentifier(object.id) === type ? [] : [{ path: `${at}/id`, message: { ja: `ID は「${type}--」で始まらなければなりません`, en: `must begin with "${type}--"` } }]
}

/** §9: an indicator's STIX pattern parses. */
const stixPatternParses: Rule = (object, type, at) => {
  if (type !== 'indicator' || object.pattern_type !== 'stix' || typeof object.pattern !== 'string') return []
  const parsed = parsePattern(object.pattern)
  return parsed.ok ? [] : [{ path: `${at}/pattern`, message: { ja: `パターンの構文エラー: ${parsed.error.message.ja}`, en: `pattern syntax error: ${parsed.error.message.en}` } }]
}

/** §7.2.3.1: each granular-marking selector names a property (or list item) the object has. */
const selectorsResolve: Rule = (object, _type, at) => {
  const markings = object.granular_markings
  if (!Array.isArray(markings)) return []
  const errors: ErrorDetail[] = []
  markings.forEach((marking, m) => {
    if (!isRecord(marking) || !Array.isArray(marking.selectors)) return
    marking.selectors.forEach((selector, s) => {
      if (typeof selector === 'string' && !selectorResolves(object, selector)) {
        errors.push({ path: `${at}/granular_markings/${m}/selectors/${s}`, message: { ja: 'この項目はオブジェクトにありません', en: 'selects nothing in this object' } })
      }
    })
  })
  return errors
}

function selectorResolves(object: Record<string, unknown>, selector: string): boolean {
  let current: unknown = object
  for (const step of selector.split('.')) {
    const index = /^\[(\d+)\]$/.exec(step)
    if (index) {
      if (!Array.isArray(current) || Number(index[1]) >= current.length) return false
      current = current[Number(index[1])]
    } else {
      if (!isRecord(current) || !(step in current)) return false
      current = current[step]
    }
  }
  return true
}

// References. A target is a set of types, or a kind of object.
type Target = { types: string[] } | { kinds: ObjectKind[] } | { notKinds: ObjectKind[]; notTypes?: string[] }

const only = (...types: string[]): Target => ({ types })
const ANY_SCO: Target = { kinds: ['sco', 'custom'] }
const ANY_OBJECT: Target = { notKinds: ['bundle'] }
const ADDRESSES = only('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name')

/**
 * What each reference property may point at, by object type (path steps; `*` is every list item).
 * §3.2 (created_by_ref, object_marking_refs) applies to all; the rest from each type's section.
 */
const REFERENCE_RULES: Record<string, Array<[string[], Target]>> = {
  '*': [
    [['created_by_ref'], only('identity')],
    [['object_marking_refs', '*'], only('marking-definition')],
  ],
  // §5.1: a relationship joins SDOs and SCOs (custom ones too); never SROs or meta objects.
  relationship: [
    [['source_ref'], { notKinds: ['sro', 'meta', 'bundle'] }],
    [['target_ref'], { notKinds: ['sro', 'meta', 'bundle'] }],
  ],
  // §5.2: what was sighted is an SDO; where, an identity or a location.
  sighting: [
    [['sighting_of_ref'], { kinds: ['sdo', 'custom'] }],
    [['observed_data_refs', '*'], only('observed-data')],
    [['where_sighted_refs', '*'], only('identity', 'location')],
  ],
  report: [[['object_refs', '*'], ANY_OBJECT]],
  note: [[['object_refs', '*'], ANY_OBJECT]],
  opinion: [[['object_refs', '*'], ANY_OBJECT]],
  grouping: [[['object_refs', '*'], ANY_OBJECT]],
  // §4.14: observed data refers to SCOs and the SROs between them.
  'observed-data': [[['object_refs', '*'], { kinds: ['sco', 'sro', 'custom'] }]],
  malware: [
    [['operating_system_refs', '*'], only('software')],
    [['sample_refs', '*'], only('file', 'artifact')],
  ],
  'malware-analysis': [
    [['host_vm_ref'], only('software')],
    [['operating_system_ref'], only('software')],
    [['installed_software_refs', '*'], only('software')],
    [['analysis_sco_refs', '*'], ANY_SCO],
    [['sample_ref'], only('file', 'artifact', 'network-traffic')],
  ],
  'language-content': [[['object_ref'], { notKinds: ['bundle'], notTypes: ['language-content'] }]],
  'domain-name': [[['resolves_to_refs', '*'], only('ipv4-addr', 'ipv6-addr', 'domain-name')]],
  'email-addr': [[['belongs_to_ref'], only('user-account')]],
  'email-message': [
    [['from_ref'], only('email-addr')],
    [['sender_ref'], only('email-addr')],
    [['to_refs', '*'], only('email-addr')],
    [['cc_refs', '*'], only('email-addr')],
    [['bcc_refs', '*'], only('email-addr')],
    [['raw_email_ref'], only('artifact')],
    [['body_multipart', '*', 'body_raw_ref'], only('artifact', 'file')],
  ],
  file: [
    [['parent_directory_ref'], only('directory')],
    [['contains_refs', '*'], ANY_SCO],
    [['content_ref'], only('artifact')],
    [['extensions', 'archive-ext', 'contains_refs', '*'], only('file', 'directory')],
  ],
  directory: [[['contains_refs', '*'], only('file', 'directory')]],
  'ipv4-addr': [
    [['resolves_to_refs', '*'], only('mac-addr')],
    [['belongs_to_refs', '*'], only('autonomous-system')],
  ],
  'ipv6-addr': [
    [['resolves_to_refs', '*'], only('mac-addr')],
    [['belongs_to_refs', '*'], only('autonomous-system')],
  ],
  'network-traffic': [
    [['src_ref'], ADDRESSES],
    [['dst_ref'], ADDRESSES],
    [['src_payload_ref'], only('artifact')],
    [['dst_payload_ref'], only('artifact')],
    [['encapsulates_refs', '*'], only('network-traffic')],
    [['encapsulated_by_ref'], only('network-traffic')],
    [['extensions', 'http-request-ext', 'message_body_data_ref'], only('artifact')],
  ],
  process: [
    [['opened_connection_refs', '*'], only('network-traffic')],
    [['creator_user_ref'], only('user-account')],
    [['image_ref'], only('file')],
    [['parent_ref'], only('process')],
    [['child_refs', '*'], only('process')],
    [['extensions', 'windows-service-ext', 'service_dll_refs', '*'], only('file')],
  ],
  'windows-registry-key': [[['creator_user_ref'], only('user-account')]],
}

function targetAllows(target: Target, type: string): boolean {
  if ('types' in target) return target.types.includes(type)
  if ('kinds' in target) return target.kinds.includes(kindOfType(type))
  return !target.notKinds.includes(kindOfType(type)) && !(target.notTypes ?? []).includes(type)
}

const KIND_NAMES: Record<ObjectKind, Localized> = {
  sdo: { ja: 'ドメインオブジェクト（SDO）', en: 'a domain object (SDO)' },
  sro: { ja: 'リレーションシップオブジェクト（SRO）', en: 'a relationship object (SRO)' },
  sco: { ja: 'サイバー観測オブジェクト（SCO）', en: 'a cyber-observable object (SCO)' },
  meta: { ja: 'メタオブジェクト', en: 'a meta object' },
  bundle: { ja: 'バンドル', en: 'a bundle' },
  custom: { ja: 'カスタムオブジェクト', en: 'a custom object' },
}

function targetMessage(target: Target, id: string): Localized {
  const found = typeOfIdentifier(id)
  if ('types' in target) {
    const allowed = target.types.join(' / ')
    return { ja: `${allowed} を参照しなければなりません（${found} を参照しています）`, en: `must refer to ${allowed}, not ${found}` }
  }
  if ('kinds' in target) {
    const allowed = target.kinds.filter((kind) => kind !== 'custom').map((kind) => KIND_NAMES[kind])
    return {
      ja: `${allowed.map((name) => name.ja).join('または')}を参照しなければなりません（${found} を参照しています）`,
      en: `must refer to ${allowed.map((name) => name.en).join(' or ')}, not ${found}`,
    }
  }
  const kind = KIND_NAMES[kindOfType(found)]
  return { ja: `${found}（${kind.ja}）は参照できません`, en: `cannot refer to ${found} (${kind.en})` }
}

/** §2.9, §3.1: a property ending in _ref holds an identifier, one in _refs a list of them; and of the right type. */
const referencesValid: Rule = (object, type, at, context) => {
  if (context.embedded) return [] // §4.14: embedded SCOs refer to each other by local keys ("0", "1")
  const errors: ErrorDetail[] = []
  const typed = new Set<string>()
  for (const [steps, target] of [...REFERENCE_RULES['*']!, ...(REFERENCE_RULES[type] ?? [])]) {
    for (const [path, value] of resolve(object, steps, at)) {
      typed.add(path)
      if (isIdentifier(value) && !targetAllows(target, typeOfIdentifier(value))) errors.push({ path, message: targetMessage(target, value) })
    }
  }
  // Embedded observed-data objects refer to each other by local keys: they are checked on their own.
  const { objects: _embedded, ...own } = object
  walk(type === 'observed-data' ? own : object, at, (value, path, key, parentIsList) => {
    const name = parentIsList ? undefined : key
    if (name === undefined) return
    const items = name.endsWith('_refs') && Array.isArray(value) ? value.map((item, i) => [item, `${path}/${i}`] as const) : name.endsWith('_ref') ? [[value, path] as const] : []
    for (const [item, itemPath] of items) {
      if (!isIdentifier(item)) {
        errors.push({ path: itemPath, message: { ja: '<種類>--<UUID> の形式の ID にしてください', en: 'must be an identifier <type>--<UUID>' } })
      } else if (!typed.has(itemPath) && typeOfIdentifier(item) === 'bundle') {
        errors.push({ path: itemPath, message: { ja: 'バンドルは参照できません', en: 'cannot refer to a bundle' } })
      }
    }
  })
  return dedupe(errors)
}

/** The (pointer, value) pairs a path of steps reaches in an object (`*`: each list item). */
function resolve(object: unknown, steps: string[], at: string): Array<[string, unknown]> {
  let reached: Array<[string, unknown]> = [[at, object]]
  for (const step of steps) {
    const next: Array<[string, unknown]> = []
    for (const [path, value] of reached) {
      if (step === '*') {
        if (Array.isArray(value)) value.forEach((item, i) => next.push([`${path}/${i}`, item]))
      } else if (isRecord(value) && step in value) {
        next.push([`${path}/${pointerToken(step)}`, value[step]])
      }
    }
    reached = next
  }
  return reached
}

/** Visits every value below an object (not the object itself) with its JSON pointer. */
function walk(value: unknown, at: string, visit: (value: unknown, path: string, key: string, parentIsList: boolean) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const path = `${at}/${i}`
      visit(item, path, String(i), true)
      walk(item, path, visit)
    })
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const path = `${at}/${pointerToken(key)}`
      visit(item, path, key, false)
      walk(item, path, visit)
    }
  }
}

/**
 * §6.4, §6.8, §6.9: the relationships the specification defines between SCOs, and what their
 * targets may be. Other relationship types (custom ones included) are not restricted here.
 */
const SCO_RELATIONSHIPS: Record<string, Record<string, string[]>> = {
  'domain-name': { 'resolves-to': ['domain-name', 'ipv4-addr', 'ipv6-addr'] },
  'ipv4-addr': { 'resolves-to': ['mac-addr'], 'belongs-to': ['autonomous-system'] },
  'ipv6-addr': { 'resolves-to': ['mac-addr'], 'belongs-to': ['autonomous-system'] },
}

const scoRelationshipTargets: Rule = (object, type, at) => {
  if (type !== 'relationship' || !isIdentifier(object.source_ref) || !isIdentifier(object.target_ref) || typeof object.relationship_type !== 'string') return []
  const allowed = SCO_RELATIONSHIPS[typeOfIdentifier(object.source_ref)]?.[object.relationship_type]
  const target = typeOfIdentifier(object.target_ref)
  if (!allowed || allowed.includes(target)) return []
  const source = typeOfIdentifier(object.source_ref)
  return [
    {
      path: `${at}/target_ref`,
      message: {
        ja: `${source} の ${object.relationship_type} の対象は ${allowed.join(' / ')} です（${target} ではありません）`,
        en: `a ${source} ${object.relationship_type} relationship targets ${allowed.join(' / ')}, not ${target}`,
      },
    },
  ]
}

const RULES: Rule[] = [realDates, timesInOrder, reservedNames, idMatchesType, referencesValid, scoRelationshipTargets, stixPatternParses, selectorsResolve]

// ---------------------------------------------------------------------------------------------

function dedupe(errors: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>()
  return errors.filter((error) => {
    const key = `${error.path}\n${error.message.en}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** RFC 6901 §3: `~` -> `~0`, `/` -> `~1`. */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

