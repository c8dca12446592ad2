import { expect, type Page, test } from '@playwright/test'
import { simpleParser } from 'mailparser'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import { startSmtpSink } from '../../server/test/smtp-sink.ts'
import { api, expectAccessible, screenshot, signedIn, state } from './fixtures.ts'

/**
 * The email parts of the ticket timeline through the real server: a customer's mail arrives over
 * the desk's SMTP receiver, the agent reads it with the quoted text folded, replies, and the
 * reply goes out through a real SMTP server on loopback (the sink) that can also refuse it.
 */

const SUPPORT = 'support@e2e.example'
const CUSTOMER = { name: 'Klara Kunde', address: 'klara.kunde@e2e.example' }
const SUBJECT = 'Ladegerät lädt nicht mehr'
// The delivery steps wait for the desk's sender (every second) on a possibly busy machine.
const DELIVERY = { timeout: 60_000 }

type Sink = Awaited<ReturnType<typeof startSmtpSink>>
type Mail = { subject: string; messageId: string; inReplyTo: string; to: string; text: string }

let sink: Sink
let channelId: string

const desk = () => state() as ReturnType<typeof state> & { smtpPort?: number }

/** Sends a message to the desk's SMTP receiver, as the customer's mail server would. */
const mailToDesk = async (message: SendMailOptions) => {
  const port = desk().smtpPort
  if (!port) throw new Error('the e2e server runs without TRESEN_SMTP_PORT (see global-setup.ts)')
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
  try {
    return await transport.sendMail({
      from: `${CUSTOMER.name} <${CUSTOMER.address}>`,
      to: SUPPORT,
      ...message,
    })
  } finally {
    transport.close()
  }
}

/** What the sink received so far, parsed. */
const sent = async (): Promise<Mail[]> =>
  Promise.all(
    sink.received.map(async (m) => {
      const mail = await simpleParser(m.raw)
      return {
        subject: mail.subject ?? '',
        messageId: mail.messageId ?? '',
        inReplyTo: mail.inReplyTo ?? '',
        to: m.to.join(','),
        text: mail.text ?? '',
      }
    }),
  )

/** The first message the sink received that matches, once it is there. */
const sentWhere = async (match: (m: Mail) => boolean) => {
  let found: Mail | undefined
  await expect
    .poll(async () => {
      found = (await sent()).find(match)
      return found !== undefined
    }, DELIVERY)
    .toBe(true)
  return found!
}
const sentWith = (text: string) => sentWhere((m) => m.text.includes(text))

type Detail = {
  timeline: { kind?: string; text?: string; channelData?: { delivery?: { status: string } } | null }[]
}

/** The reply's delivery state as the server records it, once it is `status`. */
const deliveryRecorded = async (number: number, text: string, status: string) =>
  expect
    .poll(async () => {
      const ticket = await api<Detail>('GET', `/tickets/${number}`)
      return ticket.timeline.find((e) => e.text?.includes(text))?.channelData?.delivery?.status
    }, DELIVERY)
    .toBe(status)

const reply = async (page: Page, text: string) => {
  await page.getByTestId('reply-text').fill(text)
  await page.getByTestId('reply-send').click()
  const message = page.getByTestId('timeline-message').filter({ hasText: text })
  await expect(message).toBeVisible()
  await expect(page.getByTestId('reply-text')).toHaveText('')
  return message
}

test.beforeAll(async () => {
  sink = await startSmtpSink()
  const s = desk()
  const channel = await api<{ id: string }>('POST', '/email/channels', {
    name: 'E2E Support',
    address: SUPPORT,
    displayName: 'Service',
    teamId: s.teamId,
    smtp: { host: '127.0.0.1', port: sink.port, security: 'none' },
    smtpReceiverAddresses: [SUPPORT],
    acknowledge: true,
  })
  channelId = channel.id
})

test.afterAll(async () => {
  if (channelId) await api('PATCH', `/email/channels/${channelId}`, { active: false }).catch(() => {})
  await sink?.close()
})

test('an email ticket: folded quote, reply delivery, auto-reply badge, a refused reply sent again', async ({
  browser,
}) => {
  test.setTimeout(240_000)
  const s = desk()

  // A customer's mail with an earlier message quoted below it.
  const customerMail = await mailToDesk({
    subject: SUBJECT,
    text: [
      'Guten Tag,',
      '',
      'mein Ladegerät lädt seit gestern nicht mehr, obwohl es erst drei Wochen alt ist.',
      'Können Sie mir bitte sagen, wie ich es einschicken kann?',
      '',
      'Am 20.11.2026 um 10:00 schrieb Service <support@e2e.example>:',
      '> alter Text',
      '',
    ].join('\n'),
  })
  let number = 0
  await expect
    .poll(async () => {
      const page = await api<{ items: { messageId: string | null; ticketNumber: number | null }[] }>(
        'GET',
        `/email/messages?channelId=${channelId}`,
      )
      number = page.items.find((m) => m.messageId === customerMail.messageId)?.ticketNumber ?? 0
      return number
    }, DELIVERY)
    .toBeGreaterThan(0)

  // The new ticket's sender gets one acknowledgement with the number.
  const ack = await sentWhere((m) => m.subject.includes(`[#${number}]`))
  expect(ack.subject).toContain(`[#${number}]`)
  expect(ack.to).toBe(CUSTOMER.address)

  const { context, page } = await signedIn(browser, s.agents[0]!)
  await page.goto(`/tickets/${number}`)
  await expect(page.getByTestId('ticket-subject')).toHaveText(SUBJECT)
  await expect(
    page.getByTestId('timeline-event').filter({ hasText: 'hat eine Eingangsbestätigung gesendet' }),
  ).toContainText(CUSTOMER.address)

  // The quoted earlier message is folded away until asked for.
  const inbound = page.getByTestId('timeline-message').filter({ hasText: 'lädt seit gestern nicht mehr' })
  await expect(inbound).toBeVisible()
  const toggle = inbound.getByTestId('timeline-quote-toggle')
  await expect(toggle).toHaveText('Zitierten Text anzeigen')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(inbound.getByText('alter Text')).toBeHidden()
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await expect(toggle).toHaveText('Zitierten Text ausblenden')
  await expect(inbound.getByText('alter Text')).toBeVisible()
  await expect(inbound.getByText('schrieb Service')).toBeVisible()

  // A reply through the UI goes out, and the timeline says so.
  const firstText = 'Guten Tag, bitte senden Sie uns das Ladegerät mit dem beiliegenden Etikett.'
  const first = await reply(page, firstText)
  const firstStatus = first.getByTestId('delivery-status')
  const replyMail = await sentWith('mit dem beiliegenden Etikett')
  expect(replyMail.subject).toBe(`Re: ${SUBJECT} [#${number}]`)
  expect(replyMail.to).toBe(CUSTOMER.address)
  expect(replyMail.inReplyTo).toBe(customerMail.messageId)
  await deliveryRecorded(number, firstText, 'sent')
  // The page hears of it without a reload (the sender polls every second).
  await expect(firstStatus).toHaveAttribute('data-status', 'sent', DELIVERY)
  await expect(firstStatus).toContainText('Gesendet')

  // The customer's out-of-office answer to it lands on the same ticket, marked as automatic.
  const autoReply = await mailToDesk({
    subject: `Abwesenheitsnotiz: ${replyMail.subject}`,
    text: 'Ich bin bis zum 30.11.2026 nicht im Büro und lese meine Mails danach.',
    inReplyTo: replyMail.messageId,
    references: [replyMail.messageId],
    headers: { 'Auto-Submitted': 'auto-replied' },
  })
  const automatic = page.getByTestId('timeline-message').filter({ hasText: 'nicht im Büro' })
  await expect(automatic).toBeVisible(DELIVERY)
  await expect(automatic.getByTestId('timeline-automated')).toHaveText('Automatische Antwort')
  const received = await api<{ items: { messageId: string | null; ticketNumber: number | null }[] }>(
    'GET',
    `/email/messages?channelId=${channelId}`,
  )
  expect(received.items.find((m) => m.messageId === autoReply.messageId)?.ticketNumber).toBe(number)

  // The customer's mail server refuses the next reply: shown in red, with the reason and a resend.
  sink.refuseWith(550, '5.1.1 mailbox unavailable')
  const secondText = 'Nachtrag: Das Etikett finden Sie auch in Ihrem Kundenkonto.'
  const second = await reply(page, secondText)
  const secondStatus = second.getByTestId('delivery-status')
  await deliveryRecorded(number, secondText, 'failed')
  await expect(secondStatus).toHaveAttribute('data-status', 'failed', DELIVERY)
  const failed = secondStatus.getByText('Nicht gesendet')
  await expect(failed).toBeVisible()
  const [r, g, b] = (await failed.evaluate((el) => getComputedStyle(el).color)).match(/\d+/g)!.map(Number)
  expect(r! - Math.max(g!, b!), 'the failure is shown in red').toBeGreaterThan(80)
  // The kind of failure in the reader's language; the server's own words only behind a labelled icon.
  await expect(secondStatus).toContainText('Empfängeradresse unbekannt')
  await expect(secondStatus).not.toContainText('mailbox unavailable')
  await expect(secondStatus.getByTestId('delivery-server-words')).toHaveAttribute(
    'aria-label',
    /Antwort des Mailservers: .*mailbox unavailable/,
  )
  const resend = secondStatus.getByRole('button', { name: 'Erneut senden' })
  await expect(resend).toBeVisible()

  await expect(inbound.getByText('alter Text')).toBeVisible()
  await expect(automatic.getByTestId('timeline-automated')).toBeVisible()
  await expectAccessible(page, 'the ticket page with folded quote, auto-reply and a failed delivery')
  await screenshot(page, 'ticket-email-de')

  // Accepted again: sending it again goes through.
  sink.refuseWith(null)
  await resend.click()
  const resent = await sentWith('Das Etikett finden Sie auch in Ihrem Kundenkonto')
  expect(resent.subject).toBe(`Re: ${SUBJECT} [#${number}]`)
  await deliveryRecorded(number, secondText, 'sent')
  await expect(secondStatus).toHaveAttribute('data-status', 'sent', DELIVERY)
  await expect(secondStatus).toContainText('Gesendet')
  await expect(firstStatus).toHaveAttribute('data-status', 'sent')
  await context.close()
})
