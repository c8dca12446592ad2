/**
 * `npm run bench`: measures Tresen against a bare Fastify + node-postgres server on the same
 * machine. For each data size: a database (seeded by `tresen seed-bench`, or reused), the desk
 * as one child process, every scenario under autocannon, then the baselines; the results go to
 * bench/results/<timestamp>.json and .md. See bench/README.md.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import cliProgress from 'cli-progress'
import {
  type Cluster,
  createBaselineTable,
  dropBaselineTable,
  explain,
  markSeeded,
  openCluster,
  pickSample,
  prepareDatabase,
  removeWrites,
  type Sample,
} from './lib/database.ts'
import { backgroundCpuPct, type Measurement, measure, measurePaced, type Req } from './lib/load.ts'
import { type Options, parseOptions, USAGE } from './lib/options.ts'
import {
  cleanupAll,
  onCleanup,
  REPO,
  runScript,
  runTresen,
  type Server,
  startBaseline,
  startTresen,
} from './lib/processes.ts'
import { scenarioQueries } from './lib/queries.ts'
import {
  type Entry,
  type Explained,
  entryOf,
  machineInfo,
  markdownTable,
  type Report,
  RSS_LIMIT_MB,
  type SizeSummary,
  writeReport,
} from './lib/report.ts'
import {
  baselineRequests,
  buildScenarios,
  type DeepCursors,
  inboxUrls,
  type Scenario,
  selected,
  type Tokens,
  WRITE_TAG,
} from './lib/scenarios.ts'

const RESULTS_DIR = path.join(REPO, 'bench', 'results')
const DEEP_PAGES = 20
/** Above this share of CPU used by other processes, the run notes that the machine was busy. */
const BUSY_PCT = 10

const log = (line: string) => process.stderr.write(`bench: ${line}\n`)
const fmtSize = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n))

// ---------------------------------------------------------------------------------------------
// Progress: a bar on a terminal, one line per step otherwise (e.g. under nohup).

const runWithProgress = async (
  label: string,
  seconds: number,
  run: (onTick: (elapsed: number, requests: number) => void) => Promise<Measurement>,
) => {
  if (!process.stderr.isTTY) {
    log(`${label} (${seconds} s)…`)
    return run(() => {})
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `bench: ${label.padEnd(46)} [{bar}] {value}/{total} s  {rps} req/s`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(seconds, 0, { rps: 0 })
  try {
    return await run((elapsed, requests) =>
      bar.update(Math.min(seconds, Math.floor(elapsed)), {
        rps: Math.round(requests / Math.max(elapsed, 0.001)),
      }),
    )
  } finally {
    bar.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// One data size

type SizeResult = {
  entries: Entry[]
  summary: SizeSummary
  notes: string[]
  sample: Sample
  explained: Explained[]
}

const tokensFor = async (env: Record<string, string>, sample: Sample, runId: string): Promise<Tokens> => {
  const token = async (email: string) =>
    (await runTresen(['create-token', '--email', email, '--name', `bench ${runId}`], env)).trim()
  // One after another: each CLI call opens the database and checks its migrations.
  const agent = await token(sample.agent.email)
  const supervisor = await token(sample.supervisor.email)
  const admin = await token(sample.admin!.email)
  return { agent, supervisor, admin }
}

/** Follows nextCursor `DEEP_PAGES` times from the first page of each inbox; stops early at the end. */
const findDeepCursors = async (server: Server, sample: Sample, tokens: Tokens): Promise<DeepCursors> => {
  const out = {} as DeepCursors
  for (const [key, { path: p, token }] of Object.entries(inboxUrls(sample, tokens)) as [
    keyof DeepCursors,
    { path: string; token: string },
  ][]) {
    let cursor: string | null = null
    let page = 0
    while (page < DEEP_PAGES) {
      const url: string = `${server.url}${p}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
      if (!res.ok) throw new Error(`GET ${p} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
      const body = (await res.json()) as { nextCursor: string | null }
      if (!body.nextCursor) break
      cursor = body.nextCursor
      page++
    }
    out[key] = { cursor, page }
  }
  return out
}

/** One request of the scenario before the load, to fail loudly on a broken setup instead of counting errors. */
const probe = async (server: Server, req: Req) => {
  const res = await fetch(`${server.url}${req.path}`, {
    method: req.method,
    headers: {
      ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
      ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
  })
  const text = await res.text()
  return res.ok ? null : `${res.status} ${text.slice(0, 300)}`
}

const load = async (opts: Options, server: Server, label: string, next: () => Req): Promise<Measurement> => {
  if (opts.warmup > 0) {
    await measure({
      url: server.url,
      next,
      seconds: opts.warmup,
      connections: opts.connections,
      pid: server.pid,
    })
  }
  return runWithProgress(label, opts.duration, (onTick) =>
    measure({
      url: server.url,
      next,
      seconds: opts.duration,
      connections: opts.connections,
      pid: server.pid,
      onTick,
    }),
  )
}

/** The same requests at a steady `opts.rate` per second: latency as an agent meets it on a busy desk. */
const paced = (opts: Options, server: Server, label: string, next: () => Req): Promise<Measurement> =>
  runWithProgress(`${label} at ${opts.rate}/s`, opts.duration, (onTick) =>
    measurePaced({
      url: server.url,
      next,
      seconds: opts.duration,
      rate: opts.rate,
      pid: server.pid,
      onTick,
    }),
  )

const runSize = async (
  opts: Options,
  cluster: Cluster,
  tickets: number,
  runId: string,
): Promise<SizeResult> => {
  const notes: string[] = []
  const label = fmtSize(tickets)
  const db = await prepareDatabase(cluster, tickets, opts.keep)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-data-'))
  onCleanup('data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }))
  const env = { DATABASE_URL: db.url, TRESEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }

  log(`[${label}] migrating ${db.name}`)
  await runTresen(['migrate'], env)
  let seedSeconds: number | null = null
  let data = `kept database with ${db.existing} tickets`
  if (db.needsSeed) {
    log(`[${label}] seeding ${tickets} tickets (this takes a while for large sizes)`)
    const t0 = Date.now()
    await runTresen(['seed-bench', '--tickets', String(tickets)], env, { stream: true })
    data = `tresen seed-bench --tickets ${tickets}`
    seedSeconds = Math.round((Date.now() - t0) / 1000)
    await markSeeded(cluster, db.name, tickets)
    log(`[${label}] seeded in ${seedSeconds} s`)
  } else {
    log(`[${label}] reusing ${db.name} with ${db.existing} tickets`)
  }

  let sample = await pickSample(db.url)
  if (!sample.admin) {
    const email = 'admin@bench.example'
    await runTresen(['create-admin', '--email', email, '--name', 'Bench Admin', '--password-stdin'], env, {
      input: `${crypto.randomBytes(18).toString('base64url')}\n`,
    })
    sample = await pickSample(db.url)
  }
  log(
    `[${label}] agent ${sample.agent.email} (${sample.agent.openAssigned} open assigned), supervisor ${sample.supervisor.email} (${sample.supervisor.unassigned} unassigned in the team), admin ${sample.admin!.email}`,
  )
  if (sample.invalidPhones.invalid > 0)
    notes.push(
      `${label}: ${sample.invalidPhones.invalid} of ${sample.invalidPhones.drawn} stored phone numbers drawn are not valid numbers for the API (libphonenumber); customer_by_phone uses only valid ones.`,
    )
  if (sample.phones.length === 0) throw new Error('no stored phone number is valid for the API')
  const tokens = await tokensFor(env, sample, runId)
  const background: SizeSummary['background_cpu_pct'] = { before_tresen: await backgroundCpuPct() }

  const entries: Entry[] = []
  const measured: { scenario: Scenario; m: Measurement; paced?: Measurement }[] = []
  let rssMax: number | null = null
  const server = await startTresen({ databaseUrl: db.url, dataDir, poolSize: opts.poolSize })
  log(`[${label}] Tresen is up (pid ${server.pid}) at ${server.url}`)
  const writesSince = new Date()
  let wrote = false
  try {
    const deep = await findDeepCursors(server, sample, tokens)
    for (const [k, d] of Object.entries(deep)) {
      if (d.page < DEEP_PAGES)
        notes.push(
          `${label}: the ${k} inbox ends after page ${d.page + 1}; its deep scenario reads that page.`,
        )
    }
    const scenarios = buildScenarios(sample, tokens, deep).filter((s) => selected(s.name, opts.only))
    for (const [i, scenario] of scenarios.entries()) {
      const problem = await probe(server, scenario.next())
      if (problem) {
        log(`[${label}] ${scenario.name}: the first request failed: ${problem}`)
        notes.push(`${label} ${scenario.name}: the first request failed: ${problem}`)
      }
      if (scenario.kind === 'write') wrote = true
      const m = await load(
        opts,
        server,
        `[${label}] ${i + 1}/${scenarios.length} ${scenario.name}`,
        scenario.next,
      )
      if (m.rss_max_mb !== null) rssMax = Math.max(rssMax ?? 0, m.rss_max_mb)
      log(
        `[${label}] ${scenario.name}: ${m.rps} req/s, p50 ${m.p50_ms} ms, p95 ${m.p95_ms} ms, p99 ${m.p99_ms} ms, ${m.errors} errors, RSS ${m.rss_max_mb} MB`,
      )
      if (m.firstErrorBody) log(`[${label}] ${scenario.name}: first error: ${m.firstErrorBody}`)
      let steady: Measurement | undefined
      if (scenario.target?.paced) {
        steady = await paced(
          opts,
          server,
          `[${label}] ${i + 1}/${scenarios.length} ${scenario.name}`,
          scenario.next,
        )
        if (steady.rss_max_mb !== null) rssMax = Math.max(rssMax ?? 0, steady.rss_max_mb)
        log(
          `[${label}] ${scenario.name} at ${opts.rate}/s: p50 ${steady.p50_ms} ms, p95 ${steady.p95_ms} ms, p99 ${steady.p99_ms} ms, ${steady.errors} errors`,
        )
      }
      measured.push({ scenario, m, ...(steady ? { paced: steady } : {}) })
    }
  } finally {
    await server.stop()
  }
  let removed: { tickets: number; replies: number } | undefined
  if (wrote) {
    removed = await removeWrites(db.url, WRITE_TAG, sample.agent.id, writesSince)
    log(
      `[${label}] removed what the write scenarios added: ${removed.tickets} tickets, ${removed.replies} replies`,
    )
  }

  // The baselines, with the desk stopped so both get the machine to themselves.
  const baselines: Record<string, Measurement> = {}
  let baselinePaced: Measurement | undefined
  background.before_baselines = await backgroundCpuPct()
  for (const [when, pct] of Object.entries(background)) {
    if (pct !== null && pct > BUSY_PCT)
      notes.push(
        `${label}: the machine was ${pct}% busy with other work ${when.replace('_', ' ')}; figures are lower and noisier than on an idle machine.`,
      )
  }
  log(
    `[${label}] other load on the machine: ${background.before_tresen}% before Tresen, ${background.before_baselines}% before the baselines`,
  )
  await createBaselineTable(db.url)
  const baseline = await startBaseline({ databaseUrl: db.url, poolSize: opts.poolSize })
  try {
    const reqs = baselineRequests(sample)
    for (const name of ['baseline_select', 'baseline_insert'] as const) {
      const m = await load(opts, baseline, `[${label}] ${name}`, reqs[name])
      log(
        `[${label}] ${name}: ${m.rps} req/s, p50 ${m.p50_ms} ms, p95 ${m.p95_ms} ms, p99 ${m.p99_ms} ms, ${m.errors} errors`,
      )
      baselines[name] = m
    }
    // The floor for the latency targets: the bare read at the same steady rate.
    baselinePaced = await paced(opts, baseline, `[${label}] baseline_select`, reqs.baseline_select)
    log(
      `[${label}] baseline_select at ${opts.rate}/s: p50 ${baselinePaced.p50_ms} ms, p95 ${baselinePaced.p95_ms} ms, p99 ${baselinePaced.p99_ms} ms`,
    )
  } finally {
    await baseline.stop()
    await dropBaselineTable(db.url)
  }

  for (const { scenario, m, paced: steady } of measured) {
    const b = baselines[scenario.baseline]
    entries.push(
      entryOf(
        scenario,
        tickets,
        m,
        b ? { name: scenario.baseline, m: b } : null,
        steady ? { rate: opts.rate, m: steady } : undefined,
      ),
    )
  }
  for (const [name, m] of Object.entries(baselines)) {
    entries.push(
      entryOf(
        {
          name,
          what:
            name === 'baseline_insert'
              ? 'bare Fastify + pg: one INSERT into a table shaped like tickets'
              : 'bare Fastify + pg: 25 tickets of a team by updated_at (indexed)',
        },
        tickets,
        m,
        null,
        name === 'baseline_select' && baselinePaced ? { rate: opts.rate, m: baselinePaced } : undefined,
      ),
    )
  }
  // For each missed target: the plan of the scenario's main queries, for the maintainers to read.
  const explained: Explained[] = []
  const queries = scenarioQueries(sample, sample.detailNumbers[0] ?? 0)
  for (const e of entries) {
    if (e.met !== false) continue
    for (const q of queries[e.scenario] ?? []) {
      try {
        explained.push({
          tickets,
          scenario: e.scenario,
          label: q.label,
          sql: q.sql,
          plan: await explain(db.url, q.sql, q.params),
        })
      } catch (err) {
        notes.push(`${label} ${e.scenario}: EXPLAIN of "${q.label}" failed: ${(err as Error).message}`)
      }
    }
  }
  // The baseline's read too: its plan says whether the ratios of the reads compare with an index scan.
  const baselineSql =
    'SELECT id, number, subject, status, team_id, updated_at FROM tickets WHERE team_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 25'
  explained.push({
    tickets,
    scenario: 'baseline_select',
    label: 'the bare read, first team',
    sql: baselineSql,
    plan: await explain(db.url, baselineSql, [sample.teamIds[0]]),
  })
  if (explained.length > 0) log(`[${label}] captured ${explained.length} query plans for the missed targets`)

  const summary: SizeSummary = {
    tickets,
    database: { reused: !db.needsSeed, tickets_before: db.existing, seed_seconds: seedSeconds, data },
    actors: {
      agent: `${sample.agent.email} (${sample.agent.openAssigned} open assigned)`,
      supervisor: `${sample.supervisor.email} (${sample.supervisor.unassigned} unassigned in the team)`,
      admin: sample.admin!.email,
    },
    background_cpu_pct: background,
    rss_max_mb: rssMax,
    rss_target: { text: `< ${RSS_LIMIT_MB} MB`, met: rssMax === null ? null : rssMax < RSS_LIMIT_MB },
    ...(removed ? { removed_writes: removed } : {}),
  }
  return { entries, summary, notes, sample, explained }
}

// ---------------------------------------------------------------------------------------------

const main = async () => {
  let opts: Options | null
  try {
    opts = parseOptions(process.argv.slice(2), process.env)
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  if (!opts) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const startedAt = new Date()
  const runId = startedAt.toISOString()
  log(
    `sizes ${opts.sizes.map(fmtSize).join(', ')}; ${opts.duration} s per scenario after ${opts.warmup} s warm-up; ${opts.connections} connections; pool ${opts.poolSize}`,
  )
  // The desk runs as users run it: the built server (bin/tresen.mjs falls back to the sources
  // only when the build is older than they are).
  await runScript('scripts/build-server.mjs')
  const cluster = await openCluster(opts, log)
  const results: Entry[] = []
  const sizes: SizeSummary[] = []
  const notes: string[] = []
  const explained: Explained[] = []
  let postgres: Sample['postgres'] | undefined
  const buildReport = (): Report => ({
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    options: {
      quick: opts.quick,
      sizes: opts.sizes,
      duration: opts.duration,
      warmup: opts.warmup,
      connections: opts.connections,
      pool: opts.poolSize,
      only: opts.only,
    },
    machine: machineInfo(postgres ?? { version: 'unknown', settings: {} }, cluster.kind),
    sizes,
    results,
    notes,
  })
  let files: Partial<Record<string, string>> = {}
  for (const tickets of opts.sizes) {
    const r = await runSize(opts, cluster, tickets, runId)
    results.push(...r.entries)
    sizes.push(r.summary)
    notes.push(...r.notes)
    explained.push(...r.explained)
    postgres = r.sample.postgres
    // Written after every size, so an interrupted run of several sizes keeps what it measured.
    files = writeReport(RESULTS_DIR, buildReport(), explained)
  }
  process.stdout.write(`\n${markdownTable(results, sizes)}\n\n`)
  log(
    `results: ${Object.values(files)
      .filter((f) => f !== undefined)
      .map((f) => path.relative(REPO, f))
      .join(', ')}`,
  )
  return 0
}

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return
  stopping = true
  log(`${signal}: stopping child processes and removing temporary data`)
  void cleanupAll().finally(() => process.exit(130))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

try {
  process.exitCode = await main()
} catch (err) {
  // After Ctrl-C the children fail on purpose; their errors are not news.
  if (!stopping) process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
} finally {
  if (!stopping) await cleanupAll()
}
