import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { listTickets } from '../tickets/index.ts'

let t: TestApp
type Staff = Awaited<ReturnType<TestApp['buildStaff']>>
let admin: Staff
let agent: Staff
let teamA: { id: string }
let teamB: { id: string }

const api = (
  method: 'GET' | 'POST' | 'PATCH',
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
const label = (en: string) => ({ de: `${en} (de)`, en })
const option = (value: string) => ({ value, label: label(value) })
const defineField = async (input: Record<string, unknown>) => {
  const res = await api('POST', '/ticket-fields', admin.headers, {
    label: label(String(input.key)),
    ...input,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; key: string }
}
const newTicket = async (fields?: Record<string, unknown>, teamId = teamA.id, who: Staff = agent) => {
  const customer = await t.buildCustomer()
  return api('POST', '/tickets', who.headers, {
    subject: 'Rücksendung',
    customerId: customer.id,
    teamId,
    ...(fields ? { fields } : {}),
  })
}
const problems = (res: { json: () => { errors?: { pointer: string; detail: string }[] } }) =>
  res.json().errors ?? []

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.buildStaff({ role: 'admin' })
  teamA = await t.buildTeam()
  teamB = await t.buildTeam()
  agent = await t.buildStaff({ teams: [{ teamId: teamA.id }, { teamId: teamB.id }] })
  await defineField({ key: 'order_no', type: 'text' })
  await defineField({ key: 'amount', type: 'number', min: 0, max: 1000 })
  await defineField({ key: 'due', type: 'date' })
  await defineField({
    key: 'resolution',
    type: 'select',
    options: ['refund', 'exchange', 'voucher'].map(option),
  })
  await defineField({ key: 'products', type: 'multi_select', options: ['bike', 'lock', 'bell'].map(option) })
  await defineField({ key: 'callback', type: 'checkbox' })
  const legacy = await defineField({ key: 'legacy', type: 'text' })
  await api('PATCH', `/ticket-fields/${legacy.id}`, admin.headers, { archived: true })
})
afterAll(() => t.close())

describe('custom field values on tickets', () => {
  it('are set on create and update, shown in the detail, and each change is a timeline event', async () => {
    const created = await newTicket({
      order_no: ' A-1001 ',
      amount: 49.9,
      due: '2026-12-24',
      resolution: 'refund',
      products: ['lock', 'bike'],
      callback: true,
    })
    expect(created.statusCode, created.body).toBe(201)
    const ticket = created.json()
    const values = {
      order_no: 'A-1001',
      amount: 49.9,
      due: '2026-12-24',
      resolution: 'refund',
      products: ['bike', 'lock'],
      callback: true,
    }
    expect(ticket.fields).toEqual(values)
    const first = ticket.timeline.find((e: { type?: string }) => e.type === 'ticket.fields_changed')
    expect(first).toMatchObject({
      kind: 'event',
      actor: { id: agent.id },
      changes: { amount: { from: null, to: 49.9 } },
    })
    // The new ticket's answer is what a read shows.
    const read = await api('GET', `/tickets/${ticket.number}`, agent.headers)
    expect(read.json().fields).toEqual(values)
    expect(read.json().timeline).toEqual(ticket.timeline)

    const updated = await api('PATCH', `/tickets/${ticket.number}`, agent.headers, {
      fields: { amount: 60, callback: null, order_no: 'A-1001', products: ['bell'] },
      reason: 'Kunde hat nachgerechnet',
    })
    expect(updated.statusCode, updated.body).toBe(200)
    expect(updated.json().fields).toEqual({ ...values, amount: 60, products: ['bell'], callback: undefined })
    expect('callback' in updated.json().fields).toBe(false)
    const events = updated
      .json()
      .timeline.filter((e: { type?: string }) => e.type === 'ticket.fields_changed')
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({
      changes: {
        amount: { from: 49.9, to: 60 },
        callback: { from: true, to: null },
        products: { from: ['bike', 'lock'], to: ['bell'] },
      },
      reason: 'Kunde hat nachgerechnet',
    })
    expect(Object.keys(events[1].changes)).toHaveLength(3)

    // The same values again change nothing: no event.
    const same = await api('PATCH', `/tickets/${ticket.number}`, agent.headers, { fields: { amount: 60 } })
    expect(
      same.json().timeline.filter((e: { type?: string }) => e.type === 'ticket.fields_changed'),
    ).toHaveLength(2)
  })

  it('refuses values their field could not hold, pointing at each field, and changes nothing', async () => {
    const ticket = (await newTicket({ amount: 5 })).json()
    const cases: [Record<string, unknown>, string, string][] = [
      [{ order_no: 42 }, 'order_no', 'must be text'],
      [{ order_no: 'x'.repeat(1001) }, 'order_no', 'longer than 1000 characters'],
      [{ amount: 'zehn' }, 'amount', 'not a number'],
      [{ amount: -1 }, 'amount', 'below the minimum 0'],
      [{ amount: 1001 }, 'amount', 'above the maximum 1000'],
      [{ due: '2026-02-30' }, 'due', 'not a valid date (YYYY-MM-DD)'],
      [{ due: '24.12.2026' }, 'due', 'not a valid date (YYYY-MM-DD)'],
      [{ resolution: 'gift' }, 'resolution', '"gift" is not one of the options'],
      [{ resolution: ['refund'] }, 'resolution', 'must be one option’s value'],
      [{ products: 'bike' }, 'products', 'must be a list of option values'],
      [{ products: ['bike', 'horn'] }, 'products', '"horn" is not one of the options'],
      [{ callback: 'yes' }, 'callback', 'must be true or false'],
    ]
    for (const [fields, key, detail] of cases) {
      const res = await api('PATCH', `/tickets/${ticket.number}`, agent.headers, { fields })
      expect(res.statusCode, JSON.stringify(fields)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().code).toBe('field.invalid_value')
      expect(problems(res)).toEqual([{ pointer: `/body/fields/${key}`, detail }])
    }
    for (const key of ['no_such_field', 'legacy']) {
      const res = await api('PATCH', `/tickets/${ticket.number}`, agent.headers, { fields: { [key]: 'x' } })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('field.unknown')
      expect(problems(res)).toEqual([
        { pointer: `/body/fields/${key}`, detail: key === 'legacy' ? 'archived field' : 'unknown field' },
      ])
    }
    // Several problems at once, and a good value beside them is not applied either.
    const many = await api('PATCH', `/tickets/${ticket.number}`, agent.headers, {
      subject: 'Neu',
      fields: { amount: 7, due: 'tomorrow', nope: 1 },
    })
    expect(problems(many).map((p) => p.pointer)).toEqual(['/body/fields/due', '/body/fields/nope'])
    const created = await newTicket({ amount: 'viel' })
    expect(created.statusCode).toBe(400)
    expect(problems(created)).toEqual([{ pointer: '/body/fields/amount', detail: 'not a number' }])
    const after = (await api('GET', `/tickets/${ticket.number}`, agent.headers)).json()
    expect(after.fields).toEqual({ amount: 5 })
    expect(after.subject).toBe('Rücksendung')
    expect((await api('PATCH', `/tickets/${ticket.number}`, agent.headers, { fields: [] })).statusCode).toBe(
      400,
    )
  })

  it('keeps a retired option on the tickets that have it, and offers it to no other', async () => {
    const field = await defineField({
      key: 'gift_wrap',
      type: 'select',
      options: ['paper', 'box'].map(option),
    })
    const multi = await defineField({
      key: 'extras',
      type: 'multi_select',
      options: ['card', 'ribbon'].map(option),
    })
    const holder = (await newTicket({ gift_wrap: 'box', extras: ['ribbon'] })).json()
    const retire = (id: string, values: string[], retired: string) =>
      api('PATCH', `/ticket-fields/${id}`, admin.headers, {
        options: values.map((v) => ({ ...option(v), retired: v === retired })),
      })
    expect((await retire(field.id, ['paper', 'box'], 'box')).statusCode).toBe(200)
    expect((await retire(multi.id, ['card', 'ribbon'], 'ribbon')).statusCode).toBe(200)
    const kept = await api('GET', `/tickets/${holder.number}`, agent.headers)
    expect(kept.json().fields).toMatchObject({ gift_wrap: 'box', extras: ['ribbon'] })
    // The panel sends every value back: a retired one the ticket holds is fine.
    const resent = await api('PATCH', `/tickets/${holder.number}`, agent.headers, {
      fields: { gift_wrap: 'box', extras: ['ribbon', 'card'] },
    })
    expect(resent.statusCode, resent.body).toBe(200)
    expect(resent.json().fields.extras).toEqual(['card', 'ribbon'])
    const other = (await newTicket()).json()
    const refused = await api('PATCH', `/tickets/${other.number}`, agent.headers, {
      fields: { gift_wrap: 'box', extras: ['ribbon'] },
    })
    expect(refused.statusCode).toBe(400)
    expect(problems(refused)).toEqual([
      { pointer: '/body/fields/gift_wrap', detail: '"box" is a retired option' },
      { pointer: '/body/fields/extras', detail: '"ribbon" is a retired option' },
    ])
    // Once changed away, the retired option cannot come back.
    await api('PATCH', `/tickets/${holder.number}`, agent.headers, { fields: { gift_wrap: 'paper' } })
    const back = await api('PATCH', `/tickets/${holder.number}`, agent.headers, {
      fields: { gift_wrap: 'box' },
    })
    expect(back.statusCode).toBe(400)
  })

  it('keeps an archived field’s values on the ticket', async () => {
    const field = await defineField({ key: 'survey_sent', type: 'checkbox' })
    const ticket = (await newTicket({ survey_sent: true })).json()
    await api('PATCH', `/ticket-fields/${field.id}`, admin.headers, { archived: true })
    expect((await api('GET', `/tickets/${ticket.number}`, agent.headers)).json().fields).toEqual({
      survey_sent: true,
    })
    const write = await api('PATCH', `/tickets/${ticket.number}`, agent.headers, {
      fields: { survey_sent: null },
    })
    expect(write.json().code).toBe('field.unknown')
  })
})

describe('required custom fields', () => {
  it('must be filled before a ticket of their team is solved or closed, listing every missing one', async () => {
    const everywhere = await defineField({
      key: 'cause',
      type: 'select',
      options: ['user', 'bug'].map(option),
      required: 'all',
    })
    const teamOnly = await defineField({
      key: 'serial_no',
      type: 'text',
      required: 'teams',
      requiredTeamIds: [teamA.id],
    })
    const ticked = await defineField({ key: 'customer_told', type: 'checkbox', required: 'all' })
    try {
      const a = (await newTicket(undefined, teamA.id)).json()
      const b = (await newTicket(undefined, teamB.id)).json()

      // Opening, working and pending need nothing.
      expect(
        (await api('PATCH', `/tickets/${a.number}`, agent.headers, { status: 'pending' })).statusCode,
      ).toBe(200)

      const solveA = await api('PATCH', `/tickets/${a.number}`, agent.headers, { status: 'solved' })
      expect(solveA.statusCode).toBe(400)
      expect(solveA.json()).toMatchObject({
        code: 'ticket.fields_required',
        params: { fields: 'cause,serial_no,customer_told' },
      })
      expect(problems(solveA).map((p) => p.pointer)).toEqual([
        '/body/fields/cause',
        '/body/fields/serial_no',
        '/body/fields/customer_told',
      ])
      const german = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/tickets/${a.number}`,
        headers: { ...agent.headers, 'accept-language': 'de' },
        payload: { status: 'closed' },
      })
      expect(german.json().title).toBe(
        'Bitte füllen Sie die Pflichtfelder aus, bevor Sie das Ticket lösen oder schließen.',
      )
      // Team B does not require the serial number.
      const solveB = await api('PATCH', `/tickets/${b.number}`, agent.headers, { status: 'closed' })
      expect(problems(solveB).map((p) => p.pointer)).toEqual([
        '/body/fields/cause',
        '/body/fields/customer_told',
      ])
      // A reply that solves, and a ticket opened as solved, are held to the same rule.
      const reply = await api('POST', `/tickets/${a.number}/interactions`, agent.headers, {
        kind: 'reply',
        text: 'Erledigt.',
        status: 'solved',
      })
      expect(reply.statusCode).toBe(400)
      expect(reply.json().code).toBe('ticket.fields_required')
      const customer = await t.buildCustomer()
      const openedSolved = await api('POST', '/tickets', agent.headers, {
        subject: 'Telefonat',
        customerId: customer.id,
        teamId: teamB.id,
        status: 'solved',
        fields: { cause: 'user' },
      })
      expect(problems(openedSolved).map((p) => p.pointer)).toEqual(['/body/fields/customer_told'])
      const after = (await api('GET', `/tickets/${a.number}`, agent.headers)).json()
      expect(after.status).toBe('pending')
      expect(after.timeline.filter((e: { kind: string }) => e.kind === 'interaction')).toHaveLength(0)

      // An unticked checkbox is not filled; filled values and the status in one change solve it.
      const unticked = await api('PATCH', `/tickets/${b.number}`, agent.headers, {
        status: 'solved',
        fields: { cause: 'bug', customer_told: false },
      })
      expect(problems(unticked).map((p) => p.pointer)).toEqual(['/body/fields/customer_told'])
      const solved = await api('PATCH', `/tickets/${b.number}`, agent.headers, {
        status: 'solved',
        fields: { cause: 'bug', customer_told: true },
        closing: { askedAnythingElse: true, resolution: 'confirmed' },
      })
      expect(solved.statusCode, solved.body).toBe(200)
      expect(solved.json()).toMatchObject({ status: 'solved', fields: { cause: 'bug', customer_told: true } })
      const solvedOpen = await api('POST', '/tickets', agent.headers, {
        subject: 'Telefonat',
        customerId: customer.id,
        teamId: teamB.id,
        status: 'solved',
        fields: { cause: 'user', customer_told: true },
        closing: { askedAnythingElse: true, resolution: 'confirmed' },
      })
      expect(solvedOpen.statusCode, solvedOpen.body).toBe(201)

      await api('PATCH', `/tickets/${a.number}`, agent.headers, {
        fields: { cause: 'user', serial_no: 'SN-1', customer_told: true },
      })
      const replied = await api('POST', `/tickets/${a.number}/interactions`, agent.headers, {
        kind: 'reply',
        text: 'Erledigt.',
        status: 'solved',
        closing: { askedAnythingElse: true, resolution: 'confirmed' },
      })
      expect(replied.statusCode, replied.body).toBe(201)
      expect(replied.json().status).toBe('solved')
    } finally {
      for (const f of [everywhere, teamOnly, ticked])
        await api('PATCH', `/ticket-fields/${f.id}`, admin.headers, { archived: true })
    }
  })

  it('no longer applies once archived', async () => {
    const f = await defineField({ key: 'temporary_must', type: 'text', required: 'all' })
    const ticket = (await newTicket()).json()
    expect(
      (await api('PATCH', `/tickets/${ticket.number}`, agent.headers, { status: 'solved' })).statusCode,
    ).toBe(400)
    await api('PATCH', `/ticket-fields/${f.id}`, admin.headers, { archived: true })
    expect(
      (
        await api('PATCH', `/tickets/${ticket.number}`, agent.headers, {
          status: 'solved',
          closing: { askedAnythingElse: true, resolution: 'confirmed' },
        })
      ).statusCode,
    ).toBe(200)
  })
})

describe('custom field filters', () => {
  it('filter the inbox and saved views by each type', async () => {
    const filterTeam = await t.buildTeam()
    const viewer = await t.buildStaff({ teams: [{ teamId: filterTeam.id }] })
    const make = async (fields: Record<string, unknown>) =>
      (await newTicket(fields, filterTeam.id, viewer)).json().number as number
    const one = await make({
      resolution: 'refund',
      amount: 10,
      due: '2026-12-01',
      products: ['bike'],
      callback: true,
      order_no: 'A-1',
    })
    const two = await make({
      resolution: 'exchange',
      amount: 50,
      due: '2026-12-15',
      products: ['bike', 'lock'],
      callback: false,
    })
    const three = await make({ resolution: 'refund', amount: 500, products: ['lock'], order_no: 'A, 2' })
    const four = await make({})
    const list = async (...filters: string[]) => {
      const qs = new URLSearchParams([
        ['teamId', filterTeam.id],
        ...filters.map((f): [string, string] => ['field', f]),
      ])
      const res = await api('GET', `/tickets?${qs}`, viewer.headers)
      expect(res.statusCode, res.body).toBe(200)
      return (res.json().items as { number: number }[]).map((x) => x.number).sort((a, b) => a - b)
    }
    expect(await list('resolution:eq:refund')).toEqual([one, three])
    expect(await list('products:has:bike')).toEqual([one, two])
    expect(await list('products:has:lock', 'resolution:eq:refund')).toEqual([three])
    expect(await list('callback:eq:true')).toEqual([one])
    expect(await list('callback:eq:false')).toEqual([two, three, four])
    expect(await list('amount:eq:50')).toEqual([two])
    expect(await list('amount:gte:50')).toEqual([two, three])
    expect(await list('amount:gte:10', 'amount:lte:50')).toEqual([one, two])
    expect(await list('due:eq:2026-12-15')).toEqual([two])
    expect(await list('due:lte:2026-12-10')).toEqual([one])
    expect(await list('due:gte:2026-12-02')).toEqual([two])
    expect(await list('order_no:eq:A-1')).toEqual([one])
    expect(await list('order_no:eq:A, 2')).toEqual([three])
    // Comma-separated in one parameter, as the web app's client sends lists.
    const joined = await api(
      'GET',
      `/tickets?teamId=${filterTeam.id}&field=${encodeURIComponent('resolution:eq:refund,amount:gte:100')}`,
      viewer.headers,
    )
    expect(joined.json().items.map((x: { number: number }) => x.number)).toEqual([three])

    const bad: [string, string, string][] = [
      ['nope:eq:1', 'field.unknown', 'unknown field "nope"'],
      ['amount:has:1', 'field.invalid_value', 'a number field is filtered with eq or gte or lte'],
      ['amount:gte:many', 'field.invalid_value', 'not a number'],
      ['due:lte:2026-02-31', 'field.invalid_value', 'not a valid date (YYYY-MM-DD)'],
      ['resolution:eq:gift', 'field.invalid_value', '"gift" is not one of the options'],
      ['callback:eq:ja', 'field.invalid_value', 'true or false'],
    ]
    for (const [filter, code, detail] of bad) {
      const res = await api('GET', `/tickets?field=${encodeURIComponent(filter)}`, viewer.headers)
      expect(res.statusCode, filter).toBe(400)
      expect(res.json()).toMatchObject({ code, errors: [{ pointer: '/querystring/field/0', detail }] })
    }
    const malformed = await api('GET', '/tickets?field=resolution=refund', viewer.headers)
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().errors[0].pointer).toBe('/querystring/field/0')
    const tooMany = new URLSearchParams(
      Array.from({ length: 11 }, (): [string, string] => ['field', 'amount:gte:1']),
    )
    expect((await api('GET', `/tickets?${tooMany}`, viewer.headers)).statusCode).toBe(400)

    // A saved view keeps the filters and gives the same list.
    const saved = await api('POST', '/me/views', viewer.headers, {
      name: 'Refunds with a lock',
      query: { teamId: filterTeam.id, field: ['resolution:eq:refund', 'products:has:lock'] },
    })
    expect(saved.statusCode, saved.body).toBe(201)
    expect(saved.json().query.field).toEqual(['resolution:eq:refund', 'products:has:lock'])
    const [view] = (await api('GET', '/me/views', viewer.headers)).json()
    expect(view.query).toEqual({
      teamId: filterTeam.id,
      field: ['resolution:eq:refund', 'products:has:lock'],
    })
    expect(await list(...view.query.field)).toEqual([three])
    const badViews: [unknown, string, string][] = [
      [['nope:eq:x'], '/body/query/field/0', 'field.unknown'],
      [['amount:eq:1', 'amount:gte:x'], '/body/query/field/1', 'field.invalid_value'],
      [['amount'], '/body/query/field/0', 'request.invalid'],
    ]
    for (const [field, pointer, code] of badViews) {
      const res = await api('POST', '/me/views', viewer.headers, { name: `bad ${pointer}`, query: { field } })
      expect(res.statusCode, JSON.stringify(field)).toBe(400)
      expect(res.json().code).toBe(code)
      expect(
        problems(res)
          .map((p) => p.pointer)
          .join(' '),
      ).toContain(pointer)
    }
  })

  it('find rare matches beyond the walk of the list through the index, page by page', async () => {
    const team = await t.buildTeam()
    const viewer = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const ctx = t.ctxAs({
      kind: 'staff',
      id: viewer.id,
      role: 'agent',
      teamIds: [team.id],
      supervisedTeamIds: [],
    })
    const numbers: number[] = []
    for (const resolution of [
      'exchange',
      'refund',
      'exchange',
      'refund',
      'exchange',
      'exchange',
      'exchange',
    ]) {
      numbers.push((await newTicket({ resolution }, team.id, viewer)).json().number)
    }
    const refunds = [numbers[3], numbers[1]]
    const query = { teamId: team.id, field: ['resolution:eq:refund'], sort: 'updated' as const, limit: 1 }
    // A walk of two tickets sees no refund: the index collects them, one page at a time.
    const first = await listTickets(ctx, query, { walkBudget: 2 })
    expect(first.items.map((x) => x.number)).toEqual([refunds[0]])
    expect(first.nextCursor).not.toBeNull()
    const second = await listTickets(ctx, { ...query, cursor: first.nextCursor! }, { walkBudget: 2 })
    expect(second.items.map((x) => x.number)).toEqual([refunds[1]])
    expect(second.nextCursor).toBeNull()
    // A walk that sees the whole list answers by itself, with the same result.
    const whole = await listTickets(ctx, { ...query, limit: 10 }, { walkBudget: 100 })
    expect(whole.items.map((x) => x.number)).toEqual(refunds)
    // Conditions the index cannot answer (ranges, an unticked box) filter the whole list.
    const notTicked = await listTickets(
      ctx,
      { teamId: team.id, field: ['callback:eq:false'], sort: 'updated', limit: 10 },
      { walkBudget: 2 },
    )
    expect(notTicked.items).toHaveLength(7)
    const mixed = await listTickets(
      ctx,
      { teamId: team.id, field: ['callback:eq:false', 'resolution:eq:refund'], sort: 'updated', limit: 10 },
      { walkBudget: 2 },
    )
    expect(mixed.items.map((x) => x.number)).toEqual(refunds)
  })
})
