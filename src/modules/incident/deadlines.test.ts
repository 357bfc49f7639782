import { describe, expect, it } from 'vitest'
import { addPeriod, deadlineState, type DeadlinePolicy, type Submission } from './deadlines.js'
import { reportingData } from './load-policy.js'

// The deadline clocks with a controllable clock: the default policy (initial within 24 h of
// detection, intermediate within 72 h of the initial report, final within one month of the report
// before it), and a policy configured otherwise.

const HOUR = 3_600_000
const { deadlines } = reportingData().policy
const detectedAt = new Date('2026-04-01T01:00:00Z') // 10:00 JST

const at = (hours: number) => new Date(detectedAt.getTime() + hours * HOUR)
/** A clock that stands still until moved (the server's test clock also follows real time). */
function pureClock(start: Date) {
  let now = start.getTime()
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) }
}
const submitted = (phase: Submission['phase'], hours: number): Submission => ({ phase, submittedAt: at(hours) })

describe('the initial report clock', () => {
  it('is due 24 h after detection and not overdue until then', () => {
    const clock = pureClock(at(1))
    const before = deadlineState({ detectedAt, submissions: [] }, deadlines, clock.now())
    expect(before.next).toEqual({ phase: 'initial', dueAt: at(24), overdue: false })
    clock.advance(23 * HOUR - 60_000)
    expect(deadlineState({ detectedAt, submissions: [] }, deadlines, clock.now()).overdue).toBe(false)
    clock.advance(60_000 + 1)
    expect(deadlineState({ detectedAt, submissions: [] }, deadlines, clock.now()).overdue).toBe(true)
  })

  it('is overdue once 24 h have passed without an initial report', () => {
    const state = deadlineState({ detectedAt, submissions: [] }, deadlines, at(24.01))
    expect(state.overdue).toBe(true)
    expect(state.phases[0]).toMatchObject({ phase: 'initial', status: 'pending', overdue: true })
  })

  it('marks an initial report sent after 24 h as late, and stops being overdue', () => {
    const state = deadlineState({ detectedAt, submissions: [submitted('initial', 30)] }, deadlines, at(31))
    expect(state.phases[0]).toMatchObject({ status: 'submitted', late: true, overdue: false })
    expect(state.next).toEqual({ phase: 'intermediate', dueAt: at(30 + 72), overdue: false })
  })

  it('has no due time while the detection time is unknown', () => {
    expect(deadlineState({ detectedAt: null, submissions: [] }, deadlines, at(100)).next).toEqual({ phase: 'initial', dueAt: null, overdue: false })
  })
})

describe('the intermediate report clock', () => {
  it('is due 72 h after the initial report and overdue after that', () => {
    const history = { detectedAt, submissions: [submitted('initial', 2)] }
    expect(deadlineState(history, deadlines, at(74)).overdue).toBe(false)
    const late = deadlineState(history, deadlines, at(74.5))
    expect(late.next).toEqual({ phase: 'intermediate', dueAt: at(74), overdue: true })
    expect(late.phases[1]).toMatchObject({ phase: 'intermediate', status: 'pending', overdue: true })
  })

  it('is answered by a final report sent before it was due', () => {
    const state = deadlineState({ detectedAt, submissions: [submitted('initial', 2), submitted('final', 50)] }, deadlines, at(500))
    expect(state.phases[1]).toMatchObject({ status: 'not_required', late: false })
    expect(state.next).toBeNull()
    expect(state.overdue).toBe(false)
  })

  it('counts as missed when the final report came after it was due', () => {
    const state = deadlineState({ detectedAt, submissions: [submitted('initial', 2), submitted('final', 100)] }, deadlines, at(500))
    expect(state.phases[1]).toMatchObject({ status: 'missed', late: true })
  })
})

describe('the final report clock', () => {
  it('is due one calendar month (Japan time) after the latest intermediate report', () => {
    const intermediateAt = new Date('2026-01-31T03:00:00Z') // 31 Jan 12:00 JST
    const history = { detectedAt, submissions: [submitted('initial', 2), { phase: 'intermediate' as const, submittedAt: intermediateAt }] }
    const state = deadlineState(history, deadlines, intermediateAt)
    expect(state.next).toEqual({ phase: 'final', dueAt: new Date('2026-02-28T03:00:00Z'), overdue: false })
    expect(deadlineState(history, deadlines, new Date('2026-02-28T03:00:01Z')).overdue).toBe(true)
  })

  it('moves with each new intermediate report', () => {
    const history = { detectedAt, submissions: [submitted('initial', 2), submitted('intermediate', 40), submitted('intermediate', 400)] }
    expect(deadlineState(history, deadlines, at(401)).next?.dueAt).toEqual(addPeriod(at(400), { after: 'previous_report', months: 1 }))
  })

  it('counts months by the Japanese calendar across the end of a month', () => {
    // 31 Mar 23:30 JST is still 31 Mar in Japan but 31 Mar 14:30 UTC; one month later is 30 Apr 23:30 JST.
    expect(addPeriod(new Date('2026-03-31T14:30:00Z'), { after: 'previous_report', months: 1 })).toEqual(new Date('2026-04-30T14:30:00Z'))
    // 1 Apr 00:30 JST (31 Mar in UTC) + 1 month = 1 May 00:30 JST.
    expect(addPeriod(new Date('2026-03-31T15:30:00Z'), { after: 'previous_report', months: 1 })).toEqual(new Date('2026-04-30T15:30:00Z'))
  })

  it('is no longer owed once the final report is in, and says whether it was late', () => {
    const state = deadlineState({ detectedAt, submissions: [submitted('initial', 2), submitted('intermediate', 40), submitted('final', 40 + 24 * 40)] }, deadlines, at(5000))
    expect(state.next).toBeNull()
    expect(state.phases[2]).toMatchObject({ phase: 'final', status: 'submitted', late: true, overdue: false })
  })
})

describe('a deadline policy is configurable', () => {
  const strict: DeadlinePolicy = {
    initial: { after: 'detected', hours: 4 },
    intermediate: { after: 'detected', days: 2 },
    final: { after: 'initial_submitted', days: 20 },
  }

  it('runs the clocks the configuration gives', () => {
    expect(deadlineState({ detectedAt, submissions: [] }, strict, at(5)).next).toEqual({ phase: 'initial', dueAt: at(4), overdue: true })
    const afterInitial = deadlineState({ detectedAt, submissions: [submitted('initial', 1)] }, strict, at(2))
    expect(afterInitial.next?.dueAt).toEqual(at(48))
    const afterIntermediate = deadlineState({ detectedAt, submissions: [submitted('initial', 1), submitted('intermediate', 10)] }, strict, at(11))
    expect(afterIntermediate.next).toEqual({ phase: 'final', dueAt: at(1 + 20 * 24), overdue: false })
  })
})
