import { describe, expect, it } from 'vitest'
import { CATALOG_HEAD, makeCatalog, makeCatalogYaml, makeItemYaml, makeSectionYaml } from '../catalog/catalog-fixtures.js'
import { itemAppliesTo, itemScore, scoreAssessment, scoreItems, type AnswerState, type ScoredItem } from './scoring.js'

// A four-step scale like the FSA catalog's: 0, 1/3, 2/3 ("in place"), 1.
const FOUR_STEP_HEAD = CATALOG_HEAD.replace(
  /^ {2}options:\n( {4}- .*\n)+/m,
  [
    '  options:',
    '    - { value: 0, label: { ja: 未対応, en: Not in place }, score: 0 }',
    '    - { value: 1, label: { ja: 一部対応, en: Partly }, score: 0.3333 }',
    '    - { value: 2, label: { ja: 対応済, en: In place }, score: 0.6667 }',
    '    - { value: 3, label: { ja: 高度化, en: Improved }, score: 1 }',
    '',
  ].join('\n'),
)

const options = [
  { value: 0, score: 0 },
  { value: 1, score: 0.3333 },
  { value: 2, score: 0.6667 },
  { value: 3, score: 1 },
]
const basic = (ref: string): ScoredItem => ({ ref, class: 'basic', options })
const desirable = (ref: string): ScoredItem => ({ ref, class: 'desirable', options })

function answers(...list: (Partial<AnswerState> & { ref: string })[]): Map<string, AnswerState> {
  return new Map(list.map((a) => [a.ref, { inScope: true, value: null, notApplicable: false, ...a }]))
}

describe('scoring of an assessment', () => {
  it('takes the score of the chosen option', () => {
    expect(itemScore(basic('a'), 2)).toBe(0.6667)
  })

  it('scores an unanswered item 0', () => {
    expect(itemScore(basic('a'), null)).toBe(0)
  })

  it('averages item scores, counting an unanswered item as 0', () => {
    const score = scoreItems([basic('a'), basic('b')], answers({ ref: 'a', value: 3 }, { ref: 'b' }))
    expect(score.score).toBeCloseTo(0.5)
  })

  it('leaves not-applicable items out of the score but counts them as answered', () => {
    const score = scoreItems([basic('a'), basic('b')], answers({ ref: 'a', value: 3 }, { ref: 'b', notApplicable: true }))
    expect(score.score).toBe(1)
    expect(score.answered).toBe(2)
    expect(score.progress).toBe(1)
  })

  it('leaves out-of-scope items out of the score, the progress and the counts', () => {
    const score = scoreItems([basic('a'), desirable('b')], answers({ ref: 'a', value: 0 }, { ref: 'b', inScope: false, value: 3 }))
    expect(score).toMatchObject({ score: 0, inScope: 1, answered: 1, progress: 1, desirableTotal: 0, desirableAdoption: null })
  })

  it('measures progress as answered (including N/A) over in-scope items', () => {
    const score = scoreItems(
      [basic('a'), basic('b'), basic('c'), basic('d')],
      answers({ ref: 'a', value: 0 }, { ref: 'b', notApplicable: true }, { ref: 'c' }, { ref: 'd' }),
    )
    expect(score.answered).toBe(2)
    expect(score.progress).toBe(0.5)
  })

  it('counts a basic item as compliant from "in place" (2/3) upwards', () => {
    const score = scoreItems(
      [basic('a'), basic('b'), basic('c'), basic('d')],
      answers({ ref: 'a', value: 1 }, { ref: 'b', value: 2 }, { ref: 'c', value: 3 }, { ref: 'd' }),
    )
    expect(score.basicTotal).toBe(4)
    expect(score.basicCompliance).toBe(0.5)
  })

  it('measures adoption of desirable items apart from basic compliance', () => {
    const score = scoreItems([basic('a'), desirable('b'), desirable('c')], answers({ ref: 'a', value: 0 }, { ref: 'b', value: 3 }, { ref: 'c', value: 0 }))
    expect(score).toMatchObject({ basicCompliance: 0, basicTotal: 1, desirableAdoption: 0.5, desirableTotal: 2 })
  })

  it('leaves N/A items out of the compliance denominator', () => {
    const score = scoreItems([basic('a'), basic('b')], answers({ ref: 'a', value: 2 }, { ref: 'b', notApplicable: true }))
    expect(score.basicTotal).toBe(1)
    expect(score.basicCompliance).toBe(1)
  })

  it('answers null for rates whose denominator is 0', () => {
    const allOut = scoreItems([basic('a')], answers({ ref: 'a', inScope: false }))
    expect(allOut).toEqual({ score: null, progress: null, answered: 0, inScope: 0, basicCompliance: null, desirableAdoption: null, basicTotal: 0, desirableTotal: 0 })
  })

  it('answers a null score when every in-scope item is N/A, with progress complete', () => {
    const score = scoreItems([basic('a')], answers({ ref: 'a', notApplicable: true }))
    expect(score).toMatchObject({ score: null, progress: 1, basicCompliance: null })
  })

  it('treats an item without an answer row as in scope and unanswered', () => {
    const score = scoreItems([basic('a'), basic('b')], answers({ ref: 'a', value: 3 }))
    expect(score).toMatchObject({ inScope: 2, answered: 1, score: 0.5 })
  })

  it('scores a value that is not on the scale as 0', () => {
    expect(itemScore(basic('a'), 7)).toBe(0)
  })

  it('scores each top-level section and the whole catalog, skipping sections without items', () => {
    const catalog = makeCatalog(
      makeCatalogYaml({
        head: FOUR_STEP_HEAD,
        sections: [
          makeSectionYaml({ ref: '1', items: [], extra: '    assessed: false' }),
          makeSectionYaml({ ref: '2', items: [makeItemYaml({ ref: '2-B1' }), makeItemYaml({ ref: '2-D1', class: 'desirable' })] }),
          makeSectionYaml({ ref: '3', items: [makeItemYaml({ ref: '3-B1' })] }),
        ],
      }),
    )
    const result = scoreAssessment(catalog, [
      { ref: '2-B1', inScope: true, value: 3, notApplicable: false },
      { ref: '2-D1', inScope: true, value: 1, notApplicable: false },
      { ref: '3-B1', inScope: true, value: null, notApplicable: false },
    ])
    expect(result.sections.map((s) => s.ref)).toEqual(['2', '3'])
    expect(result.sections[0]).toMatchObject({ ref: '2', title: { ja: '節 2', en: 'Section 2' }, inScope: 2, answered: 2, basicCompliance: 1, desirableAdoption: 0 })
    expect(result.sections[0]!.score).toBeCloseTo((1 + 0.3333) / 2)
    expect(result.sections[1]).toMatchObject({ score: 0, progress: 0 })
    expect(result.overall).toMatchObject({ inScope: 3, answered: 2, basicTotal: 2, basicCompliance: 0.5, desirableTotal: 1 })
    expect(result.overall.score).toBeCloseTo((1 + 0.3333 + 0) / 3)
  })

  it('counts the items of subsections towards their top-level section', () => {
    const catalog = makeCatalog(
      makeCatalogYaml({
        head: FOUR_STEP_HEAD,
        sections: [
          makeSectionYaml({
            ref: '2',
            items: [makeItemYaml({ ref: '2-B1' })],
            extra: ['    sections:', '      - ref: "2.1"', '        title: { ja: 小節, en: Sub }', '        items:', makeItemYaml({ ref: '2.1-B1' }).replace(/^/gm, '    ').trimEnd()].join('\n'),
          }),
        ],
      }),
    )
    const result = scoreAssessment(catalog, [])
    expect(result.sections).toHaveLength(1)
    expect(result.sections[0]!.inScope).toBe(2)
  })
})

describe('applicability of an item to an institution', () => {
  const profile = { sector: 'shinkin', sizeBand: 'small' }

  it('applies an item without restrictions to everyone', () => {
    expect(itemAppliesTo({ sectors: null, sizes: null }, profile)).toBe(true)
  })

  it('does not apply an item for larger institutions to a small one', () => {
    expect(itemAppliesTo({ sectors: null, sizes: ['medium', 'large'] }, profile)).toBe(false)
  })

  it('does not apply an item of another sector', () => {
    expect(itemAppliesTo({ sectors: ['crypto_exchange'], sizes: null }, profile)).toBe(false)
  })

  it('applies an item whose sector and size both fit', () => {
    expect(itemAppliesTo({ sectors: ['shinkin', 'credit_union'], sizes: ['small'] }, profile)).toBe(true)
  })
})
