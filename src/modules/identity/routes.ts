import { Type } from 'typebox'
import type { App } from '../../http/app.js'
import { actorOf, authOf, clearSessionCookies, CSRF_COOKIE, setSessionCookies } from '../../http/auth.js'
import { DateTime, ErrorResponse, Ok, Uuid, withErrors } from '../../http/schemas.js'
import type { AppContext } from '../../context.js'
import { listAuditEvents } from '../audit/service.js'
import { assertIsAdmin } from './service.js'
import * as identity from './service.js'
import { ROLES } from './actor.js'

const Role = Type.Enum(ROLES)
const Email = Type.String({ format: 'email', maxLength: 254 })
const Password = Type.String({ minLength: 1, maxLength: 256 })

const SessionView = Type.Object({
  authenticated: Type.Boolean(),
  csrfToken: Type.String(),
  state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('mfa_required'), Type.Literal('mfa_enrolment_required')])),
  user: Type.Optional(
    Type.Object({
      id: Type.String(),
      email: Type.String(),
      displayName: Type.String(),
      locale: Type.Union([Type.Literal('ja'), Type.Literal('en')]),
      mfaEnabled: Type.Boolean(),
    }),
  ),
  activeOrgId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  memberships: Type.Optional(
    Type.Array(
      Type.Object({
        orgId: Type.String(),
        role: Role,
        kind: Type.String(),
        nameJa: Type.String(),
        nameEn: Type.String(),
        sector: Type.Union([Type.String(), Type.Null()]),
        sizeBand: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  ),
})

function sessionView(auth: identity.AuthState | null, anonymousCsrf: string | undefined) {
  if (!auth) return { authenticated: false, csrfToken: anonymousCsrf ?? '' }
  return {
    authenticated: true,
    csrfToken: auth.session.csrfToken,
    state: auth.state,
    user: {
      id: auth.user.id,
      email: auth.user.email,
      displayName: auth.user.displayName,
      locale: auth.user.locale,
      mfaEnabled: auth.user.totpEnabledAt !== null,
    },
    activeOrgId: auth.session.activeOrgId,
    memberships: auth.memberships,
  }
}

export function identityRoutes(app: App, ctx: AppContext, opts: { loginRateLimit: { max: number; timeWindow: string } }) {
  const tags = ['auth']

  app.get(
    '/api/v1/auth/session',
    { config: { auth: 'public' }, schema: { tags, summary: 'The current session, and the CSRF token to send back', security: [], response: { 200: SessionView } } },
    async (request) => sessionView(request.auth, request.cookies[CSRF_COOKIE]),
  )

  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: 'public', rateLimit: opts.loginRateLimit },
      schema: {
        tags,
        summary: 'Log in with e-mail and password; rotates the session',
        security: [{ csrf: [] }],
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: SessionView, 400: ErrorResponse, 401: ErrorResponse, 423: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const result = await identity.login(ctx, request.body, request.cookies.kamae_session ?? null)
      setSessionCookies(ctx, request, reply, result.token, result.auth.session.csrfToken)
      return sessionView(result.auth, undefined)
    },
  )

  app.post(
    '/api/v1/auth/logout',
    { config: { auth: 'session' }, schema: { tags, summary: 'End the session', response: { 200: Ok } } },
    async (request, reply) => {
      await identity.logout(ctx, authOf(request))
      clearSessionCookies(ctx, request, reply)
      return { ok: true as const }
    },
  )

  app.post(
    '/api/v1/auth/mfa/verify',
    {
      config: { auth: 'session', rateLimit: opts.loginRateLimit },
      schema: {
        tags,
        summary: 'Second factor after login: a TOTP code or a recovery code',
        body: Type.Object(
          { code: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })), recoveryCode: Type.Optional(Type.String({ minLength: 8, maxLength: 32 })) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SessionView, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      await identity.verifyMfa(ctx, authOf(request), request.body)
      const token = request.cookies.kamae_session ?? ''
      return sessionView(await identity.resolveSession(ctx, token), undefined)
    },
  )

  app.post(
    '/api/v1/auth/mfa/enrolment',
    {
      config: { auth: 'session' },
      schema: {
        tags,
        summary: 'Start TOTP enrolment: a new secret and its QR code',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUri: Type.String(), qrCodeDataUrl: Type.String() }), 409: ErrorResponse },
      },
    },
    async (request) => {
      const auth = authOf(request)
      // Enrolling on a session that still owes its second factor would let a password alone replace it.
      if (auth.state === 'mfa_required') throw identity.mfaStillRequired()
      return identity.startMfaEnrolment(ctx, auth)
    },
  )

  app.post(
    '/api/v1/auth/mfa/enrolment/confirm',
    {
      config: { auth: 'session' },
      schema: {
        tags,
        summary: 'Confirm TOTP enrolment with a first code; answers the recovery codes once',
        body: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => identity.confirmMfaEnrolment(ctx, authOf(request), request.body.code),
  )

  app.post(
    '/api/v1/auth/switch-organisation',
    {
      config: { auth: 'session' },
      schema: { tags, summary: 'Act for another organisation the user belongs to', body: Type.Object({ orgId: Uuid }, { additionalProperties: false }), response: withErrors({ 200: Ok }) },
    },
    async (request) => {
      await identity.switchOrganisation(ctx, authOf(request), request.body.orgId)
      return { ok: true as const }
    },
  )

  app.patch(
    '/api/v1/me',
    {
      config: { auth: 'session' },
      schema: {
        tags,
        summary: 'Update the own display name or language',
        body: Type.Object(
          { displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), locale: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en')])) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: Ok }),
      },
    },
    async (request) => {
      await identity.updateProfile(ctx, authOf(request), request.body)
      return { ok: true as const }
    },
  )

  app.post(
    '/api/v1/me/password',
    {
      config: { auth: 'session', rateLimit: opts.loginRateLimit },
      schema: {
        tags,
        summary: 'Change the own password; ends every other session',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: withErrors({ 200: Ok }),
      },
    },
    async (request) => {
      await identity.changePassword(ctx, authOf(request), request.body)
      return { ok: true as const }
    },
  )

  // ---------------------------------------------------------- organisation, members, invitations

  const orgTags = ['organisation']
  const OrganisationView = Type.Object({
    id: Type.String(),
    kind: Type.String(),
    nameJa: Type.String(),
    nameEn: Type.String(),
    sector: Type.Union([Type.String(), Type.Null()]),
    sizeBand: Type.Union([Type.String(), Type.Null()]),
  })

  app.get(
    '/api/v1/organisation',
    { schema: { tags: orgTags, summary: 'The organisation the session acts for', response: withErrors({ 200: OrganisationView }) } },
    async (request) => identity.currentOrganisation(ctx, actorOf(request)),
  )

  const Member = Type.Object({
    userId: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    role: Role,
    mfaEnabled: Type.Boolean(),
    joinedAt: DateTime,
  })

  app.get(
    '/api/v1/members',
    { schema: { tags: orgTags, summary: 'Members of the own organisation', response: withErrors({ 200: Type.Array(Member) }) } },
    async (request) => identity.listMembers(ctx, actorOf(request)),
  )

  app.patch(
    '/api/v1/members/:userId',
    {
      schema: {
        tags: orgTags,
        summary: "Change a member's role (admin)",
        params: Type.Object({ userId: Uuid }),
        body: Type.Object({ role: Role }, { additionalProperties: false }),
        response: withErrors({ 200: Ok, 409: ErrorResponse }),
      },
    },
    async (request) => {
      await identity.changeMemberRole(ctx, actorOf(request), request.params.userId, request.body.role)
      return { ok: true as const }
    },
  )

  app.delete(
    '/api/v1/members/:userId',
    {
      schema: { tags: orgTags, summary: 'Remove a member (admin)', params: Type.Object({ userId: Uuid }), response: withErrors({ 200: Ok, 409: ErrorResponse }) },
    },
    async (request) => {
      await identity.removeMember(ctx, actorOf(request), request.params.userId)
      return { ok: true as const }
    },
  )

  const Invitation = Type.Object({
    id: Type.String(),
    email: Type.String(),
    role: Role,
    createdAt: DateTime,
    expiresAt: DateTime,
    status: Type.String(),
  })

  app.get(
    '/api/v1/invitations',
    { schema: { tags: orgTags, summary: 'Invitations of the own organisation (admin)', response: withErrors({ 200: Type.Array(Invitation) }) } },
    async (request) => identity.listInvitations(ctx, actorOf(request)),
  )

  app.post(
    '/api/v1/invitations',
    {
      schema: {
        tags: orgTags,
        summary: 'Invite a person by a one-time link (admin); the link is shown once and logged when no SMTP is set',
        body: Type.Object({ email: Email, role: Role }, { additionalProperties: false }),
        response: withErrors({ 201: Type.Object({ id: Type.String(), email: Type.String(), role: Role, link: Type.String(), expiresAt: DateTime }), 409: ErrorResponse }),
      },
    },
    async (request, reply) => reply.status(201).send(await identity.createInvitation(ctx, actorOf(request), request.body)),
  )

  app.delete(
    '/api/v1/invitations/:id',
    { schema: { tags: orgTags, summary: 'Revoke an invitation (admin)', params: Type.Object({ id: Uuid }), response: withErrors({ 200: Ok }) } },
    async (request) => {
      await identity.revokeInvitation(ctx, actorOf(request), request.params.id)
      return { ok: true as const }
    },
  )

  const Token = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' })

  app.get(
    '/api/v1/invitations/by-token/:token',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'What an invitation link offers',
        security: [],
        params: Type.Object({ token: Token }),
        response: {
          200: Type.Object({
            email: Type.String(),
            role: Role,
            organisation: Type.Object({ nameJa: Type.String(), nameEn: Type.String() }),
            existingUser: Type.Boolean(),
          }),
          410: ErrorResponse,
        },
      },
    },
    async (request) => identity.describeInvitation(ctx, request.params.token),
  )

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { auth: 'public', rateLimit: opts.loginRateLimit },
      schema: {
        tags,
        summary: 'Accept an invitation: creates the account, or joins an existing one that proves its password',
        security: [{ csrf: [] }],
        body: Type.Object(
          { token: Token, displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), password: Password },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ email: Type.String() }), 400: ErrorResponse, 401: ErrorResponse, 410: ErrorResponse },
      },
    },
    async (request) => {
      const accepted = await identity.acceptInvitation(ctx, request.body)
      return { email: accepted.email }
    },
  )

  app.get(
    '/api/v1/audit-events',
    {
      schema: {
        tags: orgTags,
        summary: "The own organisation's audit trail, newest first (admin)",
        querystring: Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
        response: withErrors({
          200: Type.Array(
            Type.Object({
              id: Type.Integer(),
              occurredAt: DateTime,
              actorUserId: Type.Union([Type.String(), Type.Null()]),
              action: Type.String(),
              targetType: Type.String(),
              targetId: Type.String(),
              beforeDigest: Type.Union([Type.String(), Type.Null()]),
              afterDigest: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
        }),
      },
    },
    async (request) => {
      const actor = actorOf(request)
      assertIsAdmin(actor)
      return listAuditEvents(ctx.db, actor.orgId, request.query)
    },
  )
}
