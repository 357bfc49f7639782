// Business hours of an exchange, in Japan time (Asia/Tokyo: UTC+9 all year, no daylight saving),
// and the Japan-time day a daily withdrawal total is counted over. Pure: dates in, answers out.

const JST_OFFSET_MS = 9 * 3_600_000
const DAY_MS = 86_400_000

export interface BusinessHours {
  /** ISO weekdays the desk works: 1 = Monday … 7 = Sunday. */
  days: number[]
  /** 'HH:MM' Japan time, start inclusive, end exclusive; end may be '24:00'. */
  start: string
  end: string
}

export const TIME_PATTERN = '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'

export function minutesOf(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':')
  return Number(hours) * 60 + Number(minutes)
}

/** Weekday (ISO) and minute of the day of an instant, in Japan time. */
export function japanTimeOf(at: Date): { isoWeekday: number; minute: number } {
  const local = new Date(at.getTime() + JST_OFFSET_MS)
  const weekday = local.getUTCDay()
  return { isoWeekday: weekday === 0 ? 7 : weekday, minute: local.getUTCHours() * 60 + local.getUTCMinutes() }
}

export function withinBusinessHours(at: Date, hours: BusinessHours): boolean {
  const { isoWeekday, minute } = japanTimeOf(at)
  return hours.days.includes(isoWeekday) && minute >= minutesOf(hours.start) && minute < minutesOf(hours.end)
}

/** The Japan-time calendar day holding `at`, as the instants [from, to). */
export function japanDayOf(at: Date): { from: Date; to: Date } {
  const localMidnight = Math.floor((at.getTime() + JST_OFFSET_MS) / DAY_MS) * DAY_MS
  const from = new Date(localMidnight - JST_OFFSET_MS)
  return { from, to: new Date(from.getTime() + DAY_MS) }
}
