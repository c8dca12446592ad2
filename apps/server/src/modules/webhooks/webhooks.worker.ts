import { v7 as uuidv7 } from 'uuid'
import type { Ctx } from '../../platform/context.ts'
import type { AfterCommitSubscriber, DomainEvent, EventRegistry } from '../../platform/domain-events.ts'
import { matchType } from './webhooks.events.ts'
import { webhookInterest } from './webhooks.interest.ts'
import { post } from './webhooks.net.ts'
import * as repo from './webhooks.repository.ts'
import { outcomeOf, parseRetryAfter, retryDelayMs } from './webhooks.retry.ts'
import type { WebhooksCtx } from './webhooks.service.ts'
import { signedHeaders } from './webhooks.signing.ts'

/** The body a subscription receives for a domain event (Standard Webhooks: type, timestamp, data). */
const payloadOf = (
  type: string,
  event: DomainEvent,
  ticket: Awaited<ReturnType<typeof repo.ticketSnapshot>>,
) =>
  JSON.stringify({
    type,
    timestamp: event.at.toISOString(),
    data: {
      event: {
        id: event.id,
        kind: event.kind,
        at: event.at.toISOString(),
        actorStaffId: event.actorStaffId,
        reason: event.reason,
        data: event.data,
      },
      ticket: ticket
        ? { ...ticket, createdAt: ticket.createdAt.toISOString(), updatedAt: ticket.updatedAt.toISOString() }
        : null,
    },
  })

/**
 * Writes one delivery per active subscription the event matches, in one statement; a delivery
 * that exists already (the subscriber run again after a crash) is not written twice.
 * Returns how many were written.
 */
export const fanOut = async (ctx: Ctx, event: DomainEvent) => {
  const matches = (await repo.listActive(ctx.db)).flatMap((sub) => {
    const type = matchType(sub.events, event)
    return type ? [{ sub, type }] : []
  })
  if (matches.length === 0) return 0
  const ticket = await repo.ticketSnapshot(ctx.db, event.ticketId)
  const now = ctx.clock.now()
  const written = await repo.insertDeliveries(
    ctx.db,
    matches.map(({ sub, type }) => ({
      id: uuidv7(),
      subscriptionId: sub.id,
      type,
      eventId: event.id,
      ticketId: event.ticketId,
      payload: payloadOf(type, event, ticket),
      nextAttemptAt: now,
      createdAt: now,
    })),
  )
  return written.length
}

export const FANOUT_SUBSCRIBER = 'webhooks.fanout'

/**
 * The after-commit subscriber that turns every domain event into webhook deliveries. It listens
 * to every kind the registry holds when the desk is wired, so kinds that modules add later can
 * be subscribed to without a change here.
 */
export const webhookSubscriber = (
  registry: EventRegistry,
): { when: 'after_commit' } & AfterCommitSubscriber => ({
  when: 'after_commit',
  name: FANOUT_SUBSCRIBER,
  get kinds() {
    return registry.kinds()
  },
  wants: (kind) => webhookInterest.wants(kind),
  handle: async (ctx, event) => {
    await fanOut(ctx, event)
  },
})

export const WEBHOOK_LEASE_MS = 60_000

/**
 * Works due webhook deliveries: claims up to `limit` (SKIP LOCKED, leased), signs and POSTs each,
 * records the attempt and what follows (delivered, tried again later, failed). A worker killed
 * mid-send leaves the delivery to be claimed again when the lease ends: at least once, with the
 * same `webhook-id`. Returns how many were claimed.
 */
export const deliverWebhooksDue = async (
  ctx: WebhooksCtx,
  opts: { limit?: number; leaseMs?: number } = {},
) => {
  const claimed = await repo.claimDue(ctx.db, ctx.clock.now(), {
    limit: opts.limit ?? 10,
    leaseMs: opts.leaseMs ?? WEBHOOK_LEASE_MS,
  })
  const subs = new Map<string, repo.SubscriptionRow | undefined>()
  for (const id of new Set(claimed.map((d) => d.subscription_id)))
    subs.set(id, await repo.findSubscription(ctx.db, id))
  // Sent side by side: the claimed batch is done within one request timeout, well inside the lease.
  // The batch's attempts and outcomes are then recorded in one statement (one commit, not one per
  // delivery); a worker that dies before it leaves the batch to be sent again once the lease ends.
  const outcomes = await Promise.all(claimed.map((d) => deliverOne(ctx, d, subs.get(d.subscription_id))))
  await repo.recordAttempts(
    ctx.db,
    outcomes.filter((o) => o !== undefined),
  )
  return claimed.length
}

/** PostgreSQL text holds no NUL character; a receiver's answer may. */
const storable = (text: string | null) => (text === null ? null : text.replaceAll('\u0000', ''))

const deliverOne = async (
  ctx: WebhooksCtx,
  d: repo.ClaimedDelivery,
  sub: repo.SubscriptionRow | undefined,
): Promise<repo.AttemptOutcome | undefined> => {
  const at = ctx.clock.now()
  if (!sub) return // deleted meanwhile: its deliveries went with it
  let result: Awaited<ReturnType<typeof post>>
  if (!sub.active && d.type !== 'webhook.ping') {
    result = {
      statusCode: null,
      body: null,
      retryAfter: undefined,
      error: 'the webhook is paused',
      retryable: false,
      durationMs: 0,
    }
  } else {
    let secret: string | null = null
    try {
      secret = ctx.box.open(sub.secret)
    } catch (err) {
      result = {
        statusCode: null,
        body: null,
        retryAfter: undefined,
        error: (err as Error).message,
        retryable: false,
        durationMs: 0,
      }
    }
    result ??= await post(sub.url, {
      body: d.payload,
      headers: signedHeaders(secret!, { id: d.id, at, body: d.payload }),
      allowPrivateHost: sub.allowPrivateHost,
      net: ctx.net,
    })
  }
  const attempt = {
    deliveryId: d.id,
    number: d.attempts,
    at,
    statusCode: result.statusCode,
    responseBody: storable(result.body),
    durationMs: result.durationMs,
    error: storable(result.error),
    lease: d.lease,
  }
  const outcome = outcomeOf(result)
  const after = ctx.clock.now()
  if (outcome === 'delivered') return { attempt, settlement: { status: 'delivered', deliveredAt: after } }
  const final = outcome === 'give_up' || d.tries >= sub.maxAttempts
  ctx.log.warn(
    {
      webhookId: sub.id,
      deliveryId: d.id,
      attempt: d.attempts,
      statusCode: result.statusCode,
      final,
      err: result.error,
    },
    'webhook delivery failed',
  )
  const settlement: repo.Settlement = final
    ? { status: 'failed', failedAt: after }
    : {
        nextAttemptAt: new Date(
          after.getTime() + retryDelayMs(d.tries, parseRetryAfter(result.retryAfter, after)),
        ),
      }
  return { attempt, settlement }
}

/** Works webhook deliveries in the background every `pollMs` until stopped (every desk process runs one). */
export const startWebhookWorker = (opts: { ctx: WebhooksCtx; pollMs?: number; leaseMs?: number }) => {
  let stopped = false
  let running: Promise<void> | null = null
  const run = () => {
    if (running || stopped) return
    running = (async () => {
      try {
        while (
          !stopped &&
          (await deliverWebhooksDue(opts.ctx, opts.leaseMs ? { leaseMs: opts.leaseMs } : {})) > 0
        ) {}
      } catch (err) {
        opts.ctx.log.warn({ err: (err as Error).message }, 'working webhook deliveries failed; trying again')
      } finally {
        running = null
      }
    })()
  }
  const timer = setInterval(run, opts.pollMs ?? 1_000)
  return {
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
