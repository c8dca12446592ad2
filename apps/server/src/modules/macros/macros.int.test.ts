import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { auditRecords, customers, ticketEvents, tickets } from '../../schema.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

type Method = 'GET' | 'POST' | 'PATCH'
const api = (method: Method, url: string, headers: Record<string, string>, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  })

const setup = async () => {
  const team = await t.buildTeam()
  const secondLevel = await t.buildTeam()
  const otherTeam = await t.buildTeam()
  const admin = await t.buildStaff({ role: 'admin' })
  const supervisor = await t.buildStaff({
    role: 'supervisor',
    teams: [{ teamId: team.id, role: 'supervisor' }],
  })
  const agent = await t.buildStaff({
    name: 'Jana Berger',
    teams: [{ teamId: team.id }, { teamId: secondLevel.id }],
  })
  const outsider = await t.buildStaff({ teams: [{ teamId: otherTeam.id }] })
  const customer = await t.buildCustomer({ name: 'Alex Müller' })
  await t.db.update(customers).set({ formOfAddress: 'ms' }).where(eq(customers.id, customer.id))
  const ticket = await t.buildTicket({ teamId: team.id, customerId: customer.id })
  return { team, secondLevel, otherTeam, admin, supervisor, agent, outsider, ticket }
}

describe('macros: applying', () => {
  it('applies every action in one go, each change an ordinary event naming the macro', async () => {
    const { team, secondLevel, admin, agent, ticket } = await setup()
    const module = (
      await api('POST', '/text-modules', admin.headers, {
        scope: 'global',
        shortcut: 'weiter',
        title: 'Weitergeleitet',
        variants: {
          de: { body: '{{customer.greeting}}\n\nwir haben Ihr Anliegen weitergegeben.\n\n{{agent.name}}' },
        },
      })
    ).json()
    const macro = await api('POST', '/macros', admin.headers, {
      name: 'An 2nd Level',
      teamIds: [team.id],
      actions: [
        { type: 'status', status: 'pending' },
        { type: 'priority', priority: 'high' },
        { type: 'tags', add: ['eskaliert'], remove: [] },
        { type: 'reply', textModuleId: module.id },
        { type: 'note', text: 'An das 2nd-Level-Team gegeben.' },
        { type: 'team', teamId: secondLevel.id },
        { type: 'assignee', assignee: 'me' },
      ],
    })
    expect(macro.statusCode).toBe(201)
    const m = macro.json()
    const listed = (await api('GET', '/macros', agent.headers)).json() as { id: string }[]
    expect(listed.map((x) => x.id)).toContain(m.id)

    const res = await api('POST', `/macros/${m.id}/apply`, agent.headers, { ticket: ticket.id })
    expect(res.statusCode).toBe(200)
    const detail = res.json()
    expect(detail).toMatchObject({
      status: 'pending',
      priority: 'high',
      tags: ['eskaliert'],
      team: { id: secondLevel.id },
      assignee: { id: agent.id },
    })
    const cause = { type: 'macro', id: m.id, name: 'An 2nd Level' }
    const events = detail.timeline.filter(
      (e: { kind: string; cause?: unknown }) => e.kind === 'event' && e.cause,
    )
    expect(events.map((e: { type: string }) => e.type).sort()).toEqual([
      'ticket.priority_changed',
      'ticket.status_changed',
      'ticket.tags_changed',
      'ticket.transferred',
    ])
    for (const e of events) expect(e).toMatchObject({ cause, actor: { id: agent.id } })
    const transfer = events.find((e: { type: string }) => e.type === 'ticket.transferred')
    expect(transfer).toMatchObject({
      reason: 'An 2nd Level',
      changes: { team: { from: team.id, to: secondLevel.id }, assignee: { from: null, to: agent.id } },
    })
    const messages = detail.timeline.filter((e: { kind: string }) => e.kind === 'interaction')
    const reply = messages.find((x: { direction: string }) => x.direction === 'outbound')
    expect(reply.text).toBe(
      'Sehr geehrte Frau Müller,\n\nwir haben Ihr Anliegen weitergegeben.\n\nJana Berger',
    )
    expect(reply.html).toContain('<p>Sehr geehrte Frau Müller,</p>')
    expect(messages.find((x: { direction: string }) => x.direction === 'internal').text).toBe(
      'An das 2nd-Level-Team gegeben.',
    )
    const stored = await t.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))
    expect(stored.filter((e) => e.cause?.id === m.id)).toHaveLength(4)
  })

  it('removes and adds tags and leaves what is already so unchanged', async () => {
    const { admin, agent, team, ticket } = await setup()
    await t.db
      .update(tickets)
      .set({ tags: ['alt', 'bleibt'] })
      .where(eq(tickets.id, ticket.id))
    const m = (
      await api('POST', '/macros', admin.headers, {
        name: unique('Tags '),
        teamIds: [team.id],
        actions: [
          { type: 'tags', add: ['neu'], remove: ['alt'] },
          { type: 'status', status: 'new' },
        ],
      })
    ).json()
    const res = await api('POST', `/macros/${m.id}/apply`, agent.headers, { ticket: ticket.number })
    expect(res.statusCode).toBe(200)
    expect(res.json().tags).toEqual(['bleibt', 'neu'])
    const events = res.json().timeline.filter((e: { cause?: unknown }) => e.cause)
    expect(events.map((e: { type: string }) => e.type)).toEqual(['ticket.tags_changed'])
  })

  it('rolls everything back when one action is not allowed for the agent', async () => {
    const { admin, agent, team, otherTeam, outsider, ticket } = await setup()
    // The agent may not give the ticket to someone outside its team: nothing else happens either.
    const m = (
      await api('POST', '/macros', admin.headers, {
        name: unique('Bad '),
        teamIds: [],
        actions: [
          { type: 'priority', priority: 'urgent' },
          { type: 'note', text: 'vorher' },
          { type: 'assignee', assignee: outsider.id },
        ],
      })
    ).json()
    const res = await api('POST', `/macros/${m.id}/apply`, agent.headers, { ticket: ticket.id })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('ticket.assignee_not_in_team')
    const [row] = await t.db.select().from(tickets).where(eq(tickets.id, ticket.id))
    expect(row).toMatchObject({ priority: 'normal', assigneeId: null })
    const stored = await t.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))
    expect(stored.filter((e) => e.cause)).toEqual([])

    // A global macro on a ticket of a team the agent is not in: not found, nothing changes.
    const hidden = await t.buildTicket({ teamId: otherTeam.id })
    const other = await api('POST', `/macros/${m.id}/apply`, agent.headers, { ticket: hidden.id })
    expect(other.statusCode).toBe(404)
    expect(other.json().code).toBe('ticket.not_found')

    // A reply from a module still missing a value is not sent: the whole macro is refused.
    const module = (
      await api('POST', '/text-modules', admin.headers, {
        scope: 'global',
        shortcut: 'eta',
        title: 'ETA',
        variants: { de: { body: 'Antwort bis {{ticket.expectedAnswer}}' } },
      })
    ).json()
    const unfilled = (
      await api('POST', '/macros', admin.headers, {
        name: unique('ETA '),
        teamIds: [team.id],
        actions: [
          { type: 'reply', textModuleId: module.id },
          { type: 'status', status: 'pending' },
        ],
      })
    ).json()
    const refused = await api('POST', `/macros/${unfilled.id}/apply`, agent.headers, { ticket: ticket.id })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().code).toBe('ticket.reply_unfilled')
    expect((await t.db.select().from(tickets).where(eq(tickets.id, ticket.id)))[0]!.status).toBe('new')
  })

  it('shows a macro to the agents of its teams only; others get 404', async () => {
    const { admin, agent, team, outsider, ticket } = await setup()
    const m = (
      await api('POST', '/macros', admin.headers, {
        name: unique('Team only '),
        teamIds: [team.id],
        actions: [{ type: 'priority', priority: 'low' }],
      })
    ).json()
    const global = (
      await api('POST', '/macros', admin.headers, {
        name: unique('Global '),
        actions: [{ type: 'priority', priority: 'low' }],
      })
    ).json()
    const seen = ((await api('GET', '/macros', outsider.headers)).json() as { id: string }[]).map((x) => x.id)
    expect(seen).toContain(global.id)
    expect(seen).not.toContain(m.id)
    for (const res of [
      await api('GET', `/macros/${m.id}`, outsider.headers),
      await api('POST', `/macros/${m.id}/apply`, outsider.headers, { ticket: ticket.id }),
      await api('PATCH', `/macros/${m.id}`, outsider.headers, { name: 'x' }),
      await api('GET', `/macros/${randomUUID()}`, agent.headers),
      await api('POST', `/macros/${randomUUID()}/apply`, agent.headers, { ticket: ticket.id }),
    ]) {
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('macro.not_found')
    }
    expect((await api('GET', '/macros/nope', agent.headers)).statusCode).toBe(400)
  })
})

describe('macros: managing', () => {
  it('lets admins manage every macro, supervisors those of their teams, agents none; audited', async () => {
    const { admin, supervisor, agent, team, otherTeam } = await setup()
    const actions = [{ type: 'status', status: 'solved' }]
    for (const [headers, body] of [
      [agent.headers, { name: 'x', teamIds: [team.id], actions }],
      [supervisor.headers, { name: 'x', teamIds: [], actions }],
      [supervisor.headers, { name: 'x', teamIds: [team.id, otherTeam.id], actions }],
    ] as const) {
      const res = await api('POST', '/macros', headers, body)
      expect(res.statusCode).toBe(403)
    }
    const created = await api('POST', '/macros', supervisor.headers, {
      name: 'Lösen',
      teamIds: [team.id],
      actions,
    })
    expect(created.statusCode).toBe(201)
    const m = created.json()
    expect(m).toMatchObject({ name: 'Lösen', teams: [{ id: team.id, name: team.name }], editable: true })
    expect((await api('GET', `/macros/${m.id}`, agent.headers)).json().editable).toBe(false)
    expect((await api('PATCH', `/macros/${m.id}`, agent.headers, { name: 'y' })).statusCode).toBe(403)
    const moved = await api('PATCH', `/macros/${m.id}`, supervisor.headers, { teamIds: [otherTeam.id] })
    expect(moved.statusCode).toBe(403)
    const renamed = await api('PATCH', `/macros/${m.id}`, supervisor.headers, {
      name: 'Lösen!',
      archived: true,
    })
    expect(renamed.json()).toMatchObject({ name: 'Lösen!', archived: true })
    const archivedApply = await api('POST', `/macros/${m.id}/apply`, agent.headers, { ticket: randomUUID() })
    expect(archivedApply.statusCode).toBe(404)
    const manageable = (
      (await api('GET', '/macros?manage=true&archived=true', supervisor.headers)).json() as {
        id: string
      }[]
    ).map((x) => x.id)
    expect(manageable).toContain(m.id)

    const records = await t.db.select().from(auditRecords).where(eq(auditRecords.targetId, m.id))
    expect(records.map((r) => r.action).sort()).toEqual(['macro.archived', 'macro.created'])
    expect(records.find((r) => r.action === 'macro.archived')).toMatchObject({
      actorId: supervisor.id,
      before: { name: 'Lösen', archived: false },
      after: { name: 'Lösen!', archived: true },
    })
    const byAdmin = await api('PATCH', `/macros/${m.id}`, admin.headers, { teamIds: [], archived: false })
    expect(byAdmin.json()).toMatchObject({ teams: [], archived: false })
  })

  it('refuses bad input with problem+json pointers', async () => {
    const { admin } = await setup()
    const cases: [unknown, string][] = [
      [{ actions: [{ type: 'status', status: 'open' }] }, '/body/name'],
      [{ name: 'x', actions: [] }, '/body/actions'],
      [{ name: 'x', actions: [{ type: 'status', status: 'done' }] }, '/body/actions/0/status'],
      [{ name: 'x', actions: [{ type: 'explode' }] }, '/body/actions/0/type'],
      [{ name: 'x', actions: [{ type: 'team', teamId: 'abc' }] }, '/body/actions/0/teamId'],
      [{ name: 'x', actions: [{ type: 'tags', add: [], remove: [] }] }, '/body/actions/0'],
      [{ name: 'x', actions: [{ type: 'assignee', assignee: 'you' }] }, '/body/actions/0/assignee'],
      [{ name: 'x', actions: [{ type: 'reply' }] }, '/body/actions/0'],
      [{ name: 'x', actions: [{ type: 'note', text: '' }] }, '/body/actions/0/text'],
      [
        {
          name: 'x',
          actions: [
            { type: 'status', status: 'open' },
            { type: 'status', status: 'new' },
          ],
        },
        '/body/actions/1/type',
      ],
      [{ name: 'x', teamIds: ['nope'], actions: [{ type: 'status', status: 'open' }] }, '/body/teamIds/0'],
    ]
    for (const [payload, pointer] of cases) {
      const res = await api('POST', '/macros', admin.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(
        res.json().errors.map((e: { pointer: string }) => e.pointer),
        JSON.stringify(payload),
      ).toContain(pointer)
    }
    const unknownTeam = await api('POST', '/macros', admin.headers, {
      name: 'x',
      teamIds: [randomUUID()],
      actions: [{ type: 'status', status: 'open' }],
    })
    expect(unknownTeam.statusCode).toBe(404)
    expect(unknownTeam.json().errors[0].pointer).toBe('/body/teamIds/0')
  })
})
