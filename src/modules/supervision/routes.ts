import type { FastifyReply } from 'fastify'
import type { Readable } from 'node:stream'
import { Type } from 'typebox'
import type { AppContext } from '../../context.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { Binary, contentDisposition, fileUpload, readUploadedFile } from '../../http/files.js'
import { ErrorResponse, withErrors } from '../../http/schemas.js'
import { exportRoundCsv, exportRoundWorkbook, importSubmission, roundTemplate, XLSX_MEDIA_TYPE } from './exchange.js'
import * as feedback from './feedback.js'
import * as rounds from './rounds.js'
import {
  ApprovedAssessment,
  CommentBody,
  CsvQuery,
  DrillDownQuery,
  DrillDownRow,
  FeedbackJob,
  FeedbackReport,
  InstitutionInRound,
  InstitutionParams,
  InstitutionRound,
  Jurisdiction,
  LangQuery,
  MessageBody,
  MyRoundSummary,
  MySubmissionParams,
  ReminderBody,
  RoundAnalysis,
  RoundBody,
  RoundDetail,
  RoundParams,
  RoundSummary,
  SectorSummary,
  StartedAssessment,
  SubmissionParams,
  SubmitBody,
  SubmissionReceipt,
  TargetStatus,
  TargetsQuery,
} from './schemas.js'
import * as submissions from './submissions.js'

// HTTP of the supervision module (issue 3): the supervisor's side under /api/v1/supervision/rounds,
// the institution's under /api/v1/rounds. Schemas, status codes, nothing else.

function sendFile(reply: FastifyReply, mediaType: string, filename: string, content: Buffer | Readable | string) {
  return reply.header('content-type', mediaType).header('content-disposition', contentDisposition(filename)).header('cache-control', 'private, no-store').send(content)
}

const stamp = (date: Date) => date.toISOString().slice(0, 10)
const PDF = 'application/pdf'

export function supervisionRoutes(app: App, ctx: AppContext) {
  const tags = ['supervision']
  const base = '/api/v1/supervision/rounds'

  // ---------------------------------------------------------------- supervisor: rounds

  app.get(
    '/api/v1/supervision/jurisdiction',
    { schema: { tags, summary: "The institutions in the supervisor's jurisdiction (the possible targets of a round)", response: withErrors({ 200: Jurisdiction }) } },
    async (request) => rounds.listJurisdiction(ctx, actorOf(request)),
  )
  app.get(base, { schema: { tags, summary: "The supervisor's rounds, newest first, with status counts", response: withErrors({ 200: Type.Array(RoundSummary) }) } }, async (request) =>
    rounds.listRounds(ctx, actorOf(request)),
  )
  app.post(
    base,
    { schema: { tags, summary: 'Draft a self-assessment round or a self-inspection request (supervisor editor or admin)', body: RoundBody, response: withErrors({ 201: RoundDetail }) } },
    async (request, reply) => reply.status(201).send(await rounds.createRound(ctx, actorOf(request), request.body)),
  )
  app.get(`${base}/:id`, { schema: { tags, summary: 'A round', params: RoundParams, response: withErrors({ 200: RoundDetail }) } }, async (request) =>
    rounds.getRound(ctx, actorOf(request), request.params.id),
  )
  app.put(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Change a round: a draft entirely; once published, only its due date, instructions and k',
        params: RoundParams,
        body: RoundBody,
        response: withErrors({ 200: RoundDetail, 409: ErrorResponse }),
      },
    },
    async (request) => rounds.updateRound(ctx, actorOf(request), request.params.id, request.body),
  )
  app.post(
    `${base}/:id/publish`,
    { schema: { tags, summary: 'Publish a draft round: fixes its targets and notifies them', params: RoundParams, response: withErrors({ 200: RoundDetail, 409: ErrorResponse }) } },
    async (request) => rounds.publishRound(ctx, actorOf(request), request.params.id),
  )
  app.post(
    `${base}/:id/close`,
    { schema: { tags, summary: 'Close a published round: no more submissions', params: RoundParams, response: withErrors({ 200: RoundDetail, 409: ErrorResponse }) } },
    async (request) => rounds.closeRound(ctx, actorOf(request), request.params.id),
  )
  app.get(
    `${base}/:id/targets`,
    { schema: { tags, summary: 'The status of every target institution', params: RoundParams, querystring: TargetsQuery, response: withErrors({ 200: Type.Array(TargetStatus) }) } },
    async (request) => rounds.listTargets(ctx, actorOf(request), request.params.id, request.query),
  )
  app.post(
    `${base}/:id/reminders`,
    {
      schema: {
        tags,
        summary: 'Remind the targets that have not submitted (or those named)',
        params: RoundParams,
        body: ReminderBody,
        response: withErrors({ 200: Type.Object({ reminded: Type.Integer() }), 409: ErrorResponse }),
      },
    },
    async (request) => rounds.sendReminders(ctx, actorOf(request), request.params.id, request.body),
  )
  app.get(
    `${base}/:id/export.xlsx`,
    { schema: { tags, summary: "The round's data as a workbook: status list, scores, answers, item rates", params: RoundParams, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const data = await exportRoundWorkbook(ctx, actorOf(request), request.params.id, request.query.lang ?? request.locale)
      return sendFile(reply, XLSX_MEDIA_TYPE, `round-${stamp(ctx.clock())}.xlsx`, data)
    },
  )
  app.get(
    `${base}/:id/export.csv`,
    { schema: { tags, summary: 'One table of the round as CSV (UTF-8 with BOM): status (default), scores or answers', params: RoundParams, querystring: CsvQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const table = request.query.table ?? 'status'
      const csv = await exportRoundCsv(ctx, actorOf(request), request.params.id, table, request.query.lang ?? request.locale)
      return sendFile(reply, 'text/csv; charset=utf-8', `round-${table}-${stamp(ctx.clock())}.csv`, csv)
    },
  )

  // ---------------------------------------------------------------- supervisor: one institution

  app.get(
    `${base}/:id/institutions/:orgId`,
    { schema: { tags, summary: 'One institution in a round: status, submissions, follow-up thread, scores', params: InstitutionParams, response: withErrors({ 200: InstitutionInRound }) } },
    async (request) => submissions.institutionInRound(ctx, actorOf(request), request.params.id, request.params.orgId),
  )
  app.post(
    `${base}/:id/institutions/:orgId/return`,
    {
      schema: {
        tags,
        summary: 'Return the current submission with comments (follow-up)',
        params: InstitutionParams,
        body: CommentBody,
        response: withErrors({ 200: InstitutionInRound, 409: ErrorResponse }),
      },
    },
    async (request) => submissions.returnSubmission(ctx, actorOf(request), request.params.id, request.params.orgId, request.body),
  )
  app.post(
    `${base}/:id/institutions/:orgId/import`,
    {
      schema: {
        tags,
        summary: "Import a check sheet the institution sent as its submission (multipart, one .xlsx): recorded whole, or refused whole with the cells to fix",
        consumes: ['multipart/form-data'],
        params: InstitutionParams,
        body: fileUpload("The round's check sheet (.xlsx), filled in by the institution"),
        response: withErrors({ 201: InstitutionInRound, 409: ErrorResponse, 413: ErrorResponse }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      await rounds.requireRound(ctx.db, actor, request.params.id)
      const file = await readUploadedFile(request, ctx.config.maxUploadBytes)
      return reply.status(201).send(await importSubmission(ctx, actor, request.params.id, request.params.orgId, file.data, request.locale))
    },
  )
  app.get(
    `${base}/:id/institutions/:orgId/submissions/:submissionId`,
    { schema: { tags, summary: 'The exact stored snapshot of a submission (canonical JSON; its SHA-256 is the digest)', params: SubmissionParams, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const { id, orgId, submissionId } = request.params
      const snapshot = await submissions.supervisorSnapshot(ctx, actorOf(request), id, orgId, submissionId)
      return sendFile(reply, 'application/json', `submission-v${snapshot.version}-${snapshot.digest.slice(0, 12)}.json`, snapshot.text)
    },
  )

  app.get(
    `${base}/:id/institutions/:orgId/submissions/:submissionId/receipt`,
    {
      schema: {
        tags,
        summary: "The ledger's receipt for a submission: its audit entry in 'kamae-audit' with an inclusion proof against a signed tree head",
        params: SubmissionParams,
        response: withErrors({ 200: SubmissionReceipt }),
      },
    },
    async (request) => {
      const { id, orgId, submissionId } = request.params
      return submissions.supervisorSubmissionReceipt(ctx, actorOf(request), id, orgId, submissionId)
    },
  )

  // ---------------------------------------------------------------- supervisor: analysis and feedback

  app.get(
    `${base}/:id/analysis`,
    { schema: { tags, summary: 'Distributions per section, sector and peer group; item implementation rates; common weaknesses; change since the previous round', params: RoundParams, response: withErrors({ 200: RoundAnalysis }) } },
    async (request) => feedback.getAnalysis(ctx, actorOf(request), request.params.id),
  )
  app.get(
    `${base}/:id/analysis/institutions`,
    { schema: { tags, summary: 'The institutions behind a figure of the analysis, weakest first', params: RoundParams, querystring: DrillDownQuery, response: withErrors({ 200: Type.Array(DrillDownRow) }) } },
    async (request) => feedback.getDrillDown(ctx, actorOf(request), request.params.id, request.query),
  )
  app.get(
    `${base}/:id/summary`,
    { schema: { tags, summary: 'The sector summary (aggregate only, every group at least k)', params: RoundParams, response: withErrors({ 200: SectorSummary }) } },
    async (request) => feedback.getSectorSummary(ctx, actorOf(request), request.params.id),
  )
  app.get(
    `${base}/:id/summary.pdf`,
    { schema: { tags, summary: 'The sector summary as a PDF', params: RoundParams, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const lang = request.query.lang ?? request.locale
      return sendFile(reply, PDF, `sector-summary-${lang}.pdf`, await feedback.sectorSummaryPdf(ctx, actorOf(request), request.params.id, lang))
    },
  )
  app.get(
    `${base}/:id/feedback`,
    { schema: { tags, summary: 'The feedback job: state and progress, when generated and released', params: RoundParams, response: withErrors({ 200: FeedbackJob }) } },
    async (request) => feedback.feedbackJob(ctx, actorOf(request), request.params.id),
  )
  app.post(
    `${base}/:id/feedback/generate`,
    { schema: { tags, summary: "Generate every submitting institution's feedback (data and PDFs) in the background", params: RoundParams, response: withErrors({ 202: FeedbackJob, 409: ErrorResponse }) } },
    async (request, reply) => reply.status(202).send(await feedback.startFeedbackGeneration(ctx, actorOf(request), request.params.id)),
  )
  app.post(
    `${base}/:id/feedback/release`,
    { schema: { tags, summary: 'Release the generated feedback to the institutions and notify them', params: RoundParams, response: withErrors({ 200: FeedbackJob, 409: ErrorResponse }) } },
    async (request) => feedback.releaseFeedback(ctx, actorOf(request), request.params.id),
  )
  app.get(
    `${base}/:id/institutions/:orgId/feedback`,
    { schema: { tags, summary: "One institution's feedback as it would be generated now", params: InstitutionParams, response: withErrors({ 200: FeedbackReport, 409: ErrorResponse }) } },
    async (request) => feedback.previewFeedback(ctx, actorOf(request), request.params.id, request.params.orgId),
  )
  app.get(
    `${base}/:id/institutions/:orgId/feedback.pdf`,
    { schema: { tags, summary: "One institution's generated feedback PDF", params: InstitutionParams, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const file = await feedback.generatedFeedbackPdf(ctx, actorOf(request), request.params.id, request.params.orgId, request.query.lang ?? request.locale)
      return sendFile(reply, PDF, file.filename, file.content)
    },
  )

  // ---------------------------------------------------------------- institution

  app.get('/api/v1/rounds', { schema: { tags, summary: 'The rounds that target the institution', response: withErrors({ 200: Type.Array(MyRoundSummary) }) } }, async (request) =>
    submissions.listMyRounds(ctx, actorOf(request)),
  )
  app.get(
    '/api/v1/rounds/:id',
    { schema: { tags, summary: 'A round as the institution sees it: instructions, state, submissions, follow-up', params: RoundParams, response: withErrors({ 200: InstitutionRound }) } },
    async (request) => submissions.getMyRound(ctx, actorOf(request), request.params.id),
  )
  app.get(
    '/api/v1/rounds/:id/assessments',
    { schema: { tags, summary: "The approved assessments of the round's catalog that could be submitted", params: RoundParams, response: withErrors({ 200: Type.Array(ApprovedAssessment) }) } },
    async (request) => submissions.approvedAssessmentsFor(ctx, actorOf(request), request.params.id),
  )
  app.post(
    '/api/v1/rounds/:id/assessment',
    {
      schema: {
        tags,
        summary: "Start the round's assessment, pre-filled from the previous round when the round carries answers forward",
        params: RoundParams,
        response: withErrors({ 201: StartedAssessment, 409: ErrorResponse }),
      },
    },
    async (request, reply) => reply.status(201).send(await submissions.startRoundAssessment(ctx, actorOf(request), request.params.id)),
  )
  app.post(
    '/api/v1/rounds/:id/submissions',
    { schema: { tags, summary: 'Submit an approved assessment: an immutable snapshot with its SHA-256', params: RoundParams, body: SubmitBody, response: withErrors({ 201: InstitutionRound, 409: ErrorResponse }) } },
    async (request, reply) => reply.status(201).send(await submissions.submitToRound(ctx, actorOf(request), request.params.id, request.body)),
  )
  app.get(
    '/api/v1/rounds/:id/submissions/:submissionId',
    { schema: { tags, summary: 'The exact stored snapshot of one of the own submissions', params: MySubmissionParams, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const snapshot = await submissions.mySubmissionSnapshot(ctx, actorOf(request), request.params.id, request.params.submissionId)
      return sendFile(reply, 'application/json', `submission-v${snapshot.version}-${snapshot.digest.slice(0, 12)}.json`, snapshot.text)
    },
  )
  app.get(
    '/api/v1/rounds/:id/submissions/:submissionId/receipt',
    {
      schema: {
        tags,
        summary: "The ledger's receipt for one of the own submissions: proof, checkable offline, of what was submitted and when",
        params: MySubmissionParams,
        response: withErrors({ 200: SubmissionReceipt }),
      },
    },
    async (request) => submissions.mySubmissionReceipt(ctx, actorOf(request), request.params.id, request.params.submissionId),
  )
  app.post(
    '/api/v1/rounds/:id/messages',
    { schema: { tags, summary: 'Answer in the follow-up exchange', params: RoundParams, body: MessageBody, response: withErrors({ 201: InstitutionRound }) } },
    async (request, reply) => reply.status(201).send(await submissions.respondToRound(ctx, actorOf(request), request.params.id, request.body)),
  )
  app.get(
    '/api/v1/rounds/:id/template.xlsx',
    { schema: { tags, summary: "The round's blank check sheet", params: RoundParams, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => sendFile(reply, XLSX_MEDIA_TYPE, 'check-sheet.xlsx', await roundTemplate(ctx, actorOf(request), request.params.id, request.query.lang ?? request.locale)),
  )
  app.get(
    '/api/v1/rounds/:id/feedback',
    { schema: { tags, summary: 'The own released feedback', params: RoundParams, response: withErrors({ 200: FeedbackReport }) } },
    async (request) => feedback.myFeedback(ctx, actorOf(request), request.params.id),
  )
  app.get(
    '/api/v1/rounds/:id/feedback.pdf',
    { schema: { tags, summary: 'The own released feedback as a PDF', params: RoundParams, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const file = await feedback.myFeedbackPdf(ctx, actorOf(request), request.params.id, request.query.lang ?? request.locale)
      return sendFile(reply, PDF, file.filename, file.content)
    },
  )
}
