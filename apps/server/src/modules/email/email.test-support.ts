import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type { Ctx } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import * as repo from './email.repository.ts'
import { createChannel } from './email.service.ts'

/** A raw RFC 5322 message built by nodemailer's composer, as a mail client would send it. */
export const composeMail = (opts: Mail.Options): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    new MailComposer(opts).compile().build((err, message) => (err ? reject(err) : resolve(message))),
  )

/** A channel created through the service (as an admin), returned as its row. */
export const createChannelRow = async (
  ctx: Ctx,
  sessionSecret: string,
  input: Partial<Parameters<typeof createChannel>[1]> = {},
) => {
  const channel = await createChannel(
    { ...ctx, box: createSecretBox(sessionSecret) },
    {
      name: 'Support',
      address: 'support@desk.example',
      acknowledge: true,
      replyPromiseHours: 24,
      smtpReceiverAddresses: [],
      signature: { de: '', en: '' },
      active: true,
      ...input,
    },
  )
  return (await repo.findChannel(ctx.db, channel.id))!
}

/** Waits until `fn` gives something truthy (polling), or fails naming what it waited for. */
export const until = async <T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  ms = 60_000,
) => {
  const end = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The database as when PostgreSQL is down: these query builders throw a refused connection. */
export const unreachable = <D extends Queryable>(db: D, methods: string[]): D => {
  const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
  return new Proxy(db, {
    get: (target, prop) =>
      methods.includes(String(prop))
        ? () => {
            throw down
          }
        : Reflect.get(target, prop),
  })
}
