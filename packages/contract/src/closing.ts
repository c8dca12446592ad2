import { z } from 'zod'

/**
 * A proper close (docs/service-standards.md): the checklist an agent answers before solving a
 * ticket, the follow-up that asks the customer whether the problem is solved, and the quiet
 * period after which a solved ticket closes.
 */

/** An item's or option's key, stable once answers use it (a retired item keeps its key). */
export const ClosingItemKey = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, 'a small letter, then letters, digits or _ (at most 40)')
export type ClosingItemKey = z.infer<typeof ClosingItemKey>

const Label = z.string().trim().min(1).max(200)
export const ClosingLabel = z.strictObject({ de: Label, en: Label })
export type ClosingLabel = z.infer<typeof ClosingLabel>

export const ClosingOption = z.strictObject({
  value: ClosingItemKey,
  label: ClosingLabel,
  /** Answering this option schedules the follow-up that asks the customer whether it is solved. */
  followUp: z.boolean().default(false),
})
export type ClosingOption = z.infer<typeof ClosingOption>

/**
 * One question of the checklist: a `check` is ticked (its answer is `true`), a `choice` is
 * answered with one of its options' values. Retired items are no longer asked; answers given to
 * them stay on the tickets that have them.
 */
export const ClosingItem = z
  .strictObject({
    key: ClosingItemKey,
    kind: z.enum(['check', 'choice']),
    label: ClosingLabel,
    options: z.array(ClosingOption).max(10).default([]),
    required: z.boolean().default(true),
    retired: z.boolean().default(false),
  })
  .superRefine((item, ctx) => {
    if (item.kind === 'choice' && item.options.length < 2)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice needs at least two options' })
    if (item.kind === 'check' && item.options.length > 0)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a check has no options' })
    const values = item.options.map((o) => o.value)
    const twice = values.findIndex((v, i) => values.indexOf(v) !== i)
    if (twice >= 0)
      ctx.addIssue({ code: 'custom', path: ['options', twice, 'value'], message: 'given twice' })
  })
export type ClosingItem = z.infer<typeof ClosingItem>

/** The closing settings as admins edit them (GET and PUT /settings/closing). */
export const ClosingSettings = z
  .strictObject({
    items: z.array(ClosingItem).max(20),
    /** Business hours after the solve (in the team's calendar) before the follow-up is sent. */
    followUpDelayBusinessHours: z.number().int().min(1).max(400),
    /** How long the customer's yes/no links work. */
    followUpLinkDays: z.number().int().min(1).max(90),
    /** Days a solved ticket stays solved without news before it closes. */
    autoCloseDays: z.number().int().min(1).max(365),
  })
  .superRefine((s, ctx) => {
    const keys = s.items.map((i) => i.key)
    const twice = keys.findIndex((k, i) => keys.indexOf(k) !== i)
    if (twice >= 0) ctx.addIssue({ code: 'custom', path: ['items', twice, 'key'], message: 'given twice' })
  })
export type ClosingSettings = z.infer<typeof ClosingSettings>

/** The questions an agent answers before solving (GET /closing/checklist): the items not retired. */
export const ClosingChecklist = z.object({ items: z.array(ClosingItem) })
export type ClosingChecklist = z.infer<typeof ClosingChecklist>

/** The answers given with a solve: a check's key with `true`, a choice's key with an option's value. */
export const ClosingAnswers = z.record(ClosingItemKey, z.union([z.boolean(), z.string().max(40)]))
export type ClosingAnswers = z.infer<typeof ClosingAnswers>

/** One answered item as stored on the ticket, with its labels as they were when answered. */
export const ClosingAnswer = z.object({
  key: z.string(),
  label: z.object({ de: z.string(), en: z.string() }),
  answer: z.union([z.boolean(), z.string()]),
  /** A choice's chosen option's label. */
  answerLabel: z.object({ de: z.string(), en: z.string() }).nullable(),
})
export type ClosingAnswer = z.infer<typeof ClosingAnswer>

/** The checklist as answered when the ticket was last solved (or closed by staff). */
export const TicketClosing = z.object({
  answers: z.array(ClosingAnswer),
  answeredAt: z.string(),
  answeredById: z.string().nullable(),
  /** The answers ask for a follow-up to the customer (the customer has not confirmed yet). */
  followUp: z.boolean(),
})
export type TicketClosing = z.infer<typeof TicketClosing>
