import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { AppError, forbidden, unauthenticated } from '../errors.js'
import type { Actor } from '../modules/identity/actor.js'
import { resolveSession, type AuthState } from '../modules/identity/service.js'
import { newToken } from '../modules/identity/tokens.js'

export const SESSION_COOKIE = 'kamae_session'
export const CSRF_COOKIE = 'kamae_csrf'
export const CSRF_HEADER = 'x-csrf-token'

/** Who may call a route: anyone, a logged-in session (even before MFA), or a full actor. */
export type RouteAuth = 'public' | 'session' | 'actor'

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    auth: AuthState | null
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

const csrfFailed = () =>
  new AppError('csrf_failed', 403, {
    ja: 'セキュリティトークンが一致しません。ページを再読み込みしてください',
    en: 'The security token does not match: reload the page',
  })

export function cookieOptions(ctx: AppContext, request: FastifyRequest) {
  return {
    path: '/',
    sameSite: 'lax' as const,
    secure: ctx.config.secureCookies || request.protocol === 'https',
  }
}

export function setSessionCookies(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, token: string, csrfToken: string) {
  const base = cookieOptions(ctx, request)
  reply.setCookie(SESSION_COOKIE, token, { ...base, httpOnly: true, maxAge: ctx.config.sessionTtlMinutes * 60 })
  // Readable by the SPA, which echoes it in the X-CSRF-Token header (double submit, bound to the session).
  reply.setCookie(CSRF_COOKIE, csrfToken, { ...base, httpOnly: false })
}

export function clearSessionCookies(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx, request))
}

export function registerAuth(app: FastifyInstance, ctx: AppContext) {
  app.decorateRequest('auth', null)

  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE]
    request.auth = token ? await resolveSession(ctx, token) : null
    if (token && !request.auth) clearSessionCookies(ctx, request, reply)
    // Anonymous visitors get a CSRF cookie too, so the login form can prove it came from our page.
    if (!request.cookies[CSRF_COOKIE] && !request.auth) {
      const csrf = newToken()
      reply.setCookie(CSRF_COOKIE, csrf, { ...cookieOptions(ctx, request), httpOnly: false })
      request.cookies[CSRF_COOKIE] = csrf
    }
  })

  app.addHook('preValidation', async (request) => {
    // The API documentation describes routes, not data: readable without a login.
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/docs')) return
    if (!SAFE_METHODS.has(request.method)) assertCsrf(request)
    const required = request.routeOptions.config.auth ?? 'actor'
    if (required === 'public') return
    if (!request.auth) throw unauthenticated()
    if (required === 'session') return
    if (!request.auth.actor) throw whyNoActor(request.auth)
  })
}

function assertCsrf(request: FastifyRequest) {
  const header = request.headers[CSRF_HEADER]
  if (typeof header !== 'string' || header.length === 0) throw csrfFailed()
  const expected = request.auth ? request.auth.session.csrfToken : request.cookies[CSRF_COOKIE]
  if (!expected || !sameToken(header, expected)) throw csrfFailed()
}

function whyNoActor(auth: AuthState): AppError {
  if (auth.state === 'mfa_required') {
    return new AppError('mfa_required', 401, { ja: '確認コードの入力が必要です', en: 'Enter your verification code first' })
  }
  if (auth.state === 'mfa_enrolment_required') {
    return new AppError('mfa_enrolment_required', 403, {
      ja: 'この役割では多要素認証の登録が必要です',
      en: 'Your role requires MFA: enrol an authenticator first',
    })
  }
  return forbidden({ ja: '所属する組織がありません', en: 'You are not a member of any organisation' })
}

/** The acting user of a route declared with auth 'actor' (the preHandler guarantees one). */
export function actorOf(request: FastifyRequest): Actor {
  const actor = request.auth?.actor
  if (!actor) throw unauthenticated()
  return actor
}

export function authOf(request: FastifyRequest): AuthState {
  if (!request.auth) throw unauthenticated()
  return request.auth
}
