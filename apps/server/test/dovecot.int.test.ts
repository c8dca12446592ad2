import net from 'node:net'
import { ImapFlow } from 'imapflow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Dovecot, dovecotAvailable, startDovecot } from './dovecot.ts'

if (!dovecotAvailable) {
  console.log('dovecot.int.test: skipped; needs /usr/sbin/dovecot (Debian package dovecot-imapd)')
}

const PASSWORD = 'test-only-secret'
let userCount = 0

const message = (subject: string, messageId: string) =>
  [
    'From: Kundin <kundin@example.test>',
    'To: support@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    'Date: Mon, 03 Mar 2025 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus Köln',
    '',
  ].join('\r\n')

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })

describe.skipIf(!dovecotAvailable)('startDovecot', () => {
  let dovecot: Dovecot
  const agent = 'agent@example.test'

  /** A user of its own per test, added after start, so tests share no mailbox state. */
  const freshUser = async () => {
    const address = `user${++userCount}@example.test`
    await dovecot.addUser(address, PASSWORD)
    return address
  }

  const connect = async (address: string) => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      logger: false,
      auth: { user: address, pass: PASSWORD },
    })
    await client.connect()
    return client
  }

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [{ address: agent, password: PASSWORD }] })
  })

  afterAll(async () => {
    await dovecot?.stop()
  })

  it('serves IMAP on loopback with IDLE, MOVE and custom keywords', async () => {
    expect(dovecot.host).toBe('127.0.0.1')
    expect(dovecot.port).toBeGreaterThan(0)
    const client = await connect(agent)
    try {
      expect(client.capabilities.has('IDLE')).toBe(true)
      expect(client.capabilities.has('MOVE')).toBe(true)
      expect(client.capabilities.has('UIDPLUS')).toBe(true)
      const inbox = await client.mailboxOpen('INBOX')
      expect(inbox.permanentFlags?.has('\\*')).toBe(true)
      expect(typeof inbox.uidValidity).toBe('bigint')
    } finally {
      await client.logout()
    }
  })

  it('rejects a wrong password', async () => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      logger: false,
      auth: { user: agent, pass: 'wrong' },
    })
    await expect(client.connect()).rejects.toThrow()
  })

  it('appends and lists messages, decoding an encoded-word subject', async () => {
    const user = await freshUser()
    const first = await dovecot.append(
      user,
      message('=?UTF-8?Q?R=C3=BCckfrage_zur_Bestellung?=', 'a1@example.test'),
    )
    const second = await dovecot.append(user, Buffer.from(message('Order 42', 'a2@example.test')))
    expect(first).toBe(1)
    expect(second).toBe(2)
    expect(await dovecot.list(user)).toEqual([
      { uid: 1, flags: [], subject: 'Rückfrage zur Bestellung', messageId: '<a1@example.test>' },
      { uid: 2, flags: [], subject: 'Order 42', messageId: '<a2@example.test>' },
    ])
  })

  it('moves a message into a newly created folder and keeps a custom keyword on another', async () => {
    const user = await freshUser()
    const moved = await dovecot.append(user, message('Moved', 'm1@example.test'))
    const kept = await dovecot.append(user, message('Kept', 'm2@example.test'))
    const client = await connect(user)
    try {
      expect((await client.mailboxCreate('Tresen/Processed')).created).toBe(true)
      await client.mailboxOpen('INBOX')
      const result = await client.messageMove(String(moved), 'Tresen/Processed', { uid: true })
      if (!result) throw new Error('MOVE returned no result')
      expect(result.uidMap?.get(moved!)).toBe(1)
      expect(await client.messageFlagsAdd(String(kept), ['$TresenImported'], { uid: true })).toBe(true)
    } finally {
      await client.logout()
    }
    expect(await dovecot.list(user)).toEqual([
      { uid: kept, flags: ['$TresenImported'], subject: 'Kept', messageId: '<m2@example.test>' },
    ])
    expect(await dovecot.list(user, 'Tresen/Processed')).toEqual([
      { uid: 1, flags: [], subject: 'Moved', messageId: '<m1@example.test>' },
    ])
  })

  it('appends into a folder that does not exist yet', async () => {
    const user = await freshUser()
    expect(await dovecot.append(user, message('Archived', 'f1@example.test'), 'Archive/2025')).toBe(1)
    expect((await dovecot.list(user, 'Archive/2025')).map((m) => m.subject)).toEqual(['Archived'])
    expect(await dovecot.list(user)).toEqual([])
  })

  it('notifies an idling client of a message appended by another connection', async () => {
    const user = await freshUser()
    const watcher = await connect(user)
    try {
      await watcher.mailboxOpen('INBOX')
      const exists = new Promise<{ count: number; prevCount: number }>((resolve) => {
        watcher.on('exists', resolve)
      })
      const idling = watcher.idle()
      await expect.poll(() => watcher.idling).toBe(true)
      await dovecot.append(user, message('While idling', 'i1@example.test'))
      expect(await exists).toMatchObject({ count: 1, prevCount: 0 })
      await watcher.logout()
      await idling
    } finally {
      watcher.close()
    }
  })

  it('rejects users with characters the users file cannot hold', async () => {
    await expect(dovecot.addUser('a:b@example.test', PASSWORD)).rejects.toThrow(/address/)
    await expect(dovecot.addUser('c@example.test', 'pa\nss')).rejects.toThrow(/password/)
    await expect(dovecot.addUser(agent, PASSWORD)).rejects.toThrow(/exists/)
    await expect(dovecot.list('nobody@example.test')).rejects.toThrow(/no user/)
  })

  it('runs beside another server and stops it without touching this one', async () => {
    const other = await startDovecot({ users: [{ address: agent, password: PASSWORD }] })
    expect(other.port).not.toBe(dovecot.port)
    await other.append(agent, message('Elsewhere', 'o1@example.test'))
    expect(await dovecot.list(agent)).toEqual([])
    await other.stop()
    expect(await refusesConnections(other.port)).toBe(true)
    await other.stop()
    expect(await dovecot.list(agent)).toEqual([])
  })
})
