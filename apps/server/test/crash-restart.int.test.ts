import fs from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { clusterPaths, findPostmaster } from '../src/platform/embedded-postgres.ts'
import { pidExists } from '../src/platform/process-identity.mjs'
import { loadOrCreateSecrets } from '../src/platform/secrets.ts'
import { embeddedDataDir, embeddedDeskEnv, freePort, type Proc, run, runToEnd, stopAll } from './processes.ts'

/**
 * `tresen start` on the default embedded database, killed with SIGKILL again and again (what the
 * OOM killer or a crashed container runtime does): during its first-start set-up, while mail
 * arrives over SMTP, and together with the supervisor of its PostgreSQL (which leaves an orphan
 * PostgreSQL behind). Each time the next start comes up by itself, and in the end every message
 * the desk accepted is there exactly once, and the first admin and the demo company exist once.
 */

const KILLS = 22
const MESSAGES = 40
/** The first kills land while the first start sets up the admin and the demo company. */
const SET_UP_KILLS = 4
const SUPPORT = 'support@crash.test'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min))

let dataDir: string

afterAll(async () => {
  await stopAll()
  if (dataDir) {
    // Whatever happened above, leave no PostgreSQL running on the temp dir.
    const left = findPostmaster(path.join(dataDir, 'pg'))
    if (left) process.kill(left.pid, 'SIGQUIT')
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
})

/** /readyz as it answers now: status and the reason when not ready; null when nothing answers. */
const readiness = async (base: string) => {
  try {
    const res = await fetch(`${base}/readyz`)
    const body = (await res.json()) as { detail?: string }
    return { status: res.status, detail: body.detail ?? '' }
  } catch {
    return null
  }
}

const waitFor = async (what: string, proc: Proc, ms: number, ok: () => Promise<boolean>) => {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await ok()) return
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited with ${proc.child.exitCode}:\n${proc.output.join('')}`)
    }
    await sleep(25)
  }
  throw new Error(`${what} did not happen within ${ms} ms:\n${proc.output.join('')}`)
}

// The embedded PostgreSQL whatever database the rest of the suite uses: the run against an external
// PostgreSQL (TEST_DATABASE_URL) skips it, as it would only repeat itself.
const external = !!process.env.TEST_DATABASE_URL
if (external) process.stdout.write('crash-restart: embedded PostgreSQL only; skipped on TEST_DATABASE_URL\n')

describe.skipIf(external)('a desk killed with SIGKILL over and over', () => {
  it('starts again by itself each time, with nothing lost or doubled', { timeout: 600_000 }, async () => {
    dataDir = embeddedDataDir('tresen-crash-')
    const { base, pgPort, env: deskEnv } = await embeddedDeskEnv(dataDir)
    const smtpPort = await freePort()
    const env = { ...deskEnv, TRESEN_SMTP_PORT: String(smtpPort), TRESEN_SMTP_HOST: '127.0.0.1' }
    const pgDir = path.join(dataDir, 'pg')
    const log: string[] = []

    // Mail keeps arriving across all the crashes, as from a real sending server: each message is
    // offered until the desk answers 250, and offered again after any other outcome.
    const accepted = new Set<number>()
    let sending = false
    const sender = (async () => {
      while (!sending) await sleep(50)
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
        connectionTimeout: 3000,
        greetingTimeout: 3000,
        socketTimeout: 5000,
      })
      let next = 0
      while (accepted.size < MESSAGES) {
        const n = next
        try {
          await transport.sendMail({
            from: `Kim Customer <kim${n % 5}@customer.test>`,
            to: SUPPORT,
            subject: `Crash message ${n}`,
            messageId: `<crash-${n}@customer.test>`,
            text: `Message number ${n} of the crash test.`,
          })
          accepted.add(n)
          next++
        } catch {
          await sleep(100) // the desk is down or restarting: offer the same message again
        }
      }
      transport.close()
    })()

    let setUp = false
    let token = ''
    for (let i = 0; i < KILLS; i++) {
      const desk = run(`start #${i}`, ['start'], env)
      let moment: string
      if (!setUp && i < SET_UP_KILLS) {
        // Kill during the first-start set-up: once /readyz says it runs, at a random moment.
        await waitFor('first-start set-up', desk, 120_000, async () => {
          const r = await readiness(base)
          return r !== null && (r.status === 200 || /first-start/.test(r.detail))
        })
        const before = await readiness(base)
        if (before?.status === 503) await sleep(random(0, 1500))
        moment = 'during first-start set-up'
      } else {
        await waitFor('ready', desk, 120_000, async () => (await readiness(base))?.status === 200)
        setUp = true
        if (!token) {
          // A command beside the running desk joins its PostgreSQL.
          const created = await runToEnd(
            'create-token',
            ['create-token', '--email', 'admin@tresen.local', '--name', 'crash'],
            env,
          )
          expect(created.code, created.output).toBe(0)
          token = created.output.match(/tresen_\S+/)![0]
          const res = await fetch(`${base}/api/v1/email/channels`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              name: 'Support',
              address: SUPPORT,
              smtpReceiverAddresses: [SUPPORT],
              acknowledge: false,
            }),
          })
          expect(res.status, await res.text()).toBe(201)
          sending = true
        }
        await sleep(random(0, 1200)) // mail is arriving meanwhile
        moment = 'while mail arrives'
      }
      const postmaster = findPostmaster(pgDir)
      const orphan = i % 5 === 4 && postmaster?.supervisorPid
      desk.child.kill('SIGKILL')
      if (orphan) process.kill(postmaster.supervisorPid!, 'SIGKILL') // PostgreSQL is left behind
      await desk.exited
      log.push(`#${i} killed ${moment}${orphan ? ' with its supervisor' : ''}`)
      expect(await readiness(base)).toBeNull()
      if (!orphan && postmaster) {
        // The embedded PostgreSQL does not outlive its desk.
        const until = Date.now() + 15_000
        while (pidExists(postmaster.pid) && Date.now() < until) await sleep(50)
        expect(pidExists(postmaster.pid), `PostgreSQL ${postmaster.pid} still runs after #${i}`).toBe(false)
      }
    }
    expect(setUp).toBe(true)

    // The last start: it comes up, takes the rest of the mail, and stops cleanly on SIGTERM.
    const desk = run('start (last)', ['start'], env)
    await waitFor('ready', desk, 60_000, async () => (await readiness(base))?.status === 200)
    sending = true
    await sender
    const secrets = loadOrCreateSecrets(dataDir)
    const client = new pg.Client({
      connectionString: `postgres://postgres:${encodeURIComponent(secrets.embeddedDbPassword)}@127.0.0.1:${pgPort}/tresen`,
    })
    await client.connect()
    try {
      const mails = await client.query<{ id: string; n: number }>(
        `SELECT thread_key AS id, count(*)::int AS n FROM interactions
          WHERE channel = 'email' AND thread_key LIKE '%crash-%@customer.test%' GROUP BY 1`,
      )
      const counts = new Map(mails.rows.map((r) => [r.id.replace(/[<>]/g, ''), r.n]))
      for (let n = 0; n < MESSAGES; n++) {
        expect(counts.get(`crash-${n}@customer.test`), `message ${n}`).toBe(1)
      }
      const admins = await client.query(`SELECT 1 FROM staff_users WHERE email = 'admin@tresen.local'`)
      expect(admins.rowCount).toBe(1)
      const doubledTeams = await client.query(`SELECT name FROM teams GROUP BY name HAVING count(*) > 1`)
      expect(doubledTeams.rows).toEqual([])
      // The demo company once: its tickets (the ones not from this test's mail) have distinct subjects.
      const doubledDemo = await client.query(
        `SELECT subject FROM tickets WHERE subject NOT LIKE 'Crash message %' GROUP BY subject HAVING count(*) > 1`,
      )
      expect(doubledDemo.rows).toEqual([])
    } finally {
      await client.end()
    }
    desk.child.kill('SIGTERM')
    expect(await desk.exited).toBe(0)
    expect(findPostmaster(pgDir)).toBeNull()
    expect(fs.readdirSync(clusterPaths(pgDir).users)).toEqual([])
    process.stdout.write(`${log.join('\n')}\n`)
  })
})
