import type { LocalizedText } from '../catalog/catalog-types.js'

// Words both PDF reports of a supervision round use, in the glossary's terms (shared/glossary.md).
// Each report keeps the words only it uses in its own module.

export type Lang = 'ja' | 'en'

const SECTORS: Record<string, LocalizedText> = {
  regional_bank: { ja: '地域銀行', en: 'regional bank' },
  major_bank: { ja: '主要行等', en: 'major bank' },
  shinkin: { ja: '信用金庫', en: 'shinkin bank' },
  credit_union: { ja: '信用組合', en: 'credit union (shinkumi)' },
  securities: { ja: '証券会社', en: 'securities firm' },
  insurance: { ja: '保険会社', en: 'insurer' },
  crypto_exchange: { ja: '暗号資産交換業者', en: 'crypto-asset exchange' },
  payment: { ja: '資金移動業者・前払式支払手段発行者', en: 'fund transfer / prepaid payment provider' },
  other: { ja: 'その他', en: 'other' },
  // The group the summary folds sectors with fewer than k submissions into.
  others: { ja: 'その他（集約）', en: 'others (folded)' },
}

const SIZE_BANDS: Record<string, LocalizedText> = {
  small: { ja: '小規模', en: 'small' },
  medium: { ja: '中規模', en: 'medium' },
  large: { ja: '大規模', en: 'large' },
}

/** The sector's name; an unknown code is shown as it is rather than hidden. */
export function sectorName(sector: string, lang: Lang): string {
  return SECTORS[sector]?.[lang] ?? sector
}

export function sizeBandName(sizeBand: string, lang: Lang): string {
  return SIZE_BANDS[sizeBand]?.[lang] ?? sizeBand
}

export const COMMON_LABELS = {
  kamae: { ja: 'Kamae', en: 'Kamae' },
  catalog: { ja: 'カタログ（評価基準）', en: 'Catalog' },
  generatedAt: { ja: '作成日時', en: 'Generated at' },
  basic: { ja: '基本的な対応事項', en: 'basic measure' },
  desirable: { ja: '対応が望ましい事項', en: 'desirable measure' },
  basicShort: { ja: '基本', en: 'Basic' },
  desirableShort: { ja: '望ましい', en: 'Desirable' },
  ref: { ja: '参照番号', en: 'Ref' },
  section: { ja: '分野', en: 'Section' },
  itemTitle: { ja: '項目名', en: 'Item' },
  previousRound: { ja: '前回', en: 'Previous round' },
  thisRound: { ja: '今回', en: 'This round' },
  overallScore: { ja: '総合スコア', en: 'Overall score' },
  basicCompliance: { ja: '基本的な対応事項の充足率', en: 'Basic measures met' },
  boxLegend: { ja: '箱：25〜75パーセンタイル', en: 'Box: 25th–75th percentile' },
  whiskerLegend: { ja: 'ひげ：10〜90パーセンタイル', en: 'Whiskers: 10th–90th percentile' },
  medianLegend: { ja: '線：中央値', en: 'Line: median' },
  noData: { ja: 'データなし', en: 'no data' },
  pageOf: { ja: '{page} / {pages} ページ', en: 'Page {page} of {pages}' },
} satisfies Record<string, LocalizedText>

/** Fills `{name}` placeholders of a label. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
}

/** The catalog's title with its key and version, which tell one edition from another. */
export function catalogName(catalog: { key: string; version: string; title: LocalizedText }, lang: Lang): string {
  return lang === 'ja' ? `${catalog.title.ja}（${catalog.key} 版 ${catalog.version}）` : `${catalog.title.en} (${catalog.key}, version ${catalog.version})`
}
