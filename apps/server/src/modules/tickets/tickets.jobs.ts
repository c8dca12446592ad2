import { z } from 'zod'
import { defineJob } from '../../platform/jobs.ts'
import { autoCloseDays } from './tickets.closing.ts'
import { closeSolvedTickets } from './tickets.service.ts'

/** Every ten minutes: close tickets that stayed solved for the quiet period (an admin setting, a week by default). */
export const autoCloseJob = defineJob({
  name: 'tickets.autoclose',
  schema: z.object({}).passthrough(),
  cron: '*/10 * * * *',
  handler: async (ctx) => {
    const days = await autoCloseDays(ctx)
    let closed: number
    do {
      closed = await closeSolvedTickets(ctx, { days })
      if (closed > 0) ctx.log.info({ closed, days }, 'closed solved tickets')
    } while (closed > 0)
  },
})

export const ticketJobs = [autoCloseJob]
