import type { Language } from '@tresen/contract'
import { type Ctx, inTransaction, SYSTEM } from '../../platform/context.ts'
import type { DomainEvent } from '../../platform/domain-events.ts'
import { customerMail, findCustomerByEmail } from '../customers/index.ts'
import type { ChannelAdapter, ContactData } from './tickets.channels.ts'
import { contactUpdated } from './tickets.events.ts'
import * as repo from './tickets.repository.ts'
import {
  appendContact,
  eventOf,
  notifyTicket,
  openTicket,
  recorded,
  timelineRows,
  type UploadedFile,
} from './tickets.service.ts'

/** One contact as a channel received it, for `intake.record`. */
export type Contact<D extends ContactData> = {
  data: D
  /** The customer who wrote or called (found or made with `intake.customerFor` or the channel's own lookup). */
  customerId: string
  text: string
  html?: string
  files?: UploadedFile[]
  /** An automatic message (out-of-office, bounce, list mail): it neither reopens a ticket nor starts a wait. */
  automated?: boolean
  /**
   * The ticket the contact continues: one locked by `intake.lockTicket…` in this transaction, or
   * an id (locked here); without it the contact opens a new ticket with `opens`.
   */
  ticket?: repo.TicketRow | { id: string }
  opens: {
    subject: string
    teamId: string | null
    language: Language
    /** The closed ticket the customer wrote to: the new ticket is its follow-up, linked both ways. */
    followUpOf?: { id: string; number: number }
  }
}

export type RecordedContact = {
  ticketId: string
  ticketNumber: number
  interactionId: string
  created: boolean
}

/** Contacts come from outside: the desk itself takes them in, whatever the caller's actor. */
const asDesk = (ctx: Ctx): Ctx => ({ ...ctx, actor: SYSTEM })

/**
 * The one way in for every channel (email now; phone, chat, counter and portal next): find or
 * make the customer, find the ticket a contact belongs to by its thread keys, record the contact
 * with its typed channel data (the rules reopen or open the ticket), and report what became of
 * a reply. Channels never touch the tickets module's tables.
 */
export const intake = {
  /** The customer who owns an email address, made (with name and language) when there is none. */
  customerFor: async (ctx: Ctx, who: { email: string; name: string; language: Language }) => {
    const known = await findCustomerByEmail(asDesk(ctx), who.email)
    if (known) return known.id
    return customerMail.createForAddress(asDesk(ctx), who)
  },

  /**
   * The ticket a contact continues, locked for the rest of the transaction: the ticket of the
   * newest contact of the channel with one of the keys, else the ticket with that number (a
   * merged ticket resolves to its survivor). Closed tickets are returned too: the channel decides.
   */
  lockTicket: (ctx: Ctx, by: { channel: string; keys: string[] } | { number: number }) =>
    'number' in by
      ? repo.ticketForNumberForUpdate(ctx.db, by.number)
      : repo.threadTicketForUpdate(ctx.db, by.channel, by.keys.slice(0, 100)),

  /** The surviving ticket of the newest contact with one of the keys, in any state, unlocked. */
  ticketIdForKeys: (ctx: Ctx, channel: string, keys: string[]) => repo.ticketIdForKeys(ctx.db, channel, keys),

  ticket: (ctx: Ctx, id: string) => repo.findTicketRow(ctx.db, id),

  /** Records a contact on its ticket, or on a new one; the channel data is checked by the adapter's schema. */
  record: <D extends ContactData>(ctx: Ctx, adapter: ChannelAdapter<D>, contact: Contact<D>) =>
    inTransaction(asDesk(ctx), async (ctx): Promise<RecordedContact> => {
      const data = adapter.data.parse(contact.data)
      const threadKey = adapter.threadKey(data)
      const channelData = data as unknown as repo.NewInteraction['channelData']
      const automated = contact.automated ?? false
      const files = contact.files ?? []
      if (contact.ticket) {
        const ticket =
          'number' in contact.ticket
            ? contact.ticket
            : await repo.findTicketForUpdate(ctx.db, contact.ticket.id)
        if (!ticket) throw new Error(`ticket ${contact.ticket.id} does not exist`)
        const added = await appendContact(
          ctx,
          ticket,
          {
            kind: 'inbound',
            text: contact.text,
            ...(contact.html ? { html: contact.html } : {}),
            channel: adapter.channel,
          },
          files,
          { authorCustomerId: contact.customerId, threadKey, channelData, automated },
        )
        return { ...added, ticketNumber: ticket.number, created: false }
      }
      const created = await openTicket(
        ctx,
        {
          subject: contact.opens.subject,
          customerId: contact.customerId,
          channel: adapter.channel,
          status: 'new',
          priority: 'normal',
          ...(contact.opens.teamId ? { teamId: contact.opens.teamId } : {}),
          language: contact.opens.language,
          tags: [],
          message: {
            direction: 'inbound',
            text: contact.text,
            ...(contact.html ? { html: contact.html } : {}),
          },
        },
        files,
        {
          customer: { id: contact.customerId, language: contact.opens.language },
          threadKey,
          channelData,
          automated,
          ...(contact.opens.followUpOf ? { followUpOf: contact.opens.followUpOf } : {}),
        },
      )
      return {
        ticketId: created.id,
        ticketNumber: created.number,
        interactionId: created.interactionId!,
        created: true,
      }
    }),

  /**
   * What the channel learnt about a contact later (a delivery's outcome, the id a reply was sent
   * with): merged into its channel data, its thread key kept, and open views of the ticket told.
   */
  reportOutcome: async <D extends ContactData>(
    ctx: Ctx,
    adapter: ChannelAdapter<D>,
    interactionId: string,
    patch: Partial<D>,
  ) => {
    const key = adapter.threadKey(patch)
    const ticket = await repo.patchContact(ctx.db, interactionId, { channel: adapter.channel, ...patch }, key)
    if (!ticket) return
    const events = [
      eventOf(asDesk(ctx), contactUpdated, ticket.id, { interactionId, keys: Object.keys(patch) }),
    ]
    await recorded(ctx, events)
    await notifyTicket(ctx, 'ticket.interaction_updated', ticket)
  },

  /** An event of the channel's own kind on the ticket's timeline (an acknowledgement sent, …), by the desk. */
  recordEvent: async (ctx: Ctx, event: DomainEvent) => {
    await repo.insertEvents(ctx.db, timelineRows([event]))
    await recorded(ctx, [event])
  },

  /** Several such events at once (one statement for their timeline rows), by the desk or a module. */
  recordEvents: async (ctx: Ctx, events: readonly DomainEvent[]) => {
    if (events.length === 0) return
    await repo.insertEvents(ctx.db, timelineRows(events))
    await recorded(ctx, events)
  },

  /** The channel's contacts on a ticket, oldest first, with their keys: the thread a reply continues. */
  thread: (ctx: Ctx, ticketId: string, channel: string) => repo.threadOf(ctx.db, ticketId, channel),

  contact: (ctx: Ctx, interactionId: string) => repo.interactionById(ctx.db, interactionId),

  attachments: (ctx: Ctx, interactionId: string) => repo.attachmentsOfInteraction(ctx.db, interactionId),
}
