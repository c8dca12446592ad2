import {
  FIELD_NUMBER_LIMIT,
  FIELD_TEXT_LIMIT,
  type FieldOption,
  type FieldRequired,
  type FieldType,
  type FieldValue,
} from '@tresen/contract'
import type { FieldProblem } from '../../platform/errors.ts'

/**
 * The pure rules of custom field values: what a value of each type may be, what changes when a
 * ticket's values are set, which required fields are missing, and how a list filter reads.
 */

/** What the value rules need to know of a field definition. */
export type FieldDef = {
  key: string
  type: FieldType
  label: { de: string; en: string }
  options: FieldOption[]
  min: number | null
  max: number | null
  required: FieldRequired
  requiredTeamIds: string[]
  archived: boolean
}

export type FieldValues = Record<string, FieldValue>
export type FieldChange = { from: FieldValue | null; to: FieldValue | null }

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar date written YYYY-MM-DD that exists (no 31 April, 29 February only in leap years). */
export const isDate = (value: string) => {
  const m = DATE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === value
}

const formatNumber = (n: number) => String(n)

type Checked = { ok: true; value: FieldValue | null } | { ok: false; detail: string }
const bad = (detail: string): Checked => ({ ok: false, detail })
const good = (value: FieldValue | null): Checked => ({ ok: true, value })

/**
 * One value checked against its field. `current` is what the ticket has now: a retired option it
 * already holds may stay, a retired option it does not hold cannot be chosen. Empty text, an
 * empty list and null clear the value.
 */
export const checkValue = (def: FieldDef, raw: unknown, current: FieldValue | undefined): Checked => {
  if (raw === null) return good(null)
  switch (def.type) {
    case 'text': {
      if (typeof raw !== 'string') return bad('must be text')
      const text = raw.trim()
      if (text.length > FIELD_TEXT_LIMIT) return bad(`longer than ${FIELD_TEXT_LIMIT} characters`)
      return good(text === '' ? null : text)
    }
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad('not a number')
      if (Math.abs(raw) > FIELD_NUMBER_LIMIT) return bad('out of range')
      if (def.min !== null && raw < def.min) return bad(`below the minimum ${formatNumber(def.min)}`)
      if (def.max !== null && raw > def.max) return bad(`above the maximum ${formatNumber(def.max)}`)
      return good(raw)
    }
    case 'date':
      if (typeof raw !== 'string' || !isDate(raw)) return bad('not a valid date (YYYY-MM-DD)')
      return good(raw)
    case 'checkbox':
      if (typeof raw !== 'boolean') return bad('must be true or false')
      return good(raw)
    case 'select': {
      if (typeof raw !== 'string') return bad('must be one option’s value')
      const option = def.options.find((o) => o.value === raw)
      if (!option) return bad(`"${raw}" is not one of the options`)
      if (option.retired && current !== raw) return bad(`"${raw}" is a retired option`)
      return good(raw)
    }
    case 'multi_select': {
      if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string'))
        return bad('must be a list of option values')
      const held = new Set(Array.isArray(current) ? current : [])
      const chosen = new Set(raw as string[])
      for (const value of chosen) {
        const option = def.options.find((o) => o.value === value)
        if (!option) return bad(`"${value}" is not one of the options`)
        if (option.retired && !held.has(value)) return bad(`"${value}" is a retired option`)
      }
      // Kept in the options' order, so the same choice is always the same value.
      const list = def.options.map((o) => o.value).filter((v) => chosen.has(v))
      return good(list.length === 0 ? null : list)
    }
  }
}

const same = (a: FieldValue | null | undefined, b: FieldValue | null | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * Applies values given by key to a ticket's values. Unknown and archived keys and invalid values
 * are problems with a pointer each (`<base>/<key>`); nothing is applied when there is one.
 */
export const applyFieldInput = (
  defs: readonly FieldDef[],
  current: FieldValues,
  input: Record<string, unknown>,
  base = '/body/fields',
) => {
  const byKey = new Map(defs.map((d) => [d.key, d]))
  const values: FieldValues = { ...current }
  const changes: Record<string, FieldChange> = {}
  const problems: FieldProblem[] = []
  let unknownOnly = true
  for (const [key, raw] of Object.entries(input)) {
    const pointer = `${base}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`
    const def = byKey.get(key)
    if (!def || def.archived) {
      problems.push({ pointer, detail: def ? 'archived field' : 'unknown field' })
      continue
    }
    const checked = checkValue(def, raw, current[key])
    if (!checked.ok) {
      unknownOnly = false
      problems.push({ pointer, detail: checked.detail })
      continue
    }
    if (same(current[key], checked.value)) continue
    changes[key] = { from: current[key] ?? null, to: checked.value }
    if (checked.value === null) delete values[key]
    else values[key] = checked.value
  }
  return { values, changes, problems, unknownOnly: problems.length > 0 && unknownOnly }
}

/** Whether a field must be filled on a ticket of this team (null: a ticket without a team). */
export const requiredFor = (def: FieldDef, teamId: string | null) =>
  !def.archived &&
  (def.required === 'all' ||
    (def.required === 'teams' && teamId !== null && def.requiredTeamIds.includes(teamId)))

/** A value that counts as filled: a required checkbox must be ticked. */
const filled = (def: FieldDef, value: FieldValue | undefined) =>
  value !== undefined &&
  value !== '' &&
  !(Array.isArray(value) && value.length === 0) &&
  !(def.type === 'checkbox' && value !== true)

/** The required fields of a ticket of this team that have no value, in the fields' order. */
export const missingRequired = (defs: readonly FieldDef[], teamId: string | null, values: FieldValues) =>
  defs.filter((d) => requiredFor(d, teamId) && !filled(d, values[d.key]))

/**
 * A list condition on custom fields as the repository runs it: `contains` (the values hold this
 * JSON: equality and multi-select membership, answered by the GIN index), `not_true` (a checkbox
 * not ticked) and `range` (number or date at least or at most a bound).
 */
export type FieldCondition =
  | { kind: 'contains'; key: string; value: FieldValue }
  | { kind: 'not_true'; key: string }
  | { kind: 'range'; key: string; type: 'number' | 'date'; cmp: 'gte' | 'lte'; value: number | string }

const OPS: Record<FieldType, readonly string[]> = {
  text: ['eq'],
  number: ['eq', 'gte', 'lte'],
  date: ['eq', 'gte', 'lte'],
  select: ['eq'],
  multi_select: ['has'],
  checkbox: ['eq'],
}

/**
 * Reads list filters (`key:op:value`). Archived fields may be filtered on (their values are kept,
 * and a saved view using one keeps working); unknown keys, operators a type does not have and
 * values the field could never hold are problems (`<base>/<n>`).
 */
export const parseFieldFilters = (
  defs: readonly FieldDef[],
  filters: readonly string[],
  base = '/querystring/field',
) => {
  const byKey = new Map(defs.map((d) => [d.key, d]))
  const conditions: FieldCondition[] = []
  const problems: FieldProblem[] = []
  let unknownOnly = true
  filters.forEach((filter, n) => {
    const pointer = `${base}/${n}`
    const [key = '', op = '', ...rest] = filter.split(':')
    const value = rest.join(':')
    const def = byKey.get(key)
    if (!def) {
      problems.push({ pointer, detail: `unknown field "${key}"` })
      return
    }
    unknownOnly = false
    if (!OPS[def.type].includes(op)) {
      problems.push({ pointer, detail: `a ${def.type} field is filtered with ${OPS[def.type].join(' or ')}` })
      return
    }
    switch (def.type) {
      case 'text':
        if (value.length === 0 || value.length > FIELD_TEXT_LIMIT) {
          problems.push({ pointer, detail: 'needs a text' })
          return
        }
        conditions.push({ kind: 'contains', key, value })
        return
      case 'number': {
        const number = value.trim() === '' ? Number.NaN : Number(value)
        if (!Number.isFinite(number) || Math.abs(number) > FIELD_NUMBER_LIMIT) {
          problems.push({ pointer, detail: 'not a number' })
          return
        }
        conditions.push(
          op === 'eq'
            ? { kind: 'contains', key, value: number }
            : { kind: 'range', key, type: 'number', cmp: op as 'gte' | 'lte', value: number },
        )
        return
      }
      case 'date':
        if (!isDate(value)) {
          problems.push({ pointer, detail: 'not a valid date (YYYY-MM-DD)' })
          return
        }
        conditions.push(
          op === 'eq'
            ? { kind: 'contains', key, value }
            : { kind: 'range', key, type: 'date', cmp: op as 'gte' | 'lte', value },
        )
        return
      case 'select':
        if (!def.options.some((o) => o.value === value)) {
          problems.push({ pointer, detail: `"${value}" is not one of the options` })
          return
        }
        conditions.push({ kind: 'contains', key, value })
        return
      case 'multi_select':
        if (!def.options.some((o) => o.value === value)) {
          problems.push({ pointer, detail: `"${value}" is not one of the options` })
          return
        }
        conditions.push({ kind: 'contains', key, value: [value] })
        return
      case 'checkbox':
        if (value !== 'true' && value !== 'false') {
          problems.push({ pointer, detail: 'true or false' })
          return
        }
        conditions.push(value === 'true' ? { kind: 'contains', key, value: true } : { kind: 'not_true', key })
        return
    }
  })
  return { conditions, problems, unknownOnly: problems.length > 0 && unknownOnly }
}

type DefinitionInput = {
  type: FieldType
  options: { value: string }[]
  min?: number | null
  max?: number | null
  required: FieldRequired
  requiredTeamIds: string[]
}

/** What is wrong with a field definition as a whole (pointers into the request body). */
export const definitionProblems = (def: DefinitionInput, before?: { options: { value: string }[] }) => {
  const problems: FieldProblem[] = []
  const choice = def.type === 'select' || def.type === 'multi_select'
  if (choice && def.options.length === 0)
    problems.push({ pointer: '/body/options', detail: 'a select field needs at least one option' })
  if (!choice && def.options.length > 0)
    problems.push({ pointer: '/body/options', detail: `a ${def.type} field has no options` })
  const seen = new Set<string>()
  def.options.forEach((o, n) => {
    if (seen.has(o.value)) problems.push({ pointer: `/body/options/${n}/value`, detail: 'used twice' })
    seen.add(o.value)
  })
  if (before) {
    for (const o of before.options) {
      if (!seen.has(o.value))
        problems.push({ pointer: '/body/options', detail: `option "${o.value}" can be retired, not removed` })
    }
  }
  if (def.type !== 'number') {
    if (def.min != null) problems.push({ pointer: '/body/min', detail: 'only for number fields' })
    if (def.max != null) problems.push({ pointer: '/body/max', detail: 'only for number fields' })
  } else if (def.min != null && def.max != null && def.min > def.max) {
    problems.push({ pointer: '/body/max', detail: 'smaller than the minimum' })
  }
  if (def.required === 'teams' && def.requiredTeamIds.length === 0)
    problems.push({ pointer: '/body/requiredTeamIds', detail: 'name at least one team' })
  if (def.required !== 'teams' && def.requiredTeamIds.length > 0)
    problems.push({ pointer: '/body/requiredTeamIds', detail: 'only with required "teams"' })
  return problems
}
