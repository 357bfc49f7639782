import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static } from 'typebox'
import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { packageRoot } from '../../paths.js'
import { FACT_FIELDS, OPERATORS, OPERATORS_FOR, isFactName, type ClassificationRules, type Condition, type Criterion, type Expression } from './classification.js'
import { DEADLINE_ANCHORS, type DeadlinePolicy, type PhaseDeadlineRule } from './deadlines.js'
import { schemaProblems } from './located-errors.js'
import type { Taxonomy } from './taxonomy.js'

// Loads the data of incident reporting and refuses it, with every problem located by JSON path,
// unless it is sound: the reporting policy (severity rules and deadline clocks,
// data/reporting-policy.json) and the taxonomy (data/taxonomy.json). The bundled files are read
// once per process; they are framework data, not state.

export interface ReportingPolicy {
  id: string
  version: string
  title: Localized
  source: Localized | null
  classification: ClassificationRules
  deadlines: DeadlinePolicy
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; errors: ErrorDetail[] }

export const BUNDLED_DATA_DIR = join(packageRoot, 'src', 'modules', 'incident', 'data')
export const BUNDLED_POLICY_PATH = join(BUNDLED_DATA_DIR, 'reporting-policy.json')
export const BUNDLED_TAXONOMY_PATH = join(BUNDLED_DATA_DIR, 'taxonomy.json')

const closed = { additionalProperties: false }
const LocalizedText = Type.Object({ ja: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) }, closed)
const Id = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 60 })

const ConditionSchema = Type.Object(
  { field: Type.String({ minLength: 1 }), op: Type.Enum(OPERATORS), value: Type.Union([Type.Number(), Type.Boolean(), Type.String()]) },
  closed,
)
const CriterionSchema = Type.Object(
  {
    id: Id,
    label: LocalizedText,
    match: Type.Optional(Type.Enum(['any', 'all'])),
    note: Type.Optional(LocalizedText),
    conditions: Type.Array(ConditionSchema, { minItems: 1 }),
  },
  closed,
)
const LevelSchema = Type.Object({ id: Id, label: LocalizedText, description: LocalizedText }, closed)
// Expressions nest; their shape is checked by `parseExpression`, which locates each problem.
const GuardedLevelSchema = Type.Object({ id: Id, label: LocalizedText, description: LocalizedText, when: Type.Unknown() }, closed)
const DeadlineRuleSchema = Type.Object(
  {
    after: Type.Enum(DEADLINE_ANCHORS),
    hours: Type.Optional(Type.Number({ minimum: 0 })),
    days: Type.Optional(Type.Number({ minimum: 0 })),
    months: Type.Optional(Type.Integer({ minimum: 0 })),
    note: Type.Optional(LocalizedText),
  },
  closed,
)

export const PolicySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    version: Type.String({ minLength: 1, maxLength: 50 }),
    title: LocalizedText,
    source: Type.Optional(LocalizedText),
    classification: Type.Object(
      { criteria: Type.Array(CriterionSchema, { minItems: 1 }), levels: Type.Array(GuardedLevelSchema, { minItems: 1 }), otherwise: LevelSchema },
      closed,
    ),
    deadlines: Type.Object({ initial: DeadlineRuleSchema, intermediate: DeadlineRuleSchema, final: DeadlineRuleSchema }, closed),
  },
  closed,
)

const TaxonomyEntrySchema = Type.Object({ id: Id, label: LocalizedText, description: Type.Optional(LocalizedText) }, closed)
export const TaxonomySchema = Type.Object(
  {
    categories: Type.Array(TaxonomyEntrySchema, { minItems: 1 }),
    causes: Type.Array(
      Type.Object({ id: Id, label: LocalizedText, description: Type.Optional(LocalizedText), subcategories: Type.Array(TaxonomyEntrySchema, { minItems: 1 }) }, closed),
      { minItems: 1 },
    ),
  },
  closed,
)

const problem = (path: string, ja: string, en: string): ErrorDetail => ({ path, message: { ja, en } })

function duplicates(ids: string[], path: (i: number) => string): ErrorDetail[] {
  const seen = new Set<string>()
  return ids.flatMap((id, i) => {
    if (!seen.has(id)) {
      seen.add(id)
      return []
    }
    return [problem(path(i), `ID が重複しています（${id}）`, `Duplicate id (${id})`)]
  })
}

function checkCondition(condition: Condition, path: string): ErrorDetail[] {
  if (!isFactName(condition.field)) {
    return [problem(`${path}.field`, `判定に使えない項目です（${condition.field}）`, `Not a reported fact a rule can use (${condition.field}); known: ${Object.keys(FACT_FIELDS).join(', ')}`)]
  }
  const kind = FACT_FIELDS[condition.field].kind
  const allowed = OPERATORS_FOR[kind]
  if (!allowed.includes(condition.op)) {
    return [problem(`${path}.op`, `この項目には使えない演算子です（使えるもの: ${allowed.join(', ')}）`, `Operator not allowed for this fact (allowed: ${allowed.join(', ')})`)]
  }
  const numeric = kind === 'number' || kind === 'list'
  const wanted = numeric ? 'number' : kind === 'boolean' ? 'boolean' : 'string'
  if (typeof condition.value !== wanted || (kind === 'list' && !Number.isInteger(condition.value))) {
    return [problem(`${path}.value`, `値の型が正しくありません（${kind === 'list' ? 'integer' : wanted}）`, `The value must be ${kind === 'list' ? 'an integer' : `a ${wanted}`}`)]
  }
  return []
}

/** A rule set expression, with every problem located; null when it cannot be read at all. */
function parseExpression(raw: unknown, path: string, criteria: ReadonlySet<string>, errors: ErrorDetail[]): Expression | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push(problem(path, '式はオブジェクトにしてください（criterion / all / any / atLeast+of）', 'An expression is an object: criterion, all, any or atLeast with of'))
    return null
  }
  const keys = Object.keys(raw).sort().join(',')
  const node = raw as Record<string, unknown>
  const list = (key: string): Expression[] | null => {
    const items = node[key]
    if (!Array.isArray(items) || items.length === 0) {
      errors.push(problem(`${path}.${key}`, '1件以上の式の配列にしてください', 'Must be a non-empty array of expressions'))
      return null
    }
    const parsed = items.map((item, i) => parseExpression(item, `${path}.${key}[${i}]`, criteria, errors))
    return parsed.every((p) => p !== null) ? (parsed as Expression[]) : null
  }
  if (keys === 'criterion') {
    const id = node.criterion
    if (typeof id !== 'string' || !criteria.has(id)) {
      errors.push(problem(`${path}.criterion`, `定義されていない基準です（${String(id)}）`, `No such criterion (${String(id)})`))
      return null
    }
    return { criterion: id }
  }
  if (keys === 'all') {
    const all = list('all')
    return all && { all }
  }
  if (keys === 'any') {
    const any = list('any')
    return any && { any }
  }
  if (keys === 'atLeast,of') {
    const of = list('of')
    const atLeast = node.atLeast
    if (typeof atLeast !== 'number' || !Number.isInteger(atLeast) || atLeast < 1 || (of !== null && atLeast > of.length)) {
      errors.push(problem(`${path}.atLeast`, '1 以上、of の件数以下の整数にしてください', 'Must be an integer from 1 to the number of expressions in "of"'))
      return null
    }
    return of && { atLeast, of }
  }
  errors.push(problem(path, '式は criterion、all、any、atLeast+of のいずれか1つにしてください', 'An expression has exactly one of: criterion, all, any, atLeast with of'))
  return null
}

function checkDeadline(rule: PhaseDeadlineRule, path: string): ErrorDetail[] {
  if ((rule.hours ?? 0) + (rule.days ?? 0) + (rule.months ?? 0) > 0) return []
  return [problem(path, '期間（hours、days、months）を指定してください', 'Give the period: hours, days or months')]
}

/** The reporting policy in `raw` (parsed JSON), or every problem with it. */
export function parsePolicy(raw: unknown): Loaded<ReportingPolicy> {
  const structural = schemaProblems(PolicySchema, raw)
  if (structural.length > 0) return { ok: false, errors: structural }
  const policy = raw as Static<typeof PolicySchema>
  const errors: ErrorDetail[] = []
  const { criteria, levels, otherwise } = policy.classification
  errors.push(...duplicates(criteria.map((c) => c.id), (i) => `classification.criteria[${i}].id`))
  criteria.forEach((criterion, i) => criterion.conditions.forEach((condition, j) => errors.push(...checkCondition(condition as Condition, `classification.criteria[${i}].conditions[${j}]`))))
  errors.push(...duplicates([...levels.map((l) => l.id), otherwise.id], (i) => (i < levels.length ? `classification.levels[${i}].id` : 'classification.otherwise.id')))
  const known = new Set(criteria.map((c) => c.id))
  const guarded = levels.map((level, i) => ({ ...level, when: parseExpression(level.when, `classification.levels[${i}].when`, known, errors) }))
  for (const phase of ['initial', 'intermediate', 'final'] as const) errors.push(...checkDeadline(policy.deadlines[phase], `deadlines.${phase}`))
  if (policy.deadlines.initial.after !== 'detected') {
    errors.push(problem('deadlines.initial.after', '第一報の期限は検知時点（detected）から数えます', 'The initial report is counted from detection ("detected")'))
  }
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      id: policy.id,
      version: policy.version,
      title: policy.title,
      source: policy.source ?? null,
      classification: {
        criteria: criteria.map((c): Criterion => ({ id: c.id, label: c.label, match: c.match ?? 'any', conditions: c.conditions as Condition[], ...(c.note ? { note: c.note } : {}) })),
        levels: guarded.map((level) => ({ id: level.id, label: level.label, description: level.description, when: level.when as Expression })),
        otherwise,
      },
      deadlines: policy.deadlines,
    },
  }
}

/** The taxonomy in `raw` (parsed JSON), or every problem with it. */
export function parseTaxonomy(raw: unknown): Loaded<Taxonomy> {
  const structural = schemaProblems(TaxonomySchema, raw)
  if (structural.length > 0) return { ok: false, errors: structural }
  const taxonomy = raw as Taxonomy
  const errors = [
    ...duplicates(taxonomy.categories.map((c) => c.id), (i) => `categories[${i}].id`),
    ...duplicates(taxonomy.causes.map((c) => c.id), (i) => `causes[${i}].id`),
    ...taxonomy.causes.flatMap((cause, i) => duplicates(cause.subcategories.map((s) => s.id), (j) => `causes[${i}].subcategories[${j}].id`)),
  ]
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: taxonomy }
}

function readJson(path: string): Loaded<unknown> {
  try {
    return { ok: true, value: JSON.parse(readFileSync(path, 'utf8')) as unknown }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, errors: [problem('$', `ファイルを JSON として読めません: ${reason}`, `The file cannot be read as JSON: ${reason}`)] }
  }
}

export function loadPolicyFile(path: string): Loaded<ReportingPolicy> {
  const read = readJson(path)
  return read.ok ? parsePolicy(read.value) : read
}

export function loadTaxonomyFile(path: string): Loaded<Taxonomy> {
  const read = readJson(path)
  return read.ok ? parseTaxonomy(read.value) : read
}

function orThrow<T>(loaded: Loaded<T>, path: string): T {
  if (loaded.ok) return loaded.value
  const lines = loaded.errors.map((e) => `  ${e.path}: ${e.message.en}`).join('\n')
  throw new Error(`${path} is not valid:\n${lines}`)
}

export interface ReportingData {
  policy: ReportingPolicy
  taxonomy: Taxonomy
}

let current: ReportingData | null = null

/**
 * Reads and checks the policy and taxonomy files (the bundled ones unless paths are given) and uses
 * them from then on; a broken file throws, listing every problem. Called at start when a deployment
 * configures its own files; otherwise the bundled files are read on first use.
 */
export function useReportingFiles(paths: { policyPath?: string; taxonomyPath?: string } = {}): ReportingData {
  const policyPath = paths.policyPath ?? BUNDLED_POLICY_PATH
  const taxonomyPath = paths.taxonomyPath ?? BUNDLED_TAXONOMY_PATH
  current = { policy: orThrow(loadPolicyFile(policyPath), policyPath), taxonomy: orThrow(loadTaxonomyFile(taxonomyPath), taxonomyPath) }
  return current
}

/** The policy and taxonomy in use. */
export function reportingData(): ReportingData {
  return current ?? useReportingFiles()
}

