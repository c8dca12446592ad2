import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { fixedClock } from '../../platform/clock.ts'
import { connectDatabase } from '../../platform/db.ts'
import { auditRecords } from '../audit/index.ts'
import { createCalendar } from '../calendars/index.ts'
import { addInteraction, tickets, updateTicket } from '../tickets/index.ts'
import { slaPolicyCache } from './promises.policies.ts'
import { firePromisesDue } from './promises.service.ts'
import { promises, slaPolicies } from './promises.tables.ts'

// Berlin in December is UTC+1. Friday 2026-12-04 16:00 local = 15:00Z.
const clock = fixedClock('2026-12-04T15:00:00Z')
let t: TestApp
let admin: Awaited<ReturnType<TestApp['buildStaff']>>
let agent: Awaited<ReturnType<TestApp['buildStaff']>>
let teamId: string

const office = { from: '08:00', to: '18:00' }
beforeAll(async () => {
  t = await startTestApp({ clock })
  admin = await t.buildStaff({ role: 'admin' })
  teamId = (await t.buildTeam()).id
  agent = await t.buildStaff({ teams: [{ teamId }] })
  await createCalendar(t.ctxAs(), {
    name: 'Geschäftszeiten BW',
    timeZone: 'Europe/Berlin',
    week: { mon: [office], tue: [office], wed: [office], thu: [office], fri: [office], sat: [], sun: [] },
    holidays: { country: 'DE', state: 'BW' },
    exceptions: [],
    isDefault: true,
  })
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  clock.set('2026-12-04T15:00:00Z')
  await t.db.delete(slaPolicies)
  slaPolicyCache.forget()
})

const api = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: object,
) => t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) })

const policy = async (input: Record<string, unknown> = {}) => {
  const res = await api('POST', '/sla-policies', admin.headers, {
    name: 'Standard',
    targets: {
      firstResponse: { minutes: 240, business: true },
      nextResponse: { minutes: 120, business: true },
      resolution: { minutes: 2400, business: true },
    },
    ...input,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string }
}

type Detail = {
  promises: {
    kind: string
    state: string
    dueAt: string | null
    leftMinutes: number | null
    breachedAt: string | null
    metAt: string | null
  }[]
  promise: { state: string; dueAt: string | null } | null
  timeline: { kind: string; type?: string; changes?: Record<string, { from: unknown; to: unknown }> }[]
}
const detail = async (id: string) => {
  const res = await api('GET', `/tickets/${id}`, agent.headers)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as Detail
}
const open = (d: Detail, kind: string) =>
  d.promises.find((p) => p.kind === kind && p.state !== 'met' && p.state !== 'cancelled')
const sweep = async () => {
  let n = 0
  for (let k = await firePromisesDue(t.ctxAs()); k > 0; k = await firePromisesDue(t.ctxAs())) n += k
  return n
}
const promiseEvents = (d: Detail, type: string) =>
  d.timeline.filter((e) => e.kind === 'event' && e.type === type)

describe('response targets', () => {
  it('runs in business hours over the weekend, warns and breaches once, and shows it everywhere', async () => {
    await policy()
    const ticket = await t.buildTicket({ teamId })
    let d = await detail(ticket.id)
    // Friday 16:00: 2 h left on Friday, 2 h on Monday → Monday 10:00 Berlin (09:00Z).
    expect(open(d, 'sla.first_response')).toMatchObject({
      state: 'running',
      dueAt: '2026-12-07T09:00:00.000Z',
      leftMinutes: 240,
    })
    expect(d.promise).toEqual({ state: 'running', dueAt: '2026-12-07T09:00:00.000Z' })

    // The weekend passes without using time: Saturday noon, nothing to fire.
    clock.set('2026-12-05T11:00:00Z')
    expect(await sweep()).toBe(0)
    expect(open(await detail(ticket.id), 'sla.first_response')?.leftMinutes).toBe(120)

    // 75 % used at Monday 09:00 Berlin: warning, once.
    clock.set('2026-12-07T08:00:00Z')
    expect(await sweep()).toBeGreaterThan(0)
    expect(await sweep()).toBe(0)
    d = await detail(ticket.id)
    expect(open(d, 'sla.first_response')?.state).toBe('warning')
    expect(promiseEvents(d, 'promise.warning')).toHaveLength(1)
    expect(d.promise?.state).toBe('warning')

    // Due at 10:00 Berlin: breached, once; the inbox marks and filters it.
    clock.set('2026-12-07T09:00:01Z')
    await sweep()
    expect(await sweep()).toBe(0)
    d = await detail(ticket.id)
    expect(open(d, 'sla.first_response')).toMatchObject({
      state: 'breached',
      breachedAt: '2026-12-07T09:00:00.000Z',
    })
    expect(promiseEvents(d, 'promise.breached')).toHaveLength(1)
    const list = await api('GET', `/tickets?promise=breached&sort=due&teamId=${teamId}`, agent.headers)
    expect(list.statusCode, list.body).toBe(200)
    const items = (list.json() as { items: { id: string; promise: { state: string } | null }[] }).items
    expect(items.map((i) => i.id)).toContain(ticket.id)
    expect(items.every((i) => i.promise?.state === 'breached')).toBe(true)

    // Answered late: kept, and remembered as breached.
    const asAgent = t.ctxAs({
      kind: 'staff',
      id: agent.id,
      role: 'agent',
      teamIds: [teamId],
      supervisedTeamIds: [],
    })
    expect(open(d, 'sla.first_response')).toMatchObject({ apologized: null }) // the editor prompts
    await addInteraction(asAgent, ticket.id, {
      kind: 'reply',
      text: 'Entschuldigen Sie bitte die Wartezeit. Wir kümmern uns darum.',
      apology: true,
    })
    d = await detail(ticket.id)
    const first = d.promises.find((p) => p.kind === 'sla.first_response')
    expect(first).toMatchObject({ state: 'met', breachedAt: '2026-12-07T09:00:00.000Z', apologized: true })
    expect(open(d, 'sla.next_response')).toBeUndefined()
    expect(d.promise?.state).toBe('running') // the resolution still runs
  })

  it('starts the next response on the customer’s message, pauses while pending, resumes without losing time', async () => {
    await policy()
    const ticket = await t.buildTicket({ teamId })
    const asAgent = t.ctxAs({
      kind: 'staff',
      id: agent.id,
      role: 'agent',
      teamIds: [teamId],
      supervisedTeamIds: [],
    })
    await addInteraction(asAgent, ticket.id, { kind: 'reply', text: 'Welche Bestellnummer?' })
    clock.set('2026-12-07T08:00:00Z') // Monday 09:00 Berlin
    await addInteraction(t.ctxAs(), ticket.id, { kind: 'inbound', text: 'Nummer 4711' })
    let d = await detail(ticket.id)
    expect(open(d, 'sla.next_response')).toMatchObject({
      state: 'running',
      dueAt: '2026-12-07T10:00:00.000Z',
    })

    // Asked the customer at 09:30 Berlin: every clock pauses (on the timeline).
    clock.set('2026-12-07T08:30:00Z')
    await updateTicket(asAgent, ticket.id, { status: 'pending' })
    d = await detail(ticket.id)
    expect(open(d, 'sla.next_response')).toMatchObject({ state: 'paused', dueAt: null, leftMinutes: 90 })
    expect(promiseEvents(d, 'promise.paused')).toHaveLength(1)
    clock.set('2026-12-08T08:00:00Z')
    expect(await sweep()).toBe(0)

    // Back open on Tuesday 09:00 Berlin: 90 minutes left, due 10:30.
    await updateTicket(asAgent, ticket.id, { status: 'open' })
    d = await detail(ticket.id)
    expect(open(d, 'sla.next_response')).toMatchObject({
      state: 'running',
      dueAt: '2026-12-08T09:30:00.000Z',
      leftMinutes: 90,
    })
    expect(promiseEvents(d, 'promise.resumed')).toHaveLength(1)
  })

  it('takes a new target on a priority change and keeps the time used', async () => {
    await policy({ position: 1 })
    await policy({
      name: 'Dringend',
      position: 0,
      conditions: { priorities: ['urgent'] },
      targets: { firstResponse: { minutes: 60, business: false } },
    })
    clock.set('2026-12-07T08:00:00Z') // Monday 09:00 Berlin
    const ticket = await t.buildTicket({ teamId })
    clock.set('2026-12-07T08:20:00Z')
    await updateTicket(t.ctxAs(), ticket.id, { priority: 'urgent' })
    const d = await detail(ticket.id)
    // 20 of 60 wall minutes used: due 40 minutes later. The resolution target the new policy lacks ends.
    expect(open(d, 'sla.first_response')).toMatchObject({
      dueAt: '2026-12-07T09:00:00.000Z',
      leftMinutes: 40,
    })
    expect(open(d, 'sla.resolution')).toBeUndefined()
  })

  it('pauses by hand with a reason, refuses a pause longer than allowed, resumes by itself', async () => {
    await policy({ maxPauseMinutes: 60 })
    clock.set('2026-12-07T08:00:00Z')
    const ticket = await t.buildTicket({ teamId })
    const tooLong = await api('POST', `/tickets/${ticket.id}/promises/pause`, agent.headers, {
      reason: 'Warten auf Lieferant',
      minutes: 61,
    })
    expect(tooLong.statusCode).toBe(422)
    expect(tooLong.json()).toMatchObject({
      code: 'promise.pause_too_long',
      errors: [{ pointer: '/body/minutes' }],
    })
    const noReason = await api('POST', `/tickets/${ticket.id}/promises/pause`, agent.headers, {
      reason: '',
      minutes: 30,
    })
    expect(noReason.statusCode).toBe(400)
    const ok = await api('POST', `/tickets/${ticket.id}/promises/pause`, agent.headers, {
      reason: 'Warten auf Lieferant',
      minutes: 30,
    })
    expect(ok.statusCode, ok.body).toBe(204)
    let d = await detail(ticket.id)
    expect(open(d, 'sla.first_response')?.state).toBe('paused')
    const paused = promiseEvents(d, 'promise.paused')
    expect(paused).toHaveLength(1)
    clock.set('2026-12-07T08:30:00Z')
    expect(await sweep()).toBeGreaterThan(0)
    d = await detail(ticket.id)
    expect(open(d, 'sla.first_response')).toMatchObject({ state: 'running', leftMinutes: 240 })
    expect(promiseEvents(d, 'promise.resumed')).toHaveLength(1)

    // Someone who cannot see the ticket hears it does not exist.
    const stranger = await t.buildStaff({ teams: [{ teamId: (await t.buildTeam()).id }] })
    const hidden = await api('POST', `/tickets/${ticket.id}/promises/pause`, stranger.headers, {
      reason: 'neugierig',
      minutes: 5,
    })
    expect(hidden.statusCode).toBe(404)
  })

  it('fires each due promise once with two sweeps at the same moment on two connections', async () => {
    await t.db.delete(promises) // only this test's promises are due below
    await policy({ targets: { firstResponse: { minutes: 10, business: false } } })
    clock.set('2026-12-07T08:00:00Z')
    const created = []
    for (let i = 0; i < 30; i++) created.push(await t.buildTicket({ teamId }))
    clock.set('2026-12-07T09:00:00Z')
    const other = connectDatabase(t.database.url, { poolSize: 2 })
    try {
      const [a, b] = await Promise.all([
        firePromisesDue(t.ctxAs(), { limit: 20 }).then(
          async (n) => n + (await firePromisesDue(t.ctxAs(), { limit: 20 })),
        ),
        firePromisesDue({ ...t.ctxAs(), db: other.db }, { limit: 20 }).then(
          async (n) => n + (await firePromisesDue({ ...t.ctxAs(), db: other.db }, { limit: 20 })),
        ),
      ])
      expect(a + b).toBe(30)
    } finally {
      await other.close()
    }
    const ids = created.map((c) => c.id)
    const [breached] = await t.db
      .select({ n: count() })
      .from(promises)
      .where(and(eq(promises.state, 'breached'), eq(promises.kind, 'sla.first_response')))
    expect(breached!.n).toBeGreaterThanOrEqual(30)
    for (const id of ids.slice(0, 5))
      expect(promiseEvents(await detail(id), 'promise.breached')).toHaveLength(1)
    const [row] = await t.db.select({ s: tickets.promiseState }).from(tickets).where(eq(tickets.id, ids[0]!))
    expect(row!.s).toBe('breached')
  })
})

describe('the team’s calendar', () => {
  it('counts a team’s targets in its own calendar, set through the teams API', async () => {
    await policy()
    const allDay = { from: '00:00', to: '24:00' }
    const round = await createCalendar(t.ctxAs(), {
      name: 'Rund um die Uhr',
      timeZone: 'Europe/Berlin',
      week: {
        mon: [allDay],
        tue: [allDay],
        wed: [allDay],
        thu: [allDay],
        fri: [allDay],
        sat: [allDay],
        sun: [allDay],
      },
      holidays: null,
      exceptions: [],
      isDefault: false,
    })
    const team = await t.buildTeam()
    const unknown = await api('PATCH', `/teams/${team.id}`, admin.headers, {
      calendarId: '0190d5b8-0000-7000-8000-000000000000',
    })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toMatchObject({
      code: 'calendar.not_found',
      errors: [{ pointer: '/body/calendarId' }],
    })
    const set = await api('PATCH', `/teams/${team.id}`, admin.headers, { calendarId: round.row.id })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json()).toMatchObject({ calendarId: round.row.id })
    // Friday 16:00 Berlin + 4 h, open all week: Friday 20:00 Berlin (19:00Z), not Monday.
    const ticket = await t.buildTicket({ teamId: team.id })
    const res = await api('GET', `/tickets/${ticket.id}`, admin.headers)
    const first = (res.json() as Detail).promises.find((p) => p.kind === 'sla.first_response')
    expect(first?.dueAt).toBe('2026-12-04T19:00:00.000Z')
  })
})

describe('response-target policies API', () => {
  it('lets admins write, staff read, answers 404 for guessed ids, refuses bad input, audits', async () => {
    const p = await policy()
    expect((await api('GET', '/sla-policies', agent.headers)).statusCode).toBe(200)
    expect(
      (
        await api('POST', '/sla-policies', agent.headers, {
          name: 'x',
          targets: { resolution: { minutes: 5 } },
        })
      ).statusCode,
    ).toBe(403)
    expect((await api('PATCH', `/sla-policies/${p.id}`, agent.headers, { active: false })).statusCode).toBe(
      403,
    )
    expect(
      (await api('GET', '/sla-policies/0190d5b8-0000-7000-8000-000000000000', admin.headers)).statusCode,
    ).toBe(404)
    expect((await api('GET', '/sla-policies/nope', admin.headers)).statusCode).toBe(400)
    const bad = await api('POST', '/sla-policies', admin.headers, { name: '', targets: {}, warnAt: 2 })
    expect(bad.statusCode).toBe(400)
    const pointers = (bad.json() as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)
    expect(pointers).toEqual(expect.arrayContaining(['/body/name', '/body/warnAt']))
    const changed = await api('PATCH', `/sla-policies/${p.id}`, admin.headers, { name: 'Standard neu' })
    expect(changed.statusCode).toBe(200)
    const records = await t.db.select().from(auditRecords).where(eq(auditRecords.targetId, p.id))
    expect(records.map((r) => r.action).sort()).toEqual(['sla_policy.created', 'sla_policy.updated'])
  })

  it('switching a policy off ends the promises it made', async () => {
    const p = await policy()
    const ticket = await t.buildTicket({ teamId })
    expect((await detail(ticket.id)).promise?.state).toBe('running')
    expect((await api('PATCH', `/sla-policies/${p.id}`, admin.headers, { active: false })).statusCode).toBe(
      200,
    )
    const d = await detail(ticket.id)
    expect(d.promise).toBeNull()
    expect(d.promises.every((x) => x.state === 'cancelled')).toBe(true)
  })
})
