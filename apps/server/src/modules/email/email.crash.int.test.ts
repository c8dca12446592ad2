import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Dovecot, dovecotAvailable, startDovecot } from '../../../test/dovecot.ts'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { imapClient, importRound } from './email.imap.ts'
import * as repo from './email.repository.ts'
import { emailInbound } from './email.tables.ts'
import { createChannelRow, unreachable, until } from './email.test-support.ts'

/**
 * Exactly once under failure: an ingesting process killed in the middle of a batch and started
 * again, and two ingesters on one mailbox at once, lose nothing and duplicate nothing.
 */

if (!dovecotAvailable) console.log('note: dovecot is not installed; the crash tests are skipped')

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const WORKER = path.join(SERVER_DIR, 'test/email-worker-process.ts')

const message = (mailbox: string, i: number) =>
  [
    `From: Kunde ${i} <kunde${i}@kunde.example>`,
    `To: ${mailbox}`,
    `Subject: Crash-Test Nachricht ${i}`,
    `Message-ID: <crash-${mailbox}-${i}@kunde.example>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Nachricht Nummer ${i} mit Umlauten: äöü ß.`,
    '',
  ].join('\r\n')

describe.skipIf(!dovecotAvailable)('ingestion exactly once', () => {
  let t: TestApp
  let dovecot: Dovecot
  const children: ChildProcess[] = []

  beforeAll(async () => {
    t = await startTestApp()
    dovecot = await startDovecot()
  })
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL')
    await dovecot?.stop()
    await t?.close()
  })

  const setUp = async (mailbox: string, count: number) => {
    await dovecot.addUser(mailbox, 'pw')
    for (let i = 0; i < count; i++) await dovecot.append(mailbox, message(mailbox, i))
    const team = await t.buildTeam()
    return createChannelRow(t.ctxAs(), t.sessionSecret, {
      name: mailbox,
      address: mailbox,
      teamId: team.id,
      imap: {
        host: dovecot.host,
        port: dovecot.port,
        security: 'none',
        user: mailbox,
        auth: 'password',
        secret: 'pw',
        folder: 'INBOX',
        afterImport: 'move',
        processedFolder: 'Tresen/Processed',
        pollSeconds: 10,
      },
    })
  }

  const counts = async (channelId: string) => {
    const [row] = await t.db
      .select({
        inbound: sql<number>`count(*)::int`,
        tickets: sql<number>`count(DISTINCT ${emailInbound.ticketId})::int`,
        imported: sql<number>`count(*) FILTER (WHERE ${emailInbound.status} = 'imported')::int`,
      })
      .from(emailInbound)
      .where(eq(emailInbound.channelId, channelId))
    return row!
  }

  const startWorker = () => {
    // Node itself with tsx's loader (not the tsx command, which would run the worker as a grandchild
    // that a kill of the child does not reach).
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: SERVER_DIR,
      env: {
        ...process.env,
        DATABASE_URL: t.database.url,
        SESSION_SECRET: t.sessionSecret,
        DATA_DIR: t.storage.root,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    const output: string[] = []
    child.stdout!.on('data', (d: Buffer) => output.push(d.toString()))
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()))
    return { child, output }
  }

  it('loses and duplicates nothing when the ingesting process is killed mid-batch and restarted', async () => {
    const N = 150
    const channel = await setUp('crash@desk.example', N)
    const first = startWorker()
    // Kill it hard once a part of the mailbox is in, in the middle of its work.
    await until('the first messages', async () => (await counts(channel.id)).inbound >= 40)
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('exit', r))
    const atKill = await counts(channel.id)
    expect(atKill.inbound).toBeLessThan(N)

    const second = startWorker()
    await until('every message', async () => (await counts(channel.id)).inbound >= N, 180_000)
    await until('the inbox to be empty', async () => (await dovecot.list('crash@desk.example')).length === 0)
    const end = await counts(channel.id)
    expect(end).toEqual({ inbound: N, tickets: N, imported: N })
    // Every message made exactly one ticket with exactly one message.
    const perTicket = await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM interactions i JOIN email_inbound e ON e.ticket_id = i.ticket_id
          WHERE e.channel_id = ${channel.id} GROUP BY i.ticket_id HAVING count(*) <> 1`,
    )
    expect(perTicket.rows).toEqual([])
    const processed = await dovecot.list('crash@desk.example', 'Tresen/Processed')
    expect(processed).toHaveLength(N)
    expect(new Set(processed.map((m) => m.messageId)).size).toBe(N)
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))
  }, 240_000)

  it('takes each message once when two ingesters work the same mailbox at the same time', async () => {
    const N = 40
    const channel = await setUp('twice@desk.example', N)
    const box = createSecretBox(t.sessionSecret)
    const a = imapClient(channel, box)
    const b = imapClient(channel, box)
    for (const c of [a, b]) c.on('error', () => undefined)
    await Promise.all([a.connect(), b.connect()])
    try {
      await Promise.all([
        importRound(t.ctxAs(), a, channel.id, { batch: 5 }),
        importRound(t.ctxAs(), b, channel.id, { batch: 5 }),
      ])
      // Whatever one of them moved away while the other looked at it is picked up in the next round.
      await importRound(t.ctxAs(), a, channel.id)
    } finally {
      await Promise.all([a.logout(), b.logout()])
    }
    expect(await counts(channel.id)).toEqual({ inbound: N, tickets: N, imported: N })
    expect(await dovecot.list('twice@desk.example')).toHaveLength(0)
  }, 120_000)

  it('moves nothing on the server while the database cannot commit', async () => {
    const channel = await setUp('paused@desk.example', 3)
    const box = createSecretBox(t.sessionSecret)
    const client = imapClient(channel, box)
    client.on('error', () => undefined)
    await client.connect()
    // A database that refuses every statement, as when PostgreSQL is down.
    const broken = unreachable(t.db, ['insert', 'execute', 'transaction'])
    try {
      await expect(importRound({ ...t.ctxAs(), db: broken }, client, channel.id)).rejects.toThrow(
        /ECONNREFUSED/,
      )
      expect(await dovecot.list('paused@desk.example')).toHaveLength(3)
      expect((await repo.findChannel(t.db, channel.id))!.imapLastUid).toBe(0)
      // The database is back: the next round takes all three in.
      await importRound(t.ctxAs(), client, channel.id)
    } finally {
      await client.logout()
    }
    expect(await dovecot.list('paused@desk.example')).toHaveLength(0)
    expect((await counts(channel.id)).imported).toBe(3)
  }, 60_000)
})
