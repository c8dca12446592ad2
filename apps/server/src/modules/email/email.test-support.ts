import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import type Mail from 'nodemailer/lib/mailer/index.js'
import type { Ctx } from '../../platform/context.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import * as repo from './email.repository.ts'
import { createEmailService } from './email.service.ts'

/** A raw RFC 5322 message built by nodemailer's composer, as a mail client would send it. */
export const composeMail = (opts: Mail.Options): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    new MailComposer(opts).compile().build((err, message) => (err ? reject(err) : resolve(message))),
  )

/** A channel created through the service (as an admin), returned as its row. */
export const createChannelRow = async (
  ctx: Ctx,
  sessionSecret: string,
  input: Partial<Parameters<ReturnType<typeof createEmailService>['createChannel']>[1]> = {},
) => {
  const service = createEmailService(createSecretBox(sessionSecret))
  const channel = await service.createChannel(ctx, {
    name: 'Support',
    address: 'support@desk.example',
    acknowledge: true,
    replyPromiseHours: 24,
    smtpReceiverAddresses: [],
    signature: { de: '', en: '' },
    active: true,
    ...input,
  })
  return (await repo.findChannel(ctx.db, channel.id))!
}
