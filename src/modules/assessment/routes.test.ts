import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { loadFixtureCatalog } from '../../../test/support/catalogs.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'

// A self-assessment through HTTP, on a real server and database, with the FSA catalog loaded:
// answer -> evidence -> plan -> review -> four-eyes approval -> lock -> reopen -> diff.
// The tests run in order and build on each other, as a user's day does.

interface Detail {
  id: string
  lineageId: string
  version: number
  status: string
  lockedAt: string | null
  returnComment: string | null
  reviewComment: string | null
  approvedBy: { id: string } | null
  versions: { id: string; version: number; status: string }[]
  permissions: Record<string, boolean>
}
interface Item {
  ref: string
  inScope: boolean
  value: number | null
  notApplicable: boolean
  naReason: string | null
  comment: string | null
  updatedBy: { id: string; displayName: string } | null
  evidenceCount: number
}
interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}
interface Evidence {
  id: string
  itemRef: string
  filename: string
  mediaType: string
  sizeBytes: number
  sha256: string
}
interface Action {
  id: string
  title: string
  status: string
  itemRefs: string[]
  dueDate: string | null
}

const UPLOAD_LIMIT = 64 * 1024
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1')
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

function uploadForm(filename: string, data: Buffer, type = 'application/octet-stream'): FormData {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(data)], { type }), filename)
  return form
}

describe('a self-assessment through HTTP', () => {
  let server: TestServer
  let catalogId: string
  let editor: TestUser
  let secondEditor: TestUser
  let approver: TestUser
  let admin: TestUser
  let viewer: TestUser
  let editorClient: ApiClient
  let secondEditorClient: ApiClient
  let approverClient: ApiClient
  let viewerClient: ApiClient
  let foreignClient: ApiClient

  let assessmentId: string
  let items: Item[]
  let inScopeRefs: string[]
  let outOfScopeRef: string
  let evidence: Evidence
  let actionId: string
  let version2Id: string

  const itemPath = (ref: string, id = assessmentId) => `/api/v1/assessments/${id}/items/${encodeURIComponent(ref)}`

  async function download(client: ApiClient, path: string) {
    const response = await fetch(`${server.baseUrl}${path}`, { headers: { cookie: `kamae_session=${client.cookie('kamae_session')}` } })
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) }
  }

  async function loggedIn(user: TestUser, language: 'ja' | 'en' = 'ja') {
    const client = new ApiClient(server, language)
    const login = await client.login(user.email, user.password, user.totpSecret)
    expect(login.status).toBe(200)
    return client
  }

  beforeAll(async () => {
    server = await startTestServer({ env: { KAMAE_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT) } })
    catalogId = await loadFixtureCatalog(server.ctx, 'fsa-cyber-2024')

    const orgId = (await makeInstitution(server.ctx, { sector: 'shinkin', sizeBand: 'small', name: 'Kamome Shinkin (demo)' })).id
    editor = await makeUser(server.ctx, orgId, 'editor')
    secondEditor = await makeUser(server.ctx, orgId, 'editor', { mfa: true })
    approver = await makeUser(server.ctx, orgId, 'approver')
    admin = await makeUser(server.ctx, orgId, 'admin')
    viewer = await makeUser(server.ctx, orgId, 'viewer')
    const foreignOrg = (await makeInstitution(server.ctx, { name: 'Another Bank' })).id
    const foreignEditor = await makeUser(server.ctx, foreignOrg, 'editor')

    editorClient = await loggedIn(editor)
    secondEditorClient = await loggedIn(secondEditor)
    approverClient = await loggedIn(approver)
    viewerClient = await loggedIn(viewer)
    foreignClient = await loggedIn(foreignEditor)
  })
  afterAll(() => server.close())

  it('starts an assessment with the items for larger institutions out of scope', async () => {
    const created = await editorClient.post<Detail>('/api/v1/assessments', { catalogId, title: '2025年度 自己評価' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ version: 1, status: 'draft', lockedAt: null, permissions: { canEdit: true, canApprove: false } })
    assessmentId = created.body.id
    expect(created.body.lineageId).toBe(assessmentId)

    items = (await editorClient.get<Item[]>(`/api/v1/assessments/${assessmentId}/items`)).body
    expect(items).toHaveLength(210)
    inScopeRefs = items.filter((i) => i.inScope).map((i) => i.ref)
    outOfScopeRef = items.find((i) => !i.inScope)!.ref
    expect(inScopeRefs.length).toBeGreaterThan(0)
    expect(inScopeRefs.length).toBeLessThan(210)
  })

  it('saves an answer on the item scale and names who saved it', async () => {
    const saved = await editorClient.put<Item>(itemPath(inScopeRefs[0]!), { value: 2, comment: '規程を整備済み' })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ ref: inScopeRefs[0], value: 2, comment: '規程を整備済み', updatedBy: { id: editor.id } })
  })

  it('records another editor as the last editor of the answer they change', async () => {
    const saved = await secondEditorClient.put<Item>(itemPath(inScopeRefs[1]!), { value: 3 })
    expect(saved.body.updatedBy?.id).toBe(secondEditor.id)
  })

  it('refuses a value that is not on the item scale, naming the field', async () => {
    const response = await editorClient.put<ErrorBody>(itemPath(inScopeRefs[2]!), { value: 7 })
    expect(response.status).toBe(400)
    expect(response.body.error.details.map((d) => d.path)).toEqual(['body.value'])
  })

  it('refuses N/A without a reason, naming the field, and changes nothing', async () => {
    const english = await loggedIn(editor, 'en')
    const refused = await english.put<ErrorBody>(itemPath(inScopeRefs[0]!), { notApplicable: true, naReason: '   ' })
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.naReason', message: 'Give the reason why the item is not applicable' }] })
    const unchanged = (await editorClient.get<Item[]>(`/api/v1/assessments/${assessmentId}/items`)).body.find((i) => i.ref === inScopeRefs[0])
    expect(unchanged).toMatchObject({ value: 2, notApplicable: false })
  })

  it('marks an item not applicable with a reason, clearing its value', async () => {
    await editorClient.put(itemPath(inScopeRefs[3]!), { value: 1 })
    const saved = await editorClient.put<Item>(itemPath(inScopeRefs[3]!), { notApplicable: true, naReason: '該当する業務を行っていない' })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ value: null, notApplicable: true, naReason: '該当する業務を行っていない' })
  })

  it('brings an item outside the institution profile into scope', async () => {
    const saved = await editorClient.put<Item>(itemPath(outOfScopeRef), { inScope: true, value: 1 })
    expect(saved.body).toMatchObject({ inScope: true, value: 1 })
  })

  it('keeps an item that applies to the institution in scope', async () => {
    const refused = await editorClient.put<ErrorBody>(itemPath(inScopeRefs[4]!), { inScope: false })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details[0]?.path).toBe('body.inScope')
  })

  it('answers 404 for an item the catalog does not have', async () => {
    expect((await editorClient.put(itemPath('9.9-B99'), { value: 1 })).status).toBe(404)
  })

  it('shows progress and scores overall and per section', async () => {
    const scores = await editorClient.get<{ overall: Record<string, number | null>; sections: { ref: string }[] }>(`/api/v1/assessments/${assessmentId}/scores`)
    expect(scores.status).toBe(200)
    expect(scores.body.overall).toMatchObject({ answered: 4, inScope: inScopeRefs.length + 1 })
    expect(scores.body.overall.progress).toBeCloseTo(4 / (inScopeRefs.length + 1))
    expect(scores.body.sections.map((s) => s.ref)).toEqual(['2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '3'])
  })

  it('lists the assessments of the own organisation with progress and score', async () => {
    const list = await viewerClient.get<{ id: string; progress: number; score: number; olderVersions: number; catalog: { key: string } }[]>('/api/v1/assessments')
    expect(list.body).toHaveLength(1)
    expect(list.body[0]).toMatchObject({ id: assessmentId, olderVersions: 0, catalog: { key: 'fsa-cyber-2024' } })
    expect(list.body[0]!.score).toBeGreaterThan(0)
  })

  it('stores an evidence file under its sha256', async () => {
    const response = await editorClient.request<Evidence>('POST', `${itemPath(inScopeRefs[0]!)}/evidence`, uploadForm('規程 第3版.pdf', PDF))
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({ itemRef: inScopeRefs[0], filename: '規程 第3版.pdf', mediaType: 'application/pdf', sizeBytes: PDF.length, sha256: sha256(PDF) })
    evidence = response.body
    const listed = await viewerClient.get<Evidence[]>(`/api/v1/assessments/${assessmentId}/evidence`)
    expect(listed.body.map((e) => e.id)).toEqual([evidence.id])
  })

  it('downloads evidence as the same bytes, as an attachment of the stored type, never sniffed', async () => {
    const file = await download(viewerClient, `/api/v1/evidence/${evidence.id}/download`)
    expect(file.status).toBe(200)
    expect(sha256(file.bytes)).toBe(evidence.sha256)
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect(file.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('規程 第3版.pdf')}`)
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('refuses a file over the upload limit with 413', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(UPLOAD_LIMIT + 1, 0x20)])
    const response = await editorClient.request<ErrorBody>('POST', `${itemPath(inScopeRefs[0]!)}/evidence`, uploadForm('big.pdf', big))
    expect(response.status).toBe(413)
    expect(response.body.error).toMatchObject({ code: 'payload_too_large', message: 'ファイルが大きすぎます（上限 64 KB）' })
  })

  it('refuses a file whose content does not match its extension with 415, in the request language', async () => {
    const english = await loggedIn(editor, 'en')
    const response = await english.request<ErrorBody>('POST', `${itemPath(inScopeRefs[0]!)}/evidence`, uploadForm('photo.png', PDF, 'image/png'))
    expect(response.status).toBe(415)
    expect(response.body.error.message).toContain('does not match its extension (.png)')
    const japanese = await editorClient.request<ErrorBody>('POST', `${itemPath(inScopeRefs[0]!)}/evidence`, uploadForm('tool.exe', Buffer.from('MZ\x90\x00', 'latin1')))
    expect(japanese.status).toBe(415)
    expect(japanese.body.error.message).toContain('証跡として登録できません')
  })

  it('removes evidence from a draft', async () => {
    const extra = await editorClient.request<Evidence>('POST', `${itemPath(inScopeRefs[1]!)}/evidence`, uploadForm('memo.txt', Buffer.from('会議メモ\n')))
    expect(extra.status).toBe(201)
    expect((await editorClient.delete(`/api/v1/evidence/${extra.body.id}`)).status).toBe(200)
    expect((await download(editorClient, `/api/v1/evidence/${extra.body.id}/download`)).status).toBe(404)
  })

  it('adds a remediation action linked to catalog items', async () => {
    const created = await editorClient.post<Action>(`/api/v1/assessments/${assessmentId}/actions`, {
      title: 'バックアップの隔離保管',
      owner: 'システム部',
      dueDate: '2026-03-31',
      itemRefs: [inScopeRefs[2]],
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ status: 'open', dueDate: '2026-03-31', itemRefs: [inScopeRefs[2]] })
    actionId = created.body.id
  })

  it('refuses an action linked to an item the catalog does not have', async () => {
    const refused = await editorClient.post<ErrorBody>(`/api/v1/assessments/${assessmentId}/actions`, { title: 'x', itemRefs: ['9.9-B99'] })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details[0]?.path).toBe('body.itemRefs[0]')
  })

  it('changes, lists and deletes remediation actions', async () => {
    const patched = await editorClient.patch<Action>(`/api/v1/remediation-actions/${actionId}`, { status: 'in_progress' })
    expect(patched.body).toMatchObject({ id: actionId, status: 'in_progress', title: 'バックアップの隔離保管' })
    const doomed = await editorClient.post<Action>(`/api/v1/assessments/${assessmentId}/actions`, { title: '削除予定' })
    expect((await editorClient.delete(`/api/v1/remediation-actions/${doomed.body.id}`)).status).toBe(200)
    const listed = await viewerClient.get<Action[]>(`/api/v1/assessments/${assessmentId}/actions`)
    expect(listed.body.map((a) => a.id)).toEqual([actionId])
  })

  it('lets a viewer read but not change anything', async () => {
    expect((await viewerClient.get(`/api/v1/assessments/${assessmentId}/items`)).status).toBe(200)
    expect((await viewerClient.put(itemPath(inScopeRefs[5]!), { value: 1 })).status).toBe(403)
    expect((await viewerClient.request('POST', `${itemPath(inScopeRefs[5]!)}/evidence`, uploadForm('a.pdf', PDF))).status).toBe(403)
    expect((await viewerClient.post(`/api/v1/assessments/${assessmentId}/actions`, { title: 'x' })).status).toBe(403)
    expect((await viewerClient.post('/api/v1/assessments', { catalogId, title: 'x' })).status).toBe(403)
    expect((await viewerClient.post(`/api/v1/assessments/${assessmentId}/request-review`, {})).status).toBe(403)
  })

  it('sends the draft for review, which locks the answers', async () => {
    const review = await editorClient.post<Detail>(`/api/v1/assessments/${assessmentId}/request-review`, { comment: '確認をお願いします' })
    expect(review.status).toBe(200)
    expect(review.body).toMatchObject({ status: 'in_review', reviewComment: '確認をお願いします' })
    expect((await editorClient.put(itemPath(inScopeRefs[5]!), { value: 1 })).status).toBe(409)
  })

  it('returns an assessment only with a comment saying why', async () => {
    const blank = await approverClient.post<ErrorBody>(`/api/v1/assessments/${assessmentId}/return`, { comment: '  ' })
    expect(blank.status).toBe(400)
    expect(blank.body.error.details[0]?.path).toBe('body.comment')
    const returned = await approverClient.post<Detail>(`/api/v1/assessments/${assessmentId}/return`, { comment: '2.3の証跡を追加してください' })
    expect(returned.body).toMatchObject({ status: 'draft', returnComment: '2.3の証跡を追加してください' })
    expect((await editorClient.post(`/api/v1/assessments/${assessmentId}/request-review`, {})).status).toBe(200)
  })

  it('refuses approval by an approver who edited an answer', async () => {
    const adminClient = await loggedIn(admin)
    expect((await adminClient.patch(`/api/v1/members/${secondEditor.id}`, { role: 'approver' })).status).toBe(200)
    const promoted = await loggedIn(secondEditor)
    const detail = await promoted.get<Detail>(`/api/v1/assessments/${assessmentId}`)
    expect(detail.body.permissions.canApprove).toBe(false)
    const refused = await promoted.post<ErrorBody>(`/api/v1/assessments/${assessmentId}/approve`, {})
    expect(refused.status).toBe(403)
    expect(refused.body.error.message).toContain('四つの目の原則')
  })

  it('approves with another approver who passed MFA, locking the version', async () => {
    const approved = await approverClient.post<Detail>(`/api/v1/assessments/${assessmentId}/approve`, { comment: '経営会議で承認' })
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: { id: approver.id } })
    expect(approved.body.lockedAt).not.toBeNull()
  })

  it('refuses every change to the approved version', async () => {
    expect((await editorClient.put(itemPath(inScopeRefs[5]!), { value: 1 })).status).toBe(409)
    expect((await editorClient.request('POST', `${itemPath(inScopeRefs[5]!)}/evidence`, uploadForm('a.pdf', PDF))).status).toBe(409)
    expect((await editorClient.delete(`/api/v1/evidence/${evidence.id}`)).status).toBe(409)
    expect((await editorClient.post(`/api/v1/assessments/${assessmentId}/request-review`, {})).status).toBe(409)
    expect((await approverClient.post(`/api/v1/assessments/${assessmentId}/return`, { comment: 'x' })).status).toBe(409)
  })

  it('keeps the remediation plan editable after approval', async () => {
    const patched = await editorClient.patch<Action>(`/api/v1/remediation-actions/${actionId}`, { status: 'done' })
    expect(patched.status).toBe(200)
    expect(patched.body.status).toBe('done')
  })

  it('reopens as version 2 with the answers, their editors and the evidence', async () => {
    const reopened = await editorClient.post<Detail>(`/api/v1/assessments/${assessmentId}/reopen`)
    expect(reopened.status).toBe(201)
    expect(reopened.body).toMatchObject({ version: 2, status: 'draft', lineageId: assessmentId, lockedAt: null })
    expect(reopened.body.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'approved'],
      [2, 'draft'],
    ])
    version2Id = reopened.body.id
    const before = (await editorClient.get<Item[]>(`/api/v1/assessments/${assessmentId}/items`)).body
    const after = (await editorClient.get<Item[]>(`/api/v1/assessments/${version2Id}/items`)).body
    expect(after).toEqual(before)
    const files = (await editorClient.get<Evidence[]>(`/api/v1/assessments/${version2Id}/evidence`)).body
    expect(files.map((f) => f.sha256)).toEqual([evidence.sha256])
    expect((await editorClient.get<Action[]>(`/api/v1/assessments/${version2Id}/actions`)).body.map((a) => a.id)).toEqual([actionId])
  })

  it('lists only the newest version, counting the older ones', async () => {
    const list = await editorClient.get<{ id: string; version: number; olderVersions: number }[]>('/api/v1/assessments')
    expect(list.body).toEqual([expect.objectContaining({ id: version2Id, version: 2, olderVersions: 1 })])
  })

  it('reopens only the newest version', async () => {
    expect((await editorClient.post(`/api/v1/assessments/${version2Id}/reopen`)).status).toBe(409)
  })

  it('lists what changed in version 2 against version 1', async () => {
    await editorClient.put(itemPath(inScopeRefs[0]!, version2Id), { value: 3 })
    await editorClient.delete(`/api/v1/evidence/${(await editorClient.get<Evidence[]>(`/api/v1/assessments/${version2Id}/evidence`)).body[0]!.id}`)
    const diff = await viewerClient.get<{ from: { version: number }; to: { version: number }; changes: unknown[] }>(`/api/v1/assessments/${version2Id}/diff?against=${assessmentId}`)
    expect(diff.status).toBe(200)
    expect(diff.body.from.version).toBe(1)
    expect(diff.body.to.version).toBe(2)
    expect(diff.body.changes).toEqual([
      { ref: inScopeRefs[0], field: 'value', before: 2, after: 3 },
      { ref: inScopeRefs[0], field: 'evidence', before: { filename: '規程 第3版.pdf', sha256: evidence.sha256 }, after: null },
    ])
  })

  it('asks for the version to compare with when against is missing', async () => {
    const response = await editorClient.get<ErrorBody>(`/api/v1/assessments/${version2Id}/diff`)
    expect(response.status).toBe(400)
    expect(response.body.error.details[0]?.path).toBe('querystring.against')
  })

  it('keeps version 1 as it was approved', async () => {
    const v1 = (await editorClient.get<Item[]>(`/api/v1/assessments/${assessmentId}/items`)).body.find((i) => i.ref === inScopeRefs[0])
    expect(v1).toMatchObject({ value: 2, evidenceCount: 1 })
    expect((await download(editorClient, `/api/v1/evidence/${evidence.id}/download`)).status).toBe(200)
  })

  it('records each change in the audit trail', async () => {
    const adminClient = await loggedIn(admin)
    const events = await adminClient.get<{ action: string }[]>('/api/v1/audit-events?limit=500')
    expect(events.body.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'assessment.created',
        'assessment.answer_updated',
        'evidence.uploaded',
        'evidence.deleted',
        'remediation_action.created',
        'remediation_action.updated',
        'remediation_action.deleted',
        'assessment.review_requested',
        'assessment.returned',
        'assessment.approved',
        'assessment.reopened',
      ]),
    )
  })

  it('refuses an assessment to a supervisor', async () => {
    const supervisorOrg = (await makeOrganisation(server.ctx, { kind: 'supervisor' })).id
    const analyst = await loggedIn(await makeUser(server.ctx, supervisorOrg, 'editor'))
    expect((await analyst.post('/api/v1/assessments', { catalogId, title: 'x' })).status).toBe(403)
    expect((await analyst.get(`/api/v1/assessments/${assessmentId}`)).status).toBe(404)
  })

  it('answers 404 to another institution on every assessment route, with no data', async () => {
    const id = version2Id
    const [file] = (await editorClient.get<Evidence[]>(`/api/v1/assessments/${assessmentId}/evidence`)).body
    const ref = encodeURIComponent(inScopeRefs[0]!)
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/v1/assessments/${id}`],
      ['GET', `/api/v1/assessments/${id}/items`],
      ['PUT', `/api/v1/assessments/${id}/items/${ref}`, { value: 1 }],
      ['GET', `/api/v1/assessments/${id}/scores`],
      ['POST', `/api/v1/assessments/${id}/request-review`, {}],
      ['POST', `/api/v1/assessments/${id}/return`, { comment: 'x' }],
      ['POST', `/api/v1/assessments/${id}/approve`, {}],
      ['POST', `/api/v1/assessments/${assessmentId}/reopen`, {}],
      ['GET', `/api/v1/assessments/${id}/diff?against=${assessmentId}`],
      ['GET', `/api/v1/assessments/${id}/evidence`],
      ['POST', `/api/v1/assessments/${id}/items/${ref}/evidence`, uploadForm('a.pdf', PDF)],
      ['GET', `/api/v1/evidence/${file!.id}/download`],
      ['DELETE', `/api/v1/evidence/${file!.id}`],
      ['GET', `/api/v1/assessments/${id}/actions`],
      ['POST', `/api/v1/assessments/${id}/actions`, { title: 'x' }],
      ['PATCH', `/api/v1/remediation-actions/${actionId}`, { title: 'x' }],
      ['DELETE', `/api/v1/remediation-actions/${actionId}`],
      ['GET', `/api/v1/assessments/${id}/export.xlsx`],
      ['POST', `/api/v1/assessments/${id}/import`, uploadForm('sheet.xlsx', Buffer.from('PK\x03\x04', 'latin1'))],
    ]
    for (const [method, path, body] of calls) {
      const response = await foreignClient.request<ErrorBody>(method, path, body)
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 })
      expect(response.body.error.code).toBe('not_found')
      for (const secret of [file!.id, actionId, id]) expect(response.text).not.toContain(secret)
    }
    expect((await foreignClient.get('/api/v1/assessments')).body).toEqual([])
    // Nothing was changed by the attempts.
    expect((await editorClient.get<Action[]>(`/api/v1/assessments/${id}/actions`)).body.map((a) => a.title)).toEqual(['バックアップの隔離保管'])
  })
})
