import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

// The confirmation code of a withdrawal's verification, checked over a second channel: Kamae
// sends a one-time code to the verifier's e-mail with what it confirms (reference, amount,
// destination, digest); the verifier types it back. Only a salted hash is stored, bound to the
// request digest, and a code dies after CODE_TTL_MS or MAX_ATTEMPTS wrong tries.

export const CODE_DIGITS = 8
export const CODE_PATTERN = `^[0-9]{${CODE_DIGITS}}$`
export const CODE_TTL_MS = 10 * 60_000
export const MAX_ATTEMPTS = 5
/** Codes a request may be sent in its life; then it is cancelled and raised again. */
export const MAX_CODES_PER_REQUEST = 5

export interface StoredCode {
  salt: string
  codeHash: string
  /** The request digest the code confirms. */
  digest: string
  expiresAt: Date
  attempts: number
}

export function codeHash(salt: string, digest: string, code: string): string {
  return createHash('sha256').update(`${salt}\u0000${digest}\u0000${code}`, 'utf8').digest('hex')
}

/** A fresh code (uniform over its 10^8 values) and what is stored of it. */
export function newConfirmationCode(digest: string, now: Date): { code: string; stored: StoredCode } {
  const code = randomInt(0, 10 ** CODE_DIGITS)
    .toString()
    .padStart(CODE_DIGITS, '0')
  const salt = randomBytes(16).toString('hex')
  return { code, stored: { salt, codeHash: codeHash(salt, digest, code), digest, expiresAt: new Date(now.getTime() + CODE_TTL_MS), attempts: 0 } }
}

export type CodeOutcome =
  /** The code is right: verification may complete. */
  | { result: 'accepted' }
  /** Wrong code: one attempt used. */
  | { result: 'wrong'; attempts: number; attemptsLeft: number }
  | { result: 'expired' }
  /** MAX_ATTEMPTS wrong tries have used the code up. */
  | { result: 'locked' }
  /** The request changed since the code was sent: it confirms something else. */
  | { result: 'stale' }

/** Checks a typed code against the stored one; the caller saves `attempts` of a wrong try. */
export function checkCode(stored: StoredCode, typed: string, currentDigest: string, now: Date): CodeOutcome {
  if (stored.attempts >= MAX_ATTEMPTS) return { result: 'locked' }
  if (now.getTime() >= stored.expiresAt.getTime()) return { result: 'expired' }
  if (stored.digest !== currentDigest) return { result: 'stale' }
  const expected = Buffer.from(stored.codeHash, 'hex')
  const actual = Buffer.from(codeHash(stored.salt, stored.digest, typed), 'hex')
  if (expected.length === actual.length && timingSafeEqual(expected, actual)) return { result: 'accepted' }
  const attempts = stored.attempts + 1
  return { result: 'wrong', attempts, attemptsLeft: MAX_ATTEMPTS - attempts }
}
