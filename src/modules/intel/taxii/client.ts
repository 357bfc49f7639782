import type { Localized } from '../../../i18n/locale.js'
import { TAXII_MEDIA_TYPE } from './media.js'

// A TAXII 2.1 client for one thing: reading a collection of another server page by page
// (§5.3 Get Objects with added_after, match[version]=all, limit and next). The page comes back as
// text, so that its objects are stored exactly as the other server sent them.

export interface RemoteCollection {
  /** The API root's URL, ending in a slash. */
  apiRootUrl: string
  collectionId: string
  username: string
  token: string
}

export interface PageRequest {
  addedAfter?: string
  next?: string
  limit: number
}

export interface PulledPage {
  text: string
  more: boolean
  next: string | null
  /** X-TAXII-Date-Added-Last: where the next pull starts. */
  dateAddedLast: string | null
}

export class TaxiiClientError extends Error {
  constructor(readonly localized: Localized) {
    super(localized.en)
    this.name = 'TaxiiClientError'
  }
}

export function objectsUrl(remote: RemoteCollection, request: PageRequest): URL {
  const url = new URL(`collections/${encodeURIComponent(remote.collectionId)}/objects/`, remote.apiRootUrl)
  if (request.addedAfter) url.searchParams.set('added_after', request.addedAfter)
  url.searchParams.set('match[version]', 'all')
  url.searchParams.set('limit', String(request.limit))
  if (request.next) url.searchParams.set('next', request.next)
  return url
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new TaxiiClientError({ ja: `応答が大きすぎます（上限 ${maxBytes} バイト）`, en: `The response is too large (limit ${maxBytes} bytes)` })
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** One page of the remote collection; an HTTP or protocol failure is a TaxiiClientError. */
export async function fetchObjectsPage(remote: RemoteCollection, request: PageRequest, options: { maxBytes: number; timeoutMs: number }): Promise<PulledPage> {
  const url = objectsUrl(remote, request)
  let response: Response
  try {
    response = await fetch(url, {
      headers: {
        accept: TAXII_MEDIA_TYPE,
        authorization: `Basic ${Buffer.from(`${remote.username}:${remote.token}`, 'utf8').toString('base64')}`,
      },
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new TaxiiClientError({ ja: `${url.origin} に接続できません（${reason}）`, en: `Cannot reach ${url.origin} (${reason})` })
  }
  const text = await readLimited(response, options.maxBytes)
  if (!response.ok) {
    // The other server's own words (a TAXII error message's title), kept short.
    let title = ''
    try {
      title = String((JSON.parse(text) as { title?: unknown }).title ?? '').slice(0, 200)
    } catch {
      title = ''
    }
    const suffix = title ? `: ${title}` : ''
    throw new TaxiiClientError({ ja: `TAXII サーバーが HTTP ${response.status} を返しました${suffix}`, en: `The TAXII server answered HTTP ${response.status}${suffix}` })
  }
  let envelope: { more?: unknown; next?: unknown }
  try {
    envelope = JSON.parse(text) as { more?: unknown; next?: unknown }
  } catch {
    throw new TaxiiClientError({ ja: 'TAXII サーバーの応答が JSON ではありません', en: "The TAXII server's answer is not JSON" })
  }
  return {
    text,
    more: envelope.more === true,
    next: typeof envelope.next === 'string' && envelope.next ? envelope.next : null,
    dateAddedLast: response.headers.get('x-taxii-date-added-last'),
  }
}
