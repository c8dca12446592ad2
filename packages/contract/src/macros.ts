import { z } from 'zod'
import { ClosingAnswers } from './closing.ts'
import { Id, Timestamp } from './common.ts'
import { TicketPriority, TicketStatus } from './tickets.ts'

const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N}_.:-]+$/u, 'letters, digits and _ . : - only')

/** One change a macro makes. Applied in a fixed order (see docs/text-modules-and-macros.md). */
export const MacroAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('status'), status: TicketStatus }),
  z.strictObject({ type: z.literal('priority'), priority: TicketPriority }),
  z.strictObject({
    type: z.literal('team'),
    teamId: Id,
    /** Why the ticket moves (a transfer needs one); default: the macro's name. */
    reason: z.string().trim().max(2000).optional(),
  }),
  z
    .strictObject({
      type: z.literal('tags'),
      add: z.array(Tag).max(20).default([]),
      remove: z.array(Tag).max(20).default([]),
    })
    .refine((v) => v.add.length + v.remove.length > 0, 'add or remove at least one tag'),
  /** A user, "me" (whoever applies it) or null (unassigned). */
  z.strictObject({ type: z.literal('assignee'), assignee: z.union([Id, z.literal('me')]).nullable() }),
  z
    .strictObject({
      type: z.literal('reply'),
      /** A text module, filled in for the ticket. */
      textModuleId: Id.optional(),
      text: z.string().trim().max(20_000).optional(),
    })
    .refine((v) => Boolean(v.textModuleId) !== Boolean(v.text), 'a text module or a text, not both'),
  z.strictObject({ type: z.literal('note'), text: z.string().trim().min(1).max(20_000) }),
])
export type MacroAction = z.infer<typeof MacroAction>

export const Macro = z.object({
  id: Id,
  name: z.string(),
  /** The teams whose agents see it; empty: everyone (a global macro). */
  teams: z.array(z.object({ id: Id, name: z.string() })),
  actions: z.array(MacroAction),
  archived: z.boolean(),
  editable: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Macro = z.infer<typeof Macro>

const actions = z
  .array(MacroAction)
  .min(1)
  .max(20)
  .superRefine((list, ctx) => {
    const seen = new Set<string>()
    list.forEach((a, i) => {
      if (seen.has(a.type) && a.type !== 'note')
        ctx.addIssue({ code: 'custom', path: [i, 'type'], message: `only one ${a.type} action` })
      seen.add(a.type)
    })
  })

export const CreateMacroInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  teamIds: z.array(Id).max(50).default([]),
  actions,
})
export type CreateMacroInput = z.infer<typeof CreateMacroInput>

export const UpdateMacroInput = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  teamIds: z.array(Id).max(50).optional(),
  actions: actions.optional(),
  archived: z.boolean().optional(),
})
export type UpdateMacroInput = z.infer<typeof UpdateMacroInput>

export const MacroQuery = z.object({
  archived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** Only what the caller may manage (admins and supervisors). */
  manage: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
})

export const ApplyMacroInput = z.strictObject({
  ticket: z.union([Id, z.number().int().positive()]),
  /** The closing checklist's answers, required when the macro solves or closes the ticket. */
  closing: ClosingAnswers.optional(),
})
export type ApplyMacroInput = z.infer<typeof ApplyMacroInput>
