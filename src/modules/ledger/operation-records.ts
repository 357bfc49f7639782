import { createHash } from 'node:crypto'
import { canonicalJson } from '../../canonical-json.js'
import { invalid, type AppError, type ErrorDetail } from '../../errors.js'

// An institution's operation records as they arrive (issue 6 §3): a JSON body
// `{ "records": [ … ] }` or `{ "record": { … } }`, or JSON Lines (application/x-ndjson, one record
// a line). Each record is a JSON object of at most MAX_RECORD_BYTES in its RFC 8785 canonical
// form, and those canonical bytes are the ledger entry: its leaf hash is SHA-256(0x00 || bytes),
// which the institution can recompute from its own copy of the record. Pure: no I/O.

/** Records one call may append. */
export const MAX_RECORDS = 10_000
/** A record's canonical JSON, in bytes. */
export const MAX_RECORD_BYTES = 16 * 1024
/** A call's body, in bytes (JSON or JSON Lines). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024
/** Nesting of objects and arrays within a record. */
export const MAX_DEPTH = 32
/** Invalid records named in one error answer. */
const MAX_DETAILS = 20

interface RecordSource {
  records: unknown[]
  /** Where record i came from, for error details. */
  locate(index: number): { path: string; ja: string; en: string }
}

/** The records of a JSON body: exactly one of `records` (an array) and `record`. */
export function recordsOfJson(body: unknown): RecordSource {
  const { records, record } = (body ?? {}) as { records?: unknown; record?: unknown }
  if (records !== undefined && record !== undefined) throw notBoth()
  if (Array.isArray(records)) {
    assertCount(records.length)
    return { records, locate: (i) => ({ path: `body.records[${i}]`, ja: `記録 ${i}`, en: `record ${i}` }) }
  }
  if (records !== undefined) {
    throw invalid({ ja: 'records は配列です', en: 'records is an array' }, [{ path: 'body.records', message: { ja: '配列ではありません', en: 'not an array' } }])
  }
  if (record === undefined) throw notBoth()
  return { records: [record], locate: () => ({ path: 'body.record', ja: '記録', en: 'the record' }) }
}

/** The records of a JSON Lines body: one JSON value a line; blank lines are skipped. */
export function recordsOfJsonLines(text: string): RecordSource {
  const lines: number[] = []
  const sources = text.split('\n')
  for (let i = 0; i < sources.length; i++) if (sources[i]!.trim() !== '') lines.push(i)
  assertCount(lines.length)
  const records: unknown[] = []
  const details: ErrorDetail[] = []
  for (const [index, line] of lines.entries()) {
    try {
      records.push(JSON.parse(sources[line]!))
    } catch {
      records.push(undefined)
      if (details.length < MAX_DETAILS) {
        details.push({ path: `line ${line + 1}`, message: { ja: `記録 ${index}（${line + 1} 行目）は JSON として読めません`, en: `record ${index} (line ${line + 1}) is not JSON` } })
      }
    }
  }
  if (details.length > 0) throw invalidRecords(details)
  return { records, locate: (i) => ({ path: `line ${lines[i]! + 1}`, ja: `記録 ${i}（${lines[i]! + 1} 行目）`, en: `record ${i} (line ${lines[i]! + 1})` }) }
}

/** Each record's canonical bytes, in order; refuses the call naming each bad record (up to 20). */
export function encodeRecords(source: RecordSource): Uint8Array[] {
  const encoded: Uint8Array[] = []
  const details: ErrorDetail[] = []
  for (const [i, record] of source.records.entries()) {
    const where = source.locate(i)
    const problem = problemOf(record)
    if (problem) {
      if (details.length < MAX_DETAILS) details.push({ path: where.path, message: { ja: `${where.ja}: ${problem.ja}`, en: `${where.en}: ${problem.en}` } })
      continue
    }
    const bytes = Buffer.from(canonicalJson(record), 'utf8')
    if (bytes.length > MAX_RECORD_BYTES) {
      if (details.length < MAX_DETAILS) {
        details.push({
          path: where.path,
          message: {
            ja: `${where.ja}: 正規化した JSON が ${bytes.length} バイトで、上限 ${MAX_RECORD_BYTES} バイトを超えています`,
            en: `${where.en}: its canonical JSON is ${bytes.length} bytes, over the limit of ${MAX_RECORD_BYTES}`,
          },
        })
      }
      continue
    }
    encoded.push(bytes)
  }
  if (details.length > 0) throw invalidRecords(details)
  return encoded
}

/**
 * What identifies a call's records for its idempotency key: SHA-256 over each record's canonical
 * bytes, length-prefixed. The same records as JSON or as JSON Lines, in any key order, are the same.
 */
export function recordsDigest(encoded: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  const length = Buffer.alloc(4)
  for (const bytes of encoded) {
    length.writeUInt32BE(bytes.length)
    hash.update(length).update(bytes)
  }
  return hash.digest()
}

function problemOf(record: unknown): { ja: string; en: string } | null {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { ja: 'JSON のオブジェクトではありません', en: 'not a JSON object' }
  if (deeperThan(record, MAX_DEPTH)) return { ja: `入れ子が ${MAX_DEPTH} 段を超えています`, en: `nested deeper than ${MAX_DEPTH} levels` }
  return null
}

function deeperThan(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false
  if (depth === 0) return true
  for (const child of Array.isArray(value) ? value : Object.values(value)) if (deeperThan(child, depth - 1)) return true
  return false
}

function assertCount(count: number) {
  if (count === 0) throw invalid({ ja: '記録がありません', en: 'There are no records' }, [{ path: 'body', message: { ja: '記録が 0 件です', en: 'no records' } }])
  if (count > MAX_RECORDS) {
    const message = {
      ja: `一度に追加できる記録は ${MAX_RECORDS.toLocaleString('ja')} 件までです（${count.toLocaleString('ja')} 件あります）`,
      en: `A call appends at most ${MAX_RECORDS.toLocaleString('en')} records; this one has ${count.toLocaleString('en')}`,
    }
    throw invalid(message, [{ path: 'body', message }])
  }
}

const notBoth = (): AppError =>
  invalid({ ja: 'records（配列）か record（1 件）のどちらか一方を送ってください', en: 'Send either records (an array) or record (one record)' }, [
    { path: 'body', message: { ja: 'records または record', en: 'records or record' } },
  ])

const invalidRecords = (details: ErrorDetail[]): AppError =>
  invalid({ ja: '受け付けられない記録があります（何も追加していません）', en: 'Some records are not valid (nothing was appended)' }, details)
