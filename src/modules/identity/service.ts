import { randomUUID } from 'node:crypto'
import { and, eq, lt, ne } from 'drizzle-orm'
import QRCode from 'qrcode'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { AppError, conflict, forbidden, invalid, notFound, unauthenticated } from '../../errors.js'
import type { Locale } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import { MFA_REQUIRED_ROLES, type Actor, type OrgKind, type Role } from './actor.js'
import { hashPassword, passwordProblem, verifyDecoy, verifyPassword } from './passwords.js'
import * as repo from './repository.js'
import { invitations, memberships, organisations, recoveryCodes, sessions, users } from './schema.js'
import { hashRecoveryCode, matchTotpStep, newRecoveryCodes, newTotpSecret, otpauthUri } from './totp.js'
import { hashToken, newToken } from './tokens.js'

export type SessionState = 'active' | 'mfa_required' | 'mfa_enrolment_required'

export interface AuthState {
  session: repo.SessionRow
  user: repo.UserRow
  memberships: repo.MembershipView[]
  state: SessionState
  /** Present only when the session may act for its active organisation. */
  actor: Actor | null
}

// ---------------------------------------------------------------- organisations and users

export interface NewOrganisation {
  kind: OrgKind
  nameJa: string
  nameEn: string
  sector?: string | null
  sizeBand?: string | null
}

export async function createOrganisation(tx: Queryable, input: NewOrganisation, actorUserId: string | null = null) {
  const id = randomUUID()
  const row = {
    id,
    kind: input.kind,
    nameJa: input.nameJa,
    nameEn: input.nameEn,
    sector: input.kind === 'institution' ? (input.sector ?? null) : null,
    sizeBand: input.kind === 'institution' ? (input.sizeBand ?? null) : null,
  }
  await tx.insert(organisations).values(row)
  await recordAudit(tx, { actorUserId, orgId: id, action: 'organisation.created', target: { type: 'organisation', id }, after: row })
  return row
}

export interface NewUser {
  email: string
  displayName: string
  password: string
  locale?: Locale
}

export async function createUser(tx: Queryable, input: NewUser) {
  const problem = passwordProblem(input.password)
  if (problem) throw invalid(problem, [{ path: 'password', message: problem }])
  if (await repo.findUserByEmail(tx, input.email)) {
    throw conflict('email_taken', { ja: 'このメールアドレスは既に登録されています', en: 'This e-mail address is already registered' })
  }
  const id = randomUUID()
  await tx.insert(users).values({
    id,
    email: input.email.trim(),
    displayName: input.displayName.trim(),
    passwordHash: await hashPassword(input.password),
    locale: input.locale ?? 'ja',
  })
  await recordAudit(tx, { actorUserId: id, orgId: null, action: 'user.created', target: { type: 'user', id }, after: { id } })
  return id
}

export async function addMembership(tx: Queryable, orgId: string, userId: string, role: Role, actorUserId: string | null) {
  await tx.insert(memberships).values({ orgId, userId, role })
  await recordAudit(tx, { actorUserId, orgId, action: 'membership.added', target: { type: 'user', id: userId }, after: { role } })
}

/** Sets a user's TOTP secret directly: for the demo seed and tests, which act as the authenticator app. */
export async function enableTotpDirectly(tx: Queryable, userId: string, secret: string, at: Date) {
  await tx.update(users).set({ totpSecret: secret, totpEnabledAt: at }).where(eq(users.id, userId))
}

// ---------------------------------------------------------------- login and sessions

const invalidCredentials = () =>
  new AppError('invalid_credentials', 401, {
    ja: 'メールアドレスまたはパスワードが正しくありません',
    en: 'The e-mail address or password is incorrect',
  })

const accountLocked = (until: Date, now: Date) => {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000))
  return new AppError('account_locked', 423, {
    ja: `ログインの失敗が続いたため、アカウントを一時的にロックしています。約${minutes}分後に再度お試しください`,
    en: `Too many failed logins: the account is locked for about ${minutes} more minute(s)`,
  })
}

export interface LoginResult {
  token: string
  auth: AuthState
}

export async function login(
  ctx: AppContext,
  input: { email: string; password: string },
  previousSessionToken: string | null,
): Promise<LoginResult> {
  const now = ctx.clock()
  const user = await repo.findUserByEmail(ctx.db, input.email)
  if (!user) {
    await verifyDecoy(input.password)
    throw invalidCredentials()
  }
  if (user.lockedUntil && user.lockedUntil > now) throw accountLocked(user.lockedUntil, now)
  const passwordOk = await verifyPassword(user.passwordHash, input.password)
  if (!passwordOk) {
    const { locked } = await countFailure(ctx, user.id, now, 'auth.login_failed')
    if (locked) throw accountLocked(new Date(now.getTime() + ctx.config.lockoutMinutes * 60_000), now)
    throw invalidCredentials()
  }
  const token = newToken()
  await ctx.db.transaction(async (tx) => {
    // Rotation on login: whatever session the browser had before is dropped, so a planted
    // (fixated) session id never becomes an authenticated one.
    if (previousSessionToken) await tx.delete(sessions).where(eq(sessions.id, hashToken(previousSessionToken)))
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), lt(sessions.expiresAt, now)))
    await tx.update(users).set({ failedLoginCount: 0, lockedUntil: null }).where(eq(users.id, user.id))
    const [first] = await repo.membershipsOfUser(tx, user.id)
    await tx.insert(sessions).values({
      id: hashToken(token),
      userId: user.id,
      activeOrgId: first?.orgId ?? null,
      csrfToken: newToken(),
      mfaVerified: false,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + ctx.config.sessionTtlMinutes * 60_000),
    })
    await recordAudit(tx, { actorUserId: user.id, orgId: first?.orgId ?? null, action: 'auth.login', target: { type: 'user', id: user.id }, at: now })
  })
  const auth = await resolveSession(ctx, token)
  if (!auth) throw unauthenticated()
  return { token, auth }
}

// Touching last_seen_at on every request would write on every read; once a minute is enough for
// an idle timeout measured in tens of minutes.
const TOUCH_INTERVAL_MS = 60_000

export async function resolveSession(ctx: AppContext, token: string): Promise<AuthState | null> {
  const now = ctx.clock()
  const session = await repo.findSession(ctx.db, hashToken(token))
  if (!session) return null
  const idleLimit = session.lastSeenAt.getTime() + ctx.config.sessionIdleMinutes * 60_000
  if (session.expiresAt <= now || idleLimit <= now.getTime()) {
    await ctx.db.delete(sessions).where(eq(sessions.id, session.id))
    return null
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await ctx.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, session.id))
    session.lastSeenAt = now
  }
  const user = await repo.findUserById(ctx.db, session.userId)
  if (!user) return null
  const userMemberships = await repo.membershipsOfUser(ctx.db, user.id)
  return describeAuth(session, user, userMemberships)
}

function describeAuth(session: repo.SessionRow, user: repo.UserRow, userMemberships: repo.MembershipView[]): AuthState {
  const active = userMemberships.find((m) => m.orgId === session.activeOrgId) ?? null
  let state: SessionState = 'active'
  if (user.totpEnabledAt && !session.mfaVerified) state = 'mfa_required'
  else if (active && MFA_REQUIRED_ROLES.includes(active.role) && !user.totpEnabledAt) state = 'mfa_enrolment_required'
  const actor: Actor | null =
    state === 'active' && active
      ? {
          userId: user.id,
          orgId: active.orgId,
          orgKind: active.kind,
          role: active.role,
          mfaVerified: session.mfaVerified,
          locale: user.locale,
        }
      : null
  return { session, user, memberships: userMemberships, state, actor }
}

export async function logout(ctx: AppContext, auth: AuthState): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, auth.session.id))
    await recordAudit(tx, { actorUserId: auth.user.id, orgId: auth.session.activeOrgId, action: 'auth.logout', target: { type: 'user', id: auth.user.id } })
  })
}

export async function switchOrganisation(ctx: AppContext, auth: AuthState, orgId: string): Promise<void> {
  if (!auth.memberships.some((m) => m.orgId === orgId)) throw notFound('organisation', orgId)
  await ctx.db.update(sessions).set({ activeOrgId: orgId }).where(eq(sessions.id, auth.session.id))
}

// ---------------------------------------------------------------- MFA

const wrongCode = () =>
  new AppError('mfa_code_invalid', 400, { ja: '確認コードが正しくありません', en: 'The verification code is incorrect' })

export async function startMfaEnrolment(ctx: AppContext, auth: AuthState) {
  if (auth.user.totpEnabledAt) {
    throw conflict('mfa_already_enabled', { ja: '多要素認証は既に有効です', en: 'MFA is already enabled' })
  }
  const secret = newTotpSecret()
  await ctx.db.update(users).set({ totpPendingSecret: secret }).where(eq(users.id, auth.user.id))
  const uri = otpauthUri(secret, auth.user.email)
  return { secret, otpauthUri: uri, qrCodeDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) }
}

export async function confirmMfaEnrolment(ctx: AppContext, auth: AuthState, code: string) {
  const now = ctx.clock()
  const secret = auth.user.totpPendingSecret
  if (!secret || auth.user.totpEnabledAt) {
    throw conflict('mfa_enrolment_not_started', { ja: '多要素認証の登録を最初からやり直してください', en: 'Start the MFA enrolment again' })
  }
  const step = matchTotpStep(secret, code, now)
  if (step === null) throw wrongCode()
  const codes = newRecoveryCodes()
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpSecret: secret, totpPendingSecret: null, totpEnabledAt: now, totpLastStep: step })
      .where(eq(users.id, auth.user.id))
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, auth.user.id))
    await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId: auth.user.id, codeHash: hashRecoveryCode(c) })))
    // The enrolling session has just proven possession of the authenticator.
    await tx.update(sessions).set({ mfaVerified: true }).where(eq(sessions.id, auth.session.id))
    await recordAudit(tx, { actorUserId: auth.user.id, orgId: auth.session.activeOrgId, action: 'auth.mfa_enabled', target: { type: 'user', id: auth.user.id }, at: now })
  })
  return { recoveryCodes: codes }
}

export async function verifyMfa(ctx: AppContext, auth: AuthState, input: { code?: string; recoveryCode?: string }) {
  const now = ctx.clock()
  const outcome = await ctx.db.transaction(async (tx) => {
    const user = await repo.findUserForUpdate(tx, auth.user.id)
    if (!user?.totpSecret) {
      throw conflict('mfa_not_enabled', { ja: '多要素認証が設定されていません', en: 'MFA is not set up for this account' })
    }
    if (user.lockedUntil && user.lockedUntil > now) throw accountLocked(user.lockedUntil, now)
    let method: 'totp' | 'recovery_code'
    if (input.recoveryCode) {
      const codeHash = hashRecoveryCode(input.recoveryCode)
      const row = await repo.unusedRecoveryCode(tx, user.id, codeHash)
      if (!row) return 'wrong_code' as const
      await tx.update(recoveryCodes).set({ usedAt: now }).where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, codeHash)))
      method = 'recovery_code'
    } else {
      const step = matchTotpStep(user.totpSecret, input.code ?? '', now)
      // RFC 6238 §5.2: a code is accepted once; a replay of the last step is refused.
      if (step === null || (user.totpLastStep !== null && step <= user.totpLastStep)) return 'wrong_code' as const
      await tx.update(users).set({ totpLastStep: step, failedLoginCount: 0 }).where(eq(users.id, user.id))
      method = 'totp'
    }
    await tx.update(sessions).set({ mfaVerified: true }).where(eq(sessions.id, auth.session.id))
    await recordAudit(tx, { actorUserId: user.id, orgId: auth.session.activeOrgId, action: 'auth.mfa_verified', target: { type: 'user', id: user.id }, details: { method }, at: now })
    return 'verified' as const
  })
  if (outcome === 'wrong_code') {
    await countFailure(ctx, auth.user.id, now, 'auth.mfa_failed')
    throw wrongCode()
  }
}

// A wrong password or second factor counts towards the lockout, committed on its own so that the
// error raised afterwards does not roll it back.
async function countFailure(ctx: AppContext, userId: string, now: Date, action: string): Promise<{ locked: boolean }> {
  return ctx.db.transaction(async (tx) => {
    const user = await repo.findUserForUpdate(tx, userId)
    const count = (user?.failedLoginCount ?? 0) + 1
    const locked = count >= ctx.config.loginMaxFailures
    await tx
      .update(users)
      .set(locked ? { failedLoginCount: 0, lockedUntil: new Date(now.getTime() + ctx.config.lockoutMinutes * 60_000) } : { failedLoginCount: count })
      .where(eq(users.id, userId))
    await recordAudit(tx, { actorUserId: userId, orgId: null, action: locked ? 'auth.locked' : action, target: { type: 'user', id: userId }, details: { failures: count }, at: now })
    return { locked }
  })
}

// ---------------------------------------------------------------- profile

export async function updateProfile(ctx: AppContext, auth: AuthState, input: { displayName?: string; locale?: Locale }) {
  await ctx.db.transaction(async (tx) => {
    const changes: Partial<typeof users.$inferInsert> = {}
    if (input.displayName !== undefined) changes.displayName = input.displayName.trim()
    if (input.locale !== undefined) changes.locale = input.locale
    if (Object.keys(changes).length === 0) return
    await tx.update(users).set(changes).where(eq(users.id, auth.user.id))
    await recordAudit(tx, { actorUserId: auth.user.id, orgId: null, action: 'user.profile_updated', target: { type: 'user', id: auth.user.id }, after: changes })
  })
}

export async function changePassword(ctx: AppContext, auth: AuthState, input: { currentPassword: string; newPassword: string }) {
  if (!(await verifyPassword(auth.user.passwordHash, input.currentPassword))) {
    throw invalid({ ja: '現在のパスワードが正しくありません', en: 'The current password is incorrect' }, [
      { path: 'currentPassword', message: { ja: '現在のパスワードが正しくありません', en: 'The current password is incorrect' } },
    ])
  }
  const problem = passwordProblem(input.newPassword)
  if (problem) throw invalid(problem, [{ path: 'newPassword', message: problem }])
  const passwordHash = await hashPassword(input.newPassword)
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, auth.user.id))
    // Every other session of the user ends: a stolen session does not survive a password change.
    await tx.delete(sessions).where(and(eq(sessions.userId, auth.user.id), ne(sessions.id, auth.session.id)))
    await recordAudit(tx, { actorUserId: auth.user.id, orgId: null, action: 'user.password_changed', target: { type: 'user', id: auth.user.id } })
  })
}

// ---------------------------------------------------------------- members and invitations

export function assertIsAdmin(actor: Actor) {
  if (actor.role !== 'admin') {
    throw forbidden({ ja: 'この操作には管理者の権限が必要です', en: 'This needs the admin role' })
  }
}

export async function listMembers(ctx: AppContext, actor: Actor) {
  return repo.membersOfOrg(ctx.db, actor.orgId)
}

const lastAdmin = () =>
  conflict('last_admin', { ja: '最後の管理者は変更・削除できません', en: 'The last admin cannot be changed or removed' })

export async function changeMemberRole(ctx: AppContext, actor: Actor, userId: string, role: Role) {
  assertIsAdmin(actor)
  await ctx.db.transaction(async (tx) => {
    const membership = await repo.findMembership(tx, actor.orgId, userId)
    if (!membership) throw notFound('membership', userId)
    if (membership.role === 'admin' && role !== 'admin' && (await repo.countAdmins(tx, actor.orgId)) <= 1) throw lastAdmin()
    await tx.update(memberships).set({ role }).where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, userId)))
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'membership.role_changed', target: { type: 'user', id: userId }, before: { role: membership.role }, after: { role } })
  })
}

export async function removeMember(ctx: AppContext, actor: Actor, userId: string) {
  assertIsAdmin(actor)
  await ctx.db.transaction(async (tx) => {
    const membership = await repo.findMembership(tx, actor.orgId, userId)
    if (!membership) throw notFound('membership', userId)
    if (membership.role === 'admin' && (await repo.countAdmins(tx, actor.orgId)) <= 1) throw lastAdmin()
    await tx.delete(memberships).where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, userId)))
    await tx.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.activeOrgId, actor.orgId)))
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'membership.removed', target: { type: 'user', id: userId }, before: { role: membership.role } })
  })
}

const INVITATION_DAYS = 7

export async function createInvitation(ctx: AppContext, actor: Actor, input: { email: string; role: Role }) {
  assertIsAdmin(actor)
  const now = ctx.clock()
  const token = newToken()
  const id = randomUUID()
  const email = input.email.trim()
  await ctx.db.transaction(async (tx) => {
    const existing = await repo.findUserByEmail(tx, email)
    if (existing && (await repo.findMembership(tx, actor.orgId, existing.id))) {
      throw conflict('already_member', { ja: 'このユーザーは既にメンバーです', en: 'This user is already a member' })
    }
    await tx.insert(invitations).values({
      id,
      orgId: actor.orgId,
      email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: actor.userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
    })
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'invitation.created', target: { type: 'invitation', id }, after: { role: input.role } })
  })
  const link = `${ctx.config.publicUrl.replace(/\/$/, '')}/invite/${token}`
  await ctx.notifier.send({
    to: email,
    subject: 'Kamae への招待 / Invitation to Kamae',
    body: `Kamae に招待されました。次のリンクから参加してください（${INVITATION_DAYS}日間有効）。\nYou have been invited to Kamae. Join with this link (valid ${INVITATION_DAYS} days):\n${link}`,
  })
  return { id, email, role: input.role, link, expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000) }
}

export async function listInvitations(ctx: AppContext, actor: Actor) {
  assertIsAdmin(actor)
  const rows = await ctx.db.select().from(invitations).where(eq(invitations.orgId, actor.orgId))
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    status: row.acceptedAt ? 'accepted' : row.revokedAt ? 'revoked' : row.expiresAt <= ctx.clock() ? 'expired' : 'pending',
  }))
}

export async function revokeInvitation(ctx: AppContext, actor: Actor, id: string) {
  assertIsAdmin(actor)
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(invitations).where(and(eq(invitations.id, id), eq(invitations.orgId, actor.orgId)))
    if (!row) throw notFound('invitation', id)
    await tx.update(invitations).set({ revokedAt: ctx.clock() }).where(eq(invitations.id, id))
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'invitation.revoked', target: { type: 'invitation', id } })
  })
}

const invitationUnusable = () =>
  new AppError('invitation_invalid', 410, {
    ja: 'この招待リンクは無効か、期限が切れています',
    en: 'This invitation link is invalid or has expired',
  })

async function usableInvitation(db: Queryable, token: string, now: Date) {
  const [row] = await db.select().from(invitations).where(eq(invitations.tokenHash, hashToken(token)))
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt <= now) throw invitationUnusable()
  return row
}

export async function describeInvitation(ctx: AppContext, token: string) {
  const row = await usableInvitation(ctx.db, token, ctx.clock())
  const org = await repo.findOrganisation(ctx.db, row.orgId)
  const existing = await repo.findUserByEmail(ctx.db, row.email)
  return { email: row.email, role: row.role, organisation: { nameJa: org?.nameJa ?? '', nameEn: org?.nameEn ?? '' }, existingUser: Boolean(existing) }
}

export async function acceptInvitation(ctx: AppContext, input: { token: string; displayName?: string; password: string }) {
  const now = ctx.clock()
  return ctx.db.transaction(async (tx) => {
    const row = await usableInvitation(tx, input.token, now)
    let user = await repo.findUserByEmail(tx, row.email)
    if (user) {
      // An existing account joins by proving its password, so a leaked link cannot attach it.
      if (!(await verifyPassword(user.passwordHash, input.password))) throw invalidCredentials()
    } else {
      if (!input.displayName?.trim()) {
        const message = { ja: '表示名を入力してください', en: 'Enter a display name' }
        throw invalid(message, [{ path: 'displayName', message }])
      }
      const id = await createUser(tx, { email: row.email, displayName: input.displayName, password: input.password })
      user = await repo.findUserById(tx, id)
    }
    if (!user) throw invitationUnusable()
    if (!(await repo.findMembership(tx, row.orgId, user.id))) await addMembership(tx, row.orgId, user.id, row.role, user.id)
    await tx.update(invitations).set({ acceptedAt: now, acceptedBy: user.id }).where(eq(invitations.id, row.id))
    await recordAudit(tx, { actorUserId: user.id, orgId: row.orgId, action: 'invitation.accepted', target: { type: 'invitation', id: row.id } })
    return { email: row.email, orgId: row.orgId }
  })
}

export async function currentOrganisation(ctx: AppContext, actor: Actor) {
  const org = await repo.findOrganisation(ctx.db, actor.orgId)
  if (!org) throw notFound('organisation', actor.orgId)
  return org
}


export const mfaStillRequired = () =>
  new AppError('mfa_required', 401, { ja: '確認コードの入力が必要です', en: 'Enter your verification code first' })
