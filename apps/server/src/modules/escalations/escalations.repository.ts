import type { EscalationCause } from '@tresen/contract'
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import type { Queryable } from '../../platform/db.ts'
import { promises } from '../promises/index.ts'
import { staffUsers } from '../staff/index.ts'
import { teamMembers, teams } from '../teams/index.ts'
import { ticketTimeline as ticketEvents, tickets } from '../tickets/index.ts'
import { escalationSettings, escalations } from './escalations.tables.ts'

export type EscalationRow = typeof escalations.$inferSelect
export type SettingsRow = typeof escalationSettings.$inferSelect

export const readSettings = async (db: Queryable, opts: { forUpdate?: boolean } = {}) => {
  const q = db.select().from(escalationSettings).where(eq(escalationSettings.id, 1))
  const [row] = await (opts.forUpdate ? q.for('update') : q)
  return row
}

export const saveSettings = async (
  db: Queryable,
  values: Omit<typeof escalationSettings.$inferInsert, 'id'>,
) => {
  const [row] = await db
    .insert(escalationSettings)
    .values({ id: 1, ...values })
    .onConflictDoUpdate({ target: escalationSettings.id, set: values })
    .returning()
  return row!
}

/**
 * Raises an escalation on a ticket, or adds the cause to the one open: one statement, so two
 * rules firing at once make one escalation with both causes. `created` tells which happened.
 */
export const raise = async (
  db: Queryable,
  values: { ticketId: string; teamId: string | null; cause: EscalationCause; at: Date; byId: string | null },
) => {
  const rows = await db.execute<{ id: string; created: boolean }>(sql`
    INSERT INTO escalations (id, ticket_id, team_id, state, reason, causes, raised_at, raised_by_id)
    VALUES (${uuidv7()}, ${values.ticketId}, ${values.teamId}, 'waiting',
      ${values.cause.reason}, ${JSON.stringify([values.cause])}::jsonb, ${values.at}, ${values.byId})
    ON CONFLICT (ticket_id) WHERE state <> 'resolved'
    DO UPDATE SET causes = escalations.causes || EXCLUDED.causes
    RETURNING id, (xmax = 0) AS created`)
  return rows.rows[0]!
}

export const findById = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}) => {
  const q = db.select().from(escalations).where(eq(escalations.id, id))
  const [row] = await (opts.forUpdate ? q.for('update') : q)
  return row
}

export const openOfTicket = async (db: Queryable, ticketId: string, opts: { forUpdate?: boolean } = {}) => {
  const q = db
    .select()
    .from(escalations)
    .where(and(eq(escalations.ticketId, ticketId), ne(escalations.state, 'resolved')))
  const [row] = await (opts.forUpdate ? q.for('update') : q)
  return row
}

export const ofTicket = (db: Queryable, ticketId: string) =>
  db
    .select()
    .from(escalations)
    .where(eq(escalations.ticketId, ticketId))
    .orderBy(desc(escalations.raisedAt), desc(escalations.id))

export const update = async (db: Queryable, id: string, set: Partial<EscalationRow>) => {
  const [row] = await db.update(escalations).set(set).where(eq(escalations.id, id)).returning()
  return row!
}

/**
 * Escalations by state for some teams (null: every team, and tickets without one), waiting ones
 * first and the oldest first.
 */
export const list = (
  db: Queryable,
  q: { states: EscalationRow['state'][]; teamIds: string[] | null; limit: number },
) =>
  db
    .select()
    .from(escalations)
    .where(
      and(
        inArray(escalations.state, q.states),
        q.teamIds === null
          ? undefined
          : q.teamIds.length
            ? inArray(escalations.teamId, q.teamIds)
            : sql`false`,
      ),
    )
    .orderBy(
      sql`CASE ${escalations.state} WHEN 'waiting' THEN 0 WHEN 'joined' THEN 1 ELSE 2 END`,
      q.states.includes('resolved') && q.states.length === 1
        ? desc(escalations.raisedAt)
        : asc(escalations.raisedAt),
      asc(escalations.id),
    )
    .limit(q.limit)

/** What an escalation shows of its ticket, team and people. */
export const labels = async (db: Queryable, rows: readonly EscalationRow[]) => {
  const ticketIds = [...new Set(rows.map((r) => r.ticketId))]
  const teamIds = [...new Set(rows.map((r) => r.teamId).filter((t): t is string => !!t))]
  const staffIds = [...new Set(rows.map((r) => r.joinedById).filter((t): t is string => !!t))]
  const [ts, tm, st, due] = await Promise.all([
    ticketIds.length
      ? db
          .select({ id: tickets.id, number: tickets.number, subject: tickets.subject })
          .from(tickets)
          .where(inArray(tickets.id, ticketIds))
      : [],
    teamIds.length
      ? db.select({ id: teams.id, name: teams.name }).from(teams).where(inArray(teams.id, teamIds))
      : [],
    staffIds.length
      ? db
          .select({ id: staffUsers.id, name: staffUsers.name })
          .from(staffUsers)
          .where(inArray(staffUsers.id, staffIds))
      : [],
    ticketIds.length
      ? db
          .select({ ticketId: promises.ticketId, dueAt: promises.dueAt })
          .from(promises)
          .where(
            and(
              inArray(promises.ticketId, ticketIds),
              eq(promises.kind, 'escalation.join'),
              inArray(promises.state, ['running', 'warning', 'paused']),
            ),
          )
      : [],
  ])
  return {
    tickets: new Map(ts.map((t) => [t.id, t])),
    teams: new Map(tm.map((t) => [t.id, t.name])),
    staff: new Map(st.map((s) => [s.id, s.name])),
    joinDue: new Map(due.map((d) => [d.ticketId, d.dueAt])),
  }
}

export const lockTicket = (db: Queryable, ticketId: string) =>
  db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId)).for('update')

/** How often a ticket has been transferred (the timeline's transfer events). */
export const transferCount = async (db: Queryable, ticketId: string) => {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.type, 'ticket.transferred')))
  return row?.n ?? 0
}

/** Active supervisors of a team, with their address, language and email choice. */
export const supervisorsOf = (db: Queryable, teamId: string) =>
  db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      language: staffUsers.language,
      escalationEmails: staffUsers.escalationEmails,
    })
    .from(teamMembers)
    .innerJoin(staffUsers, eq(staffUsers.id, teamMembers.staffId))
    .where(
      and(eq(teamMembers.teamId, teamId), eq(teamMembers.role, 'supervisor'), eq(staffUsers.active, true)),
    )
    .orderBy(asc(staffUsers.id))

export const activeAdmins = (db: Queryable) =>
  db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      language: staffUsers.language,
      escalationEmails: staffUsers.escalationEmails,
    })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), eq(staffUsers.active, true)))
    .orderBy(asc(staffUsers.id))

const OPEN_STATUSES = sql`${tickets.status} IN ('new', 'open', 'pending', 'on_hold') AND ${tickets.mergedIntoId} IS NULL`
const teamFilter = (teamIds: string[] | null) =>
  teamIds === null ? undefined : teamIds.length ? inArray(tickets.teamId, teamIds) : sql`false`

/** Open tickets in warning or due before `until`, the earliest first (the tickets' due index). */
export const aboutToBreach = (db: Queryable, q: { teamIds: string[] | null; until: Date; limit: number }) =>
  db
    .select({
      ticketId: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      teamName: teams.name,
      assigneeName: staffUsers.name,
      promiseState: tickets.promiseState,
      dueAt: tickets.promiseDueAt,
    })
    .from(tickets)
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .leftJoin(staffUsers, eq(staffUsers.id, tickets.assigneeId))
    .where(
      and(
        OPEN_STATUSES,
        teamFilter(q.teamIds),
        sql`coalesce(${tickets.promiseDueAt}, 'infinity'::timestamptz) < ${q.until}`,
        inArray(tickets.promiseState, ['running', 'warning']),
      ),
    )
    .orderBy(sql`coalesce(${tickets.promiseDueAt}, 'infinity'::timestamptz)`, asc(tickets.id))
    .limit(q.limit)

/** Response targets breached since `since`, per team of their tickets. */
export const breachesSince = (db: Queryable, q: { teamIds: string[] | null; since: Date }) =>
  db
    .select({ teamId: tickets.teamId, teamName: teams.name, breaches: sql<number>`count(*)::int` })
    .from(promises)
    .innerJoin(tickets, eq(tickets.id, promises.ticketId))
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .where(
      and(
        sql`${promises.breachedAt} >= ${q.since}`,
        sql`${promises.kind} LIKE 'sla.%'`,
        teamFilter(q.teamIds),
      ),
    )
    .groupBy(tickets.teamId, teams.name)
    .orderBy(desc(sql`count(*)`))

const notBreached = sql`${tickets.promiseState} IS DISTINCT FROM 'breached'`

/** Open, pending and breached tickets per active agent of the teams (null: every active agent); the three add up to their open tickets (a breached one counts as breached only). */
export const agentLoad = async (db: Queryable, teamIds: string[] | null) => {
  const people =
    teamIds === null
      ? await db
          .select({ id: staffUsers.id, name: staffUsers.name })
          .from(staffUsers)
          .where(eq(staffUsers.active, true))
      : teamIds.length
        ? await db
            .selectDistinct({ id: staffUsers.id, name: staffUsers.name })
            .from(teamMembers)
            .innerJoin(staffUsers, eq(staffUsers.id, teamMembers.staffId))
            .where(and(inArray(teamMembers.teamId, teamIds), eq(staffUsers.active, true)))
        : []
  if (people.length === 0) return []
  const counts = await db
    .select({
      staffId: tickets.assigneeId,
      open: sql<number>`count(*) FILTER (WHERE ${tickets.status} IN ('new', 'open', 'on_hold') AND ${notBreached})::int`,
      pending: sql<number>`count(*) FILTER (WHERE ${tickets.status} = 'pending' AND ${notBreached})::int`,
      breached: sql<number>`count(*) FILTER (WHERE ${tickets.promiseState} = 'breached')::int`,
    })
    .from(tickets)
    .where(
      and(
        OPEN_STATUSES,
        inArray(
          tickets.assigneeId,
          people.map((p) => p.id),
        ),
      ),
    )
    .groupBy(tickets.assigneeId)
  const byId = new Map(counts.map((c) => [c.staffId, c]))
  return people
    .map((p) => ({
      staffId: p.id,
      name: p.name,
      open: byId.get(p.id)?.open ?? 0,
      pending: byId.get(p.id)?.pending ?? 0,
      breached: byId.get(p.id)?.breached ?? 0,
    }))
    .sort((a, b) => b.open + b.pending - (a.open + a.pending) || a.name.localeCompare(b.name))
}
