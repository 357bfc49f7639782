import { AppError, conflict, invalid } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'

// Error values of the custody module; src/http/errors.ts answers them in the request's language.

const NOT_FOUND: Record<'request' | 'change' | 'entry' | 'alert', Localized> = {
  request: { ja: '出庫申請が見つかりません', en: 'Withdrawal request not found' },
  change: { ja: 'ホワイトリストの変更が見つかりません', en: 'Allow-list change not found' },
  entry: { ja: 'ホワイトリストの登録が見つかりません', en: 'Allow-list entry not found' },
  alert: { ja: 'アラートが見つかりません', en: 'Alert not found' },
}

/** Not found — also what another organisation's record is (the id is never echoed). */
export const missing = (what: keyof typeof NOT_FOUND) => new AppError('not_found', 404, NOT_FOUND[what])

/** A request-body field the rules refuse, named in the error's details. */
export const invalidField = (path: string, message: Localized) => invalid(message, [{ path, message }])

export const invalidAmount = (path: string) =>
  invalidField(path, { ja: '0 より大きい数量を10進数で入力してください（例: 1.5）', en: 'Enter an amount greater than 0 as a decimal (e.g. 1.5)' })

/** The approval (or the code) was given to another version of the request than the current one. */
export const digestMismatch = () =>
  conflict('digest_mismatch', {
    ja: '出庫申請の内容が変更されています。最新の内容を確認してからやり直してください',
    en: 'The withdrawal request has changed: review the current content and try again',
  })

/** The stored request no longer hashes to its digest: someone changed it outside Kamae's steps. */
export const requestTampered = () =>
  conflict('request_tampered', {
    ja: '出庫申請の内容がダイジェストと一致しません。処理を止めて管理者に連絡してください',
    en: 'The withdrawal request does not match its digest: stop and contact an admin',
  })
