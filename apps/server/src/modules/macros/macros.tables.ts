import type { MacroAction } from '@tresen/contract'
import { sql } from 'drizzle-orm'
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { staffUsers } from '../staff/staff.tables.ts'

/**
 * A macro: several changes one click applies to a ticket. `team_ids` are the teams whose agents
 * see it (empty: everyone); the actions are one JSON list, read and written together.
 */
export const macros = pgTable(
  'macros',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    teamIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    actions: jsonb().$type<MacroAction[]>().notNull(),
    createdById: uuid().references(() => staffUsers.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('macros_team_ids_idx').using('gin', t.teamIds)],
)
