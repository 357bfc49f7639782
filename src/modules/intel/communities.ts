import { randomUUID } from 'node:crypto'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import { conflict, invalid, type ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import type { Actor } from '../identity/actor.js'
import { assertCanManageCollection, assertCanManageGroup, assertIsacAdmin, assertOrgAdmin, missing, visibleCollection } from './permissions.js'
import * as repo from './repository.js'
import type { CommunityKind } from './schema.js'
import { orgView, type OrgView } from './service.js'
import { readerContext, type CollectionAccess } from './store.js'
import type { TlpLevel } from './tlp.js'

// The communities intelligence is shared in (issue 5 §2): an ISAC and its member institutions,
// sharing groups (named sets of organisations), and the TAXII collections that belong to either,
// with per-organisation read / write rights. What goes into them is decided by TLP 2.0 per object.

export const TAXII_API_ROOT = '/taxii2/kamae/'

export interface CommunityView {
  kind: CommunityKind
  id: string
  name: Localized
  owner: OrgView
  /** The caller's organisation owns (is the ISAC, created the group) or is a member. */
  role: 'owner' | 'member'
}

export interface CollectionView {
  id: string
  title: string
  description: string | null
  community: { kind: CommunityKind; id: string; name: Localized }
  owner: OrgView
  defaultTlp: TlpLevel
  membersCanRead: boolean
  membersCanWrite: boolean
  canRead: boolean
  canWrite: boolean
  manages: boolean
  /** The collection on Kamae's TAXII 2.1 server. */
  taxiiUrl: string
  createdAt: Date
  /** Organisations granted rights by name: shown to the owner only. */
  rights: { org: OrgView; canRead: boolean; canWrite: boolean }[] | null
}

export interface GroupView {
  id: string
  name: string
  description: string | null
  owner: OrgView
  members: OrgView[]
  manages: boolean
  createdAt: Date
}

const problem = (path: string, message: Localized): ErrorDetail => ({ path, message })
const invalidOne = (path: string, message: Localized) => invalid(message, [problem(path, message)])

// ---------------------------------------------------------------- communities

async function communityNames(db: Queryable, collections: repo.CollectionRow[]): Promise<Map<string, Localized>> {
  const orgs = await repo.organisationsByIds(
    db,
    collections.filter((c) => c.communityKind === 'isac').map((c) => c.communityId),
  )
  const groups = await repo.groupsByIds(
    db,
    collections.filter((c) => c.communityKind === 'group').map((c) => c.communityId),
  )
  const names = new Map<string, Localized>()
  for (const org of orgs.values()) names.set(org.id, { ja: org.nameJa, en: org.nameEn })
  for (const group of groups) names.set(group.id, { ja: group.name, en: group.name })
  return names
}

/** The ISACs and sharing groups the caller's organisation is in, and the organisations it shares them with. */
export async function listCommunities(ctx: AppContext, actor: Actor): Promise<{ communities: CommunityView[]; organisations: OrgView[] }> {
  const context = await readerContext(ctx.db, actor)
  const isacIds = actor.orgKind === 'isac' ? [actor.orgId, ...context.isacIds] : context.isacIds
  const isacs = await repo.organisationsByIds(ctx.db, isacIds)
  const groups = await repo.groupsByIds(ctx.db, context.groupIds)
  const owners = await repo.organisationsByIds(
    ctx.db,
    groups.map((g) => g.ownerOrgId),
  )
  const communities: CommunityView[] = [
    ...[...isacs.values()].map((isac) => ({ kind: 'isac' as const, id: isac.id, name: { ja: isac.nameJa, en: isac.nameEn }, owner: orgView(isac), role: isac.id === actor.orgId ? ('owner' as const) : ('member' as const) })),
    ...groups.map((group) => ({
      kind: 'group' as const,
      id: group.id,
      name: { ja: group.name, en: group.name },
      owner: orgView(owners.get(group.ownerOrgId)!),
      role: group.ownerOrgId === actor.orgId ? ('owner' as const) : ('member' as const),
    })),
  ]
  const fellows = await repo.fellowOrganisations(ctx.db, [...isacIds, ...context.groupIds])
  return { communities, organisations: fellows.map(orgView) }
}

// ---------------------------------------------------------------- ISAC members

export async function listIsacMembers(ctx: AppContext, actor: Actor): Promise<{ org: OrgView; sector: string | null; addedAt: Date }[]> {
  assertIsacAdmin(actor)
  const rows = await repo.isacMembers(ctx.db, actor.orgId)
  return rows.map((row) => ({ org: orgView(row.org), sector: row.sector, addedAt: row.addedAt }))
}

/** An ISAC's admin adds a member institution. */
export async function addIsacMember(ctx: AppContext, actor: Actor, orgId: string): Promise<{ org: OrgView; sector: string | null; addedAt: Date }[]> {
  assertIsacAdmin(actor)
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const org = await repo.findOrganisation(tx, orgId)
    if (!org) throw missing('organisation')
    if (org.kind !== 'institution') throw invalidOne('params.orgId', { ja: 'ISAC の会員にできるのは金融機関だけです', en: 'Only institutions become members of an ISAC' })
    if (await repo.addIsacMember(tx, { isacOrgId: actor.orgId, memberOrgId: orgId, addedBy: actor.userId, addedAt: now })) {
      await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.isac_member_added', target: { type: 'organisation', id: orgId }, at: now })
    }
  })
  return listIsacMembers(ctx, actor)
}

export async function removeIsacMember(ctx: AppContext, actor: Actor, orgId: string): Promise<void> {
  assertIsacAdmin(actor)
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    if (!(await repo.removeIsacMember(tx, actor.orgId, orgId))) throw missing('organisation')
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.isac_member_removed', target: { type: 'organisation', id: orgId }, at: now })
  })
}

// ---------------------------------------------------------------- sharing groups

async function groupViews(db: Queryable, actor: Actor, groups: repo.GroupRow[]): Promise<GroupView[]> {
  const members = await repo.groupMembers(
    db,
    groups.map((g) => g.id),
  )
  const owners = await repo.organisationsByIds(
    db,
    groups.map((g) => g.ownerOrgId),
  )
  return groups.map((group) => ({
    id: group.id,
    name: group.name,
    description: group.description,
    owner: orgView(owners.get(group.ownerOrgId)!),
    members: members.filter((m) => m.groupId === group.id).map((m) => orgView(m.org)),
    manages: group.ownerOrgId === actor.orgId && actor.role === 'admin',
    createdAt: group.createdAt,
  }))
}

/** A group the caller's organisation belongs to, or not found. */
async function memberGroup(db: Queryable, actor: Actor, id: string): Promise<repo.GroupRow> {
  const group = await repo.findGroup(db, id)
  if (!group || !(await repo.groupsOfMember(db, actor.orgId)).includes(id)) throw missing('sharing_group')
  return group
}

export async function listGroups(ctx: AppContext, actor: Actor): Promise<GroupView[]> {
  return groupViews(ctx.db, actor, await repo.groupsByIds(ctx.db, await repo.groupsOfMember(ctx.db, actor.orgId)))
}

export async function getGroup(ctx: AppContext, actor: Actor, id: string): Promise<GroupView> {
  return (await groupViews(ctx.db, actor, [await memberGroup(ctx.db, actor, id)]))[0]!
}

/** A new sharing group owned (and managed) by the caller's organisation, which is its first member. */
export async function createGroup(ctx: AppContext, actor: Actor, input: { name: string; description?: string | null; memberOrgIds?: string[] }): Promise<GroupView> {
  assertOrgAdmin(actor)
  const name = input.name.trim()
  if (!name) throw invalidOne('body.name', { ja: 'グループ名を入力してください', en: 'Give the group a name' })
  const members = [...new Set([actor.orgId, ...(input.memberOrgIds ?? [])])]
  const id = randomUUID()
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const orgs = await repo.organisationsByIds(tx, members)
    const problems = (input.memberOrgIds ?? []).flatMap((orgId, i) => (orgs.has(orgId) ? [] : [problem(`body.memberOrgIds[${i}]`, { ja: '存在しない組織です', en: 'no such organisation' })]))
    if (problems.length > 0) throw invalid(problems[0]!.message, problems)
    await repo.insertGroup(tx, { id, ownerOrgId: actor.orgId, name, description: input.description?.trim() || null, createdBy: actor.userId, createdAt: now })
    for (const orgId of members) await repo.addGroupMember(tx, { groupId: id, orgId, addedAt: now })
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.group_created', target: { type: 'intel_sharing_group', id }, after: { name, members }, at: now })
  })
  return getGroup(ctx, actor, id)
}

export async function updateGroup(ctx: AppContext, actor: Actor, id: string, input: { name?: string; description?: string | null }): Promise<GroupView> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const group = await memberGroup(tx, actor, id)
    assertCanManageGroup(actor, group)
    const name = input.name?.trim()
    if (input.name !== undefined && !name) throw invalidOne('body.name', { ja: 'グループ名を入力してください', en: 'Give the group a name' })
    const changes = { ...(name ? { name } : {}), ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}) }
    await repo.updateGroup(tx, id, changes)
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.group_updated', target: { type: 'intel_sharing_group', id }, before: group, after: changes, at: now })
  })
  return getGroup(ctx, actor, id)
}

export async function addGroupMember(ctx: AppContext, actor: Actor, id: string, orgId: string): Promise<GroupView> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const group = await memberGroup(tx, actor, id)
    assertCanManageGroup(actor, group)
    if (!(await repo.findOrganisation(tx, orgId))) throw missing('organisation')
    if (await repo.addGroupMember(tx, { groupId: id, orgId, addedAt: now })) {
      await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.group_member_added', target: { type: 'intel_sharing_group', id }, details: { orgId }, at: now })
    }
  })
  return getGroup(ctx, actor, id)
}

export async function removeGroupMember(ctx: AppContext, actor: Actor, id: string, orgId: string): Promise<GroupView> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const group = await memberGroup(tx, actor, id)
    assertCanManageGroup(actor, group)
    if (orgId === group.ownerOrgId) throw conflict('group_owner', { ja: 'グループを作成した組織は外せません', en: 'The owner of a group stays in it' })
    if (!(await repo.removeGroupMember(tx, id, orgId))) throw missing('organisation')
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.group_member_removed', target: { type: 'intel_sharing_group', id }, details: { orgId }, at: now })
  })
  return getGroup(ctx, actor, id)
}

// ---------------------------------------------------------------- collections

async function collectionViews(db: Queryable, accesses: CollectionAccess[]): Promise<CollectionView[]> {
  const collections = accesses.map((a) => a.collection)
  const names = await communityNames(db, collections)
  const owners = await repo.organisationsByIds(
    db,
    collections.map((c) => c.ownerOrgId),
  )
  const views: CollectionView[] = []
  for (const access of accesses) {
    const c = access.collection
    const rights = access.owns ? await repo.rightsOf(db, c.id) : null
    views.push({
      id: c.id,
      title: c.title,
      description: c.description,
      community: { kind: c.communityKind, id: c.communityId, name: names.get(c.communityId) ?? { ja: '', en: '' } },
      owner: orgView(owners.get(c.ownerOrgId)!),
      defaultTlp: c.defaultTlp,
      membersCanRead: c.membersCanRead,
      membersCanWrite: c.membersCanWrite,
      canRead: access.canRead,
      canWrite: access.canWrite,
      manages: access.owns,
      taxiiUrl: `${TAXII_API_ROOT}collections/${c.id}/`,
      createdAt: c.createdAt,
      rights: rights ? rights.map((r) => ({ org: orgView(r.org), canRead: r.canRead, canWrite: r.canWrite })) : null,
    })
  }
  return views
}

/** The collections the caller may read or write, or manages. */
export async function listCollections(ctx: AppContext, actor: Actor): Promise<CollectionView[]> {
  const context = await readerContext(ctx.db, actor)
  const visible = [...context.collections.values()].filter((a) => a.canRead || a.canWrite || a.owns)
  return collectionViews(ctx.db, visible)
}

export async function getCollection(ctx: AppContext, actor: Actor, id: string): Promise<CollectionView> {
  const context = await readerContext(ctx.db, actor)
  return (await collectionViews(ctx.db, [visibleCollection(context.collections.get(id))]))[0]!
}

export interface CollectionInput {
  title: string
  description?: string | null
  community: { kind: CommunityKind; id: string }
  defaultTlp: TlpLevel
  membersCanRead?: boolean
  membersCanWrite?: boolean
}

/**
 * A new collection of an ISAC (by the ISAC's admins) or of a sharing group (by the admins of the
 * group's owner), which owns and manages it.
 */
export async function createCollection(ctx: AppContext, actor: Actor, input: CollectionInput): Promise<CollectionView> {
  assertOrgAdmin(actor)
  const title = input.title.trim()
  if (!title) throw invalidOne('body.title', { ja: 'コレクション名を入力してください', en: 'Give the collection a title' })
  const id = randomUUID()
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    if (input.community.kind === 'isac') {
      if (input.community.id !== actor.orgId || actor.orgKind !== 'isac') {
        throw invalidOne('body.community.id', { ja: 'ISAC のコレクションは その ISAC の管理者が作成します', en: "An ISAC's collections are created by the ISAC's admins" })
      }
    } else {
      const group = await memberGroup(tx, actor, input.community.id)
      assertCanManageGroup(actor, group)
    }
    const row = {
      id,
      communityKind: input.community.kind,
      communityId: input.community.id,
      ownerOrgId: actor.orgId,
      title,
      description: input.description?.trim() || null,
      defaultTlp: input.defaultTlp,
      membersCanRead: input.membersCanRead ?? true,
      membersCanWrite: input.membersCanWrite ?? false,
      createdBy: actor.userId,
      createdAt: now,
    }
    await repo.insertCollection(tx, row)
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.collection_created', target: { type: 'intel_collection', id }, after: row, at: now })
  })
  return getCollection(ctx, actor, id)
}

async function managedCollection(db: Queryable, actor: Actor, id: string): Promise<CollectionAccess> {
  const context = await readerContext(db, actor)
  const access = visibleCollection(context.collections.get(id))
  assertCanManageCollection(actor, access)
  return access
}

export async function updateCollection(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { title?: string; description?: string | null; defaultTlp?: TlpLevel; membersCanRead?: boolean; membersCanWrite?: boolean },
): Promise<CollectionView> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    const { collection } = await managedCollection(tx, actor, id)
    const title = input.title?.trim()
    if (input.title !== undefined && !title) throw invalidOne('body.title', { ja: 'コレクション名を入力してください', en: 'Give the collection a title' })
    const changes = {
      ...(title ? { title } : {}),
      ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
      ...(input.defaultTlp ? { defaultTlp: input.defaultTlp } : {}),
      ...(input.membersCanRead !== undefined ? { membersCanRead: input.membersCanRead } : {}),
      ...(input.membersCanWrite !== undefined ? { membersCanWrite: input.membersCanWrite } : {}),
    }
    await repo.updateCollection(tx, id, changes)
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.collection_updated', target: { type: 'intel_collection', id }, before: collection, after: changes, at: now })
  })
  return getCollection(ctx, actor, id)
}

/** Grants an organisation (a member or anyone else) read and/or write on the collection. */
export async function setCollectionRight(ctx: AppContext, actor: Actor, id: string, orgId: string, right: { canRead: boolean; canWrite: boolean }): Promise<CollectionView> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    await managedCollection(tx, actor, id)
    if (!(await repo.findOrganisation(tx, orgId))) throw missing('organisation')
    await repo.setRight(tx, { collectionId: id, orgId, canRead: right.canRead, canWrite: right.canWrite })
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.collection_right_set', target: { type: 'intel_collection', id }, details: { orgId, ...right }, at: now })
  })
  return getCollection(ctx, actor, id)
}

export async function removeCollectionRight(ctx: AppContext, actor: Actor, id: string, orgId: string): Promise<CollectionView> {
  const now = ctx.clock()
  await ctx.db.transaction(async (tx) => {
    await managedCollection(tx, actor, id)
    if (!(await repo.removeRight(tx, id, orgId))) throw missing('organisation')
    await recordAudit(tx, { actorUserId: actor.userId, orgId: actor.orgId, action: 'intel.collection_right_removed', target: { type: 'intel_collection', id }, details: { orgId }, at: now })
  })
  return getCollection(ctx, actor, id)
}
