import { describe, expect, it } from 'vitest'
import type { TicketField } from './api.ts'
import {
  changedValues,
  fieldErrors,
  filterToParam,
  isRequiredFor,
  parseFilters,
  showValue,
  splitFilterParam,
} from './field-helpers.ts'

const field = (over: Partial<TicketField>): TicketField => ({
  id: '0190a000-0000-7000-8000-000000000001',
  key: 'resolution',
  type: 'select',
  label: { de: 'Lösung', en: 'Resolution' },
  description: { de: '', en: '' },
  options: [
    { value: 'refund', label: { de: 'Erstattung', en: 'Refund' }, retired: false },
    { value: 'old', label: { de: 'Alt', en: 'Old' }, retired: true },
  ],
  min: null,
  max: null,
  position: 0,
  required: 'never',
  requiredTeamIds: [],
  archived: false,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  ...over,
})

describe('field helpers', () => {
  it('says where a field is required', () => {
    expect(isRequiredFor(field({ required: 'all' }), null)).toBe(true)
    expect(isRequiredFor(field({ required: 'teams', requiredTeamIds: ['t1'] }), 't1')).toBe(true)
    expect(isRequiredFor(field({ required: 'teams', requiredTeamIds: ['t1'] }), 't2')).toBe(false)
    expect(isRequiredFor(field({ required: 'all', archived: true }), 't1')).toBe(false)
  })

  it('shows values in the reader’s language', () => {
    const yesNo = (v: boolean) => (v ? 'ja' : 'nein')
    expect(showValue(field({}), 'refund', 'de', yesNo)).toBe('Erstattung')
    expect(showValue(field({ type: 'multi_select' }), ['refund', 'old'], 'en', yesNo)).toBe('Refund, Old')
    expect(showValue(field({ type: 'checkbox' }), false, 'de', yesNo)).toBe('nein')
    expect(showValue(field({ type: 'date' }), '2026-12-24', 'de', yesNo)).toBe('24.12.2026')
    expect(showValue(undefined, null, 'de', yesNo)).toBe('–')
  })

  it('sends only changed values, empty ones as null', () => {
    expect(changedValues({ a: 'x', b: 2, c: ['p'] }, { a: 'x', b: 3, c: [], d: '', e: 'new' })).toEqual({
      b: 3,
      c: null,
      e: 'new',
    })
  })

  it('reads field errors and filters', () => {
    expect(
      fieldErrors([
        { pointer: '/body/fields/amount', detail: 'not a number' },
        { pointer: '/body/x', detail: '' },
      ]),
    ).toEqual({
      amount: 'not a number',
    })
    const filters = parseFilters([...splitFilterParam('order_no:eq:A, 2,amount:gte:10'), 'bad'])
    expect(filters).toEqual([
      { key: 'order_no', op: 'eq', value: 'A, 2' },
      { key: 'amount', op: 'gte', value: '10' },
    ])
    expect(filters.map(filterToParam)).toEqual(['order_no:eq:A, 2', 'amount:gte:10'])
  })
})
