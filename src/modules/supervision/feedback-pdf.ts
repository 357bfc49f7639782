import type { FeedbackReport, PeerGroup, SectionFeedback } from './report-types.js'
import {
  COLORS,
  NONE,
  boxPlots,
  formatDate,
  formatDateTime,
  notice,
  paragraph,
  percent,
  percentileText,
  pointDifference,
  renderReport,
  sectionHeading,
  subHeading,
  table,
  tiles,
  titleBlock,
  trendChart,
  type ReportDocument,
} from './pdf-drawing.js'
import { COMMON_LABELS, catalogName, fill, sectorName, sizeBandName, type Lang } from './pdf-labels.js'

// The feedback report (フィードバック) of a supervision round as a PDF: where one institution stands
// against its peer group, section by section, with the basic measures it has not met (issue 3 §3).

const LABELS = {
  reportName: { ja: 'フィードバックレポート', en: 'Feedback report' },
  kicker: { ja: 'フィードバックレポート（{kind}）', en: 'Feedback report ({kind})' },
  self_assessment: { ja: '自己評価', en: 'self-assessment' },
  self_inspection: { ja: '自主点検', en: 'self-inspection' },
  documentTitle: { ja: '{round} フィードバックレポート：{institution}', en: '{round} feedback report: {institution}' },
  sectorAndSize: { ja: '業態・規模', en: 'Sector and size' },
  submission: { ja: '提出', en: 'Submission' },
  submissionValue: { ja: '第{version}版・{at}', en: 'version {version}, {at}' },
  late: { ja: '（期限超過）', en: ' (overdue)' },
  digest: { ja: 'SHA-256（提出内容）', en: 'SHA-256 of the submission' },
  summary: { ja: '結果の概要', en: 'Summary of results' },
  percentileRank: { ja: 'ピアグループ内の分位', en: 'Percentile rank in the peer group' },
  changeSincePrevious: { ja: '前回からの変化', en: 'Change since the previous round' },
  peerMedianNote: { ja: 'ピア中央値 {median}', en: 'peer median {median}' },
  peerSizeNote: { ja: '{size}機関中（0〜100、高いほど上位）', en: 'among {size} institutions (0–100, higher is better)' },
  previousNote: { ja: '前回 {previous}', en: 'previous round {previous}' },
  peerGroup: { ja: '比較対象（ピアグループ）：{group}（{size}機関）', en: 'Peer group: {group} ({size} institutions)' },
  peerGroupPeer: { ja: '{sector}・{size}', en: '{sector}, {size}' },
  peerGroupSector: { ja: '{sector}（全規模）', en: '{sector} (all sizes)' },
  peerGroupAll: { ja: '今回の提出機関全体', en: 'every institution that submitted in this round' },
  fellBack: {
    ja: 'ピアグループについての注意：当初の比較対象（{asked}）は{k}機関未満のため、より広いグループ（{group}、{size}機関）に切り替えて比較しています。',
    en: 'Note on the peer group: the group first asked for ({asked}) has fewer than {k} institutions, so the figures fall back to a wider group: {group} ({size} institutions).',
  },
  kAnonymity: {
    ja: '他機関に関する数値は、すべて{k}機関以上のグループから算出しており、個々の機関の結果は表示していません。',
    en: "Every figure about other institutions comes from a group of at least {k} institutions; no single institution's result is shown.",
  },
  noPeers: {
    ja: '今回の提出機関が{k}機関未満のため、ピア比較は表示していません。',
    en: 'Fewer than {k} institutions submitted in this round, so no peer comparison is shown.',
  },
  bySection: { ja: '分野別の結果', en: 'Results by section' },
  score: { ja: 'スコア', en: 'Score' },
  peerMedian: { ja: 'ピア中央値', en: 'Peer median' },
  percentileShort: { ja: '分位', en: 'Percentile' },
  change: { ja: '前回比', en: 'Change' },
  distributionBySection: { ja: '分野別のスコア分布（ピアグループ）', en: 'Scores by section against the peer group' },
  ownScore: { ja: '自機関のスコア', en: 'Your score' },
  basicMeasures: { ja: '基本的な対応事項の充足状況', en: 'Basic measures' },
  basicIntro: {
    ja: '基本的な対応事項は、すべての金融機関等に求められる事項です。充足率は、評価対象の基本的な対応事項のうち充足している項目の割合です。',
    en: 'Basic measures are expected of every financial institution. The share met is the share of the assessed basic measures that are met.',
  },
  basicComplianceLine: { ja: '基本的な対応事項の充足率：{own}（ピア中央値 {median}）', en: 'Basic measures met: {own} (peer median {median})' },
  unmet: { ja: '未充足の基本的な対応事項（{count}件）', en: 'Basic measures not met ({count})' },
  noneUnmet: { ja: '未充足の基本的な対応事項はありません。', en: 'Every assessed basic measure is met.' },
  gaps: { ja: 'ピアとの差が大きい項目', en: 'Largest gaps against peers' },
  gapsIntro: {
    ja: 'ピアグループの多くで対応済みである一方、自機関では対応が十分でない項目です（差の大きい順、最大10件）。',
    en: 'Items in place at most institutions of the peer group but not fully in place here, the widest gap first (at most 10).',
  },
  noGaps: { ja: '該当する項目はありません。', en: 'No item stands out against the peer group.' },
  class: { ja: '区分', en: 'Class' },
  own: { ja: '自機関', en: 'Yours' },
  peerRate: { ja: 'ピアの対応率', en: 'Peers in place' },
  gap: { ja: '差', en: 'Gap' },
  trend: { ja: '推移', en: 'Trend' },
  noTrend: {
    ja: '同じカタログによる前回までの結果がないため、推移は次回以降に表示します。',
    en: 'There is no earlier round of this catalog to compare with yet.',
  },
  round: { ja: '回', en: 'Round' },
  closedAt: { ja: '締切日', en: 'Closed' },
  howToRead: { ja: '数値の見方', en: 'How to read the figures' },
  howToReadText: {
    ja: 'スコアは、評価対象の各項目の回答を0〜100%に換算した値の平均です。分位は、ピアグループのうちスコアが自機関より低い機関の割合に、同じスコアの機関の半数を加えた値（0〜100）です。「—」は、評価対象の項目がない、または比較できる数値がないことを示します。',
    en: 'A score is the mean of the answers to the assessed items, each converted to 0–100%. The percentile rank is the share of the peer group scoring below the institution plus half of those scoring the same (0–100). A dash (—) means that nothing was assessed or that there is no figure to compare with.',
  },
} satisfies Record<string, { ja: string; en: string }>

/** The feedback report of one institution as a PDF in Japanese or English. */
export async function renderFeedbackPdf(report: FeedbackReport, lang: Lang = 'ja'): Promise<Buffer> {
  const institution = report.institution.name[lang]
  const round = report.roundTitle[lang]
  const meta = {
    lang,
    title: fill(LABELS.documentTitle[lang], { round, institution }),
    subject: report.catalog.title[lang],
    footer: `${institution} ・ ${round} ・ ${LABELS.reportName[lang]}`,
  }
  return renderReport(meta, (doc) => {
    drawTitle(doc, report, lang)
    drawSummary(doc, report, lang)
    drawSections(doc, report, lang)
    drawBasicMeasures(doc, report, lang)
    drawGaps(doc, report, lang)
    drawTrend(doc, report, lang)
    sectionHeading(doc, LABELS.howToRead[lang])
    paragraph(doc, LABELS.howToReadText[lang], { color: COLORS.muted })
  })
}

function drawTitle(doc: ReportDocument, report: FeedbackReport, lang: Lang): void {
  const { submission, catalog, institution } = report
  const submitted = fill(LABELS.submissionValue[lang], { version: submission.version, at: formatDateTime(submission.submittedAt, lang) })
  titleBlock(doc, {
    kicker: fill(LABELS.kicker[lang], { kind: LABELS[report.roundKind][lang] }),
    title: report.roundTitle[lang],
    subtitle: institution.name[lang],
    facts: [
      [LABELS.sectorAndSize[lang], `${sectorName(institution.sector, lang)}${lang === 'ja' ? '・' : ', '}${sizeBandName(institution.sizeBand, lang)}`],
      [COMMON_LABELS.catalog[lang], catalogName(catalog, lang)],
      [LABELS.submission[lang], submission.late ? submitted + LABELS.late[lang] : submitted],
      [LABELS.digest[lang], submission.digest || NONE],
      [COMMON_LABELS.generatedAt[lang], formatDateTime(report.generatedAt, lang)],
    ],
  })
}

function drawSummary(doc: ReportDocument, report: FeedbackReport, lang: Lang): void {
  const { overall, basicCompliance, peerGroup } = report
  sectionHeading(doc, LABELS.summary[lang])
  tiles(doc, [
    {
      label: COMMON_LABELS.overallScore[lang],
      value: percent(overall.score),
      note: fill(LABELS.peerMedianNote[lang], { median: percent(overall.peers?.median) }),
    },
    {
      label: LABELS.percentileRank[lang],
      value: percentileText(overall.percentileRank, lang),
      note: overall.percentileRank === null ? undefined : fill(LABELS.peerSizeNote[lang], { size: overall.peers?.count ?? peerGroup.size }),
    },
    {
      label: COMMON_LABELS.basicCompliance[lang],
      value: percent(basicCompliance.own),
      note: fill(LABELS.peerMedianNote[lang], { median: percent(basicCompliance.peers?.median) }),
    },
    {
      label: LABELS.changeSincePrevious[lang],
      value: changeSincePrevious(overall),
      note: fill(LABELS.previousNote[lang], { previous: percent(overall.previousScore) }),
    },
  ])
  drawPeerGroupNote(doc, report, lang)
  boxPlots(
    doc,
    [
      { label: COMMON_LABELS.overallScore[lang], distribution: overall.peers, own: overall.score, value: percent(overall.score) },
      { label: COMMON_LABELS.basicCompliance[lang], distribution: basicCompliance.peers, own: basicCompliance.own, value: percent(basicCompliance.own) },
    ],
    { lang, ownLabel: LABELS.ownScore[lang], valueHeader: LABELS.own[lang] },
  )
}

/** Which group the institution is compared with, and, spelled out, when that group was widened. */
function drawPeerGroupNote(doc: ReportDocument, report: FeedbackReport, lang: Lang): void {
  const { peerGroup, k } = report
  if (peerGroup.size < k) {
    // Even the whole round is under k: analysis.ts sends an empty group of every submission.
    notice(doc, fill(LABELS.noPeers[lang], { k }))
  } else {
    const group = peerGroupName(peerGroup, lang)
    paragraph(doc, fill(LABELS.peerGroup[lang], { group, size: peerGroup.size }))
    if (peerGroup.fellBackFrom !== null) {
      const asked = askedGroupName(report, peerGroup.fellBackFrom, lang)
      notice(doc, fill(LABELS.fellBack[lang], { asked, k, group, size: peerGroup.size }))
    }
  }
  paragraph(doc, fill(LABELS.kAnonymity[lang], { k }), { color: COLORS.muted, size: 7.5 })
}

function peerGroupName(group: PeerGroup, lang: Lang): string {
  if (group.level === 'all') return LABELS.peerGroupAll[lang]
  const sector = sectorName(group.sector ?? '', lang)
  if (group.level === 'sector') return fill(LABELS.peerGroupSector[lang], { sector })
  return fill(LABELS.peerGroupPeer[lang], { sector, size: sizeBandName(group.sizeBand ?? '', lang) })
}

function askedGroupName(report: FeedbackReport, level: 'peer' | 'sector', lang: Lang): string {
  const { sector, sizeBand } = report.institution
  return peerGroupName({ level, sector, sizeBand, size: 0, fellBackFrom: null }, lang)
}

function changeSincePrevious(section: SectionFeedback): string {
  if (section.score === null || section.previousScore === null) return NONE
  return pointDifference(section.score - section.previousScore)
}

function drawSections(doc: ReportDocument, report: FeedbackReport, lang: Lang): void {
  sectionHeading(doc, LABELS.bySection[lang])
  table(
    doc,
    [
      { header: COMMON_LABELS.ref[lang], width: 0.09 },
      { header: COMMON_LABELS.section[lang], width: 0.41 },
      { header: LABELS.score[lang], width: 0.12, align: 'right' },
      { header: LABELS.peerMedian[lang], width: 0.13, align: 'right' },
      { header: LABELS.percentileShort[lang], width: 0.13, align: 'right' },
      { header: LABELS.change[lang], width: 0.12, align: 'right' },
    ],
    report.sections.map((section) => [
      section.ref,
      section.title[lang],
      percent(section.score),
      percent(section.peers?.median),
      section.percentileRank === null ? NONE : String(Math.round(section.percentileRank)),
      changeSincePrevious(section),
    ]),
  )
  boxPlots(
    doc,
    report.sections.map((section) => ({
      label: `${section.ref} ${section.title[lang]}`,
      distribution: section.peers,
      own: section.score,
      value: percent(section.score),
    })),
    { lang, ownLabel: LABELS.ownScore[lang], valueHeader: LABELS.own[lang], heading: LABELS.distributionBySection[lang] },
  )
}

function drawBasicMeasures(doc: ReportDocument, report: FeedbackReport, lang: Lang): void {
  const { own, peers } = report.basicCompliance
  sectionHeading(doc, LABELS.basicMeasures[lang])
  paragraph(doc, LABELS.basicIntro[lang])
  paragraph(doc, fill(LABELS.basicComplianceLine[lang], { own: percent(own), median: percent(peers?.median) }))
  subHeading(doc, fill(LABELS.unmet[lang], { count: report.unmetBasicItems.length }))
  if (report.unmetBasicItems.length === 0) {
    paragraph(doc, LABELS.noneUnmet[lang])
    return
  }
  table(
    doc,
    [
      { header: COMMON_LABELS.ref[lang], width: 0.1 },
      { header: COMMON_LABELS.section[lang], width: 0.1 },
      { header: COMMON_LABELS.itemTitle[lang], width: 0.66 },
      { header: LABELS.score[lang], width: 0.14, align: 'right' },
    ],
    report.unmetBasicItems.map((item) => [item.ref, item.sectionRef, item.title[lang], percent(item.ownScore)]),
  )
}

function drawGaps(doc: ReportDocument, report: FeedbackReport, lang: Lang): void {
  sectionHeading(doc, LABELS.gaps[lang])
  paragraph(doc, LABELS.gapsIntro[lang])
  if (report.largestGaps.length === 0) {
    paragraph(doc, LABELS.noGaps[lang])
    return
  }
  table(
    doc,
    [
      { header: COMMON_LABELS.ref[lang], width: 0.09 },
      { header: LABELS.class[lang], width: 0.12 },
      { header: COMMON_LABELS.itemTitle[lang], width: 0.43 },
      { header: LABELS.own[lang], width: 0.11, align: 'right' },
      { header: LABELS.peerRate[lang], width: 0.13, align: 'right' },
      { header: LABELS.gap[lang], width: 0.12, align: 'right' },
    ],
    report.largestGaps.map((gap) => [
      gap.ref,
      gap.class === 'basic' ? COMMON_LABELS.basicShort[lang] : COMMON_LABELS.desirableShort[lang],
      gap.title[lang],
      percent(gap.ownScore),
      percent(gap.peerImplementationRate),
      pointDifference(gap.ownScore - gap.peerImplementationRate),
    ]),
  )
}

function drawTrend(doc: ReportDocument, report: FeedbackReport, lang: Lang): void {
  const { trend } = report
  sectionHeading(doc, LABELS.trend[lang])
  // A line needs two rounds; this round alone has its figures in the table.
  if (trend.length < 2) paragraph(doc, LABELS.noTrend[lang])
  if (trend.length === 0) return
  if (trend.length >= 2) {
    trendChart(
      doc,
      trend.map((point) => point.roundTitle[lang]),
      [
        { name: COMMON_LABELS.overallScore[lang], color: COLORS.accent, values: trend.map((point) => point.overall) },
        { name: COMMON_LABELS.basicCompliance[lang], color: COLORS.second, values: trend.map((point) => point.basicCompliance) },
      ],
    )
  }
  table(
    doc,
    [
      { header: LABELS.round[lang], width: 0.46 },
      { header: LABELS.closedAt[lang], width: 0.18 },
      { header: COMMON_LABELS.overallScore[lang], width: 0.16, align: 'right' },
      { header: COMMON_LABELS.basicCompliance[lang], width: 0.2, align: 'right' },
    ],
    trend.map((point) => [point.roundTitle[lang], formatDate(point.closedAt, lang), percent(point.overall), percent(point.basicCompliance)]),
  )
}
