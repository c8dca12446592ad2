import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { csvHeader, csvRows } from './audit.csv.ts'
import type { AuditRow } from './audit.repository.ts'
import { changedFields } from './audit.service.ts'

const row = (over: Partial<AuditRow>): AuditRow => ({
  seq: 1,
  at: new Date('2026-03-01T10:00:00Z'),
  actorId: null,
  actorLabel: 'Tresen',
  action: 'team.created',
  targetType: 'team',
  targetId: null,
  targetLabel: '',
  before: null,
  after: null,
  ip: null,
  userAgent: null,
  requestId: null,
  ...over,
})

describe('changedFields', () => {
  it.each([
    ['only changed fields', { a: 1, b: 2 }, { a: 1, b: 3 }, {}, { before: { b: 2 }, after: { b: 3 } }],
    ['nothing changed', { a: 1 }, { a: 1 }, {}, { before: {}, after: {} }],
    [
      'a field not in the new state is left out',
      { a: 1, b: 2 },
      { a: 2 },
      {},
      { before: { a: 1 }, after: { a: 2 } },
    ],
    ['new field', {}, { a: 'x' }, {}, { before: { a: null }, after: { a: 'x' } }],
    [
      'dates as ISO text',
      { d: new Date(0) },
      { d: new Date(1000) },
      {},
      { before: { d: '1970-01-01T00:00:00.000Z' }, after: { d: '1970-01-01T00:00:01.000Z' } },
    ],
    [
      'nested values compared whole',
      { o: { x: [1] } },
      { o: { x: [1, 2] } },
      {},
      { before: { o: { x: [1] } }, after: { o: { x: [1, 2] } } },
    ],
    [
      'secrets never shown',
      { s: 'old' },
      { s: 'new' },
      { secrets: ['s'] },
      { before: { s: '[changed]' }, after: { s: '[changed]' } },
    ],
    [
      'only listed fields',
      { a: 1, b: 1 },
      { a: 2, b: 2 },
      { fields: ['b'] },
      { before: { b: 1 }, after: { b: 2 } },
    ],
  ])('%s', (_name, before, after, opts, expected) => {
    expect(changedFields(before, after, opts)).toEqual(expected)
  })
})

describe('audit CSV', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])(
    'defuses a cell starting like a formula: %j',
    (value) => {
      const text = csvHeader('en') + csvRows([row({ targetLabel: value, userAgent: value })], 'en')
      const [, cells] = Papa.parse<string[]>(text.slice(1).trim()).data
      expect(cells![5]).toBe(`'${value}`)
      expect(cells![9]).toBe(`'${value}`)
    },
  )

  it('keeps quotes, separators and line breaks inside one cell', () => {
    const label = 'Team "Nord"; Süd, West\nOst'
    const text = csvHeader('de') + csvRows([row({ targetLabel: label })], 'de')
    const parsed = Papa.parse<string[]>(text.slice(1).trim(), { delimiter: ';' }).data
    expect(parsed).toHaveLength(2)
    expect(parsed[1]![5]).toBe(label)
    expect(parsed[0]![0]).toBe('Zeit (UTC)')
  })
})
