// What changed between two versions of one assessment, item by item. Pure: rows in, changes out.

export const DIFF_FIELDS = ['inScope', 'value', 'notApplicable', 'naReason', 'comment', 'evidence'] as const
export type DiffField = (typeof DIFF_FIELDS)[number]

export interface AnswerSnapshot {
  ref: string
  inScope: boolean
  value: number | null
  notApplicable: boolean
  naReason: string | null
  comment: string | null
}

export interface EvidenceSnapshot {
  itemRef: string
  filename: string
  sha256: string
}

export interface EvidenceRef {
  filename: string
  sha256: string
}

/**
 * One change. For the answer fields, before and after are the field's values. For evidence a file
 * added has before null and after the file; a file removed has before the file and after null.
 */
export interface ItemChange {
  ref: string
  field: DiffField
  before: unknown
  after: unknown
}

const ANSWER_FIELDS = ['inScope', 'value', 'notApplicable', 'naReason', 'comment'] as const

// A file is the same evidence in both versions when both its bytes and its name are: reopening
// copies evidence rows, so an unchanged file keeps both.
const evidenceKey = (e: EvidenceSnapshot) => `${e.sha256}\u0000${e.filename}`

function evidenceChanges(ref: string, before: EvidenceSnapshot[], after: EvidenceSnapshot[]): ItemChange[] {
  const remaining = new Map<string, number>()
  for (const e of before) remaining.set(evidenceKey(e), (remaining.get(evidenceKey(e)) ?? 0) + 1)
  const added: ItemChange[] = []
  for (const e of after) {
    const count = remaining.get(evidenceKey(e)) ?? 0
    if (count > 0) remaining.set(evidenceKey(e), count - 1)
    else added.push({ ref, field: 'evidence', before: null, after: { filename: e.filename, sha256: e.sha256 } })
  }
  const removed: ItemChange[] = []
  for (const e of before) {
    const count = remaining.get(evidenceKey(e)) ?? 0
    if (count > 0) {
      remaining.set(evidenceKey(e), count - 1)
      removed.push({ ref, field: 'evidence', before: { filename: e.filename, sha256: e.sha256 }, after: null })
    }
  }
  return [...removed, ...added]
}

function groupByItem(evidence: readonly EvidenceSnapshot[]): Map<string, EvidenceSnapshot[]> {
  const map = new Map<string, EvidenceSnapshot[]>()
  for (const e of evidence) map.set(e.itemRef, [...(map.get(e.itemRef) ?? []), e])
  return map
}

/**
 * Changes from one version to another, in the order of `refs` (catalog order), then by field. A
 * ref missing from one side compares against an empty, in-scope answer.
 */
export function diffVersions(
  refs: readonly string[],
  from: { answers: readonly AnswerSnapshot[]; evidence: readonly EvidenceSnapshot[] },
  to: { answers: readonly AnswerSnapshot[]; evidence: readonly EvidenceSnapshot[] },
): ItemChange[] {
  const empty = (ref: string): AnswerSnapshot => ({ ref, inScope: true, value: null, notApplicable: false, naReason: null, comment: null })
  const fromAnswers = new Map(from.answers.map((a) => [a.ref, a]))
  const toAnswers = new Map(to.answers.map((a) => [a.ref, a]))
  const fromEvidence = groupByItem(from.evidence)
  const toEvidence = groupByItem(to.evidence)
  const changes: ItemChange[] = []
  for (const ref of refs) {
    const before = fromAnswers.get(ref) ?? empty(ref)
    const after = toAnswers.get(ref) ?? empty(ref)
    for (const field of ANSWER_FIELDS) {
      if (before[field] !== after[field]) changes.push({ ref, field, before: before[field], after: after[field] })
    }
    changes.push(...evidenceChanges(ref, fromEvidence.get(ref) ?? [], toEvidence.get(ref) ?? []))
  }
  return changes
}
