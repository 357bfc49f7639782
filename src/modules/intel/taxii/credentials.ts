import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Config } from '../../../config.js'
import { AppError } from '../../../errors.js'

// The tokens Kamae presents to other TAXII servers (subscriptions) are stored encrypted: AES-256-GCM
// under a key kept outside the database, in `<dataDir>/intel-credentials.key` (32 random bytes,
// generated mode 0600 at first need), so a copy of the database alone does not reveal them. The
// key's id (first 16 hex of its SHA-256) is stored with each secret: a process with another key
// says so instead of failing obscurely. Several processes behind a load balancer must share this
// file (or, later, a configured key).

export const CREDENTIALS_KEY_FILE = 'intel-credentials.key'

export interface CredentialKey {
  id: string
  key: Buffer
}

const loaded = new Map<string, CredentialKey>()

function keyFrom(bytes: Buffer): CredentialKey {
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 16), key: bytes }
}

/** The deployment's credentials key: read, or generated the first time. */
export function credentialKey(config: Config): CredentialKey {
  const path = join(config.dataDir, CREDENTIALS_KEY_FILE)
  const cached = loaded.get(path)
  if (cached) return cached
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    mkdirSync(dirname(path), { recursive: true })
    try {
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    } catch {
      // Another process made it first: use theirs.
    }
    text = readFileSync(path, 'utf8')
  }
  const bytes = Buffer.from(text.trim(), 'base64')
  if (bytes.length !== 32) throw new Error(`${path}: not a 32-byte key (base64)`)
  const key = keyFrom(bytes)
  loaded.set(path, key)
  return key
}

/** base64url(iv ‖ tag ‖ ciphertext). */
export function sealSecret(key: CredentialKey, plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key.key, iv)
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')
}

export function openSecret(key: CredentialKey, keyId: string, sealed: string): string {
  if (keyId !== key.id) {
    throw new AppError('credentials_key_changed', 409, {
      ja: `トークンは別の鍵（${keyId}）で暗号化されています。購読のトークンを入力し直してください`,
      en: `The token was encrypted with another key (${keyId}): enter the subscription's token again`,
    })
  }
  const data = Buffer.from(sealed, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, 12))
  decipher.setAuthTag(data.subarray(12, 28))
  return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8')
}
