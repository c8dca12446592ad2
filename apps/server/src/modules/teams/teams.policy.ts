import { type Actor, isAdmin } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

export type TeamRole = 'member' | 'supervisor'

/**
 * Who may do what with teams. Pure, unit-tested. Teams are visible to all staff; creating,
 * renaming and archiving them is for admins (and the desk itself). Membership is for admins,
 * and for the supervisors of a team, who may add and remove plain members of that team only.
 */
export type TeamAction = 'team.read' | 'team.create' | 'team.update' | 'team.archive'

export const can = (actor: Actor, action: TeamAction): boolean => {
  switch (action) {
    case 'team.read':
      return true
    case 'team.create':
    case 'team.update':
    case 'team.archive':
      return isAdmin(actor)
  }
}

export const authorize = (actor: Actor, action: TeamAction) => {
  if (!can(actor, action)) throw new AppError('auth.forbidden')
}

const supervises = (actor: Actor, teamId: string) =>
  actor.kind === 'staff' && actor.supervisedTeamIds.includes(teamId)

/** Whether the actor may manage the membership of this team at all (before any member is looked at). */
export const canManageMembers = (actor: Actor, teamId: string) => isAdmin(actor) || supervises(actor, teamId)

/**
 * Whether the actor may change one membership from `current` (undefined: not a member) to `next`
 * (null: removed). A supervisor deals with plain members only: they can neither make nor remove
 * a supervisor (themselves included), nor turn one into a member.
 */
export const canChangeMembership = (
  actor: Actor,
  teamId: string,
  change: { current: TeamRole | undefined; next: TeamRole | null },
) => {
  if (isAdmin(actor)) return true
  if (!supervises(actor, teamId)) return false
  return change.current !== 'supervisor' && change.next !== 'supervisor'
}
