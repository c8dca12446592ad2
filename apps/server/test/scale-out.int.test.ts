import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import PgBoss from 'pg-boss'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { FIRST_ADMIN_EMAIL } from '../src/cli/bootstrap.ts'
import { createStaff } from '../src/modules/staff/index.ts'
import { systemClock } from '../src/platform/clock.ts'
import { SYSTEM } from '../src/platform/context.ts'
import { MIGRATIONS_DIR } from '../src/platform/db.ts'
import { loadOrCreateSecrets } from '../src/platform/secrets.ts'
import { FsStorage } from '../src/platform/storage.ts'
import { createTestDatabase, unique } from './harness.ts'
import { freePort, type Proc, run, stopAll, waitReady } from './processes.ts'

/**
 * Several real `tresen` processes against one PostgreSQL: sessions, live updates, background jobs
 * and migrations behave as on one desk.
 */

const PUBLIC_URL = 'http://desk.example.test'
const SESSION_SECRET = randomBytes(32).toString('base64url')

const waitUntil = async <T>(what: string, fn: () => Promise<T | undefined>, ms: number) => {
  const until = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const silent = pino({ level: 'silent' })
const migrateDb = { name: `m_${unique()}`.toLowerCase(), url: '', runs: [] as Proc[] }
let database: Awaited<ReturnType<typeof createTestDatabase>>
let dataDir: string
const servers: { proc: Proc; base: string }[] = []
const admin = { email: FIRST_ADMIN_EMAIL, password: `pw-${unique()}-long-enough` }
const timings: Record<string, number> = {}

const api = async (
  base: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
) => {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, res }
}

beforeAll(async () => {
  const started = Date.now()
  database = await createTestDatabase()
  // One data directory for all processes, as on a shared volume: attachments must be visible to each.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-scale-'))
  fs.chmodSync(dataDir, 0o755)
  loadOrCreateSecrets(dataDir)
  const env = { DATABASE_URL: database.url, TRESEN_DATA_DIR: dataDir }

  // The admin exists before the first start, so neither process seeds the demo company.
  await createStaff(
    { db: database.db, actor: SYSTEM, clock: systemClock, storage: new FsStorage(dataDir), log: silent },
    { name: 'Admin', email: admin.email, password: admin.password, role: 'admin', language: 'en', teams: [] },
  )

  // Three `tresen migrate` on a new, empty database, started together with the servers; the
  // migrations test below checks the outcome.
  const adminUrl = inject('pgAdminUrl')
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  await c.query(`CREATE DATABASE ${migrateDb.name}`)
  await c.end()
  const url = new URL(adminUrl)
  url.pathname = `/${migrateDb.name}`
  migrateDb.url = url.toString()
  migrateDb.runs = [1, 2, 3].map((i) =>
    run(`migrate ${i}`, ['migrate'], { DATABASE_URL: migrateDb.url, TRESEN_DATA_DIR: dataDir }),
  )

  const ports = [await freePort(), await freePort()]
  for (const [i, port] of ports.entries()) {
    const proc = run(`server ${'AB'[i]}`, ['start'], {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TRESEN_PUBLIC_URL: PUBLIC_URL,
      TRESEN_SESSION_SECRET: SESSION_SECRET,
    })
    servers.push({ proc, base: `http://127.0.0.1:${port}` })
  }
  await Promise.all(servers.map((s) => waitReady(s.proc, s.base)))
  timings.startup = Date.now() - started
}, 180_000)

afterAll(async () => {
  await stopAll()
  await database?.drop()
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') })
  await c.connect()
  await c.query(`DROP DATABASE IF EXISTS ${migrateDb.name} WITH (FORCE)`)
  await c.end()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  console.info(`scale-out timings (ms): ${JSON.stringify(timings)}`)
}, 30_000)

describe('two server processes on one database', () => {
  let session: { cookie: string; csrf: string }
  const signedIn = () => ({ cookie: session.cookie, 'x-csrf-token': session.csrf })

  it('accepts a session cookie and CSRF token from process A for reads and writes on process B', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]]
    const res = await api(
      a.base,
      'POST',
      '/auth/sign-in',
      {},
      { email: admin.email, password: admin.password },
    )
    expect(res.status).toBe(200)
    const cookie = res.res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ')
    session = { cookie, csrf: res.body!.csrfToken as string }

    const me = await api(b.base, 'GET', '/me', { cookie })
    expect(me.status).toBe(200)
    expect(me.body!.email).toBe(admin.email)
    const created = await api(
      b.base,
      'POST',
      '/customers',
      { cookie, 'x-csrf-token': session.csrf },
      { name: 'Erika Mustermann', emails: [`${unique('kunde')}@example.test`] },
    )
    expect(created.status).toBe(201)
    const withoutCsrf = await api(b.base, 'POST', '/customers', { cookie }, { name: 'No CSRF' })
    expect(withoutCsrf.status).toBe(403)
    const readBack = await api(a.base, 'GET', `/customers/${created.body!.id}`, { cookie })
    expect(readBack.status).toBe(200)
  })

  it('delivers a ticket created through process A to a live socket on process B at once', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]]
    const ws = new WebSocket(`${b.base.replace('http', 'ws')}/api/v1/live`, {
      headers: { cookie: session.cookie, origin: PUBLIC_URL },
    })
    try {
      const received: { type: string; ticketId: string }[] = []
      ws.on('message', (raw) => received.push(JSON.parse(raw.toString())))
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
      const customer = await api(a.base, 'POST', '/customers', signedIn(), { name: 'Max Muster' })
      const sent = Date.now()
      const ticket = await api(a.base, 'POST', '/tickets', signedIn(), {
        subject: 'Schaltung hakt',
        customerId: customer.body!.id,
      })
      expect(ticket.status).toBe(201)
      const id = ticket.body!.id as string
      await waitUntil(
        'the live event on B',
        async () =>
          received.some((m) => m.ticketId === id && m.type === 'ticket.created') ? true : undefined,
        5000,
      )
      timings.liveEventAfterCreateResponse = Date.now() - sent
      const fromB = await api(b.base, 'GET', `/tickets/${id}`, signedIn())
      expect(fromB.status).toBe(200)
      expect(fromB.body!.subject).toBe('Schaltung hakt')
    } finally {
      ws.terminate()
    }
  })

  it('forwards presence sent through process A to a live socket on process B, and the leaving too', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]]
    const open = async (base: string) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`, {
        headers: { cookie: session.cookie, origin: PUBLIC_URL },
      })
      const received: { type: string; ticketId: string; data: { state: string; staff: { name: string } } }[] =
        []
      ws.on('message', (raw) => received.push(JSON.parse(raw.toString())))
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
      return { ws, received }
    }
    const onA = await open(a.base)
    const onB = await open(b.base)
    try {
      const customer = await api(a.base, 'POST', '/customers', signedIn(), { name: 'Presence Kunde' })
      const ticket = await api(a.base, 'POST', '/tickets', signedIn(), {
        subject: 'Wer schaut gerade?',
        customerId: customer.body!.id,
      })
      const id = ticket.body!.id as string
      const presence = (state: string) =>
        onB.received.find((m) => m.type === 'presence' && m.ticketId === id && m.data.state === state)
      onA.ws.send(JSON.stringify({ type: 'presence', ticketId: id, state: 'viewing' }))
      const viewing = await waitUntil('presence on B', async () => presence('viewing'), 5000)
      expect(viewing.data.staff.name).toBe('Admin')
      onA.ws.close()
      await waitUntil('left on B after the socket on A closed', async () => presence('left'), 5000)
      expect(onA.received.filter((m) => m.type === 'presence')).toEqual([])
    } finally {
      onA.ws.terminate()
      onB.ws.terminate()
    }
  })

  it('refuses on process B, at once, a token revoked through process A (no cached sign-in outlives it)', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]]
    const created = await api(a.base, 'POST', '/me/tokens', signedIn(), { name: 'revoked soon' })
    expect(created.status).toBe(201)
    const bearer = { authorization: `Bearer ${created.body!.token as string}` }
    // Used on B first, so that B has it cached.
    expect((await api(b.base, 'GET', '/me', bearer)).status).toBe(200)
    expect((await api(b.base, 'GET', '/me', bearer)).status).toBe(200)
    const revoked = await api(a.base, 'DELETE', `/me/tokens/${created.body!.id as string}`, signedIn())
    expect(revoked.status).toBe(204)
    // Well within the cache's 10 s: the revocation reached B through LISTEN/NOTIFY.
    await waitUntil(
      'B refusing the revoked token',
      async () => ((await api(b.base, 'GET', '/me', bearer)).status === 401 ? true : undefined),
      3000,
    )
    expect((await api(a.base, 'GET', '/me', bearer)).status).toBe(401)
  })

  it('runs each background job once: ten auto-close jobs close twenty tickets with one event each', async () => {
    const [a] = servers as [(typeof servers)[0]]
    const started = Date.now()
    const customer = await api(a.base, 'POST', '/customers', signedIn(), { name: 'Auto Close' })
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await api(a.base, 'POST', '/tickets', signedIn(), {
          subject: `Solved long ago ${i}`,
          customerId: customer.body!.id,
        })
        expect(res.status).toBe(201)
        return res.body!.id as string
      }),
    )
    await database.pool.query(
      `UPDATE tickets SET status = 'solved', solved_at = now() - interval '8 days' WHERE id = ANY($1)`,
      [ids],
    )

    // A client that only sends: no maintenance, no schedules, no workers.
    const boss = new PgBoss({
      connectionString: database.url,
      schema: 'pgboss',
      supervise: false,
      schedule: false,
      migrate: false,
      max: 2,
    })
    boss.on('error', (err) => console.error(err))
    await boss.start()
    let jobIds: string[]
    try {
      // The servers create their queues right after they start listening; /readyz may answer first.
      await waitForQueue(boss, 'tickets.autoclose')
      jobIds = (await Promise.all(Array.from({ length: 10 }, () => boss.send('tickets.autoclose', {})))).map(
        (id) => {
          expect(id).toEqual(expect.any(String))
          return id!
        },
      )
    } finally {
      await boss.stop({ graceful: false, wait: true })
    }

    const jobs = await waitUntil(
      'all ten jobs to complete',
      async () => {
        const res = await database.pool.query<{ id: string; state: string; retry_count: number }>(
          `SELECT id, state, retry_count FROM pgboss.job WHERE id = ANY($1::uuid[])
           UNION ALL SELECT id, state, retry_count FROM pgboss.archive WHERE id = ANY($1::uuid[])`,
          [jobIds],
        )
        return res.rows.length === 10 && res.rows.every((r) => r.state === 'completed') ? res.rows : undefined
      },
      25_000,
    )
    timings.tenJobs = Date.now() - started
    expect(new Set(jobs.map((j) => j.id)).size).toBe(10)
    expect(jobs.every((j) => j.retry_count === 0)).toBe(true)

    const closes = await database.pool.query<{ ticket_id: string; n: number; status: string }>(
      `SELECT t.id AS ticket_id, t.status, count(e.id)::int AS n
         FROM tickets t LEFT JOIN ticket_events e
           ON e.ticket_id = t.id AND e.reason LIKE 'closed automatically%'
        WHERE t.id = ANY($1) GROUP BY t.id, t.status`,
      [ids],
    )
    expect(closes.rows).toHaveLength(20)
    for (const row of closes.rows) expect(row).toEqual({ ticket_id: row.ticket_id, status: 'closed', n: 1 })

    for (const s of servers) {
      expect(s.proc.child.exitCode, s.proc.output.join('')).toBeNull()
      expect((await fetch(`${s.base}/healthz`)).status).toBe(200)
    }
  }, 60_000)
})

describe('migrations from several processes at once', () => {
  it('apply each migration exactly once and leave the complete schema', async () => {
    const runs = migrateDb.runs
    const codes = await Promise.all(runs.map((r) => r.exited))
    expect(codes, runs.map((r) => r.output.join('')).join('\n---\n')).toEqual([0, 0, 0])
    const templateUrl = new URL(inject('pgAdminUrl'))
    templateUrl.pathname = `/${inject('templateDb')}`
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
      entries: unknown[]
    }
    const shape = async (dbUrl: string) => {
      const db = new pg.Client({ connectionString: dbUrl })
      await db.connect()
      try {
        const columns = await db.query(
          `SELECT table_schema, table_name, column_name, data_type, is_nullable
               FROM information_schema.columns
              WHERE table_schema IN ('public', 'drizzle') ORDER BY 1, 2, 3`,
        )
        const indexes = await db.query(
          `SELECT schemaname, indexname, indexdef FROM pg_indexes
              WHERE schemaname IN ('public', 'drizzle') ORDER BY 1, 2`,
        )
        const extensions = await db.query('SELECT extname FROM pg_extension ORDER BY 1')
        const applied = await db.query<{ hash: string; n: number }>(
          'SELECT hash, count(*)::int AS n FROM drizzle.__drizzle_migrations GROUP BY hash',
        )
        return {
          columns: columns.rows,
          indexes: indexes.rows,
          extensions: extensions.rows,
          applied: applied.rows,
        }
      } finally {
        await db.end()
      }
    }
    const fresh = await shape(migrateDb.url)
    const template = await shape(templateUrl.toString())
    expect(fresh.applied).toHaveLength(journal.entries.length)
    expect(fresh.applied.every((m) => m.n === 1)).toBe(true)
    expect(fresh.columns.length).toBeGreaterThan(50)
    expect(fresh.columns).toEqual(template.columns)
    expect(fresh.indexes).toEqual(template.indexes)
    expect(fresh.extensions).toEqual(template.extensions)
  })
})

/** Waits until a server process has created the queue (pg-boss drops sends to a missing queue). */
const waitForQueue = async (boss: PgBoss, name: string) => {
  for (let i = 0; i < 200; i++) {
    if (await boss.getQueue(name)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`queue ${name} was not created by the servers within 20 s`)
}
