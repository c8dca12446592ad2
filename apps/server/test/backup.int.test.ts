import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { connectDatabase } from '../src/platform/db.ts'
import { FsStorage } from '../src/platform/storage.ts'
import { startTestApp, type TestApp, unique } from './harness.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const run = promisify(execFile)

/** The major version of a client tool, or undefined when it is not installed. */
const clientMajor = (tool: string) => {
  try {
    return Number(/(\d+)/.exec(execFileSync(tool, ['--version'], { encoding: 'utf8' }))?.[1])
  } catch {
    return undefined
  }
}

const serverMajor = async () => {
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') })
  await c.connect()
  try {
    const res = await c.query<{ v: string }>('SHOW server_version_num')
    return Math.floor(Number(res.rows[0]!.v) / 10000)
  } finally {
    await c.end()
  }
}

const majors = {
  pg_dump: clientMajor('pg_dump'),
  pg_restore: clientMajor('pg_restore'),
  psql: clientMajor('psql'),
}
const server = await serverMajor()
const missing = Object.entries(majors)
  .filter(([, v]) => v === undefined || v < server)
  .map(([k, v]) => `${k} ${v ?? 'missing'}`)
if (missing.length > 0) {
  console.info(`backup.int.test: skipped; needs PostgreSQL ${server} client tools (${missing.join(', ')})`)
}

/** Row counts of every table of the desk, its migrations and its job queue. */
const rowCounts = async (url: string) => {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const tables = await c.query<{ s: string; t: string }>(
      `SELECT schemaname AS s, relname AS t FROM pg_stat_user_tables
        WHERE schemaname IN ('public', 'drizzle', 'pgboss') ORDER BY 1, 2`,
    )
    const counts: Record<string, number> = {}
    for (const { s, t } of tables.rows) {
      const res = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${s}"."${t}"`)
      counts[`${s}.${t}`] = res.rows[0]!.n
    }
    return counts
  } finally {
    await c.end()
  }
}

describe.skipIf(missing.length > 0)('scripts/backup.sh and scripts/restore.sh', () => {
  let t: TestApp
  let work: string
  const restoredName = `r_${unique()}`.toLowerCase()
  let restoredUrl: string
  let restored: Awaited<ReturnType<typeof buildApp>> | undefined
  let restoredDb: ReturnType<typeof connectDatabase> | undefined

  beforeAll(async () => {
    t = await startTestApp()
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-backup-test-'))
    const url = new URL(inject('pgAdminUrl'))
    url.pathname = `/${restoredName}`
    restoredUrl = url.toString()
  })
  afterAll(async () => {
    await restored?.close()
    await restoredDb?.close()
    const c = new pg.Client({ connectionString: inject('pgAdminUrl') })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`)
    await c.end()
    await t?.close()
    if (work) fs.rmSync(work, { recursive: true, force: true })
  })

  it('backs up the database and attachments and restores them into an empty database', async () => {
    const team = await t.buildTeam()
    const admin = await t.buildStaff({ role: 'admin' })
    const tickets = await Promise.all(
      [1, 2, 3].map((i) => t.buildTicket({ teamId: team.id, subject: `Ticket ${i}` })),
    )
    const boundary = '----tresen'
    const bytes = randomBytes(2048)
    const upload = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${tickets[0]!.id}/interactions/upload`,
      headers: { ...admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nnote\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nLieferschein anbei.\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lieferschein.bin"\r\n` +
            'Content-Type: application/octet-stream\r\n\r\n',
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    })
    expect(upload.statusCode, upload.body).toBe(201)
    const before = await t.app.inject({ url: `/api/v1/tickets/${tickets[0]!.id}`, headers: admin.headers })
    const attachment = before
      .json()
      .timeline.flatMap((e: { attachments?: { url: string }[] }) => e.attachments ?? [])[0] as { url: string }

    const dataDir = path.dirname(t.storage.root)
    const backup = await run('bash', [path.join(ROOT, 'scripts/backup.sh'), '--out', work, '--tar'], {
      env: { ...process.env, DATABASE_URL: t.database.url, TRESEN_DATA_DIR: dataDir },
    })
    const archive = backup.stdout.trim().split('\n').at(-1)!
    expect(archive).toMatch(/tresen-backup-\d{8}T\d{6}Z\.tar$/)
    expect(fs.statSync(archive).mode & 0o077).toBe(0)

    const c = new pg.Client({ connectionString: inject('pgAdminUrl') })
    await c.connect()
    await c.query(`CREATE DATABASE ${restoredName}`)
    await c.end()
    const target = path.join(work, 'restored-data')
    const env = { ...process.env, DATABASE_URL: restoredUrl, TRESEN_DATA_DIR: target }
    await run('bash', [path.join(ROOT, 'scripts/restore.sh'), archive], { env })

    expect(await rowCounts(restoredUrl)).toEqual(await rowCounts(t.database.url))

    // A second restore into the now filled database is refused and changes nothing.
    const again = await run('bash', [path.join(ROOT, 'scripts/restore.sh'), archive], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    )
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/not empty/)
    // With --replace it drops the contents in the restore's own transaction and moves the files aside.
    await run('bash', [path.join(ROOT, 'scripts/restore.sh'), '--replace', archive], { env })
    expect(await rowCounts(restoredUrl)).toEqual(await rowCounts(t.database.url))
    expect(fs.readdirSync(target).filter((f) => f.startsWith('attachments.before-restore-'))).toHaveLength(1)

    // The desk on the restored database shows the same ticket, attachment bytes included.
    restoredDb = connectDatabase(restoredUrl, { poolSize: 2 })
    restored = await buildApp({
      config: { publicUrl: 'http://localhost:8080', logLevel: 'silent' },
      database: restoredDb,
      sessionSecret: randomBytes(32).toString('base64url'),
      storage: new FsStorage(path.join(target, 'attachments')),
      logger: false,
    })
    const after = await restored.inject({ url: `/api/v1/tickets/${tickets[0]!.id}`, headers: admin.headers })
    expect(after.statusCode).toBe(200)
    expect(after.json()).toEqual(before.json())
    const download = await restored.inject({ url: attachment.url, headers: admin.headers })
    expect(download.statusCode).toBe(200)
    expect(download.rawPayload.equals(bytes)).toBe(true)
  }, 90_000)
})
