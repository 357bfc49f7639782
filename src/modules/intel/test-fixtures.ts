import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import type { TestServer } from '../../../test/support/app.js'
import { ApiClient, type ApiResponse } from '../../../test/support/client.js'
import { makeInstitution, makeOrganisation, makeUser, type TestUser } from '../../../test/support/factories.js'
import { TAXII_MEDIA_TYPE } from './taxii/media.js'
import { TLP2_MARKING_IDS, type TlpLevel } from './tlp.js'

// Fixtures of the intel HTTP tests: an ISAC with member institutions and a collection, made
// through the API as its users would; STIX objects; a TAXII client speaking Basic auth.

export type Stix = Record<string, unknown>

export async function loggedIn(server: TestServer, user: TestUser, language: 'ja' | 'en' = 'ja'): Promise<ApiClient> {
  const client = new ApiClient(server, language)
  expect((await client.login(user.email, user.password, user.totpSecret)).status).toBe(200)
  return client
}

export interface Member {
  orgId: string
  user: TestUser
  client: ApiClient
}

export async function makeMember(server: TestServer, name: string, role: TestUser['role'] = 'editor'): Promise<Member> {
  const orgId = (await makeInstitution(server.ctx, { name })).id
  const user = await makeUser(server.ctx, orgId, role)
  return { orgId, user, client: await loggedIn(server, user) }
}

export interface Community {
  isacId: string
  isacAdmin: Member
  collectionId: string
}

/** An ISAC whose admin adds the members given and creates one collection. */
export async function makeIsac(
  server: TestServer,
  members: Member[],
  collection: { title?: string; defaultTlp?: TlpLevel; membersCanRead?: boolean; membersCanWrite?: boolean } = {},
): Promise<Community> {
  const isacId = (await makeOrganisation(server.ctx, { kind: 'isac', name: `ISAC ${randomUUID().slice(0, 6)}` })).id
  const user = await makeUser(server.ctx, isacId, 'admin')
  const admin = { orgId: isacId, user, client: await loggedIn(server, user) }
  for (const member of members) expect((await admin.client.put(`/api/v1/intel/isac/members/${member.orgId}`)).status).toBe(200)
  const created = await admin.client.post<{ id: string }>('/api/v1/intel/collections', {
    title: collection.title ?? 'Indicators',
    community: { kind: 'isac', id: isacId },
    defaultTlp: collection.defaultTlp ?? 'green',
    membersCanRead: collection.membersCanRead ?? true,
    membersCanWrite: collection.membersCanWrite ?? true,
  })
  expect(created.status, created.text).toBe(201)
  return { isacId, isacAdmin: admin, collectionId: created.body.id }
}

/** Uploads a bundle (multipart) into a collection, with the label and recipients in the query. */
export function uploadBundle(client: ApiClient, collectionId: string, bundle: unknown, query: Record<string, string | string[]> = {}) {
  const form = new FormData()
  form.append('file', new Blob([typeof bundle === 'string' ? bundle : JSON.stringify(bundle)], { type: 'application/json' }), 'bundle.json')
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) for (const v of Array.isArray(value) ? value : [value]) search.append(key, v)
  const qs = search.toString()
  return client.request<Record<string, unknown>>('POST', `/api/v1/intel/collections/${collectionId}/imports${qs ? `?${qs}` : ''}`, form)
}

export async function createToken(client: ApiClient, name = 'taxii'): Promise<string> {
  const created = await client.post<{ token: string }>('/api/v1/intel/tokens', { name })
  expect(created.status, created.text).toBe(201)
  return created.body.token
}

// ---------------------------------------------------------------- STIX

let counter = 0
export const newId = (type: string) => `${type}--${randomUUID()}`

export function indicator(overrides: Stix = {}): Stix {
  counter++
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: newId('indicator'),
    created: '2024-04-01T09:00:00.000Z',
    modified: '2024-04-01T09:00:00.000Z',
    name: `Indicator ${counter}`,
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '198.51.100.${counter % 250}']`,
    pattern_type: 'stix',
    valid_from: '2024-04-01T00:00:00Z',
    ...overrides,
  }
}

export const marked = (object: Stix, tlp: TlpLevel): Stix => ({ ...object, object_marking_refs: [TLP2_MARKING_IDS[tlp]] })

export const bundleOf = (objects: Stix[]) => ({ type: 'bundle', id: newId('bundle'), objects })

// ---------------------------------------------------------------- TAXII

export interface TaxiiCredentials {
  email: string
  token: string
}

export interface TaxiiResponse<T = unknown> extends ApiResponse<T> {
  contentType: string | null
}

/** A TAXII request with Basic auth and the TAXII media type, unless the test says otherwise. */
export async function taxii<T = unknown>(
  server: TestServer,
  method: string,
  path: string,
  credentials: TaxiiCredentials | null,
  options: { body?: string | unknown; accept?: string | null; contentType?: string; language?: 'ja' | 'en' } = {},
): Promise<TaxiiResponse<T>> {
  const headers: Record<string, string> = { 'accept-language': options.language ?? 'en' }
  if (options.accept !== null) headers.accept = options.accept ?? TAXII_MEDIA_TYPE
  if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.email}:${credentials.token}`).toString('base64')}`
  let body: string | undefined
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    headers['content-type'] = options.contentType ?? TAXII_MEDIA_TYPE
  }
  const response = await fetch(`${server.baseUrl}${path}`, { method, headers, body })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = text
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text, contentType: response.headers.get('content-type') }
}

export interface Envelope {
  more?: boolean
  next?: string
  objects?: Stix[]
}
