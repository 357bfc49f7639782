import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import type { AppContext } from '../../context.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { ErrorResponse, IdParams, Ok, withErrors } from '../../http/schemas.js'
import { contentDisposition, fileUpload, readUploadedFile, sendStoredFile } from '../../http/files.js'
import { FireDocument } from './fire.js'
import {
  AcknowledgeBody,
  AttachmentEntry,
  Binary,
  CreateBody,
  DiscardOutcome,
  DraftBody,
  ImportOutcome,
  InboxEntry,
  InboxQuery,
  IncidentDetail,
  IncidentListEntry,
  InstitutionMessageBody,
  LangQuery,
  Message,
  OverrideBody,
  SectorStats,
  SelectionBody,
  StatsQuery,
  SupervisorIncidentDetail,
  SupervisorMessageBody,
  VersionDetail,
  VersionParams,
  Vocabulary,
} from './schemas.js'
import * as incidents from './service.js'
import type { OpenedAttachment } from './service.js'
import * as supervision from './supervisor-service.js'

// HTTP of the incident module (issue 4): the institution's side under /api/v1/incidents, the
// supervisor's under /api/v1/supervision/incidents. Schemas, status codes, nothing else.

function sendAttachment(reply: FastifyReply, file: OpenedAttachment) {
  return sendStoredFile(reply, file)
}

function sendJsonFile(reply: FastifyReply, filename: string, document: unknown) {
  return reply.header('content-disposition', contentDisposition(filename)).header('cache-control', 'private, no-store').send(document)
}

function sendWorkbook(reply: FastifyReply, filename: string, data: Buffer) {
  return reply
    .header('content-type', incidents.XLSX_MEDIA_TYPE)
    .header('content-disposition', contentDisposition(filename))
    .header('cache-control', 'private, no-store')
    .send(data)
}

const stamp = (date: Date) => date.toISOString().slice(0, 10)

export function incidentRoutes(app: App, ctx: AppContext) {
  const tags = ['incident']

  // ---------------------------------------------------------------- vocabulary

  app.get(
    '/api/v1/incidents/taxonomy',
    {
      schema: {
        tags,
        summary: 'Incident categories, root causes, severity levels and criteria, and deadline clocks (ja/en), for both sides',
        response: withErrors({ 200: Vocabulary }),
      },
    },
    async () => incidents.reportingVocabulary(),
  )

  // ---------------------------------------------------------------- institution: incidents

  app.get(
    '/api/v1/incidents',
    { schema: { tags, summary: "The own institution's incidents, drafts included, with the next report due", response: withErrors({ 200: Type.Array(IncidentListEntry) }) } },
    async (request) => incidents.listIncidents(ctx, actorOf(request)),
  )

  app.post(
    '/api/v1/incidents',
    {
      schema: {
        tags,
        summary: 'Open an incident with a draft initial report; with submit: true, submit it at once (institution editor or admin)',
        body: CreateBody,
        response: withErrors({ 201: IncidentDetail, 409: ErrorResponse }),
      },
    },
    async (request, reply) => reply.status(201).send(await incidents.createIncident(ctx, actorOf(request), request.body)),
  )

  app.post(
    '/api/v1/incidents/import',
    {
      schema: {
        tags,
        summary: 'Import a FIRE JSON file: one new incident per report, each as a draft initial report; all or nothing, problems located by JSON path',
        consumes: ['multipart/form-data'],
        body: fileUpload('A FIRE JSON document (format kamae.incident-report.fire)'),
        response: withErrors({ 201: ImportOutcome, 413: ErrorResponse }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      incidents.assertCanImport(actor)
      const file = await readUploadedFile(request, ctx.config.maxUploadBytes)
      return reply.status(201).send(await incidents.importIncidents(ctx, actor, file.data))
    },
  )

  app.post(
    '/api/v1/incidents/export.json',
    { schema: { tags, summary: 'Selected incidents as FIRE JSON (latest report of each)', body: SelectionBody, response: withErrors({ 200: FireDocument }) } },
    async (request, reply) => sendJsonFile(reply, `incidents-${stamp(ctx.clock())}.json`, await incidents.exportJson(ctx, actorOf(request), request.body.ids)),
  )

  app.post(
    '/api/v1/incidents/export.xlsx',
    {
      schema: { tags, summary: 'Selected incidents as a workbook (XLSX)', body: SelectionBody, querystring: LangQuery, response: withErrors({ 200: Binary }) },
    },
    async (request, reply) =>
      sendWorkbook(reply, `incidents-${stamp(ctx.clock())}.xlsx`, await incidents.exportXlsx(ctx, actorOf(request), request.body.ids, request.query.lang ?? request.locale)),
  )

  app.get(
    '/api/v1/incidents/:id',
    {
      schema: {
        tags,
        summary: 'An incident: latest report, versions, draft with its live classification and what it still lacks, deadlines, receipts, overrides',
        params: IdParams,
        response: withErrors({ 200: IncidentDetail }),
      },
    },
    async (request) => incidents.getIncident(ctx, actorOf(request), request.params.id),
  )

  app.put(
    '/api/v1/incidents/:id/draft',
    {
      schema: {
        tags,
        summary: 'Save the draft of the next report (the whole content; start from the latest submitted one)',
        params: IdParams,
        body: DraftBody,
        response: withErrors({ 200: IncidentDetail, 409: ErrorResponse }),
      },
    },
    async (request) => incidents.saveDraft(ctx, actorOf(request), request.params.id, request.body),
  )

  app.delete(
    '/api/v1/incidents/:id/draft',
    {
      schema: {
        tags,
        summary: 'Discard the draft and its waiting files; an incident never submitted is deleted with it',
        params: IdParams,
        response: withErrors({ 200: DiscardOutcome, 409: ErrorResponse }),
      },
    },
    async (request) => ({ ok: true as const, ...(await incidents.discardDraft(ctx, actorOf(request), request.params.id)) }),
  )

  app.post(
    '/api/v1/incidents/:id/submit',
    {
      schema: {
        tags,
        summary: 'Submit the draft to the supervisor as an immutable version, classified by the rule set',
        params: IdParams,
        response: withErrors({ 200: IncidentDetail, 409: ErrorResponse }),
      },
    },
    async (request) => incidents.submitDraft(ctx, actorOf(request), request.params.id),
  )

  app.get(
    '/api/v1/incidents/:id/versions/:version',
    { schema: { tags, summary: 'One submitted version of the report, as submitted', params: VersionParams, response: withErrors({ 200: VersionDetail }) } },
    async (request) => incidents.getVersion(ctx, actorOf(request), request.params.id, request.params.version),
  )

  app.post(
    '/api/v1/incidents/:id/import',
    {
      schema: {
        tags,
        summary: "Import a FIRE JSON file holding one report as the draft of the incident's next report (replaces the draft)",
        consumes: ['multipart/form-data'],
        params: IdParams,
        body: fileUpload('A FIRE JSON document with one incident'),
        response: withErrors({ 200: IncidentDetail, 409: ErrorResponse, 413: ErrorResponse }),
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await incidents.assertCanAttach(ctx, actor, request.params.id)
      const file = await readUploadedFile(request, ctx.config.maxUploadBytes)
      return incidents.importIntoDraft(ctx, actor, request.params.id, file.data)
    },
  )

  app.get(
    '/api/v1/incidents/:id/export.json',
    { schema: { tags, summary: 'The incident as FIRE JSON', params: IdParams, response: withErrors({ 200: FireDocument }) } },
    async (request, reply) => {
      const document = await incidents.exportJson(ctx, actorOf(request), [request.params.id])
      return sendJsonFile(reply, `${document.incidents[0]?.reportingDetails?.reference ?? 'incident'}.json`, document)
    },
  )

  app.get(
    '/api/v1/incidents/:id/export.xlsx',
    { schema: { tags, summary: 'The incident as a workbook (XLSX)', params: IdParams, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const data = await incidents.exportXlsx(ctx, actorOf(request), [request.params.id], request.query.lang ?? request.locale)
      return sendWorkbook(reply, `incident-${stamp(ctx.clock())}.xlsx`, data)
    },
  )

  // ---------------------------------------------------------------- institution: attachments

  app.post(
    '/api/v1/incidents/:id/attachments',
    {
      schema: {
        tags,
        summary: 'Attach a file to the next report (multipart field "file"; size-limited, type-checked like evidence)',
        consumes: ['multipart/form-data'],
        params: IdParams,
        body: fileUpload('The file: pdf, png, jpeg, gif, txt, csv, xlsx, docx, pptx, zip, json, xml, eml or msg'),
        response: withErrors({ 201: AttachmentEntry, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      await incidents.assertCanAttach(ctx, actor, request.params.id)
      const file = await readUploadedFile(request, ctx.config.maxUploadBytes)
      return reply.status(201).send(await incidents.addAttachment(ctx, actor, request.params.id, file))
    },
  )

  app.get(
    '/api/v1/incident-attachments/:id/download',
    { schema: { tags, summary: 'The bytes of an attachment of the own institution, as an attachment', params: IdParams, response: withErrors({ 200: Binary }) } },
    async (request, reply) => sendAttachment(reply, await incidents.openAttachment(ctx, actorOf(request), request.params.id)),
  )

  app.delete(
    '/api/v1/incident-attachments/:id',
    { schema: { tags, summary: 'Remove a file waiting for the next report (a submitted one stays)', params: IdParams, response: withErrors({ 200: Ok, 409: ErrorResponse }) } },
    async (request) => {
      await incidents.deleteAttachment(ctx, actorOf(request), request.params.id)
      return { ok: true as const }
    },
  )

  // ---------------------------------------------------------------- institution: messages

  app.get(
    '/api/v1/incidents/:id/messages',
    { schema: { tags, summary: "The supervisors' requests for information and the answers, every thread of the incident", params: IdParams, response: withErrors({ 200: Type.Array(Message) }) } },
    async (request) => incidents.listMessages(ctx, actorOf(request), request.params.id),
  )

  app.post(
    '/api/v1/incidents/:id/messages',
    {
      schema: {
        tags,
        summary: 'Answer a supervisor on the incident (supervisorOrgId needed when several receive it)',
        params: IdParams,
        body: InstitutionMessageBody,
        response: withErrors({ 201: Message, 409: ErrorResponse }),
      },
    },
    async (request, reply) => reply.status(201).send(await incidents.postMessage(ctx, actorOf(request), request.params.id, request.body)),
  )

  // ---------------------------------------------------------------- supervisor

  app.get(
    '/api/v1/supervision/incidents',
    {
      schema: {
        tags,
        summary: "Inbox: submitted incidents of the supervisor's jurisdiction, filterable by sector, category, severity, phase, overdue, acknowledgement",
        querystring: InboxQuery,
        response: withErrors({ 200: Type.Object({ total: Type.Integer(), items: Type.Array(InboxEntry) }) }),
      },
    },
    async (request) => supervision.inbox(ctx, actorOf(request), request.query),
  )

  app.get(
    '/api/v1/supervision/incidents/stats',
    {
      schema: {
        tags,
        summary: 'Sector view: incidents per month of detection (Japan time) by category and severity (default: the last 12 months)',
        querystring: StatsQuery,
        response: withErrors({ 200: SectorStats }),
      },
    },
    async (request) => supervision.sectorStats(ctx, actorOf(request), request.query),
  )

  app.post(
    '/api/v1/supervision/incidents/export.json',
    { schema: { tags, summary: 'Selected incidents as FIRE JSON', body: SelectionBody, response: withErrors({ 200: FireDocument }) } },
    async (request, reply) => sendJsonFile(reply, `incidents-${stamp(ctx.clock())}.json`, await supervision.exportJson(ctx, actorOf(request), request.body.ids)),
  )

  app.post(
    '/api/v1/supervision/incidents/export.xlsx',
    { schema: { tags, summary: 'Selected incidents as a workbook (XLSX)', body: SelectionBody, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) =>
      sendWorkbook(reply, `incidents-${stamp(ctx.clock())}.xlsx`, await supervision.exportXlsx(ctx, actorOf(request), request.body.ids, request.query.lang ?? request.locale)),
  )

  app.get(
    '/api/v1/supervision/incidents/:id',
    {
      schema: {
        tags,
        summary: 'A submitted incident: latest report, the versions as a timeline with receipts, deadlines, own severity override',
        params: IdParams,
        response: withErrors({ 200: SupervisorIncidentDetail }),
      },
    },
    async (request) => supervision.getIncident(ctx, actorOf(request), request.params.id),
  )

  app.get(
    '/api/v1/supervision/incidents/:id/versions/:version',
    { schema: { tags, summary: 'One submitted version of the report', params: VersionParams, response: withErrors({ 200: VersionDetail }) } },
    async (request) => supervision.getVersion(ctx, actorOf(request), request.params.id, request.params.version),
  )

  app.post(
    '/api/v1/supervision/incidents/:id/acknowledge',
    {
      schema: { tags, summary: 'Acknowledge receipt of the latest report', params: IdParams, body: AcknowledgeBody, response: withErrors({ 200: SupervisorIncidentDetail }) },
    },
    async (request) => supervision.acknowledge(ctx, actorOf(request), request.params.id, request.body),
  )

  app.put(
    '/api/v1/supervision/incidents/:id/severity',
    {
      schema: {
        tags,
        summary: "Override the computed severity with a reason (null withdraws the supervisor's override)",
        params: IdParams,
        body: OverrideBody,
        response: withErrors({ 200: SupervisorIncidentDetail }),
      },
    },
    async (request) => supervision.overrideSeverity(ctx, actorOf(request), request.params.id, request.body),
  )

  app.get(
    '/api/v1/supervision/incidents/:id/messages',
    { schema: { tags, summary: "This supervisor's thread with the institution on the incident", params: IdParams, response: withErrors({ 200: Type.Array(Message) }) } },
    async (request) => supervision.listMessages(ctx, actorOf(request), request.params.id),
  )

  app.post(
    '/api/v1/supervision/incidents/:id/messages',
    {
      schema: { tags, summary: 'Ask the institution for information (a message on the thread)', params: IdParams, body: SupervisorMessageBody, response: withErrors({ 201: Message }) },
    },
    async (request, reply) => reply.status(201).send(await supervision.postMessage(ctx, actorOf(request), request.params.id, request.body)),
  )

  app.get(
    '/api/v1/supervision/incidents/:id/export.json',
    { schema: { tags, summary: 'The incident as FIRE JSON', params: IdParams, response: withErrors({ 200: FireDocument }) } },
    async (request, reply) => {
      const document = await supervision.exportJson(ctx, actorOf(request), [request.params.id])
      return sendJsonFile(reply, `${document.incidents[0]?.reportingDetails?.reference ?? 'incident'}.json`, document)
    },
  )

  app.get(
    '/api/v1/supervision/incidents/:id/export.xlsx',
    { schema: { tags, summary: 'The incident as a workbook (XLSX)', params: IdParams, querystring: LangQuery, response: withErrors({ 200: Binary }) } },
    async (request, reply) => {
      const data = await supervision.exportXlsx(ctx, actorOf(request), [request.params.id], request.query.lang ?? request.locale)
      return sendWorkbook(reply, `incident-${stamp(ctx.clock())}.xlsx`, data)
    },
  )

  app.get(
    '/api/v1/supervision/incident-attachments/:id/download',
    { schema: { tags, summary: 'The bytes of a file submitted with a report', params: IdParams, response: withErrors({ 200: Binary }) } },
    async (request, reply) => sendAttachment(reply, await supervision.openAttachment(ctx, actorOf(request), request.params.id)),
  )
}
