/** Email: mailboxes read over IMAP or received over SMTP, replies and acknowledgements sent over SMTP. */

export { emailChannel } from './email.channel.ts'
export { type EmailData, emailAcknowledged } from './email.contact.ts'
export { type IngestOutcome, ingestMessage } from './email.ingest.ts'
export {
  queueNotice,
  queueReply,
  recordSentEarlier,
  sendDue,
  type TransportFactory,
} from './email.outbound.ts'
export { emailRoutes } from './email.routes.ts'
export { createChannel as createEmailChannel, type EmailCtx } from './email.service.ts'
/** Plain text as the simple HTML the desk's messages are sent with. */
export { textToHtml } from './email.templates.ts'
export { type EmailWorker, startEmailWorker } from './email.worker.ts'

import { emailAcknowledged } from './email.contact.ts'

/** The email channel's own event kinds (on the ticket's timeline). */
export const emailEventKinds = [emailAcknowledged]
