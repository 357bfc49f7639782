import type { ErrorDetail } from '../../errors.js'
import { IndicatorIndex, type IndicatorInput } from './matching/indicator-index.js'
import { timestampKey } from './stix-formats.js'
import { validateStix } from './stix-validate.js'

// Builds the matcher's index from a STIX bundle: every indicator is validated (an invalid one is
// left out and reported), only the latest version of each id (by `modified`, §3.6) counts, and
// revoked indicators are dropped.

export interface LoadedIndicators {
  index: IndicatorIndex
  /** Indicators in the bundle (all versions). */
  indicators: number
  /** Indicators that index at least one observable. */
  indexed: number
  /** Problems with single objects: they were left out, the rest was loaded. */
  problems: ErrorDetail[]
}

export type BundleLoad = { ok: true; loaded: LoadedIndicators } | { ok: false; errors: ErrorDetail[] }

const MAX_PROBLEMS = 100

export function loadIndicatorBundle(bundle: unknown): BundleLoad {
  if (typeof bundle !== 'object' || bundle === null || (bundle as { type?: unknown }).type !== 'bundle') {
    return { ok: false, errors: [{ path: '/type', message: { ja: 'STIX バンドル（"type": "bundle"）ではありません', en: 'is not a STIX bundle ("type": "bundle")' } }] }
  }
  const objects = (bundle as { objects?: unknown }).objects
  if (objects !== undefined && !Array.isArray(objects)) {
    return { ok: false, errors: [{ path: '/objects', message: { ja: 'オブジェクトのリストではありません', en: 'is not a list of objects' } }] }
  }
  const problems: ErrorDetail[] = []
  const latest = new Map<string, IndicatorInput & { modified: string }>()
  let indicators = 0
  for (const [i, object] of (objects ?? []).entries()) {
    if (typeof object !== 'object' || object === null || (object as { type?: unknown }).type !== 'indicator') continue
    indicators++
    const result = validateStix(object)
    if (!result.ok) {
      for (const error of result.errors) if (problems.length < MAX_PROBLEMS) problems.push({ ...error, path: `/objects/${i}${error.path}` })
      continue
    }
    const indicator = object as IndicatorInput & { modified: string }
    const known = latest.get(indicator.id)
    if (!known || timestampKey(indicator.modified) > timestampKey(known.modified)) latest.set(indicator.id, indicator)
  }
  const index = new IndicatorIndex()
  let indexed = 0
  for (const indicator of latest.values()) if (index.addIndicator(indicator)) indexed++
  index.compact()
  return { ok: true, loaded: { index, indicators, indexed, problems } }
}
