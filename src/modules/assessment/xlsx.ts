// The check sheet (チェックシート): an assessment as an XLSX workbook a person fills in by hand, and the
// import that reads it back. The import checks every cell before it returns, and names each problem as
// `<sheet>!<column><row>` with what is wrong and what is expected, so the file can be fixed in one pass.
// An unchanged workbook reads back to exactly the exchange it was built from.

import ExcelJS from 'exceljs'
import type { ErrorDetail } from '../../errors.js'
import type { Locale, Localized } from '../../i18n/locale.js'
import type { AnswerScale, Catalog, CatalogItem, CatalogSection } from '../catalog/catalog-types.js'
import { flattenItems } from '../catalog/service.js'
import type { ActionExchange, AnswerExchange, AssessmentExchange, ImportPlan } from './exchange-types.js'
import {
  ACTION_COLUMNS,
  ACTION_STATUS_LABELS,
  ASSESSMENT_STATUS_LABELS,
  CLASS_LABELS,
  EVIDENCE_COLUMNS,
  HOW_TO,
  ITEM_COLUMNS,
  MARKER_FORMAT_VERSION,
  MARKER_KIND,
  NO,
  NO_WORDS,
  OPTIONS_HEADERS,
  SHEET_NAMES,
  SUMMARY_LABELS,
  YES,
  YES_WORDS,
  type ActionColumnKey,
  type ColumnSpec,
  type ItemColumnKey,
  type SheetKey,
} from './xlsx-labels.js'
import { REMEDIATION_STATUSES, type RemediationStatus } from './schema.js'

type WorkbookImport = { ok: true; plan: ImportPlan } | { ok: false; errors: ErrorDetail[] }

/** Blank rows on the Actions sheet, with drop-downs ready, for new actions written by hand. */
const NEW_ACTION_ROWS = 50
/** A broken file can fail on every cell; past this many the rest are counted, not listed. */
const MAX_ERRORS = 200
const DATE_FORMAT = 'yyyy-mm-dd'
const MS_PER_DAY = 86_400_000
/** Excel's day 0 in the 1900 date system (serial 1 = 1900-01-01, counting the phantom 1900-02-29). */
const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30)
/** The 1904 date system (old Mac workbooks) starts 1,462 days later. */
const EXCEL_1904_OFFSET_DAYS = 1462

// ---------------------------------------------------------------------------------------------
// Building the workbook

export async function buildAssessmentWorkbook(exchange: AssessmentExchange, lang: Locale): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Kamae'
  const exportedAt = new Date(exchange.assessment.exportedAt)
  if (!Number.isNaN(exportedAt.getTime())) workbook.created = workbook.modified = exportedAt

  // Sheets are added in the order a person reads them; the drop-down lists on the last one are filled first.
  const sheetOf = (key: SheetKey) => workbook.addWorksheet(SHEET_NAMES[key][lang])
  const summary = sheetOf('summary')
  const items = sheetOf('items')
  const evidence = sheetOf('evidence')
  const actions = sheetOf('actions')
  const options = sheetOf('options')

  const lists = writeOptionsSheet(options, exchange.catalog, lang)
  writeSummarySheet(summary, exchange, lang)
  writeItemsSheet(items, exchange, lang, lists)
  writeEvidenceSheet(evidence, exchange, lang)
  writeActionsSheet(actions, exchange, lang, lists)

  // No password: the protection guards against slips, not against the person who owns the file.
  await summary.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true })
  await items.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatCells: true,
    formatColumns: true,
    formatRows: true,
    autoFilter: true,
  })
  options.state = 'hidden'
  await options.protect('', { selectLockedCells: true, selectUnlockedCells: true })

  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** Cell ranges on the Options sheet that the drop-downs point at. */
interface OptionLists {
  yesNo: string
  status: string
  scale(scale: AnswerScale): string
}

function writeOptionsSheet(sheet: ExcelJS.Worksheet, catalog: Catalog, lang: Locale): OptionLists {
  const name = sheet.name
  const column = (index: number, header: string, values: (string | number)[]) => {
    sheet.getColumn(index).width = 24
    sheet.getCell(1, index).value = header
    sheet.getCell(1, index).font = { bold: true }
    values.forEach((value, i) => (sheet.getCell(i + 2, index).value = value))
    return listRange(name, index, values.length)
  }
  const yesNo = column(1, OPTIONS_HEADERS.yesNo[lang], [YES[lang], NO[lang]])
  const status = column(2, OPTIONS_HEADERS.status[lang], REMEDIATION_STATUSES.map((s) => ACTION_STATUS_LABELS[s][lang]))

  // One value column and one label column per distinct scale; most catalogs have a single scale.
  const scaleRanges = new Map<string, string>()
  for (const { item } of flattenItems(catalog)) {
    const key = scaleKey(item.scale)
    if (scaleRanges.has(key)) continue
    const n = scaleRanges.size + 1
    const first = 3 + 2 * (n - 1)
    column(first, OPTIONS_HEADERS.scaleValue(n)[lang], item.scale.options.map((o) => o.value))
    scaleRanges.set(key, column(first + 1, OPTIONS_HEADERS.scaleLabel(n)[lang], item.scale.options.map((o) => o.label[lang])))
  }
  return {
    yesNo,
    status,
    scale: (scale) => scaleRanges.get(scaleKey(scale)) ?? '',
  }
}

function scaleKey(scale: AnswerScale): string {
  return JSON.stringify(scale.options.map((o) => [o.value, o.label.ja, o.label.en]))
}

function listRange(sheetName: string, column: number, count: number): string {
  const letter = columnLetter(column)
  return `'${sheetName.replaceAll("'", "''")}'!$${letter}$2:$${letter}$${count + 1}`
}

function writeSummarySheet(sheet: ExcelJS.Worksheet, exchange: AssessmentExchange, lang: Locale) {
  const { assessment, catalog } = exchange
  sheet.getColumn(1).width = 30
  sheet.getColumn(2).width = 100
  sheet.getCell('A1').value = SUMMARY_LABELS.heading[lang]
  sheet.getCell('A1').font = { bold: true, size: 14 }
  const rows: [keyof typeof SUMMARY_LABELS, string | number][] = [
    ['organisation', assessment.organisation[lang]],
    ['assessment', assessment.title],
    ['version', assessment.version],
    ['status', ASSESSMENT_STATUS_LABELS[assessment.status][lang]],
    ['catalog', catalog.title[lang]],
    ['catalogKey', assessment.catalogKey],
    ['catalogVersion', assessment.catalogVersion],
    ['exportedAt', assessment.exportedAt],
  ]
  rows.forEach(([key, value], i) => summaryRow(sheet, 3 + i, SUMMARY_LABELS[key][lang], value))
  let next = 4 + rows.length
  summaryRow(sheet, next++, SUMMARY_LABELS.howTo[lang], '')
  for (const step of HOW_TO[lang]) {
    const cell = sheet.getCell(next++, 2)
    cell.value = step
    cell.alignment = { wrapText: true, vertical: 'top' }
  }
  const marker = summaryRow(sheet, next + 1, SUMMARY_LABELS.marker[lang], markerText(exchange))
  marker.font = { color: { argb: 'FF808080' }, size: 9 }
}

function summaryRow(sheet: ExcelJS.Worksheet, row: number, label: string, value: string | number): ExcelJS.Cell {
  const labelCell = sheet.getCell(row, 1)
  labelCell.value = label
  labelCell.font = { bold: true }
  labelCell.fill = GREY_FILL
  const valueCell = sheet.getCell(row, 2)
  valueCell.value = typeof value === 'string' ? cleanText(value) : value
  valueCell.alignment = { horizontal: 'left', vertical: 'top', wrapText: true }
  return valueCell
}

interface Marker {
  kamae: string
  v: number
  assessmentId: string
  catalogKey: string
  catalogVersion: string
}

function markerText({ assessment }: AssessmentExchange): string {
  const marker: Marker = {
    kamae: MARKER_KIND,
    v: MARKER_FORMAT_VERSION,
    assessmentId: assessment.id,
    catalogKey: assessment.catalogKey,
    catalogVersion: assessment.catalogVersion,
  }
  return JSON.stringify(marker)
}

const GREY_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } }
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F3864' } }
const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  bottom: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  left: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  right: { style: 'thin', color: { argb: 'FFBFBFBF' } },
}
/** Columns of the Items sheet a person reads but does not change. */
const READ_ONLY_ITEM_COLUMNS = new Set<ItemColumnKey>(['ref', 'section', 'class', 'title', 'evidenceCount', 'text'])
const WRAPPED_ITEM_COLUMNS: ItemColumnKey[] = ['section', 'title', 'naReason', 'comment', 'text']

function setUpTable<K extends string>(sheet: ExcelJS.Worksheet, columns: ColumnSpec<K>[], lang: Locale, lastRow: number) {
  sheet.columns = columns.map((c) => ({ header: c.header[lang], key: c.key, width: c.width }))
  const header = sheet.getRow(1)
  header.height = 30
  header.eachCell((cell) => {
    cell.font = { bold: true, color: { argb: 'FFFFFFFF' } }
    cell.alignment = { vertical: 'middle', wrapText: true }
    cell.fill = HEADER_FILL
  })
  sheet.views = [{ state: 'frozen', xSplit: 1, ySplit: 1 }]
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(lastRow, 1), column: columns.length } }
  sheet.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' }
}

function writeItemsSheet(sheet: ExcelJS.Worksheet, exchange: AssessmentExchange, lang: Locale, lists: OptionLists) {
  const entries = flattenItems(exchange.catalog)
  setUpTable(sheet, ITEM_COLUMNS, lang, entries.length + 1)
  const answers = new Map(exchange.answers.map((a) => [a.ref, a]))
  const evidenceCounts = new Map<string, number>()
  for (const e of exchange.evidence) evidenceCounts.set(e.itemRef, (evidenceCounts.get(e.itemRef) ?? 0) + 1)
  const sections = sectionTitles(exchange.catalog, lang)

  for (const { item } of entries) {
    const answer = answers.get(item.ref) ?? blankAnswer(item.ref)
    const row = sheet.addRow({
      ref: item.ref,
      section: `${item.sectionRef} ${sections.get(item.sectionRef) ?? ''}`.trim(),
      class: CLASS_LABELS[item.class][lang],
      title: cleanText(item.title[lang]),
      inScope: yesNoLabel(answer.inScope, lang),
      answer: answerLabel(item.scale, answer.value, lang),
      notApplicable: yesNoLabel(answer.notApplicable, lang),
      naReason: nullableText(answer.naReason),
      comment: nullableText(answer.comment),
      evidenceCount: evidenceCounts.get(item.ref) ?? 0,
      text: cleanText(item.text[lang]),
    } satisfies Record<ItemColumnKey, string | number | null>)
    styleItemRow(row, lang)
    const dropDown = (key: ItemColumnKey, range: string, expected: Localized) =>
      (row.getCell(key).dataValidation = listValidation(range, expected, lang))
    dropDown('inScope', lists.yesNo, expectedYesNo)
    dropDown('notApplicable', lists.yesNo, expectedYesNo)
    dropDown('answer', lists.scale(item.scale), expectedAnswerOf(item))
  }
}

function styleItemRow(row: ExcelJS.Row, lang: Locale) {
  ITEM_COLUMNS.forEach((column, index) => {
    const cell = row.getCell(index + 1)
    const readOnly = READ_ONLY_ITEM_COLUMNS.has(column.key)
    cell.border = THIN_BORDER
    cell.alignment = { vertical: 'top', wrapText: WRAPPED_ITEM_COLUMNS.includes(column.key) }
    cell.protection = { locked: readOnly }
    if (readOnly) cell.fill = GREY_FILL
    if (readOnly) cell.font = { color: { argb: 'FF404040' } }
  })
  const lines = Math.max(
    ...WRAPPED_ITEM_COLUMNS.map((key) => {
      const spec = ITEM_COLUMNS.find((c) => c.key === key)
      return estimateLines(String(row.getCell(key).value ?? ''), spec?.width ?? 10)
    }),
  )
  if (lines > 1) row.height = Math.min(409, lines * (lang === 'ja' ? 17 : 15))
}

function sectionTitles(catalog: Catalog, lang: Locale): Map<string, string> {
  const titles = new Map<string, string>()
  const walk = (section: CatalogSection) => {
    titles.set(section.ref, section.title[lang])
    section.sections.forEach(walk)
  }
  catalog.sections.forEach(walk)
  return titles
}

function blankAnswer(ref: string): AnswerExchange {
  return { ref, inScope: true, value: null, notApplicable: false, naReason: null, comment: null }
}

function answerLabel(scale: AnswerScale, value: number | null, lang: Locale): string | number | null {
  if (value === null) return null
  // A value the scale does not know (it should not happen) is written as is, so the import names it.
  return scale.options.find((o) => o.value === value)?.label[lang] ?? value
}

function writeEvidenceSheet(sheet: ExcelJS.Worksheet, exchange: AssessmentExchange, lang: Locale) {
  setUpTable(sheet, EVIDENCE_COLUMNS, lang, exchange.evidence.length + 1)
  for (const e of exchange.evidence) {
    const row = sheet.addRow([e.itemRef, cleanText(e.filename), e.sha256, e.sizeBytes, e.mediaType, e.uploadedAt])
    row.getCell(4).numFmt = '#,##0'
    row.eachCell((cell) => (cell.border = THIN_BORDER))
  }
}

function writeActionsSheet(sheet: ExcelJS.Worksheet, exchange: AssessmentExchange, lang: Locale, lists: OptionLists) {
  const lastRow = exchange.actions.length + NEW_ACTION_ROWS + 1
  setUpTable(sheet, ACTION_COLUMNS, lang, lastRow)
  for (const action of exchange.actions) {
    sheet.addRow({
      id: action.id,
      title: cleanText(action.title),
      description: nullableText(action.description),
      owner: nullableText(action.owner),
      dueDate: action.dueDate === null ? null : (calendarDateToUtc(action.dueDate) ?? action.dueDate),
      status: ACTION_STATUS_LABELS[action.status][lang],
      itemRefs: action.itemRefs.join(', '),
    } satisfies Record<ActionColumnKey, string | Date | null>)
  }
  for (let r = 2; r <= lastRow; r++) {
    const row = sheet.getRow(r)
    ACTION_COLUMNS.forEach((column, index) => {
      const cell = row.getCell(index + 1)
      cell.border = THIN_BORDER
      cell.alignment = { vertical: 'top', wrapText: column.key === 'description' || column.key === 'title' }
      if (column.key === 'id') cell.fill = GREY_FILL
    })
    const due = row.getCell('dueDate')
    due.numFmt = DATE_FORMAT
    due.dataValidation = {
      type: 'date',
      operator: 'greaterThan',
      formulae: [new Date(Date.UTC(1900, 0, 1))],
      allowBlank: true,
      showErrorMessage: true,
      errorTitle: lang === 'ja' ? '対応期限' : 'Due date',
      error: expectedDate[lang],
    }
    row.getCell('status').dataValidation = listValidation(lists.status, expectedStatus, lang)
  }
}

function listValidation(range: string, expected: Localized, lang: Locale): ExcelJS.DataValidation {
  return {
    type: 'list',
    allowBlank: true,
    formulae: [range],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Kamae',
    // Excel shows at most 255 characters of a validation message.
    error: expected[lang].slice(0, 255),
  }
}

function yesNoLabel(value: boolean, lang: Locale): string {
  return (value ? YES : NO)[lang]
}

function nullableText(text: string | null): string | null {
  return text === null ? null : cleanText(text)
}

/** XML 1.0 cannot hold most control characters; Excel itself stores a line break as LF. */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
}

/** Lines a wrapped cell needs at a column width; a CJK character takes two width units. */
function estimateLines(text: string, width: number): number {
  const perLine = Math.max(1, width - 1)
  return text.split('\n').reduce((lines, line) => lines + Math.max(1, Math.ceil(displayWidth(line) / perLine)), 0)
}

function displayWidth(text: string): number {
  let width = 0
  for (const ch of text) width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1
  return width
}

// ---------------------------------------------------------------------------------------------
// Reading the workbook back

/**
 * Reads a check sheet against the assessment it is imported into. With `answersOnly` the remediation
 * plan is not read (a supervisor importing a check sheet for a round needs the answers alone).
 */
export async function parseAssessmentWorkbook(data: Buffer, current: AssessmentExchange, lang: Locale, options: { answersOnly?: boolean } = {}): Promise<WorkbookImport> {
  const opened = await openWorkbook(data)
  if (!opened.ok) return opened
  const sheets = locateSheets(opened.workbook, lang)
  if (!sheets.summary && !sheets.items && !sheets.actions) return failed([{ path: '', message: notACheckSheet() }])

  const errors: ErrorDetail[] = [...sheets.errors]
  if (sheets.summary) {
    const markerErrors = checkMarker(sheets.summary, current)
    // A file for another catalog would fail on every row; say the one thing that matters.
    if (markerErrors.length > 0) return failed([...markerErrors, ...errors])
  }
  const date1904 = opened.workbook.properties.date1904 === true
  const answers = sheets.items ? readItemsSheet(sheets.items, current.catalog, sheets.fileLang, errors) : []
  const actions = sheets.actions && !options.answersOnly ? readActionsSheet(sheets.actions, current, sheets.fileLang, date1904, errors) : []
  return errors.length > 0 ? failed(errors) : { ok: true, plan: { answers, actions } }
}

function failed(errors: ErrorDetail[]): WorkbookImport {
  if (errors.length <= MAX_ERRORS) return { ok: false, errors }
  const more = errors.length - MAX_ERRORS
  return {
    ok: false,
    errors: [
      ...errors.slice(0, MAX_ERRORS),
      { path: '', message: { ja: `ほかに${more}件のエラーがあります。上のエラーを直してから、もう一度取り込んでください`, en: `${more} more errors: fix the ones above and import again` } },
    ],
  }
}

type Opened = { ok: true; workbook: ExcelJS.Workbook } | { ok: false; errors: ErrorDetail[] }

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]
/** Compound File Binary: Excel 97-2003 .xls, and also any password-encrypted .xlsx. */
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

async function openWorkbook(data: Buffer): Promise<Opened> {
  const fileError = (message: Localized): Opened => ({ ok: false, errors: [{ path: '', message }] })
  const startsWith = (magic: number[]) => magic.every((byte, i) => data[i] === byte)
  if (data.length === 0) return fileError({ ja: 'ファイルが空です。Kamae から出力したチェックシート（.xlsx）を選んでください', en: 'The file is empty: choose a check sheet (.xlsx) exported from Kamae' })
  if (startsWith(CFB_MAGIC)) {
    return fileError({
      ja: 'Excel 97-2003 形式（.xls）か、パスワード付きのファイルです。パスワードを外して Excel ブック（.xlsx）として保存し直してください',
      en: 'This is an Excel 97-2003 (.xls) file or a password-protected workbook: remove the password and save it as an Excel workbook (.xlsx)',
    })
  }
  if (!startsWith(ZIP_MAGIC)) return fileError(notAnXlsx())
  const workbook = new ExcelJS.Workbook()
  try {
    // Drop-downs are not needed to read answers, and a drop-down over a whole column would expand to a
    // million cells in memory.
    // ExcelJS declares its own Buffer type; Node's Buffer is what it reads at run time.
    const input = data as unknown as Parameters<typeof workbook.xlsx.load>[0]
    await workbook.xlsx.load(input, { ignoreNodes: ['dataValidations', 'conditionalFormatting'] })
  } catch {
    return fileError({
      ja: 'ファイルが壊れているか、途中までしかありません（.xlsx として読めません）。もう一度保存するか、Kamae から出力し直してください',
      en: 'The file is damaged or incomplete and cannot be read as .xlsx: save it again, or export a new one from Kamae',
    })
  }
  return { ok: true, workbook }
}

function notAnXlsx(): Localized {
  return {
    ja: 'Excel ブック（.xlsx）ではありません。Kamae から出力したチェックシートを選んでください',
    en: 'This is not an Excel workbook (.xlsx): choose a check sheet exported from Kamae',
  }
}

function notACheckSheet(): Localized {
  const names = (lang: Locale) => [SHEET_NAMES.summary, SHEET_NAMES.items, SHEET_NAMES.actions].map((n) => n[lang]).join('・')
  return {
    ja: `Kamae のチェックシートではありません（${names('ja')} シートがありません）。Kamae から出力したチェックシートを選んでください`,
    en: `This is not a Kamae check sheet (it has no ${names('en')} sheets): choose a check sheet exported from Kamae`,
  }
}

interface LocatedSheet {
  sheet: ExcelJS.Worksheet
  name: string
}

interface LocatedSheets {
  summary?: LocatedSheet
  items?: LocatedSheet
  actions?: LocatedSheet
  /** The language the file was written in, judged by its sheet names; labels in it are tried first. */
  fileLang: Locale
  errors: ErrorDetail[]
}

function locateSheets(workbook: ExcelJS.Workbook, lang: Locale): LocatedSheets {
  const located: LocatedSheets = { fileLang: lang, errors: [] }
  for (const key of ['summary', 'items', 'actions'] as const) {
    const names = SHEET_NAMES[key]
    const sheet = workbook.worksheets.find((ws) => [names.ja, names.en].some((n) => normalise(n) === normalise(ws.name)))
    if (sheet) {
      located[key] = { sheet, name: sheet.name }
      if (key === 'items') located.fileLang = normalise(sheet.name) === normalise(names.en) ? 'en' : 'ja'
    } else {
      located.errors.push({
        path: names[lang],
        message: {
          ja: `「${names.ja}」シートがありません。シート名を変えたり削除したりせず、Kamae から出力したチェックシートに記入してください`,
          en: `The ${names.en} sheet is missing: fill in the check sheet exported from Kamae without renaming or deleting sheets`,
        },
      })
    }
  }
  return located
}

function checkMarker(summary: LocatedSheet, current: AssessmentExchange): ErrorDetail[] {
  const found = findMarker(summary)
  if (!found) {
    return [
      {
        path: summary.name,
        message: {
          ja: `「${summary.name}」シートにファイル識別子がありません。Kamae から出力したチェックシートを使い、識別子のセルは変更しないでください`,
          en: `The ${summary.name} sheet has no file marker: use a check sheet exported from Kamae and leave the marker cell unchanged`,
        },
      },
    ]
  }
  const { marker, path } = found
  if (marker.v !== MARKER_FORMAT_VERSION) {
    return [{ path, message: { ja: 'このチェックシートは別のバージョンの Kamae で作られたため、取り込めません。出力し直してください', en: 'This check sheet was made by another version of Kamae and cannot be imported: export it again' } }]
  }
  const { catalogKey, catalogVersion } = current.assessment
  // The id is not required to match: a check sheet of an earlier assessment on the same catalog version
  // may carry answers forward. Another catalog would put answers on the wrong items.
  if (marker.catalogKey === catalogKey && marker.catalogVersion === catalogVersion) return []
  return [
    {
      path,
      message: {
        ja: `このファイルは別のカタログ（${marker.catalogKey} ${marker.catalogVersion}）のチェックシートです。この自己評価のカタログは ${catalogKey} ${catalogVersion} です。この自己評価から出力したチェックシートを使ってください`,
        en: `This file is a check sheet for another catalog (${marker.catalogKey} ${marker.catalogVersion}); this assessment uses ${catalogKey} ${catalogVersion}: use a check sheet exported from this assessment`,
      },
    },
  ]
}

function findMarker({ sheet, name }: LocatedSheet): { marker: Marker; path: string } | null {
  let found: { marker: Marker; path: string } | null = null
  sheet.eachRow((row, rowNumber) => {
    row.eachCell((cell, colNumber) => {
      const text = textOf(scalarOf(cell.value))
      if (found || !text.includes(`"kamae"`)) return
      const marker = parseMarker(text)
      if (marker) found = { marker, path: cellPath(name, colNumber, rowNumber) }
    })
  })
  return found
}

function parseMarker(text: string): Marker | null {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null) return null
    const m = value as Record<string, unknown>
    const isText = (key: string) => typeof m[key] === 'string'
    if (m.kamae !== MARKER_KIND || typeof m.v !== 'number' || !isText('assessmentId') || !isText('catalogKey') || !isText('catalogVersion')) return null
    return m as unknown as Marker
  } catch {
    return null
  }
}

// --- Table sheets ------------------------------------------------------------------------------

interface Table<K extends string> {
  name: string
  columns: Map<K, number>
  rows: { row: ExcelJS.Row; number: number }[]
}

/**
 * Finds the header row (a person may have put a line above it), maps each known header to its column
 * in either language, and returns the rows below it that hold anything in those columns.
 */
function readTable<K extends string>({ sheet, name }: LocatedSheet, specs: ColumnSpec<K>[], errors: ErrorDetail[]): Table<K> | null {
  const first = specs[0]
  if (!first) return null
  const headerRow = findHeaderRow(sheet, first)
  if (headerRow === null) {
    errors.push({ path: `${name}!1:1`, message: headerMissing(name, first) })
    return null
  }
  const columns = new Map<K, number>()
  sheet.getRow(headerRow).eachCell((cell, colNumber) => {
    const spec = specs.find((s) => matchesHeader(scalarOf(cell.value), s))
    if (!spec) return
    if (columns.has(spec.key)) {
      errors.push({ path: cellPath(name, colNumber, headerRow), message: { ja: `見出し「${spec.header.ja}」の列が二つあります。一つにしてください`, en: `There are two "${spec.header.en}" columns: keep one` } })
    } else columns.set(spec.key, colNumber)
  })
  const missing = specs.filter((s) => s.required && !columns.has(s.key))
  for (const spec of missing) errors.push({ path: `${name}!${headerRow}:${headerRow}`, message: headerMissing(name, spec) })
  if (missing.length > 0) return null

  const rows: Table<K>['rows'] = []
  sheet.eachRow((row, number) => {
    if (number <= headerRow) return
    const used = [...columns.values()].some((col) => !isBlank(scalarOf(row.getCell(col).value)))
    if (used) rows.push({ row, number })
  })
  return { name, columns, rows }
}

const HEADER_SEARCH_ROWS = 10

function findHeaderRow(sheet: ExcelJS.Worksheet, first: ColumnSpec<string>): number | null {
  for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, sheet.rowCount); r++) {
    let found = false
    sheet.getRow(r).eachCell((cell) => (found ||= matchesHeader(scalarOf(cell.value), first)))
    if (found) return r
  }
  return null
}

function matchesHeader(value: Scalar, spec: ColumnSpec<string>): boolean {
  const text = normalise(textOf(value)).replace(/\s/g, '')
  return text !== '' && [spec.header.ja, spec.header.en].some((h) => normalise(h).replace(/\s/g, '') === text)
}

function headerMissing(sheet: string, spec: ColumnSpec<string>): Localized {
  return {
    ja: `「${sheet}」シートに「${spec.header.ja}」の列がありません。見出し行（1行目）の列名は変更しないでください`,
    en: `The ${sheet} sheet has no "${spec.header.en}" column: keep the column names in the header row (row 1)`,
  }
}

/** One row of a table: reads a cell by column key and records problems at `<sheet>!<column><row>`. */
interface RowContext<K extends string> {
  read(key: K): Scalar
  path(key: K): string
  problem(key: K, message: Localized): void
  failed: boolean
}

function rowContext<K extends string>(table: Table<K>, row: ExcelJS.Row, number: number, errors: ErrorDetail[]): RowContext<K> {
  const column = (key: K) => table.columns.get(key) ?? 0
  const context: RowContext<K> = {
    failed: false,
    path: (key) => cellPath(table.name, column(key), number),
    problem: (key, message) => {
      errors.push({ path: context.path(key), message })
      context.failed = true
    },
    read: (key) => {
      if (!table.columns.has(key)) return null
      const value = scalarOf(row.getCell(column(key)).value)
      if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
        context.problem(key, {
          ja: `セルが Excel のエラー値（${value.error}）になっています。値を直接入力してください`,
          en: `The cell shows an Excel error (${value.error}): type a value instead`,
        })
        return null
      }
      return value
    },
  }
  return context
}

// --- Items ---------------------------------------------------------------------------------------

function readItemsSheet(located: LocatedSheet, catalog: Catalog, fileLang: Locale, errors: ErrorDetail[]): AnswerExchange[] {
  const table = readTable(located, ITEM_COLUMNS, errors)
  if (!table) return []
  const items = new Map(flattenItems(catalog).map(({ item, position }) => [item.ref, { item, position }]))
  const seen = new Map<string, number>()
  const answers: { answer: AnswerExchange; position: number }[] = []
  for (const { row, number } of table.rows) {
    const cells = rowContext(table, row, number, errors)
    const ref = textOf(cells.read('ref')).trim()
    const entry = items.get(ref)
    if (ref === '') cells.problem('ref', refMissing)
    else if (!entry) cells.problem('ref', unknownItem(ref, catalog))
    else if (seen.has(ref)) cells.problem('ref', duplicateItem(ref, seen.get(ref) ?? 0))
    else seen.set(ref, number)
    const answer = readAnswerRow(cells, entry?.item ?? null, ref, fileLang)
    if (answer && entry && !cells.failed) answers.push({ answer, position: entry.position })
  }
  return answers.sort((a, b) => a.position - b.position).map((a) => a.answer)
}

function readAnswerRow(cells: RowContext<ItemColumnKey>, item: CatalogItem | null, ref: string, fileLang: Locale): AnswerExchange | null {
  const inScope = yesNoOf(cells.read('inScope'))
  if (inScope === undefined) cells.problem('inScope', badYesNo('評価対象', 'In scope', cells.read('inScope')))
  const naCell = cells.read('notApplicable')
  const notApplicable = isBlank(naCell) ? false : yesNoOf(naCell)
  if (notApplicable === undefined) cells.problem('notApplicable', badYesNo('対象外', 'N/A', naCell))
  const naReason = freeText(cells.read('naReason'))
  const comment = freeText(cells.read('comment'))
  if (!item) return null

  const answerCell = cells.read('answer')
  const value = answerValueOf(answerCell, item.scale, fileLang)
  if (value === undefined) cells.problem('answer', notOnScale(textOf(answerCell).trim(), item))
  if (notApplicable === true && value !== undefined && value !== null) cells.problem('answer', answerWithNa(ref))
  if (notApplicable === true && naReason === null && item.scale.notApplicable.requiresReason) cells.problem('naReason', naWithoutReason(ref))
  if (notApplicable === false && naReason !== null) cells.problem('naReason', reasonWithoutNa(ref))
  if (inScope === undefined || notApplicable === undefined || value === undefined) return null
  return { ref, inScope, value, notApplicable, naReason, comment }
}

/** null when blank, undefined when not an option of the scale. Labels in either language, or the value. */
function answerValueOf(cell: Scalar, scale: AnswerScale, fileLang: Locale): number | null | undefined {
  const text = normalise(textOf(cell))
  if (text === '') return null
  const otherLang: Locale = fileLang === 'ja' ? 'en' : 'ja'
  for (const lang of [fileLang, otherLang]) {
    const option = scale.options.find((o) => normalise(o.label[lang]) === text)
    if (option) return option.value
  }
  const number = typeof cell === 'number' ? cell : /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
  return scale.options.find((o) => o.value === number)?.value
}

/** true / false, or undefined when the cell holds neither (a blank cell included). */
function yesNoOf(cell: Scalar): boolean | undefined {
  if (typeof cell === 'boolean') return cell
  const text = normalise(textOf(cell))
  if ([YES.ja, YES.en, ...YES_WORDS].some((w) => normalise(w) === text)) return true
  if ([NO.ja, NO.en, ...NO_WORDS].some((w) => normalise(w) === text)) return false
  return undefined
}

// --- Actions -------------------------------------------------------------------------------------

function readActionsSheet(located: LocatedSheet, current: AssessmentExchange, fileLang: Locale, date1904: boolean, errors: ErrorDetail[]): ActionExchange[] {
  const table = readTable(located, ACTION_COLUMNS, errors)
  if (!table) return []
  const knownIds = new Set(current.actions.flatMap((a) => (a.id === null ? [] : [a.id])))
  const itemRefs = new Set(flattenItems(current.catalog).map(({ item }) => item.ref))
  const seenIds = new Map<string, number>()
  const actions: ActionExchange[] = []
  for (const { row, number } of table.rows) {
    const cells = rowContext(table, row, number, errors)
    const id = textOf(cells.read('id')).trim() || null
    if (id !== null && !knownIds.has(id)) cells.problem('id', unknownActionId(id))
    else if (id !== null && seenIds.has(id)) cells.problem('id', duplicateActionId(id, seenIds.get(id) ?? 0))
    else if (id !== null) seenIds.set(id, number)

    const title = freeText(cells.read('title'))
    if (title === null) cells.problem('title', titleMissing)
    const description = freeText(cells.read('description'))
    const owner = freeText(cells.read('owner'))
    const dueCell = cells.read('dueDate')
    const dueDate = calendarDateOf(dueCell, date1904)
    if (dueDate === undefined) cells.problem('dueDate', badDate(textOf(dueCell).trim()))
    const statusCell = cells.read('status')
    const status = statusOf(statusCell, fileLang)
    if (!status) cells.problem('status', badStatus(textOf(statusCell).trim()))
    const refs = splitRefs(textOf(cells.read('itemRefs')))
    const unknown = refs.filter((ref) => !itemRefs.has(ref))
    if (unknown.length > 0) cells.problem('itemRefs', unknownLinkedRefs(unknown, current.catalog))

    if (cells.failed || title === null || dueDate === undefined || !status) continue
    actions.push({ id, title, description, owner, dueDate, status, itemRefs: refs })
  }
  return actions
}

function statusOf(cell: Scalar, fileLang: Locale): RemediationStatus | null {
  const text = normalise(textOf(cell))
  if (text === '') return null
  const otherLang: Locale = fileLang === 'ja' ? 'en' : 'ja'
  for (const lang of [fileLang, otherLang]) {
    const match = REMEDIATION_STATUSES.find((s) => normalise(ACTION_STATUS_LABELS[s][lang]) === text)
    if (match) return match
  }
  return REMEDIATION_STATUSES.find((s) => s === text.replace(/ /g, '_')) ?? null
}

/** Refs separated by commas (either width), 、, semicolons, spaces or line breaks; duplicates dropped. */
function splitRefs(text: string): string[] {
  return [...new Set(text.normalize('NFKC').split(/[\s,、;]+/).filter((ref) => ref !== ''))]
}

/**
 * A due date as YYYY-MM-DD, null when blank, undefined when not a date. Excel stores dates as day
 * serials without a time zone; ExcelJS reads them as UTC midnight, so the UTC calendar date is the one
 * the person typed. Text dates are read as written, never shifted by a time zone.
 */
function calendarDateOf(cell: Scalar, date1904: boolean): string | null | undefined {
  if (isBlank(cell)) return null
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : isoDate(cell)
  if (typeof cell === 'number') {
    if (/^\d{8}$/.test(String(cell))) return calendarDateOfText(String(cell))
    // A day serial in a cell not formatted as a date; limited to plausible due dates (1950-2199) so that
    // a year typed alone (2025) is not read as a day in 1905.
    const serial = Math.floor(cell) + (date1904 ? EXCEL_1904_OFFSET_DAYS : 0)
    if (serial < 18_264 || serial > 109_573) return undefined
    return isoDate(new Date(EXCEL_EPOCH_1900 + serial * MS_PER_DAY))
  }
  return calendarDateOfText(textOf(cell))
}

const DATE_PATTERNS = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
  /^(\d{4})(\d{2})(\d{2})$/,
]

function calendarDateOfText(text: string): string | undefined {
  const trimmed = text.normalize('NFKC').trim()
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(trimmed)
    if (match) return validCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))
  }
  return undefined
}

function validCalendarDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day))
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  return real && year >= 1900 && year <= 9999 ? isoDate(date) : undefined
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** YYYY-MM-DD as the UTC midnight Excel writes back as the same day serial; null when not a date. */
function calendarDateToUtc(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match || validCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) !== text) return null
  return new Date(`${text}T00:00:00Z`)
}

// --- Cells ---------------------------------------------------------------------------------------

type Scalar = string | number | boolean | Date | null | { error: string }

/** The plain value of a cell: rich text joined, formulas by their result, hyperlinks by their text. */
function scalarOf(value: ExcelJS.CellValue | undefined): Scalar {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value
  if ('error' in value) return { error: String(value.error) }
  if ('richText' in value) return value.richText.map((run) => run.text).join('')
  if ('hyperlink' in value) return scalarOf(value.text as ExcelJS.CellValue)
  if ('formula' in value || 'sharedFormula' in value) return scalarOf(value.result)
  return null
}

function textOf(value: Scalar): string {
  if (value === null) return ''
  if (typeof value === 'string') return value.replace(/\r\n?/g, '\n')
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : isoDate(value)
  return ''
}

function isBlank(value: Scalar): boolean {
  return textOf(value).trim() === ''
}

/** Free text as written (line breaks and spaces kept); a blank cell is null. */
function freeText(value: Scalar): string | null {
  const text = textOf(value)
  return text.trim() === '' ? null : text
}

/** For comparing labels: full-width forms folded, spaces collapsed, case ignored. */
function normalise(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase()
}

function cellPath(sheet: string, column: number, row: number): string {
  return `${sheet}!${columnLetter(column)}${row}`
}

function columnLetter(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}

// --- Messages: what is wrong, and what is expected -------------------------------------------------

const expectedYesNo: Localized = { ja: '「はい」か「いいえ」を選んでください', en: 'Choose Yes or No' }
const expectedStatus: Localized = {
  ja: `改善策の状況は ${REMEDIATION_STATUSES.map((s) => ACTION_STATUS_LABELS[s].ja).join('・')} から選んでください`,
  en: `Choose the action status from ${REMEDIATION_STATUSES.map((s) => ACTION_STATUS_LABELS[s].en).join(', ')}`,
}
const expectedDate: Localized = { ja: '対応期限は日付（例: 2025-03-31）で入力してください', en: 'Enter the due date as a date (for example 2025-03-31)' }
const refMissing: Localized = {
  ja: '参照番号が空です。参照番号の列は変更せず、行を追加しないでください',
  en: 'The ref is empty: do not change the Ref column or add rows',
}
const titleMissing: Localized = { ja: '改善策の件名が空です。件名を入力してください', en: 'The action has no title: enter a title' }

function quoted(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

function expectedAnswerOf(item: CatalogItem): Localized {
  const labels = (lang: Locale) => item.scale.options.map((o) => o.label[lang])
  return {
    ja: `回答は ${labels('ja').join('・')} から選んでください（対象外は「対象外」列で指定します）`,
    en: `Choose the answer from ${labels('en').join('; ')} (mark not applicable in the N/A column)`,
  }
}

function notOnScale(text: string, item: CatalogItem): Localized {
  const expected = expectedAnswerOf(item)
  return {
    ja: `回答「${quoted(text)}」は項目 ${item.ref} の選択肢にありません。${expected.ja}`,
    en: `The answer "${quoted(text)}" is not an option of item ${item.ref}. ${expected.en}`,
  }
}

function badYesNo(headerJa: string, headerEn: string, cell: Scalar): Localized {
  const text = quoted(textOf(cell).trim())
  return {
    ja: text === '' ? `「${headerJa}」が空です。${expectedYesNo.ja}` : `「${headerJa}」の値「${text}」は使えません。${expectedYesNo.ja}`,
    en: text === '' ? `${headerEn} is empty: ${expectedYesNo.en.toLowerCase()}` : `"${text}" is not a valid ${headerEn} value: ${expectedYesNo.en.toLowerCase()}`,
  }
}

function unknownItem(ref: string, catalog: Catalog): Localized {
  return {
    ja: `参照番号「${quoted(ref)}」はカタログ ${catalog.id} ${catalog.version} にありません。参照番号の列は変更しないでください`,
    en: `Ref "${quoted(ref)}" is not an item of catalog ${catalog.id} ${catalog.version}: do not change the Ref column`,
  }
}

function duplicateItem(ref: string, firstRow: number): Localized {
  return {
    ja: `参照番号 ${ref} は ${firstRow} 行目にもあります。一つの項目は一行にしてください`,
    en: `Ref ${ref} also appears in row ${firstRow}: keep one row per item`,
  }
}

function answerWithNa(ref: string): Localized {
  return {
    ja: `項目 ${ref} は対象外なのに回答があります。回答を消すか、「対象外」を「いいえ」にしてください`,
    en: `Item ${ref} is marked N/A but has an answer: clear the answer or set N/A to No`,
  }
}

function naWithoutReason(ref: string): Localized {
  return {
    ja: `項目 ${ref} は対象外ですが、対象外の理由がありません。理由を書いてください`,
    en: `Item ${ref} is marked N/A without a reason: write the N/A reason`,
  }
}

function reasonWithoutNa(ref: string): Localized {
  return {
    ja: `項目 ${ref} に対象外の理由がありますが、「対象外」が「いいえ」です。「対象外」を「はい」にするか、理由を消してください`,
    en: `Item ${ref} has an N/A reason but N/A is No: set N/A to Yes or clear the reason`,
  }
}

function unknownActionId(id: string): Localized {
  return {
    ja: `ID「${quoted(id)}」はこの自己評価の改善策にありません。新しい改善策は ID を空欄にしてください`,
    en: `ID "${quoted(id)}" is not an action of this assessment: leave the ID blank for a new action`,
  }
}

function duplicateActionId(id: string, firstRow: number): Localized {
  return {
    ja: `ID ${id} の改善策は ${firstRow} 行目にもあります。一つの改善策は一行にしてください`,
    en: `Action ${id} also appears in row ${firstRow}: keep one row per action`,
  }
}

function badDate(text: string): Localized {
  return {
    ja: `対応期限「${quoted(text)}」は日付として読めません。${expectedDate.ja}`,
    en: `The due date "${quoted(text)}" is not a date. ${expectedDate.en}`,
  }
}

function badStatus(text: string): Localized {
  return {
    ja: text === '' ? `改善策の状況が空です。${expectedStatus.ja}` : `状況「${quoted(text)}」は使えません。${expectedStatus.ja}`,
    en: text === '' ? `The action status is empty. ${expectedStatus.en}` : `"${quoted(text)}" is not an action status. ${expectedStatus.en}`,
  }
}

function unknownLinkedRefs(refs: string[], catalog: Catalog): Localized {
  const list = quoted(refs.join(', '))
  return {
    ja: `対象項目 ${list} はカタログ ${catalog.id} ${catalog.version} にありません。「項目」シートの参照番号をカンマ区切りで書いてください`,
    en: `Item refs ${list} are not in catalog ${catalog.id} ${catalog.version}: list refs from the Items sheet, separated by commas`,
  }
}
