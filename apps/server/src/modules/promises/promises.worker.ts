import type { Ctx } from '../../platform/context.ts'
import { firePromisesDue } from './promises.service.ts'

/**
 * Fires due promises every `intervalMs` (and at once again while a sweep found a full batch), in
 * every desk process; SKIP LOCKED keeps two processes from firing one promise twice.
 */
export const startPromiseSweeper = (opts: { ctx: Ctx; intervalMs?: number; batch?: number }) => {
  const intervalMs = opts.intervalMs ?? 1000
  const batch = opts.batch ?? 500
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  const tick = async () => {
    try {
      while (!stopped && (await firePromisesDue(opts.ctx, { limit: batch })) >= batch) {}
    } catch (err) {
      opts.ctx.log.error({ err }, 'promises: the sweep failed; trying again')
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), intervalMs)
  }
  running = tick()
  return {
    stop: async () => {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
