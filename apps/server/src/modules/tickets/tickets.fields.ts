import type { TicketStatus } from '@tresen/contract'
import type { Ctx } from '../../platform/context.ts'
import type { DomainEvent } from '../../platform/domain-events.ts'
import { AppError } from '../../platform/errors.ts'
import {
  applyFieldInput,
  type FieldDef,
  type FieldValues,
  fieldDefinitions,
  missingRequired,
  parseFieldFilters,
} from '../fields/index.ts'
import { statusChanged } from './tickets.events.ts'

/**
 * Custom field values in the ticket commands: checked against the definitions, required before a
 * ticket is solved or closed (for its team), and read from the list filters.
 */

export const definitions = (ctx: Pick<Ctx, 'db'>) => fieldDefinitions(ctx)

/** Whether a status ends the work on a ticket, which is when required fields must be filled. */
export const isClosing = (status: TicketStatus | undefined) => status === 'solved' || status === 'closed'

/** Whether the command's events (the rules' included) solve or close the ticket. */
export const closesTicket = (events: readonly DomainEvent[]) =>
  events.some(
    (e) => e.kind === statusChanged.kind && isClosing((e.data as { status: { to: TicketStatus } }).status.to),
  )

// The problems name the fields (pointer and detail); the title, in the reader's language, says
// what is wrong as a whole, so no English detail is added.

/** The ticket's values after the input, with what changed; every problem of the input at once. */
export const fieldInput = (
  defs: readonly FieldDef[],
  current: FieldValues,
  input: Record<string, unknown>,
) => {
  const result = applyFieldInput(defs, current, input)
  if (result.problems.length > 0) {
    throw new AppError(
      result.unknownOnly ? 'field.unknown' : 'field.invalid_value',
      undefined,
      result.problems,
    )
  }
  return result
}

/** Refuses to solve or close a ticket whose team requires fields it has no value for, naming them all. */
export const checkRequired = (defs: readonly FieldDef[], teamId: string | null, values: FieldValues) => {
  const missing = missingRequired(defs, teamId, values)
  if (missing.length === 0) return
  throw new AppError(
    'ticket.fields_required',
    undefined,
    missing.map((d) => ({ pointer: `/body/fields/${d.key}`, detail: 'required to solve or close' })),
    { fields: missing.map((d) => d.key).join(',') },
  )
}

/** The list conditions of `key:op:value` filters (a pointer per bad one: `<base>/<n>`). */
export const fieldConditions = async (ctx: Pick<Ctx, 'db'>, filters: readonly string[], base?: string) => {
  if (filters.length === 0) return []
  const parsed = parseFieldFilters(await definitions(ctx), filters, base)
  if (parsed.problems.length > 0) {
    throw new AppError(
      parsed.unknownOnly ? 'field.unknown' : 'field.invalid_value',
      undefined,
      parsed.problems,
    )
  }
  return parsed.conditions
}
