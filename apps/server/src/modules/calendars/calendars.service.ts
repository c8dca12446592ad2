import type { CalendarDay, CreateCalendarInput, UpdateCalendarInput } from '@tresen/contract'
import { DateTime } from 'luxon'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import {
  type BusinessCalendar,
  type CalendarSpec,
  CalendarSpecError,
  compileCalendar,
  dayPlan,
  type HolidayLanguage,
  WALL_CLOCK,
  WEEKDAYS,
} from './calendars.math.ts'
import { authorize } from './calendars.policy.ts'
import { specOf } from './calendars.presenter.ts'
import * as repo from './calendars.repository.ts'

const notFound = () => new AppError('calendar.not_found')
const nameTaken = () =>
  new AppError('calendar.name_taken', undefined, [{ pointer: '/body/name', detail: 'already used' }])

/** Compiles the spec or answers 400 with a pointer per problem (`/body/week/mon/0/to`). */
const compileOrRefuse = (spec: CalendarSpec) => {
  try {
    return compileCalendar(spec)
  } catch (err) {
    if (!(err instanceof CalendarSpecError)) throw err
    throw new AppError(
      'calendar.invalid',
      err.issues.map((i) => i.message).join('; '),
      err.issues.map((i) => ({ pointer: `/body/${i.path.join('/')}`, detail: i.message })),
    )
  }
}

type Columns = Pick<
  repo.CalendarRow,
  'timeZone' | 'week' | 'exceptions' | 'holidayCountry' | 'holidayState' | 'holidayRegion'
>

const columnsOf = (input: {
  timeZone: string
  week: CalendarSpec['week']
  exceptions: CalendarSpec['exceptions']
  holidays: { country: string; state?: string | null; region?: string | null } | null
}): Columns => ({
  timeZone: input.timeZone,
  week: input.week,
  exceptions: [...input.exceptions].sort((a, b) => a.date.localeCompare(b.date)),
  holidayCountry: input.holidays?.country.toUpperCase() ?? null,
  holidayState: input.holidays?.state?.toUpperCase() || null,
  holidayRegion: input.holidays?.region?.toUpperCase() || null,
})

const mapUniqueViolations = (err: unknown): never => {
  if (repo.isNameTaken(err)) throw nameTaken()
  if (repo.isDefaultTaken(err))
    throw new AppError('request.conflict', 'Another default calendar was set meanwhile.')
  throw err
}

/** What the audit log keeps of a calendar. */
const audited = (row: repo.CalendarRow) => ({
  name: row.name,
  timeZone: row.timeZone,
  week: row.week,
  holidays: [row.holidayCountry, row.holidayState, row.holidayRegion].filter(Boolean).join('-') || null,
  exceptions: row.exceptions,
  isDefault: row.isDefault,
})

/** Every calendar with how many teams and channels use it. */
export const listCalendars = async (ctx: Ctx) => {
  authorize(ctx.actor, 'calendar.read')
  const [rows, usage] = await Promise.all([repo.list(ctx.db), repo.usage(ctx.db)])
  return rows.map((row) => ({ row, usedBy: usage.get(row.id) ?? { teams: 0, channels: 0 } }))
}

export const getCalendar = async (ctx: Ctx, id: string) => {
  authorize(ctx.actor, 'calendar.read')
  const row = await repo.findById(ctx.db, id)
  if (!row) throw notFound()
  return { row, usedBy: await repo.usageOf(ctx.db, id) }
}

/** Creates a calendar (admins). The first calendar, or one asked to be, becomes the default. */
export const createCalendar = (ctx: Ctx, input: CreateCalendarInput) => {
  authorize(ctx.actor, 'calendar.write')
  return inTransaction(ctx, async (ctx) => {
    const columns = columnsOf(input)
    compileOrRefuse(specOf(columns))
    const now = ctx.clock.now()
    const currentDefault = await repo.findDefault(ctx.db, { forUpdate: true })
    const isDefault = input.isDefault || !currentDefault
    if (isDefault && currentDefault) await repo.clearDefault(ctx.db, now)
    const row = await repo
      .insert(ctx.db, { name: input.name, ...columns, isDefault, createdAt: now, updatedAt: now })
      .catch(mapUniqueViolations)
    await recordAudit(ctx, {
      action: 'calendar.created',
      targetType: 'calendar',
      targetId: row.id,
      targetLabel: row.name,
      after: audited(row),
    })
    return { row, usedBy: { teams: 0, channels: 0 } }
  })
}

/** Changes a calendar (admins); `isDefault: true` moves the default here. */
export const updateCalendar = (ctx: Ctx, id: string, input: UpdateCalendarInput) => {
  authorize(ctx.actor, 'calendar.write')
  return inTransaction(ctx, async (ctx) => {
    const before = await repo.findById(ctx.db, id, { forUpdate: true })
    if (!before) throw notFound()
    const columns = columnsOf({
      timeZone: input.timeZone ?? before.timeZone,
      week: input.week ?? before.week,
      exceptions: input.exceptions ?? before.exceptions,
      holidays:
        input.holidays === undefined
          ? before.holidayCountry
            ? { country: before.holidayCountry, state: before.holidayState, region: before.holidayRegion }
            : null
          : input.holidays,
    })
    compileOrRefuse(specOf(columns))
    const now = ctx.clock.now()
    const makeDefault = input.isDefault === true && !before.isDefault
    if (makeDefault) {
      await repo.findDefault(ctx.db, { forUpdate: true })
      await repo.clearDefault(ctx.db, now)
    }
    const row = await repo
      .update(ctx.db, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...columns,
        ...(makeDefault ? { isDefault: true } : {}),
        updatedAt: now,
      })
      .catch(mapUniqueViolations)
    const diff = changedFields(audited(before), audited(row))
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(ctx, {
        action: 'calendar.updated',
        targetType: 'calendar',
        targetId: id,
        targetLabel: row.name,
        ...diff,
      })
    }
    return { row, usedBy: await repo.usageOf(ctx.db, id) }
  })
}

/** Deletes a calendar (admins); refused for the default and while teams or channels use it. */
export const deleteCalendar = (ctx: Ctx, id: string) => {
  authorize(ctx.actor, 'calendar.write')
  return inTransaction(ctx, async (ctx) => {
    const row = await repo.findById(ctx.db, id, { forUpdate: true })
    if (!row) throw notFound()
    if (row.isDefault) throw new AppError('calendar.is_default')
    const used = await repo.usageOf(ctx.db, id)
    if (used.teams + used.channels > 0) {
      throw new AppError(
        'calendar.in_use',
        `${used.teams} team(s) and ${used.channels} channel(s) use this calendar.`,
        undefined,
        used,
      )
    }
    await repo.remove(ctx.db, id).catch((err) => {
      // a team or channel was given this calendar after our check: the foreign key says no
      if (repo.isStillReferenced(err)) throw new AppError('calendar.in_use')
      throw err
    })
    await recordAudit(ctx, {
      action: 'calendar.deleted',
      targetType: 'calendar',
      targetId: id,
      targetLabel: row.name,
      before: audited(row),
    })
  })
}

/** The plan of `days` local days from `from` (default: today in the calendar's zone), holidays named in `lang`. */
export const previewCalendar = async (
  ctx: Ctx,
  id: string,
  query: { from?: string; days: number },
  lang: HolidayLanguage,
) => {
  authorize(ctx.actor, 'calendar.read')
  const row = await repo.findById(ctx.db, id)
  if (!row) throw notFound()
  const cal = compiled(row)
  const first = query.from
    ? DateTime.fromISO(query.from, { zone: 'UTC' })
    : DateTime.fromJSDate(ctx.clock.now(), { zone: row.timeZone })
        .startOf('day')
        .setZone('UTC', { keepLocalTime: true })
  if (!first.isValid) {
    throw new AppError('request.invalid', 'from is not a date.', [
      { pointer: '/querystring/from', detail: 'not a date' },
    ])
  }
  const days: CalendarDay[] = []
  for (let i = 0; i < query.days; i++) {
    const d = first.plus({ days: i })
    const date = d.toISODate()!
    const plan = dayPlan(cal, date, lang)
    days.push({
      date,
      weekday: WEEKDAYS[d.weekday - 1]!,
      frames: plan.frames,
      reason: plan.reason,
      holiday: plan.holiday ?? null,
      note: plan.note ?? null,
    })
  }
  return { timeZone: row.timeZone, days }
}

// ---------- compiled calendars for other modules ----------

const MAX_CACHED = 500
const cache = new Map<string, { version: number; cal: BusinessCalendar }>()

/** A row's compiled calendar, cached per id and updated_at. */
const compiled = (row: Pick<repo.CalendarRow, 'id' | 'updatedAt'> & Columns): BusinessCalendar => {
  const hit = cache.get(row.id)
  if (hit && hit.version === row.updatedAt.getTime()) return hit.cal
  const cal = compileCalendar(specOf(row))
  if (cache.size >= MAX_CACHED) cache.clear()
  cache.set(row.id, { version: row.updatedAt.getTime(), cal })
  return cal
}

/**
 * The business calendar that applies to a channel or team: the channel's, else the team's, else
 * the default; wall clock when there is no calendar at all. One small query; compiled calendars
 * are cached per id and version.
 */
export const calendarFor = async (
  db: Queryable,
  opts: { teamId?: string | null; channelId?: string | null } = {},
): Promise<BusinessCalendar> => {
  const found = await repo.resolveFor(db, opts)
  if (!found) return WALL_CLOCK
  const hit = cache.get(found.id)
  if (hit && hit.version === found.updatedAt.getTime()) return hit.cal
  const row = await repo.findById(db, found.id)
  if (!row) return WALL_CLOCK
  return compiled(row)
}

/** Whether a calendar exists (teams and channels check before pointing at one). */
export const calendarExists = async (db: Queryable, id: string) => Boolean(await repo.findById(db, id))
