import { describe, expect, it } from 'vitest'
import { byUrgency, dueParts, formToMinutes, isManualPause, isOpen, targetToForm } from './promise-format.ts'

const NOW = Date.parse('2026-12-07T10:00:00Z')

describe('dueParts', () => {
  it.each([
    ['2026-12-07T12:10:00Z', 'ahead', 130 * 60_000],
    ['2026-12-07T10:00:30Z', 'now', 0],
    ['2026-12-07T09:59:31Z', 'now', 0],
    ['2026-12-07T09:00:00Z', 'late', 60 * 60_000],
  ] as const)('%s is %s', (dueAt, when, ms) => {
    expect(dueParts(dueAt, NOW)).toEqual({ when, ms })
  })
})

describe('byUrgency', () => {
  it('puts breached before warning before running before paused, then the soonest due first', () => {
    const list = [
      { id: 'p', state: 'paused', dueAt: null },
      { id: 'r2', state: 'running', dueAt: '2026-12-07T12:00:00Z' },
      { id: 'r1', state: 'running', dueAt: '2026-12-07T11:00:00Z' },
      { id: 'w', state: 'warning', dueAt: '2026-12-07T13:00:00Z' },
      { id: 'b', state: 'breached', dueAt: '2026-12-07T08:00:00Z' },
    ]
    expect(byUrgency(list).map((p) => p.id)).toEqual(['b', 'w', 'r1', 'r2', 'p'])
  })
  it('keeps promises without a due time after those with one', () => {
    const list = [
      { id: 'none', state: 'running', dueAt: null },
      { id: 'due', state: 'running', dueAt: '2026-12-07T12:00:00Z' },
    ]
    expect(byUrgency(list).map((p) => p.id)).toEqual(['due', 'none'])
  })
})

describe('isOpen and isManualPause', () => {
  it('counts running, paused, warning and breached as open', () => {
    expect(['running', 'paused', 'warning', 'breached', 'met', 'cancelled'].filter(isOpen)).toEqual([
      'running',
      'paused',
      'warning',
      'breached',
    ])
  })
  it('tells a manual pause from the pause while the ticket waits on the customer', () => {
    expect(isManualPause({ state: 'paused', pauseReason: 'Kunde im Urlaub' })).toBe(true)
    expect(isManualPause({ state: 'paused', pauseReason: 'pending' })).toBe(false)
    expect(isManualPause({ state: 'running', pauseReason: null })).toBe(false)
  })
})

describe('targetToForm and formToMinutes', () => {
  it.each([
    [240, { value: 4, unit: 'hours' }],
    [90, { value: 90, unit: 'minutes' }],
    [30, { value: 30, unit: 'minutes' }],
    [60, { value: 1, unit: 'hours' }],
  ] as const)('%i minutes', (minutes, form) => {
    expect(targetToForm(minutes)).toEqual(form)
    expect(formToMinutes(form.value, form.unit)).toBe(minutes)
  })
})
