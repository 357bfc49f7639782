import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser } from '../../../test/support/factories.js'
import type { Actor } from '../identity/actor.js'
import { linkInstitution } from '../incident/jurisdiction.js'
import { LONG_SESSIONS } from '../incident/test-fixtures.js'
import type { FeedbackReport, SectorSummary } from './report-types.js'
import { createRound, publishRound } from './rounds.js'
import { submitToRound } from './submissions.js'
import { approvedAssessment, storeRoundCatalog } from './test-fixtures.js'

// The analysis, the k-anonymous feedback and its release through HTTP, against figures worked out by
// hand. Five shinkin banks (four small, one medium) and two large regional banks submit; k = 5, so
// the four small shinkin banks (a group of 4) are never shown as a group: they fall back to the sector.

const DAY = 86_400_000
type Answers = (0 | 1)[]

interface Analysis {
  submissions: number
  overall: { all: { count: number; median: number }; byPeer: { sector: string; sizeBand: string; size: number; belowK: boolean }[] }
  items: { ref: string; assessed: number; inPlace: number; rate: number }[]
  commonWeaknesses: { ref: string; implementationRate: number }[]
}
interface ErrorBody {
  error: { code: string; message: string }
}

describe('round analysis and feedback', () => {
  let server: TestServer
  let catalogId: string
  let supervisorOrg: string
  let supervisorActor: Actor
  let supervisor: ApiClient
  const orgs: Record<string, string> = {}
  const names: Record<string, string> = {}
  let roundId: string

  // Overall scores: S1 1, S2 4/6, S3 2/6, S4 0, S5 4/6, R1 1, R2 3/6.
  const answers: Record<string, { sector: string; sizeBand: string; values: Answers }> = {
    S1: { sector: 'shinkin', sizeBand: 'small', values: [1, 1, 1, 1, 1, 1] },
    S2: { sector: 'shinkin', sizeBand: 'small', values: [1, 1, 0, 1, 1, 0] },
    S3: { sector: 'shinkin', sizeBand: 'small', values: [1, 0, 0, 1, 0, 0] },
    S4: { sector: 'shinkin', sizeBand: 'small', values: [0, 0, 0, 0, 0, 0] },
    S5: { sector: 'shinkin', sizeBand: 'medium', values: [1, 1, 1, 1, 0, 0] },
    R1: { sector: 'regional_bank', sizeBand: 'large', values: [1, 1, 1, 1, 1, 1] },
    R2: { sector: 'regional_bank', sizeBand: 'large', values: [1, 0, 1, 0, 1, 0] },
  }

  async function clientOf(orgId: string) {
    const user = await makeUser(server.ctx, orgId, 'editor')
    const client = new ApiClient(server, 'ja')
    expect((await client.login(user.email, user.password)).status).toBe(200)
    return client
  }

  async function newRound(title: string, targets: string[]) {
    const now = server.ctx.clock().getTime()
    const round = await createRound(server.ctx, supervisorActor, {
      kind: 'self_assessment',
      title: { ja: title, en: title },
      catalogId,
      target: { mode: 'list', sectors: null, sizes: null, institutionIds: targets },
      opensAt: new Date(now - DAY).toISOString(),
      dueAt: new Date(now + 10 * DAY).toISOString(),
    })
    await publishRound(server.ctx, supervisorActor, round.id)
    return round.id
  }

  async function submit(key: string, round: string, values: Answers) {
    const orgId = orgs[key] as string
    const assessmentId = await approvedAssessment(server.ctx, orgId, catalogId, values)
    const editor = await makeUser(server.ctx, orgId, 'editor')
    await submitToRound(server.ctx, { userId: editor.id, orgId, orgKind: 'institution', role: 'editor', mfaVerified: false, locale: 'ja' }, round, { assessmentId })
  }

  beforeAll(async () => {
    server = await startTestServer({ env: LONG_SESSIONS })
    catalogId = await storeRoundCatalog(server.ctx)
    supervisorOrg = (await makeOrganisation(server.ctx, { kind: 'supervisor' })).id
    const analyst = await makeUser(server.ctx, supervisorOrg, 'editor')
    supervisorActor = { userId: analyst.id, orgId: supervisorOrg, orgKind: 'supervisor', role: 'editor', mfaVerified: false, locale: 'ja' }
    supervisor = new ApiClient(server, 'ja')
    await supervisor.login(analyst.email, analyst.password)
    for (const [key, spec] of Object.entries(answers)) {
      names[key] = `Institution ${key} ${Math.random().toString(36).slice(2, 8)}`
      orgs[key] = (await makeInstitution(server.ctx, { sector: spec.sector, sizeBand: spec.sizeBand, name: names[key] })).id
      await server.ctx.db.transaction((tx) => linkInstitution(tx, supervisorOrg, orgs[key] as string))
    }
    roundId = await newRound('FY2025', Object.values(orgs))
    for (const [key, spec] of Object.entries(answers)) await submit(key, roundId, spec.values)
  })
  afterAll(async () => server.close())

  it('gives the supervisor every group, flags those under k, and the implementation rate of every item', async () => {
    const analysis = await supervisor.get<Analysis>(`/api/v1/supervision/rounds/${roundId}/analysis`)
    expect(analysis.status).toBe(200)
    expect(analysis.body.submissions).toBe(7)
    expect(analysis.body.overall.all.count).toBe(7)
    // Sorted: 0, 2/6, 3/6, 4/6, 4/6, 1, 1 -> median 4/6.
    expect(analysis.body.overall.all.median).toBeCloseTo(4 / 6, 12)
    expect(analysis.body.overall.byPeer).toContainEqual(expect.objectContaining({ sector: 'shinkin', sizeBand: 'small', size: 4, belowK: true }))
    // 2-D1 (the sixth item) is in place at S1 and R1 only: 2 of 7.
    expect(analysis.body.items.find((item) => item.ref === '2-D1')).toMatchObject({ assessed: 7, inPlace: 2 })
    expect(analysis.body.commonWeaknesses[0]).toMatchObject({ ref: '2-D1' })
    expect(analysis.body.commonWeaknesses[0]?.implementationRate).toBeCloseTo(2 / 7, 12)
  })

  it('drills down from a figure to the institutions behind it, weakest first', async () => {
    const rows = await supervisor.get<{ institution: { id: string }; score: number; itemInPlace: boolean | null }[]>(
      `/api/v1/supervision/rounds/${roundId}/analysis/institutions?sector=shinkin&itemRef=1-B1`,
    )
    // S4 (0) and S3 (2/6) are the weakest; S2 and S5 tie at 4/6; S1 (1) is last.
    expect(rows.body.slice(0, 2).map((row) => row.institution.id)).toEqual([orgs.S4, orgs.S3])
    expect(new Set(rows.body.slice(2, 4).map((row) => row.institution.id))).toEqual(new Set([orgs.S2, orgs.S5]))
    expect(rows.body).toHaveLength(5)
    expect(rows.body[0]).toMatchObject({ institution: { id: orgs.S4 }, score: 0, itemInPlace: false })
    expect(rows.body.at(-1)).toMatchObject({ institution: { id: orgs.S1 }, score: 1, itemInPlace: true })
  })

  it('compares a small shinkin bank with its sector, never with the group of 4, with hand-computed figures', async () => {
    const report = await supervisor.get<FeedbackReport>(`/api/v1/supervision/rounds/${roundId}/institutions/${orgs.S2}/feedback`)
    expect(report.status).toBe(200)
    expect(report.body.peerGroup).toEqual({ level: 'sector', sector: 'shinkin', sizeBand: null, size: 5, fellBackFrom: 'peer' })
    // The sector's overall scores: 0, 2/6, 4/6, 4/6, 1.
    const peers = report.body.overall.peers
    expect(peers?.count).toBe(5)
    expect(peers?.p10).toBeCloseTo(0.4 * (1 / 3), 12)
    expect(peers?.p25).toBeCloseTo(1 / 3, 12)
    expect(peers?.median).toBeCloseTo(2 / 3, 12)
    expect(peers?.p75).toBeCloseTo(2 / 3, 12)
    expect(peers?.p90).toBeCloseTo(2 / 3 + 0.6 * (1 / 3), 12)
    // Two below (0, 2/6) and two the same (S2, S5): (2 + 2 / 2) / 5.
    expect(report.body.overall.percentileRank).toBeCloseTo(60, 12)
    // S2 misses 1-D1 and 2-D1 (both desirable): no unmet basic item; gaps against the sector's rates.
    expect(report.body.unmetBasicItems).toEqual([])
    expect(report.body.largestGaps.map((gap) => gap.ref)).toEqual(['1-D1', '2-D1'])
    expect(report.body.largestGaps[0]?.peerImplementationRate).toBeCloseTo(2 / 5, 12)

    const bank = await supervisor.get<FeedbackReport>(`/api/v1/supervision/rounds/${roundId}/institutions/${orgs.R2}/feedback`)
    expect(bank.body.peerGroup).toEqual({ level: 'all', sector: null, sizeBand: null, size: 7, fellBackFrom: 'peer' })
    expect(bank.body.unmetBasicItems.map((item) => item.ref)).toEqual(['1-B2', '2-B1'])
  })

  it('generates every report in one job, releases them, and each institution reads only its own', async () => {
    const s2 = await clientOf(orgs.S2 as string)
    const r1 = await clientOf(orgs.R1 as string)
    expect((await s2.get<ErrorBody>(`/api/v1/rounds/${roundId}/feedback`)).status).toBe(404)
    expect((await supervisor.post<ErrorBody>(`/api/v1/supervision/rounds/${roundId}/feedback/release`)).status).toBe(409)

    const started = await supervisor.post<{ state: string; total: number }>(`/api/v1/supervision/rounds/${roundId}/feedback/generate`)
    expect(started.status).toBe(202)
    expect(started.body).toMatchObject({ state: 'running', total: 7 })
    let job = started.body as { state: string; done: number; total: number }
    for (let i = 0; i < 600 && job.state === 'running'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      job = (await supervisor.get<typeof job>(`/api/v1/supervision/rounds/${roundId}/feedback`)).body
    }
    expect(job).toMatchObject({ state: 'done', done: 7, total: 7 })
    expect((await s2.get(`/api/v1/rounds/${roundId}/feedback`)).status).toBe(404)

    const released = await supervisor.post<{ releasedAt: string | null }>(`/api/v1/supervision/rounds/${roundId}/feedback/release`)
    expect(released.body.releasedAt).not.toBeNull()
    const notes = await s2.get<{ items: { kind: string }[] }>('/api/v1/notifications')
    expect(notes.body.items.map((n) => n.kind)).toContain('round.feedback_released')

    const own = await s2.get<FeedbackReport>(`/api/v1/rounds/${roundId}/feedback`)
    expect(own.status).toBe(200)
    expect(own.body.institution.id).toBe(orgs.S2)
    expect(own.body.overall.percentileRank).toBeCloseTo(60, 12)
    for (const [key, name] of Object.entries(names)) if (key !== 'S2') expect(own.text).not.toContain(name)
    const pdf = await s2.request('GET', `/api/v1/rounds/${roundId}/feedback.pdf?lang=ja`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(pdf.text.startsWith('%PDF')).toBe(true)
    const theirs = await r1.get<FeedbackReport>(`/api/v1/rounds/${roundId}/feedback`)
    expect(theirs.body.institution.id).toBe(orgs.R1)
  })

  it("publishes a sector summary that folds every sector under k and names no institution", async () => {
    const summary = await supervisor.get<SectorSummary>(`/api/v1/supervision/rounds/${roundId}/summary`)
    expect(summary.body.submissions).toBe(7)
    expect(summary.body.bySector.map((entry) => entry.sector)).toEqual(['shinkin'])
    expect(summary.body.othersFolded).toBe(2)
    expect(summary.body.headline.meanOverall).toBeCloseTo((1 + 4 / 6 + 2 / 6 + 0 + 4 / 6 + 1 + 3 / 6) / 7, 12)
    for (const name of Object.values(names)) expect(summary.text).not.toContain(name)
    const pdf = await supervisor.request('GET', `/api/v1/supervision/rounds/${roundId}/summary.pdf?lang=en`)
    expect(pdf.status).toBe(200)
    expect(pdf.text.startsWith('%PDF')).toBe(true)
  })

  it('shows the trend since the previous round, and no peer figures at all when the whole round is under k', async () => {
    server.clock.advance(DAY)
    const next = await newRound('FY2026', [orgs.S2 as string, orgs.S3 as string])
    await submit('S2', next, [1, 1, 1, 1, 1, 0])
    await submit('S3', next, [1, 1, 0, 1, 0, 0])
    const report = await supervisor.get<FeedbackReport>(`/api/v1/supervision/rounds/${next}/institutions/${orgs.S2}/feedback`)
    expect(report.body.overall.score).toBeCloseTo(5 / 6, 12)
    expect(report.body.overall.previousScore).toBeCloseTo(4 / 6, 12)
    expect(report.body.trend.map((point) => point.overall)).toEqual([expect.closeTo(4 / 6, 12), expect.closeTo(5 / 6, 12)])
    expect(report.body.overall.peers).toBeNull()
    expect(report.body.overall.percentileRank).toBeNull()
    expect(report.body.largestGaps).toEqual([])
    const analysis = await supervisor.get<{ items: { ref: string; rate: number; previousRate: number }[] }>(`/api/v1/supervision/rounds/${next}/analysis`)
    expect(analysis.body.items.find((item) => item.ref === '1-B2')).toMatchObject({ rate: 1 })
    expect(analysis.body.items.find((item) => item.ref === '1-B2')?.previousRate).toBeCloseTo(4 / 7, 12)
  })

  it('pre-fills the assessment of a new round from the previous submission when the round carries answers forward', async () => {
    const next = await newRound('FY2026 carried', [orgs.S4 as string])
    const s4 = await clientOf(orgs.S4 as string)
    const started = await s4.post<{ assessmentId: string; carried: number }>(`/api/v1/rounds/${next}/assessment`)
    expect(started.status).toBe(201)
    expect(started.body.carried).toBe(6)
    const items = await s4.get<{ ref: string; value: number | null }[]>(`/api/v1/assessments/${started.body.assessmentId}/items`)
    expect(items.body.map((item) => item.value)).toEqual(answers.S4?.values)
  })

  it("records a check sheet the institution sent as its submission, and refuses a bad one whole", async () => {
    const next = await newRound('FY2026 self-inspection', [orgs.R2 as string])
    const r2 = await clientOf(orgs.R2 as string)
    const template = await r2.request('GET', `/api/v1/rounds/${next}/template.xlsx?lang=ja`)
    expect(template.status).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await (await fetch(`${server.baseUrl}/api/v1/rounds/${next}/template.xlsx?lang=ja`, { headers: { cookie: `kamae_session=${r2.cookie('kamae_session')}` } })).arrayBuffer()) as ArrayBuffer)
    const items = workbook.getWorksheet('項目') as ExcelJS.Worksheet
    for (let row = 2; row <= 7; row += 1) items.getCell(`F${row}`).value = 1
    const good = Buffer.from(await workbook.xlsx.writeBuffer())
    items.getCell('F3').value = 7
    const bad = Buffer.from(await workbook.xlsx.writeBuffer())

    const upload = (data: Buffer) => {
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(data)]), 'check-sheet.xlsx')
      return supervisor.request<ErrorBody & { submissions: { version: number }[]; target: { state: string; submission: { source: string } } }>(
        'POST',
        `/api/v1/supervision/rounds/${next}/institutions/${orgs.R2}/import`,
        form,
      )
    }
    const refused = await upload(bad)
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).toContain('項目!F3')
    expect((await r2.get<{ submissions: unknown[] }>(`/api/v1/rounds/${next}`)).body.submissions).toEqual([])

    const recorded = await upload(good)
    expect(recorded.status).toBe(201)
    expect(recorded.body.target).toMatchObject({ state: 'submitted', submission: { source: 'import' } })
    const seen = await r2.get<{ submissions: { source: string; overallScore: number }[] }>(`/api/v1/rounds/${next}`)
    expect(seen.body.submissions).toEqual([expect.objectContaining({ source: 'import', overallScore: 1 })])
  })
})
