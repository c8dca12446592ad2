import { WEBHOOK_DESK_EVENTS } from '@tresen/contract'
import type { DomainEvent } from '../../platform/domain-events.ts'

/**
 * Which webhook types a domain event stands for. Pure, unit-tested.
 *
 * - `ticket.created`: a ticket was created.
 * - `ticket.solved`: its status changed to solved.
 * - `message.added`: a customer's or an agent's message (any channel) was added; internal notes
 *   are not messages (subscribe to the domain kind `interaction.added` to hear of them too).
 * - `ticket.updated`: any other change of a ticket's fields, i.e. every domain kind `ticket.*`
 *   except `ticket.created`, also kinds that later modules define.
 *
 * A subscription may also name domain kinds themselves (`ticket.assigned`, `email.acknowledged`,
 * any kind a module defines). Each event reaches a subscription at most once: as the first of
 * these it names, most specific first: solved / created / message, the domain kind, updated.
 */
export const deskTypesOf = (event: Pick<DomainEvent, 'kind' | 'data'>): string[] => {
  const data = (event.data ?? {}) as Record<string, unknown>
  if (event.kind === 'ticket.created') return ['ticket.created']
  if (event.kind === 'interaction.added') {
    const isNote = data.direction === 'internal' || data.channel === 'note'
    return isNote ? [] : ['message.added']
  }
  if (!event.kind.startsWith('ticket.')) return []
  const status = data.status as { to?: unknown } | undefined
  return status?.to === 'solved' ? ['ticket.solved', 'ticket.updated'] : ['ticket.updated']
}

/** The type an event is delivered as to a subscription naming `events`, or null when it names none. */
export const matchType = (events: readonly string[], event: Pick<DomainEvent, 'kind' | 'data'>) => {
  const desk = deskTypesOf(event)
  const order = [
    ...desk.filter((t) => t !== 'ticket.updated'),
    event.kind,
    ...desk.filter((t) => t === 'ticket.updated'),
  ]
  return order.find((t) => events.includes(t)) ?? null
}

/** Every type a subscription may name: the desk's, then the defined domain kinds. */
export const eventCatalog = (domainKinds: readonly string[]) => [
  ...WEBHOOK_DESK_EVENTS.map((type) => ({ type, group: 'desk' as const })),
  ...domainKinds
    .filter((k) => !(WEBHOOK_DESK_EVENTS as readonly string[]).includes(k))
    .map((type) => ({ type, group: 'domain' as const })),
]

/** The test message's type (no domain event behind it). */
export const PING_TYPE = 'webhook.ping'
