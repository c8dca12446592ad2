import { sql } from 'drizzle-orm'
import { index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { calendars } from '../calendars/calendars.tables.ts'
import { staffUsers } from '../staff/staff.tables.ts'

export const teamRole = pgEnum('team_role', ['member', 'supervisor'])

export const teams = pgTable(
  'teams',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    description: text().notNull().default(''),
    /** The team's business hours; null: the default calendar. */
    calendarId: uuid().references(() => calendars.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  // Names are unique among teams in use; an archived team's name is free for a new team.
  (t) => [uniqueIndex('teams_name_key').on(sql`lower(${t.name})`).where(sql`archived_at IS NULL`)],
)

/** Membership of staff in teams; a supervisor of a team has role 'supervisor' there. */
export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    staffId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    role: teamRole().notNull().default('member'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.staffId] }), index('team_members_staff_idx').on(t.staffId)],
)
