import { once } from 'node:events'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Writable } from 'node:stream'
import type { AppContext } from '../../context.js'
import { auditLedger, type AuditFinding, type LogAudit } from './audit.js'
import { exportLedger } from './export.js'
import { sequenceAll } from './sequencer.js'
import { findLog } from './service.js'
import { signAllHeads } from './sign-heads.js'
import { loadSigningKey } from './signing-key.js'
import { verifyExport, type VerifyFailure, type VerifyReport } from './verify-export.js'

// `kamae ledger export | verify | audit`: the CLI parses arguments, hands over its `say(ja, en)`
// and prints `output`; the work and every message are here. Exit codes: 0 OK, 1 a check failed
// or the input was wrong.

export type Say = (ja: string, en: string) => string

export interface CommandResult {
  exitCode: number
  output: string
}

/** Writes the export to `out` (a file) or to `stdout`; the summary is the output. */
export async function runLedgerExport(ctx: AppContext, opts: { log?: string; out?: string }, say: Say, stdout: Writable): Promise<CommandResult> {
  let logNames: string[] | undefined
  if (opts.log) {
    const log = await findLog(ctx.db, opts.log)
    if (!log) return { exitCode: 1, output: say(`台帳 ${opts.log} はありません`, `no ledger log ${opts.log}`) }
    logNames = [log.name]
  }
  // Queued entries join their logs and get a signed head first (when a key is configured), so that
  // the export holds the whole audit trail, as far as possible under signed heads.
  if (loadSigningKey(ctx.config)) await signAllHeads(ctx)
  else await sequenceAll(ctx.db)
  const sink = opts.out ? createWriteStream(opts.out) : stdout
  const writeLine = async (line: string) => {
    if (!sink.write(`${line}\n`)) await once(sink, 'drain')
  }
  try {
    const summary = await exportLedger(ctx.db, { logNames, now: ctx.clock() }, writeLine)
    return {
      exitCode: 0,
      output: say(
        `エクスポートしました: 台帳 ${summary.logs} 件、エントリ ${summary.entries} 件、署名付きヘッド ${summary.heads} 件、公開鍵 ${summary.keys} 件${opts.out ? ` → ${opts.out}` : ''}`,
        `exported ${summary.logs} log(s), ${summary.entries} entries, ${summary.heads} signed heads, ${summary.keys} public key(s)${opts.out ? ` to ${opts.out}` : ''}`,
      ),
    }
  } finally {
    if (opts.out) {
      sink.end()
      await once(sink, 'finish')
    }
  }
}

/** Verifies an export file offline; trusted key ids, when given, are the only keys heads may use. */
export async function runLedgerVerify(path: string, opts: { trustedKeys?: string[] }, say: Say): Promise<CommandResult> {
  if (!existsSync(path)) return { exitCode: 1, output: say(`ファイル ${path} がありません`, `no file ${path}`) }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
  const trustedKeyIds = opts.trustedKeys?.length ? new Set(opts.trustedKeys.map((id) => id.toLowerCase())) : undefined
  const report = await verifyExport(lines, { trustedKeyIds })
  return { exitCode: report.ok ? 0 : 1, output: formatVerifyReport(report, say) }
}

export async function runLedgerAudit(ctx: AppContext, opts: { log?: string }, say: Say): Promise<CommandResult> {
  let names: string[] | undefined
  if (opts.log) {
    const log = await findLog(ctx.db, opts.log)
    if (!log) return { exitCode: 1, output: say(`台帳 ${opts.log} はありません`, `no ledger log ${opts.log}`) }
    names = [log.name]
  }
  await sequenceAll(ctx.db)
  // One snapshot: appends and audit events recorded meanwhile by a running server are not half seen.
  const audits = await ctx.db.transaction((tx) => auditLedger(tx, names), { isolationLevel: 'repeatable read', accessMode: 'read only' })
  if (audits.length === 0) return { exitCode: 0, output: say('台帳はまだありません', 'there are no ledger logs yet') }
  const failed = audits.some((audit) => audit.findings.length > 0)
  return { exitCode: failed ? 1 : 0, output: audits.map((audit) => formatLogAudit(audit, say)).join('\n') }
}

// ---------------------------------------------------------------------------------------------
// verify: messages

export function formatVerifyReport(report: VerifyReport, say: Say): string {
  const logs = report.logs.map((log) => {
    const unsigned = log.entries - log.signedSize
    const line = say(
      `  ${log.name} (${log.logId}): エントリ ${log.entries} 件、署名付きヘッド ${log.heads} 件`,
      `  ${log.name} (${log.logId}): ${log.entries} entries, ${log.heads} signed heads`,
    )
    if (unsigned === 0) return line
    return `${line}\n${say(
      `    注: エントリ ${log.signedSize}〜${log.entries - 1} はまだ署名付きヘッドで保護されていません`,
      `    note: entries ${log.signedSize} to ${log.entries - 1} are not yet covered by a signed head`,
    )}`
  })
  if (report.ok) {
    const entries = report.logs.reduce((sum, log) => sum + log.entries, 0)
    const heads = report.logs.reduce((sum, log) => sum + log.heads, 0)
    const head = say(
      `OK: 台帳 ${report.logs.length} 件、エントリ ${entries} 件、署名付きヘッド ${heads} 件、公開鍵 ${report.keys} 件を検証しました`,
      `OK: verified ${report.logs.length} log(s), ${entries} entries, ${heads} signed heads, ${report.keys} public key(s)`,
    )
    return [head, ...logs].join('\n')
  }
  return [describeVerifyFailure(report.failure, say), ...logs].join('\n')
}

export function describeVerifyFailure(f: VerifyFailure, say: Say): string {
  const where = [f.logId ? say(`台帳 ${f.logId}`, `log ${f.logId}`) : null, say(`${f.line} 行目`, `line ${f.line}`)].filter(Boolean).join(', ')
  return `NG: ${verifySubject(f, say)} (${where}): ${verifyReason(f, say)}`
}

function verifySubject(f: VerifyFailure, say: Say): string {
  switch (f.subject) {
    case 'entry':
      return say(`エントリ ${f.index}`, `entry ${f.index}`)
    case 'head':
      return say(
        `サイズ ${f.treeSize} の署名付きヘッド（${isoTime(f.timestamp)}、鍵 ${f.keyId}）`,
        `the signed head of size ${f.treeSize} (${isoTime(f.timestamp)}, key ${f.keyId})`,
      )
    case 'key':
      return say(`鍵 ${f.keyId}`, `key ${f.keyId}`)
    case 'log':
      return say('台帳', 'the log')
    case 'file':
      return say('ファイル', 'the file')
  }
}

function verifyReason(f: VerifyFailure, say: Say): string {
  switch (f.reason) {
    case 'not_json':
      return say('JSON のオブジェクトとして読めません', 'the line is not a JSON object')
    case 'no_header':
      return say('エクスポートの見出し行がありません', 'the export header line is missing')
    case 'unsupported_version':
      return say('対応していない版です', 'unsupported export version')
    case 'unknown_record':
      return say('不明な種類のレコードです', 'unknown record type')
    case 'malformed':
      return say(`形式が正しくありません（${f.detail}）`, `malformed (${f.detail})`)
    case 'outside_log':
      return say('属する台帳の区間の外にあります', 'it lies outside the section of its log')
    case 'key_id_mismatch':
      return say('鍵 ID が公開鍵のフィンガープリントと一致しません', 'the key id is not the fingerprint of its public key')
    case 'entry_missing':
      return f.found === undefined
        ? say('ありません（エクスポートがここで終わっています）', 'missing (the export ends here)')
        : say(`ありません。この位置にエントリ ${f.found} があります（削除または順序の入れ替え）`, `missing: entry ${f.found} is in its place (removed or reordered)`)
    case 'entry_repeated':
      return say(`この位置にエントリ ${f.found} が再び現れました（重複または順序の入れ替え）`, `entry ${f.found} appears again in its place (duplicated or reordered)`)
    case 'entry_beyond_log':
      return say('台帳のサイズを超えています', 'it lies beyond the size of the log')
    case 'leaf_hash_mismatch':
      return say('内容がリーフハッシュと一致しません（内容が変更されています）', 'its content does not hash to its leaf hash (it was changed)')
    case 'root_mismatch':
      return say('ルートハッシュがエントリから計算した値と一致しません', 'its root hash is not the root of its entries')
    case 'unknown_key':
      return say('署名した鍵がエクスポートにありません', 'its signing key is not in the export')
    case 'untrusted_key':
      return say('信頼する鍵で署名されていません', 'it is not signed by a trusted key')
    case 'outside_validity':
      return say('鍵の有効期間外に署名されています', 'it was signed outside the validity of its key')
    case 'bad_signature':
      return say('署名が正しくありません', 'the signature does not verify')
    case 'head_beyond_entries':
      return say('エクスポートにあるより多くのエントリに署名しています（エントリが削除されています）', 'it signs more entries than the export holds (entries were removed)')
    case 'head_root_mismatch':
      return say(
        `ルートハッシュがエントリと一致しません。エントリ ${f.changedFrom}〜${f.treeSize! - 1} が署名後に変更されています`,
        `its root does not match the entries: entries ${f.changedFrom} to ${f.treeSize! - 1} were changed after it was signed`,
      )
    case 'heads_inconsistent':
      return say(`直前のヘッドと整合しません（${f.detail}）`, `it is not consistent with the head before it (${f.detail})`)
  }
}

// ---------------------------------------------------------------------------------------------
// audit: messages

export function formatLogAudit(audit: LogAudit, say: Say): string {
  const label = `${audit.name} (${audit.logId})`
  if (audit.findings.length === 0) {
    return audit.auditEvents === undefined
      ? say(
          `OK ${label}: エントリ ${audit.entries} 件、ノード ${audit.nodes} 件、署名付きヘッド ${audit.heads} 件が一致しました`,
          `OK ${label}: ${audit.entries} entries, ${audit.nodes} nodes and ${audit.heads} signed heads agree`,
        )
      : say(
          `OK ${label}: エントリ ${audit.entries} 件、ノード ${audit.nodes} 件、署名付きヘッド ${audit.heads} 件、監査イベント ${audit.auditEvents} 件が一致しました`,
          `OK ${label}: ${audit.entries} entries, ${audit.nodes} nodes, ${audit.heads} signed heads and ${audit.auditEvents} audit events agree`,
        )
  }
  const lines = [say(`NG ${label}: ${audit.findings.length}${audit.truncated ? ' 件以上' : ' 件'}の不一致`, `NG ${label}: ${audit.findings.length}${audit.truncated ? '+' : ''} finding(s)`)]
  for (const finding of audit.findings) lines.push(`  ${describeAuditFinding(finding, say)}`)
  return lines.join('\n')
}

export function describeAuditFinding(f: AuditFinding, say: Say): string {
  switch (f.kind) {
    case 'entry_missing':
      return f.lastIndex !== undefined && f.lastIndex !== f.index
        ? say(`エントリ ${f.index}〜${f.lastIndex}: 削除されています`, `entries ${f.index} to ${f.lastIndex}: removed`)
        : say(`エントリ ${f.index}: 削除されています`, `entry ${f.index}: removed`)
    case 'entry_changed':
      return f.originalAt === undefined
        ? say(`エントリ ${f.index}: 内容が変更されています（リーフハッシュと一致しません）`, `entry ${f.index}: changed (its bytes do not hash to its leaf hash)`)
        : say(`エントリ ${f.index}: 内容が変更され、エントリ ${f.originalAt} の内容になっています（入れ替えまたは複製）`, `entry ${f.index}: changed, it now holds the content of entry ${f.originalAt} (reordered or copied)`)
    case 'entry_beyond_head':
      return say(`エントリ ${f.index}: 台帳のヘッドを超えた位置にあります（追加されています）`, `entry ${f.index}: lies beyond the log's head (added)`)
    case 'entry_moved':
      return say(`エントリ ${f.index}: 置き換えられています。元の内容はエントリ ${f.originalAt} の位置にあります（順序の入れ替え）`, `entry ${f.index}: replaced, its original content is now at entry ${f.originalAt} (reordered)`)
    case 'entries_swapped':
      return say(`エントリ ${f.index} と ${f.otherIndex}: 入れ替えられています`, `entries ${f.index} and ${f.otherIndex}: swapped`)
    case 'entries_changed':
      return say(
        `エントリ ${f.index} または ${f.otherIndex}: リーフハッシュとともに変更されています`,
        `entry ${f.index} or ${f.otherIndex}: changed together with its leaf hash`,
      )
    case 'node_changed':
      return say(`ノード（レベル ${f.level}、位置 ${f.nodeIndex}）: 変更されています`, `node (level ${f.level}, index ${f.nodeIndex}): changed`)
    case 'node_missing':
      return say(`ノード（レベル ${f.level}、位置 ${f.nodeIndex}）: ありません`, `node (level ${f.level}, index ${f.nodeIndex}): missing`)
    case 'node_unexpected':
      return say(`ノード（レベル ${f.level}、位置 ${f.nodeIndex}）: 木の外にあります`, `node (level ${f.level}, index ${f.nodeIndex}): outside the tree`)
    case 'root_mismatch':
      return f.index === undefined
        ? say('台帳のルートハッシュがエントリと一致しません', "the log's root hash does not match its entries")
        : say(`台帳のルートハッシュがエントリと一致しません（エントリ ${f.index} またはルートが変更されています）`, `the log's root hash does not match its entries (entry ${f.index} or the root was changed)`)
    case 'head_invalid':
      return say(`サイズ ${f.treeSize} の署名付きヘッド（鍵 ${f.keyId}）: 検証できません（${f.reason}）`, `signed head of size ${f.treeSize} (key ${f.keyId}): does not verify (${f.reason})`)
    case 'head_beyond_log':
      return say(`サイズ ${f.treeSize} の署名付きヘッド: 台帳がそれより短くなっています（エントリが削除されています）`, `signed head of size ${f.treeSize}: the log is now shorter (entries were removed)`)
    case 'head_mismatch':
      return say(
        `サイズ ${f.treeSize} の署名付きヘッド: エントリと一致しません（エントリ ${f.changedFrom}〜${f.treeSize! - 1} が署名後に変更されています）`,
        `signed head of size ${f.treeSize}: does not match the entries (entries ${f.changedFrom} to ${f.treeSize! - 1} were changed after it was signed)`,
      )
    case 'key_id_mismatch':
      return say(`鍵 ${f.keyId}: 鍵 ID が公開鍵と一致しません`, `key ${f.keyId}: the key id does not match its public key`)
    case 'audit_event_changed':
      return say(
        `監査イベント ${f.auditEventId}: 監査ログのエントリ ${f.index} と一致しません（監査記録またはエントリが変更されています）`,
        `audit event ${f.auditEventId}: does not match entry ${f.index} of the audit log (the audit record or the entry was changed)`,
      )
    case 'audit_event_removed':
      return say(`監査イベント ${f.auditEventId}: 削除されています（監査ログのエントリ ${f.index} に記録があります）`, `audit event ${f.auditEventId}: removed (entry ${f.index} of the audit log records it)`)
    case 'audit_event_unlogged':
      return say(`監査イベント ${f.auditEventId}: 監査ログにエントリがありません`, `audit event ${f.auditEventId}: has no entry in the audit log`)
    case 'audit_event_relinked':
      return say(
        `監査イベント ${f.auditEventId}: 監査ログのエントリ ${f.index} を指していますが、そのエントリはこのイベントの記録ではありません`,
        `audit event ${f.auditEventId}: points at entry ${f.index} of the audit log, which does not record it`,
      )
  }
}

const isoTime = (ms: number | undefined) => (ms === undefined ? '?' : new Date(ms).toISOString())
