import { randomUUID } from 'node:crypto'
import type { Queryable } from '../../db/database.js'
import type { ErrorDetail } from '../../errors.js'
import { objectTexts } from './bundle-text.js'
import * as repo from './repository.js'
import type { ShareVia } from './schema.js'
import { accessOf, effectiveTlp, type Recipients } from './sharing.js'
import { timestampKey } from './stix-formats.js'
import { observablesOf, parsePattern } from './stix-pattern.js'
import { validateStix } from './stix-validate.js'
import { mayRead, tlpOfMarkings, type Reader, type TlpLevel } from './tlp.js'

// The STIX 2.1 store (issue 5 §1): every object that comes in is validated (stix-validate.ts) and
// stored with its versions, its JSON exactly as received, and the columns it is found by; every
// object that goes out has passed `mayRead` (tlp.ts) for the reader. Used by the API service, the
// TAXII server and the TAXII client alike.

export interface IncomingObject {
  /** Where it was in the bundle or envelope (`objects[index]`). */
  index: number
  object: Record<string, unknown>
  /** Its JSON exactly as received. */
  text: string
}

export type DocumentRead = { ok: true; objects: IncomingObject[] } | { ok: false; errors: ErrorDetail[] }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function parseJson(data: Buffer | string): { ok: true; text: string; value: unknown } | { ok: false; errors: ErrorDetail[] } {
  const text = (typeof data === 'string' ? data : data.toString('utf8')).replace(/^\uFEFF/, '')
  try {
    return { ok: true, text, value: JSON.parse(text) as unknown }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, errors: [{ path: '', message: { ja: `JSON として読めません（${reason}）`, en: `is not JSON (${reason})` } }] }
  }
}

const NESTED_BUNDLE = { ja: 'バンドルの中にバンドルは入れられません', en: 'a bundle cannot hold another bundle' }

/**
 * A STIX bundle as uploaded, validated whole: any invalid object refuses all of it, every problem
 * located by a JSON pointer that names the object's index (`/objects/3/pattern`).
 */
export function readBundle(data: Buffer | string): DocumentRead {
  const parsed = parseJson(data)
  if (!parsed.ok) return parsed
  const bundle = parsed.value
  if (!isRecord(bundle) || bundle.type !== 'bundle') {
    return { ok: false, errors: [{ path: '/type', message: { ja: 'STIX バンドル（"type": "bundle"）ではありません', en: 'is not a STIX bundle ("type": "bundle")' } }] }
  }
  const errors: ErrorDetail[] = []
  const objects = Array.isArray(bundle.objects) ? bundle.objects : []
  objects.forEach((object, i) => {
    if (isRecord(object) && object.type === 'bundle') errors.push({ path: `/objects/${i}/type`, message: NESTED_BUNDLE })
  })
  const validation = validateStix(bundle)
  if (!validation.ok) errors.push(...validation.errors)
  if (errors.length === 0 && objects.length === 0) {
    errors.push({ path: '/objects', message: { ja: 'オブジェクトが1つもありません', en: 'holds no objects' } })
  }
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, objects: withTexts(parsed.text, objects as Record<string, unknown>[]) }
}

function withTexts(text: string, objects: Record<string, unknown>[]): IncomingObject[] {
  const texts = objectTexts(text) ?? []
  return objects.map((object, index) => ({ index, object, text: texts[index] ?? JSON.stringify(object) }))
}

export type EnvelopeRead =
  | { ok: true; objects: IncomingObject[]; problems: Map<number, ErrorDetail[]>; ids: Map<number, { id: string; version: string }> }
  | { ok: false; errors: ErrorDetail[] }

/** The objects of a TAXII envelope (a POST, or a page pulled from another server), each validated on its own. */
export function readEnvelope(data: Buffer | string): EnvelopeRead {
  const parsed = parseJson(data)
  if (!parsed.ok) return parsed
  const envelope = parsed.value
  if (!isRecord(envelope) || (envelope.objects !== undefined && !Array.isArray(envelope.objects))) {
    return { ok: false, errors: [{ path: '/objects', message: { ja: 'TAXII エンベロープ（objects の配列）ではありません', en: 'is not a TAXII envelope (an objects array)' } }] }
  }
  const list = (envelope.objects ?? []) as unknown[]
  const problems = new Map<number, ErrorDetail[]>()
  const ids = new Map<number, { id: string; version: string }>()
  list.forEach((object, i) => {
    if (isRecord(object)) ids.set(i, { id: String(object.id ?? ''), version: String(object.modified ?? object.created ?? '') })
    if (isRecord(object) && object.type === 'bundle') {
      problems.set(i, [{ path: `/objects/${i}/type`, message: NESTED_BUNDLE }])
      return
    }
    const result = validateStix(object)
    if (!result.ok) problems.set(i, result.errors.map((e) => ({ ...e, path: `/objects/${i}${e.path}` })))
  })
  const objects = withTexts(parsed.text, list.map((o) => (isRecord(o) ? o : {})))
  return { ok: true, objects, problems, ids }
}

// ---------------------------------------------------------------- what a stored object is found by

export interface IndexFields {
  stixId: string
  type: string
  specVersion: string
  created: string | null
  modified: string | null
  createdByRef: string | null
  markings: string[]
  ownTlp: TlpLevel | null
  name: string | null
  revoked: boolean
  /** Objects without `modified` (SCOs, marking definitions) have one version. */
  versionKey: string
}

const text = (value: unknown) => (typeof value === 'string' ? value : null)

export function indexFieldsOf(object: Record<string, unknown>): IndexFields {
  const modified = text(object.modified)
  const markings = Array.isArray(object.object_marking_refs) ? object.object_marking_refs.filter((m): m is string => typeof m === 'string') : []
  const name = text(object.name) ?? text(object.value) ?? text(object.pattern)
  return {
    stixId: String(object.id),
    type: String(object.type),
    specVersion: text(object.spec_version) ?? '2.1',
    created: text(object.created),
    modified,
    createdByRef: text(object.created_by_ref),
    markings,
    ownTlp: tlpOfMarkings(markings),
    name: name ? name.slice(0, 1000) : null,
    revoked: object.revoked === true,
    versionKey: modified ? timestampKey(modified) : '',
  }
}

/** The observables an indicator's STIX pattern names (what matching looks up). */
export function observablesOfIndicator(object: Record<string, unknown>) {
  if (object.type !== 'indicator' || object.pattern_type !== 'stix' || typeof object.pattern !== 'string') return []
  const parsed = parsePattern(object.pattern)
  return parsed.ok ? observablesOf(parsed.pattern) : []
}

/** `…T…:SS.ffffffZ` plus n microseconds. */
export function addMicroseconds(timestamp: string, n: number): string {
  const millis = Date.parse(`${timestamp.slice(0, 23)}Z`)
  const micros = Number(timestamp.slice(23, 26)) + n
  const whole = new Date(millis + Math.floor(micros / 1000)).toISOString()
  return `${whole.slice(0, 23)}${String(micros % 1000).padStart(3, '0')}Z`
}

// ---------------------------------------------------------------- writing

export interface IngestRequest {
  collection: repo.CollectionRow
  producerOrgId: string
  producerUserId: string | null
  via: ShareVia
  /** The label chosen for this share (a floor on every object), or null: the objects' own markings. */
  tlp: TlpLevel | null
  anonymous: boolean
  recipients: Recipients
  subscriptionId?: string | null
  objects: readonly IncomingObject[]
  now: Date
}

export interface StoredVersion {
  index: number
  id: string
  version: string
}

export interface IngestOutcome {
  shareId: string
  stored: StoredVersion[]
  /** Versions this producer had already stored in the collection (left as they were). */
  alreadyStored: StoredVersion[]
}

/** The rows of a share's objects: one per version (the first of duplicates), date_added growing from `base`. */
function versionRows(request: IngestRequest, shareId: string, base: string): (repo.NewObjectRow & { index: number })[] {
  const { collection } = request
  const seen = new Set<string>()
  const rows: (repo.NewObjectRow & { index: number })[] = []
  for (const incoming of request.objects) {
    const fields = indexFieldsOf(incoming.object)
    const key = `${fields.stixId}\n${fields.versionKey}`
    if (seen.has(key)) continue
    seen.add(key)
    const dateAdded = addMicroseconds(base, rows.length)
    rows.push({
      index: incoming.index,
      collectionId: collection.id,
      communityId: collection.communityId,
      shareId,
      producerOrgId: request.producerOrgId,
      stixId: fields.stixId,
      type: fields.type,
      specVersion: fields.specVersion,
      // TAXII 2.1 §3.4.2: the version is `modified`, else `created`, else a value of the server's own.
      version: fields.modified ?? fields.created ?? dateAdded,
      versionKey: fields.versionKey,
      created: fields.created,
      modified: fields.modified,
      createdByRef: fields.createdByRef,
      markings: fields.markings,
      tlp: effectiveTlp(fields.ownTlp, request.tlp, collection.defaultTlp),
      name: fields.name,
      revoked: fields.revoked,
      dateAdded,
      json: incoming.text,
    })
  }
  return rows
}

async function insertShare(tx: Queryable, request: IngestRequest): Promise<string> {
  const shareId = randomUUID()
  const { now } = request
  await repo.insertShare(tx, {
    id: shareId,
    collectionId: request.collection.id,
    producerOrgId: request.producerOrgId,
    producerUserId: request.producerUserId,
    via: request.via,
    tlp: request.tlp ?? request.collection.defaultTlp,
    anonymous: request.anonymous,
    subscriptionId: request.subscriptionId ?? null,
    createdAt: now,
  })
  const named = { shareId, namedByOrgId: request.producerOrgId, addedAt: now }
  await repo.insertRecipients(tx, [
    ...request.recipients.orgIds.map((orgId) => ({ ...named, kind: 'org' as const, orgId, userId: null })),
    ...request.recipients.userIds.map((userId) => ({ ...named, kind: 'user' as const, orgId: null, userId })),
    ...request.recipients.clientOrgIds.map((orgId) => ({ ...named, kind: 'client' as const, orgId, userId: null })),
  ])
  return shareId
}

/**
 * Stores validated objects in a collection as one share, inside the caller's transaction: the
 * collection is locked so that date_added grows with every object, to the microsecond, in the
 * order objects are stored (what TAXII pages and added_after rely on).
 */
export async function ingest(tx: Queryable, request: IngestRequest): Promise<IngestOutcome> {
  await repo.lockCollection(tx, request.collection.id)
  const shareId = await insertShare(tx, request)
  const rows = versionRows(request, shareId, await repo.nextDateAdded(tx, request.collection.id, request.now))
  const inserted = await repo.insertObjects(
    tx,
    rows.map(({ index: _index, ...row }) => row),
  )
  const seqOf = new Map(inserted.map((row) => [`${row.stixId}\n${row.versionKey}`, row.seq]))
  const objectAt = new Map(request.objects.map((o) => [o.index, o.object]))
  const observables = []
  const stored: StoredVersion[] = []
  const alreadyStored: StoredVersion[] = []
  for (const row of rows) {
    const seq = seqOf.get(`${row.stixId}\n${row.versionKey}`)
    const version = { index: row.index, id: row.stixId, version: row.version }
    if (seq === undefined) {
      alreadyStored.push(version)
      continue
    }
    stored.push(version)
    for (const named of observablesOfIndicator(objectAt.get(row.index)!)) observables.push({ objectSeq: seq, kind: named.kind, operator: named.operator, value: named.value })
  }
  await repo.insertObservables(tx, observables)
  return { shareId, stored, alreadyStored }
}

// ---------------------------------------------------------------- reading

export interface CollectionAccess {
  collection: repo.CollectionRow
  canRead: boolean
  canWrite: boolean
  /** The organisation owns it (the ISAC, or the group's owner): it manages rights. */
  owns: boolean
  /** The organisation belongs to the collection's community. */
  member: boolean
}

export interface ReaderContext {
  reader: Reader
  /** Every collection the organisation owns, is granted, or sees through its communities. */
  collections: Map<string, CollectionAccess>
  isacIds: string[]
  groupIds: string[]
}

/** Who reads, as `mayRead` needs it: the communities of the organisation and the collections it may read. */
export async function readerContext(db: Queryable, who: { userId: string; orgId: string }): Promise<ReaderContext> {
  const isacIds = await repo.isacsOfMember(db, who.orgId)
  const groupIds = await repo.groupsOfMember(db, who.orgId)
  // An ISAC belongs to its own community.
  const communityIds = [who.orgId, ...isacIds, ...groupIds]
  const collections = new Map<string, CollectionAccess>()
  for (const { collection, rightRead, rightWrite } of await repo.collectionsNear(db, who.orgId, communityIds)) {
    const owns = collection.ownerOrgId === who.orgId
    const member = communityIds.includes(collection.communityId)
    collections.set(collection.id, {
      collection,
      owns,
      member,
      canRead: owns || rightRead || (member && collection.membersCanRead),
      canWrite: owns || rightWrite || (member && collection.membersCanWrite),
    })
  }
  const collectionIds = [...collections.values()].filter((c) => c.canRead).map((c) => c.collection.id)
  return { reader: { userId: who.userId, orgId: who.orgId, communityIds, collectionIds }, collections, isacIds, groupIds }
}

/**
 * The one gate every read path goes through: the rows the database found for the reader are each
 * checked by `mayRead` with what they were shared with; anything it refuses is dropped.
 */
export async function guard(db: Queryable, reader: Reader, rows: repo.ObjectRow[]): Promise<repo.ObjectRow[]> {
  const recipients = await repo.recipientsOfShares(
    db,
    rows.map((row) => row.shareId),
  )
  const byShare = new Map<string, repo.RecipientRowFull[]>()
  for (const recipient of recipients) byShare.set(recipient.shareId, [...(byShare.get(recipient.shareId) ?? []), recipient])
  return rows.filter((row) => mayRead(accessOf(row, byShare.get(row.shareId) ?? []), reader))
}

/** Objects the reader may read, one page of them. */
export async function readObjects(db: Queryable, reader: Reader, query: repo.ObjectQuery): Promise<repo.ObjectRow[]> {
  return guard(db, reader, await repo.findObjects(db, reader, query))
}

/**
 * Everything the reader may read that the query selects, page by page in the order it was added:
 * what exports read, and what matching against a collection will read.
 */
export async function* readablePages(db: Queryable, reader: Reader, query: Omit<repo.ObjectQuery, 'order' | 'afterSeq' | 'limit' | 'offset'>, pageSize = 1000): AsyncGenerator<repo.ObjectRow[]> {
  let afterSeq: number | undefined
  for (;;) {
    const found = await repo.findObjects(db, reader, { ...query, order: 'added', afterSeq, limit: pageSize })
    if (found.length === 0) return
    afterSeq = found.at(-1)!.seq
    yield await guard(db, reader, found)
    if (found.length < pageSize) return
  }
}
