import path from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'
import { wireDesk } from '../desk.ts'
import { systemClock } from '../platform/clock.ts'
import { type Actor, type Ctx, SYSTEM } from '../platform/context.ts'
import type { Runtime } from '../platform/runtime.ts'
import { FsStorage } from '../platform/storage.ts'

/** Where attachment bytes live under the data dir. */
export const attachmentsDir = (dataDir: string) => path.join(dataDir, 'attachments')

/** CLI commands speak through their own output; library logging stays silent. */
export const quietLogger = (): FastifyBaseLogger => pino({ level: 'silent' })

/** A command context for work the CLI does on the server itself (as the desk, by default). */
export const cliContext = (runtime: Runtime, actor: Actor = SYSTEM, log = quietLogger()): Ctx => {
  wireDesk()
  return {
    db: runtime.database.db,
    actor,
    clock: systemClock,
    storage: new FsStorage(attachmentsDir(runtime.config.dataDir)),
    log,
  }
}
