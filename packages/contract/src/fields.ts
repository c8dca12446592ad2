import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

/** The kinds of value a ticket field holds. The type of a field never changes after it is created. */
export const FieldType = z.enum(['text', 'number', 'date', 'select', 'multi_select', 'checkbox'])
export type FieldType = z.infer<typeof FieldType>

/** A field's stable name in the API, values and filters: lower snake case, never changed. */
export const FieldKey = z
  .string()
  .max(50)
  .regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'lower snake case: a-z, 0-9 and _')
export type FieldKey = z.infer<typeof FieldKey>

/** An option's stable value (what tickets store); its labels may change. */
export const FieldOptionValue = z
  .string()
  .max(50)
  .regex(/^[a-z0-9]+([_-][a-z0-9]+)*$/, 'lower case letters, digits, _ and -')

/** The longest text value a text field keeps. */
export const FIELD_TEXT_LIMIT = 1000
/** Numbers beyond this are refused (they would lose precision in JSON). */
export const FIELD_NUMBER_LIMIT = 1e15
/** At most this many filter conditions on custom fields in one list query. */
export const FIELD_FILTER_LIMIT = 10

const Label = z.string().trim().min(1).max(100)
const Help = z.string().trim().max(500)

/** A text in both languages of the desk. */
export const FieldLabel = z.strictObject({ de: Label, en: Label })
export const FieldDescription = z.strictObject({ de: Help.default(''), en: Help.default('') })

export const FieldOption = z.object({
  value: z.string(),
  label: z.object({ de: z.string(), en: z.string() }),
  /** A retired option is no longer offered; tickets that have it keep it. */
  retired: z.boolean(),
})
export type FieldOption = z.infer<typeof FieldOption>

export const FieldOptionInput = z.strictObject({
  value: FieldOptionValue,
  label: FieldLabel,
  retired: z.boolean().default(false),
})

/**
 * When a field must be filled: never, for the tickets of every team, or for the tickets of the
 * teams in `requiredTeamIds`. A required field is enforced when a ticket is solved or closed.
 */
export const FieldRequired = z.enum(['never', 'all', 'teams'])
export type FieldRequired = z.infer<typeof FieldRequired>

/** A custom ticket field as the API shows it. */
export const TicketField = z.object({
  id: Id,
  key: z.string(),
  type: FieldType,
  label: z.object({ de: z.string(), en: z.string() }),
  description: z.object({ de: z.string(), en: z.string() }),
  options: z.array(FieldOption),
  /** Number fields: the smallest and largest value allowed (null: no bound). */
  min: z.number().nullable(),
  max: z.number().nullable(),
  position: z.number().int(),
  required: FieldRequired,
  requiredTeamIds: z.array(Id),
  /** Archived fields are hidden and take no values; the values tickets have are kept. */
  archived: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type TicketField = z.infer<typeof TicketField>

const Bound = z.number().min(-FIELD_NUMBER_LIMIT).max(FIELD_NUMBER_LIMIT)

export const CreateTicketFieldInput = z.strictObject({
  key: FieldKey,
  type: FieldType,
  label: FieldLabel,
  description: FieldDescription.default({ de: '', en: '' }),
  /** Select and multi-select fields: at least one option; other types: none. */
  options: z.array(FieldOptionInput).max(200).default([]),
  min: Bound.nullable().optional(),
  max: Bound.nullable().optional(),
  /** Where the field shows among the others (smaller first); the end when left out. */
  position: z.number().int().min(0).max(10_000).optional(),
  required: FieldRequired.default('never'),
  requiredTeamIds: z.array(Id).max(100).default([]),
})
export type CreateTicketFieldInput = z.infer<typeof CreateTicketFieldInput>

/** Key and type stay as created; options can be added, relabelled and retired, never removed. */
export const UpdateTicketFieldInput = z.strictObject({
  label: FieldLabel.optional(),
  description: FieldDescription.optional(),
  options: z.array(FieldOptionInput).max(200).optional(),
  min: Bound.nullable().optional(),
  max: Bound.nullable().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  required: FieldRequired.optional(),
  requiredTeamIds: z.array(Id).max(100).optional(),
  archived: z.boolean().optional(),
})
export type UpdateTicketFieldInput = z.infer<typeof UpdateTicketFieldInput>

/** Puts the fields in this order (every field not archived, each once). */
export const ReorderTicketFieldsInput = z.strictObject({ ids: z.array(Id).min(1).max(500) })
export type ReorderTicketFieldsInput = z.infer<typeof ReorderTicketFieldsInput>

export const TicketFieldQuery = z.object({
  /** Admins only: archived fields too. */
  archived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
})

/** A stored value: text, date (YYYY-MM-DD) and select as strings, multi-select as a list. */
export const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])
export type FieldValue = z.infer<typeof FieldValue>

/** A ticket's custom field values by key. */
export const TicketFieldValues = z.record(z.string(), FieldValue)
export type TicketFieldValues = z.infer<typeof TicketFieldValues>

/**
 * Values to set on a ticket, by key; null clears a value. Each value is checked against its
 * field on the server, which answers with a pointer per field (`/body/fields/<key>`).
 */
export const TicketFieldValuesInput = z
  .record(z.string().max(100), z.unknown())
  .refine((v) => Object.keys(v).length <= 200, 'at most 200 fields')

/** How a filter compares: equal, contains (multi-select), at least, at most (number and date). */
export const FieldFilterOp = z.enum(['eq', 'has', 'gte', 'lte'])
export type FieldFilterOp = z.infer<typeof FieldFilterOp>

const FILTER = /^[a-z][a-z0-9_]*:(eq|has|gte|lte):/

/**
 * Custom field conditions of a ticket list, each `key:op:value` (`order_type:eq:refund`,
 * `products:has:bike`, `amount:gte:10`, `due:lte:2026-12-31`, `callback:eq:true`), given as
 * repeated `field` parameters or separated by commas. All conditions must hold.
 */
export const FieldFilters = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/,(?=[a-z][a-z0-9_]*:(?:eq|has|gte|lte):)/).filter(Boolean) : v),
  z
    .array(z.string().max(300).regex(FILTER, 'key:op:value with op eq, has, gte or lte'))
    .max(FIELD_FILTER_LIMIT),
)
