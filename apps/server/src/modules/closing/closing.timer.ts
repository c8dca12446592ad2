import type { Ctx } from '../../platform/context.ts'
import type { DomainEvent, InTransactionSubscriber } from '../../platform/domain-events.ts'
import { definePromiseKind, startPromise } from '../promises/index.ts'
import { followUpDelay, sendFollowUp } from './closing.service.ts'

export const FOLLOW_UP_KIND = 'closing.follow_up'

/** When the follow-up's promise comes due, the message goes out (once) and the promise is kept. */
export const followUpKind = definePromiseKind({
  kind: FOLLOW_UP_KIND,
  internal: true,
  onDue: async (ctx, promise) => {
    const outcome = await sendFollowUp(ctx, promise.ticketId)
    if (!outcome.sent)
      ctx.log.info({ ticketId: promise.ticketId, reason: outcome.reason }, 'follow-up not sent')
    return 'met'
  },
})

/**
 * A solve whose checklist says "a follow-up is scheduled" starts the follow-up's promise: due
 * after the configured business hours, in the team's calendar, fired once by the sweep.
 */
export const followUpTimer: { when: 'in_transaction' } & InTransactionSubscriber = {
  when: 'in_transaction',
  name: 'closing.follow_up_timer',
  kinds: ['ticket.closing_answered'],
  handle: async (ctx: Ctx, event: DomainEvent) => {
    const data = event.data as { followUp?: { to?: boolean | null } }
    if (data.followUp?.to !== true) return
    const { businessHours } = await followUpDelay(ctx)
    await startPromise(ctx, {
      kind: FOLLOW_UP_KIND,
      ticketId: event.ticketId,
      targetMs: businessHours * 3_600_000,
      business: true,
      warn: false,
      startedAt: event.at,
      data: { solvedAt: event.at.toISOString() },
    })
  },
}
