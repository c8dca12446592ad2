import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'

/** An admin's subscription of a URL to event types, with its signing secret (sealed). */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid().primaryKey().$defaultFn(uuidv7),
  name: text().notNull(),
  url: text().notNull(),
  /** Desk types (ticket.created, …) and domain event kinds. */
  events: text().array().notNull(),
  active: boolean().notNull().default(true),
  /** The URL's host, allowed to resolve to a private or loopback address; null: public addresses only. */
  allowPrivateHost: text(),
  maxAttempts: integer().notNull().default(8),
  /** `whsec_…`, sealed with the installation's secret box. */
  secret: text().notNull(),
  secretRotatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/**
 * One event for one subscription: written once by the fan-out (unique per subscription and
 * event), claimed by the delivery worker with SKIP LOCKED under a lease. Its id is the
 * `webhook-id` the receiver deduplicates on, the same on every retry and resend.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid().primaryKey(),
    subscriptionId: uuid()
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    type: text().notNull(),
    /** The domain event; null for a test (ping) delivery. */
    eventId: uuid(),
    ticketId: uuid(),
    /** The JSON body as sent (the same bytes on every attempt). */
    payload: text().notNull(),
    status: text({ enum: ['pending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    /** Attempts in all (numbering of the attempt log). */
    attempts: integer().notNull().default(0),
    /** Attempts since the delivery was created or last resent (counted against the limit). */
    tries: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    lockedUntil: timestamp({ withTimezone: true }),
    /** The claim's token: only the worker holding the current lease records the outcome. */
    lease: uuid(),
    lastStatusCode: integer(),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    deliveredAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_key').on(t.subscriptionId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt.desc(), t.id.desc()),
  ],
)

/** Every attempt of a delivery: what was answered, how long it took, what went wrong. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    number: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
    statusCode: integer(),
    responseBody: text(),
    durationMs: integer().notNull(),
    error: text(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.number)],
)
