import { sql } from 'drizzle-orm'
import type { AppContext } from '../context.js'
import { queryRows } from '../db/database.js'
import { recordAudit } from '../modules/audit/service.js'
import { MFA_REQUIRED_ROLES, ROLES, type OrgKind, type Role } from '../modules/identity/actor.js'
import { addMembership, createOrganisation, createUser, enableTotpDirectly } from '../modules/identity/service.js'
import type { Actor } from '../modules/identity/actor.js'
import { findCatalogByKey } from '../modules/catalog/service.js'
import { linkInstitution } from '../modules/incident/jurisdiction.js'
import { createIncident } from '../modules/incident/service.js'
import { createRound, publishRound } from '../modules/supervision/rounds.js'
import { submitToRound } from '../modules/supervision/submissions.js'
import { approve, createAssessment, listItems, requestReview, updateItem } from '../modules/assessment/service.js'
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
  const members: DemoMember[] = []
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
        members.push({ org: spec.slug, orgId: org.id, kind: spec.kind, role, userId })
      }
    }
    // The demo supervisor oversees every demo institution (incident reports, later supervision rounds).
    const supervisor = members.find((m) => m.kind === 'supervisor')
    const institutionIds = new Set(members.filter((m) => m.kind === 'institution').map((m) => m.orgId))
    if (supervisor) for (const id of institutionIds) await linkInstitution(tx, supervisor.orgId, id, null, now)
    await recordAudit(tx, { actorUserId: null, orgId: null, action: 'demo.seeded', target: { type: 'system', id: 'demo' }, at: now })
  })
  const approvedAssessmentId = await seedDemoAssessments(ctx, members)
  await seedDemoIncident(ctx, members, now)
  await seedDemoRound(ctx, members, now, approvedAssessmentId)
  return logins
}

interface DemoMember {
  org: string
  orgId: string
  kind: OrgKind
  role: Role
  userId: string
}

function demoActor(members: DemoMember[], org: string, role: Role): Actor {
  const member = members.find((m) => m.org === org && m.role === role)
  if (!member) throw new Error(`demo member ${org}/${role} missing`)
  return { userId: member.userId, orgId: member.orgId, orgKind: member.kind, role, mfaVerified: true, locale: 'ja' }
}

// Two institutions get assessments of the FSA catalog, so a first look at Kamae shows scores and the
// sign-off history: Aoba Bank's is approved, Hibari Securities' is half answered. Kamome Shinkin is
// left without one, for a person (or the browser test) to start from scratch.
async function seedDemoAssessments(ctx: AppContext, members: DemoMember[]): Promise<string | null> {
  const catalog = await findCatalogByKey(ctx.db, 'fsa-cyber-2024')
  if (!catalog) return null
  const answer = (i: number) => [3, 2, 2, 1, 2, 0, 3, 2][i % 8]!

  const aobaEditor = demoActor(members, 'aoba', 'editor')
  const aoba = await createAssessment(ctx, aobaEditor, { catalogId: catalog.id, title: '2026年度 サイバーセキュリティ自己評価' })
  const aobaRefs = (await listItems(ctx, aobaEditor, aoba.id)).filter((item) => item.inScope).map((item) => item.ref)
  for (const [i, ref] of aobaRefs.entries()) await updateItem(ctx, aobaEditor, aoba.id, ref, { value: answer(i) })
  await requestReview(ctx, aobaEditor, aoba.id, { comment: '全項目の回答が完了しました。ご確認ください。' })
  await approve(ctx, demoActor(members, 'aoba', 'approver'), aoba.id, { comment: '確認しました。改善計画の進捗を四半期ごとに報告してください。' })

  const hibariEditor = demoActor(members, 'hibari', 'editor')
  const hibari = await createAssessment(ctx, hibariEditor, { catalogId: catalog.id, title: '2026年度 自己評価（作成中）' })
  const hibariRefs = (await listItems(ctx, hibariEditor, hibari.id)).filter((item) => item.inScope).map((item) => item.ref)
  for (const [i, ref] of hibariRefs.slice(0, Math.floor(hibariRefs.length / 2)).entries()) {
    await updateItem(ctx, hibariEditor, hibari.id, ref, { value: answer(i + 3), comment: i % 5 === 0 ? '証跡を確認中' : null })
  }
  return aoba.id
}

// A published self-assessment round of the demo supervisor to every demo institution, to which Aoba
// Bank has submitted its approved assessment: both sides of the 公助 loop have something to show.
async function seedDemoRound(ctx: AppContext, members: DemoMember[], now: Date, aobaAssessmentId: string | null) {
  const catalog = await findCatalogByKey(ctx.db, 'fsa-cyber-2024')
  if (!catalog || !aobaAssessmentId) return
  const analyst = demoActor(members, 'supervisor', 'editor')
  const round = await createRound(ctx, analyst, {
    kind: 'self_assessment',
    title: { ja: '2026年度 サイバーセキュリティ・セルフアセスメント', en: 'FY2026 cyber-security self-assessment' },
    catalogId: catalog.id,
    target: { mode: 'criteria', sectors: null, sizes: null, institutionIds: [] },
    opensAt: new Date(now.getTime() - 7 * 86_400_000).toISOString(),
    dueAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    instructions: '経営陣の承認を得た自己評価を提出期限までに提出してください。基本的な対応事項は全て回答してください。',
    carryForward: true,
    kAnonymity: 5,
  })
  await publishRound(ctx, analyst, round.id)
  await submitToRound(ctx, demoActor(members, 'aoba', 'editor'), round.id, { assessmentId: aobaAssessmentId })
}

// One submitted initial report, so the supervisor's インシデント受付 is not empty at first look:
// Tsubasa Crypto Exchange suspects unauthorised access to a hot-wallet server, detected hours ago.
async function seedDemoIncident(ctx: AppContext, members: DemoMember[], now: Date) {
  const detectedAt = new Date(now.getTime() - 3 * 3_600_000).toISOString()
  await createIncident(ctx, demoActor(members, 'tsubasa', 'editor'), {
    submit: true,
    content: {
      title: 'ホットウォレット管理サーバーへの不正アクセスの疑い',
      summary: '監視システムがホットウォレット管理サーバーへの不審なログインを検知。出庫処理を一時停止し、調査中。',
      detectedAt,
      category: 'unauthorised_access',
      affectedServices: ['暗号資産の入出庫', 'ホットウォレット'],
      customersAffected: 'unknown',
      currentStatus: 'investigating',
      contact: { name: 'つばさ 太郎', department: 'システムリスク管理部', phone: '03-0000-0000', email: 'editor@tsubasa.demo.example' },
    },
  })
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
