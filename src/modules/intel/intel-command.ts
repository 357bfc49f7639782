import type { Command } from 'commander'
import { once } from 'node:events'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Readable, Writable } from 'node:stream'
import type { ErrorDetail } from '../../errors.js'
import { loadIndicatorBundle } from './load-indicators.js'
import { matchStream, type MatchStats } from './matching/match-stream.js'

// `kamae intel match --bundle <file> [log files | -]`: the CLI hands over its `say(ja, en)`; the
// work and every message are here. Hits go to standard output as JSON lines, the summary to
// standard error. Exit codes: 0 done (with or without hits), 1 the input was wrong.
// (`--collection <id>` joins when the STIX store exists.)

export type Say = (ja: string, en: string) => string

export interface CommandResult {
  exitCode: number
  /** For standard error: the summary, or what was wrong. */
  output: string
}

export interface MatchOptions {
  bundle?: string
  logs: string[]
}

/** Registers `kamae intel …` on the program. */
export function registerIntelCommands(program: Command, say: Say): void {
  const intel = program.command('intel').description(say('脅威インテリジェンス（STIX 2.1、TLP 2.0）', 'threat intelligence (STIX 2.1, TLP 2.0)'))
  intel
    .command('match')
    .description(
      say(
        'ログ（プレーンテキストまたは gzip、- は標準入力）をバンドルの指標と照合し、ヒットを JSON Lines で出力する',
        'match logs (plain text or gzip, - for standard input) against the indicators of a bundle; hits are printed as JSON Lines',
      ),
    )
    // --bundle is checked with the other arguments, so that its absence is reported in the user's language.
    .option('--bundle <file>', say('指標を含む STIX 2.1 バンドル（JSON、必須）', 'a STIX 2.1 bundle (JSON) holding the indicators (required)'))
    .argument('[logs...]', say('ログファイル、または - （標準入力）', 'log files, or - for standard input'))
    .action(async (logs: string[], opts: { bundle?: string }) => {
      const result = await runIntelMatch({ bundle: opts.bundle, logs }, say, process.stdout, process.stdin)
      if (result.output) process.stderr.write(`${result.output}\n`)
      process.exitCode = result.exitCode
    })
}

/** Checks the arguments before anything is read: every problem at once. */
export function checkMatchArguments(opts: MatchOptions, say: Say): string[] {
  const problems: string[] = []
  if (opts.bundle === undefined) problems.push(say('--bundle <ファイル> で指標のバンドルを指定してください', 'give the bundle of indicators with --bundle <file>'))
  else if (!existsSync(opts.bundle)) problems.push(say(`--bundle: ファイル ${opts.bundle} がありません`, `--bundle: no file ${opts.bundle}`))
  else if (!statSync(opts.bundle).isFile()) problems.push(say(`--bundle: ${opts.bundle} はファイルではありません`, `--bundle: ${opts.bundle} is not a file`))
  if (opts.logs.length === 0) problems.push(say('照合するログファイルを指定してください（標準入力は -）', 'give the log files to match (- for standard input)'))
  if (opts.logs.filter((log) => log === '-').length > 1) problems.push(say('標準入力（-）は一度だけ指定できます', 'standard input (-) can be given only once'))
  for (const log of opts.logs) {
    if (log === '-') continue
    if (!existsSync(log)) problems.push(say(`ログファイル ${log} がありません`, `no log file ${log}`))
    else if (!statSync(log).isFile()) problems.push(say(`${log} はファイルではありません`, `${log} is not a file`))
  }
  return problems
}

export async function runIntelMatch(opts: MatchOptions, say: Say, stdout: Writable, stdin: Readable): Promise<CommandResult> {
  const problems = checkMatchArguments(opts, say)
  if (problems.length > 0 || opts.bundle === undefined) return { exitCode: 1, output: problems.join('\n') }
  const bundleFile = opts.bundle

  let bundle: unknown
  try {
    bundle = JSON.parse(await readFile(bundleFile, 'utf8'))
  } catch (error) {
    return { exitCode: 1, output: say(`--bundle: ${bundleFile} は JSON として読めません（${String(error)}）`, `--bundle: ${bundleFile} is not JSON (${String(error)})`) }
  }
  const load = loadIndicatorBundle(bundle)
  if (!load.ok) return { exitCode: 1, output: formatProblems(bundleFile, load.errors, say) }
  const { index, indicators, indexed, problems: objectProblems } = load.loaded
  const notes: string[] = []
  if (objectProblems.length > 0) {
    notes.push(say(`注: 不正な指標は読み込みませんでした:`, 'note: invalid indicators were left out:'), formatProblems(bundleFile, objectProblems, say))
  }

  const out = new LineWriter(stdout)
  const totals: MatchStats = { bytes: 0, lines: 0, hits: 0 }
  const several = opts.logs.length > 1
  for (const log of opts.logs) {
    const input = log === '-' ? stdin : createReadStream(log)
    const stats: MatchStats = { bytes: 0, lines: 0, hits: 0 }
    try {
      for await (const hit of matchStream(input, index, stats)) {
        await out.write(JSON.stringify(several ? { file: log, ...hit } : hit))
      }
    } catch (error) {
      await out.flush()
      return { exitCode: 1, output: say(`${log}: 読み込めません（${(error as Error).message}）`, `${log}: cannot be read (${(error as Error).message})`) }
    }
    totals.bytes += stats.bytes
    totals.lines += stats.lines
    totals.hits += stats.hits
  }
  await out.flush()
  const stats = index.stats()
  notes.push(
    say(
      `指標 ${indexed} 件（バンドル中 ${indicators} 件、照合できない観測値 ${stats.skipped} 件）でログ ${totals.lines} 行を照合し、${totals.hits} 件ヒットしました`,
      `matched ${totals.lines} log lines against ${indexed} indicators (${indicators} in the bundle, ${stats.skipped} observables not matchable): ${totals.hits} hits`,
    ),
  )
  return { exitCode: 0, output: notes.join('\n') }
}

function formatProblems(file: string, errors: ErrorDetail[], say: Say): string {
  return errors.map((error) => `  ${file}#${error.path}: ${say(error.message.ja, error.message.en)}`).join('\n')
}

/** JSON lines to a stream, in blocks, waiting when the reader is slower. */
class LineWriter {
  private pending: string[] = []
  private size = 0

  constructor(private readonly stream: Writable) {}

  async write(line: string): Promise<void> {
    this.pending.push(line)
    this.size += line.length + 1
    if (this.size >= 64 * 1024) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return
    const block = `${this.pending.join('\n')}\n`
    this.pending = []
    this.size = 0
    if (!this.stream.write(block)) await once(this.stream, 'drain')
  }
}
