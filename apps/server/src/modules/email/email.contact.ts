import { ChannelDataView } from '@tresen/contract'
import { z } from 'zod'
import { defineEvent } from '../../platform/domain-events.ts'
import type { ChannelAdapter } from '../tickets/index.ts'

/** What an email contact carries: addresses, Message-IDs, where quoted text begins, its delivery. */
export const EmailData = ChannelDataView.options[0]
export type EmailData = z.infer<typeof EmailData>

/** The email channel's side of the port, without sending (see email.channel.ts): its data and thread key. */
export const emailContact: Omit<ChannelAdapter<EmailData>, 'deliver'> = {
  channel: 'email',
  data: EmailData,
  threadKey: (data) => data.messageId ?? null,
}

/** An acknowledgement of a new ticket was queued for this address. */
export const emailAcknowledged = defineEvent(
  'email.acknowledged',
  z.object({ acknowledgement: z.object({ from: z.null(), to: z.string() }) }),
)
