import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { customers, tickets } from '../../schema.ts'
import * as repo from './teams.repository.ts'
import { teamMembers, teams } from './teams.tables.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload }) })

const membershipOf = async (teamId: string, staffId: string) =>
  (
    await t.db
      .select({ role: teamMembers.role })
      .from(teamMembers)
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.staffId, staffId)))
  )[0]?.role

/** A ticket row written directly: the tickets service is not this module's business. */
const insertTicket = async (
  teamId: string,
  status: 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed',
) => {
  const [customer] = await t.db.insert(customers).values({ name: 'Kim Kunde' }).returning()
  const [ticket] = await t.db
    .insert(tickets)
    .values({ subject: 'Help', channel: 'email', customerId: customer!.id, teamId, status })
    .returning()
  return ticket!
}

describe('teams (admin)', () => {
  it('creates, reads, renames and lists teams with their members', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const name = unique('Billing ')
    const created = await call('POST', '/teams', admin.headers, { name: `  ${name}  `, description: 'Money' })
    expect(created.statusCode).toBe(201)
    const team = created.json()
    expect(team).toMatchObject({ name, description: 'Money', members: [] })

    const member = await t.buildStaff({ name: 'Mia Member', teams: [{ teamId: team.id }] })
    const got = await call('GET', `/teams/${team.id}`, admin.headers)
    expect(got.statusCode).toBe(200)
    expect(got.json().members).toEqual([{ id: member.id, name: 'Mia Member', role: 'member' }])

    const renamed = await call('PATCH', `/teams/${team.id}`, admin.headers, { name: `${name} EU` })
    expect(renamed.statusCode).toBe(200)
    expect(renamed.json()).toMatchObject({ name: `${name} EU`, description: 'Money' })

    const list = await call('GET', '/teams', member.headers)
    expect(list.statusCode).toBe(200)
    expect(list.json().find((x: { id: string }) => x.id === team.id)).toMatchObject({
      name: `${name} EU`,
      members: [{ id: member.id }],
    })
  })

  it('refuses a duplicate team name, ignoring case, on create and rename', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const existing = await t.buildTeam(unique('Support '))
    const dup = await call('POST', '/teams', admin.headers, { name: existing.name.toUpperCase() })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().code).toBe('team.name_taken')
    const other = await t.buildTeam()
    const rename = await call('PATCH', `/teams/${other.id}`, admin.headers, {
      name: existing.name.toLowerCase(),
    })
    expect(rename.statusCode).toBe(409)
    const ownCase = await call('PATCH', `/teams/${existing.id}`, admin.headers, {
      name: existing.name.toUpperCase(),
    })
    expect(ownCase.statusCode).toBe(200)
  })

  it('refuses two parallel creations of the same name with one 409, not a 500', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const name = unique('Race ')
    const results = await Promise.all(
      Array.from({ length: 4 }, () => call('POST', '/teams', admin.headers, { name })),
    )
    const codes = results.map((r) => r.statusCode).sort()
    expect(codes).toEqual([201, 409, 409, 409])
  })

  it('recognises the unique violation of a name the pre-check missed (the race above)', async () => {
    const team = await t.buildTeam()
    const err = await repo.insert(t.db, { name: team.name.toUpperCase() }).catch((e: unknown) => e)
    expect(repo.isNameTaken(err)).toBe(true)
    expect(repo.isNameTaken(new Error('other'))).toBe(false)
  })

  it('archives a team: gone from lists, reads and its members’ teams', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const team = await t.buildTeam()
    const member = await t.buildStaff({ teams: [{ teamId: team.id }] })
    await insertTicket(team.id, 'solved')
    await insertTicket(team.id, 'closed')
    const res = await call('DELETE', `/teams/${team.id}`, admin.headers)
    expect(res.statusCode).toBe(204)
    const [row] = await t.db.select().from(teams).where(eq(teams.id, team.id))
    expect(row?.archivedAt).toBeInstanceOf(Date)

    const list = await call('GET', '/teams', admin.headers)
    expect(list.json().map((x: { id: string }) => x.id)).not.toContain(team.id)
    expect((await call('GET', `/teams/${team.id}`, admin.headers)).statusCode).toBe(404)
    expect((await call('DELETE', `/teams/${team.id}`, admin.headers)).statusCode).toBe(404)
    expect((await call('GET', `/users/${member.id}`, admin.headers)).json().teams).toEqual([])
    expect((await call('GET', '/me', member.headers)).json().teams).toEqual([])
    const pick = await call('PATCH', `/users/${member.id}`, admin.headers, {
      teams: [{ teamId: team.id, role: 'member' }],
    })
    expect(pick.statusCode).toBe(404)

    // The archived team's name is free again; its tickets keep pointing at the archived team.
    const again = await call('POST', '/teams', admin.headers, { name: team.name.toUpperCase() })
    expect(again.statusCode).toBe(201)
    expect(again.json().id).not.toBe(team.id)
    const dup = await call('POST', '/teams', admin.headers, { name: team.name })
    expect(dup.json().code).toBe('team.name_taken')
  })

  it.each(['new', 'open', 'pending', 'on_hold'] as const)(
    'refuses to archive a team with a %s ticket',
    async (status) => {
      const admin = await t.buildStaff({ role: 'admin' })
      const team = await t.buildTeam()
      await insertTicket(team.id, status)
      const res = await call('DELETE', `/teams/${team.id}`, admin.headers)
      expect(res.statusCode).toBe(409)
      expect(res.json().code).toBe('team.has_open_tickets')
      const [row] = await t.db.select().from(teams).where(eq(teams.id, team.id))
      expect(row?.archivedAt).toBeNull()
    },
  )

  it('adds members and supervisors, changes roles and removes members', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const team = await t.buildTeam()
    const user = await t.buildStaff({ name: 'Uli' })
    const add = await call('PUT', `/teams/${team.id}/members/${user.id}`, admin.headers, { role: 'member' })
    expect(add.statusCode).toBe(200)
    expect(add.json().members).toEqual([{ id: user.id, name: 'Uli', role: 'member' }])
    const promote = await call('PUT', `/teams/${team.id}/members/${user.id}`, admin.headers, {
      role: 'supervisor',
    })
    expect(promote.json().members).toEqual([{ id: user.id, name: 'Uli', role: 'supervisor' }])
    expect((await call('GET', '/me', user.headers)).json().teams).toEqual([
      { id: team.id, name: team.name, role: 'supervisor' },
    ])
    const remove = await call('DELETE', `/teams/${team.id}/members/${user.id}`, admin.headers)
    expect(remove.statusCode).toBe(204)
    expect(await membershipOf(team.id, user.id)).toBeUndefined()
    const again = await call('DELETE', `/teams/${team.id}/members/${user.id}`, admin.headers)
    expect(again.statusCode).toBe(204)
  })

  it('leaves deactivated users out of member lists and refuses to add them', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const team = await t.buildTeam()
    const gone = await t.buildStaff({ teams: [{ teamId: team.id }] })
    await call('DELETE', `/users/${gone.id}`, admin.headers)
    expect((await call('GET', `/teams/${team.id}`, admin.headers)).json().members).toEqual([])
    const other = await t.buildTeam()
    const res = await call('PUT', `/teams/${other.id}/members/${gone.id}`, admin.headers, { role: 'member' })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('staff.not_found')
  })
})

describe('teams: authorization', () => {
  it('refuses team administration to agents and supervisors with 403', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const supervisor = await t.buildStaff({
      role: 'supervisor',
      teams: [{ teamId: team.id, role: 'supervisor' }],
    })
    for (const caller of [agent, supervisor]) {
      for (const id of [team.id, randomUUID()]) {
        const attempts = [
          await call('POST', '/teams', caller.headers, { name: unique('Mine ') }),
          await call('PATCH', `/teams/${id}`, caller.headers, { name: unique('Renamed ') }),
          await call('DELETE', `/teams/${id}`, caller.headers),
        ]
        for (const res of attempts) {
          expect(res.statusCode).toBe(403)
          expect(res.json().code).toBe('auth.forbidden')
        }
      }
    }
    const [row] = await t.db.select().from(teams).where(eq(teams.id, team.id))
    expect(row).toMatchObject({ name: team.name, archivedAt: null })
  })

  it('lets any staff read teams', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff()
    expect((await call('GET', '/teams', agent.headers)).statusCode).toBe(200)
    expect((await call('GET', `/teams/${team.id}`, agent.headers)).statusCode).toBe(200)
  })

  it('refuses membership changes to agents, even in their own team', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const other = await t.buildStaff()
    const add = await call('PUT', `/teams/${team.id}/members/${other.id}`, agent.headers, { role: 'member' })
    expect(add.statusCode).toBe(403)
    const self = await call('PUT', `/teams/${team.id}/members/${agent.id}`, agent.headers, {
      role: 'supervisor',
    })
    expect(self.statusCode).toBe(403)
    expect(await membershipOf(team.id, agent.id)).toBe('member')
    expect(await membershipOf(team.id, other.id)).toBeUndefined()
  })

  it('answers 404 for unknown teams and users, 400 for non-uuids and bad bodies', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const team = await t.buildTeam()
    const user = await t.buildStaff()
    const unknown = randomUUID()
    for (const [method, url, payload] of [
      ['GET', `/teams/${unknown}`, undefined],
      ['PATCH', `/teams/${unknown}`, { name: 'x' }],
      ['DELETE', `/teams/${unknown}`, undefined],
      ['PUT', `/teams/${unknown}/members/${user.id}`, { role: 'member' }],
      ['DELETE', `/teams/${unknown}/members/${user.id}`, undefined],
    ] as const) {
      const res = await call(method, url, admin.headers, payload)
      expect(res.statusCode, `${method} ${url}`).toBe(404)
      expect(res.json().code).toBe('team.not_found')
    }
    for (const [method, url, payload] of [
      ['PUT', `/teams/${team.id}/members/${unknown}`, { role: 'member' }],
      ['DELETE', `/teams/${team.id}/members/${unknown}`, undefined],
    ] as const) {
      const res = await call(method, url, admin.headers, payload)
      expect(res.statusCode, `${method} ${url}`).toBe(404)
      expect(res.json().code).toBe('staff.not_found')
    }
    for (const [method, url, payload] of [
      ['GET', '/teams/42', undefined],
      ['PUT', `/teams/${team.id}/members/nope`, { role: 'member' }],
      ['PUT', `/teams/${team.id}/members/${user.id}`, { role: 'owner' }],
      ['PUT', `/teams/${team.id}/members/${user.id}`, { role: 'member', extra: 1 }],
      ['PUT', `/teams/${team.id}/members/${user.id}`, {}],
      ['POST', '/teams', { name: '' }],
      ['POST', '/teams', { name: 'Ok', archivedAt: null }],
      ['PATCH', `/teams/${team.id}`, { members: [] }],
    ] as const) {
      const res = await call(method, url, admin.headers, payload)
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400)
    }
    expect(await membershipOf(team.id, user.id)).toBeUndefined()
  })
})

describe('teams: supervisors', () => {
  const setup = async () => {
    const team = await t.buildTeam()
    const otherTeam = await t.buildTeam()
    const supervisor = await t.buildStaff({
      role: 'supervisor',
      teams: [
        { teamId: team.id, role: 'supervisor' },
        { teamId: otherTeam.id, role: 'member' },
      ],
    })
    return { team, otherTeam, supervisor }
  }

  it('adds and removes plain members of a team they supervise', async () => {
    const { team, supervisor } = await setup()
    const agent = await t.buildStaff()
    const add = await call('PUT', `/teams/${team.id}/members/${agent.id}`, supervisor.headers, {
      role: 'member',
    })
    expect(add.statusCode).toBe(200)
    expect(await membershipOf(team.id, agent.id)).toBe('member')
    const remove = await call('DELETE', `/teams/${team.id}/members/${agent.id}`, supervisor.headers)
    expect(remove.statusCode).toBe(204)
    expect(await membershipOf(team.id, agent.id)).toBeUndefined()
  })

  it('cannot make anyone a supervisor, themselves included', async () => {
    const { team, supervisor } = await setup()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    for (const staffId of [agent.id, (await t.buildStaff()).id]) {
      const res = await call('PUT', `/teams/${team.id}/members/${staffId}`, supervisor.headers, {
        role: 'supervisor',
      })
      expect(res.statusCode).toBe(403)
    }
    expect(await membershipOf(team.id, agent.id)).toBe('member')
  })

  it('cannot demote or remove another supervisor, nor step down themselves', async () => {
    const { team, supervisor } = await setup()
    const peer = await t.buildStaff({ role: 'supervisor', teams: [{ teamId: team.id, role: 'supervisor' }] })
    const demote = await call('PUT', `/teams/${team.id}/members/${peer.id}`, supervisor.headers, {
      role: 'member',
    })
    expect(demote.statusCode).toBe(403)
    const remove = await call('DELETE', `/teams/${team.id}/members/${peer.id}`, supervisor.headers)
    expect(remove.statusCode).toBe(403)
    const self = await call('DELETE', `/teams/${team.id}/members/${supervisor.id}`, supervisor.headers)
    expect(self.statusCode).toBe(403)
    expect(await membershipOf(team.id, peer.id)).toBe('supervisor')
    expect(await membershipOf(team.id, supervisor.id)).toBe('supervisor')
  })

  it('cannot manage teams they only belong to or do not belong to, with 403 (teams are visible to all)', async () => {
    const { otherTeam, supervisor } = await setup()
    const strangerTeam = await t.buildTeam()
    const member = await t.buildStaff({ teams: [{ teamId: otherTeam.id }, { teamId: strangerTeam.id }] })
    for (const teamId of [otherTeam.id, strangerTeam.id]) {
      const add = await call('PUT', `/teams/${teamId}/members/${supervisor.id}`, supervisor.headers, {
        role: 'member',
      })
      expect(add.statusCode).toBe(403)
      expect(add.json().code).toBe('auth.forbidden')
      const remove = await call('DELETE', `/teams/${teamId}/members/${member.id}`, supervisor.headers)
      expect(remove.statusCode).toBe(403)
      expect(await membershipOf(teamId, member.id)).toBe('member')
    }
  })

  it('cannot rename or archive the team they supervise', async () => {
    const { team, supervisor } = await setup()
    expect(
      (await call('PATCH', `/teams/${team.id}`, supervisor.headers, { name: unique('X ') })).statusCode,
    ).toBe(403)
    expect((await call('DELETE', `/teams/${team.id}`, supervisor.headers)).statusCode).toBe(403)
  })
})
