import { Type } from 'typebox'
import { DateTime, Localized, Uuid } from '../../http/schemas.js'
import { TIME_PATTERN } from './business-hours.js'
import { CHANGE_KINDS, CHANGE_STATUSES } from './change-workflow.js'
import { CODE_PATTERN } from './confirmation-code.js'
import { AMOUNT_PATTERN } from './decimal.js'
import { DIGEST_PATTERN } from './digests.js'
import { ASSET_PATTERN } from './policy.js'
import { CUSTODY_ALERT_KINDS } from './schema.js'
import { REQUEST_STATUSES } from './workflow.js'

// Request and response schemas of the custody routes (typebox). Every patterned string carries an
// example, which the OpenAPI document shows and the tenant-isolation walk sends. Responses are
// serialised by these schemas, which drop any field not declared.

const closed = { additionalProperties: false }
const OptionalDateTime = Type.Union([DateTime, Type.Null()])
const OptionalText = Type.Union([Type.String(), Type.Null()])
const nullableText = (maxLength: number) => Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength }))

export const Asset = Type.String({ pattern: ASSET_PATTERN, description: 'Ticker: BTC, ETH, USDT-ERC20', examples: ['BTC'] })
/** A decimal string, never a JSON number: a float cannot hold 0.1 exactly. */
export const Amount = Type.String({ pattern: AMOUNT_PATTERN, maxLength: 49, description: 'Decimal string, up to 18 fractional digits', examples: ['0.5'] })
export const Address = Type.String({ pattern: '^[A-Za-z0-9:._-]{8,128}$', description: 'Destination address as the chain writes it', examples: ['bc1qexampledestination0000000000000000000'] })
export const Digest = Type.String({ pattern: DIGEST_PATTERN, description: 'hex SHA-256 of the RFC 8785 canonical JSON', examples: ['0'.repeat(64)] })
const TransactionId = Type.String({ pattern: '^[A-Za-z0-9:_-]{8,160}$', description: 'On-chain transaction id', examples: ['f'.repeat(64)] })
const Time = Type.String({ pattern: TIME_PATTERN, description: "'HH:MM' Japan time", examples: ['09:00'] })
const RequestStatus = Type.Enum(REQUEST_STATUSES)

const Person = Type.Object({ id: Type.String(), displayName: Type.String() })
const OptionalPerson = Type.Union([Person, Type.Null()])

// ---------------------------------------------------------------- requests

export const RequestBody = Type.Object(
  {
    asset: Asset,
    amount: Amount,
    destinationAddress: Address,
    purpose: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  closed,
)

export const RequestsQuery = Type.Object({
  status: Type.Optional(RequestStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
})

export const RequestListEntry = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  status: RequestStatus,
  asset: Type.String(),
  amount: Type.String(),
  destinationAddress: Type.String(),
  requestedBy: Person,
  createdAt: DateTime,
  updatedAt: DateTime,
  approvals: Type.Object({ count: Type.Integer(), required: Type.Integer() }),
})

const AlertSummary = Type.Object({
  id: Type.String(),
  kind: Type.Enum(CUSTODY_ALERT_KINDS),
  title: Localized,
  message: Localized,
  raisedAt: DateTime,
  acknowledged: Type.Boolean(),
})

const Step = Type.Object({
  seq: Type.Integer(),
  step: Type.String(),
  actor: OptionalPerson,
  at: DateTime,
  requestDigest: OptionalText,
  stepDigest: Type.String(),
})

export const RequestDetail = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  status: RequestStatus,
  statusLabel: Localized,
  asset: Type.String(),
  amount: Type.String(),
  destinationAddress: Type.String(),
  purpose: Type.String(),
  digest: Type.String(),
  revision: Type.Integer(),
  requestedBy: Person,
  createdAt: DateTime,
  updatedAt: DateTime,
  destination: Type.Object({
    allowListed: Type.Boolean(),
    entry: Type.Union([Type.Object({ id: Type.String(), label: Type.String() }), Type.Null()]),
    approvedBy: OptionalPerson,
    approvedAt: OptionalDateTime,
    comment: OptionalText,
  }),
  limits: Type.Object({
    configured: Type.Boolean(),
    singleMax: OptionalText,
    dailyMax: OptionalText,
    alertThreshold: OptionalText,
    dailyTotal: OptionalText,
    withinLimits: Type.Boolean(),
    overThreshold: Type.Boolean(),
  }),
  verification: Type.Object({
    code: Type.Union([Type.Object({ verifier: Person, sentAt: DateTime, expiresAt: DateTime, attemptsLeft: Type.Integer() }), Type.Null()]),
    codesSent: Type.Integer(),
    codesLeft: Type.Integer(),
    verifiedBy: OptionalPerson,
    verifiedAt: OptionalDateTime,
  }),
  approvals: Type.Object({
    required: Type.Integer(),
    count: Type.Integer(),
    items: Type.Array(
      Type.Object({
        id: Type.String(),
        approver: Person,
        digest: Type.String(),
        comment: OptionalText,
        outsideHours: Type.Boolean(),
        approvedAt: DateTime,
        current: Type.Boolean(),
        voidedAt: OptionalDateTime,
      }),
    ),
  }),
  execution: Type.Union([Type.Object({ transactionId: Type.String(), executedBy: Person, executedAt: DateTime, note: OptionalText }), Type.Null()]),
  reconciliation: Type.Union([
    Type.Object({
      result: Type.Enum(['match', 'mismatch']),
      differences: Type.Array(Type.String()),
      observedAmount: Type.String(),
      observedAddress: Type.String(),
      observedTransactionId: Type.String(),
      reconciledBy: Person,
      reconciledAt: DateTime,
      note: OptionalText,
    }),
    Type.Null(),
  ]),
  cancellation: Type.Union([Type.Object({ cancelledBy: Person, cancelledAt: DateTime, reason: Type.String() }), Type.Null()]),
  alerts: Type.Array(AlertSummary),
  steps: Type.Array(Step),
  permissions: Type.Object({
    canUpdate: Type.Boolean(),
    canSendCode: Type.Boolean(),
    canApproveDestination: Type.Boolean(),
    canVerify: Type.Boolean(),
    canApprove: Type.Boolean(),
    canExecute: Type.Boolean(),
    canReconcile: Type.Boolean(),
    canCancel: Type.Boolean(),
  }),
})

export const CodeSent = Type.Object({ sentTo: Type.String(), expiresAt: DateTime, request: RequestDetail })

export const DigestBody = Type.Object({ digest: Digest, comment: nullableText(2000) }, closed)
export const VerifyBody = Type.Object(
  { code: Type.String({ pattern: CODE_PATTERN, description: 'The code sent to the verifier by e-mail', examples: ['12345678'] }), digest: Digest },
  closed,
)
export const ExecutionBody = Type.Object({ transactionId: TransactionId, note: nullableText(2000) }, closed)
export const ReconciliationBody = Type.Object(
  {
    observedAmount: Amount,
    observedAddress: Address,
    observedTransactionId: TransactionId,
    note: nullableText(2000),
  },
  closed,
)
export const CancelBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, closed)

// ---------------------------------------------------------------- allow-list

export const EntriesQuery = Type.Object({ asset: Type.Optional(Asset), includeRemoved: Type.Optional(Type.Boolean()) })
export const AllowListEntry = Type.Object({
  id: Type.String(),
  asset: Type.String(),
  address: Type.String(),
  label: Type.String(),
  addedBy: Person,
  addedAt: DateTime,
  removedAt: OptionalDateTime,
})

export const ChangesQuery = Type.Object({ status: Type.Optional(Type.Enum(CHANGE_STATUSES)) })
export const ChangeBody = Type.Object(
  {
    kind: Type.Enum(CHANGE_KINDS),
    asset: Type.Optional(Asset),
    address: Type.Optional(Address),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    entryId: Type.Optional(Uuid),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  closed,
)
const changeFields = {
  id: Type.String(),
  kind: Type.Enum(CHANGE_KINDS),
  status: Type.Enum(CHANGE_STATUSES),
  asset: Type.String(),
  address: Type.String(),
  label: Type.String(),
  entryId: OptionalText,
  reason: Type.String(),
  digest: Type.String(),
  proposedBy: Person,
  proposedAt: DateTime,
  decidedAt: OptionalDateTime,
  cancelledBy: OptionalPerson,
  approvals: Type.Object({
    required: Type.Integer(),
    count: Type.Integer(),
    items: Type.Array(Type.Object({ approver: Person, digest: Type.String(), approvedAt: DateTime })),
  }),
  permissions: Type.Object({ canApprove: Type.Boolean(), canCancel: Type.Boolean() }),
}
export const ChangeSummary = Type.Object(changeFields)
export const ChangeDetail = Type.Object({ ...changeFields, steps: Type.Array(Step) })
export const ChangeApprovalBody = Type.Object({ digest: Digest }, closed)

// ---------------------------------------------------------------- policy and alerts

const AssetLimit = Type.Object(
  {
    asset: Asset,
    singleMax: Amount,
    dailyMax: Amount,
    alertThreshold: Type.Union([Amount, Type.Null()]),
  },
  closed,
)
const BusinessHours = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, description: 'ISO weekdays, 1 = Monday' }),
    start: Time,
    end: Time,
  },
  closed,
)
export const PolicyBody = Type.Object(
  {
    approvalsRequired: Type.Integer({ minimum: 1, maximum: 10, description: 'm' }),
    approversTotal: Type.Integer({ minimum: 1, maximum: 20, description: 'n' }),
    businessHours: BusinessHours,
    assets: Type.Array(AssetLimit, { maxItems: 200 }),
  },
  closed,
)
export const Policy = Type.Object({
  configured: Type.Boolean(),
  approvalsRequired: Type.Integer(),
  approversTotal: Type.Integer(),
  businessHours: Type.Object({ days: Type.Array(Type.Integer()), start: Type.String(), end: Type.String() }),
  timeZone: Type.Literal('Asia/Tokyo'),
  assets: Type.Array(Type.Object({ asset: Type.String(), singleMax: Type.String(), dailyMax: Type.String(), alertThreshold: OptionalText })),
  eligibleApprovers: Type.Integer(),
  digest: Type.String(),
  updatedAt: OptionalDateTime,
  updatedBy: OptionalPerson,
})

export const AlertsQuery = Type.Object({ open: Type.Optional(Type.Boolean()) })
export const Alert = Type.Object({
  id: Type.String(),
  kind: Type.Enum(CUSTODY_ALERT_KINDS),
  title: Localized,
  message: Localized,
  request: Type.Union([Type.Object({ id: Type.String(), digest: OptionalText }), Type.Null()]),
  raisedAt: DateTime,
  raisedBy: OptionalPerson,
  acknowledgedAt: OptionalDateTime,
  acknowledgedBy: OptionalPerson,
  acknowledgementNote: OptionalText,
})
export const AcknowledgeBody = Type.Object({ note: nullableText(2000) }, closed)
