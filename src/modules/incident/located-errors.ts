import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'

// Checks a value read from a file (an imported report, the rule set) against its schema and names
// every problem by its JSON path (`incidents[0].impactAssessment.clientsAffected`) in ja and en,
// so a file can be fixed in one pass. Pure.

/** A broken file can fail everywhere; past this many the rest are not listed. */
const MAX_PROBLEMS = 200

interface SchemaError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message: string
}

/** `/incidents/0/impactAssessment` -> `incidents[0].impactAssessment`, under a prefix. */
export function jsonPath(prefix: string, pointer: string): string {
  const parts = pointer
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
  let path = prefix
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`
  return path === '' ? '$' : path
}

const join = (path: string, name: string) => (path === '$' ? name : `${path}.${name}`)
const listOf = (value: unknown) => (Array.isArray(value) ? value.map(String) : [String(value)])

const FORMATS: Record<string, Localized> = {
  'date-time': { ja: '日時は ISO 8601 形式（例: 2026-04-01T09:30:00+09:00）にしてください', en: 'must be a date and time in ISO 8601 (e.g. 2026-04-01T09:30:00+09:00)' },
  date: { ja: '日付は YYYY-MM-DD 形式にしてください', en: 'must be a date as YYYY-MM-DD' },
  email: { ja: 'メールアドレスの形式が正しくありません', en: 'must be an e-mail address' },
  uuid: { ja: 'UUID の形式が正しくありません', en: 'must be a UUID' },
}

function describe(error: SchemaError): Localized {
  const p = error.params
  switch (error.keyword) {
    case 'type': {
      const types = listOf(p.type).join(' / ')
      return { ja: `値の型が正しくありません（${types}）`, en: `must be ${types}` }
    }
    case 'enum': {
      const allowed = listOf(p.allowedValues).join(', ')
      return { ja: `次のいずれかにしてください: ${allowed}`, en: `must be one of: ${allowed}` }
    }
    case 'const':
      return { ja: `${String(p.allowedValue)} にしてください`, en: `must be ${String(p.allowedValue)}` }
    case 'format':
      return FORMATS[String(p.format)] ?? { ja: `形式が正しくありません（${String(p.format)}）`, en: `must match the format ${String(p.format)}` }
    case 'minimum':
    case 'exclusiveMinimum':
      return { ja: `${String(p.limit)} ${error.keyword === 'minimum' ? '以上' : 'より大きい値'}にしてください`, en: `must be ${p.comparison ?? '>='} ${String(p.limit)}` }
    case 'maximum':
    case 'exclusiveMaximum':
      return { ja: `${String(p.limit)} ${error.keyword === 'maximum' ? '以下' : '未満'}にしてください`, en: `must be ${p.comparison ?? '<='} ${String(p.limit)}` }
    case 'minLength':
      return Number(p.limit) <= 1 ? { ja: '空にできません', en: 'must not be empty' } : { ja: `${String(p.limit)} 文字以上にしてください`, en: `must have at least ${String(p.limit)} characters` }
    case 'maxLength':
      return { ja: `${String(p.limit)} 文字以内にしてください`, en: `must have at most ${String(p.limit)} characters` }
    case 'minItems':
      return { ja: `${String(p.limit)} 件以上にしてください`, en: `must have at least ${String(p.limit)} entries` }
    case 'maxItems':
      return { ja: `${String(p.limit)} 件以内にしてください`, en: `must have at most ${String(p.limit)} entries` }
    case 'uniqueItems':
      return { ja: '同じ値が重複しています', en: 'must not repeat a value' }
    case 'pattern':
      return { ja: '形式が正しくありません', en: `must match the pattern ${String(p.pattern)}` }
    case 'anyOf':
    case 'oneOf':
      return { ja: '値の形式が正しくありません', en: 'does not match any allowed form' }
    default:
      return { ja: '値が正しくありません', en: error.message }
  }
}

/** Every way `value` breaks `schema`, located by JSON path under `prefix` ('' for the file itself). */
export function schemaProblems(schema: TSchema, value: unknown, prefix = ''): ErrorDetail[] {
  const problems: ErrorDetail[] = []
  const seen = new Set<string>()
  const add = (path: string, message: Localized) => {
    const key = `${path}\n${message.en}`
    if (seen.has(key) || problems.length >= MAX_PROBLEMS) return
    seen.add(key)
    problems.push({ path, message })
  }
  for (const error of Value.Errors(schema, value) as Iterable<SchemaError>) {
    const path = jsonPath(prefix, error.instancePath)
    if (error.keyword === 'boolean') continue // repeated by `additionalProperties` on the parent
    if (error.keyword === 'required') {
      const missing = listOf(error.params.requiredProperties ?? error.params.missingProperty)
      for (const name of missing) add(join(path, name), { ja: '必須の項目です', en: 'is required' })
    } else if (error.keyword === 'additionalProperties') {
      const extra = listOf(error.params.additionalProperties ?? error.params.additionalProperty)
      for (const name of extra) add(join(path, name), { ja: 'この項目は使えません', en: 'is not a known field' })
    } else {
      add(path, describe(error))
    }
  }
  return problems
}
