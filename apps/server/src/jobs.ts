import type { Config } from './config.ts'
import { ticketJobs } from './modules/tickets/index.ts'
import { webhookRetentionJob } from './modules/webhooks/index.ts'
import type { JobDefinition } from './platform/jobs.ts'

/** Every background job of the desk; `startJobs` refuses to start when a name repeats. */
export const allJobs = (config: Pick<Config, 'webhookRetentionDays'>): JobDefinition[] => [
  ...ticketJobs,
  webhookRetentionJob({ days: config.webhookRetentionDays }),
]
