import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { teamMembers, teams } from '../teams/index.ts'
import { authAccounts, authSessions, staffUsers } from './staff.tables.ts'

export type StaffRow = typeof staffUsers.$inferSelect

export const findById = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id))
  return row
}

/** Staff users by name, optionally only members of one (active) team; active ones unless asked. */
export const list = (db: Queryable, filter: { includeInactive: boolean; teamId?: string }) =>
  db
    .select()
    .from(staffUsers)
    .where(
      and(
        filter.includeInactive ? undefined : eq(staffUsers.active, true),
        filter.teamId
          ? inArray(
              staffUsers.id,
              db
                .select({ id: teamMembers.staffId })
                .from(teamMembers)
                .innerJoin(teams, eq(teams.id, teamMembers.teamId))
                .where(and(eq(teamMembers.teamId, filter.teamId), isNull(teams.archivedAt))),
            )
          : undefined,
      ),
    )
    .orderBy(asc(staffUsers.name), asc(staffUsers.id))

/**
 * Locks every active admin row (in id order, so two callers cannot deadlock) and returns the
 * other active admins. Two admins demoting each other at once: the second waits for the first
 * and then sees that it is the last one.
 */
export const lockOtherActiveAdmins = async (db: Queryable, exceptId: string) => {
  const rows = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), eq(staffUsers.active, true)))
    .orderBy(staffUsers.id)
    .for('update')
  return rows.filter((r) => r.id !== exceptId)
}

/** Another user (not `exceptId`) with this email, compared case-insensitively. */
export const findOtherByEmail = async (db: Queryable, email: string, exceptId: string) => {
  const [row] = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(sql`lower(${staffUsers.email}) = ${email.toLowerCase()}`, ne(staffUsers.id, exceptId)))
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

/**
 * Replaces a user's memberships of active teams. Memberships of archived teams are kept
 * untouched: they are invisible, and come back should the team ever be restored.
 */
export const replaceMemberships = async (
  db: Queryable,
  staffId: string,
  memberships: { teamId: string; role: 'member' | 'supervisor' }[],
) => {
  await db
    .delete(teamMembers)
    .where(
      and(
        eq(teamMembers.staffId, staffId),
        inArray(teamMembers.teamId, db.select({ id: teams.id }).from(teams).where(isNull(teams.archivedAt))),
      ),
    )
  if (memberships.length > 0) {
    await db.insert(teamMembers).values(memberships.map((m) => ({ staffId, teamId: m.teamId, role: m.role })))
  }
}

/** How many of these teams exist and are not archived. */
export const countExistingTeams = async (db: Queryable, teamIds: string[]) => {
  if (teamIds.length === 0) return 0
  const rows = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(inArray(teams.id, teamIds), isNull(teams.archivedAt)))
  return rows.length
}

/** Memberships of active teams of these users, by team name. */
export const membershipsOf = (db: Queryable, staffIds: string[]) =>
  staffIds.length === 0
    ? Promise.resolve([])
    : db
        .select({ staffId: teamMembers.staffId, id: teams.id, name: teams.name, role: teamMembers.role })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .where(and(inArray(teamMembers.staffId, staffIds), isNull(teams.archivedAt)))
        .orderBy(teams.name)

/** Whether an error is PostgreSQL's unique violation of the (case-insensitive) email index. */
export const isEmailTaken = (err: unknown) => {
  const pgError = (err as { cause?: unknown })?.cause ?? err
  const { code, constraint } = (pgError ?? {}) as { code?: string; constraint?: string }
  return code === '23505' && constraint === 'staff_users_email_key'
}
