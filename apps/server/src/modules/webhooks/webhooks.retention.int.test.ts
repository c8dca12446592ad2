import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq, inArray } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { allJobs } from '../../jobs.ts'
import { fixedClock } from '../../platform/clock.ts'
import { checkJobRegistry } from '../../platform/jobs.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { purgeWebhookDeliveries, webhookRetentionJob } from './webhooks.jobs.ts'
import * as repo from './webhooks.repository.ts'
import { createWebhook, type WebhooksCtx } from './webhooks.service.ts'
import { webhookAttempts, webhookDeliveries } from './webhooks.tables.ts'
import { deliverWebhooksDue } from './webhooks.worker.ts'

const DAY = 86_400_000
const NOW = new Date('2026-12-07T12:00:00Z')
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY)

let t: TestApp
let server: http.Server
let url: string
/** Answers 204, or what the path asks for (`/hook?status=410`). */
beforeAll(async () => {
  t = await startTestApp()
  server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 204)
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await t?.close()
})

const ctxAt = (at: Date): WebhooksCtx => ({
  ...t.ctxAs(),
  clock: fixedClock(at),
  box: createSecretBox(t.sessionSecret),
  net: { resolve: async () => [{ address: '127.0.0.1', family: 4 }], timeoutMs: 5000 },
})

const subscribe = async (target: string) =>
  createWebhook(ctxAt(daysAgo(90)), {
    name: `Retention ${target}`,
    url: target,
    events: ['ticket.created'],
    active: true,
    allowPrivateHost: '127.0.0.1',
    maxAttempts: 8,
  })

/** A delivery written at `at` (as the fan-out writes it), then worked by the real worker at `at`. */
const deliveredAt = async (subscriptionId: string, at: Date) => {
  const id = uuidv7()
  await repo.insertDeliveries(t.db, [
    {
      id,
      subscriptionId,
      type: 'webhook.ping',
      payload: '{"type":"webhook.ping"}',
      nextAttemptAt: at,
      createdAt: at,
    },
  ])
  expect(await deliverWebhooksDue(ctxAt(at))).toBe(1)
  return id
}

const statusOf = async (ids: string[]) =>
  Object.fromEntries(
    (
      await t.db
        .select({ id: webhookDeliveries.id, status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.id, ids))
    ).map((r) => [r.id, r.status]),
  )
const attemptsFor = async (ids: string[]) =>
  (await t.db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, ids))).length

describe('webhook delivery retention', () => {
  it('deletes delivered and failed deliveries older than the period in batches, with their attempts; never pending ones', async () => {
    const ok = await subscribe(url)
    const gone = await subscribe(`${url}?status=410`)
    const down = await subscribe(`${url}?status=503`)

    const oldDelivered = [] as string[]
    for (const d of [40, 39, 38, 37, 36, 35]) oldDelivered.push(await deliveredAt(ok.id, daysAgo(d)))
    const oldFailed = await deliveredAt(gone.id, daysAgo(45)) // 410: failed at once
    const recent = await deliveredAt(ok.id, daysAgo(10))
    // Created long ago, resent and delivered again five days ago: settled within the period.
    const resent = await deliveredAt(ok.id, daysAgo(50))
    await repo.requeue(t.db, resent, daysAgo(5))
    expect(await deliverWebhooksDue(ctxAt(daysAgo(5)))).toBe(1)
    // Still being tried (503), created two months ago: never deleted.
    const pending = await deliveredAt(down.id, daysAgo(60))
    // Never tried at all, as old.
    const untried = uuidv7()
    await repo.insertDeliveries(t.db, [
      {
        id: untried,
        subscriptionId: ok.id,
        type: 'webhook.ping',
        payload: '{}',
        nextAttemptAt: daysAgo(60),
        createdAt: daysAgo(60),
      },
    ])
    const all = [...oldDelivered, oldFailed, recent, resent, pending, untried]
    expect(await statusOf([oldFailed, pending, resent])).toEqual({
      [oldFailed]: 'failed',
      [pending]: 'pending',
      [resent]: 'delivered',
    })
    expect(await attemptsFor([...oldDelivered, oldFailed])).toBe(7)

    // Seven to delete, three at a time: 3 + 3 + 1.
    expect(await purgeWebhookDeliveries(ctxAt(NOW), { days: 30, batchSize: 3 })).toBe(7)
    const left = await statusOf(all)
    expect(Object.keys(left).sort()).toEqual([recent, resent, pending, untried].sort())
    expect(await attemptsFor([...oldDelivered, oldFailed])).toBe(0)
    expect(await attemptsFor([recent, resent, pending])).toBe(4)
    expect(await purgeWebhookDeliveries(ctxAt(NOW), { days: 30, batchSize: 3 })).toBe(0)

    // The nightly job with a shorter period takes the recent ones too; pending ones stay.
    await webhookRetentionJob({ days: 3 }).handler(ctxAt(NOW), {})
    expect(Object.keys(await statusOf(all)).sort()).toEqual([pending, untried].sort())

    // A clock a year on changes nothing for deliveries still pending.
    expect(await purgeWebhookDeliveries(ctxAt(new Date(NOW.getTime() + 365 * DAY)), { days: 30 })).toBe(0)
    const [p] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, pending))
    expect(p).toMatchObject({ status: 'pending', lastStatusCode: 503 })
  })

  it('is one of the desk’s scheduled jobs, nightly, with the configured period', () => {
    const jobs = allJobs({ webhookRetentionDays: 30 })
    expect(() => checkJobRegistry(jobs)).not.toThrow()
    const job = jobs.find((j) => j.name === 'webhooks.purge_deliveries')
    expect(job?.cron).toBe('17 3 * * *')
  })
})
