import { randomUUID, timingSafeEqual } from 'node:crypto'
import type { AppContext } from '../../../context.js'
import { invalid } from '../../../errors.js'
import type { Locale } from '../../../i18n/locale.js'
import { recordAudit } from '../../audit/service.js'
import type { Actor, OrgKind } from '../../identity/actor.js'
import { hashToken, newToken } from '../../identity/tokens.js'
import { missing } from '../permissions.js'
import * as repo from '../repository.js'
import { taxiiUnauthenticated } from './media.js'

// Per-user API tokens for the TAXII server (issue 5 §3): created and revoked by the user in the web
// app, shown once, stored as SHA-256 (256 random bits need no slow hash), and used with HTTP Basic
// — the user's e-mail address as user name, the token as password. A token acts for the
// organisation it was created in, with the user's role there at the time of each request: a
// removed membership or a revoked token stops it at once.

const PREFIX = 'kmt_'

export interface TokenView {
  id: string
  name: string
  /** The last characters, to tell tokens apart. */
  hint: string
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

const view = (row: repo.TokenRow): TokenView => ({ id: row.id, name: row.name, hint: row.hint, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt })

export async function listTokens(ctx: AppContext, actor: Actor): Promise<TokenView[]> {
  return (await repo.tokensOfUser(ctx.db, actor.userId, actor.orgId)).map(view)
}

/** A new token for the caller in its active organisation; the secret is in this answer only. */
export async function createToken(ctx: AppContext, actor: Actor, input: { name: string }): Promise<TokenView & { token: string }> {
  const name = input.name.trim()
  if (!name) {
    const message = { ja: 'トークンの名前を入力してください', en: 'Give the token a name' }
    throw invalid(message, [{ path: 'body.name', message }])
  }
  const token = `${PREFIX}${newToken()}`
  const row = { id: randomUUID(), userId: actor.userId, orgId: actor.orgId, name, tokenHash: hashToken(token), hint: token.slice(-4), createdAt: ctx.clock() }
  await ctx.db.transaction(async (tx) => {
    await repo.insertToken(tx, row)
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.token_created', target: { type: 'intel_api_token', id: row.id }, details: { name }, at: row.createdAt })
  })
  return { ...view({ ...row, lastUsedAt: null, revokedAt: null }), token }
}

export async function revokeToken(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const revoked = await repo.revokeToken(tx, actor.userId, actor.orgId, id, now)
    if (!revoked) throw missing('token')
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.token_revoked', target: { type: 'intel_api_token', id }, at: now })
  })
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase())
  const right = Buffer.from(b.toLowerCase())
  return left.length === right.length && timingSafeEqual(left, right)
}

/** RFC 7617: `Basic base64(user-id ":" password)`. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null
  if (!match) return null
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** The actor of a TAXII request, from its Authorization header; 401 for anything else. */
export async function authenticateBasic(ctx: AppContext, header: string | undefined, locale: Locale): Promise<Actor> {
  const credentials = basicCredentials(header)
  if (!credentials || !credentials.password.startsWith(PREFIX)) throw taxiiUnauthenticated()
  const token = await repo.findTokenByHash(ctx.db, hashToken(credentials.password))
  if (!token || token.revokedAt) throw taxiiUnauthenticated()
  const user = await repo.findUser(ctx.db, token.userId)
  const now = ctx.clock()
  if (!user || !sameText(user.email, credentials.username) || (user.lockedUntil && user.lockedUntil > now)) throw taxiiUnauthenticated()
  const role = await repo.roleOf(ctx.db, token.orgId, token.userId)
  const org = role ? await repo.findOrganisation(ctx.db, token.orgId) : undefined
  if (!role || !org) throw taxiiUnauthenticated()
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) await repo.touchToken(ctx.db, token.id, now)
  return { userId: user.id, orgId: org.id, orgKind: org.kind as OrgKind, role, mfaVerified: false, locale }
}
