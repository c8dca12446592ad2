import { describe, expect, it } from 'vitest'
import { groupsOf, mapGroups } from './auth.sso.ts'

const T1 = '00000000-0000-4000-8000-000000000001'
const T2 = '00000000-0000-4000-8000-000000000002'
const T3 = '00000000-0000-4000-8000-000000000003'

describe('mapGroups', () => {
  const mappings = [
    { group: 'support', teamIds: [T1], role: null },
    { group: 'leads', teamIds: [T2], role: 'supervisor' as const },
    { group: 'it', teamIds: [], role: 'admin' as const },
    { group: 'billing', teamIds: [T3], role: 'agent' as const },
  ]

  it.each([
    { groups: [], role: null, teams: [] },
    { groups: ['support'], role: null, teams: [T1] },
    { groups: ['support', 'leads'], role: 'supervisor', teams: [T1, T2] },
    { groups: ['billing', 'leads'], role: 'supervisor', teams: [T2, T3] },
    { groups: ['it', 'billing'], role: 'admin', teams: [T3] },
    { groups: ['unknown'], role: null, teams: [] },
  ])('maps $groups to role $role and teams $teams', ({ groups, role, teams }) => {
    const mapped = mapGroups(mappings, groups)
    expect(mapped.role).toBe(role)
    expect(mapped.teamIds.sort()).toEqual([...teams].sort())
    expect(mapped.managedTeamIds.sort()).toEqual([T1, T2, T3])
  })

  it('is case-sensitive, as group ids are', () => {
    expect(mapGroups(mappings, ['Support']).teamIds).toEqual([])
  })
})

describe('groupsOf', () => {
  it('reads an array of strings, a single string, or nothing', () => {
    expect(groupsOf({ groups: ['a', 'b', 3] }, 'groups')).toEqual(['a', 'b'])
    expect(groupsOf({ roles: 'a' }, 'roles')).toEqual(['a'])
    expect(groupsOf({}, 'groups')).toEqual([])
    expect(groupsOf({ groups: { a: 1 } }, 'groups')).toEqual([])
  })
})
