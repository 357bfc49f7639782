import type { Localized } from '../../i18n/locale.js'
import type { Phase } from './schema.js'

// Deadline clocks per phase (issue 4 §2). The periods are data (data/reporting-policy.json);
// the defaults: the initial report as soon as possible and within 24 h of detection, an
// intermediate report within 72 h of the initial one, the final report within one month of the
// report before it (DORA RTS on reporting, Art. 5: one month after the latest intermediate report).
// Pure: the incident's history and a time in, due times and overdue flags out.

export const DEADLINE_ANCHORS = ['detected', 'initial_submitted', 'previous_report'] as const
export type DeadlineAnchor = (typeof DEADLINE_ANCHORS)[number]

export interface PhaseDeadlineRule {
  /** The clock starts at detection, at the initial report, or at the report submitted before this one. */
  after: DeadlineAnchor
  hours?: number
  days?: number
  /** Calendar months, counted in Japan time (JST has no daylight saving): 31 Jan + 1 month = 28/29 Feb. */
  months?: number
  note?: Localized
}

export type DeadlinePolicy = Record<Phase, PhaseDeadlineRule>

export interface Submission {
  phase: Phase
  submittedAt: Date
}

export interface ReportingHistory {
  detectedAt: Date | null
  /** Submitted reports, oldest first. */
  submissions: Submission[]
}

export type PhaseDeadlineStatus = 'pending' | 'submitted' | 'not_required' | 'missed'

export interface PhaseDeadline {
  phase: Phase
  dueAt: Date | null
  submittedAt: Date | null
  status: PhaseDeadlineStatus
  /** Submitted (or superseded) after the due time. */
  late: boolean
  /** Still owed and past the due time. */
  overdue: boolean
}

export interface NextReport {
  phase: Phase
  dueAt: Date | null
  overdue: boolean
}

export interface DeadlineState {
  phases: PhaseDeadline[]
  /** The report owed next; null once the final report is in. */
  next: NextReport | null
  overdue: boolean
}

const HOUR_MS = 3_600_000
const JST_OFFSET_MS = 9 * HOUR_MS

function addMonthsInJapan(from: Date, months: number): Date {
  const local = new Date(from.getTime() + JST_OFFSET_MS)
  const year = local.getUTCFullYear()
  const month = local.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(local.getUTCDate(), lastDay)
  const shifted = Date.UTC(year, month, day, local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds())
  return new Date(shifted - JST_OFFSET_MS)
}

/** The end of a rule's period started at `from`. */
export function addPeriod(from: Date, rule: PhaseDeadlineRule): Date {
  let due = from
  if (rule.months) due = addMonthsInJapan(due, rule.months)
  return new Date(due.getTime() + ((rule.days ?? 0) * 24 + (rule.hours ?? 0)) * HOUR_MS)
}

function anchorTime(anchor: DeadlineAnchor, history: ReportingHistory, submissionsBefore: Submission[]): Date | null {
  switch (anchor) {
    case 'detected':
      return history.detectedAt
    case 'initial_submitted':
      return history.submissions.find((s) => s.phase === 'initial')?.submittedAt ?? null
    case 'previous_report':
      return submissionsBefore.at(-1)?.submittedAt ?? null
  }
}

function dueAt(phase: Phase, policy: DeadlinePolicy, history: ReportingHistory, submissionsBefore: Submission[]): Date | null {
  const rule = policy[phase]
  const start = anchorTime(rule.after, history, submissionsBefore)
  return start ? addPeriod(start, rule) : null
}

const isAfter = (a: Date | null, b: Date | null) => a !== null && b !== null && a.getTime() > b.getTime()

/** Every phase's due time and state, and the report owed next, as at `now`. */
export function deadlineState(history: ReportingHistory, policy: DeadlinePolicy, now: Date): DeadlineState {
  const first = (phase: Phase) => history.submissions.find((s) => s.phase === phase) ?? null
  const initial = first('initial')
  const intermediate = first('intermediate')
  const finalIndex = history.submissions.findIndex((s) => s.phase === 'final')
  const final = finalIndex >= 0 ? history.submissions[finalIndex]! : null
  const pastDue = (due: Date | null): boolean => isAfter(now, due)

  const initialDue = dueAt('initial', policy, history, [])
  const initialState: PhaseDeadline = initial
    ? { phase: 'initial', dueAt: initialDue, submittedAt: initial.submittedAt, status: 'submitted', late: isAfter(initial.submittedAt, initialDue), overdue: false }
    : { phase: 'initial', dueAt: initialDue, submittedAt: null, status: 'pending', late: false, overdue: pastDue(initialDue) }

  // The intermediate clock only runs once the initial report is in (or from detection, if so configured).
  const intermediateDue = initial || policy.intermediate.after === 'detected' ? dueAt('intermediate', policy, history, initial ? [initial] : []) : null
  let intermediateState: PhaseDeadline
  if (intermediate) {
    intermediateState = { phase: 'intermediate', dueAt: intermediateDue, submittedAt: intermediate.submittedAt, status: 'submitted', late: isAfter(intermediate.submittedAt, intermediateDue), overdue: false }
  } else if (final) {
    // A final report sent before the intermediate one was due makes it unnecessary.
    const missed = isAfter(final.submittedAt, intermediateDue)
    intermediateState = { phase: 'intermediate', dueAt: intermediateDue, submittedAt: null, status: missed ? 'missed' : 'not_required', late: missed, overdue: false }
  } else {
    intermediateState = { phase: 'intermediate', dueAt: intermediateDue, submittedAt: null, status: 'pending', late: false, overdue: initial !== null && pastDue(intermediateDue) }
  }

  const beforeFinal = final ? history.submissions.slice(0, finalIndex) : history.submissions
  const finalDue = beforeFinal.length > 0 ? dueAt('final', policy, history, beforeFinal) : null
  const finalState: PhaseDeadline = final
    ? { phase: 'final', dueAt: finalDue, submittedAt: final.submittedAt, status: 'submitted', late: isAfter(final.submittedAt, finalDue), overdue: false }
    : { phase: 'final', dueAt: finalDue, submittedAt: null, status: 'pending', late: false, overdue: false }

  const next = nextReport(history, initialState, intermediateState, finalState, now)
  if (next?.phase === 'final') finalState.overdue = next.overdue
  return { phases: [initialState, intermediateState, finalState], next, overdue: next?.overdue ?? false }
}

/**
 * The report owed next: the initial one until it is in; then an intermediate one (a final report
 * also answers it); after an intermediate report, the final one.
 */
function nextReport(history: ReportingHistory, initial: PhaseDeadline, intermediate: PhaseDeadline, final: PhaseDeadline, now: Date): NextReport | null {
  const latest = history.submissions.at(-1)
  const owed = (phase: Phase, due: Date | null): NextReport => ({ phase, dueAt: due, overdue: isAfter(now, due) })
  if (!latest) return owed('initial', initial.dueAt)
  if (latest.phase === 'final') return null
  if (latest.phase === 'initial' && intermediate.status === 'pending') return owed('intermediate', intermediate.dueAt)
  return owed('final', final.dueAt)
}
