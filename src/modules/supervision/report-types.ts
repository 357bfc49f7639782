import type { LocalizedText } from '../catalog/catalog-types.js'

// The data of the supervision round's reports (issue 3 §3). Computed by analysis.ts from submitted
// snapshots, frozen when the supervisor generates the reports, rendered as a web page and a PDF.
// Every figure about other institutions comes from a group of at least k of them (k-anonymity).

/** Summary of a distribution of scores (0..1). Quantiles use linear interpolation (type 7). */
export interface Distribution {
  count: number
  mean: number
  p10: number
  p25: number
  median: number
  p75: number
  p90: number
  min: number
  max: number
}

/** The peer group a figure comes from, after falling back from a group smaller than k. */
export interface PeerGroup {
  /** `peer`: sector x size band; `sector`: the sector; `all`: every submission of the round. */
  level: 'peer' | 'sector' | 'all'
  sector: string | null
  sizeBand: string | null
  size: number
  /** The level first asked for, when the figure fell back to a wider group. */
  fellBackFrom: 'peer' | 'sector' | null
}

export interface SectionFeedback {
  ref: string
  title: LocalizedText
  /** The institution's own score (0..1); null when nothing in the section was assessed. */
  score: number | null
  /** The peer group's distribution; null when even the whole round has fewer than k submissions. */
  peers: Distribution | null
  /** Share of the peer group scoring strictly below, plus half of the ties (0..100). */
  percentileRank: number | null
  /** The institution's score in the previous round of the same catalog, when there was one. */
  previousScore: number | null
}

export interface ItemGap {
  ref: string
  sectionRef: string
  class: 'basic' | 'desirable'
  title: LocalizedText
  /** The institution's item score (0..1). */
  ownScore: number
  /** Share of the peer group with the item in place (0..1). */
  peerImplementationRate: number
}

export interface FeedbackReport {
  roundId: string
  roundTitle: LocalizedText
  roundKind: 'self_assessment' | 'self_inspection'
  catalog: { key: string; version: string; title: LocalizedText }
  institution: { id: string; name: LocalizedText; sector: string; sizeBand: string }
  submission: { version: number; submittedAt: string; digest: string; late: boolean }
  generatedAt: string
  k: number
  peerGroup: PeerGroup
  overall: SectionFeedback
  basicCompliance: { own: number | null; peers: Distribution | null }
  sections: SectionFeedback[]
  /** Basic items (基本的な対応事項) the institution has not met, in catalog order. */
  unmetBasicItems: { ref: string; sectionRef: string; title: LocalizedText; ownScore: number }[]
  /** Items in place at most peers but not here, the widest gap first (at most 10). */
  largestGaps: ItemGap[]
  /** Previous rounds of the same catalog the institution submitted to, oldest first, then this one. */
  trend: { roundId: string; roundTitle: LocalizedText; closedAt: string; overall: number | null; basicCompliance: number | null }[]
}

export interface CommonWeakness {
  ref: string
  sectionRef: string
  class: 'basic' | 'desirable'
  title: LocalizedText
  /** Share of submissions with the item in place (0..1), among those that assessed it. */
  implementationRate: number
  assessed: number
}

/** The sector summary a supervisor may publish (aggregate only, every group >= k). */
export interface SectorSummary {
  roundId: string
  roundTitle: LocalizedText
  catalog: { key: string; version: string; title: LocalizedText }
  generatedAt: string
  k: number
  targets: number
  submissions: number
  headline: { meanOverall: number | null; meanBasicCompliance: number | null; fullBasicComplianceRate: number | null }
  overall: Distribution | null
  sections: { ref: string; title: LocalizedText; distribution: Distribution | null }[]
  /** Per sector; a sector with fewer than k submissions is folded into `others` and never shown alone. */
  bySector: { sector: string; distribution: Distribution }[]
  othersFolded: number
  commonWeaknesses: CommonWeakness[]
  /** Against the previous round of the same catalog, when there is one. */
  trend: { previousRoundId: string; previousRoundTitle: LocalizedText; previousMeanOverall: number | null; previousMeanBasicCompliance: number | null } | null
}
