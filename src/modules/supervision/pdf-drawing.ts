import PDFDocument from 'pdfkit'
import type { Distribution } from './report-types.js'
import { useReportFonts, type FontWeight } from './pdf-fonts.js'
import { COMMON_LABELS, fill, type Lang } from './pdf-labels.js'

// The drawing both PDF reports of a supervision round share: an A4 page with a footer, headings,
// facts, figure tiles, tables that wrap and break across pages, horizontal box plots and a small
// trend chart. Positions are in PDF points (1/72 inch); pdfkit's y axis points down.

export type ReportDocument = PDFKit.PDFDocument

export const NONE = '—'

const PAGE_MARGINS = { top: 50, bottom: 56, left: 50, right: 50 }
const A4_WIDTH = 595.28
const CONTENT_LEFT = PAGE_MARGINS.left
const CONTENT_WIDTH = A4_WIDTH - PAGE_MARGINS.left - PAGE_MARGINS.right
const CONTENT_RIGHT = CONTENT_LEFT + CONTENT_WIDTH
const LINE_GAP = 1.5

export const COLORS = {
  ink: '#1d2733',
  muted: '#5b6673',
  rule: '#c9d1da',
  band: '#eef2f6',
  accent: '#1f4e79',
  box: '#bcd3ea',
  own: '#d9480f',
  second: '#2f9e44',
}

// ---- numbers and dates ----------------------------------------------------------------------

/** A share (0..1) as a percentage with one decimal: 0.725 -> "72.5%"; null -> "—". */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE
  return `${(value * 100).toFixed(1)}%`
}

/** A difference of two shares in percentage points, signed: +4.5 pt, −12.0 pt. */
export function pointDifference(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE
  const points = (value * 100).toFixed(1)
  if (points === '0.0' || points === '-0.0') return '±0.0 pt'
  return value > 0 ? `+${points} pt` : `−${points.slice(1)} pt`
}

/** A percentile rank (0..100) in words: "64パーセンタイル", "64th percentile". */
export function percentileText(rank: number | null | undefined, lang: Lang): string {
  if (rank === null || rank === undefined || !Number.isFinite(rank)) return NONE
  const whole = Math.round(rank)
  if (lang === 'ja') return `${whole}パーセンタイル`
  return `${whole}${ordinalSuffix(whole)} percentile`
}

function ordinalSuffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th'
  return ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'
}

const dateTimeFormats = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'long', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' }),
}
const dateFormats = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'long' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium' }),
}

/** A timestamp in Japan time, which is the time of the supervisor and of every institution. */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  const date = parseDate(iso)
  if (date === null) return iso ?? NONE
  return `${dateTimeFormats[lang].format(date)}${lang === 'ja' ? '（日本時間）' : ' JST'}`
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  const date = parseDate(iso)
  return date === null ? (iso ?? NONE) : dateFormats[lang].format(date)
}

function parseDate(iso: string | null | undefined): Date | null {
  if (!iso) return null
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}

// ---- the document ---------------------------------------------------------------------------

export interface ReportMeta {
  lang: Lang
  title: string
  subject: string
  /** Left of the page number at the foot of every page. */
  footer: string
}

/** Draws a report on A4 pages, numbers the pages and returns the PDF. */
export async function renderReport(meta: ReportMeta, draw: (doc: ReportDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: PAGE_MARGINS,
    bufferPages: true, // page numbers need the page count
    font: '', // no Helvetica: every glyph comes from the embedded Japanese font
    lang: meta.lang,
    displayTitle: true,
    info: { Title: meta.title, Subject: meta.subject, Author: 'Kamae', Creator: 'Kamae' },
  })
  const chunks: Buffer[] = []
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  useReportFonts(doc)
  draw(doc)
  addFooters(doc, meta)
  doc.end()
  return finished
}

function addFooters(doc: ReportDocument, meta: ReportMeta): void {
  const range = doc.bufferedPageRange()
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index)
    // Writing below the bottom margin would make pdfkit start a new page.
    const bottomMargin = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    const y = doc.page.height - 36
    rule(doc, y - 6, COLORS.rule, 0.5)
    const pageLabel = fill(COMMON_LABELS.pageOf[meta.lang], { page: index + 1, pages: range.count })
    style(doc, 'regular', 7.5, COLORS.muted)
    doc.text(meta.footer, CONTENT_LEFT, y, { width: CONTENT_WIDTH - 90, height: 10, lineBreak: false, ellipsis: true })
    doc.text(pageLabel, CONTENT_RIGHT - 90, y, { width: 90, align: 'right', lineBreak: false })
    doc.page.margins.bottom = bottomMargin
  }
}

function style(doc: ReportDocument, weight: FontWeight, size: number, color: string): void {
  doc.font(weight).fontSize(size).fillColor(color)
}

function rule(doc: ReportDocument, y: number, color: string, width: number): void {
  doc.save().moveTo(CONTENT_LEFT, y).lineTo(CONTENT_RIGHT, y).lineWidth(width).strokeColor(color).stroke().restore()
}

function bottomLimit(doc: ReportDocument): number {
  return doc.page.height - doc.page.margins.bottom
}

/** Starts a new page unless `height` more points fit on this one. */
function ensureSpace(doc: ReportDocument, height: number): void {
  if (doc.y + height > bottomLimit(doc)) doc.addPage()
}

function atPageTop(doc: ReportDocument): boolean {
  return doc.y <= doc.page.margins.top + 1
}

// ---- text blocks ----------------------------------------------------------------------------

export interface TitleBlock {
  kicker: string
  title: string
  subtitle: string | null
  facts: [label: string, value: string][]
}

/** The top of the first page: what the report is, about whom, from which data. */
export function titleBlock(doc: ReportDocument, block: TitleBlock): void {
  doc.save().rect(0, 0, A4_WIDTH, 8).fill(COLORS.accent).restore()
  style(doc, 'bold', 9, COLORS.accent)
  doc.text(block.kicker, CONTENT_LEFT, PAGE_MARGINS.top - 14, { width: CONTENT_WIDTH, lineGap: LINE_GAP })
  style(doc, 'bold', 17, COLORS.ink)
  doc.text(block.title, CONTENT_LEFT, doc.y + 2, { width: CONTENT_WIDTH, lineGap: LINE_GAP })
  if (block.subtitle !== null) {
    style(doc, 'bold', 13, COLORS.ink)
    doc.text(block.subtitle, CONTENT_LEFT, doc.y + 4, { width: CONTENT_WIDTH, lineGap: LINE_GAP })
  }
  doc.y += 8
  facts(doc, block.facts)
  rule(doc, doc.y + 4, COLORS.accent, 1.2)
  doc.y += 10
}

/** Label and value pairs, one a line; long values wrap beside their label. */
function facts(doc: ReportDocument, rows: [label: string, value: string][], labelWidth = 120): void {
  const valueWidth = CONTENT_WIDTH - labelWidth - 8
  for (const [label, value] of rows) {
    style(doc, 'regular', 8.5, COLORS.ink)
    const height = Math.max(doc.heightOfString(value, { width: valueWidth, lineGap: LINE_GAP }), 11)
    ensureSpace(doc, height + 3)
    const y = doc.y
    style(doc, 'regular', 8.5, COLORS.muted)
    doc.text(label, CONTENT_LEFT, y, { width: labelWidth, lineGap: LINE_GAP })
    style(doc, 'regular', 8.5, COLORS.ink)
    doc.text(value, CONTENT_LEFT + labelWidth + 8, y, { width: valueWidth, lineGap: LINE_GAP })
    doc.y = y + height + 3
  }
}

/** A heading that keeps at least the start of its content on the same page. */
export function sectionHeading(doc: ReportDocument, text: string): void {
  ensureSpace(doc, 90)
  if (!atPageTop(doc)) doc.y += 12
  style(doc, 'bold', 12, COLORS.accent)
  doc.text(text, CONTENT_LEFT, doc.y, { width: CONTENT_WIDTH, lineGap: LINE_GAP })
  rule(doc, doc.y + 2, COLORS.rule, 0.8)
  doc.y += 8
  doc.outline.addItem(text)
}

export function subHeading(doc: ReportDocument, text: string): void {
  ensureSpace(doc, 60)
  if (!atPageTop(doc)) doc.y += 6
  style(doc, 'bold', 9.5, COLORS.ink)
  doc.text(text, CONTENT_LEFT, doc.y, { width: CONTENT_WIDTH, lineGap: LINE_GAP })
  doc.y += 4
}

/** Running text; pdfkit carries it over to the next page when it is long. */
export function paragraph(doc: ReportDocument, text: string, options: { color?: string; size?: number } = {}): void {
  style(doc, 'regular', options.size ?? 8.5, options.color ?? COLORS.ink)
  ensureSpace(doc, 14)
  doc.text(text, CONTENT_LEFT, doc.y, { width: CONTENT_WIDTH, lineGap: LINE_GAP })
  doc.y += 4
}

/** A boxed note, for what a reader must not miss (a fallen-back peer group). */
export function notice(doc: ReportDocument, text: string): void {
  const padding = 6
  style(doc, 'regular', 8.5, COLORS.ink)
  const height = doc.heightOfString(text, { width: CONTENT_WIDTH - 2 * padding - 4, lineGap: LINE_GAP }) + 2 * padding
  ensureSpace(doc, height + 4)
  const y = doc.y
  doc.save().rect(CONTENT_LEFT, y, CONTENT_WIDTH, height).fill(COLORS.band).restore()
  doc.save().rect(CONTENT_LEFT, y, 3, height).fill(COLORS.own).restore()
  style(doc, 'regular', 8.5, COLORS.ink)
  doc.text(text, CONTENT_LEFT + padding + 4, y + padding, { width: CONTENT_WIDTH - 2 * padding - 4, lineGap: LINE_GAP })
  doc.y = y + height + 6
}

export interface Tile {
  label: string
  value: string
  note?: string
}

const TILE_VALUE_SIZE = 17

/** The headline figures side by side. */
export function tiles(doc: ReportDocument, items: Tile[]): void {
  if (items.length === 0) return
  const gap = 8
  const padding = 7
  const width = (CONTENT_WIDTH - gap * (items.length - 1)) / items.length
  const inner = width - 2 * padding
  style(doc, 'regular', 8, COLORS.muted)
  const labelHeight = Math.max(...items.map((tile) => doc.heightOfString(tile.label, { width: inner, lineGap: LINE_GAP })))
  style(doc, 'regular', 7.5, COLORS.muted)
  const noteHeight = Math.max(0, ...items.map((tile) => (tile.note ? doc.heightOfString(tile.note, { width: inner }) : 0)))
  const height = padding + labelHeight + 24 + noteHeight + padding
  ensureSpace(doc, height + 6)
  const y = doc.y
  items.forEach((tile, index) => {
    const x = CONTENT_LEFT + index * (width + gap)
    doc.save().roundedRect(x, y, width, height, 3).fill(COLORS.band).restore()
    style(doc, 'regular', 8, COLORS.muted)
    doc.text(tile.label, x + padding, y + padding, { width: inner, lineGap: LINE_GAP })
    // A long value ("65th percentile") shrinks to fit its tile rather than wrap.
    style(doc, 'bold', TILE_VALUE_SIZE, COLORS.ink)
    const size = Math.min(TILE_VALUE_SIZE, (TILE_VALUE_SIZE * inner) / Math.max(doc.widthOfString(tile.value), 1))
    doc.fontSize(size).text(tile.value, x + padding, y + padding + labelHeight + 2 + (TILE_VALUE_SIZE - size) / 2, { lineBreak: false })
    if (tile.note) {
      style(doc, 'regular', 7.5, COLORS.muted)
      doc.text(tile.note, x + padding, y + padding + labelHeight + 24, { width: inner })
    }
  })
  doc.y = y + height + 8
}

// ---- tables ---------------------------------------------------------------------------------

export interface TableColumn {
  header: string
  /** Share of the content width; the shares of a table add up to 1. */
  width: number
  align?: 'left' | 'right' | 'center'
}

const CELL_PADDING_X = 4
const CELL_PADDING_Y = 3
const TABLE_FONT_SIZE = 8

/** A table whose cells wrap; a row never splits, and the header repeats on every page. */
export function table(doc: ReportDocument, columns: TableColumn[], rows: string[][]): void {
  const widths = columns.map((column) => column.width * CONTENT_WIDTH)
  const tallestRow = doc.page.height - doc.page.margins.top - doc.page.margins.bottom - 60
  let headerDrawn = false
  rows.forEach((cells, rowIndex) => {
    style(doc, 'regular', TABLE_FONT_SIZE, COLORS.ink)
    const height = Math.min(rowHeight(doc, cells, widths), tallestRow)
    const headerHeight = headerDrawn ? 0 : rowHeight(doc, columns.map((c) => c.header), widths)
    if (doc.y + headerHeight + height > bottomLimit(doc)) {
      doc.addPage()
      headerDrawn = false
    }
    if (!headerDrawn) {
      tableRow(doc, columns, columns.map((c) => c.header), widths, { header: true, zebra: false, height: null })
      headerDrawn = true
    }
    tableRow(doc, columns, cells, widths, { header: false, zebra: rowIndex % 2 === 1, height })
  })
  doc.y += 6
}

function rowHeight(doc: ReportDocument, cells: string[], widths: number[]): number {
  let tallest = 0
  cells.forEach((cell, index) => {
    const width = (widths[index] ?? 0) - 2 * CELL_PADDING_X
    tallest = Math.max(tallest, textHeight(doc, cell, width, 1))
  })
  return tallest + 2 * CELL_PADDING_Y
}

/** pdfkit's heightOfString, without running its line wrapper for text that fits on one line. */
function textHeight(doc: ReportDocument, text: string, width: number, lineGap: number): number {
  if (!text.includes('\n') && doc.widthOfString(text) <= width) return doc.currentLineHeight(true) + lineGap
  return doc.heightOfString(text, { width, lineGap })
}

function tableRow(
  doc: ReportDocument,
  columns: TableColumn[],
  cells: string[],
  widths: number[],
  options: { header: boolean; zebra: boolean; height: number | null },
): void {
  style(doc, options.header ? 'bold' : 'regular', TABLE_FONT_SIZE, COLORS.ink)
  const height = options.height ?? rowHeight(doc, cells, widths)
  const y = doc.y
  if (options.header || options.zebra) {
    doc.save().rect(CONTENT_LEFT, y, CONTENT_WIDTH, height).fill(options.header ? COLORS.box : COLORS.band).restore()
  }
  let x = CONTENT_LEFT
  cells.forEach((cell, index) => {
    const width = widths[index] ?? 0
    doc.text(cell, x + CELL_PADDING_X, y + CELL_PADDING_Y, {
      width: width - 2 * CELL_PADDING_X,
      height: height - CELL_PADDING_Y, // a cell taller than a page is cut with an ellipsis
      ellipsis: true,
      lineGap: 1,
      align: columns[index]?.align ?? 'left',
    })
    x += width
  })
  doc.save().moveTo(CONTENT_LEFT, y + height).lineTo(CONTENT_RIGHT, y + height).lineWidth(0.4).strokeColor(COLORS.rule).stroke().restore()
  doc.y = y + height
}

// ---- box plots ------------------------------------------------------------------------------

export interface BoxPlotRow {
  label: string
  distribution: Distribution | null
  /** The institution's own score, drawn as a mark; absent in aggregate reports. */
  own?: number | null
  /** Printed right of the plot (the own score, or the median). */
  value: string
}

const BOX_LABEL_WIDTH = 168
const BOX_VALUE_WIDTH = 48
const BOX_PLOT_LEFT = CONTENT_LEFT + BOX_LABEL_WIDTH + 10
const BOX_PLOT_RIGHT = CONTENT_RIGHT - BOX_VALUE_WIDTH - 8
const BOX_TICKS = [0, 0.25, 0.5, 0.75, 1]
const BOX_AXIS_HEIGHT = 11
const BOX_LEGEND_HEIGHT = 28

function plotX(value: number): number {
  const clamped = Math.min(1, Math.max(0, value))
  return BOX_PLOT_LEFT + clamped * (BOX_PLOT_RIGHT - BOX_PLOT_LEFT)
}

export interface BoxPlotOptions {
  lang: Lang
  /** What the diamond stands for; null draws no diamond in the legend. */
  ownLabel: string | null
  /** Over the column of printed values. */
  valueHeader: string
  heading?: string
}

/**
 * One horizontal box plot a row on a shared 0–100% axis: whiskers p10–p90, box p25–p75, a line at
 * the median and, when given, a diamond at the institution's own score.
 */
export function boxPlots(doc: ReportDocument, rows: BoxPlotRow[], legend: BoxPlotOptions): void {
  style(doc, 'regular', 8, COLORS.ink)
  const heights = rows.map((row) => Math.max(18, Math.min(doc.heightOfString(row.label, { width: BOX_LABEL_WIDTH, lineGap: 1 }), 30) + 6))
  // A chart that fits on one page is not split, nor parted from its heading.
  const headingHeight = legend.heading === undefined ? 0 : 30
  const total = headingHeight + BOX_AXIS_HEIGHT + heights.reduce((sum, height) => sum + height, 0) + BOX_LEGEND_HEIGHT
  if (total <= bottomLimit(doc) - doc.page.margins.top) ensureSpace(doc, total)
  if (legend.heading !== undefined) subHeading(doc, legend.heading)
  boxAxis(doc, legend.valueHeader)
  rows.forEach((row, index) => {
    const height = heights[index] ?? 18
    // The legend stays with the last row rather than open a page by itself.
    const needed = index === rows.length - 1 ? height + BOX_LEGEND_HEIGHT : height
    if (doc.y + needed > bottomLimit(doc)) {
      doc.addPage()
      boxAxis(doc, legend.valueHeader)
    }
    boxRow(doc, row, height, legend.lang)
  })
  boxLegend(doc, legend.lang, legend.ownLabel)
}

function boxAxis(doc: ReportDocument, valueHeader: string): void {
  ensureSpace(doc, BOX_AXIS_HEIGHT + 30)
  const y = doc.y
  style(doc, 'regular', 7, COLORS.muted)
  for (const tick of BOX_TICKS) {
    const x = plotX(tick)
    doc.text(`${tick * 100}%`, x - 20, y, { width: 40, align: 'center', lineBreak: false })
  }
  doc.text(valueHeader, BOX_PLOT_RIGHT + 8, y, { width: BOX_VALUE_WIDTH, align: 'right', lineBreak: false })
  doc.y = y + BOX_AXIS_HEIGHT
}

function boxRow(doc: ReportDocument, row: BoxPlotRow, height: number, lang: Lang): void {
  const y = doc.y
  const middle = y + height / 2
  for (const tick of BOX_TICKS) {
    const x = plotX(tick)
    doc.save().moveTo(x, y).lineTo(x, y + height).lineWidth(0.4).strokeColor(COLORS.rule).stroke().restore()
  }
  style(doc, 'regular', 8, COLORS.ink)
  doc.text(row.label, CONTENT_LEFT, y + 3, { width: BOX_LABEL_WIDTH, height: height - 4, ellipsis: true, lineGap: 1 })
  const d = row.distribution
  if (d === null) {
    style(doc, 'regular', 7.5, COLORS.muted)
    doc.text(COMMON_LABELS.noData[lang], BOX_PLOT_LEFT + 4, middle - 4, { width: 120, lineBreak: false })
  } else {
    doc.save().lineWidth(0.8).strokeColor(COLORS.muted)
    doc.moveTo(plotX(d.p10), middle).lineTo(plotX(d.p90), middle).stroke()
    doc.moveTo(plotX(d.p10), middle - 3).lineTo(plotX(d.p10), middle + 3).stroke()
    doc.moveTo(plotX(d.p90), middle - 3).lineTo(plotX(d.p90), middle + 3).stroke()
    doc.restore()
    const boxLeft = plotX(d.p25)
    doc.save().rect(boxLeft, middle - 4.5, Math.max(plotX(d.p75) - boxLeft, 0.8), 9).lineWidth(0.6).fillAndStroke(COLORS.box, COLORS.accent).restore()
    doc.save().moveTo(plotX(d.median), middle - 5.5).lineTo(plotX(d.median), middle + 5.5).lineWidth(1.6).strokeColor(COLORS.ink).stroke().restore()
  }
  if (row.own !== undefined && row.own !== null && Number.isFinite(row.own)) diamond(doc, plotX(row.own), middle, 4)
  style(doc, 'bold', 8, COLORS.ink)
  doc.text(row.value, BOX_PLOT_RIGHT + 8, middle - 4.5, { width: BOX_VALUE_WIDTH, align: 'right', lineBreak: false })
  doc.save().moveTo(CONTENT_LEFT, y + height).lineTo(CONTENT_RIGHT, y + height).lineWidth(0.3).strokeColor(COLORS.band).stroke().restore()
  doc.y = y + height
}

function diamond(doc: ReportDocument, x: number, y: number, size: number): void {
  doc.save().polygon([x, y - size], [x + size, y], [x, y + size], [x - size, y]).lineWidth(0.6).fillAndStroke(COLORS.own, '#ffffff').restore()
}

type LegendSymbol = 'box' | 'whisker' | 'median' | 'own'

function boxLegend(doc: ReportDocument, lang: Lang, ownLabel: string | null): void {
  const entries: [LegendSymbol, string][] = [
    ['box', COMMON_LABELS.boxLegend[lang]],
    ['whisker', COMMON_LABELS.whiskerLegend[lang]],
    ['median', COMMON_LABELS.medianLegend[lang]],
  ]
  if (ownLabel !== null) entries.push(['own', ownLabel])
  ensureSpace(doc, BOX_LEGEND_HEIGHT)
  let x = CONTENT_LEFT
  let y = doc.y + 5
  for (const [symbol, text] of entries) {
    style(doc, 'regular', 7, COLORS.muted)
    const width = 16 + doc.widthOfString(text) + 12
    if (x > CONTENT_LEFT && x + width > CONTENT_RIGHT) {
      x = CONTENT_LEFT
      y += 11
    }
    legendSymbol(doc, symbol, x, y + 4)
    style(doc, 'regular', 7, COLORS.muted)
    doc.text(text, x + 16, y, { lineBreak: false })
    x += width
  }
  doc.y = y + 16
}

function legendSymbol(doc: ReportDocument, symbol: LegendSymbol, x: number, y: number): void {
  doc.save()
  if (symbol === 'box') doc.rect(x, y - 3.5, 12, 7).lineWidth(0.6).fillAndStroke(COLORS.box, COLORS.accent)
  if (symbol === 'whisker') doc.moveTo(x, y).lineTo(x + 12, y).lineWidth(0.8).strokeColor(COLORS.muted).stroke()
  if (symbol === 'median') doc.moveTo(x + 6, y - 4).lineTo(x + 6, y + 4).lineWidth(1.6).strokeColor(COLORS.ink).stroke()
  doc.restore()
  if (symbol === 'own') diamond(doc, x + 6, y, 3.5)
}

// ---- trend chart ----------------------------------------------------------------------------

export interface TrendSeries {
  name: string
  color: string
  /** One value (0..1) a point; null where the round has none. */
  values: (number | null)[]
}

const TREND_HEIGHT = 120
const TREND_AXIS_WIDTH = 34
const TREND_LABEL_HEIGHT = 22

/** A small line chart on a 0–100% axis: one point a round, oldest left. */
export function trendChart(doc: ReportDocument, labels: string[], series: TrendSeries[]): void {
  const total = TREND_HEIGHT + TREND_LABEL_HEIGHT + 16
  ensureSpace(doc, total)
  const top = doc.y + 14
  const left = CONTENT_LEFT + TREND_AXIS_WIDTH
  const right = CONTENT_RIGHT - 10
  const bottom = top + TREND_HEIGHT
  const y = (value: number) => bottom - Math.min(1, Math.max(0, value)) * TREND_HEIGHT
  const step = (right - left) / Math.max(labels.length, 1)
  const x = (index: number) => left + step * (index + 0.5)

  style(doc, 'regular', 7, COLORS.muted)
  for (const tick of BOX_TICKS) {
    doc.save().moveTo(left, y(tick)).lineTo(right, y(tick)).lineWidth(0.4).strokeColor(COLORS.rule).stroke().restore()
    doc.text(`${tick * 100}%`, CONTENT_LEFT, y(tick) - 3.5, { width: TREND_AXIS_WIDTH - 4, align: 'right', lineBreak: false })
  }
  labels.forEach((label, index) => {
    doc.text(label, x(index) - step / 2 + 2, bottom + 4, { width: step - 4, height: TREND_LABEL_HEIGHT, align: 'center', ellipsis: true, lineGap: 0.5 })
  })
  series.forEach((line) => drawSeries(doc, line, x, y))
  trendLegend(doc, series, top - 12)
  doc.y = bottom + TREND_LABEL_HEIGHT + 8
}

function drawSeries(doc: ReportDocument, line: TrendSeries, x: (index: number) => number, y: (value: number) => number): void {
  let previous: [number, number] | null = null
  line.values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      previous = null
      return
    }
    const point: [number, number] = [x(index), y(value)]
    if (previous !== null) {
      doc.save().moveTo(...previous).lineTo(...point).lineWidth(1.4).strokeColor(line.color).stroke().restore()
    }
    doc.save().circle(point[0], point[1], 2.6).fill(line.color).restore()
    style(doc, 'regular', 6.5, line.color)
    doc.text(percent(value), point[0] - 25, point[1] - 11, { width: 50, align: 'center', lineBreak: false })
    previous = point
  })
}

function trendLegend(doc: ReportDocument, series: TrendSeries[], y: number): void {
  style(doc, 'regular', 7, COLORS.ink)
  let x = CONTENT_LEFT + TREND_AXIS_WIDTH
  for (const line of series) {
    doc.save().moveTo(x, y + 4).lineTo(x + 14, y + 4).lineWidth(1.4).strokeColor(line.color).stroke().restore()
    doc.save().circle(x + 7, y + 4, 2.2).fill(line.color).restore()
    style(doc, 'regular', 7, COLORS.ink)
    doc.text(line.name, x + 18, y, { lineBreak: false })
    x += 18 + doc.widthOfString(line.name) + 14
  }
}
