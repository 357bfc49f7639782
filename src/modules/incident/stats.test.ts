import { describe, expect, it } from 'vitest'
import { monthOf, monthlyCounts, monthsBetween, recentMonths, startOfMonth } from './stats.js'

describe('the sector view counts', () => {
  it('puts an incident in the month of its detection in Japan time', () => {
    expect(monthOf(new Date('2026-03-31T14:59:59Z'))).toBe('2026-03')
    expect(monthOf(new Date('2026-03-31T15:00:00Z'))).toBe('2026-04')
    expect(startOfMonth('2026-04')).toEqual(new Date('2026-03-31T15:00:00Z'))
  })

  it('lists every month of a period, across a year', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
    expect(monthsBetween('2026-03', '2026-01')).toEqual([])
    expect(recentMonths(new Date('2026-02-10T00:00:00Z'), 3)).toEqual({ from: '2025-12', to: '2026-02' })
  })

  it('counts per month by category and severity, with empty months kept', () => {
    const rows = [
      { detectedAt: new Date('2026-01-05T00:00:00Z'), category: 'ddos', severity: 'non_major' },
      { detectedAt: new Date('2026-01-20T00:00:00Z'), category: 'ddos', severity: 'major' },
      { detectedAt: new Date('2026-03-01T00:00:00Z'), category: 'phishing', severity: 'non_major' },
      { detectedAt: new Date('2026-07-01T00:00:00Z'), category: 'phishing', severity: 'non_major' },
    ]
    expect(monthlyCounts(rows, ['2026-01', '2026-02', '2026-03'])).toEqual([
      { month: '2026-01', total: 2, byCategory: { ddos: 2 }, bySeverity: { non_major: 1, major: 1 } },
      { month: '2026-02', total: 0, byCategory: {}, bySeverity: {} },
      { month: '2026-03', total: 1, byCategory: { phishing: 1 }, bySeverity: { non_major: 1 } },
    ])
  })
})
