import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../../context.js'
import { AppError } from '../../../errors.js'
import type { App } from '../../../http/app.js'
import type { Actor } from '../../identity/actor.js'
import type { ObjectRow } from '../repository.js'
import { acceptsTaxii, errorResource, errorResourceOf, isTaxiiContentType, notAcceptable, TAXII_MEDIA_TYPE, unsupportedMediaType } from './media.js'
import * as taxii from './server.js'
import { authenticateBasic } from './tokens.js'

// HTTP of the TAXII 2.1 server under /taxii2/ (OASIS TAXII 2.1). Not a cookie session: every request
// carries HTTP Basic credentials (an API token), so CSRF has nothing to protect here; the routes are
// 'public' to the session layer and authenticate in this plugin's own hook. Errors are TAXII error
// messages (§3.6.1) in the request's language; bodies are written here, objects' JSON as stored.

declare module 'fastify' {
  interface FastifyRequest {
    taxiiActor: Actor | null
  }
}

type Query = Record<string, string | string[] | undefined>
const routeOptions = { config: { auth: 'public' as const }, schema: { hide: true } }

function actorOf(request: FastifyRequest): Actor {
  if (!request.taxiiActor) throw new AppError('unauthenticated', 401, { ja: '認証が必要です', en: 'Authentication is required' })
  return request.taxiiActor
}

/** The body as bytes, so that the media type goes out exactly as TAXII writes it (no charset, no quotes). */
function send(reply: FastifyReply, status: number, body: unknown) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return reply.status(status).header('content-type', TAXII_MEDIA_TYPE).header('cache-control', 'no-store').send(Buffer.from(text, 'utf8'))
}

/** §3.4: X-TAXII-Date-Added-First / -Last name the first and last object of the page. */
function dateAddedHeaders(reply: FastifyReply, rows: ObjectRow[]) {
  if (rows.length === 0) return
  reply.header('X-TAXII-Date-Added-First', rows[0]!.dateAdded)
  reply.header('X-TAXII-Date-Added-Last', rows.at(-1)!.dateAdded)
}

/** §3.7 envelope, written around each object's stored JSON. */
function envelopeText(page: taxii.Page): string {
  const head = `"more":${page.more}${page.next ? `,"next":${JSON.stringify(page.next)}` : ''}`
  return `{${head},"objects":[${page.rows.map((row) => row.json).join(',')}]}`
}

function handleTaxiiError(ctx: AppContext) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const locale = request.locale ?? 'ja'
    let appError: AppError
    if (error instanceof AppError) appError = error
    else if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      appError = new AppError('payload_too_large', 413, {
        ja: `要求が大きすぎます（上限 ${ctx.config.maxUploadBytes} バイト: API ルートの max_content_length）`,
        en: `The request is too large (limit ${ctx.config.maxUploadBytes} bytes: the API root's max_content_length)`,
      })
    } else if (error.statusCode === 415) appError = unsupportedMediaType()
    else if (error.statusCode === 429) appError = new AppError('rate_limited', 429, { ja: 'リクエストが多すぎます', en: 'Too many requests' })
    else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      appError = new AppError('bad_request', error.statusCode, { ja: 'リクエストが正しくありません', en: `The request is malformed: ${error.message}` })
    } else {
      request.log.error({ err: error }, 'taxii request failed')
      appError = new AppError('internal_error', 500, { ja: 'サーバーでエラーが発生しました', en: 'The server failed to handle the request' })
    }
    if (appError.status === 401) reply.header('www-authenticate', 'Basic realm="Kamae TAXII 2.1", charset="UTF-8"')
    return send(reply, appError.status, errorResourceOf(appError, locale))
  }
}

function register(server: FastifyInstance, ctx: AppContext) {
  server.decorateRequest('taxiiActor', null)
  server.setErrorHandler(handleTaxiiError(ctx))
  server.setNotFoundHandler((request, reply) => send(reply, 404, errorResource(404, 'not_found', request.locale === 'en' ? 'Not found' : '見つかりません')))

  // Only TAXII envelopes are read, as text: the objects are stored exactly as sent.
  server.removeAllContentTypeParsers()
  server.addContentTypeParser('*', { parseAs: 'string', bodyLimit: ctx.config.maxUploadBytes }, (request, body, done) => {
    if (!isTaxiiContentType(request.headers['content-type'])) done(unsupportedMediaType(), undefined)
    else done(null, body)
  })

  server.addHook('onRequest', async (request) => {
    request.taxiiActor = await authenticateBasic(ctx, request.headers.authorization, request.locale)
    if (!acceptsTaxii(request.headers.accept)) throw notAcceptable()
  })

  server.get('/', routeOptions, async (request, reply) => send(reply, 200, taxii.discovery(`${request.protocol}://${request.host}`)))

  server.get('/kamae/', routeOptions, async (_request, reply) => send(reply, 200, taxii.apiRoot(ctx)))

  server.get<{ Params: { statusId: string } }>('/kamae/status/:statusId/', routeOptions, async (request, reply) =>
    send(reply, 200, await taxii.getStatus(ctx, actorOf(request), request.params.statusId)),
  )

  server.get('/kamae/collections/', routeOptions, async (request, reply) => send(reply, 200, await taxii.listCollections(ctx, actorOf(request))))

  server.get<{ Params: { collectionId: string } }>('/kamae/collections/:collectionId/', routeOptions, async (request, reply) =>
    send(reply, 200, await taxii.getCollection(ctx, actorOf(request), request.params.collectionId)),
  )

  server.get<{ Params: { collectionId: string }; Querystring: Query }>('/kamae/collections/:collectionId/objects/', routeOptions, async (request, reply) => {
    const page = await taxii.getObjects(ctx, actorOf(request), request.params.collectionId, request.query)
    dateAddedHeaders(reply, page.rows)
    return send(reply, 200, envelopeText(page))
  })

  server.post<{ Params: { collectionId: string }; Body: string }>('/kamae/collections/:collectionId/objects/', routeOptions, async (request, reply) => {
    if (typeof request.body !== 'string') throw unsupportedMediaType()
    return send(reply, 202, await taxii.addObjects(ctx, actorOf(request), request.params.collectionId, request.body, request.locale))
  })

  server.get<{ Params: { collectionId: string }; Querystring: Query }>('/kamae/collections/:collectionId/manifest/', routeOptions, async (request, reply) => {
    const page = await taxii.getManifest(ctx, actorOf(request), request.params.collectionId, request.query)
    dateAddedHeaders(reply, page.rows)
    return send(reply, 200, { more: page.more, ...(page.next ? { next: page.next } : {}), objects: page.rows.map(taxii.manifestRecord) })
  })

  server.get<{ Params: { collectionId: string; objectId: string }; Querystring: Query }>(
    '/kamae/collections/:collectionId/objects/:objectId/',
    routeOptions,
    async (request, reply) => {
      const page = await taxii.getObject(ctx, actorOf(request), request.params.collectionId, request.params.objectId, request.query)
      dateAddedHeaders(reply, page.rows)
      return send(reply, 200, envelopeText(page))
    },
  )

  server.delete<{ Params: { collectionId: string; objectId: string }; Querystring: Query }>(
    '/kamae/collections/:collectionId/objects/:objectId/',
    routeOptions,
    async (request, reply) => {
      await taxii.deleteObject(ctx, actorOf(request), request.params.collectionId, request.params.objectId, request.query)
      return send(reply, 200, '')
    },
  )

  server.get<{ Params: { collectionId: string; objectId: string }; Querystring: Query }>(
    '/kamae/collections/:collectionId/objects/:objectId/versions/',
    routeOptions,
    async (request, reply) => {
      const page = await taxii.getVersions(ctx, actorOf(request), request.params.collectionId, request.params.objectId, request.query)
      dateAddedHeaders(reply, page.rows)
      return send(reply, 200, { more: page.more, ...(page.next ? { next: page.next } : {}), versions: page.rows.map((row) => row.version) })
    },
  )
}

/** The TAXII 2.1 server, its own plugin under /taxii2 (content types, errors and authentication of its own). */
export function taxiiRoutes(app: App, ctx: AppContext) {
  void app.register(async (server) => register(server as unknown as FastifyInstance, ctx), { prefix: '/taxii2' })
}
