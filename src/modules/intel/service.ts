import { randomUUID } from 'node:crypto'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, invalid, tooLarge, type ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import type { Actor } from '../identity/actor.js'
import { getIncident } from '../incident/service.js'
import { importIndicatorCsv } from './csv-indicators.js'
import { importMispEvent } from './misp.js'
import { assertCanShare, assertCanWrite, missing, visibleCollection } from './permissions.js'
import * as repo from './repository.js'
import type { ShareVia } from './schema.js'
import { buildReportObjects, identityObject, recipientProblems, type IndicatorSpec, type Recipients } from './sharing.js'
import { ingest, readablePages, readBundle, readerContext, readObjects, type IncomingObject, type ReaderContext } from './store.js'
import { validateStix } from './stix-validate.js'
import type { TlpLevel } from './tlp.js'

// Threat intelligence for the web app (issue 5 §1, §2): upload STIX bundles into a collection,
// find and read what the caller may read, share a report (from an incident or a list of
// indicators) under a TLP label, name clients of an AMBER share, export a bundle. Every read goes
// through the store's gate (store.ts: SQL audience, then `mayRead`); every write is one
// transaction with its audit event.

export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1'
/** Objects read per query while an export is written. */
const EXPORT_PAGE = 1000

// ---------------------------------------------------------------- views

export interface OrgView {
  id: string
  name: Localized
}

export interface ObjectSummary {
  id: string
  type: string
  name: string | null
  tlp: TlpLevel
  version: string
  modified: string | null
  dateAdded: string
  revoked: boolean
  createdByRef: string | null
  collection: { id: string; title: string }
  /** Who shared it; null when it was shared anonymously to members (and the caller did not share it). */
  producer: OrgView | null
}

export interface VersionView extends ObjectSummary {
  share: { id: string; via: ShareVia; anonymous: boolean; createdAt: Date }
  /** Recipients of the share: shown to the organisation that shared it, and to no one else. */
  recipients: { orgs: OrgView[]; userIds: string[]; clients: OrgView[] } | null
  /** The caller is a recipient organisation of an AMBER share and may name its clients. */
  canNameClients: boolean
  observables: { kind: string; operator: string; value: string }[]
  /** The JSON exactly as received. */
  json: string
  object: Record<string, unknown>
}

export interface ObjectDetail {
  id: string
  type: string
  versions: VersionView[]
}

export const orgView = (org: repo.OrganisationRef): OrgView => ({ id: org.id, name: { ja: org.nameJa, en: org.nameEn } })

async function summaries(db: Queryable, actor: Actor, rows: repo.ObjectRow[]): Promise<{ summary: ObjectSummary; share: repo.ShareRow }[]> {
  const shares = await repo.sharesByIds(
    db,
    rows.map((r) => r.shareId),
  )
  const collections = await repo.collectionsByIds(
    db,
    rows.map((r) => r.collectionId),
  )
  const orgs = await repo.organisationsByIds(
    db,
    rows.map((r) => r.producerOrgId),
  )
  return rows.map((row) => {
    const share = shares.get(row.shareId)!
    const hidden = share.anonymous && row.producerOrgId !== actor.orgId
    const producer = orgs.get(row.producerOrgId)
    return {
      share,
      summary: {
        id: row.stixId,
        type: row.type,
        name: row.name,
        tlp: row.tlp,
        version: row.version,
        modified: row.modified,
        dateAdded: row.dateAdded,
        revoked: row.revoked,
        createdByRef: row.createdByRef,
        collection: { id: row.collectionId, title: collections.get(row.collectionId)?.title ?? '' },
        producer: hidden || !producer ? null : orgView(producer),
      },
    }
  })
}

// ---------------------------------------------------------------- reading

export interface ObjectListQuery {
  type?: string
  tlp?: TlpLevel
  q?: string
  collectionId?: string
  limit?: number
  offset?: number
}

/** The latest version the caller may read of every object, newest first, filtered. */
export async function listObjects(ctx: AppContext, actor: Actor, query: ObjectListQuery): Promise<{ total: number; items: ObjectSummary[] }> {
  const { reader } = await readerContext(ctx.db, actor)
  const filter: repo.ObjectQuery = {
    collectionId: query.collectionId,
    types: query.type ? [query.type] : undefined,
    tlps: query.tlp ? [query.tlp] : undefined,
    text: query.q?.trim() || undefined,
    versions: [{ kind: 'last' }],
    order: 'recent',
    limit: Math.min(query.limit ?? 50, 500),
    offset: query.offset ?? 0,
    withJson: false,
  }
  const rows = await readObjects(ctx.db, reader, filter)
  const total = await repo.countObjects(ctx.db, reader, filter)
  return { total, items: (await summaries(ctx.db, actor, rows)).map((s) => s.summary) }
}

/** One object with every version the caller may read (in every collection it may read it in). */
export async function getObject(ctx: AppContext, actor: Actor, stixId: string): Promise<ObjectDetail> {
  const { reader } = await readerContext(ctx.db, actor)
  const rows = await readObjects(ctx.db, reader, { ids: [stixId], versions: [{ kind: 'all' }], order: 'version', limit: 1000, withJson: true })
  if (rows.length === 0) throw missing('object')
  const views = await summaries(ctx.db, actor, rows)
  const observables = await repo.observablesOfObjects(
    ctx.db,
    rows.map((r) => r.seq),
  )
  const ownShares = views.filter((v) => v.share.producerOrgId === actor.orgId).map((v) => v.share.id)
  const recipients = await repo.recipientsOfShares(ctx.db, [...new Set(views.map((v) => v.share.id))])
  const orgs = await repo.organisationsByIds(
    ctx.db,
    recipients.flatMap((r) => (r.orgId ? [r.orgId] : [])),
  )
  const orgsOf = (shareId: string, kind: 'org' | 'client') =>
    recipients.filter((r) => r.shareId === shareId && r.kind === kind && r.orgId && orgs.has(r.orgId)).map((r) => orgView(orgs.get(r.orgId!)!))
  const versions = rows.map((row, i): VersionView => {
    const { summary, share } = views[i]!
    const isRecipientOrg = recipients.some((r) => r.shareId === share.id && r.kind === 'org' && r.orgId === actor.orgId)
    return {
      ...summary,
      share: { id: share.id, via: share.via, anonymous: share.anonymous, createdAt: share.createdAt },
      recipients: ownShares.includes(share.id)
        ? { orgs: orgsOf(share.id, 'org'), userIds: recipients.filter((r) => r.shareId === share.id && r.kind === 'user').map((r) => r.userId!), clients: orgsOf(share.id, 'client') }
        : null,
      canNameClients: share.tlp === 'amber' && isRecipientOrg,
      observables: observables.filter((o) => o.objectSeq === row.seq).map((o) => ({ kind: o.kind, operator: o.operator, value: o.value })),
      json: row.json ?? '',
      object: JSON.parse(row.json ?? '{}') as Record<string, unknown>,
    }
  })
  return { id: stixId, type: rows[0]!.type, versions }
}

export interface ExportQuery {
  type?: string
  tlp?: TlpLevel
  collectionId?: string
  versions?: 'last' | 'all'
}

/**
 * A STIX bundle of what the caller may read (the latest version of each object, or every version),
 * written as it is read: the objects' JSON as received, between the bundle's own few bytes.
 */
export async function exportBundle(ctx: AppContext, actor: Actor, query: ExportQuery): Promise<{ bundleId: string; chunks: AsyncIterable<string> }> {
  const { reader } = await readerContext(ctx.db, actor)
  const bundleId = `bundle--${randomUUID()}`
  await recordAudit(ctx.db, {
    actorUserId: actor.userId,
    orgId: actor.orgId,
    action: 'intel.exported',
    target: { type: 'intel_bundle', id: bundleId },
    details: { collectionId: query.collectionId ?? null, type: query.type ?? null, tlp: query.tlp ?? null, versions: query.versions ?? 'last' },
    at: ctx.clock(),
  })
  const selection = {
    collectionId: query.collectionId,
    types: query.type ? [query.type] : undefined,
    tlps: query.tlp ? [query.tlp] : undefined,
    versions: [{ kind: query.versions ?? 'last' }],
    withJson: true,
  }
  const pages = readablePages(ctx.db, reader, selection, EXPORT_PAGE)
  async function* chunks() {
    yield `{"type":"bundle","id":"${bundleId}","objects":[`
    let first = true
    for await (const rows of pages) {
      if (rows.length === 0) continue
      yield `${first ? '' : ','}${rows.map((row) => row.json).join(',')}`
      first = false
    }
    yield ']}'
  }
  return { bundleId, chunks: chunks() }
}

// ---------------------------------------------------------------- writing

export const importFailed = (details: ErrorDetail[]) =>
  new AppError(
    'import_failed',
    400,
    {
      ja: 'バンドルを取り込めませんでした。指摘された箇所を直して、もう一度取り込んでください（何も保存していません）',
      en: 'The bundle could not be imported: fix the places listed and import it again (nothing was stored)',
    },
    details,
  )

/** `/objects/3/pattern` -> `objects[3].pattern`: where in the file, as a person reads it. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '$'
  if (!pointer.startsWith('/')) return pointer
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((token, i) => (/^\d+$/.test(token) ? `[${token}]` : i === 0 ? token : `.${token}`))
    .join('')
}

export interface ShareOptions {
  tlp?: TlpLevel | null
  recipients?: Partial<Recipients>
}

const fullRecipients = (input: Partial<Recipients> | undefined): Recipients => ({
  orgIds: [...new Set(input?.orgIds ?? [])],
  userIds: [...new Set(input?.userIds ?? [])],
  clientOrgIds: [...new Set(input?.clientOrgIds ?? [])],
})

/** Recipients that exist and suit the label; problems located under `at`. */
async function checkRecipients(db: Queryable, tlp: TlpLevel | null, recipients: Recipients, at: string): Promise<ErrorDetail[]> {
  const problems = tlp ? recipientProblems(tlp, recipients, at) : []
  const orgs = await repo.organisationsByIds(db, [...recipients.orgIds, ...recipients.clientOrgIds])
  const users = await repo.existingUserIds(db, recipients.userIds)
  const unknown = { ja: '存在しない組織です', en: 'no such organisation' }
  recipients.orgIds.forEach((id, i) => orgs.has(id) || problems.push({ path: `${at}.orgIds[${i}]`, message: unknown }))
  recipients.clientOrgIds.forEach((id, i) => orgs.has(id) || problems.push({ path: `${at}.clientOrgIds[${i}]`, message: unknown }))
  recipients.userIds.forEach((id, i) => users.has(id) || problems.push({ path: `${at}.userIds[${i}]`, message: { ja: '存在しない利用者です', en: 'no such user' } }))
  return problems
}

async function writableCollection(db: Queryable, actor: Actor, collectionId: string): Promise<{ context: ReaderContext; collection: repo.CollectionRow }> {
  const context = await readerContext(db, actor)
  const access = visibleCollection(context.collections.get(collectionId))
  assertCanWrite(actor, access)
  return { context, collection: access.collection }
}

/** Checks the caller may upload into the collection at all, before the upload is read. */
export async function assertCanImport(ctx: AppContext, actor: Actor, collectionId: string): Promise<void> {
  await writableCollection(ctx.db, actor, collectionId)
}

export type ImportFormat = 'stix' | 'misp' | 'csv'

export interface ImportOutcome {
  shareId: string
  stored: number
  alreadyStored: number
  objects: { id: string; version: string }[]
  /** What a MISP event or CSV list held that did not become an object (each named by place). */
  leftOut: ErrorDetail[]
}

type Converted = { ok: true; text: string; leftOut: ErrorDetail[] } | { ok: false; errors: ErrorDetail[] }

/** The uploaded file as a STIX bundle: as it is, or converted from a MISP event or a CSV list. */
function asBundle(format: ImportFormat, file: { filename: string; data: Buffer }, now: Date, defaultTlp: TlpLevel): Converted {
  if (format === 'stix') return { ok: true, text: file.data.toString('utf8'), leftOut: [] }
  const text = file.data.toString('utf8').replace(/^\uFEFF/, '')
  if (format === 'csv') {
    const converted = importIndicatorCsv(text, { now, defaultTlp, source: file.filename })
    return converted.ok ? { ok: true, text: JSON.stringify(converted.bundle), leftOut: converted.problems } : converted
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: { ja: `JSON として読めません（${String(error)}）`, en: `is not JSON (${String(error)})` } }] }
  }
  const converted = importMispEvent(json, { now })
  return converted.ok ? { ok: true, text: JSON.stringify(converted.bundle), leftOut: converted.problems } : converted
}

const located = (details: ErrorDetail[]) => details.map((e) => ({ path: pointerToPath(e.path), message: e.message }))

/**
 * Stores an uploaded STIX bundle (or a MISP event or CSV list, converted by misp.ts /
 * csv-indicators.ts) in a collection. The bundle is all or nothing: one invalid object refuses the
 * whole of it, every problem named by object index and path. What a converter leaves out (an
 * attribute Kamae does not match, a row it cannot read) is named in the answer. The label chosen is
 * a floor on every object (an object's own marking is never widened); without one, unmarked
 * objects take the collection's default.
 */
export async function importBundle(
  ctx: AppContext,
  actor: Actor,
  collectionId: string,
  file: { filename: string; data: Buffer },
  options: ShareOptions & { format?: ImportFormat },
): Promise<ImportOutcome> {
  if (file.data.length > ctx.config.maxUploadBytes) throw tooLarge(ctx.config.maxUploadBytes)
  const recipients = fullRecipients(options.recipients)
  const now = ctx.clock()
  const { collection: target } = await writableCollection(ctx.db, actor, collectionId)
  const converted = asBundle(options.format ?? 'stix', file, now, options.tlp ?? target.defaultTlp)
  if (!converted.ok) throw importFailed(located(converted.errors))
  const read = readBundle(converted.text)
  if (!read.ok) throw importFailed(located(read.errors))
  return ctx.db.transaction(async (tx) => {
    const { collection } = await writableCollection(tx, actor, collectionId)
    const problems = await checkRecipients(tx, options.tlp ?? null, recipients, 'query')
    if (problems.length > 0) throw invalid(problems[0]!.message, problems)
    const outcome = await ingest(tx, {
      collection,
      producerOrgId: actor.orgId,
      producerUserId: actor.userId,
      via: 'upload',
      tlp: options.tlp ?? null,
      anonymous: false,
      recipients,
      objects: read.objects,
      now,
    })
    await recordShare(tx, actor, 'intel.bundle_imported', collection, outcome.shareId, options.tlp ?? null, recipients, outcome.stored.length, now)
    return {
      shareId: outcome.shareId,
      stored: outcome.stored.length,
      alreadyStored: outcome.alreadyStored.length,
      objects: outcome.stored.map(({ id, version }) => ({ id, version })),
      leftOut: located(converted.leftOut),
    }
  })
}

async function recordShare(tx: Queryable, actor: Actor, action: string, collection: repo.CollectionRow, shareId: string, tlp: TlpLevel | null, recipients: Recipients, objects: number, at: Date) {
  await recordAudit(tx, {
    actorUserId: actor.userId,
    orgId: actor.orgId,
    action,
    target: { type: 'intel_share', id: shareId },
    after: { collectionId: collection.id, tlp, recipients },
    details: { collectionId: collection.id, tlp, objects, recipientOrgs: recipients.orgIds.length, recipientUsers: recipients.userIds.length, clients: recipients.clientOrgIds.length },
    at,
  })
}

export interface ReportRequest {
  collectionId: string
  tlp: TlpLevel
  anonymous?: boolean
  recipients?: Partial<Recipients>
  incidentId?: string
  title?: string
  description?: string
  indicators?: IndicatorSpec[]
}

export interface ReportOutcome {
  shareId: string
  reportId: string
  objects: { id: string; type: string }[]
}

const problem = (path: string, message: Localized): ErrorDetail => ({ path, message })

/**
 * Turns one of the institution's incidents (its title and category), or a list of indicators, into
 * a STIX report shared in a collection under the label chosen. Anonymous to members: the report
 * names the ISAC as its author; who shared it is kept (the producer still reads and manages it) and
 * shown to no one else.
 */
export async function shareReport(ctx: AppContext, actor: Actor, input: ReportRequest): Promise<ReportOutcome> {
  assertCanShare(actor)
  const recipients = fullRecipients(input.recipients)
  const incident = input.incidentId ? await getIncident(ctx, actor, input.incidentId) : null
  const problems: ErrorDetail[] = []
  const title = input.title?.trim() || incident?.title || incident?.reference
  if (!title) problems.push(problem('body.title', { ja: '報告の題名を入力してください', en: 'Give the report a title' }))
  if (!incident && (input.indicators ?? []).length === 0) {
    problems.push(problem('body.indicators', { ja: 'インシデントまたは指標を1つ以上指定してください', en: 'Name an incident or at least one indicator' }))
  }
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const { collection } = await writableCollection(tx, actor, input.collectionId)
    problems.push(...(await checkRecipients(tx, input.tlp, recipients, 'body.recipients')))
    if (input.anonymous && collection.communityKind !== 'isac') {
      problems.push(problem('body.anonymous', { ja: '匿名で共有できるのは ISAC のコレクションだけです（ISAC が作成者になります）', en: 'Only ISAC collections take anonymous reports (the ISAC stands as their author)' }))
    }
    // Anonymous to members: the ISAC stands as the author.
    const authorOrgId = input.anonymous && collection.communityKind === 'isac' ? collection.communityId : actor.orgId
    const author = await repo.findOrganisation(tx, authorOrgId)
    if (!author) throw missing('organisation')
    const built = buildReportObjects({
      title: title ?? '',
      description: input.description?.trim() || null,
      labels: incident?.category ? [incident.category] : [],
      tlp: input.tlp,
      author: identityObject(author) as Record<string, unknown> & { id: string },
      indicators: input.indicators ?? [],
      incident: incident ? { title: title ?? incident.reference, category: incident.category } : null,
      now,
    })
    problems.push(...built.problems)
    if (problems.length > 0) throw invalid(problems[0]!.message, problems)
    const objects: IncomingObject[] = built.objects.map((object, index) => ({ index, object, text: JSON.stringify(object) }))
    // A hand-written pattern is checked like anything else that comes in; the indicators follow
    // the input's order, so the k-th indicator object is the k-th indicator asked for.
    const firstIndicator = built.objects.findIndex((o) => o.type === 'indicator')
    for (const { object, index } of objects) {
      const validation = validateStix(object)
      if (validation.ok) continue
      const at = object.type === 'indicator' ? `body.indicators[${index - firstIndicator}]` : 'body'
      throw invalid(
        validation.errors[0]!.message,
        validation.errors.map((e) => ({ path: `${at}${pointerToPath(e.path) === '$' ? '' : `.${pointerToPath(e.path)}`}`, message: e.message })),
      )
    }
    const outcome = await ingest(tx, {
      collection,
      producerOrgId: actor.orgId,
      producerUserId: actor.userId,
      via: 'report',
      tlp: input.tlp,
      anonymous: input.anonymous ?? false,
      recipients,
      objects,
      now,
    })
    const report = built.objects.at(-1)!
    await recordShare(tx, actor, 'intel.report_shared', collection, outcome.shareId, input.tlp, recipients, outcome.stored.length, now)
    return { shareId: outcome.shareId, reportId: String(report.id), objects: built.objects.map((o) => ({ id: String(o.id), type: String(o.type) })) }
  })
}

/**
 * TLP:AMBER lets a recipient organisation pass the information to the clients it names: a
 * recipient organisation (or the producer) names them on the share.
 */
export async function nameClients(ctx: AppContext, actor: Actor, shareId: string, orgIds: string[]): Promise<{ clients: OrgView[] }> {
  assertCanShare(actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const share = await repo.findShare(tx, shareId)
    const recipients = share ? await repo.recipientsOfShares(tx, [share.id]) : []
    const isRecipient = recipients.some((r) => r.kind === 'org' && r.orgId === actor.orgId)
    if (!share || (!isRecipient && share.producerOrgId !== actor.orgId)) throw missing('share')
    if (share.tlp !== 'amber') {
      const message = { ja: '顧客を指定できるのは TLP:AMBER の共有だけです', en: 'Only a TLP:AMBER share takes clients' }
      throw invalid(message, [problem('body.orgIds', message)])
    }
    const wanted = [...new Set(orgIds)]
    const orgs = await repo.organisationsByIds(tx, wanted)
    const problems = wanted.flatMap((id, i) => (orgs.has(id) ? [] : [problem(`body.orgIds[${i}]`, { ja: '存在しない組織です', en: 'no such organisation' })]))
    if (problems.length > 0) throw invalid(problems[0]!.message, problems)
    await repo.insertRecipients(
      tx,
      wanted.map((orgId) => ({ shareId, kind: 'client' as const, orgId, userId: null, namedByOrgId: actor.orgId, addedAt: now })),
    )
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'intel.clients_named',
      target: { type: 'intel_share', id: shareId },
      after: { clients: wanted },
      details: { clients: wanted.length },
      at: now,
    })
    const all = await repo.recipientsOfShares(tx, [shareId])
    const clients = await repo.organisationsByIds(
      tx,
      all.filter((r) => r.kind === 'client' && r.namedByOrgId === actor.orgId).map((r) => r.orgId!),
    )
    return { clients: [...clients.values()].map(orgView) }
  })
}
