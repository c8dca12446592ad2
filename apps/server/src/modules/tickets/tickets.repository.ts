import { and, asc, desc, eq, getTableColumns, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Actor } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { customers } from '../customers/customers.tables.ts'
import { staffUsers } from '../staff/staff.tables.ts'
import { teamMembers, teams } from '../teams/teams.tables.ts'
import { visibleTo } from './tickets.policy.ts'
import { attachments, interactions, ticketEvents, tickets } from './tickets.tables.ts'

/** Every column but the search text and its vector, which only the database reads. */
const { content: _content, search: _search, ...ticketColumns } = getTableColumns(tickets)
export type TicketRow = Omit<typeof tickets.$inferSelect, 'content' | 'search'>

/** How much conversation text a ticket keeps for search; PostgreSQL re-parses it on every update of the row. */
export const CONTENT_LIMIT = 50_000
export type NewInteraction = typeof interactions.$inferInsert
export type NewEvent = typeof ticketEvents.$inferInsert

const mergedTarget = alias(tickets, 'merged_target')

/** A ticket with the names a presenter needs. */
const ticketWithNames = (db: Queryable) =>
  db
    .select({
      ticket: ticketColumns,
      teamName: teams.name,
      assigneeName: staffUsers.name,
      customerName: customers.name,
      mergedIntoNumber: mergedTarget.number,
    })
    .from(tickets)
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .leftJoin(staffUsers, eq(staffUsers.id, tickets.assigneeId))
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(mergedTarget, eq(mergedTarget.id, tickets.mergedIntoId))

export type TicketWithNames = Awaited<ReturnType<ReturnType<typeof ticketWithNames>['execute']>>[number]

const where = (...conds: (SQL | undefined)[]) => and(...conds.filter(Boolean))

export const findVisibleWithNames = async (db: Queryable, actor: Actor, id: string) => {
  const [row] = await ticketWithNames(db).where(where(eq(tickets.id, id), visibleTo(actor)))
  return row
}

/** The ticket row, visible to the actor, locked for the rest of the transaction. */
export const findVisibleForUpdate = async (db: Queryable, actor: Actor, id: string) => {
  const [row] = await db
    .select(ticketColumns)
    .from(tickets)
    .where(where(eq(tickets.id, id), visibleTo(actor)))
    .for('update')
  return row
}

/** Who may see a ticket (its team and assignee), when the actor may see it; for presence. */
export const findVisibleScope = async (db: Queryable, actor: Actor, id: string) => {
  const [row] = await db
    .select({ id: tickets.id, teamId: tickets.teamId, assigneeId: tickets.assigneeId })
    .from(tickets)
    .where(where(eq(tickets.id, id), visibleTo(actor)))
  return row
}

/** Resolves a ticket number to a ticket id; a merged number resolves to the ticket it was merged into. */
export const idForNumber = async (db: Queryable, number: number) => {
  const [row] = await db
    .select({ id: tickets.id, mergedIntoId: tickets.mergedIntoId })
    .from(tickets)
    .where(eq(tickets.number, number))
  return row ? (row.mergedIntoId ?? row.id) : undefined
}

export const insertTicket = async (db: Queryable, values: typeof tickets.$inferInsert) => {
  const [row] = await db
    .insert(tickets)
    .values({ ...values, content: values.content?.slice(0, CONTENT_LIMIT) })
    .returning(ticketColumns)
  return row!
}

/** Updates a ticket; `appendText` adds a message's text to what search sees. */
export const updateTicket = async (
  db: Queryable,
  id: string,
  values: Partial<Omit<typeof tickets.$inferInsert, 'content'>>,
  appendText?: string,
) => {
  const [row] = await db
    .update(tickets)
    .set({
      ...values,
      version: sql`${tickets.version} + 1`,
      ...(appendText
        ? { content: sql`left(${tickets.content} || ${'\n'} || ${appendText}, ${CONTENT_LIMIT})` }
        : {}),
    })
    .where(eq(tickets.id, id))
    .returning(ticketColumns)
  return row!
}

/** Adds the search text of one ticket to another's (after a merge). */
export const appendContentOf = (db: Queryable, fromId: string, toId: string) =>
  db.execute(sql`UPDATE ${tickets} AS t SET content = left(t.content || ${'\n'} || f.content, ${CONTENT_LIMIT})
    FROM ${tickets} AS f WHERE t.id = ${toId} AND f.id = ${fromId}`)

export const insertInteraction = async (db: Queryable, values: NewInteraction) => {
  const [row] = await db.insert(interactions).values(values).returning()
  return row!
}

export const insertEvents = async (db: Queryable, values: NewEvent[]) => {
  if (values.length > 0) await db.insert(ticketEvents).values(values)
}

export const insertAttachment = async (db: Queryable, values: typeof attachments.$inferInsert) => {
  const [row] = await db.insert(attachments).values(values).returning()
  return row!
}

/** Moves the whole timeline of `fromId` (messages, notes, attachments) onto `toId`. */
export const moveTimeline = async (db: Queryable, fromId: string, toId: string) => {
  await db
    .update(interactions)
    .set({
      ticketId: toId,
      mergedFromTicketId: sql`coalesce(${interactions.mergedFromTicketId}, ${fromId}::uuid)`,
    })
    .where(eq(interactions.ticketId, fromId))
  await db.update(attachments).set({ ticketId: toId }).where(eq(attachments.ticketId, fromId))
  // Tickets merged into `fromId` earlier now point straight at the survivor.
  await db.update(tickets).set({ mergedIntoId: toId }).where(eq(tickets.mergedIntoId, fromId))
}

export const customerById = async (db: Queryable, id: string) => {
  const [row] = await db
    .select({ id: customers.id, name: customers.name, language: customers.language })
    .from(customers)
    .where(eq(customers.id, id))
  return row
}

export const teamExists = async (db: Queryable, id: string) => {
  const [row] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, id), isNull(teams.archivedAt)))
  return Boolean(row)
}

export const isActiveMember = async (db: Queryable, teamId: string, staffId: string) => {
  const [row] = await db
    .select({ id: staffUsers.id })
    .from(teamMembers)
    .innerJoin(staffUsers, eq(staffUsers.id, teamMembers.staffId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.staffId, staffId), eq(staffUsers.active, true)))
  return Boolean(row)
}

export const staffExists = async (db: Queryable, id: string) => {
  const [row] = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.id, id), eq(staffUsers.active, true)))
  return Boolean(row)
}

/** Up to this many search hits, the hits are collected first and sorted; beyond, the inbox order is walked. */
export const SEARCH_COLLECT_LIMIT = 1000

/**
 * Tickets the actor may see that match the text, counted up to `cap` from the GIN index. The
 * LIMIT would tempt PostgreSQL into a sequential scan that stops early, which is slow exactly when
 * matches are rare; sequential scans are therefore off for this one statement.
 */
export const countSearchHits = (db: Queryable, actor: Actor, q: string, cap: number) =>
  db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`)
    const res = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM (
      SELECT 1 FROM ${tickets} WHERE ${where(textMatch(q), visibleTo(actor), isNull(tickets.mergedIntoId))} LIMIT ${cap}
    ) hits`)
    return Number(res.rows[0]?.n ?? 0)
  })

export type ListFilter = {
  statuses?: string[]
  teamId?: string
  /** Tickets of any of these teams (the caller's own teams); an empty list matches nothing. */
  teamIds?: string[]
  assigneeId?: string | null
  customerId?: string
  tag?: string
  q?: string
  /**
   * How a text search runs: 'collect' gathers the (few) hits through the GIN index and sorts them;
   * 'walk' reads the inbox order and keeps matching tickets, which is quick when hits are many.
   */
  searchPlan?: 'collect' | 'walk'
  sort: 'updated' | 'created' | 'waiting'
  limit: number
  /** The sort key and id of the last row of the previous page; `at` is null only for 'waiting'. */
  after?: { at: Date | null; id: string }
}

/**
 * The 'waiting' order: the longest-waiting customer first, then tickets where nothing waits.
 * NULL counts as 'infinity' (the same expression as the waiting indexes), so a cursor is one row
 * comparison an index walk can start from.
 */
const waitingKey = sql`coalesce(${tickets.waitingSince}, 'infinity'::timestamptz)`

const afterCursor = (f: ListFilter, sortCol: typeof tickets.updatedAt | typeof tickets.createdAt) => {
  if (!f.after) return undefined
  if (f.sort === 'waiting') {
    const at = f.after.at ? f.after.at.toISOString() : 'infinity'
    return sql`(${waitingKey}, ${tickets.id}) > (${at}::timestamptz, ${f.after.id}::uuid)`
  }
  return sql`(${sortCol}, ${tickets.id}) < (${f.after.at?.toISOString() ?? 'infinity'}::timestamptz, ${f.after.id}::uuid)`
}

/**
 * Full-text match in each ticket's own language over its subject and conversation. Each language
 * is its own branch so PostgreSQL can use the GIN index (and AND it with the inbox filters).
 */
const textMatch = (q: string) => sql`(
  (${tickets.language} = 'de' AND ${tickets.search} @@ websearch_to_tsquery('german', ${q}))
  OR (${tickets.language} = 'en' AND ${tickets.search} @@ websearch_to_tsquery('english', ${q}))
)`

export const listVisible = (db: Queryable, actor: Actor, f: ListFilter) => {
  const sortCol = f.sort === 'created' ? tickets.createdAt : tickets.updatedAt
  const conds: (SQL | undefined)[] = [
    visibleTo(actor),
    isNull(tickets.mergedIntoId),
    f.statuses?.length ? inArray(tickets.status, f.statuses as TicketRow['status'][]) : undefined,
    f.teamId ? eq(tickets.teamId, f.teamId) : undefined,
    f.teamIds ? (f.teamIds.length > 0 ? inArray(tickets.teamId, f.teamIds) : sql`false`) : undefined,
    f.assigneeId === null
      ? isNull(tickets.assigneeId)
      : f.assigneeId
        ? eq(tickets.assigneeId, f.assigneeId)
        : undefined,
    f.customerId ? eq(tickets.customerId, f.customerId) : undefined,
    f.tag ? sql`${tickets.tags} @> ARRAY[${f.tag}]::text[]` : undefined,
    f.q
      ? f.searchPlan === 'collect'
        ? // The LIMIT keeps PostgreSQL from folding the subquery into an index walk.
          sql`${tickets.id} IN (SELECT ${tickets.id} FROM ${tickets} WHERE ${where(textMatch(f.q), visibleTo(actor))} LIMIT ${SEARCH_COLLECT_LIMIT})`
        : textMatch(f.q)
      : undefined,
    afterCursor(f, sortCol),
  ]
  return ticketWithNames(db)
    .where(where(...conds))
    .orderBy(
      ...(f.sort === 'waiting' ? [asc(waitingKey), asc(tickets.id)] : [desc(sortCol), desc(tickets.id)]),
    )
    .limit(f.limit + 1)
}

export const interactionsOf = (db: Queryable, ticketId: string) => {
  const mergedFrom = alias(tickets, 'merged_from')
  return db
    .select({
      interaction: interactions,
      staffName: staffUsers.name,
      customerName: customers.name,
      mergedFromNumber: mergedFrom.number,
    })
    .from(interactions)
    .leftJoin(staffUsers, eq(staffUsers.id, interactions.authorStaffId))
    .leftJoin(customers, eq(customers.id, interactions.authorCustomerId))
    .leftJoin(mergedFrom, eq(mergedFrom.id, interactions.mergedFromTicketId))
    .where(eq(interactions.ticketId, ticketId))
    .orderBy(asc(interactions.createdAt), asc(interactions.id))
}

export const eventsOf = (db: Queryable, ticketId: string) =>
  db
    .select({ event: ticketEvents, actorName: staffUsers.name })
    .from(ticketEvents)
    .leftJoin(staffUsers, eq(staffUsers.id, ticketEvents.actorStaffId))
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id))

export const attachmentsOfTicket = (db: Queryable, ticketId: string) =>
  db.select().from(attachments).where(eq(attachments.ticketId, ticketId)).orderBy(asc(attachments.createdAt))

/** An attachment together with the scope of its ticket, for the visibility check. */
export const findAttachment = async (db: Queryable, actor: Actor, id: string) => {
  const [row] = await db
    .select({ attachment: attachments })
    .from(attachments)
    .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
    .where(where(eq(attachments.id, id), visibleTo(actor)))
  return row?.attachment
}

/** Solved tickets whose solving lies before `before`, locked; others working on them are skipped. */
export const lockSolvedBefore = (db: Queryable, before: Date, limit: number) =>
  db
    .select(ticketColumns)
    .from(tickets)
    .where(
      and(
        eq(tickets.status, 'solved'),
        sql`${tickets.solvedAt} < ${before.toISOString()}::timestamptz`,
        isNull(tickets.mergedIntoId),
      ),
    )
    .orderBy(asc(tickets.solvedAt))
    .limit(limit)
    .for('update', { skipLocked: true })
