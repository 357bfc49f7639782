import { sql } from 'drizzle-orm'
import { queryRows, type Queryable } from '../../db/database.js'

// What the analysis reads of a round, in two queries: the current submission of every target with its
// compact item flags (one character per item), and their section scores. Item counts per peer group
// (sector x size band) are tallied from the flags; rates of wider groups are sums of these counts.

export interface Member {
  institutionOrgId: string
  nameJa: string
  nameEn: string
  sector: string
  sizeBand: string
  submissionId: string
  version: number
  submittedAt: Date
  digest: string
  late: boolean
  overall: number | null
  basicCompliance: number | null
  desirableAdoption: number | null
  /** Score per top-level section ref. */
  sections: Map<string, number | null>
}

export interface ItemCount {
  itemRef: string
  sector: string
  sizeBand: string
  assessed: number
  inPlace: number
}

export interface RoundData {
  members: Member[]
  itemCounts: ItemCount[]
}

interface MemberRow {
  institution_org_id: string
  name_ja: string
  name_en: string
  sector: string
  size_band: string
  submission_id: string
  version: number
  submitted_at: Date | string
  digest: string
  late: boolean
  overall_score: number | null
  basic_compliance: number | null
  desirable_adoption: number | null
  item_flags: string
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

/** The round's data; `itemRefs` are the refs of the round's catalog in catalog order (the flags' order). */
export async function loadRoundData(db: Queryable, roundId: string, itemRefs: readonly string[]): Promise<RoundData> {
  const memberRows = await queryRows<MemberRow>(
    db,
    sql`SELECT t.institution_org_id, o.name_ja, o.name_en, t.sector, t.size_band, s.id AS submission_id, s.version,
               s.submitted_at, s.digest, s.late, s.overall_score, s.basic_compliance, s.desirable_adoption, s.item_flags
        FROM supervision_round_targets t
        JOIN supervision_submissions s ON s.id = t.current_submission_id
        JOIN organisations o ON o.id = t.institution_org_id
        WHERE t.round_id = ${roundId}
        ORDER BY o.name_ja, t.institution_org_id`,
  )
  const sectionRows = await queryRows<{ submission_id: string; section_ref: string; score: number | null }>(
    db,
    sql`SELECT ss.submission_id, ss.section_ref, ss.score
        FROM supervision_section_scores ss
        JOIN supervision_round_targets t ON t.current_submission_id = ss.submission_id
        WHERE t.round_id = ${roundId}`,
  )
  const sectionsBySubmission = new Map<string, Map<string, number | null>>()
  for (const row of sectionRows) {
    const own = sectionsBySubmission.get(row.submission_id) ?? new Map<string, number | null>()
    own.set(row.section_ref, num(row.score))
    sectionsBySubmission.set(row.submission_id, own)
  }
  return {
    members: memberRows.map((row) => ({
      institutionOrgId: row.institution_org_id,
      nameJa: row.name_ja,
      nameEn: row.name_en,
      sector: row.sector,
      sizeBand: row.size_band,
      submissionId: row.submission_id,
      version: Number(row.version),
      submittedAt: new Date(row.submitted_at),
      digest: row.digest,
      late: row.late,
      overall: num(row.overall_score),
      basicCompliance: num(row.basic_compliance),
      desirableAdoption: num(row.desirable_adoption),
      sections: sectionsBySubmission.get(row.submission_id) ?? new Map(),
    })),
    itemCounts: tallyItems(memberRows, itemRefs),
  }
}

const ASSESSED_NOT_IN_PLACE = '0'.charCodeAt(0)
const IN_PLACE = '1'.charCodeAt(0)

/** Item counts per item and peer group, from the submissions' flags. */
function tallyItems(rows: readonly MemberRow[], itemRefs: readonly string[]): ItemCount[] {
  const groups = new Map<string, { sector: string; sizeBand: string; assessed: Int32Array; inPlace: Int32Array }>()
  for (const row of rows) {
    const key = `${row.sector}\u0000${row.size_band}`
    let group = groups.get(key)
    if (!group) {
      group = { sector: row.sector, sizeBand: row.size_band, assessed: new Int32Array(itemRefs.length), inPlace: new Int32Array(itemRefs.length) }
      groups.set(key, group)
    }
    const flags = row.item_flags
    const length = Math.min(flags.length, itemRefs.length)
    for (let i = 0; i < length; i++) {
      const flag = flags.charCodeAt(i)
      if (flag === IN_PLACE) {
        group.assessed[i] = (group.assessed[i] as number) + 1
        group.inPlace[i] = (group.inPlace[i] as number) + 1
      } else if (flag === ASSESSED_NOT_IN_PLACE) {
        group.assessed[i] = (group.assessed[i] as number) + 1
      }
    }
  }
  const counts: ItemCount[] = []
  for (const group of groups.values()) {
    itemRefs.forEach((itemRef, i) => {
      counts.push({ itemRef, sector: group.sector, sizeBand: group.sizeBand, assessed: group.assessed[i] as number, inPlace: group.inPlace[i] as number })
    })
  }
  return counts
}

/** Items of current submissions that were assessed and are not in place: what feedback lists as gaps. */
export async function unmetItems(db: Queryable, roundId: string, institutionOrgId?: string): Promise<Map<string, { ref: string; score: number }[]>> {
  const rows = await queryRows<{ institution_org_id: string; item_ref: string; score: number }>(
    db,
    sql`SELECT t.institution_org_id, r.item_ref, r.score
        FROM supervision_item_results r
        JOIN supervision_round_targets t ON t.current_submission_id = r.submission_id
        WHERE t.round_id = ${roundId} AND r.assessed AND NOT r.in_place
          ${institutionOrgId ? sql`AND t.institution_org_id = ${institutionOrgId}` : sql``}`,
  )
  const out = new Map<string, { ref: string; score: number }[]>()
  for (const row of rows) {
    const own = out.get(row.institution_org_id) ?? []
    own.push({ ref: row.item_ref, score: Number(row.score) })
    out.set(row.institution_org_id, own)
  }
  return out
}

export interface TrendPoint {
  roundId: string
  titleJa: string
  titleEn: string
  closedAt: Date
  overall: number | null
  basicCompliance: number | null
}

/**
 * Each institution's current submissions to the supervisor's published rounds on a catalog with the
 * same key, up to and including this round, oldest first.
 */
export async function trendsOf(db: Queryable, supervisorOrgId: string, catalogKey: string, upTo: Date, institutionOrgId?: string): Promise<Map<string, TrendPoint[]>> {
  const rows = await queryRows<{ institution_org_id: string; round_id: string; title_ja: string; title_en: string; closed_at: Date | string; overall_score: number | null; basic_compliance: number | null }>(
    db,
    sql`SELECT t.institution_org_id, r.id AS round_id, r.title_ja, r.title_en, coalesce(r.closed_at, r.due_at) AS closed_at,
               s.overall_score, s.basic_compliance
        FROM supervision_rounds r
        JOIN catalogs c ON c.id = r.catalog_id
        JOIN supervision_round_targets t ON t.round_id = r.id
        JOIN supervision_submissions s ON s.id = t.current_submission_id
        WHERE r.supervisor_org_id = ${supervisorOrgId} AND c.key = ${catalogKey}
          AND r.published_at IS NOT NULL AND r.published_at <= ${upTo.toISOString()}
          ${institutionOrgId ? sql`AND t.institution_org_id = ${institutionOrgId}` : sql``}
        ORDER BY r.published_at, r.id`,
  )
  const out = new Map<string, TrendPoint[]>()
  for (const row of rows) {
    const own = out.get(row.institution_org_id) ?? []
    own.push({
      roundId: row.round_id,
      titleJa: row.title_ja,
      titleEn: row.title_en,
      closedAt: new Date(row.closed_at),
      overall: num(row.overall_score),
      basicCompliance: num(row.basic_compliance),
    })
    out.set(row.institution_org_id, own)
  }
  return out
}
