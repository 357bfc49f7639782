import { Type } from 'typebox'
import type { AppContext } from '../../context.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { DateTime, ErrorResponse, Uuid, withErrors } from '../../http/schemas.js'
import { encodeRecords, MAX_RECORD_BYTES, MAX_RECORDS, MAX_REQUEST_BYTES, recordsOfJson, recordsOfJsonLines } from './operation-records.js'
import * as operations from './operations.js'
import * as ledger from './service.js'

// HTTP of the ledger: schemas and status codes; who may read what is decided in service.ts, who
// may append operation records in operations.ts.
// Hashes and signatures are base64. Query fields are optional in the schemas so that the
// service's permission check answers first (another organisation's log is "not found" before
// any question about the query); the service then names what is missing.

const Hash = Type.String({ description: 'base64 of 32 bytes' })
const LogParams = Type.Object({ logId: Uuid })

const SignedHead = Type.Object({
  logId: Type.String({ description: "the log's uuid" }),
  treeSize: Type.Integer(),
  rootHash: Hash,
  timestamp: Type.Integer({ description: 'milliseconds since the Unix epoch' }),
  keyId: Type.String({ description: 'first 16 bytes of SHA-256 of the raw Ed25519 public key, hex' }),
  signature: Type.String({
    description: 'base64 Ed25519 signature over the UTF-8 RFC 8785 canonical JSON of { keyId, logId, rootHash, timestamp, treeSize }',
  }),
})
const OptionalSignedHead = Type.Union([SignedHead, Type.Null()])

const LedgerLog = Type.Object({
  id: Type.String(),
  name: Type.String(),
  ownerOrgId: Type.Union([Type.String(), Type.Null()]),
  treeSize: Type.Integer(),
  rootHash: Hash,
})

const InclusionProof = Type.Object({
  logId: Type.String(),
  leafIndex: Type.Integer(),
  treeSize: Type.Integer(),
  leafHash: Hash,
  rootHash: Hash,
  inclusionPath: Type.Array(Hash),
  signedHead: OptionalSignedHead,
})

const ConsistencyProof = Type.Object({
  logId: Type.String(),
  treeSize1: Type.Integer(),
  treeSize2: Type.Integer(),
  rootHash1: Hash,
  rootHash2: Hash,
  consistencyPath: Type.Array(Hash),
  signedHead1: OptionalSignedHead,
  signedHead2: OptionalSignedHead,
})

const Entries = Type.Object({
  logId: Type.String(),
  start: Type.Integer(),
  end: Type.Integer(),
  entries: Type.Array(
    Type.Object({
      index: Type.Integer(),
      leafHash: Hash,
      entry: Type.Unknown({ description: 'the entry; its leaf hash is SHA-256(0x00 || RFC 8785 canonical JSON of it)' }),
      appendedAt: DateTime,
    }),
  ),
})

const PublicKey = Type.Object({
  keyId: Type.String(),
  algorithm: Type.Literal('Ed25519'),
  publicKey: Type.String({ description: 'base64 of the raw 32-byte public key' }),
  publicKeyPem: Type.String(),
  validFrom: DateTime,
  validUntil: Type.Union([DateTime, Type.Null()]),
})

const RecordReceipt = Type.Object({
  index: Type.Integer(),
  leafHash: Hash,
  inclusionPath: Type.Array(Hash, { description: 'RFC 9162 audit path, leaf level first' }),
})

const OperationReceipts = Type.Object({
  logId: Type.String({ description: "the uuid of the institution's operations log" }),
  firstIndex: Type.Integer(),
  count: Type.Integer(),
  treeSize: Type.Integer({ description: 'the size of the tree the proofs are against: that of signedHead' }),
  rootHash: Hash,
  signedHead: SignedHead,
  receipts: Type.Array(RecordReceipt, { description: 'one per record, in the order sent' }),
})

const OperationReceipt = Type.Object({
  logId: Type.String(),
  index: Type.Integer(),
  leafHash: Hash,
  record: Type.Unknown({ description: 'the record as appended' }),
  appendedAt: DateTime,
  treeSize: Type.Integer(),
  rootHash: Hash,
  inclusionPath: Type.Array(Hash),
  signedHead: SignedHead,
})

const OperationsJsonBody = Type.Object(
  {
    records: Type.Optional(Type.Array(Type.Unknown(), { description: `1 to ${MAX_RECORDS.toLocaleString('en')} records, each a JSON object` })),
    record: Type.Optional(Type.Unknown({ description: 'one record, a JSON object' })),
  },
  { additionalProperties: false, description: 'exactly one of records and record' },
)

const NDJSON = 'application/x-ndjson'

const Count = (description: string, minimum = 0) => Type.Optional(Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description }))

export function ledgerRoutes(app: App, ctx: AppContext) {
  const tags = ['ledger']

  // JSON Lines arrive as text; operation-records.ts reads them line by line.
  app.addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit: MAX_REQUEST_BYTES }, (_request, body, done) => done(null, body))

  app.post(
    '/api/v1/ledger/operations',
    {
      bodyLimit: MAX_REQUEST_BYTES,
      schema: {
        tags,
        summary: "Appends records to the institution's own operation log; answers receipts (index, leaf hash, inclusion proof against a signed head)",
        description:
          `An institution's admin or editor. A JSON body { "records": [ … ] } or { "record": { … } }, or ${NDJSON} (one record a line); ` +
          `at most ${MAX_RECORDS.toLocaleString('en')} records a call, each a JSON object of at most ${MAX_RECORD_BYTES / 1024} KiB in RFC 8785 canonical form, ` +
          'which is the ledger entry: leaf hash = SHA-256(0x00 || canonical JSON). With an Idempotency-Key, a repeated call with the same records ' +
          'answers the same receipts (header Idempotent-Replayed: true); with other records it is refused (409).',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$', description: 'printable ASCII, no spaces' })),
        }),
        body: {
          content: {
            'application/json': { schema: OperationsJsonBody },
            [NDJSON]: { schema: Type.String({ description: 'one JSON object a line' }) },
          },
        },
        response: withErrors({ 201: OperationReceipts, 409: ErrorResponse, 413: ErrorResponse, 503: ErrorResponse }),
      },
    },
    async (request, reply) => {
      const body: unknown = request.body
      const records = encodeRecords(typeof body === 'string' ? recordsOfJsonLines(body) : recordsOfJson(body))
      const idempotencyKey = request.headers['idempotency-key']
      const { replayed, ...receipts } = await operations.appendOperations(ctx, actorOf(request), {
        records,
        idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
      })
      if (replayed) reply.header('idempotent-replayed', 'true')
      return reply.status(201).send(receipts)
    },
  )

  app.get(
    '/api/v1/ledger/operations/receipts/:index',
    {
      schema: {
        tags,
        summary: "A fresh receipt for a record of the institution's operation log: its inclusion proof against the latest signed head",
        params: Type.Object({ index: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) }),
        response: withErrors({ 200: OperationReceipt }),
      },
    },
    async (request) => operations.operationReceipt(ctx, actorOf(request), request.params.index),
  )

  app.get(
    '/api/v1/ledger/logs',
    {
      schema: {
        tags,
        summary: "The ledger logs the admin reads: the organisation's own, and for a supervisor the global ones",
        response: withErrors({ 200: Type.Array(LedgerLog) }),
      },
    },
    async (request) => ledger.listReadableLogs(ctx, actorOf(request)),
  )

  app.get(
    '/api/v1/ledger/logs/:logId/head',
    { schema: { tags, summary: 'The latest signed tree head of a log', params: LogParams, response: withErrors({ 200: SignedHead }) } },
    async (request) => ledger.latestHead(ctx, actorOf(request), request.params.logId),
  )

  app.get(
    '/api/v1/ledger/logs/:logId/proof/inclusion',
    {
      schema: {
        tags,
        summary: 'RFC 9162 inclusion proof of an entry, by index or by leaf hash (default tree: the latest signed head holding it)',
        params: LogParams,
        querystring: Type.Object({
          index: Count('leaf index'),
          leafHash: Type.Optional(Type.String({ minLength: 43, maxLength: 64, description: 'leaf hash, hex or base64' })),
          treeSize: Count('tree size the proof is against', 1),
        }),
        response: withErrors({ 200: InclusionProof }),
      },
    },
    async (request) => ledger.inclusionProofFor(ctx, actorOf(request), request.params.logId, request.query),
  )

  app.get(
    '/api/v1/ledger/logs/:logId/proof/consistency',
    {
      schema: {
        tags,
        summary: 'RFC 9162 consistency proof between two tree sizes (default second: the latest signed head)',
        params: LogParams,
        querystring: Type.Object({ first: Count('size of the older tree (required)', 1), second: Count('size of the newer tree', 1) }),
        response: withErrors({ 200: ConsistencyProof }),
      },
    },
    async (request) => ledger.consistencyProofFor(ctx, actorOf(request), request.params.logId, request.query),
  )

  app.get(
    '/api/v1/ledger/logs/:logId/entries',
    {
      schema: {
        tags,
        summary: `Entries [start, end) of a log, at most ${ledger.MAX_ENTRIES_PER_REQUEST} a request`,
        params: LogParams,
        querystring: Type.Object({
          start: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
          end: Count('first index not returned'),
        }),
        response: withErrors({ 200: Entries }),
      },
    },
    async (request) => ledger.entriesFor(ctx, actorOf(request), request.params.logId, request.query),
  )

  app.get(
    '/api/v1/ledger/keys',
    { schema: { tags, summary: 'Every public key that signed tree heads, with its validity (rotation keeps old ones)', response: withErrors({ 200: Type.Array(PublicKey) }) } },
    async (request) => ledger.listPublicKeys(ctx, actorOf(request)),
  )
}
