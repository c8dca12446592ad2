import type {
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryQuery,
  WebhookWithSecret,
} from '@tresen/contract'
import { v7 as uuidv7 } from 'uuid'
import { type Ctx, inTransaction, isAdmin } from '../../platform/context.ts'
import { deskEvents, type EventRegistry } from '../../platform/domain-events.ts'
import { AppError } from '../../platform/errors.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { eventCatalog, PING_TYPE } from './webhooks.events.ts'
import { publishWebhooksChanged } from './webhooks.interest.ts'
import { checkTarget, isAllowedHost, TargetRefused, type WebhookNet } from './webhooks.net.ts'
import * as repo from './webhooks.repository.ts'
import { generateSecret } from './webhooks.signing.ts'

/** A command context of the webhooks module: the desk's, with the secret box and the network. */
export type WebhooksCtx = Ctx & { box: SecretBox; net: WebhookNet; registry?: EventRegistry }

const authorize = (ctx: Ctx) => {
  if (!isAdmin(ctx.actor)) throw new AppError('auth.forbidden')
}

const AUDITED = ['name', 'url', 'events', 'active', 'allowPrivateHost', 'maxAttempts', 'secret'] as const

const auditView = (row: repo.SubscriptionRow) => ({
  name: row.name,
  url: row.url,
  events: row.events,
  active: row.active,
  allowPrivateHost: row.allowPrivateHost,
  maxAttempts: row.maxAttempts,
  secret: row.secret,
})

const present = (
  row: repo.SubscriptionRow,
  last?: Awaited<ReturnType<typeof repo.lastDeliveries>>[number],
): Webhook => ({
  id: row.id,
  name: row.name,
  url: row.url,
  events: row.events,
  active: row.active,
  allowPrivateHost: row.allowPrivateHost,
  maxAttempts: row.maxAttempts,
  lastDelivery: last
    ? {
        id: last.id,
        type: last.type,
        status: last.status,
        statusCode: last.last_status_code,
        at: new Date(last.created_at).toISOString(),
      }
    : null,
  secretRotatedAt: row.secretRotatedAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

const presentOne = async (ctx: Ctx, row: repo.SubscriptionRow) =>
  present(row, (await repo.lastDeliveries(ctx.db, [row.id]))[0])

/** The event types a subscription may name: the desk's and every domain kind defined at boot. */
export const listEventTypes = (ctx: WebhooksCtx) => {
  authorize(ctx)
  return eventCatalog((ctx.registry ?? deskEvents).kinds())
}

const checkEvents = (ctx: WebhooksCtx, events: readonly string[]) => {
  const known = new Set(listEventTypes(ctx).map((e) => e.type))
  const unknown = events.flatMap((e, i) => (known.has(e) ? [] : [{ e, i }]))
  if (unknown.length)
    throw new AppError(
      'webhook.unknown_event',
      `Unknown event type: ${unknown.map((u) => u.e).join(', ')}.`,
      unknown.map((u) => ({ pointer: `/body/events/${u.i}`, detail: `unknown event type "${u.e}"` })),
    )
  return [...new Set(events)]
}

/** The URL checked like every delivery will be: scheme, the allowed host, every resolved address. */
const checkUrl = async (ctx: WebhooksCtx, raw: string, allowPrivateHost: string | null) => {
  const url = new URL(raw)
  if (allowPrivateHost !== null && !isAllowedHost(url, allowPrivateHost))
    throw new AppError('webhook.private_host_mismatch', undefined, [
      { pointer: '/body/allowPrivateHost', detail: `must be the URL's host (${url.hostname})` },
    ])
  try {
    await checkTarget(url, { allowPrivateHost, resolve: ctx.net.resolve })
  } catch (err) {
    if (!(err instanceof TargetRefused)) throw err
    throw new AppError('webhook.target_refused', err.message, [{ pointer: '/body/url', detail: err.message }])
  }
  return url.toString()
}

const load = async (ctx: Ctx, id: string, opts: { forUpdate?: boolean } = {}) => {
  const row = await repo.findSubscription(ctx.db, id, opts)
  if (!row) throw new AppError('webhook.not_found')
  return row
}

/** Every subscription with the state of its newest delivery (admins). */
export const listWebhooks = async (ctx: WebhooksCtx) => {
  authorize(ctx)
  const rows = await repo.listSubscriptions(ctx.db)
  const last = new Map(
    (
      await repo.lastDeliveries(
        ctx.db,
        rows.map((r) => r.id),
      )
    ).map((l) => [l.subscription_id, l]),
  )
  return rows.map((r) => present(r, last.get(r.id)))
}

export const getWebhook = async (ctx: WebhooksCtx, id: string) => {
  authorize(ctx)
  return presentOne(ctx, await load(ctx, id))
}

/** Subscribes a URL (admins); the answer carries the new signing secret, the only time it is shown. */
export const createWebhook = async (
  ctx: WebhooksCtx,
  input: CreateWebhookInput,
): Promise<WebhookWithSecret> => {
  authorize(ctx)
  const events = checkEvents(ctx, input.events)
  const url = await checkUrl(ctx, input.url, input.allowPrivateHost)
  return inTransaction(ctx, async (tx) => {
    const secret = generateSecret()
    const now = tx.clock.now()
    await publishWebhooksChanged(tx.db, now)
    const row = await repo.insertSubscription(tx.db, {
      name: input.name,
      url,
      events,
      active: input.active,
      allowPrivateHost: input.allowPrivateHost,
      maxAttempts: input.maxAttempts,
      secret: ctx.box.seal(secret),
      secretRotatedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    await recordAudit(tx, {
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: row.id,
      targetLabel: row.name,
      before: null,
      after: changedFields({}, auditView(row), { fields: AUDITED, secrets: ['secret'] }).after,
    })
    return { ...present(row), secret }
  })
}

/** Changes a subscription (admins); a new URL or allowed host is checked like on creation. */
export const updateWebhook = async (ctx: WebhooksCtx, id: string, input: UpdateWebhookInput) => {
  authorize(ctx)
  const events = input.events ? checkEvents(ctx, input.events) : undefined
  return inTransaction(ctx, async (tx) => {
    const before = await load(tx, id, { forUpdate: true })
    const allowPrivateHost =
      input.allowPrivateHost !== undefined ? input.allowPrivateHost : before.allowPrivateHost
    const url =
      input.url !== undefined || input.allowPrivateHost !== undefined
        ? await checkUrl(ctx, input.url ?? before.url, allowPrivateHost)
        : before.url
    if (events || input.active !== undefined) await publishWebhooksChanged(tx.db, tx.clock.now())
    const row = await repo.updateSubscription(tx.db, id, {
      name: input.name,
      url,
      events,
      active: input.active,
      allowPrivateHost,
      maxAttempts: input.maxAttempts,
      updatedAt: tx.clock.now(),
    })
    const diff = changedFields(auditView(before), auditView(row), { fields: AUDITED, secrets: ['secret'] })
    if (Object.keys(diff.after).length)
      await recordAudit(tx, {
        action: 'webhook.updated',
        targetType: 'webhook',
        targetId: id,
        targetLabel: row.name,
        ...diff,
      })
    return presentOne(tx, row)
  })
}

/** Removes a subscription with its deliveries (admins); the audit log keeps what it was. */
export const deleteWebhook = (ctx: WebhooksCtx, id: string) => {
  authorize(ctx)
  return inTransaction(ctx, async (tx) => {
    const before = await load(tx, id, { forUpdate: true })
    await publishWebhooksChanged(tx.db, tx.clock.now())
    await repo.deleteSubscription(tx.db, id)
    await recordAudit(tx, {
      action: 'webhook.deleted',
      targetType: 'webhook',
      targetId: id,
      targetLabel: before.name,
      before: { ...auditView(before), secret: undefined },
      after: null,
    })
  })
}

/** A new signing secret (admins), shown in this answer only; the old one stops working at once. */
export const rotateSecret = (ctx: WebhooksCtx, id: string): Promise<WebhookWithSecret> => {
  authorize(ctx)
  return inTransaction(ctx, async (tx) => {
    const before = await load(tx, id, { forUpdate: true })
    const secret = generateSecret()
    const now = tx.clock.now()
    const row = await repo.updateSubscription(tx.db, id, {
      secret: ctx.box.seal(secret),
      secretRotatedAt: now,
      updatedAt: now,
    })
    await recordAudit(tx, {
      action: 'webhook.secret_rotated',
      targetType: 'webhook',
      targetId: id,
      targetLabel: row.name,
      ...changedFields(auditView(before), auditView(row), { fields: ['secret'], secrets: ['secret'] }),
    })
    return { ...(await presentOne(tx, row)), secret }
  })
}

const presentDeliveries = async (ctx: Ctx, rows: repo.DeliveryRow[]): Promise<WebhookDelivery[]> => {
  const attempts = await repo.attemptsOf(
    ctx.db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscriptionId,
    type: r.type,
    eventId: r.eventId,
    ticketId: r.ticketId,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    attemptLog: attempts
      .filter((a) => a.deliveryId === r.id)
      .map((a) => ({
        number: a.number,
        at: a.at.toISOString(),
        statusCode: a.statusCode,
        responseBody: a.responseBody,
        durationMs: a.durationMs,
        error: a.error,
      })),
  }))
}

const badCursor = () =>
  new AppError('request.invalid', 'The cursor is invalid.', [{ pointer: '/query/cursor', detail: 'invalid' }])

/** A subscription's deliveries with their attempts, newest first, a page at a time (admins). */
export const listDeliveries = async (ctx: WebhooksCtx, id: string, q: WebhookDeliveryQuery) => {
  authorize(ctx)
  await load(ctx, id)
  let before: { at: Date; id: string } | undefined
  if (q.cursor) {
    const [at, did] = Buffer.from(q.cursor, 'base64url').toString().split('|')
    const date = new Date(at ?? '')
    if (!did || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(did)) throw badCursor()
    before = { at: date, id: did }
  }
  const rows = await repo.listDeliveries(ctx.db, id, { ...(before ? { before } : {}), limit: q.limit + 1 })
  const items = await presentDeliveries(ctx, rows.slice(0, q.limit))
  const last = rows.length > q.limit ? rows[q.limit - 1] : undefined
  return {
    items,
    nextCursor: last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null,
  }
}

/**
 * Sends a delivery again (admins): the same id (the receiver's idempotency key) and body, due
 * now, with a fresh attempt budget. A pending one is just made due now.
 */
export const resendDelivery = (ctx: WebhooksCtx, id: string, deliveryId: string) => {
  authorize(ctx)
  return inTransaction(ctx, async (tx) => {
    const sub = await load(tx, id)
    const delivery = await repo.findDelivery(tx.db, id, deliveryId)
    if (!delivery) throw new AppError('webhook.delivery_not_found')
    const row = await repo.requeue(tx.db, deliveryId, tx.clock.now())
    await recordAudit(tx, {
      action: 'webhook.delivery_resent',
      targetType: 'webhook',
      targetId: id,
      targetLabel: sub.name,
      before: { deliveryId, status: delivery.status },
      after: { deliveryId, status: 'pending' },
    })
    return (await presentDeliveries(tx, [row]))[0]!
  })
}

/** Queues a test message (`webhook.ping`) to the subscription (admins), also when it is paused. */
export const sendPing = (ctx: WebhooksCtx, id: string) => {
  authorize(ctx)
  return inTransaction(ctx, async (tx) => {
    const sub = await load(tx, id)
    const now = tx.clock.now()
    const deliveryId = uuidv7()
    const payload = JSON.stringify({
      type: PING_TYPE,
      timestamp: now.toISOString(),
      data: { subscriptionId: sub.id, name: sub.name },
    })
    await repo.insertDeliveries(tx.db, [
      {
        id: deliveryId,
        subscriptionId: id,
        type: PING_TYPE,
        eventId: null,
        ticketId: null,
        payload,
        nextAttemptAt: now,
        createdAt: now,
      },
    ])
    const row = await repo.findDelivery(tx.db, id, deliveryId)
    return (await presentDeliveries(tx, [row!]))[0]!
  })
}
