import { EscalationReason, EscalationState, JoinMode } from '@tresen/contract'
import { z } from 'zod'
import { defineEvent } from '../../platform/domain-events.ts'

const change = <T extends z.ZodType>(value: T) => z.object({ from: value, to: value })

/** A rule or an agent brought the ticket to a supervisor (the event's reason: the note or the words). */
export const escalationRaised = defineEvent(
  'escalation.raised',
  z.object({ reason: change(EscalationReason.nullable()) }),
)
/** A supervisor joined: took the ticket over or advised with an internal note. */
export const escalationJoined = defineEvent(
  'escalation.joined',
  z.object({ joinMode: change(JoinMode.nullable()) }),
)
/** Nobody joined within the target: the admins were told (how many). */
export const escalationOverdue = defineEvent(
  'escalation.overdue',
  z.object({ notified: change(z.number().int().nullable()) }),
)
/** The escalation is done (resolved by a supervisor, or the ticket was solved, closed or merged). */
export const escalationResolved = defineEvent(
  'escalation.resolved',
  z.object({ state: change(EscalationState.nullable()) }),
)

export const escalationEventKinds = [
  escalationRaised,
  escalationJoined,
  escalationOverdue,
  escalationResolved,
]
