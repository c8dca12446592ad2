import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { signIn, startTestApp, type TestApp } from '../../../test/harness.ts'
import { inTransaction } from '../../platform/context.ts'
import { archiveTeam } from '../teams/index.ts'
import { type ChannelAdapter, intake, mergeTicket } from './index.ts'

let t: TestApp
let teamA: Awaited<ReturnType<TestApp['buildTeam']>>
let teamB: Awaited<ReturnType<TestApp['buildTeam']>>
let agentA: Awaited<ReturnType<TestApp['buildStaff']>>
let agentA2: Awaited<ReturnType<TestApp['buildStaff']>>
let agentB: Awaited<ReturnType<TestApp['buildStaff']>>
let admin: Awaited<ReturnType<TestApp['buildStaff']>>
let supervisorA: Awaited<ReturnType<TestApp['buildStaff']>>

beforeAll(async () => {
  t = await startTestApp()
  teamA = await t.buildTeam('Kundenservice')
  teamB = await t.buildTeam('Technik')
  agentA = await t.buildStaff({ teams: [{ teamId: teamA.id }], name: 'Anna Agent' })
  agentA2 = await t.buildStaff({ teams: [{ teamId: teamA.id }], name: 'Albert Agent' })
  agentB = await t.buildStaff({ teams: [{ teamId: teamB.id }], name: 'Bernd Agent' })
  supervisorA = await t.buildStaff({ role: 'supervisor', teams: [{ teamId: teamA.id, role: 'supervisor' }] })
  admin = await t.buildStaff({ role: 'admin' })
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

describe('tickets', () => {
  it('creates a ticket with a human number, its first message and a created event', async () => {
    const customer = await t.buildCustomer({ name: 'Jürgen Weiß' })
    const res = await api('POST', '/tickets', agentA.headers, {
      subject: 'Rücksendung: Größe passt nicht',
      customerId: customer.id,
      channel: 'phone',
      message: { text: 'Kunde ruft an, möchte die Schuhe zurückschicken.', direction: 'inbound' },
      tags: ['Retoure'],
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.number).toBeGreaterThanOrEqual(10001)
    expect(body.team).toEqual({ id: teamA.id, name: 'Kundenservice' })
    expect(body.language).toBe('de')
    expect(body.tags).toEqual(['retoure'])
    expect(body.timeline.map((e: { kind: string; type?: string }) => e.type ?? e.kind)).toEqual([
      'interaction',
      'ticket.created',
    ])
    expect(body.timeline[0].author).toMatchObject({ type: 'customer', name: 'Jürgen Weiß' })
    const byNumber = await api('GET', `/tickets/${body.number}`, agentA.headers)
    expect(byNumber.json().id).toBe(body.id)
  })

  it('hides other teams’ tickets exactly like missing ones, by id and by number', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id })
    for (const ref of [ticket.id, ticket.number]) {
      const hidden = await api('GET', `/tickets/${ref}`, agentB.headers)
      const missing = await api(
        'GET',
        `/tickets/${typeof ref === 'number' ? 99_999_999 : '0190a000-0000-7000-8000-000000000000'}`,
        agentB.headers,
      )
      expect(hidden.statusCode).toBe(404)
      expect(missing.statusCode).toBe(404)
      expect({ ...hidden.json(), instance: '', requestId: '' }).toEqual({
        ...missing.json(),
        instance: '',
        requestId: '',
      })
    }
    for (const [method, url, payload] of [
      ['PATCH', `/tickets/${ticket.id}`, { status: 'solved' }],
      ['POST', `/tickets/${ticket.id}/interactions`, { kind: 'reply', text: 'Hallo' }],
      [
        'POST',
        `/tickets/${ticket.id}/assign`,
        { assigneeId: agentB.id, teamId: teamB.id, reason: 'mine now' },
      ],
      ['POST', `/tickets/${ticket.number}/merge`, { into: ticket.number + 1 }],
    ] as const) {
      const res = await api(method, url, agentB.headers, payload)
      expect(res.statusCode, `${method} ${url}`).toBe(404)
    }
    const after = await api('GET', `/tickets/${ticket.id}`, admin.headers)
    expect(after.json().status).toBe('new')
    expect(after.json().timeline).toHaveLength(2)
  })

  it('lists only visible tickets for each role', async () => {
    const a = await t.buildTicket({ teamId: teamA.id, subject: 'Visible to A' })
    const b = await t.buildTicket({ teamId: teamB.id, subject: 'Visible to B' })
    const ids = async (headers: Record<string, string>) =>
      ((await api('GET', '/tickets?limit=100', headers)).json().items as { id: string }[]).map((i) => i.id)
    expect(await ids(agentA.headers)).toContain(a.id)
    expect(await ids(agentA.headers)).not.toContain(b.id)
    expect(await ids(supervisorA.headers)).toContain(a.id)
    expect(await ids(supervisorA.headers)).not.toContain(b.id)
    expect(await ids(admin.headers)).toEqual(expect.arrayContaining([a.id, b.id]))
    const filtered = await api('GET', `/tickets?teamId=${teamB.id}`, agentA.headers)
    expect(filtered.json().items).toEqual([])
  })

  it('does not show a team’s ticket to an agent of another team', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id })
    const res = await api('GET', `/tickets/${ticket.id}`, agentB.headers)
    expect(res.statusCode).toBe(404)
  })

  it('requires a reason to transfer to another team or agent, and records from → to with the reason', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id, assigneeId: agentA.id })
    const noReason = await api('POST', `/tickets/${ticket.id}/assign`, agentA.headers, {
      assigneeId: agentA2.id,
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().code).toBe('ticket.transfer_reason_required')
    expect(noReason.json().errors[0].pointer).toBe('/body/reason')
    const toTeam = await api('POST', `/tickets/${ticket.id}/assign`, agentA.headers, { teamId: teamB.id })
    expect(toTeam.statusCode).toBe(400)
    const moved = await api('POST', `/tickets/${ticket.id}/assign`, agentA.headers, {
      teamId: teamB.id,
      reason: 'Router-Problem, braucht die Technik',
    })
    expect(moved.statusCode).toBe(200)
    const body = moved.json()
    expect(body.team.id).toBe(teamB.id)
    expect(body.assignee).toBeNull()
    const event = body.timeline.find((e: { type?: string }) => e.type === 'ticket.transferred')
    expect(event).toMatchObject({
      reason: 'Router-Problem, braucht die Technik',
      actor: { id: agentA.id, name: 'Anna Agent' },
      changes: { team: { from: teamA.id, to: teamB.id }, assignee: { from: agentA.id, to: null } },
    })
    // Agent A no longer sees it; agent B does.
    expect((await api('GET', `/tickets/${ticket.id}`, agentA.headers)).statusCode).toBe(404)
    expect((await api('GET', `/tickets/${ticket.id}`, agentB.headers)).statusCode).toBe(200)
  })

  it('answers the second of two agents taking the same ticket at once with 409 naming who took it', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id })
    const take = (who: typeof agentA, language: string) =>
      api(
        'POST',
        `/tickets/${ticket.id}/assign`,
        { ...who.headers, 'accept-language': language },
        {
          assigneeId: who.id,
          expectAssigneeId: null,
        },
      )
    const [first, second] = await Promise.all([take(agentA, 'de'), take(agentA2, 'de')])
    const [won, lost] = first.statusCode === 200 ? [first, second] : [second, first]
    expect(won.statusCode).toBe(200)
    expect(lost.statusCode).toBe(409)
    const winner = won.json().assignee.name
    expect(lost.json()).toMatchObject({
      code: 'ticket.already_taken',
      title: 'Jemand anderes hat dieses Ticket bereits übernommen.',
      params: { name: winner },
    })
    // Without the expectation, giving it to someone else is a transfer and needs its reason.
    const loser = winner === 'Anna Agent' ? agentA2 : agentA
    const plain = await api('POST', `/tickets/${ticket.id}/assign`, loser.headers, { assigneeId: loser.id })
    expect(plain.json().code).toBe('ticket.transfer_reason_required')
    const events = won.json().timeline.filter((e: { type?: string }) => e.type === 'ticket.assigned')
    expect(events).toHaveLength(1)
  })

  it('returns a deactivated agent’s open tickets to the team queue, each with an event', async () => {
    const leaving = await t.buildStaff({ teams: [{ teamId: teamA.id }], name: 'Lea Leaving' })
    const open = await t.buildTicket({ teamId: teamA.id, assigneeId: leaving.id })
    const solved = await t.buildTicket({ teamId: teamA.id, assigneeId: leaving.id })
    await api('PATCH', `/tickets/${solved.id}`, leaving.headers, {
      status: 'solved',
      closing: { askedAnythingElse: true, resolution: 'confirmed' },
    })
    const res = await api('PATCH', `/users/${leaving.id}`, admin.headers, { active: false })
    expect(res.statusCode).toBe(200)
    const back = (await api('GET', `/tickets/${open.id}`, agentA2.headers)).json()
    expect(back.assignee).toBeNull()
    expect(back.team.id).toBe(teamA.id)
    expect(back.timeline.at(-1)).toMatchObject({
      type: 'ticket.assigned',
      actor: { id: admin.id },
      changes: { assignee: { from: leaving.id, to: null } },
    })
    // A solved ticket keeps its assignee: who solved it stays on record.
    expect((await api('GET', `/tickets/${solved.id}`, admin.headers)).json().assignee.id).toBe(leaving.id)
  })

  it('takes an unassigned ticket without a reason, but rejects an assignee outside the team', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id })
    const take = await api('POST', `/tickets/${ticket.id}/assign`, agentA.headers, { assigneeId: agentA.id })
    expect(take.statusCode).toBe(200)
    expect(take.json().timeline.at(-1)).toMatchObject({
      type: 'ticket.assigned',
      changes: { assignee: { from: null, to: agentA.id } },
    })
    const outsider = await api('POST', `/tickets/${ticket.id}/assign`, agentA.headers, {
      assigneeId: agentB.id,
      reason: 'x',
    })
    expect(outsider.statusCode).toBe(400)
    expect(outsider.json().code).toBe('ticket.assignee_not_in_team')
    const ghost = await api('POST', `/tickets/${ticket.id}/assign`, agentA.headers, {
      assigneeId: '0190a000-0000-7000-8000-000000000000',
      reason: 'x',
    })
    expect(ghost.statusCode).toBe(404)
  })

  it('records every status, priority and tag change with who, from and to', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id })
    const res = await api('PATCH', `/tickets/${ticket.id}`, agentA.headers, {
      status: 'pending',
      priority: 'high',
      tags: ['vip', 'rechnung'],
      reason: 'Warten auf Rückruf',
    })
    expect(res.statusCode).toBe(200)
    const types = res
      .json()
      .timeline.filter((e: { kind: string }) => e.kind === 'event')
      .map((e: { type: string }) => e.type)
    expect(types).toEqual([
      'ticket.created',
      'ticket.status_changed',
      'ticket.priority_changed',
      'ticket.tags_changed',
    ])
    const solved = await api('PATCH', `/tickets/${ticket.id}`, agentA.headers, {
      status: 'solved',
      closing: { askedAnythingElse: true, resolution: 'confirmed' },
    })
    expect(solved.json().solvedAt).not.toBeNull()
    const same = await api('PATCH', `/tickets/${ticket.id}`, agentA.headers, { status: 'solved' })
    expect(same.json().timeline).toHaveLength(solved.json().timeline.length)
  })

  it('adds public replies and internal notes; a customer message reopens a solved ticket', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id })
    const reply = await api('POST', `/tickets/${ticket.id}/interactions`, agentA.headers, {
      kind: 'reply',
      html: '<p>Guten Tag Herr Weiß,</p><p>wir <b>prüfen</b> das.<script>alert(1)</script><img src="https://tracker.example/x.gif" onerror="alert(2)"></p>',
    })
    expect(reply.statusCode).toBe(201)
    const sent = reply.json().timeline.find((e: { direction?: string }) => e.direction === 'outbound')
    expect(sent.html).not.toMatch(/script|onerror|tracker/)
    expect(sent.text).toContain('wir prüfen das.')
    expect(reply.json().status).toBe('open')
    const note = await api('POST', `/tickets/${ticket.id}/interactions`, agentA.headers, {
      kind: 'note',
      text: 'Kunde ist ungeduldig.',
    })
    expect(note.json().timeline.find((e: { channel?: string }) => e.channel === 'note')).toMatchObject({
      direction: 'internal',
    })
    await api('PATCH', `/tickets/${ticket.id}`, agentA.headers, {
      status: 'solved',
      closing: { askedAnythingElse: true, resolution: 'confirmed' },
    })
    const again = await api('POST', `/tickets/${ticket.id}/interactions`, agentA.headers, {
      kind: 'inbound',
      text: 'Es geht immer noch nicht.',
    })
    expect(again.json().status).toBe('open')
    const empty = await api('POST', `/tickets/${ticket.id}/interactions`, agentA.headers, {
      kind: 'reply',
      text: '   ',
    })
    expect(empty.statusCode).toBe(400)
  })

  it('merges a ticket: the timeline moves, the old number points to the survivor, both record the merge', async () => {
    const customer = await t.buildCustomer({ name: 'Sarah Miller', language: 'en' })
    const keep = await t.buildTicket({
      teamId: teamA.id,
      customerId: customer.id,
      subject: 'Invoice wrong',
      text: 'My invoice shows the wrong amount.',
    })
    const dup = await t.buildTicket({
      teamId: teamA.id,
      customerId: customer.id,
      subject: 'Invoice again',
      text: 'Second mail about the invoice.',
    })
    const res = await api('POST', `/tickets/${dup.number}/merge`, agentA.headers, {
      into: keep.number,
      reason: 'Same invoice',
    })
    expect(res.statusCode).toBe(200)
    const survivor = res.json()
    expect(survivor.id).toBe(keep.id)
    const texts = survivor.timeline
      .filter((e: { kind: string }) => e.kind === 'interaction')
      .map((e: { text: string }) => e.text)
    expect(texts).toEqual(['My invoice shows the wrong amount.', 'Second mail about the invoice.'])
    expect(
      survivor.timeline.find(
        (e: { mergedFromTicketNumber?: number }) => e.mergedFromTicketNumber === dup.number,
      ),
    ).toBeTruthy()
    expect(survivor.timeline.at(-1)).toMatchObject({
      type: 'ticket.merged',
      reason: 'Same invoice',
      changes: { merged: { to: dup.number } },
    })
    const viaOldNumber = await api('GET', `/tickets/${dup.number}`, agentA.headers)
    expect(viaOldNumber.json().id).toBe(keep.id)
    const old = await api('GET', `/tickets/${dup.id}`, agentA.headers)
    expect(old.json()).toMatchObject({ status: 'closed', mergedInto: { id: keep.id, number: keep.number } })
    expect(old.json().timeline.at(-1)).toMatchObject({ type: 'ticket.merged_into' })
    // Later messages addressed to the old number land on the survivor.
    const late = await api('POST', `/tickets/${dup.number}/interactions`, agentA.headers, {
      kind: 'inbound',
      text: 'Any news?',
    })
    expect(late.json().id).toBe(keep.id)
    // The merged ticket takes no more work by id, and cannot be merged again.
    expect((await api('PATCH', `/tickets/${dup.id}`, agentA.headers, { status: 'open' })).json().code).toBe(
      'ticket.merged',
    )
    expect(
      (await api('POST', `/tickets/${dup.id}/merge`, agentA.headers, { into: keep.id })).statusCode,
    ).toBe(409)
    expect(
      (await api('POST', `/tickets/${keep.id}/merge`, agentA.headers, { into: keep.number })).json().code,
    ).toBe('ticket.merge_self')
    const listed = (await api('GET', '/tickets?limit=100', agentA.headers))
      .json()
      .items.map((i: { id: string }) => i.id)
    expect(listed).not.toContain(dup.id)
  })

  it('does not merge into a ticket the caller cannot see', async () => {
    const mine = await t.buildTicket({ teamId: teamA.id })
    const theirs = await t.buildTicket({ teamId: teamB.id })
    const res = await api('POST', `/tickets/${mine.id}/merge`, agentA.headers, { into: theirs.id })
    expect(res.statusCode).toBe(404)
    expect((await api('GET', `/tickets/${mine.id}`, agentA.headers)).json().mergedInto).toBeNull()
  })

  it('finds tickets by full text in German and English, including inflected forms and messages', async () => {
    const de = await t.buildCustomer({ language: 'de' })
    const en = await t.buildCustomer({ language: 'en' })
    const a = await t.buildTicket({
      teamId: teamA.id,
      customerId: de.id,
      subject: 'Rücksendungen der Bestellungen',
      text: 'Die Lieferung kam beschädigt an.',
    })
    const b = await t.buildTicket({
      teamId: teamA.id,
      customerId: en.id,
      subject: 'Refund request',
      text: 'The parcels were damaged during shipping.',
    })
    const find = async (q: string) =>
      (
        (await api('GET', `/tickets?q=${encodeURIComponent(q)}&limit=100`, agentA.headers)).json().items as {
          id: string
        }[]
      ).map((i) => i.id)
    expect(await find('Rücksendung')).toContain(a.id)
    expect(await find('bestellung')).toContain(a.id)
    expect(await find('beschädigte Lieferungen')).toContain(a.id)
    expect(await find('parcel damage')).toContain(b.id)
    expect(await find('refunds')).toContain(b.id)
    expect(await find('refunds')).not.toContain(a.id)
    const hidden = await t.buildTicket({ teamId: teamB.id, subject: 'Rücksendung geheim' })
    expect(await find('Rücksendung')).not.toContain(hidden.id)
  })

  it('pages through the list with a cursor, every ticket exactly once', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const created = new Set<string>()
    for (let i = 0; i < 7; i++)
      created.add((await t.buildTicket({ teamId: team.id, subject: `Ticket ${i}` })).id)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await api(
        'GET',
        `/tickets?limit=3&sort=created${cursor ? `&cursor=${cursor}` : ''}`,
        agent.headers,
      )
      expect(res.statusCode).toBe(200)
      seen.push(...res.json().items.map((i: { id: string }) => i.id))
      cursor = res.json().nextCursor
    } while (cursor)
    expect(seen).toHaveLength(7)
    expect(new Set(seen)).toEqual(created)
    const bad = await api('GET', '/tickets?cursor=not-a-cursor', agent.headers)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().code).toBe('ticket.invalid_cursor')
  })

  it('filters by status, assignee, customer and tag', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const customer = await t.buildCustomer()
    const one = await t.buildTicket({ teamId: team.id, customerId: customer.id, assigneeId: agent.id })
    const two = await t.buildTicket({ teamId: team.id })
    await api('PATCH', `/tickets/${two.id}`, agent.headers, { status: 'pending', tags: ['rueckruf'] })
    const ids = async (qs: string) =>
      ((await api('GET', `/tickets?${qs}`, agent.headers)).json().items as { id: string }[]).map((i) => i.id)
    expect(await ids('assigneeId=me')).toEqual([one.id])
    expect(await ids(`teamId=${team.id}&assigneeId=none`)).toEqual([two.id])
    expect(await ids(`customerId=${customer.id}`)).toEqual([one.id])
    expect(await ids(`teamId=${team.id}&status=pending,solved`)).toEqual([two.id])
    expect(await ids('tag=rueckruf')).toEqual([two.id])
    expect((await api('GET', '/tickets?status=bogus', agent.headers)).statusCode).toBe(400)
  })

  it('answers a creation with exactly the page the ticket then shows', async () => {
    const customer = await t.buildCustomer()
    const admin = await t.buildStaff({ role: 'admin', name: 'Ada Admin' })
    const variants: [Record<string, string>, object][] = [
      [
        agentA.headers,
        {
          subject: 'Inbound',
          customerId: customer.id,
          teamId: teamA.id,
          tags: ['b', 'a', 'b'],
          message: { text: 'Hallo' },
        },
      ],
      [
        agentA.headers,
        {
          subject: 'Outbound',
          customerId: customer.id,
          teamId: teamA.id,
          assigneeId: agentA.id,
          status: 'open',
          priority: 'high',
          language: 'en',
          channel: 'phone',
          message: { text: 'We called back.', html: '<p>We <b>called</b> back.</p>', direction: 'outbound' },
        },
      ],
      [
        agentA.headers,
        { subject: 'Nothing said yet', customerId: customer.id, teamId: teamA.id, status: 'pending' },
      ],
      [
        admin.headers,
        { subject: 'No team', customerId: customer.id, message: { text: 'Notiz', direction: 'internal' } },
      ],
      [
        agentA.headers,
        {
          subject: 'Solved at once',
          customerId: customer.id,
          teamId: teamA.id,
          status: 'solved',
          closing: { askedAnythingElse: true, resolution: 'confirmed' },
          message: { text: 'Danke' },
        },
      ],
    ]
    for (const [headers, payload] of variants) {
      const res = await api('POST', '/tickets', headers, payload)
      expect(res.statusCode, res.body).toBe(201)
      const page = await api('GET', `/tickets/${res.json().id}`, headers)
      expect(res.json(), JSON.stringify(payload)).toEqual(page.json())
    }
  })

  it('opens no ticket in an archived team, not even for an admin', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const team = await t.buildTeam()
    await archiveTeam(t.ctxAs(), team.id)
    const customer = await t.buildCustomer()
    const res = await api('POST', '/tickets', admin.headers, {
      subject: 'x',
      customerId: customer.id,
      teamId: team.id,
    })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ code: 'team.not_found', errors: [{ pointer: '/body/teamId' }] })
    const n = await t.database.pool.query('SELECT count(*)::int AS n FROM tickets WHERE customer_id = $1', [
      customer.id,
    ])
    expect(n.rows[0].n).toBe(0)
  })

  it('rejects bad input with problem+json and writes nothing', async () => {
    const customer = await t.buildCustomer()
    const before = await t.database.pool.query('SELECT count(*)::int AS n FROM tickets')
    const cases: [unknown, number, string][] = [
      [{}, 400, '/body/subject'],
      [{ subject: 'x' }, 400, '/body/customerId'],
      [{ subject: 42, customerId: customer.id }, 400, '/body/subject'],
      [{ subject: 'x', customerId: 'not-a-uuid' }, 400, '/body/customerId'],
      [{ subject: 'x', customerId: '0190a000-0000-7000-8000-000000000000' }, 404, '/body/customerId'],
      [{ subject: 'x', customerId: customer.id, teamId: teamB.id }, 404, '/body/teamId'],
      [
        { subject: 'x', customerId: customer.id, teamId: '0190a000-0000-7000-8000-000000000001' },
        404,
        '/body/teamId',
      ],
      [{ subject: 'x', customerId: customer.id, status: 'archived' }, 400, '/body/status'],
      [{ subject: 'x', customerId: customer.id, number: 1 }, 400, '/body'],
      [{ subject: 'x', customerId: customer.id, id: '0190a000-0000-7000-8000-000000000000' }, 400, '/body'],
      [{ subject: 'x', customerId: customer.id, assigneeId: agentB.id }, 400, ''],
    ]
    for (const [payload, status, pointer] of cases) {
      const res = await api('POST', '/tickets', agentA.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(status)
      expect(res.headers['content-type']).toContain('application/problem+json')
      const problem = res.json()
      expect(problem).toMatchObject({
        status,
        code: expect.any(String),
        title: expect.any(String),
        type: expect.any(String),
      })
      if (pointer)
        expect(problem.errors?.map((e: { pointer: string }) => e.pointer).join(' ')).toContain(pointer)
    }
    const after = await t.database.pool.query('SELECT count(*)::int AS n FROM tickets')
    expect(after.rows[0].n).toBe(before.rows[0].n)
  })

  it('answers unsupported content types with 415, oversized bodies with 413, broken JSON with 400', async () => {
    const customer = await t.buildCustomer()
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { ...agentA.headers, 'content-type': 'application/xml' },
      payload: '<ticket/>',
    })
    expect(xml.statusCode).toBe(415)
    expect(xml.headers['content-type']).toContain('application/problem+json')
    const big = await api('POST', '/tickets', agentA.headers, {
      subject: 'x',
      customerId: customer.id,
      message: { text: 'x'.repeat(1_200_000) },
    })
    expect(big.statusCode).toBe(413)
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { ...agentA.headers, 'content-type': 'application/json' },
      payload: '{"subject": ',
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.json().code).toBe('request.invalid')
  })

  it('stores attachments and serves them only as downloads, only to those who see the ticket', async () => {
    const ticket = await t.buildTicket({ teamId: teamA.id })
    const boundary = '----tresen'
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nreply`,
      `--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nAnbei die Rechnung.`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/<script>Rechnung.svg"\r\nContent-Type: image/svg+xml\r\n\r\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
      `--${boundary}--\r\n`,
    ].join('\r\n')
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${ticket.id}/interactions/upload`,
      headers: { ...agentA.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    })
    expect(res.statusCode).toBe(201)
    const file = res.json().timeline.find((e: { attachments?: unknown[] }) => e.attachments?.length)
      .attachments[0]
    expect(file.filename).not.toMatch(/[/<>]/)
    const dl = await t.app.inject({ method: 'GET', url: file.url, headers: agentA.headers })
    expect(dl.statusCode).toBe(200)
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/)
    expect(dl.headers['content-type']).toBe('application/octet-stream')
    expect(dl.headers['x-content-type-options']).toBe('nosniff')
    expect(dl.body).toContain('<svg')
    const other = await t.app.inject({ method: 'GET', url: file.url, headers: agentB.headers })
    expect(other.statusCode).toBe(404)
  })

  it('works with a cookie session and CSRF token as well as with a token', async () => {
    const s = await signIn(t.app, agentA.email, agentA.password)
    const customer = await t.buildCustomer()
    const res = await api('POST', '/tickets', s.headers, { subject: 'Per Browser', customerId: customer.id })
    expect(res.statusCode, res.body).toBe(201)
  })
})

describe('the ticket a channel message continues', () => {
  it('is found locked by number or Message-ID as the same row the desk reads otherwise, survivor of a merge', async () => {
    const first = await t.buildTicket({ teamId: teamA.id })
    const second = await t.buildTicket({ teamId: teamA.id })
    const ctx = t.ctxAs()
    const mail: ChannelAdapter<{ channel: 'email'; messageId?: string }> = {
      channel: 'email',
      data: z.object({ channel: z.literal('email'), messageId: z.string().optional() }),
      threadKey: (data) => data.messageId ?? null,
    }
    const row = await intake.ticket(ctx, first.id)
    const interaction = await intake.contact(ctx, first.interactionId!)
    await intake.reportOutcome(ctx, mail, interaction!.id, { messageId: '<m1@example.de>' })
    await inTransaction(ctx, async (tx) => {
      expect(await intake.lockTicket(tx, { number: first.number })).toEqual(row)
      expect(
        await intake.lockTicket(tx, { channel: 'email', keys: ['<nope@x>', '<m1@example.de>'] }),
      ).toEqual(row)
      // A key is a key of its channel only.
      expect(await intake.lockTicket(tx, { channel: 'phone', keys: ['<m1@example.de>'] })).toBeUndefined()
      expect(await intake.lockTicket(tx, { channel: 'email', keys: ['<nope@x>'] })).toBeUndefined()
      expect(await intake.lockTicket(tx, { number: 999_999_999 })).toBeUndefined()
    })
    await mergeTicket(t.ctxAs(), first.id, { into: second.id })
    const survivor = await intake.ticket(ctx, second.id)
    await inTransaction(ctx, async (tx) => {
      expect(await intake.lockTicket(tx, { number: first.number })).toEqual(survivor)
      expect(await intake.lockTicket(tx, { channel: 'email', keys: ['<m1@example.de>'] })).toEqual(survivor)
    })
  })
})
