import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Sign-in attempts per key (account or client address) in a fixed window, counted atomically. */
export const signInAttempts = pgTable('sign_in_attempts', {
  key: text().primaryKey(),
  count: integer().notNull(),
  windowStart: timestamp({ withTimezone: true }).notNull(),
})
