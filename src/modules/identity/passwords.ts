import { hash, verify } from '@node-rs/argon2'
import type { Localized } from '../../i18n/locale.js'

// Argon2id (the library's enum value 2; a const enum cannot cross isolated modules). Parameters
// follow OWASP's second recommended set: m=19 MiB, t=2, p=1.
const ARGON2ID = 2
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export const MIN_PASSWORD_LENGTH = 10

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

// Verifying against a fixed hash when the user does not exist keeps the response time the same,
// so timing does not reveal which e-mail addresses have accounts.
let decoyHash: Promise<string> | null = null
export async function verifyDecoy(password: string): Promise<void> {
  decoyHash ??= hashPassword('kamae-decoy-password')
  await verifyPassword(await decoyHash, password)
}

export function passwordProblem(password: string): Localized | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return {
      ja: `パスワードは${MIN_PASSWORD_LENGTH}文字以上にしてください`,
      en: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    }
  }
  if (password.length > 256) return { ja: 'パスワードが長すぎます', en: 'The password is too long' }
  return null
}
