import type { Distribution, PeerGroup } from './report-types.js'

// The figures of the sector analysis. Pure: numbers in, numbers out.

/**
 * The q-quantile of sorted values by linear interpolation between closest ranks (Hyndman & Fan
 * type 7, as Excel's PERCENTILE.INC and R's default): position (n - 1) * q.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values')
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower] as number
  const high = sorted[upper] as number
  return low + (high - low) * (position - lower)
}

/** Count, mean and the quantiles the reports show; null values (nothing assessed) are left out. Null when nothing is left. */
export function distributionOf(values: readonly (number | null)[]): Distribution | null {
  const sorted = values.filter((value): value is number => value !== null).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const sum = sorted.reduce((total, value) => total + value, 0)
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p10: quantile(sorted, 0.1),
    p25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
    p90: quantile(sorted, 0.9),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  }
}

/**
 * Where a value stands in a group (0..100): the share scoring strictly below plus half of those
 * scoring the same (the group includes the institution itself, so a lone value ranks 50).
 */
export function percentileRank(values: readonly (number | null)[], value: number | null): number | null {
  if (value === null) return null
  let below = 0
  let same = 0
  let count = 0
  for (const other of values) {
    if (other === null) continue
    count += 1
    // Scores are means of catalog scores with four decimals: compare at that precision.
    if (Math.abs(other - value) < 1e-9) same += 1
    else if (other < value) below += 1
  }
  if (count === 0) return null
  return ((below + same / 2) / count) * 100
}

export interface GroupMember {
  sector: string
  sizeBand: string
}

/**
 * The group whose figures an institution may see about its peers: sector x size band when at least
 * k institutions are in it, else the sector, else every submission; none when even that is under k.
 */
export function choosePeerGroup(members: readonly GroupMember[], own: GroupMember, k: number): PeerGroup | null {
  const peer = members.filter((m) => m.sector === own.sector && m.sizeBand === own.sizeBand).length
  if (peer >= k) return { level: 'peer', sector: own.sector, sizeBand: own.sizeBand, size: peer, fellBackFrom: null }
  const sector = members.filter((m) => m.sector === own.sector).length
  if (sector >= k) return { level: 'sector', sector: own.sector, sizeBand: null, size: sector, fellBackFrom: 'peer' }
  if (members.length >= k) return { level: 'all', sector: null, sizeBand: null, size: members.length, fellBackFrom: 'peer' }
  return null
}

/** Whether a member belongs to a (chosen) group. */
export function inGroup(group: Pick<PeerGroup, 'level' | 'sector' | 'sizeBand'>, member: GroupMember): boolean {
  if (group.level === 'all') return true
  if (group.level === 'sector') return member.sector === group.sector
  return member.sector === group.sector && member.sizeBand === group.sizeBand
}
