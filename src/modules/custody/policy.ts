import type { ErrorDetail } from '../../errors.js'
import { minutesOf, type BusinessHours } from './business-hours.js'
import { compareAmounts, formatAmount, normalizeAmount, unitsOf } from './decimal.js'

// An exchange's withdrawal policy (pure): how many distinct approvers of how many (m-of-n), the
// limits of each asset, and the desk's business hours for alerts. Validation names the field.

export interface AssetLimit {
  /** Ticker as the exchange names it: BTC, ETH, USDT-ERC20. */
  asset: string
  /** Largest single withdrawal. */
  singleMax: string
  /** Largest total of the withdrawal requests of one Japan-time day (cancelled ones excluded). */
  dailyMax: string
  /** From this amount up, a request raises an alert; null: never. */
  alertThreshold: string | null
}

export interface CustodyPolicy {
  /** m: distinct approvals a withdrawal or an allow-list change needs. */
  approvalsRequired: number
  /** n: the approvers (approver or admin role) the exchange keeps for them. */
  approversTotal: number
  businessHours: BusinessHours
  assets: AssetLimit[]
}

/** What an exchange starts from until its admin sets a policy: 2-of-3, weekdays 9:00–18:00, no asset. */
export const DEFAULT_POLICY: CustodyPolicy = {
  approvalsRequired: 2,
  approversTotal: 3,
  businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
  assets: [],
}

export const ASSET_PATTERN = '^[A-Z0-9]{2,12}([.-][A-Z0-9]{1,12})?$'

/** The policy as stored: amounts in normal form, weekdays sorted, assets by ticker. */
export function normalizePolicy(policy: CustodyPolicy): CustodyPolicy {
  return {
    approvalsRequired: policy.approvalsRequired,
    approversTotal: policy.approversTotal,
    businessHours: { ...policy.businessHours, days: [...new Set(policy.businessHours.days)].sort((a, b) => a - b) },
    assets: [...policy.assets]
      .map((limit) => ({
        asset: limit.asset,
        singleMax: normalizeAmount(limit.singleMax) ?? limit.singleMax,
        dailyMax: normalizeAmount(limit.dailyMax) ?? limit.dailyMax,
        alertThreshold: limit.alertThreshold === null ? null : (normalizeAmount(limit.alertThreshold) ?? limit.alertThreshold),
      }))
      .sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0)),
  }
}

/** What is wrong with a policy, each problem located in the request body. */
export function policyProblems(policy: CustodyPolicy, eligibleApprovers: number): ErrorDetail[] {
  const problems: ErrorDetail[] = []
  const add = (path: string, ja: string, en: string) => problems.push({ path: `body.${path}`, message: { ja, en } })
  if (policy.approvalsRequired > policy.approversTotal) {
    add('approvalsRequired', '必要な承認数（m）は承認者の数（n）以下にしてください', 'm (approvals required) must not exceed n (approvers)')
  }
  if (policy.approversTotal > eligibleApprovers) {
    add(
      'approversTotal',
      `承認者の数（n）が、承認できるメンバー（承認者または管理者の役割）の数 ${eligibleApprovers} を超えています`,
      `n (approvers) exceeds the ${eligibleApprovers} members who can approve (approver or admin role)`,
    )
  }
  if (minutesOf(policy.businessHours.start) >= minutesOf(policy.businessHours.end)) {
    add('businessHours.end', '終了時刻は開始時刻より後にしてください', 'The end of business hours must come after the start')
  }
  const seen = new Set<string>()
  policy.assets.forEach((limit, i) => {
    const at = `assets[${i}]`
    if (seen.has(limit.asset)) add(`${at}.asset`, `${limit.asset} が重複しています`, `${limit.asset} is listed twice`)
    seen.add(limit.asset)
    const amounts = { singleMax: limit.singleMax, dailyMax: limit.dailyMax, ...(limit.alertThreshold === null ? {} : { alertThreshold: limit.alertThreshold }) }
    let valid = true
    for (const [field, value] of Object.entries(amounts)) {
      const normal = normalizeAmount(value)
      if (normal === null || normal === '0') {
        valid = false
        add(`${at}.${field}`, '0 より大きい数量を10進数で入力してください（例: 1.5）', 'Enter an amount greater than 0 as a decimal (e.g. 1.5)')
      }
    }
    if (!valid) return
    if (compareAmounts(limit.dailyMax, limit.singleMax) < 0) {
      add(`${at}.dailyMax`, '1日の上限は1回の上限以上にしてください', 'The daily limit must be at least the single-withdrawal limit')
    }
    if (limit.alertThreshold !== null && compareAmounts(limit.alertThreshold, limit.singleMax) > 0) {
      add(`${at}.alertThreshold`, 'アラートの閾値は1回の上限以下にしてください', 'The alert threshold must not exceed the single-withdrawal limit')
    }
  })
  return problems
}

export interface LimitCheck {
  withinSingle: boolean
  withinDaily: boolean
  overThreshold: boolean
  /** The day's total with this request. */
  dailyTotal: string
}

/** A request's amount against its asset's limits, given the day's other requests. */
export function checkLimits(limit: AssetLimit, amount: string, otherRequestsToday: readonly string[]): LimitCheck {
  const units = unitsOf(amount)
  const total = otherRequestsToday.reduce((sum, other) => sum + unitsOf(other), units)
  return {
    withinSingle: units <= unitsOf(limit.singleMax),
    withinDaily: total <= unitsOf(limit.dailyMax),
    overThreshold: limit.alertThreshold !== null && units >= unitsOf(limit.alertThreshold),
    dailyTotal: formatAmount(total),
  }
}

export const withinLimits = (check: LimitCheck) => check.withinSingle && check.withinDaily
