import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { IndicatorIndex } from '../src/modules/intel/matching/indicator-index.js'
import { TLP2_MARKING_IDS } from '../src/modules/intel/tlp.js'

// Indicator matching over logs (issue 5 §5). Generates N indicators — exact IPv4 addresses, CIDR
// blocks, exact domains, domain-suffix rules, URLs, SHA-256 hashes — as STIX indicators, and M MB of
// mixed log lines (firewall, proxy, DNS, EDR, mail) with a known set of planted hits and near misses
// (notbad.test for a rule on .bad.test, the first address past a block). Checks that the matcher
// finds every planted hit and nothing else, and prints MB/s, lines/s, indicators loaded per second
// and memory per indicator; then GNU grep -F -f on the exact-string subset of the same indicators over
// the same file, in the same run, as the baseline (grep does less: no extraction, no CIDR, no suffix
// rules, no validation of what it finds). Targets: >= 200 MB/s on one core, at least grep's speed,
// <= 300 bytes per indicator.
//
// Value spaces are disjoint by construction so that "nothing else" is exact: indicator addresses in
// 100.64.0.0/10, blocks in 20.0.0.0–27.255.255.255, background addresses in 10/8 and 192.168/16;
// indicator names srv<i>.c2-<k>.<tld> and rules on bad<i>.<tld>, background names under
// example.com/.net/.org and corp.example; indicator hashes begin a1, background ones b2.

export async function intelBench(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { indicators: { type: 'string', default: '1000000' }, 'log-mb': { type: 'string', default: '1024' } } })
  const count = Number(values.indicators)
  const logMb = Number(values['log-mb'])
  if (!Number.isInteger(count) || count < 1000 || count > 4_000_000) throw new Error('--indicators must be an integer from 1,000 to 4,000,000')
  if (!(logMb > 0)) throw new Error('--log-mb must be a positive number of megabytes')
  const fmt = (n: number) => Math.round(n).toLocaleString('en')
  const verdict = (ok: boolean) => (ok ? 'meets target' : 'BELOW target')
  const dir = mkdtempSync(join(tmpdir(), 'kamae-intel-bench-'))
  try {
    console.log(`indicators: ${fmt(count)}, log: ${logMb} MB`)
    const indicators = new IndicatorSet(count)
    const indicatorsFile = join(dir, 'indicators.ndjson')
    indicators.writeStix(indicatorsFile)
    const logFile = join(dir, 'mixed.log')
    const gen0 = performance.now()
    const planted = writeLog(logFile, logMb * 2 ** 20, indicators)
    const logBytes = statSync(logFile).size
    console.log(`log: ${fmt(logBytes / 2 ** 20)} MB, ${fmt(planted.lines)} lines, ${fmt(planted.hits.size)} planted hits and ${fmt(planted.nearMisses)} near misses (written in ${((performance.now() - gen0) / 1000).toFixed(1)} s)`)

    // 1.–3. Load and match in a process of its own, as `kamae intel match` runs: the CPU time of its
    // JavaScript thread is the matcher's alone, on one core (none of this process's garbage; file
    // reads on libuv's threads not counted).
    const run = runMatcherProcess(indicatorsFile, logFile)
    const { stats } = run
    if (stats.indicators !== count || stats.skipped !== 0) throw new Error(`index holds ${stats.indicators} of ${count} indicators, ${stats.skipped} skipped`)
    console.log(
      `loaded ${fmt(count)} indicators (${fmt(stats.ipv4)} addresses, ${fmt(stats.cidr)} CIDR blocks, ${fmt(stats.domains)} domains, ${fmt(stats.suffixRules)} suffix rules, ${fmt(stats.urls)} URLs, ${fmt(stats.hashes)} SHA-256) ` +
        `in ${(run.loadCpuMs / 1000).toFixed(2)} CPU s: ${fmt((count / run.loadCpuMs) * 1000)} indicators/s (JSON read, STIX pattern parsed, indexed)`,
    )
    const bytesPerIndicator = run.indexBytes / count
    console.log(
      `memory held by the index: ${fmt(bytesPerIndicator)} bytes per indicator (target <= 300: ${verdict(bytesPerIndicator <= 300)}), ${fmt(run.indexBytes / 2 ** 20)} MB; ` +
        `peak while loading, the input text and garbage included: ${fmt(run.peakBytes / count)} bytes per indicator`,
    )
    const found = new Set(run.hits)
    const missing = [...planted.hits].filter((hit) => !found.has(hit))
    const extra = [...found].filter((hit) => !planted.hits.has(hit))
    if (missing.length > 0 || extra.length > 0 || run.hits.length !== found.size) {
      throw new Error(`matcher: ${missing.length} planted hits missed (${missing.slice(0, 3).join('; ')}), ${extra.length} unexpected (${extra.slice(0, 3).join('; ')})`)
    }
    console.log(`every planted hit found (${fmt(found.size)}), nothing else`)
    const mbps = logBytes / 2 ** 20 / (run.matchCpuMs / 1000)
    console.log(
      `matching: ${mbps.toFixed(0)} MB/s, ${fmt((run.lines / run.matchCpuMs) * 1000)} lines/s per CPU second of the matching thread (target >= 200 MB/s on one core: ${verdict(mbps >= 200)}); ` +
        `wall clock ${(logBytes / 2 ** 20 / (run.matchWallMs / 1000)).toFixed(0)} MB/s (best of 3; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs)`,
    )

    // 4. Baseline: GNU grep -F on the exact strings (addresses, names, URLs, hashes) of the same set.
    const patternsFile = join(dir, 'exact.txt')
    const exactCount = indicators.writeExactStrings(patternsFile)
    const grep = runGrep(patternsFile, logFile)
    if (grep) {
      const grepMbps = logBytes / 2 ** 20 / (grep.cpuMs / 1000)
      console.log(
        `grep -F -c -f (${grep.version}, ${fmt(exactCount)} exact strings): ${grepMbps.toFixed(0)} MB/s per CPU second, ${fmt(grep.lines)} matching lines; ` +
          `wall clock ${(logBytes / 2 ** 20 / (grep.wallMs / 1000)).toFixed(0)} MB/s`,
      )
      console.log(`ratio Kamae / grep (CPU time): ${(mbps / grepMbps).toFixed(2)} (target >= 1: ${verdict(mbps >= grepMbps)})`)
    }

    // 5. For the record: the same extraction as one alternation regex per line, on a sample.
    const regexMbps = regexExtractorSpeed(logFile, Math.min(logBytes, 16 * 2 ** 20))
    console.log(`for comparison, one alternation regex per line (first 16 MB, extraction only): ${regexMbps.toFixed(0)} MB/s`)
    console.log(`peak RSS: ${fmt(process.resourceUsage().maxRSS / 1024)} MB`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Indicators

type Kind = 'ipv4' | 'cidr' | 'domain' | 'suffix' | 'url' | 'sha256'
/** Out of every 20 indicators. */
const MIX: Kind[] = [...Array<Kind>(6).fill('ipv4'), ...Array<Kind>(2).fill('cidr'), ...Array<Kind>(4).fill('domain'), ...Array<Kind>(2).fill('suffix'), ...Array<Kind>(2).fill('url'), ...Array<Kind>(4).fill('sha256')]
const CIDR_PREFIXES = [24, 25, 26, 28]
const CIDRS_PER_ROUND = MIX.filter((kind) => kind === 'cidr').length
const TLPS = Object.values(TLP2_MARKING_IDS)
const TLDS = ['com', 'net', 'org', 'jp']

class IndicatorSet {
  constructor(readonly count: number) {}

  kind(i: number): Kind {
    return MIX[i % MIX.length]!
  }

  id(i: number): string {
    return `indicator--${hex8(i)}-0000-4000-8000-${hex8(i * 7).padStart(12, '0')}`
  }

  /** 100.64.0.0/10, a bijection of i over 2^22 addresses. */
  ipv4(i: number): number {
    return (0x64400000 + ((i * 2654435761) % 0x400000)) >>> 0
  }

  /** A block of its own /24 in 20.0.0.0 – 27.255.255.255 (j: the block's ordinal, below 2^19). */
  cidr(i: number): { base: number; prefix: number } {
    const j = Math.floor(i / MIX.length) * CIDRS_PER_ROUND + MIX.indexOf('cidr', i % MIX.length) - MIX.indexOf('cidr')
    return { base: (0x14000000 + (((j * 40503) % 0x80000) << 8)) >>> 0, prefix: CIDR_PREFIXES[j % CIDR_PREFIXES.length]! }
  }

  // Names under the TLDs the background uses too, so that a lookup walks two labels, as it would
  // in production (com -> example, absent), not one.
  domain(i: number): string {
    return `srv${i}.c2-${i % 997}.${TLDS[i % TLDS.length]}`
  }

  suffix(i: number): string {
    return `bad${i}.${TLDS[(i >> 2) % TLDS.length]}`
  }

  url(i: number): string {
    return `http://phish${i % 5003}.web.example/login/${i}/index.php`
  }

  /** Indicator hashes begin with a1, background ones with b2: the two never meet. */
  sha256(i: number): string {
    return `a1${hashHex(i, 0x9e3779b9).slice(2)}`
  }

  /** The value as the pattern writes it. */
  pattern(i: number): string {
    switch (this.kind(i)) {
      case 'ipv4':
        return `[ipv4-addr:value = '${ip(this.ipv4(i))}']`
      case 'cidr': {
        const { base, prefix } = this.cidr(i)
        return `[ipv4-addr:value = '${ip(base)}/${prefix}']`
      }
      case 'domain':
        return `[domain-name:value = '${this.domain(i)}']`
      case 'suffix':
        return `[domain-name:value LIKE '%.${this.suffix(i)}']`
      case 'url':
        return `[url:value = '${this.url(i)}']`
      case 'sha256':
        return `[file:hashes.'SHA-256' = '${this.sha256(i)}']`
    }
  }

  stix(i: number) {
    return { id: this.id(i), pattern: this.pattern(i), pattern_type: 'stix', object_marking_refs: [TLPS[i % TLPS.length]!] }
  }

  /** A value in a log line that hits indicator i (normalised as the matcher reports it). */
  hitValue(i: number, random: () => number): string {
    switch (this.kind(i)) {
      case 'ipv4':
        return ip(this.ipv4(i))
      case 'cidr': {
        const { base, prefix } = this.cidr(i)
        return ip(base + Math.floor(random() * 2 ** (32 - prefix)))
      }
      case 'domain':
        return this.domain(i)
      case 'suffix':
        return `h${Math.floor(random() * 1000)}.${this.suffix(i)}`
      case 'url':
        return this.url(i)
      case 'sha256':
        return this.sha256(i)
    }
  }

  /** A value that looks close to indicator i and must not hit (None where none is meaningful). */
  nearMiss(i: number): string | null {
    switch (this.kind(i)) {
      case 'ipv4':
        return null // a neighbour may be another indicator's address
      case 'cidr': {
        const { base, prefix } = this.cidr(i)
        return prefix === 24 ? null : ip(base + 2 ** (32 - prefix)) // the first address past the block
      }
      case 'domain':
        return `x${this.domain(i)}`
      case 'suffix':
        return `not${this.suffix(i)}` // ends like the rule, is not below it
      case 'url':
        return `${this.url(i)}x`
      case 'sha256':
        return null
    }
  }

  /** The indicators as JSON lines (what the matcher process loads). */
  writeStix(file: string): void {
    const fd = openSync(file, 'w')
    let block = ''
    for (let i = 0; i < this.count; i++) {
      block += `${JSON.stringify(this.stix(i))}\n`
      if (block.length > 1 << 20) {
        writeSync(fd, block)
        block = ''
      }
    }
    writeSync(fd, block)
    closeSync(fd)
  }

  writeExactStrings(file: string): number {
    const fd = openSync(file, 'w')
    let written = 0
    let block = ''
    for (let i = 0; i < this.count; i++) {
      const kind = this.kind(i)
      const value = kind === 'ipv4' ? ip(this.ipv4(i)) : kind === 'domain' ? this.domain(i) : kind === 'url' ? this.url(i) : kind === 'sha256' ? this.sha256(i) : null
      if (value === null) continue
      block += `${value}\n`
      written++
      if (block.length > 1 << 20) {
        writeSync(fd, block)
        block = ''
      }
    }
    writeSync(fd, block)
    closeSync(fd)
    return written
  }
}

// ---------------------------------------------------------------------------------------------
// The log

const USERS = ['alice', 'bob', 'chen', 'daiki', 'emi', 'farid', 'gen', 'hana']

function writeLog(file: string, targetBytes: number, indicators: IndicatorSet) {
  const random = mulberry32(42)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const bgIps = Array.from({ length: 4096 }, (_, k) => (k % 2 ? `10.${(k * 7) % 256}.${(k * 13) % 256}.${(k * 31) % 256}` : `192.168.${(k * 5) % 256}.${(k * 11) % 256}`))
  const bgDomains = Array.from({ length: 4096 }, (_, k) => `${pick(['www', 'cdn', 'api', 'mail', 'static'])}${k}.${pick(['example.com', 'example.net', 'example.org', 'corp.example'])}`)
  const bgUrls = Array.from({ length: 2048 }, (_, k) => `https://${bgDomains[k]!}/path/${k}/item?id=${k * 17}`)
  const bgHashes = Array.from({ length: 2048 }, (_, k) => `b2${hashHex(k, 0x85ebca6b).slice(2)}`)
  const hits = new Set<string>()
  let nearMisses = 0
  const fd = openSync(file, 'w')
  let block = ''
  let written = 0
  let line = 0
  const stamp = (n: number) => `2024-04-01T09:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}Z`
  // One line in 400 carries a planted hit; one in 400 a near miss.
  while (written + block.length < targetBytes) {
    line++
    const roll = random()
    let slot: { kind: Kind; value: string } | null = null
    if (roll < 1 / 400) {
      const i = Math.floor(random() * indicators.count)
      const value = indicators.hitValue(i, random)
      slot = { kind: indicators.kind(i), value }
      hits.add(`${line} ${indicators.id(i)} ${value}`)
    } else if (roll < 2 / 400) {
      const i = Math.floor(random() * indicators.count)
      const value = indicators.nearMiss(i)
      if (value !== null) {
        slot = { kind: indicators.kind(i), value }
        nearMisses++
      }
    }
    const port = 1024 + Math.floor(random() * 60000)
    const ipSlot = slot && (slot.kind === 'ipv4' || slot.kind === 'cidr') ? slot.value : pick(bgIps)
    const domainSlot = slot && (slot.kind === 'domain' || slot.kind === 'suffix') ? slot.value : pick(bgDomains)
    const urlSlot = slot?.kind === 'url' ? slot.value : pick(bgUrls)
    const hashSlot = slot?.kind === 'sha256' ? slot.value : pick(bgHashes)
    const kindOfLine = slot ? (slot.kind === 'ipv4' || slot.kind === 'cidr' ? 0 : slot.kind === 'url' ? 1 : slot.kind === 'sha256' ? 3 : 2) : Math.floor(random() * 5)
    switch (kindOfLine) {
      case 0:
        block += `${stamp(line)} fw01 action=allow proto=tcp src=${pick(bgIps)}:${port} dst=${ipSlot}:443 bytes=${port * 3} rule=egress-${port % 40}\n`
        break
      case 1:
        block += `${stamp(line)} proxy01 user=${pick(USERS)}@corp.example method=GET url="${urlSlot}" status=200 ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64)"\n`
        break
      case 2:
        block += `${stamp(line)} dns01 client=${pick(bgIps)} query=${domainSlot} type=A rcode=NOERROR answer=${pick(bgIps)}\n`
        break
      case 3:
        block += `${stamp(line)} edr01 host=pc-${port % 500} file=C:\\Users\\${pick(USERS)}\\AppData\\Local\\Temp\\setup${port}.exe sha256=${hashSlot} verdict=clean\n`
        break
      default:
        block += `${stamp(line)} mail01 from=<${pick(USERS)}@${pick(bgDomains)}> to=<${pick(USERS)}@corp.example> subject="Invoice ${port}" relay=${pick(bgDomains)} size=${port * 2}\n`
    }
    if (block.length >= 1 << 20) {
      writeSync(fd, block)
      written += block.length
      block = ''
    }
  }
  writeSync(fd, block)
  closeSync(fd)
  return { hits, nearMisses, lines: line }
}

// ---------------------------------------------------------------------------------------------
// The matcher, measured in a process of its own

interface MatcherRun {
  stats: ReturnType<IndicatorIndex['stats']>
  loadCpuMs: number
  indexBytes: number
  peakBytes: number
  matchCpuMs: number
  matchWallMs: number
  lines: number
  hits: string[]
}

const MATCHER_PROCESS = `
import { createReadStream, readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
const { root, indicatorsFile, logFile } = JSON.parse(process.env.KAMAE_BENCH)
const { IndicatorIndex } = await import(pathToFileURL(root + '/src/modules/intel/matching/indicator-index.ts').href)
const { matchStream } = await import(pathToFileURL(root + '/src/modules/intel/matching/match-stream.ts').href)
const memory = () => { const usage = process.memoryUsage(); return usage.heapUsed + usage.arrayBuffers }
// The JavaScript thread's own CPU time (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms),
// not the process's: file reads and GC helpers run on other threads, in parallel.
const threadCpuMs = () => {
  try {
    const stat = readFileSync('/proc/self/task/' + process.pid + '/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    const usage = process.cpuUsage()
    return (usage.user + usage.system) / 1000
  }
}
gc(); gc()
const before = memory()
let text = readFileSync(indicatorsFile, 'utf8')
const load0 = threadCpuMs()
const index = new IndicatorIndex()
let peak = 0
for (let start = 0, i = 0; start < text.length; i++) {
  const end = text.indexOf('\\n', start)
  index.addIndicator(JSON.parse(text.slice(start, end)))
  start = end + 1
  if (i % 10000 === 0) peak = Math.max(peak, memory())
}
index.compact()
const loadMs = threadCpuMs() - load0
peak = Math.max(peak, memory())
text = null
gc(); gc()
const after = memory()
let best = { cpu: Infinity, wall: Infinity, lines: 0, hits: [] }
for (let round = 0; round < 3; round++) {
  const hits = []
  const stats = { bytes: 0, lines: 0, hits: 0 }
  const t0 = performance.now()
  const cpu0 = threadCpuMs()
  for await (const hit of matchStream(createReadStream(logFile, { highWaterMark: 1 << 20 }), index, stats)) hits.push(hit.line + ' ' + hit.indicatorId + ' ' + hit.value)
  const cpu = threadCpuMs() - cpu0
  const wall = performance.now() - t0
  best.wall = Math.min(best.wall, wall)
  if (cpu < best.cpu) best = { ...best, cpu, lines: stats.lines, hits }
}
process.stdout.write(JSON.stringify({
  stats: index.stats(), loadCpuMs: loadMs, indexBytes: after - before, peakBytes: peak - before,
  matchCpuMs: best.cpu, matchWallMs: best.wall, lines: best.lines, hits: best.hits,
}))
`

function runMatcherProcess(indicatorsFile: string, logFile: string): MatcherRun {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', '--import', 'tsx', '--input-type=module', '-e', MATCHER_PROCESS], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KAMAE_BENCH: JSON.stringify({ root, indicatorsFile, logFile }) },
    maxBuffer: 1 << 30,
  })
  if (child.status !== 0) throw new Error(`matcher process failed: ${child.stderr}`)
  return JSON.parse(child.stdout) as MatcherRun
}

// ---------------------------------------------------------------------------------------------
// Baselines

/** GNU grep's CPU time (user + system, from bash's `times`) and wall time, best of two. */
function runGrep(patternsFile: string, logFile: string): { cpuMs: number; wallMs: number; lines: number; version: string } | null {
  const version = spawnSync('grep', ['--version'], { encoding: 'utf8' })
  if (version.status !== 0 || !/GNU grep/.test(version.stdout)) {
    console.log('grep: GNU grep not found, no baseline')
    return null
  }
  let cpuMs = Infinity
  let wallMs = Infinity
  let lines = 0
  for (let round = 0; round < 2; round++) {
    const t0 = performance.now()
    const run = spawnSync('bash', ['-c', 'grep -F -c -f "$1" "$2"; times', 'grep', patternsFile, logFile], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } })
    wallMs = Math.min(wallMs, performance.now() - t0)
    const [count, , children] = run.stdout.trim().split('\n')
    const times = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(children ?? '')
    if (!times || !/^\d+$/.test(count ?? '')) throw new Error(`grep failed: ${run.stderr || run.stdout}`)
    lines = Number(count)
    cpuMs = Math.min(cpuMs, (Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4])) * 1000)
  }
  return { cpuMs, wallMs, lines, version: version.stdout.split('\n')[0]! }
}

const ALTERNATION =
  /\b(?:(?:https?|ftp):\/\/[^\s"'<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:\d{1,3}\.){3}\d{1,3}|(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}|[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32}|(?:[a-zA-Z0-9_-]+\.)+[a-zA-Z][a-zA-Z0-9-]*)\b/g

function regexExtractorSpeed(logFile: string, bytes: number): number {
  const fd = openSync(logFile, 'r')
  const buffer = Buffer.alloc(bytes)
  let read = 0
  while (read < bytes) read += readSync(fd, buffer, read, bytes - read, read)
  closeSync(fd)
  const lines = buffer.toString('latin1').split('\n')
  let matches = 0
  const cpu0 = process.cpuUsage()
  for (const line of lines) for (const _ of line.matchAll(ALTERNATION)) matches++
  const cpu = process.cpuUsage(cpu0)
  const ms = (cpu.user + cpu.system) / 1000
  if (matches === 0) throw new Error('the regex found nothing')
  return bytes / 2 ** 20 / (ms / 1000)
}

// ---------------------------------------------------------------------------------------------

const ip = (value: number) => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`
const hex8 = (n: number) => ((n * 2246822519) >>> 0).toString(16).padStart(8, '0')

/** 64 hex digits derived from i (distinct for distinct i, salt separating families). */
function hashHex(i: number, salt: number): string {
  const random = mulberry32((i * 2654435761) ^ salt)
  let hex = ''
  for (let k = 0; k < 8; k++) hex += (Math.floor(random() * 2 ** 32) >>> 0).toString(16).padStart(8, '0')
  return hex
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
