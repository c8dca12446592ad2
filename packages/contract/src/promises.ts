import { z } from 'zod'
import { Id } from './common.ts'

/** A promise's state: open ones run, pause, warn or are breached; kept ones are met. */
export const PromiseState = z.enum(['running', 'paused', 'warning', 'breached', 'met', 'cancelled'])
export type PromiseState = z.infer<typeof PromiseState>

/** The promise kinds of response-target policies (later issues add live waits, holds, …). */
export const SlaPromiseKind = z.enum([
  'sla.first_response',
  'sla.next_response',
  'sla.periodic_update',
  'sla.resolution',
])

/** One promise of a ticket, as the API shows it (figures computed at the time of the answer). */
export const TicketPromise = z.object({
  id: Id,
  kind: z.string(),
  state: PromiseState,
  business: z.boolean(),
  targetMinutes: z.number(),
  startedAt: z.iso.datetime(),
  /** When it is due; null while paused or kept. */
  dueAt: z.iso.datetime().nullable(),
  /** Time left in minutes of its clock (business or wall); negative when late; null once kept. */
  leftMinutes: z.number().nullable(),
  pauseReason: z.string().nullable(),
  pauseUntil: z.iso.datetime().nullable(),
  warnedAt: z.iso.datetime().nullable(),
  breachedAt: z.iso.datetime().nullable(),
  metAt: z.iso.datetime().nullable(),
  policyId: Id.nullable(),
  /**
   * For a breached promise: whether the first reply after the breach apologised (true/false),
   * null while no reply followed it. A reply is prompted to apologise while this is null.
   */
  apologized: z.boolean().nullable(),
  /** Made to the customer (a response target), or one the desk keeps to itself (a supervisor joining). */
  customerFacing: z.boolean(),
})
export type TicketPromise = z.infer<typeof TicketPromise>

/** The worst state of a ticket's open promises and the next due time, on every list row. */
export const PromiseSummary = z.object({
  state: z.enum(['running', 'paused', 'warning', 'breached']),
  dueAt: z.iso.datetime().nullable(),
})
export type PromiseSummary = z.infer<typeof PromiseSummary>

export const SlaTarget = z.object({
  minutes: z.number().int().min(1).max(525_600),
  business: z.boolean().default(true),
})
export const SlaTargets = z
  .object({
    firstResponse: SlaTarget.optional(),
    nextResponse: SlaTarget.optional(),
    periodicUpdate: SlaTarget.optional(),
    resolution: SlaTarget.optional(),
  })
  .refine((t) => Object.values(t).some(Boolean), 'at least one target')
export const SlaConditions = z.object({
  channels: z.array(z.string().min(1).max(40)).max(20).optional(),
  priorities: z
    .array(z.enum(['low', 'normal', 'high', 'urgent']))
    .max(4)
    .optional(),
  teamIds: z.array(Id).max(100).optional(),
  organizationIds: z.array(Id).max(100).optional(),
  tags: z.array(z.string().min(1).max(100)).max(50).optional(),
})

export const SlaPolicy = z.object({
  id: Id,
  name: z.string(),
  position: z.number().int(),
  active: z.boolean(),
  conditions: SlaConditions,
  targets: SlaTargets,
  /** Share of a target used when it turns to warning. */
  warnAt: z.number(),
  maxPauseMinutes: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type SlaPolicy = z.infer<typeof SlaPolicy>

export const CreateSlaPolicyInput = z.object({
  name: z.string().trim().min(1).max(200),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().default(true),
  conditions: SlaConditions.default({}),
  targets: SlaTargets,
  warnAt: z.number().min(0.5).max(0.99).default(0.75),
  maxPauseMinutes: z.number().int().min(5).max(43_200).default(1440),
})
export const UpdateSlaPolicyInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    position: z.number().int().min(0).max(10_000),
    active: z.boolean(),
    conditions: SlaConditions,
    targets: SlaTargets,
    warnAt: z.number().min(0.5).max(0.99),
    maxPauseMinutes: z.number().int().min(5).max(43_200),
  })
  .partial()

/** A manual pause of a ticket's response clocks: a reason, and how long at most. */
export const PausePromisesInput = z.object({
  reason: z.string().trim().min(3).max(500),
  minutes: z.number().int().min(1).max(43_200),
})
