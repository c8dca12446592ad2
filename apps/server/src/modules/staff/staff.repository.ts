import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { teamMembers, teams } from '../teams/teams.tables.ts'
import { authAccounts, authSessions, staffUsers } from './staff.tables.ts'

export type StaffRow = typeof staffUsers.$inferSelect

export const findById = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id))
  return row
}

export const findByEmail = async (db: Queryable, email: string) => {
  const [row] = await db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email.toLowerCase()}`)
  return row
}

export const insert = async (db: Queryable, values: typeof staffUsers.$inferInsert) => {
  const [row] = await db.insert(staffUsers).values(values).returning()
  return row!
}

export const update = async (db: Queryable, id: string, values: Partial<typeof staffUsers.$inferInsert>) => {
  const [row] = await db.update(staffUsers).set(values).where(eq(staffUsers.id, id)).returning()
  return row
}

/** Sets the password hash of the credential account, creating the account on first use. */
export const setPasswordHash = async (db: Queryable, staffId: string, passwordHash: string, now: Date) => {
  const updated = await db
    .update(authAccounts)
    .set({ password: passwordHash, updatedAt: now })
    .where(and(eq(authAccounts.userId, staffId), eq(authAccounts.providerId, 'credential')))
    .returning({ id: authAccounts.id })
  if (updated.length === 0) {
    await db
      .insert(authAccounts)
      .values({ userId: staffId, accountId: staffId, providerId: 'credential', password: passwordHash })
  }
}

export const endAllSessions = (db: Queryable, staffId: string) =>
  db.delete(authSessions).where(eq(authSessions.userId, staffId))

export const replaceMemberships = async (
  db: Queryable,
  staffId: string,
  memberships: { teamId: string; role: 'member' | 'supervisor' }[],
) => {
  await db.delete(teamMembers).where(eq(teamMembers.staffId, staffId))
  if (memberships.length > 0) {
    await db.insert(teamMembers).values(memberships.map((m) => ({ staffId, teamId: m.teamId, role: m.role })))
  }
}

export const countExistingTeams = async (db: Queryable, teamIds: string[]) => {
  if (teamIds.length === 0) return 0
  const rows = await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, teamIds))
  return rows.length
}

export const membershipsOf = (db: Queryable, staffIds: string[]) =>
  staffIds.length === 0
    ? Promise.resolve([])
    : db
        .select({ staffId: teamMembers.staffId, id: teams.id, name: teams.name, role: teamMembers.role })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .where(inArray(teamMembers.staffId, staffIds))
        .orderBy(teams.name)
