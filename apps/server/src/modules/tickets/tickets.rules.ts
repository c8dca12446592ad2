import type { TicketStatus } from '@tresen/contract'
import { type DomainEvent, isEvent, newEvent } from '../../platform/domain-events.ts'
import { interactionAdded, statusChanged } from './tickets.events.ts'

/** The ticket as a rule sees it: its state with the command's events so far applied. */
export type RuleTicket = { id: string; status: TicketStatus }

/**
 * A rule that must hold together with a change: given an event the command records (and the
 * events recorded with it so far), it answers with the events that follow from it. Rules are
 * pure and run before the command writes, so their consequences go into the same statement.
 */
export type TicketRule = {
  name: string
  kinds: readonly string[]
  decide: (ticket: RuleTicket, event: DomainEvent, pending: readonly DomainEvent[]) => DomainEvent[]
}

const statusEvent = (ticket: RuleTicket, event: DomainEvent, to: TicketStatus) =>
  newEvent(statusChanged, {
    ticketId: ticket.id,
    at: event.at,
    actorStaffId: event.actorStaffId,
    data: { status: { from: ticket.status, to } },
  })

const changesStatus = (pending: readonly DomainEvent[]) => pending.some((e) => e.kind === statusChanged.kind)

/** A customer's message reopens a ticket that waits on them, is on hold or solved (an automatic one does not). */
export const reopenOnCustomerMessage: TicketRule = {
  name: 'tickets.reopen_on_customer_message',
  kinds: [interactionAdded.kind],
  decide: (ticket, event, pending) =>
    isEvent(interactionAdded, event) &&
    event.data.direction === 'inbound' &&
    !event.data.automated &&
    !event.data.first &&
    ['pending', 'solved', 'on_hold'].includes(ticket.status) &&
    !changesStatus(pending)
      ? [statusEvent(ticket, event, 'open')]
      : [],
}

/** The first reply takes a new ticket into work. */
export const openOnFirstReply: TicketRule = {
  name: 'tickets.open_on_first_reply',
  kinds: [interactionAdded.kind],
  decide: (ticket, event, pending) =>
    isEvent(interactionAdded, event) &&
    event.data.direction === 'outbound' &&
    !event.data.first &&
    ticket.status === 'new' &&
    !changesStatus(pending)
      ? [statusEvent(ticket, event, 'open')]
      : [],
}

const rules: TicketRule[] = [reopenOnCustomerMessage, openOnFirstReply]

/** Adds a rule (a module's, at boot); returns a function that takes it away again. */
export const addTicketRule = (rule: TicketRule) => {
  if (rules.some((r) => r.name === rule.name)) throw new Error(`ticket rule "${rule.name}" exists twice`)
  rules.push(rule)
  return () => {
    const i = rules.indexOf(rule)
    if (i >= 0) rules.splice(i, 1)
  }
}

const MAX_ROUNDS = 4

/**
 * A command's events with everything the rules add, in order: each event is offered to the
 * rules with the ticket as it stands after the events before it; what they add is offered
 * again (a bounded number of rounds: a rule that keeps answering is a bug).
 */
export const applyRules = (ticket: RuleTicket, events: readonly DomainEvent[]): DomainEvent[] => {
  const out: DomainEvent[] = []
  const state: RuleTicket = { ...ticket }
  let rest: readonly DomainEvent[] = []
  const take = (event: DomainEvent, depth: number) => {
    out.push(event)
    if (isEvent(statusChanged, event)) state.status = event.data.status.to
    for (const rule of rules) {
      if (!rule.kinds.includes(event.kind)) continue
      // The rule sees the whole command: what was recorded so far and what is still to come.
      for (const next of rule.decide({ ...state }, event, [...out, ...rest])) {
        if (depth >= MAX_ROUNDS) throw new Error(`ticket rule "${rule.name}" keeps adding events`)
        take(next, depth + 1)
      }
    }
  }
  events.forEach((event, i) => {
    rest = events.slice(i + 1)
    take(event, 0)
  })
  return out
}
