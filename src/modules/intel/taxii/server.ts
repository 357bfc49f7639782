import { randomUUID } from 'node:crypto'
import type { AppContext } from '../../../context.js'
import { AppError, forbidden } from '../../../errors.js'
import type { Locale } from '../../../i18n/locale.js'
import { recordAudit } from '../../audit/service.js'
import type { Actor } from '../../identity/actor.js'
import { assertCanRead, assertCanWrite, missing, visibleCollection } from '../permissions.js'
import * as repo from '../repository.js'
import type { StatusDetail } from '../schema.js'
import { NO_RECIPIENTS } from '../sharing.js'
import { guard, ingest, readEnvelope, readerContext, type CollectionAccess, type ReaderContext } from '../store.js'
import { timestampKey } from '../stix-formats.js'
import { API_ROOT_PATH, badParameter, decodeNext, encodeNext, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from './media.js'

// The TAXII 2.1 server's endpoints (OASIS TAXII 2.1 §4 API roots and status, §5 collections), over
// the store: collection rights first (can_read / can_write per organisation), then TLP 2.0 on every
// object (the store's gate). One API root, `/taxii2/kamae/`. Objects come ordered by date added;
// a page is `limit` objects, `next` continues it (§3.4).

export const DEFAULT_PAGE = 100
export const MAX_PAGE = 1000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

// ---------------------------------------------------------------- discovery and API root

/** §4.1: the server's discovery resource; URLs on the host the client used. */
export function discovery(origin: string) {
  const root = `${origin}${API_ROOT_PATH}`
  return {
    title: 'Kamae TAXII 2.1',
    description: 'Threat intelligence of the financial sector, shared under TLP 2.0 (構え Kamae)',
    default: root,
    api_roots: [root],
  }
}

/** §4.2: the API root; max_content_length is the upload limit of the deployment. */
export function apiRoot(ctx: AppContext) {
  return {
    title: 'Kamae',
    description: 'ISAC and sharing-group collections; every object is filtered by TLP 2.0 for the requesting organisation',
    versions: [TAXII_MEDIA_TYPE],
    max_content_length: ctx.config.maxUploadBytes,
  }
}

// ---------------------------------------------------------------- collections

function collectionResource(access: CollectionAccess) {
  const c = access.collection
  return {
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    can_read: access.canRead,
    can_write: access.canWrite,
    media_types: [STIX_MEDIA_TYPE],
  }
}

/** §5.1: the collections the organisation may read or write. */
export async function listCollections(ctx: AppContext, actor: Actor) {
  const context = await readerContext(ctx.db, actor)
  const collections = [...context.collections.values()].filter((a) => a.canRead || a.canWrite).map(collectionResource)
  return { collections }
}

async function accessTo(ctx: AppContext, actor: Actor, collectionId: string): Promise<{ context: ReaderContext; access: CollectionAccess }> {
  if (!UUID.test(collectionId)) throw missing('collection')
  const context = await readerContext(ctx.db, actor)
  const access = visibleCollection(context.collections.get(collectionId))
  if (!access.canRead && !access.canWrite) throw missing('collection')
  return { context, access }
}

export async function getCollection(ctx: AppContext, actor: Actor, collectionId: string) {
  return collectionResource((await accessTo(ctx, actor, collectionId)).access)
}

// ---------------------------------------------------------------- filters

export interface TaxiiParams {
  addedAfter?: string
  ids?: string[]
  types?: string[]
  versions: repo.VersionSelector[]
  specVersions?: string[]
  limit: number
  afterSeq?: number
}

type Query = Record<string, string | string[] | undefined>

/** `match[type]=a,b&match[type]=c` -> [a, b, c]. */
function listParam(query: Query, name: string): string[] | undefined {
  const raw = query[name]
  if (raw === undefined) return undefined
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  return values
}

const NOT_A_TIMESTAMP = { ja: 'タイムスタンプ（例 2024-04-01T00:00:00.000Z）ではありません', en: 'is not a timestamp (such as 2024-04-01T00:00:00.000Z)' }

/**
 * §3.4, §3.5: the URL parameters an endpoint takes, checked; anything malformed is 400.
 * `match[version]` defaults to `last` (objects, object by id, manifest) or `all` (delete, versions).
 */
export function parseParams(query: Query, allowed: readonly string[], defaultVersion: 'last' | 'all'): TaxiiParams {
  const given = (name: string) => allowed.includes(name)
  const params: TaxiiParams = { versions: [{ kind: defaultVersion }], limit: DEFAULT_PAGE }
  const addedAfter = given('added_after') ? listParam(query, 'added_after') : undefined
  if (addedAfter) {
    if (addedAfter.length !== 1 || !TIMESTAMP.test(addedAfter[0]!) || Number.isNaN(Date.parse(addedAfter[0]!))) throw badParameter('added_after', NOT_A_TIMESTAMP)
    params.addedAfter = addedAfter[0]
  }
  if (given('match[id]')) params.ids = listParam(query, 'match[id]')
  if (given('match[type]')) params.types = listParam(query, 'match[type]')
  if (given('match[spec_version]')) params.specVersions = listParam(query, 'match[spec_version]')
  const versions = given('match[version]') ? listParam(query, 'match[version]') : undefined
  if (versions && versions.length > 0) {
    params.versions = versions.map((value): repo.VersionSelector => {
      if (value === 'all' || value === 'last' || value === 'first') return { kind: value }
      if (!TIMESTAMP.test(value)) throw badParameter('match[version]', { ja: 'last、first、all またはタイムスタンプを指定してください', en: 'must be last, first, all or a timestamp' })
      return { kind: 'at', key: timestampKey(value), raw: value }
    })
  }
  const limit = given('limit') ? listParam(query, 'limit') : undefined
  if (limit) {
    if (limit.length !== 1 || !/^[1-9]\d{0,6}$/.test(limit[0]!)) throw badParameter('limit', { ja: '1 以上の整数を指定してください', en: 'must be a positive integer' })
    params.limit = Math.min(Number(limit[0]), MAX_PAGE)
  }
  const next = given('next') ? listParam(query, 'next') : undefined
  if (next) {
    const seq = next.length === 1 ? decodeNext(next[0]!) : null
    if (seq === null) throw badParameter('next', { ja: 'このサーバーが返した next の値ではありません', en: 'is not a next value this server gave' })
    params.afterSeq = seq
  }
  return params
}

export const OBJECTS_PARAMS = ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]']
export const OBJECT_PARAMS = ['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]']
export const VERSIONS_PARAMS = ['added_after', 'limit', 'next', 'match[spec_version]']
export const DELETE_PARAMS = ['match[version]', 'match[spec_version]']

// ---------------------------------------------------------------- objects

export interface Page {
  rows: repo.ObjectRow[]
  more: boolean
  next: string | null
}

/** One page of what the reader may read in the collection, ordered by date added. */
async function page(ctx: AppContext, context: ReaderContext, collectionId: string, params: TaxiiParams, withJson: boolean, ids = params.ids): Promise<Page> {
  const found = await repo.findObjects(ctx.db, context.reader, {
    collectionId,
    ids,
    types: params.types,
    specVersions: params.specVersions,
    versions: params.versions,
    addedAfter: params.addedAfter,
    afterSeq: params.afterSeq,
    order: 'added',
    limit: params.limit + 1,
    withJson,
  })
  const more = found.length > params.limit
  const rows = found.slice(0, params.limit)
  return { rows: await guard(ctx.db, context.reader, rows), more, next: more ? encodeNext(rows.at(-1)!.seq) : null }
}

async function readable(ctx: AppContext, actor: Actor, collectionId: string) {
  const { context, access } = await accessTo(ctx, actor, collectionId)
  assertCanRead(access)
  return context
}

/** §5.3 Get Objects. */
export async function getObjects(ctx: AppContext, actor: Actor, collectionId: string, query: Query): Promise<Page> {
  const params = parseParams(query, OBJECTS_PARAMS, 'last')
  return page(ctx, await readable(ctx, actor, collectionId), collectionId, params, true)
}

/** §5.6 Get Object Manifests: the same selection, described rather than sent. */
export async function getManifest(ctx: AppContext, actor: Actor, collectionId: string, query: Query): Promise<Page> {
  const params = parseParams(query, OBJECTS_PARAMS, 'last')
  return page(ctx, await readable(ctx, actor, collectionId), collectionId, params, false)
}

export const manifestRecord = (row: repo.ObjectRow) => ({ id: row.stixId, date_added: row.dateAdded, version: row.version, media_type: STIX_MEDIA_TYPE })

/** §5.5 Get an Object: its versions (default the last) that the reader may read; 404 when none. */
export async function getObject(ctx: AppContext, actor: Actor, collectionId: string, objectId: string, query: Query): Promise<Page> {
  const params = parseParams(query, OBJECT_PARAMS, 'last')
  const result = await page(ctx, await readable(ctx, actor, collectionId), collectionId, params, true, [objectId])
  if (result.rows.length === 0 && params.afterSeq === undefined) throw missing('object')
  return result
}

/** §5.8 Get Object Versions. */
export async function getVersions(ctx: AppContext, actor: Actor, collectionId: string, objectId: string, query: Query): Promise<Page> {
  const params = parseParams(query, VERSIONS_PARAMS, 'all')
  const result = await page(ctx, await readable(ctx, actor, collectionId), collectionId, params, false, [objectId])
  if (result.rows.length === 0 && params.afterSeq === undefined) throw missing('object')
  return result
}

/**
 * §5.7 Delete an Object: the versions selected (default all) that the organisation shared, or any
 * for the collection's owner. Not readable: 404; readable but another's: 403.
 */
export async function deleteObject(ctx: AppContext, actor: Actor, collectionId: string, objectId: string, query: Query): Promise<void> {
  const params = parseParams(query, DELETE_PARAMS, 'all')
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    if (!UUID.test(collectionId)) throw missing('collection')
    const context = await readerContext(tx, actor)
    const access = visibleCollection(context.collections.get(collectionId))
    if (!access.canRead && !access.canWrite) throw missing('collection')
    assertCanWrite(actor, access)
    await repo.lockCollection(tx, collectionId)
    const rows = await guard(
      tx,
      context.reader,
      await repo.findObjects(tx, context.reader, {
        collectionId,
        ids: [objectId],
        specVersions: params.specVersions,
        versions: params.versions,
        allCopies: true,
        order: 'added',
        limit: 100_000,
        withJson: false,
      }),
    )
    if (rows.length === 0) throw missing('object')
    const deletable = rows.filter((row) => access.owns || row.producerOrgId === actor.orgId)
    if (deletable.length === 0) throw forbidden({ ja: '他の組織が共有したオブジェクトは削除できません', en: 'Objects another organisation shared cannot be deleted' })
    await repo.deleteObjects(
      tx,
      deletable.map((row) => row.seq),
    )
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'intel.object_deleted',
      target: { type: 'intel_object', id: objectId },
      details: { collectionId, versions: deletable.map((r) => r.version) },
      at: now,
    })
  })
}

// ---------------------------------------------------------------- adding objects and their status

export type StatusResource = ReturnType<typeof statusResource>

export function statusResource(row: repo.StatusRow) {
  return {
    id: row.id,
    status: row.status,
    request_timestamp: row.requestTimestamp.toISOString(),
    total_count: row.totalCount,
    success_count: row.successCount,
    successes: row.successes,
    failure_count: row.failureCount,
    failures: row.failures,
    pending_count: row.pendingCount,
    pendings: row.pendings,
  }
}

const ALL_OR_NOTHING = {
  ja: 'この要求には不正なオブジェクトが含まれるため、保存していません（すべて保存するか、何も保存しないかのどちらかです）',
  en: 'not stored: the request holds invalid objects (all are stored, or none)',
}

/**
 * §5.4 Add Objects: the envelope's objects are validated, then stored all together under the
 * collection's default label (an object's own TLP marking is kept), or — when any is invalid —
 * none. The answer is the status resource, kept for GET status.
 */
export async function addObjects(ctx: AppContext, actor: Actor, collectionId: string, body: string, locale: Locale) {
  const requestTimestamp = ctx.clock()
  const { access } = await accessTo(ctx, actor, collectionId)
  assertCanWrite(actor, access)
  const read = readEnvelope(body)
  if (!read.ok) {
    throw new AppError('bad_request', 400, { ja: '要求の本文が TAXII エンベロープではありません', en: 'The request body is not a TAXII envelope' }, read.errors)
  }
  const versionOf = (index: number) => read.ids.get(index) ?? { id: '', version: '' }
  const successes: StatusDetail[] = []
  const failures: StatusDetail[] = []
  return ctx.db.transaction(async (tx) => {
    if (read.problems.size > 0) {
      for (const { index } of read.objects) {
        const problems = read.problems.get(index)
        const message = problems ? problems.map((p) => `${p.path}: ${p.message[locale]}`).join('; ') : ALL_OR_NOTHING[locale]
        failures.push({ ...versionOf(index), message })
      }
    } else if (read.objects.length > 0) {
      const outcome = await ingest(tx, {
        collection: access.collection,
        producerOrgId: actor.orgId,
        producerUserId: actor.userId,
        via: 'taxii',
        tlp: null,
        anonymous: false,
        recipients: NO_RECIPIENTS,
        objects: read.objects,
        now: requestTimestamp,
      })
      for (const stored of outcome.stored) successes.push({ id: stored.id, version: stored.version })
      for (const stored of outcome.alreadyStored) successes.push({ id: stored.id, version: stored.version, message: locale === 'ja' ? '保存済みです' : 'already stored' })
      await recordAudit(tx, {
        actorUserId: actor.userId,
        orgId: actor.orgId,
        action: 'intel.taxii_objects_added',
        target: { type: 'intel_share', id: outcome.shareId },
        details: { collectionId, objects: outcome.stored.length },
        at: requestTimestamp,
      })
    }
    const row = {
      id: randomUUID(),
      orgId: actor.orgId,
      collectionId,
      status: 'complete' as const,
      requestTimestamp,
      totalCount: read.objects.length,
      successCount: successes.length,
      failureCount: failures.length,
      pendingCount: 0,
      successes,
      failures,
      pendings: [],
    }
    await repo.insertStatus(tx, row)
    return statusResource(row)
  })
}

/** §4.3 Get Status: the organisation's own requests only. */
export async function getStatus(ctx: AppContext, actor: Actor, statusId: string) {
  const row = UUID.test(statusId) ? await repo.findStatus(ctx.db, actor.orgId, statusId) : undefined
  if (!row) throw missing('status')
  return statusResource(row)
}
