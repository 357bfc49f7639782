import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { bundleOf, createToken, indicator, makeIsac, makeMember, taxii, uploadBundle, type Community, type Member, type TaxiiCredentials } from './test-fixtures.js'
import { TLP_LEVELS, type TlpLevel } from './tlp.js'

// TLP 2.0 end to end (issue 5 §2): the producer shares one indicator under each label in its ISAC's
// collection; every kind of reader then asks for it on every read path — the API list and detail,
// the export, and the TAXII objects, manifest, object and versions endpoints. The expectations are
// those of the pure matrix (tlp.test.ts), here through the database, the SQL audience and mayRead.

type ReaderName = 'producer' | 'named person' | 'recipient organisation' | 'client of the recipient' | 'other member' | 'outsider with collection access' | 'outsider'

// reader -> [RED, AMBER+STRICT, AMBER, GREEN, CLEAR]
const EXPECTED: Record<ReaderName, [boolean, boolean, boolean, boolean, boolean]> = {
  producer: [true, true, true, true, true],
  'named person': [true, true, true, true, true],
  'recipient organisation': [false, true, true, true, true],
  'client of the recipient': [false, false, true, false, true], // granted read on the collection: CLEAR
  'other member': [false, false, false, true, true],
  'outsider with collection access': [false, false, false, false, true],
  outsider: [false, false, false, false, false],
}

describe('TLP 2.0 on every read path, for every label and kind of reader', () => {
  let server: TestServer
  let community: Community
  const readers = {} as Record<ReaderName, Member & { taxii: TaxiiCredentials }>
  const ids = {} as Record<TlpLevel, string>

  beforeAll(async () => {
    server = await startTestServer()
    const producer = await makeMember(server, 'Producer Shinkin')
    const named = await makeMember(server, 'Named Person Bank')
    const recipient = await makeMember(server, 'Recipient Bank')
    const client = await makeMember(server, 'SOC Provider')
    const other = await makeMember(server, 'Other Member Bank')
    const granted = await makeMember(server, 'Granted Outsider')
    const outsider = await makeMember(server, 'Outsider Bank')
    // A second person of the recipient organisation: RED names only the first.
    community = await makeIsac(server, [producer, named, recipient, other])
    expect((await community.isacAdmin.client.put(`/api/v1/intel/collections/${community.collectionId}/rights/${granted.orgId}`, { canRead: true, canWrite: false })).status).toBe(200)
    // The client is given read on the collection too: TAXII needs collection rights first.
    expect((await community.isacAdmin.client.put(`/api/v1/intel/collections/${community.collectionId}/rights/${client.orgId}`, { canRead: true, canWrite: false })).status).toBe(200)

    const members: Record<ReaderName, Member> = {
      producer,
      'named person': named,
      'recipient organisation': recipient,
      'client of the recipient': client,
      'other member': other,
      'outsider with collection access': granted,
      outsider,
    }
    for (const [name, member] of Object.entries(members)) readers[name as ReaderName] = { ...member, taxii: { email: member.user.email, token: await createToken(member.client) } }

    for (const tlp of TLP_LEVELS) {
      const object = indicator({ name: `TLP-${tlp.toUpperCase()}-INDICATOR` })
      ids[tlp] = String(object.id)
      const recipients: Record<string, string | string[]> =
        tlp === 'red'
          ? { userIds: named.user.id }
          : tlp === 'amber+strict'
            ? { orgIds: [recipient.orgId, named.orgId] }
            : tlp === 'amber'
              ? { orgIds: [recipient.orgId, named.orgId] }
              : {}
      const uploaded = await uploadBundle(producer.client, community.collectionId, bundleOf([object]), { tlp, ...recipients })
      expect(uploaded.status, uploaded.text).toBe(201)
      if (tlp === 'amber') {
        const shareId = String(uploaded.body.shareId)
        const named = await recipient.client.post(`/api/v1/intel/shares/${shareId}/clients`, { orgIds: [client.orgId] })
        expect(named.status, named.text).toBe(200)
      }
    }
  })
  afterAll(() => server.close())

  const expectedIds = (reader: ReaderName) => TLP_LEVELS.filter((_, i) => EXPECTED[reader][i]).map((tlp) => ids[tlp]).sort()
  const onlyOurs = (found: string[]) => found.filter((id) => Object.values(ids).includes(id)).sort()
  const readerNames = Object.keys(EXPECTED) as ReaderName[]

  it.each(readerNames)('API list: %s', async (name) => {
    const list = await readers[name].client.get<{ items: { id: string }[] }>('/api/v1/intel/objects?q=INDICATOR')
    expect(list.status).toBe(200)
    expect(onlyOurs(list.body.items.map((i) => i.id))).toEqual(expectedIds(name))
  })

  it.each(readerNames)('API detail: %s', async (name) => {
    for (const [i, tlp] of TLP_LEVELS.entries()) {
      const detail = await readers[name].client.get(`/api/v1/intel/objects/${ids[tlp]}`)
      expect(detail.status, `${name} TLP:${tlp}`).toBe(EXPECTED[name][i] ? 200 : 404)
      if (!EXPECTED[name][i]) expect(detail.text).not.toContain(`TLP-${tlp.toUpperCase()}`)
    }
  })

  it.each(readerNames)('export: %s', async (name) => {
    const exported = await readers[name].client.get<{ objects: { id: string }[] }>('/api/v1/intel/export')
    expect(exported.status).toBe(200)
    const exportedIds: string[] = exported.body.objects.map((o) => o.id)
    expect(onlyOurs(exportedIds)).toEqual(expectedIds(name))
  })

  const taxiiIds = async (name: ReaderName, path: string) => {
    const response = await taxii<{ objects?: { id: string }[] }>(server, 'GET', path, readers[name].taxii)
    if (response.status === 404) return []
    expect(response.status, response.text).toBe(200)
    const found: string[] = (response.body.objects ?? []).map((o) => o.id)
    return onlyOurs(found)
  }

  it.each(readerNames)('TAXII objects: %s', async (name) => {
    expect(await taxiiIds(name, `/taxii2/kamae/collections/${community.collectionId}/objects/`)).toEqual(expectedIds(name))
  })

  it.each(readerNames)('TAXII manifest: %s', async (name) => {
    expect(await taxiiIds(name, `/taxii2/kamae/collections/${community.collectionId}/manifest/`)).toEqual(expectedIds(name))
  })

  it.each(readerNames)('TAXII object by id and its versions: %s', async (name) => {
    for (const [i, tlp] of TLP_LEVELS.entries()) {
      const base = `/taxii2/kamae/collections/${community.collectionId}/objects/${ids[tlp]}/`
      const object = await taxii(server, 'GET', base, readers[name].taxii)
      const versions = await taxii(server, 'GET', `${base}versions/`, readers[name].taxii)
      expect([object.status, versions.status], `${name} TLP:${tlp}`).toEqual(EXPECTED[name][i] ? [200, 200] : [404, 404])
      if (!EXPECTED[name][i]) expect(object.text + versions.text).not.toContain(ids[tlp])
    }
  })

  it('hides the collection itself from an organisation without rights or membership', async () => {
    const collections = await taxii<{ collections: { id: string }[] }>(server, 'GET', '/taxii2/kamae/collections/', readers.outsider.taxii)
    expect(collections.body.collections).toEqual([])
    expect((await taxii(server, 'GET', `/taxii2/kamae/collections/${community.collectionId}/`, readers.outsider.taxii)).status).toBe(404)
  })

  it('names no clients for AMBER+STRICT', async () => {
    const strict = await readers.producer.client.get<{ versions: { share: { id: string } }[] }>(`/api/v1/intel/objects/${ids['amber+strict']}`)
    const refused = await readers['recipient organisation'].client.post(`/api/v1/intel/shares/${strict.body.versions[0]!.share.id}/clients`, {
      orgIds: [readers['client of the recipient'].orgId],
    })
    expect(refused.status).toBe(400)
  })
})
