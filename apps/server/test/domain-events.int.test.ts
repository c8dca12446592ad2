import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../src/modules/email/email.test-support.ts'
import { createTicket, ticketEvents } from '../src/modules/tickets/index.ts'
import {
  type DomainEvent,
  deliverDue,
  deskEvents,
  EventRegistry,
  unknownPendingSubscribers,
} from '../src/platform/domain-events.ts'
import { startTestApp, type TestApp } from './harness.ts'

let t: TestApp
let teamId: string
const unsubscribe: (() => void)[] = []

beforeAll(async () => {
  t = await startTestApp()
  teamId = (await t.buildTeam()).id
  await t.db.execute(
    sql`CREATE TABLE seen (subscriber text, key text, event_id uuid, kind text, attempt int)`,
  )
})
afterEach(() => {
  for (const off of unsubscribe.splice(0)) off()
})
afterAll(async () => {
  await t.close()
})

const newTicket = async (subject: string) =>
  createTicket(t.ctxAs(), {
    subject,
    customerId: (await t.buildCustomer()).id,
    teamId,
    channel: 'email',
    status: 'new',
    priority: 'normal',
    tags: [],
    message: { direction: 'inbound', text: 'Guten Tag' },
  })

/**
 * Works the outbox for the test's own subscribers: the deliveries of the desk's subscribers
 * (the webhooks' fan-out listens to every kind) are set aside first, so counts are the test's.
 */
const deliverOwn = async (ctx: Parameters<typeof deliverDue>[0]) => {
  await t.db.execute(
    sql`UPDATE event_deliveries SET done_at = now() WHERE subscriber = 'webhooks.fanout' AND done_at IS NULL`,
  )
  return deliverDue(ctx)
}

const ticketsNamed = async (subject: string) =>
  (await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM tickets WHERE subject = ${subject}`))
    .rows[0]!.n

const seen = async (subscriber: string) =>
  (
    await t.db.execute<{ key: string; event_id: string; kind: string; attempt: number }>(
      sql`SELECT key, event_id, kind, attempt FROM seen WHERE subscriber = ${subscriber} ORDER BY attempt`,
    )
  ).rows

const record =
  (subscriber: string) =>
  async (ctx: { db: TestApp['db'] }, event: DomainEvent, key = '', attempt = 0) => {
    await ctx.db.execute(
      sql`INSERT INTO seen VALUES (${subscriber}, ${key}, ${event.id}::uuid, ${event.kind}, ${attempt})`,
    )
  }

/** An in-transaction subscriber that fails every command adding a message. */
const refuseMessages = (message: string) =>
  unsubscribe.push(
    deskEvents.subscribe({
      when: 'in_transaction',
      name: 'test.in_tx_refuser',
      kinds: [ticketEvents.interactionAdded.kind],
      handle: async () => {
        throw new Error(message)
      },
    }),
  )

describe('an in-transaction subscriber', () => {
  it('writes together with its command and is rolled back with it', async () => {
    unsubscribe.push(
      deskEvents.subscribe({
        when: 'in_transaction',
        name: 'test.in_tx_recorder',
        kinds: [ticketEvents.ticketCreated.kind, ticketEvents.interactionAdded.kind],
        handle: (ctx, event) => record('test.in_tx_recorder')(ctx, event),
      }),
    )
    const kept = await newTicket('Kept together')
    const rows = await seen('test.in_tx_recorder')
    expect(rows.map((r) => r.kind)).toEqual(['ticket.created', 'interaction.added'])

    // A later subscriber fails: the ticket, its message and the first subscriber's row are gone.
    refuseMessages('refused by a subscriber')
    await expect(newTicket('Rolled back')).rejects.toThrow('refused by a subscriber')
    expect(await ticketsNamed('Rolled back')).toBe(0)
    expect(await seen('test.in_tx_recorder')).toHaveLength(2)
    expect(await ticketsNamed('Kept together')).toBe(1)
    expect(kept.number).toBeGreaterThan(0)
  })
})

describe('an after-commit subscriber', () => {
  it('is delivered once, after the commit, with a key; nothing when the command rolls back', async () => {
    unsubscribe.push(
      deskEvents.subscribe({
        when: 'after_commit',
        name: 'test.after_commit_recorder',
        kinds: [ticketEvents.ticketCreated.kind],
        handle: (ctx, event, d) => record('test.after_commit_recorder')(ctx, event, d.key, d.attempt),
      }),
    )
    const created = await newTicket('Delivered later')
    // Nothing ran yet: the delivery waits in the outbox, written with the ticket.
    expect(await seen('test.after_commit_recorder')).toEqual([])
    expect(await deliverOwn(t.ctxAs())).toBe(1)
    expect(await deliverOwn(t.ctxAs())).toBe(0)
    const rows = await seen('test.after_commit_recorder')
    expect(rows).toHaveLength(1)
    const event = await t.db.execute<{ id: string }>(
      sql`SELECT id FROM ticket_events WHERE ticket_id = ${created.id}::uuid AND type = 'ticket.created'`,
    )
    expect(rows[0]!.event_id).toBe(event.rows[0]!.id)

    refuseMessages('refused')
    await expect(newTicket('Never delivered')).rejects.toThrow('refused')
    expect(await deliverOwn(t.ctxAs())).toBe(0)
  })

  it('is tried again after an error with the same key, and set aside after its last attempt', async () => {
    let failures = 1
    unsubscribe.push(
      deskEvents.subscribe({
        when: 'after_commit',
        name: 'test.flaky',
        kinds: [ticketEvents.ticketCreated.kind],
        maxAttempts: 3,
        handle: async (ctx, event, d) => {
          await record('test.flaky')(ctx, event, d.key, d.attempt)
          if (failures-- > 0) throw new Error('the receiver is down')
        },
      }),
    )
    await newTicket('Flaky receiver')
    expect(await deliverOwn(t.ctxAs())).toBe(1)
    // The retry waits (5 s after the first attempt): a clock 10 s ahead finds it due.
    expect(await deliverOwn(t.ctxAs())).toBe(0)
    const later = { ...t.ctxAs(), clock: { now: () => new Date(Date.now() + 10_000) } }
    expect(await deliverOwn(later)).toBe(1)
    const rows = await seen('test.flaky')
    expect(rows.map((r) => r.attempt)).toEqual([1, 2])
    expect(rows[0]!.key).toBe(rows[1]!.key)

    failures = 10
    await newTicket('Receiver gone')
    const far = (s: number) => ({ ...t.ctxAs(), clock: { now: () => new Date(Date.now() + s * 1000) } })
    expect(await deliverOwn(far(0))).toBe(1)
    expect(await deliverOwn(far(60))).toBe(1)
    expect(await deliverOwn(far(600))).toBe(1)
    expect(await deliverOwn(far(6000))).toBe(0)
    const failed = await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event_deliveries WHERE subscriber = 'test.flaky' AND failed_at IS NOT NULL`,
    )
    expect(failed.rows[0]!.n).toBe(1)
  })

  it('left waiting for a subscriber this process does not have is found by the boot check', async () => {
    await t.db.execute(sql`INSERT INTO event_deliveries (id, subscriber, event_id, event, next_attempt_at)
      VALUES (gen_random_uuid(), 'gone.subscriber', gen_random_uuid(), '{}'::jsonb, now())`)
    expect(await unknownPendingSubscribers(t.db)).toEqual([{ subscriber: 'gone.subscriber', n: 1 }])
    await t.db.execute(
      sql`UPDATE event_deliveries SET failed_at = now() WHERE subscriber = 'gone.subscriber'`,
    )
    expect(await unknownPendingSubscribers(t.db)).toEqual([])
  })
})

describe('the boot check of the subscribers', () => {
  const kinds = () => new EventRegistry().define(ticketEvents.ticketCreated)
  it('refuses a subscriber without a handler, two with one name, and one listening to an unknown kind', () => {
    const ok = kinds()
    ok.subscribe({
      when: 'after_commit',
      name: 'webhooks.deliver',
      kinds: ['ticket.created'],
      handle: async () => {},
    })
    expect(() => ok.check()).not.toThrow()

    const missing = kinds()
    missing.subscribe({
      when: 'after_commit',
      name: 'webhooks.deliver',
      kinds: ['ticket.created'],
      handle: undefined as never,
    })
    expect(() => missing.check()).toThrow('subscriber "webhooks.deliver" has no handler')

    const twice = kinds()
    for (let i = 0; i < 2; i++)
      twice.subscribe({
        when: 'after_commit',
        name: 'webhooks.deliver',
        kinds: ['ticket.created'],
        handle: async () => {},
      })
    expect(() => twice.check()).toThrow('subscriber "webhooks.deliver" has 2 handlers')

    const unknown = kinds()
    unknown.subscribe({
      when: 'in_transaction',
      name: 'promises.start',
      kinds: ['ticket.opened'],
      handle: async () => {},
    })
    expect(() => unknown.check()).toThrow('listens to unknown event "ticket.opened"')

    expect(() => kinds().define({ ...ticketEvents.ticketCreated })).toThrow('defined twice')
  })
})

describe('an after-commit delivery and a kill -9', () => {
  const WORKER = new URL('./event-delivery-process.ts', import.meta.url).pathname
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL')
  })
  const startWorker = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, DATABASE_URL: t.database.url, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    return child
  }

  it('is delivered again by the next process with the same key when the first died working on it', async () => {
    // The subscriber runs in the worker processes; this process only writes the delivery with the ticket.
    unsubscribe.push(
      deskEvents.subscribe({
        when: 'after_commit',
        name: 'test.crash_recorder',
        kinds: [ticketEvents.ticketCreated.kind],
        handle: async () => {
          throw new Error('not worked in the test process')
        },
      }),
    )
    const created = await newTicket('Survives a crash')
    const first = startWorker({ HANG: '1' })
    await until('the first attempt', async () => (await seen('test.crash_recorder')).length === 1)
    first.kill('SIGKILL')
    await once(first, 'exit')
    const done = async () =>
      (
        await t.db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM event_deliveries WHERE subscriber = 'test.crash_recorder' AND done_at IS NOT NULL`,
        )
      ).rows[0]!.n
    expect(await done()).toBe(0)
    // The next process's clock is past the dead process's lease (60 s): it takes the delivery over.
    const second = startWorker({ CLOCK_AHEAD_MS: '120000' })
    await until('the delivery done', async () => (await done()) === 1)
    second.kill('SIGKILL')
    const rows = await seen('test.crash_recorder')
    expect(rows.map((r) => r.attempt)).toEqual([1, 2])
    expect(rows[1]!.key).toBe(rows[0]!.key)
    const event = await t.db.execute<{ id: string }>(
      sql`SELECT id FROM ticket_events WHERE ticket_id = ${created.id}::uuid AND type = 'ticket.created'`,
    )
    expect(rows[0]!.event_id).toBe(event.rows[0]!.id)
  })
})
