import {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  WALL_CLOCK,
} from '../calendars/calendars.math.ts'
import type { PromiseState } from './promises.tables.ts'

/**
 * A promise's clock, pure: how much of its target is used, when it is due, when it warns.
 * The time counted is open time of the calendar (`business`) or wall time. `consumedMs` is what
 * was used up to `resumedAt`; paused clocks have `resumedAt` null. Every change (pause, resume,
 * a new target) keeps what was used, so a policy change never loses paused time.
 */
export type Clock = {
  targetMs: number
  warnAt: number
  business: boolean
  consumedMs: number
  resumedAt: Date | null
}

const calOf = (c: Pick<Clock, 'business'>, cal: BusinessCalendar) => (c.business ? cal : WALL_CLOCK)

const addMs = (c: Clock, cal: BusinessCalendar, from: Date, ms: number) =>
  c.business ? addBusinessMs(cal, from, ms) : new Date(from.getTime() + ms)

/** Time used so far (open or wall milliseconds). */
export const usedMs = (c: Clock, cal: BusinessCalendar, now: Date) =>
  c.consumedMs + (c.resumedAt && now > c.resumedAt ? businessMsBetween(calOf(c, cal), c.resumedAt, now) : 0)

/** When the target is used up: null while paused, or when the calendar never opens again. */
export const dueAt = (c: Clock, cal: BusinessCalendar) =>
  c.resumedAt ? addMs(c, cal, c.resumedAt, Math.max(0, c.targetMs - c.consumedMs)) : null

/** When the share `warnAt` of the target is used up (null while paused). */
export const warningAt = (c: Clock, cal: BusinessCalendar) =>
  c.resumedAt
    ? addMs(c, cal, c.resumedAt, Math.max(0, Math.round(c.targetMs * c.warnAt) - c.consumedMs))
    : null

export const pause = (c: Clock, cal: BusinessCalendar, at: Date): Clock =>
  c.resumedAt ? { ...c, consumedMs: usedMs(c, cal, at), resumedAt: null } : c

export const resume = (c: Clock, at: Date): Clock => (c.resumedAt ? c : { ...c, resumedAt: at })

/** A new target (a policy or priority change): what was used stays used. */
export const retarget = (c: Clock, targetMs: number, warnAt = c.warnAt): Clock => ({ ...c, targetMs, warnAt })

/** The state a clock that is still open (not met, not cancelled) has at `now`. */
export const openState = (
  c: Clock,
  cal: BusinessCalendar,
  now: Date,
  marks: { breachedAt?: Date | null },
): PromiseState => {
  if (marks.breachedAt) return 'breached'
  const used = usedMs(c, cal, now)
  if (used >= c.targetMs) return 'breached'
  if (!c.resumedAt) return 'paused'
  return used >= c.targetMs * c.warnAt ? 'warning' : 'running'
}

/** What an API or a page shows of an open clock: due time, time left (negative when late), state. */
export const view = (
  c: Clock,
  cal: BusinessCalendar,
  now: Date,
  marks: { breachedAt?: Date | null } = {},
) => {
  const used = usedMs(c, cal, now)
  return {
    state: openState(c, cal, now, marks),
    dueAt: dueAt(c, cal),
    usedMs: used,
    leftMs: c.targetMs - used,
  }
}

/**
 * The next moment the sweep must look at an open promise: its warning unless given, else its
 * due time; a paused one at the end of its manual pause. Null: nothing will happen by itself.
 */
export const nextFireAt = (
  c: Clock,
  cal: BusinessCalendar,
  marks: { warnedAt?: Date | null; breachedAt?: Date | null; pauseUntil?: Date | null },
) => {
  if (!c.resumedAt) return marks.pauseUntil ?? null
  if (marks.breachedAt) return null
  if (!marks.warnedAt) return warningAt(c, cal)
  return dueAt(c, cal)
}
