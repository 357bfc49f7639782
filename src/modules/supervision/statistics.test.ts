import { describe, expect, it } from 'vitest'
import { choosePeerGroup, distributionOf, percentileRank, quantile } from './statistics.js'

describe('quantiles (linear interpolation, type 7)', () => {
  // Worked by hand: sorted 0.2 0.4 0.5 0.7 0.9 1.0; n - 1 = 5.
  // p10: position 0.5 -> 0.2 + 0.5 * (0.4 - 0.2) = 0.3
  // p25: position 1.25 -> 0.4 + 0.25 * (0.5 - 0.4) = 0.425
  // median: position 2.5 -> 0.5 + 0.5 * (0.7 - 0.5) = 0.6
  // p75: position 3.75 -> 0.7 + 0.75 * (0.9 - 0.7) = 0.85
  // p90: position 4.5 -> 0.9 + 0.5 * (1.0 - 0.9) = 0.95
  // mean: 3.7 / 6 = 0.61666…
  it('matches a hand-computed example', () => {
    const summary = distributionOf([0.9, 0.2, null, 1.0, 0.5, 0.4, 0.7])
    expect(summary).not.toBeNull()
    expect(summary?.count).toBe(6)
    expect(summary?.mean).toBeCloseTo(3.7 / 6, 12)
    expect(summary?.p10).toBeCloseTo(0.3, 12)
    expect(summary?.p25).toBeCloseTo(0.425, 12)
    expect(summary?.median).toBeCloseTo(0.6, 12)
    expect(summary?.p75).toBeCloseTo(0.85, 12)
    expect(summary?.p90).toBeCloseTo(0.95, 12)
    expect(summary?.min).toBe(0.2)
    expect(summary?.max).toBe(1.0)
  })

  it('takes the value itself at exact ranks and the only value of a single-element list', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3)
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2)
    expect(quantile([7], 0.9)).toBe(7)
  })

  it('has no distribution when nothing was assessed', () => {
    expect(distributionOf([null, null])).toBeNull()
    expect(() => quantile([], 0.5)).toThrow(RangeError)
  })
})

describe('percentile rank', () => {
  it('counts those below plus half of the ties, the institution included', () => {
    // 0.2 0.4 0.5 0.5 0.9: for 0.5, 2 below and 2 the same -> (2 + 1) / 5 = 60
    expect(percentileRank([0.2, 0.4, 0.5, 0.5, 0.9], 0.5)).toBeCloseTo(60, 12)
    expect(percentileRank([0.2, 0.4, 0.5, 0.5, 0.9], 0.9)).toBeCloseTo(90, 12)
    expect(percentileRank([0.2, 0.4, 0.5, 0.5, 0.9], 0.2)).toBeCloseTo(10, 12)
    expect(percentileRank([0.3], 0.3)).toBe(50)
    expect(percentileRank([0.3, 0.4], null)).toBeNull()
  })
})

describe('k-anonymous peer groups', () => {
  const members = (sector: string, sizeBand: string, n: number) => Array.from({ length: n }, () => ({ sector, sizeBand }))

  it('uses sector x size band when it has at least k institutions', () => {
    const all = [...members('shinkin', 'small', 5), ...members('shinkin', 'large', 2)]
    expect(choosePeerGroup(all, { sector: 'shinkin', sizeBand: 'small' }, 5)).toEqual({ level: 'peer', sector: 'shinkin', sizeBand: 'small', size: 5, fellBackFrom: null })
  })

  it('never shows a group of 4 with k = 5: falls back to the sector, then to everyone', () => {
    const all = [...members('shinkin', 'small', 4), ...members('shinkin', 'large', 3), ...members('securities', 'large', 2)]
    expect(choosePeerGroup(all, { sector: 'shinkin', sizeBand: 'small' }, 5)).toEqual({ level: 'sector', sector: 'shinkin', sizeBand: null, size: 7, fellBackFrom: 'peer' })
    expect(choosePeerGroup(all, { sector: 'securities', sizeBand: 'large' }, 5)).toEqual({ level: 'all', sector: null, sizeBand: null, size: 9, fellBackFrom: 'peer' })
  })

  it('shows nothing about others when the whole round is under k', () => {
    expect(choosePeerGroup(members('shinkin', 'small', 4), { sector: 'shinkin', sizeBand: 'small' }, 5)).toBeNull()
  })
})
