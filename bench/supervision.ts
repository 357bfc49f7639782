import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { openDatabase, queryRows, type Database } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import type { AnswerExchange } from '../src/modules/assessment/exchange-types.js'
import { loadCatalog } from '../src/modules/catalog/load-catalog.js'
import { flattenItems, getCatalog, storeCatalog } from '../src/modules/catalog/service.js'
import { organisations, users } from '../src/modules/identity/schema.js'
import { analysisOfRound, allFeedbackData, feedbackDataFor } from '../src/modules/supervision/feedback.js'
import { renderFeedbackPdf } from '../src/modules/supervision/feedback-pdf.js'
import * as repo from '../src/modules/supervision/repository.js'
import { recordSubmission } from '../src/modules/supervision/submissions.js'
import { bundledCatalogsDir } from '../src/paths.js'

// A synthetic national round (issue 3 §4): N institutions across the sectors (default 2,000), the full
// FSA catalog answered, and a previous round for trends. Prints, per engine, the full analysis, one
// institution's feedback data, and the ratio of the analysis to one plain aggregate scan over the same
// answers measured in the same run; then the time to render every institution's PDF.

const SECTORS = ['regional_bank', 'shinkin', 'credit_union', 'securities', 'insurance', 'crypto_exchange', 'payment', 'major_bank'] as const
const SIZES = ['small', 'medium', 'large'] as const
const RUNS = 5

export async function supervisionBench(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { institutions: { type: 'string', default: '2000' }, pdfs: { type: 'string' } } })
  const count = Number(values.institutions)
  if (!Number.isInteger(count) || count < 1) throw new Error('--institutions must be a positive integer')
  const pdfCount = values.pdfs === undefined ? count : Number(values.pdfs)
  if (!Number.isInteger(pdfCount) || pdfCount < 0) throw new Error('--pdfs must be a non-negative integer')

  const targets: { name: string; open: () => Promise<{ database: Database; drop: () => Promise<void> }> }[] = [
    { name: 'PGlite', open: async () => ({ database: await openDatabase({ engine: 'pglite', dataDir: null }), drop: async () => undefined }) },
  ]
  if (process.env.DATABASE_URL) targets.push({ name: 'PostgreSQL', open: () => scratchPostgres(process.env.DATABASE_URL as string) })
  else console.log('PostgreSQL: skipped (set DATABASE_URL to measure it; a scratch database is created and dropped)')

  let rendered = false
  for (const target of targets) {
    const { database, drop } = await target.open()
    try {
      await migrate(database)
      const setupStart = performance.now()
      const { round } = await buildNationalRound(database, count)
      console.log(`\n## ${target.name}: ${count.toLocaleString('en')} institutions, set up in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`)
      const db = database.db
      const at = new Date()

      const scan = await best(RUNS, async () => {
        await queryRows(
          db,
          sql`SELECT count(*), sum(r.score), count(*) FILTER (WHERE r.in_place)
              FROM supervision_item_results r JOIN supervision_round_targets t ON t.current_submission_id = r.submission_id
              WHERE t.round_id = ${round.id}`,
        )
      })
      const analysis = await best(RUNS, () => analysisOfRound(db, round, at))
      const members = await repo.targetsOf(db, round.id)
      let pick = 0
      const feedback = await best(RUNS, () => feedbackDataFor(db, round, (members[(pick += 97) % members.length] as repo.TargetView).institutionOrgId, at))
      const answers = (await queryRows<{ n: string }>(db, sql`SELECT count(*) AS n FROM supervision_item_results r JOIN supervision_round_targets t ON t.current_submission_id = r.submission_id WHERE t.round_id = ${round.id}`))[0]?.n
      console.log(`answers in the round: ${Number(answers).toLocaleString('en')} (plus a previous round of the same size)`)
      console.log(`plain aggregate scan over the answers: ${scan.toFixed(1)} ms (best of ${RUNS})`)
      console.log(`full analysis (distributions per section, sector and peer group, item rates, weaknesses, change since the previous round): ${analysis.toFixed(1)} ms`)
      console.log(`  ratio analysis / scan: ${(analysis / Math.max(scan, 0.001)).toFixed(1)}x (target <= 5x)${target.name === 'PostgreSQL' ? `; target <= 1,000 ms: ${analysis <= 1000 ? 'met' : 'NOT met'}` : ''}`)
      console.log(`one institution's feedback data: ${feedback.toFixed(1)} ms`)

      if (!rendered && pdfCount > 0) {
        rendered = true
        const reports = (await allFeedbackData(db, round, at)).slice(0, pdfCount)
        await renderFeedbackPdf(reports[0] as (typeof reports)[number], 'ja') // font loading is once per process
        const start = performance.now()
        let bytes = 0
        for (const report of reports) bytes += (await renderFeedbackPdf(report, 'ja')).length
        const seconds = (performance.now() - start) / 1000
        console.log(
          `\n## PDFs: ${reports.length.toLocaleString('en')} feedback reports (ja, Japanese font embedded) in ${seconds.toFixed(1)} s, ` +
            `${((seconds * 1000) / reports.length).toFixed(1)} ms each, ${(bytes / reports.length / 1024).toFixed(0)} KiB each` +
            (reports.length >= 2000 ? ` (target: all 2,000 <= 60 s: ${seconds <= 60 ? 'met' : 'NOT met'})` : ` (2,000 would take about ${((seconds / reports.length) * 2000).toFixed(0)} s; target <= 60 s)`),
        )
      }
    } finally {
      await database.close()
      await drop()
    }
  }
}

async function best(runs: number, run: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await run()
    fastest = Math.min(fastest, performance.now() - start)
  }
  return fastest
}

async function scratchPostgres(url: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  const name = `kamae_bench_${Date.now()}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const target = new URL(url)
  target.pathname = `/${name}`
  const database = await openDatabase({ engine: 'postgres', url: target.toString() })
  return {
    database,
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: url })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name}`)
      await cleanup.end()
    },
  }
}

/**
 * A supervisor, N institutions spread over sectors and size bands, the FSA catalog, and two published
 * rounds (the previous one and the current one) in which every institution has submitted.
 */
async function buildNationalRound(database: Database, count: number) {
  const db = database.db
  const loaded = await loadCatalog(join(bundledCatalogsDir, 'fsa-cyber-2024'))
  if (!loaded.ok) throw new Error('the FSA catalog does not load')
  const catalogId = (await db.transaction((tx) => storeCatalog(tx, loaded.catalog, null))).id
  const catalog = await getCatalog(db, catalogId)
  const items = flattenItems(catalog.content).map((entry) => entry.item)
  const supervisorOrgId = randomUUID()
  const userId = randomUUID()
  await db.insert(organisations).values({ id: supervisorOrgId, kind: 'supervisor', nameJa: '監督当局（ベンチ）', nameEn: 'Supervisor (bench)' })
  await db.insert(users).values({ id: userId, email: 'bench@bench.example', displayName: 'Bench', passwordHash: 'x' })
  const institutions = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    kind: 'institution' as const,
    nameJa: `金融機関${i}（ベンチ）`,
    nameEn: `Institution ${i} (bench)`,
    sector: SECTORS[i % SECTORS.length] as string,
    sizeBand: SIZES[Math.floor(i / SECTORS.length) % SIZES.length] as string,
  }))
  for (let i = 0; i < institutions.length; i += 500) await db.insert(organisations).values(institutions.slice(i, i + 500))

  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const makeRound = async (title: string, publishedAt: Date, skill: number) => {
    const id = randomUUID()
    await repo.insertRound(db, {
      id,
      supervisorOrgId,
      kind: 'self_assessment',
      titleJa: title,
      titleEn: title,
      catalogId,
      targetMode: 'criteria',
      opensAt: new Date(publishedAt.getTime() - 86_400_000),
      dueAt: new Date(publishedAt.getTime() + 30 * 86_400_000),
      status: 'published',
      createdBy: userId,
      createdAt: publishedAt,
      updatedAt: publishedAt,
      publishedAt,
      publishedBy: userId,
    })
    await repo.insertTargets(
      db,
      institutions.map((org) => ({ roundId: id, institutionOrgId: org.id, sector: org.sector, sizeBand: org.sizeBand })),
    )
    const round = (await repo.findRound(db, supervisorOrgId, id)) as repo.RoundRow
    for (let i = 0; i < institutions.length; i += 100) {
      await db.transaction(async (tx) => {
        for (const org of institutions.slice(i, i + 100)) {
          const level = skill + random() * 0.5
          const answers: AnswerExchange[] = items.map((item) => {
            const roll = random()
            const notApplicable = roll > 0.97
            const value = notApplicable ? null : Math.min(3, Math.floor(level * 4 * random() + roll))
            return { ref: item.ref, inScope: true, value, notApplicable, naReason: notApplicable ? '該当業務なし' : null, comment: null }
          })
          const target = (await repo.findTargetForUpdate(tx, id, org.id)) as repo.TargetRow
          await recordSubmission(tx, {
            round,
            target,
            catalog,
            institution: org,
            answers,
            assessment: null,
            source: 'import',
            submitter: { userId, orgId: supervisorOrgId, displayName: 'Bench' },
            now: publishedAt,
          })
        }
      })
    }
    return round
  }
  await makeRound('FY2025 (bench)', new Date(Date.now() - 365 * 86_400_000), 0.5)
  const round = await makeRound('FY2026 (bench)', new Date(Date.now() - 86_400_000), 0.6)
  return { round: (await repo.findRound(db, supervisorOrgId, round.id)) as repo.RoundRow }
}
