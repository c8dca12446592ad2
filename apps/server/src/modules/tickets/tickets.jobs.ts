import { z } from 'zod'
import { defineJob } from '../../platform/jobs.ts'
import { closeSolvedTickets } from './tickets.service.ts'

/** Every ten minutes: close tickets that stayed solved for a week. */
export const autoCloseJob = defineJob({
  name: 'tickets.autoclose',
  schema: z.object({}).passthrough(),
  cron: '*/10 * * * *',
  handler: async (ctx) => {
    let closed: number
    do {
      closed = await closeSolvedTickets(ctx)
      if (closed > 0) ctx.log.info({ closed }, 'closed solved tickets')
    } while (closed > 0)
  },
})

export const ticketJobs = [autoCloseJob]
