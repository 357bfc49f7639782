import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { ApiClient } from '../../../test/support/client.js'
import { makeUser } from '../../../test/support/factories.js'
import { objectTexts } from './bundle-text.js'
import { bundleOf, indicator, loggedIn, makeIsac, makeMember, marked, newId, uploadBundle, type Community, type Member, type Stix } from './test-fixtures.js'

// The STIX store through the API (issue 5 §1), on a real server and database: versions, JSON kept
// exactly as received, all-or-nothing validation, the indexed observables, search and export.

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}
interface Detail {
  id: string
  versions: { version: string; modified: string | null; tlp: string; json: string; object: Stix; observables: { kind: string; value: string }[]; producer: { id: string } | null }[]
}
interface List {
  total: number
  items: { id: string; name: string | null; tlp: string; version: string }[]
}

describe('the STIX store', () => {
  let server: TestServer
  let producer: Member
  let community: Community

  beforeAll(async () => {
    server = await startTestServer()
    producer = await makeMember(server, 'Kamome Shinkin')
    community = await makeIsac(server, [producer])
  })
  afterAll(() => server.close())

  it('keeps every version of an object, each with its JSON exactly as received', async () => {
    const id = newId('indicator')
    // Spacing, key order, escapes and number spelling as a producer's tool wrote them.
    const text = `{"type":"bundle","id":"${newId('bundle')}","objects":[
      {"id":"${id}","type":"indicator","spec_version":"2.1","created":"2024-04-01T09:00:00.000Z","modified":"2024-04-01T09:00:00.000Z",
       "name":"C2 \\u30b5\\u30fc\\u30d0\\u30fc","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2024-04-01T00:00:00Z","confidence":80},
      {  "type" : "indicator", "id":"${id}", "spec_version":"2.1","created":"2024-04-01T09:00:00.000Z","modified":"2024-04-02T10:30:00.123456Z",
         "name":"C2 server (updated)","pattern":"[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'c2.evil.example']","pattern_type":"stix","valid_from":"2024-04-01T00:00:00Z"}
    ]}`
    const uploaded = await uploadBundle(producer.client, community.collectionId, text)
    expect(uploaded.status, uploaded.text).toBe(201)
    expect(uploaded.body).toMatchObject({ stored: 2, alreadyStored: 0 })

    const detail = await producer.client.get<Detail>(`/api/v1/intel/objects/${id}`)
    expect(detail.status).toBe(200)
    expect(detail.body.versions.map((v) => v.modified)).toEqual(['2024-04-01T09:00:00.000Z', '2024-04-02T10:30:00.123456Z'])
    expect(detail.body.versions.map((v) => v.json)).toEqual(objectTexts(text))
    expect(detail.body.versions[0]!.object.name).toBe('C2 サーバー')
    expect(detail.body.versions[1]!.observables.map((o) => `${o.kind}:${o.value}`)).toEqual(['ipv4:198.51.100.7', 'domain:c2.evil.example'])

    const list = await producer.client.get<List>(`/api/v1/intel/objects?q=${encodeURIComponent('c2.evil.example')}`)
    expect(list.body.items.map((item) => [item.id, item.version])).toEqual([[id, '2024-04-02T10:30:00.123456Z']])
  })

  it('stores a version once: uploading it again changes nothing', async () => {
    const object = indicator()
    expect((await uploadBundle(producer.client, community.collectionId, bundleOf([object]))).body).toMatchObject({ stored: 1 })
    const again = await uploadBundle(producer.client, community.collectionId, bundleOf([{ ...object, name: 'a different text of the same version' }]))
    expect(again.body).toMatchObject({ stored: 0, alreadyStored: 1 })
    const detail = await producer.client.get<Detail>(`/api/v1/intel/objects/${String(object.id)}`)
    expect(detail.body.versions).toHaveLength(1)
    expect(detail.body.versions[0]!.object.name).toBe(object.name)
  })

  it('keeps a cyber-observable and a marking definition without versions', async () => {
    const address = { type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd', value: '198.51.100.3' }
    const first = await uploadBundle(producer.client, community.collectionId, bundleOf([address]))
    expect(first.body).toMatchObject({ stored: 1 })
    expect((await uploadBundle(producer.client, community.collectionId, bundleOf([address]))).body).toMatchObject({ stored: 0, alreadyStored: 1 })
    const detail = await producer.client.get<Detail>(`/api/v1/intel/objects/${address.id}`)
    expect(detail.body.versions).toHaveLength(1)
    expect(detail.body.versions[0]!.modified).toBeNull()
  })

  it('refuses a bundle whole when one object is invalid, naming the object index and path in Japanese', async () => {
    const good = indicator({ name: 'GOOD-BEFORE' })
    const bad = indicator({ name: 'BAD-ONE', pattern: "[ipv4-addr:value = '198.51.100.9'" })
    const alsoGood = indicator({ name: 'GOOD-AFTER' })
    const refused = await uploadBundle(producer.client, community.collectionId, bundleOf([good, alsoGood, bad]))
    expect(refused.status).toBe(400)
    const body = refused.body as unknown as ErrorBody
    expect(body.error.code).toBe('import_failed')
    expect(body.error.message).toContain('何も保存していません')
    expect(body.error.details.map((d) => d.path)).toEqual(['objects[2].pattern'])
    expect(body.error.details[0]!.message).toMatch(/[ぁ-んァ-ン一-龯]/)
    for (const name of ['GOOD-BEFORE', 'GOOD-AFTER', 'BAD-ONE']) {
      expect((await producer.client.get<List>(`/api/v1/intel/objects?q=${name}`)).body.total).toBe(0)
    }
  })

  it('says the same in English, for each broken object', async () => {
    const english = await loggedIn(server, producer.user, 'en')
    const broken = [indicator(), { ...indicator(), modified: '2020-01-01T00:00:00Z' }, { ...indicator(), pattern_type: undefined }]
    const refused = await uploadBundle(english, community.collectionId, bundleOf(broken))
    expect(refused.status).toBe(400)
    const body = refused.body as unknown as ErrorBody
    expect(body.error.message).toBe('The bundle could not be imported: fix the places listed and import it again (nothing was stored)')
    const paths = body.error.details.map((d) => d.path)
    expect(paths).toContain('objects[1].modified')
    expect(paths).toContain('objects[2].pattern_type')
    expect(paths.every((p) => !p.startsWith('objects[0]'))).toBe(true)
  })

  it('refuses what is not a bundle, and a file that is not JSON', async () => {
    const notBundle = await uploadBundle(producer.client, community.collectionId, indicator())
    expect((notBundle.body as unknown as ErrorBody).error.details[0]!.path).toBe('type')
    const notJson = await uploadBundle(producer.client, community.collectionId, '{"type": "bundle", ')
    expect(notJson.status).toBe(400)
    expect((notJson.body as unknown as ErrorBody).error.details[0]!.path).toBe('$')
  })

  it('stores an unmarked object under the collection default, a marked one under its own label, and a chosen label as a floor', async () => {
    const unmarked = indicator({ name: 'UNMARKED' })
    const clear = marked(indicator({ name: 'MARKED-CLEAR' }), 'clear')
    const red = marked(indicator({ name: 'MARKED-RED' }), 'red')
    expect((await uploadBundle(producer.client, community.collectionId, bundleOf([unmarked, clear, red]))).status).toBe(201)
    const labels = async (q: string) => (await producer.client.get<List>(`/api/v1/intel/objects?q=${q}`)).body.items.map((i) => i.tlp)
    expect(await labels('UNMARKED')).toEqual(['green'])
    expect(await labels('MARKED-CLEAR')).toEqual(['clear'])
    expect(await labels('MARKED-RED')).toEqual(['red'])

    const floor = marked(indicator({ name: 'FLOOR-CLEAR' }), 'clear')
    const other = await makeMember(server, 'Recipient Bank')
    const uploaded = await uploadBundle(producer.client, community.collectionId, bundleOf([floor]), { tlp: 'amber', orgIds: other.orgId })
    expect(uploaded.status, uploaded.text).toBe(201)
    expect(await labels('FLOOR-CLEAR')).toEqual(['amber'])
  })

  it('finds objects by type and label, and exports what it finds as received', async () => {
    const malware = { type: 'malware', spec_version: '2.1', id: newId('malware'), created: '2024-05-01T00:00:00.000Z', modified: '2024-05-01T00:00:00.000Z', name: 'EXPORT-MALWARE', is_family: true }
    const text = JSON.stringify(bundleOf([malware]), null, 3)
    const uploaded = await uploadBundle(producer.client, community.collectionId, text)
    expect(uploaded.status, uploaded.text).toBe(201)
    const byType = await producer.client.get<List>('/api/v1/intel/objects?type=malware')
    expect(byType.body.items.map((i) => i.name)).toEqual(['EXPORT-MALWARE'])
    expect((await producer.client.get<List>('/api/v1/intel/objects?type=malware&tlp=red')).body.total).toBe(0)

    const exported = await producer.client.get<{ type: string; objects: Stix[] }>('/api/v1/intel/export?type=malware')
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-type')).toBe('application/stix+json;version=2.1')
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(exported.body.type).toBe('bundle')
    expect(objectTexts(exported.text)).toEqual(objectTexts(text))
  })

  it('imports a MISP event: its matchable attributes as indicators under their tags’ labels, the rest named', async () => {
    const event = {
      Event: {
        uuid: '5f0c2b4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
        info: 'MISP-IMPORTED phishing wave',
        date: '2024-04-30',
        Tag: [{ name: 'tlp:green' }],
        Attribute: [
          { type: 'ip-dst', value: '198.51.100.77', uuid: 'aaaaaaaa-0000-4000-8000-000000000001', to_ids: true },
          { type: 'domain', value: 'misp.evil.example', uuid: 'aaaaaaaa-0000-4000-8000-000000000002', to_ids: true, Tag: [{ name: 'tlp:clear' }] },
          { type: 'comment', value: 'analyst note', to_ids: false },
        ],
      },
    }
    const form = new FormData()
    form.append('file', new Blob([JSON.stringify(event)], { type: 'application/json' }), 'event.json')
    const english = await loggedIn(server, producer.user, 'en')
    const imported = await english.request<{ stored: number; leftOut: { path: string; message: string }[] }>('POST', `/api/v1/intel/collections/${community.collectionId}/imports?format=misp`, form)
    expect(imported.status, imported.text).toBe(201)
    expect(imported.body.leftOut).toEqual([{ path: 'Event.Attribute[2].type', message: expect.stringContaining('left out') }])
    const ip = await producer.client.get<List>('/api/v1/intel/objects?q=198.51.100.77')
    const domain = await producer.client.get<List>('/api/v1/intel/objects?q=misp.evil.example')
    expect([ip.body.items[0]?.tlp, domain.body.items[0]?.tlp]).toEqual(['green', 'clear'])
  })

  it('imports a CSV list of indicators, naming the rows it leaves out by line and column', async () => {
    const csv = 'type,value,name\nipv4,192.0.2.55,CSV-IMPORTED-1\nsha256,not-a-hash,CSV-IMPORTED-2\ndomain,csv.evil.example,CSV-IMPORTED-3\n'
    const form = new FormData()
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'list.csv')
    const imported = await producer.client.request<{ leftOut: { path: string }[] }>('POST', `/api/v1/intel/collections/${community.collectionId}/imports?format=csv&tlp=clear`, form)
    expect(imported.status, imported.text).toBe(201)
    expect(imported.body.leftOut.map((e) => e.path)).toEqual(['line 3, value'])
    const found = await producer.client.get<List>('/api/v1/intel/objects?q=CSV-IMPORTED')
    expect(found.body.items.map((i) => [i.name, i.tlp]).sort()).toEqual([
      ['CSV-IMPORTED-1', 'clear'],
      ['CSV-IMPORTED-3', 'clear'],
    ])
  })

  it('lets no one but a writer upload into a collection', async () => {
    const outsider = await makeMember(server, 'Outsider Bank')
    const refused = await uploadBundle(outsider.client, community.collectionId, bundleOf([indicator()]))
    expect(refused.status).toBe(404)
    const viewer = new ApiClient(server)
    const viewerUser = await makeUser(server.ctx, producer.orgId, 'viewer')
    await viewer.login(viewerUser.email, viewerUser.password)
    expect((await uploadBundle(viewer, community.collectionId, bundleOf([indicator()]))).status).toBe(403)
  })
})
