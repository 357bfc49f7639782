import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { ErrorObject } from 'ajv'
import localizeJaModule from 'ajv-i18n/localize/ja/index.js'
import { AppError } from '../errors.js'
import type { Locale } from '../i18n/locale.js'

// The package is CommonJS with a `default` property; unwrap it whichever way the loader presents it.
const localizeJa = ((localizeJaModule as unknown as { default?: unknown }).default ?? localizeJaModule) as (errors: ErrorObject[]) => void

export interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}

const GENERIC: Record<string, { ja: string; en: string }> = {
  validation_failed: { ja: '入力内容に誤りがあります', en: 'The request is not valid' },
  rate_limited: { ja: 'リクエストが多すぎます。しばらくしてから再度お試しください', en: 'Too many requests: try again shortly' },
  payload_too_large: { ja: '送信されたデータが大きすぎます', en: 'The request is too large' },
  unsupported_media_type: { ja: 'この形式のデータは受け付けていません', en: 'This media type is not accepted' },
  not_found: { ja: '見つかりません', en: 'Not found' },
  internal_error: { ja: 'サーバーでエラーが発生しました', en: 'The server failed to handle the request' },
  bad_request: { ja: 'リクエストが正しくありません', en: 'The request is malformed' },
}

export function errorBody(locale: Locale, code: string, message: string, details: ErrorBody['error']['details'] = []): ErrorBody {
  return { error: { code, message, details } }
}

/** Turns an Ajv error list into located details, in Japanese or English. */
export function validationDetails(errors: ErrorObject[], context: string | undefined, locale: Locale) {
  const copies = errors.map((e) => ({ ...e }))
  if (locale === 'ja') localizeJa(copies)
  return copies.map((e) => {
    const pointer = e.instancePath
      .split('/')
      .filter(Boolean)
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
    const missing = e.keyword === 'required' ? `.${String((e.params as { missingProperty?: string }).missingProperty)}` : ''
    const extra = e.keyword === 'additionalProperties' ? `.${String((e.params as { additionalProperty?: string }).additionalProperty)}` : ''
    const path = `${context ?? 'body'}${pointer}${missing}${extra}`
    return { path, message: e.message ?? e.keyword }
  })
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const locale = request.locale ?? 'ja'
  if (error instanceof AppError) {
    return reply
      .status(error.status)
      .send(errorBody(locale, error.code, error.localized[locale], error.details.map((d) => ({ path: d.path, message: d.message[locale] }))))
  }
  if (error.validation) {
    const details = validationDetails(error.validation as ErrorObject[], error.validationContext, locale)
    return reply.status(400).send(errorBody(locale, 'validation_failed', GENERIC.validation_failed![locale], details))
  }
  const status = error.statusCode ?? 500
  if (status === 429) return reply.status(429).send(errorBody(locale, 'rate_limited', GENERIC.rate_limited![locale]))
  if (status === 413 || error.code === 'FST_REQ_FILE_TOO_LARGE') {
    return reply.status(413).send(errorBody(locale, 'payload_too_large', GENERIC.payload_too_large![locale]))
  }
  if (status === 415) return reply.status(415).send(errorBody(locale, 'unsupported_media_type', GENERIC.unsupported_media_type![locale]))
  if (status >= 400 && status < 500) {
    return reply.status(status).send(errorBody(locale, 'bad_request', `${GENERIC.bad_request![locale]}: ${error.message}`))
  }
  request.log.error({ err: error }, 'request failed')
  return reply.status(500).send(errorBody(locale, 'internal_error', GENERIC.internal_error![locale]))
}

export function notFoundBody(locale: Locale): ErrorBody {
  return errorBody(locale, 'not_found', GENERIC.not_found![locale])
}
