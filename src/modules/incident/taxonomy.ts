import type { Localized } from '../../i18n/locale.js'

// The words of incident reports that are data, not code (data/taxonomy.json, checked by
// load-policy.ts): incident categories (不正アクセス, ランサムウェア, …) and the two-level root cause
// taxonomy of final reports. The fixed enumerations of the report form (phases, statuses, yes/no/
// unknown, …) are labelled here too, so the API can hand one vocabulary to the screens and the XLSX.

export interface TaxonomyEntry {
  id: string
  label: Localized
  description?: Localized
}

export interface CauseCategory extends TaxonomyEntry {
  subcategories: TaxonomyEntry[]
}

export interface Taxonomy {
  categories: TaxonomyEntry[]
  causes: CauseCategory[]
}

/** The category that needs its own words (categoryOther). */
export const OTHER_CATEGORY = 'other'

export const isCategory = (taxonomy: Taxonomy, id: string) => taxonomy.categories.some((c) => c.id === id)

export const causeCategory = (taxonomy: Taxonomy, id: string) => taxonomy.causes.find((c) => c.id === id)

export function labelOf(entries: readonly TaxonomyEntry[], id: string | null): Localized | null {
  if (id === null) return null
  return entries.find((entry) => entry.id === id)?.label ?? { ja: id, en: id }
}

// ---------------------------------------------------------------- labels of fixed enumerations

export const PHASE_LABELS: Record<string, Localized> = {
  initial: { ja: '第一報', en: 'Initial report' },
  intermediate: { ja: '続報', en: 'Intermediate report' },
  final: { ja: '最終報', en: 'Final report' },
}

export const YES_NO_UNKNOWN_LABELS: Record<string, Localized> = {
  yes: { ja: 'あり', en: 'Yes' },
  no: { ja: 'なし', en: 'No' },
  unknown: { ja: '不明', en: 'Unknown' },
}

export const STATUS_LABELS: Record<string, Localized> = {
  investigating: { ja: '調査中', en: 'Investigating' },
  contained: { ja: '封じ込め済み', en: 'Contained' },
  recovering: { ja: '復旧対応中', en: 'Recovering' },
  recovered: { ja: '復旧済み', en: 'Recovered' },
}

export const DATA_IMPACT_LABELS: Record<string, Localized> = {
  availability: { ja: '可用性', en: 'Availability' },
  authenticity: { ja: '真正性', en: 'Authenticity' },
  integrity: { ja: '完全性', en: 'Integrity' },
  confidentiality: { ja: '機密性', en: 'Confidentiality' },
}

export const ORIGIN_LABELS: Record<string, Localized> = {
  own: { ja: '自社', en: 'Own organisation' },
  direct_provider: { ja: '直接の委託先', en: 'Direct provider' },
  supply_chain: { ja: 'サプライチェーン（再委託先等）', en: 'Supply chain (N-th party)' },
}

export const INCIDENT_STATUS_LABELS: Record<string, Localized> = {
  draft: { ja: '下書き（未提出）', en: 'Draft (not submitted)' },
  open: { ja: '対応中', en: 'Open' },
  closed: { ja: '最終報提出済み', en: 'Closed (final report submitted)' },
}
