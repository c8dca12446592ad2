import { ImapFlow } from 'imapflow'
import pMap from 'p-map'
import type { Ctx } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { type IngestOutcome, ingestMessage, isDatabaseUnavailable } from './email.ingest.ts'
import { credentialsFor } from './email.oauth.ts'
import * as repo from './email.repository.ts'

/** Messages fetched and committed per round before the mailbox is asked again. */
export const IMAP_BATCH = 25
/** Messages larger than this are not downloaded: they stay in the mailbox, and an admin is told. */
export const IMAP_MAX_FETCH_BYTES = 100 * 1024 * 1024
/** The keyword set on messages taken in when the channel flags instead of moving. */
export const IMPORTED_KEYWORD = '$TresenImported'

/**
 * An IMAP client for the channel. `credentials` come from `credentialsFor` (an OAuth2 access token
 * fetched when needed); without them the stored password or token is used.
 */
export const imapClient = (
  channel: repo.ChannelRow,
  box: SecretBox,
  credentials?: { pass?: string; accessToken?: string },
) => {
  const secret = channel.imapSecret ? box.open(channel.imapSecret) : ''
  const creds = credentials ?? (channel.imapAuth === 'oauth2' ? { accessToken: secret } : { pass: secret })
  return new ImapFlow({
    host: channel.imapHost!,
    port: channel.imapPort ?? 993,
    secure: channel.imapSecurity === 'tls',
    doSTARTTLS:
      channel.imapSecurity === 'starttls' ? true : channel.imapSecurity === 'none' ? false : undefined,
    auth:
      creds.accessToken !== undefined
        ? { user: channel.imapUser ?? '', accessToken: creds.accessToken }
        : { user: channel.imapUser ?? '', pass: creds.pass ?? '' },
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
  })
}

/** An IMAP client with fresh credentials (OAuth2 tokens fetched when due). */
export const connectableClient = async (db: Queryable, channel: repo.ChannelRow, box: SecretBox) =>
  imapClient(channel, box, await credentialsFor(db, channel, box, 'imap'))

export type RoundResult = { fetched: number; outcomes: IngestOutcome[] }

/** Messages of a batch taken in at the same time (each in its own transaction). */
export const IMAP_CONCURRENCY = 4

/**
 * One round on a connected client: every message with a UID above the last one taken in, in
 * batches: the batch is fetched with one command, its messages are committed (several at a
 * time), then the committed ones are moved (or flagged) with one command and the position
 * advances to the highest UID below which everything is committed. A crash anywhere leaves
 * messages in the folder; taking them in again finds their identities and only moves them. A
 * database error stops the round: what was not committed stays where it is.
 */
export const importRound = async (
  ctx: Ctx,
  client: ImapFlow,
  channelId: string,
  opts: { batch?: number } = {},
) => {
  const channel = await repo.findChannel(ctx.db, channelId)
  if (!channel?.imapHost) return { fetched: 0, outcomes: [] }
  const folder = channel.imapFolder ?? 'INBOX'
  const result: RoundResult = { fetched: 0, outcomes: [] }
  if (channel.imapAfterImport !== 'flag' && channel.imapProcessedFolder) {
    await client.mailboxCreate(channel.imapProcessedFolder).catch(() => undefined)
  }
  const lock = await client.getMailboxLock(folder)
  try {
    const box = client.mailbox
    if (!box) throw new Error(`folder ${folder} could not be opened`)
    let lastUid = channel.imapLastUid
    if (channel.imapUidValidity !== null && channel.imapUidValidity !== box.uidValidity) {
      // The server renumbered the folder: look at everything again; identities prevent duplicates.
      await repo.resetImapPosition(ctx.db, channel.id, box.uidValidity)
      lastUid = 0
    }
    for (;;) {
      const found = (await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || []
      const uids = found
        .filter((u) => u > lastUid)
        .sort((a, b) => a - b)
        .slice(0, opts.batch ?? IMAP_BATCH)
      if (uids.length === 0) break
      const heads = new Map<number, { size: number; internalDate: Date | undefined }>()
      for await (const m of client.fetch(
        uids.join(','),
        { uid: true, size: true, internalDate: true },
        { uid: true },
      )) {
        const date =
          m.internalDate instanceof Date
            ? m.internalDate
            : m.internalDate
              ? new Date(m.internalDate)
              : undefined
        heads.set(m.uid, {
          size: m.size ?? 0,
          internalDate: date && !Number.isNaN(date.getTime()) ? date : undefined,
        })
      }
      const tooLarge = uids.filter((u) => (heads.get(u)?.size ?? 0) > IMAP_MAX_FETCH_BYTES)
      for (const uid of tooLarge)
        ctx.log.warn(
          { channelId, uid, size: heads.get(uid)?.size },
          'message too large to fetch; left in the mailbox',
        )
      const wanted = uids.filter((u) => heads.has(u) && !tooLarge.includes(u))
      const sources = new Map<number, Buffer>()
      if (wanted.length) {
        for await (const m of client.fetch(wanted.join(','), { uid: true, source: true }, { uid: true })) {
          if (m.source) sources.set(m.uid, m.source)
        }
      }
      result.fetched += sources.size
      // Commit several at a time; a database error ends the round after the others finish.
      const committed = new Set<number>()
      let failure: unknown
      await pMap(
        [...sources.keys()],
        async (uid) => {
          if (failure) return
          try {
            const internalDate = heads.get(uid)?.internalDate
            const outcome = await ingestMessage(ctx, channel, sources.get(uid)!, {
              source: 'imap',
              imapUid: uid,
              ...(internalDate ? { receivedAt: internalDate } : {}),
            })
            result.outcomes.push(outcome)
            committed.add(uid)
          } catch (err) {
            failure ??= err
          }
        },
        { concurrency: IMAP_CONCURRENCY },
      )
      const done = [...committed].sort((a, b) => a - b)
      if (done.length) {
        if (channel.imapAfterImport === 'flag')
          await client.messageFlagsAdd(done.join(','), [IMPORTED_KEYWORD, '\\Seen'], { uid: true })
        else
          await client.messageMove(done.join(','), channel.imapProcessedFolder ?? 'Tresen/Processed', {
            uid: true,
          })
      }
      // The position moves past everything handled without a gap (gone, too large or committed).
      for (const uid of uids) {
        const handled =
          committed.has(uid) || tooLarge.includes(uid) || !heads.has(uid) || (!sources.has(uid) && !failure)
        if (!handled) break
        lastUid = uid
      }
      await repo.saveImapPosition(ctx.db, channel.id, box.uidValidity, lastUid)
      if (failure) throw failure
    }
    if (channel.imapUidValidity === null)
      await repo.saveImapPosition(ctx.db, channel.id, box.uidValidity, lastUid)
  } finally {
    lock.release()
  }
  return result
}

/** Tries the IMAP settings: connect, sign in, open the folder. */
export const checkImap = async (db: Queryable, channel: repo.ChannelRow, box: SecretBox) => {
  let client: ImapFlow
  try {
    client = await connectableClient(db, channel, box)
  } catch (err) {
    return { ok: false, detail: describeImapError(err) }
  }
  client.on('error', () => undefined)
  try {
    await client.connect()
    const status = await client.status(channel.imapFolder ?? 'INBOX', { messages: true })
    return {
      ok: true,
      detail: `signed in; ${(status ? status.messages : 0) ?? 0} messages in ${channel.imapFolder ?? 'INBOX'}`,
    }
  } catch (err) {
    return { ok: false, detail: describeImapError(err) }
  } finally {
    await client.logout().catch(() => client.close())
  }
}

export const describeImapError = (err: unknown) => {
  const e = err as { authenticationFailed?: boolean; code?: string; message?: string; responseText?: string }
  if (e.authenticationFailed) return 'sign-in failed: check user and password or token'
  if (e.code === 'ECONNREFUSED') return 'connection refused: check host and port'
  if (e.code === 'ENOTFOUND') return 'host not found'
  return (e.responseText || e.message || String(err)).slice(0, 500)
}

/**
 * Watches one channel's folder: imports what is there, then waits for the server's IDLE
 * notification of new mail (or the poll interval), and again. Errors (server unreachable, sign-in
 * failed, database unreachable) are recorded on the channel and retried with a growing pause;
 * nothing is moved on the server while the database cannot commit.
 */
export class ImapWatcher {
  private stopped = false
  private client: ImapFlow | undefined
  private wake: (() => void) | undefined
  private done: Promise<void> | undefined

  constructor(
    private readonly ctx: Ctx,
    readonly channelId: string,
    private readonly box: SecretBox,
    private readonly opts: { pollMs?: number; onRound?: (r: RoundResult) => void } = {},
  ) {}

  start() {
    this.done = this.run()
    return this
  }

  async stop() {
    this.stopped = true
    this.wake?.()
    await this.client?.logout().catch(() => this.client?.close())
    await this.done
  }

  private async run() {
    let failures = 0
    while (!this.stopped) {
      const channel = await repo.findChannel(this.ctx.db, this.channelId).catch(() => undefined)
      if (!channel?.imapHost || !channel.active) return
      let client: ImapFlow
      try {
        client = await connectableClient(this.ctx.db, channel, this.box)
      } catch (err) {
        failures++
        const detail = describeImapError(err)
        this.ctx.log.warn({ channelId: this.channelId, failures, detail }, 'mailbox sign-in failed')
        await repo
          .recordCheck(this.ctx.db, this.channelId, 'error', detail, this.ctx.clock.now())
          .catch(() => undefined)
        await this.sleep(Math.min(300_000, 1000 * 2 ** Math.min(failures, 8)))
        continue
      }
      this.client = client
      client.on('error', (err) =>
        this.ctx.log.warn(
          { channelId: this.channelId, err: describeImapError(err) },
          'IMAP connection error',
        ),
      )
      try {
        await client.connect()
        const pollMs = this.opts.pollMs ?? (channel.imapPollSeconds ?? 60) * 1000
        while (!this.stopped && client.usable) {
          const round = await importRound(this.ctx, client, this.channelId)
          failures = 0
          await repo.recordCheck(this.ctx.db, this.channelId, 'ok', null, this.ctx.clock.now())
          this.opts.onRound?.(round)
          if (round.fetched > 0) continue
          await this.waitForMail(client, pollMs)
        }
      } catch (err) {
        if (this.stopped) break
        failures++
        const detail = isDatabaseUnavailable(err) ? 'database unavailable; waiting' : describeImapError(err)
        this.ctx.log.warn({ channelId: this.channelId, failures, detail }, 'mailbox check failed')
        await repo
          .recordCheck(this.ctx.db, this.channelId, 'error', detail, this.ctx.clock.now())
          .catch(() => undefined)
      } finally {
        await client.logout().catch(() => client.close())
      }
      if (!this.stopped && failures > 0)
        await this.sleep(Math.min(300_000, 1000 * 2 ** Math.min(failures, 8)))
    }
  }

  private waitForMail(client: ImapFlow, ms: number) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        client.off('exists', done)
        client.off('close', done)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      client.on('exists', done)
      client.on('close', done)
      this.wake = done
    })
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}
