import { createHash } from 'node:crypto'

// RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, numbers and strings as
// ECMAScript serialises them — which JSON.stringify already does for primitives.
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('JCS: non-finite number')
    if (value === undefined) throw new TypeError('JCS: undefined has no JSON form')
    return JSON.stringify(value)
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value))
}
