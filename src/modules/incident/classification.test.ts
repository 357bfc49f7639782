import { describe, expect, it } from 'vitest'
import { classify, type ClassificationRules, type Facts } from './classification.js'
import { factsOf, normalizeContent, type ReportContentInput } from './content.js'
import { parsePolicy, reportingData } from './load-policy.js'

// Worked examples of the default rule set (data/reporting-policy.json), modelled on the DORA
// major-incident criteria as issue 4 states them: critical services affected AND (malicious
// unauthorised access to data OR two or more of: clients > 10% or > 100,000; duration > 24 h or
// critical service downtime > 2 h; two or more regions; any data loss; economic impact > JPY 15m).

const { policy } = reportingData()
const ruleSet = { id: policy.id, version: policy.version }

function classifyImpact(impact: NonNullable<ReportContentInput['impact']>, extra: ReportContentInput = {}) {
  return classify(policy.classification, ruleSet, factsOf(normalizeContent({ ...extra, impact })))
}

const fired = (impact: NonNullable<ReportContentInput['impact']>, extra: ReportContentInput = {}) =>
  classifyImpact(impact, extra)
    .criteria.filter((c) => c.fired)
    .map((c) => c.id)

describe('each criterion of the default rule set', () => {
  it('critical services: met when critical services are affected, not when they are not or it is unknown', () => {
    expect(fired({ criticalServicesAffected: true })).toEqual(['critical_services'])
    expect(fired({ criticalServicesAffected: false })).toEqual([])
    expect(fired({ criticalServicesAffected: null })).toEqual([])
  })

  it('malicious access: met on malicious unauthorised access to data', () => {
    expect(fired({ maliciousUnauthorisedAccess: true })).toEqual(['malicious_access'])
    expect(fired({ maliciousUnauthorisedAccess: false })).toEqual([])
  })

  it('clients: more than 100,000 clients, or more than 10% of them', () => {
    expect(fired({ clientsAffected: 100_000 })).toEqual([])
    expect(fired({ clientsAffected: 100_001 })).toEqual(['clients'])
    expect(fired({ clientsAffectedPercent: 10 })).toEqual([])
    expect(fired({ clientsAffectedPercent: 10.5 })).toEqual(['clients'])
    expect(fired({ clientsAffected: 5_000, clientsAffectedPercent: 12 })).toEqual(['clients'])
  })

  it('duration: more than 24 h, or a critical service down for more than 2 h', () => {
    expect(fired({ durationHours: 24 })).toEqual([])
    expect(fired({ durationHours: 24.5 })).toEqual(['duration'])
    expect(fired({ criticalServiceDowntimeHours: 2 })).toEqual([])
    expect(fired({ criticalServiceDowntimeHours: 2.25 })).toEqual(['duration'])
  })

  it('duration: taken from occurrence to recovery when no duration is reported', () => {
    const extra = { occurredAt: '2026-04-01T00:00:00Z', detectedAt: '2026-04-01T03:00:00Z', recoveredAt: '2026-04-02T01:00:00Z' }
    expect(fired({}, extra)).toEqual(['duration'])
    expect(fired({}, { ...extra, recoveredAt: '2026-04-01T23:00:00Z' })).toEqual([])
    const result = classifyImpact({}, extra)
    expect(result.criteria.find((c) => c.id === 'duration')?.conditions[0]?.text.ja).toBe('インシデントの継続時間: 25時間（基準: 24時間超）')
  })

  it('geography: two or more regions', () => {
    expect(fired({ regions: ['東京都'] })).toEqual([])
    expect(fired({ regions: ['東京都', '大阪府'] })).toEqual(['geography'])
    expect(fired({ regions: ['東京都', ' 東京都 '] })).toEqual([])
  })

  it('data losses: any effect on availability, authenticity, integrity or confidentiality of data', () => {
    expect(fired({ dataImpact: [] })).toEqual([])
    expect(fired({ dataImpact: ['integrity'] })).toEqual(['data_loss'])
  })

  it('economic impact: more than JPY 15 million', () => {
    expect(fired({ monetaryLossJpy: 15_000_000 })).toEqual([])
    expect(fired({ monetaryLossJpy: 15_000_001 })).toEqual(['economic'])
  })
})

describe('the major / non-major boundary', () => {
  it('is non-major when nothing is reported yet, saying no criterion is met', () => {
    const result = classifyImpact({})
    expect(result.severity).toBe('non_major')
    expect(result.summary.en).toBe('Non-major: the criteria for Major are not met (no criterion is met)')
    expect(result.criteria.every((c) => c.conditions.every((x) => /: (not reported|none) \(/.test(x.text.en)))).toBe(true)
  })

  it('is non-major with critical services affected but no other criterion', () => {
    expect(classifyImpact({ criticalServicesAffected: true }).severity).toBe('non_major')
  })

  it('is major with critical services affected and malicious access to data', () => {
    const result = classifyImpact({ criticalServicesAffected: true, maliciousUnauthorisedAccess: true })
    expect(result.severity).toBe('major')
    expect(result.summary.ja).toBe(
      '重大: 重要業務への影響［該当］ かつ （データへの悪意ある不正アクセス［該当］ または （次のうち2件以上［0件該当］: 顧客への影響（10%超または10万人超）［非該当］、継続時間（24時間超）または重要業務の停止（2時間超）［非該当］、2地域以上への影響［非該当］、データの損失［非該当］、経済的影響（1,500万円超）［非該当］））',
    )
  })

  it('is not major on malicious access without critical services affected', () => {
    expect(classifyImpact({ criticalServicesAffected: false, maliciousUnauthorisedAccess: true, clientsAffected: 200_000, durationHours: 48 }).severity).toBe('non_major')
  })

  it('is non-major with critical services affected and only one threshold', () => {
    const result = classifyImpact({ criticalServicesAffected: true, clientsAffected: 250_000 })
    expect(result.severity).toBe('non_major')
    expect(result.levels).toEqual([{ id: 'major', label: { ja: '重大', en: 'Major' }, met: false }])
    expect(result.summary.ja).toContain('該当した基準: 重要業務への影響、顧客への影響（10%超または10万人超）')
  })

  it('becomes major with critical services affected and a second threshold', () => {
    const result = classifyImpact({ criticalServicesAffected: true, clientsAffected: 250_000, regions: ['東京都', '神奈川県'] })
    expect(result.severity).toBe('major')
    expect(result.summary.en).toContain('at least 2 of [2 met]')
  })

  it('counts a criterion with two conditions once: clients by number and by share are one threshold', () => {
    expect(classifyImpact({ criticalServicesAffected: true, clientsAffected: 250_000, clientsAffectedPercent: 40 }).severity).toBe('non_major')
  })

  it('explains each condition with the reported value and the threshold, in ja and en', () => {
    const clients = classifyImpact({ clientsAffected: 150_000 }).criteria.find((c) => c.id === 'clients')!
    expect(clients.conditions.map((c) => c.text)).toEqual([
      { ja: '影響を受けた顧客の割合: 未報告（基準: 10%超）', en: 'Share of clients affected: not reported (threshold: more than 10%)' },
      { ja: '影響を受けた顧客数: 150,000人（基準: 100,000人超）', en: 'Clients affected: 150,000 clients (threshold: more than 100,000 clients)' },
    ])
    expect(clients.conditions.map((c) => c.met)).toEqual([false, true])
    const regions = classifyImpact({ regions: ['東京都', '大阪府'] }).criteria.find((c) => c.id === 'geography')!
    expect(regions.conditions[0]?.text.ja).toBe('影響が及んだ地域: 2地域（東京都、大阪府）（基準: 2地域以上）')
  })

  it('names the rule set and version it judged by', () => {
    expect(classifyImpact({}).ruleSet).toEqual({ id: 'dora-major-incident', version: policy.version })
  })
})

describe('a rule set is data', () => {
  it('follows whatever criteria and levels the data gives', () => {
    const custom = parsePolicy({
      ...JSON.parse(JSON.stringify({ ...policy, source: undefined })),
      classification: {
        criteria: [
          { id: 'many_clients', label: { ja: '顧客1万人以上', en: '10,000 clients or more' }, conditions: [{ field: 'impact.clientsAffected', op: 'gte', value: 10_000 }] },
          { id: 'ransomware', label: { ja: 'ランサムウェア', en: 'Ransomware' }, conditions: [{ field: 'category', op: 'equals', value: 'ransomware' }] },
        ],
        levels: [
          { id: 'critical', label: { ja: '最重大', en: 'Critical' }, description: { ja: '両方', en: 'Both' }, when: { all: [{ criterion: 'many_clients' }, { criterion: 'ransomware' }] } },
          { id: 'high', label: { ja: '高', en: 'High' }, description: { ja: 'いずれか', en: 'Either' }, when: { any: [{ criterion: 'many_clients' }, { criterion: 'ransomware' }] } },
        ],
        otherwise: { id: 'low', label: { ja: '低', en: 'Low' }, description: { ja: 'その他', en: 'Otherwise' } },
      },
    })
    expect(custom.ok).toBe(true)
    if (!custom.ok) return
    const rules: ClassificationRules = custom.value.classification
    const facts = (f: Facts) => classify(rules, ruleSet, f).severity
    expect(facts({ 'impact.clientsAffected': 10_000, category: 'ransomware' })).toBe('critical')
    expect(facts({ 'impact.clientsAffected': 9_999, category: 'ransomware' })).toBe('high')
    expect(facts({ 'impact.clientsAffected': 9_999, category: 'ddos' })).toBe('low')
  })
})
