import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { calendars } from '../calendars/calendars.tables.ts'
import { teams } from '../teams/teams.tables.ts'
import { interactions, tickets } from '../tickets/tickets.tables.ts'

/** A mailbox the desk reads (IMAP, or the built-in SMTP receiver) and answers from (SMTP). */
export const emailChannels = pgTable(
  'email_channels',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    address: text().notNull(),
    displayName: text(),
    teamId: uuid().references(() => teams.id),
    /** The channel's business hours; null: its team's, else the default calendar. */
    calendarId: uuid().references(() => calendars.id),
    active: boolean().notNull().default(true),
    imapHost: text(),
    imapPort: integer(),
    imapSecurity: text(),
    imapUser: text(),
    imapAuth: text(),
    /** Password or OAuth2 token, encrypted with a key derived from the session secret. */
    imapSecret: text(),
    imapFolder: text(),
    imapAfterImport: text(),
    imapProcessedFolder: text(),
    imapPollSeconds: integer(),
    /** The folder's UIDVALIDITY and the highest UID taken in under it. */
    imapUidValidity: bigint({ mode: 'bigint' }),
    imapLastUid: bigint({ mode: 'number' }).notNull().default(0),
    smtpHost: text(),
    smtpPort: integer(),
    smtpSecurity: text(),
    smtpUser: text(),
    smtpAuth: text(),
    smtpSecret: text(),
    /** OAuth2 client settings with their secrets, sealed like the passwords. */
    oauth: text(),
    smtpReceiverAddresses: text().array().notNull().default(sql`'{}'::text[]`),
    acknowledge: boolean().notNull().default(true),
    replyPromiseHours: integer().notNull().default(24),
    signature: jsonb().$type<{ de: string; en: string }>().notNull().default({ de: '', en: '' }),
    /** Mail that arrived in the mailbox before this moment is backlog: imported without acknowledgement. */
    acknowledgeSince: timestamp({ withTimezone: true }).notNull().defaultNow(),
    state: text().notNull().default('idle'),
    stateError: text(),
    checkedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('email_channels_address_key').on(t.address)],
)

/**
 * Every message received, recorded in the same transaction as its effect (a ticket, a reply, a
 * bounce note), so its identity (Message-ID and content hash, per channel) is stored exactly when
 * the message is: a second delivery of the same message finds it and changes nothing.
 */
export const emailInbound = pgTable(
  'email_inbound',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    channelId: uuid()
      .notNull()
      .references(() => emailChannels.id),
    source: text().notNull(),
    /** imported | ignored (own mail, loop) | failed (kept raw, waits for an admin) | dismissed */
    status: text().notNull(),
    reason: text(),
    messageId: text(),
    contentHash: text().notNull(),
    fromAddress: text(),
    subject: text(),
    size: integer().notNull(),
    rawKey: text().notNull(),
    imapUid: bigint({ mode: 'number' }),
    ticketId: uuid().references(() => tickets.id),
    interactionId: uuid().references(() => interactions.id),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('email_inbound_hash_key').on(t.channelId, t.contentHash),
    uniqueIndex('email_inbound_message_id_key')
      .on(t.channelId, t.messageId)
      .where(sql`message_id IS NOT NULL`),
    index('email_inbound_sender_idx').on(t.channelId, t.fromAddress, t.receivedAt),
    index('email_inbound_problems_idx').on(t.receivedAt.desc(), t.id.desc()).where(sql`status = 'failed'`),
    index('email_inbound_received_idx').on(t.receivedAt.desc(), t.id.desc()),
    index('email_inbound_ticket_idx').on(t.ticketId, t.receivedAt),
  ],
)

/** An outgoing message (an agent's reply or an acknowledgement) and its delivery attempts. */
export const emailOutbound = pgTable(
  'email_outbound',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    channelId: uuid().references(() => emailChannels.id),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id),
    interactionId: uuid().references(() => interactions.id),
    /** reply | ack | notice (a message to staff, e.g. an escalation, its text in `notice`) */
    kind: text().notNull(),
    toAddress: text().notNull(),
    notice: jsonb().$type<{ subject: string; text: string; html: string }>(),
    messageId: text().notNull(),
    /** queued | sending | sent | failed | bounced */
    status: text().notNull().default('queued'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('email_outbound_message_id_key').on(t.messageId),
    index('email_outbound_due_idx').on(t.nextAttemptAt).where(sql`status IN ('queued', 'sending')`),
    index('email_outbound_recipient_idx').on(t.toAddress, t.kind, t.createdAt),
    index('email_outbound_interaction_idx').on(t.interactionId),
  ],
)
