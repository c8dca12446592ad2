import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { and, count, eq, like } from 'drizzle-orm'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { fixedClock } from '../../platform/clock.ts'
import { eventDeliveries } from '../../platform/domain-events.tables.ts'
import { deliverDue } from '../../platform/domain-events.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { startSharedCaches } from '../../platform/shared-cache.ts'
import { auditRecords } from '../audit/index.ts'
import { addInteraction, updateTicket } from '../tickets/index.ts'
import { webhookInterest } from './webhooks.interest.ts'
import type { Resolver } from './webhooks.net.ts'
import * as repo from './webhooks.repository.ts'
import { createWebhook, type WebhooksCtx } from './webhooks.service.ts'
import { webhookDeliveries, webhookSubscriptions } from './webhooks.tables.ts'
import { deliverWebhooksDue, FANOUT_SUBSCRIBER, fanOut } from './webhooks.worker.ts'

/** A real receiver on loopback: records every request, answers from a queue (then 200). */
type Received = { headers: http.IncomingHttpHeaders; body: string; path: string }
const startReceiver = async () => {
  const received: Received[] = []
  const answers: { status: number; body?: string; headers?: Record<string, string> }[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        path: req.url ?? '',
      })
      const answer = answers.shift() ?? { status: 200, body: 'ok' }
      res.writeHead(answer.status, answer.headers ?? {})
      res.end(answer.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answers,
    reset: () => {
      received.length = 0
      answers.length = 0
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

let t: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let other: Awaited<ReturnType<typeof startReceiver>>
let admin: Awaited<ReturnType<TestApp['buildStaff']>>
let teamId: string

beforeAll(async () => {
  t = await startTestApp()
  receiver = await startReceiver()
  other = await startReceiver()
  admin = await t.buildStaff({ role: 'admin' })
  teamId = (await t.buildTeam()).id
})
afterAll(async () => {
  await receiver.close()
  await other.close()
  await t.close()
})
beforeEach(async () => {
  receiver.reset()
  other.reset()
  // Each test starts with no subscriptions, so fan-outs of other tests' events stay out.
  await t.db.delete(webhookSubscriptions)
})

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload }) })

/** The webhooks context a worker has: the app's secret box, a resolver, a clock. */
const whCtx = (opts: { resolve?: Resolver; clock?: { now: () => Date } } = {}): WebhooksCtx => ({
  ...t.ctxAs(),
  ...(opts.clock ? { clock: opts.clock } : {}),
  box: createSecretBox(t.sessionSecret),
  net: { resolve: opts.resolve ?? (async () => [{ address: '127.0.0.1', family: 4 }]), timeoutMs: 5000 },
})

const subscribe = async (input: Record<string, unknown> = {}) => {
  const res = await call('POST', '/webhooks', admin.headers, {
    name: 'CRM',
    url: receiver.url,
    events: ['ticket.created'],
    allowPrivateHost: '127.0.0.1',
    ...input,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; secret: string; events: string[] }
}

/** Works the domain events' outbox (the fan-out subscriber) and then the webhook deliveries. */
const work = async (ctx: WebhooksCtx = whCtx()) => {
  while ((await deliverDue(ctx)) > 0) {}
  return deliverWebhooksDue(ctx)
}

/** A moment just after what the test writes next (its events are then due on this clock). */
const soon = () => new Date(Date.now() + 5_000)

const deliveriesOf = async (subscriptionId: string) =>
  t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, subscriptionId))

const fanOutRows = async () => {
  const [row] = await t.db
    .select({ n: count() })
    .from(eventDeliveries)
    .where(eq(eventDeliveries.subscriber, FANOUT_SUBSCRIBER))
  return row!.n
}

describe('webhook delivery', () => {
  it('writes no fan-out row while no subscription wants the event; hears of changes from every process', async () => {
    const first = once(webhookInterest, 'refreshed')
    const interest = await startSharedCaches({
      db: t.db,
      databaseUrl: t.database.url,
      caches: [webhookInterest],
      onProblem: (err) => {
        throw err
      },
    })
    try {
      await first
      // Nothing subscribed: creating a ticket and replying write no fan-out row at all.
      const before = await fanOutRows()
      const quiet = await t.buildTicket({ teamId })
      await addInteraction(t.ctxAs(), quiet.id, { kind: 'inbound', text: 'Hallo' })
      expect(await fanOutRows()).toBe(before)

      // A subscription to messages only: a status change still writes none, a message does.
      let heard = once(webhookInterest, 'refreshed')
      const sub = await subscribe({ events: ['message.added'] })
      expect(webhookInterest.wants('ticket.created')).toBe(true) // not yet heard: every kind counts
      await heard
      expect(webhookInterest.wants('ticket.created')).toBe(false)
      expect(webhookInterest.wants('interaction.added')).toBe(true)
      await updateTicket(t.ctxAs(), quiet.id, { priority: 'high' })
      expect(await fanOutRows()).toBe(before)
      await addInteraction(t.ctxAs(), quiet.id, { kind: 'inbound', text: 'Noch da?' })
      expect(await fanOutRows()).toBe(before + 1)
      await work()
      expect((await deliveriesOf(sub.id)).map((d) => d.type)).toEqual(['message.added'])

      // Paused: nothing is wanted any more, heard through NOTIFY again.
      heard = once(webhookInterest, 'refreshed')
      expect((await call('PATCH', `/webhooks/${sub.id}`, admin.headers, { active: false })).statusCode).toBe(
        200,
      )
      await heard
      expect(webhookInterest.wants('interaction.added')).toBe(false)
    } finally {
      await interest.stop()
    }
    // Stopped: the cache knows nothing, so every event is fanned out again (never a lost one).
    expect(webhookInterest.wants('ticket.created')).toBe(true)
  })

  it('signs each delivery so a Standard Webhooks receiver verifies it', async () => {
    const sub = await subscribe({ events: ['ticket.created', 'message.added'] })
    const ticket = await t.buildTicket({ teamId, subject: 'Drucker streikt' })
    expect(await work()).toBe(2)
    expect(receiver.received).toHaveLength(2)
    const verifier = new StandardWebhook(sub.secret)
    const bodies = receiver.received.map((r) => {
      expect(r.headers['content-type']).toBe('application/json')
      return verifier.verify(r.body, r.headers as Record<string, string>) as {
        type: string
        data: { ticket: { id: string; subject: string }; event: { kind: string } }
      }
    })
    expect(bodies.map((b) => b.type).sort()).toEqual(['message.added', 'ticket.created'])
    expect(bodies[0]!.data.ticket).toMatchObject({ id: ticket.id, subject: 'Drucker streikt' })
    // A tampered body, another secret or a changed id fail verification.
    const first = receiver.received[0]!
    expect(() => verifier.verify(first.body.replace('Drucker', 'Drucken'), first.headers as never)).toThrow()
    expect(() =>
      new StandardWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
        first.body,
        first.headers as never,
      ),
    ).toThrow()
    expect(() =>
      verifier.verify(first.body, {
        ...(first.headers as Record<string, string>),
        'webhook-id': randomUUID(),
      }),
    ).toThrow()
    // The webhook-id is the delivery's id.
    const ids = (await deliveriesOf(sub.id)).map((d) => d.id).sort()
    expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual(ids)
  })

  it('keeps the secret sealed at rest and shows it only at creation and rotation', async () => {
    const sub = await subscribe()
    const [row] = await t.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, sub.id))
    expect(row!.secret).not.toContain(sub.secret.slice(6))
    expect(createSecretBox(t.sessionSecret).open(row!.secret)).toBe(sub.secret)
    const got = await call('GET', `/webhooks/${sub.id}`, admin.headers)
    expect(got.json()).not.toHaveProperty('secret')
    expect(JSON.stringify((await call('GET', '/webhooks', admin.headers)).json())).not.toContain(sub.secret)

    const rotated = await call('POST', `/webhooks/${sub.id}/rotate-secret`, admin.headers)
    expect(rotated.statusCode).toBe(200)
    const secret = rotated.json().secret as string
    expect(secret).toMatch(/^whsec_/)
    expect(secret).not.toBe(sub.secret)
    await t.buildTicket({ teamId })
    await work()
    const r = receiver.received[0]!
    expect(() => new StandardWebhook(secret).verify(r.body, r.headers as never)).not.toThrow()
    expect(() => new StandardWebhook(sub.secret).verify(r.body, r.headers as never)).toThrow()
  })

  it('delivers exactly once per event and subscription, also when the fan-out runs again', async () => {
    const a = await subscribe({ events: ['ticket.created', 'ticket.updated', 'ticket.solved'] })
    const b = await subscribe({ name: 'Second', events: ['ticket.created'] })
    const paused = await subscribe({ name: 'Paused', events: ['ticket.created'], active: false })
    const ticket = await t.buildTicket({ teamId })
    await work()
    expect(receiver.received).toHaveLength(2)
    expect((await deliveriesOf(a.id)).map((d) => d.type)).toEqual(['ticket.created'])
    expect((await deliveriesOf(b.id)).map((d) => d.type)).toEqual(['ticket.created'])
    expect(await deliveriesOf(paused.id)).toEqual([])

    // The subscriber run again for the same event (as after a crash) writes nothing new.
    const [delivery] = await deliveriesOf(a.id)
    const event = {
      id: delivery!.eventId!,
      kind: 'ticket.created',
      ticketId: ticket.id,
      at: new Date(),
      actorStaffId: null,
      reason: null,
      data: {},
    }
    expect(await fanOut(t.ctxAs(), event)).toBe(0)
    // Two workers at once: each delivery is claimed by one of them.
    const counts = await Promise.all([deliverWebhooksDue(whCtx()), deliverWebhooksDue(whCtx())])
    expect(counts).toEqual([0, 0])
    expect(receiver.received).toHaveLength(2)

    // Solving: one delivery to `a`, as ticket.solved (not also as ticket.updated).
    await updateTicket(t.ctxAs(), ticket.id, { status: 'solved' })
    await work()
    expect((await deliveriesOf(a.id)).map((d) => d.type).sort()).toEqual(['ticket.created', 'ticket.solved'])
    expect(receiver.received).toHaveLength(3)
  })

  it('sends agents’ and customers’ messages as message.added, notes only to the domain kind', async () => {
    const sub = await subscribe({ events: ['message.added'] })
    const raw = await subscribe({ name: 'Raw', events: ['interaction.added'] })
    const agent = await t.buildStaff({ teams: [{ teamId }] })
    const ticket = await t.buildTicket({ teamId })
    const asAgent = t.ctxAs({
      kind: 'staff',
      id: agent.id,
      role: 'agent',
      teamIds: [teamId],
      supervisedTeamIds: [],
    })
    await addInteraction(asAgent, ticket.id, { kind: 'note', text: 'Intern: Kunde ist VIP' })
    await work()
    expect((await deliveriesOf(sub.id)).map((d) => d.type)).toEqual(['message.added'])
    expect((await deliveriesOf(raw.id)).map((d) => d.type)).toEqual([
      'interaction.added',
      'interaction.added',
    ])
  })

  it('tries again with backoff on 5xx, 429 and network errors, then delivers; no sleeping', async () => {
    const sub = await subscribe()
    const clock = fixedClock(soon())
    const ctx = whCtx({ clock })
    receiver.answers.push(
      { status: 503, body: 'down for maintenance' },
      { status: 429, headers: { 'retry-after': '120' } },
    )
    await t.buildTicket({ teamId })
    expect(await work(ctx)).toBe(1)
    const [d] = await deliveriesOf(sub.id)
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 503 })
    expect(d!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(15_000)
    expect(await deliverWebhooksDue(ctx)).toBe(0) // not due yet
    clock.set(new Date(clock.now().getTime() + 15_000))
    expect(await deliverWebhooksDue(ctx)).toBe(1)
    // 429 with Retry-After: 120 s waits longer than the second step (60 s).
    const [d2] = await deliveriesOf(sub.id)
    expect(d2!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(120_000)
    clock.set(new Date(clock.now().getTime() + 119_000))
    expect(await deliverWebhooksDue(ctx)).toBe(0)
    clock.set(new Date(clock.now().getTime() + 1_000))
    expect(await deliverWebhooksDue(ctx)).toBe(1)
    const [done] = await deliveriesOf(sub.id)
    expect(done).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 })
    // Every attempt carried the same webhook-id (the idempotency key).
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([done!.id]))

    const log = await call('GET', `/webhooks/${sub.id}/deliveries`, admin.headers)
    expect(log.statusCode).toBe(200)
    const [item] = log.json().items
    expect(item.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 429, 200])
    expect(item.attemptLog[0]).toMatchObject({ number: 1, responseBody: 'down for maintenance', error: null })
    expect((await call('GET', '/webhooks', admin.headers)).json()[0].lastDelivery).toMatchObject({
      status: 'delivered',
      statusCode: 200,
    })
  })

  it('gives up after the configured attempts, and at once on a 4xx', async () => {
    const sub = await subscribe({ maxAttempts: 2 })
    const clock = fixedClock(soon())
    const ctx = whCtx({ clock })
    receiver.answers.push({ status: 500 }, { status: 502 })
    await t.buildTicket({ teamId })
    await work(ctx)
    clock.set(new Date(clock.now().getTime() + 15_000))
    expect(await deliverWebhooksDue(ctx)).toBe(1)
    const [d] = await deliveriesOf(sub.id)
    expect(d).toMatchObject({ status: 'failed', attempts: 2, lastStatusCode: 502 })
    clock.set(new Date(clock.now().getTime() + 10 * 3600_000))
    expect(await deliverWebhooksDue(ctx)).toBe(0)

    // A network error (nothing listens) is retried too.
    const closed = await startReceiver()
    await closed.close()
    const down = await subscribe({ name: 'Down', url: closed.url })
    await t.buildTicket({ teamId })
    await work(ctx)
    const [n] = await deliveriesOf(down.id)
    expect(n).toMatchObject({ status: 'pending', lastStatusCode: null })
    expect(n!.lastError).toMatch(/ECONNREFUSED/)

    await t.db.delete(webhookSubscriptions)
    const refused = await subscribe({ name: 'Refuses' })
    receiver.answers.push({ status: 422, body: 'bad' })
    await t.buildTicket({ teamId })
    await work(ctx)
    expect((await deliveriesOf(refused.id))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: 422,
    })
  })

  it('redelivers with the same id after a worker died mid-send, once its lease ended', async () => {
    const sub = await subscribe()
    const clock = fixedClock(soon())
    await t.buildTicket({ teamId })
    while ((await deliverDue(t.ctxAs())) > 0) {}
    // A worker claims the delivery and dies before it records anything.
    const [claimed] = await repo.claimDue(t.db, clock.now(), { limit: 10, leaseMs: 60_000 })
    expect(claimed).toBeDefined()
    const ctx = whCtx({ clock })
    expect(await deliverWebhooksDue(ctx)).toBe(0)
    clock.set(new Date(clock.now().getTime() + 60_000))
    expect(await deliverWebhooksDue(ctx)).toBe(1)
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0]!.headers['webhook-id']).toBe(claimed!.id)
    const [d] = await deliveriesOf(sub.id)
    expect(d).toMatchObject({ status: 'delivered', attempts: 2 })
  })

  it('resends a delivery with the same id and body, and sends a ping', async () => {
    const sub = await subscribe()
    await t.buildTicket({ teamId })
    await work()
    const [d] = await deliveriesOf(sub.id)
    const resent = await call('POST', `/webhooks/${sub.id}/deliveries/${d!.id}/resend`, admin.headers)
    expect(resent.statusCode).toBe(202)
    expect(resent.json()).toMatchObject({ id: d!.id, status: 'pending' })
    await deliverWebhooksDue(whCtx())
    expect(receiver.received).toHaveLength(2)
    expect(receiver.received[1]!.headers['webhook-id']).toBe(d!.id)
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body)
    expect((await deliveriesOf(sub.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 })

    const ping = await call('POST', `/webhooks/${sub.id}/ping`, admin.headers)
    expect(ping.statusCode).toBe(202)
    await deliverWebhooksDue(whCtx())
    const body = new StandardWebhook(sub.secret).verify(
      receiver.received[2]!.body,
      receiver.received[2]!.headers as never,
    )
    expect(body).toMatchObject({ type: 'webhook.ping', data: { subscriptionId: sub.id } })

    const page1 = await call('GET', `/webhooks/${sub.id}/deliveries?limit=1`, admin.headers)
    expect(page1.json().items.map((i: { type: string }) => i.type)).toEqual(['webhook.ping'])
    const page2 = await call(
      'GET',
      `/webhooks/${sub.id}/deliveries?limit=1&cursor=${page1.json().nextCursor}`,
      admin.headers,
    )
    expect(page2.json()).toMatchObject({ items: [{ id: d!.id }], nextCursor: null })
    expect(
      (await call('GET', `/webhooks/${sub.id}/deliveries?cursor=nonsense`, admin.headers)).statusCode,
    ).toBe(400)
  })
})

describe('webhook targets (SSRF)', () => {
  it.each([
    'https://127.0.0.1/hook',
    'https://[::1]/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[fe80::1]/hook',
    'https://0.0.0.0/hook',
    'https://localhost/hook',
  ])('refuses %s at creation with a clear 400', async (url) => {
    const res = await call('POST', '/webhooks', admin.headers, {
      name: 'Evil',
      url,
      events: ['ticket.created'],
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'webhook.target_refused',
      errors: [{ pointer: '/body/url' }],
    })
    expect(res.json().detail).toMatch(/which webhooks may not reach/)
    expect(await t.db.select().from(webhookSubscriptions)).toEqual([])
  })

  it('refuses a name that resolves to a private address (injected resolver), also on update', async () => {
    const resolve: Resolver = async (host) =>
      host === 'hooks.example.test'
        ? [{ address: '93.184.215.14', family: 4 }]
        : [{ address: '10.0.0.1', family: 4 }]
    const ctx = {
      ...whCtx({ resolve }),
      actor: {
        kind: 'staff' as const,
        id: admin.id,
        role: 'admin' as const,
        teamIds: [],
        supervisedTeamIds: [],
      },
    }
    await expect(
      createWebhook(ctx, {
        name: 'x',
        url: 'https://crm.example.test/',
        events: ['ticket.created'],
        active: true,
        allowPrivateHost: null,
        maxAttempts: 8,
      }),
    ).rejects.toMatchObject({ code: 'webhook.target_refused' })
    const ok = await createWebhook(ctx, {
      name: 'x',
      url: 'https://hooks.example.test/',
      events: ['ticket.created'],
      active: true,
      allowPrivateHost: null,
      maxAttempts: 8,
    })
    expect(ok.url).toBe('https://hooks.example.test/')
    const patch = await call('PATCH', `/webhooks/${ok.id}`, admin.headers, { url: 'https://10.0.0.1/' })
    expect(patch.statusCode).toBe(400)
    expect(patch.json().code).toBe('webhook.target_refused')
  })

  it('refuses at delivery when the name now resolves to loopback (DNS rebinding)', async () => {
    let answer = '93.184.215.14'
    const resolve: Resolver = async () => [{ address: answer, family: 4 }]
    const ctx = {
      ...whCtx({ resolve }),
      actor: {
        kind: 'staff' as const,
        id: admin.id,
        role: 'admin' as const,
        teamIds: [],
        supervisedTeamIds: [],
      },
    }
    const sub = await createWebhook(ctx, {
      name: 'Rebinder',
      url: `https://rebind.example.test:${receiver.port}/hook`,
      events: ['ticket.created'],
      active: true,
      allowPrivateHost: null,
      maxAttempts: 8,
    })
    answer = '127.0.0.1'
    await t.buildTicket({ teamId })
    await work(ctx)
    expect(receiver.received).toEqual([])
    const [d] = await deliveriesOf(sub.id)
    expect(d).toMatchObject({ status: 'failed', lastStatusCode: null })
    expect(d!.lastError).toMatch(/resolves to 127\.0\.0\.1 \(loopback\)/)
  })

  it('connects to the address it checked, not to what a second lookup would say', async () => {
    // The name exists only in the injected resolver: a connection that looked it up again would fail.
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }]
    const ctx = {
      ...whCtx({ resolve }),
      actor: {
        kind: 'staff' as const,
        id: admin.id,
        role: 'admin' as const,
        teamIds: [],
        supervisedTeamIds: [],
      },
    }
    const sub = await createWebhook(ctx, {
      name: 'Internal',
      url: `http://receiver.internal.test:${receiver.port}/hook`,
      events: ['ticket.created'],
      active: true,
      allowPrivateHost: 'receiver.internal.test',
      maxAttempts: 8,
    })
    await t.buildTicket({ teamId })
    await work(ctx)
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0]!.headers.host).toBe(`receiver.internal.test:${receiver.port}`)
    expect((await deliveriesOf(sub.id))[0]).toMatchObject({ status: 'delivered' })
  })

  it('does not follow a redirect, to a blocked address or anywhere', async () => {
    const sub = await subscribe()
    receiver.answers.push({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } })
    await t.buildTicket({ teamId })
    await work()
    const [d] = await deliveriesOf(sub.id)
    expect(d).toMatchObject({ status: 'failed', lastStatusCode: 302 })
    expect(d!.lastError).toMatch(/redirect to http:\/\/169\.254\.169\.254.* not followed/)

    await t.db.delete(webhookSubscriptions)
    const sub2 = await subscribe()
    receiver.answers.push({ status: 307, headers: { location: `http://localhost:${other.port}/stolen` } })
    await t.buildTicket({ teamId })
    await work()
    expect(other.received).toEqual([])
    expect((await deliveriesOf(sub2.id))[0]).toMatchObject({ status: 'failed', lastStatusCode: 307 })
  })

  it('delivers to an explicitly allowed private host, and only to that host', async () => {
    const sub = await subscribe()
    await t.buildTicket({ teamId })
    await work()
    expect(receiver.received).toHaveLength(1)
    expect((await deliveriesOf(sub.id))[0]).toMatchObject({ status: 'delivered', lastStatusCode: 200 })
    // The allowed host must be the URL's host; http is refused without it.
    const mismatch = await call('POST', '/webhooks', admin.headers, {
      name: 'x',
      url: receiver.url,
      events: ['ticket.created'],
      allowPrivateHost: 'localhost',
    })
    expect(mismatch.statusCode).toBe(400)
    expect(mismatch.json()).toMatchObject({
      code: 'webhook.private_host_mismatch',
      errors: [{ pointer: '/body/allowPrivateHost' }],
    })
    const noAllow = await call('POST', '/webhooks', admin.headers, {
      name: 'x',
      url: receiver.url,
      events: ['ticket.created'],
    })
    expect(noAllow.statusCode).toBe(400)
    expect(noAllow.json().code).toBe('webhook.target_refused')
    // Taking the allowance away later: the next delivery is refused, nothing is sent.
    expect(
      (await call('PATCH', `/webhooks/${sub.id}`, admin.headers, { allowPrivateHost: null })).statusCode,
    ).toBe(400)
  })
})

describe('webhooks API', () => {
  it('refuses agents and supervisors with 403 on every route', async () => {
    const sub = await subscribe()
    const agent = await t.buildStaff()
    const supervisor = await t.buildStaff({ role: 'supervisor' })
    const d = randomUUID()
    for (const caller of [agent, supervisor])
      for (const [method, url, payload] of [
        ['GET', '/webhooks', undefined],
        ['GET', '/webhooks/event-types', undefined],
        [
          'POST',
          '/webhooks',
          { name: 'x', url: receiver.url, events: ['ticket.created'], allowPrivateHost: '127.0.0.1' },
        ],
        ['GET', `/webhooks/${sub.id}`, undefined],
        ['PATCH', `/webhooks/${sub.id}`, { active: false }],
        ['DELETE', `/webhooks/${sub.id}`, undefined],
        ['POST', `/webhooks/${sub.id}/rotate-secret`, undefined],
        ['GET', `/webhooks/${sub.id}/deliveries`, undefined],
        ['POST', `/webhooks/${sub.id}/deliveries/${d}/resend`, undefined],
        ['POST', `/webhooks/${sub.id}/ping`, undefined],
      ] as const) {
        const res = await call(method, url, caller.headers, payload)
        expect(res.statusCode, `${method} ${url}`).toBe(403)
        expect(res.json().code).toBe('auth.forbidden')
      }
    expect((await call('GET', `/webhooks/${sub.id}`, admin.headers)).json()).toMatchObject({ active: true })
    expect((await call('GET', '/webhooks', {})).statusCode).toBe(401)
  })

  it('answers 404 for guessed ids and 400 for garbage ids', async () => {
    const sub = await subscribe()
    const unknown = randomUUID()
    for (const [method, url, code] of [
      ['GET', `/webhooks/${unknown}`, 'webhook.not_found'],
      ['PATCH', `/webhooks/${unknown}`, 'webhook.not_found'],
      ['DELETE', `/webhooks/${unknown}`, 'webhook.not_found'],
      ['POST', `/webhooks/${unknown}/rotate-secret`, 'webhook.not_found'],
      ['GET', `/webhooks/${unknown}/deliveries`, 'webhook.not_found'],
      ['POST', `/webhooks/${unknown}/ping`, 'webhook.not_found'],
      ['POST', `/webhooks/${unknown}/deliveries/${unknown}/resend`, 'webhook.not_found'],
      ['POST', `/webhooks/${sub.id}/deliveries/${unknown}/resend`, 'webhook.delivery_not_found'],
    ] as const) {
      const res = await call(method, url, admin.headers, method === 'PATCH' ? { name: 'x' } : undefined)
      expect(res.statusCode, `${method} ${url}`).toBe(404)
      expect(res.json().code).toBe(code)
    }
    // Another subscription's delivery is not found through this one.
    const otherSub = await subscribe({ name: 'Other' })
    await call('POST', `/webhooks/${otherSub.id}/ping`, admin.headers)
    const [ping] = await deliveriesOf(otherSub.id)
    expect(
      (await call('POST', `/webhooks/${sub.id}/deliveries/${ping!.id}/resend`, admin.headers)).statusCode,
    ).toBe(404)
    for (const url of ['/webhooks/42', `/webhooks/${sub.id}/deliveries/nope/resend`])
      expect((await call(url.endsWith('resend') ? 'POST' : 'GET', url, admin.headers)).statusCode).toBe(400)
  })

  it('refuses bad inputs with 400 and a pointer per field', async () => {
    const base = { name: 'x', url: 'https://hooks.example.com/x', events: ['ticket.created'] }
    for (const [payload, pointer, code] of [
      [{ ...base, url: 'not a url' }, '/body/url', 'request.invalid'],
      [{ ...base, url: 'ftp://hooks.example.com/' }, '/body/url', 'webhook.target_refused'],
      [{ ...base, url: 'https://user:secret@hooks.example.com/' }, '/body/url', 'webhook.target_refused'],
      [{ ...base, events: [] }, '/body/events', 'request.invalid'],
      [{ ...base, events: ['ticket.created', 'ticket.exploded'] }, '/body/events/1', 'webhook.unknown_event'],
      [{ ...base, events: ['Not A Kind'] }, '/body/events/0', 'request.invalid'],
      [{ ...base, name: '' }, '/body/name', 'request.invalid'],
      [{ ...base, maxAttempts: 0 }, '/body/maxAttempts', 'request.invalid'],
      [{ ...base, secret: 'whsec_mine' }, '', 'request.invalid'],
    ] as const) {
      const res = await call('POST', '/webhooks', admin.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().code).toBe(code)
      if (pointer) expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer)
    }
    const sub = await subscribe()
    expect((await call('PATCH', `/webhooks/${sub.id}`, admin.headers, { events: [] })).statusCode).toBe(400)
    expect(
      (await call('PATCH', `/webhooks/${sub.id}`, admin.headers, { events: ['nope.nope'] })).json().code,
    ).toBe('webhook.unknown_event')
  })

  it('lists the desk types and every domain kind as subscribable', async () => {
    const res = await call('GET', '/webhooks/event-types', admin.headers)
    const types = res.json().map((e: { type: string }) => e.type)
    expect(types.slice(0, 4)).toEqual(['ticket.created', 'ticket.updated', 'ticket.solved', 'message.added'])
    expect(types).toEqual(
      expect.arrayContaining(['ticket.assigned', 'interaction.added', 'email.acknowledged']),
    )
    const sub = await subscribe({ events: ['email.acknowledged', 'ticket.merged'] })
    expect(sub.events).toEqual(['email.acknowledged', 'ticket.merged'])
  })

  it('audits create, update, rotate, resend and delete, never with the secret', async () => {
    const sub = await subscribe()
    await call('PATCH', `/webhooks/${sub.id}`, admin.headers, { name: 'CRM neu', active: false })
    await call('POST', `/webhooks/${sub.id}/rotate-secret`, admin.headers)
    await call('POST', `/webhooks/${sub.id}/ping`, admin.headers)
    const [ping] = await deliveriesOf(sub.id)
    await call('POST', `/webhooks/${sub.id}/deliveries/${ping!.id}/resend`, admin.headers)
    expect((await call('DELETE', `/webhooks/${sub.id}`, admin.headers)).statusCode).toBe(204)
    expect((await call('GET', `/webhooks/${sub.id}`, admin.headers)).statusCode).toBe(404)
    const records = await t.db
      .select()
      .from(auditRecords)
      .where(and(eq(auditRecords.targetId, sub.id), like(auditRecords.action, 'webhook.%')))
      .orderBy(auditRecords.at)
    expect(records.map((r) => r.action)).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.secret_rotated',
      'webhook.delivery_resent',
      'webhook.deleted',
    ])
    expect(records.every((r) => r.actorId === admin.id)).toBe(true)
    expect(records[0]!.after).toMatchObject({ name: 'CRM', url: receiver.url, secret: '[changed]' })
    expect(records[1]).toMatchObject({
      before: { name: 'CRM', active: true },
      after: { name: 'CRM neu', active: false },
    })
    expect(records[2]).toMatchObject({ before: { secret: '[changed]' }, after: { secret: '[changed]' } })
    const all = JSON.stringify(records)
    expect(all).not.toContain(sub.secret.slice(6))
    expect(all).not.toMatch(/v1:[A-Za-z0-9_-]+:/)
  })
})
