import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ConfigError, type Config } from '../../config.js'

// The Ed25519 key that signs tree heads. Where it comes from, in order: KAMAE_LEDGER_KEY_FILE (a
// PKCS#8 PEM file), KAMAE_LEDGER_KEY (the PEM itself), else — in embedded mode only — the file
// `<dataDir>/ledger-key.pem`, generated (mode 0600) the first time it is needed. A PostgreSQL
// deployment without a configured key signs nothing: every server process must share one key,
// and only the operator can hand it to them all.
//
// Key id: the first 16 bytes of SHA-256 over the raw 32-byte public key, in hex — a fingerprint
// anyone recomputes from the public key alone, so pinning a key id pins the key.

export const KEY_FILE_NAME = 'ledger-key.pem'

export class LedgerKeyError extends ConfigError {
  constructor(message: string) {
    super(message)
    this.name = 'LedgerKeyError'
  }
}

export interface LedgerSigningKey {
  keyId: string
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array
  privateKey: KeyObject
  /** Where it was read from, for messages: a file path or 'KAMAE_LEDGER_KEY'. */
  source: string
}

/** Hex of the first 16 bytes of SHA-256(raw public key). */
export function keyIdOf(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 32)
}

/** The raw 32 bytes of an Ed25519 public (or private) key object. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' })
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new LedgerKeyError('not an Ed25519 key')
  return Buffer.from(jwk.x, 'base64url')
}

/** A public key object from the raw 32 bytes (throws on another length). */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new LedgerKeyError(`an Ed25519 public key is 32 bytes, not ${raw.length}`)
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
}

/** SubjectPublicKeyInfo PEM of a raw public key (what `openssl pkeyutl -verify` reads). */
export function publicKeyPem(raw: Uint8Array): string {
  return publicKeyFromRaw(raw).export({ type: 'spki', format: 'pem' }).toString()
}

/** A new Ed25519 private key as PKCS#8 PEM. */
export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519')
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
}

export function signingKeyFromPem(pem: string, source: string): LedgerSigningKey {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch {
    throw new LedgerKeyError(`${source} is not a PEM private key`)
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new LedgerKeyError(`${source} holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key; ledger heads are signed with Ed25519`)
  }
  const publicKey = rawPublicKey(privateKey)
  return { keyId: keyIdOf(publicKey), publicKey, privateKey, source }
}

/** The key file embedded mode uses when none is configured. */
export const embeddedKeyFile = (config: Config) => join(config.dataDir, KEY_FILE_NAME)

// Keys read once per process and source (a restart picks up a replaced file: that is rotation).
const loaded = new Map<string, LedgerSigningKey>()

/**
 * The configured signing key, generating the embedded one when absent; null when there is none to
 * use (PostgreSQL without KAMAE_LEDGER_KEY_FILE / KAMAE_LEDGER_KEY). A configured file that is
 * missing or not an Ed25519 private key is a configuration error, never silently replaced.
 */
export function loadSigningKey(config: Config): LedgerSigningKey | null {
  if (config.ledgerKeyPem) return cached(`pem:${keyIdOfPem(config.ledgerKeyPem)}`, () => signingKeyFromPem(config.ledgerKeyPem!, 'KAMAE_LEDGER_KEY'))
  if (config.ledgerKeyFile) {
    const file = config.ledgerKeyFile
    return cached(`file:${file}`, () => {
      if (!existsSync(file)) throw new LedgerKeyError(`KAMAE_LEDGER_KEY_FILE ${file} does not exist`)
      return signingKeyFromPem(readFileSync(file, 'utf8'), file)
    })
  }
  if (config.databaseUrl) return null
  const file = embeddedKeyFile(config)
  return cached(`file:${file}`, () => {
    if (!existsSync(file)) writeNewKeyFile(file)
    return signingKeyFromPem(readFileSync(file, 'utf8'), file)
  })
}

function cached(source: string, load: () => LedgerSigningKey): LedgerSigningKey {
  let key = loaded.get(source)
  if (!key) {
    key = load()
    loaded.set(source, key)
  }
  return key
}

const keyIdOfPem = (pem: string) => createHash('sha256').update(pem).digest('hex')

/** Writes a new key, readable by the owner only; another process that got there first wins. */
function writeNewKeyFile(file: string) {
  mkdirSync(dirname(file), { recursive: true })
  try {
    writeFileSync(file, generateSigningKeyPem(), { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}
