import { describe, expect, it } from 'vitest'
import { diffVersions, type AnswerSnapshot, type EvidenceSnapshot } from './diff.js'

const answer = (ref: string, fields: Partial<AnswerSnapshot> = {}): AnswerSnapshot => ({
  ref,
  inScope: true,
  value: null,
  notApplicable: false,
  naReason: null,
  comment: null,
  ...fields,
})
const file = (itemRef: string, filename: string, sha256 = 'a'.repeat(64)): EvidenceSnapshot => ({ itemRef, filename, sha256 })

describe('differences between two versions', () => {
  it('finds nothing between identical versions', () => {
    const side = { answers: [answer('1-B1', { value: 2, comment: 'ok' })], evidence: [file('1-B1', 'a.pdf')] }
    expect(diffVersions(['1-B1'], side, side)).toEqual([])
  })

  it('lists a changed value with before and after', () => {
    const changes = diffVersions(['1-B1'], { answers: [answer('1-B1', { value: 1 })], evidence: [] }, { answers: [answer('1-B1', { value: 3 })], evidence: [] })
    expect(changes).toEqual([{ ref: '1-B1', field: 'value', before: 1, after: 3 }])
  })

  it('lists each changed field of an item marked not applicable', () => {
    const changes = diffVersions(
      ['1-B1'],
      { answers: [answer('1-B1', { value: 2 })], evidence: [] },
      { answers: [answer('1-B1', { notApplicable: true, naReason: '該当業務なし' })], evidence: [] },
    )
    expect(changes.map((c) => c.field)).toEqual(['value', 'notApplicable', 'naReason'])
  })

  it('lists a comment and a scope change', () => {
    const changes = diffVersions(
      ['1-D1'],
      { answers: [answer('1-D1', { inScope: false })], evidence: [] },
      { answers: [answer('1-D1', { comment: '取り込み' })], evidence: [] },
    )
    expect(changes).toEqual([
      { ref: '1-D1', field: 'inScope', before: false, after: true },
      { ref: '1-D1', field: 'comment', before: null, after: '取り込み' },
    ])
  })

  it('lists evidence added and removed', () => {
    const changes = diffVersions(
      ['1-B1'],
      { answers: [], evidence: [file('1-B1', 'old.pdf', 'b'.repeat(64)), file('1-B1', 'kept.pdf')] },
      { answers: [], evidence: [file('1-B1', 'kept.pdf'), file('1-B1', 'new.pdf', 'c'.repeat(64))] },
    )
    expect(changes).toEqual([
      { ref: '1-B1', field: 'evidence', before: { filename: 'old.pdf', sha256: 'b'.repeat(64) }, after: null },
      { ref: '1-B1', field: 'evidence', before: null, after: { filename: 'new.pdf', sha256: 'c'.repeat(64) } },
    ])
  })

  it('follows the order of the refs given (catalog order)', () => {
    const changes = diffVersions(
      ['2-B1', '1-B1'],
      { answers: [answer('1-B1'), answer('2-B1')], evidence: [] },
      { answers: [answer('1-B1', { value: 1 }), answer('2-B1', { value: 1 })], evidence: [] },
    )
    expect(changes.map((c) => c.ref)).toEqual(['2-B1', '1-B1'])
  })
})
