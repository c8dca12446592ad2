/**
 * `npm run bench:browser`: how fast the web app feels, in a real browser (Debian's Chromium), on the
 * demo company plus 100,000 generated tickets. Measures, over many repetitions:
 *
 * - inbox_first_render: a signed-in agent opens the desk (a page load of /inbox/mine, the app's
 *   files from the browser cache): from navigating to the first rows of the inbox on screen;
 * - ticket_switch: from clicking a ticket in the inbox to its subject and timeline on screen;
 * - sign_in_to_inbox (no target): from pressing "Sign in" to the inbox, which includes checking the
 *   password (argon2id, slow on purpose).
 *
 * Target: p95 of inbox_first_render and ticket_switch under 300 ms. Results go to bench/results/browser-<timestamp>.{json,md}.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type Page } from '@playwright/test'
import { markSeeded, openCluster, pickSample, prepareDatabase } from './lib/database.ts'
import { cleanupAll, REPO, runScript, runTresen, startTresen } from './lib/processes.ts'
import { machineInfo } from './lib/report.ts'

const TARGET_MS = 300
const RESULTS_DIR = path.join(REPO, 'bench', 'results')
const log = (line: string) => process.stdout.write(`bench:browser: ${line}\n`)

const USAGE = `Usage: npm run bench:browser -- [options]

  --tickets N     generated tickets beside the demo company; default 100000
  --runs N        repetitions of each measurement; default 20
  --keep          keep the seeded database (and the embedded cluster) for the next run
  --pg-dir DIR    where the embedded cluster lives
  -h, --help

Needs Debian's Chromium at /usr/bin/chromium (CHROMIUM_PATH to use another) and builds the web app
first when it is not built. BENCH_DATABASE_URL uses that PostgreSQL server instead of an embedded one.`

type Stat = { runs: number; p50_ms: number; p95_ms: number; max_ms: number; samples_ms: number[] }

const stat = (values: number[]): Stat => {
  const sorted = [...values].sort((a, b) => a - b)
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
  const r = (n: number) => Math.round(n * 10) / 10
  return {
    runs: values.length,
    p50_ms: r(q(0.5)),
    p95_ms: r(q(0.95)),
    max_ms: r(sorted.at(-1) ?? Number.NaN),
    samples_ms: values.map(r),
  }
}

const main = async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      tickets: { type: 'string', default: '100000' },
      runs: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
      'pg-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const tickets = Number(values.tickets)
  const runs = Number(values.runs)
  if (!Number.isInteger(tickets) || tickets < 1000) throw new Error('--tickets must be an integer ≥ 1000')
  if (!Number.isInteger(runs) || runs < 3) throw new Error('--runs must be an integer ≥ 3')
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!fs.existsSync(executablePath))
    throw new Error(`no Chromium at ${executablePath} (apt-get install chromium)`)

  log('building the web app and the server if needed')
  await runScript('scripts/build-web.mjs')
  await runScript('scripts/build-server.mjs')

  const cluster = await openCluster(
    {
      keep: values.keep,
      pgDir: values['pg-dir'],
      databaseUrl: process.env.BENCH_DATABASE_URL,
    } as Parameters<typeof openCluster>[0],
    log,
  )
  // Its own database name: the demo company is added to it, unlike the API bench's databases.
  const db = await prepareDatabase(cluster, tickets, values.keep, 'tresen_browser_')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-browser-'))
  const env = { DATABASE_URL: db.url, TRESEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }
  await runTresen(['migrate'], env)
  let seedSeconds: number | null = null
  if (db.needsSeed) {
    log(`seeding the demo company and ${tickets} tickets`)
    const t0 = Date.now()
    await runTresen(['seed-demo'], env)
    await runTresen(['seed-bench', '--tickets', String(tickets)], env, { stream: true })
    seedSeconds = Math.round((Date.now() - t0) / 1000)
    await markSeeded(cluster, db.name, tickets)
  } else log(`reusing ${db.name}`)

  const sample = await pickSample(db.url)
  const admin = sample.admin
  const adminEmail = admin?.email ?? 'admin@bench.example'
  if (!admin) {
    await runTresen(
      ['create-admin', '--email', adminEmail, '--name', 'Bench Admin', '--password-stdin'],
      env,
      {
        input: `${crypto.randomBytes(18).toString('base64url')}\n`,
      },
    )
  }
  const token = (
    await runTresen(['create-token', '--email', adminEmail, '--name', 'bench browser'], env)
  ).trim()
  const server = await startTresen({ databaseUrl: db.url, dataDir, poolSize: 10 })
  log(`Tresen is up at ${server.url}`)

  // The agent with the most open tickets signs in with a password set for this run.
  const password = crypto.randomBytes(18).toString('base64url')
  const res = await fetch(`${server.url}/api/v1/users/${sample.agent.id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password, language: 'de' }),
  })
  if (!res.ok) throw new Error(`setting the agent's password failed: ${res.status} ${await res.text()}`)

  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const inbox: number[] = []
  const signIns: number[] = []
  const switches: number[] = []
  const viewport = { width: 1400, height: 900 }
  const signIn = async (page: Page) => {
    await page.goto('/sign-in')
    await page.locator('input[type="email"]').fill(sample.agent.email)
    await page.locator('input[type="password"]').fill(password)
    const t0 = performance.now()
    await page.locator('button[type="submit"]').click()
    await page.getByTestId('ticket-row').first().waitFor({ state: 'visible' })
    return performance.now() - t0
  }
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ baseURL: server.url, locale: 'de-DE', viewport })
      const page = await context.newPage()
      signIns.push(await signIn(page))
      // Opening the desk again, signed in: a page load with the app's files from the browser cache.
      await page.goto('/customers')
      await page.getByTestId('customer-search').waitFor({ state: 'visible' })
      const t0 = performance.now()
      await page.goto('/inbox/mine')
      await page.getByTestId('ticket-row').first().waitFor({ state: 'visible' })
      inbox.push(performance.now() - t0)
      await context.close()
    }
    const context = await browser.newContext({ baseURL: server.url, locale: 'de-DE', viewport })
    const page = await context.newPage()
    await signIn(page)
    const rows = await page.getByTestId('ticket-row').count()
    for (let i = 0; i < Math.min(runs, rows); i++) {
      const row = page.getByTestId('ticket-row').nth(i)
      const number = (await row.locator('a').first().innerText()).replace('#', '').trim()
      const t0 = performance.now()
      await row.locator('a').first().click()
      await page.waitForFunction(
        (n) =>
          location.pathname === `/tickets/${n}` &&
          document.querySelector('[data-testid="ticket-subject"]') !== null &&
          document.querySelector('[data-testid="timeline-message"], [data-testid="timeline-event"]') !== null,
        number,
      )
      switches.push(performance.now() - t0)
      await page.goBack()
      await page.getByTestId('ticket-row').nth(i).waitFor({ state: 'visible' })
    }
    await context.close()
  } finally {
    await browser.close()
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }

  const results = {
    started_at: new Date().toISOString(),
    machine: machineInfo(sample.postgres, cluster.kind),
    data: { tickets, demo: true, seed_seconds: seedSeconds, agent_open_assigned: sample.agent.openAssigned },
    target_ms: TARGET_MS,
    inbox_first_render: stat(inbox),
    ticket_switch: stat(switches),
    sign_in_to_inbox: stat(signIns),
  }
  const met = (s: Stat) => (s.p95_ms < TARGET_MS ? 'met' : '**missed**')
  const md = [
    '# Tresen browser bench',
    '',
    `Run ${results.started_at}; ${results.machine.cpu}, ${results.machine.cores} cores; Chromium headless on the same machine; demo company plus ${tickets} generated tickets; the agent has ${sample.agent.openAssigned} open tickets.`,
    '',
    '| measurement | runs | p50 ms | p95 ms | max ms | target | result |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...(['inbox_first_render', 'ticket_switch'] as const).map((k) => {
      const s = results[k]
      return `| ${k} | ${s.runs} | ${s.p50_ms} | ${s.p95_ms} | ${s.max_ms} | p95 < ${TARGET_MS} ms | ${met(s)} |`
    }),
    `| sign_in_to_inbox | ${results.sign_in_to_inbox.runs} | ${results.sign_in_to_inbox.p50_ms} | ${results.sign_in_to_inbox.p95_ms} | ${results.sign_in_to_inbox.max_ms} | – (includes the password check) | |`,
    '',
  ].join('\n')
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  const stamp = results.started_at.replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z')
  fs.writeFileSync(path.join(RESULTS_DIR, `browser-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`)
  fs.writeFileSync(path.join(RESULTS_DIR, `browser-${stamp}.md`), md)
  process.stdout.write(`\n${md}\n`)
  log(`results: bench/results/browser-${stamp}.json, .md`)
  return 0
}

main()
  .then(async (code) => {
    await cleanupAll()
    process.exit(code)
  })
  .catch(async (err: Error) => {
    process.stderr.write(`bench:browser: ${err.message}\n`)
    await cleanupAll()
    process.exit(1)
  })
