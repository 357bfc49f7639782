import type { Db } from '../../db/database.js'
import { decodeEntry, type LedgerEntry } from './entry.js'
import { base64, toSignedTreeHead } from './sign-heads.js'
import type { SignedTreeHead } from './tree-head.js'
import * as repo from './repository.js'

// `kamae ledger export`: a ledger as JSON Lines (one JSON object a line, UTF-8), so that a log of
// millions of entries streams in and out, and a damaged line still lets the verifier say which
// entry it held. In this order:
//
//   {"type":"kamae-ledger-export","version":1,"exportedAt":"2026-…Z"}
//   {"type":"key","keyId":"…","algorithm":"Ed25519","publicKey":"<base64, raw 32 bytes>","validFrom":"…","validUntil":null}
//   … every key that ever signed, then for each log:
//   {"type":"log","logId":"<uuid>","name":"kamae-audit","ownerOrgId":null,"treeSize":3,"rootHash":"<base64>"}
//   {"type":"entry","logId":"<uuid>","index":0,"leafHash":"<base64>","entry":{…}}
//   … every stored entry in index order; "entryBytes" (base64) replaces "entry" when the stored
//   bytes are not the RFC 8785 canonical JSON of an object (a damaged database)
//   {"type":"head","logId":"<uuid>","treeSize":3,"rootHash":"…","timestamp":…,"keyId":"…","signature":"…"}
//   … every signed head, smallest size first
//
// Leaf hash = SHA-256(0x00 || UTF-8 RFC 8785 canonical JSON of "entry"); roots per RFC 9162;
// signatures as tree-head.ts describes. The log line's treeSize and rootHash are the database's
// unsigned head at export time; only the head lines are signed.

export const EXPORT_TYPE = 'kamae-ledger-export'
export const EXPORT_VERSION = 1

export type ExportRecord =
  | { type: typeof EXPORT_TYPE; version: number; exportedAt: string }
  | { type: 'key'; keyId: string; algorithm: 'Ed25519'; publicKey: string; validFrom: string; validUntil: string | null }
  | { type: 'log'; logId: string; name: string; ownerOrgId: string | null; treeSize: number; rootHash: string }
  | { type: 'entry'; logId: string; index: number; leafHash: string; entry?: LedgerEntry; entryBytes?: string }
  | ({ type: 'head' } & SignedTreeHead)

export interface ExportSummary {
  logs: number
  entries: number
  heads: number
  keys: number
}

const PAGE = 10_000

/**
 * Writes the export of the given logs (by name; all logs when none are given) line by line, from
 * one read-only snapshot of the database.
 */
export async function exportLedger(db: Db, opts: { logNames?: string[]; now: Date }, writeLine: (line: string) => Promise<void> | void): Promise<ExportSummary> {
  return db.transaction(
    async (tx) => {
      const summary: ExportSummary = { logs: 0, entries: 0, heads: 0, keys: 0 }
      const put = (record: ExportRecord) => writeLine(JSON.stringify(record))
      await put({ type: EXPORT_TYPE, version: EXPORT_VERSION, exportedAt: opts.now.toISOString() })
      for (const key of await repo.listKeys(tx)) {
        await put({
          type: 'key',
          keyId: key.keyId,
          algorithm: 'Ed25519',
          publicKey: base64(key.publicKey),
          validFrom: key.validFrom.toISOString(),
          validUntil: key.validUntil?.toISOString() ?? null,
        })
        summary.keys += 1
      }
      const logs = opts.logNames ? opts.logNames : (await repo.listLogs(tx)).map((log) => log.id)
      for (const name of logs) {
        const log = await repo.findHead(tx, name)
        if (!log) continue
        await put({ type: 'log', logId: log.uuid, name: log.id, ownerOrgId: log.ownerOrgId, treeSize: log.treeSize, rootHash: base64(log.rootHash) })
        summary.logs += 1
        // Every stored row, beyond the head too: the export shows the database as it is.
        for (let next = 0; ; ) {
          const rows = await repo.entriesFrom(tx, log.id, next, PAGE)
          for (const row of rows) await put({ type: 'entry', logId: log.uuid, index: row.idx, leafHash: base64(row.leafHash), ...entryField(row.entry) })
          summary.entries += rows.length
          if (rows.length < PAGE) break
          next = rows[rows.length - 1]!.idx + 1
        }
        for (const head of await repo.signedHeadsOf(tx, log.id)) {
          await put({ type: 'head', ...toSignedTreeHead(head, log.uuid) })
          summary.heads += 1
        }
      }
      return summary
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  )
}

function entryField(bytes: Uint8Array): { entry: LedgerEntry } | { entryBytes: string } {
  try {
    return { entry: decodeEntry(bytes) }
  } catch {
    return { entryBytes: base64(bytes) }
  }
}
