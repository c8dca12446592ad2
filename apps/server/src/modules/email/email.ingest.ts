import { createHash } from 'node:crypto'
import { type Ctx, inTransaction, SYSTEM } from '../../platform/context.ts'
import { pgErrorOf } from '../../platform/pg-errors.ts'
import { customerMail } from '../customers/index.ts'
import { intake, type UploadedFile } from '../tickets/index.ts'
import { normalizeSubject, ticketNumberFromSubject } from './email.classify.ts'
import { type EmailData, emailContact } from './email.contact.ts'
import { markBounced, queueAcknowledgement } from './email.outbound.ts'
import { type ParsedEmail, parseEmail, UnprocessableMessage } from './email.parse.ts'
import * as repo from './email.repository.ts'

/** More messages than this from one sender within LOOP_WINDOW_MS are not taken in (a mail loop). */
export const LOOP_LIMIT = 20
export const LOOP_WINDOW_MS = 10 * 60_000
const BACKLOG_GRACE_MS = 60_000

export type IngestMeta = {
  source: 'imap' | 'smtp'
  imapUid?: number
  /** When the mailbox received it (IMAP internal date); mail from before the channel existed is backlog. */
  receivedAt?: Date
}

export type IngestOutcome =
  | { status: 'imported'; inboundId: string; ticketId: string; ticketNumber: number; created: boolean }
  | { status: 'duplicate'; inboundId: string | null }
  | { status: 'ignored' | 'failed'; inboundId: string; reason: string }

const sha256 = (raw: Buffer) => createHash('sha256').update(raw).digest('hex')

/** A race another transaction won (a customer created at the same moment, a deadlock): try again. */
const isRetryable = (err: unknown) => ['23505', '40001', '40P01'].includes(pgErrorOf(err)?.code ?? '')

/**
 * Takes in one raw message for a channel, exactly once: its identity (content hash and
 * Message-ID) is recorded in the same transaction as its effect, so a repeated delivery, a
 * restart after a crash or a second ingester finds it and changes nothing. A message that cannot
 * be processed is kept raw with the reason (status failed) and never blocks the next one. Errors
 * of the database itself are thrown: the caller keeps the message and tries again later.
 */
export const ingestMessage = async (
  base: Ctx,
  channel: repo.ChannelRow,
  raw: Buffer,
  meta: IngestMeta,
): Promise<IngestOutcome> => {
  const ctx: Ctx = { ...base, actor: SYSTEM }
  const contentHash = sha256(raw)
  let parsed: ParsedEmail
  try {
    parsed = await parseEmail(raw)
  } catch (err) {
    const reason =
      err instanceof UnprocessableMessage ? err.message : `parser error: ${(err as Error).message}`
    return recordFailure(ctx, channel, raw, contentHash, meta, reason, null)
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx, (tx) => takeIn(tx, channel, parsed, raw, contentHash, meta))
    } catch (err) {
      // Another ingester committed this message while this one worked on it: nothing was written.
      if (err instanceof AlreadyTaken) {
        const known = await repo.findInboundByIdentity(ctx.db, channel.id, contentHash, parsed.messageId)
        return { status: 'duplicate', inboundId: known?.id ?? null }
      }
      // Two messages from a new sender at once both create the customer: the second retries.
      if (attempt < 3 && isRetryable(err)) continue
      if (err instanceof UnprocessableMessage)
        return recordFailure(ctx, channel, raw, contentHash, meta, err.message, parsed)
      if (isDatabaseUnavailable(err)) throw err
      ctx.log.error({ err, channelId: channel.id }, 'email could not be processed')
      return recordFailure(
        ctx,
        channel,
        raw,
        contentHash,
        meta,
        `processing failed: ${describeError(err)}`,
        parsed,
      )
    }
  }
}

/** The message's identity was recorded by another transaction first: roll this one back. */
class AlreadyTaken extends Error {}

/** A short reason for the admin's list (a validation error's first problem, not its JSON). */
const describeError = (err: unknown) => {
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues
  if (Array.isArray(issues) && issues[0])
    return `invalid ${issues[0].path.map(String).join('.') || 'value'}: ${issues[0].message}`
  return (err as Error).message ?? String(err)
}

/** Errors that mean "try again later" rather than "this message is bad". */
export const isDatabaseUnavailable = (err: unknown) => {
  for (
    let e = err as { code?: string; cause?: unknown; message?: string } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.code === 'string' && /^(08|57P|53)/.test(e.code)) return true
    if (
      typeof e.code === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(e.code)
    )
      return true
    if (
      e.message &&
      /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message)
    )
      return true
  }
  return false
}

const recordFailure = async (
  ctx: Ctx,
  channel: repo.ChannelRow,
  raw: Buffer,
  contentHash: string,
  meta: IngestMeta,
  reason: string,
  parsed: ParsedEmail | null,
): Promise<IngestOutcome> => {
  const stored = await ctx.storage.put(raw)
  const row = await repo.claimInbound(ctx.db, {
    channelId: channel.id,
    source: meta.source,
    status: 'failed',
    reason: reason.slice(0, 1000),
    messageId: parsed?.messageId ?? null,
    contentHash,
    fromAddress: parsed?.from?.address ?? null,
    subject: parsed?.subject ?? headerSubject(raw),
    size: raw.length,
    rawKey: stored.key,
    imapUid: meta.imapUid ?? null,
    receivedAt: ctx.clock.now(),
  })
  if (!row) return { status: 'duplicate', inboundId: null }
  ctx.log.warn({ channelId: channel.id, inboundId: row.id, reason }, 'email kept as unprocessable')
  return { status: 'failed', inboundId: row.id, reason }
}

/** The raw Subject line of a message the parser could not read, for the admin's list. */
const headerSubject = (raw: Buffer) => {
  const head = raw.subarray(0, 64 * 1024).toString('latin1')
  const m = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)
  return m?.[1]?.replace(/\r?\n[ \t]/g, ' ').slice(0, 300) ?? null
}

/**
 * One message's effect, in the caller's transaction: first what is known (one lookup), then the
 * writes, and last the message's identity with what it became. When that identity is already
 * taken (a second ingester committed the same message meanwhile) the transaction is rolled back.
 */
const takeIn = async (
  ctx: Ctx,
  channel: repo.ChannelRow,
  mail: ParsedEmail,
  raw: Buffer,
  contentHash: string,
  meta: IngestMeta,
): Promise<IngestOutcome> => {
  const now = ctx.clock.now()
  const known = await repo.ingestLookup(ctx.db, {
    channelId: channel.id,
    contentHash,
    messageId: mail.messageId,
    from: mail.from?.address ?? null,
    since: new Date(now.getTime() - LOOP_WINDOW_MS),
  })
  if (known.knownId) return { status: 'duplicate', inboundId: known.knownId }
  const stored = await ctx.storage.put(raw)
  const record = async (
    values: { status: 'imported' | 'ignored'; reason?: string } & (
      | { ticketId: string; interactionId: string }
      | object
    ),
  ) => {
    const row = await repo.claimInbound(ctx.db, {
      channelId: channel.id,
      source: meta.source,
      messageId: mail.messageId,
      contentHash,
      fromAddress: mail.from?.address ?? null,
      subject: mail.subject,
      size: raw.length,
      rawKey: stored.key,
      imapUid: meta.imapUid ?? null,
      receivedAt: now,
      ...values,
    })
    if (!row) throw new AlreadyTaken()
    return row.id
  }
  const ignore = async (reason: string): Promise<IngestOutcome> => ({
    status: 'ignored',
    inboundId: await record({ status: 'ignored', reason }),
    reason,
  })

  // The desk's own mail, fed back (a mailbox that receives what it sends, a forwarding loop).
  if (mail.messageId?.includes('.tresen@') && (await repo.findOutboundByMessageIds(ctx.db, [mail.messageId])))
    return ignore('the desk sent this message itself')
  if (mail.from && mail.from.address === channel.address && mail.automation.kind !== 'bounce')
    return ignore("sent from the channel's own address")

  if (mail.bounce) {
    const placed = await takeInBounce(ctx, mail)
    if (!placed) return ignore('a delivery failure report for mail the desk did not send')
    const inboundId = await record({ status: 'imported', ...placed })
    return { status: 'imported', inboundId, ...placed, created: false }
  }
  if (!mail.from) throw new UnprocessableMessage('the message has no sender address (From)')

  // The count does not include this message: the (LOOP_LIMIT + 1)th within the window is a loop.
  if (known.recent >= LOOP_LIMIT)
    return ignore(
      `more than ${LOOP_LIMIT} messages from ${mail.from.address} within ${LOOP_WINDOW_MS / 60_000} minutes (mail loop)`,
    )

  const human = mail.automation.kind === 'human'
  const customerId = known.customer?.customerId ?? (await createCustomer(ctx, mail))
  const { ticket: existing, closed } = await threadTicket(ctx, mail, customerId)
  const files: UploadedFile[] = mail.attachments
  const data: EmailData = {
    channel: 'email',
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.inReplyTo[0] ? { inReplyTo: mail.inReplyTo[0] } : {}),
    ...(mail.references.length ? { references: mail.references.slice(-100) } : {}),
    from: mail.from.address,
    to: mail.to.slice(0, 100),
    cc: mail.cc.slice(0, 100),
    subject: mail.subject,
    ...(mail.foldAt !== null ? { foldAt: mail.foldAt } : {}),
    ...(mail.automation.kind === 'human' ? {} : { automated: mail.automation.kind }),
    ...(mail.warnings.length ? { warnings: mail.warnings } : {}),
  }
  const text = mail.text.trim() || (files.length ? '' : mail.language === 'de' ? '(ohne Text)' : '(no text)')
  // A customer who writes again has a working address.
  if (known.customer?.failing) await customerMail.setFailing(ctx, mail.from.address, null)

  const subject =
    normalizeSubject(mail.subject) || (mail.language === 'de' ? '(kein Betreff)' : '(no subject)')
  const contact = await intake.record(ctx, emailContact, {
    data,
    customerId,
    text,
    ...(mail.html ? { html: mail.html } : {}),
    files,
    automated: !human,
    ...(existing ? { ticket: existing } : {}),
    opens: {
      subject,
      teamId: channel.teamId,
      language: mail.language,
      ...(closed ? { followUpOf: { id: closed.id, number: closed.number } } : {}),
    },
  })
  const inboundId = await record({
    status: 'imported',
    ticketId: contact.ticketId,
    interactionId: contact.interactionId,
  })
  // Mailboxes date messages to the second: a minute's grace keeps new mail from counting as backlog.
  const backlog = (meta.receivedAt ?? now).getTime() < channel.acknowledgeSince.getTime() - BACKLOG_GRACE_MS
  if (contact.created && human && channel.acknowledge && !backlog) {
    await queueAcknowledgement(
      ctx,
      channel,
      { id: contact.ticketId, number: contact.ticketNumber, subject },
      mail.from.address,
    )
  }
  return { status: 'imported', inboundId, ...contact }
}

/** A customer for a sender the desk does not know yet. */
const createCustomer = (ctx: Ctx, mail: ParsedEmail) => {
  const from = mail.from!
  return customerMail.createForAddress(ctx, {
    name: from.name || from.address.split('@')[0] || from.address,
    language: mail.language,
    email: from.address,
  })
}

/**
 * The open ticket a message continues: by the Message-IDs it answers, else by the ticket number in
 * its subject when the sender is that ticket's customer (a number alone is easy to guess). A
 * closed ticket takes no more mail: the message opens a new one, its follow-up (`closed`).
 */
const threadTicket = async (ctx: Ctx, mail: ParsedEmail, customerId: string) => {
  const refs = [...mail.inReplyTo, ...mail.references.slice().reverse()]
  let ticket = refs.length ? await intake.lockTicket(ctx, { channel: 'email', keys: refs }) : undefined
  if (!ticket) {
    const number = ticketNumberFromSubject(mail.subject)
    const byNumber = number ? await intake.lockTicket(ctx, { number }) : undefined
    if (byNumber && byNumber.customerId === customerId) ticket = byNumber
  }
  if (!ticket || ticket.mergedIntoId) return { ticket: undefined, closed: undefined }
  return ticket.status === 'closed' ? { ticket: undefined, closed: ticket } : { ticket, closed: undefined }
}

/** A delivery failure: noted on the ticket of the message that bounced; the address marked as failing. */
const takeInBounce = async (
  ctx: Ctx,
  mail: ParsedEmail,
): Promise<{ ticketId: string; interactionId: string; ticketNumber: number } | null> => {
  const bounce = mail.bounce!
  const ids = [bounce.originalMessageId, ...mail.inReplyTo, ...mail.references].filter(
    (x): x is string => !!x,
  )
  const outbound = await repo.findOutboundByMessageIds(ctx.db, ids)
  const ticketId = outbound?.ticketId ?? (await intake.ticketIdForKeys(ctx, 'email', ids))
  if (!ticketId) return null
  const ticket = await intake.ticket(ctx, ticketId)
  if (!ticket) return null
  const now = ctx.clock.now()
  const failed = bounce.recipients.map((r) => r.address.toLowerCase())
  if (bounce.permanent) {
    for (const address of new Set([
      ...failed,
      ...(outbound && failed.length === 0 ? [outbound.toAddress] : []),
    ]))
      await customerMail.setFailing(ctx, address, now)
  }
  const detail = bounce.recipients
    .map((r) => [r.address, r.status, r.diagnostic].filter(Boolean).join(': '))
    .join('\n')
  if (outbound) await markBounced(ctx, outbound, bounce.permanent, detail || mail.subject)
  const added = await intake.record(ctx, emailContact, {
    data: {
      channel: 'email',
      ...(mail.messageId ? { messageId: mail.messageId } : {}),
      ...(mail.from ? { from: mail.from.address } : {}),
      subject: mail.subject,
      automated: 'bounce',
    },
    customerId: ticket.customerId,
    text: mail.text.trim() || detail || mail.subject || 'delivery status notification',
    ...(mail.html ? { html: mail.html } : {}),
    files: mail.attachments,
    automated: true,
    ticket: { id: ticketId },
    opens: { subject: ticket.subject, teamId: ticket.teamId, language: ticket.language },
  })
  return { ticketId, interactionId: added.interactionId, ticketNumber: ticket.number }
}
