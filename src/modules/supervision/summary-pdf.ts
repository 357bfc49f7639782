import type { Distribution, SectorSummary } from './report-types.js'
import {
  COLORS,
  NONE,
  boxPlots,
  formatDateTime,
  notice,
  paragraph,
  percent,
  pointDifference,
  renderReport,
  sectionHeading,
  table,
  tiles,
  titleBlock,
  trendChart,
  type ReportDocument,
} from './pdf-drawing.js'
import { COMMON_LABELS, catalogName, fill, sectorName, type Lang } from './pdf-labels.js'

// The sector summary of a supervision round (業界全体の傾向) as a PDF, which the supervisor may
// publish: aggregates only, every group of at least k institutions (issue 3 §3).

const LABELS = {
  reportName: { ja: '業界全体の傾向（集計結果）', en: 'Sector summary (aggregate results)' },
  submissions: { ja: '対象機関・提出', en: 'Institutions and submissions' },
  submissionsValue: { ja: '対象 {targets}機関のうち {submissions}機関が提出（提出率 {rate}）', en: '{submissions} of {targets} institutions submitted ({rate})' },
  aggregateNote: {
    ja: '本レポートは集計値のみを掲載しています。すべての数値は{k}機関以上のグループから算出しており、個々の機関の結果は含みません。',
    en: "This report shows aggregates only. Every figure comes from a group of at least {k} institutions; no single institution's result is included.",
  },
  headline: { ja: '主な指標', en: 'Headline figures' },
  submissionRate: { ja: '提出率', en: 'Submission rate' },
  submissionCount: { ja: '{submissions} / {targets}機関', en: '{submissions} of {targets} institutions' },
  meanOverall: { ja: '総合スコアの平均', en: 'Mean overall score' },
  meanBasic: { ja: '基本的な対応事項の充足率（平均）', en: 'Basic measures met (mean)' },
  fullBasic: { ja: '基本的な対応事項をすべて満たす機関の割合', en: 'Institutions meeting every basic measure' },
  previousNote: { ja: '前回 {previous}', en: 'previous round {previous}' },
  distributions: { ja: '総合スコアと分野別のスコア分布', en: 'Overall and section scores' },
  median: { ja: '中央値', en: 'Median' },
  institutions: { ja: '機関数', en: 'Institutions' },
  mean: { ja: '平均', en: 'Mean' },
  middleHalf: { ja: '25〜75パーセンタイル', en: '25th–75th percentile' },
  bySector: { ja: '業態別の総合スコア分布', en: 'Overall score by sector' },
  sectorRow: { ja: '{sector}（{count}機関）', en: '{sector} ({count} institutions)' },
  othersFolded: {
    ja: '提出が{k}機関未満の業態に属する{count}機関は「その他」にまとめ、業態別には表示していません（総合スコアと分野別の分布には含まれます）。',
    en: '{count} institutions in sectors with fewer than {k} submissions are folded into "others" and not shown by sector; they are included in the overall and section distributions.',
  },
  noSectors: { ja: '業態別に表示できるグループはありません。', en: 'No sector group is large enough to show.' },
  weaknesses: { ja: '共通の課題', en: 'Common weaknesses' },
  weaknessesIntro: {
    ja: '多くの機関で対応が進んでいない項目です。対応率は、その項目を評価した機関のうち対応済みの機関の割合です。',
    en: 'Items that many institutions have not put in place. The share in place is taken among the institutions that assessed the item.',
  },
  noWeaknesses: { ja: '該当する項目はありません。', en: 'No item stands out.' },
  class: { ja: '区分', en: 'Class' },
  implementationRate: { ja: '対応率', en: 'In place' },
  assessed: { ja: '評価機関数', en: 'Assessed by' },
  trend: { ja: '前回との比較', en: 'Trend since the previous round' },
  noTrend: { ja: '同じカタログによる前回の結果はありません。', en: 'There is no previous round of this catalog to compare with.' },
  figure: { ja: '指標', en: 'Figure' },
  change: { ja: '変化', en: 'Change' },
} satisfies Record<string, { ja: string; en: string }>

/** The sector summary of a round as a PDF in Japanese or English. */
export async function renderSectorSummaryPdf(summary: SectorSummary, lang: Lang = 'ja'): Promise<Buffer> {
  const round = summary.roundTitle[lang]
  const meta = {
    lang,
    title: `${round} ${LABELS.reportName[lang]}`,
    subject: summary.catalog.title[lang],
    footer: `${round} ・ ${LABELS.reportName[lang]}`,
  }
  return renderReport(meta, (doc) => {
    drawTitle(doc, summary, lang)
    drawHeadline(doc, summary, lang)
    drawDistributions(doc, summary, lang)
    drawBySector(doc, summary, lang)
    drawWeaknesses(doc, summary, lang)
    drawTrend(doc, summary, lang)
  })
}

function submissionRate(summary: SectorSummary): number | null {
  return summary.targets > 0 ? summary.submissions / summary.targets : null
}

function drawTitle(doc: ReportDocument, summary: SectorSummary, lang: Lang): void {
  const counts = { targets: summary.targets, submissions: summary.submissions, rate: percent(submissionRate(summary)) }
  titleBlock(doc, {
    kicker: LABELS.reportName[lang],
    title: summary.roundTitle[lang],
    subtitle: null,
    facts: [
      [COMMON_LABELS.catalog[lang], catalogName(summary.catalog, lang)],
      [LABELS.submissions[lang], fill(LABELS.submissionsValue[lang], counts)],
      [COMMON_LABELS.generatedAt[lang], formatDateTime(summary.generatedAt, lang)],
    ],
  })
  paragraph(doc, fill(LABELS.aggregateNote[lang], { k: summary.k }), { color: COLORS.muted, size: 7.5 })
}

function drawHeadline(doc: ReportDocument, summary: SectorSummary, lang: Lang): void {
  const { headline, trend } = summary
  sectionHeading(doc, LABELS.headline[lang])
  tiles(doc, [
    {
      label: LABELS.submissionRate[lang],
      value: percent(submissionRate(summary)),
      note: fill(LABELS.submissionCount[lang], { submissions: summary.submissions, targets: summary.targets }),
    },
    {
      label: LABELS.meanOverall[lang],
      value: percent(headline.meanOverall),
      note: trend === null ? undefined : fill(LABELS.previousNote[lang], { previous: percent(trend.previousMeanOverall) }),
    },
    {
      label: LABELS.meanBasic[lang],
      value: percent(headline.meanBasicCompliance),
      note: trend === null ? undefined : fill(LABELS.previousNote[lang], { previous: percent(trend.previousMeanBasicCompliance) }),
    },
    { label: LABELS.fullBasic[lang], value: percent(headline.fullBasicComplianceRate) },
  ])
}

function drawDistributions(doc: ReportDocument, summary: SectorSummary, lang: Lang): void {
  sectionHeading(doc, LABELS.distributions[lang])
  const rows = [
    { ref: '', title: COMMON_LABELS.overallScore[lang], distribution: summary.overall },
    ...summary.sections.map((section) => ({ ref: section.ref, title: section.title[lang], distribution: section.distribution })),
  ]
  boxPlots(
    doc,
    rows.map((row) => ({ label: row.ref ? `${row.ref} ${row.title}` : row.title, distribution: row.distribution, value: percent(row.distribution?.median) })),
    { lang, ownLabel: null, valueHeader: LABELS.median[lang] },
  )
  table(
    doc,
    [
      { header: COMMON_LABELS.ref[lang], width: 0.1 },
      { header: COMMON_LABELS.section[lang], width: 0.36 },
      { header: LABELS.institutions[lang], width: 0.11, align: 'right' },
      { header: LABELS.mean[lang], width: 0.1, align: 'right' },
      { header: LABELS.median[lang], width: 0.11, align: 'right' },
      { header: LABELS.middleHalf[lang], width: 0.22, align: 'right' },
    ],
    rows.map((row) => [row.ref, row.title, ...distributionCells(row.distribution)]),
  )
}

function distributionCells(distribution: Distribution | null): string[] {
  if (distribution === null) return [NONE, NONE, NONE, NONE]
  const { count, mean, median, p25, p75 } = distribution
  return [String(count), percent(mean), percent(median), `${percent(p25)} – ${percent(p75)}`]
}

function drawBySector(doc: ReportDocument, summary: SectorSummary, lang: Lang): void {
  sectionHeading(doc, LABELS.bySector[lang])
  if (summary.bySector.length === 0) {
    paragraph(doc, LABELS.noSectors[lang])
  } else {
    boxPlots(
      doc,
      summary.bySector.map(({ sector, distribution }) => ({
        label: fill(LABELS.sectorRow[lang], { sector: sectorName(sector, lang), count: distribution.count }),
        distribution,
        value: percent(distribution.median),
      })),
      { lang, ownLabel: null, valueHeader: LABELS.median[lang] },
    )
  }
  if (summary.othersFolded > 0) notice(doc, fill(LABELS.othersFolded[lang], { k: summary.k, count: summary.othersFolded }))
}

function drawWeaknesses(doc: ReportDocument, summary: SectorSummary, lang: Lang): void {
  sectionHeading(doc, LABELS.weaknesses[lang])
  paragraph(doc, LABELS.weaknessesIntro[lang])
  if (summary.commonWeaknesses.length === 0) {
    paragraph(doc, LABELS.noWeaknesses[lang])
    return
  }
  table(
    doc,
    [
      { header: COMMON_LABELS.ref[lang], width: 0.09 },
      { header: LABELS.class[lang], width: 0.12 },
      { header: COMMON_LABELS.itemTitle[lang], width: 0.51 },
      { header: LABELS.implementationRate[lang], width: 0.13, align: 'right' },
      { header: LABELS.assessed[lang], width: 0.15, align: 'right' },
    ],
    summary.commonWeaknesses.map((item) => [
      item.ref,
      item.class === 'basic' ? COMMON_LABELS.basicShort[lang] : COMMON_LABELS.desirableShort[lang],
      item.title[lang],
      percent(item.implementationRate),
      String(item.assessed),
    ]),
  )
}

function drawTrend(doc: ReportDocument, summary: SectorSummary, lang: Lang): void {
  sectionHeading(doc, LABELS.trend[lang])
  const { trend, headline } = summary
  if (trend === null) {
    paragraph(doc, LABELS.noTrend[lang])
    return
  }
  trendChart(
    doc,
    [trend.previousRoundTitle[lang], summary.roundTitle[lang]],
    [
      { name: LABELS.meanOverall[lang], color: COLORS.accent, values: [trend.previousMeanOverall, headline.meanOverall] },
      { name: LABELS.meanBasic[lang], color: COLORS.second, values: [trend.previousMeanBasicCompliance, headline.meanBasicCompliance] },
    ],
  )
  const change = (previous: number | null, current: number | null) => (previous === null || current === null ? NONE : pointDifference(current - previous))
  table(
    doc,
    [
      { header: LABELS.figure[lang], width: 0.43 },
      { header: COMMON_LABELS.previousRound[lang], width: 0.19, align: 'right' },
      { header: COMMON_LABELS.thisRound[lang], width: 0.19, align: 'right' },
      { header: LABELS.change[lang], width: 0.19, align: 'right' },
    ],
    [
      [LABELS.meanOverall[lang], percent(trend.previousMeanOverall), percent(headline.meanOverall), change(trend.previousMeanOverall, headline.meanOverall)],
      [
        LABELS.meanBasic[lang],
        percent(trend.previousMeanBasicCompliance),
        percent(headline.meanBasicCompliance),
        change(trend.previousMeanBasicCompliance, headline.meanBasicCompliance),
      ],
    ],
  )
}
