import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type ChannelAdapter,
  intake,
  type OutgoingReply,
  registerChannel,
} from '../src/modules/tickets/index.ts'
import { type Ctx, inTransaction } from '../src/platform/context.ts'
import { startTestApp, type TestApp } from './harness.ts'

/**
 * A channel that exists only here (a chat, by its session id), built on the port alone: it
 * takes contacts in through the intake and sends replies by remembering them, without anything
 * of the tickets module but its index.
 */
const ChatData = z.object({
  channel: z.literal('chat'),
  sessionId: z.string().min(1).max(200),
  delivered: z.boolean().optional(),
})
type ChatData = z.infer<typeof ChatData>
const sent: OutgoingReply[] = []
const chat: ChannelAdapter<ChatData> = {
  channel: 'chat',
  data: ChatData,
  threadKey: (data) => data.sessionId ?? null,
  deliver: async (ctx, reply) => {
    sent.push(reply)
    await intake.reportOutcome(ctx, chat, reply.interactionId, { delivered: true })
  },
}
/** One message of a chat: customer, ticket and contact in one transaction. */
const receive = (
  base: Ctx,
  m: { session: string; email: string; name: string; text: string; teamId: string },
) =>
  inTransaction(base, async (ctx) => {
    const customerId = await intake.customerFor(ctx, { email: m.email, name: m.name, language: 'de' })
    const ticket = await intake.lockTicket(ctx, { channel: 'chat', keys: [m.session] })
    return intake.record(ctx, chat, {
      data: { channel: 'chat', sessionId: m.session },
      customerId,
      text: m.text,
      ...(ticket && ticket.status !== 'closed' ? { ticket } : {}),
      opens: { subject: m.text.slice(0, 60), teamId: m.teamId, language: 'de' },
    })
  })

let t: TestApp
let agent: Awaited<ReturnType<TestApp['buildStaff']>>
let teamId: string
let forget: () => void

beforeAll(async () => {
  t = await startTestApp()
  teamId = (await t.buildTeam()).id
  agent = await t.buildStaff({ teams: [{ teamId }] })
  forget = registerChannel(chat)
})
afterAll(async () => {
  forget()
  await t.close()
})

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: agent.headers, ...(payload ? { payload } : {}) })

describe('a second channel on the port', () => {
  it('opens a ticket, threads the next message, sends the reply and reopens on the answer', async () => {
    const first = await receive(t.ctxAs(), {
      session: 'chat-4711',
      email: 'lea@kundin.example',
      name: 'Lea Kundin',
      text: 'Mein Paket ist nicht angekommen',
      teamId,
    })
    expect(first.created).toBe(true)
    const again = await receive(t.ctxAs(), {
      session: 'chat-4711',
      email: 'lea@kundin.example',
      name: 'Lea Kundin',
      text: 'Sendungsnummer 123',
      teamId,
    })
    expect(again).toMatchObject({ created: false, ticketId: first.ticketId })

    // The agent answers in the web app's way and sets the ticket to pending: the chat sends it.
    const reply = await api('POST', `/tickets/${first.ticketId}/interactions`, {
      kind: 'reply',
      text: 'Wir schauen nach.',
      status: 'pending',
    })
    expect(reply.statusCode, reply.body).toBe(201)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ channel: 'chat', text: 'Wir schauen nach.' })
    expect(sent[0]!.ticket.status).toBe('pending')

    // The customer answers: the rules reopen the ticket; the timeline shows the outcome the channel reported.
    await receive(t.ctxAs(), {
      session: 'chat-4711',
      email: 'LEA@kundin.example',
      name: 'Lea',
      text: 'Danke!',
      teamId,
    })
    const detail = (await api('GET', `/tickets/${first.ticketId}`)).json()
    expect(detail.status).toBe('open')
    const messages = detail.timeline.filter((e: { kind: string }) => e.kind === 'interaction')
    expect(messages.map((m: { direction: string }) => m.direction)).toEqual([
      'inbound',
      'inbound',
      'outbound',
      'inbound',
    ])
    expect(messages[2].channelData).toMatchObject({ channel: 'chat' })
    const statuses = detail.timeline
      .filter((e: { type?: string }) => e.type === 'ticket.status_changed')
      .map((e: { changes: { status: { to: string } } }) => e.changes.status.to)
    expect(statuses).toEqual(['pending', 'open'])
    // One customer for one address, whatever its case.
    const customers = (await api('GET', '/customers?q=lea%40kundin.example')).json()
    expect(customers.items).toHaveLength(1)
  })

  it('refuses channel data that does not fit the channel and writes nothing', async () => {
    const customerId = (await t.buildCustomer()).id
    const before = (await api('GET', `/tickets?teamId=${teamId}`)).json().items.length
    await expect(
      intake.record(t.ctxAs(), chat, {
        data: { channel: 'chat', sessionId: '' },
        customerId,
        text: 'Hallo',
        opens: { subject: 'Hallo', teamId, language: 'de' },
      }),
    ).rejects.toThrow(/sessionId/)
    await expect(
      intake.record(t.ctxAs(), chat, {
        data: { channel: 'email', sessionId: 'x' } as never,
        customerId,
        text: 'Hallo',
        opens: { subject: 'Hallo', teamId, language: 'de' },
      }),
    ).rejects.toThrow(/channel/)
    expect((await api('GET', `/tickets?teamId=${teamId}`)).json().items.length).toBe(before)
  })

  it('keeps thread keys apart per channel', async () => {
    const byChat = await receive(t.ctxAs(), {
      session: '<shared-key@example>',
      email: 'max@kunde.example',
      name: 'Max',
      text: 'Chat',
      teamId,
    })
    expect(await intake.ticketIdForKeys(t.ctxAs(), 'chat', ['<shared-key@example>'])).toBe(byChat.ticketId)
    expect(await intake.ticketIdForKeys(t.ctxAs(), 'email', ['<shared-key@example>'])).toBeUndefined()
  })
})
