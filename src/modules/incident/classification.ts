import type { Localized } from '../../i18n/locale.js'

// Severity of an incident from its reported impact (issue 4 §2). The rules are data
// (data/reporting-policy.json, checked by policy.ts when it is loaded); this file only evaluates
// them. Pure: a rule set and the reported facts in, the severity and the reasons out, in ja and en.
//
// A rule set names criteria. A criterion holds conditions on reported facts ("clients affected >
// 100,000") and is met when any (or all) of them hold. Severity levels are tried in order; the
// first whose expression over the criteria holds is the severity, else the `otherwise` level.
// An unreported fact (null) never meets a condition: the report says what is not yet known.

// ---------------------------------------------------------------- facts a rule may look at

export type FactKind = 'boolean' | 'number' | 'list' | 'text'
export type FactValue = boolean | number | string | string[] | null

interface FactField {
  kind: FactKind
  label: Localized
  /** Appended to numbers and counts: 150,000人 / 150,000 clients. */
  unit?: Localized
}

/** Every fact of a report that a rule set may test, with its kind and a label for the reasons. */
export const FACT_FIELDS = {
  'impact.criticalServicesAffected': { kind: 'boolean', label: { ja: '重要業務への影響', en: 'Critical services affected' } },
  'impact.maliciousUnauthorisedAccess': {
    kind: 'boolean',
    label: { ja: 'データへの悪意ある不正アクセス', en: 'Malicious unauthorised access to data' },
  },
  'impact.clientsAffected': { kind: 'number', label: { ja: '影響を受けた顧客数', en: 'Clients affected' }, unit: { ja: '人', en: ' clients' } },
  'impact.clientsAffectedPercent': { kind: 'number', label: { ja: '影響を受けた顧客の割合', en: 'Share of clients affected' }, unit: { ja: '%', en: '%' } },
  'impact.transactionsAffected': { kind: 'number', label: { ja: '影響を受けた取引数', en: 'Transactions affected' }, unit: { ja: '件', en: ' transactions' } },
  'impact.durationHours': { kind: 'number', label: { ja: 'インシデントの継続時間', en: 'Duration of the incident' }, unit: { ja: '時間', en: ' h' } },
  'impact.criticalServiceDowntimeHours': { kind: 'number', label: { ja: '重要業務の停止時間', en: 'Downtime of critical services' }, unit: { ja: '時間', en: ' h' } },
  'impact.regions': { kind: 'list', label: { ja: '影響が及んだ地域', en: 'Regions affected' }, unit: { ja: '地域', en: ' regions' } },
  'impact.dataImpact': {
    kind: 'list',
    label: { ja: 'データの損失（可用性・真正性・完全性・機密性）', en: 'Data losses (availability, authenticity, integrity, confidentiality)' },
    unit: { ja: '件', en: '' },
  },
  'impact.dataAffected': { kind: 'text', label: { ja: 'データへの影響', en: 'Data affected' } },
  'impact.monetaryLossJpy': { kind: 'number', label: { ja: '経済的影響（損失額）', en: 'Economic impact (losses)' }, unit: { ja: '円', en: ' JPY' } },
  customersAffected: { kind: 'text', label: { ja: '顧客への影響', en: 'Customers affected' } },
  category: { kind: 'text', label: { ja: 'インシデントの種類', en: 'Incident category' } },
} satisfies Record<string, FactField>

export type FactName = keyof typeof FACT_FIELDS
export type Facts = Partial<Record<FactName, FactValue>>

export const isFactName = (name: string): name is FactName => Object.hasOwn(FACT_FIELDS, name)

// ---------------------------------------------------------------- the rule set

export const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'equals', 'count_gte'] as const
export type Operator = (typeof OPERATORS)[number]

/** Which operators suit which kind of fact (policy.ts refuses the rest at load). */
export const OPERATORS_FOR: Record<FactKind, readonly Operator[]> = {
  number: ['gt', 'gte', 'lt', 'lte'],
  boolean: ['equals'],
  text: ['equals'],
  list: ['count_gte'],
}

export interface Condition {
  field: FactName
  op: Operator
  value: number | boolean | string
}

export interface Criterion {
  id: string
  label: Localized
  /** `any` (default): one condition is enough; `all`: every condition must hold. */
  match: 'any' | 'all'
  conditions: Condition[]
  note?: Localized
}

export type Expression = { criterion: string } | { all: Expression[] } | { any: Expression[] } | { atLeast: number; of: Expression[] }

export interface SeverityLevel {
  id: string
  label: Localized
  description: Localized
}

export interface ClassificationRules {
  criteria: Criterion[]
  /** Tried in order; the first that holds is the severity. */
  levels: (SeverityLevel & { when: Expression })[]
  otherwise: SeverityLevel
}

// ---------------------------------------------------------------- the verdict

export interface ConditionResult {
  field: FactName
  met: boolean
  /** The reported value against the threshold, e.g. 「影響を受けた顧客数: 150,000人（基準: 100,000人超）」. */
  text: Localized
}

export interface CriterionResult {
  id: string
  label: Localized
  fired: boolean
  conditions: ConditionResult[]
}

export interface Classification {
  ruleSet: { id: string; version: string }
  severity: string
  label: Localized
  /** Why, in one line: the level and the criteria behind it. */
  summary: Localized
  criteria: CriterionResult[]
  /** Every level of the rule set, whether it held. */
  levels: { id: string; label: Localized; met: boolean }[]
}

// ---------------------------------------------------------------- evaluation

const numberFormat = { ja: new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 2 }), en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }) }

function formatNumber(value: number, field: FactField): Localized {
  const unit = field.unit ?? { ja: '', en: '' }
  return { ja: `${numberFormat.ja.format(value)}${unit.ja}`, en: `${numberFormat.en.format(value)}${unit.en}` }
}

function formatScalar(value: boolean | string): Localized {
  if (value === true) return { ja: 'あり', en: 'yes' }
  if (value === false) return { ja: 'なし', en: 'no' }
  const words: Record<string, Localized> = { yes: { ja: 'あり', en: 'yes' }, no: { ja: 'なし', en: 'no' }, unknown: { ja: '不明', en: 'unknown' } }
  return words[value] ?? { ja: value, en: value }
}

function thresholdText(condition: Condition, field: FactField): Localized {
  const { op, value } = condition
  if (op === 'equals') {
    const expected = formatScalar(value as boolean | string)
    return { ja: `基準: ${expected.ja}`, en: `criterion: ${expected.en}` }
  }
  const amount = formatNumber(value as number, field)
  switch (op) {
    case 'gt':
      return { ja: `基準: ${amount.ja}超`, en: `threshold: more than ${amount.en}` }
    case 'gte':
    case 'count_gte':
      return { ja: `基準: ${amount.ja}以上`, en: `threshold: at least ${amount.en}` }
    case 'lt':
      return { ja: `基準: ${amount.ja}未満`, en: `threshold: less than ${amount.en}` }
    case 'lte':
      return { ja: `基準: ${amount.ja}以下`, en: `threshold: at most ${amount.en}` }
  }
}

function valueText(value: FactValue | undefined, field: FactField): Localized {
  if (value === null || value === undefined) return { ja: '未報告', en: 'not reported' }
  if (Array.isArray(value)) {
    if (value.length === 0) return { ja: 'なし', en: 'none' }
    const count = formatNumber(value.length, field)
    return { ja: `${count.ja}（${value.join('、')}）`, en: `${count.en} (${value.join(', ')})` }
  }
  if (typeof value === 'number') return formatNumber(value, field)
  return formatScalar(value)
}

function conditionHolds(condition: Condition, value: FactValue | undefined): boolean {
  if (value === null || value === undefined) return false
  switch (condition.op) {
    case 'gt':
      return typeof value === 'number' && value > (condition.value as number)
    case 'gte':
      return typeof value === 'number' && value >= (condition.value as number)
    case 'lt':
      return typeof value === 'number' && value < (condition.value as number)
    case 'lte':
      return typeof value === 'number' && value <= (condition.value as number)
    case 'equals':
      return value === condition.value
    case 'count_gte':
      return Array.isArray(value) && value.length >= (condition.value as number)
  }
}

function evaluateCondition(condition: Condition, facts: Facts): ConditionResult {
  const field: FactField = FACT_FIELDS[condition.field]
  const value = facts[condition.field]
  const shown = valueText(value, field)
  const threshold = thresholdText(condition, field)
  return {
    field: condition.field,
    met: conditionHolds(condition, value),
    text: { ja: `${field.label.ja}: ${shown.ja}（${threshold.ja}）`, en: `${field.label.en}: ${shown.en} (${threshold.en})` },
  }
}

export function evaluateCriterion(criterion: Criterion, facts: Facts): CriterionResult {
  const conditions = criterion.conditions.map((condition) => evaluateCondition(condition, facts))
  const fired = criterion.match === 'all' ? conditions.every((c) => c.met) : conditions.some((c) => c.met)
  return { id: criterion.id, label: criterion.label, fired, conditions }
}

export function expressionHolds(expression: Expression, fired: ReadonlySet<string>): boolean {
  if ('criterion' in expression) return fired.has(expression.criterion)
  if ('all' in expression) return expression.all.every((part) => expressionHolds(part, fired))
  if ('any' in expression) return expression.any.some((part) => expressionHolds(part, fired))
  return expression.of.filter((part) => expressionHolds(part, fired)).length >= expression.atLeast
}

const MET = { ja: '該当', en: 'met' }
const NOT_MET = { ja: '非該当', en: 'not met' }

/**
 * The expression in words with what held: 「重要業務への影響［該当］ かつ （… または 次のうち2件以上［3件該当］: …）」.
 */
export function explainExpression(expression: Expression, results: ReadonlyMap<string, CriterionResult>, nested = false): Localized {
  const wrap = (text: Localized): Localized => (nested ? { ja: `（${text.ja}）`, en: `(${text.en})` } : text)
  const join = (parts: Expression[], ja: string, en: string): Localized => {
    const words = parts.map((part) => explainExpression(part, results, true))
    return wrap({ ja: words.map((w) => w.ja).join(ja), en: words.map((w) => w.en).join(en) })
  }
  if ('criterion' in expression) {
    const result = results.get(expression.criterion)
    const label = result?.label ?? { ja: expression.criterion, en: expression.criterion }
    const state = result?.fired ? MET : NOT_MET
    return { ja: `${label.ja}［${state.ja}］`, en: `${label.en} [${state.en}]` }
  }
  if ('all' in expression) return join(expression.all, ' かつ ', ' AND ')
  if ('any' in expression) return join(expression.any, ' または ', ' OR ')
  const fired = new Set([...results.values()].filter((r) => r.fired).map((r) => r.id))
  const count = expression.of.filter((part) => expressionHolds(part, fired)).length
  const parts = expression.of.map((part) => explainExpression(part, results, true))
  return wrap({
    ja: `次のうち${expression.atLeast}件以上［${count}件該当］: ${parts.map((p) => p.ja).join('、')}`,
    en: `at least ${expression.atLeast} of [${count} met]: ${parts.map((p) => p.en).join(', ')}`,
  })
}

/** The severity of an incident under a rule set, with every criterion and why. */
export function classify(rules: ClassificationRules, ruleSet: { id: string; version: string }, facts: Facts): Classification {
  const criteria = rules.criteria.map((criterion) => evaluateCriterion(criterion, facts))
  const results = new Map(criteria.map((result) => [result.id, result]))
  const fired = new Set(criteria.filter((result) => result.fired).map((result) => result.id))
  const levels = rules.levels.map((level) => ({ id: level.id, label: level.label, met: expressionHolds(level.when, fired) }))
  const matched = rules.levels.find((level) => expressionHolds(level.when, fired))
  const firedLabels = criteria.filter((c) => c.fired).map((c) => c.label)
  let summary: Localized
  if (matched) {
    const why = explainExpression(matched.when, results)
    summary = { ja: `${matched.label.ja}: ${why.ja}`, en: `${matched.label.en}: ${why.en}` }
  } else {
    const firedText =
      firedLabels.length === 0
        ? { ja: '該当する基準はありません', en: 'no criterion is met' }
        : { ja: `該当した基準: ${firedLabels.map((l) => l.ja).join('、')}`, en: `criteria met: ${firedLabels.map((l) => l.en).join(', ')}` }
    const missed = rules.levels.map((level) => level.label)
    summary = {
      ja: `${rules.otherwise.label.ja}: ${missed.map((l) => l.ja).join('・')}の基準を満たしません（${firedText.ja}）`,
      en: `${rules.otherwise.label.en}: the criteria for ${missed.map((l) => l.en).join(', ')} are not met (${firedText.en})`,
    }
  }
  const level = matched ?? rules.otherwise
  return { ruleSet, severity: level.id, label: level.label, summary, criteria, levels }
}
