import { existsSync } from 'node:fs'
import { join } from 'node:path'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import addFormats from 'ajv-formats'
import type { Ajv } from 'ajv'
import type { AppContext } from '../context.js'
import { localeFromAcceptLanguage, type Locale } from '../i18n/locale.js'
import { webDistDir } from '../paths.js'
import { registerAuth } from './auth.js'
import { handleError, notFoundBody } from './errors.js'
import { healthRoutes } from './health.js'
import { identityRoutes } from '../modules/identity/routes.js'
import { catalogRoutes } from '../modules/catalog/routes.js'
import { assessmentRoutes } from '../modules/assessment/routes.js'
import { ledgerRoutes } from '../modules/ledger/routes.js'
import { incidentRoutes } from '../modules/incident/routes.js'
import { notificationRoutes } from '../modules/notification/routes.js'
import { supervisionRoutes } from '../modules/supervision/routes.js'
import { intelRoutes } from '../modules/intel/routes.js'
import { custodyRoutes } from '../modules/custody/routes.js'

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

// ajv-formats is CommonJS; its callable is the module itself at run time.
const ajvFormats = addFormats as unknown as (ajv: Ajv) => Ajv

export interface AppOptions {
  logger?: boolean | { level: string }
  /** Serve the built SPA from web/dist when it exists (off in API tests). */
  serveWeb?: boolean
  loginRateLimitPerMinute?: number
}

export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    ajv: {
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true },
      plugins: [ajvFormats],
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App

  app.decorateRequest('locale', 'ja')
  app.addHook('onRequest', async (request) => {
    request.locale = localeFromAcceptLanguage(request.headers['accept-language'])
  })

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // the component library injects style tags
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Upgrading to https only makes sense when Kamae is served over TLS.
        upgradeInsecureRequests: ctx.config.secureCookies ? [] : null,
      },
    },
    // HSTS only makes sense behind TLS; the embedded default serves plain HTTP on localhost.
    hsts: ctx.config.secureCookies,
  })
  await app.register(cookie)
  await app.register(rateLimit, { global: true, max: 1200, timeWindow: '1 minute' })
  await app.register(multipart, { limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 10 } })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kamae API',
        version: '1',
        description: 'Kamae: cyber resilience for the financial sector. Errors: { error: { code, message, details[] } } in the language of Accept-Language (ja default, en).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'kamae_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
      security: [{ session: [], csrf: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false })

  app.setErrorHandler(handleError)
  registerAuth(app as unknown as FastifyInstance, ctx)

  const loginRateLimit = { max: options.loginRateLimitPerMinute ?? 20, timeWindow: '1 minute' }
  await app.register(async (api) => {
    healthRoutes(api as App, ctx)
    identityRoutes(api as App, ctx, { loginRateLimit })
    catalogRoutes(api as App, ctx)
    assessmentRoutes(api as App, ctx)
    ledgerRoutes(api as App, ctx)
    incidentRoutes(api as App, ctx)
    supervisionRoutes(api as App, ctx)
    notificationRoutes(api as App, ctx)
    custodyRoutes(api as App, ctx)
    intelRoutes(api as App, ctx)
  })

  const serveWeb = (options.serveWeb ?? true) && existsSync(join(webDistDir, 'index.html'))
  if (serveWeb) {
    await app.register(fastifyStatic, { root: webDistDir, prefix: '/', wildcard: false, index: false })
  }
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/')
    if (serveWeb && wantsPage) {
      // The SPA owns every non-API path (client-side routing).
      return reply.type('text/html').sendFile('index.html')
    }
    return reply.status(404).send(notFoundBody(request.locale))
  })
  return app
}
