import type { FieldOption, FieldRequired, FieldType } from '@tresen/contract'
import { sql } from 'drizzle-orm'
import {
  check,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'

/**
 * A custom ticket field defined by admins. Tickets keep their values in `tickets.fields` (JSON by
 * key); archiving a field hides it and keeps the values, so a key is never given to another field.
 */
export const ticketFields = pgTable(
  'ticket_fields',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    key: text().notNull(),
    type: text().$type<FieldType>().notNull(),
    labelDe: text().notNull(),
    labelEn: text().notNull(),
    descriptionDe: text().notNull().default(''),
    descriptionEn: text().notNull().default(''),
    options: jsonb().$type<FieldOption[]>().notNull().default(sql`'[]'::jsonb`),
    min: doublePrecision(),
    max: doublePrecision(),
    position: integer().notNull().default(0),
    required: text().$type<FieldRequired>().notNull().default('never'),
    requiredTeamIds: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('ticket_fields_key_key').on(t.key),
    check(
      'ticket_fields_type',
      sql`${t.type} IN ('text', 'number', 'date', 'select', 'multi_select', 'checkbox')`,
    ),
    check('ticket_fields_required', sql`${t.required} IN ('never', 'all', 'teams')`),
  ],
)
