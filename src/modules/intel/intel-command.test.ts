import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { runKamae } from '../../../test/support/cli.js'
import { runIntelMatch, type Say } from './intel-command.js'
import { idFor, validObjects } from './stix-test-fixtures.js'
import { TLP2_MARKING_IDS } from './tlp.js'

const temp = mkdtempSync(join(tmpdir(), 'kamae-intel-cli-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

const indicator = (n: number, pattern: string, tlp: keyof typeof TLP2_MARKING_IDS) => ({
  ...validObjects().indicator,
  id: idFor('indicator', n),
  pattern,
  object_marking_refs: [TLP2_MARKING_IDS[tlp]],
})

const bundleFile = join(temp, 'bundle.json')
writeFileSync(
  bundleFile,
  JSON.stringify({
    type: 'bundle',
    id: idFor('bundle'),
    objects: [
      indicator(1, "[ipv4-addr:value = '198.51.100.7']", 'amber'),
      indicator(2, "[domain-name:value LIKE '%.evil.example']", 'green'),
      indicator(3, "[ipv4-addr:value = '10.0.0.0/8'", 'red'),
    ],
  }),
)
const logText = 'boot\nconn 198.51.100.7:443\ndns x.evil.example notevil.example\n'
const plainLog = join(temp, 'app.log')
const gzLog = join(temp, 'app.log.gz')
writeFileSync(plainLog, logText)
writeFileSync(gzLog, gzipSync(logText))

const en: Say = (_ja, english) => english
const ja: Say = (japanese) => japanese

async function run(logs: string[], say: Say = en, stdinText = '') {
  const stdout = new PassThrough()
  let out = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const result = await runIntelMatch({ bundle: bundleFile, logs }, say, stdout, Readable.from([Buffer.from(stdinText)]))
  return { ...result, hits: out.trim() === '' ? [] : out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) }
}

describe('runIntelMatch', () => {
  it('prints one JSON line per hit, with line, value, kind, indicator id and TLP', async () => {
    const result = await run([plainLog])
    expect(result.exitCode).toBe(0)
    expect(result.hits).toEqual([
      { line: 2, value: '198.51.100.7', kind: 'ipv4', indicatorId: idFor('indicator', 1), tlp: 'amber' },
      { line: 3, value: 'x.evil.example', kind: 'domain', indicatorId: idFor('indicator', 2), tlp: 'green' },
    ])
    expect(result.output).toContain('matched 3 log lines against 2 indicators (3 in the bundle, 0 observables not matchable): 2 hits')
    expect(result.output).toContain(`${bundleFile}#/objects/2/pattern: pattern syntax error`)
  })

  it('reads gzip and standard input, and names the file of each hit when given several', async () => {
    const result = await run([gzLog, '-'], en, logText)
    expect(result.hits.map((hit) => [hit.file, hit.line, hit.value])).toEqual([
      [gzLog, 2, '198.51.100.7'],
      [gzLog, 3, 'x.evil.example'],
      ['-', 2, '198.51.100.7'],
      ['-', 3, 'x.evil.example'],
    ])
  })

  it('checks every argument before reading anything, in the user language', async () => {
    const missing = await runIntelMatch({ bundle: join(temp, 'none.json'), logs: ['-', '-', join(temp, 'nope.log'), temp] }, en, new PassThrough(), Readable.from([]))
    expect(missing.exitCode).toBe(1)
    expect(missing.output.split('\n')).toEqual([
      `--bundle: no file ${join(temp, 'none.json')}`,
      'standard input (-) can be given only once',
      `no log file ${join(temp, 'nope.log')}`,
      `${temp} is not a file`,
    ])
    const none = await run([], ja)
    expect(none.output).toBe('照合するログファイルを指定してください（標準入力は -）')
    const noBundle = await runIntelMatch({ logs: [plainLog] }, ja, new PassThrough(), Readable.from([]))
    expect([noBundle.exitCode, noBundle.output]).toEqual([1, '--bundle <ファイル> で指標のバンドルを指定してください'])
  })

  it('refuses a bundle that is not JSON or not a bundle', async () => {
    const notJson = join(temp, 'broken.json')
    writeFileSync(notJson, '{"type": "bundle",')
    const broken = await runIntelMatch({ bundle: notJson, logs: [plainLog] }, en, new PassThrough(), Readable.from([]))
    expect([broken.exitCode, broken.output]).toEqual([1, expect.stringContaining('is not JSON')])
    const notBundle = join(temp, 'indicator.json')
    writeFileSync(notBundle, JSON.stringify(validObjects().indicator))
    const single = await runIntelMatch({ bundle: notBundle, logs: [plainLog] }, ja, new PassThrough(), Readable.from([]))
    expect([single.exitCode, single.output]).toEqual([1, `  ${notBundle}#/type: STIX バンドル（"type": "bundle"）ではありません`])
  })
})

describe('kamae intel match', { timeout: 60_000 }, () => {
  it('runs as a command: hits on standard output, the summary on standard error', async () => {
    const result = await runKamae(['intel', 'match', '--bundle', bundleFile, '-'], { KAMAE_LANG: 'en' }, logText)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { value: string }).value)).toEqual(['198.51.100.7', 'x.evil.example'])
    expect(result.stderr).toContain('2 hits')
  })

  it('exits 1 with a Japanese message for a missing log file', async () => {
    const result = await runKamae(['intel', 'match', '--bundle', bundleFile, join(temp, 'missing.log')], { KAMAE_LANG: 'ja' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`ログファイル ${join(temp, 'missing.log')} がありません`)
  })
})
