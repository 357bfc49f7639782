import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/app.js'
import { makeOrganisation, makeUser } from '../../../test/support/factories.js'
import { initialReport } from '../incident/test-fixtures.js'
import { identityIdOf } from './sharing.js'
import { bundleOf, createToken, indicator, loggedIn, makeIsac, makeMember, taxii, uploadBundle, type Community, type Envelope, type Member, type Stix } from './test-fixtures.js'
import { TLP2_MARKING_IDS } from './tlp.js'

// Sharing under TLP 2.0 through the API (issue 5 §2): the ISAC's members, reports shared from an
// incident or from indicators (anonymous to members, or not), the recipients each label admits,
// sharing groups and their collections, and rights granted to an organisation by name.

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] }
}
interface Report {
  shareId: string
  reportId: string
  objects: { id: string; type: string }[]
}
interface Detail {
  versions: { producer: { id: string } | null; object: Stix; json: string; share: { anonymous: boolean }; recipients: unknown }[]
}

describe('sharing under TLP 2.0', () => {
  let server: TestServer
  let producer: Member
  let member: Member
  let community: Community

  beforeAll(async () => {
    server = await startTestServer()
    producer = await makeMember(server, 'Kamome Shinkin')
    member = await makeMember(server, 'Umineko Bank')
    community = await makeIsac(server, [producer, member])
  })
  afterAll(() => server.close())

  // ---------------------------------------------------------------- the ISAC and its members

  it('lets the ISAC’s admin add and remove members, and no one else', async () => {
    const newcomer = await makeMember(server, 'Newcomer Credit Union')
    expect((await producer.client.put(`/api/v1/intel/isac/members/${newcomer.orgId}`)).status).toBe(403)
    const isacEditor = await loggedIn(server, await makeUser(server.ctx, community.isacId, 'editor'))
    expect((await isacEditor.put(`/api/v1/intel/isac/members/${newcomer.orgId}`)).status).toBe(403)
    const added = await community.isacAdmin.client.put<{ org: { id: string } }[]>(`/api/v1/intel/isac/members/${newcomer.orgId}`)
    expect(added.body.map((m) => m.org.id).sort()).toEqual([producer.orgId, member.orgId, newcomer.orgId].sort())
    const supervisor = (await makeOrganisation(server.ctx, { kind: 'supervisor', name: 'Bureau' })).id
    expect((await community.isacAdmin.client.put(`/api/v1/intel/isac/members/${supervisor}`)).status).toBe(400)
    expect((await community.isacAdmin.client.delete(`/api/v1/intel/isac/members/${newcomer.orgId}`)).status).toBe(200)
    expect((await community.isacAdmin.client.delete(`/api/v1/intel/isac/members/${newcomer.orgId}`)).status).toBe(404)
  })

  it('shows a member its communities and the organisations in them', async () => {
    const communities = await member.client.get<{ communities: { kind: string; id: string; role: string }[]; organisations: { id: string }[] }>('/api/v1/intel/communities')
    expect(communities.body.communities).toEqual([expect.objectContaining({ kind: 'isac', id: community.isacId, role: 'member' })])
    expect(communities.body.organisations.map((o) => o.id).sort()).toEqual([community.isacId, producer.orgId, member.orgId].sort())
  })

  // ---------------------------------------------------------------- reports

  it('shares an incident as a report anonymous to members: the ISAC is its author, the producer is known to no one else', async () => {
    const incident = await producer.client.post<{ id: string }>('/api/v1/incidents', { content: initialReport(new Date(server.ctx.clock().getTime() - 3_600_000)), submit: true })
    expect(incident.status).toBe(201)
    const shared = await producer.client.post<Report>('/api/v1/intel/reports', {
      collectionId: community.collectionId,
      tlp: 'green',
      anonymous: true,
      incidentId: incident.body.id,
      indicators: [
        { kind: 'ipv4', value: '203.0.113.10' },
        { kind: 'domain', value: 'Login-Kamome.example' },
        { kind: 'sha256', value: 'A'.repeat(64), name: 'dropper' },
      ],
    })
    expect(shared.status, shared.text).toBe(201)
    expect(shared.body.objects.map((o) => o.type)).toEqual(['identity', 'marking-definition', 'incident', 'indicator', 'indicator', 'indicator', 'report'])

    const seen = await member.client.get<Detail>(`/api/v1/intel/objects/${shared.body.reportId}`)
    expect(seen.status).toBe(200)
    const report = seen.body.versions[0]!
    expect(report.producer).toBeNull()
    expect(report.recipients).toBeNull()
    expect(report.object).toMatchObject({
      name: 'インターネットバンキングへの不正ログイン',
      labels: ['unauthorised_access'],
      created_by_ref: identityIdOf(community.isacId),
      object_marking_refs: [TLP2_MARKING_IDS.green],
    })
    expect((report.object.object_refs as string[]).length).toBe(4)
    // Nothing a member can reach names the producer.
    const exported = await member.client.get('/api/v1/intel/export')
    const memberToken = { email: member.user.email, token: await createToken(member.client) }
    const served = await taxii(server, 'GET', `/taxii2/kamae/collections/${community.collectionId}/objects/`, memberToken)
    for (const text of [seen.text, exported.text, served.text]) {
      expect(text).not.toContain(producer.orgId)
      expect(text).not.toContain(identityIdOf(producer.orgId))
      expect(text).not.toContain('Kamome Shinkin')
    }
    // The producer still sees that the report is its own.
    const own = await producer.client.get<Detail>(`/api/v1/intel/objects/${shared.body.reportId}`)
    expect(own.body.versions[0]!.producer?.id).toBe(producer.orgId)
    expect(own.body.versions[0]!.share.anonymous).toBe(true)
  })

  it('shares indicators as a report under the producer’s own name', async () => {
    const shared = await producer.client.post<Report>('/api/v1/intel/reports', {
      collectionId: community.collectionId,
      tlp: 'clear',
      title: 'Phishing wave, week 14',
      indicators: [{ kind: 'url', value: 'https://login-kamome.example/verify' }, { pattern: "[email-addr:value = 'phisher@evil.example']" }],
    })
    expect(shared.status, shared.text).toBe(201)
    const seen = await member.client.get<Detail>(`/api/v1/intel/objects/${shared.body.reportId}`)
    expect(seen.body.versions[0]!.producer?.id).toBe(producer.orgId)
    expect(seen.body.versions[0]!.object.created_by_ref).toBe(identityIdOf(producer.orgId))
    const identity = await member.client.get<Detail>(`/api/v1/intel/objects/${identityIdOf(producer.orgId)}`)
    expect(identity.body.versions[0]!.object).toMatchObject({ type: 'identity', name: 'Kamome Shinkin', identity_class: 'organization' })
  })

  it('names the indicator that is wrong, and stores nothing', async () => {
    const english = await loggedIn(server, producer.user, 'en')
    const refused = await english.post<ErrorBody>('/api/v1/intel/reports', {
      collectionId: community.collectionId,
      tlp: 'green',
      title: 'REFUSED-REPORT',
      indicators: [{ kind: 'ipv4', value: '203.0.113.7' }, { kind: 'ipv4', value: '300.1.2.3' }, { pattern: "[ipv4-addr:value = '1.2.3.4'" }],
    })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details).toEqual([{ path: 'body.indicators[1].value', message: 'not an IPv4 address or CIDR block: 300.1.2.3' }])
    const badPattern = await english.post<ErrorBody>('/api/v1/intel/reports', {
      collectionId: community.collectionId,
      tlp: 'green',
      title: 'REFUSED-REPORT',
      indicators: [{ kind: 'ipv4', value: '203.0.113.7' }, { pattern: "[ipv4-addr:value = '1.2.3.4'" }],
    })
    expect(badPattern.status).toBe(400)
    expect(badPattern.body.error.details[0]!.path).toBe('body.indicators[1].pattern')
    expect((await producer.client.get<{ total: number }>('/api/v1/intel/objects?q=REFUSED-REPORT')).body.total).toBe(0)
  })

  it('asks for the recipients a label needs, and refuses those it does not admit', async () => {
    const base = { collectionId: community.collectionId, title: 'x', indicators: [{ kind: 'ipv4', value: '203.0.113.8' }] }
    const red = await producer.client.post<ErrorBody>('/api/v1/intel/reports', { ...base, tlp: 'red' })
    expect(red.body.error.details.map((d) => d.path)).toEqual(['body.recipients.orgIds'])
    const green = await producer.client.post<ErrorBody>('/api/v1/intel/reports', { ...base, tlp: 'green', recipients: { orgIds: [member.orgId] } })
    expect(green.body.error.details.map((d) => d.path)).toEqual(['body.recipients.orgIds'])
    const strict = await producer.client.post<ErrorBody>('/api/v1/intel/reports', { ...base, tlp: 'amber+strict', recipients: { orgIds: [member.orgId], clientOrgIds: [member.orgId] } })
    expect(strict.body.error.details.map((d) => d.path)).toEqual(['body.recipients.clientOrgIds'])
    const unknown = await producer.client.post<ErrorBody>('/api/v1/intel/reports', { ...base, tlp: 'amber', recipients: { orgIds: ['00000000-0000-4000-8000-000000000001'] } })
    expect(unknown.body.error.details.map((d) => d.path)).toEqual(['body.recipients.orgIds[0]'])
    const redToOne = await producer.client.post<Report>('/api/v1/intel/reports', { ...base, tlp: 'red', title: 'RED-FOR-MEMBER', recipients: { userIds: [member.user.id] } })
    expect(redToOne.status).toBe(201)
    const own = await producer.client.get<{ versions: { recipients: { userIds: string[] } }[] }>(`/api/v1/intel/objects/${redToOne.body.reportId}`)
    expect(own.body.versions[0]!.recipients.userIds).toEqual([member.user.id])
    expect((await member.client.get(`/api/v1/intel/objects/${redToOne.body.reportId}`)).status).toBe(200)
    const colleague = await loggedIn(server, await makeUser(server.ctx, member.orgId, 'viewer'))
    expect((await colleague.get(`/api/v1/intel/objects/${redToOne.body.reportId}`)).status).toBe(404)
  })

  it('keeps anonymous reports to ISAC collections', async () => {
    const group = await producer.client.post<{ id: string }>('/api/v1/intel/sharing-groups', { name: 'Two banks', memberOrgIds: [member.orgId] })
    expect(group.status).toBe(403) // an editor is not an admin
    const admin = await loggedIn(server, await makeUser(server.ctx, producer.orgId, 'admin'))
    const created = await admin.post<{ id: string }>('/api/v1/intel/sharing-groups', { name: 'Two banks', memberOrgIds: [member.orgId] })
    expect(created.status).toBe(201)
    const collection = await admin.post<{ id: string }>('/api/v1/intel/collections', { title: 'Two banks', community: { kind: 'group', id: created.body.id }, defaultTlp: 'green', membersCanWrite: true })
    expect(collection.status, collection.text).toBe(201)
    const refused = await producer.client.post<ErrorBody>('/api/v1/intel/reports', {
      collectionId: collection.body.id,
      tlp: 'green',
      anonymous: true,
      title: 'x',
      indicators: [{ kind: 'ipv4', value: '203.0.113.9' }],
    })
    expect(refused.status, refused.text).toBe(400)
    expect(refused.body.error.details.map((d) => d.path)).toEqual(['body.anonymous'])
  })

  // ---------------------------------------------------------------- sharing groups and rights

  it('shares GREEN in a sharing group with its members only', async () => {
    const ownerAdmin = await loggedIn(server, await makeUser(server.ctx, member.orgId, 'admin'))
    const partner = await makeMember(server, 'Partner Securities')
    const group = await ownerAdmin.post<{ id: string; members: { id: string }[] }>('/api/v1/intel/sharing-groups', { name: 'Securities link', memberOrgIds: [partner.orgId] })
    expect(group.body.members.map((m) => m.id).sort()).toEqual([member.orgId, partner.orgId].sort())
    const collection = await ownerAdmin.post<{ id: string; community: { kind: string } }>('/api/v1/intel/collections', {
      title: 'Securities link',
      community: { kind: 'group', id: group.body.id },
      defaultTlp: 'green',
      membersCanWrite: true,
    })
    expect(collection.body.community.kind).toBe('group')
    expect((await uploadBundle(partner.client, collection.body.id, bundleOf([indicator({ name: 'GROUP-GREEN' })]))).status).toBe(201)
    expect((await member.client.get<{ total: number }>('/api/v1/intel/objects?q=GROUP-GREEN')).body.total).toBe(1)
    expect((await producer.client.get<{ total: number }>('/api/v1/intel/objects?q=GROUP-GREEN')).body.total).toBe(0)
    // The group is not the producer's to see or manage.
    expect((await producer.client.get(`/api/v1/intel/sharing-groups/${group.body.id}`)).status).toBe(404)
    expect((await partner.client.put(`/api/v1/intel/sharing-groups/${group.body.id}/members/${producer.orgId}`)).status).toBe(403)
    expect((await ownerAdmin.delete(`/api/v1/intel/sharing-groups/${group.body.id}/members/${member.orgId}`)).status).toBe(409)
    // Removed from the group, the partner no longer reads its GREEN.
    expect((await ownerAdmin.delete(`/api/v1/intel/sharing-groups/${group.body.id}/members/${partner.orgId}`)).status).toBe(200)
    expect((await partner.client.get<{ total: number }>('/api/v1/intel/objects?q=GROUP-GREEN')).body.total).toBe(1) // its own upload: the producer always reads its own
  })

  it('grants an outsider CLEAR by a right on the collection, and lets the owner alone manage rights', async () => {
    const outsider = await makeMember(server, 'Outsider Insurance')
    expect((await uploadBundle(producer.client, community.collectionId, bundleOf([indicator({ name: 'FOR-THE-COLLECTION' })]), { tlp: 'clear' })).status).toBe(201)
    expect((await outsider.client.get<{ total: number }>('/api/v1/intel/objects?q=FOR-THE-COLLECTION')).body.total).toBe(0)
    expect((await producer.client.put(`/api/v1/intel/collections/${community.collectionId}/rights/${outsider.orgId}`, { canRead: true, canWrite: false })).status).toBe(403)
    const granted = await community.isacAdmin.client.put<{ rights: { org: { id: string }; canRead: boolean }[] }>(`/api/v1/intel/collections/${community.collectionId}/rights/${outsider.orgId}`, {
      canRead: true,
      canWrite: false,
    })
    expect(granted.body.rights).toEqual([expect.objectContaining({ org: expect.objectContaining({ id: outsider.orgId }), canRead: true })])
    expect((await outsider.client.get<{ total: number }>('/api/v1/intel/objects?q=FOR-THE-COLLECTION')).body.total).toBe(1)
    const collections = await outsider.client.get<{ id: string; canRead: boolean; canWrite: boolean; rights: unknown }[]>('/api/v1/intel/collections')
    expect(collections.body).toEqual([expect.objectContaining({ id: community.collectionId, canRead: true, canWrite: false, rights: null })])
    expect((await community.isacAdmin.client.delete(`/api/v1/intel/collections/${community.collectionId}/rights/${outsider.orgId}`)).status).toBe(200)
    expect((await outsider.client.get<{ total: number }>('/api/v1/intel/objects?q=FOR-THE-COLLECTION')).body.total).toBe(0)
  })

  it('lets only the ISAC create its collections', async () => {
    const admin = await loggedIn(server, await makeUser(server.ctx, producer.orgId, 'admin'))
    const refused = await admin.post<ErrorBody>('/api/v1/intel/collections', { title: 'Mine', community: { kind: 'isac', id: community.isacId }, defaultTlp: 'green' })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details[0]!.path).toBe('body.community.id')
  })

  it('serves a TAXII client the objects a share made, marked as shared', async () => {
    const token = { email: producer.user.email, token: await createToken(producer.client) }
    const envelope = await taxii<Envelope>(server, 'GET', `/taxii2/kamae/collections/${community.collectionId}/objects/?match[type]=marking-definition`, token)
    expect((envelope.body.objects ?? []).map((o) => o.id)).toEqual(expect.arrayContaining([TLP2_MARKING_IDS.green, TLP2_MARKING_IDS.clear]))
  })
})
