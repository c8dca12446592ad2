import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
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

export const insertAttempt = (db: Queryable, values: typeof webhookAttempts.$inferInsert) =>
  db.insert(webhookAttempts).values(values)

/** Records an attempt's outcome, if the caller still holds the lease (else another worker took over). */
export const settle = (
  db: Queryable,
  id: string,
  lease: string,
  values: Partial<typeof webhookDeliveries.$inferInsert>,
) =>
  db
    .update(webhookDeliveries)
    .set({ ...values, lockedUntil: null, lease: null })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.lease, lease)))

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
