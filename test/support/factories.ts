import { randomBytes } from 'node:crypto'
import type { AppContext } from '../../src/context.js'
import { MFA_REQUIRED_ROLES, type OrgKind, type Role } from '../../src/modules/identity/actor.js'
import { addMembership, createOrganisation, createUser, enableTotpDirectly } from '../../src/modules/identity/service.js'
import { newTotpSecret } from '../../src/modules/identity/totp.js'

export const TEST_PASSWORD = 'correct horse battery'

export async function makeOrganisation(ctx: AppContext, input: { kind?: OrgKind; sector?: string; sizeBand?: string; name?: string } = {}) {
  const kind = input.kind ?? 'institution'
  const name = input.name ?? `Org ${randomBytes(3).toString('hex')}`
  return ctx.db.transaction((tx) =>
    createOrganisation(tx, {
      kind,
      nameJa: `${name}（テスト）`,
      nameEn: name,
      sector: kind === 'institution' ? (input.sector ?? 'shinkin') : null,
      sizeBand: kind === 'institution' ? (input.sizeBand ?? 'medium') : null,
    }),
  )
}

export const makeInstitution = (ctx: AppContext, input: { sector?: string; sizeBand?: string; name?: string } = {}) =>
  makeOrganisation(ctx, { ...input, kind: 'institution' })

export interface TestUser {
  id: string
  email: string
  password: string
  totpSecret: string | null
  orgId: string
  role: Role
}

/** A member of an organisation; admins and approvers come with TOTP enrolled, as the product requires. */
export async function makeUser(ctx: AppContext, orgId: string, role: Role, opts: { mfa?: boolean } = {}): Promise<TestUser> {
  const email = `${role}-${randomBytes(4).toString('hex')}@test.example`
  const withMfa = opts.mfa ?? MFA_REQUIRED_ROLES.includes(role)
  const totpSecret = withMfa ? newTotpSecret() : null
  const id = await ctx.db.transaction(async (tx) => {
    const userId = await createUser(tx, { email, displayName: `${role} user`, password: TEST_PASSWORD })
    await addMembership(tx, orgId, userId, role, null)
    if (totpSecret) await enableTotpDirectly(tx, userId, totpSecret, ctx.clock())
    return userId
  })
  return { id, email, password: TEST_PASSWORD, totpSecret, orgId, role }
}
