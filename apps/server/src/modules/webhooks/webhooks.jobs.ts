import { z } from 'zod'
import type { Ctx } from '../../platform/context.ts'
import { defineJob } from '../../platform/jobs.ts'
import * as repo from './webhooks.repository.ts'

/** Days a delivered or failed delivery (with its attempt log) is kept; `TRESEN_WEBHOOK_RETENTION_DAYS`. */
export const WEBHOOK_RETENTION_DAYS = 30
export const WEBHOOK_PURGE_BATCH = 1000

/**
 * Deletes delivered and failed deliveries settled more than `days` before the clock's now, in
 * batches of `batchSize`, each its own statement (short locks, no long transaction). Pending
 * deliveries are never deleted, however old. Returns how many were deleted.
 */
export const purgeWebhookDeliveries = async (
  ctx: Pick<Ctx, 'db' | 'clock'>,
  opts: { days: number; batchSize?: number },
) => {
  const before = new Date(ctx.clock.now().getTime() - opts.days * 86_400_000)
  const batch = opts.batchSize ?? WEBHOOK_PURGE_BATCH
  let total = 0
  for (;;) {
    const n = await repo.deleteSettledBefore(ctx.db, before, batch)
    total += n
    if (n < batch) return total
  }
}

/** Every night at 03:17 UTC: the retention of the delivery log. */
export const webhookRetentionJob = (opts: { days: number }) =>
  defineJob({
    name: 'webhooks.purge_deliveries',
    schema: z.object({}).passthrough(),
    cron: '17 3 * * *',
    handler: async (ctx) => {
      const deleted = await purgeWebhookDeliveries(ctx, { days: opts.days })
      if (deleted > 0) ctx.log.info({ deleted, days: opts.days }, 'deleted old webhook deliveries')
    },
  })
