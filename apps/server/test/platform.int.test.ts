import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { customerEmails } from '../src/modules/customers/customers.tables.ts'
import { closeSolvedTickets, updateTicket } from '../src/modules/tickets/index.ts'
import { fixedClock } from '../src/platform/clock.ts'
import { inTransaction, SYSTEM } from '../src/platform/context.ts'
import { executeShaped, placeholders } from '../src/platform/db.ts'
import { type DeskEvent, EventListener } from '../src/platform/events.ts'
import { checkJobRegistry, defineJob, startJobs } from '../src/platform/jobs.ts'
import { startTestApp, type TestApp } from './harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('events', () => {
  it('delivers a change to listeners only when its transaction commits', async () => {
    const listener = new EventListener(t.database.url, (err) => {
      throw err
    })
    await listener.start()
    const seen: DeskEvent[] = []
    listener.on('event', (e: DeskEvent) => seen.push(e))
    try {
      const team = await t.buildTeam()
      await expect(
        inTransaction(t.ctxAs(), async (ctx) => {
          const c = await t.buildCustomer()
          await import('../src/modules/tickets/index.ts').then((m) =>
            m.createTicket(ctx, {
              subject: 'rolled back',
              customerId: c.id,
              teamId: team.id,
              channel: 'api',
              status: 'new',
              priority: 'normal',
              tags: [],
            }),
          )
          throw new Error('abort')
        }),
      ).rejects.toThrow('abort')
      const ticket = await t.buildTicket({ teamId: team.id })
      await waitFor(() => seen.some((e) => e.ticketId === ticket.id))
      expect(seen.filter((e) => e.type === 'ticket.created')).toHaveLength(1)
      expect(seen[0]).toMatchObject({ type: 'ticket.created', ticketId: ticket.id, teamId: team.id })
    } finally {
      await listener.close()
    }
  })
})

describe('jobs', () => {
  it('refuses a registry where a job name has two handlers', () => {
    const job = defineJob({ name: 'tests.twice', schema: z.object({}), handler: async () => {} })
    expect(() => checkJobRegistry([job, { ...job }])).toThrow(/more than one handler/)
  })

  it('runs a job enqueued in a committed transaction, and never one from a rolled-back transaction', async () => {
    const handled: string[] = []
    const job = defineJob({
      name: 'tests.record',
      schema: z.object({ label: z.string() }),
      handler: async (_ctx, data) => {
        handled.push(data.label)
      },
    })
    const jobs = await startJobs({
      url: t.database.url,
      jobs: [job],
      makeCtx: () => t.ctxAs(),
      onError: (e) => console.error(e),
    })
    try {
      await inTransaction(t.ctxAs(), (ctx) => jobs.send(ctx, job, { label: 'committed' }))
      await expect(
        inTransaction(t.ctxAs(), async (ctx) => {
          await jobs.send(ctx, job, { label: 'rolled-back' })
          throw new Error('abort')
        }),
      ).rejects.toThrow('abort')
      await waitFor(() => handled.includes('committed'), 15_000)
      await new Promise((r) => setTimeout(r, 500))
      expect(handled).toEqual(['committed'])
    } finally {
      await jobs.stop()
    }
  })
})

describe('tickets.autoclose', () => {
  it('closes tickets solved more than seven days ago, with an event, and leaves newer ones', async () => {
    const team = await t.buildTeam()
    const old = await t.buildTicket({ teamId: team.id })
    const recent = await t.buildTicket({ teamId: team.id })
    const clock = fixedClock('2026-11-01T09:00:00Z')
    await updateTicket({ ...t.ctxAs(), clock }, old.id, { status: 'solved' })
    clock.set('2026-11-06T09:00:00Z')
    await updateTicket({ ...t.ctxAs(), clock }, recent.id, { status: 'solved' })
    clock.set('2026-11-09T09:00:00Z')
    const closed = await closeSolvedTickets({ ...t.ctxAs(SYSTEM), clock })
    expect(closed).toBeGreaterThanOrEqual(1)
    const rows = await t.database.pool.query('SELECT id, status FROM tickets WHERE id = ANY($1)', [
      [old.id, recent.id],
    ])
    const status = Object.fromEntries(rows.rows.map((r) => [r.id, r.status]))
    expect(status).toEqual({ [old.id]: 'closed', [recent.id]: 'solved' })
    const ev = await t.database.pool.query(
      `SELECT reason FROM ticket_events WHERE ticket_id = $1 AND changes->'status'->>'to' = 'closed'`,
      [old.id],
    )
    expect(ev.rows[0].reason).toMatch(/automatically/)
  })
})

describe('statements built once per shape', () => {
  it('fills only the values later, keeps null as null, and refuses a value fixed at build time', async () => {
    const customer = await t.buildCustomer()
    const insert = (email: string, failingSince: Date | null) => {
      const v = placeholders('', {
        id: crypto.randomUUID(),
        customerId: customer.id,
        email,
        isPrimary: false,
        failingSince,
        createdAt: new Date('2026-11-23T10:00:00Z'),
      })
      return executeShaped(
        t.db,
        'test_shape',
        v.keys.join(','),
        () => t.db.insert(customerEmails).values(v.row).getSQL(),
        v.values,
      )
    }
    await insert('eins@example.de', null)
    await insert('zwei@example.de', new Date('2026-11-20T08:00:00Z'))
    const rows = await t.db.select().from(customerEmails).where(eq(customerEmails.customerId, customer.id))
    const byEmail = new Map(rows.map((r) => [r.email, r]))
    expect(byEmail.get('eins@example.de')?.failingSince).toBeNull()
    expect(byEmail.get('zwei@example.de')?.failingSince?.toISOString()).toBe('2026-11-20T08:00:00.000Z')
    expect(byEmail.get('zwei@example.de')?.id).not.toBe(byEmail.get('eins@example.de')?.id)
    // Without an id the column's default function would run once, at build time: refused.
    await expect(
      executeShaped(
        t.db,
        'test_fixed',
        'x',
        () =>
          t.db
            .insert(customerEmails)
            .values({ customerId: sql.placeholder('c'), email: sql.placeholder('e') } as never)
            .getSQL(),
        { c: customer.id, e: 'drei@example.de' },
      ),
    ).rejects.toThrow(/fixed values/)
  })
})
