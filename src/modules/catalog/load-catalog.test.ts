import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  CATALOG_HEAD,
  lineOf,
  makeCatalog,
  makeCatalogYaml,
  makeItemYaml,
  makeSectionFileYaml,
  makeSectionYaml,
} from './catalog-fixtures.js'
import { CATALOG_SCHEMA_PATH, compareFileNames, loadCatalog, parseCatalogText, type CatalogError } from './load-catalog.js'

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

function errorsOf(text: string, name = 'catalog.yaml'): CatalogError[] {
  const result = parseCatalogText([{ name, text }])
  if (result.ok) throw new Error('expected the catalog to be rejected')
  return result.errors
}

function onlyErrorOf(text: string): CatalogError {
  const errors = errorsOf(text)
  expect(errors).toHaveLength(1)
  return errors[0] as CatalogError
}

describe('defaults a loaded catalog fills in', () => {
  it('treats sections as assessed and items as applying to every sector and size', () => {
    const catalog = makeCatalog()
    const section = catalog.sections[0]
    const item = section?.items[0]
    expect(section?.assessed).toBe(true)
    expect(item?.applicability).toEqual({ sectors: null, sizes: null })
    expect(item?.sectionRef).toBe('1')
    expect(item?.guidance).toBeNull()
    expect(catalog.refStyle).toBe('structured')
    expect(catalog.publisher).toBeNull()
  })

  it('gives an item without its own scale the catalog scale', () => {
    const catalog = makeCatalog()
    expect(catalog.sections[0]?.items[0]?.scale).toEqual(catalog.scale)
  })

  it("keeps an item's own graded options with the catalog's not-applicable answer", () => {
    const scale = [
      '        scale:',
      '          options:',
      '            - { value: 0, label: { ja: なし, en: None }, score: 0 }',
      '            - { value: 1, label: { ja: 年1回, en: Yearly }, score: 0.5 }',
      '            - { value: 2, label: { ja: 四半期毎, en: Quarterly }, score: 1 }',
    ].join('\n')
    const catalog = makeCatalog(makeCatalogYaml({ sections: [makeSectionYaml({ items: [makeItemYaml({ extra: scale })] })] }))
    const item = catalog.sections[0]?.items[0]
    expect(item?.scale.options.map((option) => option.score)).toEqual([0, 0.5, 1])
    expect(item?.scale.notApplicable).toEqual(catalog.scale.notApplicable)
  })

  it('lets a subsection of a context chapter inherit assessed: false', () => {
    const text = `${CATALOG_HEAD}sections:
  - ref: "1"
    title: { ja: 基本的考え方, en: Basic approach }
    assessed: false
    sections:
      - ref: "1.1"
        title: { ja: 原則, en: Principles }
  - ref: "3"
    title: { ja: 連携, en: Cooperation }
    assessed: false
    sections:
      - ref: "3.1"
        title: { ja: 情報共有, en: Information sharing }
        assessed: true
`
    const [chapter1, chapter3] = makeCatalog(text).sections
    expect(chapter1?.sections[0]?.assessed).toBe(false)
    expect(chapter3?.sections[0]?.assessed).toBe(true)
  })

  it('appends the sections of section files after those of catalog.yaml', () => {
    const result = parseCatalogText([
      { name: 'catalog.yaml', text: makeCatalogYaml() },
      { name: 'sections/2.yaml', text: makeSectionFileYaml([makeSectionYaml({ ref: '2', items: [makeItemYaml({ ref: '2-B1' })] })]) },
    ])
    expect(result.ok && result.catalog.sections.map((section) => section.ref)).toEqual(['1', '2'])
  })
})

describe('errors a catalog author sees', () => {
  it('names the file and line of a misspelt class', () => {
    const text = makeCatalogYaml({ sections: [makeSectionYaml({ items: [makeItemYaml({ class: 'basik' })] })] })
    const error = onlyErrorOf(text)
    expect(error).toMatchObject({
      file: 'catalog.yaml',
      line: lineOf(text, 'class: basik'),
      column: 16,
      path: 'sections[0].items[0].class',
      message: { en: 'must be basic or desirable' },
    })
    expect(error.message.ja).toContain('basic')
  })

  it('points at an unknown field and lists the known ones', () => {
    const text = makeCatalogYaml({
      sections: [makeSectionYaml({ items: [makeItemYaml({ extra: '        titel: { ja: 誤り, en: Typo }' })] })],
    })
    const error = onlyErrorOf(text)
    expect(error.path).toBe('sections[0].items[0].titel')
    expect(error.line).toBe(lineOf(text, 'titel'))
    expect(error.column).toBe(9)
    expect(error.message.en).toContain('known: ref, class, title')
  })

  it('names a missing field at the line where its parent starts', () => {
    const text = makeCatalogYaml().replace(/ {8}evidence: .*\n/, '')
    const error = onlyErrorOf(text)
    expect(error.path).toBe('sections[0].items[0].evidence')
    expect(error.line).toBe(lineOf(text, '- ref: 1-B1'))
    expect(error.message).toEqual({ ja: '必須の項目がありません', en: 'is required' })
  })

  it('asks to quote a section number that YAML read as a number', () => {
    const text = makeCatalogYaml().replace('- ref: "1"', '- ref: 2.10')
    const error = errorsOf(text).find((candidate) => candidate.path === 'sections[0].ref')
    expect(error?.message.en).toBe('must be a string: quote it ("2.10")')
  })

  it('rejects empty Japanese or English text', () => {
    const text = makeCatalogYaml().replace('title: { ja: 項目 1-B1, en: Item 1-B1 }', 'title: { ja: 項目, en: "  " }')
    expect(onlyErrorOf(text)).toMatchObject({ path: 'sections[0].items[0].title.en', message: { en: 'must not be empty' } })
  })

  it('locates a YAML syntax error', () => {
    const text = `${CATALOG_HEAD}sections:\n  - ref: "1"\n    title: { ja: 節, en: Section\n`
    const [error] = errorsOf(text)
    expect(error?.line).toBe(lineOf(text, 'title: { ja: 節') + 1)
    expect(error?.message.en).toMatch(/^YAML syntax error: /)
    expect(error?.message.ja).toMatch(/^YAML の構文エラー: /)
  })

  it('reports a ref used twice and where it was first used', () => {
    const text = makeCatalogYaml({
      sections: [makeSectionYaml({ items: [makeItemYaml(), makeItemYaml({ csf: ['GV.OC-02'] })] })],
    })
    const error = onlyErrorOf(text)
    expect(error.path).toBe('sections[0].items[1].ref')
    expect(error.line).toBe(lineOf(text, 'GV.OC-01') + 1)
    expect(error.message.en).toContain(`already used (catalog.yaml:${lineOf(text, '- ref: 1-B1')} sections[0].items[0].ref)`)
  })

  it("rejects an item ref whose letter does not match the item's class", () => {
    const text = makeCatalogYaml({ sections: [makeSectionYaml({ items: [makeItemYaml({ ref: '1-D1', class: 'basic' })] })] })
    expect(onlyErrorOf(text)).toMatchObject({
      path: 'sections[0].items[0].ref',
      message: { en: "a basic item's ref uses -B<n>, not -D" },
    })
  })

  it("rejects an item ref that does not start with its section's ref", () => {
    const text = makeCatalogYaml({ sections: [makeSectionYaml({ ref: '2.1', items: [makeItemYaml({ ref: '2.2-B1' })] })] })
    expect(onlyErrorOf(text).message.en).toContain('e.g. 2.1-B1')
  })

  it('accepts refs in the framework’s own style when refStyle is free', () => {
    const head = CATALOG_HEAD.replace('version: "1.0"\n', 'version: "1.0"\nrefStyle: free\n')
    const text = makeCatalogYaml({
      head,
      sections: [makeSectionYaml({ ref: 'GV.OC', items: [makeItemYaml({ ref: 'GV.OC-01', csf: [] })] })],
    })
    expect(makeCatalog(text).refStyle).toBe('free')
  })

  it('rejects a NIST CSF 2.0 id that does not exist, such as a withdrawn one', () => {
    const text = makeCatalogYaml({ sections: [makeSectionYaml({ items: [makeItemYaml({ csf: ['ID.AM-01', 'ID.AM-06'] })] })] })
    expect(onlyErrorOf(text)).toMatchObject({
      path: 'sections[0].items[0].crosswalk.csf[1]',
      line: lineOf(text, 'ID.AM-06'),
      message: { en: 'ID.AM-06 is not a NIST CSF 2.0 subcategory id' },
    })
  })

  it('says what a malformed crosswalk id should look like, once', () => {
    const text = makeCatalogYaml({ sections: [makeSectionYaml({ items: [makeItemYaml({ csf: ['PR.AA1'] })] })] })
    expect(onlyErrorOf(text).message.en).toBe('must be a NIST CSF 2.0 subcategory id such as PR.AA-01')
  })

  it('rejects a repeated option value and a score above 1', () => {
    const head = CATALOG_HEAD.replace('{ value: 1, label: { ja: 対応済, en: In place }, score: 1 }', '{ value: 0, label: { ja: 対応済, en: In place }, score: 1.5 }')
    const errors = errorsOf(makeCatalogYaml({ head }))
    expect(errors.map((error) => [error.path, error.message.en])).toEqual([
      ['scale.options[1].value', 'value 0 is already used by option 1 of this scale'],
      ['scale.options[1].score', 'must be at most 1'],
    ])
  })

  it('collects the errors of every file instead of stopping at the first', () => {
    const result = parseCatalogText([
      { name: 'catalog.yaml', text: makeCatalogYaml({ sections: [makeSectionYaml({ items: [makeItemYaml({ class: 'basik' })] })] }) },
      { name: 'sections/2.yaml', text: makeSectionFileYaml([makeSectionYaml({ ref: '2', items: [makeItemYaml({ ref: '2-B1', csf: ['XX.YY-01'] })] })]) },
      { name: 'sections/3.yaml', text: 'sections: [\n' },
    ])
    expect(result.ok ? [] : result.errors.map((error) => error.file)).toEqual([
      'catalog.yaml',
      'sections/2.yaml',
      'sections/3.yaml',
    ])
  })

  it('checks a section file as a section file, not as a catalog', () => {
    const result = parseCatalogText([
      { name: 'catalog.yaml', text: makeCatalogYaml() },
      { name: 'sections/2.yaml', text: `id: stray\n${makeSectionFileYaml([makeSectionYaml({ ref: '2', items: [] })])}` },
    ])
    expect(result.ok ? [] : result.errors.map((error) => `${error.file} ${error.path}`)).toEqual(['sections/2.yaml id'])
  })
})

describe('loading a catalog from disk', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kamae-catalog-'))
    await mkdir(join(dir, 'sections'))
    await writeFile(join(dir, 'catalog.yaml'), makeCatalogYaml())
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function writeSection(name: string, ref: string, item: string = makeItemYaml({ ref: `${ref}-B1` })) {
    await writeFile(join(dir, 'sections', name), makeSectionFileYaml([makeSectionYaml({ ref, items: [item] })]))
  }

  it('reads section files in file-name order, numbers compared as numbers', async () => {
    await writeSection('10.yaml', '10')
    await writeSection('2.yaml', '2')
    const result = await loadCatalog(dir)
    expect(result.ok && result.catalog.sections.map((section) => section.ref)).toEqual(['1', '2', '10'])
  })

  it('names the section file that holds an error', async () => {
    await writeSection('2.yaml', '2', makeItemYaml({ ref: '2-B1', class: 'desirable' }))
    const result = await loadCatalog(dir)
    expect(result.ok ? [] : result.errors).toEqual([
      {
        file: join(dir, 'sections', '2.yaml'),
        line: 5,
        column: 14,
        path: 'sections[0].items[0].ref',
        message: expect.objectContaining({ en: "a desirable item's ref uses -D<n>, not -B" }),
      },
    ])
  })

  it('loads a single catalog file', async () => {
    const result = await loadCatalog(join(dir, 'catalog.yaml'))
    expect(result.ok && result.catalog.id).toBe('demo-catalog')
  })

  it('says when the path does not exist', async () => {
    const missing = join(dir, 'nowhere')
    expect(await loadCatalog(missing)).toEqual({
      ok: false,
      errors: [{ file: missing, line: null, column: null, path: '', message: { ja: expect.any(String), en: 'no such file or directory' } }],
    })
  })

  it('says when a catalog directory has no catalog.yaml', async () => {
    await rm(join(dir, 'catalog.yaml'))
    const result = await loadCatalog(dir)
    expect(result.ok ? null : result.errors[0]?.file).toBe(join(dir, 'catalog.yaml'))
  })
})

describe('file-name order', () => {
  it('puts a file before its sub-files and 2 before 10', () => {
    expect(['2-10.yaml', '2-2-1.yaml', '2-2.yaml', '10.yaml', '2.yaml'].sort(compareFileNames)).toEqual([
      '2.yaml',
      '2-2.yaml',
      '2-2-1.yaml',
      '2-10.yaml',
      '10.yaml',
    ])
  })
})

describe('the JSON Schema on its own, as an editor uses it', () => {
  const validate = (() => {
    const ajv = new Ajv2020({ allErrors: true })
    addFormats(ajv, ['date', 'uri'])
    return ajv.compile(JSON.parse(readFileSync(CATALOG_SCHEMA_PATH, 'utf8')) as object)
  })()

  it('accepts a catalog file and a section file', () => {
    expect(validate(parse(makeCatalogYaml()))).toBe(true)
    expect(validate(parse(makeSectionFileYaml([makeSectionYaml({ ref: '2', items: [makeItemYaml({ ref: '2-B1' })] })])))).toBe(true)
  })

  it('checks anything that is not a section file as a catalog file', () => {
    expect(validate(parse(makeCatalogYaml().replace('id: demo-catalog\n', '')))).toBe(false)
    expect(validate.errors?.map((error) => error.params)).toContainEqual({ missingProperty: 'id' })
  })
})
