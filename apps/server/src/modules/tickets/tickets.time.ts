import type { TicketStatus } from '@tresen/contract'
import type { DomainEvent } from '../../platform/domain-events.ts'
import {
  type InteractionAdded,
  interactionAdded,
  type StatusChanged,
  statusChanged,
  ticketCreated,
} from './tickets.events.ts'

/**
 * The ticket's time figures as pure functions of what happened: when it was solved or closed,
 * since when the customer waits, when it was first answered. Commands never set these columns
 * themselves; `timeFigures` folds a command's events into them.
 */

type StatusTimes = { solvedAt?: Date | null; closedAt?: Date | null; waitingSince?: null }

/**
 * Timestamps that follow a status change. Solving or closing also ends the customer's wait: a
 * solved ticket is nobody's to answer, and the customer's next message starts a new wait.
 */
export const statusTimestamps = (from: string, to: string, now: Date): StatusTimes => {
  if (from === to) return {}
  const out: StatusTimes = {}
  if (to === 'solved' || to === 'closed') out.waitingSince = null
  if (to === 'solved') out.solvedAt = now
  else if (to === 'closed') out.closedAt = now
  if (to !== 'solved' && to !== 'closed') {
    out.solvedAt = null
    out.closedAt = null
  }
  return out
}

export type ResponseTimes = { waitingSince: Date | null; firstResponseAt: Date | null }

/**
 * How a public message moves a ticket's waiting time: a customer's message starts the wait
 * (unless one is already running); a staff reply ends it and, the first time, is the first
 * response. Notes change nothing. Returns only what changes.
 */
export const responseTimes = (
  ticket: ResponseTimes,
  direction: 'inbound' | 'outbound' | 'internal',
  now: Date,
): Partial<ResponseTimes> => {
  if (direction === 'inbound') return ticket.waitingSince ? {} : { waitingSince: now }
  if (direction === 'outbound') {
    return {
      ...(ticket.waitingSince ? { waitingSince: null } : {}),
      ...(ticket.firstResponseAt ? {} : { firstResponseAt: now }),
    }
  }
  return {}
}

/** The earlier of two optional times (a merge keeps the longer wait and the first response). */
export const earliest = (a: Date | null, b: Date | null) => (a && b ? (a <= b ? a : b) : (a ?? b))

export type TicketTimes = ResponseTimes & {
  status: TicketStatus
  solvedAt: Date | null
  closedAt: Date | null
}

/**
 * What a command's events change in the ticket's columns: the status and its timestamps, the
 * customer's wait and the first response, in the events' order. Only changed columns are given.
 */
export const timeFigures = (before: TicketTimes, events: readonly DomainEvent[], now: Date) => {
  const state: TicketTimes = { ...before }
  const set: Partial<TicketTimes> = {}
  const apply = (change: Partial<TicketTimes>) => {
    Object.assign(state, change)
    Object.assign(set, change)
  }
  for (const event of events) {
    if (event.kind === ticketCreated.kind) {
      // A ticket is created as new, or straight away in another status (a call solved at once).
      const to = (event.data as { status: { to: string } }).status.to
      apply(statusTimestamps('new', to, now))
    } else if (event.kind === statusChanged.kind) {
      const { from, to } = (event as StatusChanged).data.status
      apply({ status: to, ...statusTimestamps(from, to, now) })
    } else if (event.kind === interactionAdded.kind) {
      const { direction, automated } = (event as InteractionAdded).data
      // An automatic message (out-of-office, bounce) neither starts nor ends a wait.
      if (!automated) apply(responseTimes(state, direction, now))
    }
  }
  return set
}
