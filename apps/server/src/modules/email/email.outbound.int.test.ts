import { eq } from 'drizzle-orm'
import { simpleParser } from 'mailparser'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { startSmtpSink } from '../../../test/smtp-sink.ts'
import type { Clock } from '../../platform/clock.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { interactions, tickets } from '../../schema.ts'
import { updateTicket } from '../tickets/index.ts'
import { ingestMessage } from './email.ingest.ts'
import { MAX_ATTEMPTS, sendDue, smtpTransport } from './email.outbound.ts'
import type { ChannelRow } from './email.repository.ts'
import { startSmtpReceiver } from './email.smtp-receiver.ts'
import { emailOutbound } from './email.tables.ts'
import { composeMail, createChannelRow, unreachable } from './email.test-support.ts'

let t: TestApp
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let channel: ChannelRow
let agent: Awaited<ReturnType<TestApp['buildStaff']>>
let stranger: Awaited<ReturnType<TestApp['buildStaff']>>
let now = new Date()
const clock: Clock = { now: () => now }

beforeAll(async () => {
  t = await startTestApp({ clock })
  sink = await startSmtpSink()
  const team = await t.buildTeam()
  agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
  stranger = await t.buildStaff({ teams: [{ teamId: (await t.buildTeam()).id }] })
  channel = await createChannelRow(t.ctxAs(), t.sessionSecret, {
    teamId: team.id,
    address: 'service@desk.example',
    displayName: 'Service',
    acknowledge: false,
    smtp: {
      host: '127.0.0.1',
      port: sink.port,
      security: 'none',
      auth: 'password',
      user: 'desk',
      secret: 'smtp-pw',
    },
    smtpReceiverAddresses: ['inbox@desk.example'],
  })
})
afterAll(async () => {
  await sink?.close()
  await t?.close()
})

const send = () => sendDue(t.ctxAs(), smtpTransport(createSecretBox(t.sessionSecret)))

const newTicket = async (subject = 'Frage zur Rechnung') => {
  const from = `${unique('kunde')}@example.de`
  const raw = await composeMail({
    from,
    to: channel.address,
    subject,
    text: 'Bitte prüfen.',
    messageId: `<${unique()}@example.de>`,
  })
  const outcome = await ingestMessage(t.ctxAs(), channel, raw, { source: 'smtp' })
  if (outcome.status !== 'imported') throw new Error(JSON.stringify(outcome))
  return { ...outcome, from }
}

const reply = async (number: number, text = 'Wir haben das korrigiert.') => {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${number}/interactions`,
    headers: agent.headers,
    payload: { kind: 'reply', text },
  })
  expect(res.statusCode, res.body).toBe(201)
  const [row] = await t.db
    .select()
    .from(interactions)
    .where(eq(interactions.direction, 'outbound'))
    .orderBy(interactions.createdAt)
    .then((rows) => rows.slice(-1))
  return row!
}

const deliveryOf = async (interactionId: string) => {
  const [row] = await t.db.select().from(interactions).where(eq(interactions.id, interactionId))
  return (row!.channelData as { delivery?: { status: string; error: string | null; attempts: number } })
    .delivery
}

describe('sending replies', () => {
  it('sends with threading headers, an encoded umlaut subject and the agent text', async () => {
    const ticket = await newTicket('Größenänderung')
    const interaction = await reply(ticket.ticketNumber)
    expect(await deliveryOf(interaction.id)).toMatchObject({ status: 'queued' })
    expect(await send()).toBe(1)
    const message = sink.received.at(-1)!
    expect(message.to).toEqual([ticket.from])
    const raw = message.raw.toString()
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m)
    const mail = await simpleParser(message.raw)
    expect(mail.subject).toBe(`Re: Größenänderung [#${ticket.ticketNumber}]`)
    expect(mail.messageId).toBe((interaction.channelData as { messageId: string }).messageId)
    expect(mail.inReplyTo).toMatch(/@example\.de>$/)
    expect(mail.headers.get('x-auto-response-suppress')).toBe('All')
    expect(mail.headers.get('auto-submitted')).toBeUndefined()
    expect(await deliveryOf(interaction.id)).toMatchObject({ status: 'sent', error: null })
  })

  it('makes header injection through the subject impossible', async () => {
    const ticket = await newTicket()
    await updateTicket(t.ctxAs(), ticket.ticketId, {
      subject: 'Hallo\r\nBcc: evil@attacker.example\r\nX-Evil: 1',
    })
    await reply(ticket.ticketNumber)
    await send()
    const message = sink.received.at(-1)!
    expect(message.to).toEqual([ticket.from])
    const raw = message.raw.toString()
    expect(raw).not.toMatch(/^Bcc:/im)
    expect(raw).not.toMatch(/^X-Evil:/im)
    expect(raw).not.toContain('evil@attacker.example\r\n')
  })

  it('retries temporary failures with growing waits, fails on a permanent refusal, and an agent can send again', async () => {
    const ticket = await newTicket()
    const interaction = await reply(ticket.ticketNumber)
    sink.refuseWith(451, '4.7.1 try later')
    expect(await send()).toBe(1)
    let [row] = await t.db.select().from(emailOutbound).where(eq(emailOutbound.interactionId, interaction.id))
    expect(row).toMatchObject({ status: 'queued', attempts: 1 })
    expect(row!.lastError).toContain('try later')
    expect(row!.nextAttemptAt.getTime() - now.getTime()).toBe(30_000)
    expect(await deliveryOf(interaction.id)).toMatchObject({
      status: 'queued',
      error: expect.stringContaining('try later'),
      reason: 'temporary',
    })
    // Not due yet: nothing is sent.
    expect(await send()).toBe(0)
    now = new Date(now.getTime() + 31_000)
    expect(await send()).toBe(1)
    ;[row] = await t.db.select().from(emailOutbound).where(eq(emailOutbound.interactionId, interaction.id))
    expect(row).toMatchObject({ status: 'queued', attempts: 2 })
    expect(row!.nextAttemptAt.getTime() - now.getTime()).toBe(120_000)

    sink.refuseWith(550, '5.1.1 no such user')
    now = new Date(now.getTime() + 121_000)
    expect(await send()).toBe(1)
    ;[row] = await t.db.select().from(emailOutbound).where(eq(emailOutbound.interactionId, interaction.id))
    expect(row).toMatchObject({ status: 'failed', attempts: 3 })
    expect(await deliveryOf(interaction.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('no such user'),
      reason: 'recipient_unknown',
    })

    // Someone who cannot see the ticket gets a 404; the agent may send again.
    const hidden = await t.app.inject({
      method: 'POST',
      url: `/api/v1/interactions/${interaction.id}/delivery/retry`,
      headers: stranger.headers,
    })
    expect(hidden.statusCode).toBe(404)
    const guessed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/interactions/0190f000-0000-7000-8000-000000000000/delivery/retry',
      headers: agent.headers,
    })
    expect(guessed.statusCode).toBe(404)
    sink.refuseWith(null)
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/v1/interactions/${interaction.id}/delivery/retry`,
      headers: agent.headers,
    })
    expect(retry.statusCode).toBe(204)
    expect(await send()).toBe(1)
    expect(await deliveryOf(interaction.id)).toMatchObject({ status: 'sent' })
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/interactions/${interaction.id}/delivery/retry`,
      headers: agent.headers,
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('email_delivery.not_retryable')
  })

  it(`gives up after ${MAX_ATTEMPTS} temporary failures`, async () => {
    const ticket = await newTicket()
    const interaction = await reply(ticket.ticketNumber)
    sink.refuseWith(421, '4.3.2 busy')
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      now = new Date(now.getTime() + 24 * 3_600_000)
      await send()
    }
    sink.refuseWith(null)
    const [row] = await t.db
      .select()
      .from(emailOutbound)
      .where(eq(emailOutbound.interactionId, interaction.id))
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS })
  })

  it('records a reply on a ticket whose customer has no address as failed, with the reason', async () => {
    const customer = await t.buildCustomer()
    await t.db.execute(
      (await import('drizzle-orm')).sql`DELETE FROM customer_emails WHERE customer_id = ${customer.id}`,
    )
    const team = (await t.db.select().from(tickets).limit(1))[0]!.teamId!
    const created = await t.buildTicket({ teamId: team, customerId: customer.id })
    const interaction = await reply(created.number)
    expect(await deliveryOf(interaction.id)).toMatchObject({
      status: 'failed',
      error: 'the customer has no email address',
      reason: 'no_address',
    })
  })
})

describe('the SMTP receiver', () => {
  it('accepts mail for listed addresses only, within the size limit, and answers after the commit', async () => {
    const receiver = await startSmtpReceiver({
      ctx: t.ctxAs(),
      port: 0,
      host: '127.0.0.1',
      maxBytes: 64 * 1024,
    })
    const mailer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: receiver.port,
      secure: false,
      ignoreTLS: true,
    })
    try {
      await expect(
        mailer.sendMail({ from: 'a@example.de', to: 'nobody@desk.example', subject: 'x', text: 'x' }),
      ).rejects.toMatchObject({ responseCode: 550 })
      await expect(
        mailer.sendMail({
          from: 'a@example.de',
          to: 'inbox@desk.example',
          subject: 'Groß',
          text: 'x'.repeat(100 * 1024),
        }),
      ).rejects.toMatchObject({ responseCode: 552 })
      const subject = `Über SMTP ${unique()}`
      const info = await mailer.sendMail({
        from: 'Anna Schön <anna@example.de>',
        to: 'INBOX@desk.example',
        subject,
        text: 'Hallo!',
      })
      expect(info.accepted).toEqual(['INBOX@desk.example'])
      // 250 came after the commit: the ticket is there now.
      const [row] = await t.db.select().from(tickets).where(eq(tickets.subject, subject))
      expect(row).toBeDefined()
    } finally {
      await receiver.close()
    }
  })

  it('answers 451 (try later) while the database is unreachable', async () => {
    const broken = unreachable(t.db, ['select', 'insert', 'execute', 'transaction'])
    const receiver = await startSmtpReceiver({
      ctx: { ...t.ctxAs(), db: broken },
      port: 0,
      host: '127.0.0.1',
    })
    const mailer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: receiver.port,
      secure: false,
      ignoreTLS: true,
    })
    try {
      await expect(
        mailer.sendMail({ from: 'a@example.de', to: 'inbox@desk.example', subject: 'x', text: 'x' }),
      ).rejects.toMatchObject({ responseCode: 451 })
    } finally {
      await receiver.close()
    }
  })
})
