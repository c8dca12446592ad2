/**
 * A process that only runs the email worker against a database, for tests that kill it midway.
 * Environment: DATABASE_URL, SESSION_SECRET, DATA_DIR.
 */
import path from 'node:path'
import { pino } from 'pino'
import { wireDesk } from '../src/desk.ts'
import { startEmailWorker } from '../src/modules/email/index.ts'
import { systemClock } from '../src/platform/clock.ts'
import { SYSTEM } from '../src/platform/context.ts'
import { connectDatabase } from '../src/platform/db.ts'
import { createSecretBox } from '../src/platform/secret-box.ts'
import { FsStorage } from '../src/platform/storage.ts'

const url = process.env.DATABASE_URL!
const database = connectDatabase(url, { poolSize: 4 })
const log = pino({ level: 'warn' })
wireDesk()
const worker = await startEmailWorker({
  ctx: {
    db: database.db,
    actor: SYSTEM,
    clock: systemClock,
    storage: new FsStorage(path.join(process.env.DATA_DIR!, 'attachments')),
    log,
  },
  databaseUrl: url,
  box: createSecretBox(process.env.SESSION_SECRET!),
  reconcileMs: 200,
  sendMs: 200,
  imapPollMs: 300,
})
process.stdout.write('ready\n')
process.on('SIGTERM', async () => {
  await worker.stop()
  await database.close()
  process.exit(0)
})
