import { describe, expect, it } from 'vitest'
import { checkLimits, DEFAULT_POLICY, normalizePolicy, policyProblems, type AssetLimit, type CustodyPolicy } from './policy.js'

const btc: AssetLimit = { asset: 'BTC', singleMax: '10', dailyMax: '25', alertThreshold: '5' }
const policy = (fields: Partial<CustodyPolicy> = {}): CustodyPolicy => ({ ...DEFAULT_POLICY, assets: [btc], ...fields })
const paths = (problems: { path: string }[]) => problems.map((p) => p.path)

describe('withdrawal limits', () => {
  it('allows an amount up to the single-withdrawal limit, inclusive', () => {
    expect(checkLimits(btc, '10', []).withinSingle).toBe(true)
    expect(checkLimits(btc, '10.000000000000000001', []).withinSingle).toBe(false)
  })

  it("counts the day's other requests in the daily total", () => {
    expect(checkLimits(btc, '5', ['10', '10'])).toMatchObject({ withinDaily: true, dailyTotal: '25' })
    expect(checkLimits(btc, '5.1', ['10', '10'])).toMatchObject({ withinDaily: false, dailyTotal: '25.1' })
  })

  it('flags an amount from the alert threshold up', () => {
    expect(checkLimits(btc, '4.99', []).overThreshold).toBe(false)
    expect(checkLimits(btc, '5', []).overThreshold).toBe(true)
    expect(checkLimits({ ...btc, alertThreshold: null }, '10', []).overThreshold).toBe(false)
  })
})

describe('policy validation', () => {
  it('accepts a 2-of-3 policy when three members can approve', () => {
    expect(policyProblems(policy(), 3)).toEqual([])
  })

  it('refuses m greater than n', () => {
    expect(paths(policyProblems(policy({ approvalsRequired: 3, approversTotal: 2 }), 5))).toEqual(['body.approvalsRequired'])
  })

  it('refuses n greater than the members who can approve', () => {
    expect(paths(policyProblems(policy(), 2))).toEqual(['body.approversTotal'])
  })

  it('locates wrong limits by asset', () => {
    const problems = policyProblems(
      policy({ assets: [btc, { asset: 'ETH', singleMax: '100', dailyMax: '50', alertThreshold: '200' }, { asset: 'BTC', singleMax: '0', dailyMax: '1', alertThreshold: null }] }),
      3,
    )
    expect(paths(problems)).toEqual(['body.assets[1].dailyMax', 'body.assets[1].alertThreshold', 'body.assets[2].asset', 'body.assets[2].singleMax'])
  })

  it('refuses business hours that end before they start', () => {
    expect(paths(policyProblems(policy({ businessHours: { days: [1], start: '18:00', end: '09:00' } }), 3))).toEqual(['body.businessHours.end'])
  })

  it('stores amounts in normal form and assets in order', () => {
    const stored = normalizePolicy(policy({ assets: [{ asset: 'ETH', singleMax: '1.50', dailyMax: '3.0', alertThreshold: null }, btc] }))
    expect(stored.assets.map((a) => [a.asset, a.singleMax, a.dailyMax])).toEqual([
      ['BTC', '10', '25'],
      ['ETH', '1.5', '3'],
    ])
  })
})
