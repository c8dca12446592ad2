import { type SQL, sql } from 'drizzle-orm'
import pg from 'pg'
import PgBoss from 'pg-boss'
import type { z } from 'zod'
import type { Ctx } from './context.ts'
import type { Queryable } from './db.ts'

const JOBS_SETUP_LOCK = 7_110_452 // next to the migration lock: one key for job setup

/** A background job: a dotted name, a payload schema (ids, not records) and one handler. */
export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  name: string
  schema: S
  /** Cron expression (UTC) for jobs that run on a schedule; pg-boss runs each tick once across processes. */
  cron?: string
  handler: (ctx: Ctx, data: z.infer<S>) => Promise<void>
}

export const defineJob = <S extends z.ZodType>(job: JobDefinition<S>) => job

/** Every job name must have exactly one handler, or the process refuses to start. */
export const checkJobRegistry = (jobs: JobDefinition[]) => {
  const seen = new Set<string>()
  for (const job of jobs) {
    if (!/^[a-z]+(\.[a-z_]+)+$/.test(job.name))
      throw new Error(`job name "${job.name}" is not dotted lower case`)
    if (seen.has(job.name)) throw new Error(`job "${job.name}" has more than one handler`)
    if (typeof job.handler !== 'function') throw new Error(`job "${job.name}" has no handler`)
    seen.add(job.name)
  }
}

/** pg-boss's SQL, run through a Drizzle handle, so a job is enqueued inside the caller's transaction. */
const asBossDb = (db: Queryable): PgBoss.Db => ({
  executeSql: async (text, values) => {
    const parts = text.split(/\$(\d+)/)
    const query: SQL = sql.empty()
    parts.forEach((part, i) => {
      if (i % 2 === 0) query.append(sql.raw(part))
      else query.append(sql`${sql.param(values[Number(part) - 1])}`)
    })
    const result = await db.execute(query)
    return { rows: result.rows }
  },
})

export type Jobs = {
  /** Enqueues a job in the transaction of `ctx`: it runs only if the transaction commits. */
  send: <S extends z.ZodType>(ctx: Ctx, job: JobDefinition<S>, data: z.infer<S>) => Promise<string | null>
  boss: PgBoss
  stop: () => Promise<void>
}

/**
 * Starts pg-boss in its own schema, creates a queue per job, works them and installs schedules.
 * `makeCtx` gives the handler a context acting as the desk itself.
 */
export const startJobs = async (opts: {
  url: string
  jobs: JobDefinition[]
  makeCtx: () => Ctx
  work?: boolean
  onError: (err: Error) => void
}): Promise<Jobs> => {
  checkJobRegistry(opts.jobs)
  const boss = new PgBoss({
    connectionString: opts.url,
    schema: 'pgboss',
    application_name: 'tresen-jobs',
    max: 4,
  })
  boss.on('error', opts.onError)
  // Processes starting together would create pg-boss's schema and queues at the same time, and
  // PostgreSQL answers that with a deadlock: one process at a time, under an advisory lock.
  const lock = new pg.Client({ connectionString: opts.url, application_name: 'tresen-jobs-setup' })
  await lock.connect()
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [JOBS_SETUP_LOCK])
    await boss.start()
    for (const job of opts.jobs) {
      await boss.createQueue(job.name)
      if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' })
    }
  } finally {
    await lock.end()
  }
  if (opts.work !== false) {
    for (const job of opts.jobs) {
      await boss.work(job.name, { batchSize: 1 }, async (batch) => {
        for (const item of batch) await job.handler(opts.makeCtx(), job.schema.parse(item.data))
      })
    }
  }
  return {
    boss,
    send: (ctx, job, data) =>
      boss.send(job.name, job.schema.parse(data) as object, {
        db: asBossDb(ctx.db),
        retryLimit: 5,
        retryBackoff: true,
      }),
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }),
  }
}
