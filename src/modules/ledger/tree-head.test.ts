import { createHash, createPublicKey, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateSigningKeyPem, signingKeyFromPem } from './signing-key.js'
import { headSigningBytes, signTreeHead, verifySignedHead, type PublicLedgerKey, type TreeHead } from './tree-head.js'

const key = signingKeyFromPem(generateSigningKeyPem(), 'test')
const otherKey = signingKeyFromPem(generateSigningKeyPem(), 'other')
const T0 = Date.parse('2026-04-01T00:00:00Z')

const publicKey = (k = key, validFrom = T0 - 1_000, validUntil: number | null = null): PublicLedgerKey => ({
  keyId: k.keyId,
  publicKey: k.publicKey,
  validFrom: new Date(validFrom),
  validUntil: validUntil === null ? null : new Date(validUntil),
})
const keyring = (...keys: PublicLedgerKey[]) => new Map(keys.map((k) => [k.keyId, k]))

const head: TreeHead = {
  logId: '0b3c9a5e-8f1d-4c2b-9a7e-3d5f6b8c1a2e',
  treeSize: 42,
  rootHash: Buffer.alloc(32, 7).toString('base64'),
  timestamp: T0,
  keyId: key.keyId,
}

describe('signed tree heads', () => {
  it('sign the RFC 8785 canonical JSON of exactly five fields', () => {
    expect(Buffer.from(headSigningBytes(head)).toString('utf8')).toBe(
      `{"keyId":"${key.keyId}","logId":"${head.logId}","rootHash":"${head.rootHash}","timestamp":${T0},"treeSize":42}`,
    )
  })

  it('verify with the public key alone, as any Ed25519 implementation would', () => {
    const signed = signTreeHead(head, key.privateKey)
    expect(verifySignedHead(signed, keyring(publicKey()))).toEqual({ ok: true })
    const pem = createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' })
    expect(verify(null, headSigningBytes(signed), pem, Buffer.from(signed.signature, 'base64'))).toBe(true)
  })

  it('fail when any signed field changes', () => {
    const signed = signTreeHead(head, key.privateKey)
    const changes: Partial<TreeHead>[] = [
      { treeSize: 43 },
      { rootHash: Buffer.alloc(32, 8).toString('base64') },
      { timestamp: T0 + 1 },
      { logId: '1b3c9a5e-8f1d-4c2b-9a7e-3d5f6b8c1a2e' },
    ]
    for (const change of changes) {
      expect(verifySignedHead({ ...signed, ...change }, keyring(publicKey())), JSON.stringify(change)).toMatchObject({ ok: false, reason: 'bad_signature' })
    }
  })

  it('fail with a key that is unknown, untrusted, or not in use at the timestamp', () => {
    const signed = signTreeHead(head, key.privateKey)
    expect(verifySignedHead(signed, keyring(publicKey(otherKey)))).toMatchObject({ ok: false, reason: 'unknown_key' })
    expect(verifySignedHead(signed, keyring(publicKey()), new Set([otherKey.keyId]))).toMatchObject({ ok: false, reason: 'untrusted_key' })
    expect(verifySignedHead(signed, keyring(publicKey(key, T0 + 1)))).toMatchObject({ ok: false, reason: 'outside_validity' })
    expect(verifySignedHead(signed, keyring(publicKey(key, T0 - 10, T0 - 1)))).toMatchObject({ ok: false, reason: 'outside_validity' })
    expect(verifySignedHead(signed, keyring(publicKey(key, T0 - 10, T0)))).toEqual({ ok: true })
  })

  it('fail when another key is filed under the signing key id', () => {
    const signed = signTreeHead(head, key.privateKey)
    const forged = { ...publicKey(otherKey), keyId: key.keyId }
    expect(verifySignedHead(signed, keyring(forged))).toMatchObject({ ok: false, reason: 'key_id_mismatch' })
  })

  it('fail when a field has the wrong shape', () => {
    const signed = signTreeHead(head, key.privateKey)
    expect(verifySignedHead({ ...signed, rootHash: Buffer.alloc(31).toString('base64') }, keyring(publicKey()))).toMatchObject({ reason: 'malformed' })
    expect(verifySignedHead({ ...signed, treeSize: -1 }, keyring(publicKey()))).toMatchObject({ reason: 'malformed' })
    expect(verifySignedHead({ ...signed, signature: signed.signature.slice(4) }, keyring(publicKey()))).toMatchObject({ ok: false })
  })

  it('name their key by the first 16 bytes of SHA-256 of the raw public key', () => {
    expect(key.keyId).toBe(createHash('sha256').update(key.publicKey).digest('hex').slice(0, 32))
    expect(key.publicKey).toHaveLength(32)
  })
})
