import { digestOf, canonicalJson } from '../../canonical-json.js'
import type { Catalog } from '../catalog/catalog-types.js'
import { flattenItems } from '../catalog/service.js'
import type { AnswerExchange } from '../assessment/exchange-types.js'
import { isInPlace, itemScore, scoreAssessment } from '../assessment/scoring.js'
import type { LocalizedText } from '../catalog/catalog-types.js'

// What an institution submits to a round: an immutable snapshot of an approved assessment, stored
// as the exact bytes of its RFC 8785 canonical JSON, whose SHA-256 both sides see and can re-check.

export const SNAPSHOT_FORMAT = 'kamae.round-submission'

export interface SubmissionSnapshot {
  format: typeof SNAPSHOT_FORMAT
  formatVersion: 1
  round: { id: string; kind: string; title: LocalizedText; dueAt: string }
  institution: { id: string; name: LocalizedText; sector: string; sizeBand: string }
  catalog: { key: string; version: string; digest: string }
  /** The approved assessment, or null for a check sheet the supervisor imported. */
  assessment: { id: string; lineageId: string; version: number; title: string; approvedAt: string | null; approvedBy: string | null; approvalComment: string | null } | null
  source: 'online' | 'import'
  version: number
  submittedAt: string
  submittedBy: string
  answers: AnswerExchange[]
  scores: {
    overall: { score: number | null; progress: number | null; basicCompliance: number | null; desirableAdoption: number | null }
    sections: { ref: string; score: number | null; basicCompliance: number | null }[]
  }
}

export interface ItemResult {
  ref: string
  assessed: boolean
  score: number
  inPlace: boolean
}

/** Scores and per-item results of a set of answers: what the analysis aggregates. */
export function resultsOf(catalog: Catalog, answers: readonly AnswerExchange[]) {
  const scores = scoreAssessment(catalog, answers)
  const byRef = new Map(answers.map((answer) => [answer.ref, answer]))
  const items: ItemResult[] = flattenItems(catalog).map(({ item }) => {
    const answer = byRef.get(item.ref)
    const assessed = (answer?.inScope ?? true) && !(answer?.notApplicable ?? false)
    const score = assessed ? itemScore({ ref: item.ref, class: item.class, options: item.scale.options }, answer?.value ?? null) : 0
    return { ref: item.ref, assessed, score, inPlace: assessed && isInPlace(score) }
  })
  return {
    overall: {
      score: scores.overall.score,
      progress: scores.overall.progress,
      basicCompliance: scores.overall.basicCompliance,
      desirableAdoption: scores.overall.desirableAdoption,
    },
    sections: scores.sections.map((section) => ({ ref: section.ref, score: section.score, basicCompliance: section.basicCompliance })),
    items,
  }
}

/** The stored bytes and their digest. */
export function sealSnapshot(snapshot: SubmissionSnapshot): { text: string; digest: string } {
  return { text: canonicalJson(snapshot), digest: digestOf(snapshot) }
}

/** The compact per-item outcome stored with a submission: '1' in place, '0' not, '-' not assessed. */
export const itemFlagsOf = (items: readonly ItemResult[]) => items.map((item) => (!item.assessed ? '-' : item.inPlace ? '1' : '0')).join('')
