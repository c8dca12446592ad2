/**
 * A process that works after-commit deliveries with one recording subscriber, for the test that
 * kills it between the commit and the delivery. Environment: DATABASE_URL; HANG=1 makes the
 * subscriber record its attempt and then never finish; CLOCK_AHEAD_MS runs its clock ahead (a
 * lease of the killed process has run out without waiting for it).
 */
import { sql } from 'drizzle-orm'
import { pino } from 'pino'
import { wireDesk } from '../src/desk.ts'
import { ticketEvents } from '../src/modules/tickets/index.ts'
import { SYSTEM } from '../src/platform/context.ts'
import { connectDatabase } from '../src/platform/db.ts'
import { startDeliveryWorker } from '../src/platform/domain-events.ts'
import { FsStorage } from '../src/platform/storage.ts'

const database = connectDatabase(process.env.DATABASE_URL!, { poolSize: 2 })
const ahead = Number(process.env.CLOCK_AHEAD_MS ?? 0)
const events = wireDesk()
events.subscribe({
  when: 'after_commit',
  name: 'test.crash_recorder',
  kinds: [ticketEvents.ticketCreated.kind],
  handle: async (ctx, event, delivery) => {
    await ctx.db.execute(
      sql`INSERT INTO seen VALUES ('test.crash_recorder', ${delivery.key}, ${event.id}::uuid, ${event.kind}, ${delivery.attempt})`,
    )
    if (process.env.HANG === '1') await new Promise(() => {})
  },
})
events.check()
startDeliveryWorker({
  ctx: {
    db: database.db,
    actor: SYSTEM,
    clock: { now: () => new Date(Date.now() + ahead) },
    storage: new FsStorage('/nonexistent'),
    log: pino({ level: 'warn' }),
  },
  pollMs: 50,
})
process.stdout.write('ready\n')
