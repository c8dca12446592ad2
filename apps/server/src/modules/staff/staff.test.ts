import { describe, expect, it } from 'vitest'
import { type Actor, type StaffRole, SYSTEM } from '../../platform/context.ts'
import { authorize, can, endsSessions, removesActiveAdmin, type StaffAction } from './staff.policy.ts'

const staff = (role: 'agent' | 'supervisor' | 'admin', supervisedTeamIds: string[] = []): Actor => ({
  kind: 'staff',
  id: '0190a000-0000-7000-8000-000000000001',
  role,
  teamIds: supervisedTeamIds,
  supervisedTeamIds,
})

describe('staff.policy can', () => {
  const table: [StaffAction, agent: boolean, supervisor: boolean, admin: boolean][] = [
    ['staff.list', true, true, true],
    ['staff.read', true, true, true],
    ['staff.read_inactive', false, false, true],
    ['staff.create', false, false, true],
    ['staff.update', false, false, true],
    ['staff.deactivate', false, false, true],
  ]
  it.each(table)('%s: agent %s, supervisor %s, admin %s', (action, agent, supervisor, admin) => {
    expect(can(staff('agent'), action)).toBe(agent)
    expect(can(staff('supervisor', ['t1']), action)).toBe(supervisor)
    expect(can(staff('admin'), action)).toBe(admin)
  })

  it('lets the desk itself (CLI, seeding) do everything', () => {
    for (const [action] of table) expect(can(SYSTEM, action)).toBe(true)
  })

  it('throws auth.forbidden when not allowed', () => {
    expect(() => authorize(staff('supervisor', ['t1']), 'staff.create')).toThrow(
      expect.objectContaining({ code: 'auth.forbidden', status: 403 }),
    )
    expect(() => authorize(staff('admin'), 'staff.create')).not.toThrow()
  })
})

describe('staff.policy removesActiveAdmin', () => {
  it.each([
    [{ role: 'admin', active: true }, { role: 'agent' }, true],
    [{ role: 'admin', active: true }, { role: 'supervisor' }, true],
    [{ role: 'admin', active: true }, { active: false }, true],
    [{ role: 'admin', active: true }, { role: 'admin', active: true }, false],
    [{ role: 'admin', active: true }, {}, false],
    [{ role: 'admin', active: false }, { role: 'agent' }, false],
    [{ role: 'agent', active: true }, { active: false }, false],
    [{ role: 'agent', active: true }, { role: 'admin' }, false],
  ] as [{ role: StaffRole; active: boolean }, { role?: StaffRole; active?: boolean }, boolean][])(
    '%o changed by %o → %s',
    (target, change, expected) => {
      expect(removesActiveAdmin(target, change)).toBe(expected)
    },
  )
})

describe('staff.policy endsSessions', () => {
  it('ends sessions on a new password or a deactivation, not on other changes', () => {
    expect(endsSessions({ active: true }, { password: 'a-new-password!' })).toBe(true)
    expect(endsSessions({ active: true }, { active: false })).toBe(true)
    expect(endsSessions({ active: true }, { active: true })).toBe(false)
    expect(endsSessions({ active: true }, {})).toBe(false)
    expect(endsSessions({ active: false }, { active: false })).toBe(false)
  })
})
