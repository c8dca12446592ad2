import { eq } from 'drizzle-orm'
import { simpleParser } from 'mailparser'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Dovecot, dovecotAvailable, startDovecot } from '../../../test/dovecot.ts'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { startSmtpSink } from '../../../test/smtp-sink.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { tickets } from '../../schema.ts'
import { emailInbound } from './email.tables.ts'
import { until } from './email.test-support.ts'
import { type EmailWorker, startEmailWorker } from './email.worker.ts'

if (!dovecotAvailable) console.log('note: dovecot is not installed; the IMAP channel tests are skipped')

const SUPPORT = 'support@shop.example'
const CUSTOMER = 'kundin@kunde.example'

describe.skipIf(!dovecotAvailable)('an email channel against a real IMAP server and real SMTP', () => {
  let t: TestApp
  let dovecot: Dovecot
  let sink: Awaited<ReturnType<typeof startSmtpSink>>
  let worker: EmailWorker | undefined
  let admin: Awaited<ReturnType<TestApp['buildStaff']>>
  let agent: Awaited<ReturnType<TestApp['buildStaff']>>
  let channelId: string

  beforeAll(async () => {
    t = await startTestApp()
    dovecot = await startDovecot({
      users: [
        { address: SUPPORT, password: 'support-secret' },
        { address: CUSTOMER, password: 'kundin-secret' },
      ],
    })
    // The outgoing server: a real SMTP server that files each message into the recipient's mailbox.
    sink = await startSmtpSink({
      deliver: async (m) => {
        for (const to of m.to) if ([SUPPORT, CUSTOMER].includes(to)) await dovecot.append(to, m.raw)
      },
    })
    const team = await t.buildTeam()
    admin = await t.buildStaff({ role: 'admin' })
    agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/email/channels',
      headers: admin.headers,
      payload: {
        name: 'Kundenservice',
        address: SUPPORT,
        displayName: 'Shop Kundenservice',
        teamId: team.id,
        imap: {
          host: dovecot.host,
          port: dovecot.port,
          security: 'none',
          user: SUPPORT,
          secret: 'support-secret',
          pollSeconds: 10,
        },
        smtp: { host: '127.0.0.1', port: sink.port, security: 'none' },
        signature: { de: 'Ihr Shop-Team', en: 'Your shop team' },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    channelId = res.json().id
    expect(res.json().imap.hasSecret).toBe(true)
    expect(res.body).not.toContain('support-secret')
  })

  afterAll(async () => {
    await worker?.stop()
    await sink?.close()
    await dovecot?.stop()
    await t?.close()
  })

  const startWorker = async () =>
    startEmailWorker({
      ctx: t.ctxAs(),
      databaseUrl: t.database.url,
      box: createSecretBox(t.sessionSecret),
      reconcileMs: 500,
      sendMs: 100,
      imapPollMs: 500,
    })

  it('checks the connection with the stored settings', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/email/channels/${channelId}/check`,
      headers: admin.headers,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ imap: { ok: true }, smtp: { ok: true } })
  })

  it('mail becomes a ticket with an acknowledgement, the reply reaches the customer, and the answer threads back', async () => {
    // 1. The customer writes to the support mailbox (through the real SMTP server).
    const customerMailer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      ignoreTLS: true,
    })
    const sent = await customerMailer.sendMail({
      from: { name: 'Erika Müller', address: CUSTOMER },
      to: SUPPORT,
      subject: 'Rücksendung für Bestellung 4711',
      text: 'Guten Tag,\n\nich möchte die Jacke zurückschicken. Wie geht das?\n\nViele Grüße\nErika Müller',
    })
    expect(await dovecot.list(SUPPORT)).toHaveLength(1)

    worker = await startWorker()
    // 2. The desk takes it in: a ticket, and the message moves out of the inbox after the commit.
    const ticket = await until('the ticket', async () => {
      const [row] = await t.db
        .select()
        .from(tickets)
        .where(eq(tickets.subject, 'Rücksendung für Bestellung 4711'))
      return row
    })
    expect(ticket.channel).toBe('email')
    await until('the message to move', async () => (await dovecot.list(SUPPORT)).length === 0)
    expect(await dovecot.list(SUPPORT, 'Tresen/Processed')).toHaveLength(1)

    // 3. The acknowledgement arrives in the customer's mailbox, in German, with the number.
    const ackItem = await until('the acknowledgement', async () =>
      (await dovecot.list(CUSTOMER)).find((m) => m.subject?.includes(`[#${ticket.number}]`)),
    )
    expect(ackItem.subject).toBe(
      `Ihre Anfrage ist eingegangen: Rücksendung für Bestellung 4711 [#${ticket.number}]`,
    )
    const ackRaw = sink.received.find((m) => m.to.includes(CUSTOMER))!
    const ack = await simpleParser(ackRaw.raw)
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied')
    expect(ack.inReplyTo).toBe(sent.messageId)
    expect(ack.text).toContain(`#${ticket.number}`)
    expect(ack.text).toContain('Stunden')

    // 4. The agent replies in the desk; the reply arrives in the customer's mailbox, threaded.
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.number}/interactions`,
      headers: agent.headers,
      payload: {
        kind: 'reply',
        text: 'Guten Tag Frau Müller,\n\nbitte nutzen Sie das beiliegende Etikett.',
        status: 'pending',
      },
    })
    expect(reply.statusCode, reply.body).toBe(201)
    const replyItem = await until('the reply', async () =>
      (await dovecot.list(CUSTOMER)).find((m) => m.subject?.startsWith('Re: ')),
    )
    expect(replyItem.subject).toBe(`Re: Rücksendung für Bestellung 4711 [#${ticket.number}]`)
    const replyRaw = sink.received.filter((m) => m.to.includes(CUSTOMER)).at(-1)!
    const replyMail = await simpleParser(replyRaw.raw)
    expect(replyMail.inReplyTo).toBe(sent.messageId)
    expect(replyMail.references).toContain(sent.messageId)
    expect(replyMail.text).toContain('bitte nutzen Sie das beiliegende Etikett')
    expect(replyMail.text).toContain('Ihr Shop-Team')
    expect(replyMail.from?.value[0]).toMatchObject({ address: SUPPORT, name: 'Shop Kundenservice' })
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.number}`,
      headers: agent.headers,
    })
    const outbound = detail.json().timeline.filter((e: { direction?: string }) => e.direction === 'outbound')
    await until('the delivery to be recorded', async () => {
      const d = await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets/${ticket.number}`,
        headers: agent.headers,
      })
      return d
        .json()
        .timeline.find(
          (e: { channelData?: { delivery?: { status: string } } }) =>
            e.channelData?.delivery?.status === 'sent',
        )
    })
    expect(outbound).toHaveLength(1)

    // 5. The customer answers from their mail client: it lands on the same ticket and reopens it.
    await customerMailer.sendMail({
      from: { name: 'Erika Müller', address: CUSTOMER },
      to: SUPPORT,
      subject: `AW: ${replyMail.subject}`,
      inReplyTo: replyMail.messageId,
      references: [sent.messageId, replyMail.messageId!],
      text: 'Danke, das Paket ist unterwegs.\n\nAm Montag schrieb Shop Kundenservice:\n> bitte nutzen Sie das beiliegende Etikett.',
    })
    await until('the answer on the ticket', async () => {
      const rows = await t.db.select().from(emailInbound).where(eq(emailInbound.ticketId, ticket.id))
      return rows.length === 2
    })
    const [after] = await t.db.select().from(tickets).where(eq(tickets.id, ticket.id))
    expect(after!.status).toBe('open')
    expect(await t.db.select().from(tickets).where(eq(tickets.customerId, ticket.customerId))).toHaveLength(1)
    const last = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.number}`,
      headers: agent.headers,
    })
    const answer = last
      .json()
      .timeline.filter((e: { direction?: string }) => e.direction === 'inbound')
      .at(-1)
    expect(answer.text).toContain('Danke, das Paket ist unterwegs.')
    expect(answer.channelData.foldAt).toBeGreaterThan(0)
    expect(answer.text.slice(0, answer.channelData.foldAt)).not.toContain('beiliegende Etikett')
    // No acknowledgement for the answer: one message per ticket start.
    expect((await dovecot.list(CUSTOMER)).filter((m) => m.subject?.startsWith('Ihre Anfrage'))).toHaveLength(
      1,
    )
  }, 180_000)

  it('picks up new mail while connected (IDLE) and keeps going after a restart', async () => {
    await worker?.stop()
    worker = await startWorker()
    const raw = `From: neu@kunde.example\r\nTo: ${SUPPORT}\r\nSubject: Neue Frage\r\nMessage-ID: <idle-1@kunde.example>\r\n\r\nHallo!\r\n`
    await dovecot.append(SUPPORT, raw)
    await until('the new ticket', async () => {
      const [row] = await t.db.select().from(tickets).where(eq(tickets.subject, 'Neue Frage'))
      return row
    })
  }, 90_000)

  it('refuses other roles the channel API (403) and never returns secrets', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/email/channels'],
      ['GET', `/api/v1/email/channels/${channelId}`],
      ['PATCH', `/api/v1/email/channels/${channelId}`],
      ['POST', `/api/v1/email/channels/${channelId}/check`],
      ['GET', '/api/v1/email/messages'],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: agent.headers,
        ...(method === 'PATCH' ? { payload: {} } : {}),
      })
      expect(res.statusCode, `${method} ${url}`).toBe(403)
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/email/channels', headers: admin.headers })
    expect(list.body).not.toContain('support-secret')
    const [row] = await t.db
      .execute<{ imap_secret: string }>(
        // The stored password is sealed, not plain.
        (await import('drizzle-orm')).sql`SELECT imap_secret FROM email_channels WHERE id = ${channelId}`,
      )
      .then((r) => r.rows)
    expect(row!.imap_secret).not.toContain('support-secret')
  })
})
