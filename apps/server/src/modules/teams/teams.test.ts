import { describe, expect, it } from 'vitest'
import { type Actor, SYSTEM } from '../../platform/context.ts'
import { authorize, can, canChangeMembership, canManageMembers, type TeamAction } from './teams.policy.ts'

const TEAM = 'team-a'
const OTHER = 'team-b'

const staff = (
  role: 'agent' | 'supervisor' | 'admin',
  teams: { member?: string[]; supervises?: string[] } = {},
): Actor => ({
  kind: 'staff',
  id: 'me',
  role,
  teamIds: [...(teams.member ?? []), ...(teams.supervises ?? [])],
  supervisedTeamIds: teams.supervises ?? [],
})

const agent = staff('agent', { member: [TEAM] })
const supervisor = staff('supervisor', { supervises: [TEAM], member: [OTHER] })
const admin = staff('admin')

describe('teams.policy can', () => {
  it.each([
    ['team.read', true, true, true],
    ['team.create', false, false, true],
    ['team.update', false, false, true],
    ['team.archive', false, false, true],
  ] as [TeamAction, boolean, boolean, boolean][])(
    '%s: agent %s, supervisor %s, admin %s',
    (action, a, s, ad) => {
      expect(can(agent, action)).toBe(a)
      expect(can(supervisor, action)).toBe(s)
      expect(can(admin, action)).toBe(ad)
      expect(can(SYSTEM, action)).toBe(true)
    },
  )

  it('throws auth.forbidden for a supervisor renaming their own team', () => {
    expect(() => authorize(supervisor, 'team.update')).toThrow(
      expect.objectContaining({ code: 'auth.forbidden' }),
    )
  })
})

describe('teams.policy membership', () => {
  it('lets admins and the desk manage any team, supervisors only the teams they supervise', () => {
    expect(canManageMembers(admin, TEAM)).toBe(true)
    expect(canManageMembers(SYSTEM, TEAM)).toBe(true)
    expect(canManageMembers(supervisor, TEAM)).toBe(true)
    expect(canManageMembers(supervisor, OTHER)).toBe(false)
    expect(canManageMembers(agent, TEAM)).toBe(false)
  })

  it.each([
    // actor, team, current, next, allowed
    ['supervisor', TEAM, undefined, 'member', true],
    ['supervisor', TEAM, 'member', 'member', true],
    ['supervisor', TEAM, 'member', null, true],
    ['supervisor', TEAM, undefined, null, true],
    ['supervisor', TEAM, undefined, 'supervisor', false],
    ['supervisor', TEAM, 'member', 'supervisor', false],
    ['supervisor', TEAM, 'supervisor', 'member', false],
    ['supervisor', TEAM, 'supervisor', null, false],
    ['supervisor', OTHER, undefined, 'member', false],
    ['supervisor', OTHER, 'member', null, false],
    ['agent', TEAM, undefined, 'member', false],
    ['agent', TEAM, 'member', null, false],
    ['admin', TEAM, undefined, 'supervisor', true],
    ['admin', OTHER, 'supervisor', null, true],
  ] as const)('%s on %s: %s → %s allowed %s', (who, team, current, next, allowed) => {
    const actor = { supervisor, agent, admin }[who]
    expect(canChangeMembership(actor, team, { current, next })).toBe(allowed)
  })

  it('does not count a staff role of supervisor without supervising the team', () => {
    const roleOnly = staff('supervisor', { member: [TEAM] })
    expect(canManageMembers(roleOnly, TEAM)).toBe(false)
    expect(canChangeMembership(roleOnly, TEAM, { current: undefined, next: 'member' })).toBe(false)
  })
})
