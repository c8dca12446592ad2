import { describe, expect, it } from 'vitest'
import type { Actor } from '../../platform/context.ts'
import type { DeskEvent } from '../../platform/events.ts'
import {
  type FrameBudget,
  mayReceive,
  originAllowed,
  parsePresence,
  takeFrame,
  toMessage,
} from './live.policy.ts'

const agent: Actor = { kind: 'staff', id: 'u1', role: 'agent', teamIds: ['A'], supervisedTeamIds: [] }
const admin: Actor = { kind: 'staff', id: 'u9', role: 'admin', teamIds: [], supervisedTeamIds: [] }
const at = '2026-01-01T00:00:00.000Z'
const event = (e: Partial<DeskEvent>): DeskEvent => ({ type: 'ticket.updated', ticketId: 't1', at, ...e })

describe('mayReceive', () => {
  it.each([
    ['a ticket of their team', { teamId: 'A', assigneeId: null }, true],
    ['a ticket of another team', { teamId: 'B', assigneeId: null }, false],
    ['a ticket of another team assigned to them', { teamId: 'B', assigneeId: 'u1' }, true],
    ['a ticket without team or assignee', { teamId: null, assigneeId: null }, false],
    ['a ticket transferred from their team', { teamId: 'B', assigneeId: null, previousTeamId: 'A' }, true],
    [
      'a ticket transferred away from them personally',
      { teamId: 'B', assigneeId: 'u2', previousTeamId: 'B', previousAssigneeId: 'u1' },
      true,
    ],
    [
      'a transfer between two teams not theirs',
      { teamId: 'C', assigneeId: null, previousTeamId: 'B', previousAssigneeId: null },
      false,
    ],
    ['an event with no scope at all', { teamId: undefined, assigneeId: undefined }, false],
  ] as const)('an agent of team A hears about %s: %s', (_name, scope, expected) => {
    expect(mayReceive(agent, event(scope))).toBe(expected)
  })

  it('lets admins hear about every ticket', () => {
    expect(mayReceive(admin, event({ teamId: 'Z', assigneeId: null }))).toBe(true)
  })

  it('does not echo presence to the connection that sent it, but to everyone else who may see the ticket', () => {
    const presence = event({
      type: 'presence',
      teamId: 'A',
      assigneeId: null,
      data: { staff: { id: 'u1', name: 'Anna' }, state: 'viewing', connectionId: 'c1' },
    })
    expect(mayReceive(agent, presence, 'c1')).toBe(false)
    expect(mayReceive(agent, presence, 'c2')).toBe(true)
    expect(mayReceive(admin, presence, 'c3')).toBe(true)
    expect(mayReceive(agent, { ...presence, teamId: 'B' }, 'c2')).toBe(false)
    // Other events are not tied to a connection.
    expect(mayReceive(agent, event({ teamId: 'A', data: { connectionId: 'c1' } }), 'c1')).toBe(true)
  })

  it('sends nobody an event that names no ticket', () => {
    expect(mayReceive(admin, event({ ticketId: undefined }))).toBe(false)
  })
})

describe('toMessage', () => {
  it('carries type, ticket, time and data but not who may see the ticket', () => {
    const msg = toMessage(
      event({ teamId: 'A', assigneeId: 'u1', previousTeamId: 'B', data: { number: 7, status: 'open' } }),
    )
    expect(msg).toEqual({ type: 'ticket.updated', ticketId: 't1', at, data: { number: 7, status: 'open' } })
  })
})

describe('originAllowed', () => {
  it.each([
    ['https://desk.example.com', true],
    ['https://desk.example.com:443', true],
    ['http://desk.example.com', false],
    ['https://evil.example.com', false],
    ['https://desk.example.com.evil.test', false],
    ['null', false],
    [undefined, false],
    ['', false],
  ])('origin %s: %s', (origin, expected) => {
    expect(originAllowed(origin, 'https://desk.example.com/')).toBe(expected)
  })
})

describe('parsePresence', () => {
  const id = '0190a000-0000-7000-8000-000000000001'
  it.each(['viewing', 'typing', 'left'])('reads a %s frame', (state) => {
    expect(parsePresence(JSON.stringify({ type: 'presence', ticketId: id, state }))).toEqual({
      type: 'presence',
      ticketId: id,
      state,
    })
  })

  it('drops fields the client has no say in', () => {
    const frame = JSON.stringify({
      type: 'presence',
      ticketId: id,
      state: 'typing',
      staff: { name: 'Mallory' },
    })
    expect(parsePresence(frame)).toEqual({ type: 'presence', ticketId: id, state: 'typing' })
  })

  it.each([
    ['not JSON', 'hello'],
    ['empty', ''],
    ['null', 'null'],
    ['an array', '[]'],
    ['another type', JSON.stringify({ type: 'subscribe', ticketId: id, state: 'viewing' })],
    ['an unknown state', JSON.stringify({ type: 'presence', ticketId: id, state: 'away' })],
    ['a ticket number', JSON.stringify({ type: 'presence', ticketId: 10001, state: 'viewing' })],
    ['a bad id', JSON.stringify({ type: 'presence', ticketId: 'x', state: 'viewing' })],
    ['no ticket', JSON.stringify({ type: 'presence', state: 'viewing' })],
  ])('ignores %s', (_name, frame) => {
    expect(parsePresence(frame)).toBeUndefined()
  })
})

describe('takeFrame', () => {
  const limit = { frames: 3, windowMs: 1000 }
  it('allows the limit per window and drops the rest until the next window', () => {
    const budget: FrameBudget = { windowStart: 0, used: 0 }
    expect([0, 10, 20, 30, 999].map((at) => takeFrame(budget, at, limit))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ])
    expect([1000, 1001, 1002, 1003].map((at) => takeFrame(budget, at, limit))).toEqual([
      true,
      true,
      true,
      false,
    ])
    expect(takeFrame(budget, 5000, limit)).toBe(true)
  })

  it('allows 20 frames per 10 seconds by default', () => {
    const budget: FrameBudget = { windowStart: 0, used: 0 }
    const taken = Array.from({ length: 30 }, (_, i) => takeFrame(budget, i * 100))
    expect(taken.filter(Boolean)).toHaveLength(20)
    expect(takeFrame(budget, 10_000)).toBe(true)
  })
})
