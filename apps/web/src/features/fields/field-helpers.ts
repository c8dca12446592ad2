import type { FieldValue, TicketField } from './api.ts'

/** A text of a field in the reader's language. */
export const inLanguage = (text: { de: string; en: string }, lang: string) =>
  lang.startsWith('de') ? text.de || text.en : text.en || text.de

/** Whether a field must be filled before a ticket of this team is solved or closed. */
export const isRequiredFor = (field: TicketField, teamId: string | null | undefined) =>
  !field.archived &&
  (field.required === 'all' ||
    (field.required === 'teams' && !!teamId && field.requiredTeamIds.includes(teamId)))

/** A value as a person reads it: option labels, dates and yes/no in their language. */
export const showValue = (
  field: TicketField | undefined,
  value: unknown,
  lang: string,
  yesNo: (v: boolean) => string,
): string => {
  if (value === null || value === undefined || value === '') return '–'
  const option = (v: string) => {
    const o = field?.options.find((x) => x.value === v)
    return o ? inLanguage(o.label, lang) : v
  }
  if (Array.isArray(value)) return value.length ? value.map((v) => option(String(v))).join(', ') : '–'
  if (typeof value === 'boolean') return yesNo(value)
  if (field?.type === 'select') return option(String(value))
  if (field?.type === 'date' && typeof value === 'string') {
    const [y, m, d] = value.split('-').map(Number)
    return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString(lang, { timeZone: 'UTC' })
  }
  if (typeof value === 'number') return value.toLocaleString(lang)
  return String(value)
}

/** The values that differ between what the ticket has and what the form holds (null clears). */
export const changedValues = (
  before: Record<string, FieldValue>,
  draft: Record<string, FieldValue | null>,
): Record<string, FieldValue | null> => {
  const out: Record<string, FieldValue | null> = {}
  for (const [key, value] of Object.entries(draft)) {
    const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0)
    const next = empty ? null : value
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(next)) out[key] = next
  }
  return out
}

/** The field errors of a problem answer, by field key (`/body/fields/<key>`). */
export const fieldErrors = (errors: { pointer: string; detail: string }[] | undefined) => {
  const out: Record<string, string> = {}
  for (const e of errors ?? []) {
    const m = /^\/body\/fields\/(.+)$/.exec(e.pointer)
    if (m) out[m[1]!.replaceAll('~1', '/').replaceAll('~0', '~')] = e.detail
  }
  return out
}

export type FilterOp = 'eq' | 'has' | 'gte' | 'lte'
export type FieldFilter = { key: string; op: FilterOp; value: string }

/** The operators a field type is filtered with. */
export const opsFor = (type: TicketField['type']): FilterOp[] =>
  type === 'multi_select' ? ['has'] : type === 'number' || type === 'date' ? ['eq', 'gte', 'lte'] : ['eq']

export const filterToParam = (f: FieldFilter) => `${f.key}:${f.op}:${f.value}`

/** Reads `key:op:value` filters (from the address or a saved view); bad ones are left out. */
export const parseFilters = (params: readonly string[]): FieldFilter[] =>
  params.flatMap((p) => {
    const m = /^([a-z][a-z0-9_]*):(eq|has|gte|lte):(.*)$/s.exec(p)
    return m ? [{ key: m[1]!, op: m[2] as FilterOp, value: m[3]! }] : []
  })

/** The address keeps field filters in one `field` parameter, separated by commas (as the API reads them). */
export const splitFilterParam = (value: string | null) =>
  value ? value.split(/,(?=[a-z][a-z0-9_]*:(?:eq|has|gte|lte):)/).filter(Boolean) : []
