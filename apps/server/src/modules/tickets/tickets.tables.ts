import type { ChannelDataView, EventCause, TicketClosing, TicketFieldValues } from '@tresen/contract'
import { sql } from 'drizzle-orm'
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { searchConfigFor, tsvector } from '../../platform/pg-types.ts'
import { customers } from '../customers/customers.tables.ts'
import { language, staffUsers } from '../staff/staff.tables.ts'
import { teams } from '../teams/teams.tables.ts'

export const ticketStatus = pgEnum('ticket_status', ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'])
export const ticketPriority = pgEnum('ticket_priority', ['low', 'normal', 'high', 'urgent'])
export const channel = pgEnum('channel', [
  'email',
  'phone',
  'chat',
  'walk_in',
  'portal',
  'api',
  'note',
  'system',
])
export const direction = pgEnum('direction', ['inbound', 'outbound', 'internal'])

export const ticketNumberSeq = pgSequence('ticket_number_seq', { startWith: 10001, minValue: 10001 })

export const tickets = pgTable(
  'tickets',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    number: bigint({ mode: 'number' }).notNull().default(sql`nextval('ticket_number_seq')`),
    subject: text().notNull(),
    status: ticketStatus().notNull().default('new'),
    priority: ticketPriority().notNull().default('normal'),
    channel: channel().notNull(),
    teamId: uuid().references(() => teams.id),
    assigneeId: uuid().references(() => staffUsers.id),
    customerId: uuid()
      .notNull()
      .references(() => customers.id),
    language: language().notNull().default('de'),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    mergedIntoId: uuid(),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    solvedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    /**
     * The oldest customer message not yet followed by a public staff reply (null: nothing waits).
     * Kept by the tickets service as messages arrive; the 'waiting' sort reads it.
     */
    waitingSince: timestamp({ withTimezone: true }),
    /** When staff first replied publicly. */
    firstResponseAt: timestamp({ withTimezone: true }),
    /**
     * The earliest due time of its open promises (response targets …) and their worst state,
     * kept by the promises module whenever one changes; the 'due' sort and the marks read them.
     */
    promiseDueAt: timestamp({ withTimezone: true }),
    promiseState: text().$type<'running' | 'paused' | 'warning' | 'breached'>(),
    /**
     * The text of every message and note on the ticket, appended as they arrive (capped), so one
     * GIN index answers a search over subject and conversation and combines with the inbox filters.
     */
    content: text().notNull().default(''),
    /** Custom field values by field key (the fields module's definitions say what each may hold). */
    fields: jsonb().$type<TicketFieldValues>().notNull().default(sql`'{}'::jsonb`),
    /** The closed ticket this one continues (the customer wrote to it after it was closed). */
    followUpOfId: uuid(),
    /** The closing checklist as answered at the last solve (docs/service-standards.md). */
    closing: jsonb().$type<TicketClosing>(),
    search: tsvector().generatedAlwaysAs(
      sql.raw(`to_tsvector(${searchConfigFor('language')}, subject || ' ' || content)`),
    ),
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    index('tickets_updated_idx').on(t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // Inbox views show open work newest first: partial indexes keep them a short index walk.
    index('tickets_open_updated_idx')
      .on(t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
    index('tickets_open_team_updated_idx')
      .on(t.teamId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
    index('tickets_open_assignee_updated_idx')
      .on(t.assigneeId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
    // Longest waiting first, then the tickets where nothing waits: NULL sorts as 'infinity', so a
    // cursor is one row comparison the index can start from.
    index('tickets_open_waiting_idx')
      .on(sql`coalesce(${t.waitingSince}, 'infinity'::timestamptz)`, t.id)
      .where(sql`status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
    index('tickets_waiting_idx').on(sql`coalesce(${t.waitingSince}, 'infinity'::timestamptz)`, t.id),
    index('tickets_open_team_waiting_idx')
      .on(t.teamId, sql`coalesce(${t.waitingSince}, 'infinity'::timestamptz)`, t.id)
      .where(sql`status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
    // Due next first (breached ones are past due), for all open tickets and per team.
    index('tickets_open_due_idx')
      .on(sql`coalesce(${t.promiseDueAt}, 'infinity'::timestamptz)`, t.id)
      .where(sql`status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
    index('tickets_open_team_due_idx')
      .on(t.teamId, sql`coalesce(${t.promiseDueAt}, 'infinity'::timestamptz)`, t.id)
      .where(sql`status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
    index('tickets_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('tickets_status_updated_idx').on(
      t.status,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('tickets_team_status_updated_idx').on(
      t.teamId,
      t.status,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('tickets_team_updated_idx').on(t.teamId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('tickets_team_created_idx').on(t.teamId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('tickets_assignee_status_updated_idx').on(
      t.assigneeId,
      t.status,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('tickets_customer_created_idx').on(t.customerId, t.createdAt.desc().nullsFirst()),
    index('tickets_merged_into_idx').on(t.mergedIntoId).where(sql`merged_into_id IS NOT NULL`),
    index('tickets_follow_up_of_idx').on(t.followUpOfId).where(sql`follow_up_of_id IS NOT NULL`),
    index('tickets_solved_at_idx').on(t.solvedAt).where(sql`status = 'solved'`),
    index('tickets_tags_idx').using('gin', t.tags),
    // Custom field filters are containment (`fields @> '{"key": value}'`): jsonb_path_ops keeps
    // the index small and answers exactly that operator.
    index('tickets_fields_idx').using('gin', sql`${t.fields} jsonb_path_ops`),
    index('tickets_search_idx').using('gin', t.search),
    // Team and words in one index (btree_gin): a staff member's search is answered by it without
    // reading each hit's row to check its team.
    index('tickets_team_search_idx').using('gin', t.teamId, t.search),
    // Subjects spelt like a query that found nothing exactly (pg_trgm).
    index('tickets_subject_trgm_idx').using('gin', sql`${t.subject} gin_trgm_ops`),
  ],
)

/** Data only one channel has, typed per channel (the contract's ChannelDataView schema). */
export type ChannelData = ChannelDataView

/** One message, call, chat, visit or note on a ticket's timeline. */
export const interactions = pgTable(
  'interactions',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id),
    channel: channel().notNull(),
    direction: direction().notNull(),
    authorStaffId: uuid().references(() => staffUsers.id),
    authorCustomerId: uuid().references(() => customers.id),
    bodyText: text().notNull().default(''),
    bodyHtml: text(),
    language: language().notNull().default('de'),
    /**
     * The key later contacts of the same channel find this one's ticket by: an email's
     * Message-ID, a call's id (see tickets.channels.ts).
     */
    threadKey: text(),
    channelData: jsonb().$type<ChannelData>(),
    mergedFromTicketId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('interactions_ticket_created_idx').on(t.ticketId, t.createdAt, t.id),
    index('interactions_thread_key_idx').on(t.threadKey).where(sql`thread_key IS NOT NULL`),
  ],
)

export const attachments = pgTable(
  'attachments',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    interactionId: uuid()
      .notNull()
      .references(() => interactions.id),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id),
    filename: text().notNull(),
    contentType: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    storageKey: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('attachments_interaction_idx').on(t.interactionId),
    index('attachments_ticket_idx').on(t.ticketId),
  ],
)

/** A change on a ticket: who, when, what from → to, and why. Never deleted by normal use. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id),
    type: text().notNull(),
    actorStaffId: uuid().references(() => staffUsers.id),
    changes: jsonb()
      .$type<Record<string, { from: unknown; to: unknown }>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    reason: text(),
    /** What made the change besides its actor (a macro: its id and name at the time). */
    cause: jsonb().$type<EventCause>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_events_ticket_created_idx').on(t.ticketId, t.createdAt, t.id)],
)
