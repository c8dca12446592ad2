import type { Command } from 'commander'
import { type Logger, pino } from 'pino'
import { buildApp } from '../app.ts'
import { deskCaches } from '../desk.ts'
import { allJobs } from '../jobs.ts'
import { type EmailWorker, startEmailWorker } from '../modules/email/index.ts'
import { startPromiseSweeper } from '../modules/promises/index.ts'
import { startWebhookWorker, systemResolver } from '../modules/webhooks/index.ts'
import { systemClock } from '../platform/clock.ts'
import { SYSTEM } from '../platform/context.ts'
import { startDeliveryWorker, unknownPendingSubscribers } from '../platform/domain-events.ts'
import { type Jobs, startJobs } from '../platform/jobs.ts'
import { openRuntime, type Runtime } from '../platform/runtime.ts'
import { createSecretBox } from '../platform/secret-box.ts'
import { startSharedCaches } from '../platform/shared-cache.ts'
import { FsStorage } from '../platform/storage.ts'
import { bootstrapFirstStart, type FirstStart } from './bootstrap.ts'
import { box, CliError, describeFailure, EXIT, readConfig } from './common.ts'
import { attachmentsDir } from './context.ts'
import { parseHost, parsePort } from './options.ts'

type StartOptions = { port?: number; host?: string }

/** How long each step of a shutdown may take before it is given up (the whole stays under 10 s). */
export const SHUTDOWN_STEP_MS = { http: 3000, email: 2000, jobs: 2000, database: 3000 } as const

/**
 * Waits for `step` at most `ms`; says in the log when it gave up. A database that went away
 * must not keep a stopping desk waiting for reconnects and drained queues.
 */
const within = async (log: Logger, name: string, ms: number, step: () => Promise<unknown>) => {
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    step().then(
      () => 'done' as const,
      (err: unknown) => {
        log.warn({ err, step: name }, `stopping ${name} failed`)
        return 'failed' as const
      },
    ),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms)
    }),
  ])
  clearTimeout(timer)
  if (outcome === 'timeout')
    log.warn({ step: name, ms }, `gave up waiting for ${name} to stop after ${ms} ms`)
  return outcome === 'done'
}

const closeQuietly = async (runtime: Runtime, log: Logger) => {
  try {
    await runtime.close()
  } catch (err) {
    log.error({ err }, 'closing the database failed')
  }
}

/** `tresen start`: runs the server until SIGINT or SIGTERM. */
export const startServer = async (opts: StartOptions) => {
  const config = readConfig({
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
  })
  const log = pino({ level: config.logLevel })
  log.info(
    { dataDir: config.dataDir, database: config.databaseUrl ? 'external' : 'embedded' },
    'starting Tresen',
  )
  let runtime: Runtime
  try {
    runtime = await openRuntime(config, { log: (line) => log.debug({ component: 'postgres' }, line) })
  } catch (err) {
    const failure = describeFailure(err, config)
    throw new CliError(failure.message, failure.exitCode)
  }

  const storage = new FsStorage(attachmentsDir(config.dataDir))
  try {
    await storage.check()
  } catch (err) {
    await closeQuietly(runtime, log)
    throw new CliError(
      `the attachments directory ${storage.root} is not writable: ${(err as Error).message}`,
      EXIT.environment,
    )
  }

  // /readyz answers 503 with this reason until the first start's set-up is committed.
  let notReady: string | null = 'first-start set-up is running'
  const app = await buildApp({
    notReady: () => notReady,
    config,
    database: runtime.database,
    sessionSecret: runtime.secrets.sessionSecret,
    storage,
    live: { databaseUrl: runtime.databaseUrl },
  })
  // Deliveries of events to subscribers this version does not have would wait forever: refuse.
  const orphaned = await unknownPendingSubscribers(runtime.database.db)
  if (orphaned.length > 0) {
    await app.close()
    await closeQuietly(runtime, log)
    throw new CliError(
      `event deliveries wait for subscribers this version does not have: ${orphaned
        .map((o) => `${o.subscriber} (${o.n})`)
        .join(', ')}; start the version that has them, or set them aside with ` +
        `UPDATE event_deliveries SET failed_at = now() WHERE subscriber IN (…) AND done_at IS NULL`,
      EXIT.environment,
    )
  }
  // Jobs first, so a process that answers /readyz also works its queues.
  let jobs: Jobs
  try {
    jobs = await startJobs({
      url: runtime.databaseUrl,
      jobs: allJobs(config),
      makeCtx: () => ({
        db: runtime.database.db,
        actor: SYSTEM,
        clock: systemClock,
        storage,
        log: app.log,
        publicUrl: config.publicUrl,
      }),
      onError: (err) => app.log.error({ err }, 'background job failed'),
    })
  } catch (err) {
    await app.close()
    await closeQuietly(runtime, log)
    throw new CliError(`background jobs did not start: ${(err as Error).message}`)
  }

  // Promises (response targets, follow-ups): warnings, breaches and scheduled actions, fired once.
  const sweeper = startPromiseSweeper({
    ctx: {
      db: runtime.database.db,
      actor: SYSTEM,
      clock: systemClock,
      storage,
      log: app.log,
      publicUrl: config.publicUrl,
    },
  })
  // After-commit subscribers of domain events, worked here (and in every other desk process).
  const deliveries = startDeliveryWorker({
    ctx: { db: runtime.database.db, actor: SYSTEM, clock: systemClock, storage, log: app.log },
  })
  // Outbound webhooks: signed POSTs of the deliveries the fan-out subscriber wrote.
  const webhooks = startWebhookWorker({
    ctx: {
      db: runtime.database.db,
      actor: SYSTEM,
      clock: systemClock,
      storage,
      log: app.log,
      box: createSecretBox(runtime.secrets.sessionSecret),
      net: { resolve: systemResolver },
    },
  })
  // What subscribers keep in memory (active webhooks, response policies), fresh in every process:
  // commands do no work for subscribers that nothing configured wants.
  let interest: { stop: () => Promise<void> } | undefined
  try {
    interest = await startSharedCaches({
      db: runtime.database.db,
      databaseUrl: runtime.databaseUrl,
      caches: deskCaches,
      onProblem: (err) => app.log.warn({ err }, 'shared caches: the event connection failed; reconnecting'),
    })
  } catch (err) {
    // Without them every subscriber gets every event, as if all were configured: slower, never wrong.
    app.log.warn({ err }, 'shared caches did not start; every subscriber gets every event')
  }
  const stopJobs = async () => {
    await sweeper.stop()
    await interest?.stop()
    await deliveries.stop()
    await webhooks.stop()
    await jobs.stop()
  }

  // Mailboxes, the mail sender and (with TRESEN_SMTP_PORT) the SMTP receiver.
  let email: EmailWorker
  try {
    email = await startEmailWorker({
      ctx: { db: runtime.database.db, actor: SYSTEM, clock: systemClock, storage, log: app.log },
      databaseUrl: runtime.databaseUrl,
      box: createSecretBox(runtime.secrets.sessionSecret),
      ...(config.smtpPort !== undefined
        ? { smtpReceiver: { port: config.smtpPort, host: config.smtpHost } }
        : {}),
    })
  } catch (err) {
    await app.close()
    await stopJobs()
    await closeQuietly(runtime, log)
    if ((err as { code?: string }).code === 'EADDRINUSE')
      throw new CliError(`port ${config.smtpPort} (TRESEN_SMTP_PORT) is in use`, EXIT.environment)
    throw new CliError(`the email channel did not start: ${(err as Error).message}`)
  }
  if (email.smtpPort !== undefined) log.info({ port: email.smtpPort }, 'SMTP receiver listening')

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await app.close()
    await email.stop()
    await stopJobs()
    await closeQuietly(runtime, log)
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new CliError(`port ${config.port} is in use; set PORT or --port`, EXIT.environment)
    }
    if ((err as { code?: string }).code === 'EADDRNOTAVAIL') {
      throw new CliError(
        `cannot listen on ${config.host}: no such local address; set HOST or --host`,
        EXIT.usage,
      )
    }
    throw err
  }

  const stopEverything = async () => {
    const steps = [
      await within(log, 'the HTTP server', SHUTDOWN_STEP_MS.http, () => app.close()),
      await within(log, 'the email channel', SHUTDOWN_STEP_MS.email, () => email.stop()),
      await within(log, 'the background jobs', SHUTDOWN_STEP_MS.jobs, stopJobs),
      await within(log, 'the database', SHUTDOWN_STEP_MS.database, () => runtime.close()),
    ]
    return steps.every(Boolean)
  }
  let shuttingDown = false
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      log.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(EXIT.failure)
    }
    shuttingDown = true
    notReady = 'shutting down'
    log.info({ signal }, 'shutting down')
    const clean = await stopEverything()
    if (clean) log.info('stopped')
    else log.warn('stopped; some parts did not stop in time (see above)')
    process.exit(clean ? EXIT.ok : EXIT.failure)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  const showFirstStart = (first: FirstStart) => {
    log.info({ admin: first.email, demo: first.demo.seeded }, 'created the first admin and the demo company')
    process.stdout.write(
      `\n${box([
        `Tresen is set up. Open ${config.publicUrl}`,
        'and sign in as the first admin:',
        '',
        `  Email:    ${first.email}`,
        `  Password: ${first.password}`,
        '',
        'This password is shown only now. Change it after signing in.',
        ...(first.demo.seeded
          ? [
              '',
              `Demo company added. Its staff (e.g. ${first.demo.staffEmails[0]})`,
              `sign in with the password ${first.demo.staffPassword}`,
            ]
          : []),
      ])}\n\n`,
    )
  }
  try {
    await bootstrapFirstStart(
      { db: runtime.database.db, actor: SYSTEM, clock: systemClock, storage, log: app.log },
      showFirstStart,
    )
  } catch (err) {
    if (shuttingDown) return // a signal came during set-up; the shutdown ends the process
    await stopEverything()
    throw new CliError(`first-start setup failed: ${(err as Error).message}`)
  }
  notReady = null
  log.info({ url: config.publicUrl }, 'Tresen is ready')
}

export const registerStart = (program: Command) =>
  program
    .command('start')
    .description('run the server (starts the embedded PostgreSQL unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port to listen on (default: PORT or 8080)', parsePort)
    .option('--host <host>', 'address to listen on (default: HOST or 0.0.0.0)', parseHost)
    .action(startServer)
