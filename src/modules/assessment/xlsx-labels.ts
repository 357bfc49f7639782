// The words of the check sheet (チェックシート) in both languages. A workbook is written in one language
// and read back in either, so every name here is recognised on import whatever the export language was.

import type { ItemClass, LocalizedText } from '../catalog/catalog-types.js'
import type { AssessmentStatus, RemediationStatus } from './schema.js'

export type SheetKey = 'summary' | 'items' | 'evidence' | 'actions' | 'options'

export const SHEET_NAMES: Record<SheetKey, LocalizedText> = {
  summary: { ja: '概要', en: 'Summary' },
  items: { ja: '項目', en: 'Items' },
  evidence: { ja: '証跡', en: 'Evidence' },
  actions: { ja: '改善計画', en: 'Actions' },
  options: { ja: '選択肢', en: 'Options' },
}

export interface ColumnSpec<K extends string> {
  key: K
  header: LocalizedText
  /** Not 9: ExcelJS drops a column of the default width, and Excel then uses its own. */
  width: number
  /** Needed on import; informational columns may be missing. */
  required: boolean
}

export type ItemColumnKey =
  | 'ref'
  | 'section'
  | 'class'
  | 'title'
  | 'inScope'
  | 'answer'
  | 'notApplicable'
  | 'naReason'
  | 'comment'
  | 'evidenceCount'
  | 'text'

/** In sheet order: A ref … F answer … K the item text. */
export const ITEM_COLUMNS: ColumnSpec<ItemColumnKey>[] = [
  { key: 'ref', header: { ja: '参照番号', en: 'Ref' }, width: 12, required: true },
  { key: 'section', header: { ja: '分野', en: 'Section' }, width: 24, required: false },
  { key: 'class', header: { ja: '区分', en: 'Class' }, width: 10, required: false },
  { key: 'title', header: { ja: '項目名', en: 'Title' }, width: 36, required: false },
  { key: 'inScope', header: { ja: '評価対象', en: 'In scope' }, width: 10, required: true },
  { key: 'answer', header: { ja: '回答', en: 'Answer' }, width: 22, required: true },
  { key: 'notApplicable', header: { ja: '対象外', en: 'N/A' }, width: 10, required: true },
  { key: 'naReason', header: { ja: '対象外の理由', en: 'N/A reason' }, width: 30, required: true },
  { key: 'comment', header: { ja: 'コメント', en: 'Comment' }, width: 40, required: true },
  { key: 'evidenceCount', header: { ja: '証跡数', en: 'Evidence' }, width: 10, required: false },
  { key: 'text', header: { ja: '内容', en: 'Requirement' }, width: 60, required: false },
]

export type ActionColumnKey = 'id' | 'title' | 'description' | 'owner' | 'dueDate' | 'status' | 'itemRefs'

export const ACTION_COLUMNS: ColumnSpec<ActionColumnKey>[] = [
  { key: 'id', header: { ja: 'ID', en: 'ID' }, width: 38, required: true },
  { key: 'title', header: { ja: '件名', en: 'Title' }, width: 36, required: true },
  { key: 'description', header: { ja: '詳細', en: 'Description' }, width: 48, required: true },
  { key: 'owner', header: { ja: '担当者', en: 'Owner' }, width: 18, required: true },
  { key: 'dueDate', header: { ja: '対応期限', en: 'Due date' }, width: 13, required: true },
  { key: 'status', header: { ja: '状況', en: 'Status' }, width: 13, required: true },
  { key: 'itemRefs', header: { ja: '対象項目', en: 'Item refs' }, width: 24, required: true },
]

export type EvidenceColumnKey = 'itemRef' | 'filename' | 'sha256' | 'sizeBytes' | 'mediaType' | 'uploadedAt'

export const EVIDENCE_COLUMNS: ColumnSpec<EvidenceColumnKey>[] = [
  { key: 'itemRef', header: { ja: '参照番号', en: 'Item ref' }, width: 12, required: false },
  { key: 'filename', header: { ja: 'ファイル名', en: 'Filename' }, width: 36, required: false },
  { key: 'sha256', header: { ja: 'SHA-256', en: 'SHA-256' }, width: 66, required: false },
  { key: 'sizeBytes', header: { ja: 'サイズ（バイト）', en: 'Size (bytes)' }, width: 14, required: false },
  { key: 'mediaType', header: { ja: '種類', en: 'Media type' }, width: 24, required: false },
  { key: 'uploadedAt', header: { ja: '登録日時', en: 'Uploaded at' }, width: 26, required: false },
]

export const YES: LocalizedText = { ja: 'はい', en: 'Yes' }
export const NO: LocalizedText = { ja: 'いいえ', en: 'No' }

/** Besides はい/いいえ and Yes/No, what a person may type for yes or no (compared after normalising). */
export const YES_WORDS = ['はい', 'yes', 'y', 'true', '1', '○', '〇', '◯', '✓', '✔']
export const NO_WORDS = ['いいえ', 'no', 'n', 'false', '0', '×', '✕', '✗']

export const CLASS_LABELS: Record<ItemClass, LocalizedText> = {
  basic: { ja: '基本', en: 'Basic' },
  desirable: { ja: '望ましい', en: 'Desirable' },
}

export const ACTION_STATUS_LABELS: Record<RemediationStatus, LocalizedText> = {
  open: { ja: '未着手', en: 'Open' },
  in_progress: { ja: '対応中', en: 'In progress' },
  done: { ja: '完了', en: 'Done' },
  cancelled: { ja: '中止', en: 'Cancelled' },
}

export const ASSESSMENT_STATUS_LABELS: Record<AssessmentStatus, LocalizedText> = {
  draft: { ja: '作成中', en: 'Draft' },
  in_review: { ja: '承認待ち', en: 'In review' },
  approved: { ja: '承認済', en: 'Approved' },
}

export type SummaryRowKey =
  | 'organisation'
  | 'assessment'
  | 'version'
  | 'status'
  | 'catalog'
  | 'catalogKey'
  | 'catalogVersion'
  | 'exportedAt'

export const SUMMARY_LABELS: Record<SummaryRowKey | 'heading' | 'howTo' | 'marker', LocalizedText> = {
  heading: { ja: 'Kamae 自己評価チェックシート', en: 'Kamae self-assessment check sheet' },
  organisation: { ja: '組織', en: 'Organisation' },
  assessment: { ja: '自己評価', en: 'Assessment' },
  version: { ja: '版', en: 'Version' },
  status: { ja: '状況', en: 'Status' },
  catalog: { ja: 'カタログ', en: 'Catalog' },
  catalogKey: { ja: 'カタログID', en: 'Catalog key' },
  catalogVersion: { ja: 'カタログの版', en: 'Catalog version' },
  exportedAt: { ja: '出力日時', en: 'Exported at' },
  howTo: { ja: '記入方法', en: 'How to fill in' },
  marker: { ja: 'ファイル識別子（変更しないでください）', en: 'File marker (do not change)' },
}

export const HOW_TO: { ja: string[]; en: string[] } = {
  ja: [
    '1. 「項目」シートの「回答」欄で、各項目の回答をプルダウンから選んでください。未回答の項目は空欄のままにします。',
    '2. 対象外とする項目は「対象外」を「はい」にして「対象外の理由」を書き、「回答」は空欄にしてください。',
    '3. 灰色の列（参照番号・項目名など）と行の並びは変更しないでください。行を追加・削除しないでください。',
    '4. 「改善計画」シートでは空いている行に新しい改善策を書けます。IDは空欄のまま、対応期限は日付で入力してください。',
    '5. 「証跡」シートは参照用です。証跡ファイルはKamaeの画面から登録してください。',
    '6. 記入後、この自己評価の画面からファイルを取り込んでください。別のカタログのファイルは取り込めません。',
  ],
  en: [
    '1. On the Items sheet, pick each answer from the drop-down in the Answer column. Leave unanswered items blank.',
    '2. For an item that does not apply, set N/A to Yes, write the N/A reason, and leave the answer blank.',
    '3. Do not change the grey columns (ref, title and so on) and do not add or delete rows.',
    '4. On the Actions sheet, write new remediation actions in empty rows: leave the ID blank and enter the due date as a date.',
    '5. The Evidence sheet is for reference only: upload evidence files in Kamae.',
    '6. When done, import the file on this assessment in Kamae. A file made for another catalog cannot be imported.',
  ],
}

export const OPTIONS_HEADERS = {
  yesNo: { ja: 'はい／いいえ', en: 'Yes / No' },
  status: { ja: '改善策の状況', en: 'Action status' },
  scaleValue: (n: number): LocalizedText => ({ ja: `尺度${n}：値`, en: `Scale ${n}: value` }),
  scaleLabel: (n: number): LocalizedText => ({ ja: `尺度${n}：回答`, en: `Scale ${n}: answer` }),
}

/** Identifies a Kamae check sheet; the marker cell holds JSON with this `kamae` field. */
export const MARKER_KIND = 'assessment-exchange'
export const MARKER_FORMAT_VERSION = 1
