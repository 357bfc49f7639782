import ExcelJS from 'exceljs'
import type { Locale, Localized } from '../../i18n/locale.js'
import type { IncidentRecord } from './fire.js'
import type { ReportingPolicy } from './load-policy.js'
import { DATA_IMPACT_LABELS, INCIDENT_STATUS_LABELS, ORIGIN_LABELS, PHASE_LABELS, STATUS_LABELS, YES_NO_UNKNOWN_LABELS, causeCategory, labelOf, type Taxonomy } from './taxonomy.js'

// Incident reports as a workbook for people (issue 4 §3): one row per incident with what its latest
// report says, the report history, the criteria behind each classification, and the timelines.
// Times are shown in Japan time. Read-only: imports go through the FIRE JSON.

interface WorkbookOptions {
  policy: ReportingPolicy
  taxonomy: Taxonomy
  lang: Locale
  exportedAt: Date
}

const JST_OFFSET_MS = 9 * 3_600_000
const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm'

const SHEETS = {
  incidents: { ja: 'インシデント一覧', en: 'Incidents' },
  history: { ja: '報告履歴', en: 'Report history' },
  criteria: { ja: '判定根拠', en: 'Classification' },
  timeline: { ja: '経過', en: 'Timeline' },
} satisfies Record<string, Localized>

type Cell = string | number | Date | null

interface Column {
  header: Localized
  width: number
  value: (record: IncidentRecord) => Cell
}

/** A workbook date: Excel keeps no time zone, so the moment is written as its Japan wall-clock time. */
const jst = (value: Date | string | null): Date | null => {
  if (value === null) return null
  const time = typeof value === 'string' ? Date.parse(value) : value.getTime()
  return Number.isFinite(time) ? new Date(time + JST_OFFSET_MS) : null
}

function incidentColumns({ policy, taxonomy, lang }: WorkbookOptions): Column[] {
  const label = (labels: Record<string, Localized>, id: string | null) => (id === null ? null : (labels[id]?.[lang] ?? id))
  const severityLabel = (id: string) => [...policy.classification.levels, policy.classification.otherwise].find((l) => l.id === id)?.label[lang] ?? id
  const yesNo = (value: boolean | null) => (value === null ? null : value ? YES_NO_UNKNOWN_LABELS.yes![lang] : YES_NO_UNKNOWN_LABELS.no![lang])
  const list = (values: string[]) => (values.length === 0 ? null : values.join(lang === 'ja' ? '、' : ', '))
  const c = (ja: string, en: string, width: number, value: Column['value']): Column => ({ header: { ja, en }, width, value })
  return [
    c('管理番号', 'Reference', 16, (r) => r.reference),
    c('報告機関', 'Institution', 28, (r) => (lang === 'ja' ? r.institution.nameJa : r.institution.nameEn)),
    c('業態', 'Sector', 14, (r) => r.institution.sector),
    c('件名', 'Title', 36, (r) => r.content.title),
    c('種類', 'Category', 20, (r) => labelOf(taxonomy.categories, r.content.category)?.[lang] ?? null),
    c('状態', 'Status', 18, (r) => label(INCIDENT_STATUS_LABELS, r.status)),
    c('最新の報告', 'Latest report', 14, (r) => label(PHASE_LABELS, r.phase)),
    c('版', 'Version', 6, (r) => r.version),
    c('重大度', 'Severity', 12, (r) => severityLabel(r.override?.severity ?? r.classification.severity)),
    c('重大度（判定）', 'Severity (computed)', 14, (r) => severityLabel(r.classification.severity)),
    c('判定の理由', 'Why', 60, (r) => r.classification.summary[lang]),
    c('重大度の変更理由（当局）', 'Override reason (supervisor)', 30, (r) => r.override?.reason ?? null),
    c('検知日時（JST）', 'Detected at (JST)', 18, (r) => jst(r.content.detectedAt)),
    c('発生日時（JST）', 'Occurred at (JST)', 18, (r) => jst(r.content.occurredAt)),
    c('復旧日時（JST）', 'Recovered at (JST)', 18, (r) => jst(r.content.recoveredAt)),
    c('提出日時（JST）', 'Submitted at (JST)', 18, (r) => jst(r.submittedAt)),
    c('次の報告', 'Next report', 14, (r) => label(PHASE_LABELS, r.nextDue?.phase ?? null)),
    c('次の報告期限（JST）', 'Next report due (JST)', 18, (r) => jst(r.nextDue?.dueAt ?? null)),
    c('期限超過', 'Overdue', 8, (r) => (r.nextDue ? yesNo(r.nextDue.overdue) : null)),
    c('現在の状況', 'Current status', 14, (r) => label(STATUS_LABELS, r.content.currentStatus)),
    c('影響を受けたサービス', 'Affected services', 30, (r) => list(r.content.affectedServices)),
    c('顧客への影響', 'Customers affected', 10, (r) => label(YES_NO_UNKNOWN_LABELS, r.content.customersAffected)),
    c('重要業務への影響', 'Critical services affected', 10, (r) => yesNo(r.content.impact.criticalServicesAffected)),
    c('影響を受けた重要業務', 'Critical services hit', 24, (r) => list(r.content.impact.criticalServices)),
    c('影響顧客数', 'Clients affected', 12, (r) => r.content.impact.clientsAffected),
    c('影響顧客の割合（%）', 'Clients affected (%)', 10, (r) => r.content.impact.clientsAffectedPercent),
    c('影響取引数', 'Transactions affected', 12, (r) => r.content.impact.transactionsAffected),
    c('継続時間（時間）', 'Duration (h)', 10, (r) => r.content.impact.durationHours),
    c('重要業務の停止時間（時間）', 'Critical service downtime (h)', 12, (r) => r.content.impact.criticalServiceDowntimeHours),
    c('データへの影響', 'Data affected', 10, (r) => label(YES_NO_UNKNOWN_LABELS, r.content.impact.dataAffected)),
    c('データの損失', 'Data losses', 24, (r) => list(r.content.impact.dataImpact.map((k) => DATA_IMPACT_LABELS[k]?.[lang] ?? k))),
    c('影響を受けたデータの種類', 'Kinds of data', 24, (r) => list(r.content.impact.dataKinds)),
    c('悪意ある不正アクセス', 'Malicious unauthorised access', 10, (r) => yesNo(r.content.impact.maliciousUnauthorisedAccess)),
    c('経済的影響（円）', 'Economic impact (JPY)', 14, (r) => r.content.impact.monetaryLossJpy),
    c('影響地域', 'Regions', 24, (r) => list(r.content.impact.regions)),
    c('実施した対応', 'Actions taken', 40, (r) => r.content.actionsTaken),
    c('関係する第三者', 'Third parties', 30, (r) => list(r.content.thirdParties.map((p) => (p.role ? `${p.name} (${p.role})` : p.name)))),
    c('警察への連絡', 'Police informed', 10, (r) => yesNo(r.content.informed.police)),
    c('国の機関（NISC 等）への連絡', 'National cyber centre informed', 10, (r) => yesNo(r.content.informed.nationalCyberCentre)),
    c('金融ISACへの連絡', 'ISAC informed', 10, (r) => yesNo(r.content.informed.isac)),
    c('原因の分類', 'Root cause', 20, (r) => labelOf(taxonomy.causes, r.content.rootCause.category)?.[lang] ?? null),
    c('原因の詳細分類', 'Root cause (detail)', 24, (r) => {
      const cause = r.content.rootCause.category ? causeCategory(taxonomy, r.content.rootCause.category) : undefined
      return labelOf(cause?.subcategories ?? [], r.content.rootCause.subcategory)?.[lang] ?? null
    }),
    c('原因の所在', 'Origin of the cause', 16, (r) => label(ORIGIN_LABELS, r.content.rootCause.origin)),
    c('原因の説明', 'Root cause description', 40, (r) => r.content.rootCause.description),
    c('実施した再発防止策', 'Measures taken', 40, (r) => r.content.measuresTaken),
    c('予定している再発防止策', 'Measures planned', 40, (r) => list(r.content.measuresPlanned.map((m) => (m.dueDate ? `${m.description} (${m.dueDate})` : m.description)))),
    c('教訓', 'Lessons learned', 40, (r) => r.content.lessonsLearned),
    c('連絡担当者', 'Contact person', 18, (r) => r.content.contact.name),
    c('連絡先', 'Contact details', 24, (r) => [r.content.contact.phone, r.content.contact.email].filter(Boolean).join(' / ') || null),
  ]
}

function writeTable(sheet: ExcelJS.Worksheet, headers: { text: string; width: number }[], rows: Cell[][]) {
  sheet.columns = headers.map((h) => ({ header: h.text, width: h.width }))
  const head = sheet.getRow(1)
  head.font = { bold: true }
  head.alignment = { vertical: 'middle', wrapText: true }
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } }
  for (const values of rows) {
    const row = sheet.addRow(values)
    row.alignment = { vertical: 'top', wrapText: true }
    row.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = DATE_TIME_FORMAT
    })
  }
  sheet.views = [{ state: 'frozen', ySplit: 1 }]
  if (rows.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } }
}

export async function buildIncidentWorkbook(records: IncidentRecord[], options: WorkbookOptions): Promise<Buffer> {
  const { lang, policy } = options
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Kamae'
  workbook.created = workbook.modified = options.exportedAt

  const columns = incidentColumns(options)
  writeTable(
    workbook.addWorksheet(SHEETS.incidents[lang]),
    columns.map((c) => ({ text: c.header[lang], width: c.width })),
    records.map((record) => columns.map((c) => c.value(record))),
  )

  const severityLabel = (id: string) => [...policy.classification.levels, policy.classification.otherwise].find((l) => l.id === id)?.label[lang] ?? id
  const yes = YES_NO_UNKNOWN_LABELS.yes![lang]
  const no = YES_NO_UNKNOWN_LABELS.no![lang]
  const h = (ja: string, en: string, width: number) => ({ text: lang === 'ja' ? ja : en, width })
  writeTable(
    workbook.addWorksheet(SHEETS.history[lang]),
    [h('管理番号', 'Reference', 16), h('版', 'Version', 6), h('報告', 'Report', 14), h('提出日時（JST）', 'Submitted at (JST)', 18), h('期限（JST）', 'Due (JST)', 18), h('期限後の提出', 'Late', 8), h('重大度（判定）', 'Severity (computed)', 14), h('内容のハッシュ（SHA-256）', 'Content digest (SHA-256)', 70)],
    records.flatMap((r) => r.versions.map((v) => [r.reference, v.version, PHASE_LABELS[v.phase]![lang], jst(v.submittedAt), jst(v.dueAt), v.late ? yes : no, severityLabel(v.severity), v.contentDigest])),
  )
  writeTable(
    workbook.addWorksheet(SHEETS.criteria[lang]),
    [h('管理番号', 'Reference', 16), h('基準', 'Criterion', 36), h('該当', 'Met', 8), h('根拠', 'Reported values', 80)],
    records.flatMap((r) => r.classification.criteria.map((c) => [r.reference, c.label[lang], c.fired ? yes : no, c.conditions.map((x) => x.text[lang]).join('\n')])),
  )
  writeTable(
    workbook.addWorksheet(SHEETS.timeline[lang]),
    [h('管理番号', 'Reference', 16), h('日時（JST）', 'At (JST)', 18), h('内容', 'What happened', 80)],
    records.flatMap((r) => r.content.timeline.map((t) => [r.reference, jst(t.at), t.description])),
  )
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
