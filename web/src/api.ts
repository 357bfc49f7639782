import { i18n } from './i18n'

// A typed wrapper around fetch for the Kamae API.
// - cookies: same-origin (the session cookie is httpOnly; the browser sends it)
// - CSRF: double submit. The server sets the JS-readable cookie `kamae_csrf`; every state-changing
//   request echoes it in X-CSRF-Token. The cookie changes at login, so it is read at request time.
// - language: Accept-Language follows the UI language, so error messages come back in it.
// - errors: `{ error: { code, message, details: [{ path, message }] } }` become an ApiError.

export const CSRF_COOKIE = 'kamae_csrf'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface ErrorDetail {
  path: string
  message: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: ErrorDetail[]

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

function language(): string {
  return i18n.language === 'en' ? 'en' : 'ja'
}

/** Listeners told when the server says the session is gone (401 on a route that needs one). */
const unauthenticatedListeners = new Set<() => void>()
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener)
  return () => unauthenticatedListeners.delete(listener)
}

function baseHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language() }
  if (UNSAFE.has(method)) headers['X-CSRF-Token'] = readCookie(CSRF_COOKIE) ?? ''
  return headers
}

function errorFromBody(status: number, body: unknown, fallback: string): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error
  if (error && typeof error.message === 'string') {
    const details = Array.isArray(error.details)
      ? error.details.filter((d): d is ErrorDetail => typeof d === 'object' && d !== null && 'message' in d)
      : []
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'error', error.message, details)
  }
  // Fastify's own 401/404 bodies carry a top-level message.
  const message = (body as { message?: unknown } | null)?.message
  const code = (body as { code?: unknown } | null)?.code
  return new ApiError(status, typeof code === 'string' ? code : 'http_error', typeof message === 'string' ? message : fallback)
}

function notifyIfUnauthenticated(status: number, path: string, code: string) {
  if (status === 401 && code === 'unauthenticated' && !path.startsWith('/api/v1/auth/')) {
    for (const listener of unauthenticatedListeners) listener()
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers = baseHeaders(method)
  let payload: BodyInit | undefined
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  let response: Response
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network_error', i18n.t('errors.network'))
  }
  const text = await response.text()
  let parsed: unknown = null
  if (text) {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = null
    }
  }
  if (!response.ok) {
    const error = errorFromBody(response.status, parsed, `${response.status} ${response.statusText}`)
    notifyIfUnauthenticated(response.status, path, error.code)
    throw error
  }
  return parsed as T
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
}

/**
 * POSTs a JSON body and saves the answer as a file (exports of a selection): the browser's own
 * download, named by the server's Content-Disposition or by `fallbackName`.
 */
export async function downloadPost(path: string, body: unknown, fallbackName: string): Promise<void> {
  const headers = { ...baseHeaders('POST'), 'Content-Type': 'application/json', Accept: '*/*' }
  let response: Response
  try {
    response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network_error', i18n.t('errors.network'))
  }
  if (!response.ok) {
    const text = await response.text()
    let parsed: unknown = null
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      parsed = null
    }
    const error = errorFromBody(response.status, parsed, `${response.status} ${response.statusText}`)
    notifyIfUnauthenticated(response.status, path, error.code)
    throw error
  }
  const disposition = response.headers.get('content-disposition') ?? ''
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1]
  const plain = /filename="([^"]+)"/i.exec(disposition)?.[1]
  const url = URL.createObjectURL(await response.blob())
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = encoded ? decodeURIComponent(encoded) : (plain ?? fallbackName)
  document.body.append(anchor)
  anchor.click()
  anchor.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export interface Upload<T> {
  promise: Promise<T>
  abort: () => void
}

/**
 * Uploads one file as multipart with XMLHttpRequest, which (unlike fetch) reports upload progress.
 * `onProgress` receives 0..1.
 */
export function uploadFile<T>(path: string, file: File, onProgress: (fraction: number) => void, field = 'file'): Upload<T> {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', path)
    xhr.withCredentials = true
    for (const [name, value] of Object.entries(baseHeaders('POST'))) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total)
    }
    xhr.onload = () => {
      let parsed: unknown = null
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        parsed = null
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve(parsed as T)
      } else {
        const error = errorFromBody(xhr.status, parsed, `${xhr.status} ${xhr.statusText}`)
        notifyIfUnauthenticated(xhr.status, path, error.code)
        reject(error)
      }
    }
    xhr.onerror = () => reject(new ApiError(0, 'network_error', i18n.t('errors.network')))
    xhr.onabort = () => reject(new ApiError(0, 'aborted', i18n.t('errors.aborted')))
    const form = new FormData()
    form.append(field, file, file.name)
    xhr.send(form)
  })
  return { promise, abort: () => xhr.abort() }
}
