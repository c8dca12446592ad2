import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import type { Queryable } from '../../platform/db.ts'
import { tickets } from '../tickets/index.ts'
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from './webhooks.tables.ts'

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect
export type DeliveryRow = typeof webhookDeliveries.$inferSelect
export type AttemptRow = typeof webhookAttempts.$inferSelect

export const listSubscriptions = (db: Queryable) =>
  db.select().from(webhookSubscriptions).orderBy(asc(webhookSubscriptions.name), asc(webhookSubscriptions.id))

export const listActive = (db: Queryable) =>
  db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.active, true))

export const findSubscription = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}) => {
  const query = db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id))
  const [row] = opts.forUpdate ? await query.for('update') : await query
  return row
}

export const insertSubscription = async (db: Queryable, values: typeof webhookSubscriptions.$inferInsert) => {
  const [row] = await db.insert(webhookSubscriptions).values(values).returning()
  return row!
}

export const updateSubscription = async (
  db: Queryable,
  id: string,
  values: Partial<typeof webhookSubscriptions.$inferInsert>,
) => {
  const [row] = await db
    .update(webhookSubscriptions)
    .set(values)
    .where(eq(webhookSubscriptions.id, id))
    .returning()
  return row!
}

export const deleteSubscription = (db: Queryable, id: string) =>
  db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id))

/** The newest delivery of each subscription. */
export const lastDeliveries = async (db: Queryable, subscriptionIds: string[]) => {
  if (subscriptionIds.length === 0) return []
  const res = await db.execute<{
    subscription_id: string
    id: string
    type: string
    status: 'pending' | 'delivered' | 'failed'
    last_status_code: number | null
    created_at: string
  }>(sql`SELECT DISTINCT ON (subscription_id) subscription_id, id, type, status, last_status_code, created_at
    FROM webhook_deliveries WHERE subscription_id IN (${sql.join(
      subscriptionIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})
    ORDER BY subscription_id, created_at DESC, id DESC`)
  return res.rows
}

/** New deliveries; one that exists for its subscription and event already is left as it is. */
export const insertDeliveries = (db: Queryable, rows: (typeof webhookDeliveries.$inferInsert)[]) =>
  rows.length === 0
    ? Promise.resolve([])
    : db
        .insert(webhookDeliveries)
        .values(rows)
        .onConflictDoNothing({ target: [webhookDeliveries.subscriptionId, webhookDeliveries.eventId] })
        .returning({ id: webhookDeliveries.id })

/** A subscription's deliveries, newest first, from before a cursor. */
export const listDeliveries = (
  db: Queryable,
  subscriptionId: string,
  opts: { before?: { at: Date; id: string }; limit: number },
) =>
  db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.subscriptionId, subscriptionId),
        opts.before
          ? or(
              lt(webhookDeliveries.createdAt, opts.before.at),
              and(eq(webhookDeliveries.createdAt, opts.before.at), lt(webhookDeliveries.id, opts.before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(opts.limit)

export const findDelivery = async (db: Queryable, subscriptionId: string, id: string) => {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.subscriptionId, subscriptionId)))
  return row
}

export const attemptsOf = (db: Queryable, deliveryIds: string[]) =>
  deliveryIds.length === 0
    ? Promise.resolve([] as AttemptRow[])
    : db
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, deliveryIds))
        .orderBy(asc(webhookAttempts.number))

/** Makes a delivery due again at `at` with a fresh attempt budget (resend); same id, same body. */
export const requeue = async (db: Queryable, id: string, at: Date) => {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: 'pending', tries: 0, nextAttemptAt: at, failedAt: null, lockedUntil: null, lease: null })
    .where(eq(webhookDeliveries.id, id))
    .returning()
  return row!
}

export type ClaimedDelivery = {
  id: string
  subscription_id: string
  type: string
  payload: string
  attempts: number
  tries: number
  lease: string
}

/**
 * Claims up to `limit` due deliveries (SKIP LOCKED) for `leaseMs`: a worker killed while
 * sending leaves the row to be claimed again once the lease ends.
 */
export const claimDue = async (db: Queryable, now: Date, opts: { limit: number; leaseMs: number }) =>
  (
    await db.execute<ClaimedDelivery>(sql`UPDATE webhook_deliveries d
      SET attempts = d.attempts + 1, tries = d.tries + 1, lease = gen_random_uuid(),
        locked_until = ${new Date(now.getTime() + opts.leaseMs).toISOString()}::timestamptz
      WHERE d.id IN (SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= ${now.toISOString()}::timestamptz
          AND (locked_until IS NULL OR locked_until <= ${now.toISOString()}::timestamptz)
        ORDER BY next_attempt_at, id LIMIT ${opts.limit} FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.subscription_id, d.type, d.payload, d.attempts, d.tries, d.lease`)
  ).rows

/** What a webhook says about a ticket, read after the change committed. */
export const ticketSnapshot = async (db: Queryable, id: string) => {
  const [row] = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      priority: tickets.priority,
      channel: tickets.channel,
      language: tickets.language,
      teamId: tickets.teamId,
      assigneeId: tickets.assigneeId,
      customerId: tickets.customerId,
      tags: tickets.tags,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
    })
    .from(tickets)
    .where(eq(tickets.id, id))
  return row
}

/**
 * Deletes up to `limit` settled deliveries (delivered or failed) whose last settlement and
 * creation are both before `before`, with their attempts (cascade). Pending ones are never
 * touched; rows another worker holds are skipped. Returns how many were deleted.
 */
export const deleteSettledBefore = async (db: Queryable, before: Date, limit: number) =>
  (
    await db.execute<{ id: string }>(sql`DELETE FROM webhook_deliveries
      WHERE id IN (SELECT id FROM webhook_deliveries
        WHERE status IN ('delivered', 'failed')
          AND created_at < ${before.toISOString()}::timestamptz
          AND coalesce(greatest(delivered_at, failed_at), created_at) < ${before.toISOString()}::timestamptz
        LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id`)
  ).rows.length

/** What follows from an attempt: delivered, failed for good, or tried again at `nextAttemptAt`. */
export type Settlement =
  | { status: 'delivered'; deliveredAt: Date }
  | { status: 'failed'; failedAt: Date }
  | { status?: undefined; nextAttemptAt: Date }

/** One attempt as the worker made it, under the lease it claimed the delivery with. */
export type AttemptOutcome = {
  attempt: {
    deliveryId: string
    number: number
    at: Date
    statusCode: number | null
    responseBody: string | null
    durationMs: number
    error: string | null
    lease: string
  }
  settlement: Settlement
}

/**
 * Records a batch of attempts and settles their deliveries in one statement (one round trip, one
 * commit). Every attempt is kept; a delivery changes only while its lease is still the one the
 * attempt was made under (else another worker took it over).
 */
export const recordAttempts = async (db: Queryable, outcomes: AttemptOutcome[]) => {
  if (outcomes.length === 0) return
  const rows = outcomes.map(({ attempt: a, settlement: s }) => ({
    id: uuidv7(),
    delivery_id: a.deliveryId,
    number: a.number,
    at: a.at.toISOString(),
    status_code: a.statusCode,
    response_body: a.responseBody,
    duration_ms: a.durationMs,
    error: a.error,
    lease: a.lease,
    status: s.status ?? null,
    delivered_at: 'deliveredAt' in s ? s.deliveredAt.toISOString() : null,
    failed_at: 'failedAt' in s ? s.failedAt.toISOString() : null,
    next_attempt_at: 'nextAttemptAt' in s ? s.nextAttemptAt.toISOString() : null,
  }))
  await db.execute(sql`WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        id uuid, delivery_id uuid, number int, at timestamptz, status_code int, response_body text,
        duration_ms int, error text, lease uuid, status text, delivered_at timestamptz,
        failed_at timestamptz, next_attempt_at timestamptz)
    ), attempts AS (
      INSERT INTO webhook_attempts (id, delivery_id, number, at, status_code, response_body, duration_ms, error)
      SELECT id, delivery_id, number, at, status_code, response_body, duration_ms, error FROM input
    )
    UPDATE webhook_deliveries d SET
      last_status_code = i.status_code, last_error = i.error,
      status = coalesce(i.status, d.status),
      delivered_at = coalesce(i.delivered_at, d.delivered_at),
      failed_at = coalesce(i.failed_at, d.failed_at),
      next_attempt_at = coalesce(i.next_attempt_at, d.next_attempt_at),
      locked_until = NULL, lease = NULL
    FROM input i WHERE d.id = i.delivery_id AND d.lease = i.lease`)
}
