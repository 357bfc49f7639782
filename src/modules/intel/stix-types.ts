// The STIX 2.1 object types (OASIS STIX 2.1, §4 SDOs, §5 SROs, §6 SCOs, §7 meta objects) and the
// identifier shape they share. Pure data: the validator, the pattern parser and the importers read it.

export const SDO_TYPES = [
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
] as const

export const SRO_TYPES = ['relationship', 'sighting'] as const

export const SCO_TYPES = [
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
] as const

/** §7: objects that describe other objects; never the end of a relationship. */
export const META_TYPES = ['marking-definition', 'language-content', 'extension-definition'] as const

export type SdoType = (typeof SDO_TYPES)[number]
export type SroType = (typeof SRO_TYPES)[number]
export type ScoType = (typeof SCO_TYPES)[number]
export type MetaType = (typeof META_TYPES)[number]
export type StixType = SdoType | SroType | ScoType | MetaType

const sdoSet = new Set<string>(SDO_TYPES)
const sroSet = new Set<string>(SRO_TYPES)
const scoSet = new Set<string>(SCO_TYPES)
const metaSet = new Set<string>(META_TYPES)

export const isSdoType = (type: string): type is SdoType => sdoSet.has(type)
export const isSroType = (type: string): type is SroType => sroSet.has(type)
export const isScoType = (type: string): type is ScoType => scoSet.has(type)
export const isMetaType = (type: string): type is MetaType => metaSet.has(type)
/** A type the specification defines (anything else is a custom object). */
export const isSpecType = (type: string): type is StixType => sdoSet.has(type) || sroSet.has(type) || scoSet.has(type) || metaSet.has(type)

/** §2.9: an RFC 4122 UUID (any version 1–5; SCOs use v5, everything else v4). */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}'
/** §2.9: `<object type>--<UUID>`. */
export const IDENTIFIER_PATTERN = `^[a-z][a-z0-9-]+[a-z0-9]--${UUID_PATTERN}$`
const identifierRegExp = new RegExp(IDENTIFIER_PATTERN)

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && identifierRegExp.test(value)
}

/** The object type an identifier names: `indicator--…` -> `indicator`. */
export function typeOfIdentifier(id: string): string {
  const at = id.indexOf('--')
  return at < 0 ? '' : id.slice(0, at)
}

/** What kind of object an identifier points at, for messages and reference rules. */
export type ObjectKind = 'sdo' | 'sro' | 'sco' | 'meta' | 'bundle' | 'custom'

export function kindOfType(type: string): ObjectKind {
  if (sdoSet.has(type)) return 'sdo'
  if (sroSet.has(type)) return 'sro'
  if (scoSet.has(type)) return 'sco'
  if (metaSet.has(type)) return 'meta'
  if (type === 'bundle') return 'bundle'
  return 'custom'
}
