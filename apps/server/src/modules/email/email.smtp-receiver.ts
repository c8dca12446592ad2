import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import type { Ctx } from '../../platform/context.ts'
import { ingestMessage, isDatabaseUnavailable } from './email.ingest.ts'
import { MAX_MESSAGE_BYTES } from './email.parse.ts'
import * as repo from './email.repository.ts'

/** How long the channels that accept an address are remembered. */
const RECIPIENT_CACHE_MS = 1000

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code })

/**
 * The built-in SMTP receiver for setups that forward or route mail to the desk. It accepts only
 * recipients that an active channel lists, refuses messages over the size limit, and answers 250
 * only after the message is committed, so a sender never hands over mail the desk did not keep:
 * while the database is unreachable it answers 451 and the sending server tries again later.
 */
export const startSmtpReceiver = async (opts: {
  ctx: Ctx
  port: number
  host: string
  maxBytes?: number
  name?: string
}) => {
  const maxBytes = opts.maxBytes ?? MAX_MESSAGE_BYTES
  // The channels each accepted recipient belongs to, as looked up at RCPT TO, for the DATA that follows.
  const accepted = new WeakMap<object, Map<string, repo.ChannelRow[]>>()
  // Channels that accept an address, remembered for a second: a sending server delivers many
  // messages to the same address, and a change by an admin reaches the receiver within the second.
  const recent = new Map<string, { at: number; channels: repo.ChannelRow[] }>()
  const recipients = async (to: string) => {
    const now = Date.now()
    const known = recent.get(to)
    if (known && now - known.at < RECIPIENT_CACHE_MS) return known.channels
    const channels = await repo.channelsForRecipient(opts.ctx.db, to)
    if (recent.size > 1000) recent.clear()
    // Only acceptance is remembered: an address an admin just added works at once.
    if (channels.length) recent.set(to, { at: now, channels })
    else recent.delete(to)
    return channels
  }
  const server = new SMTPServer({
    name: opts.name ?? 'tresen',
    banner: 'Tresen mail receiver',
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 50,
    socketTimeout: 60_000,
    onRcptTo: (address, session, callback) => {
      const to = address.address.toLowerCase()
      recipients(to)
        .then((channels) => {
          if (!channels.length)
            return callback(smtpError(550, `5.1.1 <${to}>: no mailbox here accepts this address`))
          const known = accepted.get(session.envelope) ?? new Map<string, repo.ChannelRow[]>()
          accepted.set(session.envelope, known.set(to, channels))
          callback()
        })
        .catch(() => callback(smtpError(451, '4.3.0 temporarily unable to accept mail; try again later')))
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= maxBytes) chunks.push(chunk)
      })
      stream.on('error', (err) => callback(err))
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded || size > maxBytes) {
          callback(smtpError(552, `5.3.4 message larger than ${Math.floor(maxBytes / 1024 / 1024)} MB`))
          return
        }
        const raw = Buffer.concat(chunks)
        deliver(
          opts.ctx,
          raw,
          session.envelope.rcptTo.map(
            (r) => accepted.get(session.envelope)?.get(r.address.toLowerCase()) ?? [],
          ),
        ).then(
          () => callback(),
          (err) => {
            opts.ctx.log.warn({ err: (err as Error).message }, 'SMTP receiver could not store a message')
            callback(
              isDatabaseUnavailable(err)
                ? smtpError(451, '4.3.0 temporarily unable to store the message; try again later')
                : smtpError(451, '4.3.0 local error; try again later'),
            )
          },
        )
      })
    },
  })
  server.on('error', (err) => opts.ctx.log.warn({ err: err.message }, 'SMTP receiver error'))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.server.address() as AddressInfo
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** One message for its recipients: once per channel that accepts any of them. */
const deliver = async (ctx: Ctx, raw: Buffer, channelsByRecipient: repo.ChannelRow[][]) => {
  const seen = new Set<string>()
  for (const channels of channelsByRecipient) {
    for (const channel of channels) {
      if (seen.has(channel.id)) continue
      seen.add(channel.id)
      await ingestMessage(ctx, channel, raw, { source: 'smtp' })
    }
  }
}
