import { sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import type { z } from 'zod'
import type { Ctx } from './context.ts'
import type { Queryable } from './db.ts'

/**
 * Typed domain events: what a command did, recorded in the command's transaction. Subscribers
 * react either inside that transaction (rolled back with it) or after the commit as durable
 * deliveries (written in the same transaction, worked by `deliverDue`, at least once, each with a
 * stable idempotency key). See docs/ARCHITECTURE.md "Domain events".
 */

/** A kind of event: a dotted name and the schema of its data. */
export type EventDefinition<K extends string = string, S extends z.ZodType = z.ZodType> = {
  kind: K
  schema: S
  /** Kept on the ticket's timeline (ticket_events) with its data as the changes shown there. */
  timeline: boolean
}

export const defineEvent = <K extends string, S extends z.ZodType>(
  kind: K,
  schema: S,
  opts: { timeline?: boolean } = {},
): EventDefinition<K, S> => ({ kind, schema, timeline: opts.timeline ?? true })

/** One thing that happened to a ticket, by whom, when and (for some changes) why. */
export type DomainEvent<K extends string = string, D = unknown> = {
  id: string
  kind: K
  ticketId: string
  at: Date
  actorStaffId: string | null
  reason: string | null
  /** What made the change besides its actor (a macro), when something did. */
  cause?: EventCause | null
  data: D
}

export type EventCause = { type: 'macro'; id: string; name: string }

export type EventOf<E extends EventDefinition> = DomainEvent<E['kind'], z.infer<E['schema']>>

/** Builds an event of a kind, its data checked against the kind's schema. */
export const newEvent = <E extends EventDefinition>(
  def: E,
  fields: {
    ticketId: string
    at: Date
    actorStaffId: string | null
    reason?: string | null
    cause?: EventCause | null
    data: z.input<E['schema']>
  },
): EventOf<E> => ({
  id: uuidv7(),
  kind: def.kind,
  ticketId: fields.ticketId,
  at: fields.at,
  actorStaffId: fields.actorStaffId,
  reason: fields.reason || null,
  ...(fields.cause ? { cause: fields.cause } : {}),
  data: def.schema.parse(fields.data) as z.infer<E['schema']>,
})

/** Whether an event is of a kind (and so its data of that kind's shape). */
export const isEvent = <E extends EventDefinition>(def: E, event: DomainEvent): event is EventOf<E> =>
  event.kind === def.kind

/** Runs inside the command's transaction, after its change is written: an error rolls both back. */
export type InTransactionSubscriber = {
  name: string
  kinds: readonly string[]
  handle: (ctx: Ctx, event: DomainEvent) => Promise<void>
  /** As for after-commit subscribers: whether the kind could matter now (yes when unsure). */
  wants?: (kind: string) => boolean
}

/** What an after-commit handler is told besides the event. */
export type Delivery = {
  /** The same on every attempt for this event and subscriber: the handler's idempotency key. */
  key: string
  attempt: number
}

/**
 * Runs after the commit, at least once (again after a crash or an error, with the same key),
 * in the process that works deliveries. The name is its queue: dotted lower case, unique.
 */
export type AfterCommitSubscriber = {
  name: string
  kinds: readonly string[]
  handle: (ctx: Ctx, event: DomainEvent, delivery: Delivery) => Promise<void>
  /** Attempts before a delivery counts as failed (default 8); waits grow from 5 s fourfold. */
  maxAttempts?: number
  /**
   * Whether an event of this kind could matter to the subscriber now (synchronous, from a cache
   * the subscriber keeps fresh). When it says no, no delivery row is written: a subscriber that
   * has nothing to do (no webhook subscribed, say) costs the commands nothing. When it cannot
   * know (its cache is being refreshed), it must say yes. Without it, every event is delivered.
   */
  wants?: (kind: string) => boolean
}

export type Subscriber =
  | ({ when: 'in_transaction' } & InTransactionSubscriber)
  | ({ when: 'after_commit' } & AfterCommitSubscriber)

const NAME = /^[a-z]+(\.[a-z_]+)+$/

/**
 * The event kinds and subscribers of the desk, filled at boot from the modules' index files.
 * `check` is the boot check: every kind defined once, every subscriber named once, with a
 * handler, and listening to kinds that exist.
 */
export class EventRegistry {
  private readonly defs = new Map<string, EventDefinition>()
  private readonly inTx = new Map<string, InTransactionSubscriber[]>()
  private readonly afterCommit = new Map<string, AfterCommitSubscriber[]>()
  private readonly subscribers: Subscriber[] = []

  define(...defs: EventDefinition[]) {
    for (const def of defs) {
      if (!NAME.test(def.kind)) throw new Error(`event kind "${def.kind}" is not dotted lower case`)
      const known = this.defs.get(def.kind)
      if (known && known !== def) throw new Error(`event kind "${def.kind}" is defined twice`)
      this.defs.set(def.kind, def)
    }
    return this
  }

  definition(kind: string) {
    return this.defs.get(kind)
  }

  /** Every kind defined so far, in the order of definition. */
  kinds(): readonly string[] {
    return [...this.defs.keys()]
  }

  /** Adds subscribers; returns a function that takes them away again (tests). */
  subscribe(...subs: Subscriber[]) {
    for (const sub of subs) {
      this.subscribers.push(sub)
      for (const kind of sub.kinds) {
        if (sub.when === 'in_transaction') this.inTx.set(kind, [...(this.inTx.get(kind) ?? []), sub])
        else this.afterCommit.set(kind, [...(this.afterCommit.get(kind) ?? []), sub])
      }
    }
    return () => {
      for (const sub of subs) {
        const i = this.subscribers.indexOf(sub)
        if (i >= 0) this.subscribers.splice(i, 1)
        for (const kind of sub.kinds) {
          this.inTx.set(
            kind,
            (this.inTx.get(kind) ?? []).filter((s) => s !== sub),
          )
          this.afterCommit.set(
            kind,
            (this.afterCommit.get(kind) ?? []).filter((s) => s !== sub),
          )
        }
      }
    }
  }

  /** The boot check; throws with every problem found. */
  check() {
    const problems: string[] = []
    const names = new Map<string, number>()
    for (const sub of this.subscribers) names.set(sub.name, (names.get(sub.name) ?? 0) + 1)
    for (const sub of this.subscribers) {
      if (!NAME.test(sub.name)) problems.push(`subscriber "${sub.name}" is not dotted lower case`)
      if (typeof sub.handle !== 'function') problems.push(`subscriber "${sub.name}" has no handler`)
      for (const kind of sub.kinds)
        if (!this.defs.has(kind)) problems.push(`subscriber "${sub.name}" listens to unknown event "${kind}"`)
    }
    for (const [name, n] of names) if (n > 1) problems.push(`subscriber "${name}" has ${n} handlers`)
    if (problems.length)
      throw new Error(`the event subscribers are not sound: ${[...new Set(problems)].join('; ')}`)
  }

  /**
   * Whether any subscriber listens to one of these kinds now (a command then needs its
   * transaction); after-commit subscribers that do not want the kind at the moment do not count.
   */
  hasSubscribers(kinds: readonly string[]) {
    return kinds.some((k) => this.inTransactionOf(k).length + this.afterCommitOf(k).length > 0)
  }

  afterCommitSubscriber(name: string) {
    return this.subscribers.find(
      (s): s is { when: 'after_commit' } & AfterCommitSubscriber =>
        s.when === 'after_commit' && s.name === name,
    )
  }

  /** The in-transaction subscribers that want an event of this kind now. */
  inTransactionOf(kind: string): readonly InTransactionSubscriber[] {
    const subs = this.inTx.get(kind)
    if (!subs) return []
    return subs.some((s) => s.wants) ? subs.filter((s) => !s.wants || s.wants(kind)) : subs
  }

  /** The after-commit subscribers that want an event of this kind now. */
  afterCommitOf(kind: string): readonly AfterCommitSubscriber[] {
    const subs = this.afterCommit.get(kind)
    if (!subs) return []
    return subs.some((s) => s.wants) ? subs.filter((s) => !s.wants || s.wants(kind)) : subs
  }

  /**
   * Hands recorded events to their subscribers, inside the caller's transaction: the
   * in-transaction ones run one after another, the after-commit ones get a delivery row each
   * (one statement for all), worked once the transaction commits.
   */
  async dispatch(ctx: Ctx, events: readonly DomainEvent[]) {
    const deliveries: DeliveryRow[] = []
    for (const event of events) {
      for (const sub of this.inTransactionOf(event.kind)) await sub.handle(ctx, event)
      for (const sub of this.afterCommitOf(event.kind))
        deliveries.push({ id: uuidv7(), subscriber: sub.name, event, at: event.at })
    }
    if (deliveries.length) await insertDeliveries(ctx.db, deliveries)
  }
}

type DeliveryRow = { id: string; subscriber: string; event: DomainEvent; at: Date }

const insertDeliveries = (db: Queryable, rows: DeliveryRow[]) =>
  db.execute(sql`INSERT INTO event_deliveries (id, subscriber, event_id, event, next_attempt_at, created_at)
    SELECT d.id::uuid, d.subscriber, d.event_id::uuid, d.event, d.at::timestamptz, d.at::timestamptz
    FROM jsonb_to_recordset(${JSON.stringify(
      rows.map((r) => ({
        id: r.id,
        subscriber: r.subscriber,
        event_id: r.event.id,
        event: r.event,
        at: r.at.toISOString(),
      })),
    )}::jsonb) AS d(id text, subscriber text, event_id text, event jsonb, at text)`)

/** The desk's one registry, filled by `wireDesk` (apps/server/src/desk.ts) at boot. */
export const deskEvents = new EventRegistry()

export const DELIVERY_LEASE_MS = 60_000
export const deliveryRetryMs = (attempt: number) => 5_000 * 4 ** Math.max(0, attempt - 1)

/**
 * Works due after-commit deliveries: claims up to `limit` (SKIP LOCKED, leased for
 * `leaseMs`: a process killed while working one leaves it to be claimed again when the lease
 * ends), runs each subscriber and records the outcome. Returns how many were claimed.
 */
export const deliverDue = async (
  ctx: Ctx,
  registry: EventRegistry = deskEvents,
  opts: { limit?: number; leaseMs?: number } = {},
) => {
  const now = ctx.clock.now()
  const claimed = await ctx.db.execute<{
    id: string
    subscriber: string
    event: DomainEvent & { at: string }
    attempts: number
  }>(sql`UPDATE event_deliveries d SET attempts = d.attempts + 1,
      locked_until = ${new Date(now.getTime() + (opts.leaseMs ?? DELIVERY_LEASE_MS)).toISOString()}::timestamptz
    WHERE d.id IN (SELECT id FROM event_deliveries
      WHERE done_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ${now.toISOString()}::timestamptz
        AND (locked_until IS NULL OR locked_until <= ${now.toISOString()}::timestamptz)
      ORDER BY next_attempt_at LIMIT ${opts.limit ?? 20} FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.subscriber, d.event, d.attempts`)
  for (const row of claimed.rows) {
    const sub = registry.afterCommitSubscriber(row.subscriber)
    const event: DomainEvent = { ...row.event, at: new Date(row.event.at) }
    let error: unknown = null
    try {
      if (!sub) throw new Error(`no subscriber "${row.subscriber}" in this process`)
      await sub.handle(ctx, event, { key: row.id, attempt: row.attempts })
    } catch (err) {
      error = err
    }
    const at = ctx.clock.now().toISOString()
    if (!error) {
      await ctx.db.execute(
        sql`UPDATE event_deliveries SET done_at = ${at}::timestamptz, locked_until = NULL, last_error = NULL WHERE id = ${row.id}::uuid`,
      )
      continue
    }
    const final = row.attempts >= (sub?.maxAttempts ?? 8)
    const message = String((error as Error).message ?? error).slice(0, 1000)
    ctx.log.warn(
      { deliveryId: row.id, subscriber: row.subscriber, final, err: message },
      'event delivery failed',
    )
    await ctx.db.execute(sql`UPDATE event_deliveries SET locked_until = NULL, last_error = ${message},
      next_attempt_at = ${new Date(ctx.clock.now().getTime() + deliveryRetryMs(row.attempts)).toISOString()}::timestamptz,
      failed_at = ${final ? at : null}::timestamptz WHERE id = ${row.id}::uuid`)
  }
  return claimed.rows.length
}

/** Subscribers that deliveries still wait for but this process does not know: the boot check refuses them. */
export const unknownPendingSubscribers = async (db: Queryable, registry: EventRegistry = deskEvents) => {
  const res = await db.execute<{ subscriber: string; n: number }>(
    sql`SELECT subscriber, count(*)::int AS n FROM event_deliveries WHERE done_at IS NULL AND failed_at IS NULL GROUP BY subscriber`,
  )
  return res.rows.filter((r) => !registry.afterCommitSubscriber(r.subscriber))
}

/**
 * Works deliveries in the background: every `pollMs`, until stopped.
 * One per process that runs jobs; several processes share the work through SKIP LOCKED.
 */
export const startDeliveryWorker = (opts: {
  ctx: Ctx
  registry?: EventRegistry
  pollMs?: number
  leaseMs?: number
}) => {
  let stopped = false
  let running: Promise<void> | null = null
  const run = () => {
    if (running || stopped) return running ?? Promise.resolve()
    running = (async () => {
      try {
        while (
          !stopped &&
          (await deliverDue(opts.ctx, opts.registry, opts.leaseMs ? { leaseMs: opts.leaseMs } : {})) > 0
        ) {}
      } catch (err) {
        opts.ctx.log.warn({ err: (err as Error).message }, 'working event deliveries failed; trying again')
      } finally {
        running = null
      }
    })()
    return running
  }
  const timer = setInterval(() => void run(), opts.pollMs ?? 1_000)
  return {
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
