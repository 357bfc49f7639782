import { sign, verify, type KeyObject } from 'node:crypto'
import { canonicalJson } from '../../canonical-json.js'
import { HASH_SIZE } from './merkle.js'
import { keyIdOf, publicKeyFromRaw } from './signing-key.js'

// Signed tree heads. Pure: no I/O.
//
// A head is { logId, treeSize, rootHash, timestamp, keyId }: the log's uuid, the number of
// entries, the RFC 9162 root hash of those entries (base64, 32 bytes), when it was signed (ms
// since the Unix epoch, as RFC 9162 §4.10 counts time) and the id of the signing key. The
// signature (Ed25519, RFC 8032, base64 of its 64 bytes) covers exactly
//
//   UTF-8( RFC 8785 canonical JSON of those five fields )
//   e.g. {"keyId":"…","logId":"…","rootHash":"…","timestamp":1767225600000,"treeSize":42}
//
// so any JSON library plus any Ed25519 implementation verifies it. The key is used for nothing
// else, so no other message signed by it can be mistaken for a head.

export interface TreeHead {
  logId: string
  treeSize: number
  /** Base64 of the 32-byte root hash. */
  rootHash: string
  /** Milliseconds since the Unix epoch. */
  timestamp: number
  keyId: string
}

export interface SignedTreeHead extends TreeHead {
  /** Base64 of the 64-byte Ed25519 signature over headSigningBytes(head). */
  signature: string
}

/** A public key as a verifier knows it: raw bytes and the period in which it signs. */
export interface PublicLedgerKey {
  keyId: string
  publicKey: Uint8Array
  validFrom: Date
  validUntil: Date | null
}

export type HeadFailure =
  | 'malformed' // a field is missing or of the wrong shape
  | 'key_id_mismatch' // the key's id is not the fingerprint of its public key
  | 'unknown_key' // no key with the head's key id
  | 'untrusted_key' // a key the verifier was not told to trust
  | 'outside_validity' // signed at a time its key was not (or no longer) in use
  | 'bad_signature'

export type HeadCheck = { ok: true } | { ok: false; reason: HeadFailure; message: string }

/** The bytes a head's signature covers: UTF-8 of the RFC 8785 canonical JSON of its five fields. */
export function headSigningBytes(head: TreeHead): Uint8Array {
  const { logId, treeSize, rootHash, timestamp, keyId } = head
  return Buffer.from(canonicalJson({ keyId, logId, rootHash, timestamp, treeSize }), 'utf8')
}

export function signTreeHead(head: TreeHead, privateKey: KeyObject): SignedTreeHead {
  const fields: TreeHead = { logId: head.logId, treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp, keyId: head.keyId }
  // Ed25519 hashes internally: no digest algorithm is named (RFC 8032 PureEdDSA).
  const signature = sign(null, headSigningBytes(fields), privateKey)
  return { ...fields, signature: signature.toString('base64') }
}

const reject = (reason: HeadFailure, message: string): HeadCheck => ({ ok: false, reason, message })

/**
 * Checks a signed head against the known keys: its shape, its key (known, fingerprint right,
 * trusted when a trust list is given, in use at the head's timestamp) and its signature.
 */
export function verifySignedHead(head: SignedTreeHead, keys: ReadonlyMap<string, PublicLedgerKey>, trusted?: ReadonlySet<string>): HeadCheck {
  const shape = headShapeProblem(head)
  if (shape) return reject('malformed', shape)
  const key = keys.get(head.keyId)
  if (!key) return reject('unknown_key', `no public key with id ${head.keyId}`)
  if (keyIdOf(key.publicKey) !== key.keyId) return reject('key_id_mismatch', `key ${key.keyId} is not the fingerprint of its public key`)
  if (trusted && !trusted.has(key.keyId)) return reject('untrusted_key', `key ${key.keyId} is not among the trusted keys`)
  if (head.timestamp < key.validFrom.getTime() || (key.validUntil && head.timestamp > key.validUntil.getTime())) {
    return reject('outside_validity', `signed at ${new Date(head.timestamp).toISOString()}, outside the validity of key ${key.keyId}`)
  }
  const signature = Buffer.from(head.signature, 'base64')
  if (signature.length !== 64) return reject('malformed', `the signature is ${signature.length} bytes, not 64`)
  const valid = verify(null, headSigningBytes(head), publicKeyFromRaw(key.publicKey), signature)
  return valid ? { ok: true } : reject('bad_signature', `the signature does not verify with key ${key.keyId}`)
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Base64 of exactly 32 bytes, or null. */
export function decodeHash(text: unknown): Uint8Array | null {
  if (typeof text !== 'string' || !BASE64.test(text)) return null
  const bytes = Buffer.from(text, 'base64')
  return bytes.length === HASH_SIZE && bytes.toString('base64') === text ? bytes : null
}

function headShapeProblem(head: SignedTreeHead): string | null {
  if (typeof head !== 'object' || head === null) return 'a head is an object'
  if (typeof head.logId !== 'string' || head.logId.length === 0) return 'logId is missing'
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0) return 'treeSize is not a non-negative integer'
  if (!decodeHash(head.rootHash)) return 'rootHash is not the base64 of 32 bytes'
  if (!Number.isSafeInteger(head.timestamp) || head.timestamp < 0) return 'timestamp is not a non-negative integer'
  if (typeof head.keyId !== 'string' || !/^[0-9a-f]{32}$/.test(head.keyId)) return 'keyId is not 32 hex digits'
  if (typeof head.signature !== 'string' || !BASE64.test(head.signature)) return 'signature is not base64'
  return null
}
