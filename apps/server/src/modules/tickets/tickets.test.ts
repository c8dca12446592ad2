import { describe, expect, it } from 'vitest'
import type { Actor } from '../../platform/context.ts'
import { canCreateInTeam, canSee, isTransfer } from './tickets.policy.ts'
import { earliest, responseTimes, statusTimestamps } from './tickets.time.ts'

const agent: Actor = { kind: 'staff', id: 'a1', role: 'agent', teamIds: ['t1', 't2'], supervisedTeamIds: [] }
const supervisor: Actor = {
  kind: 'staff',
  id: 's1',
  role: 'supervisor',
  teamIds: ['t1'],
  supervisedTeamIds: ['t1'],
}
const admin: Actor = { kind: 'staff', id: 'ad', role: 'admin', teamIds: [], supervisedTeamIds: [] }

describe('tickets.policy canSee', () => {
  it.each([
    ['agent, own team', agent, { teamId: 't1', assigneeId: null }, true],
    ['agent, second team', agent, { teamId: 't2', assigneeId: null }, true],
    ['agent, other team', agent, { teamId: 't9', assigneeId: null }, false],
    ['agent, assigned to them in another team', agent, { teamId: 't9', assigneeId: 'a1' }, true],
    ['agent, no team', agent, { teamId: null, assigneeId: null }, false],
    ['supervisor, supervised team', supervisor, { teamId: 't1', assigneeId: 'x' }, true],
    ['supervisor, other team', supervisor, { teamId: 't2', assigneeId: null }, false],
    ['admin, any team', admin, { teamId: 't9', assigneeId: null }, true],
    ['admin, no team', admin, { teamId: null, assigneeId: null }, true],
    ['the desk itself', { kind: 'system' } as Actor, { teamId: 't9', assigneeId: null }, true],
  ] as const)('%s → %s', (_name, actor, ticket, expected) => {
    expect(canSee(actor, ticket)).toBe(expected)
  })
})

describe('tickets.policy canCreateInTeam', () => {
  it('lets agents create only in their own teams, admins anywhere', () => {
    expect(canCreateInTeam(agent, 't1')).toBe(true)
    expect(canCreateInTeam(agent, 't9')).toBe(false)
    expect(canCreateInTeam(agent, null)).toBe(false)
    expect(canCreateInTeam(admin, 't9')).toBe(true)
    expect(canCreateInTeam(admin, null)).toBe(true)
  })
})

describe('tickets.policy isTransfer', () => {
  it.each([
    [{ teamId: 't1', assigneeId: null }, { teamId: 't2', assigneeId: null }, true],
    [{ teamId: 't1', assigneeId: 'a' }, { teamId: 't1', assigneeId: 'b' }, true],
    [{ teamId: 't1', assigneeId: null }, { teamId: 't1', assigneeId: 'a' }, false],
    [{ teamId: 't1', assigneeId: 'a' }, { teamId: 't1', assigneeId: null }, false],
    [{ teamId: null, assigneeId: null }, { teamId: 't1', assigneeId: null }, false],
    [{ teamId: 't1', assigneeId: 'a' }, { teamId: 't1', assigneeId: 'a' }, false],
  ])('%o → %o is a transfer: %s', (before, after, expected) => {
    expect(isTransfer(before, after)).toBe(expected)
  })
})

describe('tickets.policy statusTimestamps', () => {
  const now = new Date('2026-11-23T10:00:00Z')
  it('stamps solved and closed, and clears both on reopening', () => {
    expect(statusTimestamps('open', 'solved', now)).toEqual({ solvedAt: now, waitingSince: null })
    expect(statusTimestamps('solved', 'closed', now)).toEqual({ closedAt: now, waitingSince: null })
    expect(statusTimestamps('pending', 'closed', now)).toEqual({ closedAt: now, waitingSince: null })
    expect(statusTimestamps('solved', 'open', now)).toEqual({ solvedAt: null, closedAt: null })
    expect(statusTimestamps('open', 'open', now)).toEqual({})
  })
})

describe('tickets.policy responseTimes', () => {
  const t0 = new Date('2026-03-02T09:00:00Z')
  const now = new Date('2026-03-02T12:00:00Z')
  const none = { waitingSince: null, firstResponseAt: null }
  it.each([
    ['a customer message starts the wait', none, 'inbound', { waitingSince: now }],
    [
      'a second customer message keeps the older wait',
      { waitingSince: t0, firstResponseAt: null },
      'inbound',
      {},
    ],
    [
      'the first staff reply ends the wait and is the first response',
      { waitingSince: t0, firstResponseAt: null },
      'outbound',
      { waitingSince: null, firstResponseAt: now },
    ],
    [
      'a later staff reply ends the wait but keeps the first response',
      { waitingSince: t0, firstResponseAt: t0 },
      'outbound',
      { waitingSince: null },
    ],
    [
      'a reply when nothing waits changes nothing after the first',
      { waitingSince: null, firstResponseAt: t0 },
      'outbound',
      {},
    ],
    ['a note changes nothing', { waitingSince: t0, firstResponseAt: null }, 'internal', {}],
  ] as const)('%s', (_name, ticket, direction, expected) => {
    expect(responseTimes(ticket, direction, now)).toEqual(expected)
  })
})

describe('tickets.policy earliest', () => {
  const a = new Date('2026-01-01T00:00:00Z')
  const b = new Date('2026-01-02T00:00:00Z')
  it.each([
    [a, b, a],
    [b, a, a],
    [null, b, b],
    [a, null, a],
    [null, null, null],
  ])('earliest(%s, %s) is %s', (x, y, expected) => {
    expect(earliest(x, y)).toEqual(expected)
  })
})
