import type { LocalizedText } from '../catalog/catalog-types.js'
import type { Distribution, FeedbackReport, SectorSummary } from './report-types.js'

// Reports shaped like those of a national round of the fsa-cyber-2024 catalog, for the PDF tests
// and for measuring how long rendering takes. Fictional institutions only (glossary.md).

const SECTIONS: { ref: string; title: LocalizedText }[] = [
  { ref: '2.1', title: { ja: 'サイバーセキュリティ管理態勢の構築', en: 'Building the cyber-security management system' } },
  { ref: '2.2', title: { ja: 'サイバーセキュリティリスクの特定', en: 'Identifying cyber-security risk' } },
  { ref: '2.3', title: { ja: 'サイバー攻撃の防御', en: 'Protecting against cyber attacks' } },
  { ref: '2.4', title: { ja: 'サイバー攻撃の検知', en: 'Detecting cyber attacks' } },
  { ref: '2.5.1', title: { ja: 'サイバーインシデント対応及び復旧（計画）', en: 'Cyber incident response and recovery (planning)' } },
  { ref: '2.5.2', title: { ja: 'サイバーインシデント対応及び復旧（対応と復旧）', en: 'Cyber incident response and recovery (response and recovery)' } },
  { ref: '2.6', title: { ja: 'サードパーティリスク管理', en: 'Third-party risk management' } },
  { ref: '3', title: { ja: '金融庁と関係機関の連携強化', en: 'Stronger cooperation between the FSA and related bodies' } },
]

const ITEM_TITLES: LocalizedText[] = [
  { ja: '情報資産台帳の整備', en: 'Asset register' },
  { ja: 'バージョンとサポート期限の記録', en: 'Software versions and end of support' },
  { ja: 'ネットワーク構成図とデータの流れ', en: 'Network diagrams and data flows' },
  { ja: '特権ID管理と特権操作の記録・点検', en: 'Privileged ID management and review of privileged operations' },
  {
    ja: '利用者IDの発行・変更・削除を申請と承認に基づいて行い、異動や退職の際は定めた期限内に権限を変更又は削除している',
    en: 'User IDs are issued, changed and removed on request and approval, and rights are changed or removed within a set time when staff move or leave',
  },
  { ja: '経営陣の関与とサイバーリスクの経営課題としての認識', en: 'Management involvement and cyber risk as a management issue' },
  { ja: 'インシデント対応計画の策定と経営陣の承認', en: 'Incident response plan approved by management' },
  { ja: '外部委託先・サードパーティの台帳と契約前の評価', en: 'Register of outsourcing providers and third parties, assessed before contract' },
  { ja: 'ログの取得・保存期間の設定と過去ログの取り出し確認', en: 'Log collection, retention period and retrieval of past logs' },
  { ja: '金融ISAC等の情報共有の枠組みへの参加と脅威情報の活用', en: 'Taking part in the financial ISAC and using its threat intelligence' },
]

export function makeDistribution(median: number, spread = 0.12, count = 12): Distribution {
  const at = (offset: number) => Math.min(1, Math.max(0, median + offset * spread))
  return { count, mean: median, p10: at(-1.6), p25: at(-0.8), median, p75: at(0.8), p90: at(1.5), min: at(-2.2), max: at(2) }
}

function itemTitle(index: number): LocalizedText {
  const title = ITEM_TITLES[index % ITEM_TITLES.length] as LocalizedText
  return { ja: `${title.ja}（${index + 1}）`, en: `${title.en} (${index + 1})` }
}

/** A deterministic share (0..1) that differs between institutions (variant) and positions. */
function share(variant: number, position: number): number {
  return ((variant * 7919 + position * 104729) % 1000) / 1000
}

export interface FeedbackShape {
  /** Tells one institution's figures from another's. */
  variant?: number
  unmet?: number
  gaps?: number
  trendPoints?: number
}

export function makeFeedbackReport(overrides: Partial<FeedbackReport> = {}, shape: FeedbackShape = {}): FeedbackReport {
  const { variant = 0, unmet = 30, gaps = 10, trendPoints = 3 } = shape
  const sections = SECTIONS.map((section, index) => {
    const score = 0.35 + 0.6 * share(variant, index)
    return {
      ref: section.ref,
      title: section.title,
      score,
      peers: makeDistribution(0.45 + 0.3 * share(variant + 1, index)),
      percentileRank: 100 * share(variant + 2, index),
      previousScore: Math.max(0, score - 0.1 * share(variant + 3, index)),
    }
  })
  return {
    roundId: 'round-2025',
    roundTitle: { ja: '2025年度 サイバーセキュリティ自己評価', en: 'FY2025 cyber-security self-assessment' },
    roundKind: 'self_assessment',
    catalog: { key: 'fsa-cyber-2024', version: '2024.10', title: { ja: '金融分野におけるサイバーセキュリティに関するガイドライン', en: 'Cybersecurity guideline for the financial sector' } },
    institution: { id: `institution-${variant}`, name: { ja: 'かもめ信用金庫（デモ）', en: 'Kamome Shinkin Bank (demo)' }, sector: 'shinkin', sizeBand: 'small' },
    submission: { version: 3, submittedAt: '2025-09-30T08:05:00Z', digest: 'a3f1c2d4e5b6978812345678909abcdefa3f1c2d4e5b6978812345678909abcd', late: false },
    generatedAt: '2025-11-04T01:00:00Z',
    k: 5,
    peerGroup: { level: 'sector', sector: 'shinkin', sizeBand: null, size: 34, fellBackFrom: 'peer' },
    overall: {
      ref: 'overall',
      title: { ja: '総合', en: 'Overall' },
      score: 0.725,
      peers: makeDistribution(0.61, 0.1, 34),
      percentileRank: 64.7,
      previousScore: 0.68,
    },
    basicCompliance: { own: 0.853, peers: makeDistribution(0.8, 0.08, 34) },
    sections,
    unmetBasicItems: Array.from({ length: unmet }, (_, index) => ({
      ref: `B${index + 1}`,
      sectionRef: (SECTIONS[index % SECTIONS.length] as { ref: string }).ref,
      title: itemTitle(index),
      ownScore: index % 3 === 0 ? 0 : 0.3333,
    })),
    largestGaps: Array.from({ length: gaps }, (_, index) => ({
      ref: `D${index + 1}`,
      sectionRef: (SECTIONS[index % SECTIONS.length] as { ref: string }).ref,
      class: index % 2 === 0 ? ('basic' as const) : ('desirable' as const),
      title: itemTitle(index + 3),
      ownScore: 0.3333 * (index % 2),
      peerImplementationRate: 0.95 - index * 0.04,
    })),
    trend: Array.from({ length: trendPoints }, (_, index) => {
      const year = 2025 - trendPoints + 1 + index
      return {
        roundId: `round-${year}`,
        roundTitle: { ja: `${year}年度 自己評価`, en: `FY${year} self-assessment` },
        closedAt: `${year}-10-31T14:59:59Z`,
        overall: 0.55 + 0.06 * index,
        basicCompliance: 0.7 + 0.05 * index,
      }
    }),
    ...overrides,
  }
}

export function makeSectorSummary(overrides: Partial<SectorSummary> = {}): SectorSummary {
  return {
    roundId: 'round-2025',
    roundTitle: { ja: '2025年度 サイバーセキュリティ自己評価', en: 'FY2025 cyber-security self-assessment' },
    catalog: { key: 'fsa-cyber-2024', version: '2024.10', title: { ja: '金融分野におけるサイバーセキュリティに関するガイドライン', en: 'Cybersecurity guideline for the financial sector' } },
    generatedAt: '2025-11-04T01:00:00Z',
    k: 5,
    targets: 2100,
    submissions: 2000,
    headline: { meanOverall: 0.642, meanBasicCompliance: 0.811, fullBasicComplianceRate: 0.274 },
    overall: makeDistribution(0.64, 0.12, 2000),
    sections: SECTIONS.map((section, index) => ({ ref: section.ref, title: section.title, distribution: makeDistribution(0.5 + 0.05 * index, 0.1, 2000) })),
    bySector: [
      { sector: 'major_bank', distribution: makeDistribution(0.82, 0.06, 12) },
      { sector: 'regional_bank', distribution: makeDistribution(0.71, 0.08, 99) },
      { sector: 'shinkin', distribution: makeDistribution(0.62, 0.1, 254) },
      { sector: 'credit_union', distribution: makeDistribution(0.55, 0.12, 145) },
      { sector: 'securities', distribution: makeDistribution(0.6, 0.13, 270) },
      { sector: 'crypto_exchange', distribution: makeDistribution(0.58, 0.15, 29) },
    ],
    // Institutions in sectors with fewer than k submissions (analysis.ts sectorSummary).
    othersFolded: 7,
    commonWeaknesses: Array.from({ length: 10 }, (_, index) => ({
      ref: `B${index * 3 + 1}`,
      sectionRef: (SECTIONS[index % SECTIONS.length] as { ref: string }).ref,
      class: index % 3 === 2 ? ('desirable' as const) : ('basic' as const),
      title: itemTitle(index),
      implementationRate: 0.31 + index * 0.03,
      assessed: 1980 - index * 7,
    })),
    trend: {
      previousRoundId: 'round-2024',
      previousRoundTitle: { ja: '2024年度 サイバーセキュリティ自己評価', en: 'FY2024 cyber-security self-assessment' },
      previousMeanOverall: 0.598,
      previousMeanBasicCompliance: 0.774,
    },
    ...overrides,
  }
}
