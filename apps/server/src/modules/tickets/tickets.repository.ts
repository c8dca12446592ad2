import { and, asc, desc, eq, getTableColumns, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import type { Actor } from '../../platform/context.ts'
import { executeShaped, placeholders, type Queryable } from '../../platform/db.ts'
import { type DeskEvent, notifyPlaceholder } from '../../platform/events.ts'
import { customers } from '../customers/index.ts'
import type { FieldCondition } from '../fields/index.ts'
import { staffUsers } from '../staff/index.ts'
import { teamMembers, teams } from '../teams/index.ts'
import { seesAll, visibleTo } from './tickets.policy.ts'
import { attachments, interactions, ticketEvents, tickets } from './tickets.tables.ts'

type CustomerRow = typeof customers.$inferSelect

/** Every column but the search text and its vector, which only the database reads. */
const { content: _content, search: _search, ...ticketColumns } = getTableColumns(tickets)
export type TicketRow = Omit<typeof tickets.$inferSelect, 'content' | 'search'>

/** How much conversation text a ticket keeps for search; PostgreSQL re-parses it on every update of the row. */
export const CONTENT_LIMIT = 50_000
export type NewInteraction = typeof interactions.$inferInsert
export type NewEvent = typeof ticketEvents.$inferInsert

const mergedTarget = alias(tickets, 'merged_target')
const followUpOrigin = alias(tickets, 'follow_up_origin')

/** A ticket with the names a presenter needs. */
const ticketWithNames = (db: Queryable) =>
  db
    .select({
      ticket: ticketColumns,
      teamName: teams.name,
      assigneeName: staffUsers.name,
      customerName: customers.name,
      mergedIntoNumber: mergedTarget.number,
      followUpOfNumber: followUpOrigin.number,
    })
    .from(tickets)
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .leftJoin(staffUsers, eq(staffUsers.id, tickets.assigneeId))
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(mergedTarget, eq(mergedTarget.id, tickets.mergedIntoId))
    .leftJoin(followUpOrigin, eq(followUpOrigin.id, tickets.followUpOfId))

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

/**
 * A new ticket with its first message, its events and the desk event, in one statement (one
 * round trip): the ticket's id is chosen by the caller, the number comes from the sequence.
 */
/** A timeline's new events as the `e` part of a statement built once per shape (see executeShaped). */
const eventRows = (db: Queryable, events: NewEvent[]) => {
  const rows = events.map((event, n) => placeholders(`e${n}_`, { ...event, id: event.id ?? uuidv7() }))
  return {
    shape: rows.map((x) => x.keys).join('|'),
    values: Object.assign({}, ...rows.map((x) => x.values)) as Record<string, unknown>,
    part: rows.length
      ? () =>
          sql`e AS (${db
            .insert(ticketEvents)
            .values(rows.map((x) => x.row))
            .getSQL()})`
      : null,
  }
}

export const insertTicketWithMessage = async (
  db: Queryable,
  p: {
    ticket: typeof tickets.$inferInsert & { id: string }
    interaction: (NewInteraction & { id: string }) | null
    events: NewEvent[]
    event: DeskEvent
  },
) => {
  const t = placeholders('t_', { ...p.ticket, content: p.ticket.content?.slice(0, CONTENT_LIMIT) })
  const i = p.interaction ? placeholders('i_', p.interaction) : null
  const e = eventRows(db, p.events)
  const [row] = await executeShaped<{ number: number }>(
    db,
    'ticket_create',
    [t.keys, i?.keys ?? '-', e.shape].join('|'),
    () => {
      const parts: SQL[] = [
        sql`t AS (${db.insert(tickets).values(t.row).returning({ number: tickets.number }).getSQL()})`,
      ]
      if (i) parts.push(sql`i AS (${db.insert(interactions).values(i.row).getSQL()})`)
      if (e.part) parts.push(e.part())
      return sql`WITH ${sql.join(parts, sql`, `)} SELECT t.number, ${notifyPlaceholder('event', sql`t.number`)} FROM t`
    },
    {
      ...t.values,
      ...i?.values,
      ...e.values,
      event: JSON.stringify(p.event),
    },
  )
  return Number(row!.number)
}

/**
 * A message added to a ticket the caller has locked, in one statement: the interaction, events,
 * the ticket's changed columns (and its search text) and the desk event.
 */
export const appendInteraction = async (
  db: Queryable,
  p: {
    interaction: NewInteraction & { id: string }
    events: NewEvent[]
    ticketId: string
    set: Partial<Omit<typeof tickets.$inferInsert, 'content'>>
    appendText: string
    event: DeskEvent
  },
) => {
  const i = placeholders('i_', p.interaction)
  const e = eventRows(db, p.events)
  const u = placeholders('u_', p.set)
  await executeShaped(
    db,
    'ticket_append',
    [i.keys, u.keys, p.appendText ? 'text' : '-', e.shape].join('|'),
    () => {
      const parts: SQL[] = [sql`i AS (${db.insert(interactions).values(i.row).getSQL()})`]
      if (e.part) parts.push(e.part())
      parts.push(
        sql`u AS (${db
          .update(tickets)
          .set({
            ...u.row,
            version: sql`${tickets.version} + 1`,
            ...(p.appendText
              ? {
                  content: sql`left(${tickets.content} || chr(10) || ${sql.placeholder('append')}, ${sql.raw(String(CONTENT_LIMIT))})`,
                }
              : {}),
          })
          .where(eq(tickets.id, sql.placeholder('ticket')))
          .getSQL()})`,
      )
      return sql`WITH ${sql.join(parts, sql`, `)} SELECT ${notifyPlaceholder('event')}`
    },
    {
      ...i.values,
      ...u.values,
      ...e.values,
      ticket: p.ticketId,
      append: p.appendText,
      event: JSON.stringify(p.event),
    },
  )
}

/**
 * The ticket of the newest contact of a channel carrying one of the keys (the survivor of
 * merges), locked, in any state.
 */
export const threadTicketForUpdate = async (db: Queryable, channel: string, keys: string[]) => {
  if (keys.length === 0) return undefined
  const ids = keys.map((_, n) => sql.placeholder(`m${n}`))
  return lockedTicket(
    db,
    'ticket_thread',
    String(ids.length),
    sql`(SELECT coalesce(t.merged_into_id, t.id) FROM ${interactions} i JOIN ${tickets} t ON t.id = i.ticket_id
      WHERE i.thread_key IN (${sql.join(ids, sql`, `)}) AND i.channel = ${sql.placeholder('channel')}
      ORDER BY i.created_at DESC LIMIT 1)`,
    { channel, ...Object.fromEntries(keys.map((id, n) => [`m${n}`, id])) },
  )
}

/** A ticket by id, locked, whoever may see it (the desk's own work: a channel's contact). */
export const findTicketForUpdate = (db: Queryable, id: string) =>
  lockedTicket(db, 'ticket_by_id', '', sql`${sql.placeholder('id')}::uuid`, { id })

/** The ticket of a number (a merged number gives the survivor), locked. */
export const ticketForNumberForUpdate = (db: Queryable, number: number) =>
  lockedTicket(
    db,
    'ticket_by_number',
    '',
    sql`(SELECT coalesce(t.merged_into_id, t.id) FROM ${tickets} t WHERE t.number = ${sql.placeholder('number')}::int)`,
    { number },
  )

// The columns' names in the database (snake_case) and in a TicketRow.
const ticketKeys = Object.keys(ticketColumns).map(
  (key) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), key] as const,
)

/** The ticket whose id the subquery gives, locked (built once per shape: it runs for every reply). */
const lockedTicket = async (
  db: Queryable,
  name: string,
  shape: string,
  id: SQL,
  values: Record<string, unknown>,
) => {
  const [raw] = await executeShaped(
    db,
    name,
    shape,
    () => db.select(ticketColumns).from(tickets).where(eq(tickets.id, id)).for('update').getSQL(),
    values,
  )
  if (!raw) return undefined
  return rowOf(raw)
}

/** A ticket row from the database's raw answer (snake_case names, values already parsed). */
const rowOf = (raw: Record<string, unknown>) =>
  Object.fromEntries(ticketKeys.map(([column, key]) => [key, raw[column]])) as TicketRow

/** Open tickets (not solved, closed or merged away) assigned to a person, locked for a change. */
export const lockOpenAssignedTo = (db: Queryable, staffId: string) =>
  db
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.assigneeId, staffId),
        isNull(tickets.mergedIntoId),
        sql`${tickets.status} NOT IN ('solved', 'closed')`,
      ),
    )
    .orderBy(asc(tickets.id))
    .for('update')

/** Takes the person off these tickets: they go back to their team's queue. */
export const unassign = (db: Queryable, ids: string[], now: Date) =>
  db
    .update(tickets)
    .set({ assigneeId: null, updatedAt: now, version: sql`${tickets.version} + 1` })
    .where(inArray(tickets.id, ids))
    .returning()

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

/**
 * What opening a ticket checks first, in one round trip: the customer (with the language the
 * ticket takes by default), whether the team exists and is not archived, and the names the new
 * ticket's page shows (customer, team, assignee, the acting staff member).
 */
export const creationScope = async (
  db: Queryable,
  p: { customerId: string; teamId: string | null; assigneeId: string | null; actorId: string | null },
) => {
  const [row] = await executeShaped<{
    customer_language: string | null
    customer_name: string | null
    team_name: string | null
    assignee_name: string | null
    actor_name: string | null
  }>(
    db,
    'ticket_creation_scope',
    '',
    () => sql`SELECT c.language AS customer_language, c.name AS customer_name,
      (SELECT ${teams.name} FROM ${teams} WHERE ${teams.id} = ${sql.placeholder('teamId')}::uuid AND ${teams.archivedAt} IS NULL) AS team_name,
      (SELECT ${staffUsers.name} FROM ${staffUsers} WHERE ${staffUsers.id} = ${sql.placeholder('assigneeId')}::uuid) AS assignee_name,
      (SELECT ${staffUsers.name} FROM ${staffUsers} WHERE ${staffUsers.id} = ${sql.placeholder('actorId')}::uuid) AS actor_name
      FROM (SELECT 1) AS one
      LEFT JOIN ${customers} AS c ON c.id = ${sql.placeholder('customerId')}::uuid`,
    p,
  )
  const r = row!
  return {
    customer:
      r.customer_language === null
        ? undefined
        : {
            id: p.customerId,
            language: r.customer_language as CustomerRow['language'],
            name: r.customer_name!,
          },
    teamName: r.team_name,
    assigneeName: r.assignee_name,
    actorName: r.actor_name,
  }
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

/** A staff user's name (inactive ones too), for messages that say who did something. */
export const staffName = async (db: Queryable, id: string) => {
  const [row] = await db.select({ name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.id, id))
  return row?.name ?? null
}

export const staffExists = async (db: Queryable, id: string) => {
  const [row] = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.id, id), eq(staffUsers.active, true)))
  return Boolean(row)
}

/**
 * How many tickets of the list order a text search reads before it turns to the GIN index: the
 * newest WALK_BUDGET tickets of the view are checked in order, which finds a page at once when the
 * words are common; when they are rare, the hits are collected through the index instead.
 */
export const SEARCH_WALK_BUDGET = 1500

export type ListFilter = {
  statuses?: string[]
  teamId?: string
  /** Tickets of any of these teams (the caller's own teams); an empty list matches nothing. */
  teamIds?: string[]
  assigneeId?: string | null
  customerId?: string
  tag?: string
  q?: string
  /** Custom field conditions, all of which hold (see fieldCondition). */
  fields?: FieldCondition[]
  /**
   * How custom field conditions run without a text search, like a search's plans: 'walk' checks
   * the first SEARCH_WALK_BUDGET tickets of the list order (quick when many match), 'collect'
   * gathers the matches through the GIN index on `fields` (quick when few do). Unset: the
   * conditions are plain filters of the list.
   */
  fieldPlan?: 'collect' | 'walk'
  /**
   * How a text search runs: 'walk' checks the first SEARCH_WALK_BUDGET tickets of the list order
   * and keeps the matching ones (quick when hits are many); 'collect' gathers all hits through the
   * GIN index and sorts them (quick when hits are few).
   */
  searchPlan?: 'collect' | 'walk'
  /** How many tickets of the list a walk reads at most (SEARCH_WALK_BUDGET unless tests say). */
  walkBudget?: number
  sort: 'updated' | 'created' | 'waiting' | 'due'
  /** Only tickets whose worst open promise is in one of these states. */
  promiseStates?: NonNullable<TicketRow['promiseState']>[]
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

/** The 'due' order: the next promise due first (breached ones are past due), none last. */
const dueKey = sql`coalesce(${tickets.promiseDueAt}, 'infinity'::timestamptz)`

/** The ascending sort key of the 'waiting' and 'due' orders; undefined for the newest-first ones. */
const ascKeyOf = (f: Pick<ListFilter, 'sort'>) =>
  f.sort === 'waiting' ? waitingKey : f.sort === 'due' ? dueKey : undefined

const afterCursor = (f: ListFilter, sortCol: typeof tickets.updatedAt | typeof tickets.createdAt) => {
  if (!f.after) return undefined
  const ascKey = ascKeyOf(f)
  if (ascKey) {
    const at = f.after.at ? f.after.at.toISOString() : 'infinity'
    return sql`(${ascKey}, ${tickets.id}) > (${at}::timestamptz, ${f.after.id}::uuid)`
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

/** The same match on the columns of the walk's candidate rows (`cand`). */
const candidateTextMatch = (q: string) => sql`(
  (cand.language = 'de' AND cand.search @@ websearch_to_tsquery('german', ${q}))
  OR (cand.language = 'en' AND cand.search @@ websearch_to_tsquery('english', ${q}))
)`

/**
 * The text match together with visibility, written so that each branch is answered by the
 * `(team_id, search)` index: a staff member's team tickets and words come from the index at
 * once, without reading every hit's row to check its team (which made common English word pairs
 * slow at a million tickets). Tickets assigned to them outside their teams are the last branch.
 */
const visibleTextMatch = (actor: Actor, q: string): SQL => {
  if (seesAll(actor)) return textMatch(q)
  if (actor.kind !== 'staff') return sql`false`
  const branches: SQL[] = []
  if (actor.teamIds.length > 0) {
    const team = inArray(tickets.teamId, actor.teamIds)
    branches.push(
      sql`(${team} AND ${tickets.search} @@ websearch_to_tsquery('german', ${q}) AND ${tickets.language} = 'de')`,
      sql`(${team} AND ${tickets.search} @@ websearch_to_tsquery('english', ${q}) AND ${tickets.language} = 'en')`,
    )
  }
  branches.push(sql`(${tickets.assigneeId} = ${actor.id} AND ${textMatch(q)})`)
  return sql`(${sql.join(branches, sql` OR `)})`
}

/**
 * A custom field condition. Equality and multi-select membership are containment, which the GIN
 * index on `fields` answers (or the inbox's own index walk checks row by row); a range reads the
 * value only where it has the field's type, so it never fails on a cast.
 */
const fieldCondition = (c: FieldCondition, col: SQL | typeof tickets.fields = tickets.fields): SQL => {
  if (c.kind === 'contains') return sql`${col} @> ${JSON.stringify({ [c.key]: c.value })}::jsonb`
  if (c.kind === 'not_true') return sql`NOT (${col} @> ${JSON.stringify({ [c.key]: true })}::jsonb)`
  const cmp = sql.raw(c.cmp === 'gte' ? '>=' : '<=')
  return c.type === 'number'
    ? sql`(CASE WHEN jsonb_typeof(${col} -> ${c.key}::text) = 'number' THEN (${col} -> ${c.key}::text)::numeric END) ${cmp} ${c.value}::numeric`
    : sql`(CASE WHEN jsonb_typeof(${col} -> ${c.key}::text) = 'string' THEN ${col} ->> ${c.key}::text END) COLLATE "C" ${cmp} ${c.value}::text`
}

/** Every condition of a list but the text: visibility, filters and the cursor. */
const listConds = (actor: Actor, f: ListFilter): (SQL | undefined)[] => {
  const sortCol = f.sort === 'created' ? tickets.createdAt : tickets.updatedAt
  return [
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
    f.promiseStates?.length ? inArray(tickets.promiseState, f.promiseStates) : undefined,
    ...(f.fieldPlan ? [] : (f.fields ?? []).map((c) => fieldCondition(c))),
    afterCursor(f, sortCol),
  ]
}

const listOrder = (f: ListFilter) => {
  const sortCol = f.sort === 'created' ? tickets.createdAt : tickets.updatedAt
  const ascKey = ascKeyOf(f)
  return ascKey ? [asc(ascKey), asc(tickets.id)] : [desc(sortCol), desc(tickets.id)]
}

/** The list order on the walk's candidate rows. */
const candidateOrder = (f: ListFilter) =>
  f.sort === 'waiting'
    ? sql`coalesce(cand.waiting_since, 'infinity'::timestamptz), cand.id`
    : f.sort === 'due'
      ? sql`coalesce(cand.promise_due_at, 'infinity'::timestamptz), cand.id`
      : f.sort === 'created'
        ? sql`cand.created_at DESC, cand.id DESC`
        : sql`cand.updated_at DESC, cand.id DESC`

/**
 * The newest SEARCH_WALK_BUDGET tickets of the list (without the text condition), checked against
 * the text in list order: PostgreSQL stops as soon as a page is full.
 */
const walkedHits = (db: Queryable, actor: Actor, f: ListFilter & { q: string }) => {
  const candidates = db
    .select({
      id: tickets.id,
      language: tickets.language,
      search: tickets.search,
      updatedAt: tickets.updatedAt,
      createdAt: tickets.createdAt,
      waitingSince: tickets.waitingSince,
      promiseDueAt: tickets.promiseDueAt,
    })
    .from(tickets)
    .where(where(...listConds(actor, f)))
    .orderBy(...listOrder(f))
    .limit(f.walkBudget ?? SEARCH_WALK_BUDGET)
  return sql`${tickets.id} IN (SELECT cand.id FROM (${candidates}) cand WHERE ${candidateTextMatch(f.q)} ORDER BY ${candidateOrder(f)} LIMIT ${f.limit + 1})`
}

/**
 * Custom field conditions under a plan: 'walk' checks the newest SEARCH_WALK_BUDGET tickets of
 * the list in order (PostgreSQL stops once a page is full), 'collect' takes every match from the
 * GIN index (OFFSET 0 keeps PostgreSQL from turning it back into a walk of the list order).
 */
const fieldHits = (db: Queryable, actor: Actor, f: ListFilter & { fields: FieldCondition[] }) => {
  if (f.fieldPlan === 'collect') {
    return sql`${tickets.id} IN (SELECT ${tickets.id} FROM ${tickets} WHERE ${and(...f.fields.map((c) => fieldCondition(c)))} OFFSET 0)`
  }
  const candidates = db
    .select({
      id: tickets.id,
      fields: tickets.fields,
      updatedAt: tickets.updatedAt,
      createdAt: tickets.createdAt,
      waitingSince: tickets.waitingSince,
      promiseDueAt: tickets.promiseDueAt,
    })
    .from(tickets)
    .where(where(...listConds(actor, f)))
    .orderBy(...listOrder(f))
    .limit(f.walkBudget ?? SEARCH_WALK_BUDGET)
  const matches = and(...f.fields.map((c) => fieldCondition(c, sql`cand.fields`)))
  return sql`${tickets.id} IN (SELECT cand.id FROM (${candidates}) cand WHERE ${matches} ORDER BY ${candidateOrder(f)} LIMIT ${f.limit + 1})`
}

export const listVisible = (db: Queryable, actor: Actor, f: ListFilter) => {
  const text = f.q
    ? f.searchPlan === 'walk'
      ? walkedHits(db, actor, { ...f, q: f.q })
      : // OFFSET 0 keeps PostgreSQL from folding the hits into a walk of the list order (slow
        // exactly when hits are rare, which is when this plan is chosen).
        sql`${tickets.id} IN (SELECT ${tickets.id} FROM ${tickets} WHERE ${visibleTextMatch(actor, f.q)} OFFSET 0)`
    : undefined
  const fieldPart =
    f.fieldPlan && f.fields?.length ? fieldHits(db, actor, { ...f, fields: f.fields }) : undefined
  return ticketWithNames(db)
    .where(where(...listConds(actor, f), text, fieldPart))
    .orderBy(...listOrder(f))
    .limit(f.limit + 1)
}

/**
 * Tickets of the list whose subject is spelt like the query, the most alike first: what a search
 * with no exact hit offers instead ("Fahradschloss" finds "Fahrradschloss klemmt"). One page, no
 * cursor; the trigram index on the subject collects the candidates, visibility and filters as in
 * every list.
 */
export const listSimilarSubjects = (db: Queryable, actor: Actor, f: ListFilter & { q: string }) => {
  const score = sql`word_similarity(${f.q}, ${tickets.subject})`
  return ticketWithNames(db)
    .where(
      where(
        ...listConds(actor, { ...f, after: undefined }),
        // pg_trgm's word similarity (the share of the query's trigrams found in some stretch of
        // the subject) of at least 0.6, its default: "Fahradschloss" is 0.81 alike "Fahrradschloss
        // klemmt", unrelated subjects stay well below.
        sql`${f.q} <% ${tickets.subject}`,
      ),
    )
    .orderBy(desc(score), ...listOrder(f))
    .limit(f.limit)
}

/**
 * Whether the walk of a text search saw the whole list: when the list (without the text) has
 * fewer than SEARCH_WALK_BUDGET tickets, the walk's hits are all there are.
 */
export const listReachesWalkBudget = async (db: Queryable, actor: Actor, f: ListFilter) => {
  const budget = f.walkBudget ?? SEARCH_WALK_BUDGET
  const res = await db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM (${db
      .select({ id: tickets.id })
      .from(tickets)
      .where(where(...listConds(actor, f)))
      .orderBy(...listOrder(f))
      .limit(budget)}) cand`,
  )
  return Number(res.rows[0]?.n ?? 0) >= budget
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

/**
 * The four reads of a ticket's page as prepared statements of the pool (built once by the query
 * builder, parsed once per connection), run at once. Visibility is the caller's check in memory
 * (canSee), so one shape serves every actor. Not for transactions: those read with the builder.
 */
const detailStatements = new WeakMap<object, ReturnType<typeof prepareDetail>>()
const prepareDetail = (db: Queryable) => {
  const id = sql.placeholder('id')
  const mergedFrom = alias(tickets, 'merged_from')
  return {
    row: ticketWithNames(db).where(eq(tickets.id, id)).prepare('ticket_detail_row'),
    interactions: db
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
      .where(eq(interactions.ticketId, id))
      .orderBy(asc(interactions.createdAt), asc(interactions.id))
      .prepare('ticket_detail_interactions'),
    events: db
      .select({ event: ticketEvents, actorName: staffUsers.name })
      .from(ticketEvents)
      .leftJoin(staffUsers, eq(staffUsers.id, ticketEvents.actorStaffId))
      .where(eq(ticketEvents.ticketId, id))
      .orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id))
      .prepare('ticket_detail_events'),
    files: db
      .select()
      .from(attachments)
      .where(eq(attachments.ticketId, id))
      .orderBy(asc(attachments.createdAt))
      .prepare('ticket_detail_files'),
  }
}

/** A ticket with its timeline and files, read on the pool in one go; undefined row when there is none. */
export const readDetailOnPool = async (db: Queryable, ticketId: string) => {
  let statements = detailStatements.get(db)
  if (!statements) {
    statements = prepareDetail(db)
    detailStatements.set(db, statements)
  }
  const values = { id: ticketId }
  const [rows, interactionRows, eventRows, files] = await Promise.all([
    statements.row.execute(values),
    statements.interactions.execute(values),
    statements.events.execute(values),
    statements.files.execute(values),
  ])
  return { row: rows[0], interactions: interactionRows, events: eventRows, files }
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

/** The (surviving) ticket of the newest contact of a channel carrying one of the keys. */
export const ticketIdForKeys = async (db: Queryable, channel: string, keys: string[]) => {
  if (keys.length === 0) return undefined
  const [row] = await db
    .select({ id: sql<string>`coalesce(${tickets.mergedIntoId}, ${tickets.id})` })
    .from(interactions)
    .innerJoin(tickets, eq(tickets.id, interactions.ticketId))
    .where(and(inArray(interactions.threadKey, keys), sql`${interactions.channel} = ${channel}`))
    .orderBy(desc(interactions.createdAt))
    .limit(1)
  return row?.id
}

export const findTicketRow = async (db: Queryable, id: string) => {
  const [row] = await db.select(ticketColumns).from(tickets).where(eq(tickets.id, id))
  return row
}

/**
 * Merges keys into a contact's channel data (and sets its thread key when given), in one
 * statement that answers with the contact's ticket.
 */
export const patchContact = async (
  db: Queryable,
  interactionId: string,
  patch: Record<string, unknown>,
  threadKey: string | null,
) => {
  const update = db
    .update(interactions)
    .set({
      channelData: sql`coalesce(${interactions.channelData}, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb`,
      ...(threadKey ? { threadKey } : {}),
    })
    .where(eq(interactions.id, interactionId))
    .returning({ ticketId: interactions.ticketId })
  const res = await db.execute(
    sql`WITH p AS ${update} SELECT ${sql.join(
      ticketKeys.map(([column]) => sql`t.${sql.identifier(column)}`),
      sql`, `,
    )} FROM ${tickets} t WHERE t.id = (SELECT ticket_id FROM p)`,
  )
  const raw = res.rows[0] as Record<string, unknown> | undefined
  return raw ? rowOf(raw) : undefined
}

/** A channel's contacts on a ticket, oldest first: the thread a reply continues. */
export const threadOf = (db: Queryable, ticketId: string, channel: string) =>
  db
    .select({
      id: interactions.id,
      direction: interactions.direction,
      key: interactions.threadKey,
      channelData: interactions.channelData,
      createdAt: interactions.createdAt,
    })
    .from(interactions)
    .where(and(eq(interactions.ticketId, ticketId), sql`${interactions.channel} = ${channel}`))
    .orderBy(asc(interactions.createdAt), asc(interactions.id))

export const interactionById = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(interactions).where(eq(interactions.id, id))
  return row
}

export const attachmentsOfInteraction = (db: Queryable, interactionId: string) =>
  db
    .select()
    .from(attachments)
    .where(eq(attachments.interactionId, interactionId))
    .orderBy(asc(attachments.createdAt), asc(attachments.id))

/**
 * Sets the earliest due time and worst state of tickets' open promises (the promises module
 * computes them), in one statement; neither `updated_at` nor the version moves.
 */
export const setPromiseSummary = async (
  db: Queryable,
  rows: readonly { ticketId: string; dueAt: Date | null; state: TicketRow['promiseState'] }[],
) => {
  if (rows.length === 0) return
  await db.execute(sql`UPDATE tickets SET promise_due_at = s.due_at::timestamptz, promise_state = s.state
    FROM jsonb_to_recordset(${JSON.stringify(
      rows.map((r) => ({ id: r.ticketId, due_at: r.dueAt?.toISOString() ?? null, state: r.state })),
    )}::jsonb) AS s(id uuid, due_at text, state text)
    WHERE tickets.id = s.id
      AND (tickets.promise_due_at IS DISTINCT FROM s.due_at::timestamptz OR tickets.promise_state IS DISTINCT FROM s.state)`)
}
