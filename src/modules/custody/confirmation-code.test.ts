import { describe, expect, it } from 'vitest'
import { checkCode, CODE_DIGITS, CODE_TTL_MS, MAX_ATTEMPTS, newConfirmationCode } from './confirmation-code.js'

const digest = 'a'.repeat(64)
const now = new Date('2026-03-02T01:00:00Z')
const later = (ms: number) => new Date(now.getTime() + ms)

describe('the confirmation code', () => {
  it('is a string of eight digits and is never stored in clear', () => {
    const { code, stored } = newConfirmationCode(digest, now)
    expect(code).toMatch(new RegExp(`^[0-9]{${CODE_DIGITS}}$`))
    expect(JSON.stringify(stored)).not.toContain(code)
    expect(stored.expiresAt.getTime() - now.getTime()).toBe(CODE_TTL_MS)
  })

  it('accepts the code that was sent', () => {
    const { code, stored } = newConfirmationCode(digest, now)
    expect(checkCode(stored, code, digest, later(1000))).toEqual({ result: 'accepted' })
  })

  it('counts a wrong code as one attempt', () => {
    const { code, stored } = newConfirmationCode(digest, now)
    const wrong = code === '00000000' ? '00000001' : '00000000'
    expect(checkCode(stored, wrong, digest, now)).toEqual({ result: 'wrong', attempts: 1, attemptsLeft: MAX_ATTEMPTS - 1 })
  })

  it('refuses even the right code once it has expired', () => {
    const { code, stored } = newConfirmationCode(digest, now)
    expect(checkCode(stored, code, digest, later(CODE_TTL_MS))).toEqual({ result: 'expired' })
  })

  it('refuses even the right code after too many wrong ones', () => {
    const { code, stored } = newConfirmationCode(digest, now)
    expect(checkCode({ ...stored, attempts: MAX_ATTEMPTS }, code, digest, now)).toEqual({ result: 'locked' })
  })

  it('refuses a code sent for another version of the request', () => {
    const { code, stored } = newConfirmationCode(digest, now)
    expect(checkCode(stored, code, 'b'.repeat(64), now)).toEqual({ result: 'stale' })
  })

  it('gives two requests different codes and salts', () => {
    const first = newConfirmationCode(digest, now)
    const second = newConfirmationCode(digest, now)
    expect(first.stored.salt).not.toBe(second.stored.salt)
    expect(first.stored.codeHash).not.toBe(second.stored.codeHash)
  })
})
