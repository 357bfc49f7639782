import { Type } from 'typebox'
import type { AppContext } from '../../context.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { DateTime, ErrorResponse, IdParams, Localized, Ok, Uuid, withErrors } from '../../http/schemas.js'
import { Binary, contentDisposition, fileUpload, readUploadedFile, sendStoredFile } from '../../http/files.js'
import { ASSESSMENT_STATUSES, REMEDIATION_STATUSES } from './schema.js'
import * as assessments from './service.js'

// HTTP of the assessment module: schemas, status codes, nothing else (DESIGN.md §2).

// Ajv coerces null to 0 or "" inside an anyOf (the first branch wins), so nullable request
// fields are declared with a type list, which Ajv checks before coercing.
const NullableInteger = Type.Unsafe<number | null>({ type: ['integer', 'null'] })
const nullableText = (maxLength: number) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength })
const NullableDate = Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date' })

const Status = Type.Enum(ASSESSMENT_STATUSES)
const ActionStatus = Type.Enum(REMEDIATION_STATUSES)
const Person = Type.Object({ id: Type.String(), displayName: Type.String() })
const OptionalPerson = Type.Union([Person, Type.Null()])
const OptionalDateTime = Type.Union([DateTime, Type.Null()])
const OptionalText = Type.Union([Type.String(), Type.Null()])
const Rate = Type.Union([Type.Number(), Type.Null()])
const CatalogSummary = Type.Object({ id: Type.String(), key: Type.String(), version: Type.String(), title: Localized })
const ItemRef = Type.String({ minLength: 1, maxLength: 100 })
const Comment = Type.String({ maxLength: 4000 })

const AssessmentDetail = Type.Object({
  id: Type.String(),
  lineageId: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  status: Status,
  catalog: CatalogSummary,
  createdAt: DateTime,
  updatedAt: DateTime,
  createdBy: Person,
  reviewRequestedAt: OptionalDateTime,
  reviewRequestedBy: OptionalPerson,
  reviewComment: OptionalText,
  returnedAt: OptionalDateTime,
  returnComment: OptionalText,
  approvedAt: OptionalDateTime,
  approvedBy: OptionalPerson,
  approvalComment: OptionalText,
  lockedAt: OptionalDateTime,
  versions: Type.Array(Type.Object({ id: Type.String(), version: Type.Integer(), status: Status, approvedAt: OptionalDateTime })),
  permissions: Type.Object({
    canEdit: Type.Boolean(),
    canPlan: Type.Boolean(),
    canRequestReview: Type.Boolean(),
    canApprove: Type.Boolean(),
    canReturn: Type.Boolean(),
    canReopen: Type.Boolean(),
  }),
})

const AssessmentListEntry = Type.Object({
  id: Type.String(),
  lineageId: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  status: Status,
  catalog: CatalogSummary,
  updatedAt: DateTime,
  progress: Rate,
  score: Rate,
  olderVersions: Type.Integer(),
})

const ItemState = Type.Object({
  ref: Type.String(),
  inScope: Type.Boolean(),
  value: Type.Union([Type.Integer(), Type.Null()]),
  notApplicable: Type.Boolean(),
  naReason: OptionalText,
  comment: OptionalText,
  updatedAt: OptionalDateTime,
  updatedBy: OptionalPerson,
  evidenceCount: Type.Integer(),
})

const scoreFields = {
  score: Rate,
  progress: Rate,
  answered: Type.Integer(),
  inScope: Type.Integer(),
  basicCompliance: Rate,
  desirableAdoption: Rate,
  basicTotal: Type.Integer(),
  desirableTotal: Type.Integer(),
}
const Scores = Type.Object({
  overall: Type.Object(scoreFields),
  sections: Type.Array(Type.Object({ ref: Type.String(), title: Localized, ...scoreFields })),
})

const EvidenceEntry = Type.Object({
  id: Type.String(),
  itemRef: Type.String(),
  filename: Type.String(),
  mediaType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedAt: DateTime,
  uploadedBy: Person,
})

const RemediationAction = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: OptionalText,
  owner: OptionalText,
  dueDate: OptionalText,
  status: ActionStatus,
  itemRefs: Type.Array(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
})

const actionFields = {
  description: Type.Optional(nullableText(4000)),
  owner: Type.Optional(nullableText(200)),
  dueDate: Type.Optional(NullableDate),
  status: Type.Optional(ActionStatus),
  itemRefs: Type.Optional(Type.Array(ItemRef, { maxItems: 500 })),
}
const ActionTitle = Type.String({ minLength: 1, maxLength: 300 })

const Diff = Type.Object({
  from: Type.Object({ id: Type.String(), version: Type.Integer() }),
  to: Type.Object({ id: Type.String(), version: Type.Integer() }),
  changes: Type.Array(Type.Object({ ref: Type.String(), field: Type.String(), before: Type.Unknown(), after: Type.Unknown() })),
})

const Lang = Type.Union([Type.Literal('ja'), Type.Literal('en')])
const ImportOutcome = Type.Object({ answersUpdated: Type.Integer(), actionsCreated: Type.Integer(), actionsUpdated: Type.Integer() })

const ItemParams = Type.Object({ id: Uuid, ref: ItemRef })
export function assessmentRoutes(app: App, ctx: AppContext) {
  const tags = ['assessment']

  app.get(
    '/api/v1/assessments',
    {
      schema: {
        tags,
        summary: "The own organisation's self-assessments: the newest version of each, with progress and score",
        response: withErrors({ 200: Type.Array(AssessmentListEntry) }),
      },
    },
    async (request) => assessments.listAssessments(ctx, actorOf(request)),
  )

  app.post(
    '/api/v1/assessments',
    {
      schema: {
        tags,
        summary: 'Start a self-assessment of a catalog (institution editor or admin)',
        body: Type.Object({ catalogId: Uuid, title: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: withErrors({ 201: AssessmentDetail }),
      },
    },
    async (request, reply) => reply.status(201).send(await assessments.createAssessment(ctx, actorOf(request), request.body)),
  )

  app.get(
    '/api/v1/assessments/:id',
    { schema: { tags, summary: 'A self-assessment version: workflow state, versions and what the caller may do', params: IdParams, response: withErrors({ 200: AssessmentDetail }) } },
    async (request) => assessments.getAssessment(ctx, actorOf(request), request.params.id),
  )

  app.get(
    '/api/v1/assessments/:id/items',
    { schema: { tags, summary: 'The answer of every catalog item, in catalog order', params: IdParams, response: withErrors({ 200: Type.Array(ItemState) }) } },
    async (request) => assessments.listItems(ctx, actorOf(request), request.params.id),
  )

  app.put(
    '/api/v1/assessments/:id/items/:ref',
    {
      schema: {
        tags,
        summary: "Change an item's answer, N/A (with reason), comment or scope (autosave; draft only)",
        params: ItemParams,
        body: Type.Object(
          {
            value: Type.Optional(NullableInteger),
            notApplicable: Type.Optional(Type.Boolean()),
            naReason: Type.Optional(nullableText(2000)),
            comment: Type.Optional(nullableText(4000)),
            inScope: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: ItemState, 409: ErrorResponse }),
      },
    },
    async (request) => assessments.updateItem(ctx, actorOf(request), request.params.id, request.params.ref, request.body),
  )

  app.get(
    '/api/v1/assessments/:id/scores',
    { schema: { tags, summary: 'Progress, score, basic compliance and desirable adoption, overall and per section', params: IdParams, response: withErrors({ 200: Scores }) } },
    async (request) => assessments.getScores(ctx, actorOf(request), request.params.id),
  )

  // ---------------------------------------------------------------- workflow

  app.post(
    '/api/v1/assessments/:id/request-review',
    {
      schema: {
        tags,
        summary: 'Send a draft for review (editor or admin)',
        params: IdParams,
        body: Type.Object({ comment: Type.Optional(nullableText(4000)) }, { additionalProperties: false }),
        response: withErrors({ 200: AssessmentDetail, 409: ErrorResponse }),
      },
    },
    async (request) => assessments.requestReview(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/assessments/:id/return',
    {
      schema: {
        tags,
        summary: 'Return an assessment in review to draft, saying what to fix (差戻し; approver)',
        params: IdParams,
        body: Type.Object({ comment: Comment }, { additionalProperties: false }),
        response: withErrors({ 200: AssessmentDetail, 409: ErrorResponse }),
      },
    },
    async (request) => assessments.returnAssessment(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/assessments/:id/approve',
    {
      schema: {
        tags,
        summary: 'Approve and lock an assessment in review (approver with MFA, never the last editor of an answer)',
        params: IdParams,
        body: Type.Object({ comment: Type.Optional(nullableText(4000)) }, { additionalProperties: false }),
        response: withErrors({ 200: AssessmentDetail, 409: ErrorResponse }),
      },
    },
    async (request) => assessments.approve(ctx, actorOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/v1/assessments/:id/reopen',
    {
      schema: {
        tags,
        summary: 'Start the next version of an approved assessment, answers and evidence copied (editor or admin)',
        params: IdParams,
        response: withErrors({ 201: AssessmentDetail, 409: ErrorResponse }),
      },
    },
    async (request, reply) => reply.status(201).send(await assessments.reopen(ctx, actorOf(request), request.params.id)),
  )

  app.get(
    '/api/v1/assessments/:id/diff',
    {
      schema: {
        tags,
        summary: 'What changed per item from another version of the same assessment (against) to this one',
        params: IdParams,
        querystring: Type.Object({ against: Type.Optional(Uuid) }),
        response: withErrors({ 200: Diff }),
      },
    },
    async (request) => assessments.diffAssessments(ctx, actorOf(request), request.params.id, request.query.against),
  )

  // ---------------------------------------------------------------- evidence

  app.get(
    '/api/v1/assessments/:id/evidence',
    { schema: { tags, summary: 'Evidence files of an assessment version', params: IdParams, response: withErrors({ 200: Type.Array(EvidenceEntry) }) } },
    async (request) => assessments.listEvidence(ctx, actorOf(request), request.params.id),
  )

  app.post(
    '/api/v1/assessments/:id/items/:ref/evidence',
    {
      schema: {
        tags,
        summary: 'Attach an evidence file to an item (multipart field "file"; size-limited, type-checked; draft only)',
        consumes: ['multipart/form-data'],
        params: ItemParams,
        body: fileUpload('The evidence file: pdf, png, jpeg, gif, txt, csv, xlsx, docx, pptx, zip, json, xml, eml or msg'),
        response: withErrors({ 201: EvidenceEntry, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      await assessments.assertCanAttachEvidence(ctx, actor, request.params.id, request.params.ref)
      const file = await readUploadedFile(request, ctx.config.maxUploadBytes)
      return reply.status(201).send(await assessments.addEvidence(ctx, actor, request.params.id, request.params.ref, file))
    },
  )

  app.get(
    '/api/v1/evidence/:id/download',
    { schema: { tags, summary: 'The bytes of an evidence file, as an attachment', params: IdParams, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const { entry, content } = await assessments.openEvidence(ctx, actorOf(request), request.params.id)
      return sendStoredFile(reply, { ...entry, content })
    },
  )

  app.delete(
    '/api/v1/evidence/:id',
    { schema: { tags, summary: 'Remove an evidence file from a draft (editor or admin)', params: IdParams, response: withErrors({ 200: Ok, 409: ErrorResponse }) } },
    async (request) => {
      await assessments.deleteEvidence(ctx, actorOf(request), request.params.id)
      return { ok: true as const }
    },
  )

  // ---------------------------------------------------------------- remediation plan

  app.get(
    '/api/v1/assessments/:id/actions',
    { schema: { tags, summary: 'Remediation actions of the assessment (shared by all its versions)', params: IdParams, response: withErrors({ 200: Type.Array(RemediationAction) }) } },
    async (request) => assessments.listActions(ctx, actorOf(request), request.params.id),
  )

  app.post(
    '/api/v1/assessments/:id/actions',
    {
      schema: {
        tags,
        summary: 'Add a remediation action (editor or admin; also after approval)',
        params: IdParams,
        body: Type.Object({ title: ActionTitle, ...actionFields }, { additionalProperties: false }),
        response: withErrors({ 201: RemediationAction }),
      },
    },
    async (request, reply) => reply.status(201).send(await assessments.createAction(ctx, actorOf(request), request.params.id, request.body)),
  )

  app.patch(
    '/api/v1/remediation-actions/:id',
    {
      schema: {
        tags,
        summary: 'Change a remediation action (editor or admin)',
        params: IdParams,
        body: Type.Object({ title: Type.Optional(ActionTitle), ...actionFields }, { additionalProperties: false }),
        response: withErrors({ 200: RemediationAction }),
      },
    },
    async (request) => assessments.updateAction(ctx, actorOf(request), request.params.id, request.body),
  )

  app.delete(
    '/api/v1/remediation-actions/:id',
    { schema: { tags, summary: 'Delete a remediation action (editor or admin)', params: IdParams, response: withErrors({ 200: Ok }) } },
    async (request) => {
      await assessments.deleteAction(ctx, actorOf(request), request.params.id)
      return { ok: true as const }
    },
  )

  // ---------------------------------------------------------------- check sheet (XLSX)

  app.get(
    '/api/v1/assessments/:id/export.xlsx',
    {
      schema: {
        tags,
        summary: 'The assessment as a check sheet (XLSX) to fill in by hand and import again',
        params: IdParams,
        querystring: Type.Object({ lang: Type.Optional(Lang) }),
        response: withErrors({ 200: Binary }),
      },
    },
    async (request, reply) => {
      const workbook = await assessments.exportWorkbook(ctx, actorOf(request), request.params.id, request.query.lang ?? request.locale)
      return reply
        .header('content-type', assessments.XLSX_MEDIA_TYPE)
        .header('content-disposition', contentDisposition(workbook.filename))
        .header('cache-control', 'private, no-store')
        .send(workbook.data)
    },
  )

  app.post(
    '/api/v1/assessments/:id/import',
    {
      schema: {
        tags,
        summary: 'Import a filled-in check sheet (multipart, one file): applied whole, or refused whole with the cells to fix',
        consumes: ['multipart/form-data'],
        params: IdParams,
        body: fileUpload('The check sheet (.xlsx) exported from Kamae and filled in'),
        response: withErrors({ 200: ImportOutcome, 409: ErrorResponse, 413: ErrorResponse }),
      },
    },
    async (request) => {
      const actor = actorOf(request)
      const current = await assessments.exchangeForImport(ctx, actor, request.params.id)
      const file = await readUploadedFile(request, ctx.config.maxUploadBytes)
      return assessments.importWorkbook(ctx, actor, request.params.id, current, file.data, request.locale)
    },
  )
}
