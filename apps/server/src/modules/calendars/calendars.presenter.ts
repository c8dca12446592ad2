import type { Calendar } from '@tresen/contract'
import type { CalendarSpec } from './calendars.math.ts'
import type { CalendarRow } from './calendars.repository.ts'

export const specOf = (
  row: Pick<
    CalendarRow,
    'timeZone' | 'week' | 'exceptions' | 'holidayCountry' | 'holidayState' | 'holidayRegion'
  >,
): CalendarSpec => ({
  timeZone: row.timeZone,
  week: row.week,
  exceptions: row.exceptions,
  holidays: row.holidayCountry
    ? {
        country: row.holidayCountry,
        ...(row.holidayState ? { state: row.holidayState } : {}),
        ...(row.holidayRegion ? { region: row.holidayRegion } : {}),
      }
    : null,
})

export const presentCalendar = (
  row: CalendarRow,
  usedBy: { teams: number; channels: number } = { teams: 0, channels: 0 },
): Calendar => ({
  id: row.id,
  name: row.name,
  timeZone: row.timeZone,
  week: row.week,
  holidays: row.holidayCountry
    ? { country: row.holidayCountry, state: row.holidayState, region: row.holidayRegion }
    : null,
  exceptions: row.exceptions,
  isDefault: row.isDefault,
  usedBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})
