import { EventEmitter } from 'node:events'
import type { Queryable } from '../../platform/db.ts'
import { type DeskEvent, EventListener, publishEvent } from '../../platform/events.ts'
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
 * finds what matches, as it would without this cache. Emits `refreshed` after each read.
 */
export class WebhookInterest extends EventEmitter {
  private events: readonly (readonly string[])[] | null = null
  private readonly memo = new Map<string, boolean>()
  private generation = 0

  wants(kind: string): boolean {
    if (!this.events) return true
    let answer = this.memo.get(kind)
    if (answer === undefined) {
      const types = typesForKind(kind)
      answer = this.events.some((names) => types.some((t) => names.includes(t)))
      this.memo.set(kind, answer)
    }
    return answer
  }

  /** Forgets what it knew: every kind is wanted until the next `refresh` has finished. */
  forget() {
    this.generation++
    this.events = null
    this.memo.clear()
  }

  /** Reads the active subscriptions; a change heard meanwhile makes this read count for nothing. */
  async refresh(db: Queryable) {
    this.forget()
    const generation = this.generation
    const rows = await repo.listActive(db)
    if (generation !== this.generation) return false
    this.events = rows.map((r) => r.events)
    this.emit('refreshed')
    return true
  }
}

/** The one cache of this process, read by the fan-out subscriber's `wants`. */
export const webhookInterest = new WebhookInterest()

/**
 * Announces, inside the transaction that changes subscriptions, that they changed: this process
 * stops trusting its cache at once, every process reads the subscriptions again on the commit.
 */
export const publishWebhooksChanged = async (db: Queryable, at: Date) => {
  webhookInterest.forget()
  await publishEvent(db, { type: WEBHOOKS_CHANGED, at: at.toISOString() })
}

/**
 * Keeps this process's cache fresh: reads the subscriptions now, again on every change any
 * process publishes, and after the event connection came back (changes may have been missed).
 */
export const startWebhookInterest = async (opts: {
  db: Queryable
  databaseUrl: string
  onProblem: (err: Error) => void
  interest?: WebhookInterest
}) => {
  const interest = opts.interest ?? webhookInterest
  const refresh = () => {
    interest.refresh(opts.db).catch((err: Error) => {
      interest.forget()
      opts.onProblem(err)
    })
  }
  const listener = new EventListener(opts.databaseUrl, opts.onProblem)
  listener.on('event', (event: DeskEvent) => {
    if (event.type === WEBHOOKS_CHANGED) refresh()
  })
  listener.on('connected', refresh)
  await listener.start()
  return {
    stop: async () => {
      await listener.close()
      interest.forget()
    },
  }
}
