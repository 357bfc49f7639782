import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { makeBundle, makeIdentity, makeIndicator, patternFor, stixTimestamp, uuidV5, type ObservableType } from './stix-build.js'
import { parseTlpLevel, TLP2_MARKING_IDS, type TlpLevel } from './tlp.js'

// MISP event JSON (the MISP core format: `{ "Event": { …, "Attribute": […], "Object": [{ "Attribute":
// […] }], "Tag": […] } }`) to a STIX 2.1 bundle: one indicator per attribute whose type Kamae can
// match, the event as a report referring to them, the creating organisation as an identity, and
// `tlp:*` tags as TLP 2.0 markings (an attribute's own tag before the event's; TLP 1.0 WHITE as
// CLEAR), other tags (the event's and the attribute's) as labels. Pure. Every attribute left out is named, by its JSON pointer, in `problems`.

/** MISP attribute type -> what its value is (a composite `a|b` type: which half is kept). */
const ATTRIBUTE_TYPES: Record<string, { type: ObservableType | 'ip'; half?: 0 | 1 }> = {
  'ip-src': { type: 'ip' },
  'ip-dst': { type: 'ip' },
  'ip-src|port': { type: 'ip', half: 0 },
  'ip-dst|port': { type: 'ip', half: 0 },
  domain: { type: 'domain' },
  hostname: { type: 'domain' },
  'hostname|port': { type: 'domain', half: 0 },
  url: { type: 'url' },
  link: { type: 'url' },
  'email-src': { type: 'email' },
  'email-dst': { type: 'email' },
  email: { type: 'email' },
  md5: { type: 'md5' },
  sha1: { type: 'sha1' },
  sha256: { type: 'sha256' },
  'filename|md5': { type: 'md5', half: 1 },
  'filename|sha1': { type: 'sha1', half: 1 },
  'filename|sha256': { type: 'sha256', half: 1 },
}

export interface MispImportOptions {
  /** Used when the event carries no timestamp. */
  now: Date
  /** MISP's to_ids = false marks context, not detection: such attributes are left out unless asked. */
  includeNonIds?: boolean
}

export type MispImport =
  | { ok: true; bundle: Record<string, unknown>; indicators: number; problems: ErrorDetail[] }
  | { ok: false; errors: ErrorDetail[] }

interface MispAttribute {
  type?: unknown
  value?: unknown
  uuid?: unknown
  timestamp?: unknown
  comment?: unknown
  to_ids?: unknown
  deleted?: unknown
  Tag?: unknown
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

export function importMispEvent(json: unknown, options: MispImportOptions): MispImport {
  const located = locateEvent(json)
  if (!located) {
    return { ok: false, errors: [{ path: '', message: { ja: 'MISP のイベント（{"Event": {…}}）ではありません', en: 'is not a MISP event ({"Event": {…}})' } }] }
  }
  const { event, at } = located
  const problems: ErrorDetail[] = []
  const eventUuid = typeof event.uuid === 'string' && UUID.test(event.uuid) ? event.uuid.toLowerCase() : uuidV5(`misp-event:${JSON.stringify(event.info ?? '')}`)
  const eventTime = mispTime(event.timestamp) ?? (typeof event.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(event.date) ? new Date(`${event.date}T00:00:00Z`) : options.now)
  const eventTlp = tlpOfTags(event.Tag)
  const eventLabels = otherTags(event.Tag)

  const org = isRecord(event.Orgc) ? event.Orgc : null
  const orgName = org && typeof org.name === 'string' ? org.name : null
  const identity = orgName ? makeIdentity(org && typeof org.uuid === 'string' && UUID.test(org.uuid) ? org.uuid.toLowerCase() : uuidV5(`misp-org:${orgName}`), orgName, stixTimestamp(eventTime)) : null

  const indicators: Array<Record<string, unknown>> = []
  const tlps = new Set<TlpLevel>()
  const addAttribute = (attribute: unknown, path: string, context: string | null) => {
    const made = indicatorOf(attribute, path, { eventUuid, eventTime, eventTlp, eventLabels, identityId: identity?.id as string | undefined, context, includeNonIds: options.includeNonIds === true })
    if ('problem' in made) {
      if (made.problem) problems.push(made.problem)
      return
    }
    indicators.push(made.indicator)
    if (made.tlp) tlps.add(made.tlp)
  }
  listAt(event.Attribute).forEach((attribute, i) => addAttribute(attribute, `${at}/Attribute/${i}`, null))
  listAt(event.Object).forEach((object, o) => {
    if (!isRecord(object) || object.deleted === true) return
    const name = typeof object.name === 'string' ? object.name : null
    listAt(object.Attribute).forEach((attribute, i) => addAttribute(attribute, `${at}/Object/${o}/Attribute/${i}`, name))
  })

  const objects: Array<Record<string, unknown>> = [...(identity ? [identity] : []), ...indicators]
  if (indicators.length > 0) {
    const created = stixTimestamp(eventTime)
    objects.push({
      type: 'report',
      spec_version: '2.1',
      id: `report--${eventUuid}`,
      ...(identity ? { created_by_ref: identity.id } : {}),
      created,
      modified: created,
      name: typeof event.info === 'string' && event.info.trim() !== '' ? event.info : `MISP event ${eventUuid}`,
      report_types: ['threat-report'],
      published: created,
      object_refs: indicators.map((indicator) => indicator.id),
      ...(eventTlp ? { object_marking_refs: [TLP2_MARKING_IDS[eventTlp]] } : {}),
    })
    if (eventTlp) tlps.add(eventTlp)
  }
  return { ok: true, bundle: makeBundle(objects, tlps, `misp:${eventUuid}`), indicators: indicators.length, problems }
}

interface EventContext {
  eventUuid: string
  eventTime: Date
  eventTlp: TlpLevel | null
  /** The event's tags other than TLP: they apply to every attribute. */
  eventLabels: string[]
  identityId: string | undefined
  /** The MISP object the attribute belongs to, if any. */
  context: string | null
  includeNonIds: boolean
}

type Made = { indicator: Record<string, unknown>; tlp: TlpLevel | null } | { problem: ErrorDetail | null }

function indicatorOf(raw: unknown, path: string, context: EventContext): Made {
  if (!isRecord(raw)) return { problem: problem(path, { ja: '属性（オブジェクト）ではありません', en: 'is not an attribute (an object)' }) }
  const attribute = raw as MispAttribute
  if (attribute.deleted === true) return { problem: null }
  const type = typeof attribute.type === 'string' ? attribute.type : ''
  const mapping = ATTRIBUTE_TYPES[type]
  if (!mapping) {
    return { problem: problem(`${path}/type`, { ja: `種類「${type}」は照合できないため取り込みません`, en: `type "${type}" is not one Kamae matches: left out` }) }
  }
  if (attribute.to_ids === false && !context.includeNonIds) {
    return { problem: problem(`${path}/to_ids`, { ja: 'to_ids が false（検知用ではない）のため取り込みません', en: 'to_ids is false (not for detection): left out' }) }
  }
  if (typeof attribute.value !== 'string') return { problem: problem(`${path}/value`, { ja: '値（文字列）がありません', en: 'has no value (a string)' }) }
  const value = mapping.half === undefined ? attribute.value : (attribute.value.split('|')[mapping.half] ?? '')
  const built = patternFor(mapping.type, value)
  if (!built.ok) return { problem: problem(`${path}/value`, built.reason) }
  const time = stixTimestamp(mispTime(attribute.timestamp) ?? context.eventTime)
  const uuid = typeof attribute.uuid === 'string' && UUID.test(attribute.uuid) ? attribute.uuid.toLowerCase() : uuidV5(`misp-attribute:${context.eventUuid}:${path}`)
  const tlp = tlpOfTags(attribute.Tag) ?? context.eventTlp
  const comment = typeof attribute.comment === 'string' && attribute.comment.trim() !== '' ? attribute.comment : undefined
  return {
    tlp,
    indicator: makeIndicator({
      uuid,
      pattern: built.pattern,
      name: `${context.context ? `${context.context} / ` : ''}${type}: ${value.trim()}`,
      description: comment,
      created: time,
      modified: time,
      validFrom: time,
      createdByRef: context.identityId,
      labels: [...new Set([...context.eventLabels, ...otherTags(attribute.Tag)])],
      tlp,
    }),
  }
}

function locateEvent(json: unknown): { event: Record<string, unknown>; at: string } | null {
  if (!isRecord(json)) return null
  if (isRecord(json.Event)) return { event: json.Event, at: '/Event' }
  // A search result: { "response": [ { "Event": … } ] } — the first event.
  if (Array.isArray(json.response) && isRecord(json.response[0]) && isRecord(json.response[0].Event)) return { event: json.response[0].Event, at: '/response/0/Event' }
  if (Array.isArray(json.Attribute) || typeof json.info === 'string') return { event: json, at: '' }
  return null
}

/** The TLP of a tag list (`tlp:amber`, `tlp:white`, …), the most restrictive if several. */
function tlpOfTags(tags: unknown): TlpLevel | null {
  const order: TlpLevel[] = ['red', 'amber+strict', 'amber', 'green', 'clear']
  let found: TlpLevel | null = null
  for (const tag of listAt(tags)) {
    const name = isRecord(tag) && typeof tag.name === 'string' ? tag.name : null
    if (!name || !/^tlp:/i.test(name)) continue
    const level = parseTlpLevel(name)
    if (level && (found === null || order.indexOf(level) < order.indexOf(found))) found = level
  }
  return found
}

/** Tags other than TLP, as STIX labels. */
function otherTags(tags: unknown): string[] {
  return listAt(tags)
    .map((tag) => (isRecord(tag) && typeof tag.name === 'string' ? tag.name : null))
    .filter((name): name is string => name !== null && name.trim() !== '' && !/^tlp:/i.test(name))
}

/** MISP timestamps are Unix seconds, as a number or a string. */
function mispTime(value: unknown): Date | null {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null
}

const problem = (path: string, message: Localized): ErrorDetail => ({ path, message })
const listAt = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
