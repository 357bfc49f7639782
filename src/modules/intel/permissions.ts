import { AppError, forbidden } from '../../errors.js'
import type { Actor } from '../identity/actor.js'
import type { GroupRow } from './repository.js'
import type { CollectionAccess } from './store.js'

// Who may do what with shared intelligence (DESIGN.md §7: least privilege by role). Reading is
// decided per object by TLP 2.0 (tlp.ts) on top of collection rights; these are the rest. A
// collection, group or subscription the caller cannot see is simply not found.

const ROLE_CAN_SHARE = new Set(['admin', 'editor'])

export const missing = (what: string) =>
  new AppError('not_found', 404, {
    ja: `${JA_NAMES[what] ?? what}が見つかりません`,
    en: `${what.replace(/_/g, ' ')} not found`,
  })

const JA_NAMES: Record<string, string> = {
  object: 'オブジェクト',
  collection: 'コレクション',
  sharing_group: '共有グループ',
  subscription: '購読',
  token: 'API トークン',
  share: '共有',
  organisation: '組織',
  incident: 'インシデント',
}

/** Sharing, uploading, naming clients, posting over TAXII: an editor or admin. */
export function assertCanShare(actor: Actor) {
  if (!ROLE_CAN_SHARE.has(actor.role)) {
    throw forbidden({ ja: '脅威情報を共有する権限がありません（起票者または管理者の役割が必要です）', en: 'Sharing threat intelligence needs the editor or admin role' })
  }
}

/** Managing an ISAC's members: the ISAC's admins. */
export function assertIsacAdmin(actor: Actor) {
  if (actor.orgKind !== 'isac') {
    throw forbidden({ ja: 'この操作は ISAC の管理者のみが行えます', en: 'Only the admins of an ISAC manage its members' })
  }
  assertOrgAdmin(actor)
}

export function assertOrgAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw forbidden({ ja: 'この操作には管理者の役割が必要です', en: 'This needs the admin role' })
}

/** The collection as the caller sees it, or not found. */
export function visibleCollection(access: CollectionAccess | undefined): CollectionAccess {
  if (!access || (!access.canRead && !access.canWrite && !access.owns)) throw missing('collection')
  return access
}

export function assertCanWrite(actor: Actor, access: CollectionAccess) {
  if (!access.canWrite) throw forbidden({ ja: 'このコレクションへの書き込み権限がありません', en: 'You may not write to this collection' })
  assertCanShare(actor)
}

export function assertCanRead(access: CollectionAccess) {
  if (!access.canRead) throw forbidden({ ja: 'このコレクションの読み取り権限がありません', en: 'You may not read this collection' })
}

/** Rights, flags and titles of a collection: the admins of its owner. */
export function assertCanManageCollection(actor: Actor, access: CollectionAccess) {
  if (!access.owns) throw forbidden({ ja: 'コレクションを管理できるのは所有する組織の管理者だけです', en: 'Only the admins of the owning organisation manage a collection' })
  assertOrgAdmin(actor)
}

/** A sharing group's name and members: the admins of its owner. */
export function assertCanManageGroup(actor: Actor, group: GroupRow) {
  if (group.ownerOrgId !== actor.orgId) throw forbidden({ ja: '共有グループを管理できるのは作成した組織の管理者だけです', en: 'Only the admins of the owning organisation manage a sharing group' })
  assertOrgAdmin(actor)
}

/** Deleting objects (TAXII DELETE): what the organisation produced, or anything for the collection's owner. */
export function assertCanDelete(actor: Actor, access: CollectionAccess) {
  assertCanWrite(actor, access)
}
