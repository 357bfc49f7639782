import { Type } from 'typebox'
import { DateTime, Localized, Uuid } from '../../http/schemas.js'
import { COMMUNITY_KINDS, SHARE_VIAS } from './schema.js'
import { TLP_LEVELS } from './tlp.js'

// Request and response schemas of the intel API (typebox). Responses are serialised by these
// schemas, which drop any field not declared: a second guard against leaking a column (the true
// producer of an anonymous report, a subscription's token).

export const Tlp = Type.Enum(TLP_LEVELS)
const OptionalText = Type.Union([Type.String(), Type.Null()])
const Ids = (max: number) => Type.Array(Uuid, { maxItems: max, uniqueItems: true })
const ObservableKind = Type.Enum(['ip', 'ipv4', 'ipv6', 'domain', 'domain-suffix', 'url', 'email', 'md5', 'sha1', 'sha256'])
/** A STIX identifier (`indicator--<uuid>`). */
export const StixId = Type.String({ pattern: '^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', maxLength: 300 })

export const OrgView = Type.Object({ id: Type.String(), name: Localized })

// ---------------------------------------------------------------- objects

const summaryFields = {
  id: Type.String(),
  type: Type.String(),
  name: OptionalText,
  tlp: Tlp,
  version: Type.String(),
  modified: OptionalText,
  dateAdded: Type.String(),
  revoked: Type.Boolean(),
  createdByRef: OptionalText,
  collection: Type.Object({ id: Type.String(), title: Type.String() }),
  producer: Type.Union([OrgView, Type.Null()]),
}
export const ObjectSummary = Type.Object(summaryFields)

export const ObjectList = Type.Object({ total: Type.Integer(), items: Type.Array(ObjectSummary) })

export const ObjectListQuery = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 250 })),
  tlp: Type.Optional(Tlp),
  q: Type.Optional(Type.String({ maxLength: 500 })),
  collectionId: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
})

export const ObjectDetail = Type.Object({
  id: Type.String(),
  type: Type.String(),
  versions: Type.Array(
    Type.Object({
      ...summaryFields,
      share: Type.Object({ id: Type.String(), via: Type.Enum(SHARE_VIAS), anonymous: Type.Boolean(), createdAt: DateTime }),
      recipients: Type.Union([Type.Object({ orgs: Type.Array(OrgView), userIds: Type.Array(Type.String()), clients: Type.Array(OrgView) }), Type.Null()]),
      canNameClients: Type.Boolean(),
      observables: Type.Array(Type.Object({ kind: Type.String(), operator: Type.String(), value: Type.String() })),
      json: Type.String({ description: 'The object as received, exactly' }),
      object: Type.Object({}, { additionalProperties: true }),
    }),
  ),
})

export const StixIdParams = Type.Object({ stixId: StixId })

export const ExportQuery = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 250 })),
  tlp: Type.Optional(Tlp),
  collectionId: Type.Optional(Uuid),
  versions: Type.Optional(Type.Enum(['last', 'all'])),
})

const recipientsFields = {
  orgIds: Type.Optional(Ids(200)),
  userIds: Type.Optional(Ids(200)),
  clientOrgIds: Type.Optional(Ids(200)),
}
export const Recipients = Type.Object(recipientsFields, { additionalProperties: false })

export const ImportQuery = Type.Object({
  format: Type.Optional(Type.Enum(['stix', 'misp', 'csv'], { description: 'stix (a bundle, the default), misp (an event JSON) or csv (an indicator list)' })),
  tlp: Type.Optional(Tlp),
  ...recipientsFields,
})

export const ImportOutcome = Type.Object({
  shareId: Type.String(),
  stored: Type.Integer(),
  alreadyStored: Type.Integer(),
  objects: Type.Array(Type.Object({ id: Type.String(), version: Type.String() })),
  leftOut: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
})

export const ReportBody = Type.Object(
  {
    collectionId: Uuid,
    tlp: Tlp,
    anonymous: Type.Optional(Type.Boolean({ description: 'Anonymous to members: the ISAC is named as the author (ISAC collections only)' })),
    recipients: Type.Optional(Recipients),
    incidentId: Type.Optional(Uuid),
    title: Type.Optional(Type.String({ maxLength: 300 })),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    indicators: Type.Optional(
      Type.Array(
        Type.Object(
          {
            kind: Type.Optional(ObservableKind),
            value: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
            pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
            name: Type.Optional(Type.String({ maxLength: 300 })),
            description: Type.Optional(Type.String({ maxLength: 5000 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
  },
  { additionalProperties: false },
)

export const ReportOutcome = Type.Object({
  shareId: Type.String(),
  reportId: Type.String(),
  objects: Type.Array(Type.Object({ id: Type.String(), type: Type.String() })),
})

export const ClientsBody = Type.Object({ orgIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }) }, { additionalProperties: false })
export const ClientsOutcome = Type.Object({ clients: Type.Array(OrgView) })

// ---------------------------------------------------------------- communities

export const Communities = Type.Object({
  communities: Type.Array(Type.Object({ kind: Type.Enum(COMMUNITY_KINDS), id: Type.String(), name: Localized, owner: OrgView, role: Type.Enum(['owner', 'member']) })),
  organisations: Type.Array(OrgView),
})

export const IsacMember = Type.Object({ org: OrgView, sector: OptionalText, addedAt: DateTime })
export const OrgIdParams = Type.Object({ orgId: Uuid })

export const Group = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: OptionalText,
  owner: OrgView,
  members: Type.Array(OrgView),
  manages: Type.Boolean(),
  createdAt: DateTime,
})
export const GroupBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])), memberOrgIds: Type.Optional(Ids(500)) },
  { additionalProperties: false },
)
export const GroupPatch = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])) },
  { additionalProperties: false },
)
export const IdOrgParams = Type.Object({ id: Uuid, orgId: Uuid })

export const Collection = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: OptionalText,
  community: Type.Object({ kind: Type.Enum(COMMUNITY_KINDS), id: Type.String(), name: Localized }),
  owner: OrgView,
  defaultTlp: Tlp,
  membersCanRead: Type.Boolean(),
  membersCanWrite: Type.Boolean(),
  canRead: Type.Boolean(),
  canWrite: Type.Boolean(),
  manages: Type.Boolean(),
  taxiiUrl: Type.String(),
  createdAt: DateTime,
  rights: Type.Union([Type.Array(Type.Object({ org: OrgView, canRead: Type.Boolean(), canWrite: Type.Boolean() })), Type.Null()]),
})
export const CollectionBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    community: Type.Object({ kind: Type.Enum(COMMUNITY_KINDS), id: Uuid }, { additionalProperties: false }),
    defaultTlp: Tlp,
    membersCanRead: Type.Optional(Type.Boolean()),
    membersCanWrite: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export const CollectionPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    defaultTlp: Type.Optional(Tlp),
    membersCanRead: Type.Optional(Type.Boolean()),
    membersCanWrite: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export const RightBody = Type.Object({ canRead: Type.Boolean(), canWrite: Type.Boolean() }, { additionalProperties: false })

// ---------------------------------------------------------------- tokens

const tokenFields = { id: Type.String(), name: Type.String(), hint: Type.String(), createdAt: DateTime, lastUsedAt: Type.Union([DateTime, Type.Null()]), revokedAt: Type.Union([DateTime, Type.Null()]) }
export const Token = Type.Object(tokenFields)
export const NewToken = Type.Object({ ...tokenFields, token: Type.String({ description: 'The secret: shown this once' }) })
export const TokenBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false })

// ---------------------------------------------------------------- subscriptions

export const Subscription = Type.Object({
  id: Type.String(),
  title: Type.String(),
  apiRootUrl: Type.String(),
  remoteCollectionId: Type.String(),
  username: Type.String(),
  collection: Type.Object({ id: Type.String(), title: Type.String() }),
  tlp: Tlp,
  intervalMinutes: Type.Integer(),
  active: Type.Boolean(),
  cursor: OptionalText,
  nextPullAt: DateTime,
  lastPullAt: Type.Union([DateTime, Type.Null()]),
  lastResult: Type.Union([
    Type.Object({
      at: Type.String(),
      ok: Type.Boolean(),
      pages: Type.Integer(),
      received: Type.Integer(),
      stored: Type.Integer(),
      skipped: Type.Integer(),
      problems: Type.Array(Localized),
    }),
    Type.Null(),
  ]),
  createdAt: DateTime,
})
export const SubscriptionBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    url: Type.String({ pattern: '^https?://', maxLength: 2000, description: "The TAXII server's discovery URL, or the API root itself" }),
    apiRoot: Type.Optional(Type.String({ maxLength: 2000, description: 'The API root: a URL, or a path on the server (default: the url is the API root)' })),
    remoteCollectionId: Type.String({ minLength: 1, maxLength: 200 }),
    username: Type.String({ minLength: 1, maxLength: 254 }),
    token: Type.String({ minLength: 1, maxLength: 2000 }),
    collectionId: Uuid,
    tlp: Tlp,
    intervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
  },
  { additionalProperties: false },
)
export const SubscriptionPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    tlp: Type.Optional(Tlp),
    intervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
