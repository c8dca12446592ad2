import { z } from 'zod'
import { Id, Language, Timestamp } from './common.ts'

/**
 * The variables a text module may use, written `{{name}}` in its body or subject, with what a
 * reader calls the value in each language (the label also names a missing value's mark).
 */
export const TEXT_MODULE_VARIABLES = {
  'customer.greeting': { de: 'Anrede', en: 'greeting' },
  'customer.name': { de: 'Kundenname', en: 'customer name' },
  'customer.firstName': { de: 'Vorname des Kunden', en: "customer's first name" },
  'customer.lastName': { de: 'Nachname des Kunden', en: "customer's last name" },
  'ticket.number': { de: 'Ticketnummer', en: 'ticket number' },
  'ticket.subject': { de: 'Betreff', en: 'subject' },
  'agent.name': { de: 'Name des Bearbeiters', en: "agent's name" },
  'agent.firstName': { de: 'Vorname des Bearbeiters', en: "agent's first name" },
  'team.name': { de: 'Teamname', en: 'team name' },
  'ticket.expectedAnswer': { de: 'voraussichtliche Antwortzeit', en: 'expected answer time' },
  today: { de: 'heutiges Datum', en: "today's date" },
} as const satisfies Record<string, { de: string; en: string }>
export type TextModuleVariable = keyof typeof TEXT_MODULE_VARIABLES
export const TEXT_MODULE_VARIABLE_NAMES = Object.keys(TEXT_MODULE_VARIABLES) as TextModuleVariable[]

/** `{{ name }}` in a module's text. */
export const VARIABLE_PATTERN = /\{\{\s*([\w.]+)\s*\}\}/g

/** The mark a missing value is shown as, e.g. "[Kundenname fehlt]" / "[customer name missing]". */
export const missingMark = (variable: TextModuleVariable, language: Language) =>
  language === 'de'
    ? `[${TEXT_MODULE_VARIABLES[variable].de} fehlt]`
    : `[${TEXT_MODULE_VARIABLES[variable].en} missing]`

const ALL_MARKS = TEXT_MODULE_VARIABLE_NAMES.flatMap((v) => [missingMark(v, 'de'), missingMark(v, 'en')])

/** The marks of missing values still in a text (a reply with one is not sent). */
export const findMissingMarks = (text: string) => ALL_MARKS.filter((mark) => text.includes(mark))

export const TextModuleScope = z.enum(['personal', 'team', 'global'])
export type TextModuleScope = z.infer<typeof TextModuleScope>

const variableText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      for (const [, name] of value.matchAll(VARIABLE_PATTERN)) {
        if (!(name! in TEXT_MODULE_VARIABLES)) {
          ctx.addIssue({ code: 'custom', message: `unknown variable {{${name}}}` })
        }
      }
    })

export const TextModuleVariant = z.strictObject({
  subject: variableText(500).optional(),
  body: variableText(20_000).refine((v) => v.trim().length > 0, 'must not be empty'),
})
export type TextModuleVariant = z.infer<typeof TextModuleVariant>

const variants = z
  .strictObject({ de: TextModuleVariant.optional(), en: TextModuleVariant.optional() })
  .refine((v) => v.de || v.en, 'a German or an English variant is needed')

const Shortcut = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(30)
  .regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, _ and - only')
const ModuleTag = z.string().trim().toLowerCase().min(1).max(50)

export const TextModule = z.object({
  id: Id,
  scope: TextModuleScope,
  team: z.object({ id: Id, name: z.string() }).nullable(),
  owner: z.object({ id: Id, name: z.string() }).nullable(),
  shortcut: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  variants: z.object({ de: TextModuleVariant.optional(), en: TextModuleVariant.optional() }),
  usageCount: z.number().int(),
  archived: z.boolean(),
  /** Whether the caller may change or archive it. */
  editable: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type TextModule = z.infer<typeof TextModule>

export const CreateTextModuleInput = z
  .strictObject({
    scope: TextModuleScope,
    /** The team of a team module. */
    teamId: Id.optional(),
    shortcut: Shortcut,
    title: z.string().trim().min(1).max(200),
    tags: z.array(ModuleTag).max(20).default([]),
    variants,
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'team' && !v.teamId)
      ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'required for a team module' })
    if (v.scope !== 'team' && v.teamId)
      ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'only for a team module' })
  })
export type CreateTextModuleInput = z.infer<typeof CreateTextModuleInput>

export const UpdateTextModuleInput = z.strictObject({
  shortcut: Shortcut.optional(),
  title: z.string().trim().min(1).max(200).optional(),
  tags: z.array(ModuleTag).max(20).optional(),
  variants: variants.optional(),
  archived: z.boolean().optional(),
})
export type UpdateTextModuleInput = z.infer<typeof UpdateTextModuleInput>

export const TextModuleQuery = z.object({
  /** Matches the shortcut (from its start) or the title (anywhere), ignoring case. */
  q: z.string().trim().max(100).optional(),
  scope: TextModuleScope.optional(),
  archived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type TextModuleQuery = z.infer<typeof TextModuleQuery>

export const RenderTextModuleInput = z.strictObject({
  /** The ticket whose customer, agent and team fill the variables: id or number. */
  ticket: z.union([Id, z.number().int().positive()]),
})
export type RenderTextModuleInput = z.infer<typeof RenderTextModuleInput>

/** A module filled in for one ticket: the ticket's language, or the other variant with `fallback`. */
export const RenderedTextModule = z.object({
  language: Language,
  /** The ticket's language has no variant: the other one is shown. */
  fallback: z.boolean(),
  subject: z.string().nullable(),
  text: z.string(),
  /** The text as HTML paragraphs, missing values as `<mark data-missing="…">`. */
  html: z.string(),
  /** The variables that had no value (shown as marks the agent replaces). */
  missing: z.array(z.string()),
})
export type RenderedTextModule = z.infer<typeof RenderedTextModule>
