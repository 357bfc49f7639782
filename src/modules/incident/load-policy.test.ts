import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLED_POLICY_PATH, BUNDLED_TAXONOMY_PATH, loadPolicyFile, loadTaxonomyFile, parsePolicy, parseTaxonomy, reportingData, useReportingFiles } from './load-policy.js'

// The reporting policy and the taxonomy are data, checked when they are loaded: a broken file is
// refused with every problem located by JSON path, so it can be fixed in one pass.

const bundledPolicy = () => JSON.parse(readFileSync(BUNDLED_POLICY_PATH, 'utf8')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const paths = (result: ReturnType<typeof parsePolicy> | ReturnType<typeof parseTaxonomy>) => (result.ok ? [] : result.errors.map((e) => e.path))

describe('the bundled data', () => {
  it('loads the default policy modelled on DORA and the taxonomy of the issue', () => {
    const policy = loadPolicyFile(BUNDLED_POLICY_PATH)
    expect(policy.ok).toBe(true)
    if (!policy.ok) return
    expect(policy.value.classification.criteria.map((c) => c.id)).toEqual(['critical_services', 'malicious_access', 'clients', 'duration', 'geography', 'data_loss', 'economic'])
    expect(policy.value.deadlines).toMatchObject({ initial: { after: 'detected', hours: 24 }, intermediate: { after: 'initial_submitted', hours: 72 }, final: { months: 1 } })
    const taxonomy = loadTaxonomyFile(BUNDLED_TAXONOMY_PATH)
    expect(taxonomy.ok && taxonomy.value.categories.map((c) => c.id)).toEqual([
      'unauthorised_access',
      'ransomware',
      'ddos',
      'data_leak',
      'fraudulent_transfer',
      'crypto_asset_outflow',
      'third_party_outage',
      'phishing',
      'defacement',
      'other',
    ])
  })
})

describe('a broken policy', () => {
  it('is refused with each structural problem located', () => {
    const policy = bundledPolicy()
    delete policy.title.ja
    policy.classification.criteria[0].conditions[0].op = 'approximately'
    policy.deadlines.final.weeks = 4
    const result = parsePolicy(policy)
    expect(result.ok).toBe(false)
    expect(paths(result)).toEqual(expect.arrayContaining(['title.ja', 'classification.criteria[0].conditions[0].op', 'deadlines.final.weeks']))
  })

  it('names a fact no rule can use, and an operator that does not suit the fact', () => {
    const policy = bundledPolicy()
    policy.classification.criteria[2].conditions[0].field = 'impact.mood'
    policy.classification.criteria[0].conditions[0].op = 'gt'
    policy.classification.criteria[4].conditions[0].value = '2'
    const result = parsePolicy(policy)
    expect(paths(result)).toEqual(['classification.criteria[0].conditions[0].op', 'classification.criteria[2].conditions[0].field', 'classification.criteria[4].conditions[0].value'])
    expect(!result.ok && result.errors[0]?.message.en).toBe('Operator not allowed for this fact (allowed: equals)')
  })

  it('names an expression that refers to no criterion, or asks for more than it lists', () => {
    const policy = bundledPolicy()
    const when = policy.classification.levels[0].when
    when.all[0] = { criterion: 'moon_phase' }
    when.all[1].any[1].atLeast = 6
    const result = parsePolicy(policy)
    expect(paths(result)).toEqual(['classification.levels[0].when.all[0].criterion', 'classification.levels[0].when.all[1].any[1].atLeast'])
  })

  it('names an expression of no known form', () => {
    const policy = bundledPolicy()
    policy.classification.levels[0].when = { all: [], none: [] }
    expect(paths(parsePolicy(policy))).toEqual(['classification.levels[0].when'])
  })

  it('refuses duplicate ids, a level named like the fallback, and a clock without a period', () => {
    const policy = bundledPolicy()
    policy.classification.criteria[1].id = 'critical_services'
    policy.classification.otherwise.id = 'major'
    policy.deadlines.intermediate = { after: 'initial_submitted' }
    policy.deadlines.initial.after = 'previous_report'
    expect(paths(parsePolicy(policy))).toEqual(
      expect.arrayContaining(['classification.criteria[1].id', 'classification.otherwise.id', 'deadlines.intermediate', 'deadlines.initial.after']),
    )
  })

  it('says in Japanese too what is wrong', () => {
    const policy = bundledPolicy()
    policy.version = ''
    const result = parsePolicy(policy)
    expect(!result.ok && result.errors[0]).toEqual({ path: 'version', message: { ja: '空にできません', en: 'must not be empty' } })
  })
})

describe('a broken taxonomy', () => {
  it('is refused with duplicate ids and missing labels located', () => {
    const taxonomy = JSON.parse(readFileSync(BUNDLED_TAXONOMY_PATH, 'utf8')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    taxonomy.causes[0].subcategories[1].id = taxonomy.causes[0].subcategories[0].id
    expect(paths(parseTaxonomy(taxonomy))).toEqual(['causes[0].subcategories[1].id'])
    delete taxonomy.categories[3].label
    expect(paths(parseTaxonomy(taxonomy))).toEqual(['categories[3].label'])
  })
})

describe("a deployment's own policy file", () => {
  it('is used once checked, and a broken one stops the start with every problem listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamae-policy-'))
    try {
      const policy = bundledPolicy()
      policy.version = 'local-1'
      policy.deadlines.initial.hours = 4
      const good = join(dir, 'good.json')
      writeFileSync(good, JSON.stringify(policy))
      expect(useReportingFiles({ policyPath: good }).policy.deadlines.initial.hours).toBe(4)
      expect(reportingData().policy.version).toBe('local-1')

      policy.deadlines.initial.after = 'previous_report'
      policy.classification.criteria[0].conditions[0].field = 'impact.mood'
      const bad = join(dir, 'bad.json')
      writeFileSync(bad, JSON.stringify(policy))
      expect(() => useReportingFiles({ policyPath: bad })).toThrow(/classification\.criteria\[0\]\.conditions\[0\]\.field: .*\n\s+deadlines\.initial\.after/)
      expect(() => useReportingFiles({ policyPath: join(dir, 'missing.json') })).toThrow(/cannot be read as JSON/)
    } finally {
      useReportingFiles()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
