import { and, asc, eq, sql } from 'drizzle-orm'
import type { Queryable } from '../../db/database.js'
import type { Role } from './actor.js'
import { invitations, memberships, organisations, recoveryCodes, sessions, users } from './schema.js'

export type UserRow = typeof users.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
export type OrganisationRow = typeof organisations.$inferSelect
export type InvitationRow = typeof invitations.$inferSelect

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
  return row
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id))
  return row
}

export async function findUserForUpdate(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for('update')
  return row
}

export interface MembershipView {
  orgId: string
  role: Role
  kind: OrganisationRow['kind']
  nameJa: string
  nameEn: string
  sector: string | null
  sizeBand: string | null
}

export async function membershipsOfUser(db: Queryable, userId: string): Promise<MembershipView[]> {
  return db
    .select({
      orgId: memberships.orgId,
      role: memberships.role,
      kind: organisations.kind,
      nameJa: organisations.nameJa,
      nameEn: organisations.nameEn,
      sector: organisations.sector,
      sizeBand: organisations.sizeBand,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(organisations.nameEn))
}

export async function membersOfOrg(db: Queryable, orgId: string) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      role: memberships.role,
      mfaEnabled: sql<boolean>`${users.totpEnabledAt} is not null`,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.displayName))
}

export async function findMembership(db: Queryable, orgId: string, userId: string) {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
  return row
}

export async function countAdmins(db: Queryable, orgId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'admin')))
  return row?.n ?? 0
}

export async function findOrganisation(db: Queryable, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id))
  return row
}

export async function findSession(db: Queryable, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id))
  return row
}

export async function unusedRecoveryCode(db: Queryable, userId: string, codeHash: string) {
  const [row] = await db
    .select()
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash)))
  return row && !row.usedAt ? row : undefined
}
