import type { Actor } from '../../platform/context.ts'
import type { DeskEvent } from '../../platform/events.ts'
import { canSee } from '../tickets/index.ts'

/** What a connected client receives for a desk event. */
export type LiveMessage = Pick<DeskEvent, 'type' | 'ticketId' | 'at' | 'data'>

/**
 * Whether a connected staff member hears about an event: when they may see the ticket after the
 * change, or before it (a ticket transferred away from them disappears from their views).
 * Events without a ticket are not sent: nothing decides yet who may see them.
 */
export const mayReceive = (actor: Actor, event: DeskEvent) => {
  if (!event.ticketId) return false
  if (canSee(actor, { teamId: event.teamId ?? null, assigneeId: event.assigneeId ?? null })) return true
  if (event.previousTeamId === undefined && event.previousAssigneeId === undefined) return false
  return canSee(actor, {
    teamId: event.previousTeamId ?? null,
    assigneeId: event.previousAssigneeId ?? null,
  })
}

/** The message sent over the socket: no team or assignee ids, the client reloads what it shows. */
export const toMessage = (event: DeskEvent): LiveMessage => ({
  type: event.type,
  ticketId: event.ticketId,
  at: event.at,
  data: event.data,
})

/**
 * A browser sends its page's origin with every WebSocket handshake and attaches the session
 * cookie whatever page opened it, so a cookie-authenticated upgrade must come from the desk's own
 * origin (cross-site WebSocket hijacking). A missing or malformed Origin is refused too.
 */
export const originAllowed = (origin: string | undefined, publicUrl: string) => {
  if (!origin) return false
  try {
    return new URL(origin).origin === new URL(publicUrl).origin
  } catch {
    return false
  }
}
