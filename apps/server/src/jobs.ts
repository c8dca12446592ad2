import { ticketJobs } from './modules/tickets/index.ts'
import type { JobDefinition } from './platform/jobs.ts'

/** Every background job of the desk; `startJobs` refuses to start when a name repeats. */
export const allJobs: JobDefinition[] = [...ticketJobs]
