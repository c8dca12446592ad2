// Business-hours clock math: pure, no database. A calendar is compiled once; every question
// ("open now?", "when are 4 business hours over?") then walks compiled local days, each cached
// with its open intervals as UTC milliseconds, so wall-time frames stay right on 23- and 25-hour days.
import Holidays from 'date-holidays'
import { DateTime, IANAZone } from 'luxon'

/** 'HH:MM' local wall time; `to` may be '24:00' (end of the local day). */
export type Frame = { from: string; to: string }
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export type CalendarException = { date: string; frames: Frame[]; note?: string }
export type HolidayRegion = { country: string; state?: string; region?: string }
export type CalendarSpec = {
  timeZone: string
  week: Record<Weekday, Frame[]>
  holidays: HolidayRegion | null
  exceptions: CalendarException[]
}
export type HolidayLanguage = 'de' | 'en'
export type DayPlan = {
  frames: Frame[]
  reason: 'week' | 'holiday' | 'exception'
  holiday?: string
  note?: string
}
export type OpenInterval = { start: Date; end: Date }

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/** Only date-holidays type 'public' closes a day; 'bank', 'optional', 'school', 'observance' do not. */
export const CLOSING_HOLIDAY_TYPES = ['public'] as const

/** How far the clock searches for open time before it answers "never" (null). */
export const SEARCH_HORIZON_DAYS = 400

export type CalendarSpecIssue = { path: Array<string | number>; code: string; message: string }

/** Thrown by compileCalendar; `issues` lists every problem with its path inside the spec. */
export class CalendarSpecError extends Error {
  readonly issues: CalendarSpecIssue[]
  constructor(issues: CalendarSpecIssue[]) {
    super(
      `Invalid calendar: ${issues.map((i) => `${i.path.join('.') || '(spec)'}: ${i.message}`).join('; ')}`,
    )
    this.name = 'CalendarSpecError'
    this.issues = issues
  }
}

const DAY_MS = 86_400_000
const MAX_CACHED_DAYS = 20_000

type CompiledDay = {
  /** UTC ms of local 00:00 and of the next local 00:00. */
  start: number
  end: number
  /** Sorted, disjoint, non-empty open intervals [s, e) in UTC ms; flat: s0, e0, s1, e1, … */
  open: number[]
  openMs: number
}

type Internals = {
  zone: IANAZone
  alwaysOpen: boolean
  week: Array<Array<[number, number]>> // minutes from local midnight, index 0 = Monday
  exceptions: Map<string, { minutes: Array<[number, number]>; note?: string }>
  holidays: Holidays | null
  /** local date → holiday names in the library's default language, per year loaded. */
  closedDates: Map<string, string[]>
  loadedYears: Set<number>
  namesByLang: Map<string, Map<string, string[]>>
  namesYears: Set<string>
  days: Map<number, CompiledDay>
}

const INTERNALS: unique symbol = Symbol('calendar.internals')

export type BusinessCalendar = { readonly spec: CalendarSpec; readonly [INTERNALS]: Internals }

// ---------- validation and compile ----------

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

function parseMinutes(value: unknown, allow24: boolean): number | null {
  if (typeof value !== 'string') return null
  if (allow24 && value === '24:00') return 24 * 60
  const m = TIME_RE.exec(value)
  if (!m) return null
  return Number(m[1]) * 60 + Number(m[2])
}

function isValidLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = DATE_RE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === value
}

function compileFrames(
  frames: unknown,
  path: Array<string | number>,
  issues: CalendarSpecIssue[],
): Array<[number, number]> {
  if (!Array.isArray(frames)) {
    issues.push({ path, code: 'frames_invalid', message: 'must be a list of time frames' })
    return []
  }
  const parsed: Array<{ from: number; to: number; index: number }> = []
  frames.forEach((frame: unknown, index) => {
    const f = (frame ?? {}) as Partial<Frame>
    const from = parseMinutes(f.from, false)
    const to = parseMinutes(f.to, true)
    if (from === null)
      issues.push({
        path: [...path, index, 'from'],
        code: 'frame_time_invalid',
        message: 'must be a time HH:MM (00:00–23:59)',
      })
    if (to === null)
      issues.push({
        path: [...path, index, 'to'],
        code: 'frame_time_invalid',
        message: 'must be a time HH:MM (00:01–24:00)',
      })
    if (from === null || to === null) return
    if (to <= from) {
      issues.push({
        path: [...path, index, 'to'],
        code: 'frame_empty',
        message: `must be later than ${f.from}`,
      })
      return
    }
    parsed.push({ from, to, index })
  })
  const sorted = [...parsed].sort((a, b) => a.from - b.from)
  const merged: Array<[number, number]> = []
  for (let i = 0; i < sorted.length; i++) {
    const cur = sorted[i] as (typeof sorted)[number]
    const prev = sorted[i - 1]
    if (prev && cur.from < prev.to) {
      const a = frames[prev.index] as Frame
      issues.push({
        path: [...path, cur.index, 'from'],
        code: 'frame_overlap',
        message: `overlaps the frame ${a.from}–${a.to}`,
      })
      continue
    }
    const last = merged[merged.length - 1]
    if (last && last[1] === cur.from)
      last[1] = cur.to // touching frames are one opening
    else merged.push([cur.from, cur.to])
  }
  return merged
}

function makeHolidays(region: HolidayRegion, issues: CalendarSpecIssue[]): Holidays | null {
  const probe = new Holidays()
  const countries = probe.getCountries('en') ?? {}
  const country = typeof region.country === 'string' ? region.country.toUpperCase() : ''
  if (!countries[country]) {
    issues.push({
      path: ['holidays', 'country'],
      code: 'holiday_country_unknown',
      message: `unknown country ${String(region.country)}`,
    })
    return null
  }
  const state = region.state ? String(region.state).toUpperCase() : undefined
  const area = region.region ? String(region.region).toUpperCase() : undefined
  if (area && !state) {
    issues.push({
      path: ['holidays', 'region'],
      code: 'holiday_region_without_state',
      message: 'a region needs a state',
    })
    return null
  }
  if (state) {
    const states = probe.getStates(country, 'en') ?? {}
    if (!states[state]) {
      issues.push({
        path: ['holidays', 'state'],
        code: 'holiday_state_unknown',
        message: `unknown state ${state} of ${country}`,
      })
      return null
    }
    if (area) {
      const regions = probe.getRegions(country, state, 'en') ?? {}
      if (!regions[area]) {
        issues.push({
          path: ['holidays', 'region'],
          code: 'holiday_region_unknown',
          message: `unknown region ${area} of ${country}-${state}`,
        })
        return null
      }
    }
  }
  return new Holidays(
    { country, ...(state ? { state } : {}), ...(area ? { region: area } : {}) },
    { types: [...CLOSING_HOLIDAY_TYPES] },
  )
}

/** Validates a spec (throws CalendarSpecError listing every problem) and prepares it for fast queries. */
export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  const issues: CalendarSpecIssue[] = []
  const s = (spec ?? {}) as Partial<CalendarSpec>
  let zone: IANAZone | null = null
  if (typeof s.timeZone !== 'string' || !IANAZone.isValidZone(s.timeZone)) {
    issues.push({
      path: ['timeZone'],
      code: 'time_zone_invalid',
      message: `unknown time zone ${String(s.timeZone)}`,
    })
  } else {
    zone = IANAZone.create(s.timeZone)
  }
  const week: Array<Array<[number, number]>> = []
  const weekIn = (s.week ?? {}) as Partial<Record<Weekday, Frame[]>>
  if (typeof s.week !== 'object' || s.week === null) {
    issues.push({ path: ['week'], code: 'week_invalid', message: 'must give the frames of every weekday' })
  }
  for (const day of WEEKDAYS) {
    week.push(compileFrames(weekIn[day] ?? [], ['week', day], issues))
  }
  const exceptions = new Map<string, { minutes: Array<[number, number]>; note?: string }>()
  if (!Array.isArray(s.exceptions)) {
    issues.push({ path: ['exceptions'], code: 'exceptions_invalid', message: 'must be a list' })
  } else {
    s.exceptions.forEach((ex, index) => {
      const e = (ex ?? {}) as Partial<CalendarException>
      const minutes = compileFrames(e.frames, ['exceptions', index, 'frames'], issues)
      if (!isValidLocalDate(e.date)) {
        issues.push({
          path: ['exceptions', index, 'date'],
          code: 'exception_date_invalid',
          message: 'must be a date YYYY-MM-DD',
        })
        return
      }
      if (exceptions.has(e.date)) {
        issues.push({
          path: ['exceptions', index, 'date'],
          code: 'exception_date_duplicate',
          message: `${e.date} has another exception`,
        })
        return
      }
      exceptions.set(e.date, { minutes, ...(e.note ? { note: e.note } : {}) })
    })
  }
  const holidays = s.holidays ? makeHolidays(s.holidays, issues) : null
  if (issues.length > 0 || !zone) throw new CalendarSpecError(issues)

  const alwaysOpen =
    !holidays &&
    exceptions.size === 0 &&
    (zone.isUniversal || s.timeZone === 'UTC') &&
    week.every((f) => f.length === 1 && f[0]?.[0] === 0 && f[0]?.[1] === 1440)
  return {
    spec: spec as CalendarSpec,
    [INTERNALS]: {
      zone,
      alwaysOpen,
      week,
      exceptions,
      holidays,
      closedDates: new Map(),
      loadedYears: new Set(),
      namesByLang: new Map(),
      namesYears: new Set(),
      days: new Map(),
    },
  }
}

const ALWAYS: Frame[] = [{ from: '00:00', to: '24:00' }]

/** Always open: business time equals wall time. */
export const WALL_CLOCK: BusinessCalendar = compileCalendar({
  timeZone: 'UTC',
  week: { mon: ALWAYS, tue: ALWAYS, wed: ALWAYS, thu: ALWAYS, fri: ALWAYS, sat: ALWAYS, sun: ALWAYS },
  holidays: null,
  exceptions: [],
})

// ---------- holidays ----------

type HolidayEntry = { date: string; start: Date; end: Date; name: string; type: string }

function addHolidayDates(target: Map<string, string[]>, entries: HolidayEntry[]) {
  for (const h of entries) {
    if (!(CLOSING_HOLIDAY_TYPES as readonly string[]).includes(h.type)) continue
    const first = h.date.slice(0, 10)
    // multi-day holidays (rare, e.g. several-day festivals) close each of their days
    const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS))
    const base = Date.parse(`${first}T00:00:00Z`)
    for (let i = 0; i < days; i++) {
      const date = new Date(base + i * DAY_MS).toISOString().slice(0, 10)
      const names = target.get(date)
      if (names) {
        if (!names.includes(h.name)) names.push(h.name)
      } else target.set(date, [h.name])
    }
  }
}

function ensureYear(c: Internals, year: number) {
  if (!c.holidays) return
  for (const y of [year - 1, year]) {
    if (c.loadedYears.has(y)) continue
    c.loadedYears.add(y)
    addHolidayDates(c.closedDates, c.holidays.getHolidays(y) as HolidayEntry[])
  }
}

function closedNames(c: Internals, localDate: string): string[] | undefined {
  if (!c.holidays) return undefined
  ensureYear(c, Number(localDate.slice(0, 4)))
  return c.closedDates.get(localDate)
}

function namesIn(c: Internals, localDate: string, lang: HolidayLanguage): string[] {
  if (!c.holidays) return []
  const year = Number(localDate.slice(0, 4))
  let byDate = c.namesByLang.get(lang)
  if (!byDate) {
    byDate = new Map()
    c.namesByLang.set(lang, byDate)
  }
  for (const y of [year - 1, year]) {
    const key = `${lang}:${y}`
    if (c.namesYears.has(key)) continue
    c.namesYears.add(key)
    addHolidayDates(byDate, c.holidays.getHolidays(y, lang) as HolidayEntry[])
  }
  return byDate.get(localDate) ?? []
}

/** The public holidays that close `localDate` (YYYY-MM-DD), named in `lang` or the country's own language. */
export function holidaysOn(
  cal: BusinessCalendar,
  localDate: string,
  lang?: HolidayLanguage,
): Array<{ name: string }> {
  if (!isValidLocalDate(localDate)) throw new RangeError(`not a date YYYY-MM-DD: ${localDate}`)
  const c = cal[INTERNALS]
  const names = lang ? namesIn(c, localDate, lang) : (closedNames(c, localDate) ?? [])
  return names.map((name) => ({ name }))
}

/** Same as holidaysOn with an explicit language. */
export const holidaysOnIn = (cal: BusinessCalendar, localDate: string, lang: HolidayLanguage) =>
  holidaysOn(cal, localDate, lang)

// ---------- days ----------

function dayNumberOf(localDate: string): number {
  return Math.floor(Date.parse(`${localDate}T00:00:00Z`) / DAY_MS)
}

function localDateOfDay(d: number): string {
  return new Date(d * DAY_MS).toISOString().slice(0, 10)
}

function weekdayIndex(d: number): number {
  // 1970-01-01 (day 0) was a Thursday; index 0 = Monday
  return (((d + 3) % 7) + 7) % 7
}

function toFrame([from, to]: [number, number]): Frame {
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
  return { from: hhmm(from), to: hhmm(to) }
}

function minutesFor(c: Internals, d: number, localDate: string) {
  const ex = c.exceptions.get(localDate)
  if (ex) return { minutes: ex.minutes, reason: 'exception' as const, note: ex.note }
  const names = closedNames(c, localDate)
  if (names && names.length > 0) return { minutes: [], reason: 'holiday' as const, holiday: names.join(', ') }
  return { minutes: c.week[weekdayIndex(d)] ?? [], reason: 'week' as const }
}

/** The frames that apply on `localDate` and why (weekly plan, holiday, or exception). */
export function dayPlan(cal: BusinessCalendar, localDate: string, lang?: HolidayLanguage): DayPlan {
  if (!isValidLocalDate(localDate)) throw new RangeError(`not a date YYYY-MM-DD: ${localDate}`)
  const c = cal[INTERNALS]
  const plan = minutesFor(c, dayNumberOf(localDate), localDate)
  const out: DayPlan = { frames: plan.minutes.map(toFrame), reason: plan.reason }
  const names = lang ? namesIn(c, localDate, lang) : closedNames(c, localDate)
  if (names && names.length > 0) out.holiday = names.join(', ')
  if (plan.reason === 'exception' && plan.note) out.note = plan.note
  return out
}

function localToUtc(zone: IANAZone, localDate: string, minutes: number): number {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number]
  if (minutes >= 1440) {
    const next = localDateOfDay(dayNumberOf(localDate) + 1)
    return localToUtc(zone, next, minutes - 1440)
  }
  return DateTime.fromObject(
    { year: y, month: m, day: d, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone },
  ).toMillis()
}

function compiledDay(c: Internals, d: number): CompiledDay {
  const hit = c.days.get(d)
  if (hit) return hit
  if (c.days.size >= MAX_CACHED_DAYS) c.days.clear()
  const localDate = localDateOfDay(d)
  let day: CompiledDay
  if (c.alwaysOpen) {
    day = { start: d * DAY_MS, end: (d + 1) * DAY_MS, open: [d * DAY_MS, (d + 1) * DAY_MS], openMs: DAY_MS }
  } else {
    const start = localToUtc(c.zone, localDate, 0)
    const end = localToUtc(c.zone, localDate, 1440)
    const open: number[] = []
    let openMs = 0
    for (const [from, to] of minutesFor(c, d, localDate).minutes) {
      // a wall time skipped by a DST jump maps forward; clamp so intervals stay inside the day
      const s = Math.max(start, from === 0 ? start : localToUtc(c.zone, localDate, from))
      const e = Math.min(end, to === 1440 ? end : localToUtc(c.zone, localDate, to))
      if (e <= s) continue
      const lastEnd = open[open.length - 1]
      if (lastEnd !== undefined && s <= lastEnd) {
        openMs += e - lastEnd
        open[open.length - 1] = Math.max(lastEnd, e)
      } else {
        open.push(s, e)
        openMs += e - s
      }
    }
    day = { start, end, open, openMs }
  }
  c.days.set(d, day)
  return day
}

/** Day number of the local day that contains instant t. */
function dayContaining(c: Internals, t: number): number {
  let d = Math.floor(t / DAY_MS)
  for (let guard = 0; guard < 4; guard++) {
    const day = compiledDay(c, d)
    if (t < day.start) d--
    else if (t >= day.end) d++
    else return d
  }
  return d
}

function assertDate(at: Date, name: string): number {
  const t = at instanceof Date ? at.getTime() : Number.NaN
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid Date`)
  return t
}

/** The local date (YYYY-MM-DD in the calendar's zone) of an instant. */
export function localDateOf(cal: BusinessCalendar, at: Date): string {
  return localDateOfDay(dayContaining(cal[INTERNALS], assertDate(at, 'at')))
}

// ---------- queries ----------

/** Whether the calendar is open at the instant `at`. */
export function isOpen(cal: BusinessCalendar, at: Date): boolean {
  const c = cal[INTERNALS]
  if (c.alwaysOpen) return true
  const t = assertDate(at, 'at')
  const { open } = compiledDay(c, dayContaining(c, t))
  for (let i = 0; i < open.length; i += 2) {
    if (t < (open[i] as number)) return false
    if (t < (open[i + 1] as number)) return true
  }
  return false
}

/** `at` itself when open, else the next opening; null when closed for the next 400 days. */
export function nextOpening(cal: BusinessCalendar, at: Date): Date | null {
  const c = cal[INTERNALS]
  const t = assertDate(at, 'at')
  if (c.alwaysOpen) return new Date(t)
  const first = dayContaining(c, t)
  for (let d = first; d <= first + SEARCH_HORIZON_DAYS; d++) {
    const { open } = compiledDay(c, d)
    for (let i = 0; i < open.length; i += 2) {
      if ((open[i + 1] as number) > t) return new Date(Math.max(t, open[i] as number))
    }
  }
  return null
}

/** Open intervals between `from` and `to`, clipped to them; intervals touching across midnight are merged. */
export function openIntervals(cal: BusinessCalendar, from: Date, to: Date): OpenInterval[] {
  const c = cal[INTERNALS]
  const a = assertDate(from, 'from')
  const b = assertDate(to, 'to')
  if (b <= a) return []
  if (c.alwaysOpen) return [{ start: new Date(a), end: new Date(b) }]
  const raw: number[] = []
  for (let d = dayContaining(c, a); ; d++) {
    const day = compiledDay(c, d)
    if (day.start >= b) break
    const { open } = day
    for (let i = 0; i < open.length; i += 2) {
      const s = Math.max(a, open[i] as number)
      const e = Math.min(b, open[i + 1] as number)
      if (e <= s) continue
      if (raw.length > 0 && raw[raw.length - 1] === s) raw[raw.length - 1] = e
      else raw.push(s, e)
    }
  }
  const out: OpenInterval[] = []
  for (let i = 0; i < raw.length; i += 2)
    out.push({ start: new Date(raw[i] as number), end: new Date(raw[i + 1] as number) })
  return out
}

/** Open milliseconds between a and b; 0 when b <= a. */
export function businessMsBetween(cal: BusinessCalendar, a: Date, b: Date): number {
  const c = cal[INTERNALS]
  const ta = assertDate(a, 'a')
  const tb = assertDate(b, 'b')
  if (tb <= ta) return 0
  if (c.alwaysOpen) return tb - ta
  let total = 0
  for (let d = dayContaining(c, ta); ; d++) {
    const day = compiledDay(c, d)
    if (day.start >= tb) break
    if (day.start >= ta && day.end <= tb) {
      total += day.openMs
      continue
    }
    const { open } = day
    for (let i = 0; i < open.length; i += 2) {
      const s = Math.max(ta, open[i] as number)
      const e = Math.min(tb, open[i + 1] as number)
      if (e > s) total += e - s
    }
  }
  return total
}

/**
 * The instant at which `ms` of open time has elapsed counting from `start`. ms = 0 gives `start`
 * (even when closed). null when the calendar stays closed for 400 days in a row before the target is reached.
 */
export function addBusinessMs(cal: BusinessCalendar, start: Date, ms: number): Date | null {
  const c = cal[INTERNALS]
  const t = assertDate(start, 'start')
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be a finite number >= 0, got ${ms}`)
  if (ms === 0) return new Date(t)
  if (c.alwaysOpen) return new Date(t + ms)
  let remaining = ms
  let closedDays = 0
  for (let d = dayContaining(c, t); ; d++) {
    const day = compiledDay(c, d)
    if (day.openMs === 0 || day.end <= t) {
      if (++closedDays > SEARCH_HORIZON_DAYS) return null
      continue
    }
    // whole day ahead of us and not enough: skip it in one step
    if (day.start >= t && day.openMs < remaining) {
      remaining -= day.openMs
      closedDays = 0
      continue
    }
    const { open } = day
    let any = false
    for (let i = 0; i < open.length; i += 2) {
      const e = open[i + 1] as number
      if (e <= t) continue
      const s = Math.max(t, open[i] as number)
      any = true
      const avail = e - s
      if (remaining <= avail) return new Date(s + remaining)
      remaining -= avail
    }
    if (any) closedDays = 0
    else if (++closedDays > SEARCH_HORIZON_DAYS) return null
  }
}
