import { and, asc, count, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { staffUsers } from '../staff/index.ts'
import { tickets } from '../tickets/index.ts'
import { teamMembers, teams } from './teams.tables.ts'

export type TeamRow = typeof teams.$inferSelect
export type TeamMemberRow = { teamId: string; id: string; name: string; role: 'member' | 'supervisor' }

/** Teams that are not archived, by name. */
export const listActive = (db: Queryable) =>
  db.select().from(teams).where(isNull(teams.archivedAt)).orderBy(asc(teams.name), asc(teams.id))

/**
 * A team that is not archived. `forUpdate` locks its row, which also holds back tickets being
 * moved into it (their foreign-key check needs a KEY SHARE lock) until the caller commits.
 */
export const findActive = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}) => {
  const query = db
    .select()
    .from(teams)
    .where(and(eq(teams.id, id), isNull(teams.archivedAt)))
  const [row] = opts.forUpdate ? await query.for('update') : await query
  return row
}

/** The team in use (not archived) with this name, compared case-insensitively. */
export const findByName = async (db: Queryable, name: string) => {
  const [row] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(sql`lower(${teams.name}) = ${name.toLowerCase()}`, isNull(teams.archivedAt)))
  return row
}

export const insert = async (db: Queryable, values: typeof teams.$inferInsert) => {
  const [row] = await db.insert(teams).values(values).returning()
  return row!
}

export const update = async (db: Queryable, id: string, values: Partial<typeof teams.$inferInsert>) => {
  const [row] = await db.update(teams).set(values).where(eq(teams.id, id)).returning()
  return row
}

/** Active members (deactivated staff left out) of these teams, by name. */
export const membersOf = (db: Queryable, teamIds: string[]): Promise<TeamMemberRow[]> =>
  teamIds.length === 0
    ? Promise.resolve([])
    : db
        .select({
          teamId: teamMembers.teamId,
          id: staffUsers.id,
          name: staffUsers.name,
          role: teamMembers.role,
        })
        .from(teamMembers)
        .innerJoin(staffUsers, eq(staffUsers.id, teamMembers.staffId))
        .where(and(inArray(teamMembers.teamId, teamIds), eq(staffUsers.active, true)))
        .orderBy(asc(staffUsers.name), asc(staffUsers.id))

export const findMembership = async (db: Queryable, teamId: string, staffId: string) => {
  const [row] = await db
    .select({ role: teamMembers.role })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.staffId, staffId)))
  return row
}

export const upsertMembership = (
  db: Queryable,
  teamId: string,
  staffId: string,
  role: 'member' | 'supervisor',
) =>
  db
    .insert(teamMembers)
    .values({ teamId, staffId, role })
    .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.staffId], set: { role } })

export const deleteMembership = (db: Queryable, teamId: string, staffId: string) =>
  db.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.staffId, staffId)))

/** Tickets of the team that are still being worked on (not solved or closed). */
export const countOpenTickets = async (db: Queryable, teamId: string) => {
  const [row] = await db
    .select({ n: count() })
    .from(tickets)
    .where(and(eq(tickets.teamId, teamId), notInArray(tickets.status, ['solved', 'closed'])))
  return row?.n ?? 0
}

/** Whether an error is PostgreSQL's unique violation of the (case-insensitive) team name index. */
export const isNameTaken = (err: unknown) => {
  const pgError = (err as { cause?: unknown })?.cause ?? err
  const { code, constraint } = (pgError ?? {}) as { code?: string; constraint?: string }
  return code === '23505' && constraint === 'teams_name_key'
}
