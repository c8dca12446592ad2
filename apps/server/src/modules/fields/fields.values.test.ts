import { describe, expect, it } from 'vitest'
import {
  applyFieldInput,
  checkValue,
  definitionProblems,
  type FieldDef,
  isDate,
  missingRequired,
  parseFieldFilters,
} from './fields.values.ts'

const def = (key: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef => ({
  key,
  type,
  label: { de: key, en: key },
  options: [],
  min: null,
  max: null,
  required: 'never',
  requiredTeamIds: [],
  archived: false,
  ...extra,
})
const options = [
  { value: 'refund', label: { de: 'Erstattung', en: 'Refund' }, retired: false },
  { value: 'exchange', label: { de: 'Umtausch', en: 'Exchange' }, retired: false },
  { value: 'voucher', label: { de: 'Gutschein', en: 'Voucher' }, retired: true },
]
const defs = [
  def('order_no', 'text'),
  def('amount', 'number', { min: 0, max: 1000 }),
  def('due', 'date'),
  def('resolution', 'select', { options }),
  def('products', 'multi_select', { options }),
  def('callback', 'checkbox'),
  def('old_field', 'text', { archived: true }),
]
const byKey = (key: string) => defs.find((d) => d.key === key)!

describe('isDate', () => {
  it.each([
    ['2026-12-07', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['07.12.2026', false],
    ['2026-12-07T10:00:00Z', false],
  ])('%s → %s', (value, ok) => expect(isDate(value)).toBe(ok))
})

describe('checkValue', () => {
  it.each<[string, unknown, unknown]>([
    ['order_no', '  A-123 ', 'A-123'],
    ['order_no', '   ', null],
    ['amount', 0, 0],
    ['amount', 99.5, 99.5],
    ['due', '2026-12-31', '2026-12-31'],
    ['resolution', 'refund', 'refund'],
    ['products', ['exchange', 'refund', 'refund'], ['refund', 'exchange']],
    ['products', [], null],
    ['callback', false, false],
    ['callback', true, true],
    ['amount', null, null],
  ])('%s accepts %j as %j', (key, raw, value) => {
    expect(checkValue(byKey(key), raw, undefined)).toEqual({ ok: true, value })
  })

  it.each<[string, unknown, string]>([
    ['order_no', 42, 'must be text'],
    ['order_no', 'x'.repeat(1001), 'longer than 1000 characters'],
    ['amount', '12', 'not a number'],
    ['amount', Number.NaN, 'not a number'],
    ['amount', -1, 'below the minimum 0'],
    ['amount', 1000.5, 'above the maximum 1000'],
    ['amount', 1e16, 'out of range'],
    ['due', '2026-02-30', 'not a valid date (YYYY-MM-DD)'],
    ['due', 20261231, 'not a valid date (YYYY-MM-DD)'],
    ['resolution', 'gift', '"gift" is not one of the options'],
    ['resolution', ['refund'], 'must be one option’s value'],
    ['resolution', 'voucher', '"voucher" is a retired option'],
    ['products', 'refund', 'must be a list of option values'],
    ['products', ['refund', 'gift'], '"gift" is not one of the options'],
    ['products', ['voucher'], '"voucher" is a retired option'],
    ['callback', 'yes', 'must be true or false'],
  ])('%s refuses %j: %s', (key, raw, detail) => {
    expect(checkValue(byKey(key), raw, undefined)).toEqual({ ok: false, detail })
  })

  it('keeps a retired option a ticket already holds', () => {
    expect(checkValue(byKey('resolution'), 'voucher', 'voucher')).toEqual({ ok: true, value: 'voucher' })
    expect(checkValue(byKey('products'), ['voucher', 'refund'], ['voucher'])).toEqual({
      ok: true,
      value: ['refund', 'voucher'],
    })
  })
})

describe('applyFieldInput', () => {
  it('applies changes, clears with null and reports only what changed', () => {
    const result = applyFieldInput(
      defs,
      { order_no: 'A-1', amount: 5, callback: true },
      { order_no: 'A-1', amount: 7, callback: null, due: '2026-12-24' },
    )
    expect(result.problems).toEqual([])
    expect(result.values).toEqual({ order_no: 'A-1', amount: 7, due: '2026-12-24' })
    expect(result.changes).toEqual({
      amount: { from: 5, to: 7 },
      callback: { from: true, to: null },
      due: { from: null, to: '2026-12-24' },
    })
  })

  it('points at every bad field, unknown and archived keys included', () => {
    const result = applyFieldInput(defs, {}, { nope: 1, old_field: 'x', amount: 'many', 'a/b': 1 })
    expect(result.problems).toEqual([
      { pointer: '/body/fields/nope', detail: 'unknown field' },
      { pointer: '/body/fields/old_field', detail: 'archived field' },
      { pointer: '/body/fields/amount', detail: 'not a number' },
      { pointer: '/body/fields/a~1b', detail: 'unknown field' },
    ])
    expect(result.unknownOnly).toBe(false)
    expect(applyFieldInput(defs, {}, { nope: 1 }).unknownOnly).toBe(true)
  })
})

describe('missingRequired', () => {
  const team = '00000000-0000-7000-8000-000000000001'
  const other = '00000000-0000-7000-8000-000000000002'
  const required = [
    def('everywhere', 'text', { required: 'all' }),
    def('for_team', 'select', { options, required: 'teams', requiredTeamIds: [team] }),
    def('ticked', 'checkbox', { required: 'all' }),
    def('gone', 'text', { required: 'all', archived: true }),
    def('optional', 'text'),
  ]
  const keys = (teamId: string | null, values: Record<string, never | string | boolean>) =>
    missingRequired(required, teamId, values).map((d) => d.key)

  it('applies fields required for all teams and for the ticket’s own team', () => {
    expect(keys(team, {})).toEqual(['everywhere', 'for_team', 'ticked'])
    expect(keys(other, {})).toEqual(['everywhere', 'ticked'])
    expect(keys(null, {})).toEqual(['everywhere', 'ticked'])
  })

  it('counts a required checkbox as filled only when ticked', () => {
    expect(keys(other, { everywhere: 'x', ticked: false })).toEqual(['ticked'])
    expect(keys(team, { everywhere: 'x', ticked: true, for_team: 'refund' })).toEqual([])
  })
})

describe('parseFieldFilters', () => {
  it('reads each type’s conditions', () => {
    const parsed = parseFieldFilters(defs, [
      'order_no:eq:A:1',
      'amount:gte:10',
      'amount:eq:12.5',
      'due:lte:2026-12-31',
      'resolution:eq:voucher',
      'products:has:refund',
      'callback:eq:true',
      'callback:eq:false',
      'old_field:eq:x',
    ])
    expect(parsed.problems).toEqual([])
    expect(parsed.conditions).toEqual([
      { kind: 'contains', key: 'order_no', value: 'A:1' },
      { kind: 'range', key: 'amount', type: 'number', cmp: 'gte', value: 10 },
      { kind: 'contains', key: 'amount', value: 12.5 },
      { kind: 'range', key: 'due', type: 'date', cmp: 'lte', value: '2026-12-31' },
      { kind: 'contains', key: 'resolution', value: 'voucher' },
      { kind: 'contains', key: 'products', value: ['refund'] },
      { kind: 'contains', key: 'callback', value: true },
      { kind: 'not_true', key: 'callback' },
      { kind: 'contains', key: 'old_field', value: 'x' },
    ])
  })

  it('points at every bad condition', () => {
    const parsed = parseFieldFilters(defs, [
      'nope:eq:1',
      'amount:has:1',
      'amount:gte:ten',
      'due:gte:2026-02-30',
      'resolution:eq:gift',
      'callback:eq:yes',
      'products:eq:refund',
    ])
    expect(parsed.conditions).toEqual([])
    expect(parsed.problems.map((p) => p.pointer)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((n) => `/querystring/field/${n}`),
    )
    expect(parsed.problems[0]!.detail).toBe('unknown field "nope"')
    expect(parsed.problems[1]!.detail).toBe('a number field is filtered with eq or gte or lte')
  })
})

describe('definitionProblems', () => {
  const base = { options: [], required: 'never' as const, requiredTeamIds: [] }
  it('asks options of select fields only, and unique ones', () => {
    expect(definitionProblems({ ...base, type: 'select' })).toEqual([
      { pointer: '/body/options', detail: 'a select field needs at least one option' },
    ])
    expect(definitionProblems({ ...base, type: 'text', options: [{ value: 'a' }] })[0]?.pointer).toBe(
      '/body/options',
    )
    expect(
      definitionProblems({ ...base, type: 'multi_select', options: [{ value: 'a' }, { value: 'a' }] }),
    ).toEqual([{ pointer: '/body/options/1/value', detail: 'used twice' }])
  })
  it('keeps every option once given (retire instead of remove)', () => {
    expect(
      definitionProblems(
        { ...base, type: 'select', options: [{ value: 'a' }] },
        { options: [{ value: 'b' }] },
      ),
    ).toEqual([{ pointer: '/body/options', detail: 'option "b" can be retired, not removed' }])
  })
  it('checks bounds and where a field is required', () => {
    expect(definitionProblems({ ...base, type: 'number', min: 5, max: 1 })).toEqual([
      { pointer: '/body/max', detail: 'smaller than the minimum' },
    ])
    expect(definitionProblems({ ...base, type: 'date', min: 1 })[0]?.pointer).toBe('/body/min')
    expect(definitionProblems({ ...base, type: 'text', required: 'teams' })[0]?.pointer).toBe(
      '/body/requiredTeamIds',
    )
  })
})
