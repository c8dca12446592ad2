import type { ClosingItem } from '@tresen/contract'
import { sql } from 'drizzle-orm'
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { staffUsers } from '../staff/staff.tables.ts'
import { tickets } from '../tickets/tickets.tables.ts'

/**
 * The desk's closing settings: one row (id 1), absent until an admin first saves them (the
 * defaults of closing.checklist.ts apply until then).
 */
export const closingSettings = pgTable(
  'closing_settings',
  {
    id: smallint().primaryKey().default(1),
    items: jsonb().$type<ClosingItem[]>().notNull(),
    followUpDelayBusinessHours: integer().notNull(),
    followUpLinkDays: integer().notNull(),
    autoCloseDays: integer().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedById: uuid().references(() => staffUsers.id),
  },
  (t) => [check('closing_settings_one_row', sql`${t.id} = 1`)],
)

/**
 * The follow-up asking a customer whether a solved ticket's problem is solved: one per solve
 * (ticket and the time it was solved), so sending twice sends once. The link carries a random
 * token; only its SHA-256 is kept here.
 */
export const closingFollowUps = pgTable(
  'closing_follow_ups',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id),
    solvedAt: timestamp({ withTimezone: true }).notNull(),
    tokenHash: text().notNull(),
    language: text().$type<'de' | 'en'>().notNull(),
    interactionId: uuid(),
    sentAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    answer: text().$type<'yes' | 'no'>(),
    answeredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('closing_follow_ups_solve_key').on(t.ticketId, t.solvedAt),
    uniqueIndex('closing_follow_ups_token_key').on(t.tokenHash),
    index('closing_follow_ups_ticket_idx').on(t.ticketId),
    check('closing_follow_ups_answer', sql`${t.answer} IN ('yes', 'no')`),
  ],
)
