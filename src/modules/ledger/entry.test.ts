import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { EntryEncodingError, decodeEntry, encodeEntry, entryLeafHash, type LedgerEntry } from './entry.js'

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8')

describe('ledger entries', () => {
  it('are encoded as RFC 8785 canonical JSON in UTF-8', () => {
    expect(text(encodeEntry({ b: 1, a: { d: [1, 'x'], c: null }, '日本': '金融' }))).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1,"日本":"金融"}')
  })

  it('hash to the same leaf whatever the key order', () => {
    expect(entryLeafHash({ action: 'login', actor: 'a1' })).toEqual(entryLeafHash({ actor: 'a1', action: 'login' }))
    expect(entryLeafHash({ action: 'login' })).not.toEqual(entryLeafHash({ action: 'logout' }))
  })

  it('hash as SHA-256(0x00 || canonical bytes)', () => {
    const entry = { kind: 'audit', seq: 7 }
    const expected = createHash('sha256').update(Uint8Array.of(0)).update('{"kind":"audit","seq":7}').digest()
    expect(Buffer.from(entryLeafHash(entry)).equals(expected)).toBe(true)
  })

  it('must be JSON objects', () => {
    expect(() => encodeEntry([1, 2] as unknown as LedgerEntry)).toThrow(EntryEncodingError)
    expect(() => encodeEntry(null as unknown as LedgerEntry)).toThrow(EntryEncodingError)
  })

  it('read back from their canonical bytes', () => {
    const entry = { z: [true, { y: 1.5 }], a: 'é' }
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry)
  })

  it('refuse bytes that are not canonical: whitespace, key order, number form, not JSON', () => {
    for (const bytes of ['{"a": 1}', '{"b":1,"a":2}', '{"a":1.0}', '{"a":1', '[1]']) {
      expect(() => decodeEntry(Buffer.from(bytes)), bytes).toThrow(EntryEncodingError)
    }
  })
})
