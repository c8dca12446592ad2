import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { customers } from '../customers/index.ts'
import { tickets } from '../tickets/index.ts'
import { type PromiseState, promises, slaPolicies } from './promises.tables.ts'

export type PromiseRow = typeof promises.$inferSelect
export type NewPromise = typeof promises.$inferInsert
export type PolicyRow = typeof slaPolicies.$inferSelect

export const OPEN_STATES: PromiseState[] = ['running', 'paused', 'warning', 'breached']

export const listPolicies = (db: Queryable) =>
  db.select().from(slaPolicies).orderBy(asc(slaPolicies.position), asc(slaPolicies.id))

export const findPolicy = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}) => {
  const q = db.select().from(slaPolicies).where(eq(slaPolicies.id, id))
  const [row] = opts.forUpdate ? await q.for('update') : await q
  return row
}

export const insertPolicy = async (db: Queryable, values: typeof slaPolicies.$inferInsert) => {
  const [row] = await db.insert(slaPolicies).values(values).returning()
  return row!
}

export const updatePolicy = async (
  db: Queryable,
  id: string,
  values: Partial<typeof slaPolicies.$inferInsert>,
) => {
  const [row] = await db.update(slaPolicies).set(values).where(eq(slaPolicies.id, id)).returning()
  return row!
}

export const deletePolicy = (db: Queryable, id: string) =>
  db.delete(slaPolicies).where(eq(slaPolicies.id, id))

export const nextPosition = async (db: Queryable) => {
  const [row] = await db
    .select({ n: sql<number>`coalesce(max(${slaPolicies.position}) + 1, 0)::int` })
    .from(slaPolicies)
  return row!.n
}

/** What a policy is matched against, and what the rules need to know of the ticket. */
export const ticketFacts = async (db: Queryable, ticketId: string) => {
  const [row] = await db
    .select({
      id: tickets.id,
      status: tickets.status,
      channel: tickets.channel,
      priority: tickets.priority,
      teamId: tickets.teamId,
      tags: tickets.tags,
      createdAt: tickets.createdAt,
      firstResponseAt: tickets.firstResponseAt,
      waitingSince: tickets.waitingSince,
      organizationId: customers.organizationId,
    })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .where(eq(tickets.id, ticketId))
  return row
}

/** A ticket's open promises, locked for the command's transaction (in id order: no deadlock). */
export const openOfTicket = (db: Queryable, ticketId: string) =>
  db
    .select()
    .from(promises)
    .where(and(eq(promises.ticketId, ticketId), inArray(promises.state, OPEN_STATES)))
    .orderBy(asc(promises.id))
    .for('update')

export const ofTicket = (db: Queryable, ticketId: string) =>
  db
    .select()
    .from(promises)
    .where(eq(promises.ticketId, ticketId))
    .orderBy(asc(promises.createdAt), asc(promises.id))

export const ofPolicyOpen = (db: Queryable, policyId: string, limit: number, afterId?: string) =>
  db
    .select()
    .from(promises)
    .where(
      and(
        eq(promises.policyId, policyId),
        inArray(promises.state, OPEN_STATES),
        afterId ? sql`${promises.id} > ${afterId}::uuid` : undefined,
      ),
    )
    .orderBy(asc(promises.id))
    .limit(limit)
    .for('update')

export const insertPromises = async (db: Queryable, rows: NewPromise[]) => {
  if (rows.length === 0) return []
  return db.insert(promises).values(rows).returning()
}

/** Writes the changed fields of several promises in one statement. */
export const savePromises = async (db: Queryable, rows: readonly PromiseRow[]) => {
  if (rows.length === 0) return
  const iso = (d: Date | null) => d?.toISOString() ?? null
  await db.execute(sql`UPDATE promises SET
      state = s.state, policy_id = s.policy_id::uuid, business = s.business, target_ms = s.target_ms,
      warn_at = s.warn_at, resumed_at = s.resumed_at::timestamptz, consumed_ms = s.consumed_ms,
      pause_reason = s.pause_reason, pause_until = s.pause_until::timestamptz, due_at = s.due_at::timestamptz,
      warned_at = s.warned_at::timestamptz, breached_at = s.breached_at::timestamptz,
      met_at = s.met_at::timestamptz, cancelled_at = s.cancelled_at::timestamptz,
      next_fire_at = s.next_fire_at::timestamptz, data = s.data
    FROM jsonb_to_recordset(${JSON.stringify(
      rows.map((r) => ({
        id: r.id,
        state: r.state,
        policy_id: r.policyId,
        business: r.business,
        target_ms: r.targetMs,
        warn_at: r.warnAt,
        resumed_at: iso(r.resumedAt),
        consumed_ms: Math.round(r.consumedMs),
        pause_reason: r.pauseReason,
        pause_until: iso(r.pauseUntil),
        due_at: iso(r.dueAt),
        warned_at: iso(r.warnedAt),
        breached_at: iso(r.breachedAt),
        met_at: iso(r.metAt),
        cancelled_at: iso(r.cancelledAt),
        next_fire_at: iso(r.nextFireAt),
        data: r.data,
      })),
    )}::jsonb) AS s(id uuid, state text, policy_id text, business boolean, target_ms bigint, warn_at real,
      resumed_at text, consumed_ms bigint, pause_reason text, pause_until text, due_at text, warned_at text,
      breached_at text, met_at text, cancelled_at text, next_fire_at text, data jsonb)
    WHERE promises.id = s.id`)
}

/**
 * Claims up to `limit` promises whose next moment has come, locked until the caller's
 * transaction ends; another process's sweep skips them (SKIP LOCKED), so each fires once.
 */
export const claimDue = (db: Queryable, now: Date, limit: number) =>
  db
    .select()
    .from(promises)
    .where(and(isNotNull(promises.nextFireAt), lte(promises.nextFireAt, now)))
    .orderBy(asc(promises.nextFireAt))
    .limit(limit)
    .for('update', { skipLocked: true })

/** The teams of tickets (their promises count in the team's calendar). */
export const teamsOfTickets = async (db: Queryable, ticketIds: readonly string[]) => {
  type Scope = { teamId: string | null; assigneeId: string | null }
  if (ticketIds.length === 0) return new Map<string, Scope>()
  const rows = await db
    .select({ id: tickets.id, teamId: tickets.teamId, assigneeId: tickets.assigneeId })
    .from(tickets)
    .where(inArray(tickets.id, [...ticketIds]))
  return new Map<string, Scope>(rows.map((r) => [r.id, { teamId: r.teamId, assigneeId: r.assigneeId }]))
}

/** The open promises of tickets (for their summaries). */
export const openOfTickets = (db: Queryable, ticketIds: readonly string[]) =>
  ticketIds.length === 0
    ? Promise.resolve([] as Pick<PromiseRow, 'ticketId' | 'kind' | 'state' | 'dueAt'>[])
    : db
        .select({
          ticketId: promises.ticketId,
          kind: promises.kind,
          state: promises.state,
          dueAt: promises.dueAt,
        })
        .from(promises)
        .where(and(inArray(promises.ticketId, [...ticketIds]), inArray(promises.state, OPEN_STATES)))
