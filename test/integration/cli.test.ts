import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runKamae } from '../support/cli.js'

const temp = mkdtempSync(join(tmpdir(), 'kamae-cli-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('kamae catalog validate', { timeout: 90_000 }, () => {
  it('summarises the FSA catalog in Japanese by default', async () => {
    const result = await runKamae(['catalog', 'validate', 'catalogs/fsa-cyber-2024'], { KAMAE_LANG: 'ja' })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('評価項目')
    expect(result.stdout).toContain('NIST CSF 2.0')
  })

  it('prints the summary as JSON with --json', async () => {
    const result = await runKamae(['catalog', 'validate', 'catalogs/fsa-cyber-2024', '--json'])
    expect(result.code).toBe(0)
    const parsed = JSON.parse(result.stdout) as { ok: boolean; summary: { assessableItems: number } }
    expect(parsed.ok).toBe(true)
    expect(parsed.summary.assessableItems).toBeGreaterThanOrEqual(150)
  })

  it('exits non-zero and names the file and line of an error', async () => {
    const file = join(temp, 'broken.yaml')
    const good = readFileSync('catalogs/nist-csf-2.0/catalog.yaml', 'utf8')
    writeFileSync(file, good.replace(/class: basic/, 'class: essential'))
    const result = await runKamae(['catalog', 'validate', file], { KAMAE_LANG: 'en' })
    expect(result.code).toBe(1)
    expect(result.stdout + result.stderr).toMatch(/broken\.yaml:\d+/)
    expect(result.stdout + result.stderr).toContain('class')
  })
})

describe('kamae command arguments', { timeout: 90_000 }, () => {
  it('refuses an unknown organisation kind with the allowed values, in English when asked', async () => {
    const result = await runKamae(
      ['admin', 'create', '--email', 'a@b.example', '--name', 'A', '--org-name-ja', 'あ', '--org-name-en', 'A', '--org-kind', 'bank'],
      { KAMAE_LANG: 'en', KAMAE_DATA_DIR: join(temp, 'args') },
    )
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('institution, supervisor, isac')
  })

  it('refuses an institution without sector and size, in Japanese', async () => {
    const result = await runKamae(
      ['admin', 'create', '--email', 'a@b.example', '--name', 'A', '--org-name-ja', 'あ', '--org-name-en', 'A', '--org-kind', 'institution'],
      { KAMAE_LANG: 'ja', KAMAE_DATA_DIR: join(temp, 'args2') },
    )
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('--sector')
  })

  it('refuses a bad PORT with a configuration error', async () => {
    const result = await runKamae(['migrate'], { PORT: 'eighty', KAMAE_LANG: 'en', KAMAE_DATA_DIR: join(temp, 'port') })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('PORT must be an integer')
  })

  it("refuses to start with a broken incident policy file, naming the file and the problem", async () => {
    const policy = join(temp, 'policy.json')
    writeFileSync(policy, JSON.stringify({ version: '1', deadlines: {} }))
    const result = await runKamae(['serve'], { KAMAE_INCIDENT_POLICY_FILE: policy, KAMAE_LANG: 'en', KAMAE_DATA_DIR: join(temp, 'policy'), PORT: '0' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(policy)
    expect(result.stderr).toContain('deadlines')
  })

  it('exports a catalog as OSCAL JSON', async () => {
    const result = await runKamae(['catalog', 'export-oscal', 'catalogs/crypto-custody-2024', '--lang', 'en'])
    expect(result.code).toBe(0)
    const oscal = JSON.parse(result.stdout) as { catalog: { metadata: { 'oscal-version': string }; groups: unknown[] } }
    expect(oscal.catalog.metadata['oscal-version']).toMatch(/^1\.1/)
    expect(oscal.catalog.groups.length).toBe(6)
  })
})
