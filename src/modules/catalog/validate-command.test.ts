import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCatalogYaml, makeItemYaml, makeSectionYaml } from './catalog-fixtures.js'
import { runCatalogValidate } from './validate-command.js'

describe('kamae catalog validate', () => {
  let dir = ''
  let valid = ''
  let invalid = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kamae-validate-'))
    valid = join(dir, 'valid.yaml')
    invalid = join(dir, 'invalid.yaml')
    await writeFile(valid, makeCatalogYaml())
    await writeFile(invalid, makeCatalogYaml({ sections: [makeSectionYaml({ items: [makeItemYaml({ class: 'basik' })] })] }))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('prints the summary in Japanese and exits 0 for a valid catalog', async () => {
    const { exitCode, output } = await runCatalogValidate(valid, { json: false, lang: 'ja' })
    expect(exitCode).toBe(0)
    expect(output).toContain('評価項目: 1')
  })

  it('prints file:line:column path: message and exits 1 for an invalid catalog', async () => {
    const { exitCode, output } = await runCatalogValidate(invalid, { json: false, lang: 'en' })
    expect(exitCode).toBe(1)
    expect(output).toBe(`${invalid}:14:16 sections[0].items[0].class: must be basic or desirable\n1 error`)
  })

  it('gives the summary as JSON with --json', async () => {
    const { exitCode, output } = await runCatalogValidate(valid, { json: true, lang: 'ja' })
    expect(exitCode).toBe(0)
    expect(JSON.parse(output)).toMatchObject({ ok: true, summary: { id: 'demo-catalog', assessableItems: 1 } })
  })

  it('gives the errors, in both languages, as JSON with --json', async () => {
    const { exitCode, output } = await runCatalogValidate(invalid, { json: true, lang: 'en' })
    expect(exitCode).toBe(1)
    expect(JSON.parse(output)).toEqual({
      ok: false,
      errors: [
        {
          file: invalid,
          line: 14,
          column: 16,
          path: 'sections[0].items[0].class',
          message: { ja: expect.any(String), en: 'must be basic or desirable' },
        },
      ],
    })
  })

  it('names a missing path without a line number', async () => {
    const missing = join(dir, 'missing.yaml')
    const { exitCode, output } = await runCatalogValidate(missing, { json: false, lang: 'en' })
    expect(exitCode).toBe(1)
    expect(output.split('\n')[0]).toBe(`${missing}: no such file or directory`)
  })
})
