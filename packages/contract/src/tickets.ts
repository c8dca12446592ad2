import { z } from 'zod'
import { ClosingAnswers, TicketClosing } from './closing.ts'
import { Id, Language, page, Timestamp } from './common.ts'
import { FieldFilters, TicketFieldValues, TicketFieldValuesInput } from './fields.ts'
import { PromiseSummary, TicketPromise } from './promises.ts'

export const TicketStatus = z.enum(['new', 'open', 'pending', 'on_hold', 'solved', 'closed'])
export type TicketStatus = z.infer<typeof TicketStatus>
export const TicketPriority = z.enum(['low', 'normal', 'high', 'urgent'])
export const Channel = z.enum(['email', 'phone', 'chat', 'walk_in', 'portal', 'api', 'note', 'system'])
export type Channel = z.infer<typeof Channel>
export const Direction = z.enum(['inbound', 'outbound', 'internal'])

const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N}_.:-]+$/u, 'letters, digits and _ . : - only')

/** Data only one channel has; typed per channel so threading and call lookup never parse free text. */
export const ChannelData = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('email'),
    messageId: z.string().max(998).optional(),
    inReplyTo: z.string().max(998).optional(),
    references: z.array(z.string().max(998)).max(100).optional(),
    from: z.string().max(320).optional(),
    to: z.array(z.string().max(320)).max(100).optional(),
    cc: z.array(z.string().max(320)).max(100).optional(),
  }),
  z.object({
    channel: z.literal('phone'),
    callId: z.string().max(200).optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    durationSeconds: z.number().int().min(0).optional(),
    recordingUrl: z.url().optional(),
  }),
  z.object({ channel: z.literal('chat'), sessionId: z.string().max(200).optional() }),
  z.object({
    channel: z.literal('walk_in'),
    branch: z.string().max(200).optional(),
    counter: z.string().max(50).optional(),
  }),
])
export type ChannelData = z.infer<typeof ChannelData>

/** What happened to an outgoing email: queued, sent, failed (with the reason) or bounced later. */
/** Why a delivery failed, for a sentence in the reader's language (the server's own words are in `error`). */
export const DeliveryReason = z.enum([
  'recipient_unknown',
  'mailbox_full',
  'refused',
  'temporary',
  'unreachable',
  'sign_in_failed',
  'no_channel',
  'no_address',
  'bounced',
  'other',
])
export type DeliveryReason = z.infer<typeof DeliveryReason>

export const EmailDelivery = z.object({
  status: z.enum(['queued', 'sent', 'failed', 'bounced']),
  error: z.string().nullable(),
  reason: DeliveryReason.optional(),
  attempts: z.number().int(),
  at: Timestamp,
})
export type EmailDelivery = z.infer<typeof EmailDelivery>

/** What the desk noticed when it read an incoming email, as a code with its details. */
export const EmailWarning = z.object({
  code: z.enum([
    'several_from',
    'html_too_large',
    'remote_images',
    'text_shortened',
    'attachments_dropped',
    'attachment_renamed',
    'header_charset_guessed',
  ]),
  /** attachments_dropped: max; attachment_renamed: from, to; header_charset_guessed: charset. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
})
export type EmailWarning = z.infer<typeof EmailWarning>

/**
 * Channel data as the desk shows it: what clients may send, plus what only the desk records
 * (an email's delivery, where quoted text begins, why a message counts as automatic).
 */
export const ChannelDataView = z.discriminatedUnion('channel', [
  ChannelData.options[0].extend({
    subject: z.string().optional(),
    /** The text from this offset on is quoted earlier mail or a signature, folded in the view. */
    foldAt: z.number().int().min(0).optional(),
    automated: z.enum(['auto_reply', 'bulk', 'bounce']).optional(),
    /** Notes on receipt: codes the desk shows in the reader's language (older records hold text). */
    warnings: z.array(z.union([EmailWarning, z.string()])).optional(),
    delivery: EmailDelivery.optional(),
  }),
  ChannelData.options[1],
  ChannelData.options[2],
  ChannelData.options[3],
])
export type ChannelDataView = z.infer<typeof ChannelDataView>

const PersonRef = z.object({ id: Id, name: z.string() })

export const Ticket = z.object({
  id: Id,
  number: z.number().int(),
  subject: z.string(),
  status: TicketStatus,
  priority: TicketPriority,
  channel: Channel,
  language: Language,
  tags: z.array(z.string()),
  team: PersonRef.nullable(),
  assignee: PersonRef.nullable(),
  customer: PersonRef,
  mergedInto: z.object({ id: Id, number: z.number().int() }).nullable(),
  /** The closed ticket this one continues: the customer wrote again after it was closed. */
  followUpOf: z.object({ id: Id, number: z.number().int() }).nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  solvedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
  /**
   * Since when the customer waits for an answer: the oldest customer message not yet followed by a
   * public staff reply. Null when nothing waits (notes do not count as an answer).
   */
  waitingSince: Timestamp.nullable(),
  /** When staff first replied publicly; null until then. */
  firstResponseAt: Timestamp.nullable(),
  /** Custom field values by field key (see docs/custom-fields.md). */
  fields: TicketFieldValues,
  /** The worst state of its open promises (response targets) and the next due time; null: none open. */
  promise: PromiseSummary.nullable(),
})
export type Ticket = z.infer<typeof Ticket>

export const Attachment = z.object({
  id: Id,
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  url: z.string(),
})

export const Interaction = z.object({
  kind: z.literal('interaction'),
  id: Id,
  channel: Channel,
  direction: Direction,
  author: z.object({ type: z.enum(['staff', 'customer', 'system']), id: Id.nullable(), name: z.string() }),
  text: z.string(),
  html: z.string().nullable(),
  channelData: ChannelDataView.nullable(),
  attachments: z.array(Attachment),
  mergedFromTicketNumber: z.number().int().nullable(),
  createdAt: Timestamp,
})
export type Interaction = z.infer<typeof Interaction>

/** What caused a change on a ticket's timeline besides its actor (a macro). */
export const EventCause = z.object({ type: z.literal('macro'), id: Id, name: z.string() })
export type EventCause = z.infer<typeof EventCause>

export const TicketEvent = z.object({
  kind: z.literal('event'),
  id: Id,
  type: z.string(),
  actor: PersonRef.nullable(),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  reason: z.string().nullable(),
  /** What made the change besides its actor: a macro, by id and name. */
  cause: EventCause.nullable().optional(),
  createdAt: Timestamp,
})
export type TicketEvent = z.infer<typeof TicketEvent>

export const TimelineEntry = z.discriminatedUnion('kind', [Interaction, TicketEvent])

export const TicketDetail = Ticket.extend({
  timeline: z.array(TimelineEntry),
  /** The closing checklist as answered at the last solve; null before one. */
  closing: TicketClosing.nullable(),
  /** Its promises (response targets and others), open ones first, with their figures now. */
  promises: z.array(TicketPromise),
})
export type TicketDetail = z.infer<typeof TicketDetail>

/** The first message of a new ticket. */
export const FirstMessage = z.strictObject({
  text: z.string().max(100_000).default(''),
  html: z.string().max(500_000).optional(),
  direction: Direction.default('inbound'),
  channelData: ChannelData.optional(),
})

export const CreateTicketInput = z.strictObject({
  subject: z.string().trim().min(1).max(500),
  customerId: Id,
  channel: Channel.default('api'),
  status: TicketStatus.default('new'),
  priority: TicketPriority.default('normal'),
  teamId: Id.optional(),
  assigneeId: Id.nullable().optional(),
  language: Language.optional(),
  tags: z.array(Tag).max(50).default([]),
  message: FirstMessage.optional(),
  /** Custom field values by key. */
  fields: TicketFieldValuesInput.optional(),
  /** The closing checklist's answers, required when staff open a ticket already solved or closed. */
  closing: ClosingAnswers.optional(),
})
export type CreateTicketInput = z.infer<typeof CreateTicketInput>

export const UpdateTicketInput = z.strictObject({
  subject: z.string().trim().min(1).max(500).optional(),
  status: TicketStatus.optional(),
  priority: TicketPriority.optional(),
  language: Language.optional(),
  tags: z.array(Tag).max(50).optional(),
  /** Custom field values to set by key (null clears one); keys left out keep their value. */
  fields: TicketFieldValuesInput.optional(),
  /** Why the change was made; stored on the change events. */
  reason: z.string().trim().max(2000).optional(),
  /** The closing checklist's answers (by item key), required when staff solve or close the ticket. */
  closing: ClosingAnswers.optional(),
})
export type UpdateTicketInput = z.infer<typeof UpdateTicketInput>

export const AssignTicketInput = z
  .strictObject({
    teamId: Id.optional(),
    assigneeId: Id.nullable().optional(),
    /** Required when the ticket moves to another team or from one agent to another (a transfer). */
    reason: z.string().trim().max(2000).optional(),
    /**
     * Who the caller believes is assigned now (null: nobody). Taking a ticket sends null, so two
     * agents taking it at once do not turn the second take into a transfer: the second gets 409
     * `ticket.already_taken` with `params.name` of the one who took it.
     */
    expectAssigneeId: Id.nullable().optional(),
  })
  .refine((v) => v.teamId !== undefined || v.assigneeId !== undefined, {
    message: 'give teamId, assigneeId or both',
  })
export type AssignTicketInput = z.infer<typeof AssignTicketInput>

export const AddInteractionInput = z.strictObject({
  /**
   * 'reply' is public (to the customer), 'note' is internal to staff, 'inbound' records a message
   * from the customer (e.g. an integration or a call summary in the customer's words).
   */
  kind: z.enum(['reply', 'note', 'inbound']),
  text: z.string().max(100_000).default(''),
  html: z.string().max(500_000).optional(),
  channel: Channel.optional(),
  channelData: ChannelData.optional(),
  /** Optionally change the status together with the reply (e.g. reply and set pending). */
  status: TicketStatus.optional(),
  /** The closing checklist's answers, required when the status solves or closes the ticket. */
  closing: ClosingAnswers.optional(),
  /**
   * For a reply while a promise to the customer is broken (a breached response target): whether
   * the reply apologises and explains. Recorded with the promise; the editor offers the snippet.
   */
  apology: z.boolean().optional(),
})
export type AddInteractionInput = z.infer<typeof AddInteractionInput>

export const MergeTicketInput = z.strictObject({
  /** The ticket that survives; this ticket's timeline moves there. Id or number. */
  into: z.union([Id, z.number().int().positive()]),
  reason: z.string().trim().max(2000).optional(),
})
export type MergeTicketInput = z.infer<typeof MergeTicketInput>

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20))

/**
 * 'updated' and 'created' show the newest first; 'waiting' shows the longest-waiting customer
 * first, then the tickets where nothing waits (oldest first).
 */
/** `due`: the next promise due first (breached ones first of all), tickets without one last. */
export const TicketSort = z.enum(['updated', 'created', 'waiting', 'due'])
export type TicketSort = z.infer<typeof TicketSort>

export const TicketQuery = z.object({
  status: csv(TicketStatus).optional(),
  /** A team id, or 'mine' for every team the caller is a member of. */
  teamId: z.union([Id, z.literal('mine')]).optional(),
  /** An id, 'me' or 'none'. */
  assigneeId: z.union([Id, z.enum(['me', 'none'])]).optional(),
  customerId: Id.optional(),
  tag: Tag.optional(),
  /** Full-text search over subject and messages, in each ticket's language. */
  q: z.string().trim().min(1).max(200).optional(),
  /** Custom field conditions, `key:op:value` each (see FieldFilters). */
  field: FieldFilters.optional(),
  /** Only tickets whose worst open promise is in one of these states. */
  promise: csv(z.enum(['running', 'paused', 'warning', 'breached'])).optional(),
  sort: TicketSort.default('updated'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})
export type TicketQuery = z.infer<typeof TicketQuery>

/**
 * A page of tickets. `match` is `similar` when a search found no ticket with its words and offers
 * instead the tickets whose subject is spelt like it (one page, the most alike first).
 */
export const TicketPage = page(Ticket).extend({ match: z.enum(['exact', 'similar']).optional() })
export type TicketPage = z.infer<typeof TicketPage>

/** Path parameter that takes an id or a ticket number. */
export const TicketRefParams = z.object({
  ref: z.union([Id, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)]),
})
