/**
 * `npm run bench:promises`: how fast the sweep fires due promises. N tickets each get a response
 * target that is already due (as after a night or a weekend); the real sweep
 * (`firePromisesDue`, as every `tresen start` runs it) then claims them in batches of 500 with
 * SKIP LOCKED, breaches each, writes one timeline event per ticket, the tickets' due-time
 * summaries and a live event, until none is due. It must fire all N exactly once.
 *
 * Baseline, in the same run and database: a bare loop that claims the same number of rows of a
 * plain table in batches of 500 (SKIP LOCKED), marks them fired and writes one event row each.
 * Target: 10,000 fired in under 10 s (the issue's figure); the ratio to the bare loop is reported.
 * Results go to bench/results/promises-<timestamp>.{json,md}. See bench/README.md.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { wireDesk } from '../apps/server/src/desk.ts'
import { firePromisesDue } from '../apps/server/src/modules/promises/index.ts'
import { systemClock } from '../apps/server/src/platform/clock.ts'
import { SYSTEM } from '../apps/server/src/platform/context.ts'
import { connectDatabase } from '../apps/server/src/platform/db.ts'
import { FsStorage } from '../apps/server/src/platform/storage.ts'
import { connect, openCluster } from './lib/database.ts'
import { cleanupAll, onCleanup, REPO, runTresen } from './lib/processes.ts'
import { machineInfo } from './lib/report.ts'

export const TARGET_SECONDS_PER_10K = 10
const RESULTS_DIR = path.join(REPO, 'bench', 'results')
const log = (line: string) => process.stderr.write(`bench:promises: ${line}\n`)

const USAGE = `Usage: npm run bench:promises -- [options]

  --timers N   due promises (one per ticket); default 10000 (quick: 2000)
  --quick      2000 timers
  --keep       keep the database (and the embedded cluster)
  --pg-dir DIR where the embedded cluster lives
  -h, --help

BENCH_DATABASE_URL uses that PostgreSQL server instead of an embedded one.`

const main = async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      timers: { type: 'string' },
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'pg-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const n = values.timers ? Number(values.timers) : values.quick ? 2000 : 10_000
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--timers must be a positive integer, got "${values.timers}"`)
  const stamp = new Date()
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z')
  const cluster = await openCluster(
    {
      keep: values.keep ?? false,
      pgDir: values['pg-dir'],
      databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
    } as Parameters<typeof openCluster>[0],
    log,
  )
  const name = `tresen_promises_${stamp.toLowerCase().replace(/[^a-z0-9]/g, '')}`
  const admin = await cluster.admin()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  if (!values.keep)
    onCleanup(`database ${name}`, async () => {
      const a = await cluster.admin()
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await a.end()
      }
    })
  const url = cluster.urlOf(name)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-promises-'))
  onCleanup('data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }))
  log(`migrating ${name}`)
  await runTresen(['migrate'], { DATABASE_URL: url, TRESEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' })

  const c = await connect(url)
  c.on('error', () => {}) // dropped with the database at the end
  const pgVersion = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version
  log(`seeding ${n} tickets with a due response target`)
  await c.query(`INSERT INTO teams (id, name) VALUES ('0190d5b8-0000-7000-8000-000000000001', 'Service')`)
  await c.query(
    `INSERT INTO customers (id, name, language) VALUES ('0190d5b8-0000-7000-8000-000000000002', 'Erika Mustermann', 'de')`,
  )
  await c.query(
    `INSERT INTO tickets (id, subject, status, channel, team_id, customer_id, created_at, updated_at)
     SELECT gen_random_uuid(), 'Paket ' || g, 'open', 'email', '0190d5b8-0000-7000-8000-000000000001',
            '0190d5b8-0000-7000-8000-000000000002', now() - interval '2 hours', now() - interval '2 hours'
     FROM generate_series(1, $1) g`,
    [n],
  )
  await c.query(
    `INSERT INTO promises (id, kind, ticket_id, business, target_ms, warn_at, state, started_at, resumed_at, warned_at, due_at, next_fire_at)
     SELECT gen_random_uuid(), 'sla.first_response', id, false, 600000, 0.75, 'warning', created_at, created_at,
            created_at + interval '450 seconds', created_at + interval '10 minutes', created_at + interval '10 minutes'
     FROM tickets`,
  )
  await c.query(
    `CREATE TABLE bench_timers (id bigint PRIMARY KEY, ticket_id uuid NOT NULL, due_at timestamptz NOT NULL, fired_at timestamptz);
     CREATE INDEX ON bench_timers (due_at) WHERE fired_at IS NULL;
     CREATE TABLE bench_timer_events (id bigserial PRIMARY KEY, ticket_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT now());
     INSERT INTO bench_timers SELECT row_number() OVER (), id, now() - interval '1 hour' FROM tickets`,
  )
  await c.query('VACUUM ANALYZE')

  const database = connectDatabase(url, { poolSize: 4, appName: 'tresen-bench-promises' })
  onCleanup('database pool', () => database.close())
  wireDesk()
  const ctx = {
    db: database.db,
    actor: SYSTEM,
    clock: systemClock,
    storage: new FsStorage(path.join(dataDir, 'attachments')),
    log: pino({ level: 'warn' }),
  }

  // Bare loop: claim 500, mark them, one event each; one transaction per batch.
  log('bare loop')
  const bareStart = performance.now()
  let bare = 0
  for (;;) {
    await c.query('BEGIN')
    const res = await c.query<{ id: string; ticket_id: string }>(
      `SELECT id, ticket_id FROM bench_timers WHERE fired_at IS NULL AND due_at <= now() ORDER BY due_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
    )
    if (res.rows.length === 0) {
      await c.query('COMMIT')
      break
    }
    const ids = res.rows.map((r) => r.id)
    await c.query('UPDATE bench_timers SET fired_at = now() WHERE id = ANY($1::bigint[])', [ids])
    await c.query('INSERT INTO bench_timer_events (ticket_id) SELECT unnest($1::uuid[])', [
      res.rows.map((r) => r.ticket_id),
    ])
    await c.query('COMMIT')
    bare += res.rows.length
  }
  const bareSeconds = (performance.now() - bareStart) / 1000

  log('the sweep')
  const start = performance.now()
  let fired = 0
  for (let k = await firePromisesDue(ctx); k > 0; k = await firePromisesDue(ctx)) {
    fired += k
    process.stderr.write(`\rbench:promises: fired ${fired} of ${n}`)
  }
  process.stderr.write('\n')
  const seconds = (performance.now() - start) / 1000
  const check = await c.query<{ breached: string; events: string; marked: string }>(
    `SELECT (SELECT count(*) FROM promises WHERE state = 'breached') AS breached,
            (SELECT count(*) FROM ticket_events WHERE type = 'promise.breached') AS events,
            (SELECT count(*) FROM tickets WHERE promise_state = 'breached') AS marked`,
  )
  await c.end()
  const row = check.rows[0]!
  const exact = Number(row.breached) === n && Number(row.events) === n && Number(row.marked) === n
  const rate = fired / seconds
  const bareRate = bare / bareSeconds
  const per10k = (seconds / n) * 10_000
  const met = exact && per10k < TARGET_SECONDS_PER_10K
  const md = [
    `# Promise sweep (${new Date().toISOString()})`,
    '',
    `| | fired | seconds | per second |`,
    `| --- | ---: | ---: | ---: |`,
    `| the sweep (breach, timeline event, ticket summary, live event) | ${fired} | ${seconds.toFixed(2)} | ${rate.toFixed(0)} |`,
    `| bare loop (claim, mark, one event row) | ${bare} | ${bareSeconds.toFixed(2)} | ${bareRate.toFixed(0)} |`,
    '',
    `Ratio to the bare loop: ${(rate / bareRate).toFixed(2)}x. Per 10,000 timers: ${per10k.toFixed(2)} s (target < ${TARGET_SECONDS_PER_10K} s): ${met ? 'met' : '**missed**'}.`,
    `Exactly once: ${row.breached} breached, ${row.events} breach events, ${row.marked} tickets marked, of ${n}: ${exact ? 'yes' : '**no**'}.`,
    '',
    `Machine: ${JSON.stringify(machineInfo({ version: pgVersion, settings: {} }, cluster.kind))}`,
  ].join('\n')
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  fs.writeFileSync(
    path.join(RESULTS_DIR, `promises-${stamp}.json`),
    `${JSON.stringify({ n, fired, seconds, rate, bare, bareSeconds, bareRate, per10k, exact, met }, null, 2)}\n`,
  )
  fs.writeFileSync(path.join(RESULTS_DIR, `promises-${stamp}.md`), `${md}\n`)
  process.stdout.write(`\n${md}\n`)
  return met ? 0 : 1
}

try {
  process.exitCode = await main()
} catch (err) {
  process.stderr.write(`bench:promises: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
} finally {
  await cleanupAll()
}
process.exit(process.exitCode ?? 0)
