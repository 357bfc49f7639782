import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { AppContext, Logger } from '../../context.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { Binary, contentDisposition, fileUpload, readUploadedFile } from '../../http/files.js'
import { ErrorResponse, IdParams, Ok, withErrors } from '../../http/schemas.js'
import * as communities from './communities.js'
import {
  ClientsBody,
  ClientsOutcome,
  Collection,
  CollectionBody,
  CollectionPatch,
  Communities,
  ExportQuery,
  Group,
  GroupBody,
  GroupPatch,
  IdOrgParams,
  ImportOutcome,
  ImportQuery,
  IsacMember,
  NewToken,
  ObjectDetail,
  ObjectList,
  ObjectListQuery,
  OrgIdParams,
  ReportBody,
  ReportOutcome,
  RightBody,
  StixIdParams,
  Subscription,
  SubscriptionBody,
  SubscriptionPatch,
  Token,
  TokenBody,
} from './schemas.js'
import * as intel from './service.js'
import { taxiiRoutes } from './taxii/routes.js'
import { startSubscriptionScheduler, type SubscriptionScheduler } from './taxii/scheduler.js'
import * as subscriptions from './taxii/subscriptions.js'
import * as tokens from './taxii/tokens.js'

// HTTP of the intel module (issue 5 §1–§3) for the web app, under /api/v1/intel; the TAXII 2.1
// server under /taxii2 (taxii/routes.ts); and the schedule of subscription pulls, which runs while
// the server does. Schemas, status codes, nothing else.

export function intelRoutes(app: App, ctx: AppContext) {
  const tags = ['intel']

  // ---------------------------------------------------------------- objects

  app.get(
    '/api/v1/intel/objects',
    {
      schema: {
        tags,
        summary: 'Objects the caller may read under TLP 2.0 (latest version of each), newest first: by type, label, collection, or text (name, id, observable)',
        querystring: ObjectListQuery,
        response: withErrors({ 200: ObjectList }),
      },
    },
    async (request) => intel.listObjects(ctx, actorOf(request), request.query),
  )

  app.get(
    '/api/v1/intel/objects/:stixId',
    {
      schema: {
        tags,
        summary: 'One object: every version the caller may read, each with its JSON exactly as received, label, collection and observables',
        params: StixIdParams,
        response: withErrors({ 200: ObjectDetail }),
      },
    },
    async (request) => intel.getObject(ctx, actorOf(request), request.params.stixId),
  )

  app.get(
    '/api/v1/intel/export',
    {
      schema: {
        tags,
        summary: 'A STIX 2.1 bundle of what the caller may read (latest versions, or all), objects as received',
        querystring: ExportQuery,
        response: withErrors({ 200: Binary }),
      },
    },
    async (request, reply) => {
      const { chunks } = await intel.exportBundle(ctx, actorOf(request), request.query)
      return reply
        .header('content-type', intel.STIX_MEDIA_TYPE)
        .header('content-disposition', contentDisposition(`kamae-intel-${ctx.clock().toISOString().slice(0, 10)}.json`))
        .header('cache-control', 'private, no-store')
        .send(Readable.from(chunks))
    },
  )

  app.post(
    '/api/v1/intel/collections/:id/imports',
    {
      schema: {
        tags,
        summary:
          'Upload a STIX 2.1 bundle, a MISP event or a CSV indicator list into a collection (multipart field "file"): the bundle is validated whole — one bad object refuses it all, every problem named by object index and path; what a MISP or CSV conversion leaves out is listed; format, tlp and recipients in the query',
        consumes: ['multipart/form-data'],
        params: IdParams,
        querystring: ImportQuery,
        body: fileUpload('A STIX 2.1 bundle (JSON), a MISP event (JSON) or a CSV list of indicators'),
        response: withErrors({ 201: ImportOutcome, 413: ErrorResponse }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      await intel.assertCanImport(ctx, actor, request.params.id)
      const file = await readUploadedFile(request, ctx.config.maxUploadBytes)
      const { tlp, format, ...recipients } = request.query
      const outcome = await intel.importBundle(ctx, actor, request.params.id, file, { tlp, format, recipients })
      const leftOut = outcome.leftOut.map((e) => ({ path: e.path, message: e.message[request.locale] }))
      return reply.status(201).send({ ...outcome, leftOut })
    },
  )

  app.post(
    '/api/v1/intel/reports',
    {
      schema: {
        tags,
        summary: 'Share a report (STIX report + indicators) from one of the institution’s incidents or a list of indicators, under a TLP label, optionally anonymous to members',
        body: ReportBody,
        response: withErrors({ 201: ReportOutcome }),
      },
    },
    async (request, reply) => reply.status(201).send(await intel.shareReport(ctx, actorOf(request), request.body)),
  )

  app.post(
    '/api/v1/intel/shares/:id/clients',
    {
      schema: {
        tags,
        summary: 'TLP:AMBER: a recipient organisation names the clients it passes the share to',
        params: IdParams,
        body: ClientsBody,
        response: withErrors({ 200: ClientsOutcome }),
      },
    },
    async (request) => intel.nameClients(ctx, actorOf(request), request.params.id, request.body.orgIds),
  )

  // ---------------------------------------------------------------- communities

  app.get(
    '/api/v1/intel/communities',
    { schema: { tags, summary: 'The ISACs and sharing groups of the caller’s organisation, and the organisations in them', response: withErrors({ 200: Communities }) } },
    async (request) => communities.listCommunities(ctx, actorOf(request)),
  )

  app.get(
    '/api/v1/intel/isac/members',
    { schema: { tags, summary: 'The member institutions of the caller’s ISAC (ISAC admins)', response: withErrors({ 200: Type.Array(IsacMember) }) } },
    async (request) => communities.listIsacMembers(ctx, actorOf(request)),
  )

  app.put(
    '/api/v1/intel/isac/members/:orgId',
    { schema: { tags, summary: 'Add a member institution to the caller’s ISAC (ISAC admins)', params: OrgIdParams, response: withErrors({ 200: Type.Array(IsacMember) }) } },
    async (request) => communities.addIsacMember(ctx, actorOf(request), request.params.orgId),
  )

  app.delete(
    '/api/v1/intel/isac/members/:orgId',
    { schema: { tags, summary: 'Remove a member institution from the caller’s ISAC (ISAC admins)', params: OrgIdParams, response: withErrors({ 200: Ok }) } },
    async (request) => {
      await communities.removeIsacMember(ctx, actorOf(request), request.params.orgId)
      return { ok: true as const }
    },
  )

  app.get(
    '/api/v1/intel/sharing-groups',
    { schema: { tags, summary: 'The sharing groups the caller’s organisation is in', response: withErrors({ 200: Type.Array(Group) }) } },
    async (request) => communities.listGroups(ctx, actorOf(request)),
  )

  app.post(
    '/api/v1/intel/sharing-groups',
    { schema: { tags, summary: 'Create a sharing group owned by the caller’s organisation (admins)', body: GroupBody, response: withErrors({ 201: Group }) } },
    async (request, reply) => reply.status(201).send(await communities.createGroup(ctx, actorOf(request), request.body)),
  )

  app.get(
    '/api/v1/intel/sharing-groups/:id',
    { schema: { tags, summary: 'A sharing group and its members', params: IdParams, response: withErrors({ 200: Group }) } },
    async (request) => communities.getGroup(ctx, actorOf(request), request.params.id),
  )

  app.patch(
    '/api/v1/intel/sharing-groups/:id',
    { schema: { tags, summary: 'Rename or describe a sharing group (admins of its owner)', params: IdParams, body: GroupPatch, response: withErrors({ 200: Group }) } },
    async (request) => communities.updateGroup(ctx, actorOf(request), request.params.id, request.body),
  )

  app.put(
    '/api/v1/intel/sharing-groups/:id/members/:orgId',
    { schema: { tags, summary: 'Add an organisation to a sharing group (admins of its owner)', params: IdOrgParams, response: withErrors({ 200: Group }) } },
    async (request) => communities.addGroupMember(ctx, actorOf(request), request.params.id, request.params.orgId),
  )

  app.delete(
    '/api/v1/intel/sharing-groups/:id/members/:orgId',
    { schema: { tags, summary: 'Remove an organisation from a sharing group (admins of its owner)', params: IdOrgParams, response: withErrors({ 200: Group, 409: ErrorResponse }) } },
    async (request) => communities.removeGroupMember(ctx, actorOf(request), request.params.id, request.params.orgId),
  )

  // ---------------------------------------------------------------- collections

  app.get(
    '/api/v1/intel/collections',
    { schema: { tags, summary: 'The collections the caller may read or write, or manages', response: withErrors({ 200: Type.Array(Collection) }) } },
    async (request) => communities.listCollections(ctx, actorOf(request)),
  )

  app.post(
    '/api/v1/intel/collections',
    { schema: { tags, summary: 'Create a collection of the caller’s ISAC, or of a sharing group it owns (admins)', body: CollectionBody, response: withErrors({ 201: Collection }) } },
    async (request, reply) => reply.status(201).send(await communities.createCollection(ctx, actorOf(request), request.body)),
  )

  app.get(
    '/api/v1/intel/collections/:id',
    { schema: { tags, summary: 'A collection, with the rights granted by name (for its owner)', params: IdParams, response: withErrors({ 200: Collection }) } },
    async (request) => communities.getCollection(ctx, actorOf(request), request.params.id),
  )

  app.patch(
    '/api/v1/intel/collections/:id',
    { schema: { tags, summary: 'Change a collection: title, default label, what members may do (admins of its owner)', params: IdParams, body: CollectionPatch, response: withErrors({ 200: Collection }) } },
    async (request) => communities.updateCollection(ctx, actorOf(request), request.params.id, request.body),
  )

  app.put(
    '/api/v1/intel/collections/:id/rights/:orgId',
    { schema: { tags, summary: 'Grant an organisation read and/or write on a collection (admins of its owner)', params: IdOrgParams, body: RightBody, response: withErrors({ 200: Collection }) } },
    async (request) => communities.setCollectionRight(ctx, actorOf(request), request.params.id, request.params.orgId, request.body),
  )

  app.delete(
    '/api/v1/intel/collections/:id/rights/:orgId',
    { schema: { tags, summary: 'Withdraw the rights granted to an organisation (admins of its owner)', params: IdOrgParams, response: withErrors({ 200: Collection }) } },
    async (request) => communities.removeCollectionRight(ctx, actorOf(request), request.params.id, request.params.orgId),
  )

  // ---------------------------------------------------------------- TAXII tokens and subscriptions

  app.get(
    '/api/v1/intel/tokens',
    { schema: { tags, summary: 'The caller’s API tokens for TAXII in this organisation (never the secrets)', response: withErrors({ 200: Type.Array(Token) }) } },
    async (request) => tokens.listTokens(ctx, actorOf(request)),
  )

  app.post(
    '/api/v1/intel/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token for TAXII (HTTP Basic: e-mail address and token); the secret is shown in this answer only',
        body: TokenBody,
        response: withErrors({ 201: NewToken }),
      },
    },
    async (request, reply) => reply.status(201).send(await tokens.createToken(ctx, actorOf(request), request.body)),
  )

  app.delete(
    '/api/v1/intel/tokens/:id',
    { schema: { tags, summary: 'Revoke one of the caller’s API tokens', params: IdParams, response: withErrors({ 200: Ok }) } },
    async (request) => {
      await tokens.revokeToken(ctx, actorOf(request), request.params.id)
      return { ok: true as const }
    },
  )

  app.get(
    '/api/v1/intel/subscriptions',
    { schema: { tags, summary: 'Subscriptions of the organisation to collections of other TAXII servers', response: withErrors({ 200: Type.Array(Subscription) }) } },
    async (request) => subscriptions.listSubscriptions(ctx, actorOf(request)),
  )

  app.post(
    '/api/v1/intel/subscriptions',
    {
      schema: {
        tags,
        summary: 'Subscribe to a collection of another TAXII 2.1 server, pulled into a local collection under a TLP label (admins); the token is stored encrypted',
        body: SubscriptionBody,
        response: withErrors({ 201: Subscription }),
      },
    },
    async (request, reply) => reply.status(201).send(await subscriptions.createSubscription(ctx, actorOf(request), request.body)),
  )

  app.get(
    '/api/v1/intel/subscriptions/:id',
    { schema: { tags, summary: 'A subscription and what its last pull did', params: IdParams, response: withErrors({ 200: Subscription }) } },
    async (request) => subscriptions.getSubscription(ctx, actorOf(request), request.params.id),
  )

  app.patch(
    '/api/v1/intel/subscriptions/:id',
    { schema: { tags, summary: 'Change a subscription: credentials, label, interval, active (admins)', params: IdParams, body: SubscriptionPatch, response: withErrors({ 200: Subscription }) } },
    async (request) => subscriptions.updateSubscription(ctx, actorOf(request), request.params.id, request.body),
  )

  app.delete(
    '/api/v1/intel/subscriptions/:id',
    { schema: { tags, summary: 'End a subscription (what it stored stays)', params: IdParams, response: withErrors({ 200: Ok }) } },
    async (request) => {
      await subscriptions.deleteSubscription(ctx, actorOf(request), request.params.id)
      return { ok: true as const }
    },
  )

  app.post(
    '/api/v1/intel/subscriptions/:id/pull',
    { schema: { tags, summary: 'Pull a subscription now (admins)', params: IdParams, response: withErrors({ 200: Subscription, 409: ErrorResponse }) } },
    async (request) => subscriptions.pullNow(ctx, actorOf(request), request.params.id),
  )

  taxiiRoutes(app, ctx)

  // Subscriptions are pulled while the server runs (every process; the database shares the work).
  let scheduler: SubscriptionScheduler | null = null
  const server = app as unknown as FastifyInstance
  server.addHook('onReady', async () => {
    scheduler = startSubscriptionScheduler(ctx, server.log as unknown as Logger)
  })
  server.addHook('onClose', async () => {
    await scheduler?.stop()
  })
}
