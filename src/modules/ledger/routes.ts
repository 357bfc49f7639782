import { Type } from 'typebox'
import type { AppContext } from '../../context.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { DateTime, Uuid, withErrors } from '../../http/schemas.js'
import * as ledger from './service.js'

// HTTP of the ledger: schemas and status codes; who may read what is decided in service.ts.
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

const Count = (description: string, minimum = 0) => Type.Optional(Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description }))

export function ledgerRoutes(app: App, ctx: AppContext) {
  const tags = ['ledger']

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
