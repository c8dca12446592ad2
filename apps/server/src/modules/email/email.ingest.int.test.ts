import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { customerEmails, interactions, tickets } from '../../schema.ts'
import { addInteraction, getTicketDetail, mergeTicket, updateTicket } from '../tickets/index.ts'
import { ingestMessage, LOOP_LIMIT } from './email.ingest.ts'
import type { ChannelRow } from './email.repository.ts'
import { emailInbound, emailOutbound } from './email.tables.ts'
import { composeMail, createChannelRow } from './email.test-support.ts'

let t: TestApp
let channel: ChannelRow
let teamId: string

beforeAll(async () => {
  t = await startTestApp()
  teamId = (await t.buildTeam()).id
  channel = await createChannelRow(t.ctxAs(), t.sessionSecret, {
    teamId,
    smtp: { host: '127.0.0.1', port: 2525, security: 'none', auth: 'password' },
  })
})
afterAll(() => t?.close())

const ingest = (raw: Buffer, meta: Partial<Parameters<typeof ingestMessage>[3]> = {}) =>
  ingestMessage(t.ctxAs(), channel, raw, { source: 'smtp', ...meta })

const address = () => `${unique('kunde')}@example.de`

const imported = async (raw: Buffer) => {
  const outcome = await ingest(raw)
  if (outcome.status !== 'imported') throw new Error(`expected imported, got ${JSON.stringify(outcome)}`)
  return outcome
}

const acksTo = (to: string) =>
  t.db
    .select()
    .from(emailOutbound)
    .where(and(eq(emailOutbound.toAddress, to), eq(emailOutbound.kind, 'ack')))

describe('a new message', () => {
  it('becomes a ticket for a new customer, with umlauts intact, and is acknowledged once', async () => {
    const from = address()
    const raw = await composeMail({
      from: { name: 'Jürgen Weiß', address: from },
      to: channel.address,
      subject: 'Größe der Lieferung falsch',
      text: 'Guten Tag,\n\ndie Größe stimmt nicht. Bitte um Rückruf.\n\nViele Grüße\nJürgen Weiß',
      messageId: `<${unique()}@example.de>`,
      textEncoding: 'quoted-printable',
    })
    const outcome = await imported(raw)
    expect(outcome.created).toBe(true)
    const detail = await getTicketDetail(t.ctxAs(), outcome.ticketId)
    expect(detail.subject).toBe('Größe der Lieferung falsch')
    expect(detail.channel).toBe('email')
    expect(detail.language).toBe('de')
    expect(detail.team?.id).toBe(teamId)
    expect(detail.customer.name).toBe('Jürgen Weiß')
    const first = detail.timeline.find((e) => e.kind === 'interaction')
    expect(first && 'text' in first ? first.text : '').toContain('die Größe stimmt nicht')
    expect((await acksTo(from)).length).toBe(1)
    const events = (await getTicketDetail(t.ctxAs(), outcome.ticketId)).timeline.filter(
      (e) => e.kind === 'event',
    )
    expect(events.map((e) => ('type' in e ? e.type : ''))).toContain('email.acknowledged')

    // A second new matter from the same sender the same day: a ticket, but no second acknowledgement.
    await imported(
      await composeMail({ from, to: channel.address, subject: 'Noch etwas', text: 'Und noch eine Frage.' }),
    )
    expect((await acksTo(from)).length).toBe(1)
  })

  it('in ISO-8859-1 and Windows-1252 keeps umlauts and ß', async () => {
    for (const charset of ['iso-8859-1', 'windows-1252', '1252']) {
      const from = address()
      const body = Buffer.from('Die Straße heißt Köln-Süd – Grüße', 'latin1')
      const raw = Buffer.concat([
        Buffer.from(
          `From: ${from}\r\nTo: ${channel.address}\r\nSubject: =?ISO-8859-1?Q?Stra=DFe_und_K=F6ln?=\r\nMessage-ID: <${unique()}@example.de>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
        ),
        charset === 'iso-8859-1' ? Buffer.from('Die Straße heißt Köln-Süd, Grüße', 'latin1') : body,
        Buffer.from('\r\n'),
      ])
      const outcome = await imported(raw)
      const detail = await getTicketDetail(t.ctxAs(), outcome.ticketId)
      expect(detail.subject).toBe('Straße und Köln')
      const first = detail.timeline.find((e) => e.kind === 'interaction')
      expect(first && 'text' in first ? first.text : '').toContain('Die Straße heißt Köln-Süd')
    }
  })

  it('from the backlog of a newly connected mailbox is imported without acknowledgement', async () => {
    const from = address()
    await ingest(
      await composeMail({ from, to: channel.address, subject: 'Alte Mail', text: 'Von letzter Woche.' }),
      {
        receivedAt: new Date(channel.acknowledgeSince.getTime() - 7 * 86_400_000),
      },
    )
    expect((await acksTo(from)).length).toBe(0)
  })
})

describe('exactly once', () => {
  it('takes the same message once, also when delivered twice at the same moment', async () => {
    const raw = await composeMail({
      from: address(),
      to: channel.address,
      subject: 'Doppelt zugestellt',
      text: 'Einmal reicht.',
      messageId: `<${unique()}@example.de>`,
    })
    const outcomes = await Promise.all([ingest(raw), ingest(raw), ingest(raw)])
    expect(outcomes.filter((o) => o.status === 'imported')).toHaveLength(1)
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(2)
    expect((await ingest(raw)).status).toBe('duplicate')
    const subjects = await t.db.select().from(tickets).where(eq(tickets.subject, 'Doppelt zugestellt'))
    expect(subjects).toHaveLength(1)
  })

  it('creates one customer when a new sender’s first two messages arrive at the same moment', async () => {
    const from = address()
    const [a, b] = await Promise.all([
      ingest(await composeMail({ from, to: channel.address, subject: 'Erste Frage', text: 'Eins' })),
      ingest(await composeMail({ from, to: channel.address, subject: 'Zweite Frage', text: 'Zwei' })),
    ])
    expect([a.status, b.status]).toEqual(['imported', 'imported'])
    const owners = await t.db.select().from(customerEmails).where(eq(customerEmails.email, from))
    expect(owners).toHaveLength(1)
  })

  it('takes a message with the same Message-ID but different bytes (a second copy) once', async () => {
    const messageId = `<${unique()}@example.de>`
    const from = address()
    const a = await composeMail({ from, to: channel.address, subject: 'Kopie', text: 'A', messageId })
    const b = await composeMail({
      from,
      to: channel.address,
      subject: 'Kopie',
      text: 'A',
      messageId,
      headers: { 'X-Copy': '2' },
    })
    expect((await ingest(a)).status).toBe('imported')
    expect((await ingest(b)).status).toBe('duplicate')
  })
})

describe('threading', () => {
  it('puts a reply on its ticket by In-Reply-To, by References, and by [#number] from the same customer', async () => {
    const from = address()
    const firstId = `<${unique()}@example.de>`
    const first = await imported(
      await composeMail({
        from,
        to: channel.address,
        subject: 'Router defekt',
        text: 'Er blinkt rot.',
        messageId: firstId,
      }),
    )
    const byHeader = await imported(
      await composeMail({
        from,
        to: channel.address,
        subject: 'AW: Router defekt',
        text: 'Immer noch.',
        inReplyTo: firstId,
      }),
    )
    expect(byHeader.ticketId).toBe(first.ticketId)
    expect(byHeader.created).toBe(false)
    const byRefs = await imported(
      await composeMail({
        from,
        to: channel.address,
        subject: 'x',
        text: 'Noch was.',
        references: [`<${unique()}@elsewhere>`, firstId],
      }),
    )
    expect(byRefs.ticketId).toBe(first.ticketId)
    for (const prefix of ['Re:', 'AW:', 'WG:', 'Fwd:', 'RE: AW:', 'Antw:']) {
      const bySubject = await imported(
        await composeMail({
          from,
          to: channel.address,
          subject: `${prefix} Router defekt [#${first.ticketNumber}]`,
          text: `${prefix} Nachtrag`,
        }),
      )
      expect(bySubject.ticketId, prefix).toBe(first.ticketId)
    }
  })

  it('does not let a stranger write into a ticket by guessing its number', async () => {
    const owner = await imported(
      await composeMail({ from: address(), to: channel.address, subject: 'Privat', text: 'Meine Daten.' }),
    )
    const stranger = await imported(
      await composeMail({
        from: address(),
        to: channel.address,
        subject: `Re: Privat [#${owner.ticketNumber}]`,
        text: 'Ich auch.',
      }),
    )
    expect(stranger.ticketId).not.toBe(owner.ticketId)
    expect(stranger.created).toBe(true)
  })

  it('delivers mail for a merged ticket to the survivor', async () => {
    const from = address()
    const aId = `<${unique()}@example.de>`
    const a = await imported(
      await composeMail({ from, to: channel.address, subject: 'Erste', text: 'Eins', messageId: aId }),
    )
    const b = await imported(
      await composeMail({ from, to: channel.address, subject: 'Zweite', text: 'Zwei' }),
    )
    await mergeTicket(t.ctxAs(), a.ticketId, { into: b.ticketId, reason: 'gleiches Anliegen' })
    const reply = await imported(
      await composeMail({ from, to: channel.address, subject: 'Re: Erste', text: 'Drei', inReplyTo: aId }),
    )
    expect(reply.ticketId).toBe(b.ticketId)
    const bySubject = await imported(
      await composeMail({
        from,
        to: channel.address,
        subject: `Re: Erste [#${a.ticketNumber}]`,
        text: 'Vier',
      }),
    )
    expect(bySubject.ticketId).toBe(b.ticketId)
  })

  it('reopens a solved ticket for a customer reply, but not for an auto-reply', async () => {
    const from = address()
    const id = `<${unique()}@example.de>`
    const first = await imported(
      await composeMail({
        from,
        to: channel.address,
        subject: 'Rechnung',
        text: 'Falscher Betrag.',
        messageId: id,
      }),
    )
    await addInteraction(t.ctxAs(), first.ticketId, { kind: 'reply', text: 'Korrigiert.', status: 'solved' })
    const ooo = await imported(
      await composeMail({
        from,
        to: channel.address,
        subject: 'Automatische Antwort: Rechnung',
        text: 'Ich bin bis zum 3. Januar nicht im Büro.',
        inReplyTo: id,
        headers: { 'Auto-Submitted': 'auto-replied' },
      }),
    )
    expect(ooo.ticketId).toBe(first.ticketId)
    let [row] = await t.db.select().from(tickets).where(eq(tickets.id, first.ticketId))
    expect(row!.status).toBe('solved')
    // Nothing waits on the desk because of an auto-reply.
    expect(row!.waitingSince).toBeNull()
    await imported(
      await composeMail({
        from,
        to: channel.address,
        subject: 'Re: Rechnung',
        text: 'Doch nicht gelöst.',
        inReplyTo: id,
      }),
    )
    ;[row] = await t.db.select().from(tickets).where(eq(tickets.id, first.ticketId))
    expect(row!.status).toBe('open')
  })

  it('opens a new ticket for a reply to a closed ticket', async () => {
    const from = address()
    const id = `<${unique()}@example.de>`
    const first = await imported(
      await composeMail({ from, to: channel.address, subject: 'Alt', text: 'Eins', messageId: id }),
    )
    await updateTicket(t.ctxAs(), first.ticketId, { status: 'closed' })
    const again = await imported(
      await composeMail({ from, to: channel.address, subject: 'Re: Alt', text: 'Neu', inReplyTo: id }),
    )
    expect(again.ticketId).not.toBe(first.ticketId)
  })
})

describe('loops and automatic mail', () => {
  it('never acknowledges automatic mail', async () => {
    const cases: Record<string, string>[] = [
      { 'Auto-Submitted': 'auto-replied' },
      { 'Auto-Submitted': 'auto-generated' },
      { 'X-Autoreply': 'yes' },
      { Precedence: 'bulk' },
      { Precedence: 'list' },
      { Precedence: 'junk' },
      { 'X-Auto-Response-Suppress': 'All' },
    ]
    for (const headers of cases) {
      const from = address()
      const outcome = await imported(
        await composeMail({ from, to: channel.address, subject: 'Info', text: 'Automatisch.', headers }),
      )
      expect(outcome.created, JSON.stringify(headers)).toBe(true)
      expect((await acksTo(from)).length, JSON.stringify(headers)).toBe(0)
    }
    for (const subject of [
      'Abwesenheitsnotiz: Ihre Anfrage',
      'Out of Office: your request',
      'Automatic reply: hello',
    ]) {
      const from = address()
      await imported(await composeMail({ from, to: channel.address, subject, text: 'Ich bin nicht da.' }))
      expect((await acksTo(from)).length, subject).toBe(0)
    }
  })

  it('recognises its own outgoing mail fed back to it', async () => {
    const ticket = await imported(
      await composeMail({ from: address(), to: channel.address, subject: 'Echo', text: 'Hallo' }),
    )
    const [ack] = await t.db.select().from(emailOutbound).where(eq(emailOutbound.ticketId, ticket.ticketId))
    const echo = await ingest(
      await composeMail({
        from: channel.address,
        to: channel.address,
        subject: 'Echo',
        text: 'x',
        messageId: ack!.messageId,
      }),
    )
    expect(echo).toMatchObject({ status: 'ignored', reason: 'the desk sent this message itself' })
  })

  it('stops taking in mail from a sender that sends too much (a loop)', async () => {
    const from = address()
    const outcomes = []
    for (let i = 0; i < LOOP_LIMIT + 3; i++) {
      outcomes.push(
        await ingest(
          await composeMail({ from, to: channel.address, subject: `Schleife ${i}`, text: `Nachricht ${i}` }),
        ),
      )
    }
    expect(outcomes.filter((o) => o.status === 'imported')).toHaveLength(LOOP_LIMIT)
    const ignored = outcomes.filter((o) => o.status === 'ignored')
    expect(ignored).toHaveLength(3)
    expect(ignored[0]).toMatchObject({ reason: expect.stringContaining('mail loop') })
    expect((await acksTo(from)).length).toBe(1)
  })
})

describe('bounces', () => {
  it('attaches a delivery failure to its ticket, marks the delivery and the address as failing', async () => {
    const from = address()
    const first = await imported(
      await composeMail({ from, to: channel.address, subject: 'Kündigung', text: 'Bitte kündigen.' }),
    )
    const reply = await addInteraction(t.ctxAs(), first.ticketId, { kind: 'reply', text: 'Erledigt.' })
    const [out] = await t.db
      .select()
      .from(emailOutbound)
      .where(eq(emailOutbound.interactionId, reply.interactionId))
    expect(out).toBeDefined()
    const dsn = Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example.de (Mail Delivery System)',
        `To: ${channel.address}`,
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <${unique()}@mx.example.de>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        '',
        '--B',
        'Content-Type: text/plain',
        '',
        'This is the mail system at host mx.example.de. Your message could not be delivered.',
        '',
        '--B',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.de',
        '',
        `Final-Recipient: rfc822; ${from}`,
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
        '',
        '--B',
        'Content-Type: text/rfc822-headers',
        '',
        `From: ${channel.address}`,
        `To: ${from}`,
        `Message-ID: ${out!.messageId}`,
        'Subject: Re: Kündigung',
        '',
        '--B--',
        '',
      ].join('\r\n'),
    )
    const outcome = await imported(dsn)
    expect(outcome.ticketId).toBe(first.ticketId)
    const [row] = await t.db.select().from(emailOutbound).where(eq(emailOutbound.id, out!.id))
    expect(row!.status).toBe('bounced')
    const [addr] = await t.db.select().from(customerEmails).where(eq(customerEmails.email, from))
    expect(addr!.failingSince).not.toBeNull()
    const [note] = await t.db.select().from(interactions).where(eq(interactions.id, reply.interactionId))
    expect(note!.channelData).toMatchObject({ delivery: { status: 'bounced' } })
    const [ticket] = await t.db.select().from(tickets).where(eq(tickets.id, first.ticketId))
    expect(ticket!.status).toBe('open')
    // The customer writes again from that address: it works after all.
    await imported(
      await composeMail({ from, to: channel.address, subject: 'Re: Kündigung', text: 'Hier bin ich.' }),
    )
    const [again] = await t.db.select().from(customerEmails).where(eq(customerEmails.email, from))
    expect(again!.failingSince).toBeNull()
  })
})

describe('bad input', () => {
  const failedRows = () => t.db.select().from(emailInbound).where(eq(emailInbound.status, 'failed'))

  it('keeps what cannot be processed, raw and with a reason, and goes on with the next message', async () => {
    const before = (await failedRows()).length
    const empty = await ingest(Buffer.alloc(0))
    expect(empty).toMatchObject({ status: 'failed', reason: 'the message is empty' })
    const noSender = await ingest(
      Buffer.from('To: support@desk.example\r\nSubject: Wer bin ich?\r\n\r\nOhne Absender.\r\n'),
    )
    expect(noSender).toMatchObject({ status: 'failed', reason: expect.stringContaining('no sender') })
    const hugeHeader = await ingest(
      Buffer.from(`From: a@example.de\r\nX-Big: ${'a'.repeat(1_100_000)}\r\n\r\nx\r\n`),
    )
    expect(hugeHeader).toMatchObject({ status: 'failed', reason: expect.stringContaining('header section') })
    expect((await failedRows()).length).toBe(before + 3)
    const next = await imported(
      await composeMail({ from: address(), to: channel.address, subject: 'Danach', text: 'Geht weiter.' }),
    )
    expect(next.created).toBe(true)
    const raw = await t.app.inject({
      method: 'GET',
      url: `/api/v1/email/messages/${noSender.status === 'failed' ? noSender.inboundId : ''}/raw`,
      headers: (await t.buildStaff({ role: 'admin' })).headers,
    })
    expect(raw.statusCode).toBe(200)
    expect(raw.headers['content-disposition']).toMatch(/^attachment/)
    expect(raw.body).toContain('Ohne Absender.')
  })

  it('stores dangerous attachment names safely and never unpacks archives', async () => {
    const outcome = await imported(
      await composeMail({
        from: address(),
        to: channel.address,
        subject: 'Anhänge',
        text: 'Siehe Anhang.',
        attachments: [
          { filename: '../../etc/passwd', content: 'x' },
          { filename: 'a\u0000b\r\nc.txt', content: 'y' },
          {
            filename: '<script>alert(1)</script>.html',
            content: '<script>alert(1)</script>',
            contentType: 'text/html',
          },
          { filename: 'bomb.zip', content: Buffer.from('PK\u0003\u0004zip-in-zip') },
        ],
      }),
    )
    const detail = await getTicketDetail(t.ctxAs(), outcome.ticketId)
    const first = detail.timeline.find((e) => e.kind === 'interaction')
    const names = first && 'attachments' in first ? first.attachments.map((a) => a.filename) : []
    expect(names).toHaveLength(4)
    for (const name of names) {
      expect(name).not.toMatch(/[/\\<>]/)
      expect([...name].some((c) => c.charCodeAt(0) < 32)).toBe(false)
      expect(name.startsWith('.')).toBe(false)
    }
    expect(names).toContain('bomb.zip')
  })

  it('sanitizes HTML: no scripts, handlers, javascript: links or remote images', async () => {
    const outcome = await imported(
      await composeMail({
        from: address(),
        to: channel.address,
        subject: 'HTML',
        html: '<p onclick="steal()">Hallo <a href="javascript:alert(1)">hier</a><script>alert(1)</script><img src="https://tracker.example/p.gif"></p>',
      }),
    )
    const [row] = await t.db.select().from(interactions).where(eq(interactions.ticketId, outcome.ticketId))
    expect(row!.bodyHtml).toContain('Hallo')
    expect(row!.bodyHtml).not.toMatch(/script|onclick|javascript:|tracker\.example/)
    expect(row!.channelData).toMatchObject({ warnings: [{ code: 'remote_images' }] })
  })
})
