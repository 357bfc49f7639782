// The in-memory shape of a loaded catalog. It mirrors docs/catalog-format.md and
// catalogs/schema/catalog.schema.json; the loader fills defaults so consumers never guess.

export const SECTORS = [
  'regional_bank',
  'major_bank',
  'shinkin',
  'credit_union',
  'securities',
  'insurance',
  'crypto_exchange',
  'payment',
  'other',
] as const
export type Sector = (typeof SECTORS)[number]

export const SIZE_BANDS = ['small', 'medium', 'large'] as const
export type SizeBand = (typeof SIZE_BANDS)[number]

export type ItemClass = 'basic' | 'desirable'

/** `structured`: item refs are `<section ref>-B<n>` / `-D<n>`; `free`: the framework's own ids (NIST CSF). */
export type RefStyle = 'structured' | 'free'

export interface LocalizedText {
  ja: string
  en: string
}

export interface LocalizedList {
  ja: string[]
  en: string[]
}

export interface ScaleOption {
  value: number
  label: LocalizedText
  /** 0..1; the share of the item's weight this answer earns. */
  score: number
}

export interface AnswerScale {
  options: ScaleOption[]
  notApplicable: { label: LocalizedText; requiresReason: boolean }
}

export interface Applicability {
  sectors: Sector[] | null // null = every sector
  sizes: SizeBand[] | null // null = every size band
}

export type CrosswalkKey = 'csf' | 'fisc' | 'g7' | 'fsb_cirr' | 'bcbs' | 'dora'
export type Crosswalk = Partial<Record<CrosswalkKey, string[]>>

export interface CatalogItem {
  ref: string
  class: ItemClass
  title: LocalizedText
  text: LocalizedText
  guidance: LocalizedText | null
  evidence: LocalizedList
  applicability: Applicability
  crosswalk: Crosswalk
  /** The item's own options when it has graded ones, else the catalog scale. */
  scale: AnswerScale
  /** Ref of the section holding the item directly. */
  sectionRef: string
}

export interface CatalogSection {
  ref: string
  title: LocalizedText
  assessed: boolean
  summary: LocalizedText | null
  sections: CatalogSection[]
  items: CatalogItem[]
}

export interface Catalog {
  id: string
  version: string
  refStyle: RefStyle
  title: LocalizedText
  publisher: LocalizedText | null
  source: { published: string | null; url: string | null; note: LocalizedText | null } | null
  description: LocalizedText | null
  scale: AnswerScale
  sections: CatalogSection[]
}
