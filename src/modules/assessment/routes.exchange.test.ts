import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { loadFixtureCatalog } from '../../../test/support/catalogs.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeUser, type TestUser } from '../../../test/support/factories.js'

// The check sheet (チェックシート) round trip through HTTP: export, fill in by hand, import.

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}
interface Item {
  ref: string
  value: number | null
  notApplicable: boolean
  comment: string | null
  updatedAt: string | null
}
interface Action {
  id: string
  title: string
  status: string
  itemRefs: string[]
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1')

function fileForm(filename: string, data: Buffer, type = XLSX_TYPE): FormData {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(data)], { type }), filename)
  return form
}

/** The cell values of a sheet, row by row, as a person sees them. */
async function sheetValues(data: Buffer, sheetName: string): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0])
  const sheet = workbook.getWorksheet(sheetName)
  if (!sheet) throw new Error(`no sheet ${sheetName}`)
  const rows: unknown[][] = []
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
  return rows
}

/** Edits a workbook like a person would: cells addressed by sheet, ref in column A and column letter. */
async function editWorkbook(data: Buffer, edit: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0])
  edit(workbook)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

function rowOfRef(workbook: ExcelJS.Workbook, ref: string): ExcelJS.Row {
  const sheet = workbook.getWorksheet('項目')!
  let found: ExcelJS.Row | undefined
  sheet.eachRow((row) => {
    if (row.getCell(1).value === ref) found = row
  })
  if (!found) throw new Error(`no row for ${ref}`)
  return found
}

describe('the check sheet round trip through HTTP', () => {
  let server: TestServer
  let editor: TestUser
  let editorClient: ApiClient
  let viewerClient: ApiClient
  let assessmentId: string
  let refs: string[]
  let exported: Buffer

  async function exportXlsx(client: ApiClient, lang: 'ja' | 'en' = 'ja') {
    const response = await fetch(`${server.baseUrl}/api/v1/assessments/${assessmentId}/export.xlsx?lang=${lang}`, {
      headers: { cookie: `kamae_session=${client.cookie('kamae_session')}` },
    })
    return { status: response.status, headers: response.headers, data: Buffer.from(await response.arrayBuffer()) }
  }

  const importXlsx = <T>(client: ApiClient, data: Buffer) => client.request<T>('POST', `/api/v1/assessments/${assessmentId}/import`, fileForm('check-sheet.xlsx', data))
  const itemsNow = async () => (await editorClient.get<Item[]>(`/api/v1/assessments/${assessmentId}/items`)).body
  const actionsNow = async () => (await editorClient.get<Action[]>(`/api/v1/assessments/${assessmentId}/actions`)).body

  beforeAll(async () => {
    server = await startTestServer()
    const catalogId = await loadFixtureCatalog(server.ctx, 'fsa-cyber-2024')
    const orgId = (await makeInstitution(server.ctx, { sector: 'regional_bank', sizeBand: 'large' })).id
    editor = await makeUser(server.ctx, orgId, 'editor')
    const viewer = await makeUser(server.ctx, orgId, 'viewer')
    editorClient = new ApiClient(server)
    await editorClient.login(editor.email, editor.password)
    viewerClient = new ApiClient(server)
    await viewerClient.login(viewer.email, viewer.password)

    const created = await editorClient.post<{ id: string }>('/api/v1/assessments', { catalogId, title: 'チェックシート往復' })
    assessmentId = created.body.id
    refs = (await itemsNow()).map((i) => i.ref)
    await editorClient.put(`/api/v1/assessments/${assessmentId}/items/${refs[0]}`, { value: 2, comment: '年1回見直し\n取締役会報告あり' })
    await editorClient.put(`/api/v1/assessments/${assessmentId}/items/${refs[1]}`, { notApplicable: true, naReason: '当該業務なし' })
    await editorClient.put(`/api/v1/assessments/${assessmentId}/items/${refs[2]}`, { value: 0 })
    await editorClient.request('POST', `/api/v1/assessments/${assessmentId}/items/${refs[0]}/evidence`, fileForm('規程.pdf', PDF, 'application/pdf'))
    await editorClient.post(`/api/v1/assessments/${assessmentId}/actions`, {
      title: '多要素認証の全面導入',
      description: 'VPN と管理者アカウントから',
      owner: '情報システム部',
      dueDate: '2026-09-30',
      status: 'in_progress',
      itemRefs: [refs[2], refs[0]],
    })
  })
  afterAll(() => server.close())

  it('exports the assessment as an XLSX attachment', async () => {
    const response = await exportXlsx(editorClient)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(XLSX_TYPE)
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=.*\.xlsx"; filename\*=UTF-8''/)
    expect(response.data.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04')
    exported = response.data
  })

  it('lets a viewer export but not import', async () => {
    expect((await exportXlsx(viewerClient)).status).toBe(200)
    expect((await importXlsx(viewerClient, exported)).status).toBe(403)
  })

  it('imports an unchanged file without changing anything', async () => {
    const before = await itemsNow()
    const response = await importXlsx(editorClient, exported)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ answersUpdated: 0, actionsCreated: 0, actionsUpdated: 0 })
    expect(await itemsNow()).toEqual(before)
  })

  it('exports the same answers and actions after the round trip', async () => {
    const again = (await exportXlsx(editorClient)).data
    expect(await sheetValues(again, '項目')).toEqual(await sheetValues(exported, '項目'))
    expect(await sheetValues(again, '改善計画')).toEqual(await sheetValues(exported, '改善計画'))
  })

  it('imports an answer changed and an action added by hand', async () => {
    const edited = await editWorkbook(exported, (workbook) => {
      const row = rowOfRef(workbook, refs[2]!)
      row.getCell(6).value = '対応済'
      row.getCell(9).value = '手順書を整備'
      const actions = workbook.getWorksheet('改善計画')!
      const next = actions.getRow(3)
      next.getCell(2).value = '委託先の棚卸し'
      next.getCell(6).value = '未着手'
      next.getCell(7).value = refs[3]
    })
    const response = await importXlsx(editorClient, edited)
    expect(response.body).toEqual({ answersUpdated: 1, actionsCreated: 1, actionsUpdated: 0 })
    expect((await itemsNow()).find((i) => i.ref === refs[2])).toMatchObject({ value: 2, comment: '手順書を整備' })
    expect((await actionsNow()).map((a) => a.title)).toEqual(['多要素認証の全面導入', '委託先の棚卸し'])
  })

  it('refuses a bad file whole, naming sheet, row and column, and changes nothing', async () => {
    const items = await itemsNow()
    const actions = await actionsNow()
    let answerRow = 0
    let naRow = 0
    const bad = await editWorkbook(exported, (workbook) => {
      const first = rowOfRef(workbook, refs[3]!)
      first.getCell(6).value = 'とても良い'
      answerRow = first.number
      const second = rowOfRef(workbook, refs[4]!)
      second.getCell(7).value = 'はい'
      naRow = second.number
      rowOfRef(workbook, refs[5]!).getCell(6).value = '対応済' // valid on its own, but the file is refused whole
    })
    const response = await importXlsx<ErrorBody>(editorClient, bad)
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('import_failed')
    expect(response.body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining([`項目!F${answerRow}`, `項目!H${naRow}`]))
    expect(await itemsNow()).toEqual(items)
    expect(await actionsNow()).toEqual(actions)
  })

  it('explains a refused import in the request language', async () => {
    const english = new ApiClient(server, 'en')
    await english.login(editor.email, editor.password)
    const response = await importXlsx<ErrorBody>(english, Buffer.from('not a workbook'))
    expect(response.status).toBe(400)
    expect(response.body.error).toMatchObject({ code: 'import_failed', message: expect.stringContaining('nothing was changed') })
    expect(response.body.error.details[0]?.message).toContain('not an Excel workbook')
  })
})
