import { beforeAll, describe, expect, it } from 'vitest'
import { compact, readPdf } from '../../../test/support/pdf.js'
import { makeSectorSummary } from './pdf-fixtures.js'
import { renderSectorSummaryPdf } from './summary-pdf.js'

const pdfText = async (pdf: Buffer) => (await readPdf(pdf)).text

describe('sector summary PDF', () => {
  const summary = makeSectorSummary()
  let ja: string
  let en: string

  beforeAll(async () => {
    ja = await pdfText(await renderSectorSummaryPdf(summary, 'ja'))
    en = await pdfText(await renderSectorSummaryPdf(summary, 'en'))
  })

  it('shows the headline rates', () => {
    expect(ja).toContain('対象2100機関のうち2000機関が提出（提出率95.2%）')
    expect(ja).toContain('総合スコアの平均64.2%')
    expect(ja).toContain('基本的な対応事項をすべて満たす機関の割合27.4%')
  })

  it('shows the distribution of each section and of each sector large enough', () => {
    expect(ja).toContain('2.4サイバー攻撃の検知')
    expect(ja).toContain('信用金庫（254機関）')
    expect(ja).toContain('暗号資産交換業者（29機関）')
  })

  it('says that small sectors were folded into others', () => {
    expect(ja).toContain('提出が5機関未満の業態に属する7機関は「その他」にまとめ、業態別には表示していません')
  })

  it('lists the common weaknesses and the change since the previous round', () => {
    expect(ja).toContain('共通の課題')
    expect(ja).toContain('情報資産台帳の整備（1）31.0%1980')
    expect(ja).toContain('総合スコアの平均59.8%64.2%+4.4pt')
  })

  it('uses English labels in English', () => {
    expect(en).toContain(compact('2000 of 2100 institutions submitted (95.2%)'))
    expect(en).toContain(compact('shinkin bank (254 institutions)'))
    expect(en).toContain(compact('7 institutions in sectors with fewer than 5 submissions are folded into "others"'))
    expect(en).toContain(compact('Common weaknesses'))
    expect(en).not.toContain('共通の課題')
  })

  it('renders a round without figures, previous round or sectors', async () => {
    const empty = makeSectorSummary({
      targets: 0,
      submissions: 0,
      headline: { meanOverall: null, meanBasicCompliance: null, fullBasicComplianceRate: null },
      overall: null,
      sections: summary.sections.map((section) => ({ ...section, distribution: null })),
      bySector: [],
      othersFolded: 0,
      commonWeaknesses: [],
      trend: null,
    })
    const text = await pdfText(await renderSectorSummaryPdf(empty, 'ja'))
    expect(text).toContain('提出率—')
    expect(text).toContain('データなし')
    expect(text).toContain('業態別に表示できるグループはありません')
    expect(text).toContain('同じカタログによる前回の結果はありません')
    expect(text).not.toContain('「その他」にまとめ')
    expect(text).not.toMatch(/NaN|undefined|null|Infinity/)
  })
})
