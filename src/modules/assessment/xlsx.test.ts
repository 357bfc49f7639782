import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ErrorDetail } from '../../errors.js'
import { bundledCatalogsDir } from '../../paths.js'
import { makeCatalog, makeCatalogYaml, makeItemYaml, makeSectionYaml } from '../catalog/catalog-fixtures.js'
import type { Catalog } from '../catalog/catalog-types.js'
import { loadCatalog } from '../catalog/load-catalog.js'
import { flattenItems } from '../catalog/service.js'
import type { ActionExchange, AnswerExchange, AssessmentExchange } from './exchange-types.js'
import { buildAssessmentWorkbook, parseAssessmentWorkbook } from './xlsx.js'

type WorkbookImport = Awaited<ReturnType<typeof parseAssessmentWorkbook>>

const ACTION_IDS = ['0b6f2c1e-4a7d-4c59-9f1e-2d6b8a1c3e01', '0b6f2c1e-4a7d-4c59-9f1e-2d6b8a1c3e02', '0b6f2c1e-4a7d-4c59-9f1e-2d6b8a1c3e03']

let custody: Catalog

beforeAll(async () => {
  const loaded = await loadCatalog(join(bundledCatalogsDir, 'crypto-custody-2024'))
  if (!loaded.ok) throw new Error('crypto-custody-2024 does not load')
  custody = loaded.catalog
})

const refsOf = (catalog: Catalog) => flattenItems(catalog).map(({ item }) => item.ref)

/** Answers that exercise every shape a row can take; items past the sixth are left unanswered. */
function makeAnswers(catalog: Catalog): AnswerExchange[] {
  return refsOf(catalog).map((ref, i): AnswerExchange => {
    const base = { ref, inScope: true, value: null, notApplicable: false, naReason: null, comment: null }
    switch (i) {
      case 0:
        return { ...base, value: 2, comment: '規程集の第3章、2024年度改訂版を参照。\n署名は二名で実施, 記録あり' }
      case 2:
        return { ...base, notApplicable: true, naReason: 'ホットウォレットを保有していないため、対象外とする' }
      case 3:
        return { ...base, inScope: false }
      case 4:
        return { ...base, value: 0, comment: 'a, b, c' }
      case 5:
        return { ...base, value: 3, comment: '  先頭と末尾の空白も残す  ' }
      default:
        return base
    }
  })
}

function makeActions(catalog: Catalog): ActionExchange[] {
  const [first = '', , third = ''] = refsOf(catalog)
  return [
    {
      id: ACTION_IDS[0] ?? null,
      title: 'コールドウォレットの鍵の分散保管',
      description: '鍵を三拠点に分けて保管する。\n手順書を改訂し、訓練を行う',
      owner: 'システム部 山田',
      dueDate: '2025-03-31',
      status: 'in_progress',
      itemRefs: [first, third],
    },
    { id: ACTION_IDS[1] ?? null, title: 'Review the vendor contract', description: null, owner: null, dueDate: null, status: 'open', itemRefs: [] },
    { id: ACTION_IDS[2] ?? null, title: 'ログ保存期間の延長', description: null, owner: '監査部', dueDate: '2028-02-29', status: 'done', itemRefs: [third] },
  ]
}

function makeExchange(catalog: Catalog, overrides: Partial<AssessmentExchange['assessment']> = {}): AssessmentExchange {
  const [first = '', second = ''] = refsOf(catalog)
  return {
    assessment: {
      id: '7d1c9a52-3f0b-4e8a-b6c2-5a9e0f1d2c3b',
      title: '2024年度 自己評価',
      version: 3,
      status: 'draft',
      organisation: { ja: 'かもめ信用金庫（デモ）', en: 'Kamome Shinkin Bank (demo)' },
      catalogKey: catalog.id,
      catalogVersion: catalog.version,
      exportedAt: '2025-01-15T09:30:00.000Z',
      ...overrides,
    },
    catalog,
    answers: makeAnswers(catalog),
    evidence: [
      { itemRef: first, filename: '鍵管理規程.pdf', sha256: 'a'.repeat(64), sizeBytes: 123_456, mediaType: 'application/pdf', uploadedAt: '2025-01-10T01:02:03.000Z' },
      { itemRef: second, filename: 'log, export.csv', sha256: 'b'.repeat(64), sizeBytes: 42, mediaType: 'text/csv', uploadedAt: '2025-01-11T01:02:03.000Z' },
    ],
    actions: makeActions(catalog),
  }
}

/** Loads a built workbook, lets the test change it as a person would in Excel, and saves it again. */
async function edited(data: Buffer, change: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0])
  change(workbook)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name)
  if (!found) throw new Error(`no sheet ${name}`)
  return found
}

/** Row of the nth catalog item on the Items sheet (row 1 is the header). */
const itemRow = (index: number) => index + 2

function errorsOf(result: WorkbookImport): ErrorDetail[] {
  if (result.ok) throw new Error('expected the import to fail')
  return result.errors
}

function planOf(result: WorkbookImport) {
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`)
  return result.plan
}

async function importEdited(exchange: AssessmentExchange, change: (workbook: ExcelJS.Workbook) => void, lang: 'ja' | 'en' = 'ja') {
  const data = await edited(await buildAssessmentWorkbook(exchange, lang), change)
  return parseAssessmentWorkbook(data, exchange, lang)
}

describe('round trip', () => {
  it('reads an unchanged Japanese check sheet back to the same answers and actions', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(await parseAssessmentWorkbook(await buildAssessmentWorkbook(exchange, 'ja'), exchange, 'ja'))
    expect(plan.answers).toEqual(exchange.answers)
    expect(plan.actions).toEqual(exchange.actions)
  })

  it('reads an unchanged English check sheet back to the same answers and actions', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(await parseAssessmentWorkbook(await buildAssessmentWorkbook(exchange, 'en'), exchange, 'en'))
    expect(plan.answers).toEqual(exchange.answers)
    expect(plan.actions).toEqual(exchange.actions)
  })

  it('imports a check sheet exported in English when the user works in Japanese', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(await parseAssessmentWorkbook(await buildAssessmentWorkbook(exchange, 'en'), exchange, 'ja'))
    expect(plan).toEqual({ answers: exchange.answers, actions: exchange.actions })
  })

  it('survives being opened and saved again by a spreadsheet program', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(await importEdited(exchange, () => {}))
    expect(plan).toEqual({ answers: exchange.answers, actions: exchange.actions })
  })

  it('reads back a check sheet of the full FSA catalog with its nested sections', async () => {
    const loaded = await loadCatalog(join(bundledCatalogsDir, 'fsa-cyber-2024'))
    if (!loaded.ok) throw new Error('fsa-cyber-2024 does not load')
    const exchange = makeExchange(loaded.catalog)
    const plan = planOf(await parseAssessmentWorkbook(await buildAssessmentWorkbook(exchange, 'ja'), exchange, 'en'))
    expect(plan).toEqual({ answers: exchange.answers, actions: exchange.actions })
  })

  it('keeps the answers of an item with its own scale', async () => {
    const catalog = makeCatalog(
      makeCatalogYaml({
        sections: [
          makeSectionYaml({
            items: [
              makeItemYaml({ ref: '1-B1' }),
              makeItemYaml({
                ref: '1-B2',
                extra: [
                  '        scale:',
                  '          options:',
                  '            - { value: 0, label: { ja: なし, en: None }, score: 0 }',
                  '            - { value: 5, label: { ja: 全社で実施, en: "Company-wide, audited" }, score: 1 }',
                ].join('\n'),
              }),
            ],
          }),
        ],
      }),
    )
    const exchange = { ...makeExchange(catalog), actions: [], evidence: [] }
    exchange.answers = [
      { ref: '1-B1', inScope: true, value: 1, notApplicable: false, naReason: null, comment: null },
      { ref: '1-B2', inScope: true, value: 5, notApplicable: false, naReason: null, comment: null },
    ]
    const plan = planOf(await parseAssessmentWorkbook(await buildAssessmentWorkbook(exchange, 'en'), exchange, 'en'))
    expect(plan.answers).toEqual(exchange.answers)
  })
})

describe('workbook layout', () => {
  async function built(lang: 'ja' | 'en') {
    const workbook = new ExcelJS.Workbook()
    const data = await buildAssessmentWorkbook(makeExchange(custody), lang)
    await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0])
    return workbook
  }

  it('names the sheets in the chosen language and hides the list of options', async () => {
    const ja = await built('ja')
    expect(ja.worksheets.map((ws) => ws.name)).toEqual(['概要', '項目', '証跡', '改善計画', '選択肢'])
    expect(sheet(ja, '選択肢').state).toBe('hidden')
    const en = await built('en')
    expect(en.worksheets.map((ws) => ws.name)).toEqual(['Summary', 'Items', 'Evidence', 'Actions', 'Options'])
  })

  it('writes one item row per catalog item with the answer as its label and a drop-down of the scale', async () => {
    const items = sheet(await built('ja'), '項目')
    const refs = refsOf(custody)
    expect(items.getRow(1).values).toEqual([
      undefined,
      '参照番号',
      '分野',
      '区分',
      '項目名',
      '評価対象',
      '回答',
      '対象外',
      '対象外の理由',
      'コメント',
      '証跡数',
      '内容',
    ])
    expect(items.getColumn(1).values.slice(2)).toEqual(refs)
    const first = items.getRow(itemRow(0))
    expect([first.getCell(3).value, first.getCell(5).value, first.getCell(6).value, first.getCell(10).value]).toEqual(['基本', 'はい', '対応済', 1])
    expect(items.getCell(`G${itemRow(2)}`).value).toBe('はい')
    expect(items.getCell(`E${itemRow(3)}`).value).toBe('いいえ')
    expect(items.getCell(`F${itemRow(0)}`).dataValidation).toMatchObject({ type: 'list', formulae: ["'選択肢'!$D$2:$D$5"] })
    expect(items.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
    expect(items.autoFilter).toBeDefined()
    expect(items.getCell(`A${itemRow(0)}`).protection?.locked ?? true).toBe(true) // locked is the default
    expect(items.getCell(`F${itemRow(0)}`).protection).toMatchObject({ locked: false })
  })

  it('writes due dates as date cells and statuses as localized labels', async () => {
    const actions = sheet(await built('en'), 'Actions')
    const due = actions.getCell('E2')
    expect(due.value).toEqual(new Date('2025-03-31T00:00:00Z'))
    expect(due.numFmt).toBe('yyyy-mm-dd')
    expect(actions.getCell('F2').value).toBe('In progress')
    expect(actions.getCell('F2').dataValidation).toMatchObject({ type: 'list', formulae: ["'Options'!$B$2:$B$5"] })
    expect(actions.getCell('G2').value).toBe(`${refsOf(custody)[0]}, ${refsOf(custody)[2]}`)
  })

  it('marks the summary with the assessment id and catalog', async () => {
    const summary = sheet(await built('ja'), '概要')
    const cells: string[] = []
    summary.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value))))
    const marker = cells.find((text) => text.startsWith('{'))
    expect(JSON.parse(marker ?? '{}')).toEqual({
      kamae: 'assessment-exchange',
      v: 1,
      assessmentId: '7d1c9a52-3f0b-4e8a-b6c2-5a9e0f1d2c3b',
      catalogKey: 'crypto-custody-2024',
      catalogVersion: custody.version,
    })
    expect(cells).toContain('かもめ信用金庫（デモ）')
  })

  it('lists the evidence for reference', async () => {
    const evidence = sheet(await built('en'), 'Evidence')
    expect(evidence.getRow(2).values).toEqual([undefined, refsOf(custody)[0], '鍵管理規程.pdf', 'a'.repeat(64), 123_456, 'application/pdf', '2025-01-10T01:02:03.000Z'])
  })
})

describe('reading what a person typed', () => {
  it('accepts an answer typed as the option value, as a number or as text', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(
      await importEdited(exchange, (wb) => {
        sheet(wb, '項目').getCell(`F${itemRow(1)}`).value = 1
        sheet(wb, '項目').getCell(`F${itemRow(6)}`).value = '３'
      }),
    )
    expect(plan.answers[1]?.value).toBe(1)
    expect(plan.answers[6]?.value).toBe(3)
  })

  it('accepts answer and status labels of the other language', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(
      await importEdited(exchange, (wb) => {
        sheet(wb, '項目').getCell(`F${itemRow(1)}`).value = 'Partly in place'
        sheet(wb, '改善計画').getCell('F2').value = 'Done'
      }),
    )
    expect(plan.answers[1]?.value).toBe(1)
    expect(plan.actions[0]?.status).toBe('done')
  })

  it('reads rich text, formulas and yes/no typed as TRUE or ○', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(
      await importEdited(exchange, (wb) => {
        const items = sheet(wb, '項目')
        items.getCell(`I${itemRow(1)}`).value = { richText: [{ text: '太字', font: { bold: true } }, { text: 'と普通' }] }
        items.getCell(`E${itemRow(3)}`).value = true
        items.getCell(`G${itemRow(1)}`).value = '×'
        items.getCell(`F${itemRow(7)}`).value = { formula: '"一部対応"', result: '一部対応' }
      }),
    )
    expect(plan.answers[1]).toMatchObject({ comment: '太字と普通', notApplicable: false })
    expect(plan.answers[3]?.inScope).toBe(true)
    expect(plan.answers[7]?.value).toBe(1)
  })

  it('reads due dates typed as text or as date cells as the same calendar day', async () => {
    const exchange = makeExchange(custody)
    const plan = planOf(
      await importEdited(exchange, (wb) => {
        const actions = sheet(wb, '改善計画')
        actions.getCell('E2').value = '2025/4/1'
        actions.getCell('E3').value = new Date(Date.UTC(2025, 11, 31))
        actions.getCell('E4').value = '2026年1月5日'
      }),
    )
    expect(plan.actions.map((a) => a.dueDate)).toEqual(['2025-04-01', '2025-12-31', '2026-01-05'])
  })

  it('adds a hand-written action with no id as a new action', async () => {
    const exchange = makeExchange(custody)
    const [first = '', second = ''] = refsOf(custody)
    const plan = planOf(
      await importEdited(exchange, (wb) => {
        const row = sheet(wb, '改善計画').getRow(5)
        row.getCell(2).value = '新しい改善策'
        row.getCell(5).value = new Date(Date.UTC(2025, 5, 30))
        row.getCell(6).value = '未着手'
        row.getCell(7).value = `${first}、${second}`
      }),
    )
    expect(plan.actions).toHaveLength(4)
    expect(plan.actions[3]).toEqual({ id: null, title: '新しい改善策', description: null, owner: null, dueDate: '2025-06-30', status: 'open', itemRefs: [first, second] })
  })

  it('accepts a check sheet of another assessment on the same catalog version', async () => {
    const exchange = makeExchange(custody)
    const earlier = makeExchange(custody, { id: '11111111-2222-4333-8444-555555555555' })
    const plan = planOf(await parseAssessmentWorkbook(await buildAssessmentWorkbook(earlier, 'ja'), exchange, 'ja'))
    expect(plan.answers).toEqual(exchange.answers)
  })
})

describe('refusing a bad check sheet', () => {
  it('names the sheet, row and column of an answer that is not on the scale', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '項目').getCell(`F${itemRow(1)}`).value = 'たぶん')))
    expect(errors).toHaveLength(1)
    expect(errors[0]?.path).toBe(`項目!F${itemRow(1)}`)
    expect(errors[0]?.message.ja).toContain('たぶん')
    expect(errors[0]?.message.ja).toContain('未対応・一部対応・対応済・高度化')
    expect(errors[0]?.message.en).toContain('In place and documented')
  })

  it('refuses an item ref that is not in the catalog', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '項目').getCell(`A${itemRow(1)}`).value = '9-B9')))
    expect(errors.map((e) => e.path)).toEqual([`項目!A${itemRow(1)}`])
    expect(errors[0]?.message.en).toContain('"9-B9" is not an item of catalog crypto-custody-2024')
  })

  it('refuses the same item ref on two rows', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '項目').getCell(`A${itemRow(1)}`).value = refsOf(custody)[0])))
    expect(errors.map((e) => e.path)).toEqual([`項目!A${itemRow(1)}`])
    expect(errors[0]?.message.ja).toContain(`${itemRow(0)} 行目`)
  })

  it('refuses N/A without a reason', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '項目').getCell(`H${itemRow(2)}`).value = null)))
    expect(errors.map((e) => e.path)).toEqual([`項目!H${itemRow(2)}`])
    expect(errors[0]?.message.en).toContain('without a reason')
  })

  it('refuses N/A together with an answer', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '項目').getCell(`F${itemRow(2)}`).value = '対応済')))
    expect(errors.map((e) => e.path)).toEqual([`項目!F${itemRow(2)}`])
    expect(errors[0]?.message.ja).toContain('対象外なのに回答があります')
  })

  it('refuses an in-scope value other than yes or no', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, 'Items').getCell(`E${itemRow(4)}`).value = 'maybe'), 'en'))
    expect(errors.map((e) => e.path)).toEqual([`Items!E${itemRow(4)}`])
    expect(errors[0]?.message.en).toBe('"maybe" is not a valid In scope value: choose yes or no')
  })

  it('refuses an action row without a title', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '改善計画').getCell('B3').value = '   ')))
    expect(errors.map((e) => e.path)).toEqual(['改善計画!B3'])
  })

  it('refuses an unknown action status', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, 'Actions').getCell('F3').value = 'Someday'), 'en'))
    expect(errors.map((e) => e.path)).toEqual(['Actions!F3'])
    expect(errors[0]?.message.en).toContain('Open, In progress, Done, Cancelled')
  })

  it('refuses a due date that is not a calendar date', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '改善計画').getCell('E2').value = '2025-02-30')))
    expect(errors.map((e) => e.path)).toEqual(['改善計画!E2'])
    expect(errors[0]?.message.ja).toContain('2025-02-30')
  })

  it('refuses a linked item ref that is not in the catalog', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '改善計画').getCell('G2').value = `${refsOf(custody)[0]}, X-1, Y-2`)))
    expect(errors.map((e) => e.path)).toEqual(['改善計画!G2'])
    expect(errors[0]?.message.en).toContain('X-1, Y-2')
  })

  it('refuses an action id that is not one of the assessment actions', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '改善計画').getCell('A3').value = 'not-an-action')))
    expect(errors.map((e) => e.path)).toEqual(['改善計画!A3'])
    expect(errors[0]?.message.ja).toContain('ID を空欄に')
  })

  it('collects every problem in one pass', async () => {
    const errors = errorsOf(
      await importEdited(makeExchange(custody), (wb) => {
        sheet(wb, '項目').getCell(`F${itemRow(1)}`).value = 'たぶん'
        sheet(wb, '項目').getCell(`E${itemRow(5)}`).value = '？'
        sheet(wb, '改善計画').getCell('F2').value = null
        sheet(wb, '改善計画').getCell('E4').value = 'そのうち'
      }),
    )
    expect(errors.map((e) => e.path)).toEqual([`項目!F${itemRow(1)}`, `項目!E${itemRow(5)}`, '改善計画!E4', '改善計画!F2'].sort(byLocation))
  })

  it('names a missing sheet', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => wb.removeWorksheet(sheet(wb, '改善計画').id)))
    expect(errors.map((e) => e.path)).toEqual(['改善計画'])
    expect(errors[0]?.message.en).toContain('The Actions sheet is missing')
  })

  it('names a missing column header', async () => {
    const errors = errorsOf(await importEdited(makeExchange(custody), (wb) => (sheet(wb, '項目').getCell('F1').value = '評価')))
    expect(errors.map((e) => e.path)).toEqual(['項目!1:1'])
    expect(errors[0]?.message.ja).toContain('「回答」の列がありません')
  })

  it('refuses a check sheet made for another catalog', async () => {
    const other = makeExchange(custody, { catalogKey: 'fsa-cyber-2024', catalogVersion: '2024.10' })
    const errors = errorsOf(await parseAssessmentWorkbook(await buildAssessmentWorkbook(other, 'ja'), makeExchange(custody), 'ja'))
    expect(errors).toHaveLength(1)
    expect(errors[0]?.path).toMatch(/^概要!B\d+$/)
    expect(errors[0]?.message.ja).toContain('別のカタログ（fsa-cyber-2024 2024.10）')
    expect(errors[0]?.message.en).toContain(`this assessment uses crypto-custody-2024 ${custody.version}`)
  })

  it('refuses a check sheet whose file marker was removed', async () => {
    const errors = errorsOf(
      await importEdited(makeExchange(custody), (wb) =>
        sheet(wb, '概要').eachRow((row) => row.eachCell((cell) => (cell.value = String(cell.value).startsWith('{') ? null : cell.value))),
      ),
    )
    expect(errors.map((e) => e.path)).toEqual(['概要'])
  })

  it('refuses a text file renamed to .xlsx with a clear message', async () => {
    const errors = errorsOf(await parseAssessmentWorkbook(Buffer.from('ref,answer\n1-B1,対応済\n'), makeExchange(custody), 'ja'))
    expect(errors).toEqual([{ path: '', message: expect.objectContaining({ en: expect.stringContaining('not an Excel workbook (.xlsx)') }) }])
  })

  it('refuses a truncated workbook', async () => {
    const data = await buildAssessmentWorkbook(makeExchange(custody), 'ja')
    const errors = errorsOf(await parseAssessmentWorkbook(data.subarray(0, Math.floor(data.length / 2)), makeExchange(custody), 'ja'))
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message.en).toContain('damaged or incomplete')
  })

  it('asks for .xlsx when given an old .xls or password-protected file', async () => {
    const cfb = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])
    const errors = errorsOf(await parseAssessmentWorkbook(cfb, makeExchange(custody), 'ja'))
    expect(errors.map((e) => e.path)).toEqual([''])
    expect(errors[0]?.message.ja).toContain('.xlsx')
  })

  it('lists at most 200 problems and counts the rest', async () => {
    const errors = errorsOf(
      await importEdited(makeExchange(custody), (wb) => {
        const actions = sheet(wb, '改善計画')
        for (let row = 5; row < 255; row++) actions.getCell(`F${row}`).value = 'x' // no title, bad status: two each
      }),
    )
    expect(errors).toHaveLength(201)
    expect(errors[200]).toEqual({ path: '', message: expect.objectContaining({ en: '300 more errors: fix the ones above and import again' }) })
  })

  it('refuses a workbook that is not a Kamae check sheet', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('Sheet1').getCell('A1').value = 'hello'
    const data = Buffer.from(await workbook.xlsx.writeBuffer())
    const errors = errorsOf(await parseAssessmentWorkbook(data, makeExchange(custody), 'en'))
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message.en).toContain('not a Kamae check sheet')
  })
})

/** Errors come sheet by sheet (items first), then row by row, then column by column. */
function byLocation(a: string, b: string): number {
  const parts = (path: string) => {
    const [sheetName = '', cell = ''] = path.split('!')
    const match = /^([A-Z]+)(\d+)$/.exec(cell)
    return { sheet: sheetName === '項目' ? 0 : 1, row: Number(match?.[2]), column: match?.[1] ?? '' }
  }
  const [x, y] = [parts(a), parts(b)]
  return x.sheet - y.sheet || x.row - y.row || x.column.localeCompare(y.column)
}
