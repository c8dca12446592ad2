import { describe, expect, it } from 'vitest'
import { compileCalendar, WALL_CLOCK } from '../calendars/index.ts'
import * as clock from './promises.clock.ts'
import { summaryOf } from './promises.service.ts'

const office = { from: '08:00', to: '18:00' }
const week = { mon: [office], tue: [office], wed: [office], thu: [office], fri: [office], sat: [], sun: [] }
const bw = compileCalendar({
  timeZone: 'Europe/Berlin',
  week,
  holidays: { country: 'DE', state: 'BW' },
  exceptions: [],
})
const by = compileCalendar({
  timeZone: 'Europe/Berlin',
  week,
  holidays: { country: 'DE', state: 'BY' },
  exceptions: [],
})
const berlin = compileCalendar({
  timeZone: 'Europe/Berlin',
  week,
  holidays: { country: 'DE', state: 'BE' },
  exceptions: [],
})

const h = 3_600_000
const at = (iso: string) => new Date(iso)
const running = (start: string, targetMs: number, business = true): clock.Clock => ({
  targetMs,
  warnAt: 0.75,
  business,
  consumedMs: 0,
  resumedAt: at(start),
})

describe('a promise’s due time', () => {
  it.each([
    // [what, calendar, start, target, due]
    ['within one day', bw, '2026-12-07T08:00:00Z', 4 * h, '2026-12-07T12:00:00.000Z'],
    [
      'across a weekend (Fri 16:00 + 4 h → Mon 10:00)',
      bw,
      '2026-12-04T15:00:00Z',
      4 * h,
      '2026-12-07T09:00:00.000Z',
    ],
    ['started at night, counted from opening', bw, '2026-12-07T02:00:00Z', 1 * h, '2026-12-07T08:00:00.000Z'],
    [
      'over Fronleichnam in Baden-Württemberg (4 June 2026)',
      bw,
      '2026-06-03T14:00:00Z',
      4 * h,
      '2026-06-05T08:00:00.000Z',
    ],
    [
      'Fronleichnam is a working day in Berlin',
      berlin,
      '2026-06-03T14:00:00Z',
      4 * h,
      '2026-06-04T08:00:00.000Z',
    ],
    [
      'over Heilige Drei Könige in Bavaria (6 Jan 2026)',
      by,
      '2026-01-05T16:00:00Z',
      2 * h,
      '2026-01-07T08:00:00.000Z',
    ],
    ['6 Jan is a working day in Berlin', berlin, '2026-01-05T16:00:00Z', 2 * h, '2026-01-06T08:00:00.000Z'],
    [
      'over Christmas in BW (24 Dec is a working day, 25/26 not, then the weekend)',
      bw,
      '2026-12-24T15:00:00Z',
      4 * h,
      '2026-12-28T09:00:00.000Z',
    ],
    // Summer time starts Sunday 29 March 2026: Friday 16:00 CET (15:00Z) + 4 h → Monday 10:00 CEST (08:00Z).
    ['across the change to summer time', bw, '2026-03-27T15:00:00Z', 4 * h, '2026-03-30T08:00:00.000Z'],
    // Winter time starts Sunday 25 October 2026: Friday 16:00 CEST (14:00Z) + 4 h → Monday 10:00 CET (09:00Z).
    ['across the change to winter time', bw, '2026-10-23T14:00:00Z', 4 * h, '2026-10-26T09:00:00.000Z'],
    [
      'in wall time the weekend counts',
      WALL_CLOCK,
      '2026-12-04T15:00:00Z',
      48 * h,
      '2026-12-06T15:00:00.000Z',
    ],
  ])('%s', (_what, cal, start, target, due) => {
    expect(clock.dueAt(running(start, target), cal)?.toISOString()).toBe(due)
  })

  it('counts wall time on a 23-hour day (summer time) as 23 hours', () => {
    const c = running('2026-03-28T23:00:00Z', 24 * h, false) // Sunday 00:00 CET
    expect(clock.usedMs(c, bw, at('2026-03-29T22:00:00Z'))).toBe(23 * h) // Monday 00:00 CEST
  })
})

describe('pauses and new targets', () => {
  it.each([
    // [what, steps, expected used at the end (h), due]
    [
      'a pause over the night uses nothing',
      [
        ['pause', '2026-12-07T16:00:00Z'],
        ['resume', '2026-12-08T08:00:00Z'],
      ],
      '2026-12-08T08:00:00Z',
      9,
      '2026-12-08T10:00:00.000Z',
    ],
    [
      'a pause within the day stops the clock for its length',
      [
        ['pause', '2026-12-07T09:00:00Z'],
        ['resume', '2026-12-07T11:00:00Z'],
      ],
      '2026-12-07T11:00:00Z',
      2,
      '2026-12-08T10:00:00.000Z',
    ],
    [
      'two pauses add up; resuming twice changes nothing',
      [
        ['pause', '2026-12-07T08:00:00Z'],
        ['resume', '2026-12-07T09:00:00Z'],
        ['resume', '2026-12-07T09:30:00Z'],
        ['pause', '2026-12-07T10:00:00Z'],
        ['resume', '2026-12-07T12:00:00Z'],
      ],
      '2026-12-07T12:00:00Z',
      2,
      '2026-12-08T11:00:00.000Z',
    ],
    [
      'a longer target keeps the time used and the pause',
      [
        ['pause', '2026-12-07T09:00:00Z'],
        ['resume', '2026-12-07T10:00:00Z'],
        ['target', '2026-12-07T11:00:00Z', 20],
      ],
      '2026-12-07T11:00:00Z',
      3,
      '2026-12-09T08:00:00.000Z',
    ],
  ] as const)('%s', (_what, steps, end, usedH, due) => {
    // Monday 07:00Z (08:00 Berlin), 11 h target.
    let c = running('2026-12-07T07:00:00Z', 11 * h)
    for (const [op, when, hours] of steps as readonly (readonly [string, string, number?])[]) {
      if (op === 'pause') c = clock.pause(c, bw, at(when))
      if (op === 'resume') c = clock.resume(c, at(when))
      if (op === 'target') {
        c = clock.pause(c, bw, at(when))
        c = clock.resume(clock.retarget(c, (hours ?? 0) * h), at(when))
      }
    }
    expect(clock.usedMs(c, bw, at(end)) / h).toBeCloseTo(usedH)
    expect(clock.dueAt(c, bw)?.toISOString()).toBe(due)
  })

  it('tells the state from the time used and the marks', () => {
    const c = running('2026-12-07T07:00:00Z', 4 * h)
    expect(clock.openState(c, bw, at('2026-12-07T08:00:00Z'), {})).toBe('running')
    expect(clock.openState(c, bw, at('2026-12-07T10:00:00Z'), {})).toBe('warning') // 3 of 4 h
    expect(clock.openState(c, bw, at('2026-12-07T11:00:00Z'), {})).toBe('breached')
    expect(
      clock.openState(clock.pause(c, bw, at('2026-12-07T08:00:00Z')), bw, at('2026-12-09T08:00:00Z'), {}),
    ).toBe('paused')
    expect(
      clock.openState(c, bw, at('2026-12-07T08:00:00Z'), { breachedAt: at('2026-12-07T07:30:00Z') }),
    ).toBe('breached')
  })

  it('asks the sweep to look at the warning, then the due time, then a pause’s end', () => {
    const c = running('2026-12-07T07:00:00Z', 4 * h)
    expect(clock.nextFireAt(c, bw, {})?.toISOString()).toBe('2026-12-07T10:00:00.000Z')
    expect(clock.nextFireAt(c, bw, { warnedAt: at('2026-12-07T10:00:00Z') })?.toISOString()).toBe(
      '2026-12-07T11:00:00.000Z',
    )
    expect(clock.nextFireAt(c, bw, { breachedAt: at('2026-12-07T11:00:00Z') })).toBeNull()
    const paused = clock.pause(c, bw, at('2026-12-07T08:00:00Z'))
    expect(clock.nextFireAt(paused, bw, {})).toBeNull()
    expect(clock.nextFireAt(paused, bw, { pauseUntil: at('2026-12-07T09:00:00Z') })?.toISOString()).toBe(
      '2026-12-07T09:00:00.000Z',
    )
  })
})

describe('a ticket’s summary', () => {
  const d = (iso: string) => new Date(iso)
  it.each([
    ['none open', [], { state: null, dueAt: null }],
    [
      'breached beats warning; the earliest due time',
      [
        { state: 'warning', dueAt: d('2026-12-07T12:00:00Z') },
        { state: 'breached', dueAt: d('2026-12-07T09:00:00Z') },
        { state: 'running', dueAt: d('2026-12-08T09:00:00Z') },
      ],
      { state: 'breached', dueAt: d('2026-12-07T09:00:00Z') },
    ],
    ['paused ones have no due time', [{ state: 'paused', dueAt: null }], { state: 'paused', dueAt: null }],
    [
      'kept ones do not count',
      [{ state: 'met', dueAt: d('2026-12-07T09:00:00Z') }],
      { state: null, dueAt: null },
    ],
  ] as const)('%s', (_what, rows, expected) => {
    expect(summaryOf(rows as never)).toEqual(expected)
  })
})
