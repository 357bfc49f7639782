import { bigint, bigserial, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { Localized } from '../../i18n/locale.js'
import type { TlpLevel } from './tlp.js'

// Tables of the intel module's store, sharing and TAXII (migrations/0009_intel.sql is the source of truth).

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const tlp = (name: string) => text(name).$type<TlpLevel>()

export const COMMUNITY_KINDS = ['isac', 'group'] as const
export type CommunityKind = (typeof COMMUNITY_KINDS)[number]
export const SHARE_VIAS = ['upload', 'taxii', 'report', 'subscription'] as const
export type ShareVia = (typeof SHARE_VIAS)[number]
export const RECIPIENT_KINDS = ['org', 'user', 'client'] as const
export type RecipientKind = (typeof RECIPIENT_KINDS)[number]

export const intelIsacMembers = pgTable(
  'intel_isac_members',
  {
    isacOrgId: uuid('isac_org_id').notNull(),
    memberOrgId: uuid('member_org_id').notNull(),
    addedBy: uuid('added_by'),
    addedAt: ts('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.isacOrgId, t.memberOrgId] })],
)

export const intelSharingGroups = pgTable('intel_sharing_groups', {
  id: uuid('id').primaryKey(),
  ownerOrgId: uuid('owner_org_id').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
})

export const intelSharingGroupMembers = pgTable(
  'intel_sharing_group_members',
  {
    groupId: uuid('group_id').notNull(),
    orgId: uuid('org_id').notNull(),
    addedAt: ts('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.orgId] })],
)

export const intelCollections = pgTable('intel_collections', {
  id: uuid('id').primaryKey(),
  communityKind: text('community_kind', { enum: COMMUNITY_KINDS }).notNull(),
  communityId: uuid('community_id').notNull(),
  ownerOrgId: uuid('owner_org_id').notNull(),
  title: text('title').notNull(),
  description: text('description'),
  defaultTlp: tlp('default_tlp').notNull(),
  membersCanRead: boolean('members_can_read').notNull(),
  membersCanWrite: boolean('members_can_write').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
})

export const intelCollectionRights = pgTable(
  'intel_collection_rights',
  {
    collectionId: uuid('collection_id').notNull(),
    orgId: uuid('org_id').notNull(),
    canRead: boolean('can_read').notNull(),
    canWrite: boolean('can_write').notNull(),
  },
  (t) => [primaryKey({ columns: [t.collectionId, t.orgId] })],
)

export const intelShares = pgTable('intel_shares', {
  id: uuid('id').primaryKey(),
  collectionId: uuid('collection_id').notNull(),
  producerOrgId: uuid('producer_org_id').notNull(),
  producerUserId: uuid('producer_user_id'),
  via: text('via', { enum: SHARE_VIAS }).notNull(),
  tlp: tlp('tlp').notNull(),
  anonymous: boolean('anonymous').notNull().default(false),
  subscriptionId: uuid('subscription_id'),
  createdAt: ts('created_at').notNull(),
})

export const intelShareRecipients = pgTable('intel_share_recipients', {
  shareId: uuid('share_id').notNull(),
  kind: text('kind', { enum: RECIPIENT_KINDS }).notNull(),
  orgId: uuid('org_id'),
  userId: uuid('user_id'),
  namedByOrgId: uuid('named_by_org_id').notNull(),
  addedAt: ts('added_at').notNull(),
})

export const intelObjects = pgTable('intel_objects', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  collectionId: uuid('collection_id').notNull(),
  communityId: uuid('community_id').notNull(),
  shareId: uuid('share_id').notNull(),
  producerOrgId: uuid('producer_org_id').notNull(),
  stixId: text('stix_id').notNull(),
  type: text('type').notNull(),
  specVersion: text('spec_version').notNull(),
  version: text('version').notNull(),
  versionKey: text('version_key').notNull(),
  created: text('created'),
  modified: text('modified'),
  createdByRef: text('created_by_ref'),
  markings: text('markings').array().notNull().default([]),
  tlp: tlp('tlp').notNull(),
  name: text('name'),
  revoked: boolean('revoked').notNull().default(false),
  dateAdded: ts('date_added').notNull(),
  json: text('json').notNull(),
})

export const intelObservables = pgTable('intel_observables', {
  objectSeq: bigint('object_seq', { mode: 'number' }).notNull(),
  kind: text('kind').notNull(),
  operator: text('operator').notNull(),
  value: text('value').notNull(),
})

export const intelApiTokens = pgTable('intel_api_tokens', {
  id: uuid('id').primaryKey(),
  userId: uuid('user_id').notNull(),
  orgId: uuid('org_id').notNull(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  hint: text('hint').notNull(),
  createdAt: ts('created_at').notNull(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
})

/** A TAXII status-details entry (TAXII 2.1 §4.3.1). */
export interface StatusDetail {
  id: string
  version: string
  message?: string
}

export const intelTaxiiStatuses = pgTable('intel_taxii_statuses', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  collectionId: uuid('collection_id').notNull(),
  status: text('status', { enum: ['complete', 'pending'] }).notNull(),
  requestTimestamp: ts('request_timestamp').notNull(),
  totalCount: integer('total_count').notNull(),
  successCount: integer('success_count').notNull(),
  failureCount: integer('failure_count').notNull(),
  pendingCount: integer('pending_count').notNull(),
  successes: jsonb('successes').$type<StatusDetail[]>().notNull(),
  failures: jsonb('failures').$type<StatusDetail[]>().notNull(),
  pendings: jsonb('pendings').$type<StatusDetail[]>().notNull(),
})

/** What the last pull of a subscription did. */
export interface PullResult {
  at: string
  ok: boolean
  pages: number
  received: number
  stored: number
  skipped: number
  /** Why it failed, or which objects were left out (at most a few). */
  problems: Localized[]
}

export const intelSubscriptions = pgTable('intel_subscriptions', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  title: text('title').notNull(),
  apiRootUrl: text('api_root_url').notNull(),
  remoteCollectionId: text('remote_collection_id').notNull(),
  username: text('username').notNull(),
  tokenCiphertext: text('token_ciphertext').notNull(),
  tokenKeyId: text('token_key_id').notNull(),
  collectionId: uuid('collection_id').notNull(),
  tlp: tlp('tlp').notNull(),
  intervalMinutes: integer('interval_minutes').notNull(),
  active: boolean('active').notNull().default(true),
  cursor: text('cursor'),
  nextPullAt: ts('next_pull_at').notNull(),
  pullingSince: ts('pulling_since'),
  lastPullAt: ts('last_pull_at'),
  lastResult: jsonb('last_result').$type<PullResult>(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
})
