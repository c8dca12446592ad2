import {
  Channel,
  ClosingAnswer,
  Direction,
  FieldKey,
  FieldValue,
  Language,
  TicketPriority,
  TicketStatus,
} from '@tresen/contract'
import { z } from 'zod'
import { type DomainEvent, defineEvent, type EventOf } from '../../platform/domain-events.ts'

/**
 * What happens to a ticket, as typed events. Timeline kinds are kept in ticket_events with their
 * data as the `changes` the timeline shows (`{ field: { from, to } }`); the others are told to
 * subscribers only (a message is its own row on the timeline).
 */
const change = <T extends z.ZodType>(value: T) => z.object({ from: value, to: value })
const id = z.uuid()

export const ticketCreated = defineEvent(
  'ticket.created',
  z.object({
    status: change(TicketStatus.nullable()),
    team: change(id.nullable()).optional(),
    assignee: change(id.nullable()).optional(),
  }),
)
export const statusChanged = defineEvent('ticket.status_changed', z.object({ status: change(TicketStatus) }))
export const subjectChanged = defineEvent('ticket.subject_changed', z.object({ subject: change(z.string()) }))
export const priorityChanged = defineEvent(
  'ticket.priority_changed',
  z.object({ priority: change(TicketPriority) }),
)
export const languageChanged = defineEvent(
  'ticket.language_changed',
  z.object({ language: change(Language) }),
)
export const tagsChanged = defineEvent('ticket.tags_changed', z.object({ tags: change(z.array(z.string())) }))
const assignment = z
  .object({ team: change(id.nullable()).optional(), assignee: change(id.nullable()).optional() })
  .refine((v) => v.team || v.assignee, 'a team or an assignee changes')
/** Taken, given back or assigned within the team. */
export const ticketAssigned = defineEvent('ticket.assigned', assignment)
/** Handed to another team or person (with a reason). */
export const ticketTransferred = defineEvent('ticket.transferred', assignment)
/** On the surviving ticket: another ticket was merged into it. */
export const ticketMerged = defineEvent(
  'ticket.merged',
  z.object({ merged: change(z.number().int().nullable()) }),
)
/** On the merged-away ticket. */
export const ticketMergedInto = defineEvent(
  'ticket.merged_into',
  z.object({ mergedInto: change(z.number().int().nullable()), status: change(TicketStatus) }),
)

/** Custom field values changed: each changed field's key with its value before and after (null: none). */
export const fieldsChanged = defineEvent(
  'ticket.fields_changed',
  z
    .record(FieldKey, change(FieldValue.nullable()))
    .refine((v) => Object.keys(v).length > 0, 'at least one field changes'),
)

/** The closing checklist was answered with a solve (or a close by staff): the answers as stored. */
export const closingAnswered = defineEvent(
  'ticket.closing_answered',
  z.object({
    checklist: change(z.array(ClosingAnswer).nullable()),
    followUp: change(z.boolean().nullable()),
  }),
)
/** On a closed ticket: the customer wrote again and a new ticket (its number) continues it. */
export const followUpOpened = defineEvent(
  'ticket.follow_up_opened',
  z.object({ followUp: change(z.number().int().nullable()) }),
)
/** On the new ticket: it continues the closed ticket with this number. */
export const followUpOf = defineEvent(
  'ticket.follow_up_of',
  z.object({ followUpOf: change(z.number().int().nullable()) }),
)

/** A message, call, chat, visit or note was added to the ticket. */
export const interactionAdded = defineEvent(
  'interaction.added',
  z.object({
    interactionId: id,
    channel: Channel,
    direction: Direction,
    /** An automatic message (out-of-office, bounce, list mail): it neither reopens nor waits. */
    automated: z.boolean(),
    /** The ticket was new with this message (its first message). */
    first: z.boolean(),
    /** A reply after a broken promise: whether it apologised (told by the agent's editor). */
    apology: z.boolean().optional(),
  }),
  { timeline: false },
)

/** The desk learnt something about a contact later (a delivery's outcome, the id it was sent with). */
export const contactUpdated = defineEvent(
  'interaction.updated',
  z.object({ interactionId: id, keys: z.array(z.string()) }),
  { timeline: false },
)

export const ticketEventKinds = [
  ticketCreated,
  statusChanged,
  subjectChanged,
  priorityChanged,
  languageChanged,
  tagsChanged,
  ticketAssigned,
  ticketTransferred,
  ticketMerged,
  ticketMergedInto,
  fieldsChanged,
  closingAnswered,
  followUpOpened,
  followUpOf,
  interactionAdded,
  contactUpdated,
]

export type InteractionAdded = EventOf<typeof interactionAdded>
export type StatusChanged = EventOf<typeof statusChanged>
export type TicketEvent = DomainEvent<string, Record<string, unknown>>
