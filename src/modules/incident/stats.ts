// The sector view (issue 4 §3): incidents over time by category and severity, counted per month of
// detection in Japan time. Pure: rows in, one entry per month out (months without incidents too,
// so a chart has no gaps).

const JST_OFFSET_MS = 9 * 3_600_000
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

export interface MonthlyCount {
  month: string
  total: number
  byCategory: Record<string, number>
  bySeverity: Record<string, number>
}

export const isMonth = (value: string) => MONTH.test(value)

/** The month (YYYY-MM) of a moment, in Japan time. */
export function monthOf(date: Date): string {
  return new Date(date.getTime() + JST_OFFSET_MS).toISOString().slice(0, 7)
}

/** The first moment of a month (YYYY-MM) in Japan time. */
export function startOfMonth(month: string): Date {
  const match = MONTH.exec(month)
  if (!match) throw new Error(`not a month: ${month}`)
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1) - JST_OFFSET_MS)
}

/** The month after a month. */
export function nextMonth(month: string): string {
  const start = startOfMonth(month)
  return monthOf(new Date(start.getTime() + 32 * 24 * 3_600_000))
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = []
  for (let month = from; month <= to && months.length < 600; month = nextMonth(month)) months.push(month)
  return months
}

/** The last `count` months up to and including the month of `now`. */
export function recentMonths(now: Date, count: number): { from: string; to: string } {
  const to = monthOf(now)
  let from = to
  for (let i = 1; i < count; i++) from = monthOf(new Date(startOfMonth(from).getTime() - 24 * 3_600_000))
  return { from, to }
}

export function monthlyCounts(rows: { detectedAt: Date; category: string; severity: string }[], months: string[]): MonthlyCount[] {
  const byMonth = new Map(months.map((month): [string, MonthlyCount] => [month, { month, total: 0, byCategory: {}, bySeverity: {} }]))
  for (const row of rows) {
    const entry = byMonth.get(monthOf(row.detectedAt))
    if (!entry) continue
    entry.total += 1
    entry.byCategory[row.category] = (entry.byCategory[row.category] ?? 0) + 1
    entry.bySeverity[row.severity] = (entry.bySeverity[row.severity] ?? 0) + 1
  }
  return [...byMonth.values()]
}
