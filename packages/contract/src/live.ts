import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

/**
 * Messages over the live WebSocket (`/api/v1/live`). The server sends desk events as
 * `{ type, ticketId, at, data }`; a client may send presence frames.
 */

export const PresenceState = z.enum(['viewing', 'typing', 'left'])
export type PresenceState = z.infer<typeof PresenceState>

/** Sent by a client: what its user is doing with a ticket now ('left' when they stop). */
export const PresenceInput = z.object({
  type: z.literal('presence'),
  ticketId: Id,
  state: PresenceState,
})
export type PresenceInput = z.infer<typeof PresenceInput>

/**
 * Received by the other clients that may see the ticket. `staff` is who the sending connection is
 * signed in as (never taken from the client); `connectionId` tells two tabs of one person apart.
 */
export const PresenceMessage = z.object({
  type: z.literal('presence'),
  ticketId: Id,
  at: Timestamp,
  data: z.object({
    staff: z.object({ id: Id, name: z.string() }),
    state: PresenceState,
    connectionId: z.string(),
  }),
})
export type PresenceMessage = z.infer<typeof PresenceMessage>

/** Any message the server sends: a desk event (`ticket.created`, `ticket.updated`, …) or presence. */
export const LiveMessage = z.object({
  type: z.string(),
  ticketId: Id.optional(),
  at: Timestamp,
  data: z.record(z.string(), z.unknown()).optional(),
})
export type LiveMessage = z.infer<typeof LiveMessage>

/**
 * An escalation raised, joined, overdue (nobody joined in time: the admins are told) or resolved.
 * `notify` names the staff it is meant for (the team's supervisors; for `overdue` the admins): their
 * desk shows a notification; everyone else who may see the ticket just reloads what they show.
 */
export const EscalationMessage = z.object({
  type: z.enum(['escalation.raised', 'escalation.joined', 'escalation.overdue', 'escalation.resolved']),
  ticketId: Id,
  at: Timestamp,
  data: z.object({
    escalationId: Id,
    reason: z.string(),
    ticketNumber: z.number().int(),
    subject: z.string(),
    notify: z.array(Id),
  }),
})
export type EscalationMessage = z.infer<typeof EscalationMessage>
