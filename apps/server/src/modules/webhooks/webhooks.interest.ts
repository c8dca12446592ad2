import type { Queryable } from '../../platform/db.ts'
import { SharedCache } from '../../platform/shared-cache.ts'
import * as repo from './webhooks.repository.ts'

/** The desk event that tells every process to read the active subscriptions again. */
export const WEBHOOKS_CHANGED = 'webhooks.changed'

/**
 * The webhook types an event of a domain kind may be delivered as (see `deskTypesOf`), without
 * its data: what a subscription must name for the kind to matter to it. Pure.
 */
export const typesForKind = (kind: string): string[] => {
  if (kind === 'ticket.created') return [kind]
  if (kind === 'interaction.added') return [kind, 'message.added']
  if (kind.startsWith('ticket.')) return [kind, 'ticket.solved', 'ticket.updated']
  return [kind]
}

/**
 * Which domain kinds any active subscription may want, kept by each process so that commands
 * write no fan-out row while nobody listens. Until it has read the subscriptions (and while it
 * reads them again after a change) it answers yes to everything: then the fan-out runs and
 * finds what matches, as it would without this cache.
 */
export class WebhookInterest extends SharedCache<readonly (readonly string[])[]> {
  private readonly memo = new Map<string, boolean>()

  constructor() {
    super(WEBHOOKS_CHANGED, async (db) => (await repo.listActive(db)).map((r) => r.events))
    this.on('forgotten', () => this.memo.clear())
    this.on('refreshed', () => this.memo.clear())
  }

  wants(kind: string): boolean {
    const events = this.value()
    if (!events) return true
    let answer = this.memo.get(kind)
    if (answer === undefined) {
      const types = typesForKind(kind)
      answer = events.some((names) => types.some((t) => names.includes(t)))
      this.memo.set(kind, answer)
    }
    return answer
  }
}

/** The one cache of this process, read by the fan-out subscriber's `wants`. */
export const webhookInterest = new WebhookInterest()

/** Announces, inside the transaction that changes subscriptions, that they changed. */
export const publishWebhooksChanged = (db: Queryable, at: Date) => webhookInterest.changed(db, at)
