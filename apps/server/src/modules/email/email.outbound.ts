import type { DeliveryReason, EmailDelivery } from '@tresen/contract'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import { v7 as uuidv7 } from 'uuid'
import type { Ctx } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { readObject } from '../../platform/storage.ts'
import { customerMail } from '../customers/index.ts'
import { expectedAnswerOf } from '../promises/index.ts'
import { eventOf, intake, type OutgoingReply } from '../tickets/index.ts'
import { normalizeSubject } from './email.classify.ts'
import { emailAcknowledged, emailContact } from './email.contact.ts'
import { credentialsFor } from './email.oauth.ts'
import { oneLine } from './email.parse.ts'
import * as repo from './email.repository.ts'
import { acknowledgement, replySubject, signatureHtml, textToHtml } from './email.templates.ts'

/** Attempts before a delivery counts as failed; the waits between them grow fourfold from 30 s. */
export const MAX_ATTEMPTS = 6
export const retryDelayMs = (attempts: number) => 30_000 * 4 ** Math.max(0, attempts - 1)
/** At most one acknowledgement per address within this period. */
export const ACK_PERIOD_MS = 24 * 3_600_000

const domainOf = (address: string) => address.split('@')[1] ?? 'tresen.invalid'
export const newMessageId = (address: string) => `<${uuidv7()}.tresen@${domainOf(address)}>`

const delivery = (
  status: EmailDelivery['status'],
  at: Date,
  error: string | null = null,
  attempts = 0,
  reason?: DeliveryReason,
): EmailDelivery => ({
  status,
  error,
  ...(reason ? { reason } : {}),
  attempts,
  at: at.toISOString(),
})

/**
 * What kind of failure an SMTP or connection error is, from its reply code and enhanced status
 * code (RFC 3463) or the socket error: the timeline says it in the reader's language and shows the
 * server's own words below.
 */
export const deliveryReason = (err: unknown): DeliveryReason => {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string }
  const text = `${e.response ?? ''} ${e.message ?? ''}`
  const enhanced = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(text)
  if (e.code === NO_CHANNEL) return 'no_channel'
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 534) return 'sign_in_failed'
  if (enhanced?.[2] === '1' && ['1', '2', '3', '10'].includes(enhanced[3]!)) return 'recipient_unknown'
  if (enhanced?.[2] === '2' && enhanced[3] === '2') return 'mailbox_full'
  if (typeof e.responseCode === 'number') {
    if (e.responseCode === 552 || e.responseCode === 452) return 'mailbox_full'
    if (
      e.responseCode === 550 &&
      /user unknown|no such user|unknown user|does not exist|not found/i.test(text)
    )
      return 'recipient_unknown'
    if (e.responseCode >= 500) return 'refused'
    if (e.responseCode >= 400) return 'temporary'
  }
  if (
    ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNRESET'].includes(
      e.code ?? '',
    )
  )
    return 'unreachable'
  return 'other'
}

/** The channel a ticket's mail goes out through: where its last message came in, else its team's, else any with SMTP. */
const channelForTicket = async (ctx: Ctx, ticketId: string, teamId: string | null) => {
  const last = await repo.lastInboundOf(ctx.db, ticketId)
  const channels = (await repo.listChannels(ctx.db)).filter((c) => c.active && c.smtpHost)
  const byLast = last && channels.find((c) => c.id === last.channelId)
  return {
    channel: byLast || channels.find((c) => c.teamId && c.teamId === teamId) || channels[0],
    lastFrom: last?.from,
  }
}

/**
 * A public reply on an email ticket becomes an outgoing message in the same transaction: the
 * reply and its delivery exist together or not at all. The sender picks it up after the commit.
 */
export const queueReply = async (ctx: Ctx, reply: OutgoingReply) => {
  if (reply.channel !== 'email') return
  const now = ctx.clock.now()
  const { channel, lastFrom } = await channelForTicket(ctx, reply.ticket.id, reply.ticket.teamId)
  const to = lastFrom ?? (await customerMail.primaryAddress(ctx, reply.ticket.customerId))
  if (!channel || !to) {
    const error = !channel
      ? 'no active email channel with SMTP settings'
      : 'the customer has no email address'
    await intake.reportOutcome(ctx, emailContact, reply.interactionId, {
      channel: 'email',
      delivery: delivery('failed', now, error, 0, !channel ? 'no_channel' : 'no_address'),
    })
    return
  }
  const thread = await intake.thread(ctx, reply.ticket.id, 'email')
  const ids = thread.map((m) => m.key).filter((id): id is string => !!id)
  const lastInbound = [...thread].reverse().find((m) => m.direction === 'inbound' && m.key)
  const messageId = newMessageId(channel.address)
  await repo.insertOutbound(ctx.db, {
    channelId: channel.id,
    ticketId: reply.ticket.id,
    interactionId: reply.interactionId,
    kind: 'reply',
    toAddress: to,
    messageId,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  })
  await intake.reportOutcome(ctx, emailContact, reply.interactionId, {
    channel: 'email',
    messageId,
    ...(lastInbound?.key ? { inReplyTo: lastInbound.key } : {}),
    ...(ids.length ? { references: ids.slice(-20) } : {}),
    from: channel.address,
    to: [to],
    delivery: delivery('queued', now),
  })
}

/**
 * A reply written before the desk had an email channel to send it (the demo company's history):
 * recorded as delivered at its time instead of as a failure nobody can act on.
 */
export const recordSentEarlier = (ctx: Ctx, interactionId: string) =>
  intake.reportOutcome(ctx, emailContact, interactionId, {
    channel: 'email',
    delivery: delivery('sent', ctx.clock.now(), null, 1),
  })

/**
 * An acknowledgement for a new ticket, in the customer's language, with the ticket number and an
 * honest time to an answer; at most one per address per day, never to an address that bounces.
 */
export const queueAcknowledgement = async (
  ctx: Ctx,
  channel: repo.ChannelRow,
  ticket: { id: string; number: number; subject: string },
  to: string,
) => {
  if (!channel.smtpHost) return
  const now = ctx.clock.now()
  if (await repo.ackedSince(ctx.db, to, new Date(now.getTime() - ACK_PERIOD_MS))) return
  const address = await customerMail.address(ctx, to)
  if (address?.failingSince) return
  await intake.recordEvent(
    ctx,
    eventOf(ctx, emailAcknowledged, ticket.id, { acknowledgement: { from: null, to } }),
  )
  await repo.insertOutbound(ctx.db, {
    channelId: channel.id,
    ticketId: ticket.id,
    kind: 'ack',
    toAddress: to,
    messageId: newMessageId(channel.address),
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  })
}

/**
 * A message to staff about a ticket (an escalation): through the mailbox the ticket's mail goes
 * out of, retried like any delivery, never threaded into the customer's conversation. Nothing is
 * queued (false) while the desk has no mailbox with SMTP settings.
 */
export const queueNotice = async (
  ctx: Ctx,
  notice: {
    ticketId: string
    teamId: string | null
    to: string
    subject: string
    text: string
    html: string
  },
) => {
  const { channel } = await channelForTicket(ctx, notice.ticketId, notice.teamId)
  if (!channel) return false
  const now = ctx.clock.now()
  await repo.insertOutbound(ctx.db, {
    channelId: channel.id,
    ticketId: notice.ticketId,
    kind: 'notice',
    toAddress: notice.to,
    notice: { subject: notice.subject, text: notice.text, html: notice.html },
    messageId: newMessageId(channel.address),
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  })
  return true
}

/** A bounce for a message the desk sent: the delivery is marked, with the reason. */
export const markBounced = async (
  ctx: Ctx,
  outbound: repo.OutboundRow,
  permanent: boolean,
  detail: string,
) => {
  if (!permanent) return
  const now = ctx.clock.now()
  await repo.updateOutbound(ctx.db, outbound.id, {
    status: 'bounced',
    lastError: detail.slice(0, 1000),
    updatedAt: now,
  })
  if (outbound.interactionId)
    await intake.reportOutcome(ctx, emailContact, outbound.interactionId, {
      delivery: delivery('bounced', now, detail.slice(0, 1000), outbound.attempts, 'bounced'),
    })
}

/** Puts a failed or bounced reply back in the queue (an agent's retry). */
export const requeueReply = async (ctx: Ctx, interactionId: string) => {
  const outbound = await repo.latestOutboundOf(ctx.db, interactionId)
  if (!outbound || !['failed', 'bounced'].includes(outbound.status)) return false
  const now = ctx.clock.now()
  await repo.updateOutbound(ctx.db, outbound.id, {
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    lockedUntil: null,
    updatedAt: now,
  })
  await intake.reportOutcome(ctx, emailContact, interactionId, { delivery: delivery('queued', now) })
  return true
}

export type TransportFactory = (
  channel: repo.ChannelRow,
) => Promise<Transporter<SMTPTransport.SentMessageInfo>> | Transporter<SMTPTransport.SentMessageInfo>

/** nodemailer's SMTP transport for a channel's settings (secrets opened, tokens fetched only here). */
export const smtpTransport =
  (box: SecretBox, db?: Queryable): TransportFactory =>
  async (channel) => {
    const creds = db
      ? await credentialsFor(db, channel, box, 'smtp')
      : channel.smtpAuth === 'oauth2'
        ? { accessToken: channel.smtpSecret ? box.open(channel.smtpSecret) : '' }
        : { pass: channel.smtpSecret ? box.open(channel.smtpSecret) : '' }
    return nodemailer.createTransport({
      host: channel.smtpHost!,
      port: channel.smtpPort ?? 587,
      secure: channel.smtpSecurity === 'tls',
      requireTLS: channel.smtpSecurity === 'starttls',
      ignoreTLS: channel.smtpSecurity === 'none',
      ...(channel.smtpUser
        ? {
            auth:
              creds.accessToken !== undefined
                ? { type: 'OAuth2' as const, user: channel.smtpUser, accessToken: creds.accessToken }
                : { user: channel.smtpUser, pass: creds.pass ?? '' },
          }
        : {}),
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
      logger: false,
    })
  }

/** Builds the message of a delivery (reply or acknowledgement) as nodemailer options. */
const compose = async (ctx: Ctx, outbound: repo.OutboundRow, channel: repo.ChannelRow) => {
  const ticket = await intake.ticket(ctx, outbound.ticketId)
  if (!ticket) throw new Error('the ticket no longer exists')
  const thread = await intake.thread(ctx, ticket.id, 'email')
  const ids = thread.map((m) => m.key).filter((id): id is string => !!id && id !== outbound.messageId)
  const lastInbound = [...thread].reverse().find((m) => m.direction === 'inbound' && m.key)
  const lang = ticket.language === 'en' ? 'en' : 'de'
  if (outbound.kind === 'notice' && outbound.notice) {
    return {
      from: { name: oneLine(channel.displayName || channel.name), address: channel.address },
      to: outbound.toAddress,
      messageId: outbound.messageId,
      subject: oneLine(outbound.notice.subject),
      text: outbound.notice.text,
      html: outbound.notice.html,
      headers: { 'X-Tresen-Ticket': String(ticket.number), 'Auto-Submitted': 'auto-generated' },
    }
  }
  const base = {
    from: { name: oneLine(channel.displayName || channel.name), address: channel.address },
    to: outbound.toAddress,
    messageId: outbound.messageId,
    ...(lastInbound?.key ? { inReplyTo: lastInbound.key } : {}),
    ...(ids.length ? { references: ids.slice(-20) } : {}),
    headers: {
      'X-Tresen-Ticket': String(ticket.number),
      // Asks Exchange and others not to answer with out-of-office or read receipts.
      'X-Auto-Response-Suppress': 'All',
      ...(outbound.kind === 'ack' ? { 'Auto-Submitted': 'auto-replied' } : {}),
    },
  }
  if (outbound.kind === 'ack') {
    const hours = channel.replyPromiseHours
    const measured = await repo.measuredReplyHours(ctx.db, ticket.teamId, ctx.clock.now())
    const ack = acknowledgement(lang, {
      number: ticket.number,
      subject: normalizeSubject(ticket.subject),
      hours: measured ?? hours,
      measured: measured !== null,
      signature: channel.signature[lang],
      promise: await expectedAnswerOf(ctx, ticket.id),
    })
    return { ...base, subject: oneLine(ack.subject), text: ack.text, html: ack.html }
  }
  const interaction = outbound.interactionId ? await intake.contact(ctx, outbound.interactionId) : undefined
  if (!interaction) throw new Error('the reply no longer exists')
  const files = await intake.attachments(ctx, interaction.id)
  const attachments = []
  for (const f of files) {
    attachments.push({
      filename: f.filename,
      contentType: f.contentType,
      content: await readObject(ctx.storage, f.storageKey),
    })
  }
  const signature = channel.signature[lang]
  const text = signature ? `${interaction.bodyText}\n\n-- \n${signature}` : interaction.bodyText
  const bodyHtml = interaction.bodyHtml ?? textToHtml(interaction.bodyText)
  const html = signature ? `${bodyHtml}${signatureHtml(signature)}` : bodyHtml
  return { ...base, subject: oneLine(replySubject(ticket.subject, ticket.number)), text, html, attachments }
}

const isPermanent = (err: unknown) => {
  const { responseCode, code } = err as { responseCode?: number; code?: string }
  return (
    code === NO_CHANNEL || (typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600)
  )
}
const NO_CHANNEL = 'ENOCHANNEL'

/**
 * Sends what is due: claims up to `limit` deliveries (SKIP LOCKED, so processes never take the
 * same one), sends each and records the outcome. Temporary failures wait and retry (30 s, 2 min,
 * 8 min, …); a permanent refusal (5xx) or the sixth failure marks the delivery failed, visible on
 * the reply. Returns how many were handled.
 */
export const sendDue = async (ctx: Ctx, transportFor: TransportFactory, limit = 10) => {
  const now = ctx.clock.now()
  const claimed = await repo.claimDue(ctx.db, now, new Date(now.getTime() + 5 * 60_000), limit)
  for (const { id } of claimed.rows) {
    const outbound = await repo.findOutbound(ctx.db, id)
    if (!outbound) continue
    const channel = outbound.channelId ? await repo.findChannel(ctx.db, outbound.channelId) : undefined
    let error: unknown = null
    try {
      if (!channel?.smtpHost)
        throw Object.assign(new Error('the email channel has no SMTP settings'), { code: NO_CHANNEL })
      const message = await compose(ctx, outbound, channel)
      const transport = await transportFor(channel)
      try {
        await transport.sendMail(message)
      } finally {
        transport.close()
      }
    } catch (err) {
      error = err
    }
    const at = ctx.clock.now()
    if (!error) {
      await repo.updateOutbound(ctx.db, id, {
        status: 'sent',
        sentAt: at,
        lockedUntil: null,
        lastError: null,
        updatedAt: at,
      })
      if (outbound.interactionId)
        await intake.reportOutcome(ctx, emailContact, outbound.interactionId, {
          delivery: delivery('sent', at, null, outbound.attempts),
        })
      continue
    }
    const reason = String((error as Error).message ?? error).slice(0, 1000)
    const final = isPermanent(error) || outbound.attempts >= MAX_ATTEMPTS
    ctx.log.warn({ deliveryId: id, attempts: outbound.attempts, final, reason }, 'email delivery failed')
    await repo.updateOutbound(ctx.db, id, {
      status: final ? 'failed' : 'queued',
      lastError: reason,
      lockedUntil: null,
      nextAttemptAt: new Date(at.getTime() + retryDelayMs(outbound.attempts)),
      updatedAt: at,
    })
    if (outbound.interactionId)
      await intake.reportOutcome(ctx, emailContact, outbound.interactionId, {
        delivery: delivery(final ? 'failed' : 'queued', at, reason, outbound.attempts, deliveryReason(error)),
      })
  }
  return claimed.rows.length
}
