import type { SavedViewQuery } from '@tresen/contract'
import { sql } from 'drizzle-orm'
import { check, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { staffUsers } from '../staff/staff.tables.ts'

/** A staff user's named inbox filter (a subset of the ticket list query). */
export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    staffId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    query: jsonb().$type<SavedViewQuery>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('saved_views_staff_name_key').on(t.staffId, sql`lower(${t.name})`),
    check('saved_views_name_length', sql`char_length(${t.name}) BETWEEN 1 AND 100`),
  ],
)
