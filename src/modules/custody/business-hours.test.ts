import { describe, expect, it } from 'vitest'
import { japanDayOf, japanTimeOf, withinBusinessHours, type BusinessHours } from './business-hours.js'

const weekdays: BusinessHours = { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }

describe('business hours in Japan time', () => {
  it('reads the weekday and time in Japan, not in UTC', () => {
    // 2026-03-01T23:30Z is Monday 2 March 08:30 in Tokyo.
    expect(japanTimeOf(new Date('2026-03-01T23:30:00Z'))).toEqual({ isoWeekday: 1, minute: 8 * 60 + 30 })
    // 2026-03-01T15:00Z is Monday 00:00 in Tokyo; Sunday in UTC.
    expect(japanTimeOf(new Date('2026-03-01T15:00:00Z')).isoWeekday).toBe(1)
  })

  it('counts the start as inside and the end as outside', () => {
    expect(withinBusinessHours(new Date('2026-03-02T00:00:00Z'), weekdays)).toBe(true) // Mon 09:00 JST
    expect(withinBusinessHours(new Date('2026-03-01T23:59:00Z'), weekdays)).toBe(false) // Mon 08:59 JST
    expect(withinBusinessHours(new Date('2026-03-02T08:59:00Z'), weekdays)).toBe(true) // Mon 17:59 JST
    expect(withinBusinessHours(new Date('2026-03-02T09:00:00Z'), weekdays)).toBe(false) // Mon 18:00 JST
  })

  it('is outside hours on a day the desk does not work', () => {
    expect(withinBusinessHours(new Date('2026-03-07T03:00:00Z'), weekdays)).toBe(false) // Sat 12:00 JST
    expect(withinBusinessHours(new Date('2026-03-07T03:00:00Z'), { ...weekdays, days: [6] })).toBe(true)
  })

  it('allows a desk that works until midnight', () => {
    expect(withinBusinessHours(new Date('2026-03-02T14:59:00Z'), { days: [1], start: '00:00', end: '24:00' })).toBe(true) // Mon 23:59 JST
  })

  it('bounds the daily total by the Japan-time day', () => {
    const day = japanDayOf(new Date('2026-03-02T16:00:00Z')) // Tue 3 March 01:00 JST
    expect(day.from.toISOString()).toBe('2026-03-02T15:00:00.000Z')
    expect(day.to.toISOString()).toBe('2026-03-03T15:00:00.000Z')
  })
})
