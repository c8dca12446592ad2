import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { auditRecords } from '../audit/index.ts'
import { addBusinessMs, calendarFor, isOpen, WALL_CLOCK } from './index.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const api = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
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
const OFFICE = [{ from: '08:00', to: '18:00' }]
const week = (sat: Array<{ from: string; to: string }> = []) => ({
  mon: OFFICE,
  tue: OFFICE,
  wed: OFFICE,
  thu: OFFICE,
  fri: OFFICE,
  sat,
  sun: [],
})
const body = (over: Record<string, unknown> = {}) => ({
  name: unique('Kalender '),
  timeZone: 'Europe/Berlin',
  week: week(),
  holidays: { country: 'DE', state: 'BW' },
  exceptions: [],
  ...over,
})
const auditOf = (id: string) =>
  t.db
    .select()
    .from(auditRecords)
    .where(and(eq(auditRecords.targetType, 'calendar'), eq(auditRecords.targetId, id)))
    .orderBy(auditRecords.seq)

/** One test file, one database: the calendars' default moves as tests run in order. */
describe('calendars', () => {
  it('lets admins create, change and delete calendars, audited; the first one becomes the default', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const first = await api('POST', '/calendars', admin.headers, body({ name: 'Geschäftszeiten BW' }))
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({
      name: 'Geschäftszeiten BW',
      timeZone: 'Europe/Berlin',
      holidays: { country: 'DE', state: 'BW', region: null },
      isDefault: true,
      usedBy: { teams: 0, channels: 0 },
    })
    const second = await api(
      'POST',
      '/calendars',
      admin.headers,
      body({ holidays: { country: 'de', state: 'by', region: 'a' } }),
    )
    expect(second.statusCode).toBe(201)
    expect(second.json()).toMatchObject({
      isDefault: false,
      holidays: { country: 'DE', state: 'BY', region: 'A' },
    })
    const id = second.json().id as string

    const changed = await api('PATCH', `/calendars/${id}`, admin.headers, {
      exceptions: [
        { date: '2026-12-31', frames: [{ from: '08:00', to: '12:00' }] },
        { date: '2026-12-24', frames: [{ from: '08:00', to: '12:00' }], note: 'Heiligabend' },
      ],
      isDefault: true,
    })
    expect(changed.statusCode).toBe(200)
    expect(changed.json().exceptions.map((e: { date: string }) => e.date)).toEqual([
      '2026-12-24',
      '2026-12-31',
    ])
    expect(changed.json().isDefault).toBe(true)
    const list = (await api('GET', '/calendars', admin.headers)).json() as Array<{
      id: string
      isDefault: boolean
    }>
    expect(list.filter((c) => c.isDefault).map((c) => c.id)).toEqual([id])

    // the default cannot go; the former default can
    const refused = await api('DELETE', `/calendars/${id}`, admin.headers)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('calendar.is_default')
    expect((await api('DELETE', `/calendars/${first.json().id}`, admin.headers)).statusCode).toBe(204)
    expect((await api('GET', `/calendars/${first.json().id}`, admin.headers)).statusCode).toBe(404)

    expect((await auditOf(id)).map((a) => a.action)).toEqual(['calendar.created', 'calendar.updated'])
    const [updated] = (await auditOf(id)).slice(1)
    expect(Object.keys(updated!.after as object).sort()).toEqual(['exceptions', 'isDefault'])
    expect((await auditOf(first.json().id)).map((a) => a.action)).toEqual([
      'calendar.created',
      'calendar.deleted',
    ])
  })

  it('refuses invalid business hours with a pointer to each problem', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const res = await api(
      'POST',
      '/calendars',
      admin.headers,
      body({
        timeZone: 'Europe/Atlantis',
        week: {
          ...week(),
          mon: [
            { from: '08:00', to: '12:00' },
            { from: '11:00', to: '25:00' },
          ],
          tue: [{ from: '12:00', to: '09:00' }],
        },
        holidays: { country: 'DE', state: 'XX' },
        exceptions: [{ date: '2026-02-30', frames: [] }],
      }),
    )
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().code).toBe('calendar.invalid')
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/timeZone',
      '/body/week/mon/1/to',
      '/body/week/tue/0/to',
      '/body/exceptions/0/date',
      '/body/holidays/state',
    ])
    const overlap = await api(
      'POST',
      '/calendars',
      admin.headers,
      body({
        week: {
          ...week(),
          fri: [
            { from: '08:00', to: '12:00' },
            { from: '11:30', to: '14:00' },
          ],
        },
      }),
    )
    expect(overlap.json().errors).toEqual([
      { pointer: '/body/week/fri/1/from', detail: 'overlaps the frame 08:00–12:00' },
    ])
    const shape = await api('POST', '/calendars', admin.headers, { ...body(), week: { mon: [] } })
    expect(shape.statusCode).toBe(400)
    expect(shape.json().code).toBe('request.invalid')

    const existing = (await api('POST', '/calendars', admin.headers, body())).json()
    const taken = await api('POST', '/calendars', admin.headers, body({ name: existing.name.toUpperCase() }))
    expect(taken.statusCode).toBe(409)
    expect(taken.json().code).toBe('calendar.name_taken')
    const badPatch = await api('PATCH', `/calendars/${existing.id}`, admin.headers, {
      week: { ...week(), sun: [{ from: '24:00', to: '24:00' }] },
    })
    expect(badPatch.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/week/sun/0/from',
    ])
  })

  it('lets agents read and preview but not write; unknown ids are 404', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const agent = await t.buildStaff({ role: 'agent' })
    const cal = (await api('POST', '/calendars', admin.headers, body())).json()
    expect((await api('GET', '/calendars', agent.headers)).statusCode).toBe(200)
    expect((await api('GET', `/calendars/${cal.id}`, agent.headers)).statusCode).toBe(200)
    expect((await api('POST', '/calendars', agent.headers, body())).statusCode).toBe(403)
    expect((await api('PATCH', `/calendars/${cal.id}`, agent.headers, { name: 'x' })).statusCode).toBe(403)
    expect((await api('DELETE', `/calendars/${cal.id}`, agent.headers)).statusCode).toBe(403)
    expect((await api('GET', `/calendars/${missingId}`, agent.headers)).json().code).toBe(
      'calendar.not_found',
    )
    expect((await api('PATCH', `/calendars/${missingId}`, admin.headers, { name: 'x' })).statusCode).toBe(404)
    expect((await api('DELETE', `/calendars/${missingId}`, admin.headers)).statusCode).toBe(404)
    expect((await api('GET', `/calendars/${missingId}/preview`, agent.headers)).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calendars' })).statusCode).toBe(401)
  })

  it('previews the days with holiday names in the request’s language', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const cal = (
      await api(
        'POST',
        '/calendars',
        admin.headers,
        body({
          week: week([{ from: '09:00', to: '13:00' }]),
          holidays: { country: 'DE', state: 'BY', region: 'A' },
          exceptions: [{ date: '2026-08-10', frames: [], note: 'Inventur' }],
        }),
      )
    ).json()
    const de = await api('GET', `/calendars/${cal.id}/preview?from=2026-08-07&days=4`, {
      ...admin.headers,
      'accept-language': 'de-DE',
    })
    expect(de.statusCode).toBe(200)
    expect(de.json()).toEqual({
      timeZone: 'Europe/Berlin',
      days: [
        { date: '2026-08-07', weekday: 'fri', frames: OFFICE, reason: 'week', holiday: null, note: null },
        {
          date: '2026-08-08',
          weekday: 'sat',
          frames: [],
          reason: 'holiday',
          holiday: 'Augsburger Friedensfest',
          note: null,
        },
        { date: '2026-08-09', weekday: 'sun', frames: [], reason: 'week', holiday: null, note: null },
        {
          date: '2026-08-10',
          weekday: 'mon',
          frames: [],
          reason: 'exception',
          holiday: null,
          note: 'Inventur',
        },
      ],
    })
    const en = await api('GET', `/calendars/${cal.id}/preview?from=2026-01-06&days=1`, {
      ...admin.headers,
      'accept-language': 'en',
    })
    expect(en.json().days[0]).toMatchObject({ reason: 'holiday', holiday: 'Epiphany' })
    const tooMany = await api('GET', `/calendars/${cal.id}/preview?days=400`, admin.headers)
    expect(tooMany.statusCode).toBe(400)
    expect(tooMany.json().errors[0].pointer).toBe('/querystring/days')
  })

  it('lists holiday countries, states and regions from the holiday library', async () => {
    const agent = await t.buildStaff({ role: 'agent' })
    const res = await api('GET', '/calendars/regions?country=DE', {
      ...agent.headers,
      'accept-language': 'de',
    })
    expect(res.statusCode).toBe(200)
    const { countries, states } = res.json()
    expect(countries).toContainEqual({ code: 'DE', name: 'Deutschland' })
    expect(countries).toContainEqual({ code: 'AT', name: 'Österreich' })
    expect(states.map((s: { code: string }) => s.code)).toContain('BW')
    const by = states.find((s: { code: string }) => s.code === 'BY')
    expect(by.regions).toContainEqual({ code: 'A', name: 'Stadt Augsburg' })
    const none = await api('GET', '/calendars/regions', agent.headers)
    expect(none.json().states).toEqual([])
  })

  it('finds the calendar of a channel, its team or the default, and refuses deleting one in use', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const teamCal = (
      await api('POST', '/calendars', admin.headers, body({ holidays: { country: 'DE', state: 'BE' } }))
    ).json()
    const channelCal = (
      await api('POST', '/calendars', admin.headers, body({ timeZone: 'America/New_York', holidays: null }))
    ).json()
    const defaultCal = (await api('GET', '/calendars', admin.headers))
      .json()
      .find((c: { isDefault: boolean }) => c.isDefault)
    const team = await t.buildTeam()
    const plainTeam = await t.buildTeam()
    await t.db.execute(sql`UPDATE teams SET calendar_id = ${teamCal.id} WHERE id = ${team.id}`)
    const {
      rows: [channel],
    } = await t.db.execute<{ id: string }>(sql`
      INSERT INTO email_channels (id, name, address, team_id, calendar_id)
      VALUES (gen_random_uuid(), 'Service', ${`${unique('service')}@example.test`}, ${team.id}, ${channelCal.id})
      RETURNING id`)
    const {
      rows: [teamChannel],
    } = await t.db.execute<{ id: string }>(sql`
      INSERT INTO email_channels (id, name, address, team_id)
      VALUES (gen_random_uuid(), 'Team', ${`${unique('team')}@example.test`}, ${team.id})
      RETURNING id`)

    const fridayEvening = new Date('2026-06-05T20:30:00Z') // 22:30 Berlin, 16:30 New York
    expect((await calendarFor(t.db, { channelId: channel!.id })).spec.timeZone).toBe('America/New_York')
    expect(isOpen(await calendarFor(t.db, { channelId: channel!.id }), fridayEvening)).toBe(true)
    expect((await calendarFor(t.db, { channelId: teamChannel!.id })).spec.holidays).toEqual({
      country: 'DE',
      state: 'BE',
    })
    expect((await calendarFor(t.db, { teamId: team.id })).spec.holidays).toEqual({
      country: 'DE',
      state: 'BE',
    })
    const fallback = await calendarFor(t.db, { teamId: plainTeam.id })
    expect(fallback.spec.holidays).toEqual({ country: 'DE', state: defaultCal.holidays.state, region: 'A' })
    expect(await calendarFor(t.db, {})).toBe(fallback) // compiled once, cached per version

    // a change is seen at once (new version), and BE's plan now has a Saturday
    await api('PATCH', `/calendars/${teamCal.id}`, admin.headers, {
      week: week([{ from: '09:00', to: '13:00' }]),
    })
    const changed = await calendarFor(t.db, { teamId: team.id })
    expect(addBusinessMs(changed, new Date('2026-06-05T15:00:00Z'), 2 * 3_600_000)?.toISOString()).toBe(
      '2026-06-06T08:00:00.000Z',
    )

    const inUse = await api('DELETE', `/calendars/${teamCal.id}`, admin.headers)
    expect(inUse.statusCode).toBe(409)
    expect(inUse.json()).toMatchObject({ code: 'calendar.in_use', params: { teams: 1, channels: 0 } })
    expect((await api('GET', `/calendars/${channelCal.id}`, admin.headers)).json().usedBy).toEqual({
      teams: 0,
      channels: 1,
    })
    expect((await api('DELETE', `/calendars/${channelCal.id}`, admin.headers)).json().code).toBe(
      'calendar.in_use',
    )
  })

  it('answers with the wall clock when there is no calendar at all', async () => {
    const fresh = await startTestApp()
    try {
      expect(await calendarFor(fresh.db, {})).toBe(WALL_CLOCK)
      expect(await calendarFor(fresh.db, { teamId: missingId, channelId: missingId })).toBe(WALL_CLOCK)
    } finally {
      await fresh.close()
    }
  })
})
