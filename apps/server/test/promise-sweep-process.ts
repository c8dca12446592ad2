/**
 * A desk process that sweeps due promises, for the tests that run two at once and kill one with
 * SIGKILL mid-sweep. Environment: DATABASE_URL; HANG=1 makes the test kind's action note that it
 * started (on a connection of its own, outside the sweep's transaction) and then never finish.
 */
import { sql } from 'drizzle-orm'
import { pino } from 'pino'
import { wireDesk } from '../src/desk.ts'
import { definePromiseKind, firePromisesDue } from '../src/modules/promises/index.ts'
import { systemClock } from '../src/platform/clock.ts'
import { SYSTEM } from '../src/platform/context.ts'
import { connectDatabase } from '../src/platform/db.ts'
import { FsStorage } from '../src/platform/storage.ts'

const database = connectDatabase(process.env.DATABASE_URL!, { poolSize: 3 })
const side = connectDatabase(process.env.DATABASE_URL!, { poolSize: 1 })
wireDesk()
definePromiseKind({
  kind: 'test.crash',
  onDue: async (_ctx, promise) => {
    await side.db.execute(sql`INSERT INTO sweep_seen VALUES (${promise.id}::uuid, ${process.pid})`)
    if (process.env.HANG === '1') await new Promise(() => {})
    return 'breached'
  },
})
const ctx = {
  db: database.db,
  actor: SYSTEM,
  clock: systemClock,
  storage: new FsStorage('/nonexistent'),
  log: pino({ level: 'warn' }),
}
process.stdout.write('ready\n')
let fired = 0
for (let k = await firePromisesDue(ctx, { limit: 25 }); k > 0; k = await firePromisesDue(ctx, { limit: 25 }))
  fired += k
process.stdout.write(`fired ${fired}\n`)
await database.close()
await side.close()
