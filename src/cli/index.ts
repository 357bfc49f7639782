#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander'
import { randomBytes } from 'node:crypto'
import { ConfigError, loadConfig } from '../config.js'
import { migrate } from '../db/migrate.js'
import { runCatalogValidate } from '../modules/catalog/validate-command.js'
import { loadCatalog } from '../modules/catalog/load-catalog.js'
import { toOscalCatalog } from '../modules/catalog/oscal-export.js'
import { ORG_KINDS, type OrgKind } from '../modules/identity/actor.js'
import { SECTORS, SIZE_BANDS } from '../modules/catalog/catalog-types.js'
import { addMembership, createOrganisation, createUser } from '../modules/identity/service.js'
import { isLocale, localeFromAcceptLanguage, type Locale } from '../i18n/locale.js'
import { makeContext, makeLogger, openConfiguredDatabase, startServer } from '../server.js'
import type { AppContext } from '../context.js'
import { formatDemoLogins, isDatabaseEmpty, seedDemo } from '../seed/demo.js'
import { loadBundledCatalogs } from '../modules/catalog/service.js'
import { runLedgerAudit, runLedgerExport, runLedgerVerify } from '../modules/ledger/ledger-command.js'
import { registerIntelCommands } from '../modules/intel/intel-command.js'

// CLI messages follow the user's language: KAMAE_LANG, else LANG (ja_JP.UTF-8 -> ja), else Japanese.
const cliLocale: Locale = (() => {
  const explicit = process.env.KAMAE_LANG
  if (isLocale(explicit)) return explicit
  const lang = process.env.LANG ?? ''
  return lang.startsWith('en') ? 'en' : lang.startsWith('ja') ? 'ja' : localeFromAcceptLanguage(undefined)
})()

const say = (ja: string, en: string) => (cliLocale === 'ja' ? ja : en)

function oneOf<T extends string>(values: readonly T[], name: string) {
  return (value: string): T => {
    if (!values.includes(value as T)) {
      throw new InvalidArgumentError(say(`${name} は次のいずれかです: ${values.join(', ')}`, `${name} must be one of: ${values.join(', ')}`))
    }
    return value as T
  }
}

function portNumber(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(say('ポート番号は 0〜65535 の整数です', 'the port must be an integer from 0 to 65535'))
  }
  return port
}

async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const log = makeLogger(config)
  const database = await openConfiguredDatabase(config)
  try {
    await migrate(database)
    return await fn(makeContext(config, database, log))
  } finally {
    await database.close()
  }
}

const program = new Command()
program.name('kamae').description(say('構え Kamae — 金融分野のサイバーレジリエンス', 'Kamae — cyber resilience for the financial sector'))

program
  .command('serve')
  .description(say('サーバーを起動する（組込み PGlite、または DATABASE_URL の PostgreSQL）', 'start the server (embedded PGlite, or PostgreSQL from DATABASE_URL)'))
  .option('--demo', say('PostgreSQL でもデモデータを投入する（空のデータベースのみ）', 'seed demo data on PostgreSQL too (empty database only)'))
  .option('--port <port>', say('待ち受けポート', 'port to listen on'), portNumber)
  .action(async (opts: { demo?: boolean; port?: number }) => {
    const config = loadConfig()
    if (opts.port !== undefined) config.port = opts.port
    const server = await startServer(config, { demo: Boolean(opts.demo) })
    const shutdown = () => {
      server.stop().finally(() => process.exit(0))
    }
    process.on('SIGINT', shutdown)
    process.on('SIGTERM', shutdown)
  })

program
  .command('migrate')
  .description(say('データベースのマイグレーションを適用する', 'apply database migrations'))
  .action(async () => {
    const config = loadConfig()
    const database = await openConfiguredDatabase(config)
    try {
      const result = await migrate(database)
      console.log(result.applied.length ? say(`適用: ${result.applied.join(', ')}`, `applied: ${result.applied.join(', ')}`) : say('適用するマイグレーションはありません', 'nothing to apply'))
    } finally {
      await database.close()
    }
  })

program
  .command('seed')
  .description(say('空のデータベースにデモデータを投入する', 'seed demo data into an empty database'))
  .option('--demo', say('デモ組織とユーザー（既定）', 'demo organisations and users (default)'), true)
  .action(async () => {
    await withContext(async (ctx) => {
      await loadBundledCatalogs(ctx, makeLogger(ctx.config))
      if (!(await isDatabaseEmpty(ctx))) {
        console.error(say('データベースが空ではないため、デモデータは投入しません', 'the database is not empty: demo data is not seeded'))
        process.exitCode = 1
        return
      }
      console.log(formatDemoLogins(await seedDemo(ctx)))
    })
  })

const admin = program.command('admin').description(say('管理操作', 'administration'))
admin
  .command('create')
  .description(say('組織と最初の管理者を作成する（PostgreSQL サーバーでの初期設定）', 'create an organisation and its first admin (first set-up on a PostgreSQL server)'))
  .requiredOption('--email <email>', say('管理者のメールアドレス', "the admin's e-mail address"))
  .requiredOption('--name <name>', say('管理者の表示名', "the admin's display name"))
  .requiredOption('--org-name-ja <name>', say('組織名（日本語）', 'organisation name (Japanese)'))
  .requiredOption('--org-name-en <name>', say('組織名（英語）', 'organisation name (English)'))
  .option('--org-kind <kind>', say('組織の種類', 'organisation kind'), oneOf(ORG_KINDS, '--org-kind'), 'supervisor' as OrgKind)
  .option('--sector <sector>', say('業態（金融機関のみ）', 'sector (institutions only)'), oneOf(SECTORS, '--sector'))
  .option('--size <size>', say('規模（金融機関のみ）', 'size band (institutions only)'), oneOf(SIZE_BANDS, '--size'))
  .action(async (opts: { email: string; name: string; orgNameJa: string; orgNameEn: string; orgKind: OrgKind; sector?: string; size?: string }) => {
    if (opts.orgKind === 'institution' && (!opts.sector || !opts.size)) {
      program.error(say('金融機関には --sector と --size が必要です', 'an institution needs --sector and --size'))
    }
    if (!/^[^@\s]+@[^@\s]+$/.test(opts.email)) program.error(say('--email の形式が正しくありません', '--email is not an e-mail address'))
    // A random first password, shown once: nothing secret is typed on a command line or kept in history.
    const password = randomBytes(12).toString('base64url')
    await withContext(async (ctx) => {
      await ctx.db.transaction(async (tx) => {
        const org = await createOrganisation(tx, { kind: opts.orgKind, nameJa: opts.orgNameJa, nameEn: opts.orgNameEn, sector: opts.sector, sizeBand: opts.size })
        const userId = await createUser(tx, { email: opts.email, displayName: opts.name, password })
        await addMembership(tx, org.id, userId, 'admin', null)
      })
    })
    console.log(say(`管理者を作成しました: ${opts.email}\n初期パスワード: ${password}\n初回ログイン時に多要素認証の登録とパスワードの変更を行ってください。`, `Admin created: ${opts.email}\nFirst password: ${password}\nEnrol MFA and change the password at first login.`))
  })

const catalog = program.command('catalog').description(say('カタログ（フレームワークの内容）', 'catalogs (framework content)'))
catalog
  .command('validate <path>')
  .description(say('カタログ（YAML ファイルまたはディレクトリ）を検証し、概要を表示する', 'validate a catalog (YAML file or directory) and print a summary'))
  .option('--json', say('JSON で出力する', 'print JSON'))
  .action(async (path: string, opts: { json?: boolean }) => {
    const result = await runCatalogValidate(path, { json: Boolean(opts.json), lang: cliLocale })
    process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`)
    process.exitCode = result.exitCode
  })

catalog
  .command('export-oscal <path>')
  .description(say('カタログを OSCAL 1.1 カタログ JSON として出力する', 'print a catalog as an OSCAL 1.1 catalog JSON'))
  .option('--lang <lang>', say('言語 (ja|en)', 'language (ja|en)'), oneOf(['ja', 'en'] as const, '--lang'), cliLocale)
  .action(async (path: string, opts: { lang: Locale }) => {
    const result = await loadCatalog(path)
    if (!result.ok) {
      const out = await runCatalogValidate(path, { json: false, lang: cliLocale })
      process.stderr.write(`${out.output}\n`)
      process.exitCode = 1
      return
    }
    process.stdout.write(`${JSON.stringify(toOscalCatalog(result.catalog, opts.lang), null, 2)}\n`)
  })

const ledger = program.command('ledger').description(say('改ざん検知可能な台帳（RFC 9162 Merkle ログ）', 'the tamper-evident ledger (RFC 9162 Merkle logs)'))
ledger
  .command('export')
  .description(say('エントリ・署名付きツリーヘッド・公開鍵を JSON Lines で書き出す', 'write entries, signed tree heads and public keys as JSON Lines'))
  .option('--log <id>', say('台帳（uuid または名前）。省略時はすべての台帳', 'a log (uuid or name); every log when omitted'))
  .option('--out <file>', say('出力ファイル（省略時は標準出力）', 'output file (standard output when omitted)'))
  .action(async (opts: { log?: string; out?: string }) => {
    await withContext(async (ctx) => {
      const result = await runLedgerExport(ctx, opts, say, process.stdout)
      // Without --out the export itself is on standard output: the summary goes to standard error.
      if (opts.out && result.exitCode === 0) console.log(result.output)
      else console.error(result.output)
      process.exitCode = result.exitCode
    })
  })

ledger
  .command('verify <export>')
  .description(say('エクスポートをオフラインで検証する（リーフハッシュ、ルート、署名、ヘッド間の一貫性）', 'check an export offline (leaf hashes, roots, signatures, consistency between heads)'))
  .option('--trusted-key <keyId...>', say('信頼する鍵 ID（指定時は他の鍵の署名を認めない）', 'trusted key ids (heads signed by other keys fail)'))
  .action(async (path: string, opts: { trustedKey?: string[] }) => {
    const result = await runLedgerVerify(path, { trustedKeys: opts.trustedKey }, say)
    console.log(result.output)
    process.exitCode = result.exitCode
  })

ledger
  .command('audit')
  .description(say('データベースから木を再計算し、保存されたノード・署名付きヘッドと照合する', 'rebuild the tree from the database and compare it with the stored nodes and signed heads'))
  .option('--log <id>', say('台帳（uuid または名前）。省略時はすべての台帳', 'a log (uuid or name); every log when omitted'))
  .action(async (opts: { log?: string }) => {
    await withContext(async (ctx) => {
      const result = await runLedgerAudit(ctx, opts, say)
      console.log(result.output)
      process.exitCode = result.exitCode
    })
  })

registerIntelCommands(program, say)

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(say(`設定エラー: ${error.message}`, `Configuration error: ${error.message}`))
  } else {
    console.error(error instanceof Error ? error.message : error)
  }
  process.exitCode = 1
})
