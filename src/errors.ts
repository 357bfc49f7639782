import type { Localized } from './i18n/locale.js'

// Errors are values with a code (STYLE.md). The HTTP layer turns them into
// { error: { code, message, details } } in the request's language.

export interface ErrorDetail {
  /** Where: a field path (`answers[3].value`), or a file location (`Items!D12`, `line 41`). */
  path: string
  message: Localized
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly localized: Localized,
    readonly details: ErrorDetail[] = [],
  ) {
    super(localized.en)
    this.name = 'AppError'
  }
}

// The id is deliberately not echoed: a not-found answer carries nothing but the kind of record.
export const notFound = (what: string, _id?: string) =>
  new AppError('not_found', 404, {
    ja: `${labelJa(what)}が見つかりません`,
    en: `${what.replace(/_/g, ' ')} not found`,
  })

export const forbidden = (reason: Localized) => new AppError('forbidden', 403, reason)

export const unauthenticated = () =>
  new AppError('unauthenticated', 401, { ja: 'ログインが必要です', en: 'You need to log in' })

export const conflict = (code: string, message: Localized) => new AppError(code, 409, message)

export const invalid = (message: Localized, details: ErrorDetail[] = []) =>
  new AppError('validation_failed', 400, message, details)

export const tooLarge = (limitBytes: number) =>
  new AppError('payload_too_large', 413, {
    ja: `ファイルが大きすぎます（上限 ${formatBytes(limitBytes)}）`,
    en: `The file is too large (limit ${formatBytes(limitBytes)})`,
  })

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`
}

const JA_LABELS: Record<string, string> = {
  organisation: '組織',
  user: 'ユーザー',
  membership: 'メンバー',
  invitation: '招待',
  catalog: 'カタログ',
  item: '項目',
  assessment: '自己評価',
  evidence: '証跡',
  remediation_action: '改善策',
  ledger_log: '台帳',
}

function labelJa(what: string): string {
  return JA_LABELS[what] ?? what
}
