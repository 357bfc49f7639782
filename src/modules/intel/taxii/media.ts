import { AppError } from '../../../errors.js'
import type { Locale } from '../../../i18n/locale.js'

// TAXII 2.1 (OASIS Standard, 10 June 2021) on the wire: media types (§1.6.8), content negotiation
// (§3.2: 406 for an Accept header without a supported media type, 415 for a request body of another
// type), the error message resource (§3.6.1) and the status resource (§4.3.1). Pure.

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1'
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1'
export const API_ROOT_PATH = '/taxii2/kamae/'

interface MediaRange {
  type: string
  params: Map<string, string>
}

function mediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim())
      return {
        type: type.toLowerCase(),
        params: new Map(
          params.map((p) => {
            const eq = p.indexOf('=')
            return [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, '')] as const
          }),
        ),
      }
    })
}

/** `application/taxii+json` with version 2.1, or with no version (the latest this server speaks). */
const isTaxii21 = (range: MediaRange) =>
  range.type === 'application/taxii+json' && (!range.params.has('version') || range.params.get('version') === '2.1') && range.params.get('q') !== '0'

/** §3.2: the request's Accept header names TAXII 2.1. */
export function acceptsTaxii(accept: string | undefined): boolean {
  return accept !== undefined && mediaRanges(accept).some(isTaxii21)
}

/** §3.2: a POSTed body is a TAXII 2.1 envelope. */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  const [range] = contentType ? mediaRanges(contentType) : []
  return range !== undefined && isTaxii21(range)
}

export const notAcceptable = () =>
  new AppError('not_acceptable', 406, {
    ja: `Accept ヘッダーに ${TAXII_MEDIA_TYPE} を指定してください`,
    en: `The Accept header must name ${TAXII_MEDIA_TYPE}`,
  })

export const unsupportedMediaType = () =>
  new AppError('unsupported_media_type', 415, {
    ja: `Content-Type は ${TAXII_MEDIA_TYPE} にしてください`,
    en: `The Content-Type must be ${TAXII_MEDIA_TYPE}`,
  })

export const taxiiUnauthenticated = () =>
  new AppError('unauthenticated', 401, {
    ja: 'HTTP Basic 認証が必要です（ユーザー名はメールアドレス、パスワードは API トークン）',
    en: 'HTTP Basic authentication is required (user name: your e-mail address, password: an API token)',
  })

export const badParameter = (name: string, why: { ja: string; en: string }) =>
  new AppError('bad_request', 400, { ja: `${name}: ${why.ja}`, en: `${name}: ${why.en}` }, [{ path: `query.${name}`, message: why }])

/** §3.6.1: the error message resource. */
export interface TaxiiErrorBody {
  title: string
  description?: string
  error_code?: string
  http_status?: string
  details?: Record<string, unknown>
}

export function errorResource(status: number, code: string, title: string, details: { path: string; message: string }[] = [], description?: string): TaxiiErrorBody {
  return {
    title,
    ...(description ? { description } : {}),
    error_code: code,
    http_status: String(status),
    ...(details.length > 0 ? { details: { errors: details } } : {}),
  }
}

export function errorResourceOf(error: AppError, locale: Locale): TaxiiErrorBody {
  return errorResource(
    error.status,
    error.code,
    error.localized[locale],
    error.details.map((d) => ({ path: d.path, message: d.message[locale] })),
  )
}

/** An opaque `next` (§3.4): the position after the last object of a page. */
export const encodeNext = (seq: number) => Buffer.from(`s:${seq}`).toString('base64url')

export function decodeNext(next: string): number | null {
  const text = Buffer.from(next, 'base64url').toString('utf8')
  const match = /^s:(\d{1,18})$/.exec(text)
  return match ? Number(match[1]) : null
}
