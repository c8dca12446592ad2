import { type Actor, isAdmin } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

/**
 * Who may do what with calendars. Pure. Every staff member reads them (due times and "open
 * until" come from them); creating, changing and deleting them is for admins (and the desk itself).
 */
export type CalendarAction = 'calendar.read' | 'calendar.write'

export const can = (actor: Actor, action: CalendarAction): boolean => {
  switch (action) {
    case 'calendar.read':
      return true
    case 'calendar.write':
      return isAdmin(actor)
  }
}

export const authorize = (actor: Actor, action: CalendarAction) => {
  if (!can(actor, action)) throw new AppError('auth.forbidden')
}
