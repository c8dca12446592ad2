import type { TextModuleVariant } from '@tresen/contract'
import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { staffUsers } from '../staff/staff.tables.ts'
import { teams } from '../teams/teams.tables.ts'

export const textModuleScope = pgEnum('text_module_scope', ['personal', 'team', 'global'])

/**
 * A text module (snippet): personal (its owner's), a team's or global, with a German and/or an
 * English variant. The variants are one JSON value: they are always read and written together.
 */
export const textModules = pgTable(
  'text_modules',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    scope: textModuleScope().notNull(),
    /** The owner of a personal module. */
    ownerId: uuid().references(() => staffUsers.id),
    /** The team of a team module. */
    teamId: uuid().references(() => teams.id),
    shortcut: text().notNull(),
    title: text().notNull(),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    variants: jsonb().$type<{ de?: TextModuleVariant; en?: TextModuleVariant }>().notNull(),
    usageCount: integer().notNull().default(0),
    createdById: uuid().references(() => staffUsers.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('text_modules_owner_idx').on(t.ownerId).where(sql`scope = 'personal'`),
    index('text_modules_team_idx').on(t.teamId).where(sql`scope = 'team'`),
  ],
)
