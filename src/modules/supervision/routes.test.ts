import { createHash } from 'node:crypto'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'
import { digestOf } from '../../canonical-json.js'
import { linkInstitution } from '../incident/jurisdiction.js'
import { leafHash, verifyInclusion } from '../ledger/merkle.js'
import { listKeys } from '../ledger/repository.js'
import { verifySignedHead, type SignedTreeHead } from '../ledger/tree-head.js'
import { LONG_SESSIONS } from '../incident/test-fixtures.js'
import { approvedAssessment, storeRoundCatalog } from './test-fixtures.js'

// A round's lifecycle through HTTP: draft, publish and notify, start, submit an approved assessment
// (snapshot + SHA-256), resubmit, late, return and answer, close; and who may see what.

const DAY = 86_400_000

interface RoundDetail {
  id: string
  status: string
  counts: { targets: number; submitted: number; late: number; returned: number }
  permissions: { publish: boolean }
}
interface TargetStatus {
  institution: { id: string }
  state: string
  submission: { version: number; digest: string; late: boolean } | null
}
interface InstitutionRound {
  id: string
  state: string
  assessmentId: string | null
  submissions: { id: string; version: number; digest: string; late: boolean }[]
  thread: { kind: string; side: string; body: string; submissionVersion: number | null }[]
}
interface Receipt {
  claim: { version: number; digest: string; institutionOrgId: string }
  receipt: { logId: string; leafIndex: number; treeSize: number; leafHash: string; rootHash: string; inclusionPath: string[]; entry: string; signedHead: SignedTreeHead | null } | null
}
interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}

describe('supervision rounds through HTTP', () => {
  let server: TestServer
  let catalogId: string
  let supervisorOrg: string
  let kamomeOrg: string
  let aobaOrg: string
  let outsiderOrg: string
  let supervisor: ApiClient
  let supervisorViewer: ApiClient
  let kamome: ApiClient
  let aoba: ApiClient
  let outsider: ApiClient
  let roundId: string

  async function loggedIn(user: TestUser) {
    const client = new ApiClient(server, 'ja')
    expect((await client.login(user.email, user.password, user.totpSecret)).status).toBe(200)
    return client
  }

  const roundBody = (overrides: Record<string, unknown> = {}) => {
    const now = server.ctx.clock().getTime()
    return {
      kind: 'self_assessment',
      title: { ja: '2026年度 サイバーセキュリティ自己評価', en: 'FY2026 cyber self-assessment' },
      catalogId,
      target: { mode: 'criteria', sectors: null, sizes: null, institutionIds: [] },
      opensAt: new Date(now - DAY).toISOString(),
      dueAt: new Date(now + 30 * DAY).toISOString(),
      instructions: '基本的な対応事項は全て回答してください。',
      carryForward: true,
      kAnonymity: 5,
      ...overrides,
    }
  }

  beforeAll(async () => {
    server = await startTestServer({ env: LONG_SESSIONS })
    catalogId = await storeRoundCatalog(server.ctx)
    supervisorOrg = (await makeOrganisation(server.ctx, { kind: 'supervisor' })).id
    kamomeOrg = (await makeInstitution(server.ctx, { sector: 'shinkin', sizeBand: 'small' })).id
    aobaOrg = (await makeInstitution(server.ctx, { sector: 'regional_bank', sizeBand: 'large' })).id
    outsiderOrg = (await makeInstitution(server.ctx, { sector: 'shinkin', sizeBand: 'small' })).id
    await server.ctx.db.transaction(async (tx) => {
      await linkInstitution(tx, supervisorOrg, kamomeOrg)
      await linkInstitution(tx, supervisorOrg, aobaOrg)
    })
    supervisor = await loggedIn(await makeUser(server.ctx, supervisorOrg, 'editor'))
    supervisorViewer = await loggedIn(await makeUser(server.ctx, supervisorOrg, 'viewer'))
    kamome = await loggedIn(await makeUser(server.ctx, kamomeOrg, 'editor'))
    aoba = await loggedIn(await makeUser(server.ctx, aobaOrg, 'editor'))
    outsider = await loggedIn(await makeUser(server.ctx, outsiderOrg, 'editor'))
  })
  afterAll(async () => server.close())

  it('refuses a round with its dates the wrong way round or an institution outside the jurisdiction, naming the field', async () => {
    const now = server.ctx.clock().getTime()
    const backwards = await supervisor.post<ErrorBody>('/api/v1/supervision/rounds', roundBody({ opensAt: new Date(now).toISOString(), dueAt: new Date(now - DAY).toISOString() }))
    expect(backwards.status).toBe(400)
    expect(backwards.body.error.details.map((d) => d.path)).toContain('body.dueAt')
    expect(backwards.body.error.message).toContain('提出期限')
    const foreign = await supervisor.post<ErrorBody>('/api/v1/supervision/rounds', roundBody({ target: { mode: 'list', sectors: null, sizes: null, institutionIds: [kamomeOrg, outsiderOrg] } }))
    expect(foreign.status).toBe(400)
    expect(foreign.body.error.details.map((d) => d.path)).toEqual(['body.target.institutionIds[1]'])
  })

  it('drafts a round that no institution sees, then publishes it to the jurisdiction and notifies the targets', async () => {
    const created = await supervisor.post<RoundDetail>('/api/v1/supervision/rounds', roundBody())
    expect(created.status).toBe(201)
    roundId = created.body.id
    expect(created.body.status).toBe('draft')
    expect((await kamome.get(`/api/v1/rounds/${roundId}`)).status).toBe(404)
    expect((await supervisorViewer.post(`/api/v1/supervision/rounds/${roundId}/publish`)).status).toBe(403)

    const published = await supervisor.post<RoundDetail>(`/api/v1/supervision/rounds/${roundId}/publish`)
    expect(published.status).toBe(200)
    expect(published.body.status).toBe('published')
    expect(published.body.counts.targets).toBe(2)
    expect((await supervisor.post<ErrorBody>(`/api/v1/supervision/rounds/${roundId}/publish`)).status).toBe(409)

    const notes = await kamome.get<{ unread: number; items: { kind: string; link: string; title: { ja: string } }[] }>('/api/v1/notifications')
    expect(notes.body.unread).toBe(1)
    expect(notes.body.items[0]).toMatchObject({ kind: 'round.published', link: `/rounds/${roundId}` })
    expect(notes.body.items[0]?.title.ja).toContain('自己評価')
    expect((await kamome.post('/api/v1/notifications/read', { all: true })).status).toBe(200)
    expect((await kamome.get<{ unread: number }>('/api/v1/notifications')).body.unread).toBe(0)
    expect((await outsider.get<{ unread: number }>('/api/v1/notifications')).body.unread).toBe(0)

    const mine = await kamome.get<{ id: string; state: string }[]>('/api/v1/rounds')
    expect(mine.body).toEqual([expect.objectContaining({ id: roundId, state: 'not_started' })])
    expect((await outsider.get<unknown[]>('/api/v1/rounds')).body).toEqual([])
    expect((await outsider.get(`/api/v1/rounds/${roundId}`)).status).toBe(404)
  })

  it('reminds the targets that have not submitted, with a note in their thread', async () => {
    const reminded = await supervisor.post<{ reminded: number }>(`/api/v1/supervision/rounds/${roundId}/reminders`, { institutionIds: [kamomeOrg], message: '期限にご注意ください' })
    expect(reminded.body.reminded).toBe(1)
    const notes = await kamome.get<{ items: { kind: string }[] }>('/api/v1/notifications')
    expect(notes.body.items[0]?.kind).toBe('round.reminder')
    expect((await aoba.get<{ items: { kind: string }[] }>('/api/v1/notifications')).body.items.map((n) => n.kind)).not.toContain('round.reminder')
    const round = await kamome.get<InstitutionRound>(`/api/v1/rounds/${roundId}`)
    expect(round.body.thread).toEqual([expect.objectContaining({ kind: 'reminder', side: 'supervisor', body: '期限にご注意ください' })])
    const targets = await supervisor.get<(TargetStatus & { lastRemindedAt: string | null })[]>(`/api/v1/supervision/rounds/${roundId}/targets`)
    expect(targets.body.find((t) => t.institution.id === kamomeOrg)?.lastRemindedAt).not.toBeNull()
    expect(targets.body.find((t) => t.institution.id === aobaOrg)?.lastRemindedAt).toBeNull()
  })

  it('starts the round assessment once, and refuses to submit one that is not approved', async () => {
    const started = await kamome.post<{ assessmentId: string }>(`/api/v1/rounds/${roundId}/assessment`)
    expect(started.status).toBe(201)
    expect((await kamome.post<ErrorBody>(`/api/v1/rounds/${roundId}/assessment`)).status).toBe(409)
    const round = await kamome.get<InstitutionRound>(`/api/v1/rounds/${roundId}`)
    expect(round.body).toMatchObject({ state: 'in_progress', assessmentId: started.body.assessmentId })

    const draft = await kamome.post<ErrorBody>(`/api/v1/rounds/${roundId}/submissions`, { assessmentId: started.body.assessmentId })
    expect(draft.status).toBe(400)
    expect(draft.body.error.message).toContain('承認済み')
    // Another institution's assessment id is simply not found.
    const foreign = await approvedAssessment(server.ctx, aobaOrg, catalogId, [1, 1, 1, 1, 1, 1])
    expect((await kamome.post<ErrorBody>(`/api/v1/rounds/${roundId}/submissions`, { assessmentId: foreign })).status).toBe(400)
  })

  it('stores an immutable snapshot whose SHA-256 both sides see and can recompute; a resubmission is a new version', async () => {
    const round = await kamome.get<InstitutionRound>(`/api/v1/rounds/${roundId}`)
    const assessmentId = await approvedAssessment(server.ctx, kamomeOrg, catalogId, [1, 0, 0, 1, 1, null], round.body.assessmentId as string)
    const submitted = await kamome.post<InstitutionRound>(`/api/v1/rounds/${roundId}/submissions`, { assessmentId })
    expect(submitted.status).toBe(201)
    expect(submitted.body.state).toBe('submitted')
    const [first] = submitted.body.submissions
    expect(first).toMatchObject({ version: 1, late: false })
    expect(first?.digest).toMatch(/^[0-9a-f]{64}$/)

    const mine = await kamome.get(`/api/v1/rounds/${roundId}/submissions/${first?.id}`)
    expect(createHash('sha256').update(mine.text).digest('hex')).toBe(first?.digest)
    const theirs = await supervisor.get(`/api/v1/supervision/rounds/${roundId}/institutions/${kamomeOrg}/submissions/${first?.id}`)
    expect(theirs.text).toBe(mine.text)
    const snapshot = JSON.parse(mine.text) as { answers: { ref: string; value: number | null }[]; scores: { overall: { score: number; basicCompliance: number } } }
    expect(snapshot.answers.find((a) => a.ref === '1-B2')?.value).toBe(0)
    // Four basic items, three in place; six items, three earned, one unanswered counting 0.
    expect(snapshot.scores.overall.basicCompliance).toBeCloseTo(3 / 4, 12)
    expect(snapshot.scores.overall.score).toBeCloseTo(3 / 6, 12)
    expect((await outsider.get(`/api/v1/rounds/${roundId}/submissions/${first?.id}`)).status).toBe(404)
    expect((await aoba.get(`/api/v1/rounds/${roundId}/submissions/${first?.id}`)).status).toBe(404)

    // The ledger holds the submission: an inclusion proof against a signed head, checkable offline,
    // whose entry carries the digest of a claim naming the snapshot's digest.
    const mineReceipt = await kamome.get<Receipt>(`/api/v1/rounds/${roundId}/submissions/${first?.id}/receipt`)
    expect(mineReceipt.status).toBe(200)
    const { claim, receipt } = mineReceipt.body
    expect(claim).toMatchObject({ version: 1, digest: first?.digest, institutionOrgId: kamomeOrg })
    expect(receipt).not.toBeNull()
    const entry = Buffer.from(receipt!.entry, 'utf8')
    expect(JSON.parse(receipt!.entry)).toMatchObject({ action: 'round.submitted', afterDigest: digestOf(claim) })
    expect(Buffer.from(leafHash(entry)).toString('base64')).toBe(receipt!.leafHash)
    const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'))
    const head = receipt!.signedHead!
    expect(head).toMatchObject({ logId: receipt!.logId, treeSize: receipt!.treeSize, rootHash: receipt!.rootHash })
    expect(verifyInclusion({ leafIndex: receipt!.leafIndex, treeSize: receipt!.treeSize, inclusionPath: receipt!.inclusionPath.map(b64) }, leafHash(entry), b64(head.rootHash))).toEqual({ ok: true })
    const keys = new Map((await listKeys(server.ctx.db)).map((k) => [k.keyId, { keyId: k.keyId, publicKey: k.publicKey, validFrom: k.validFrom, validUntil: k.validUntil }]))
    expect(verifySignedHead(head, keys)).toEqual({ ok: true })
    const theirReceipt = await supervisor.get<Receipt>(`/api/v1/supervision/rounds/${roundId}/institutions/${kamomeOrg}/submissions/${first?.id}/receipt`)
    expect(theirReceipt.body.receipt?.leafHash).toBe(receipt!.leafHash)
    expect((await aoba.get(`/api/v1/rounds/${roundId}/submissions/${first?.id}/receipt`)).status).toBe(404)

    const again = await kamome.post<InstitutionRound>(`/api/v1/rounds/${roundId}/submissions`, { assessmentId })
    expect(again.body.submissions.map((s) => s.version)).toEqual([1, 2])
    expect(again.body.submissions[1]?.late).toBe(false)

    const targets = await supervisor.get<TargetStatus[]>(`/api/v1/supervision/rounds/${roundId}/targets`)
    expect(targets.body.find((t) => t.institution.id === kamomeOrg)).toMatchObject({ state: 'submitted', submission: { version: 2, late: false } })
    expect(targets.body.find((t) => t.institution.id === aobaOrg)).toMatchObject({ state: 'not_started', submission: null })
  })

  it('marks a submission after the due date late, and a resubmission answering a return not late', async () => {
    const assessmentId = await approvedAssessment(server.ctx, aobaOrg, catalogId, [1, 1, 1, 1, 1, 1])
    server.clock.advance(31 * DAY)
    const late = await aoba.post<InstitutionRound>(`/api/v1/rounds/${roundId}/submissions`, { assessmentId })
    expect(late.status).toBe(201)
    expect(late.body.state).toBe('late')
    expect(late.body.submissions[0]?.late).toBe(true)
    const lateOnly = await supervisor.get<TargetStatus[]>(`/api/v1/supervision/rounds/${roundId}/targets?state=late`)
    expect(lateOnly.body.map((t) => t.institution.id)).toEqual([aobaOrg])

    const returned = await supervisor.post<{ target: TargetStatus }>(`/api/v1/supervision/rounds/${roundId}/institutions/${kamomeOrg}/return`, { comment: '2-D1 の回答を補足してください' })
    expect(returned.status).toBe(200)
    expect(returned.body.target.state).toBe('returned')
    expect((await supervisor.post<ErrorBody>(`/api/v1/supervision/rounds/${roundId}/institutions/${kamomeOrg}/return`, { comment: 'again' })).status).toBe(409)
    expect((await supervisor.post<ErrorBody>(`/api/v1/supervision/rounds/${roundId}/institutions/${kamomeOrg}/return`, { comment: '  ' })).status).toBe(400)

    const answered = await kamome.post<InstitutionRound>(`/api/v1/rounds/${roundId}/messages`, { body: '補足しました。再提出します。' })
    expect(answered.status).toBe(201)
    const [approved] = (await kamome.get<{ id: string }[]>(`/api/v1/rounds/${roundId}/assessments`)).body
    const resubmitted = await kamome.post<InstitutionRound>(`/api/v1/rounds/${roundId}/submissions`, { assessmentId: approved?.id })
    expect(resubmitted.status).toBe(201)
    expect(resubmitted.body.state).toBe('submitted')
    expect(resubmitted.body.submissions.at(-1)).toMatchObject({ version: 3, late: false })
    expect(resubmitted.body.thread.map((entry) => [entry.kind, entry.side])).toEqual([
      ['reminder', 'supervisor'],
      ['submission', 'institution'],
      ['submission', 'institution'],
      ['return', 'supervisor'],
      ['response', 'institution'],
      ['submission', 'institution'],
    ])
    expect(resubmitted.body.thread[3]).toMatchObject({ body: '2-D1 の回答を補足してください', submissionVersion: 2 })

    const seen = await supervisor.get<{ thread: unknown[]; submissions: unknown[] }>(`/api/v1/supervision/rounds/${roundId}/institutions/${kamomeOrg}`)
    expect(seen.body.thread).toHaveLength(6)
    expect(seen.body.submissions).toHaveLength(3)
  })

  it('reminds only the targets that have not submitted, and exports the status list', async () => {
    const third = (await makeInstitution(server.ctx, { sector: 'securities', sizeBand: 'medium' })).id
    await server.ctx.db.transaction((tx) => linkInstitution(tx, supervisorOrg, third))
    // A new institution of the jurisdiction is not a target of a round published before it came.
    const reminded = await supervisor.post<{ reminded: number }>(`/api/v1/supervision/rounds/${roundId}/reminders`, {})
    expect(reminded.body.reminded).toBe(0)

    const csv = await supervisor.get(`/api/v1/supervision/rounds/${roundId}/export.csv?table=status`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines[0]).toContain('金融機関名')
    expect(lines).toHaveLength(3)
    expect(lines.find((line) => line.startsWith(aobaOrg))).toContain('期限超過で提出')
    expect((await kamome.get(`/api/v1/supervision/rounds/${roundId}/export.csv`)).status).toBe(403)

    const xlsx = await fetch(`${server.baseUrl}/api/v1/supervision/rounds/${roundId}/export.xlsx?lang=en`, { headers: { cookie: `kamae_session=${supervisor.cookie('kamae_session')}` } })
    expect(xlsx.status).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(await xlsx.arrayBuffer())
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Status', 'Scores', 'Answers', 'Item rates'])
    const answers = workbook.getWorksheet('Answers') as ExcelJS.Worksheet
    const kamomeRow = answers.getRows(2, answers.rowCount - 1)?.find((row) => row.getCell(1).value === kamomeOrg)
    // Kamome's current submission (version 3): 1, 0, 0, 1, 1 and 2-D1 unanswered.
    expect(kamomeRow?.values).toEqual([undefined, kamomeOrg, expect.any(String), 1, 0, 0, 1, 1])
  })

  it('closes the round: no more submissions', async () => {
    const closed = await supervisor.post<RoundDetail>(`/api/v1/supervision/rounds/${roundId}/close`)
    expect(closed.body.status).toBe('closed')
    const ids = (await kamome.get<{ id: string }[]>(`/api/v1/rounds/${roundId}/assessments`)).body
    const refused = await kamome.post<ErrorBody>(`/api/v1/rounds/${roundId}/submissions`, { assessmentId: ids[0]?.id })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toContain('終了')
  })
})
