import { PresenceInput } from '@tresen/contract'
import type { Actor } from '../../platform/context.ts'
import type { DeskEvent } from '../../platform/events.ts'
import { canSee } from '../tickets/index.ts'

/** The desk event type of presence: ephemeral, published outside any transaction, never stored. */
export const PRESENCE = 'presence'

/** What a connected client receives for a desk event. */
export type LiveMessage = Pick<DeskEvent, 'type' | 'ticketId' | 'at' | 'data'>

/**
 * Whether a connected staff member hears about an event: when they may see the ticket after the
 * change, or before it (a ticket transferred away from them disappears from their views).
 * Events without a ticket are not sent: nothing decides yet who may see them.
 */
export const mayReceive = (actor: Actor, event: DeskEvent, connectionId?: string) => {
  if (!event.ticketId) return false
  // A connection's own presence is not echoed back to it (the same person's other tabs hear it).
  if (event.type === PRESENCE && connectionId !== undefined && event.data?.connectionId === connectionId)
    return false
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

/** A client frame as a presence message, or undefined for anything else (which is ignored). */
export const parsePresence = (frame: string): PresenceInput | undefined => {
  let json: unknown
  try {
    json = JSON.parse(frame)
  } catch {
    return undefined // not JSON: ignored like any other frame the desk does not understand
  }
  const parsed = PresenceInput.safeParse(json)
  return parsed.success ? parsed.data : undefined
}

/** How many frames a client may send per window; the excess is dropped unread. */
export const FRAME_LIMIT = { frames: 20, windowMs: 10_000 }

/** A fixed-window frame counter of one socket. */
export type FrameBudget = { windowStart: number; used: number }

/** Whether one more frame fits the socket's budget at `now` (and counts it when it does). */
export const takeFrame = (budget: FrameBudget, now: number, limit = FRAME_LIMIT) => {
  if (now - budget.windowStart >= limit.windowMs) {
    budget.windowStart = now
    budget.used = 0
  }
  if (budget.used >= limit.frames) return false
  budget.used++
  return true
}
