import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { fixedClock } from '../../platform/clock.ts'
import { type Actor, SYSTEM } from '../../platform/context.ts'
import { MIGRATIONS_DIR } from '../../platform/db.ts'
import { addInteraction, createTicket, getTicketDetail, mergeTicket, updateTicket } from './index.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const api = (url: string, headers: Record<string, string>) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers })

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute))
const iso = (minute: number) => at(minute).toISOString()
/** A command context as `actor` at a fixed minute of the test day. */
const ctxAt = (minute: number, actor: Actor = SYSTEM) => ({
  ...t.ctxAs(actor),
  clock: fixedClock(at(minute)),
})

const open = async (
  minute: number,
  teamId: string,
  message: { direction: 'inbound' | 'outbound' | 'internal' } | null = { direction: 'inbound' },
) => {
  const customer = await t.buildCustomer()
  return createTicket(ctxAt(minute), {
    subject: `Opened at minute ${minute}`,
    customerId: customer.id,
    teamId,
    channel: 'email',
    status: 'new',
    priority: 'normal',
    tags: [],
    ...(message ? { message: { text: 'Hallo', direction: message.direction } } : {}),
  })
}
const say = (minute: number, ticketId: string, kind: 'reply' | 'note' | 'inbound') =>
  addInteraction(ctxAt(minute), ticketId, { kind, text: `${kind} at minute ${minute}` })
const times = async (ticketId: string) => {
  const { waitingSince, firstResponseAt } = await getTicketDetail(t.ctxAs(), ticketId)
  return { waitingSince, firstResponseAt }
}

describe('waiting time and first response', () => {
  it('starts the wait with the customer’s message, keeps it through notes and follow-ups, ends it with a reply', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const { id } = await open(0, team.id)
    expect(await times(id)).toEqual({ waitingSince: iso(0), firstResponseAt: null })
    await say(5, id, 'note')
    await say(7, id, 'inbound')
    expect(await times(id)).toEqual({ waitingSince: iso(0), firstResponseAt: null })
    await say(10, id, 'reply')
    expect(await times(id)).toEqual({ waitingSince: null, firstResponseAt: iso(10) })
    await say(20, id, 'inbound')
    await say(25, id, 'note')
    expect(await times(id)).toEqual({ waitingSince: iso(20), firstResponseAt: iso(10) })
    await say(30, id, 'reply')
    expect(await times(id)).toEqual({ waitingSince: null, firstResponseAt: iso(10) })
    // Pending or on hold is no answer: the customer still waits.
    await say(40, id, 'inbound')
    await updateTicket(ctxAt(41), id, { status: 'pending' })
    await updateTicket(ctxAt(42), id, { status: 'on_hold' })
    expect(await times(id)).toEqual({ waitingSince: iso(40), firstResponseAt: iso(10) })

    // The API shows both, in the list and in the detail.
    const detail = await api(`/tickets/${id}`, agent.headers)
    expect(detail.json()).toMatchObject({ waitingSince: iso(40), firstResponseAt: iso(10) })
    const list = await api(`/tickets?teamId=${team.id}`, agent.headers)
    expect(list.json().items).toEqual([
      expect.objectContaining({ id, waitingSince: iso(40), firstResponseAt: iso(10) }),
    ])
  })

  it('ends the wait when the ticket is solved, closed or merged away, while the customer spoke last', async () => {
    const team = await t.buildTeam()
    const { id } = await open(0, team.id)
    await updateTicket(ctxAt(5), id, { status: 'solved' })
    expect(await times(id)).toEqual({ waitingSince: null, firstResponseAt: null })
    // The customer writes again: the ticket reopens and a new wait starts.
    await say(10, id, 'inbound')
    expect(await times(id)).toEqual({ waitingSince: iso(10), firstResponseAt: null })
    await updateTicket(ctxAt(15), id, { status: 'closed' })
    expect(await times(id)).toEqual({ waitingSince: null, firstResponseAt: null })

    const source = await open(20, team.id)
    const target = await open(21, team.id, null)
    await mergeTicket(ctxAt(22), source.id, { into: target.id })
    expect(await times(source.id)).toEqual({ waitingSince: null, firstResponseAt: null })
    expect(await times(target.id)).toEqual({ waitingSince: iso(20), firstResponseAt: null })
  })

  it('does not wait on a ticket opened without a message, with a note, or by a staff message', async () => {
    const team = await t.buildTeam()
    expect(await times((await open(0, team.id, null)).id)).toEqual({
      waitingSince: null,
      firstResponseAt: null,
    })
    expect(await times((await open(1, team.id, { direction: 'internal' })).id)).toEqual({
      waitingSince: null,
      firstResponseAt: null,
    })
    expect(await times((await open(2, team.id, { direction: 'outbound' })).id)).toEqual({
      waitingSince: null,
      firstResponseAt: iso(2),
    })
  })

  it('keeps the longer wait and the earlier first response when merging', async () => {
    const team = await t.buildTeam()
    // The duplicate waits longer and was never answered; the survivor was answered, then waited again.
    const survivor = await open(10, team.id)
    await say(12, survivor.id, 'reply')
    await say(30, survivor.id, 'inbound')
    const duplicate = await open(20, team.id)
    await mergeTicket(ctxAt(40), duplicate.id, { into: survivor.id })
    expect(await times(survivor.id)).toEqual({ waitingSince: iso(20), firstResponseAt: iso(12) })

    // Merging a ticket that waits into one that does not: the survivor waits now.
    const answered = await open(50, team.id)
    await say(51, answered.id, 'reply')
    const waiting = await open(45, team.id)
    await mergeTicket(ctxAt(55), waiting.id, { into: answered.id })
    expect(await times(answered.id)).toEqual({ waitingSince: iso(45), firstResponseAt: iso(51) })

    // Neither waits nor was answered: nothing changes.
    const a = await open(60, team.id, null)
    const b = await open(61, team.id, { direction: 'internal' })
    await mergeTicket(ctxAt(62), b.id, { into: a.id })
    expect(await times(a.id)).toEqual({ waitingSince: null, firstResponseAt: null })
  })
})

describe('sort=waiting', () => {
  it('lists the longest wait first, then tickets nothing waits on, paging each ticket exactly once', async () => {
    const team = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: team.id }] })
    const a = await open(1, team.id)
    const b = await open(3, team.id)
    const c = await open(2, team.id)
    const d = await open(2, team.id) // the same moment as c: the id decides
    const answered = await open(0, team.id)
    await say(4, answered.id, 'reply')
    const silent = await open(5, team.id, null)
    const solvedWaiting = await open(0, team.id)
    await updateTicket(ctxAt(6), solvedWaiting.id, { status: 'solved' })
    const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : 1)
    const expected = [a, ...[c, d].sort(byId), b, ...[answered, silent].sort(byId)].map((x) => x.id)

    for (const limit of [1, 2, 3, 100]) {
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const res = await api(
          `/tickets?teamId=${team.id}&status=new,open,pending,on_hold&sort=waiting&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
          agent.headers,
        )
        expect(res.statusCode).toBe(200)
        seen.push(...res.json().items.map((i: { id: string }) => i.id))
        cursor = res.json().nextCursor
        pages++
      } while (cursor && pages < 20)
      expect(seen, `limit ${limit}`).toEqual(expected)
    }
    // Without a status filter the solved ticket is listed among those nothing waits on.
    const all = await api(`/tickets?teamId=${team.id}&sort=waiting&limit=100`, agent.headers)
    const ids = all.json().items.map((i: { id: string }) => i.id)
    expect(ids.slice(0, 4)).toEqual(expected.slice(0, 4))
    expect(ids.slice(4).sort()).toEqual([answered.id, silent.id, solvedWaiting.id].sort())
  })

  it('rejects an unknown sort and cursors that are not its own', async () => {
    const agent = await t.buildStaff()
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const waitingCursor = cursor([null, '0190a000-0000-7000-8000-000000000000'])
    expect((await api('/tickets?sort=waiting', agent.headers)).statusCode).toBe(200)
    expect((await api(`/tickets?sort=waiting&cursor=${waitingCursor}`, agent.headers)).statusCode).toBe(200)
    for (const qs of [
      'sort=longest',
      'sort=',
      `sort=updated&cursor=${waitingCursor}`,
      `sort=waiting&cursor=${cursor(['yesterday', '0190a000-0000-7000-8000-000000000000'])}`,
      `sort=waiting&cursor=${cursor([null, 'robert"); DROP TABLE tickets;--'])}`,
      `sort=waiting&cursor=${cursor({ at: null })}`,
      'sort=waiting&cursor=%%%',
    ]) {
      const res = await api(`/tickets?${qs}`, agent.headers)
      expect(res.statusCode, qs).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
  })
})

describe('teamId=mine', () => {
  it('lists the tickets of every team the caller belongs to, and only those', async () => {
    const one = await t.buildTeam()
    const two = await t.buildTeam()
    const other = await t.buildTeam()
    const agent = await t.buildStaff({
      teams: [{ teamId: one.id }, { teamId: two.id }, { teamId: other.id }],
    })
    const colleague = await t.buildStaff({ teams: [{ teamId: one.id }] })
    const inOne = await open(0, one.id)
    const inTwo = await open(1, two.id)
    const takenInOne = await t.buildTicket({ teamId: one.id, assigneeId: colleague.id })
    // Assigned to the agent in a team they have left since: visible to them, but not a ticket of their teams.
    const assignedElsewhere = await t.buildTicket({ teamId: other.id, assigneeId: agent.id })
    await t.database.pool.query('DELETE FROM team_members WHERE team_id = $1 AND staff_id = $2', [
      other.id,
      agent.id,
    ])
    const inOther = await open(2, other.id)
    const ids = async (qs: string, headers = agent.headers) => {
      const res = await api(`/tickets?${qs}`, headers)
      expect(res.statusCode, qs).toBe(200)
      return (res.json().items as { id: string }[]).map((i) => i.id).sort()
    }
    expect(await ids('teamId=mine&limit=100')).toEqual([inOne.id, inTwo.id, takenInOne.id].sort())
    expect(await ids('teamId=mine&assigneeId=none&limit=100')).toEqual([inOne.id, inTwo.id].sort())
    expect(await ids('assigneeId=me')).toEqual([assignedElsewhere.id])
    expect(await ids(`teamId=${other.id}&limit=100`)).toEqual([assignedElsewhere.id])
    expect(await ids('teamId=mine&limit=100', colleague.headers)).toEqual([inOne.id, takenInOne.id].sort())
    expect(await ids('teamId=mine&limit=100')).not.toContain(inOther.id)
  })

  it('gives an empty list to someone in no team, admins included', async () => {
    const team = await t.buildTeam()
    const loner = await t.buildStaff()
    const admin = await t.buildStaff({ role: 'admin' })
    await t.buildTicket({ teamId: team.id })
    for (const who of [loner, admin]) {
      const res = await api('/tickets?teamId=mine', who.headers)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ items: [], nextCursor: null })
    }
  })

  it('accepts only a team id or "mine"', async () => {
    const agent = await t.buildStaff()
    for (const value of ['MINE', 'mine,all', 'me', 'none', '42', '']) {
      const res = await api(`/tickets?teamId=${encodeURIComponent(value)}`, agent.headers)
      expect(res.statusCode, value).toBe(400)
      expect(res.json().errors[0].pointer).toBe('/querystring/teamId')
    }
  })
})

describe('the migration that added waiting_since and first_response_at', () => {
  // Runs last in this file: it rewrites the columns of every ticket in this test database.
  it('backfills from the messages exactly what the tickets service keeps', async () => {
    const team = await t.buildTeam()
    const a = await open(0, team.id)
    await say(3, a.id, 'note')
    await say(4, a.id, 'inbound')
    const b = await open(1, team.id)
    await say(2, b.id, 'reply')
    await say(3, b.id, 'reply')
    await say(9, b.id, 'inbound')
    await say(11, b.id, 'inbound')
    await open(5, team.id, { direction: 'outbound' })
    await open(6, team.id, null)
    // 0002 backfilled the waits; 0004 ended those of tickets already solved or closed.
    const backfill = ['0002_', '0004_'].map((prefix) => {
      const file = fs.readdirSync(MIGRATIONS_DIR).find((f) => f.startsWith(prefix))!
      return fs
        .readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8')
        .split('--> statement-breakpoint')
        .find((statement) => /UPDATE "tickets"/.test(statement))!
    })
    // Merge survivors follow the merge rule rather than their (combined) messages; leave them out.
    const snapshot = `SELECT id, waiting_since, first_response_at FROM tickets
       WHERE merged_into_id IS NULL AND id NOT IN
         (SELECT ticket_id FROM interactions WHERE merged_from_ticket_id IS NOT NULL) ORDER BY id`
    const kept = (await t.database.pool.query(snapshot)).rows
    expect(kept.length).toBeGreaterThan(10)
    expect(kept.some((r) => r.waiting_since !== null && r.first_response_at !== null)).toBe(true)
    await t.database.pool.query('UPDATE tickets SET waiting_since = NULL, first_response_at = NULL')
    for (const statement of backfill) await t.database.pool.query(statement)
    expect((await t.database.pool.query(snapshot)).rows).toEqual(kept)
  })
})
