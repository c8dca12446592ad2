import { closingEventKinds, closingRules, followUpTimer } from './modules/closing/index.ts'
import { emailChannel, emailEventKinds } from './modules/email/index.ts'
import {
  escalationEventKinds,
  escalationRules,
  escalationSettingsCache,
} from './modules/escalations/index.ts'
import {
  expectedAnswerOf,
  presentPromises,
  promiseEventKinds,
  slaPolicyCache,
  slaSubscriber,
} from './modules/promises/index.ts'
import { provideExpectedAnswer } from './modules/text-modules/index.ts'
import {
  findVisibleTicketScope,
  providePromises,
  registerChannel,
  registerClosingRules,
  ticketEventKinds,
} from './modules/tickets/index.ts'
import { webhookInterest, webhookSubscriber } from './modules/webhooks/index.ts'
import { SYSTEM } from './platform/context.ts'
import { deskEvents, type Subscriber } from './platform/domain-events.ts'
import type { SharedCache } from './platform/shared-cache.ts'

/**
 * Every module's subscribers to domain events. The webhooks' fan-out listens to every kind
 * defined above it in `wireDesk` (it reads them from the registry when subscribed).
 */
const subscribers: Subscriber[] = [
  slaSubscriber,
  followUpTimer,
  escalationRules,
  webhookSubscriber(deskEvents),
]

/** What subscribers keep in memory, read again in every process when it changes (see shared-cache.ts). */
export const deskCaches: SharedCache<unknown>[] = [
  webhookInterest as SharedCache<unknown>,
  slaPolicyCache as SharedCache<unknown>,
  escalationSettingsCache as SharedCache<unknown>,
]

let wired = false

/**
 * Wires the modules together at boot, once per process: the event kinds they define, their
 * subscribers and the channels. Refuses (throws) when the subscribers are not sound: a kind
 * defined twice, a subscriber without a handler, two with one name, one listening to nothing.
 */
export const wireDesk = () => {
  if (wired) return deskEvents
  deskEvents.define(
    ...ticketEventKinds,
    ...emailEventKinds,
    ...closingEventKinds,
    ...promiseEventKinds,
    ...escalationEventKinds,
  )
  deskEvents.subscribe(...subscribers)
  registerChannel(emailChannel)
  registerClosingRules(closingRules)
  provideExpectedAnswer(async (ctx, ticketId) => (await expectedAnswerOf(ctx, ticketId))?.dueAt ?? null)
  providePromises(async (ctx, ticketId) => {
    const scope = await findVisibleTicketScope({ ...ctx, actor: SYSTEM }, ticketId)
    return presentPromises(ctx, ticketId, scope?.teamId ?? null)
  })
  deskEvents.check()
  wired = true
  return deskEvents
}
