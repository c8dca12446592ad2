import pg from 'pg'
import type { Ctx } from '../../platform/context.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { ImapWatcher } from './email.imap.ts'
import { sendDue, smtpTransport, type TransportFactory } from './email.outbound.ts'
import * as repo from './email.repository.ts'
import { startSmtpReceiver } from './email.smtp-receiver.ts'

/** The advisory lock key of a channel's mailbox watcher: one process watches a mailbox at a time. */
const lockKey = (channelId: string) => `tresen.email.${channelId}`

type Watch = { watcher: ImapWatcher; lock: pg.Client; version: string }

/**
 * The email machinery of one server process: a watcher per IMAP mailbox (each under a
 * PostgreSQL advisory lock, so with several processes one watches and the others stand by),
 * the sender of queued mail, and optionally the SMTP receiver.
 */
export const startEmailWorker = async (opts: {
  ctx: Ctx
  databaseUrl: string
  box: SecretBox
  smtpReceiver?: { port: number; host: string; maxBytes?: number }
  transportFor?: TransportFactory
  /** How often channels are looked at again (new, changed, stopped) and due mail is sent. */
  reconcileMs?: number
  sendMs?: number
  imapPollMs?: number
}) => {
  const { ctx } = opts
  const transportFor = opts.transportFor ?? smtpTransport(opts.box, ctx.db)
  const watches = new Map<string, Watch>()
  let stopped = false

  const stopWatch = async (id: string) => {
    const w = watches.get(id)
    if (!w) return
    watches.delete(id)
    await w.watcher.stop()
    await w.lock.end().catch(() => undefined)
  }

  const reconcile = async () => {
    const channels = await repo.listChannels(ctx.db)
    const wanted = new Map(
      channels.filter((c) => c.active && c.imapHost).map((c) => [c.id, c.updatedAt.toISOString()]),
    )
    for (const [id, w] of watches) if (wanted.get(id) !== w.version) await stopWatch(id)
    for (const [id, version] of wanted) {
      if (watches.has(id) || stopped) continue
      const lock = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'tresen-mailbox' })
      lock.on('error', () => void stopWatch(id))
      await lock.connect()
      const { rows } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
        lockKey(id),
      ])
      if (!rows[0]?.ok) {
        await lock.end()
        continue
      }
      const watcher = new ImapWatcher(
        ctx,
        id,
        opts.box,
        opts.imapPollMs ? { pollMs: opts.imapPollMs } : {},
      ).start()
      watches.set(id, { watcher, lock, version })
    }
  }

  let sending = false
  const send = async () => {
    if (sending) return
    sending = true
    try {
      while (!stopped && (await sendDue(ctx, transportFor)) > 0) {}
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, 'sending queued mail failed; trying again')
    } finally {
      sending = false
    }
  }

  const safe = (fn: () => Promise<void>) => () =>
    void fn().catch((err) => ctx.log.warn({ err: (err as Error).message }, 'email worker'))
  const reconcileTimer = setInterval(safe(reconcile), opts.reconcileMs ?? 15_000)
  const sendTimer = setInterval(safe(send), opts.sendMs ?? 1_000)
  await reconcile().catch((err) => ctx.log.warn({ err: (err as Error).message }, 'email worker'))
  const receiver = opts.smtpReceiver ? await startSmtpReceiver({ ctx, ...opts.smtpReceiver }) : undefined

  return {
    smtpPort: receiver?.port,
    /** Looks at the channels now (after an admin changed one) and sends what is due. */
    poke: async () => {
      await reconcile()
      await send()
    },
    watching: () => [...watches.keys()],
    stop: async () => {
      stopped = true
      clearInterval(reconcileTimer)
      clearInterval(sendTimer)
      await receiver?.close()
      for (const id of [...watches.keys()]) await stopWatch(id)
      while (sending) await new Promise((r) => setTimeout(r, 20))
    },
  }
}
export type EmailWorker = Awaited<ReturnType<typeof startEmailWorker>>
