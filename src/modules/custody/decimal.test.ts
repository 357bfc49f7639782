import { describe, expect, it } from 'vitest'
import { compareAmounts, formatAmount, normalizeAmount, parseAmount, sumAmounts } from './decimal.js'

describe('amounts as exact decimals', () => {
  it('writes one normal form for the same amount', () => {
    expect(normalizeAmount('12.50')).toBe('12.5')
    expect(normalizeAmount('0.000000000000000001')).toBe('0.000000000000000001')
    expect(normalizeAmount('100')).toBe('100')
    expect(normalizeAmount('100.000')).toBe('100')
    expect(normalizeAmount('0.0')).toBe('0')
  })

  it('refuses what is not a plain decimal', () => {
    for (const text of ['', '-1', '+1', '1e3', '01', '1.', '.5', '1,5', ' 1', '0.0000000000000000001', '1'.repeat(31), 'NaN']) {
      expect(parseAmount(text), text).toBeNull()
    }
  })

  it('adds without the rounding of floating point', () => {
    expect(0.1 + 0.2).not.toBe(0.3)
    expect(sumAmounts(['0.1', '0.2'])).toBe('0.3')
    expect(sumAmounts(['999999999999999999999999999999.999999999999999999', '0.000000000000000001'])).toBe('1000000000000000000000000000000')
    expect(sumAmounts([])).toBe('0')
  })

  it('compares by value, not by text', () => {
    expect(compareAmounts('9', '10')).toBe(-1)
    expect(compareAmounts('10.0', '10')).toBe(0)
    expect(compareAmounts('10.000000000000000001', '10')).toBe(1)
  })

  it('formats units back to the amount', () => {
    expect(formatAmount(1_500_000_000_000_000_000n)).toBe('1.5')
    expect(() => formatAmount(-1n)).toThrow(RangeError)
  })
})
