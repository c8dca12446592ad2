import { SAVED_VIEW_LIMIT } from '@tresen/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, startTestApp, type TestApp } from '../../../test/harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const api = (
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  })

const missingId = '0190a000-0000-7000-8000-000000000000'

describe('saved views', () => {
  it('saves, lists by name and deletes the caller’s own views', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    expect((await api('GET', '/me/views', agent.headers)).json()).toEqual([])

    const query = {
      status: ['new', 'open'],
      teamId: 'mine',
      assigneeId: 'none',
      sort: 'waiting',
    }
    const created = await api('POST', '/me/views', agent.headers, {
      name: '  Unassigned in my teams ',
      query,
    })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toEqual({ id: expect.any(String), name: 'Unassigned in my teams', query })
    const full = {
      status: ['pending'],
      teamId: team.id,
      assigneeId: 'me',
      customerId: missingId,
      tag: 'vip',
      q: 'Rücksendung',
      sort: 'created',
    }
    const second = await api('POST', '/me/views', agent.headers, { name: 'another view', query: full })
    expect(second.statusCode).toBe(201)
    const empty = await api('POST', '/me/views', agent.headers, { name: 'Everything', query: {} })
    expect(empty.statusCode).toBe(201)

    const list = await api('GET', '/me/views', agent.headers)
    expect(list.statusCode).toBe(200)
    expect(list.json().map((v: { name: string }) => v.name)).toEqual([
      'another view',
      'Everything',
      'Unassigned in my teams',
    ])
    expect(list.json()[0]).toEqual({ id: second.json().id, name: 'another view', query: full })

    // The saved query works as the ticket list's query string.
    const qs = new URLSearchParams({ ...query, status: query.status.join(',') }).toString()
    expect((await api('GET', `/tickets?${qs}`, agent.headers)).statusCode).toBe(200)

    const deleted = await api('DELETE', `/me/views/${created.json().id}`, agent.headers)
    expect(deleted.statusCode).toBe(204)
    expect(deleted.body).toBe('')
    expect((await api('GET', '/me/views', agent.headers)).json()).toHaveLength(2)
    const again = await api('DELETE', `/me/views/${created.json().id}`, agent.headers)
    expect(again.statusCode).toBe(404)
    expect(again.json().code).toBe('view.not_found')
  })

  it('keeps each user’s views to themselves: another user’s view id is not found', async () => {
    const owner = await t.buildStaff()
    const other = await t.buildStaff()
    const admin = await t.buildStaff({ role: 'admin' })
    const view = (
      await api('POST', '/me/views', owner.headers, { name: 'Mine', query: { assigneeId: 'me' } })
    ).json()
    expect((await api('GET', '/me/views', other.headers)).json()).toEqual([])
    for (const who of [other, admin]) {
      const res = await api('DELETE', `/me/views/${view.id}`, who.headers)
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('view.not_found')
    }
    const missing = await api('DELETE', `/me/views/${missingId}`, owner.headers)
    expect({ ...missing.json(), instance: '', requestId: '' }).toEqual({
      ...(await api('DELETE', `/me/views/${view.id}`, other.headers)).json(),
      instance: '',
      requestId: '',
    })
    expect((await api('GET', '/me/views', owner.headers)).json()).toHaveLength(1)
    // The same name is free for someone else.
    expect((await api('POST', '/me/views', other.headers, { name: 'mine', query: {} })).statusCode).toBe(201)
  })

  it('refuses a name the user already has, in any case', async () => {
    const agent = await t.buildStaff()
    expect(
      (await api('POST', '/me/views', agent.headers, { name: 'Überfällig', query: {} })).statusCode,
    ).toBe(201)
    for (const name of ['Überfällig', 'ÜBERFÄLLIG', ' überfällig ']) {
      const res = await api('POST', '/me/views', agent.headers, { name, query: { sort: 'created' } })
      expect(res.statusCode, name).toBe(409)
      expect(res.json()).toMatchObject({ code: 'view.name_taken', errors: [{ pointer: '/body/name' }] })
    }
    expect((await api('GET', '/me/views', agent.headers)).json()).toHaveLength(1)
  })

  it(`keeps at most ${SAVED_VIEW_LIMIT} views per user, also when saved at the same time`, async () => {
    const agent = await t.buildStaff()
    const save = (i: number) => api('POST', '/me/views', agent.headers, { name: `View ${i}`, query: {} })
    const results = await Promise.all(Array.from({ length: SAVED_VIEW_LIMIT + 5 }, (_, i) => save(i)))
    const statuses = results.map((r) => r.statusCode)
    expect(statuses.filter((s) => s === 201)).toHaveLength(SAVED_VIEW_LIMIT)
    const refused = results.filter((r) => r.statusCode !== 201)
    expect(refused).toHaveLength(5)
    for (const r of refused) expect(r.json()).toMatchObject({ status: 409, code: 'view.limit_reached' })
    expect((await api('GET', '/me/views', agent.headers)).json()).toHaveLength(SAVED_VIEW_LIMIT)
    // Deleting one makes room for one.
    const first = (await api('GET', '/me/views', agent.headers)).json()[0]
    expect((await api('DELETE', `/me/views/${first.id}`, agent.headers)).statusCode).toBe(204)
    expect((await save(1000)).statusCode).toBe(201)
    expect((await save(1001)).json().code).toBe('view.limit_reached')
  })

  it('rejects bad input with problem+json and saves nothing', async () => {
    const agent = await t.buildStaff()
    const cases: [unknown, string][] = [
      [{}, '/body/name'],
      [{ name: 'x' }, '/body/query'],
      [{ name: '', query: {} }, '/body/name'],
      [{ name: '   ', query: {} }, '/body/name'],
      [{ name: 'x'.repeat(101), query: {} }, '/body/name'],
      [{ name: 42, query: {} }, '/body/name'],
      [{ name: 'x', query: { cursor: 'abc' } }, '/body/query'],
      [{ name: 'x', query: { limit: 10 } }, '/body/query'],
      [{ name: 'x', query: { status: ['archived'] } }, '/body/query/status/0'],
      [{ name: 'x', query: { teamId: 'theirs' } }, '/body/query/teamId'],
      [{ name: 'x', query: { assigneeId: 'everyone' } }, '/body/query/assigneeId'],
      [{ name: 'x', query: { customerId: 'not-a-uuid' } }, '/body/query/customerId'],
      [{ name: 'x', query: { tag: 'two words' } }, '/body/query/tag'],
      [{ name: 'x', query: { q: '' } }, '/body/query/q'],
      [{ name: 'x', query: { sort: 'random' } }, '/body/query/sort'],
      [{ name: 'x', query: 'status=new' }, '/body/query'],
      [{ name: 'x', query: {}, staffId: missingId }, '/body'],
    ]
    for (const [payload, pointer] of cases) {
      const res = await api('POST', '/me/views', agent.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().code).toBe('request.invalid')
      expect(
        res
          .json()
          .errors.map((e: { pointer: string }) => e.pointer)
          .join(' '),
      ).toContain(pointer)
    }
    expect((await api('DELETE', '/me/views/not-a-uuid', agent.headers)).statusCode).toBe(400)
    expect((await api('GET', '/me/views', agent.headers)).json()).toEqual([])
  })

  it('needs a signed-in caller, and the CSRF token with a session cookie', async () => {
    expect((await api('GET', '/me/views', {})).statusCode).toBe(401)
    expect((await api('POST', '/me/views', {}, { name: 'x', query: {} })).statusCode).toBe(401)
    expect((await api('DELETE', `/me/views/${missingId}`, {})).statusCode).toBe(401)
    const agent = await t.buildStaff()
    const session = await signIn(t.app, agent.email, agent.password)
    const noCsrf = await api('POST', '/me/views', { cookie: session.cookie }, { name: 'x', query: {} })
    expect(noCsrf.statusCode).toBe(403)
    const ok = await api('POST', '/me/views', session.headers, { name: 'x', query: {} })
    expect(ok.statusCode).toBe(201)
    expect((await api('GET', '/me/views', agent.headers)).json()).toHaveLength(1)
  })
})
