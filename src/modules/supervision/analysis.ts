import type { Catalog, LocalizedText } from '../catalog/catalog-types.js'
import { flattenItems } from '../catalog/service.js'
import type { CommonWeakness, Distribution, FeedbackReport, ItemGap, PeerGroup, SectionFeedback, SectorSummary } from './report-types.js'
import type { ItemCount, Member, RoundData, TrendPoint } from './round-data.js'
import { choosePeerGroup, distributionOf, inGroup, percentileRank } from './statistics.js'

// The sector analysis of a round (issue 3 §2) and each institution's feedback (§3). Pure: round data
// in, figures out. The supervisor's analysis shows every group (it has the submissions anyway); what
// an institution sees about others always comes from a group of at least k (choosePeerGroup).

export interface GroupFigure {
  sector: string
  sizeBand: string | null
  size: number
  /** A group smaller than the round's k: never shown to institutions. */
  belowK: boolean
  distribution: Distribution | null
}

export interface MetricFigures {
  all: Distribution | null
  bySector: GroupFigure[]
  byPeer: GroupFigure[]
}

export interface ItemRate {
  ref: string
  sectionRef: string
  class: 'basic' | 'desirable'
  title: LocalizedText
  assessed: number
  inPlace: number
  rate: number | null
  previousRate: number | null
}

export interface RoundAnalysis {
  k: number
  targets: number
  submissions: number
  overall: MetricFigures
  basicCompliance: MetricFigures
  /** Share of submissions meeting every basic item they assessed. */
  fullBasicComplianceRate: number | null
  sections: (MetricFigures & { ref: string; title: LocalizedText })[]
  items: ItemRate[]
  commonWeaknesses: CommonWeakness[]
  previous: {
    roundId: string
    title: LocalizedText
    submissions: number
    overallMean: number | null
    basicComplianceMean: number | null
    sections: { ref: string; mean: number | null }[]
  } | null
}

export interface CatalogShape {
  sections: { ref: string; title: LocalizedText }[]
  items: { ref: string; sectionRef: string; class: 'basic' | 'desirable'; title: LocalizedText }[]
}

/** The parts of a catalog the analysis names: top-level sections with items, and every item. */
export function catalogShape(catalog: Catalog): CatalogShape {
  const flat = flattenItems(catalog)
  const withItems = new Set(flat.map((entry) => entry.topSectionRef))
  return {
    sections: catalog.sections.filter((section) => withItems.has(section.ref)).map((section) => ({ ref: section.ref, title: section.title })),
    items: flat.map(({ item, topSectionRef }) => ({ ref: item.ref, sectionRef: topSectionRef, class: item.class, title: item.title })),
  }
}

const mean = (values: readonly (number | null)[]) => distributionOf(values)?.mean ?? null
const groupKey = (sector: string, sizeBand: string | null) => `${sector}\u0000${sizeBand ?? ''}`

function figures(members: readonly Member[], k: number, value: (member: Member) => number | null): MetricFigures {
  const bySector = new Map<string, Member[]>()
  const byPeer = new Map<string, Member[]>()
  for (const member of members) {
    bySector.set(member.sector, [...(bySector.get(member.sector) ?? []), member])
    const key = groupKey(member.sector, member.sizeBand)
    byPeer.set(key, [...(byPeer.get(key) ?? []), member])
  }
  const figure = (group: Member[], sector: string, sizeBand: string | null): GroupFigure => ({
    sector,
    sizeBand,
    size: group.length,
    belowK: group.length < k,
    distribution: distributionOf(group.map(value)),
  })
  return {
    all: distributionOf(members.map(value)),
    bySector: [...bySector].sort(([a], [b]) => a.localeCompare(b)).map(([sector, group]) => figure(group, sector, null)),
    byPeer: [...byPeer.values()]
      .map((group) => figure(group, (group[0] as Member).sector, (group[0] as Member).sizeBand))
      .sort((a, b) => a.sector.localeCompare(b.sector) || (a.sizeBand ?? '').localeCompare(b.sizeBand ?? '')),
  }
}

/** Implementation rate of every item over the counts that fall in a group (all groups when none is given). */
function itemRates(shape: CatalogShape, counts: readonly ItemCount[], group?: Pick<PeerGroup, 'level' | 'sector' | 'sizeBand'>): Map<string, { assessed: number; inPlace: number }> {
  const totals = new Map<string, { assessed: number; inPlace: number }>(shape.items.map((item) => [item.ref, { assessed: 0, inPlace: 0 }]))
  for (const count of counts) {
    if (group && !inGroup(group, count)) continue
    const total = totals.get(count.itemRef)
    if (!total) continue
    total.assessed += count.assessed
    total.inPlace += count.inPlace
  }
  return totals
}

const rateOf = (total: { assessed: number; inPlace: number } | undefined) => (total && total.assessed > 0 ? total.inPlace / total.assessed : null)

export function analyseRound(shape: CatalogShape, data: RoundData, k: number, targets: number, previous?: { roundId: string; title: LocalizedText; data: RoundData; shape: CatalogShape }): RoundAnalysis {
  const rates = itemRates(shape, data.itemCounts)
  const previousRates = previous ? itemRates(previous.shape, previous.data.itemCounts) : null
  const items: ItemRate[] = shape.items.map((item) => {
    const total = rates.get(item.ref) as { assessed: number; inPlace: number }
    return { ...item, assessed: total.assessed, inPlace: total.inPlace, rate: rateOf(total), previousRate: previousRates ? rateOf(previousRates.get(item.ref)) : null }
  })
  const fullyCompliant = data.members.filter((m) => m.basicCompliance !== null)
  return {
    k,
    targets,
    submissions: data.members.length,
    overall: figures(data.members, k, (m) => m.overall),
    basicCompliance: figures(data.members, k, (m) => m.basicCompliance),
    fullBasicComplianceRate: fullyCompliant.length === 0 ? null : fullyCompliant.filter((m) => (m.basicCompliance as number) >= 1 - 1e-9).length / fullyCompliant.length,
    sections: shape.sections.map((section) => ({ ref: section.ref, title: section.title, ...figures(data.members, k, (m) => m.sections.get(section.ref) ?? null) })),
    items,
    commonWeaknesses: commonWeaknesses(items),
    previous: previous
      ? {
          roundId: previous.roundId,
          title: previous.title,
          submissions: previous.data.members.length,
          overallMean: mean(previous.data.members.map((m) => m.overall)),
          basicComplianceMean: mean(previous.data.members.map((m) => m.basicCompliance)),
          sections: shape.sections.map((section) => ({ ref: section.ref, mean: mean(previous.data.members.map((m) => m.sections.get(section.ref) ?? null)) })),
        }
      : null,
  }
}

const WEAKNESSES_SHOWN = 15

/** The items most often not in place sector-wide, basic items first on ties. */
export function commonWeaknesses(items: readonly ItemRate[]): CommonWeakness[] {
  return items
    .filter((item) => item.rate !== null)
    .sort((a, b) => (a.rate as number) - (b.rate as number) || (a.class === b.class ? 0 : a.class === 'basic' ? -1 : 1) || a.ref.localeCompare(b.ref))
    .slice(0, WEAKNESSES_SHOWN)
    .map((item) => ({ ref: item.ref, sectionRef: item.sectionRef, class: item.class, title: item.title, implementationRate: item.rate as number, assessed: item.assessed }))
}

// ---------------------------------------------------------------- drill-down

export interface DrillDownFilter {
  sectionRef?: string
  sector?: string
  sizeBand?: string
}

/** The institutions behind a figure of the supervisor's analysis, weakest first. */
export function drillDown(data: RoundData, filter: DrillDownFilter) {
  return data.members
    .filter((m) => (!filter.sector || m.sector === filter.sector) && (!filter.sizeBand || m.sizeBand === filter.sizeBand))
    .map((m) => ({
      institution: { id: m.institutionOrgId, name: { ja: m.nameJa, en: m.nameEn }, sector: m.sector, sizeBand: m.sizeBand },
      score: filter.sectionRef ? (m.sections.get(filter.sectionRef) ?? null) : m.overall,
      basicCompliance: m.basicCompliance,
      submission: { id: m.submissionId, version: m.version, submittedAt: m.submittedAt, late: m.late },
    }))
    .sort((a, b) => (a.score ?? -1) - (b.score ?? -1) || a.institution.name.ja.localeCompare(b.institution.name.ja))
}

// ---------------------------------------------------------------- feedback

export interface FeedbackContext {
  round: { id: string; title: LocalizedText; kind: 'self_assessment' | 'self_inspection'; k: number }
  catalog: { key: string; version: string; title: LocalizedText }
  shape: CatalogShape
  data: RoundData
  generatedAt: Date
}

const GAPS_SHOWN = 10

/**
 * One institution's feedback: its figures against its k-anonymous peer group. Everything about
 * others is a distribution or a rate over that group; no other institution is named.
 */
export function feedbackFor(
  context: FeedbackContext,
  institutionOrgId: string,
  unmet: readonly { ref: string; score: number }[],
  trend: readonly TrendPoint[],
  /** The institution's current submission in the previous round of the same catalog, if any. */
  previousOwn?: Member,
): FeedbackReport {
  const { data, shape, round } = context
  const own = data.members.find((m) => m.institutionOrgId === institutionOrgId)
  if (!own) throw new Error(`no current submission of ${institutionOrgId} in round ${round.id}`)
  const group = choosePeerGroup(data.members, own, round.k)
  const peers = group ? data.members.filter((m) => inGroup(group, m)) : []
  const sectionFeedback = (ref: string, title: LocalizedText, value: (m: Member) => number | null): SectionFeedback => ({
    ref,
    title,
    score: value(own),
    peers: group ? distributionOf(peers.map(value)) : null,
    percentileRank: group ? percentileRank(peers.map(value), value(own)) : null,
    previousScore: previousOwn ? value(previousOwn) : null,
  })
  const items = new Map(shape.items.map((item) => [item.ref, item]))
  const groupRates = group ? itemRates(shape, data.itemCounts, group) : null
  const unmetItems = unmet
    .map((entry) => ({ entry, item: items.get(entry.ref) }))
    .filter((pair): pair is { entry: { ref: string; score: number }; item: CatalogShape['items'][number] } => pair.item !== undefined)
  const order = new Map(shape.items.map((item, i) => [item.ref, i]))
  unmetItems.sort((a, b) => (order.get(a.entry.ref) ?? 0) - (order.get(b.entry.ref) ?? 0))
  const largestGaps: ItemGap[] = groupRates
    ? unmetItems
        .map(({ entry, item }) => ({
          ref: item.ref,
          sectionRef: item.sectionRef,
          class: item.class,
          title: item.title,
          ownScore: entry.score,
          peerImplementationRate: rateOf(groupRates.get(item.ref)) ?? 0,
        }))
        .filter((gap) => gap.peerImplementationRate > 0)
        .sort((a, b) => b.peerImplementationRate - b.ownScore - (a.peerImplementationRate - a.ownScore) || a.ref.localeCompare(b.ref))
        .slice(0, GAPS_SHOWN)
    : []
  const overall = sectionFeedback('overall', { ja: '総合', en: 'Overall' }, (m) => m.overall)
  return {
    roundId: round.id,
    roundTitle: round.title,
    roundKind: round.kind,
    catalog: context.catalog,
    institution: { id: own.institutionOrgId, name: { ja: own.nameJa, en: own.nameEn }, sector: own.sector, sizeBand: own.sizeBand },
    submission: { version: own.version, submittedAt: own.submittedAt.toISOString(), digest: own.digest, late: own.late },
    generatedAt: context.generatedAt.toISOString(),
    k: round.k,
    peerGroup: group ?? { level: 'all', sector: null, sizeBand: null, size: 0, fellBackFrom: 'peer' },
    overall,
    basicCompliance: { own: own.basicCompliance, peers: group ? distributionOf(peers.map((m) => m.basicCompliance)) : null },
    sections: shape.sections.map((section) => sectionFeedback(section.ref, section.title, (m) => m.sections.get(section.ref) ?? null)),
    unmetBasicItems: unmetItems.filter(({ item }) => item.class === 'basic').map(({ entry, item }) => ({ ref: item.ref, sectionRef: item.sectionRef, title: item.title, ownScore: entry.score })),
    largestGaps,
    trend: trend.map((point) => ({ roundId: point.roundId, roundTitle: { ja: point.titleJa, en: point.titleEn }, closedAt: point.closedAt.toISOString(), overall: point.overall, basicCompliance: point.basicCompliance })),
  }
}

// ---------------------------------------------------------------- sector summary

/** The aggregate report a supervisor may publish: no group under k is shown on its own. */
export function sectorSummary(context: FeedbackContext, targets: number, previous: { roundId: string; title: LocalizedText; data: RoundData } | null): SectorSummary {
  const { data, shape, round } = context
  const k = round.k
  const enough = data.members.length >= k
  const bySector = new Map<string, Member[]>()
  for (const member of data.members) bySector.set(member.sector, [...(bySector.get(member.sector) ?? []), member])
  const shown = [...bySector].filter(([, group]) => group.length >= k).sort(([a], [b]) => a.localeCompare(b))
  const folded = [...bySector].filter(([, group]) => group.length < k).reduce((total, [, group]) => total + group.length, 0)
  const analysis = analyseRound(shape, data, k, targets)
  const withBasic = data.members.filter((m) => m.basicCompliance !== null)
  return {
    roundId: round.id,
    roundTitle: round.title,
    catalog: context.catalog,
    generatedAt: context.generatedAt.toISOString(),
    k,
    targets,
    submissions: data.members.length,
    headline: {
      meanOverall: enough ? mean(data.members.map((m) => m.overall)) : null,
      meanBasicCompliance: enough ? mean(data.members.map((m) => m.basicCompliance)) : null,
      fullBasicComplianceRate: enough && withBasic.length > 0 ? withBasic.filter((m) => (m.basicCompliance as number) >= 1 - 1e-9).length / withBasic.length : null,
    },
    overall: enough ? distributionOf(data.members.map((m) => m.overall)) : null,
    sections: shape.sections.map((section) => ({ ref: section.ref, title: section.title, distribution: enough ? distributionOf(data.members.map((m) => m.sections.get(section.ref) ?? null)) : null })),
    bySector: shown
      .map(([sector, group]) => ({ sector, distribution: distributionOf(group.map((m) => m.overall)) }))
      .filter((entry): entry is { sector: string; distribution: Distribution } => entry.distribution !== null),
    othersFolded: folded,
    commonWeaknesses: enough ? analysis.commonWeaknesses : [],
    trend:
      previous && previous.data.members.length >= k
        ? {
            previousRoundId: previous.roundId,
            previousRoundTitle: previous.title,
            previousMeanOverall: mean(previous.data.members.map((m) => m.overall)),
            previousMeanBasicCompliance: mean(previous.data.members.map((m) => m.basicCompliance)),
          }
        : null,
  }
}
