import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

/** 'HH:MM' local wall time; the server checks the times, their order and overlaps. */
export const CalendarFrame = z.strictObject({ from: z.string().max(5), to: z.string().max(5) })
export type CalendarFrame = z.infer<typeof CalendarFrame>

const DayFrames = z.array(CalendarFrame).max(12)

export const CalendarWeek = z.strictObject({
  mon: DayFrames,
  tue: DayFrames,
  wed: DayFrames,
  thu: DayFrames,
  fri: DayFrames,
  sat: DayFrames,
  sun: DayFrames,
})
export type CalendarWeek = z.infer<typeof CalendarWeek>

export const CALENDAR_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')

/** A dated change of the weekly plan: no frames closes the day; frames win over a holiday. */
export const CalendarException = z.strictObject({
  date: LocalDate,
  frames: DayFrames,
  note: z.string().trim().max(200).optional(),
})
export type CalendarException = z.infer<typeof CalendarException>

/** Where public holidays come from (date-holidays codes): DE, DE-BW, DE-BY-A (Augsburg). */
export const CalendarHolidayRegion = z.strictObject({
  country: z.string().trim().min(2).max(3),
  state: z.string().trim().min(1).max(10).nullable().optional(),
  region: z.string().trim().min(1).max(10).nullable().optional(),
})
export type CalendarHolidayRegion = z.infer<typeof CalendarHolidayRegion>

export const CreateCalendarInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  timeZone: z.string().trim().min(1).max(64),
  week: CalendarWeek,
  holidays: CalendarHolidayRegion.nullable().default(null),
  exceptions: z.array(CalendarException).max(1000).default([]),
  /** Makes this the default calendar (the former default stops being one). */
  isDefault: z.boolean().default(false),
})
export type CreateCalendarInput = z.infer<typeof CreateCalendarInput>

export const UpdateCalendarInput = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  timeZone: z.string().trim().min(1).max(64).optional(),
  week: CalendarWeek.optional(),
  holidays: CalendarHolidayRegion.nullable().optional(),
  exceptions: z.array(CalendarException).max(1000).optional(),
  /** true makes this the default; a default stops being one only when another becomes default. */
  isDefault: z.literal(true).optional(),
})
export type UpdateCalendarInput = z.infer<typeof UpdateCalendarInput>

export const Calendar = z.object({
  id: Id,
  name: z.string(),
  timeZone: z.string(),
  week: CalendarWeek,
  holidays: z
    .object({ country: z.string(), state: z.string().nullable(), region: z.string().nullable() })
    .nullable(),
  exceptions: z.array(CalendarException),
  isDefault: z.boolean(),
  /** Teams and email channels that name this calendar. */
  usedBy: z.object({ teams: z.number().int(), channels: z.number().int() }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Calendar = z.infer<typeof Calendar>

export const CalendarPreviewQuery = z.object({
  /** First local date; default: today in the calendar's time zone. */
  from: LocalDate.optional(),
  days: z.coerce.number().int().min(1).max(62).default(14),
})
export type CalendarPreviewQuery = z.infer<typeof CalendarPreviewQuery>

export const CalendarDay = z.object({
  date: z.string(),
  weekday: z.enum(CALENDAR_WEEKDAYS),
  frames: z.array(CalendarFrame),
  reason: z.enum(['week', 'holiday', 'exception']),
  /** Public holiday names in the request's language (also on days an exception opens). */
  holiday: z.string().nullable(),
  note: z.string().nullable(),
})
export type CalendarDay = z.infer<typeof CalendarDay>

export const CalendarPreview = z.object({ timeZone: z.string(), days: z.array(CalendarDay) })
export type CalendarPreview = z.infer<typeof CalendarPreview>

export const CalendarRegionsQuery = z.object({ country: z.string().trim().min(2).max(3).optional() })

const NamedCode = z.object({ code: z.string(), name: z.string() })
/** The holiday regions date-holidays knows: countries; with `country`, its states and their regions. */
export const CalendarRegions = z.object({
  countries: z.array(NamedCode),
  states: z.array(NamedCode.extend({ regions: z.array(NamedCode) })),
})
export type CalendarRegions = z.infer<typeof CalendarRegions>
