import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, invalid, notFound, tooLarge, type ErrorDetail } from '../../errors.js'
import type { Locale, Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import type { Catalog, CatalogItem, LocalizedText } from '../catalog/catalog-types.js'
import { flattenItems, getCatalog, type CatalogRow } from '../catalog/service.js'
import type { Actor } from '../identity/actor.js'
import { currentOrganisation } from '../identity/service.js'
import { diffVersions, type ItemChange } from './diff.js'
import { checkEvidenceType, cleanFilename } from './evidence.js'
import { buildAssessmentWorkbook, parseAssessmentWorkbook } from './xlsx.js'
import type { ActionExchange, AnswerExchange, AssessmentExchange, ImportPlan } from './exchange-types.js'
import {
  assertCanApprove,
  assertCanCreate,
  assertCanEdit,
  assertCanPlan,
  assertCanReopen,
  assertCanRequestReview,
  assertCanReturn,
  permissionsFor,
  type AssessmentState,
} from './permissions.js'
import * as repo from './repository.js'
import type { AssessmentStatus, RemediationStatus } from './schema.js'
import { itemAppliesTo, scoreAssessment, type AssessmentScores, type OrganisationProfile } from './scoring.js'

// Self-assessments (DESIGN.md §1, issue section 5): answers per catalog item, evidence files,
// remediation actions, the sign-off workflow draft -> in_review -> approved, and new versions.
// Every read and write is filtered by the actor's organisation; every write runs in one
// transaction with its audit event. Inside a transaction only `tx` is used (PGlite has one connection).

// ---------------------------------------------------------------- views

export interface Person {
  id: string
  displayName: string
}

export interface CatalogSummary {
  id: string
  key: string
  version: string
  title: LocalizedText
}

export interface AssessmentDetail {
  id: string
  lineageId: string
  version: number
  title: string
  status: AssessmentStatus
  catalog: CatalogSummary
  createdAt: Date
  updatedAt: Date
  createdBy: Person
  reviewRequestedAt: Date | null
  reviewRequestedBy: Person | null
  reviewComment: string | null
  returnedAt: Date | null
  returnComment: string | null
  approvedAt: Date | null
  approvedBy: Person | null
  approvalComment: string | null
  lockedAt: Date | null
  versions: { id: string; version: number; status: AssessmentStatus; approvedAt: Date | null }[]
  permissions: ReturnType<typeof permissionsFor>
}

export interface AssessmentListEntry {
  id: string
  lineageId: string
  version: number
  title: string
  status: AssessmentStatus
  catalog: CatalogSummary
  updatedAt: Date
  progress: number | null
  score: number | null
  olderVersions: number
}

export interface ItemState {
  ref: string
  inScope: boolean
  value: number | null
  notApplicable: boolean
  naReason: string | null
  comment: string | null
  updatedAt: Date | null
  updatedBy: Person | null
  evidenceCount: number
}

export interface EvidenceEntry {
  id: string
  itemRef: string
  filename: string
  mediaType: string
  sizeBytes: number
  sha256: string
  uploadedAt: Date
  uploadedBy: Person
}

export interface RemediationAction {
  id: string
  title: string
  description: string | null
  owner: string | null
  dueDate: string | null
  status: RemediationStatus
  itemRefs: string[]
  createdAt: Date
  updatedAt: Date
}

// ---------------------------------------------------------------- shared helpers

// A record of the organisation that is not there, or of another organisation: the same answer either
// way, and without the id that was asked for, so probing ids teaches nothing (DESIGN.md §7).
const NOT_FOUND_MESSAGES = {
  assessment: { ja: '自己評価が見つかりません', en: 'Assessment not found' },
  evidence: { ja: '証跡が見つかりません', en: 'Evidence not found' },
  remediation_action: { ja: '改善策が見つかりません', en: 'Remediation action not found' },
} satisfies Record<string, Localized>

const missing = (what: keyof typeof NOT_FOUND_MESSAGES) => new AppError('not_found', 404, NOT_FOUND_MESSAGES[what])

const unknownPerson = (id: string): Person => ({ id, displayName: id })

function personOf(names: Map<string, string>, id: string): Person
function personOf(names: Map<string, string>, id: string | null): Person | null
function personOf(names: Map<string, string>, id: string | null): Person | null {
  if (id === null) return null
  const displayName = names.get(id)
  return displayName === undefined ? unknownPerson(id) : { id, displayName }
}

interface CatalogIndex {
  row: CatalogRow
  catalog: Catalog
  items: Map<string, CatalogItem>
  /** Item refs in catalog order. */
  order: string[]
}

async function catalogIndex(db: Queryable, catalogId: string): Promise<CatalogIndex> {
  const row = await getCatalog(db, catalogId)
  const flat = flattenItems(row.content)
  return { row, catalog: row.content, items: new Map(flat.map(({ item }) => [item.ref, item])), order: flat.map(({ item }) => item.ref) }
}

const catalogSummary = (row: CatalogRow): CatalogSummary => ({ id: row.id, key: row.key, version: row.version, title: { ja: row.titleJa, en: row.titleEn } })

async function requireAssessment(db: Queryable, actor: Actor, id: string): Promise<repo.AssessmentRow> {
  const row = await repo.findAssessment(db, actor.orgId, id)
  if (!row) throw missing('assessment')
  return row
}

async function lockAssessment(db: Queryable, actor: Actor, id: string): Promise<repo.AssessmentRow> {
  const row = await repo.findAssessmentForUpdate(db, actor.orgId, id)
  if (!row) throw missing('assessment')
  return row
}

function requireItem(index: CatalogIndex, ref: string): CatalogItem {
  const item = index.items.get(ref)
  if (!item) throw notFound('item', ref)
  return item
}

/** Blank text is no text: an emptied comment field is stored as null. */
function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}

function workflowState(row: repo.AssessmentRow, versions: { id: string }[]): AssessmentState {
  const newest = versions.at(-1)
  return { orgId: row.orgId, status: row.status, reviewRequestedBy: row.reviewRequestedBy, isLatestVersion: newest === undefined || newest.id === row.id }
}

async function stateOf(db: Queryable, actor: Actor, row: repo.AssessmentRow): Promise<AssessmentState> {
  return workflowState(row, await repo.versionsOfLineage(db, actor.orgId, row.lineageId))
}

async function describeAssessment(db: Queryable, actor: Actor, id: string): Promise<AssessmentDetail> {
  const row = await requireAssessment(db, actor, id)
  const catalog = await getCatalog(db, row.catalogId)
  const versions = await repo.versionsOfLineage(db, actor.orgId, row.lineageId)
  const lastEditors = await repo.lastEditorIds(db, row.id)
  const names = await repo.displayNames(db, [row.createdBy, row.reviewRequestedBy, row.approvedBy])
  return {
    id: row.id,
    lineageId: row.lineageId,
    version: row.version,
    title: row.title,
    status: row.status,
    catalog: catalogSummary(catalog),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdBy: personOf(names, row.createdBy),
    reviewRequestedAt: row.reviewRequestedAt,
    reviewRequestedBy: personOf(names, row.reviewRequestedBy),
    reviewComment: row.reviewComment,
    returnedAt: row.returnedAt,
    returnComment: row.returnComment,
    approvedAt: row.approvedAt,
    approvedBy: personOf(names, row.approvedBy),
    approvalComment: row.approvalComment,
    lockedAt: row.lockedAt,
    versions: versions.map((v) => ({ id: v.id, version: v.version, status: v.status, approvedAt: v.approvedAt })),
    permissions: permissionsFor(actor, workflowState(row, versions), lastEditors),
  }
}

async function profileOf(ctx: AppContext, actor: Actor): Promise<OrganisationProfile> {
  const org = await currentOrganisation(ctx, actor)
  return { sector: org.sector, sizeBand: org.sizeBand }
}

const toAnswerState = (row: repo.AnswerRow) => ({ ref: row.itemRef, inScope: row.inScope, value: row.value, notApplicable: row.notApplicable })

// ---------------------------------------------------------------- assessments

export async function listAssessments(ctx: AppContext, actor: Actor): Promise<AssessmentListEntry[]> {
  const rows = await repo.assessmentsOfOrg(ctx.db, actor.orgId)
  const newest = new Map<string, { row: repo.AssessmentRow; versions: number }>()
  for (const row of rows) {
    const seen = newest.get(row.lineageId)
    if (seen) seen.versions += 1
    else newest.set(row.lineageId, { row, versions: 1 })
  }
  const latest = [...newest.values()]
  const answersByAssessment = new Map<string, ReturnType<typeof toAnswerState>[]>()
  const answers = await repo.answersOfMany(
    ctx.db,
    latest.map(({ row }) => row.id),
  )
  for (const answer of answers) {
    const own = answersByAssessment.get(answer.assessmentId) ?? []
    own.push(toAnswerState(answer))
    answersByAssessment.set(answer.assessmentId, own)
  }
  const catalogs = new Map<string, CatalogRow>()
  for (const { row } of latest) if (!catalogs.has(row.catalogId)) catalogs.set(row.catalogId, await getCatalog(ctx.db, row.catalogId))
  const entries = latest.map(({ row, versions }) => {
    const catalog = catalogs.get(row.catalogId) as CatalogRow
    const { overall } = scoreAssessment(catalog.content, answersByAssessment.get(row.id) ?? [])
    return {
      id: row.id,
      lineageId: row.lineageId,
      version: row.version,
      title: row.title,
      status: row.status,
      catalog: catalogSummary(catalog),
      updatedAt: row.updatedAt,
      progress: overall.progress,
      score: overall.score,
      olderVersions: versions - 1,
    }
  })
  return entries.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
}

export async function getAssessment(ctx: AppContext, actor: Actor, id: string): Promise<AssessmentDetail> {
  return describeAssessment(ctx.db, actor, id)
}

const blankTitle = () => {
  const message = { ja: 'タイトルを入力してください', en: 'Enter a title' }
  return invalid(message, [{ path: 'body.title', message }])
}

/** Starts version 1 of a new assessment: one answer row per catalog item, in scope when the item applies to the institution. */
export async function createAssessment(ctx: AppContext, actor: Actor, input: { catalogId: string; title: string }): Promise<AssessmentDetail> {
  assertCanCreate(actor)
  const profile = await profileOf(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const id = await insertNewAssessment(tx, actor, profile, input, now)
    return describeAssessment(tx, actor, id)
  })
}

/** Answers carried into a new assessment (a supervision round's earlier submission), by item ref. */
export type CarriedAnswers = ReadonlyMap<string, AnswerExchange>

/**
 * Inserts version 1 of a new assessment inside the caller's transaction, optionally pre-filled with
 * carried answers (items the catalog no longer has are dropped; scope follows the institution's
 * profile unless the carried answer brought an item in). Returns its id.
 */
export async function insertNewAssessment(
  tx: Queryable,
  actor: Actor,
  profile: OrganisationProfile,
  input: { catalogId: string; title: string; carried?: CarriedAnswers },
  now: Date,
): Promise<string> {
  assertCanCreate(actor)
  const title = cleanText(input.title)
  if (!title) throw blankTitle()
  const id = randomUUID()
  const index = await catalogIndex(tx, input.catalogId)
  await repo.insertAssessment(tx, {
    id,
    orgId: actor.orgId,
    catalogId: index.row.id,
    lineageId: id,
    version: 1,
    title,
    status: 'draft',
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  })
  await repo.insertAnswers(
    tx,
    index.order.map((ref) => {
      const applies = itemAppliesTo((index.items.get(ref) as CatalogItem).applicability, profile)
      const carried = input.carried?.get(ref)
      if (!carried) return { assessmentId: id, itemRef: ref, inScope: applies, value: null, notApplicable: false }
      return {
        assessmentId: id,
        itemRef: ref,
        inScope: applies || carried.inScope,
        value: carried.notApplicable ? null : carried.value,
        notApplicable: carried.notApplicable && carried.naReason !== null,
        naReason: carried.notApplicable ? carried.naReason : null,
        comment: carried.comment,
        updatedBy: actor.userId,
        updatedAt: now,
      }
    }),
  )
  await recordAudit(tx, {
    actorUserId: actor.userId,
    orgId: actor.orgId,
    action: 'assessment.created',
    target: { type: 'assessment', id },
    after: { catalogId: index.row.id, title, version: 1 },
    details: input.carried ? { carriedAnswers: input.carried.size } : {},
    at: now,
  })
  return id
}

// ---------------------------------------------------------------- answers

export interface AnswerChange {
  value?: number | null
  notApplicable?: boolean
  naReason?: string | null
  comment?: string | null
  inScope?: boolean
}

interface AnswerFields {
  inScope: boolean
  value: number | null
  notApplicable: boolean
  naReason: string | null
  comment: string | null
}

const MESSAGES = {
  valueNotOnScale: (allowed: number[]): Localized => ({
    ja: `回答はこの項目の選択肢の値（${allowed.join(', ')}）のいずれかにしてください`,
    en: `The answer must be one of the item's option values (${allowed.join(', ')})`,
  }),
  valueWithNa: { ja: '対象外の項目には回答値を設定できません', en: 'A not-applicable item has no answer value' },
  naNeedsReason: { ja: '対象外とする理由を入力してください', en: 'Give the reason why the item is not applicable' },
  applicableStaysInScope: {
    ja: 'この項目は貴組織の業態・規模に該当するため対象範囲から外せません。該当しない場合は理由を付けて「対象外」としてください',
    en: 'This item applies to your sector and size, so it stays in scope: mark it not applicable with a reason instead',
  },
} satisfies Record<string, Localized | ((...args: never[]) => Localized)>

/**
 * The answer after a change, or where the change is wrong. Choosing a value ends N/A; N/A needs a
 * non-blank reason and clears the value; only an item the catalog does not apply to the
 * institution may be out of scope.
 */
function resolveAnswerChange(
  item: CatalogItem,
  current: AnswerFields,
  change: AnswerChange,
  profile: OrganisationProfile,
  pathPrefix: string,
): { ok: true; answer: AnswerFields } | { ok: false; details: ErrorDetail[] } {
  const details: ErrorDetail[] = []
  const next: AnswerFields = { ...current }
  if (change.comment !== undefined) next.comment = cleanText(change.comment)
  if (change.naReason !== undefined) next.naReason = cleanText(change.naReason)
  if (change.notApplicable !== undefined) next.notApplicable = change.notApplicable
  if (change.value !== undefined && change.value !== null) {
    const allowed = item.scale.options.map((option) => option.value)
    if (!allowed.includes(change.value)) details.push({ path: `${pathPrefix}.value`, message: MESSAGES.valueNotOnScale(allowed) })
    else if (change.notApplicable === true) details.push({ path: `${pathPrefix}.value`, message: MESSAGES.valueWithNa })
    else next.notApplicable = false
    next.value = change.value
  } else if (change.value === null) {
    next.value = null
  }
  if (next.notApplicable) {
    next.value = null
    if (!next.naReason) details.push({ path: `${pathPrefix}.naReason`, message: MESSAGES.naNeedsReason })
  } else {
    next.naReason = null
  }
  if (change.inScope !== undefined) {
    if (!change.inScope && itemAppliesTo(item.applicability, profile)) {
      details.push({ path: `${pathPrefix}.inScope`, message: MESSAGES.applicableStaysInScope })
    }
    next.inScope = change.inScope
  }
  return details.length > 0 ? { ok: false, details } : { ok: true, answer: next }
}

const sameAnswer = (a: AnswerFields, b: AnswerFields) =>
  a.inScope === b.inScope && a.value === b.value && a.notApplicable === b.notApplicable && a.naReason === b.naReason && a.comment === b.comment

const answerFields = (row: repo.AnswerRow | undefined): AnswerFields => ({
  inScope: row?.inScope ?? true,
  value: row?.value ?? null,
  notApplicable: row?.notApplicable ?? false,
  naReason: row?.naReason ?? null,
  comment: row?.comment ?? null,
})

function itemStateOf(ref: string, row: repo.AnswerRow | undefined, names: Map<string, string>, evidenceCount: number): ItemState {
  return {
    ref,
    ...answerFields(row),
    updatedAt: row?.updatedAt ?? null,
    updatedBy: personOf(names, row?.updatedBy ?? null),
    evidenceCount,
  }
}

export async function listItems(ctx: AppContext, actor: Actor, id: string): Promise<ItemState[]> {
  const row = await requireAssessment(ctx.db, actor, id)
  const index = await catalogIndex(ctx.db, row.catalogId)
  const answers = new Map((await repo.answersOf(ctx.db, row.id)).map((answer) => [answer.itemRef, answer]))
  const counts = await repo.evidenceCounts(ctx.db, actor.orgId, row.id)
  const names = await repo.displayNames(
    ctx.db,
    [...answers.values()].map((answer) => answer.updatedBy),
  )
  return index.order.map((ref) => itemStateOf(ref, answers.get(ref), names, counts.get(ref) ?? 0))
}

/** The autosave target: changes one item's answer; a change that changes nothing is not recorded. */
export async function updateItem(ctx: AppContext, actor: Actor, id: string, ref: string, change: AnswerChange): Promise<ItemState> {
  const profile = await profileOf(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await lockAssessment(tx, actor, id)
    assertCanEdit(actor, assessment)
    const item = requireItem(await catalogIndex(tx, assessment.catalogId), ref)
    const currentRow = await repo.findAnswer(tx, assessment.id, ref)
    const current = answerFields(currentRow)
    const resolved = resolveAnswerChange(item, current, change, profile, 'body')
    if (!resolved.ok) throw invalid(resolved.details[0]?.message ?? MESSAGES.naNeedsReason, resolved.details)
    if (!sameAnswer(current, resolved.answer)) {
      await repo.saveAnswer(tx, { assessmentId: assessment.id, itemRef: ref, ...resolved.answer, updatedBy: actor.userId, updatedAt: now })
      await repo.updateAssessment(tx, assessment.id, { updatedAt: now })
      await recordAudit(tx, {
        actorUserId: actor.userId,
        orgId: actor.orgId,
        action: 'assessment.answer_updated',
        target: { type: 'assessment', id: assessment.id },
        before: current,
        after: resolved.answer,
        details: { itemRef: ref },
        at: now,
      })
    }
    const saved = await repo.findAnswer(tx, assessment.id, ref)
    const names = await repo.displayNames(tx, [saved?.updatedBy ?? null])
    const counts = await repo.evidenceCounts(tx, actor.orgId, assessment.id)
    return itemStateOf(ref, saved, names, counts.get(ref) ?? 0)
  })
}

export async function getScores(ctx: AppContext, actor: Actor, id: string): Promise<AssessmentScores> {
  const row = await requireAssessment(ctx.db, actor, id)
  const catalog = await getCatalog(ctx.db, row.catalogId)
  const answers = await repo.answersOf(ctx.db, row.id)
  return scoreAssessment(catalog.content, answers.map(toAnswerState))
}

// ---------------------------------------------------------------- workflow

/** One step of the sign-off workflow: the new status and who did it, with its audit event. */
async function changeStatus(
  tx: Queryable,
  actor: Actor,
  assessment: repo.AssessmentRow,
  action: string,
  fields: Parameters<typeof repo.updateAssessment>[2] & { status: AssessmentStatus },
  comment: string | null,
  now: Date,
) {
  await repo.updateAssessment(tx, assessment.id, { ...fields, updatedAt: now })
  await recordAudit(tx, {
    actorUserId: actor.userId,
    orgId: actor.orgId,
    action,
    target: { type: 'assessment', id: assessment.id },
    before: { status: assessment.status },
    after: { status: fields.status, comment },
    at: now,
  })
}

export async function requestReview(ctx: AppContext, actor: Actor, id: string, input: { comment?: string | null }): Promise<AssessmentDetail> {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await lockAssessment(tx, actor, id)
    assertCanRequestReview(actor, assessment)
    const comment = cleanText(input.comment)
    await changeStatus(tx, actor, assessment, 'assessment.review_requested', { status: 'in_review', reviewRequestedBy: actor.userId, reviewRequestedAt: now, reviewComment: comment }, comment, now)
    return describeAssessment(tx, actor, assessment.id)
  })
}

/** 差戻し: back to draft with a comment saying what to fix. */
export async function returnAssessment(ctx: AppContext, actor: Actor, id: string, input: { comment: string }): Promise<AssessmentDetail> {
  const comment = cleanText(input.comment)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await lockAssessment(tx, actor, id)
    assertCanReturn(actor, assessment)
    if (!comment) {
      const message = { ja: '差戻しの理由を入力してください', en: 'Say why the assessment is returned' }
      throw invalid(message, [{ path: 'body.comment', message }])
    }
    await changeStatus(tx, actor, assessment, 'assessment.returned', { status: 'draft', returnedBy: actor.userId, returnedAt: now, returnComment: comment }, comment, now)
    return describeAssessment(tx, actor, assessment.id)
  })
}

/** Management sign-off; the approved version is locked for good (a change needs a new version). */
export async function approve(ctx: AppContext, actor: Actor, id: string, input: { comment?: string | null }): Promise<AssessmentDetail> {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await lockAssessment(tx, actor, id)
    // Four eyes: the approver is never the last editor of an answer, nor the one who asked for review.
    assertCanApprove(actor, await stateOf(tx, actor, assessment), await repo.lastEditorIds(tx, assessment.id))
    const comment = cleanText(input.comment)
    await changeStatus(tx, actor, assessment, 'assessment.approved', { status: 'approved', approvedBy: actor.userId, approvedAt: now, approvalComment: comment, lockedAt: now }, comment, now)
    return describeAssessment(tx, actor, assessment.id)
  })
}

/**
 * Starts the next version of an approved assessment: a new draft in the same lineage with the
 * answers (and who last edited them) and the evidence rows copied; the approved version is kept as it is.
 */
export async function reopen(ctx: AppContext, actor: Actor, id: string): Promise<AssessmentDetail> {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await lockAssessment(tx, actor, id)
    assertCanReopen(actor, await stateOf(tx, actor, assessment))
    const newId = randomUUID()
    await repo.insertAssessment(tx, {
      id: newId,
      orgId: actor.orgId,
      catalogId: assessment.catalogId,
      lineageId: assessment.lineageId,
      version: assessment.version + 1,
      title: assessment.title,
      status: 'draft',
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    const answers = await repo.answersOf(tx, assessment.id)
    await repo.insertAnswers(
      tx,
      answers.map((answer) => ({ ...answer, assessmentId: newId })),
    )
    const files = await repo.evidenceOf(tx, actor.orgId, assessment.id)
    await repo.insertEvidence(
      tx,
      files.map(({ uploaderName: _uploaderName, ...file }) => ({ ...file, id: randomUUID(), assessmentId: newId })),
    )
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'assessment.reopened',
      target: { type: 'assessment', id: newId },
      after: { lineageId: assessment.lineageId, version: assessment.version + 1 },
      details: { previousVersionId: assessment.id },
      at: now,
    })
    return describeAssessment(tx, actor, newId)
  })
}

// ---------------------------------------------------------------- versions

/** Changes from the version `againstId` to the version `id`; the id is checked first, so a foreign one answers 404 whatever else is sent. */
export async function diffAssessments(ctx: AppContext, actor: Actor, id: string, againstId: string | undefined) {
  const to = await requireAssessment(ctx.db, actor, id)
  if (!againstId) {
    const message = { ja: '比較する版を against に指定してください', en: 'Name the version to compare with in "against"' }
    throw invalid(message, [{ path: 'querystring.against', message }])
  }
  const from = await requireAssessment(ctx.db, actor, againstId)
  if (from.lineageId !== to.lineageId) {
    const message = { ja: '同じ自己評価の版どうしでのみ比較できます', en: 'Only versions of the same assessment can be compared' }
    throw invalid(message, [{ path: 'querystring.against', message }])
  }
  const index = await catalogIndex(ctx.db, to.catalogId)
  const snapshot = async (row: repo.AssessmentRow) => ({
    answers: (await repo.answersOf(ctx.db, row.id)).map((a) => ({ ref: a.itemRef, ...answerFields(a) })),
    evidence: await repo.evidenceOf(ctx.db, actor.orgId, row.id),
  })
  const changes: ItemChange[] = diffVersions(index.order, await snapshot(from), await snapshot(to))
  return { from: { id: from.id, version: from.version }, to: { id: to.id, version: to.version }, changes }
}

// ---------------------------------------------------------------- evidence

const evidenceEntry = (row: repo.EvidenceView): EvidenceEntry => ({
  id: row.id,
  itemRef: row.itemRef,
  filename: row.filename,
  mediaType: row.mediaType,
  sizeBytes: row.sizeBytes,
  sha256: row.sha256,
  uploadedAt: row.uploadedAt,
  uploadedBy: { id: row.uploadedBy, displayName: row.uploaderName },
})

export async function listEvidence(ctx: AppContext, actor: Actor, id: string): Promise<EvidenceEntry[]> {
  const row = await requireAssessment(ctx.db, actor, id)
  return (await repo.evidenceOf(ctx.db, actor.orgId, row.id)).map(evidenceEntry)
}

/**
 * Whether a file may be attached to the item now, asked before the upload is read so that a
 * refused request does not have to send its bytes first; addEvidence checks again when it stores.
 */
export async function assertCanAttachEvidence(ctx: AppContext, actor: Actor, id: string, ref: string): Promise<void> {
  const assessment = await requireAssessment(ctx.db, actor, id)
  assertCanEdit(actor, assessment)
  requireItem(await catalogIndex(ctx.db, assessment.catalogId), ref)
}

export const unsupportedEvidenceType = (message: Localized) => new AppError('unsupported_media_type', 415, message)

/**
 * Attaches a file to an item of a draft. The bytes go to the content-addressed blob store (sha256
 * as key) only after the permission, size and type checks pass.
 */
export async function addEvidence(ctx: AppContext, actor: Actor, id: string, ref: string, file: { filename: string; data: Buffer }): Promise<EvidenceEntry> {
  if (file.data.length > ctx.config.maxUploadBytes) throw tooLarge(ctx.config.maxUploadBytes)
  const filename = cleanFilename(file.filename)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await lockAssessment(tx, actor, id)
    assertCanEdit(actor, assessment)
    requireItem(await catalogIndex(tx, assessment.catalogId), ref)
    const verdict = checkEvidenceType(filename, file.data)
    if (!verdict.ok) throw unsupportedEvidenceType(verdict.message)
    const stored = await ctx.blobs.put(file.data)
    await repo.ensureBlob(tx, { sha256: stored.sha256, sizeBytes: stored.sizeBytes, mediaType: verdict.mediaType })
    const evidenceId = randomUUID()
    await repo.insertEvidence(tx, [
      {
        id: evidenceId,
        orgId: actor.orgId,
        assessmentId: assessment.id,
        itemRef: ref,
        sha256: stored.sha256,
        filename,
        mediaType: verdict.mediaType,
        sizeBytes: stored.sizeBytes,
        uploadedBy: actor.userId,
        uploadedAt: now,
      },
    ])
    await repo.updateAssessment(tx, assessment.id, { updatedAt: now })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'evidence.uploaded',
      target: { type: 'evidence', id: evidenceId },
      after: { assessmentId: assessment.id, itemRef: ref, sha256: stored.sha256, sizeBytes: stored.sizeBytes },
      at: now,
    })
    const saved = await repo.findEvidence(tx, actor.orgId, evidenceId)
    if (!saved) throw missing('evidence')
    return evidenceEntry(saved)
  })
}

export async function openEvidence(ctx: AppContext, actor: Actor, evidenceId: string): Promise<{ entry: EvidenceEntry; content: Readable }> {
  const row = await repo.findEvidence(ctx.db, actor.orgId, evidenceId)
  if (!row || !(await ctx.blobs.has(row.sha256))) throw missing('evidence')
  return { entry: evidenceEntry(row), content: ctx.blobs.read(row.sha256) }
}

/** Removes a file from a draft; the blob stays, since other versions may point at the same bytes. */
export async function deleteEvidence(ctx: AppContext, actor: Actor, evidenceId: string): Promise<void> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const row = await repo.findEvidence(tx, actor.orgId, evidenceId)
    if (!row) throw missing('evidence')
    const assessment = await lockAssessment(tx, actor, row.assessmentId)
    assertCanEdit(actor, assessment)
    await repo.deleteEvidence(tx, actor.orgId, evidenceId)
    await repo.updateAssessment(tx, assessment.id, { updatedAt: now })
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'evidence.deleted',
      target: { type: 'evidence', id: evidenceId },
      before: { assessmentId: assessment.id, itemRef: row.itemRef, sha256: row.sha256 },
      at: now,
    })
  })
}

// ---------------------------------------------------------------- remediation actions

export interface ActionInput {
  title?: string
  description?: string | null
  owner?: string | null
  dueDate?: string | null
  status?: RemediationStatus
  itemRefs?: string[]
}

const actionView = (row: repo.ActionRow): RemediationAction => ({
  id: row.id,
  title: row.title,
  description: row.description,
  owner: row.owner,
  dueDate: row.dueDate,
  status: row.status,
  itemRefs: row.itemRefs,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
})

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value)
  if (!match) return false
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return date.toISOString().slice(0, 10) === value
}

/** The fields of an action after a change, or where the change is wrong (title given, refs in the catalog, a real date). */
function resolveActionChange(
  index: CatalogIndex,
  input: ActionInput,
  pathPrefix: string,
): { ok: true; fields: Partial<repo.ActionRow> } | { ok: false; details: ErrorDetail[] } {
  const details: ErrorDetail[] = []
  const fields: Partial<repo.ActionRow> = {}
  if (input.title !== undefined) {
    const title = cleanText(input.title)
    if (!title) details.push({ path: `${pathPrefix}.title`, message: { ja: '改善策の名称を入力してください', en: 'Give the action a title' } })
    else fields.title = title
  }
  if (input.description !== undefined) fields.description = cleanText(input.description)
  if (input.owner !== undefined) fields.owner = cleanText(input.owner)
  if (input.dueDate !== undefined) {
    const dueDate = cleanText(input.dueDate)
    if (dueDate && !isCalendarDate(dueDate)) {
      details.push({ path: `${pathPrefix}.dueDate`, message: { ja: '対応期限は YYYY-MM-DD 形式の日付にしてください', en: 'The due date must be a date as YYYY-MM-DD' } })
    } else fields.dueDate = dueDate
  }
  if (input.status !== undefined) fields.status = input.status
  if (input.itemRefs !== undefined) {
    const refs = [...new Set(input.itemRefs.map((ref) => ref.trim()).filter((ref) => ref !== ''))]
    refs.forEach((ref, i) => {
      if (!index.items.has(ref)) {
        details.push({ path: `${pathPrefix}.itemRefs[${i}]`, message: { ja: `カタログにない項目です（${ref}）`, en: `No such item in the catalog (${ref})` } })
      }
    })
    fields.itemRefs = refs.sort((a, b) => index.order.indexOf(a) - index.order.indexOf(b))
  }
  return details.length > 0 ? { ok: false, details } : { ok: true, fields }
}

function invalidAction(details: ErrorDetail[]): AppError {
  return invalid(details[0]?.message ?? { ja: '入力内容に誤りがあります', en: 'The request is not valid' }, details)
}

export async function listActions(ctx: AppContext, actor: Actor, id: string): Promise<RemediationAction[]> {
  const row = await requireAssessment(ctx.db, actor, id)
  return (await repo.actionsOfLineage(ctx.db, actor.orgId, row.lineageId)).map(actionView)
}

/** Remediation actions belong to the lineage, so the plan carries over to every version and stays editable after approval. */
export async function createAction(ctx: AppContext, actor: Actor, id: string, input: ActionInput & { title: string }): Promise<RemediationAction> {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await requireAssessment(tx, actor, id)
    assertCanPlan(actor)
    const resolved = resolveActionChange(await catalogIndex(tx, assessment.catalogId), input, 'body')
    if (!resolved.ok) throw invalidAction(resolved.details)
    const row: repo.ActionRow = {
      id: randomUUID(),
      orgId: actor.orgId,
      lineageId: assessment.lineageId,
      title: resolved.fields.title ?? '',
      description: resolved.fields.description ?? null,
      owner: resolved.fields.owner ?? null,
      dueDate: resolved.fields.dueDate ?? null,
      status: resolved.fields.status ?? 'open',
      itemRefs: resolved.fields.itemRefs ?? [],
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    }
    await repo.insertAction(tx, row)
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'remediation_action.created', target: { type: 'remediation_action', id: row.id }, after: row, at: now })
    const saved = await repo.findAction(tx, actor.orgId, row.id)
    if (!saved) throw missing('remediation_action')
    return actionView(saved)
  })
}

async function catalogOfLineage(db: Queryable, actor: Actor, lineageId: string): Promise<CatalogIndex> {
  const [first] = await repo.versionsOfLineage(db, actor.orgId, lineageId)
  if (!first) throw missing('assessment')
  return catalogIndex(db, first.catalogId)
}

export async function updateAction(ctx: AppContext, actor: Actor, actionId: string, input: ActionInput): Promise<RemediationAction> {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const existing = await repo.findAction(tx, actor.orgId, actionId)
    if (!existing) throw missing('remediation_action')
    assertCanPlan(actor)
    const resolved = resolveActionChange(await catalogOfLineage(tx, actor, existing.lineageId), input, 'body')
    if (!resolved.ok) throw invalidAction(resolved.details)
    await repo.updateAction(tx, actor.orgId, actionId, { ...resolved.fields, updatedAt: now })
    const saved = await repo.findAction(tx, actor.orgId, actionId)
    if (!saved) throw missing('remediation_action')
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'remediation_action.updated',
      target: { type: 'remediation_action', id: actionId },
      before: actionView(existing),
      after: actionView(saved),
      at: now,
    })
    return actionView(saved)
  })
}

export async function deleteAction(ctx: AppContext, actor: Actor, actionId: string): Promise<void> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const existing = await repo.findAction(tx, actor.orgId, actionId)
    if (!existing) throw missing('remediation_action')
    assertCanPlan(actor)
    await repo.deleteAction(tx, actor.orgId, actionId)
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'remediation_action.deleted',
      target: { type: 'remediation_action', id: actionId },
      before: actionView(existing),
      at: now,
    })
  })
}

// ---------------------------------------------------------------- XLSX exchange

/** Everything the workbook shows of one assessment version: answers in catalog order, evidence, the lineage's plan. */
export async function exportAssessmentExchange(ctx: AppContext, actor: Actor, id: string): Promise<AssessmentExchange> {
  const row = await requireAssessment(ctx.db, actor, id)
  const org = await currentOrganisation(ctx, actor)
  const index = await catalogIndex(ctx.db, row.catalogId)
  const answers = new Map((await repo.answersOf(ctx.db, row.id)).map((answer) => [answer.itemRef, answer]))
  const files = await repo.evidenceOf(ctx.db, actor.orgId, row.id)
  const actions = await repo.actionsOfLineage(ctx.db, actor.orgId, row.lineageId)
  return {
    assessment: {
      id: row.id,
      title: row.title,
      version: row.version,
      status: row.status,
      organisation: { ja: org.nameJa, en: org.nameEn },
      catalogKey: index.row.key,
      catalogVersion: index.row.version,
      exportedAt: ctx.clock().toISOString(),
    },
    catalog: index.catalog,
    answers: index.order.map((ref): AnswerExchange => ({ ref, ...answerFields(answers.get(ref)) })),
    evidence: files.map((file) => ({
      itemRef: file.itemRef,
      filename: file.filename,
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      mediaType: file.mediaType,
      uploadedAt: file.uploadedAt.toISOString(),
    })),
    actions: actions.map(
      (action): ActionExchange => ({
        id: action.id,
        title: action.title,
        description: action.description,
        owner: action.owner,
        dueDate: action.dueDate,
        status: action.status,
        itemRefs: action.itemRefs,
      }),
    ),
  }
}

/** The exchange an import is read against, for someone who may import at all (editor or admin); asked before the upload is read. */
export async function exchangeForImport(ctx: AppContext, actor: Actor, id: string): Promise<AssessmentExchange> {
  const exchange = await exportAssessmentExchange(ctx, actor, id)
  assertCanPlan(actor)
  return exchange
}

export const importFailed = (details: ErrorDetail[]) =>
  new AppError(
    'import_failed',
    400,
    {
      ja: 'ファイルを取り込めませんでした。指摘された箇所を直して、もう一度取り込んでください（何も変更していません）',
      en: 'The file could not be imported: fix the places listed and import it again (nothing was changed)',
    },
    details,
  )

export interface ImportOutcome {
  answersUpdated: number
  actionsCreated: number
  actionsUpdated: number
}

const sameAction = (a: repo.ActionRow, b: Partial<repo.ActionRow>) =>
  (Object.keys(b) as (keyof repo.ActionRow)[]).every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]))

/**
 * Applies a checked workbook in one transaction: the listed answers replaced, actions with an id
 * updated (only actions of this assessment's lineage), actions without one created. Only what
 * differs is written, so re-importing an unchanged file changes nothing (and makes nobody the
 * last editor of an answer). Anything wrong refuses the whole import.
 */
export async function applyImportPlan(ctx: AppContext, actor: Actor, id: string, plan: ImportPlan): Promise<ImportOutcome> {
  assertCanPlan(actor)
  const profile = await profileOf(ctx, actor)
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const assessment = await lockAssessment(tx, actor, id)
    const index = await catalogIndex(tx, assessment.catalogId)
    const details: ErrorDetail[] = []

    const currentAnswers = new Map((await repo.answersOf(tx, assessment.id)).map((answer) => [answer.itemRef, answer]))
    const answerWrites: { ref: string; before: AnswerFields; after: AnswerFields }[] = []
    for (const planned of plan.answers) {
      const item = index.items.get(planned.ref)
      if (!item) {
        details.push({ path: `answers[${planned.ref}]`, message: { ja: `カタログにない項目です（${planned.ref}）`, en: `No such item in the catalog (${planned.ref})` } })
        continue
      }
      const before = answerFields(currentAnswers.get(planned.ref))
      const { ref: _ref, ...change } = planned
      const resolved = resolveAnswerChange(item, before, change, profile, `answers[${planned.ref}]`)
      if (!resolved.ok) details.push(...resolved.details)
      else if (!sameAnswer(before, resolved.answer)) answerWrites.push({ ref: planned.ref, before, after: resolved.answer })
    }

    const currentActions = new Map((await repo.actionsOfLineage(tx, actor.orgId, assessment.lineageId)).map((action) => [action.id, action]))
    const actionUpdates: { id: string; fields: Partial<repo.ActionRow> }[] = []
    const actionCreates: Partial<repo.ActionRow>[] = []
    plan.actions.forEach((planned, i) => {
      const resolved = resolveActionChange(index, planned, `actions[${i}]`)
      if (!resolved.ok) {
        details.push(...resolved.details)
        return
      }
      if (planned.id === null) {
        actionCreates.push(resolved.fields)
        return
      }
      const existing = currentActions.get(planned.id)
      if (!existing) {
        details.push({
          path: `actions[${i}].id`,
          message: { ja: `この自己評価の改善策ではありません（${planned.id}）`, en: `Not a remediation action of this assessment (${planned.id})` },
        })
      } else if (!sameAction(existing, resolved.fields)) {
        actionUpdates.push({ id: planned.id, fields: resolved.fields })
      }
    })
    if (details.length > 0) throw importFailed(details)
    if (answerWrites.length > 0) assertCanEdit(actor, assessment)

    for (const write of answerWrites) {
      await repo.saveAnswer(tx, { assessmentId: assessment.id, itemRef: write.ref, ...write.after, updatedBy: actor.userId, updatedAt: now })
    }
    if (answerWrites.length > 0) await repo.updateAssessment(tx, assessment.id, { updatedAt: now })
    for (const update of actionUpdates) await repo.updateAction(tx, actor.orgId, update.id, { ...update.fields, updatedAt: now })
    for (const fields of actionCreates) {
      await repo.insertAction(tx, {
        id: randomUUID(),
        orgId: actor.orgId,
        lineageId: assessment.lineageId,
        title: fields.title ?? '',
        description: fields.description ?? null,
        owner: fields.owner ?? null,
        dueDate: fields.dueDate ?? null,
        status: fields.status ?? 'open',
        itemRefs: fields.itemRefs ?? [],
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      })
    }
    const outcome = { answersUpdated: answerWrites.length, actionsCreated: actionCreates.length, actionsUpdated: actionUpdates.length }
    await recordAudit(tx, {
      actorUserId: actor.userId,
      orgId: actor.orgId,
      action: 'assessment.imported',
      target: { type: 'assessment', id: assessment.id },
      after: { answers: answerWrites.map((w) => ({ ref: w.ref, ...w.after })), actionsCreated: actionCreates, actionsUpdated: actionUpdates },
      details: { ...outcome, itemRefs: answerWrites.map((w) => w.ref) },
      at: now,
    })
    return outcome
  })
}

/**
 * The answers of a check sheet sent outside Kamae (a supervisor imports it for the institution),
 * checked like an import against a blank assessment of the institution's profile: every catalog
 * item in order, or every place that is wrong.
 */
export function answersFromCheckSheet(
  catalog: Catalog,
  profile: OrganisationProfile,
  planned: readonly AnswerExchange[],
): { ok: true; answers: AnswerExchange[] } | { ok: false; details: ErrorDetail[] } {
  const items = new Map(flattenItems(catalog).map(({ item }) => [item.ref, item]))
  const byRef = new Map(planned.map((answer) => [answer.ref, answer]))
  const details: ErrorDetail[] = []
  const answers: AnswerExchange[] = []
  for (const [ref, item] of items) {
    const blank: AnswerFields = { ...answerFields(undefined), inScope: itemAppliesTo(item.applicability, profile) }
    const change = byRef.get(ref)
    if (!change) {
      answers.push({ ref, ...blank })
      continue
    }
    const { ref: _ref, ...fields } = change
    const resolved = resolveAnswerChange(item, blank, fields, profile, `answers[${ref}]`)
    if (resolved.ok) answers.push({ ref, ...resolved.answer })
    else details.push(...resolved.details)
  }
  for (const ref of byRef.keys()) {
    if (!items.has(ref)) details.push({ path: `answers[${ref}]`, message: { ja: `カタログにない項目です（${ref}）`, en: `No such item in the catalog (${ref})` } })
  }
  return details.length > 0 ? { ok: false, details } : { ok: true, answers }
}

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** The check sheet (チェックシート) of an assessment version, in the language asked for. */
export async function exportWorkbook(ctx: AppContext, actor: Actor, id: string, lang: Locale): Promise<{ filename: string; data: Buffer }> {
  const exchange = await exportAssessmentExchange(ctx, actor, id)
  const data = await buildAssessmentWorkbook(exchange, lang)
  return { filename: cleanFilename(`${exchange.assessment.title}-v${exchange.assessment.version}.xlsx`), data }
}

/**
 * Reads a filled-in check sheet against the exchange it was checked with (exchangeForImport) and
 * applies it whole, or refuses it whole with the cells to fix.
 */
export async function importWorkbook(
  ctx: AppContext,
  actor: Actor,
  id: string,
  current: AssessmentExchange,
  data: Buffer,
  lang: Locale,
): Promise<ImportOutcome> {
  const parsed = await parseAssessmentWorkbook(data, current, lang)
  if (!parsed.ok) throw importFailed(parsed.errors)
  return applyImportPlan(ctx, actor, id, parsed.plan)
}
