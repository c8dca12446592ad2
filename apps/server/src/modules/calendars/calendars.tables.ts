import { sql } from 'drizzle-orm'
import { boolean, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import type { CalendarException, Frame, Weekday } from './calendars.math.ts'

/**
 * A business-hours calendar: a time zone, frames per weekday, public holidays of one region
 * (from date-holidays) and dated exceptions. Teams and channels name one; null means the default.
 */
export const calendars = pgTable(
  'calendars',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    timeZone: text().notNull(),
    week: jsonb().$type<Record<Weekday, Frame[]>>().notNull(),
    /** ISO 3166 country (DE), state (BW) and region (A = Augsburg) for public holidays; null: none. */
    holidayCountry: text(),
    holidayState: text(),
    holidayRegion: text(),
    exceptions: jsonb().$type<CalendarException[]>().notNull().default([]),
    isDefault: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('calendars_name_key').on(sql`lower(${t.name})`),
    // at most one default calendar; the service keeps exactly one once any calendar exists
    uniqueIndex('calendars_default_key').on(t.isDefault).where(sql`is_default`),
  ],
)
