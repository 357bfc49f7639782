// Loads a catalog (one YAML file, or a directory of catalog.yaml + sections/*.yaml), checks it against
// catalogs/schema/catalog.schema.json and the rules of docs/catalog-format.md, and fills defaults.
// Every error names the file, line, column and path, in ja and en, so an author can fix all of them in one pass.

import { existsSync, readFileSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document } from 'yaml'
import { bundledCatalogsDir } from '../../paths.js'
import type {
  AnswerScale,
  Applicability,
  Catalog,
  CatalogItem,
  CatalogSection,
  Crosswalk,
  ItemClass,
  LocalizedList,
  LocalizedText,
  RefStyle,
  Sector,
  SizeBand,
} from './catalog-types.js'
import { isCsfSubcategoryId } from './csf-ids.js'

export interface CatalogError {
  file: string
  line: number | null
  column: number | null
  /** Where inside the file, e.g. `sections[0].items[3].class`; empty for the whole file. */
  path: string
  message: LocalizedText
}

export type LoadResult = { ok: true; catalog: Catalog } | { ok: false; errors: CatalogError[] }

/** One catalog file's text; the first is catalog.yaml, the rest are section files in order. */
export interface CatalogFileText {
  name: string
  text: string
}

const CATALOG_FILE_NAME = 'catalog.yaml'
const SECTIONS_DIR_NAME = 'sections'
/** The schema ships with the catalogs, not the code. */
export const CATALOG_SCHEMA_PATH = join(bundledCatalogsDir, 'schema', 'catalog.schema.json')

// ---------------------------------------------------------------------------------------------
// Reading files

export async function loadCatalog(path: string): Promise<LoadResult> {
  const read = await readCatalogFiles(path)
  return read.ok ? parseCatalogText(read.files) : read
}

type ReadResult = { ok: true; files: CatalogFileText[] } | { ok: false; errors: CatalogError[] }

async function readCatalogFiles(path: string): Promise<ReadResult> {
  try {
    if (!(await stat(path)).isDirectory()) return { ok: true, files: [await readText(path)] }
    const head = await readText(join(path, CATALOG_FILE_NAME))
    const sectionsDir = join(path, SECTIONS_DIR_NAME)
    const names = existsSync(sectionsDir) ? await readdir(sectionsDir) : []
    const sectionNames = names.filter((name) => /\.ya?ml$/.test(name)).sort(compareFileNames)
    const sections = await Promise.all(sectionNames.map((name) => readText(join(sectionsDir, name))))
    return { ok: true, files: [head, ...sections] }
  } catch (error) {
    return { ok: false, errors: [readError(error, path)] }
  }
}

async function readText(name: string): Promise<CatalogFileText> {
  return { name, text: await readFile(name, 'utf8') }
}

function readError(error: unknown, fallbackFile: string): CatalogError {
  const code = error instanceof Error && 'code' in error ? String(error.code) : ''
  const file = error instanceof Error && 'path' in error ? String(error.path) : fallbackFile
  const message =
    code === 'ENOENT'
      ? { ja: 'ファイルまたはディレクトリが見つかりません', en: 'no such file or directory' }
      : { ja: `読み込めません（${code || String(error)}）`, en: `cannot be read (${code || String(error)})` }
  return { file, line: null, column: null, path: '', message }
}

/** File-name order with numbers compared as numbers, so `2-2` < `2-2-1` < `2-10`. */
export function compareFileNames(a: string, b: string): number {
  const runsA = a.replace(/\.ya?ml$/, '').split(/(\d+)/)
  const runsB = b.replace(/\.ya?ml$/, '').split(/(\d+)/)
  for (let i = 0; i < Math.min(runsA.length, runsB.length); i++) {
    const [x, y] = [runsA[i] ?? '', runsB[i] ?? '']
    if (x === y) continue
    // split() with a capture group puts the digit runs at odd indices
    if (i % 2 === 1) return Number(x) - Number(y) || (x < y ? -1 : 1)
    return x < y ? -1 : 1
  }
  return runsA.length - runsB.length
}

// ---------------------------------------------------------------------------------------------
// The pure core

type Segment = string | number

interface ParsedFile {
  name: string
  text: string
  doc: Document.Parsed
  lines: LineCounter
  /** null when the YAML itself is broken: nothing further is checked in that file. */
  data: unknown
  syntaxErrors: CatalogError[]
}

export function parseCatalogText(files: readonly CatalogFileText[]): LoadResult {
  const [headText, ...sectionTexts] = files
  if (!headText) {
    const message = { ja: 'カタログのファイルがありません', en: 'no catalog file given' }
    return { ok: false, errors: [{ file: '', line: null, column: null, path: '', message }] }
  }
  const head = parseYamlFile(headText)
  const sectionFiles = sectionTexts.map(parseYamlFile)
  const all = [head, ...sectionFiles]
  const schemaErrors: CatalogError[] = []
  const validators = schemaValidators()
  const headData = validateFile(validators.catalogFile, head, schemaErrors)
  const sectionData = sectionFiles.map((file) => validateFile(validators.sectionFile, file, schemaErrors))
  const ruleErrors = checkRules(all, refStyleOf(head.data))
  const errors = orderErrors(
    all.map((file) => file.name),
    [...all.flatMap((file) => file.syntaxErrors), ...schemaErrors, ...withoutRepeats(ruleErrors, schemaErrors)],
  )
  if (errors.length > 0 || headData === null) return { ok: false, errors }
  const extraSections = sectionData.flatMap((data) => data?.sections ?? [])
  return { ok: true, catalog: buildCatalog(headData, extraSections) }
}

function parseYamlFile({ name, text }: CatalogFileText): ParsedFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const file: ParsedFile = { name, text, doc, lines, data: null, syntaxErrors: [] }
  file.syntaxErrors = doc.errors.map((error) => {
    const { line, col } = lines.linePos(error.pos[0])
    const message = { ja: `YAML の構文エラー: ${error.message}`, en: `YAML syntax error: ${error.message}` }
    return { file: name, line, column: col, path: '', message }
  })
  if (file.syntaxErrors.length > 0) return file
  try {
    file.data = doc.toJS()
  } catch (error) {
    // e.g. an alias bomb over yaml's maxAliasCount
    const reason = error instanceof Error ? error.message : String(error)
    file.syntaxErrors.push(errorAt(file, [], { ja: `YAML を読み込めません: ${reason}`, en: `YAML cannot be read: ${reason}` }))
  }
  return file
}

function orderErrors(fileOrder: string[], errors: CatalogError[]): CatalogError[] {
  const rank = (error: CatalogError) => fileOrder.indexOf(error.file)
  return [...errors].sort(
    (a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  )
}

/** One complaint per place: a rule error at a path the schema already rejected adds nothing. */
function withoutRepeats(ruleErrors: CatalogError[], schemaErrors: CatalogError[]): CatalogError[] {
  const seen = new Set(schemaErrors.map((error) => `${error.file}\u0000${error.path}`))
  return ruleErrors.filter((error) => !seen.has(`${error.file}\u0000${error.path}`))
}

// ---------------------------------------------------------------------------------------------
// Locating a path inside a YAML file

type Anchor = 'value' | 'key' | 'parent'

function errorAt(file: ParsedFile, segments: Segment[], message: LocalizedText, anchor: Anchor = 'value'): CatalogError {
  const { line, column } = locate(file, segments, anchor)
  return { file: file.name, line, column, path: formatPath(segments), message }
}

function locate(file: ParsedFile, segments: Segment[], anchor: Anchor): { line: number; column: number } {
  const target = anchor === 'value' ? segments : segments.slice(0, -1)
  // Walk back up when a node cannot be reached (an alias on the way): the nearest ancestor still helps.
  for (let depth = target.length; depth >= 0; depth--) {
    const node = depth === 0 ? file.doc.contents : file.doc.getIn(target.slice(0, depth), true)
    if (!isNode(node) || !node.range) continue
    let offset = node.range[0]
    if (anchor === 'key' && depth === target.length && isMap(node)) {
      const key = segments[segments.length - 1]
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key)
      if (pair && isNode(pair.key) && pair.key.range) offset = pair.key.range[0]
    }
    const { line, col } = file.lines.linePos(offset)
    return { line, column: col }
  }
  return { line: 1, column: 1 }
}

function formatPath(segments: readonly Segment[]): string {
  return segments.reduce<string>(
    (path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment),
    '',
  )
}

function pointerToSegments(data: unknown, pointer: string): Segment[] {
  if (pointer === '') return []
  const segments: Segment[] = []
  let node = data
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    const segment = Array.isArray(node) ? Number(key) : key
    segments.push(segment)
    node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined
  }
  return segments
}

// ---------------------------------------------------------------------------------------------
// Schema validation

interface RawOption {
  value: number
  label: LocalizedText
  score: number
}
interface RawNotApplicable {
  label: LocalizedText
  requiresReason: boolean
}
interface RawItem {
  ref: string
  class: ItemClass
  title: LocalizedText
  text: LocalizedText
  guidance?: LocalizedText
  evidence: LocalizedList
  applicability?: { sectors?: Sector[]; sizes?: SizeBand[] }
  crosswalk?: Crosswalk
  scale?: { options: RawOption[]; notApplicable?: RawNotApplicable }
}
interface RawSection {
  ref: string
  title: LocalizedText
  assessed?: boolean
  summary?: LocalizedText
  sections?: RawSection[]
  items?: RawItem[]
}
interface RawCatalogFile {
  id: string
  version: string
  refStyle?: RefStyle
  title: LocalizedText
  publisher?: LocalizedText
  source?: { published?: string; url?: string; note?: LocalizedText }
  description?: LocalizedText
  scale: { options: RawOption[]; notApplicable: RawNotApplicable }
  sections?: RawSection[]
}
interface RawSectionFile {
  sections: RawSection[]
}

interface SchemaValidators {
  catalogFile: ValidateFunction<RawCatalogFile>
  sectionFile: ValidateFunction<RawSectionFile>
}

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default
let compiled: SchemaValidators | null = null

function schemaValidators(): SchemaValidators {
  if (compiled) return compiled
  const schema: unknown = JSON.parse(readFileSync(CATALOG_SCHEMA_PATH, 'utf8'))
  if (!isRecord(schema) || typeof schema.$id !== 'string') throw new Error('catalog.schema.json has no $id')
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false })
  addFormats(ajv, ['date', 'uri'])
  ajv.addSchema(schema)
  const catalogFile = ajv.getSchema<RawCatalogFile>(`${schema.$id}#/$defs/catalogFile`)
  const sectionFile = ajv.getSchema<RawSectionFile>(`${schema.$id}#/$defs/sectionFile`)
  if (!catalogFile || !sectionFile) throw new Error('catalog.schema.json lacks $defs catalogFile / sectionFile')
  compiled = { catalogFile, sectionFile }
  return compiled
}

function validateFile<T>(validate: ValidateFunction<T>, file: ParsedFile, errors: CatalogError[]): T | null {
  if (file.syntaxErrors.length > 0) return null
  if (validate(file.data)) return file.data
  for (const error of validate.errors ?? []) errors.push(fromSchemaError(file, error))
  return null
}

function fromSchemaError(file: ParsedFile, error: ErrorObject): CatalogError {
  const segments = pointerToSegments(file.data, error.instancePath)
  const { params } = error
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    const message = { ja: '必須の項目がありません', en: 'is required' }
    return errorAt(file, [...segments, params.missingProperty], message, 'parent')
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return errorAt(file, [...segments, params.additionalProperty], unknownFieldMessage(error), 'key')
  }
  return errorAt(file, segments, schemaMessage(file, segments, error))
}

function unknownFieldMessage(error: ErrorObject): LocalizedText {
  const properties = isRecord(error.parentSchema) && isRecord(error.parentSchema.properties) ? error.parentSchema.properties : {}
  const known = Object.keys(properties).join(', ')
  return { ja: `未知の項目です（使える項目: ${known}）`, en: `is not a known field (known: ${known})` }
}

const TYPE_NAMES: Record<string, LocalizedText> = {
  object: { ja: 'マッピング（キー: 値）', en: 'a mapping (key: value)' },
  array: { ja: 'リスト', en: 'a list' },
  string: { ja: '文字列', en: 'a string' },
  integer: { ja: '整数', en: 'an integer' },
  number: { ja: '数値', en: 'a number' },
  boolean: { ja: 'true または false', en: 'true or false' },
}

// Patterns are named by their $defs entry so the message can say what a valid value looks like.
const PATTERN_MESSAGES: Record<string, LocalizedText> = {
  nonEmptyText: { ja: '空にはできません', en: 'must not be empty' },
  catalogId: {
    ja: '英小文字と数字を「-」か「.」でつないでください（例: fsa-cyber-2024）',
    en: 'must be lowercase letters and digits joined by "-" or "." (e.g. fsa-cyber-2024)',
  },
  sectionRef: {
    ja: '英数字を「.」か「-」でつないだ番号にしてください（例: 2.2.1）',
    en: 'must be letters and digits joined by "." or "-" (e.g. 2.2.1)',
  },
  itemRef: {
    ja: '英数字を「.」か「-」でつないだ番号にしてください（例: 2.2.1-B1）',
    en: 'must be letters and digits joined by "." or "-" (e.g. 2.2.1-B1)',
  },
  csfRef: {
    ja: 'NIST CSF 2.0 のサブカテゴリIDの形にしてください（例: PR.AA-01）',
    en: 'must be a NIST CSF 2.0 subcategory id such as PR.AA-01',
  },
  g7Ref: { ja: 'G7 基礎的要素 E1〜E8 のいずれかにしてください', en: 'must be a G7 Fundamental Element E1..E8' },
  bcbsRef: {
    ja: 'バーゼル委員会のオペレーショナル・レジリエンス原則 P1〜P7 のいずれかにしてください',
    en: 'must be a BCBS operational resilience principle P1..P7',
  },
}

function schemaMessage(file: ParsedFile, segments: Segment[], error: ErrorObject): LocalizedText {
  const { params } = error
  switch (error.keyword) {
    case 'type':
      return typeMessage(file, segments, error)
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : []
      const en = allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `one of ${allowed.join(', ')}`
      return { ja: `${allowed.join('・')} のいずれかにしてください`, en: `must be ${en}` }
    }
    case 'pattern': {
      const def = /\$defs\/([^/]+)\/pattern$/.exec(error.schemaPath)?.[1] ?? ''
      return PATTERN_MESSAGES[def] ?? { ja: `形式が正しくありません（${String(params.pattern)}）`, en: `must match ${String(params.pattern)}` }
    }
    case 'minItems': {
      const limit = Number(params.limit)
      return { ja: `${limit} 件以上必要です`, en: `must hold at least ${limit} ${limit === 1 ? 'entry' : 'entries'}` }
    }
    case 'minimum':
      return { ja: `${Number(params.limit)} 以上にしてください`, en: `must be at least ${Number(params.limit)}` }
    case 'maximum':
      return { ja: `${Number(params.limit)} 以下にしてください`, en: `must be at most ${Number(params.limit)}` }
    case 'uniqueItems':
      return {
        ja: `同じ値が重複しています（${Number(params.j) + 1} 番目と ${Number(params.i) + 1} 番目）`,
        en: `must not repeat an entry (entries ${Number(params.j) + 1} and ${Number(params.i) + 1} are the same)`,
      }
    case 'format':
      return params.format === 'date'
        ? { ja: '2024-10-04 の形の日付にしてください', en: 'must be a date like 2024-10-04' }
        : { ja: 'URL にしてください（https://…）', en: 'must be a URL (https://…)' }
    default:
      return { ja: `スキーマに適合しません（${error.message ?? error.keyword}）`, en: error.message ?? `fails ${error.keyword}` }
  }
}

function typeMessage(file: ParsedFile, segments: Segment[], error: ErrorObject): LocalizedText {
  const expected = TYPE_NAMES[String(error.params.type)] ?? { ja: String(error.params.type), en: String(error.params.type) }
  const node = file.doc.getIn(segments, true)
  // YAML reads `ref: 2.2` or `version: 2.0` as numbers; the fix is to quote the text as written.
  if (error.params.type === 'string' && isScalar(node) && typeof node.value !== 'string' && node.range) {
    const written = file.text.slice(node.range[0], node.range[1])
    return {
      ja: `文字列にしてください（"${written}" のように引用符で囲む）`,
      en: `must be a string: quote it ("${written}")`,
    }
  }
  return { ja: `${expected.ja}にしてください`, en: `must be ${expected.en}` }
}

// ---------------------------------------------------------------------------------------------
// Rules beyond the schema. They read the raw data defensively, so they still run (and report)
// when the schema has already found other errors.

interface Entry {
  file: ParsedFile
  segments: Segment[]
  value: Record<string, unknown>
}

interface ItemEntry extends Entry {
  sectionRef: unknown
}

function refStyleOf(data: unknown): RefStyle {
  return isRecord(data) && data.refStyle === 'free' ? 'free' : 'structured'
}

function checkRules(files: ParsedFile[], refStyle: RefStyle): CatalogError[] {
  const sections: Entry[] = []
  const items: ItemEntry[] = []
  for (const file of files) collectSections(file, ['sections'], listAt(file.data, 'sections'), sections, items)
  const scales: Entry[] = [
    ...files.slice(0, 1).flatMap((file) => entryAt(file, ['scale'], isRecord(file.data) ? file.data.scale : null)),
    ...items.flatMap((item) => entryAt(item.file, [...item.segments, 'scale'], item.value.scale)),
  ]
  return [
    ...checkRefsUnique([...sections, ...items]),
    ...(refStyle === 'structured' ? items.flatMap(checkItemRef) : []),
    ...scales.flatMap(checkOptionValuesUnique),
    ...items.flatMap(checkCsfRefs),
  ]
}

function collectSections(file: ParsedFile, at: Segment[], list: unknown[], sections: Entry[], items: ItemEntry[]): void {
  list.forEach((value, index) => {
    if (!isRecord(value)) return
    const segments = [...at, index]
    sections.push({ file, segments, value })
    listAt(value, 'items').forEach((item, itemIndex) => {
      if (isRecord(item)) items.push({ file, segments: [...segments, 'items', itemIndex], value: item, sectionRef: value.ref })
    })
    collectSections(file, [...segments, 'sections'], listAt(value, 'sections'), sections, items)
  })
}

function checkRefsUnique(entries: Entry[]): CatalogError[] {
  const first = new Map<string, Entry>()
  const errors: CatalogError[] = []
  for (const entry of entries) {
    const ref = entry.value.ref
    if (typeof ref !== 'string') continue
    const earlier = first.get(ref)
    if (!earlier) {
      first.set(ref, entry)
      continue
    }
    const { line } = locate(earlier.file, [...earlier.segments, 'ref'], 'value')
    const where = `${earlier.file.name}:${line} ${formatPath([...earlier.segments, 'ref'])}`
    errors.push(
      errorAt(entry.file, [...entry.segments, 'ref'], {
        ja: `ref ${ref} は既に使われています（${where}）。ref はカタログ全体で一意にしてください`,
        en: `ref ${ref} is already used (${where}); refs are unique across the catalog`,
      }),
    )
  }
  return errors
}

const CLASS_LETTER: Record<ItemClass, string> = { basic: 'B', desirable: 'D' }

function checkItemRef(item: ItemEntry): CatalogError[] {
  const { ref, class: itemClass } = item.value
  const sectionRef = item.sectionRef
  if (typeof ref !== 'string' || typeof sectionRef !== 'string') return []
  const at = [...item.segments, 'ref']
  const match = /^(.*)-([BD])([1-9][0-9]*)$/.exec(ref)
  if (!match || match[1] !== sectionRef) {
    return [
      errorAt(item.file, at, {
        ja: `項目の ref は所属セクションの ref に -B<番号>（基本的な対応事項）か -D<番号>（対応が望ましい事項）を付けた形にしてください（例: ${sectionRef}-B1）`,
        en: `must be its section's ref followed by -B<n> (basic) or -D<n> (desirable), e.g. ${sectionRef}-B1`,
      }),
    ]
  }
  if (itemClass !== 'basic' && itemClass !== 'desirable') return []
  const expected = CLASS_LETTER[itemClass]
  if (match[2] === expected) return []
  return [
    errorAt(item.file, at, {
      ja: `class が ${itemClass} の項目の ref は -${expected}<番号> にしてください（-${match[2]} になっています）`,
      en: `a ${itemClass} item's ref uses -${expected}<n>, not -${match[2]}`,
    }),
  ]
}

function checkOptionValuesUnique(scale: Entry): CatalogError[] {
  const seen = new Map<unknown, number>()
  const errors: CatalogError[] = []
  listAt(scale.value, 'options').forEach((option, index) => {
    if (!isRecord(option) || typeof option.value !== 'number') return
    const earlier = seen.get(option.value)
    if (earlier === undefined) {
      seen.set(option.value, index)
      return
    }
    errors.push(
      errorAt(scale.file, [...scale.segments, 'options', index, 'value'], {
        ja: `value ${option.value} は ${earlier + 1} 番目の選択肢と重複しています`,
        en: `value ${option.value} is already used by option ${earlier + 1} of this scale`,
      }),
    )
  })
  return errors
}

function checkCsfRefs(item: ItemEntry): CatalogError[] {
  const crosswalk = item.value.crosswalk
  return listAt(crosswalk, 'csf').flatMap((ref, index) =>
    typeof ref === 'string' && !isCsfSubcategoryId(ref)
      ? [
          errorAt(item.file, [...item.segments, 'crosswalk', 'csf', index], {
            ja: `${ref} は NIST CSF 2.0 のサブカテゴリIDではありません`,
            en: `${ref} is not a NIST CSF 2.0 subcategory id`,
          }),
        ]
      : [],
  )
}

function entryAt(file: ParsedFile, segments: Segment[], value: unknown): Entry[] {
  return isRecord(value) ? [{ file, segments, value }] : []
}

function listAt(value: unknown, key: string): unknown[] {
  const list = isRecord(value) ? value[key] : undefined
  return Array.isArray(list) ? list : []
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---------------------------------------------------------------------------------------------
// Defaults

function buildCatalog(raw: RawCatalogFile, extraSections: RawSection[]): Catalog {
  const scale: AnswerScale = { options: raw.scale.options, notApplicable: raw.scale.notApplicable }
  return {
    id: raw.id,
    version: raw.version,
    refStyle: raw.refStyle ?? 'structured',
    title: raw.title,
    publisher: raw.publisher ?? null,
    source: raw.source
      ? { published: raw.source.published ?? null, url: raw.source.url ?? null, note: raw.source.note ?? null }
      : null,
    description: raw.description ?? null,
    scale,
    sections: [...(raw.sections ?? []), ...extraSections].map((section) => buildSection(section, scale, true)),
  }
}

// A subsection inherits `assessed` from its parent, so marking a context chapter false covers all of it.
function buildSection(raw: RawSection, scale: AnswerScale, parentAssessed: boolean): CatalogSection {
  const assessed = raw.assessed ?? parentAssessed
  return {
    ref: raw.ref,
    title: raw.title,
    assessed,
    summary: raw.summary ?? null,
    sections: (raw.sections ?? []).map((section) => buildSection(section, scale, assessed)),
    items: (raw.items ?? []).map((item) => buildItem(item, raw.ref, scale)),
  }
}

function buildItem(raw: RawItem, sectionRef: string, scale: AnswerScale): CatalogItem {
  const applicability: Applicability = {
    sectors: raw.applicability?.sectors ?? null,
    sizes: raw.applicability?.sizes ?? null,
  }
  return {
    ref: raw.ref,
    class: raw.class,
    title: raw.title,
    text: raw.text,
    guidance: raw.guidance ?? null,
    evidence: raw.evidence,
    applicability,
    crosswalk: raw.crosswalk ?? {},
    scale: raw.scale
      ? { options: raw.scale.options, notApplicable: raw.scale.notApplicable ?? scale.notApplicable }
      : scale,
    sectionRef,
  }
}
