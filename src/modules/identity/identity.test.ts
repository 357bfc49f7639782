import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeUser, TEST_PASSWORD, type TestUser } from '../../../test/support/factories.js'
import { currentTotpCode } from './totp.js'

describe('login, sessions and MFA', () => {
  let server: TestServer
  let orgId: string
  let editor: TestUser
  let approver: TestUser
  let admin: TestUser

  beforeAll(async () => {
    server = await startTestServer({ env: { KAMAE_LOGIN_MAX_FAILURES: '3' } })
    orgId = (await makeInstitution(server.ctx)).id
    editor = await makeUser(server.ctx, orgId, 'editor')
    approver = await makeUser(server.ctx, orgId, 'approver')
    admin = await makeUser(server.ctx, orgId, 'admin')
  })
  afterAll(() => server.close())

  it('answers health without a login', async () => {
    const response = await new ApiClient(server).get('/api/v1/health')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'ok' })
  })

  it('logs an editor in with an httpOnly, SameSite=Lax session cookie', async () => {
    const client = new ApiClient(server)
    await client.get('/api/v1/auth/session')
    const response = await client.request('POST', '/api/v1/auth/login', { email: editor.email, password: TEST_PASSWORD }, { 'x-csrf-token': client.cookie('kamae_csrf') ?? '' })
    expect(response.status).toBe(200)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('kamae_session='))
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    const me = await client.get<{ authenticated: boolean; state: string }>('/api/v1/auth/session')
    expect(me.body).toMatchObject({ authenticated: true, state: 'active' })
  })

  it('refuses a login without the CSRF token', async () => {
    const client = new ApiClient(server)
    await client.get('/api/v1/auth/session')
    const response = await client.request('POST', '/api/v1/auth/login', { email: editor.email, password: TEST_PASSWORD }, { 'x-csrf-token': 'forged' })
    expect(response.status).toBe(403)
    expect(response.body).toMatchObject({ error: { code: 'csrf_failed' } })
  })

  it('refuses a state change whose CSRF token does not match the session', async () => {
    const client = new ApiClient(server)
    await client.login(editor.email, TEST_PASSWORD)
    const response = await client.request('PATCH', '/api/v1/me', { locale: 'en' }, { 'x-csrf-token': 'not-the-token' })
    expect(response.status).toBe(403)
  })

  it('gives a new session id at every login (rotation)', async () => {
    const client = new ApiClient(server)
    await client.login(editor.email, TEST_PASSWORD)
    const first = client.cookie('kamae_session')
    await client.login(editor.email, TEST_PASSWORD)
    expect(client.cookie('kamae_session')).not.toBe(first)
  })

  it('answers a wrong password in the request language', async () => {
    const ja = new ApiClient(server, 'ja')
    const jaResponse = await ja.login(editor.email, 'wrong password!')
    expect(jaResponse.status).toBe(401)
    expect(jaResponse.body).toMatchObject({ error: { code: 'invalid_credentials', message: 'メールアドレスまたはパスワードが正しくありません' } })
    const en = new ApiClient(server, 'en')
    const enResponse = await en.login(editor.email, 'wrong password!')
    expect(enResponse.body).toMatchObject({ error: { message: 'The e-mail address or password is incorrect' } })
  })

  it('locks an account after repeated failures, then lets it in after the lockout', async () => {
    const victim = await makeUser(server.ctx, orgId, 'viewer')
    const client = new ApiClient(server)
    for (let i = 0; i < 3; i++) await client.login(victim.email, 'wrong password!')
    const locked = await client.login(victim.email, victim.password)
    expect(locked.status).toBe(423)
    expect(locked.body).toMatchObject({ error: { code: 'account_locked' } })
    server.clock.advance(16 * 60_000)
    const again = await client.login(victim.email, victim.password)
    expect(again.status).toBe(200)
  })

  it('keeps an approver away from data until the TOTP code is given', async () => {
    const client = new ApiClient(server)
    const login = await client.login(approver.email, approver.password)
    expect(login.body.state).toBe('mfa_required')
    expect((await client.get('/api/v1/organisation')).status).toBe(401)
    const verified = await client.verifyTotp(approver.totpSecret!)
    expect(verified.body.state).toBe('active')
    expect((await client.get('/api/v1/organisation')).status).toBe(200)
  })

  it('refuses a TOTP code that was already used', async () => {
    const client = new ApiClient(server)
    await client.login(approver.email, approver.password, approver.totpSecret)
    const second = new ApiClient(server)
    await second.login(approver.email, approver.password)
    const replay = await second.post('/api/v1/auth/mfa/verify', { code: currentTotpCode(approver.totpSecret!, server.ctx.clock()) })
    expect(replay.status).toBe(400)
  })

  it('makes a new approver enrol MFA with a QR code before acting, and hands out recovery codes', async () => {
    const fresh = await makeUser(server.ctx, orgId, 'approver', { mfa: false })
    const client = new ApiClient(server)
    const login = await client.login(fresh.email, fresh.password)
    expect(login.body.state).toBe('mfa_enrolment_required')
    expect((await client.get('/api/v1/organisation')).status).toBe(403)
    const enrolment = await client.post<{ secret: string; qrCodeDataUrl: string; otpauthUri: string }>('/api/v1/auth/mfa/enrolment')
    expect(enrolment.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/)
    expect(enrolment.body.otpauthUri).toContain('otpauth://totp/')
    const confirm = await client.post<{ recoveryCodes: string[] }>('/api/v1/auth/mfa/enrolment/confirm', {
      code: currentTotpCode(enrolment.body.secret, server.ctx.clock()),
    })
    expect(confirm.status).toBe(200)
    expect(confirm.body.recoveryCodes).toHaveLength(10)
    expect((await client.get('/api/v1/organisation')).status).toBe(200)

    // A recovery code replaces the authenticator once.
    const later = new ApiClient(server)
    await later.login(fresh.email, fresh.password)
    const recovered = await later.post<{ state: string }>('/api/v1/auth/mfa/verify', { recoveryCode: confirm.body.recoveryCodes[0] })
    expect(recovered.body.state).toBe('active')
    const reuse = new ApiClient(server)
    await reuse.login(fresh.email, fresh.password)
    expect((await reuse.post('/api/v1/auth/mfa/verify', { recoveryCode: confirm.body.recoveryCodes[0] })).status).toBe(400)
  })

  it('ends the session at logout', async () => {
    const client = new ApiClient(server)
    await client.login(editor.email, editor.password)
    expect((await client.post('/api/v1/auth/logout')).status).toBe(200)
    expect((await client.get('/api/v1/organisation')).status).toBe(401)
  })

  it('expires an idle session', async () => {
    const client = new ApiClient(server)
    await client.login(editor.email, editor.password)
    server.clock.advance(61 * 60_000)
    expect((await client.get('/api/v1/organisation')).status).toBe(401)
  })

  it('sends security headers', async () => {
    const response = await new ApiClient(server).get('/api/v1/health')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBeTruthy()
    // Plain HTTP on the embedded default: the browser must not be told to upgrade to https.
    expect(response.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests')
  })

  it('serves the OpenAPI 3.1 document and its viewer without a login', async () => {
    const client = new ApiClient(server)
    const json = await client.get<{ openapi: string; paths: Record<string, unknown> }>('/api/docs/json')
    expect(json.status).toBe(200)
    expect(json.body.openapi).toBe('3.1.0')
    expect(Object.keys(json.body.paths)).toContain('/api/v1/auth/login')
    expect((await client.get('/api/docs/')).status).toBe(200)
  })

  it('validates a request body and says which field is wrong', async () => {
    const client = new ApiClient(server, 'en')
    await client.get('/api/v1/auth/session')
    const response = await client.post<{ error: { code: string; details: { path: string }[] } }>('/api/v1/auth/login', { email: 'not-an-email', password: 'x', extra: 1 })
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('validation_failed')
    expect(response.body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['body.email', 'body.extra']))
  })

  it('invites a person by one-time link, who joins with the invited role', async () => {
    const adminClient = new ApiClient(server)
    await adminClient.login(admin.email, admin.password, admin.totpSecret)
    const invite = await adminClient.post<{ link: string }>('/api/v1/invitations', { email: 'newcomer@test.example', role: 'viewer' })
    expect(invite.status).toBe(201)
    expect(server.sentMessages.at(-1)?.body).toContain(invite.body.link)
    const token = invite.body.link.split('/invite/')[1]!
    const guest = new ApiClient(server)
    await guest.get('/api/v1/auth/session')
    expect((await guest.get(`/api/v1/invitations/by-token/${token}`)).body).toMatchObject({ email: 'newcomer@test.example', role: 'viewer' })
    const accepted = await guest.post('/api/v1/invitations/accept', { token, displayName: '新人', password: 'a long enough password' })
    expect(accepted.status).toBe(200)
    expect((await guest.post('/api/v1/invitations/accept', { token, displayName: 'again', password: 'a long enough password' })).status).toBe(410)
    const login = await guest.login('newcomer@test.example', 'a long enough password')
    expect(login.status).toBe(200)
    const members = await adminClient.get<{ email: string; role: string }[]>('/api/v1/members')
    expect(members.body).toEqual(expect.arrayContaining([expect.objectContaining({ email: 'newcomer@test.example', role: 'viewer' })]))
  })

  it('lets only an admin manage members, and never removes the last admin', async () => {
    const editorClient = new ApiClient(server)
    await editorClient.login(editor.email, editor.password)
    expect((await editorClient.post('/api/v1/invitations', { email: 'x@test.example', role: 'admin' })).status).toBe(403)
    const adminClient = new ApiClient(server)
    await adminClient.login(admin.email, admin.password, admin.totpSecret)
    const demote = await adminClient.patch(`/api/v1/members/${admin.id}`, { role: 'viewer' })
    expect(demote.status).toBe(409)
  })

  it('records state changes in the audit trail', async () => {
    const adminClient = new ApiClient(server)
    await adminClient.login(admin.email, admin.password, admin.totpSecret)
    const events = await adminClient.get<{ action: string }[]>('/api/v1/audit-events')
    expect(events.body.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'invitation.created', 'membership.added']))
  })
})
