import { and, asc, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import { executeShaped, placeholders, type Queryable } from '../../platform/db.ts'
import { pgErrorOf } from '../../platform/pg-errors.ts'
import { customerEmails } from '../customers/index.ts'
import { teams } from '../teams/index.ts'
import { tickets } from '../tickets/index.ts'
import { emailChannels, emailInbound, emailOutbound } from './email.tables.ts'

export type ChannelRow = typeof emailChannels.$inferSelect
export type InboundRow = typeof emailInbound.$inferSelect
export type OutboundRow = typeof emailOutbound.$inferSelect

export const listChannels = (db: Queryable) =>
  db.select().from(emailChannels).orderBy(asc(emailChannels.name))

export const findChannel = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(emailChannels).where(eq(emailChannels.id, id))
  return row
}

export const lockChannel = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(emailChannels).where(eq(emailChannels.id, id)).for('update')
  return row
}

export const insertChannel = async (db: Queryable, values: typeof emailChannels.$inferInsert) => {
  const [row] = await db.insert(emailChannels).values(values).returning()
  return row!
}

export const updateChannel = async (
  db: Queryable,
  id: string,
  values: Partial<typeof emailChannels.$inferInsert>,
) => {
  const [row] = await db.update(emailChannels).set(values).where(eq(emailChannels.id, id)).returning()
  return row
}

/** Active channels that accept mail for this address through the SMTP receiver. */
export const channelsForRecipient = (db: Queryable, address: string) =>
  db
    .select()
    .from(emailChannels)
    .where(and(eq(emailChannels.active, true), sql`${address} = ANY(${emailChannels.smtpReceiverAddresses})`))

export const recordCheck = (
  db: Queryable,
  id: string,
  state: 'ok' | 'error',
  error: string | null,
  at: Date,
) => db.update(emailChannels).set({ state, stateError: error, checkedAt: at }).where(eq(emailChannels.id, id))

export const saveImapPosition = (db: Queryable, id: string, uidValidity: bigint, lastUid: number) =>
  db
    .update(emailChannels)
    .set({
      imapUidValidity: uidValidity,
      imapLastUid: sql`greatest(${emailChannels.imapLastUid}, ${lastUid})`,
    })
    .where(eq(emailChannels.id, id))

export const resetImapPosition = (db: Queryable, id: string, uidValidity: bigint) =>
  db
    .update(emailChannels)
    .set({ imapUidValidity: uidValidity, imapLastUid: 0 })
    .where(eq(emailChannels.id, id))

/** Failed messages per channel. */
export const problemCounts = async (db: Queryable) => {
  const rows = await db
    .select({ channelId: emailInbound.channelId, n: sql<number>`count(*)::int` })
    .from(emailInbound)
    .where(eq(emailInbound.status, 'failed'))
    .groupBy(emailInbound.channelId)
  return new Map(rows.map((r) => [r.channelId, r.n]))
}

/**
 * Records a received message's identity; undefined when the channel already has a message with
 * this content or Message-ID (a second delivery, or another process took it first).
 */
export const claimInbound = async (db: Queryable, values: typeof emailInbound.$inferInsert) => {
  const v = placeholders('', { ...values, id: values.id ?? uuidv7() })
  const [row] = await executeShaped<{ id: string }>(
    db,
    'email_claim',
    v.keys.join(','),
    () =>
      db.insert(emailInbound).values(v.row).onConflictDoNothing().returning({ id: emailInbound.id }).getSQL(),
    v.values,
  )
  return row
}

export const findInboundByIdentity = async (
  db: Queryable,
  channelId: string,
  contentHash: string,
  messageId: string | null,
) => {
  const [row] = await db
    .select({ id: emailInbound.id })
    .from(emailInbound)
    .where(
      and(
        eq(emailInbound.channelId, channelId),
        messageId
          ? or(eq(emailInbound.contentHash, contentHash), eq(emailInbound.messageId, messageId))
          : eq(emailInbound.contentHash, contentHash),
      ),
    )
    .limit(1)
  return row
}

/**
 * What ingestion needs to know before it writes, in one round trip: whether the channel already
 * has this message (same content or Message-ID), how many messages the sender sent it since
 * `since` (the loop limit), and the customer the sender's address belongs to.
 */
export const ingestLookup = async (
  db: Queryable,
  p: { channelId: string; contentHash: string; messageId: string | null; from: string | null; since: Date },
) => {
  const ph = sql.placeholder
  const [row] = await executeShaped<{
    known_id: string | null
    recent: number
    customer_id: string | null
    failing_since: string | null
  }>(
    db,
    'email_lookup',
    '',
    () => sql`
    SELECT
      coalesce(
        (SELECT id FROM ${emailInbound} WHERE channel_id = ${ph('channel')}::uuid AND content_hash = ${ph('hash')}::text LIMIT 1),
        (SELECT id FROM ${emailInbound} WHERE channel_id = ${ph('channel')}::uuid AND message_id = ${ph('messageId')}::text LIMIT 1)
      ) AS known_id,
      (SELECT count(*)::int FROM ${emailInbound}
        WHERE channel_id = ${ph('channel')}::uuid AND from_address = ${ph('from')}::text
          AND received_at >= ${ph('since')}::timestamptz) AS recent,
      ce.customer_id, ce.failing_since
    FROM (SELECT 1) AS one
    LEFT JOIN ${customerEmails} ce ON ce.email = lower(${ph('from')}::text)`,
    {
      channel: p.channelId,
      hash: p.contentHash,
      messageId: p.messageId,
      from: p.from,
      since: p.since.toISOString(),
    },
  )
  if (!row) throw new Error('the lookup returned no row')
  return {
    knownId: row.known_id,
    recent: Number(row.recent),
    customer: row.customer_id
      ? { customerId: row.customer_id, failing: row.failing_since !== null }
      : undefined,
  }
}

export const findInbound = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(emailInbound).where(eq(emailInbound.id, id))
  return row
}

export const lockInbound = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(emailInbound).where(eq(emailInbound.id, id)).for('update')
  return row
}

export const updateInbound = (db: Queryable, id: string, values: Partial<typeof emailInbound.$inferInsert>) =>
  db.update(emailInbound).set(values).where(eq(emailInbound.id, id))

export const listInbound = (
  db: Queryable,
  f: { channelId?: string; status?: string; before?: { at: Date; id: string }; limit: number },
) =>
  db
    .select({ message: emailInbound, ticketNumber: tickets.number })
    .from(emailInbound)
    .leftJoin(tickets, eq(tickets.id, emailInbound.ticketId))
    .where(
      and(
        f.channelId ? eq(emailInbound.channelId, f.channelId) : undefined,
        f.status ? eq(emailInbound.status, f.status) : undefined,
        f.before
          ? sql`(${emailInbound.receivedAt}, ${emailInbound.id}) < (${f.before.at.toISOString()}::timestamptz, ${f.before.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(emailInbound.receivedAt), desc(emailInbound.id))
    .limit(f.limit)

export const insertOutbound = async (db: Queryable, values: typeof emailOutbound.$inferInsert) => {
  const [row] = await db.insert(emailOutbound).values(values).returning()
  return row!
}

export const findOutboundByMessageIds = async (db: Queryable, ids: string[]) => {
  if (ids.length === 0) return undefined
  const [row] = await db.select().from(emailOutbound).where(inArray(emailOutbound.messageId, ids)).limit(1)
  return row
}

export const latestOutboundOf = async (db: Queryable, interactionId: string) => {
  const [row] = await db
    .select()
    .from(emailOutbound)
    .where(eq(emailOutbound.interactionId, interactionId))
    .orderBy(desc(emailOutbound.createdAt))
    .limit(1)
    .for('update')
  return row
}

/** Whether the desk sent this address an acknowledgement since `since` (at most one per period). */
export const ackedSince = async (db: Queryable, to: string, since: Date) => {
  const [row] = await db
    .select({ id: emailOutbound.id })
    .from(emailOutbound)
    .where(
      and(
        eq(emailOutbound.toAddress, to),
        eq(emailOutbound.kind, 'ack'),
        gte(emailOutbound.createdAt, since),
      ),
    )
    .limit(1)
  return !!row
}

/**
 * Takes up to `limit` due deliveries for this process: queued ones whose time has come, and ones
 * another process took but did not finish in time (it died). SKIP LOCKED keeps processes apart.
 */
export const claimDue = (db: Queryable, now: Date, lease: Date, limit: number) =>
  db.execute<{ id: string }>(sql`
    UPDATE ${emailOutbound} SET status = 'sending', attempts = attempts + 1, locked_until = ${lease.toISOString()}::timestamptz,
      updated_at = ${now.toISOString()}::timestamptz
    WHERE id IN (
      SELECT id FROM ${emailOutbound}
      WHERE (status = 'queued' AND next_attempt_at <= ${now.toISOString()}::timestamptz)
         OR (status = 'sending' AND locked_until < ${now.toISOString()}::timestamptz)
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id`)

export const findOutbound = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(emailOutbound).where(eq(emailOutbound.id, id))
  return row
}

export const updateOutbound = (
  db: Queryable,
  id: string,
  values: Partial<typeof emailOutbound.$inferInsert>,
) => db.update(emailOutbound).set(values).where(eq(emailOutbound.id, id))

/** The earliest time a queued delivery is due (for the sender's next wake-up). */
export const nextDue = async (db: Queryable) => {
  const [row] = await db
    .select({ at: sql<string | null>`min(${emailOutbound.nextAttemptAt})` })
    .from(emailOutbound)
    .where(inArray(emailOutbound.status, ['queued']))
  return row?.at ? new Date(row.at) : null
}

/**
 * How long this team's customers waited for a first answer lately: the 80th percentile over the
 * last 30 days, in hours, when at least 20 tickets were answered; otherwise null.
 */
export const measuredReplyHours = async (db: Queryable, teamId: string | null, now: Date) => {
  const since = new Date(now.getTime() - 30 * 86_400_000)
  const [row] = await db
    .select({
      n: sql<number>`count(*)::int`,
      p80: sql<
        number | null
      >`percentile_cont(0.8) WITHIN GROUP (ORDER BY extract(epoch FROM ${tickets.firstResponseAt} - ${tickets.createdAt}))`,
    })
    .from(tickets)
    .where(
      and(
        teamId ? eq(tickets.teamId, teamId) : undefined,
        gte(tickets.createdAt, since),
        lt(tickets.createdAt, now),
        sql`${tickets.firstResponseAt} IS NOT NULL`,
      ),
    )
  return row && row.n >= 20 && row.p80 !== null ? Math.max(1, Math.ceil(Number(row.p80) / 3600)) : null
}

/** The channel the ticket's newest message arrived through, with that message's sender. */
export const lastInboundOf = async (db: Queryable, ticketId: string) => {
  const [row] = await db
    .select({ channelId: emailInbound.channelId, from: emailInbound.fromAddress })
    .from(emailInbound)
    .where(and(eq(emailInbound.ticketId, ticketId), eq(emailInbound.status, 'imported')))
    .orderBy(desc(emailInbound.receivedAt))
    .limit(1)
  return row
}

export const teamExists = async (db: Queryable, id: string) => {
  const [row] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, id))
  return !!row
}

/** A failed message's record gives way to a new attempt at it (an admin's retry). */
export const deleteFailedInbound = (db: Queryable, id: string) =>
  db.delete(emailInbound).where(and(eq(emailInbound.id, id), eq(emailInbound.status, 'failed')))

/** Stores rotated OAuth2 settings without counting as a change of the channel (watchers keep running). */
export const replaceOAuth = (db: Queryable, id: string, sealed: string) =>
  db.update(emailChannels).set({ oauth: sealed }).where(eq(emailChannels.id, id))

/** Another channel has this address (a concurrent insert or update won). */
export const isAddressTaken = (e: unknown) => {
  const pg = pgErrorOf(e)
  return pg?.code === '23505' && pg.constraint === 'email_channels_address_key'
}
