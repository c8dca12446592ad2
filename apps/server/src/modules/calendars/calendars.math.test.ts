import { describe, expect, it } from 'vitest'
import {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  type CalendarException,
  type CalendarSpec,
  CalendarSpecError,
  compileCalendar,
  dayPlan,
  type Frame,
  type HolidayRegion,
  holidaysOn,
  isOpen,
  localDateOf,
  nextOpening,
  openIntervals,
  WALL_CLOCK,
} from './calendars.math.ts'

const H = 3_600_000
const at = (iso: string) => new Date(iso)
const OFFICE: Frame[] = [{ from: '08:00', to: '18:00' }]
const SAT: Frame[] = [{ from: '09:00', to: '13:00' }]
const ALL_DAY: Frame[] = [{ from: '00:00', to: '24:00' }]

function spec(
  opts: {
    timeZone?: string
    weekdays?: Frame[]
    sat?: Frame[]
    sun?: Frame[]
    holidays?: HolidayRegion | null
    exceptions?: CalendarException[]
  } = {},
): CalendarSpec {
  const w = opts.weekdays ?? OFFICE
  return {
    timeZone: opts.timeZone ?? 'Europe/Berlin',
    week: { mon: w, tue: w, wed: w, thu: w, fri: w, sat: opts.sat ?? [], sun: opts.sun ?? [] },
    holidays: opts.holidays ?? null,
    exceptions: opts.exceptions ?? [],
  }
}

// Europe/Berlin: UTC+1 in winter, UTC+2 from 2026-03-29 to 2026-10-25. All instants below are UTC.
const cals: Record<string, BusinessCalendar> = {
  /** Mon–Fri 08–18, no holidays */
  plain: compileCalendar(spec()),
  /** Mon–Fri 08–18 with Baden-Württemberg holidays */
  bw: compileCalendar(spec({ holidays: { country: 'DE', state: 'BW' } })),
  /** Mon–Fri 08–18, Sat 09–13 with holidays of the named region */
  bwSat: compileCalendar(spec({ sat: SAT, holidays: { country: 'DE', state: 'BW' } })),
  be: compileCalendar(spec({ sat: SAT, holidays: { country: 'DE', state: 'BE' } })),
  by: compileCalendar(spec({ sat: SAT, holidays: { country: 'DE', state: 'BY' } })),
  byAugsburg: compileCalendar(spec({ sat: SAT, holidays: { country: 'DE', state: 'BY', region: 'A' } })),
  nw: compileCalendar(spec({ sat: SAT, holidays: { country: 'DE', state: 'NW' } })),
  /** Mon–Fri with a lunch break */
  lunch: compileCalendar(
    spec({
      weekdays: [
        { from: '13:00', to: '17:00' }, // given unsorted on purpose
        { from: '08:00', to: '12:00' },
      ],
    }),
  ),
  /** open around the clock, every day, Berlin wall time */
  allDay: compileCalendar(spec({ weekdays: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY })),
  /** BW with exceptions: short days at Christmas, Fronleichnam opened for the morning, a closed Wednesday */
  bwExceptions: compileCalendar(
    spec({
      holidays: { country: 'DE', state: 'BW' },
      exceptions: [
        { date: '2026-12-24', frames: [{ from: '08:00', to: '12:00' }], note: 'Heiligabend' },
        { date: '2026-12-31', frames: [{ from: '08:00', to: '12:00' }] },
        { date: '2026-06-04', frames: [{ from: '08:00', to: '12:00' }], note: 'Inventur' },
        { date: '2026-06-10', frames: [], note: 'Betriebsausflug' },
      ],
    }),
  ),
  closed: compileCalendar(spec({ weekdays: [] })),
  /** closed except one day 200 days after 2026-06-01 */
  rareOpen: compileCalendar(spec({ weekdays: [], exceptions: [{ date: '2026-12-18', frames: OFFICE }] })),
  /** closed except one day more than 400 days after 2026-06-01 */
  tooRare: compileCalendar(spec({ weekdays: [], exceptions: [{ date: '2027-08-02', frames: OFFICE }] })),
  /** New York, Mon–Fri 09–17; DST starts 2026-03-08 (EST −5 → EDT −4) */
  ny: compileCalendar(spec({ timeZone: 'America/New_York', weekdays: [{ from: '09:00', to: '17:00' }] })),
}
type Cal = keyof typeof cals

describe('isOpen', () => {
  const cases: Array<[string, Cal, string, boolean]> = [
    ['weekday inside office hours', 'plain', '2026-06-08T08:00:00Z', true],
    ['at the opening instant', 'plain', '2026-06-08T06:00:00Z', true],
    ['just before opening', 'plain', '2026-06-08T05:59:59.999Z', false],
    ['just before closing', 'plain', '2026-06-08T15:59:59.999Z', true],
    ['at the closing instant (end is exclusive)', 'plain', '2026-06-08T16:00:00Z', false],
    ['Sunday', 'plain', '2026-06-07T10:00:00Z', false],
    ['Saturday without frames', 'plain', '2026-06-06T10:00:00Z', false],
    ['Saturday 12:00 local with Saturday frames', 'bwSat', '2026-06-06T10:00:00Z', true],
    ['Saturday 13:00 local, Saturday frame ended', 'bwSat', '2026-06-06T11:00:00Z', false],
    ['Fronleichnam 2026-06-04 in Baden-Württemberg', 'bw', '2026-06-04T08:00:00Z', false],
    ['Fronleichnam 2026-06-04 in Berlin', 'be', '2026-06-04T08:00:00Z', true],
    ['Heilige Drei Könige in Baden-Württemberg', 'bwSat', '2026-01-06T09:00:00Z', false],
    ['Heilige Drei Könige in Bavaria', 'by', '2026-01-06T09:00:00Z', false],
    ['Heilige Drei Könige in North Rhine-Westphalia', 'nw', '2026-01-06T09:00:00Z', true],
    [
      'Augsburger Friedensfest (Saturday 2026-08-08) in Augsburg',
      'byAugsburg',
      '2026-08-08T08:00:00Z',
      false,
    ],
    ['Augsburger Friedensfest in Bavaria outside Augsburg', 'by', '2026-08-08T08:00:00Z', true],
    ['lunch break', 'lunch', '2026-06-08T10:30:00Z', false],
    ['after lunch', 'lunch', '2026-06-08T11:00:00Z', true],
    ['24 h frame during the skipped hour’s day (03:30 CEST)', 'allDay', '2026-03-29T01:30:00Z', true],
    ['08:00 CET before the change', 'plain', '2026-03-27T07:00:00Z', true],
    ['07:30 CET before the change', 'plain', '2026-03-27T06:30:00Z', false],
    ['08:00 CEST after the change', 'plain', '2026-03-30T06:00:00Z', true],
    ['07:00 CEST after the change (08:00 by the old offset)', 'plain', '2026-03-30T05:00:00Z', false],
    ['08:00 CET after the October change', 'plain', '2026-10-26T07:00:00Z', true],
    ['07:00 CET after the October change', 'plain', '2026-10-26T06:00:00Z', false],
    ['always-closed calendar', 'closed', '2026-06-08T08:00:00Z', false],
    ['New York 09:00 EST', 'ny', '2026-03-06T14:00:00Z', true],
    ['New York 09:00 EDT', 'ny', '2026-03-09T13:00:00Z', true],
    ['New York 08:30 EDT', 'ny', '2026-03-09T12:30:00Z', false],
    ['New York Friday 16:59 EST', 'ny', '2026-03-06T21:59:00Z', true],
  ]
  it.each(cases)('%s', (_name, cal, instant, expected) => {
    expect(isOpen(cals[cal] as BusinessCalendar, at(instant))).toBe(expected)
  })
})

describe('addBusinessMs', () => {
  const cases: Array<[string, Cal, string, number, string | null]> = [
    // weekend
    ['Friday 17:00 + 2 h skips the weekend', 'plain', '2026-06-05T15:00:00Z', 2 * H, '2026-06-08T07:00:00Z'],
    [
      'Friday 17:00 + 2 h with Saturday frames',
      'bwSat',
      '2026-06-05T15:00:00Z',
      2 * H,
      '2026-06-06T08:00:00Z',
    ],
    [
      'start on Sunday counts from Monday’s opening',
      'plain',
      '2026-06-07T10:00:00Z',
      1 * H,
      '2026-06-08T07:00:00Z',
    ],
    // holidays
    ['Baden-Württemberg skips Fronleichnam', 'bw', '2026-06-03T15:00:00Z', 4 * H, '2026-06-05T09:00:00Z'],
    ['Berlin works on Fronleichnam', 'be', '2026-06-03T15:00:00Z', 4 * H, '2026-06-04T09:00:00Z'],
    [
      'Baden-Württemberg skips Heilige Drei Könige',
      'bwSat',
      '2026-01-05T16:00:00Z',
      2 * H,
      '2026-01-07T08:00:00Z',
    ],
    ['Bavaria skips Heilige Drei Könige', 'by', '2026-01-05T16:00:00Z', 2 * H, '2026-01-07T08:00:00Z'],
    [
      'North Rhine-Westphalia works on 6 January',
      'nw',
      '2026-01-05T16:00:00Z',
      2 * H,
      '2026-01-06T08:00:00Z',
    ],
    [
      'Augsburg skips the Friedensfest Saturday',
      'byAugsburg',
      '2026-08-07T15:00:00Z',
      2 * H,
      '2026-08-10T07:00:00Z',
    ],
    [
      'Bavaria outside Augsburg works that Saturday',
      'by',
      '2026-08-07T15:00:00Z',
      2 * H,
      '2026-08-08T08:00:00Z',
    ],
    // time-zone changes, Europe/Berlin
    [
      '24 h frame: last Sunday of March is 23 h',
      'allDay',
      '2026-03-28T23:00:00Z',
      23 * H,
      '2026-03-29T22:00:00Z',
    ],
    [
      '24 h frame: last Sunday of October is 25 h',
      'allDay',
      '2026-10-24T22:00:00Z',
      25 * H,
      '2026-10-25T23:00:00Z',
    ],
    [
      '24 h frame: 24 h from Sunday 00:00 in March ends Monday 01:00',
      'allDay',
      '2026-03-28T23:00:00Z',
      24 * H,
      '2026-03-29T23:00:00Z',
    ],
    ['office hours across the March change', 'plain', '2026-03-27T16:00:00Z', 2 * H, '2026-03-30T07:00:00Z'],
    [
      'office hours across the October change',
      'plain',
      '2026-10-23T15:00:00Z',
      2 * H,
      '2026-10-26T08:00:00Z',
    ],
    // several frames a day
    ['lunch break is skipped', 'lunch', '2026-06-08T09:30:00Z', 1 * H, '2026-06-08T11:30:00Z'],
    ['start inside the lunch break', 'lunch', '2026-06-08T10:15:00Z', 30 * 60_000, '2026-06-08T11:30:00Z'],
    ['whole day of a split plan is 8 h', 'lunch', '2026-06-08T06:00:00Z', 8 * H, '2026-06-08T15:00:00Z'],
    // boundaries
    [
      'start at opening, a full day ends at closing (not next morning)',
      'plain',
      '2026-06-08T06:00:00Z',
      10 * H,
      '2026-06-08T16:00:00Z',
    ],
    [
      'start at closing counts from next opening',
      'plain',
      '2026-06-08T16:00:00Z',
      1 * H,
      '2026-06-09T07:00:00Z',
    ],
    ['1 ms before closing', 'plain', '2026-06-08T15:59:59.999Z', 1, '2026-06-08T16:00:00Z'],
    // ms = 0
    ['ms = 0 while open gives start', 'plain', '2026-06-08T08:00:00Z', 0, '2026-06-08T08:00:00Z'],
    ['ms = 0 while closed gives start', 'plain', '2026-06-07T10:00:00Z', 0, '2026-06-07T10:00:00Z'],
    [
      'ms = 0 on an always-closed calendar gives start',
      'closed',
      '2026-06-07T10:00:00Z',
      0,
      '2026-06-07T10:00:00Z',
    ],
    // large targets
    ['5 business days (50 h)', 'plain', '2026-06-08T06:00:00Z', 50 * H, '2026-06-12T16:00:00Z'],
    ['5 business days over Fronleichnam in BW', 'bw', '2026-06-01T06:00:00Z', 50 * H, '2026-06-08T16:00:00Z'],
    ['20 business days (200 h)', 'bw', '2026-06-08T06:00:00Z', 200 * H, '2026-07-03T16:00:00Z'],
    ['a year of office hours (2600 h)', 'plain', '2026-01-05T07:00:00Z', 2600 * H, '2027-01-01T17:00:00Z'],
    [
      'a target longer than the 400-day horizon (3000 h)',
      'plain',
      '2026-01-05T07:00:00Z',
      3000 * H,
      '2027-02-26T17:00:00Z',
    ],
    // exceptions
    ['short day on 24 December', 'bwExceptions', '2026-12-23T16:00:00Z', 2 * H, '2026-12-24T08:00:00Z'],
    ['short day ends at noon', 'bwExceptions', '2026-12-23T16:00:00Z', 5 * H, '2026-12-24T11:00:00Z'],
    [
      'after the short day, Christmas holidays and the weekend',
      'bwExceptions',
      '2026-12-23T16:00:00Z',
      6 * H,
      '2026-12-28T08:00:00Z',
    ],
    [
      'exception opens Fronleichnam for the morning',
      'bwExceptions',
      '2026-06-03T15:00:00Z',
      4 * H,
      '2026-06-04T09:00:00Z',
    ],
    [
      'exception closes a working Wednesday',
      'bwExceptions',
      '2026-06-09T15:00:00Z',
      2 * H,
      '2026-06-11T07:00:00Z',
    ],
    // never open
    ['always-closed calendar never reaches the target', 'closed', '2026-06-08T08:00:00Z', 1, null],
    [
      'one open day within 400 days is found',
      'rareOpen',
      '2026-06-01T08:00:00Z',
      1 * H,
      '2026-12-18T08:00:00Z',
    ],
    ['one open day beyond 400 days is not', 'tooRare', '2026-06-01T08:00:00Z', 1 * H, null],
    // another zone
    [
      'New York: Friday 16:00 EST + 2 h is Monday 10:00 EDT',
      'ny',
      '2026-03-06T21:00:00Z',
      2 * H,
      '2026-03-09T14:00:00Z',
    ],
  ]
  it.each(cases)('%s', (_name, cal, start, ms, expected) => {
    const result = addBusinessMs(cals[cal] as BusinessCalendar, at(start), ms)
    expect(result?.toISOString() ?? null).toBe(expected === null ? null : at(expected).toISOString())
  })

  it('is the inverse of businessMsBetween for reachable targets', () => {
    const start = at('2026-03-26T13:17:00Z')
    for (const cal of [cals.bw, cals.lunch, cals.allDay, cals.ny, cals.bwExceptions] as BusinessCalendar[]) {
      for (const ms of [1, 30 * 60_000, 4 * H, 50 * H, 123 * H]) {
        const due = addBusinessMs(cal, start, ms) as Date
        expect(businessMsBetween(cal, start, due)).toBe(ms)
      }
    }
  })

  it('refuses a negative or non-finite target and an invalid date', () => {
    expect(() => addBusinessMs(cals.plain as BusinessCalendar, at('2026-06-08T08:00:00Z'), -1)).toThrow(
      RangeError,
    )
    expect(() =>
      addBusinessMs(cals.plain as BusinessCalendar, at('2026-06-08T08:00:00Z'), Number.NaN),
    ).toThrow(RangeError)
    expect(() => addBusinessMs(cals.plain as BusinessCalendar, new Date('nonsense'), 1)).toThrow(RangeError)
  })
})

describe('nextOpening', () => {
  const cases: Array<[string, Cal, string, string | null]> = [
    ['an open instant is its own next opening', 'plain', '2026-06-08T08:00:00Z', '2026-06-08T08:00:00Z'],
    ['Saturday → Monday 08:00', 'plain', '2026-06-06T10:00:00Z', '2026-06-08T06:00:00Z'],
    ['the evening before Fronleichnam in BW → Friday', 'bw', '2026-06-03T17:00:00Z', '2026-06-05T06:00:00Z'],
    ['lunch break → 13:00', 'lunch', '2026-06-08T10:30:00Z', '2026-06-08T11:00:00Z'],
    ['at closing → next morning', 'plain', '2026-06-08T16:00:00Z', '2026-06-09T06:00:00Z'],
    [
      'Friday evening before the March change → Monday 08:00 CEST',
      'plain',
      '2026-03-27T18:00:00Z',
      '2026-03-30T06:00:00Z',
    ],
    ['always closed', 'closed', '2026-06-08T08:00:00Z', null],
    ['beyond 400 days', 'tooRare', '2026-06-01T08:00:00Z', null],
    ['within 400 days', 'rareOpen', '2026-06-01T08:00:00Z', '2026-12-18T07:00:00Z'],
  ]
  it.each(cases)('%s', (_name, cal, instant, expected) => {
    const result = nextOpening(cals[cal] as BusinessCalendar, at(instant))
    expect(result?.toISOString() ?? null).toBe(expected === null ? null : at(expected).toISOString())
  })
})

describe('businessMsBetween', () => {
  const cases: Array<[string, Cal, string, string, number]> = [
    ['b before a is 0', 'plain', '2026-06-08T10:00:00Z', '2026-06-08T08:00:00Z', 0],
    ['b equal to a is 0', 'plain', '2026-06-08T10:00:00Z', '2026-06-08T10:00:00Z', 0],
    ['across a weekend', 'plain', '2026-06-05T15:00:00Z', '2026-06-08T07:00:00Z', 2 * H],
    ['a full week', 'plain', '2026-06-08T06:00:00Z', '2026-06-15T06:00:00Z', 50 * H],
    ['the Fronleichnam week in BW', 'bw', '2026-06-01T06:00:00Z', '2026-06-08T06:00:00Z', 40 * H],
    [
      'the Fronleichnam week in Berlin (with Saturday)',
      'be',
      '2026-06-01T06:00:00Z',
      '2026-06-08T06:00:00Z',
      54 * H,
    ],
    [
      '24 h frame: 29 March local day is 23 h',
      'allDay',
      '2026-03-28T23:00:00Z',
      '2026-03-29T22:00:00Z',
      23 * H,
    ],
    [
      '24 h frame: 25 October local day is 25 h',
      'allDay',
      '2026-10-24T22:00:00Z',
      '2026-10-25T23:00:00Z',
      25 * H,
    ],
    [
      'office frames on the change days stay 10 h (Fri+Mon)',
      'plain',
      '2026-03-27T00:00:00Z',
      '2026-03-31T00:00:00Z',
      20 * H,
    ],
    ['lunch day', 'lunch', '2026-06-08T00:00:00Z', '2026-06-09T00:00:00Z', 8 * H],
    ['always closed', 'closed', '2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z', 0],
  ]
  it.each(cases)('%s', (_name, cal, a, b, expected) => {
    expect(businessMsBetween(cals[cal] as BusinessCalendar, at(a), at(b))).toBe(expected)
  })
})

describe('openIntervals', () => {
  it('merges 24 h frames across midnight and clips to the range', () => {
    const r = openIntervals(
      cals.allDay as BusinessCalendar,
      at('2026-03-28T12:00:00Z'),
      at('2026-03-30T12:00:00Z'),
    )
    expect(r.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2026-03-28T12:00:00.000Z', '2026-03-30T12:00:00.000Z'],
    ])
  })

  it('lists each frame of a split day, and nothing on holidays and weekends', () => {
    const r = openIntervals(
      cals.lunch as BusinessCalendar,
      at('2026-06-05T00:00:00Z'),
      at('2026-06-08T09:00:00Z'),
    )
    expect(r.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2026-06-05T06:00:00.000Z', '2026-06-05T10:00:00.000Z'],
      ['2026-06-05T11:00:00.000Z', '2026-06-05T15:00:00.000Z'],
      ['2026-06-08T06:00:00.000Z', '2026-06-08T09:00:00.000Z'],
    ])
    expect(
      openIntervals(cals.bw as BusinessCalendar, at('2026-06-03T22:00:00Z'), at('2026-06-04T22:00:00Z')),
    ).toEqual([])
  })
})

describe('dayPlan and holidaysOn', () => {
  const cases: Array<[string, Cal, string, 'de' | 'en' | undefined, ReturnType<typeof dayPlan>]> = [
    ['a weekday', 'bw', '2026-06-03', undefined, { frames: OFFICE, reason: 'week' }],
    ['a Sunday', 'bw', '2026-06-07', undefined, { frames: [], reason: 'week' }],
    [
      'Fronleichnam in BW (German)',
      'bw',
      '2026-06-04',
      undefined,
      { frames: [], reason: 'holiday', holiday: 'Fronleichnam' },
    ],
    [
      'Fronleichnam in BW (English)',
      'bw',
      '2026-06-04',
      'en',
      { frames: [], reason: 'holiday', holiday: 'Corpus Christi' },
    ],
    [
      'Friedensfest in Augsburg',
      'byAugsburg',
      '2026-08-08',
      'de',
      { frames: [], reason: 'holiday', holiday: 'Augsburger Friedensfest' },
    ],
    ['Friedensfest date elsewhere in Bavaria', 'by', '2026-08-08', 'de', { frames: SAT, reason: 'week' }],
    [
      'exception wins over a holiday and keeps its name',
      'bwExceptions',
      '2026-06-04',
      'de',
      {
        frames: [{ from: '08:00', to: '12:00' }],
        reason: 'exception',
        holiday: 'Fronleichnam',
        note: 'Inventur',
      },
    ],
    [
      'closed by exception',
      'bwExceptions',
      '2026-06-10',
      undefined,
      { frames: [], reason: 'exception', note: 'Betriebsausflug' },
    ],
    [
      'lunch frames come back sorted',
      'lunch',
      '2026-06-08',
      undefined,
      {
        frames: [
          { from: '08:00', to: '12:00' },
          { from: '13:00', to: '17:00' },
        ],
        reason: 'week',
      },
    ],
    [
      '24 December is not a public holiday (bank type)',
      'bw',
      '2026-12-24',
      undefined,
      { frames: OFFICE, reason: 'week' },
    ],
  ]
  it.each(cases)('%s', (_name, cal, date, lang, expected) => {
    expect(dayPlan(cals[cal] as BusinessCalendar, date, lang)).toEqual(expected)
  })

  it('names holidays in German and English', () => {
    expect(holidaysOn(cals.by as BusinessCalendar, '2026-01-06')).toEqual([{ name: 'Heilige Drei Könige' }])
    expect(holidaysOn(cals.by as BusinessCalendar, '2026-01-06', 'en')).toEqual([{ name: 'Epiphany' }])
    expect(holidaysOn(cals.nw as BusinessCalendar, '2026-01-06')).toEqual([])
    expect(holidaysOn(cals.plain as BusinessCalendar, '2026-12-25')).toEqual([])
  })

  it('refuses a malformed date', () => {
    expect(() => dayPlan(cals.bw as BusinessCalendar, '2026-02-30')).toThrow(RangeError)
  })
})

describe('localDateOf', () => {
  it.each([
    ['bw', '2026-06-03T22:30:00Z', '2026-06-04'],
    ['bw', '2026-06-03T21:59:59Z', '2026-06-03'],
    ['ny', '2026-03-09T03:30:00Z', '2026-03-08'],
  ] as Array<[Cal, string, string]>)('%s at %s is %s', (cal, instant, date) => {
    expect(localDateOf(cals[cal] as BusinessCalendar, at(instant))).toBe(date)
  })
})

describe('WALL_CLOCK', () => {
  it('is always open and counts wall time', () => {
    const a = at('2026-03-29T00:30:00Z')
    expect(isOpen(WALL_CLOCK, a)).toBe(true)
    expect(nextOpening(WALL_CLOCK, a)?.toISOString()).toBe(a.toISOString())
    expect(addBusinessMs(WALL_CLOCK, a, 4 * H)?.toISOString()).toBe('2026-03-29T04:30:00.000Z')
    expect(businessMsBetween(WALL_CLOCK, a, at('2026-03-30T00:30:00Z'))).toBe(24 * H)
    expect(holidaysOn(WALL_CLOCK, '2026-12-25')).toEqual([])
  })
})

describe('compileCalendar validation', () => {
  const base = spec()
  const cases: Array<[string, CalendarSpec, Array<string | number>, string]> = [
    ['unknown time zone', { ...base, timeZone: 'Europe/Atlantis' }, ['timeZone'], 'time_zone_invalid'],
    [
      'hour without leading zero',
      { ...base, week: { ...base.week, mon: [{ from: '8:00', to: '12:00' }] } },
      ['week', 'mon', 0, 'from'],
      'frame_time_invalid',
    ],
    [
      '24:00 as a start',
      { ...base, week: { ...base.week, tue: [{ from: '24:00', to: '24:00' }] } },
      ['week', 'tue', 0, 'from'],
      'frame_time_invalid',
    ],
    [
      'past 24:00',
      { ...base, week: { ...base.week, wed: [{ from: '08:00', to: '24:01' }] } },
      ['week', 'wed', 0, 'to'],
      'frame_time_invalid',
    ],
    [
      'end before start',
      { ...base, week: { ...base.week, thu: [{ from: '12:00', to: '08:00' }] } },
      ['week', 'thu', 0, 'to'],
      'frame_empty',
    ],
    [
      'empty frame',
      { ...base, week: { ...base.week, fri: [{ from: '12:00', to: '12:00' }] } },
      ['week', 'fri', 0, 'to'],
      'frame_empty',
    ],
    [
      'overlapping frames',
      {
        ...base,
        week: {
          ...base.week,
          mon: [
            { from: '08:00', to: '12:00' },
            { from: '11:00', to: '14:00' },
          ],
        },
      },
      ['week', 'mon', 1, 'from'],
      'frame_overlap',
    ],
    [
      'impossible exception date',
      { ...base, exceptions: [{ date: '2026-02-30', frames: [] }] },
      ['exceptions', 0, 'date'],
      'exception_date_invalid',
    ],
    [
      'two exceptions on one date',
      {
        ...base,
        exceptions: [
          { date: '2026-12-24', frames: [] },
          { date: '2026-12-24', frames: OFFICE },
        ],
      },
      ['exceptions', 1, 'date'],
      'exception_date_duplicate',
    ],
    [
      'bad exception frame',
      { ...base, exceptions: [{ date: '2026-12-24', frames: [{ from: '09:00', to: '08:00' }] }] },
      ['exceptions', 0, 'frames', 0, 'to'],
      'frame_empty',
    ],
    [
      'unknown country',
      { ...base, holidays: { country: 'XX' } },
      ['holidays', 'country'],
      'holiday_country_unknown',
    ],
    [
      'unknown state',
      { ...base, holidays: { country: 'DE', state: 'ZZ' } },
      ['holidays', 'state'],
      'holiday_state_unknown',
    ],
    [
      'unknown region',
      { ...base, holidays: { country: 'DE', state: 'BY', region: 'ZZ' } },
      ['holidays', 'region'],
      'holiday_region_unknown',
    ],
    [
      'region without a state',
      { ...base, holidays: { country: 'DE', region: 'A' } },
      ['holidays', 'region'],
      'holiday_region_without_state',
    ],
  ]
  it.each(cases)('%s', (_name, bad, path, code) => {
    let error: unknown
    try {
      compileCalendar(bad)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CalendarSpecError)
    expect((error as CalendarSpecError).issues).toContainEqual(expect.objectContaining({ path, code }))
  })

  it('lists every problem at once', () => {
    try {
      compileCalendar({ ...base, timeZone: 'Nowhere', holidays: { country: 'XX' } })
      expect.unreachable()
    } catch (e) {
      expect((e as CalendarSpecError).issues.map((i) => i.code)).toEqual([
        'time_zone_invalid',
        'holiday_country_unknown',
      ])
    }
  })

  it('accepts touching frames as one opening', () => {
    const cal = compileCalendar(
      spec({
        weekdays: [
          { from: '08:00', to: '12:00' },
          { from: '12:00', to: '18:00' },
        ],
      }),
    )
    expect(dayPlan(cal, '2026-06-08').frames).toEqual(OFFICE)
    expect(openIntervals(cal, at('2026-06-08T00:00:00Z'), at('2026-06-09T00:00:00Z'))).toHaveLength(1)
  })
})
