import { z } from 'zod'
import { defineEvent } from '../../platform/domain-events.ts'

const change = <T extends z.ZodType>(value: T) => z.object({ from: value, to: value })

/** The follow-up asking the customer whether the problem is solved went out (until when its links work). */
export const followUpSent = defineEvent(
  'ticket.follow_up_sent',
  z.object({ linksExpire: change(z.string().nullable()) }),
)
/** The customer confirmed through the follow-up's link that the problem is solved. */
export const customerConfirmed = defineEvent(
  'ticket.customer_confirmed',
  z.object({ confirmed: change(z.boolean().nullable()) }),
)
/** The customer said through the follow-up's link that the problem is not solved (the ticket reopens). */
export const customerNotSolved = defineEvent(
  'ticket.customer_not_solved',
  z.object({ confirmed: change(z.boolean().nullable()) }),
)

export const closingEventKinds = [followUpSent, customerConfirmed, customerNotSolved]

/** The reason on the reopening and on its event. */
export const NOT_SOLVED_REASON = 'customer says not solved'
