/** A proper close: the closing checklist, the follow-up asking the customer, and the quiet period before closing. */

export { DEFAULT_SETTINGS as defaultClosingSettings } from './closing.checklist.ts'
export { closingEventKinds } from './closing.events.ts'
export { closingPublicRoutes } from './closing.public.ts'
export { closingRoutes } from './closing.routes.ts'
/** The follow-up's timer: a promise started by a solve that asks for one, sending the message when due. */
export { FOLLOW_UP_KIND, followUpTimer } from './closing.timer.ts'

import { autoCloseDaysSetting, checkClosing } from './closing.service.ts'

export {
  /** Days a solved ticket stays solved before it closes. */
  autoCloseDaysSetting,
  type FollowUpSent,
  /** The follow-up's delay in business hours after a solve that asks for one (default 16: two business days). */
  followUpDelay,
  /** The settings in force (defaults until an admin saves them). */
  readClosingSettings,
  /** Sends the follow-up of a ticket's current solve once (idempotent); the promise engine calls it after the delay. */
  sendFollowUp,
} from './closing.service.ts'

/** What the tickets module asks of the closing module (wired in desk.ts with `registerClosingRules`). */
export const closingRules = { check: checkClosing, autoCloseDays: autoCloseDaysSetting }
