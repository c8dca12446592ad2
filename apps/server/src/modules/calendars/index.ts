/** Calendars: business hours, exceptions and public holidays, and the clock math over them. */

export {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  type CalendarException,
  type CalendarSpec,
  CalendarSpecError,
  type CalendarSpecIssue,
  compileCalendar,
  type DayPlan,
  dayPlan,
  type Frame,
  type HolidayLanguage,
  type HolidayRegion,
  holidaysOn,
  holidaysOnIn,
  isOpen,
  localDateOf,
  nextOpening,
  type OpenInterval,
  openIntervals,
  WALL_CLOCK,
  type Weekday,
} from './calendars.math.ts'
export { calendarRoutes } from './calendars.routes.ts'
/** The calendar of a channel or team (channel's → team's → default → wall clock), and the admin commands. */
export {
  calendarExists,
  calendarFor,
  createCalendar,
  deleteCalendar,
  getCalendar,
  listCalendars,
  updateCalendar,
} from './calendars.service.ts'
/** The table teams and channels point at. */
export { calendars } from './calendars.tables.ts'
