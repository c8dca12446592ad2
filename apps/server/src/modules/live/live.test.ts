import { describe, expect, it } from 'vitest'
import type { Actor } from '../../platform/context.ts'
import type { DeskEvent } from '../../platform/events.ts'
import { mayReceive, originAllowed, toMessage } from './live.policy.ts'

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
