import { describe, expect, it } from 'vitest'
import { type DomainEvent, newEvent } from '../../platform/domain-events.ts'
import { interactionAdded, statusChanged, ticketCreated } from './tickets.events.ts'
import { addTicketRule, applyRules } from './tickets.rules.ts'
import { timeFigures } from './tickets.time.ts'

const at = new Date('2026-03-02T09:00:00Z')
const ticketId = '01900000-0000-7000-8000-000000000001'
const message = (
  direction: 'inbound' | 'outbound' | 'internal',
  opts: { automated?: boolean; first?: boolean } = {},
) =>
  newEvent(interactionAdded, {
    ticketId,
    at,
    actorStaffId: null,
    data: {
      interactionId: '01900000-0000-7000-8000-000000000002',
      channel: 'email',
      direction,
      automated: opts.automated ?? false,
      first: opts.first ?? false,
    },
  })
const status = (from: 'new' | 'open' | 'pending' | 'solved', to: 'open' | 'pending' | 'solved' | 'closed') =>
  newEvent(statusChanged, { ticketId, at, actorStaffId: null, data: { status: { from, to } } })
const kinds = (events: DomainEvent[]) =>
  events.map((e) =>
    e.kind === statusChanged.kind ? `status→${(e.data as { status: { to: string } }).status.to}` : e.kind,
  )

describe('the ticket rules', () => {
  it.each([
    [
      'a customer message on a pending ticket reopens it',
      'pending',
      [message('inbound')],
      ['interaction.added', 'status→open'],
    ],
    ['on a solved one too', 'solved', [message('inbound')], ['interaction.added', 'status→open']],
    ['on hold too', 'on_hold', [message('inbound')], ['interaction.added', 'status→open']],
    ['an open ticket stays', 'open', [message('inbound')], ['interaction.added']],
    [
      'an automatic message reopens nothing',
      'pending',
      [message('inbound', { automated: true })],
      ['interaction.added'],
    ],
    ['a note reopens nothing', 'pending', [message('internal')], ['interaction.added']],
    [
      'a first reply takes a new ticket into work',
      'new',
      [message('outbound')],
      ['interaction.added', 'status→open'],
    ],
    [
      'a reply that sets a status keeps it',
      'new',
      [message('outbound'), status('new', 'pending')],
      ['interaction.added', 'status→pending'],
    ],
    [
      'a customer message with a status set by the agent keeps it',
      'pending',
      [message('inbound'), status('pending', 'solved')],
      ['interaction.added', 'status→solved'],
    ],
    [
      "a new ticket's first message changes nothing",
      'new',
      [message('inbound', { first: true })],
      ['interaction.added'],
    ],
  ] as const)('%s', (_name, from, events, expected) => {
    expect(kinds(applyRules({ id: ticketId, status: from }, events))).toEqual(expected)
  })

  it('gives a follow-up the ticket as it stands, and refuses a rule that never stops', () => {
    const off = addTicketRule({
      name: 'test.echo',
      kinds: [statusChanged.kind],
      decide: (ticket, event) => [status(ticket.status as 'open', 'pending')].filter(() => event.at === at),
    })
    try {
      expect(() => applyRules({ id: ticketId, status: 'pending' }, [message('inbound')])).toThrow(
        'ticket rule "test.echo" keeps adding events',
      )
    } finally {
      off()
    }
    expect(() =>
      addTicketRule({ name: 'tickets.reopen_on_customer_message', kinds: [], decide: () => [] }),
    ).toThrow('exists twice')
  })
})

describe('timeFigures', () => {
  const none = { waitingSince: null, firstResponseAt: null, solvedAt: null, closedAt: null }
  const earlier = new Date('2026-03-01T12:00:00Z')
  it.each([
    [
      'a customer message starts the wait',
      { status: 'open', ...none },
      [message('inbound')],
      { waitingSince: at },
    ],
    [
      'a running wait keeps its start',
      { status: 'open', ...none, waitingSince: earlier },
      [message('inbound')],
      {},
    ],
    [
      'a reply ends it and is the first response',
      { status: 'open', ...none, waitingSince: earlier },
      [message('outbound')],
      { waitingSince: null, firstResponseAt: at },
    ],
    [
      'a later reply keeps the first response',
      { status: 'open', ...none, firstResponseAt: earlier },
      [message('outbound')],
      {},
    ],
    [
      'an automatic message waits for nothing',
      { status: 'open', ...none },
      [message('inbound', { automated: true })],
      {},
    ],
    ['a note changes nothing', { status: 'open', ...none, waitingSince: earlier }, [message('internal')], {}],
    [
      'solving ends the wait',
      { status: 'open', ...none, waitingSince: earlier },
      [status('open', 'solved')],
      { status: 'solved', solvedAt: at, waitingSince: null },
    ],
    [
      'reopening clears solved',
      { status: 'solved', ...none, solvedAt: earlier },
      [status('solved', 'open')],
      { status: 'open', solvedAt: null, closedAt: null },
    ],
    [
      'a message with solving: the message waits, then solving ends it',
      { status: 'open', ...none },
      [message('inbound'), status('open', 'solved')],
      { waitingSince: null, status: 'solved', solvedAt: at },
    ],
    [
      'a new ticket created solved',
      { status: 'new', ...none },
      [
        newEvent(ticketCreated, {
          ticketId,
          at,
          actorStaffId: null,
          data: { status: { from: null, to: 'solved' } },
        }),
      ],
      { solvedAt: at, waitingSince: null },
    ],
  ] as const)('%s', (_name, before, events, expected) => {
    expect(timeFigures(before, events, at)).toEqual(expected)
  })
})

describe('an event', () => {
  it('is refused when its data does not fit its kind', () => {
    expect(() =>
      newEvent(statusChanged, {
        ticketId,
        at,
        actorStaffId: null,
        data: { status: { from: 'open', to: 'gone' } } as never,
      }),
    ).toThrow(/status/)
    expect(() =>
      newEvent(interactionAdded, { ticketId, at, actorStaffId: null, data: { interactionId: 'x' } as never }),
    ).toThrow()
  })
})
