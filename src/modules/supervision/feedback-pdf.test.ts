import { beforeAll, describe, expect, it } from 'vitest'
import { compact, readPdf, type ReadPdf } from '../../../test/support/pdf.js'
import { renderFeedbackPdf } from './feedback-pdf.js'
import { makeFeedbackReport } from './pdf-fixtures.js'
import type { FeedbackReport, SectionFeedback } from './report-types.js'

const nothingAssessed = (section: SectionFeedback): SectionFeedback => ({ ...section, score: null, peers: null, percentileRank: null, previousScore: null })

describe('feedback report PDF', () => {
  const report = makeFeedbackReport()
  let ja: Buffer
  let jaPdf: ReadPdf
  let enPdf: ReadPdf

  beforeAll(async () => {
    ja = await renderFeedbackPdf(report, 'ja')
    jaPdf = await readPdf(ja)
    enPdf = await readPdf(await renderFeedbackPdf(report, 'en'))
  })

  it('writes a PDF that a reader opens', () => {
    expect(ja.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(ja.subarray(-6).toString('latin1')).toContain('%%EOF')
    expect(jaPdf.pages).toBeGreaterThanOrEqual(2)
  })

  it('embeds a subset of the Japanese font and no other font', () => {
    const raw = ja.toString('latin1')
    expect(raw).toContain('/FontFile2')
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+BIZUDPGothic-Regular/)
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+BIZUDPGothic-Bold/)
    expect(raw).not.toContain('/Helvetica')
  })

  it('shows the institution, its sections and its percentile rank in Japanese', () => {
    expect(jaPdf.text).toContain('かもめ信用金庫（デモ）')
    expect(jaPdf.text).toContain('サイバー攻撃の検知')
    expect(jaPdf.text).toContain('ピアグループ内の分位')
    expect(jaPdf.text).toContain('65パーセンタイル') // 64.7, rounded
    expect(jaPdf.text).toContain('基本的な対応事項の充足率')
  })

  it('shows shares as percentages with one decimal', () => {
    expect(jaPdf.text).toContain('72.5%')
    expect(jaPdf.text).toContain('85.3%')
    expect(jaPdf.text).toContain('+4.5pt') // 72.5% against 68.0% in the previous round
  })

  it('says plainly when the peer group fell back to a wider one', () => {
    expect(jaPdf.text).toContain(
      compact('当初の比較対象（信用金庫・小規模）は5機関未満のため、より広いグループ（信用金庫（全規模）、34機関）に切り替えて比較しています'),
    )
  })

  it('has no fall-back note when the peer group is the one asked for', async () => {
    const text = (
      await readPdf(await renderFeedbackPdf({ ...report, peerGroup: { level: 'peer', sector: 'shinkin', sizeBand: 'small', size: 12, fellBackFrom: null } }, 'ja'))
    ).text
    expect(text).toContain('比較対象（ピアグループ）：信用金庫・小規模（12機関）')
    expect(text).not.toContain('ピアグループについての注意')
  })

  it('lists the unmet basic items and the largest gaps', () => {
    expect(jaPdf.text).toContain('未充足の基本的な対応事項（30件）')
    expect(jaPdf.text).toContain('B30')
    expect(jaPdf.text).toContain('ピアとの差が大きい項目')
    expect(jaPdf.text).toContain('−95.0pt') // own 0% against 95% of the peers
  })

  it('numbers the pages', () => {
    expect(jaPdf.text).toContain(`1/${jaPdf.pages}ページ`)
    expect(jaPdf.text).toContain(`${jaPdf.pages}/${jaPdf.pages}ページ`)
  })

  it('uses English labels in English', () => {
    expect(enPdf.text).toContain(compact('Kamome Shinkin Bank (demo)'))
    expect(enPdf.text).toContain(compact('Summary of results'))
    expect(enPdf.text).toContain(compact('Percentile rank in the peer group'))
    expect(enPdf.text).toContain(compact('65th percentile'))
    expect(enPdf.text).toContain(compact('Basic measures not met (30)'))
    expect(enPdf.text).toContain(compact('the group first asked for (shinkin bank, small) has fewer than 5 institutions'))
    expect(enPdf.text).not.toContain('結果の概要')
    expect(enPdf.text).not.toContain('パーセンタイル')
  })

  it('names a fall-back to every submission of the round', async () => {
    const widest = { ...report, peerGroup: { level: 'all' as const, sector: null, sizeBand: null, size: 9, fellBackFrom: 'peer' as const } }
    const text = (await readPdf(await renderFeedbackPdf(widest, 'en'))).text
    expect(text).toContain(compact('wider group: every institution that submitted in this round (9 institutions)'))
  })

  it('renders missing figures as a dash', async () => {
    const empty: FeedbackReport = {
      ...report,
      peerGroup: { level: 'all', sector: null, sizeBand: null, size: 0, fellBackFrom: 'peer' }, // as analysis.ts sends it
      overall: nothingAssessed(report.overall),
      basicCompliance: { own: null, peers: null },
      sections: report.sections.map(nothingAssessed),
      unmetBasicItems: [],
      largestGaps: [],
      trend: [{ roundId: 'round-2025', roundTitle: report.roundTitle, closedAt: 'not a date', overall: null, basicCompliance: null }],
    }
    const { text } = await readPdf(await renderFeedbackPdf(empty, 'ja'))
    expect(text).toContain('総合スコア—')
    expect(text).toContain('データなし')
    expect(text).toContain('今回の提出機関が5機関未満のため、ピア比較は表示していません')
    expect(text).toContain('未充足の基本的な対応事項はありません')
    expect(text).not.toContain('ピアグループについての注意')
    expect(text).not.toContain('0機関')
    expect(text).not.toMatch(/NaN|undefined|null|Infinity/)
  })

  it('wraps a long item title instead of cutting it', async () => {
    const title = 'サードパーティ（外部委託先、クラウド事業者、システムベンダー等）のサイバーリスクを管理する方針、手順、責任部署を定め、委託元の業務部門とリスク管理部門の役割を明確にし、契約前後の評価と継続的なモニタリングを行っている'
    const long = { ...report, unmetBasicItems: [{ ref: 'B99', sectionRef: '2.6', title: { ja: title, en: title }, ownScore: 0 }] }
    const { runs, text } = await readPdf(await renderFeedbackPdf(long, 'ja'))
    expect(text).toContain(title)
    expect(runs.filter((run) => run.length > 5 && title.includes(run)).length).toBeGreaterThanOrEqual(2)
  })

  it('continues 200 unmet basic items over several pages, repeating the header', async () => {
    const many = makeFeedbackReport({}, { unmet: 200 })
    const { pages, runs, text } = await readPdf(await renderFeedbackPdf(many, 'ja'))
    expect(pages).toBeGreaterThanOrEqual(jaPdf.pages + 4)
    expect(text).toContain('未充足の基本的な対応事項（200件）')
    expect(text).toContain('B200')
    expect(runs.filter((run) => run === '項目名').length).toBeGreaterThanOrEqual(5)
  })

  it('writes the same text in every later document of the process', async () => {
    const again = await readPdf(await renderFeedbackPdf(report, 'ja'))
    expect(again.runs).toEqual(jaPdf.runs)
  })
})
