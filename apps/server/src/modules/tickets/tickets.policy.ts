import { eq, inArray, or, type SQL, sql } from 'drizzle-orm'
import type { Actor } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { tickets } from './tickets.tables.ts'

export type TicketScope = { teamId: string | null; assigneeId: string | null }
export type TicketAction = 'ticket.read' | 'ticket.update' | 'ticket.reply' | 'ticket.assign' | 'ticket.merge'

export const seesAll = (actor: Actor) => actor.kind === 'system' || actor.role === 'admin'

/**
 * Who sees a ticket: admins (and the desk itself) all; agents and supervisors the tickets of
 * their teams and the ones assigned to them. The same rule as `visibleTo`, in memory.
 */
export const canSee = (actor: Actor, ticket: TicketScope) => {
  if (seesAll(actor)) return true
  if (actor.kind !== 'staff') return false
  return ticket.assigneeId === actor.id || (ticket.teamId !== null && actor.teamIds.includes(ticket.teamId))
}

/** The SQL form of `canSee`, used by every read and list so they can never disagree. */
export const visibleTo = (actor: Actor): SQL | undefined => {
  if (seesAll(actor)) return undefined
  if (actor.kind !== 'staff') return sql`false`
  const mine = eq(tickets.assigneeId, actor.id)
  return actor.teamIds.length > 0 ? or(inArray(tickets.teamId, actor.teamIds), mine) : mine
}

/** Everything a staff member may see, they may work on: reply, note, update, assign, merge. */
export const can = (actor: Actor, _action: TicketAction, ticket: TicketScope) => canSee(actor, ticket)

export const authorize = (actor: Actor, action: TicketAction, ticket: TicketScope) => {
  if (!can(actor, action, ticket)) throw new AppError('ticket.not_found')
}

/** A new ticket goes to a team the creator belongs to (admins and the desk may choose any team). */
export const canCreateInTeam = (actor: Actor, teamId: string | null) => {
  if (seesAll(actor)) return true
  if (actor.kind !== 'staff' || teamId === null) return false
  return actor.teamIds.includes(teamId)
}

/**
 * A transfer hands a ticket from one team to another, or from one person to another.
 * Taking an unassigned ticket or giving one back is not a transfer.
 */
export const isTransfer = (before: TicketScope, after: TicketScope) =>
  (before.teamId !== null && after.teamId !== before.teamId) ||
  (before.assigneeId !== null && after.assigneeId !== null && after.assigneeId !== before.assigneeId)
