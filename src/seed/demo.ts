import { sql } from 'drizzle-orm'
import type { AppContext } from '../context.js'
import { queryRows } from '../db/database.js'
import { recordAudit } from '../modules/audit/service.js'
import { MFA_REQUIRED_ROLES, ROLES, type OrgKind, type Role } from '../modules/identity/actor.js'
import { addMembership, createOrganisation, createUser, enableTotpDirectly } from '../modules/identity/service.js'
import { newTotpSecret } from '../modules/identity/totp.js'

// Clearly fictional organisations (glossary: never a real institution), one for each kind and six
// institutions across sectors and sizes, each with a user for every role.
interface DemoOrg {
  slug: string
  kind: OrgKind
  nameJa: string
  nameEn: string
  sector?: string
  sizeBand?: string
}

export const DEMO_ORGS: DemoOrg[] = [
  { slug: 'kamome', kind: 'institution', nameJa: 'かもめ信用金庫（デモ）', nameEn: 'Kamome Shinkin Bank (demo)', sector: 'shinkin', sizeBand: 'small' },
  { slug: 'aoba', kind: 'institution', nameJa: 'あおば銀行（デモ）', nameEn: 'Aoba Bank (demo)', sector: 'regional_bank', sizeBand: 'large' },
  { slug: 'hibari', kind: 'institution', nameJa: 'ひばり証券（デモ）', nameEn: 'Hibari Securities (demo)', sector: 'securities', sizeBand: 'medium' },
  { slug: 'tsubasa', kind: 'institution', nameJa: 'つばさ暗号資産取引所（デモ）', nameEn: 'Tsubasa Crypto Exchange (demo)', sector: 'crypto_exchange', sizeBand: 'medium' },
  { slug: 'yamabiko', kind: 'institution', nameJa: 'やまびこ信用組合（デモ）', nameEn: 'Yamabiko Credit Union (demo)', sector: 'credit_union', sizeBand: 'small' },
  { slug: 'mizuumi', kind: 'institution', nameJa: 'みずうみ損害保険（デモ）', nameEn: 'Mizuumi Insurance (demo)', sector: 'insurance', sizeBand: 'large' },
  { slug: 'supervisor', kind: 'supervisor', nameJa: 'みなと金融監督局（デモ）', nameEn: 'Minato Financial Supervision Office (demo)' },
  { slug: 'isac', kind: 'isac', nameJa: 'さくら金融ISAC（デモ）', nameEn: 'Sakura Financial ISAC (demo)' },
]

/** Shared by every demo account; printed at start. Demo data only, never for real use. */
export const DEMO_PASSWORD = 'kamae-demo-2026'

export interface DemoLogin {
  org: string
  orgNameJa: string
  role: Role
  email: string
  password: string
  /** Base32 TOTP secret for roles that must use MFA: add it to an authenticator app. */
  totpSecret: string | null
}

export async function isDatabaseEmpty(ctx: AppContext): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from organisations`)
  return (row?.n ?? 0) === 0
}

export async function seedDemo(ctx: AppContext): Promise<DemoLogin[]> {
  const now = ctx.clock()
  const logins: DemoLogin[] = []
  await ctx.db.transaction(async (tx) => {
    for (const spec of DEMO_ORGS) {
      const org = await createOrganisation(tx, spec)
      for (const role of ROLES) {
        const email = `${role}@${spec.slug}.demo.example`
        const userId = await createUser(tx, { email, displayName: `${role} (${spec.nameJa})`, password: DEMO_PASSWORD })
        await addMembership(tx, org.id, userId, role, null)
        let totpSecret: string | null = null
        if (MFA_REQUIRED_ROLES.includes(role)) {
          totpSecret = newTotpSecret()
          await enableTotpDirectly(tx, userId, totpSecret, now)
        }
        logins.push({ org: spec.slug, orgNameJa: spec.nameJa, role, email, password: DEMO_PASSWORD, totpSecret })
      }
    }
    await recordAudit(tx, { actorUserId: null, orgId: null, action: 'demo.seeded', target: { type: 'system', id: 'demo' }, at: now })
  })
  return logins
}

export function formatDemoLogins(logins: DemoLogin[]): string {
  const lines = [`  Demo logins / デモ用ログイン (password / パスワード: ${DEMO_PASSWORD})`]
  let org = ''
  for (const login of logins) {
    if (login.org !== org) {
      org = login.org
      lines.push(`  ${login.orgNameJa}`)
    }
    const mfa = login.totpSecret ? `  TOTP secret: ${login.totpSecret}` : ''
    lines.push(`    ${login.role.padEnd(8)} ${login.email.padEnd(36)}${mfa}`)
  }
  lines.push('  Admins and approvers use MFA: add the TOTP secret to an authenticator app / 管理者・承認者は TOTP シークレットを認証アプリに登録してください')
  return lines.join('\n')
}
