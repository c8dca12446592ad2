import type { ClosingAnswers, TicketClosing, TicketStatus } from '@tresen/contract'
import type { Ctx } from '../../platform/context.ts'
import type { DomainEvent } from '../../platform/domain-events.ts'
import { closingAnswered, statusChanged, ticketCreated } from './tickets.events.ts'

/**
 * A proper close: before staff solve (or close) a ticket that was still being worked on, the
 * closing checklist must be answered. The checklist is the closing module's; it is wired in at
 * boot (`registerClosingRules` in desk.ts) so that the tickets module needs nothing of it here.
 * The check throws `ticket.close_checklist_missing` (or `…_invalid`) naming every item.
 */
export type CloseCheck = (ctx: Ctx, answers: ClosingAnswers | undefined) => Promise<TicketClosing>

/** What the closing module decides for the tickets module: the checklist, and the quiet period. */
export type ClosingRules = {
  check: CloseCheck
  /** Days a solved ticket stays solved before it closes (an admin setting). */
  autoCloseDays: (ctx: Ctx) => Promise<number>
}

let closingRules: ClosingRules | null = null

/** Makes the closing module's rules the ones every solve and the quiet period follow; returns a way to forget them. */
export const registerClosingRules = (rules: ClosingRules) => {
  if (closingRules && closingRules !== rules) throw new Error('closing rules are registered already')
  closingRules = rules
  return () => {
    if (closingRules === rules) closingRules = null
  }
}

/** The quiet period in days: the setting, or a week while no closing rules are wired. */
export const autoCloseDays = (ctx: Ctx) =>
  closingRules ? closingRules.autoCloseDays(ctx) : Promise.resolve(AUTO_CLOSE_DAYS)

export const AUTO_CLOSE_DAYS = 7

const finished = (status: TicketStatus) => status === 'solved' || status === 'closed'

/**
 * Whether the command's events finish the work on the ticket: a status change from one still
 * being worked on to solved or closed (closing a solved ticket asks nothing again).
 */
export const finishesWork = (events: readonly DomainEvent[]) =>
  events.some((e) => {
    if (e.kind !== statusChanged.kind && e.kind !== ticketCreated.kind) return false
    const { from, to } = (e.data as { status: { from: TicketStatus | null; to: TicketStatus } }).status
    return finished(to) && (from === null || !finished(from))
  })

/**
 * The checklist's answers for a command that finishes the work, by a staff member (the desk's
 * own closes, after the quiet period or a merge, ask nothing): the record to store on the ticket
 * and the data of its timeline event. Null when nothing is to be asked.
 */
export const answerChecklist = async (
  ctx: Ctx,
  events: readonly DomainEvent[],
  answers: ClosingAnswers | undefined,
) => {
  if (ctx.actor.kind !== 'staff' || !closingRules || !finishesWork(events)) return null
  const closing = await closingRules.check(ctx, answers)
  return {
    closing,
    data: {
      checklist: { from: null, to: closing.answers },
      followUp: { from: null, to: closing.followUp },
    },
  }
}

export { closingAnswered }
