import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../../test/support/app.js'
import { objectTexts } from '../bundle-text.js'
import { createToken, indicator, makeIsac, makeMember, taxii, type Community, type Envelope, type Member, type Stix, type TaxiiCredentials } from '../test-fixtures.js'
import { TAXII_MEDIA_TYPE } from './media.js'

// The TAXII 2.1 server, endpoint by endpoint (OASIS TAXII 2.1): discovery and API root, media types
// and content negotiation (406, 415), the size limit (413), Basic authentication with API tokens,
// collections, objects with paging and filters, the date-added headers, the status of a POST,
// object by id, versions, manifest and DELETE. The tests build on each other, in order.

const MAX_CONTENT_LENGTH = 64 * 1024

interface Status {
  id: string
  status: string
  request_timestamp: string
  total_count: number
  success_count: number
  failure_count: number
  pending_count: number
  successes: { id: string; version: string; message?: string }[]
  failures: { id: string; version: string; message?: string }[]
}

describe('the TAXII 2.1 server', () => {
  let server: TestServer
  let writer: Member
  let reader: Member
  let community: Community
  let writerCreds: TaxiiCredentials
  let readerCreds: TaxiiCredentials
  let objectsPath: string
  const posted: Stix[] = []

  beforeAll(async () => {
    server = await startTestServer({ env: { KAMAE_MAX_UPLOAD_BYTES: String(MAX_CONTENT_LENGTH) } })
    writer = await makeMember(server, 'Writer Bank')
    reader = await makeMember(server, 'Reader Bank', 'viewer')
    community = await makeIsac(server, [writer, reader], { defaultTlp: 'green', membersCanWrite: true })
    writerCreds = { email: writer.user.email, token: await createToken(writer.client) }
    readerCreds = { email: reader.user.email, token: await createToken(reader.client) }
    objectsPath = `/taxii2/kamae/collections/${community.collectionId}/objects/`
  })
  afterAll(() => server.close())

  // ---------------------------------------------------------------- discovery, media types, authentication

  it('answers discovery and the API root in the TAXII media type', async () => {
    const discovery = await taxii<{ title: string; default: string; api_roots: string[] }>(server, 'GET', '/taxii2/', readerCreds)
    expect(discovery.status).toBe(200)
    expect(discovery.contentType).toBe(TAXII_MEDIA_TYPE)
    expect(discovery.body.api_roots).toEqual([`${server.baseUrl}/taxii2/kamae/`])
    expect(discovery.body.default).toBe(`${server.baseUrl}/taxii2/kamae/`)
    const root = await taxii<{ versions: string[]; max_content_length: number }>(server, 'GET', '/taxii2/kamae/', readerCreds)
    expect(root.body).toMatchObject({ versions: [TAXII_MEDIA_TYPE], max_content_length: MAX_CONTENT_LENGTH })
  })

  it('asks for Basic credentials, with a TAXII error message', async () => {
    const anonymous = await taxii<{ title: string; http_status: string }>(server, 'GET', '/taxii2/', null)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
    expect(anonymous.contentType).toBe(TAXII_MEDIA_TYPE)
    expect(anonymous.body).toMatchObject({ http_status: '401' })
    expect(anonymous.body.title).toContain('Basic')
    const wrongUser = await taxii(server, 'GET', '/taxii2/', { email: writer.user.email, token: readerCreds.token })
    expect(wrongUser.status).toBe(401)
    const wrongToken = await taxii(server, 'GET', '/taxii2/', { email: reader.user.email, token: 'kmt_not-a-token' })
    expect(wrongToken.status).toBe(401)
  })

  it('refuses a revoked token at once', async () => {
    const token = await createToken(reader.client, 'to revoke')
    const creds = { email: reader.user.email, token }
    expect((await taxii(server, 'GET', '/taxii2/', creds)).status).toBe(200)
    const listed = await reader.client.get<{ id: string; name: string; hint: string }[]>('/api/v1/intel/tokens')
    const entry = listed.body.find((t) => t.name === 'to revoke')!
    expect(entry.hint).toBe(token.slice(-4))
    expect(listed.text).not.toContain(token)
    expect((await reader.client.delete(`/api/v1/intel/tokens/${entry.id}`)).status).toBe(200)
    expect((await taxii(server, 'GET', '/taxii2/', creds)).status).toBe(401)
  })

  it('answers 406 to an Accept header without the TAXII 2.1 media type', async () => {
    for (const accept of ['application/json', 'application/taxii+json;version=2.0', null]) {
      const response = await taxii<{ http_status: string }>(server, 'GET', '/taxii2/kamae/collections/', readerCreds, { accept })
      expect(response.status, String(accept)).toBe(406)
      expect(response.body.http_status).toBe('406')
    }
    expect((await taxii(server, 'GET', '/taxii2/kamae/collections/', readerCreds, { accept: 'application/taxii+json' })).status).toBe(200)
    expect((await taxii(server, 'GET', '/taxii2/kamae/collections/', readerCreds, { accept: 'text/html, application/taxii+json; version=2.1' })).status).toBe(200)
  })

  it('answers 415 to a POST that is not a TAXII envelope, and stores nothing', async () => {
    const body = { objects: [indicator()] }
    for (const contentType of ['application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0']) {
      const response = await taxii(server, 'POST', objectsPath, writerCreds, { body, contentType })
      expect(response.status, contentType).toBe(415)
    }
    const envelope = await taxii<Envelope>(server, 'GET', objectsPath, writerCreds)
    expect(envelope.body.objects).toEqual([])
  })

  it('answers 413 to a POST larger than the API root’s max_content_length', async () => {
    const big = { objects: [indicator({ description: 'x'.repeat(MAX_CONTENT_LENGTH) })] }
    const response = await taxii<{ http_status: string }>(server, 'POST', objectsPath, writerCreds, { body: big })
    expect(response.status).toBe(413)
    expect(response.body.http_status).toBe('413')
  })

  // ---------------------------------------------------------------- collections and adding objects

  it('lists the collections with the caller’s rights and media types', async () => {
    const writerView = await taxii<{ collections: { id: string; can_read: boolean; can_write: boolean; media_types: string[] }[] }>(server, 'GET', '/taxii2/kamae/collections/', writerCreds)
    expect(writerView.body.collections).toEqual([expect.objectContaining({ id: community.collectionId, can_read: true, can_write: true, media_types: ['application/stix+json;version=2.1'] })])
    // A viewer reads; writing needs the editor or admin role, whatever the collection allows.
    const one = await taxii<{ can_read: boolean }>(server, 'GET', `/taxii2/kamae/collections/${community.collectionId}/`, readerCreds)
    expect(one.body.can_read).toBe(true)
    expect((await taxii(server, 'POST', objectsPath, readerCreds, { body: { objects: [indicator()] } })).status).toBe(403)
    expect((await taxii(server, 'GET', '/taxii2/kamae/collections/00000000-0000-4000-8000-000000000000/', readerCreds)).status).toBe(404)
  })

  it('adds objects: 202 with a complete status resource, which GET status repeats', async () => {
    for (let i = 0; i < 5; i++) posted.push(indicator({ name: `PAGED-${i}` }))
    const text = `{"objects": [\n${posted.map((o) => JSON.stringify(o, null, 1)).join(' ,\n')}\n]}`
    const response = await taxii<Status>(server, 'POST', objectsPath, writerCreds, { body: text })
    expect(response.status, response.text).toBe(202)
    expect(response.contentType).toBe(TAXII_MEDIA_TYPE)
    expect(response.body).toMatchObject({ status: 'complete', total_count: 5, success_count: 5, failure_count: 0, pending_count: 0 })
    expect(response.body.successes.map((s) => s.id)).toEqual(posted.map((o) => o.id))
    const status = await taxii<Status>(server, 'GET', `/taxii2/kamae/status/${response.body.id}/`, writerCreds)
    expect(status.body).toEqual(response.body)
    // Another organisation does not see the status of a request it did not make.
    expect((await taxii(server, 'GET', `/taxii2/kamae/status/${response.body.id}/`, readerCreds)).status).toBe(404)
    // The objects are served exactly as they were sent.
    const served = await taxii<Envelope>(server, 'GET', objectsPath, readerCreds)
    expect(objectTexts(served.text)).toEqual(objectTexts(text))
  })

  it('stores nothing from a POST with one invalid object, and says which and why in the status', async () => {
    const good = indicator({ name: 'NOT-STORED-GOOD' })
    const bad = indicator({ name: 'NOT-STORED-BAD', valid_from: 'yesterday' })
    const response = await taxii<Status>(server, 'POST', objectsPath, writerCreds, { body: { objects: [good, bad] } })
    expect(response.status).toBe(202)
    expect(response.body).toMatchObject({ total_count: 2, success_count: 0, failure_count: 2 })
    expect(response.body.failures[1]).toMatchObject({ id: bad.id })
    expect(response.body.failures[1]!.message).toContain('/objects/1/valid_from')
    expect(response.body.failures[0]!.message).toContain('all are stored, or none')
    const lookup = await taxii(server, 'GET', `${objectsPath}?match[id]=${String(good.id)}`, writerCreds)
    expect((lookup.body as Envelope).objects).toEqual([])
  })

  it('answers 400 to a body that is not an envelope', async () => {
    const response = await taxii<{ http_status: string }>(server, 'POST', objectsPath, writerCreds, { body: '{"objects": 5}' })
    expect(response.status).toBe(400)
  })

  // ---------------------------------------------------------------- reading: paging, filters, headers

  it('pages by limit and next, in the order objects were added, with the date-added headers', async () => {
    const seen: string[] = []
    const firsts: string[] = []
    let next: string | undefined
    let pages = 0
    do {
      const response = await taxii<Envelope>(server, 'GET', `${objectsPath}?limit=2${next ? `&next=${encodeURIComponent(next)}` : ''}`, readerCreds)
      expect(response.status).toBe(200)
      pages++
      const objects = response.body.objects ?? []
      seen.push(...objects.map((o) => String(o.id)))
      firsts.push(response.headers.get('x-taxii-date-added-first')!)
      expect(response.headers.get('x-taxii-date-added-last')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
      expect(response.body.more).toBe(pages < 3)
      next = response.body.next
    } while (next)
    expect(pages).toBe(3)
    expect(seen).toEqual(posted.map((o) => o.id))
    expect([...firsts].sort()).toEqual(firsts)
  })

  it('gives what was added after a date added (exclusive)', async () => {
    const manifest = await taxii<{ objects: { id: string; date_added: string; version: string; media_type: string }[] }>(server, 'GET', `${objectsPath.replace('objects/', 'manifest/')}`, readerCreds)
    expect(manifest.body.objects[0]).toEqual({ id: posted[0]!.id, date_added: expect.any(String), version: posted[0]!.modified, media_type: 'application/stix+json;version=2.1' })
    const third = manifest.body.objects[2]!.date_added
    const after = await taxii<Envelope>(server, 'GET', `${objectsPath}?added_after=${third}`, readerCreds)
    expect(after.body.objects!.map((o) => o.id)).toEqual(posted.slice(3).map((o) => o.id))
    expect(after.headers.get('x-taxii-date-added-first')! > third).toBe(true)
    expect((await taxii(server, 'GET', `${objectsPath}?added_after=yesterday`, readerCreds)).status).toBe(400)
  })

  it('filters by match[id], match[type] and match[spec_version]', async () => {
    const two = `${String(posted[1]!.id)},${String(posted[3]!.id)}`
    const byId = await taxii<Envelope>(server, 'GET', `${objectsPath}?match[id]=${two}`, readerCreds)
    expect(byId.body.objects!.map((o) => o.id)).toEqual([posted[1]!.id, posted[3]!.id])
    expect((await taxii<Envelope>(server, 'GET', `${objectsPath}?match[type]=malware`, readerCreds)).body.objects).toEqual([])
    expect((await taxii<Envelope>(server, 'GET', `${objectsPath}?match[type]=malware,indicator`, readerCreds)).body.objects).toHaveLength(5)
    expect((await taxii<Envelope>(server, 'GET', `${objectsPath}?match[spec_version]=2.0`, readerCreds)).body.objects).toEqual([])
    expect((await taxii<Envelope>(server, 'GET', `${objectsPath}?match[spec_version]=2.1&match[id]=${String(posted[0]!.id)}`, readerCreds)).body.objects).toHaveLength(1)
    expect((await taxii(server, 'GET', `${objectsPath}?limit=0`, readerCreds)).status).toBe(400)
    expect((await taxii(server, 'GET', `${objectsPath}?next=forged`, readerCreds)).status).toBe(400)
  })

  it('selects versions: last by default, first, all, or one by its timestamp', async () => {
    const base = posted[0]!
    const v2 = { ...base, modified: '2024-05-01T00:00:00.000Z', name: 'PAGED-0 v2' }
    const v3 = { ...base, modified: '2024-06-01T00:00:00.000Z', name: 'PAGED-0 v3' }
    expect((await taxii<Status>(server, 'POST', objectsPath, writerCreds, { body: { objects: [v3, v2] } })).body.success_count).toBe(2)
    const names = async (query: string) =>
      ((await taxii<Envelope>(server, 'GET', `${objectsPath}?match[id]=${String(base.id)}${query}`, readerCreds)).body.objects ?? []).map((o) => o.name)
    expect(await names('')).toEqual(['PAGED-0 v3'])
    expect(await names('&match[version]=last')).toEqual(['PAGED-0 v3'])
    expect(await names('&match[version]=first')).toEqual(['PAGED-0'])
    expect(await names('&match[version]=first,last')).toEqual(['PAGED-0', 'PAGED-0 v3'])
    expect((await names('&match[version]=all')).sort()).toEqual(['PAGED-0', 'PAGED-0 v2', 'PAGED-0 v3'])
    expect(await names('&match[version]=2024-05-01T00:00:00Z')).toEqual(['PAGED-0 v2'])
    expect((await taxii(server, 'GET', `${objectsPath}?match[version]=newest`, readerCreds)).status).toBe(400)
  })

  it('gets one object, its versions and its manifest entries', async () => {
    const base = posted[0]!
    const one = await taxii<Envelope>(server, 'GET', `${objectsPath}${String(base.id)}/`, readerCreds)
    expect(one.status).toBe(200)
    expect(one.body.objects!.map((o) => o.modified)).toEqual(['2024-06-01T00:00:00.000Z'])
    expect(one.headers.get('x-taxii-date-added-first')).toBeTruthy()
    const all = await taxii<Envelope>(server, 'GET', `${objectsPath}${String(base.id)}/?match[version]=all`, readerCreds)
    expect(all.body.objects).toHaveLength(3)
    const versions = await taxii<{ more: boolean; versions: string[] }>(server, 'GET', `${objectsPath}${String(base.id)}/versions/`, readerCreds)
    expect(versions.body).toEqual({ more: false, versions: ['2024-04-01T09:00:00.000Z', '2024-06-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z'] })
    const paged = await taxii<{ more: boolean; next: string; versions: string[] }>(server, 'GET', `${objectsPath}${String(base.id)}/versions/?limit=1`, readerCreds)
    expect(paged.body).toMatchObject({ more: true, versions: ['2024-04-01T09:00:00.000Z'] })
    expect((await taxii(server, 'GET', `${objectsPath}indicator--00000000-0000-4000-8000-000000000000/`, readerCreds)).status).toBe(404)
    expect((await taxii(server, 'GET', `${objectsPath}indicator--00000000-0000-4000-8000-000000000000/versions/`, readerCreds)).status).toBe(404)
  })

  it('deletes an object for the organisation that shared it, and for no one else', async () => {
    const target = posted[4]!
    const other = await makeMember(server, 'Other Writer')
    expect((await community.isacAdmin.client.put(`/api/v1/intel/isac/members/${other.orgId}`)).status).toBe(200)
    const otherCreds = { email: other.user.email, token: await createToken(other.client) }
    expect((await taxii(server, 'DELETE', `${objectsPath}${String(target.id)}/`, otherCreds)).status).toBe(403)
    expect((await taxii(server, 'DELETE', `${objectsPath}${String(target.id)}/`, readerCreds)).status).toBe(403)
    const deleted = await taxii(server, 'DELETE', `${objectsPath}${String(target.id)}/`, writerCreds)
    expect(deleted.status).toBe(200)
    expect((await taxii(server, 'GET', `${objectsPath}${String(target.id)}/`, readerCreds)).status).toBe(404)
    expect((await taxii(server, 'DELETE', `${objectsPath}${String(target.id)}/`, writerCreds)).status).toBe(404)
  })

  it('deletes only the version asked for', async () => {
    const base = posted[0]!
    const response = await taxii(server, 'DELETE', `${objectsPath}${String(base.id)}/?match[version]=2024-05-01T00:00:00.000Z`, writerCreds)
    expect(response.status).toBe(200)
    const versions = await taxii<{ versions: string[] }>(server, 'GET', `${objectsPath}${String(base.id)}/versions/`, readerCreds)
    expect(versions.body.versions).toEqual(['2024-04-01T09:00:00.000Z', '2024-06-01T00:00:00.000Z'])
  })

  it('answers an unknown TAXII path with a TAXII 404', async () => {
    const response = await taxii<{ http_status: string }>(server, 'GET', '/taxii2/kamae/channels/', readerCreds)
    expect(response.status).toBe(404)
    expect(response.contentType).toBe(TAXII_MEDIA_TYPE)
    expect(response.body.http_status).toBe('404')
  })
})
