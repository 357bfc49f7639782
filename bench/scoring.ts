import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { loadCatalog } from '../src/modules/catalog/load-catalog.js'
import { flattenItems } from '../src/modules/catalog/service.js'
import { bundledCatalogsDir } from '../src/paths.js'
import { scoreAssessment, type AnswerState } from '../src/modules/assessment/scoring.js'

// Scores of a national round's worth of assessments (default 2,000 institutions on the FSA catalog),
// against the baseline of one plain pass that only sums the answer values of the same data.
export async function scoringBench(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { assessments: { type: 'string', default: '2000' } } })
  const count = Number(values.assessments)
  if (!Number.isInteger(count) || count < 1) throw new Error('--assessments must be a positive integer')
  const loaded = await loadCatalog(join(bundledCatalogsDir, 'fsa-cyber-2024'))
  if (!loaded.ok) throw new Error('the FSA catalog does not load')
  const items = flattenItems(loaded.catalog).map((entry) => entry.item)

  let seed = 42
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const assessments: AnswerState[][] = Array.from({ length: count }, () =>
    items.map((item) => {
      const roll = random()
      return { ref: item.ref, inScope: roll > 0.05, notApplicable: roll > 0.95, value: roll > 0.95 || roll < 0.1 ? null : Math.floor(random() * 4) }
    }),
  )

  const baselineStart = performance.now()
  let checksum = 0
  for (const answers of assessments) for (const answer of answers) checksum += answer.value ?? 0
  const baselineMs = performance.now() - baselineStart

  const start = performance.now()
  let total = 0
  for (const answers of assessments) total += scoreAssessment(loaded.catalog, answers).overall.score ?? 0
  const scoringMs = performance.now() - start

  const answersCount = count * items.length
  console.log(`assessments: ${count}, items each: ${items.length}, answers: ${answersCount.toLocaleString('en')}`)
  console.log(`baseline (sum of answer values): ${baselineMs.toFixed(1)} ms (checksum ${checksum})`)
  console.log(`scoring (sections, basic compliance, desirable adoption): ${scoringMs.toFixed(1)} ms, ${(scoringMs / count).toFixed(3)} ms per assessment, mean score ${(total / count).toFixed(3)}`)
  console.log(`ratio scoring / baseline: ${(scoringMs / Math.max(baselineMs, 0.001)).toFixed(1)}x`)
}
