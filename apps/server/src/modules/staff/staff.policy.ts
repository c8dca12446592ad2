import { type Actor, isAdmin, type StaffRole } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

/**
 * Who may do what with staff accounts. Pure: no database, so every rule is unit-tested.
 * Reading active users is open to all staff (assignee pickers); everything else is for admins
 * (and the desk itself: CLI, seeding). A user changes their own name and language through the
 * profile, never their role, email, teams or active flag.
 */
export type StaffAction =
  | 'staff.list'
  | 'staff.read'
  | 'staff.read_inactive'
  | 'staff.create'
  | 'staff.update'
  | 'staff.deactivate'

export const can = (actor: Actor, action: StaffAction): boolean => {
  switch (action) {
    case 'staff.list':
    case 'staff.read':
      return true
    case 'staff.read_inactive':
    case 'staff.create':
    case 'staff.update':
    case 'staff.deactivate':
      return isAdmin(actor)
  }
}

export const authorize = (actor: Actor, action: StaffAction) => {
  if (!can(actor, action)) throw new AppError('auth.forbidden')
}

/**
 * Whether a change takes an active admin away: demotes them or deactivates them.
 * Such a change needs another active admin to remain (checked against the database).
 */
export const removesActiveAdmin = (
  target: { role: StaffRole; active: boolean },
  change: { role?: StaffRole; active?: boolean },
) =>
  target.role === 'admin' &&
  target.active &&
  ((change.role !== undefined && change.role !== 'admin') || change.active === false)

/** Whether a change must end the user's sessions: a new password, or deactivation. */
export const endsSessions = (target: { active: boolean }, change: { password?: string; active?: boolean }) =>
  change.password !== undefined || (target.active && change.active === false)
