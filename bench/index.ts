// `npm run bench -- <name> [options]`: each benchmark prints its figures and a ratio against a baseline
// measured in the same run (these machines are noisy; absolute times alone mean little).
import { intelBench } from './intel.js'
import { ledgerBench } from './ledger.js'
import { scoringBench } from './scoring.js'
import { supervisionBench } from './supervision.js'

const benches: Record<string, (args: string[]) => Promise<void>> = {
  scoring: scoringBench,
  ledger: ledgerBench,
  intel: intelBench,
  supervision: supervisionBench,
}

const [name, ...args] = process.argv.slice(2)
const selected = name ? { [name]: benches[name] } : benches
for (const [benchName, run] of Object.entries(selected)) {
  if (!run) {
    console.error(`unknown benchmark "${benchName}"; available: ${Object.keys(benches).join(', ')}`)
    process.exit(2)
  }
  console.log(`\n# ${benchName}`)
  await run(args)
}
