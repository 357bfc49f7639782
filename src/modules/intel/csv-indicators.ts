import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { isRealDate } from './stix-formats.js'
import { makeBundle, makeIdentity, makeIndicator, patternFor, stixTimestamp, uuidV5, type ObservableType } from './stix-build.js'
import { parseTlpLevel, type TlpLevel } from './tlp.js'

// A CSV list of indicators (RFC 4180; UTF-8, a BOM allowed) to a STIX 2.1 bundle. The first row
// names the columns; `type` and `value` are required, the rest optional:
//   type         ipv4 | ipv6 | ip | domain | domain-suffix | url | email | md5 | sha1 | sha256
//                (MISP names too: ip-src, ip-dst, hostname, email-src, …)
//   value        the observable; a CIDR block for ip types; `.evil.example` for domain-suffix
//   tlp          clear | green | amber | amber+strict | red (TLP:… and white accepted), else the default
//   name, description, labels (separated by `;`)
//   valid_from, valid_until   ISO 8601 UTC (2024-04-01 or 2024-04-01T09:00:00Z)
// Pure. A row that cannot be imported is named, with its line and column, in `problems`; the other
// rows are imported. Indicator ids derive from type and value, so a list imported again updates the
// same indicators.

const TYPES: Record<string, ObservableType | 'ip'> = {
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  ip: 'ip',
  'ip-src': 'ip',
  'ip-dst': 'ip',
  domain: 'domain',
  hostname: 'domain',
  'domain-suffix': 'domain-suffix',
  url: 'url',
  email: 'email',
  'email-src': 'email',
  'email-dst': 'email',
  md5: 'md5',
  sha1: 'sha1',
  'sha-1': 'sha1',
  sha256: 'sha256',
  'sha-256': 'sha256',
}

export interface CsvImportOptions {
  now: Date
  /** The TLP of rows without one. */
  defaultTlp: TlpLevel
  /** The organisation the list comes from (an identity in the bundle, created_by_ref). */
  producer?: string
  /** Names the bundle (and nothing else): the file name, say. */
  source?: string
}

export type CsvImport =
  | { ok: true; bundle: Record<string, unknown>; indicators: number; problems: ErrorDetail[] }
  | { ok: false; errors: ErrorDetail[] }

export function importIndicatorCsv(text: string, options: CsvImportOptions): CsvImport {
  const parsed = parseCsv(text)
  if (!parsed.ok) return { ok: false, errors: [parsed.error] }
  const [header, ...rows] = parsed.rows
  if (!header || header.cells.every((cell) => cell.trim() === '')) {
    return { ok: false, errors: [at(1, null, { ja: '見出し行（type,value,…）がありません', en: 'no header row (type,value,…)' })] }
  }
  const columns = header.cells.map((cell) => cell.trim().toLowerCase())
  const missing = ['type', 'value'].filter((name) => !columns.includes(name))
  if (missing.length > 0) {
    return { ok: false, errors: [at(header.line, null, { ja: `必須の列がありません: ${missing.join(', ')}`, en: `missing column(s): ${missing.join(', ')}` })] }
  }
  const created = stixTimestamp(options.now)
  const identity = options.producer ? makeIdentity(uuidV5(`producer:${options.producer}`), options.producer, created) : null
  const problems: ErrorDetail[] = []
  const indicators: Array<Record<string, unknown>> = []
  const seen = new Map<string, number>()
  const tlps = new Set<TlpLevel>()

  for (const row of rows) {
    if (row.cells.every((cell) => cell.trim() === '')) continue
    const cell = (name: string) => {
      const index = columns.indexOf(name)
      return index < 0 ? '' : (row.cells[index] ?? '').trim()
    }
    const typeName = cell('type').toLowerCase()
    const type = TYPES[typeName]
    if (!type) {
      problems.push(at(row.line, 'type', { ja: `種類「${cell('type')}」は使えません（${Object.keys(TYPES).join(', ')}）`, en: `unknown type "${cell('type')}" (${Object.keys(TYPES).join(', ')})` }))
      continue
    }
    const built = patternFor(type, cell('value'))
    if (!built.ok) {
      problems.push(at(row.line, 'value', built.reason))
      continue
    }
    let tlp = options.defaultTlp
    if (cell('tlp') !== '') {
      const level = parseTlpLevel(cell('tlp'))
      if (!level) {
        problems.push(at(row.line, 'tlp', { ja: `TLP「${cell('tlp')}」は使えません（clear, green, amber, amber+strict, red）`, en: `unknown TLP "${cell('tlp')}" (clear, green, amber, amber+strict, red)` }))
        continue
      }
      tlp = level
    }
    const validFrom = cell('valid_from') === '' ? created : timestampOf(cell('valid_from'))
    if (validFrom === null) {
      problems.push(at(row.line, 'valid_from', { ja: '日時の形式が正しくありません（例: 2024-04-01T09:00:00Z）', en: 'not a UTC date or time (e.g. 2024-04-01T09:00:00Z)' }))
      continue
    }
    const validUntil = cell('valid_until') === '' ? undefined : timestampOf(cell('valid_until'))
    if (validUntil === null || (validUntil !== undefined && validUntil <= validFrom)) {
      problems.push(
        at(
          row.line,
          'valid_until',
          validUntil === null
            ? { ja: '日時の形式が正しくありません（例: 2024-10-01T00:00:00Z）', en: 'not a UTC date or time (e.g. 2024-10-01T00:00:00Z)' }
            : { ja: 'valid_from より後でなければなりません', en: 'must be later than valid_from' },
        ),
      )
      continue
    }
    const key = built.pattern
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      problems.push(at(row.line, 'value', { ja: `${earlier} 行目と同じ指標です（後の行は取り込みません）`, en: `the same indicator as line ${earlier} (this row is left out)` }))
      continue
    }
    seen.set(key, row.line)
    tlps.add(tlp)
    indicators.push(
      makeIndicator({
        uuid: uuidV5(`csv-indicator:${key}`),
        pattern: built.pattern,
        name: cell('name') || `${built.type}: ${cell('value')}`,
        description: cell('description') || undefined,
        created,
        modified: created,
        validFrom,
        validUntil,
        labels: cell('labels')
          .split(';')
          .map((label) => label.trim())
          .filter(Boolean),
        createdByRef: identity?.id as string | undefined,
        tlp,
      }),
    )
  }
  const objects = [...(identity ? [identity] : []), ...indicators]
  return { ok: true, bundle: makeBundle(objects, tlps, `csv:${options.source ?? created}`), indicators: indicators.length, problems }
}

/** `2024-04-01` or an ISO 8601 UTC time -> a STIX timestamp; null if neither. */
function timestampOf(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)Z?)?$/.exec(text)
  if (!match || !isRealDate(match[1]!)) return null
  const time = new Date(`${match[1]}T${match[2] ?? '00:00:00'}Z`)
  return Number.isNaN(time.getTime()) ? null : stixTimestamp(time)
}

const at = (line: number, column: string | null, message: Localized): ErrorDetail => ({ path: column ? `line ${line}, ${column}` : `line ${line}`, message })

// ---------------------------------------------------------------------------------------------
// RFC 4180

interface CsvRow {
  /** The line the row starts on (1-based). */
  line: number
  cells: string[]
}

/** Rows of cells; quoted cells may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): { ok: true; rows: CsvRow[] } | { ok: false; error: ErrorDetail } {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const rows: CsvRow[] = []
  let cells: string[] = []
  let cell = ''
  let line = 1
  let rowLine = 1
  let quoted = false
  let quoteLine = 1
  let i = 0
  const endCell = () => {
    cells.push(cell)
    cell = ''
  }
  const endRow = () => {
    endCell()
    rows.push({ line: rowLine, cells })
    cells = []
  }
  while (i < source.length) {
    const char = source[i]!
    if (quoted) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          cell += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      if (char === '\n') line++
      cell += char
      i++
      continue
    }
    if (char === '"' && cell === '') {
      quoted = true
      quoteLine = line
      i++
    } else if (char === ',') {
      endCell()
      i++
    } else if (char === '\r' || char === '\n') {
      endRow()
      i += char === '\r' && source[i + 1] === '\n' ? 2 : 1
      line++
      rowLine = line
    } else {
      cell += char
      i++
    }
  }
  if (quoted) return { ok: false, error: at(quoteLine, null, { ja: '引用符（"）が閉じられていません', en: 'a quoted cell is not closed (")' }) }
  if (cell !== '' || cells.length > 0) endRow()
  return { ok: true, rows }
}
