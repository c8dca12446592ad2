import { z } from 'zod'
import { defineEvent } from '../../platform/domain-events.ts'

/**
 * What happens to a ticket's promises, on its timeline: `{ "<promise kind>": { from, to } }`
 * with the states before and after (a pause carries its reason).
 */
const stateChange = z
  .record(z.string(), z.object({ from: z.string().nullable(), to: z.string().nullable() }))
  .refine((v) => Object.keys(v).length > 0, 'at least one promise')

export const promiseWarning = defineEvent('promise.warning', stateChange)
export const promiseBreached = defineEvent('promise.breached', stateChange)
export const promisePaused = defineEvent('promise.paused', stateChange)
export const promiseResumed = defineEvent('promise.resumed', stateChange)

export const promiseEventKinds = [promiseWarning, promiseBreached, promisePaused, promiseResumed]
