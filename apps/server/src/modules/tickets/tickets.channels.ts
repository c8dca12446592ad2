import type { Channel } from '@tresen/contract'
import type { z } from 'zod'
import type { Ctx } from '../../platform/context.ts'
import type { TicketRow } from './tickets.repository.ts'

/** What a channel's contact carries besides its text: a typed object tagged with the channel. */
export type ContactData = { channel: Channel } & Record<string, unknown>

/** A public reply written on a ticket, for its channel to send: the ticket after the reply, and the message. */
export type OutgoingReply = {
  ticket: TicketRow
  interactionId: string
  channel: string
  text: string
  html: string | null
}

/**
 * The port every channel implements (email now; phone, chat, counter and portal next). The
 * channel identifies the customer and the ticket from what it received and hands the contact
 * to the intake (tickets.intake.ts); the tickets module hands it the replies to send.
 */
export type ChannelAdapter<D extends ContactData = ContactData> = {
  channel: D['channel']
  /** The channel's data on a contact, checked before it is written. */
  data: z.ZodType<D>
  /** The key later contacts find this one's ticket by (an email's Message-ID, a call's id). */
  threadKey: (data: Partial<D>) => string | null
  /**
   * Sends a public reply on a ticket of this channel, inside the reply's transaction (the reply
   * and what the channel queues for it exist together or not at all); the outcome is reported
   * later through `intake.reportOutcome`.
   */
  deliver?: (ctx: Ctx, reply: OutgoingReply) => Promise<void>
}

/** What the tickets module needs of a registered channel: who it is and how it sends. */
type Registered = Pick<ChannelAdapter, 'channel' | 'deliver'>
const adapters = new Map<string, Registered>()

/** Makes a channel known to the desk (at boot, from the channel module's index); returns a way to forget it. */
export const registerChannel = <D extends ContactData>(adapter: ChannelAdapter<D>) => {
  if (adapters.has(adapter.channel)) throw new Error(`channel "${adapter.channel}" has two adapters`)
  const registered: Registered = {
    channel: adapter.channel,
    ...(adapter.deliver ? { deliver: adapter.deliver } : {}),
  }
  adapters.set(adapter.channel, registered)
  return () => {
    if (adapters.get(adapter.channel) === registered) adapters.delete(adapter.channel)
  }
}

/** Hands a public reply to its channel, when that channel sends replies. */
export const deliverReply = async (ctx: Ctx, reply: OutgoingReply) => {
  const adapter = adapters.get(reply.channel)
  if (adapter?.deliver) await adapter.deliver(ctx, reply)
}
