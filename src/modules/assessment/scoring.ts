import type { Applicability, Catalog, CatalogItem, CatalogSection, ItemClass, LocalizedText, ScaleOption } from '../catalog/catalog-types.js'

// Progress and scores of a self-assessment. Pure: catalog and answers in, figures out; no I/O.
//
// Over the items of a section (or the whole catalog):
// - in scope: items the institution assesses (applicable to its sector and size, or brought in);
// - answered: in-scope items with an answer value or marked not applicable (対象外);
// - score: mean of the item scores over in-scope items that are not N/A, an unanswered item scoring 0;
// - basic compliance / desirable adoption: share of in-scope, non-N/A basic (基本的な対応事項) /
//   desirable (対応が望ましい事項) items whose answer scores at least 2/3 ("in place").
// A rate whose denominator is 0 is null: "nothing to measure" is not 0 %.

export interface Score {
  score: number | null
  progress: number | null
  answered: number
  inScope: number
  basicCompliance: number | null
  desirableAdoption: number | null
  basicTotal: number
  desirableTotal: number
}

export interface SectionScore extends Score {
  ref: string
  title: LocalizedText
}

export interface AssessmentScores {
  overall: Score
  sections: SectionScore[]
}

/** What scoring needs of an answer row. */
export interface AnswerState {
  ref: string
  inScope: boolean
  value: number | null
  notApplicable: boolean
}

/** What scoring needs of a catalog item. */
export interface ScoredItem {
  ref: string
  class: ItemClass
  options: readonly Pick<ScaleOption, 'value' | 'score'>[]
}

// An answer "in place" earns at least 2/3 of the item. Catalog scores carry four decimals
// (0.6667 for 2/3), so the threshold allows for that rounding either way.
const IN_PLACE_THRESHOLD = 2 / 3 - 1e-4

/** Whether an item score counts as "in place" (対応済み) in compliance and adoption rates. */
export const isInPlace = (score: number) => score >= IN_PLACE_THRESHOLD

/** The share of the item an answer earns: 0 when unanswered or when the value is not on the scale. */
export function itemScore(item: ScoredItem, value: number | null): number {
  if (value === null) return 0
  return item.options.find((option) => option.value === value)?.score ?? 0
}

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator)

/**
 * Scores items against their answers. An item without an answer row counts as in scope and
 * unanswered: a missing row must never make an assessment look better than it is.
 */
export function scoreItems(items: readonly ScoredItem[], answers: ReadonlyMap<string, AnswerState>): Score {
  let inScope = 0
  let answered = 0
  let assessed = 0
  let scoreSum = 0
  const tally = { basic: { total: 0, inPlace: 0 }, desirable: { total: 0, inPlace: 0 } }
  for (const item of items) {
    const answer = answers.get(item.ref)
    if (answer && !answer.inScope) continue
    inScope += 1
    if (answer && (answer.notApplicable || answer.value !== null)) answered += 1
    if (answer?.notApplicable) continue
    const earned = itemScore(item, answer?.value ?? null)
    assessed += 1
    scoreSum += earned
    tally[item.class].total += 1
    if (earned >= IN_PLACE_THRESHOLD) tally[item.class].inPlace += 1
  }
  return {
    score: ratio(scoreSum, assessed),
    progress: ratio(answered, inScope),
    answered,
    inScope,
    basicCompliance: ratio(tally.basic.inPlace, tally.basic.total),
    desirableAdoption: ratio(tally.desirable.inPlace, tally.desirable.total),
    basicTotal: tally.basic.total,
    desirableTotal: tally.desirable.total,
  }
}

/** Every item of a section and its subsections, in document order. */
function itemsUnder(section: CatalogSection): CatalogItem[] {
  return [...section.items, ...section.sections.flatMap(itemsUnder)]
}

const toScored = (item: CatalogItem): ScoredItem => ({ ref: item.ref, class: item.class, options: item.scale.options })

/** Overall and per top-level section; sections without any item (context chapters) are left out. */
export function scoreAssessment(catalog: Catalog, answers: readonly AnswerState[]): AssessmentScores {
  const byRef = new Map(answers.map((answer) => [answer.ref, answer]))
  const sections: SectionScore[] = []
  const all: ScoredItem[] = []
  for (const section of catalog.sections) {
    const items = itemsUnder(section).map(toScored)
    all.push(...items)
    if (items.length > 0) sections.push({ ref: section.ref, title: section.title, ...scoreItems(items, byRef) })
  }
  return { overall: scoreItems(all, byRef), sections }
}

export interface OrganisationProfile {
  sector: string | null
  sizeBand: string | null
}

/**
 * Whether a catalog item applies to an institution: its sector and size band are among the item's
 * (null = every one). An item that does not apply starts out of scope and may be brought in.
 */
export function itemAppliesTo(applicability: Applicability, profile: OrganisationProfile): boolean {
  const sectorFits = applicability.sectors === null || (profile.sector !== null && (applicability.sectors as string[]).includes(profile.sector))
  const sizeFits = applicability.sizes === null || (profile.sizeBand !== null && (applicability.sizes as string[]).includes(profile.sizeBand))
  return sectorFits && sizeFits
}
