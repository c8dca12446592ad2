import type { ChannelAdapter } from '../tickets/index.ts'
import { type EmailData, emailContact } from './email.contact.ts'
import { queueReply } from './email.outbound.ts'

/**
 * The email channel on the tickets module's port: its contacts' data and thread key (the
 * Message-ID), and a public reply queued as an outgoing message in the reply's transaction.
 */
export const emailChannel: ChannelAdapter<EmailData> = { ...emailContact, deliver: queueReply }
