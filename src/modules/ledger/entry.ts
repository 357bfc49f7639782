import { canonicalJson } from '../../canonical-json.js'
import { leafHash } from './merkle.js'

// A ledger entry is a JSON object. Its bytes in the log are its RFC 8785 canonical JSON in UTF-8,
// so anyone holding the object can recompute the leaf hash, whatever key order or whitespace
// their own JSON library produces.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type LedgerEntry = { [key: string]: JsonValue }

export class EntryEncodingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EntryEncodingError'
  }
}

/** The entry's canonical bytes: UTF-8 of its RFC 8785 canonical JSON. */
export function encodeEntry(entry: LedgerEntry): Uint8Array {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new EntryEncodingError('a ledger entry is a JSON object')
  }
  return Buffer.from(canonicalJson(entry), 'utf8')
}

/** RFC 9162 leaf hash of the entry: SHA-256(0x00 || canonical bytes). */
export function entryLeafHash(entry: LedgerEntry): Uint8Array {
  return leafHash(encodeEntry(entry))
}

/**
 * Reads entry bytes back, refusing bytes that are not the canonical form of what they decode to
 * (extra whitespace, another key order, a non-shortest number): two byte strings must never
 * stand for one entry.
 */
export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new EntryEncodingError('the entry bytes are not JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EntryEncodingError('a ledger entry is a JSON object')
  const canonical = Buffer.from(canonicalJson(value), 'utf8')
  if (!canonical.equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
    throw new EntryEncodingError('the entry bytes are not in RFC 8785 canonical form')
  }
  return value as LedgerEntry
}
