import { createHash, randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'

// RFC 6238 TOTP, 6 digits, 30 s, SHA-1: what every authenticator app understands.
const PERIOD_SECONDS = 30

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Kamae',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  })
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

export function otpauthUri(secretBase32: string, email: string): string {
  return totpFor(secretBase32, email).toString()
}

/**
 * Checks a code with one step of clock drift either way. Returns the time step it matched, so the
 * caller can refuse a step that was already used (a replayed code), or null.
 */
export function matchTotpStep(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const delta = totpFor(secretBase32, '').validate({ token: code, timestamp: now.getTime(), window: 1 })
  if (delta === null) return null
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta
}

/** The current code: used by the demo seed's documentation and by tests acting as an authenticator app. */
export function currentTotpCode(secretBase32: string, now: Date): string {
  return totpFor(secretBase32, '').generate({ timestamp: now.getTime() })
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(12)
    const chars = Array.from(bytes, (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('')
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`
  })
}

// Recovery codes carry ~58 bits of randomness each, so a plain SHA-256 is enough to store them.
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.trim().toLowerCase()).digest('hex')
}
