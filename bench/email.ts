/**
 * `npm run bench:email`: how fast the desk takes in email (parse, thread, commit), on both ways mail
 * arrives, for 10,000 generated customer messages each (bench/lib/mail-generator.ts):
 *
 * - smtp_<C>: through the built-in SMTP receiver (it answers 250 only after the commit), fed by
 *   nodemailer over loopback with a pool of C connections; latency is from the end of DATA to the
 *   250, as the client sees it;
 * - imap: the messages appended to a throwaway dovecot beforehand (setup, not measured), then the
 *   desk's import loop (`importRound`) until the folder is empty; timed from connecting to the last
 *   commit, then checked that every message ended in the processed folder.
 *
 * The ingestion runs in this process, on the server's own code (no HTTP in between), against a fresh
 * migrated database per measurement, cloned from one template. Channels do not acknowledge
 * (`acknowledge: false`): the figure is the intake alone. Target: at least 200 messages per second
 * on each path. Results go to bench/results/email-<timestamp>.{json,md}.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { ImapFlow } from 'imapflow'
import pg from 'pg'
import { pino } from 'pino'
import { wireDesk } from '../apps/server/src/desk.ts'
import { imapClient, importRound } from '../apps/server/src/modules/email/email.imap.ts'
import { parseEmail } from '../apps/server/src/modules/email/email.parse.ts'
import * as emailRepo from '../apps/server/src/modules/email/email.repository.ts'
import { createChannel as createEmailChannel } from '../apps/server/src/modules/email/email.service.ts'
import { startSmtpReceiver } from '../apps/server/src/modules/email/email.smtp-receiver.ts'
import { systemClock } from '../apps/server/src/platform/clock.ts'
import { type Ctx, SYSTEM } from '../apps/server/src/platform/context.ts'
import { connectDatabase } from '../apps/server/src/platform/db.ts'
import { createSecretBox } from '../apps/server/src/platform/secret-box.ts'
import { FsStorage } from '../apps/server/src/platform/storage.ts'
import { dovecotAvailable, startDovecot } from '../apps/server/test/dovecot.ts'
import {
  type CpuProfile,
  type ProfileSummary,
  saveProfile,
  startProfile,
  summarizeProfile,
} from './lib/cpu-profile.ts'
import { type Cluster, connect, openCluster } from './lib/database.ts'
import { describeMix, type GeneratedMail, generateMails } from './lib/mail-generator.ts'
import {
  backgroundLoad,
  type CpuUsage,
  findProcessGroup,
  type Group,
  pidGroup,
  postgresGroup,
  postmasterPidOf,
  processGroup,
  sampleRss,
  selfGroup,
  startCpuAccounting,
} from './lib/proc-usage.ts'
import { cleanupAll, onCleanup, REPO, runTresen } from './lib/processes.ts'
import { type Machine, machineInfo } from './lib/report.ts'
import { startSender } from './lib/smtp-sender.ts'

const TARGET_RATE = 200
const DESK = 'support@desk.example'
const RESULTS_DIR = path.join(REPO, 'bench', 'results')
const log = (line: string) => process.stdout.write(`bench:email: ${line}\n`)

const USAGE = `Usage: npm run bench:email -- [options]

  --messages N           messages per path; default 10000
  --quick                1000 messages per path
  --smtp-connections a,b SMTP client pool sizes to measure, one run each; default 4,8
  --only smtp,imap       the paths to measure; default both
  --pool N               database pool of the desk; default 10
  --seed N               seed of the generated mail; default 2026
  --profile              CPU profile of the ingesting process per path (.cpuprofile beside the results)
  --keep                 keep the databases (and the embedded cluster) after the run
  --pg-dir DIR           where the embedded cluster lives (default: a temporary directory,
                         or $TMPDIR/tresen-bench-pg with --keep)
  -h, --help

Needs dovecot (/usr/sbin/dovecot, Debian's dovecot-imapd) for the IMAP path.
BENCH_DATABASE_URL uses that PostgreSQL server instead of an embedded one.`

type Latency = { p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number; samples: number }

const latencyOf = (values: number[]): Latency => {
  const sorted = [...values].sort((a, b) => a - b)
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
  const r = (n: number) => Math.round(n * 10) / 10
  return {
    p50_ms: r(q(0.5)),
    p95_ms: r(q(0.95)),
    p99_ms: r(q(0.99)),
    max_ms: r(sorted.at(-1) ?? Number.NaN),
    samples: values.length,
  }
}

/** What the database holds after a path: every message once, threaded where it answers another. */
type Outcome = {
  imported: number
  ignored: number
  failed: number
  /** Messages recorded more than once (by Message-ID, in the inbound log or on the timeline). */
  duplicates: number
  /** Generated messages the desk has no record of. */
  missing: number
  tickets: number
  /** Tickets expected: one per message that starts a matter. */
  tickets_expected: number
  customers: number
  /** Answers (and auto-replies) that landed on the ticket of the message they answer. */
  threaded: number
  threaded_expected: number
  acknowledgements_queued: number
  /** Why messages were kept as failed or ignored, with how many. */
  not_imported: { status: string; reason: string; n: number }[]
}

type PathResult = {
  path: string
  connections: number | null
  messages: number
  seconds: number
  rate: number
  /**
   * The rate over parseEmail alone on one core in the same run: a bare baseline that moves with
   * the machine's speed, so runs on different machines compare (parsing is about a third of the work).
   */
  vs_parse_alone: number
  target: string
  met: boolean
  latency?: Latency
  errors: number
  first_error?: string
  outcome: Outcome
  rss_max_mb: number
  /** Resident memory of the bench process when the path started (the generated mail already in it). */
  rss_start_mb: number
  statements_per_message: number
  /** Time statements were outstanding, summed, per message (overlapping when concurrent). */
  db_ms_per_message: number
  cpu: CpuUsage
  imap?: {
    append_seconds: number
    append_rate: number
    left_in_inbox: number
    in_processed_folder: number
    /** Time the import loop waited for dovecot (search, fetch, move), per message. */
    imap_ms_per_message: number
    imap_commands_per_message: number
    /** The same by imapflow method. */
    by_command: Record<string, { calls: number; ms_per_message: number }>
  }
  profile?: ProfileSummary & { file: string }
}

// ---------------------------------------------------------------------------------------------
// Instruments

/** Counts the statements sent to PostgreSQL (every pg client of this process) and the time they were out. */
const countStatements = () => {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }
  const original = proto.query
  let statements = 0
  let ms = 0
  proto.query = function (this: unknown, ...args: unknown[]) {
    statements++
    const t = performance.now()
    const last = args.at(-1)
    if (typeof last === 'function') {
      args[args.length - 1] = (...r: unknown[]) => {
        ms += performance.now() - t
        return (last as (...x: unknown[]) => unknown)(...r)
      }
      return original.apply(this, args)
    }
    const result = original.apply(this, args)
    if (result instanceof Promise) {
      return result.finally(() => {
        ms += performance.now() - t
      })
    }
    return result
  }
  return () => {
    proto.query = original
    return { statements, ms }
  }
}

/** A progress bar on a terminal, a line per tenth elsewhere. */
const progress = (label: string, total: number) => {
  if (!process.stderr.isTTY) {
    let shown = 0
    log(`${label}: 0/${total}`)
    return {
      update: (n: number) => {
        const tenth = Math.floor((n / total) * 10)
        if (tenth > shown) {
          shown = tenth
          log(`${label}: ${n}/${total}`)
        }
      },
      stop: () => undefined,
    }
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `bench:email: ${label.padEnd(34)} [{bar}] {value}/{total}  {rate}/s`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  )
  const t0 = performance.now()
  bar.start(total, 0, { rate: 0 })
  return {
    update: (n: number) =>
      bar.update(n, { rate: Math.round(n / Math.max(0.001, (performance.now() - t0) / 1000)) }),
    stop: () => bar.stop(),
  }
}

// ---------------------------------------------------------------------------------------------
// Databases

type Desk = { ctx: Ctx; url: string; name: string; teamId: string; postgres: Group | null }

const sqlName = (s: string) => {
  if (!/^[a-z0-9_]+$/.test(s)) throw new Error(`unsafe database name ${s}`)
  return s
}

/** A migrated database with one team: the template every measurement is cloned from. */
const prepareTemplate = async (cluster: Cluster, name: string, keep: boolean) => {
  const admin = await cluster.admin()
  try {
    await admin.query(`CREATE DATABASE ${sqlName(name)}`)
  } finally {
    await admin.end()
  }
  if (!keep) onCleanup(`database ${name}`, () => dropDatabase(cluster, name))
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-email-migrate-'))
  try {
    await runTresen(['migrate'], {
      DATABASE_URL: cluster.urlOf(name),
      TRESEN_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    })
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  const c = await connect(cluster.urlOf(name))
  try {
    const teamId = crypto.randomUUID()
    await c.query("INSERT INTO teams (id, name, description) VALUES ($1, 'Kundenservice', 'Email bench')", [
      teamId,
    ])
    const [version] = (await c.query<{ v: string }>('SELECT version() AS v')).rows
    const settings = Object.fromEntries(
      (
        await c.query<{ name: string; setting: string; unit: string | null }>(
          `SELECT name, setting, unit FROM pg_settings
            WHERE name IN ('shared_buffers', 'work_mem', 'max_connections', 'synchronous_commit', 'fsync')`,
        )
      ).rows.map((r) => [r.name, r.unit ? `${r.setting} × ${r.unit}` : r.setting]),
    )
    const [dir] = (await c.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory'])).rows
    return { teamId, postgres: { version: version!.v, settings }, dataDirectory: dir!.d }
  } finally {
    await c.end()
  }
}

const dropDatabase = async (cluster: Cluster, name: string) => {
  const a = await cluster.admin()
  try {
    await a.query(`DROP DATABASE IF EXISTS ${sqlName(name)} WITH (FORCE)`)
  } finally {
    await a.end()
  }
}

/** Runs `fn` against a fresh clone of the template, with a desk context like the email worker's. */
const withDesk = async <T>(
  setup: {
    cluster: Cluster
    template: string
    teamId: string
    keep: boolean
    poolSize: number
    postgres: Group | null
  },
  suffix: string,
  fn: (desk: Desk) => Promise<T>,
) => {
  const name = sqlName(`${setup.template}_${suffix}`)
  const admin = await setup.cluster.admin()
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${sqlName(setup.template)}`)
    // Every path starts from the same state: what setup left dirty (the migration, the clone,
    // the previous path) is written out now, not by a checkpoint in the middle of this path.
    await admin.query('CHECKPOINT').catch(() => undefined)
  } finally {
    await admin.end()
  }
  const url = setup.cluster.urlOf(name)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-email-'))
  const database = connectDatabase(url, { poolSize: setup.poolSize, appName: 'tresen-bench-email' })
  wireDesk()
  const ctx: Ctx = {
    db: database.db,
    actor: SYSTEM,
    clock: systemClock,
    storage: new FsStorage(path.join(dataDir, 'attachments')),
    log: pino({ level: 'warn' }),
  }
  try {
    return await fn({ ctx, url, name, teamId: setup.teamId, postgres: setup.postgres })
  } finally {
    await database.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
    if (!setup.keep) await dropDatabase(setup.cluster, name)
  }
}

/** Checks what the desk recorded against what was sent. */
const outcomeOf = async (url: string, mails: GeneratedMail[]): Promise<Outcome> => {
  const c = await connect(url)
  try {
    const status = Object.fromEntries(
      (
        await c.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM email_inbound GROUP BY status',
        )
      ).rows.map((r) => [r.status, r.n]),
    )
    const [inbound] = (
      await c.query<{ n: number; d: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM email_inbound',
      )
    ).rows
    const [timeline] = (
      await c.query<{ n: number; d: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT thread_key)::int AS d FROM interactions WHERE channel = 'email' AND thread_key IS NOT NULL`,
      )
    ).rows
    const count = async (sqlText: string) => (await c.query<{ n: number }>(sqlText)).rows[0]!.n
    const ticketOf = new Map(
      (
        await c.query<{ message_id: string; ticket_id: string | null }>(
          'SELECT message_id, ticket_id FROM email_inbound WHERE message_id IS NOT NULL',
        )
      ).rows.map((r) => [r.message_id, r.ticket_id]),
    )
    const answers = mails.filter((m) => m.parent !== null)
    const threaded = answers.filter((m) => {
      const own = ticketOf.get(m.messageId)
      return own && own === ticketOf.get(mails[m.parent!]!.messageId)
    }).length
    return {
      imported: status.imported ?? 0,
      ignored: status.ignored ?? 0,
      failed: status.failed ?? 0,
      duplicates: inbound!.n - inbound!.d + (timeline!.n - timeline!.d),
      missing: mails.filter((m) => !ticketOf.has(m.messageId)).length,
      tickets: await count('SELECT count(*)::int AS n FROM tickets'),
      tickets_expected: mails.length - answers.length,
      customers: await count('SELECT count(*)::int AS n FROM customers'),
      threaded,
      threaded_expected: answers.length,
      acknowledgements_queued: await count(
        "SELECT count(*)::int AS n FROM email_outbound WHERE kind = 'ack'",
      ),
      not_imported: (
        await c.query<{ status: string; reason: string; n: number }>(
          `SELECT status, coalesce(reason, '') AS reason, count(*)::int AS n FROM email_inbound
            WHERE status <> 'imported' GROUP BY status, reason ORDER BY n DESC`,
        )
      ).rows,
    }
  } finally {
    await c.end()
  }
}

/** Follows how many messages the desk has recorded, for a progress bar of a loop that reports nothing. */
const watchCount = async (url: string, onCount: (n: number) => void) => {
  const c = await connect(url)
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM email_inbound')
      onCount(rows[0]!.n)
      await new Promise((r) => setTimeout(r, 500))
    }
  })()
  return async () => {
    stopped = true
    await loop
    await c.end()
  }
}

// ---------------------------------------------------------------------------------------------
// The two paths

const createChannel = (ctx: Ctx, teamId: string, box: ReturnType<typeof createSecretBox>, extra: object) =>
  createEmailChannel(
    { ...ctx, box },
    {
      name: 'Support',
      address: DESK,
      teamId,
      smtpReceiverAddresses: [],
      acknowledge: false,
      replyPromiseHours: 24,
      signature: { de: '', en: '' },
      active: true,
      ...extra,
    },
  )

type Measured<T> = {
  value: T
  seconds: number
  cpu: CpuUsage
  rss_max_mb: number
  rss_start_mb: number
  statements: { statements: number; ms: number }
  profile?: CpuProfile
}

/** Runs `fn` with the clock, CPU accounting, memory sampling, statement counting and (optionally) the profiler on. */
const measure = async <T>(groups: Group[], profile: boolean, fn: () => Promise<T>): Promise<Measured<T>> => {
  const stopProfile = profile ? await startProfile() : null
  const stopCpu = startCpuAccounting(groups)
  const rssStart = Math.round(process.memoryUsage.rss() / 1024 / 1024)
  const stopRss = sampleRss()
  const stopCount = countStatements()
  const t0 = performance.now()
  try {
    const value = await fn()
    const seconds = (performance.now() - t0) / 1000
    const statements = stopCount()
    const cpu = stopCpu()
    const rss = stopRss()
    return {
      value,
      seconds,
      cpu,
      rss_max_mb: rss,
      rss_start_mb: rssStart,
      statements,
      ...(stopProfile ? { profile: await stopProfile() } : {}),
    }
  } catch (err) {
    stopCount()
    stopRss()
    if (stopProfile) await stopProfile()
    throw err
  }
}

const r1 = (n: number) => Math.round(n * 10) / 10

const smtpPath = async (desk: Desk, mails: GeneratedMail[], connections: number, profile: boolean) => {
  const box = createSecretBox(crypto.randomBytes(32).toString('hex'))
  await createChannel(desk.ctx, desk.teamId, box, { smtpReceiverAddresses: [DESK] })
  const receiver = await startSmtpReceiver({ ctx: desk.ctx, port: 0, host: '127.0.0.1' })
  const bar = progress(`smtp, ${connections} connections`, mails.length)
  // The sending server is another machine in real life: here another process on the same cores.
  const sender = await startSender({
    port: receiver.port,
    connections,
    to: DESK,
    mails,
    onProgress: bar.update,
  })
  const groups = [
    selfGroup('bench process (the desk)'),
    pidGroup(sender.pid, 'SMTP client (load generator)'),
    ...(desk.postgres ? [desk.postgres] : []),
  ]
  try {
    const m = await measure(groups, profile, () => sender.run())
    const { latencies, errors, badReplies } = m.value
    return { m, latencies, errors: [...errors, ...badReplies.filter((r) => !errors.includes(r))] }
  } finally {
    bar.stop()
    sender.stop()
    await receiver.close()
  }
}

const imapPath = async (desk: Desk, mails: GeneratedMail[], profile: boolean) => {
  const password = crypto.randomBytes(12).toString('hex')
  const dovecot = await startDovecot({ users: [{ address: DESK, password }] })
  const stopDovecot = onCleanup('dovecot', () => dovecot.stop())
  try {
    // Appending is setup: a few connections, in small ordered batches, so that mailbox order stays
    // within a few messages of generation order (answers stay behind what they answer).
    const appenders = 4
    const batch = 40
    const clients = await Promise.all(
      Array.from({ length: appenders }, async () => {
        const c = new ImapFlow({
          host: dovecot.host,
          port: dovecot.port,
          secure: false,
          doSTARTTLS: false,
          logger: false,
          auth: { user: DESK, pass: password },
        })
        await c.connect()
        return c
      }),
    )
    const bar = progress('imap: appending (setup)', mails.length)
    const a0 = performance.now()
    for (let i = 0; i < mails.length; i += batch) {
      const slice = mails.slice(i, i + batch)
      await Promise.all(
        clients.map(async (c, k) => {
          for (let j = k; j < slice.length; j += appenders) {
            const res = await c.append('INBOX', slice[j]!.raw)
            if (!res) throw new Error('dovecot refused an APPEND')
          }
        }),
      )
      bar.update(Math.min(mails.length, i + batch))
    }
    bar.stop()
    const appendSeconds = (performance.now() - a0) / 1000
    await Promise.all(clients.map((c) => c.logout()))
    log(`appended ${mails.length} messages in ${appendSeconds.toFixed(1)} s`)

    const box = createSecretBox(crypto.randomBytes(32).toString('hex'))
    const channel = await createChannel(desk.ctx, desk.teamId, box, {
      imap: {
        host: dovecot.host,
        port: dovecot.port,
        security: 'none',
        user: DESK,
        auth: 'password',
        secret: password,
        folder: 'INBOX',
        afterImport: 'move',
        processedFolder: 'Tresen/Processed',
        pollSeconds: 60,
      },
    })
    const row = (await emailRepo.findChannel(desk.ctx.db, channel.id))!

    const dovecotPgid = findProcessGroup('dovecot', (cmd) => {
      const conf = /-c (\S+)/.exec(cmd)?.[1]
      try {
        return !!conf && fs.readFileSync(conf, 'utf8').includes(`port = ${dovecot.port}\n`)
      } catch {
        return false
      }
    })
    const groups = [
      selfGroup('bench process (desk)'),
      ...(desk.postgres ? [desk.postgres] : []),
      ...(dovecotPgid ? [processGroup(dovecotPgid, 'dovecot')] : []),
    ]

    // The desk's own client, with its commands timed: how long the loop waits for the mail server.
    const client = imapClient(row, box)
    client.on('error', (err: Error) => log(`IMAP connection error: ${err.message}`))
    let imapMs = 0
    let imapCommands = 0
    const byCommand: Record<string, { calls: number; ms: number }> = {}
    const record = (method: string, ms: number) => {
      imapMs += ms
      imapCommands++
      const c = byCommand[method] ?? { calls: 0, ms: 0 }
      byCommand[method] = { calls: c.calls + 1, ms: c.ms + ms }
    }
    const timed = client as unknown as Record<string, (...args: unknown[]) => unknown>
    for (const method of [
      'search',
      'fetchOne',
      'messageMove',
      'messageFlagsAdd',
      'getMailboxLock',
      'mailboxCreate',
    ]) {
      const original = timed[method]!.bind(client)
      timed[method] = async (...args: unknown[]) => {
        const t = performance.now()
        try {
          return await original(...args)
        } finally {
          record(method, performance.now() - t)
        }
      }
    }
    // fetch streams its answers: timed from the command to the last message received.
    const originalFetch = timed.fetch!.bind(client) as (...args: unknown[]) => AsyncIterable<unknown>
    timed.fetch = (...args: unknown[]) =>
      (async function* () {
        const t = performance.now()
        try {
          yield* originalFetch(...args)
        } finally {
          record('fetch', performance.now() - t)
        }
      })()
    const importBar = progress('imap: importing', mails.length)
    const stopWatch = await watchCount(desk.url, (n) => importBar.update(n))
    const outcomes: Record<string, number> = {}
    let m: Measured<number>
    try {
      m = await measure(groups, profile, async () => {
        await client.connect()
        let rounds = 0
        for (;;) {
          const round = await importRound(desk.ctx, client, channel.id)
          rounds++
          for (const o of round.outcomes) outcomes[o.status] = (outcomes[o.status] ?? 0) + 1
          if (round.fetched === 0) break
        }
        return rounds
      })
    } finally {
      await stopWatch()
      importBar.stop()
      await client.logout().catch(() => client.close())
    }

    const check = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      logger: false,
      auth: { user: DESK, pass: password },
    })
    await check.connect()
    const inbox = await check.status('INBOX', { messages: true })
    const processed = await check.status('Tresen/Processed', { messages: true })
    await check.logout()
    return {
      m,
      outcomes,
      imap: {
        append_seconds: r1(appendSeconds),
        append_rate: Math.round(mails.length / appendSeconds),
        left_in_inbox: inbox ? (inbox.messages ?? -1) : -1,
        in_processed_folder: processed ? (processed.messages ?? -1) : -1,
        imap_ms_per_message: Math.round((imapMs / mails.length) * 100) / 100,
        imap_commands_per_message: r1(imapCommands / mails.length),
        by_command: Object.fromEntries(
          Object.entries(byCommand).map(([k, v]) => [
            k,
            { calls: v.calls, ms_per_message: Math.round((v.ms / mails.length) * 100) / 100 },
          ]),
        ),
      },
    }
  } finally {
    await stopDovecot()
  }
}

// ---------------------------------------------------------------------------------------------
// Report

type Report = {
  bench: 'email'
  started_at: string
  finished_at: string
  machine: Machine
  options: Record<string, unknown>
  target: string
  background_before: { other_pct: number; busiest_other: string[] }
  generator: ReturnType<typeof describeMix> & { seed: number; seconds: number }
  /** parseEmail alone, one message after another on one core: the parsing share of the work. */
  parse_only: { messages: number; ms_per_message: number; rate_one_core: number }
  results: PathResult[]
  notes: string[]
}

const fmtCpu = (cpu: CpuUsage) =>
  `${Object.entries(cpu.groups)
    .map(([k, v]) => `${k.split(' (')[0]} ${v.pct_of_machine} %`)
    .join(
      ', ',
    )}; other ${cpu.other.pct_of_machine} %${cpu.other.busiest.length ? ` (${cpu.other.busiest.join(', ')})` : ''}`

const markdown = (r: Report) => {
  const m = r.machine
  const rows = r.results.map((x) =>
    [
      x.path,
      x.messages,
      r1(x.seconds),
      `**${x.rate}**`,
      x.vs_parse_alone,
      x.latency ? `${x.latency.p50_ms} / ${x.latency.p95_ms} / ${x.latency.p99_ms}` : '–',
      x.errors,
      x.outcome.duplicates,
      `${x.outcome.imported} / ${x.outcome.ignored} / ${x.outcome.failed} / ${x.outcome.missing}`,
      `${x.outcome.threaded}/${x.outcome.threaded_expected}`,
      `${x.rss_start_mb} → ${x.rss_max_mb}`,
      x.statements_per_message,
      x.db_ms_per_message,
      x.met ? 'met' : '**missed**',
    ].join(' | '),
  )
  return [
    '# Tresen email ingestion bench',
    '',
    `Run ${r.started_at} – ${r.finished_at}.`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.ram_gb} GB RAM, ${m.os}`,
    `- Node ${m.node}; ${m.postgres.split(',')[0]} (${m.database}; ${Object.entries(m.postgres_settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}); database pool ${r.options.pool}`,
    `- Other load before the run: ${r.background_before.other_pct} % of the machine${r.background_before.busiest_other.length ? ` (${r.background_before.busiest_other.join(', ')})` : ''}`,
    `- Mail (seed ${r.generator.seed}, generated in ${r.generator.seconds} s): ${r.generator.messages} messages, ${r.generator.german_pct} % German, ${r.generator.replies_pct} % answers, ${r.generator.auto_replies_pct} % auto-replies, ${r.generator.html_pct} % with HTML, ${r.generator.attachment_pct} % with an attachment, ${r.generator.base64_pct} % base64 (rest quoted-printable), ${r.generator.distinct_senders} senders, ${r.generator.mean_bytes} bytes on average`,
    '- The desk runs in the bench process (SMTP receiver or IMAP import loop, the server code), a fresh migrated database per path; channels do not acknowledge (`acknowledge: false`). The SMTP client (nodemailer, the load generator) runs in a process of its own on the same cores.',
    `- parseEmail alone: ${r.parse_only.ms_per_message} ms per message (${r.parse_only.rate_one_core}/s on one core)`,
    '',
    `Target: ${r.target}.`,
    '',
    '| path | messages | s | msg/s | × parse alone | DATA→250 p50 / p95 / p99 ms | errors | duplicates | imported / ignored / failed / missing | threaded | RSS MB (start → max) | statements/msg | DB ms/msg | result |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map((x) => `| ${x} |`),
    '',
    'CPU during each path (share of both cores):',
    '',
    ...r.results.map((x) => `- ${x.path}: ${fmtCpu(x.cpu)}`),
    ...r.results
      .filter((x) => x.imap)
      .map(
        (x) =>
          `- ${x.path}: appended in ${x.imap!.append_seconds} s (${x.imap!.append_rate}/s, setup); afterwards ${x.imap!.left_in_inbox} left in INBOX, ${x.imap!.in_processed_folder} in Tresen/Processed; ${x.imap!.imap_commands_per_message} IMAP commands and ${x.imap!.imap_ms_per_message} ms waiting for dovecot per message (${Object.entries(
            x.imap!.by_command,
          )
            .map(([k, v]) => `${k} ${v.ms_per_message} ms`)
            .join(', ')})`,
      ),
    ...r.results
      .filter((x) => x.profile)
      .flatMap((x) => [
        '',
        `### CPU profile of ${x.path} (${x.profile!.sampled_ms} ms sampled; ${path.basename(x.profile!.file)})`,
        '',
        '| area | ms | % |',
        '| --- | ---: | ---: |',
        ...x.profile!.areas.map((a) => `| ${a.area} | ${a.ms} | ${a.pct} |`),
        '',
        '| function (self time) | ms | % |',
        '| --- | ---: | ---: |',
        ...x.profile!.functions.map((f) => `| ${f.fn.replaceAll('|', '\\|')} | ${f.ms} | ${f.pct} |`),
      ]),
    ...r.results.flatMap((x) =>
      x.outcome.not_imported.map(
        (f) => `- ${x.path}: ${f.n} message(s) ${f.status}: ${f.reason.replaceAll('|', '\\|')}`,
      ),
    ),
    ...(r.notes.length ? ['', '## Notes', '', ...r.notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------

const positiveInt = (name: string, raw: string) => {
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`)
  return n
}

const main = async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      messages: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'smtp-connections': { type: 'string', default: '4,8' },
      only: { type: 'string', default: 'smtp,imap' },
      pool: { type: 'string', default: '10' },
      seed: { type: 'string', default: '2026' },
      profile: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'pg-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const messages = values.messages ? positiveInt('messages', values.messages) : values.quick ? 1000 : 10_000
  const connectionsList = values['smtp-connections']
    .split(',')
    .map((s) => positiveInt('smtp-connections', s.trim()))
  const only = new Set(values.only.split(',').map((s) => s.trim()))
  for (const p of only)
    if (p !== 'smtp' && p !== 'imap') throw new Error(`--only takes smtp and imap, not "${p}"`)
  const poolSize = positiveInt('pool', values.pool)
  const seed = positiveInt('seed', values.seed)
  if (only.has('imap') && !dovecotAvailable)
    throw new Error('dovecot is not installed (apt-get install dovecot-imapd), or use --only smtp')
  const databaseUrl = process.env.BENCH_DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error('BENCH_DATABASE_URL must be a postgres:// URL')

  const startedAt = new Date()
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z')
  const notes: string[] = []

  log('measuring the other load on the machine (3 s)')
  const before = await backgroundLoad(3000)
  log(`other load: ${before.other_pct} % of the machine ${before.busiest_other.join(', ')}`)
  if (before.other_pct > 10)
    notes.push(`The machine was not idle before the run: other load ${before.other_pct} %.`)

  log(`generating ${messages} messages (seed ${seed})`)
  const genBar = progress('generating mail', messages)
  const g0 = performance.now()
  const mails = await generateMails({ count: messages, seed, to: DESK, onProgress: (n) => genBar.update(n) })
  genBar.stop()
  const generator = { seed, seconds: r1((performance.now() - g0) / 1000), ...describeMix(mails) }

  // Parsing alone, for the share of the work it is (after a short warm-up of the parser).
  const sample = mails.slice(0, Math.min(mails.length, 2000))
  for (const m of sample.slice(0, 100)) await parseEmail(m.raw)
  const p0 = performance.now()
  for (const m of sample) await parseEmail(m.raw)
  const parseMs = (performance.now() - p0) / sample.length
  const parseOnly = {
    messages: sample.length,
    ms_per_message: Math.round(parseMs * 100) / 100,
    rate_one_core: Math.round(1000 / parseMs),
  }
  log(`parseEmail alone: ${parseOnly.ms_per_message} ms per message`)

  const cluster = await openCluster(
    { keep: values.keep, pgDir: values['pg-dir'], databaseUrl } as Parameters<typeof openCluster>[0],
    log,
  )
  const template = `tresen_email_${stamp.toLowerCase().replace(/[^a-z0-9]/g, '')}`
  log(`migrating ${template}`)
  const prepared = await prepareTemplate(cluster, template, values.keep)
  const postmaster = cluster.kind === 'embedded' ? postmasterPidOf(prepared.dataDirectory) : null
  if (!postmaster)
    notes.push('PostgreSQL CPU time not measured (the cluster is not on this machine or not readable).')
  const setup = {
    cluster,
    template,
    teamId: prepared.teamId,
    keep: values.keep,
    poolSize,
    postgres: postmaster ? postgresGroup(postmaster) : null,
  }

  const results: PathResult[] = []
  const profileFile = (name: string) => path.join(RESULTS_DIR, `email-${stamp}.${name}.cpuprofile`)
  const finish = async (
    desk: Desk,
    name: string,
    connections: number | null,
    m: Measured<unknown>,
    extra: Partial<PathResult>,
  ) => {
    const outcome = await outcomeOf(desk.url, mails)
    const rate = Math.round(mails.length / m.seconds)
    let profile: PathResult['profile']
    if (m.profile) {
      fs.mkdirSync(RESULTS_DIR, { recursive: true })
      saveProfile(profileFile(name), m.profile)
      profile = { ...summarizeProfile(m.profile), file: path.relative(REPO, profileFile(name)) }
    }
    const result: PathResult = {
      path: name,
      connections,
      messages: mails.length,
      seconds: Math.round(m.seconds * 100) / 100,
      rate,
      vs_parse_alone: Math.round((rate / parseOnly.rate_one_core) * 1000) / 1000,
      target: `≥ ${TARGET_RATE} messages/s`,
      met:
        rate >= TARGET_RATE && outcome.duplicates === 0 && outcome.missing === 0 && (extra.errors ?? 0) === 0,
      errors: 0,
      outcome,
      rss_max_mb: m.rss_max_mb,
      rss_start_mb: m.rss_start_mb,
      statements_per_message: r1(m.statements.statements / mails.length),
      db_ms_per_message: Math.round((m.statements.ms / mails.length) * 100) / 100,
      cpu: m.cpu,
      ...extra,
      ...(profile ? { profile } : {}),
    }
    results.push(result)
    log(
      `${name}: ${rate} messages/s (${result.seconds} s)${result.latency ? `, DATA→250 p50 ${result.latency.p50_ms} / p95 ${result.latency.p95_ms} / p99 ${result.latency.p99_ms} ms` : ''}, ${result.errors} errors, ${outcome.duplicates} duplicates, ${outcome.failed} kept as failed, ${outcome.missing} missing, RSS ${result.rss_max_mb} MB; ${fmtCpu(m.cpu)}`,
    )
  }

  if (only.has('smtp')) {
    for (const connections of connectionsList) {
      await withDesk(setup, `smtp${connections}`, async (desk) => {
        const { m, latencies, errors } = await smtpPath(desk, mails, connections, values.profile)
        await finish(desk, `smtp_${connections}`, connections, m, {
          latency: latencyOf(latencies),
          errors: errors.length,
          ...(errors[0] ? { first_error: errors[0] } : {}),
        })
      })
    }
  }
  if (only.has('imap')) {
    await withDesk(setup, 'imap', async (desk) => {
      const { m, outcomes, imap } = await imapPath(desk, mails, values.profile)
      const notImported = mails.length - (outcomes.imported ?? 0)
      await finish(desk, 'imap', null, m, {
        errors: notImported,
        ...(notImported ? { first_error: `import loop outcomes: ${JSON.stringify(outcomes)}` } : {}),
        imap,
      })
    })
  }

  const report: Report = {
    bench: 'email',
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    machine: machineInfo(prepared.postgres, cluster.kind),
    options: {
      messages,
      smtp_connections: connectionsList,
      only: [...only],
      pool: poolSize,
      seed,
      profile: values.profile,
      acknowledge: false,
    },
    target: `at least ${TARGET_RATE} messages per second on each path (parse, thread, commit), no duplicates, nothing lost`,
    background_before: before,
    generator,
    parse_only: parseOnly,
    results,
    notes: [
      ...notes,
      'RSS is the bench process, which holds the desk and also the generated messages (about ' +
        `${Math.round((mails.reduce((s, x) => s + x.raw.length, 0) / 1024 / 1024) * 10) / 10} MB of raw mail).`,
    ],
  }
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  const jsonFile = path.join(RESULTS_DIR, `email-${stamp}.json`)
  const mdFile = path.join(RESULTS_DIR, `email-${stamp}.md`)
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`)
  const md = markdown(report)
  fs.writeFileSync(mdFile, md)
  process.stdout.write(`\n${md}\n`)
  log(`results: ${path.relative(REPO, jsonFile)}, .md`)
  return 0
}

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return
  stopping = true
  log(`${signal}: stopping dovecot and removing temporary databases and directories`)
  void cleanupAll().finally(() => process.exit(130))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

try {
  process.exitCode = await main()
} catch (err) {
  if (!stopping) process.stderr.write(`bench:email: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
} finally {
  if (!stopping) await cleanupAll()
}
// pg pools, timers of the mail libraries and the like must not keep a finished bench alive.
if (!stopping) process.exit(process.exitCode ?? 0)
