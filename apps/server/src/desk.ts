import { emailChannel, emailEventKinds } from './modules/email/index.ts'
import { registerChannel, ticketEventKinds } from './modules/tickets/index.ts'
import { webhookSubscriber } from './modules/webhooks/index.ts'
import { deskEvents, type Subscriber } from './platform/domain-events.ts'

/**
 * Every module's subscribers to domain events. The webhooks' fan-out listens to every kind
 * defined above it in `wireDesk` (it reads them from the registry when subscribed).
 */
const subscribers: Subscriber[] = [webhookSubscriber(deskEvents)]

let wired = false

/**
 * Wires the modules together at boot, once per process: the event kinds they define, their
 * subscribers and the channels. Refuses (throws) when the subscribers are not sound: a kind
 * defined twice, a subscriber without a handler, two with one name, one listening to nothing.
 */
export const wireDesk = () => {
  if (wired) return deskEvents
  deskEvents.define(...ticketEventKinds, ...emailEventKinds)
  deskEvents.subscribe(...subscribers)
  registerChannel(emailChannel)
  deskEvents.check()
  wired = true
  return deskEvents
}
