/**
 * `npm run bench:webhooks`: how fast the desk delivers webhooks. N deliveries are queued for one
 * subscription (as the fan-out writes them), then the real delivery worker's loop
 * (`deliverWebhooksDue`, as `startWebhookWorker` runs it) drains them: claim a batch under a lease,
 * sign each (Standard Webhooks, HMAC-SHA256), POST it through the address-checked sender, record
 * the attempt and settle the delivery. The receiver is a plain node:http server in a process of its
 * own on loopback that answers 204 (the subscription allows 127.0.0.1 as its private host).
 *
 * Baseline, in the same run and against the same receiver: the same number of HMAC-SHA256-signed
 * POSTs with the same bodies, sent by a minimal loop with the same concurrency (keep-alive agent).
 * A second baseline opens a new connection per request, as the worker does (it pins each
 * connection to the checked address). Target: the worker at least 0.15× the bare loop (README).
 * Results go to bench/results/webhooks-<timestamp>.{json,md}. See bench/README.md.
 */
import { type ChildProcess, fork } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { v7 as uuidv7 } from 'uuid'
import { wireDesk } from '../apps/server/src/desk.ts'
import { systemResolver } from '../apps/server/src/modules/webhooks/webhooks.net.ts'
import * as repo from '../apps/server/src/modules/webhooks/webhooks.repository.ts'
import { createWebhook, type WebhooksCtx } from '../apps/server/src/modules/webhooks/webhooks.service.ts'
import { signedHeaders } from '../apps/server/src/modules/webhooks/webhooks.signing.ts'
import { deliverWebhooksDue } from '../apps/server/src/modules/webhooks/webhooks.worker.ts'
import { systemClock } from '../apps/server/src/platform/clock.ts'
import { SYSTEM } from '../apps/server/src/platform/context.ts'
import { connectDatabase } from '../apps/server/src/platform/db.ts'
import { createSecretBox } from '../apps/server/src/platform/secret-box.ts'
import { FsStorage } from '../apps/server/src/platform/storage.ts'
import { type Cluster, connect, openCluster } from './lib/database.ts'
import { backgroundLoad } from './lib/proc-usage.ts'
import { cleanupAll, onCleanup, REPO, runTresen, stopChild } from './lib/processes.ts'
import { machineInfo } from './lib/report.ts'

/** The worker's deliveries per second, as a share of the bare loop's: the target. */
export const TARGET_RATIO = 0.15
const RESULTS_DIR = path.join(REPO, 'bench', 'results')
const log = (line: string) => process.stderr.write(`bench:webhooks: ${line}\n`)

const USAGE = `Usage: npm run bench:webhooks -- [options]

  --deliveries N   deliveries per round; default 2000 (quick: 500)
  --concurrency C  requests in flight: the worker's claim batch and the bare loop's senders; default 10
  --rounds R       rounds of each (worker, bare loop, bare loop without keep-alive), interleaved;
                   the median counts; default 3 (quick: 1)
  --pool N         database pool of the desk; default 10
  --quick          500 deliveries, one round
  --keep           keep the database (and the embedded cluster)
  --pg-dir DIR     where the embedded cluster lives (default: a temporary directory,
                   or $TMPDIR/tresen-bench-pg with --keep)
  -h, --help

BENCH_DATABASE_URL uses that PostgreSQL server instead of an embedded one.`

const positiveInt = (name: string, raw: string) => {
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`)
  return n
}

// ---------------------------------------------------------------------------------------------
// Bodies: what the fan-out writes for ticket events (Standard Webhooks envelope, the ticket's
// snapshot), German and English subjects, a spread of sizes from a few hundred bytes to ~3 KB.

const SUBJECTS = [
  'Lieferung unvollständig – Schutzblech fehlt',
  'E-Bike-Akku lädt nicht mehr vollständig',
  'Wholesale order WS-2291: delivery date',
  'Rechnung RE-2024-0815 doppelt erhalten',
  'Return: wrong size jersey',
  'Flotte: 6 Lastenräder zur Inspektion',
]
const KINDS = ['ticket.created', 'ticket.status_changed', 'interaction.added', 'ticket.assigned'] as const

export const makeBodies = (n: number, seed = 2026) => {
  let x = seed
  const rand = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31
    return x / 2 ** 31
  }
  const at = new Date('2026-12-07T10:00:00Z').getTime()
  return Array.from({ length: n }, (_, i) => {
    const kind = KINDS[i % KINDS.length]!
    const when = new Date(at + i * 1000).toISOString()
    const tags = Array.from(
      { length: Math.floor(rand() * 6) },
      (_, k) => `tag-${k}-${Math.floor(rand() * 100)}`,
    )
    // Some events carry a longer reason (a transfer's), which makes the larger bodies.
    const reason =
      rand() < 0.25 ? 'Weitergeleitet an die Werkstatt: '.repeat(1 + Math.floor(rand() * 60)) : null
    return JSON.stringify({
      type:
        kind === 'ticket.created'
          ? 'ticket.created'
          : kind === 'interaction.added'
            ? 'message.added'
            : 'ticket.updated',
      timestamp: when,
      data: {
        event: {
          id: uuidv7(),
          kind,
          at: when,
          actorStaffId: crypto.randomUUID(),
          reason,
          data:
            kind === 'interaction.added'
              ? {
                  interactionId: crypto.randomUUID(),
                  channel: 'email',
                  direction: 'inbound',
                  automated: false,
                  first: false,
                }
              : { status: { from: 'open', to: 'pending' } },
        },
        ticket: {
          id: crypto.randomUUID(),
          number: 10_000 + i,
          subject: SUBJECTS[i % SUBJECTS.length],
          status: 'pending',
          priority: 'normal',
          channel: 'email',
          language: i % 3 === 0 ? 'en' : 'de',
          teamId: crypto.randomUUID(),
          assigneeId: crypto.randomUUID(),
          customerId: crypto.randomUUID(),
          tags,
          createdAt: when,
          updatedAt: when,
        },
      },
    })
  })
}

// ---------------------------------------------------------------------------------------------
// The receiver (its own process)

type Counts = { requests: number; bytes: number; signed: number; uniqueIds: number }
type Receiver = {
  url: string
  counts: () => Promise<Counts>
  reset: () => Promise<void>
  child: ChildProcess
}

const startReceiver = async (): Promise<Receiver> => {
  const child = fork(path.join(import.meta.dirname, 'lib', 'webhook-receiver.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  onCleanup('webhook receiver', () => stopChild(child, 2000))
  const ask = <T>(msg: object, key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', on)
          resolve(m[key] as T)
        }
      }
      child.on('message', on)
      child.send(msg)
    })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)))
    child.on('message', (m: { port?: number }) => {
      if (m.port) resolve(m.port)
    })
  })
  return {
    url: `http://127.0.0.1:${port}/hooks/tresen`,
    counts: () => ask<Counts>({ ask: 'counts' }, 'counts'),
    reset: async () => {
      await ask({ ask: 'reset' }, 'reset')
    },
    child,
  }
}

// ---------------------------------------------------------------------------------------------
// The bare loop

/** C senders, each POSTing the next body signed like the desk signs it, until none is left. */
const bareLoop = async (opts: {
  url: string
  bodies: string[]
  concurrency: number
  secret: string
  keepAlive: boolean
}) => {
  const agent = new http.Agent({ keepAlive: opts.keepAlive, maxSockets: opts.concurrency })
  const target = new URL(opts.url)
  let next = 0
  let errors = 0
  const send = (body: string) =>
    new Promise<void>((resolve) => {
      const headers = signedHeaders(opts.secret, { id: uuidv7(), at: new Date(), body })
      const req = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            ...headers,
          },
        },
        (res) => {
          if (res.statusCode !== 204) errors++
          res.resume()
          res.on('end', resolve)
        },
      )
      req.on('error', () => {
        errors++
        resolve()
      })
      req.end(body)
    })
  const started = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.bodies.length) await send(opts.bodies[next++]!)
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  agent.destroy()
  return { seconds, errors, cpuMs: (used.user + used.system) / 1000 }
}

// ---------------------------------------------------------------------------------------------

type Round = {
  name: 'worker' | 'bare_keepalive' | 'bare_new_connection'
  round: number
  deliveries: number
  seconds: number
  rate: number
  errors: number
  /** CPU of the bench process (desk and senders; not the receiver, not PostgreSQL) per delivery. */
  cpu_ms_per_delivery: number
  received: Counts
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const r3 = (n: number) => Math.round(n * 1000) / 1000

const dropDatabase = async (cluster: Cluster, name: string) => {
  const a = await cluster.admin()
  try {
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await a.end()
  }
}

const main = async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      deliveries: { type: 'string' },
      concurrency: { type: 'string' },
      rounds: { type: 'string' },
      pool: { type: 'string' },
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
  const quick = values.quick ?? false
  const n = values.deliveries ? positiveInt('deliveries', values.deliveries) : quick ? 500 : 2000
  const concurrency = values.concurrency ? positiveInt('concurrency', values.concurrency) : 10
  const rounds = values.rounds ? positiveInt('rounds', values.rounds) : quick ? 1 : 3
  const poolSize = values.pool ? positiveInt('pool', values.pool) : 10
  const databaseUrl = process.env.BENCH_DATABASE_URL || undefined
  const startedAt = new Date()
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z')
  const notes: string[] = []

  const cluster = await openCluster(
    { keep: values.keep ?? false, pgDir: values['pg-dir'], databaseUrl } as Parameters<typeof openCluster>[0],
    log,
  )
  const name = `tresen_webhooks_${stamp.toLowerCase().replace(/[^a-z0-9]/g, '')}`
  const admin = await cluster.admin()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  if (!values.keep) onCleanup(`database ${name}`, () => dropDatabase(cluster, name))
  const url = cluster.urlOf(name)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-webhooks-'))
  onCleanup('data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }))
  log(`migrating ${name}`)
  await runTresen(['migrate'], { DATABASE_URL: url, TRESEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' })

  const c = await connect(url)
  const pgVersion = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version
  const settings = Object.fromEntries(
    (
      await c.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections')",
      )
    ).rows.map((r) => [r.name, r.setting]),
  )

  const receiver = await startReceiver()
  log(`receiver (pid ${receiver.child.pid}) at ${receiver.url}`)
  const database = connectDatabase(url, { poolSize, appName: 'tresen-bench-webhooks' })
  onCleanup('database pool', () => database.close())
  wireDesk()
  const ctx: WebhooksCtx = {
    db: database.db,
    actor: SYSTEM,
    clock: systemClock,
    storage: new FsStorage(path.join(dataDir, 'attachments')),
    log: pino({ level: 'error' }),
    box: createSecretBox(crypto.randomBytes(32).toString('base64url')),
    net: { resolve: systemResolver },
  }
  const sub = await createWebhook(ctx, {
    name: 'Bench receiver',
    url: receiver.url,
    events: ['ticket.created'],
    active: true,
    allowPrivateHost: '127.0.0.1',
    maxAttempts: 8,
  })
  const bodies = makeBodies(n)
  const sizes = bodies.map((b) => Buffer.byteLength(b)).sort((a, b) => a - b)
  log(
    `${n} deliveries per round, bodies ${sizes[0]}–${sizes.at(-1)} bytes (median ${median(sizes)}), concurrency ${concurrency}, ${rounds} round(s)`,
  )
  const background = await backgroundLoad(1000)

  const queue = async () => {
    // Every worker round starts from an empty, vacuumed log, so rounds compare.
    await c.query('DELETE FROM webhook_deliveries')
    await c.query('VACUUM (ANALYZE) webhook_deliveries, webhook_attempts')
    const at = new Date(Date.now() - 1000)
    for (let i = 0; i < bodies.length; i += 500) {
      await repo.insertDeliveries(
        database.db,
        bodies.slice(i, i + 500).map((payload) => ({
          id: uuidv7(),
          subscriptionId: sub.id,
          type: 'ticket.created',
          eventId: uuidv7(),
          payload,
          nextAttemptAt: at,
          createdAt: at,
        })),
      )
    }
    await c.query('CHECKPOINT').catch(() => undefined)
  }

  const results: Round[] = []
  const record = async (
    name: Round['name'],
    round: number,
    m: { seconds: number; errors: number; cpuMs: number },
  ) => {
    const received = await receiver.counts()
    const entry: Round = {
      name,
      round,
      deliveries: n,
      seconds: r3(m.seconds),
      rate: Math.round(n / m.seconds),
      errors: m.errors,
      cpu_ms_per_delivery: r3(m.cpuMs / n),
      received,
    }
    results.push(entry)
    log(
      `${name} #${round}: ${entry.rate}/s (${entry.seconds} s), ${entry.errors} errors, received ${received.requests} (${received.uniqueIds} ids), ${entry.cpu_ms_per_delivery} ms CPU per delivery`,
    )
    if (received.requests !== n)
      notes.push(`${name} #${round}: the receiver got ${received.requests} of ${n}.`)
    await receiver.reset()
  }

  // Warm-up (not counted): a tenth of a round each way, so the JIT and the caches are warm.
  {
    const warm = bodies.slice(0, Math.max(50, Math.floor(n / 10)))
    await bareLoop({ url: receiver.url, bodies: warm, concurrency, secret: sub.secret, keepAlive: true })
    await queue()
    await c.query(
      `DELETE FROM webhook_deliveries WHERE id NOT IN (SELECT id FROM webhook_deliveries ORDER BY id LIMIT ${warm.length})`,
    )
    while ((await deliverWebhooksDue(ctx, { limit: concurrency })) > 0) {}
    await receiver.reset()
  }

  for (let round = 1; round <= rounds; round++) {
    await queue()
    const started = performance.now()
    const cpu = process.cpuUsage()
    // The worker's own loop (startWebhookWorker runs exactly this until a pass claims nothing).
    while ((await deliverWebhooksDue(ctx, { limit: concurrency })) > 0) {}
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    const state = await c.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY 1',
    )
    const byStatus = Object.fromEntries(state.rows.map((r) => [r.status, r.n]))
    const notDelivered = n - (byStatus.delivered ?? 0)
    if (notDelivered > 0)
      notes.push(`worker #${round}: ${notDelivered} deliveries not delivered (${JSON.stringify(byStatus)}).`)
    await record('worker', round, { seconds, errors: notDelivered, cpuMs: (used.user + used.system) / 1000 })

    await record(
      'bare_keepalive',
      round,
      await bareLoop({ url: receiver.url, bodies, concurrency, secret: sub.secret, keepAlive: true }),
    )
    await record(
      'bare_new_connection',
      round,
      await bareLoop({ url: receiver.url, bodies, concurrency, secret: sub.secret, keepAlive: false }),
    )
  }
  await c.end()

  const med = (name: Round['name']) => median(results.filter((r) => r.name === name).map((r) => r.rate))
  const worker = med('worker')
  const bare = med('bare_keepalive')
  const bareNew = med('bare_new_connection')
  const ratio = r3(worker / bare)
  const errors = results.reduce((s, r) => s + r.errors, 0)
  const summary = {
    deliveries_per_s: worker,
    baseline_per_s: bare,
    ratio,
    baseline_new_connection_per_s: bareNew,
    ratio_to_new_connection: r3(worker / bareNew),
    target: `worker ≥ ${TARGET_RATIO}× the bare signed-POST loop (keep-alive), every delivery delivered once`,
    met: errors === 0 && ratio >= TARGET_RATIO,
  }
  const report = {
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    machine: machineInfo({ version: pgVersion, settings }, cluster.kind),
    options: { deliveries: n, concurrency, rounds, pool: poolSize },
    bodies: { min_bytes: sizes[0], median_bytes: median(sizes), max_bytes: sizes.at(-1) },
    background_cpu_pct: background,
    summary,
    rounds: results,
    notes,
  }
  const md = [
    `# Webhook delivery bench, ${report.started_at}`,
    '',
    `${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.ram_gb} GB; Node ${report.machine.node}; PostgreSQL ${pgVersion} (${cluster.kind}); other load ${JSON.stringify(background)}.`,
    `${n} deliveries per round, ${rounds} round(s), concurrency ${concurrency}, pool ${poolSize}; bodies ${sizes[0]}–${sizes.at(-1)} bytes (median ${median(sizes)}).`,
    '',
    '| measurement | per second (median) | ratio |',
    '| --- | --- | --- |',
    `| worker (claim, sign, POST, record, settle) | **${worker}** | ${ratio}× bare keep-alive, ${summary.ratio_to_new_connection}× bare new connection |`,
    `| bare loop, keep-alive (baseline) | ${bare} | – |`,
    `| bare loop, a new connection per request | ${bareNew} | – |`,
    '',
    `Target: ${summary.target}: **${summary.met ? 'met' : 'missed'}**.`,
    '',
    '| round | measurement | per second | seconds | errors | received (ids) | bench CPU ms per delivery |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.round} | ${r.name} | ${r.rate} | ${r.seconds} | ${r.errors} | ${r.received.requests} (${r.received.uniqueIds}) | ${r.cpu_ms_per_delivery} |`,
    ),
    ...(notes.length ? ['', ...notes.map((x) => `- ${x}`)] : []),
    '',
  ].join('\n')
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  const jsonFile = path.join(RESULTS_DIR, `webhooks-${stamp}.json`)
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`)
  fs.writeFileSync(path.join(RESULTS_DIR, `webhooks-${stamp}.md`), md)
  process.stdout.write(`\n${md}\n`)
  log(`results: ${path.relative(REPO, jsonFile)}, .md`)
  return 0
}

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return
  stopping = true
  log(`${signal}: stopping the receiver and removing temporary data`)
  void cleanupAll().finally(() => process.exit(130))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

try {
  process.exitCode = await main()
} catch (err) {
  if (!stopping) process.stderr.write(`bench:webhooks: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
} finally {
  if (!stopping) await cleanupAll()
}
if (!stopping) process.exit(process.exitCode ?? 0)
