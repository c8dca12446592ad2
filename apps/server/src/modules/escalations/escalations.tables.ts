import type { EscalationCause } from '@tresen/contract'
import { sql } from 'drizzle-orm'
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { staffUsers } from '../staff/staff.tables.ts'
import { teams } from '../teams/teams.tables.ts'
import { tickets } from '../tickets/tickets.tables.ts'

export const escalationState = pgEnum('escalation_state', ['waiting', 'joined', 'resolved'])

/**
 * A ticket brought to a supervisor. A ticket has at most one escalation not yet resolved; a
 * further reason while it is open is added to its causes (in order), never a second escalation.
 */
export const escalations = pgTable(
  'escalations',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id),
    /** The ticket's team when it was raised: whose supervisors are told. */
    teamId: uuid().references(() => teams.id),
    state: escalationState().notNull().default('waiting'),
    reason: text().$type<EscalationCause['reason']>().notNull(),
    causes: jsonb().$type<EscalationCause[]>().notNull(),
    raisedAt: timestamp({ withTimezone: true }).notNull(),
    raisedById: uuid().references(() => staffUsers.id),
    /** Nobody joined within the target: the admins were told. */
    overdueAt: timestamp({ withTimezone: true }),
    joinedAt: timestamp({ withTimezone: true }),
    joinedById: uuid().references(() => staffUsers.id),
    joinMode: text().$type<'take_over' | 'advise'>(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedById: uuid().references(() => staffUsers.id),
  },
  (t) => [
    uniqueIndex('escalations_open_ticket_key').on(t.ticketId).where(sql`state <> 'resolved'`),
    index('escalations_open_idx').on(t.raisedAt).where(sql`state <> 'resolved'`),
    index('escalations_ticket_idx').on(t.ticketId, t.raisedAt),
  ],
)

/** The escalation rules: one row (id 1), absent until an admin first saves them (defaults apply). */
export const escalationSettings = pgTable(
  'escalation_settings',
  {
    id: smallint().primaryKey().default(1),
    joinTargetMinutes: integer().notNull(),
    onWarning: boolean().notNull(),
    onBreach: boolean().notNull(),
    transfersThreshold: integer().notNull(),
    onComplaint: boolean().notNull(),
    extraComplaintWords: jsonb().$type<string[]>().notNull(),
    ignoredComplaintWords: jsonb().$type<string[]>().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedById: uuid().references(() => staffUsers.id),
  },
  (t) => [check('escalation_settings_one_row', sql`${t.id} = 1`)],
)
