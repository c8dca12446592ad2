import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * One after-commit subscriber's delivery of one event (see domain-events.ts): written in the
 * event's transaction, claimed with SKIP LOCKED under a lease, done or failed after its attempts.
 * Its id is the handler's idempotency key.
 */
export const eventDeliveries = pgTable(
  'event_deliveries',
  {
    id: uuid().primaryKey(),
    subscriber: text().notNull(),
    eventId: uuid().notNull(),
    event: jsonb().notNull(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    doneAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('event_deliveries_due_idx').on(t.nextAttemptAt).where(sql`done_at IS NULL AND failed_at IS NULL`),
    index('event_deliveries_event_idx').on(t.eventId, t.subscriber),
  ],
)
