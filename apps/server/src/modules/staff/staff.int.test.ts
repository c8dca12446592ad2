import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import * as repo from './staff.repository.ts'
import { updateStaff } from './staff.service.ts'
import { authSessions, staffUsers } from './staff.tables.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload }) })

const roleOf = async (id: string) =>
  (await t.db.select({ role: staffUsers.role }).from(staffUsers).where(eq(staffUsers.id, id)))[0]!.role
const sessionCount = async (id: string) =>
  (await t.db.select().from(authSessions).where(eq(authSessions.userId, id))).length
const newEmail = () => `${unique('new')}@example.test`

describe('staff users (admin)', () => {
  it('creates a user with a generated password that is returned once and works for sign-in', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const team = await t.buildTeam()
    const email = newEmail()
    const res = await call('POST', '/users', admin.headers, {
      name: 'Nora Neu',
      email: email.toUpperCase(),
      role: 'supervisor',
      language: 'en',
      teams: [{ teamId: team.id, role: 'supervisor' }],
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({
      name: 'Nora Neu',
      email,
      role: 'supervisor',
      language: 'en',
      active: true,
      teams: [{ id: team.id, name: team.name, role: 'supervisor' }],
    })
    expect(body.generatedPassword).toEqual(expect.any(String))
    expect(body.generatedPassword.length).toBeGreaterThanOrEqual(12)
    await signIn(t.app, email, body.generatedPassword)

    const read = await call('GET', `/users/${body.id}`, admin.headers)
    expect(read.statusCode).toBe(200)
    expect(read.json().generatedPassword).toBeUndefined()
  })

  it('returns no generated password when the admin gives one', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const email = newEmail()
    const res = await call('POST', '/users', admin.headers, {
      name: 'Given',
      email,
      password: 'a-long-enough-password',
    })
    expect(res.statusCode).toBe(201)
    expect(res.json().generatedPassword).toBeUndefined()
    expect(res.json()).toMatchObject({ role: 'agent', language: 'de', teams: [] })
    await signIn(t.app, email, 'a-long-enough-password')
  })

  it('updates name, email, role, language and teams', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const oldTeam = await t.buildTeam()
    const newTeam = await t.buildTeam()
    const user = await t.buildStaff({ teams: [{ teamId: oldTeam.id }] })
    const email = newEmail()
    const res = await call('PATCH', `/users/${user.id}`, admin.headers, {
      name: 'Renamed',
      email,
      role: 'supervisor',
      language: 'de',
      teams: [{ teamId: newTeam.id, role: 'supervisor' }],
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      id: user.id,
      name: 'Renamed',
      email,
      role: 'supervisor',
      language: 'de',
      teams: [{ id: newTeam.id, role: 'supervisor' }],
    })
    const me = await call('GET', '/me', user.headers)
    expect(me.json()).toMatchObject({ email, role: 'supervisor', teams: [{ id: newTeam.id }] })
  })

  it('deactivates on DELETE without deleting, and hides the user from non-admins', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const agent = await t.buildStaff()
    const user = await t.buildStaff()
    const del = await call('DELETE', `/users/${user.id}`, admin.headers)
    expect(del.statusCode).toBe(204)
    const [row] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, user.id))
    expect(row?.active).toBe(false)

    const asAgent = await call('GET', '/users', agent.headers)
    expect(asAgent.json().map((u: { id: string }) => u.id)).not.toContain(user.id)
    expect((await call('GET', `/users/${user.id}`, agent.headers)).statusCode).toBe(404)

    const asAdmin = await call('GET', '/users', admin.headers)
    expect(asAdmin.json().map((u: { id: string }) => u.id)).not.toContain(user.id)
    const all = await call('GET', '/users?includeInactive=true', admin.headers)
    expect(all.json().find((u: { id: string }) => u.id === user.id)).toMatchObject({ active: false })
    expect((await call('GET', `/users/${user.id}`, admin.headers)).json().active).toBe(false)

    const again = await call('PATCH', `/users/${user.id}`, admin.headers, { active: true })
    expect(again.json().active).toBe(true)
  })
})

describe('staff users (any staff)', () => {
  it('lists active users with their teams, filtered by team', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const lead = await t.buildStaff({ role: 'supervisor', teams: [{ teamId: team.id, role: 'supervisor' }] })
    await t.buildStaff()
    const res = await call('GET', `/users?teamId=${team.id}`, agent.headers)
    expect(res.statusCode).toBe(200)
    const ids = res.json().map((u: { id: string }) => u.id)
    expect(ids.sort()).toEqual([agent.id, lead.id].sort())
    expect(res.json().find((u: { id: string }) => u.id === lead.id).teams).toEqual([
      { id: team.id, name: team.name, role: 'supervisor' },
    ])
    const one = await call('GET', `/users/${lead.id}`, agent.headers)
    expect(one.statusCode).toBe(200)
    expect(one.json().name).toBe(lead.name)
  })

  it('refuses includeInactive to non-admins', async () => {
    const agent = await t.buildStaff()
    const res = await call('GET', '/users?includeInactive=true', agent.headers)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('auth.forbidden')
  })

  it('answers 400 to a bad query, a non-uuid id or a non-uuid team filter', async () => {
    const agent = await t.buildStaff()
    expect((await call('GET', '/users?includeInactive=yes', agent.headers)).statusCode).toBe(400)
    expect((await call('GET', '/users?teamId=abc', agent.headers)).statusCode).toBe(400)
    const res = await call('GET', '/users/not-a-uuid', agent.headers)
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].pointer).toBe('/params/id')
  })

  it('answers 404 for unknown ids', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const id = randomUUID()
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, `/users/${id}`, admin.headers, payload)
      expect(res.statusCode, method).toBe(404)
      expect(res.json().code).toBe('staff.not_found')
    }
  })
})

describe('staff users: authorization', () => {
  it('refuses admin routes to agents and supervisors with 403, for real and guessed ids alike', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff()
    const supervisor = await t.buildStaff({
      role: 'supervisor',
      teams: [{ teamId: team.id, role: 'supervisor' }],
    })
    const victim = await t.buildStaff({ teams: [{ teamId: team.id }] })
    for (const caller of [agent, supervisor]) {
      for (const id of [victim.id, randomUUID()]) {
        const attempts = [
          await call('POST', '/users', caller.headers, { name: 'x', email: newEmail() }),
          await call('PATCH', `/users/${id}`, caller.headers, { name: 'Hacked' }),
          await call('PATCH', `/users/${id}`, caller.headers, { password: 'a-long-enough-password' }),
          await call('DELETE', `/users/${id}`, caller.headers),
        ]
        for (const res of attempts) {
          expect(res.statusCode).toBe(403)
          expect(res.json().code).toBe('auth.forbidden')
        }
      }
    }
    const [row] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, victim.id))
    expect(row).toMatchObject({ name: victim.name, active: true })
  })

  it('never lets an agent make themselves admin', async () => {
    const agent = await t.buildStaff()
    const viaProfile = await call('PATCH', '/me', agent.headers, { role: 'admin' })
    expect(viaProfile.statusCode).toBe(400)
    const viaUsers = await call('PATCH', `/users/${agent.id}`, agent.headers, { role: 'admin' })
    expect(viaUsers.statusCode).toBe(403)
    const viaCreate = await call('POST', '/users', agent.headers, {
      name: 'Alt',
      email: newEmail(),
      role: 'admin',
      password: 'a-long-enough-password',
    })
    expect(viaCreate.statusCode).toBe(403)
    expect(await roleOf(agent.id)).toBe('agent')
  })

  it('requires sign-in', async () => {
    expect((await call('GET', '/users', {})).statusCode).toBe(401)
    expect((await call('PATCH', '/me', {}, { name: 'x' })).statusCode).toBe(401)
  })
})

describe('profile (PATCH /me)', () => {
  it('changes name and language', async () => {
    const agent = await t.buildStaff({ language: 'en' })
    const res = await call('PATCH', '/me', agent.headers, { name: 'Ada Agent', language: 'de' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: agent.id, name: 'Ada Agent', language: 'de', role: 'agent' })
    expect((await call('GET', '/me', agent.headers)).json().name).toBe('Ada Agent')
  })

  it.each([
    ['role', { role: 'admin' }],
    ['email', { email: 'takeover@example.test' }],
    ['teams', { teams: [] }],
    ['active', { active: true }],
  ])('rejects a %s field with 400 and changes nothing, not even the allowed fields', async (_, extra) => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const res = await call('PATCH', '/me', agent.headers, { name: 'Should Not Apply', ...extra })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('request.invalid')
    const me = (await call('GET', '/me', agent.headers)).json()
    expect(me).toMatchObject({
      name: agent.name,
      email: agent.email,
      role: 'agent',
      teams: [{ id: team.id }],
    })
  })

  it('works with the session cookie and its CSRF token', async () => {
    const agent = await t.buildStaff()
    const s = await signIn(t.app, agent.email, agent.password)
    expect((await call('PATCH', '/me', { cookie: s.cookie }, { name: 'No CSRF' })).statusCode).toBe(403)
    const res = await call('PATCH', '/me', s.headers, { name: 'With CSRF' })
    expect(res.statusCode).toBe(200)
    expect(res.json().name).toBe('With CSRF')
  })
})

describe('staff users: bad input', () => {
  it('answers 409 for an email that is taken, ignoring case', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const other = await t.buildStaff()
    const create = await call('POST', '/users', admin.headers, {
      name: 'Dup',
      email: other.email.toUpperCase(),
    })
    expect(create.statusCode).toBe(409)
    expect(create.json().code).toBe('staff.email_taken')
    const user = await t.buildStaff()
    const update = await call('PATCH', `/users/${user.id}`, admin.headers, { email: other.email })
    expect(update.statusCode).toBe(409)
    const own = await call('PATCH', `/users/${user.id}`, admin.headers, { email: user.email.toUpperCase() })
    expect(own.statusCode).toBe(200)
    expect(own.json().email).toBe(user.email.toLowerCase())
  })

  it('recognises the unique violation of an email the pre-check missed (parallel requests)', async () => {
    const user = await t.buildStaff()
    const err = await repo
      .insert(t.db, { name: 'Twin', email: user.email.toUpperCase() })
      .catch((e: unknown) => e)
    expect(repo.isEmailTaken(err)).toBe(true)
    expect(repo.isEmailTaken(new Error('other'))).toBe(false)
  })

  it('rejects a password shorter than 12 characters with a pointer to it', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const user = await t.buildStaff()
    for (const res of [
      await call('POST', '/users', admin.headers, { name: 'W', email: newEmail(), password: 'short-pw' }),
      await call('PATCH', `/users/${user.id}`, admin.headers, { password: 'elevenchars' }),
    ]) {
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('request.invalid')
      expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/password')
    }
    await signIn(t.app, user.email, user.password)
  })

  it('rejects unknown fields, invalid roles, unknown teams and a team listed twice', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const team = await t.buildTeam()
    const user = await t.buildStaff()
    const cases = [
      ['POST', '/users', { name: 'X', email: newEmail(), isOwner: true }, 400],
      ['PATCH', `/users/${user.id}`, { superuser: true }, 400],
      ['PATCH', `/users/${user.id}`, { role: 'root' }, 400],
      ['PATCH', `/users/${user.id}`, { email: 'not-an-email' }, 400],
      ['PATCH', `/users/${user.id}`, { name: '   ' }, 400],
      [
        'PATCH',
        `/users/${user.id}`,
        {
          teams: [
            { teamId: team.id, role: 'member' },
            { teamId: team.id, role: 'supervisor' },
          ],
        },
        400,
      ],
      ['PATCH', `/users/${user.id}`, { teams: [{ teamId: randomUUID(), role: 'member' }] }, 404],
      [
        'POST',
        '/users',
        { name: 'X', email: newEmail(), teams: [{ teamId: randomUUID(), role: 'member' }] },
        404,
      ],
    ] as const
    for (const [method, url, payload, status] of cases) {
      const res = await call(method, url, admin.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(status)
    }
    const [row] = await t.db.select().from(staffUsers).where(eq(staffUsers.id, user.id))
    expect(row).toMatchObject({ role: 'agent', email: user.email, name: user.name })
  })
})

describe('staff users: sessions', () => {
  it('stops a deactivated user’s session and API token at once', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const user = await t.buildStaff()
    const s = await signIn(t.app, user.email, user.password)
    expect((await call('GET', '/me', { cookie: s.cookie })).statusCode).toBe(200)
    expect((await call('GET', '/me', user.headers)).statusCode).toBe(200)

    expect((await call('DELETE', `/users/${user.id}`, admin.headers)).statusCode).toBe(204)
    expect(await sessionCount(user.id)).toBe(0)
    expect((await call('GET', '/me', { cookie: s.cookie })).statusCode).toBe(401)
    expect((await call('GET', '/me', user.headers)).statusCode).toBe(401)
    await expect(signIn(t.app, user.email, user.password)).rejects.toThrow(/401/)
  })

  it('ends all of a user’s sessions when an admin sets their password, and revokes nothing else', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const user = await t.buildStaff()
    const a = await signIn(t.app, user.email, user.password)
    const b = await signIn(t.app, user.email, user.password)
    const bystander = await t.buildStaff()
    const c = await signIn(t.app, bystander.email, bystander.password)

    const res = await call('PATCH', `/users/${user.id}`, admin.headers, {
      password: 'reset-by-the-admin-2026',
    })
    expect(res.statusCode).toBe(200)
    expect((await call('GET', '/me', { cookie: a.cookie })).statusCode).toBe(401)
    expect((await call('GET', '/me', { cookie: b.cookie })).statusCode).toBe(401)
    expect((await call('GET', '/me', user.headers)).statusCode).toBe(200)
    expect((await call('GET', '/me', { cookie: c.cookie })).statusCode).toBe(200)
    expect((await call('GET', '/me', admin.headers)).statusCode).toBe(200)

    await expect(signIn(t.app, user.email, user.password)).rejects.toThrow(/401/)
    await signIn(t.app, user.email, 'reset-by-the-admin-2026')
  })

  it('keeps sessions on changes that need no new sign-in', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const user = await t.buildStaff()
    const s = await signIn(t.app, user.email, user.password)
    await call('PATCH', `/users/${user.id}`, admin.headers, { name: 'Still Signed In', role: 'supervisor' })
    const me = await call('GET', '/me', { cookie: s.cookie })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ name: 'Still Signed In', role: 'supervisor' })
  })
})

describe('staff users: the last admin', () => {
  // A database of its own: the other tests of this file leave many admins behind.
  let own: TestApp
  beforeAll(async () => {
    own = await startTestApp()
  })
  afterAll(() => own.close())

  const ownCall = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
    own.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload }) })

  it('cannot be demoted or deactivated; another admin can, once there is one', async () => {
    const only = await own.buildStaff({ role: 'admin' })
    for (const [method, payload] of [
      ['PATCH', { role: 'supervisor' }],
      ['PATCH', { active: false }],
      ['DELETE', undefined],
    ] as const) {
      const res = await ownCall(method, `/users/${only.id}`, only.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(409)
      expect(res.json().code).toBe('staff.last_admin')
    }
    expect((await ownCall('GET', '/me', only.headers)).json().role).toBe('admin')

    // An inactive admin does not count.
    const inactive = await own.buildStaff({ role: 'admin' })
    await ownCall('DELETE', `/users/${inactive.id}`, only.headers)
    expect((await ownCall('PATCH', `/users/${only.id}`, only.headers, { role: 'agent' })).statusCode).toBe(
      409,
    )

    const second = await own.buildStaff({ role: 'admin' })
    const demote = await ownCall('PATCH', `/users/${only.id}`, second.headers, { role: 'agent' })
    expect(demote.statusCode).toBe(200)
    const last = await ownCall('DELETE', `/users/${second.id}`, second.headers)
    expect(last.statusCode).toBe(409)
  })

  it('holds when two admins demote each other at the same time', async () => {
    // Exactly two admins: the ones of the test before step down first.
    await own.db.update(staffUsers).set({ role: 'agent' }).where(eq(staffUsers.role, 'admin'))
    const a = await own.buildStaff({ role: 'admin' })
    const b = await own.buildStaff({ role: 'admin' })
    // Through the service: over HTTP the loser may already be refused as a non-admin (403).
    const asAdmin = (id: string) =>
      own.ctxAs({ kind: 'staff', id, role: 'admin', teamIds: [], supervisedTeamIds: [] })
    // Open pool connections first, so that both transactions really run side by side.
    await Promise.all([1, 2, 3].map(() => own.database.pool.query('SELECT pg_sleep(0.05)')))
    const results = await Promise.allSettled([
      updateStaff(asAdmin(a.id), b.id, { role: 'agent' }),
      updateStaff(asAdmin(b.id), a.id, { role: 'agent' }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const [failed] = results.filter((r) => r.status === 'rejected')
    expect(failed?.reason).toMatchObject({ code: 'staff.last_admin' })
    const admins = await own.db.select().from(staffUsers).where(eq(staffUsers.role, 'admin'))
    expect(admins.filter((s) => s.active)).toHaveLength(1)
  })
})

describe('OpenAPI', () => {
  it('documents the staff routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
    expect(res.statusCode).toBe(200)
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/api/v1/users', '/api/v1/users/{id}']),
    )
  })
})
