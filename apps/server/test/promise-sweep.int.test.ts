import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { until } from '../src/modules/email/email.test-support.ts'
import { raiseEscalation } from '../src/modules/escalations/index.ts'
import { startPromise } from '../src/modules/promises/index.ts'
import { intake } from '../src/modules/tickets/index.ts'
import { fixedClock } from '../src/platform/clock.ts'
import { startTestApp, type TestApp } from './harness.ts'

const WORKER = new URL('./promise-sweep-process.ts', import.meta.url).pathname
let t: TestApp
let teamId: string
const children: ChildProcess[] = []

beforeAll(async () => {
  t = await startTestApp()
  teamId = (await t.buildTeam()).id
  await t.db.execute(sql`CREATE TABLE sweep_seen (promise_id uuid NOT NULL, pid int NOT NULL)`)
})
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  await t.close()
})
beforeEach(async () => {
  await t.db.execute(sql`DELETE FROM sweep_seen`)
  await t.db.execute(sql`DELETE FROM promises`)
  await t.db.execute(sql`DELETE FROM escalations`)
})

const sweeper = (env: Record<string, string> = {}) => {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, DATABASE_URL: t.database.url, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  return { child, output: () => out }
}

/** `n` tickets with a promise of the test kind that came due an hour ago. */
const duePromises = async (n: number) => {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const ticket = await t.buildTicket({ teamId, subject: `Fällig ${i}` })
    await startPromise(t.ctxAs(), {
      kind: 'test.crash',
      ticketId: ticket.id,
      targetMs: 60_000,
      business: false,
      warn: false,
      startedAt: new Date(Date.now() - 3_600_000),
    })
    ids.push(ticket.id)
  }
  return ids
}
/**
 * `n` tickets escalated two hours ago that nobody joined: their join promises are overdue (and
 * come before the test kind's, so one batch holds both).
 */
const overdueEscalations = async (n: number) => {
  const ids: string[] = []
  const ctx = { ...t.ctxAs(), clock: fixedClock(new Date(Date.now() - 2 * 3_600_000)) }
  for (let i = 0; i < n; i++) {
    const ticket = await t.buildTicket({ teamId, subject: `Eskaliert ${i}` })
    await raiseEscalation(ctx, (await intake.ticket(ctx, ticket.id))!, {
      reason: 'help_requested',
      note: `Hilfe ${i}`,
    })
    ids.push(ticket.id)
  }
  return ids
}
const eventCounts = async (type: string, ids: string[]) =>
  (
    await t.db.execute<{ ticket_id: string; n: number }>(
      sql`SELECT ticket_id, count(*)::int AS n FROM ticket_events
          WHERE type = ${type} AND ticket_id = ANY(${`{${ids.join(',')}}`}::uuid[]) GROUP BY ticket_id`,
    )
  ).rows
const breachEvents = async (ids: string[]) =>
  (
    await t.db.execute<{ ticket_id: string; n: number }>(
      sql`SELECT ticket_id, count(*)::int AS n FROM ticket_events
          WHERE type = 'promise.breached' AND ticket_id = ANY(${`{${ids.join(',')}}`}::uuid[]) GROUP BY ticket_id`,
    )
  ).rows

describe('the promise sweep across processes', () => {
  it('fires each due promise exactly once with two processes sweeping at the same time', async () => {
    const escalated = await overdueEscalations(30)
    const ids = await duePromises(120)
    const a = sweeper()
    const b = sweeper()
    await Promise.all([once(a.child, 'exit'), once(b.child, 'exit')])
    const events = await breachEvents(ids)
    expect(events).toHaveLength(ids.length)
    expect(events.every((e) => e.n === 1)).toBe(true)
    const seen = (
      await t.db.execute<{ promise_id: string; n: number }>(
        sql`SELECT promise_id, count(*)::int AS n FROM sweep_seen GROUP BY promise_id`,
      )
    ).rows
    expect(seen).toHaveLength(ids.length)
    expect(seen.every((s) => s.n === 1)).toBe(true)
    // Both took part (SKIP LOCKED shares the work rather than queueing behind one another).
    const fired = [a.output(), b.output()].map((o) => Number(/fired (\d+)/.exec(o)?.[1] ?? -1))
    expect(fired.reduce((x, y) => x + y, 0)).toBe(ids.length + escalated.length)
    // Each escalation nobody joined went on to the admins once.
    const overdue = await eventCounts('escalation.overdue', escalated)
    expect(overdue).toHaveLength(escalated.length)
    expect(overdue.every((e) => e.n === 1)).toBe(true)
  })

  it('leaves nothing half-done when a process is killed with SIGKILL mid-sweep; the next fires once', async () => {
    const escalated = await overdueEscalations(5)
    const ids = await duePromises(10)
    const first = sweeper({ HANG: '1' })
    await until(
      'the first process mid-sweep',
      async () => (await t.db.execute(sql`SELECT 1 FROM sweep_seen`)).rows.length === 1,
    )
    first.child.kill('SIGKILL')
    await once(first.child, 'exit')
    // Its transaction died with it: no breach recorded, no admin told, the promises still due.
    expect(await breachEvents(ids)).toHaveLength(0)
    expect(await eventCounts('escalation.overdue', escalated)).toHaveLength(0)
    const second = sweeper()
    await once(second.child, 'exit')
    const events = await breachEvents(ids)
    expect(events).toHaveLength(ids.length)
    expect(events.every((e) => e.n === 1)).toBe(true)
    const overdue = await eventCounts('escalation.overdue', escalated)
    expect(overdue).toHaveLength(escalated.length)
    expect(overdue.every((e) => e.n === 1)).toBe(true)
    const states = (await t.db.execute<{ state: string }>(sql`SELECT DISTINCT state FROM promises`)).rows
    expect(states.map((s) => s.state)).toEqual(['breached'])
  })
})
