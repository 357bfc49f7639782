import { Type, type TSchema } from 'typebox'
import { IDENTIFIER_PATTERN, SCO_TYPES, SDO_TYPES, UUID_PATTERN, type StixType } from './stix-types.js'

// The STIX 2.1 rules that JSON Schema can say, written here from the specification (OASIS STIX 2.1
// CS03, cited by section). One schema per object type: the validator dispatches on `type`, so an
// error names the property that is wrong instead of "matches none of 36 object schemas".
//
// What schemas cannot say (modified >= created, what a *_ref points at, a parseable pattern, real
// calendar dates, the objects inside a bundle or an observed-data) is in stix-validate.ts.
// The OASIS JSON Schemas are the test oracle (stix-validate.oracle.test.ts), never a source here;
// where they contradict the specification we follow the specification, and that test lists where.
//
// Formats used: `uri`, `email` (ajv-formats) and our own `idn-hostname`, `ip-address-v6`, `cpe23`
// (registered in stix-validate.ts).

// ---------------------------------------------------------------------------------------------
// Common data types (§2)

type Options = Record<string, unknown>
const raw = (schema: Options): TSchema => Type.Unsafe(schema)

/** A localised message for a composite rule, used when the rule fails as a whole. */
export const MESSAGE_KEYWORD = 'x-message'
const says = (ja: string, en: string) => ({ [MESSAGE_KEYWORD]: { ja, en } })

/** §2.9 identifier. Which type a reference may point at is checked in stix-validate.ts. */
export const Identifier = Type.String({ pattern: IDENTIFIER_PATTERN })
const idOf = (type: string) => Type.String({ pattern: `^${type}--${UUID_PATTERN}$` })

/** §2.16 timestamp: RFC 3339, UTC ("Z"), optional fraction of a second. */
export const TIMESTAMP_PATTERN = '^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?Z$'
const Timestamp = Type.String({ pattern: TIMESTAMP_PATTERN })
/** §3.2: `created` and `modified` of SDOs and SROs are precise to the millisecond at least. */
const TimestampMillis = Type.String({
  pattern: '^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)\\.[0-9]{3,}Z$',
})
/** §2.1 binary: base64 (RFC 4648). */
const Binary = Type.String({ pattern: '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$' })
/** §2.4 hex: an even number of hexadecimal digits. */
const Hex = Type.String({ pattern: '^([a-fA-F0-9]{2})+$' })
const Uri = Type.String({ format: 'uri' })
/** §3.3: lists are never empty. */
const List = (item: TSchema) => Type.Array(item, { minItems: 1 })
const Strings = List(Type.String())
const Refs = List(Type.String())
const Int = (minimum?: number, maximum?: number) =>
  Type.Integer({ ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) })

/** §3.1/§3.3: a property value is never null and a list is never empty. */
const PropertyValue = raw({ type: ['array', 'string', 'number', 'boolean', 'object'], minItems: 1 })

/**
 * §3.1, §11.1: property names are ASCII letters, digits and `_`, 3 to 250 long and (custom ones)
 * begin with a letter; a name ending in `_bin` holds binary, `_hex` hex. Every property of an
 * object, defined or custom, obeys this.
 */
const PROPERTY_NAMES: Record<string, TSchema> = {
  '^[a-z][a-z0-9_]{0,245}_bin$': Binary,
  '^[a-z][a-z0-9_]{0,245}_hex$': Hex,
  '^([a-z][a-zA-Z0-9_]{2,249}|id)$': PropertyValue,
}

/** §2.7 dictionary: keys of letters, digits, `_` and `-`, at most 250; at least one entry. */
const DICTIONARY_KEY = '^[a-zA-Z0-9_-]{0,250}$'
const Dictionary = (value: TSchema = PropertyValue, extra: Options = {}) =>
  raw({ type: 'object', minProperties: 1, patternProperties: { [DICTIONARY_KEY]: value }, additionalProperties: false, ...extra })

/** §2.5 hashes: algorithm -> value; the algorithms of hash-algorithm-ov have fixed shapes. */
const HASH_SHAPES: Record<string, TSchema> = {
  '^MD5$': Type.String({ pattern: '^[a-fA-F0-9]{32}$' }),
  '^SHA-1$': Type.String({ pattern: '^[a-fA-F0-9]{40}$' }),
  '^SHA-256$': Type.String({ pattern: '^[a-fA-F0-9]{64}$' }),
  '^SHA-512$': Type.String({ pattern: '^[a-fA-F0-9]{128}$' }),
  '^SHA3-256$': Type.String({ pattern: '^[a-fA-F0-9]{64}$' }),
  '^SHA3-512$': Type.String({ pattern: '^[a-fA-F0-9]{128}$' }),
  '^SSDEEP$': Type.String({ pattern: '^[a-zA-Z0-9/+:.]{1,128}$' }),
  '^TLSH$': Type.String({ pattern: '^[a-zA-Z0-9]{70}$' }),
}
export const Hashes = raw({
  type: 'object',
  minProperties: 1,
  patternProperties: { '^[a-zA-Z0-9_-]{3,250}$': Type.String(), ...HASH_SHAPES },
  additionalProperties: false,
})

/** §2.5 external-reference: `cve` and `capec` sources carry their own id shapes. */
const CVE_ID = '^CVE-\\d{4}-(0\\d{3}|[1-9]\\d{3,})$'
const CAPEC_ID = '^CAPEC-\\d+$'
const ExternalReference = Type.Object(
  {
    source_name: Type.String(),
    description: Type.Optional(Type.String()),
    url: Type.Optional(Uri),
    hashes: Type.Optional(raw({ allOf: [Hashes], propertyNames: { pattern: '^(MD5|SHA-1|SHA-256|SHA-512|SHA3-256|SHA3-512|SSDEEP|TLSH)$' } })),
    external_id: Type.Optional(Type.String()),
  },
  {
    allOf: [
      { if: { properties: { source_name: { const: 'cve' } } }, then: { required: ['external_id'], properties: { external_id: { pattern: CVE_ID } } } },
      { if: { properties: { source_name: { const: 'capec' } } }, then: { required: ['external_id'], properties: { external_id: { pattern: CAPEC_ID } } } },
      {
        if: { properties: { source_name: { not: { enum: ['cve', 'capec'] } } } },
        then: {
          anyOf: [{ required: ['external_id'] }, { required: ['description'] }, { required: ['url'] }],
          properties: { external_id: { not: { pattern: `(${CVE_ID})|(${CAPEC_ID})` } } },
          ...says('external_id、description、url のいずれかが必要です', 'needs external_id, description or url'),
        },
      },
    ],
  },
)

/** §2.8 kill-chain-phase. */
const KillChainPhase = Type.Object({ kill_chain_name: Type.String(), phase_name: Type.String() })

/** §7.2.3 granular marking: selectors into this object and the marking they carry. */
const GranularMarking = Type.Object({
  selectors: List(Type.String({ pattern: '^([a-z0-9_-]{3,249}(\\.(\\[\\d+\\]|[a-z0-9_-]{1,250}))*|id)$' })),
  lang: Type.Optional(Type.String()),
  marking_ref: idOf('marking-definition'),
})

const EXTENSION_TYPES = ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension']
/** §7.3: the body of an extension named by its extension-definition id. */
const ExtensionBody = raw({
  type: 'object',
  minProperties: 1,
  properties: { extension_type: { type: 'string', enum: EXTENSION_TYPES } },
  required: ['extension_type'],
  patternProperties: PROPERTY_NAMES,
  additionalProperties: false,
})
const EXTENSION_DEFINITION_KEY = `^extension-definition--${UUID_PATTERN}$`
/** §3.2 extensions: predefined `…-ext` extensions (§6) or extension-definition ids (§7.3). */
const Extensions = raw({
  type: 'object',
  minProperties: 1,
  patternProperties: {
    '^[a-z][a-z0-9]*(-[a-z0-9]+)*-ext$': { type: 'object', minProperties: 1, patternProperties: PROPERTY_NAMES, additionalProperties: false },
    [EXTENSION_DEFINITION_KEY]: ExtensionBody,
  },
  additionalProperties: false,
  ...says('拡張は「…-ext」か extension-definition の ID で名付けます', 'extensions are named "…-ext" or by an extension-definition id'),
})

// ---------------------------------------------------------------------------------------------
// Object shapes

type Properties = Record<string, TSchema>

/** An object: its properties, every other property a valid custom one (§11.1). */
function stixObject(properties: Properties, extra: Options = {}): TSchema {
  return Type.Object(properties, { patternProperties: PROPERTY_NAMES, additionalProperties: false, ...extra })
}

/** §3.2 common properties of SDOs, SROs, language-content and extension-definition. */
function sdoCommon(type: string): Properties {
  return {
    type: Type.Literal(type),
    spec_version: Type.Literal('2.1'),
    id: idOf(type),
    created_by_ref: Type.Optional(Identifier),
    labels: Type.Optional(Strings),
    created: TimestampMillis,
    modified: TimestampMillis,
    revoked: Type.Optional(Type.Boolean()),
    confidence: Type.Optional(Int(0, 100)),
    lang: Type.Optional(Type.String()),
    external_references: Type.Optional(List(ExternalReference)),
    object_marking_refs: Type.Optional(List(Identifier)),
    granular_markings: Type.Optional(List(GranularMarking)),
    extensions: Type.Optional(Extensions),
  }
}

/** §6.1 common properties of SCOs. */
function scoCommon(type: string): Properties {
  return {
    type: Type.Literal(type),
    id: idOf(type),
    spec_version: Type.Optional(Type.Literal('2.1')),
    object_marking_refs: Type.Optional(List(Identifier)),
    granular_markings: Type.Optional(List(GranularMarking)),
    defanged: Type.Optional(Type.Boolean()),
    extensions: Type.Optional(Extensions),
  }
}

const sdo = (type: string, properties: Properties, extra: Options = {}) => stixObject({ ...sdoCommon(type), ...properties }, extra)
const sco = (type: string, properties: Properties, extra: Options = {}) => stixObject({ ...scoCommon(type), ...properties }, extra)
const opt = Type.Optional
/** "At least one of these properties" (§6: most SCOs need one property besides `type`). */
const atLeastOne = (names: string[]) => ({
  anyOf: names.map((name) => ({ required: [name] })),
  ...says(`次の項目の少なくとも一つが必要です: ${names.join(', ')}`, `needs at least one of: ${names.join(', ')}`),
})
/** SCO `extensions`: the predefined extensions of this type, each in its own shape. */
const scoExtensions = (shapes: Record<string, TSchema>) =>
  raw({ allOf: [Extensions], properties: shapes })

// ---------------------------------------------------------------------------------------------
// §4 STIX Domain Objects

const SDO_SCHEMAS: Record<(typeof SDO_TYPES)[number], TSchema> = {
  'attack-pattern': sdo('attack-pattern', {
    name: Type.String(),
    description: opt(Type.String()),
    aliases: opt(Strings),
    kill_chain_phases: opt(List(KillChainPhase)),
  }),
  campaign: sdo('campaign', {
    name: Type.String(),
    description: opt(Type.String()),
    aliases: opt(Strings),
    first_seen: opt(Timestamp),
    last_seen: opt(Timestamp),
    objective: opt(Type.String()),
  }),
  'course-of-action': sdo('course-of-action', { name: Type.String(), description: opt(Type.String()) }),
  grouping: sdo('grouping', {
    name: opt(Type.String()),
    description: opt(Type.String()),
    context: Type.String(),
    object_refs: List(Identifier),
  }),
  identity: sdo('identity', {
    name: Type.String(),
    description: opt(Type.String()),
    roles: opt(Strings),
    identity_class: opt(Type.String()),
    sectors: opt(Strings),
    contact_information: opt(Type.String()),
  }),
  incident: sdo('incident', { name: Type.String(), description: opt(Type.String()), kill_chain_phases: opt(List(KillChainPhase)) }),
  indicator: sdo('indicator', {
    name: opt(Type.String()),
    description: opt(Type.String()),
    indicator_types: opt(Strings),
    pattern: Type.String(),
    pattern_type: Type.String(),
    pattern_version: opt(Type.String()),
    valid_from: Timestamp,
    valid_until: opt(Timestamp),
    kill_chain_phases: opt(List(KillChainPhase)),
  }),
  infrastructure: sdo('infrastructure', {
    name: Type.String(),
    description: opt(Type.String()),
    infrastructure_types: opt(Strings),
    aliases: opt(Strings),
    kill_chain_phases: opt(List(KillChainPhase)),
    first_seen: opt(Timestamp),
    last_seen: opt(Timestamp),
  }),
  'intrusion-set': sdo('intrusion-set', {
    name: Type.String(),
    description: opt(Type.String()),
    aliases: opt(Strings),
    first_seen: opt(Timestamp),
    last_seen: opt(Timestamp),
    goals: opt(Strings),
    resource_level: opt(Type.String()),
    primary_motivation: opt(Type.String()),
    secondary_motivations: opt(Strings),
  }),
  // §4.11: a place needs a region, a country or coordinates; coordinates come in pairs and a
  // precision only with them.
  location: sdo(
    'location',
    {
      name: opt(Type.String()),
      description: opt(Type.String()),
      latitude: opt(Type.Number({ minimum: -90, maximum: 90 })),
      longitude: opt(Type.Number({ minimum: -180, maximum: 180 })),
      precision: opt(Type.Number()),
      region: opt(Type.String()),
      country: opt(Type.String()),
      administrative_area: opt(Type.String()),
      city: opt(Type.String()),
      street_address: opt(Type.String()),
      postal_code: opt(Type.String()),
    },
    {
      dependentRequired: { latitude: ['longitude'], longitude: ['latitude'], precision: ['latitude', 'longitude'] },
      anyOf: [{ required: ['region'] }, { required: ['country'] }, { required: ['latitude', 'longitude'] }],
      ...says('region、country、または latitude と longitude が必要です', 'needs region, country, or latitude and longitude'),
    },
  ),
  // §4.12: a malware family has a name.
  malware: sdo(
    'malware',
    {
      name: opt(Type.String()),
      description: opt(Type.String()),
      malware_types: opt(Strings),
      is_family: Type.Boolean(),
      aliases: opt(Strings),
      kill_chain_phases: opt(List(KillChainPhase)),
      first_seen: opt(Timestamp),
      last_seen: opt(Timestamp),
      operating_system_refs: opt(Refs),
      architecture_execution_envs: opt(Strings),
      implementation_languages: opt(Strings),
      capabilities: opt(Strings),
      sample_refs: opt(Refs),
    },
    { if: { properties: { is_family: { const: true } } }, then: { required: ['name'] } },
  ),
  'malware-analysis': sdo(
    'malware-analysis',
    {
      product: Type.String(),
      version: opt(Type.String()),
      host_vm_ref: opt(Identifier),
      operating_system_ref: opt(Identifier),
      installed_software_refs: opt(List(Identifier)),
      configuration_version: opt(Type.String()),
      modules: opt(Strings),
      analysis_engine_version: opt(Type.String()),
      analysis_definition_version: opt(Type.String()),
      submitted: opt(Timestamp),
      analysis_started: opt(Timestamp),
      analysis_ended: opt(Timestamp),
      result_name: opt(Type.String()),
      result: opt(Type.String()),
      analysis_sco_refs: opt(List(Identifier)),
      sample_ref: opt(Identifier),
    },
    { anyOf: [{ required: ['result'] }, { required: ['analysis_sco_refs'] }], ...says('result か analysis_sco_refs が必要です', 'needs result or analysis_sco_refs') },
  ),
  note: sdo('note', { abstract: opt(Type.String()), content: Type.String(), authors: opt(Strings), object_refs: List(Identifier) }),
  // §4.14: the SCOs either embedded (`objects`, deprecated) or referenced (`object_refs`), not both.
  'observed-data': sdo(
    'observed-data',
    {
      first_observed: Timestamp,
      last_observed: Timestamp,
      number_observed: Int(1, 999_999_999),
      objects: opt(raw({ type: 'object', minProperties: 1, additionalProperties: { type: 'object' } })),
      object_refs: opt(List(Identifier)),
    },
    { oneOf: [{ required: ['objects'] }, { required: ['object_refs'] }], ...says('objects と object_refs のどちらか一方だけが必要です', 'needs exactly one of objects and object_refs') },
  ),
  opinion: sdo('opinion', {
    explanation: opt(Type.String()),
    authors: opt(Strings),
    opinion: Type.Union([Type.Literal('strongly-disagree'), Type.Literal('disagree'), Type.Literal('neutral'), Type.Literal('agree'), Type.Literal('strongly-agree')]),
    object_refs: List(Identifier),
  }),
  report: sdo('report', {
    name: Type.String(),
    description: opt(Type.String()),
    report_types: opt(Strings),
    published: Timestamp,
    object_refs: List(Identifier),
  }),
  'threat-actor': sdo('threat-actor', {
    name: Type.String(),
    description: opt(Type.String()),
    threat_actor_types: opt(Strings),
    aliases: opt(Strings),
    first_seen: opt(Timestamp),
    last_seen: opt(Timestamp),
    roles: opt(Strings),
    goals: opt(Strings),
    sophistication: opt(Type.String()),
    resource_level: opt(Type.String()),
    primary_motivation: opt(Type.String()),
    secondary_motivations: opt(Strings),
    personal_motivations: opt(Strings),
  }),
  tool: sdo('tool', {
    name: Type.String(),
    description: opt(Type.String()),
    tool_types: opt(Strings),
    aliases: opt(Strings),
    kill_chain_phases: opt(List(KillChainPhase)),
    tool_version: opt(Type.String()),
  }),
  vulnerability: sdo('vulnerability', { name: Type.String(), description: opt(Type.String()) }),
}

// ---------------------------------------------------------------------------------------------
// §5 STIX Relationship Objects

const SRO_SCHEMAS = {
  relationship: sdo('relationship', {
    relationship_type: Type.String({ pattern: '^[a-z0-9-]+$' }),
    description: opt(Type.String()),
    source_ref: Identifier,
    target_ref: Identifier,
    start_time: opt(Timestamp),
    stop_time: opt(Timestamp),
  }),
  sighting: sdo('sighting', {
    description: opt(Type.String()),
    first_seen: opt(Timestamp),
    last_seen: opt(Timestamp),
    count: opt(Int(0, 999_999_999)),
    sighting_of_ref: Identifier,
    observed_data_refs: opt(List(Identifier)),
    where_sighted_refs: opt(List(Identifier)),
    summary: opt(Type.Boolean()),
  }),
}

// ---------------------------------------------------------------------------------------------
// §6 STIX Cyber-observable Objects

const NtfsExt = Type.Object(
  {
    sid: opt(Type.String()),
    alternate_data_streams: opt(List(Type.Object({ name: Type.String(), hashes: opt(Hashes), size: opt(Int(0)) }))),
  },
  atLeastOne(['sid', 'alternate_data_streams']),
)
const RasterImageExt = Type.Object(
  {
    image_height: opt(Type.Integer()),
    image_width: opt(Type.Integer()),
    bits_per_pixel: opt(Type.Integer()),
    exif_tags: opt(raw({ type: 'object', minProperties: 1, patternProperties: { '^[A-Z][a-zA-Z0-9_-]+$': { type: ['string', 'integer'] } }, additionalProperties: false })),
  },
  atLeastOne(['image_height', 'image_width', 'bits_per_pixel', 'image_compression_algorithm', 'exif_tags']),
)
const PdfExt = Type.Object(
  {
    version: opt(Type.String()),
    is_optimized: opt(Type.Boolean()),
    document_info_dict: opt(Dictionary(Type.String())),
    pdfid0: opt(Type.String()),
    pdfid1: opt(Type.String()),
  },
  atLeastOne(['version', 'is_optimized', 'document_info_dict', 'pdfid0', 'pdfid1']),
)
const ArchiveExt = Type.Object({ contains_refs: List(Type.String()), comment: opt(Type.String()) })
const WindowsPeOptionalHeader = Type.Object(
  {
    magic_hex: opt(Hex),
    major_linker_version: opt(Type.Integer()),
    minor_linker_version: opt(Type.Integer()),
    size_of_code: opt(Int(0)),
    size_of_initialized_data: opt(Int(0)),
    size_of_uninitialized_data: opt(Int(0)),
    address_of_entry_point: opt(Type.Integer()),
    base_of_code: opt(Type.Integer()),
    base_of_data: opt(Type.Integer()),
    image_base: opt(Type.Integer()),
    section_alignment: opt(Type.Integer()),
    file_alignment: opt(Type.Integer()),
    major_os_version: opt(Type.Integer()),
    minor_os_version: opt(Type.Integer()),
    major_image_version: opt(Type.Integer()),
    minor_image_version: opt(Type.Integer()),
    major_subsystem_version: opt(Type.Integer()),
    minor_subsystem_version: opt(Type.Integer()),
    win32_version_value_hex: opt(Hex),
    size_of_image: opt(Int(0)),
    size_of_headers: opt(Int(0)),
    checksum_hex: opt(Hex),
    subsystem_hex: opt(Hex),
    dll_characteristics_hex: opt(Hex),
    size_of_stack_reserve: opt(Int(0)),
    size_of_stack_commit: opt(Int(0)),
    size_of_heap_reserve: opt(Int(0)),
    size_of_heap_commit: opt(Int(0)),
    loader_flags_hex: opt(Hex),
    number_of_rva_and_sizes: opt(Type.Integer()),
    hashes: opt(Hashes),
  },
  { minProperties: 1, additionalProperties: false },
)
const PE_HEADER_FIELDS = [
  'imphash',
  'machine_hex',
  'number_of_sections',
  'time_date_stamp',
  'pointer_to_symbol_table_hex',
  'number_of_symbols',
  'size_of_optional_header',
  'characteristics_hex',
  'file_header_hashes',
  'optional_header',
  'sections',
]
const WindowsPebinaryExt = Type.Object(
  {
    pe_type: Type.String(),
    imphash: opt(Type.String()),
    machine_hex: opt(Hex),
    number_of_sections: opt(Int(0)),
    // §6.7.6: the PE header's time stamp has no fraction of a second.
    time_date_stamp: opt(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)Z$' })),
    pointer_to_symbol_table_hex: opt(Hex),
    number_of_symbols: opt(Int(0)),
    size_of_optional_header: opt(Int(0)),
    characteristics_hex: opt(Hex),
    file_header_hashes: opt(Hashes),
    optional_header: opt(WindowsPeOptionalHeader),
    sections: opt(List(Type.Object({ name: Type.String(), size: opt(Int(0)), entropy: opt(Type.Number()), hashes: opt(Hashes) }))),
  },
  atLeastOne(PE_HEADER_FIELDS),
)

const HttpRequestExt = Type.Object({
  request_method: Type.String(),
  request_value: Type.String(),
  request_version: opt(Type.String()),
  request_header: opt(raw({ type: 'object', minProperties: 1, patternProperties: { '^.+$': { type: 'array', items: { type: 'string' } } }, additionalProperties: false })),
  message_body_length: opt(Type.Integer()),
  message_body_data_ref: opt(Type.String()),
})
const IcmpExt = Type.Object({ icmp_type_hex: Hex, icmp_code_hex: Hex })
const SocketExt = Type.Object({
  address_family: Type.Union(['AF_UNSPEC', 'AF_INET', 'AF_IPX', 'AF_APPLETALK', 'AF_NETBIOS', 'AF_INET6', 'AF_IRDA', 'AF_BTH'].map((value) => Type.Literal(value))),
  is_blocking: opt(Type.Boolean()),
  is_listening: opt(Type.Boolean()),
  options: opt(raw({ type: 'object', minProperties: 1, patternProperties: { '^(SO|ICMP|ICMP6|IP|IPV6|MCAST|TCP|IRLMP)(_[A-Z]+)+$': { type: 'integer' } }, additionalProperties: false })),
  socket_type: opt(Type.Union(['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET'].map((value) => Type.Literal(value)))),
  socket_descriptor: opt(Int(0)),
  socket_handle: opt(Type.Integer()),
})
const TcpExt = Type.Object({ src_flags_hex: opt(Hex), dst_flags_hex: opt(Hex) }, atLeastOne(['src_flags_hex', 'dst_flags_hex']))

const WindowsProcessExt = Type.Object(
  {
    aslr_enabled: opt(Type.Boolean()),
    dep_enabled: opt(Type.Boolean()),
    priority: opt(Type.String()),
    owner_sid: opt(Type.String()),
    window_title: opt(Type.String()),
    startup_info: opt(Dictionary()),
    integrity_level: opt(Type.Union(['low', 'medium', 'high', 'system'].map((value) => Type.Literal(value)))),
  },
  atLeastOne(['aslr_enabled', 'dep_enabled', 'priority', 'owner_sid', 'window_title', 'startup_info', 'integrity_level']),
)
const WindowsServiceExt = Type.Object(
  {
    service_name: opt(Type.String()),
    descriptions: opt(Strings),
    display_name: opt(Type.String()),
    group_name: opt(Type.String()),
    start_type: opt(Type.Union(['SERVICE_AUTO_START', 'SERVICE_BOOT_START', 'SERVICE_DEMAND_START', 'SERVICE_DISABLED', 'SERVICE_SYSTEM_ALERT'].map((value) => Type.Literal(value)))),
    service_dll_refs: opt(Refs),
    service_type: opt(Type.Union(['SERVICE_KERNEL_DRIVER', 'SERVICE_FILE_SYSTEM_DRIVER', 'SERVICE_WIN32_OWN_PROCESS', 'SERVICE_WIN32_SHARE_PROCESS'].map((value) => Type.Literal(value)))),
    service_status: opt(
      Type.Union(
        ['SERVICE_CONTINUE_PENDING', 'SERVICE_PAUSE_PENDING', 'SERVICE_PAUSED', 'SERVICE_RUNNING', 'SERVICE_START_PENDING', 'SERVICE_STOP_PENDING', 'SERVICE_STOPPED'].map((value) =>
          Type.Literal(value),
        ),
      ),
    ),
  },
  atLeastOne(['service_name', 'descriptions', 'display_name', 'group_name', 'start_type', 'service_dll_refs', 'service_type', 'service_status']),
)
const UnixAccountExt = Type.Object(
  { gid: opt(Type.Integer()), groups: opt(Strings), home_dir: opt(Type.String()), shell: opt(Type.String()) },
  atLeastOne(['gid', 'groups', 'home_dir', 'shell']),
)

const MimePart = Type.Object(
  { body: opt(Type.String()), body_raw_ref: opt(Type.String()), content_type: opt(Type.String()), content_disposition: opt(Type.String()) },
  { oneOf: [{ required: ['body'] }, { required: ['body_raw_ref'] }], ...says('body と body_raw_ref のどちらか一方が必要です', 'needs exactly one of body and body_raw_ref') },
)

const IPV4 = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}'

const SCO_SCHEMAS: Record<(typeof SCO_TYPES)[number], TSchema> = {
  // §6.1: the content itself, or where to fetch it and its hashes to check what was fetched.
  artifact: sco(
    'artifact',
    {
      mime_type: opt(Type.String({ pattern: '^(application|audio|font|image|message|model|multipart|text|video)/[a-zA-Z0-9.+_-]+' })),
      payload_bin: opt(Binary),
      url: opt(Uri),
      hashes: opt(Hashes),
      encryption_algorithm: opt(Type.Union(['AES-256-GCM', 'ChaCha20-Poly1305', 'mime-type-indicated'].map((value) => Type.Literal(value)))),
      decryption_key: opt(Type.String()),
    },
    {
      dependentRequired: { decryption_key: ['encryption_algorithm'] },
      oneOf: [
        { required: ['payload_bin'], not: { required: ['url'] } },
        { required: ['url', 'hashes'], not: { required: ['payload_bin'] } },
      ],
      ...says('payload_bin か、url と hashes のどちらか一方が必要です', 'needs either payload_bin, or url with hashes'),
    },
  ),
  'autonomous-system': sco('autonomous-system', { number: Type.Integer(), name: opt(Type.String()), rir: opt(Type.String()) }),
  directory: sco('directory', {
    path: Type.String(),
    path_enc: opt(Type.String({ pattern: '^[a-zA-Z0-9/.+_:-]{2,250}$' })),
    ctime: opt(Timestamp),
    mtime: opt(Timestamp),
    atime: opt(Timestamp),
    contains_refs: opt(Refs),
  }),
  'domain-name': sco('domain-name', { value: Type.String({ format: 'idn-hostname' }), resolves_to_refs: opt(Refs) }),
  'email-addr': sco('email-addr', { value: Type.String({ format: 'email' }), display_name: opt(Type.String()), belongs_to_ref: opt(Type.String()) }),
  // §6.6: a multipart message has body_multipart, never body; a single-part one the reverse.
  'email-message': sco(
    'email-message',
    {
      is_multipart: Type.Boolean(),
      date: opt(Timestamp),
      content_type: opt(Type.String()),
      from_ref: opt(Type.String()),
      sender_ref: opt(Type.String()),
      to_refs: opt(Refs),
      cc_refs: opt(Refs),
      bcc_refs: opt(Refs),
      message_id: opt(Type.String()),
      subject: opt(Type.String()),
      received_lines: opt(Type.Array(Type.String())),
      additional_header_fields: opt(Dictionary(raw({ type: ['string', 'array'], items: { type: 'string' }, minItems: 2 }))),
      body: opt(Type.String()),
      body_multipart: opt(Type.Array(MimePart)),
      raw_email_ref: opt(Type.String()),
    },
    {
      allOf: [
        { if: { properties: { is_multipart: { const: true } } }, then: { not: { required: ['body'] }, ...says('マルチパートのメールに body は使えません', 'a multipart message has no body') } },
        { if: { properties: { is_multipart: { const: false } } }, then: { not: { required: ['body_multipart'] }, ...says('シングルパートのメールに body_multipart は使えません', 'a single-part message has no body_multipart') } },
      ],
    },
  ),
  file: sco(
    'file',
    {
      extensions: opt(
        scoExtensions({ 'ntfs-ext': NtfsExt, 'raster-image-ext': RasterImageExt, 'pdf-ext': PdfExt, 'archive-ext': ArchiveExt, 'windows-pebinary-ext': WindowsPebinaryExt }),
      ),
      hashes: opt(Hashes),
      size: opt(Int(0)),
      name: opt(Type.String()),
      name_enc: opt(Type.String({ pattern: '^[a-zA-Z0-9/.+_:-]{2,250}$' })),
      magic_number_hex: opt(Hex),
      mime_type: opt(Type.String()),
      ctime: opt(Timestamp),
      mtime: opt(Timestamp),
      atime: opt(Timestamp),
      parent_directory_ref: opt(Type.String()),
      contains_refs: opt(Refs),
      content_ref: opt(Type.String()),
    },
    { anyOf: [{ required: ['hashes'] }, { required: ['name'] }], ...says('hashes か name が必要です', 'needs hashes or name') },
  ),
  // §6.8: dotted quad, optionally a CIDR block.
  'ipv4-addr': sco('ipv4-addr', {
    value: Type.String({ pattern: `^${IPV4}(/(3[0-2]|[12][0-9]|[0-9]))?$` }),
    resolves_to_refs: opt(Refs),
    belongs_to_refs: opt(Refs),
  }),
  // §6.9: RFC 4291 text forms (embedded IPv4 included), optionally a CIDR block.
  'ipv6-addr': sco('ipv6-addr', { value: Type.String({ format: 'ip-address-v6' }), resolves_to_refs: opt(Refs), belongs_to_refs: opt(Refs) }),
  // §6.10: lowercase, colon-delimited.
  'mac-addr': sco('mac-addr', { value: Type.String({ pattern: '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' }) }),
  mutex: sco('mutex', { name: Type.String() }),
  'network-traffic': sco(
    'network-traffic',
    {
      extensions: opt(scoExtensions({ 'http-request-ext': HttpRequestExt, 'icmp-ext': IcmpExt, 'socket-ext': SocketExt, 'tcp-ext': TcpExt })),
      start: opt(Timestamp),
      end: opt(Timestamp),
      is_active: opt(Type.Boolean()),
      src_ref: opt(Type.String()),
      dst_ref: opt(Type.String()),
      src_port: opt(Int(0, 65535)),
      dst_port: opt(Int(0, 65535)),
      protocols: Strings,
      src_byte_count: opt(Type.Integer()),
      dst_byte_count: opt(Type.Integer()),
      src_packets: opt(Type.Integer()),
      dst_packets: opt(Type.Integer()),
      ipfix: opt(Dictionary(raw({ type: ['string', 'integer'] }))),
      src_payload_ref: opt(Type.String()),
      dst_payload_ref: opt(Type.String()),
      encapsulates_refs: opt(Refs),
      encapsulated_by_ref: opt(Type.String()),
    },
    {
      anyOf: [{ required: ['src_ref'] }, { required: ['dst_ref'] }],
      // §6.12: traffic still active has no end.
      if: { properties: { is_active: { const: true } }, required: ['is_active'] },
      then: { not: { required: ['end'] }, ...says('通信中（is_active）なら end は使えません', 'active traffic (is_active) has no end') },
      ...says('src_ref か dst_ref が必要です', 'needs src_ref or dst_ref'),
    },
  ),
  process: sco(
    'process',
    {
      extensions: opt(scoExtensions({ 'windows-process-ext': WindowsProcessExt, 'windows-service-ext': WindowsServiceExt })),
      is_hidden: opt(Type.Boolean()),
      pid: opt(Type.Integer()),
      created_time: opt(Timestamp),
      cwd: opt(Type.String()),
      command_line: opt(Type.String()),
      environment_variables: opt(Dictionary()),
      opened_connection_refs: opt(Refs),
      creator_user_ref: opt(Type.String()),
      image_ref: opt(Type.String()),
      parent_ref: opt(Type.String()),
      child_refs: opt(Refs),
    },
    atLeastOne([
      'extensions',
      'is_hidden',
      'pid',
      'created_time',
      'cwd',
      'command_line',
      'environment_variables',
      'opened_connection_refs',
      'creator_user_ref',
      'image_ref',
      'parent_ref',
      'child_refs',
    ]),
  ),
  software: sco('software', {
    name: Type.String(),
    cpe: opt(Type.String({ format: 'cpe23' })),
    swid: opt(Type.String()),
    languages: opt(List(Type.String({ pattern: '^[a-z]{3}$' }))),
    vendor: opt(Type.String()),
    version: opt(Type.String()),
  }),
  url: sco('url', { value: Uri }),
  'user-account': sco(
    'user-account',
    {
      extensions: opt(scoExtensions({ 'unix-account-ext': UnixAccountExt })),
      user_id: opt(Type.String()),
      credential: opt(Type.String()),
      account_login: opt(Type.String()),
      account_type: opt(Type.String()),
      display_name: opt(Type.String()),
      is_service_account: opt(Type.Boolean()),
      is_privileged: opt(Type.Boolean()),
      can_escalate_privs: opt(Type.Boolean()),
      is_disabled: opt(Type.Boolean()),
      account_created: opt(Timestamp),
      account_expires: opt(Timestamp),
      credential_last_changed: opt(Timestamp),
      account_first_login: opt(Timestamp),
      account_last_login: opt(Timestamp),
    },
    atLeastOne([
      'extensions',
      'user_id',
      'credential',
      'account_login',
      'account_type',
      'display_name',
      'is_service_account',
      'is_privileged',
      'can_escalate_privs',
      'is_disabled',
      'account_created',
      'account_expires',
      'credential_last_changed',
      'account_first_login',
      'account_last_login',
    ]),
  ),
  // §6.17: the key names the full hive (HKEY_LOCAL_MACHINE), never its abbreviation.
  'windows-registry-key': sco(
    'windows-registry-key',
    {
      key: opt(Type.String({ not: { pattern: '^(HKLM|HKCC|HKCR|HKCU|HKU|hklm|hkcc|hkcr|hkcu|hku)' }, ...says('ハイブは省略せずに書きます（HKEY_LOCAL_MACHINE など）', 'name the hive in full (HKEY_LOCAL_MACHINE, …)') })),
      values: opt(
        Type.Array(
          Type.Object(
            {
              name: opt(Type.String()),
              data: opt(Type.String()),
              data_type: opt(
                Type.Union(
                  [
                    'REG_NONE',
                    'REG_SZ',
                    'REG_EXPAND_SZ',
                    'REG_BINARY',
                    'REG_DWORD',
                    'REG_DWORD_BIG_ENDIAN',
                    'REG_DWORD_LITTLE_ENDIAN',
                    'REG_LINK',
                    'REG_MULTI_SZ',
                    'REG_RESOURCE_LIST',
                    'REG_FULL_RESOURCE_DESCRIPTION',
                    'REG_RESOURCE_REQUIREMENTS_LIST',
                    'REG_QWORD',
                    'REG_INVALID_TYPE',
                  ].map((value) => Type.Literal(value)),
                ),
              ),
            },
            atLeastOne(['name', 'data', 'data_type']),
          ),
        ),
      ),
      modified_time: opt(Timestamp),
      creator_user_ref: opt(Type.String()),
      number_of_subkeys: opt(Type.Integer()),
    },
    atLeastOne(['key', 'values', 'modified_time', 'creator_user_ref', 'number_of_subkeys']),
  ),
  'x509-certificate': sco(
    'x509-certificate',
    {
      is_self_signed: opt(Type.Boolean()),
      hashes: opt(Hashes),
      version: opt(Type.String()),
      serial_number: opt(Type.String()),
      signature_algorithm: opt(Type.String()),
      issuer: opt(Type.String()),
      validity_not_before: opt(Timestamp),
      validity_not_after: opt(Timestamp),
      subject: opt(Type.String()),
      subject_public_key_algorithm: opt(Type.String()),
      subject_public_key_modulus: opt(Type.String()),
      subject_public_key_exponent: opt(Type.Integer()),
      x509_v3_extensions: opt(
        Type.Object(
          {
            basic_constraints: opt(Type.String()),
            name_constraints: opt(Type.String()),
            policy_constraints: opt(Type.String()),
            key_usage: opt(Type.String()),
            extended_key_usage: opt(Type.String()),
            subject_key_identifier: opt(Type.String()),
            authority_key_identifier: opt(Type.String()),
            subject_alternative_name: opt(Type.String()),
            issuer_alternative_name: opt(Type.String()),
            subject_directory_attributes: opt(Type.String()),
            crl_distribution_points: opt(Type.String()),
            inhibit_any_policy: opt(Type.String()),
            private_key_usage_period_not_before: opt(Timestamp),
            private_key_usage_period_not_after: opt(Timestamp),
            certificate_policies: opt(Type.String()),
            policy_mappings: opt(Type.String()),
          },
          { minProperties: 1 },
        ),
      ),
    },
    atLeastOne([
      'is_self_signed',
      'hashes',
      'version',
      'serial_number',
      'signature_algorithm',
      'issuer',
      'validity_not_before',
      'validity_not_after',
      'subject',
      'subject_public_key_algorithm',
      'subject_public_key_modulus',
      'subject_public_key_exponent',
      'x509_v3_extensions',
    ]),
  ),
}

// ---------------------------------------------------------------------------------------------
// §7 meta objects

/** §7.2.1.4: the four TLP 1.0 marking definitions STIX 2.1 predefines, exactly as published. */
export const TLP1_DEFINITIONS = [
  { id: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', name: 'TLP:WHITE', tlp: 'white' },
  { id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', name: 'TLP:GREEN', tlp: 'green' },
  { id: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', name: 'TLP:AMBER', tlp: 'amber' },
  { id: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', name: 'TLP:RED', tlp: 'red' },
] as const
export const TLP1_CREATED = '2017-01-20T00:00:00.000Z'

const TlpV1 = {
  properties: {
    created: { const: TLP1_CREATED },
    definition: { type: 'object', required: ['tlp'] },
  },
  required: ['name', 'definition'],
  propertyNames: { enum: ['type', 'spec_version', 'id', 'created', 'name', 'definition_type', 'definition'] },
  oneOf: TLP1_DEFINITIONS.map(({ id, name, tlp }) => ({
    properties: { id: { const: id }, name: { const: name }, definition: { properties: { tlp: { const: tlp } } } },
  })),
  ...says(
    'TLP 1.0 のマーキング定義は、公表された 4 つ（TLP:WHITE/GREEN/AMBER/RED）と完全に同じでなければなりません',
    'a TLP 1.0 marking definition must be exactly one of the four published ones (TLP:WHITE/GREEN/AMBER/RED)',
  ),
}

const MARKING_DEFINITION = stixObject(
  {
    type: Type.Literal('marking-definition'),
    spec_version: Type.Literal('2.1'),
    id: idOf('marking-definition'),
    created_by_ref: opt(Identifier),
    created: Timestamp,
    name: opt(Type.String()),
    definition_type: opt(Type.String()),
    definition: opt(Type.Object({})),
    external_references: opt(List(ExternalReference)),
    object_marking_refs: opt(List(idOf('marking-definition'))),
    granular_markings: opt(List(GranularMarking)),
    // §7.2.1: a marking definition carries only extension-definition extensions.
    extensions: opt(raw({ type: 'object', minProperties: 1, patternProperties: { [EXTENSION_DEFINITION_KEY]: ExtensionBody }, additionalProperties: false })),
  },
  {
    allOf: [
      // §7.2.1: without extensions, the marking is in definition_type + definition.
      { if: { not: { required: ['extensions'] } }, then: { required: ['definition_type', 'definition'] } },
      // §7.2.1.3 statement marking.
      {
        if: { properties: { definition_type: { const: 'statement' } }, required: ['definition_type'] },
        then: { properties: { definition: { type: 'object', properties: { statement: { type: 'string' } }, required: ['statement'] } } },
      },
      { if: { properties: { definition_type: { const: 'tlp' } }, required: ['definition_type'] }, then: TlpV1 },
    ],
  },
)

const LANGUAGE_CONTENT = sdo('language-content', {
  object_ref: Identifier,
  object_modified: opt(Timestamp),
  contents: Dictionary(),
})

const EXTENSION_DEFINITION = sdo(
  'extension-definition',
  {
    name: Type.String(),
    description: opt(Type.String()),
    schema: Type.String(),
    version: Type.String(),
    extension_types: List(Type.Union(EXTENSION_TYPES.map((value) => Type.Literal(value)))),
    extension_properties: opt(Strings),
  },
  {
    // §7.3: extension_properties only for a toplevel-property-extension.
    if: { not: { properties: { extension_types: { contains: { const: 'toplevel-property-extension' } } } } },
    then: {
      not: { required: ['extension_properties'] },
      ...says('extension_properties は toplevel-property-extension のときだけ使えます', 'extension_properties is only for a toplevel-property-extension'),
    },
  },
)

/** Every object type's schema, keyed by `type`. */
export const STIX_OBJECT_SCHEMAS: Record<StixType, TSchema> = {
  ...SDO_SCHEMAS,
  ...SRO_SCHEMAS,
  ...SCO_SCHEMAS,
  'marking-definition': MARKING_DEFINITION,
  'language-content': LANGUAGE_CONTENT,
  'extension-definition': EXTENSION_DEFINITION,
}

/**
 * §11.2 custom objects: a custom SDO/SRO has the common properties of §3.2, a custom SCO those of
 * §6.1. Which of the two is decided by the validator (an object with `created` is an SDO/SRO).
 */
const customType = Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*-?$', minLength: 3, maxLength: 250 })
export const CUSTOM_SDO_SCHEMA = stixObject({ ...sdoCommon('x'), type: customType, id: Identifier })
export const CUSTOM_SCO_SCHEMA = stixObject({ ...scoCommon('x'), type: customType, id: Identifier })

/** §8 bundle: the envelope; each object inside is validated by its own type. */
export const BUNDLE_SCHEMA = Type.Object({
  type: Type.Literal('bundle'),
  id: idOf('bundle'),
  objects: opt(List(Type.Unknown())),
})
