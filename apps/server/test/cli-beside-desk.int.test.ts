import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPostmaster } from '../src/platform/embedded-postgres.ts'
import { pidExists } from '../src/platform/process-identity.mjs'
import { loadOrCreateSecrets } from '../src/platform/secrets.ts'
import {
  embeddedDataDir,
  embeddedDeskEnv,
  type Proc,
  run,
  runToEnd,
  stopAll,
  waitReady,
} from './processes.ts'

/**
 * The `tresen` commands on the default embedded database, the way a user runs them: in a second
 * terminal beside a running desk (they join the PostgreSQL it runs) and with the desk stopped
 * (they start and stop it themselves), also two at once. Then the first start's readiness and a
 * bounded stop after the database went away.
 *
 * These run the embedded PostgreSQL whatever database the rest of the suite uses; the run against
 * an external PostgreSQL (TEST_DATABASE_URL) skips them, as they would only repeat themselves.
 */
const external = !!process.env.TEST_DATABASE_URL
if (external)
  process.stdout.write('cli-beside-desk: embedded PostgreSQL only; skipped on TEST_DATABASE_URL\n')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const dirs: string[] = []

const freshDataDir = () => {
  const dir = embeddedDataDir('tresen-cli-')
  dirs.push(dir)
  return dir
}

const envFor = embeddedDeskEnv

const query = async <T extends pg.QueryResultRow>(dataDir: string, pgPort: number, text: string) => {
  const secrets = loadOrCreateSecrets(dataDir)
  const client = new pg.Client({
    connectionString: `postgres://postgres:${encodeURIComponent(secrets.embeddedDbPassword)}@127.0.0.1:${pgPort}/tresen`,
  })
  await client.connect()
  try {
    return (await client.query<T>(text)).rows
  } finally {
    await client.end()
  }
}

/** Waits until no PostgreSQL runs on the data dir any more (it stops once nobody uses it). */
const expectPostgresGone = async (dataDir: string) => {
  const until = Date.now() + 15_000
  while (findPostmaster(path.join(dataDir, 'pg')) && Date.now() < until) await sleep(50)
  expect(findPostmaster(path.join(dataDir, 'pg'))).toBeNull()
}

const ok = (name: string, r: { code: number | null; output: string }) => {
  expect(r.code, `${name}:\n${r.output}`).toBe(0)
  return r.output
}

afterAll(async () => {
  await stopAll()
  for (const dir of dirs) {
    const left = findPostmaster(path.join(dir, 'pg'))
    if (left) process.kill(left.pid, 'SIGQUIT')
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

describe.skipIf(external)('the tresen commands with the desk stopped', () => {
  let dataDir: string
  let env: Record<string, string | undefined>
  beforeAll(async () => {
    dataDir = freshDataDir()
    env = (await envFor(dataDir)).env
  })

  it('start the embedded PostgreSQL themselves, do their job and leave nothing running', {
    timeout: 240_000,
  }, async () => {
    ok('migrate', await runToEnd('migrate', ['migrate'], env))
    await expectPostgresGone(dataDir)
    ok(
      'create-admin',
      await runToEnd(
        'create-admin',
        ['create-admin', '--email', 'ops@cli.test', '--password-stdin'],
        env,
        'a long enough password 1\n',
      ),
    )
    const token =
      ok(
        'create-token',
        await runToEnd('create-token', ['create-token', '--email', 'ops@cli.test', '--name', 'cli'], env),
      ).match(/tresen_\S+/)?.[0] ?? ''
    expect(token.length).toBeGreaterThan(20)
    ok('seed-demo', await runToEnd('seed-demo', ['seed-demo'], env))
    ok('seed-bench', await runToEnd('seed-bench', ['seed-bench', '--tickets', '200'], env))
    expect(ok('doctor', await runToEnd('doctor', ['doctor'], env))).toContain('All checks passed')
    await expectPostgresGone(dataDir)
  })

  it('run two at once without harm: both succeed, each change made once', { timeout: 240_000 }, async () => {
    const [a, b] = await Promise.all([
      runToEnd(
        'create-admin A',
        ['create-admin', '--email', 'a@cli.test', '--password-stdin'],
        env,
        'a long enough password 2\n',
      ),
      runToEnd(
        'create-admin B',
        ['create-admin', '--email', 'b@cli.test', '--password-stdin'],
        env,
        'a long enough password 3\n',
      ),
    ])
    ok('create-admin A', a)
    ok('create-admin B', b)
    const [s1, s2] = await Promise.all([
      runToEnd('seed-demo 1', ['seed-demo'], env),
      runToEnd('doctor', ['doctor'], env),
    ])
    ok('seed-demo 1', s1)
    ok('doctor', s2)
    await expectPostgresGone(dataDir)
  })
})

describe.skipIf(external)('the tresen commands beside a running desk', () => {
  let dataDir: string
  let base: string
  let pgPort: number
  let env: Record<string, string | undefined>
  let desk: Proc

  beforeAll(async () => {
    dataDir = freshDataDir()
    ;({ base, pgPort, env } = await envFor(dataDir))
    desk = run('desk', ['start'], env)
    await waitReady(desk, base)
  }, 180_000)

  it('join the PostgreSQL the desk runs, and the desk goes on serving', { timeout: 240_000 }, async () => {
    const postgres = findPostmaster(path.join(dataDir, 'pg'))!
    expect(postgres).not.toBeNull()
    expect(ok('doctor', await runToEnd('doctor', ['doctor'], env))).toContain('All checks passed')
    ok('migrate', await runToEnd('migrate', ['migrate'], env))
    ok(
      'create-admin',
      await runToEnd(
        'create-admin',
        ['create-admin', '--email', 'ops@cli.test', '--password-stdin'],
        env,
        'a long enough password 4\n',
      ),
    )
    const token =
      ok(
        'create-token',
        await runToEnd(
          'create-token',
          ['create-token', '--email', 'admin@tresen.local', '--name', 'cli'],
          env,
        ),
      ).match(/tresen_\S+/)?.[0] ?? ''
    ok('seed-demo', await runToEnd('seed-demo', ['seed-demo'], env))
    ok('seed-bench', await runToEnd('seed-bench', ['seed-bench', '--tickets', '200'], env))

    // The same PostgreSQL all along, and the token works against the running desk at once.
    expect(findPostmaster(path.join(dataDir, 'pg'))?.pid).toBe(postgres.pid)
    const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(me.status, await me.clone().text()).toBe(200)
    expect(((await me.json()) as { email: string }).email).toBe('admin@tresen.local')
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
  })

  it('run two at once beside it without harm', { timeout: 240_000 }, async () => {
    const ticketsBefore = await query<{ n: number }>(
      dataDir,
      pgPort,
      'SELECT count(*)::int AS n FROM tickets',
    )
    const results = await Promise.all([
      runToEnd('seed-demo 1', ['seed-demo'], env),
      runToEnd('seed-demo 2', ['seed-demo'], env),
      runToEnd('create-token 1', ['create-token', '--email', 'admin@tresen.local', '--name', 'one'], env),
      runToEnd('create-token 2', ['create-token', '--email', 'admin@tresen.local', '--name', 'two'], env),
    ])
    for (const [i, r] of results.entries()) ok(`command ${i}`, r)
    // The demo company is there already: seeding it twice at once adds nothing.
    expect(await query(dataDir, pgPort, 'SELECT count(*)::int AS n FROM tickets')).toEqual(ticketsBefore)
    const tokens = await query<{ name: string }>(
      dataDir,
      pgPort,
      `SELECT name FROM api_tokens WHERE name IN ('one', 'two') ORDER BY name`,
    )
    expect(tokens.map((t) => t.name)).toEqual(['one', 'two'])
    const teamsTwice = await query(
      dataDir,
      pgPort,
      'SELECT name FROM teams GROUP BY name HAVING count(*) > 1',
    )
    expect(teamsTwice).toEqual([])
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
  })

  it('stops on SIGTERM and takes its PostgreSQL with it', { timeout: 60_000 }, async () => {
    desk.child.kill('SIGTERM')
    expect(await desk.exited).toBe(0)
    await expectPostgresGone(dataDir)
  })
})

describe.skipIf(external)('the first start', () => {
  it('is not ready until the first admin and the demo company are committed', {
    timeout: 180_000,
  }, async () => {
    const dataDir = freshDataDir()
    const { base, env } = await envFor(dataDir)
    const desk = run('first start', ['start'], env)
    const seen: string[] = []
    const until = Date.now() + 150_000
    for (;;) {
      if (Date.now() > until) throw new Error(`never ready:\n${desk.output.join('')}`)
      if (desk.child.exitCode !== null) throw new Error(`exited:\n${desk.output.join('')}`)
      const res = await fetch(`${base}/readyz`).catch(() => null)
      if (res?.status === 200) {
        // Ready means the set-up is done: the login box has been printed.
        expect(desk.output.join('')).toContain('Tresen is set up.')
        break
      }
      if (res) {
        expect(res.status).toBe(503)
        expect(res.headers.get('content-type')).toMatch(/problem\+json/)
        seen.push(((await res.json()) as { detail: string }).detail)
      }
      await sleep(20)
    }
    expect(seen).toContain('first-start set-up is running')
    desk.child.kill('SIGTERM')
    expect(await desk.exited).toBe(0)
  })

  it('stops within a few seconds when its database has gone away, saying what it gave up on', {
    timeout: 180_000,
  }, async () => {
    const dataDir = freshDataDir()
    const { base, env } = await envFor(dataDir)
    const desk = run('desk', ['start'], { ...env, LOG_LEVEL: 'info' })
    await waitReady(desk, base)
    const postgres = findPostmaster(path.join(dataDir, 'pg'))!
    if (postgres.supervisorPid) process.kill(postgres.supervisorPid, 'SIGKILL')
    process.kill(postgres.pid, 'SIGKILL')
    while (pidExists(postgres.pid)) await sleep(20)
    await sleep(500) // the desk notices: connections fail, jobs retry
    const stopAsked = Date.now()
    desk.child.kill('SIGTERM')
    const code = await Promise.race([desk.exited, sleep(20_000).then(() => 'still running' as const)])
    const tookMs = Date.now() - stopAsked
    expect(code, desk.output.join('')).not.toBe('still running')
    // Every step is bounded; their sum (10 s) bounds the whole stop.
    expect(tookMs).toBeLessThan(12_000)
    expect(desk.output.join('')).toMatch(
      /"msg":"(stopped|stopped; some parts did not stop in time \(see above\))"/,
    )
  })
})
