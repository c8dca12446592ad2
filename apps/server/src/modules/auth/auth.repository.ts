import { and, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { apiTokens, authSessions, staffUsers } from '../staff/staff.tables.ts'
import { teamMembers, teams } from '../teams/teams.tables.ts'
import { signInAttempts } from './auth.tables.ts'

/**
 * Counts one attempt for `key` in a fixed window and returns the count including this one.
 * One statement, so parallel attempts each see their own increment.
 */
export const countAttempt = async (db: Queryable, key: string, windowSeconds: number) => {
  const rows = await db.execute<{ count: number }>(sql`
    INSERT INTO ${signInAttempts} (key, count, window_start) VALUES (${key}, 1, now())
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN ${signInAttempts.windowStart} < now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE ${signInAttempts.count} + 1 END,
      window_start = CASE WHEN ${signInAttempts.windowStart} < now() - make_interval(secs => ${windowSeconds}) THEN now() ELSE ${signInAttempts.windowStart} END
    RETURNING count`)
  return Number(rows.rows[0]?.count ?? 0)
}

export const clearAttempts = (db: Queryable, key: string) =>
  db.delete(signInAttempts).where(eq(signInAttempts.key, key))

export const findStaffByEmail = async (db: Queryable, email: string) => {
  const [row] = await db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email.toLowerCase()}`)
  return row
}

/** The staff user with their team memberships: what an Actor is built from. */
export const loadStaffWithTeams = async (db: Queryable, staffId: string) => {
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.id, staffId))
  if (!user) return undefined
  const memberships = await db
    .select({ id: teams.id, name: teams.name, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.staffId, staffId), isNull(teams.archivedAt)))
    .orderBy(teams.name)
  return { ...user, teams: memberships }
}

export const findTokenByHash = async (db: Queryable, tokenHash: string) => {
  const [row] = await db
    .select({ id: apiTokens.id, staffId: apiTokens.staffId, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
  return row
}

/** Marks a token used, at most once a minute, so authenticating stays a read. */
export const touchToken = (db: Queryable, id: string, now: Date) =>
  db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000))),
      ),
    )

export const insertToken = async (
  db: Queryable,
  values: { staffId: string; name: string; tokenHash: string; prefix: string },
) => {
  const [row] = await db.insert(apiTokens).values(values).returning()
  return row!
}

export const listTokens = (db: Queryable, staffId: string) =>
  db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.staffId, staffId), isNull(apiTokens.revokedAt)))
    .orderBy(apiTokens.createdAt)

export const revokeToken = async (db: Queryable, staffId: string, id: string, now: Date) => {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.staffId, staffId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id })
  return rows.length > 0
}

export const deleteSessionByToken = (db: Queryable, token: string) =>
  db.delete(authSessions).where(eq(authSessions.token, token))

export const deleteSessionsOf = (db: Queryable, staffId: string) =>
  db.delete(authSessions).where(eq(authSessions.userId, staffId))
