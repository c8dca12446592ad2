import { and, eq, inArray, or, type SQL, sql } from 'drizzle-orm'
import { type Actor, isAdmin } from '../../platform/context.ts'
import { textModules } from './text-modules.tables.ts'

export type ModuleScope = {
  scope: 'personal' | 'team' | 'global'
  ownerId: string | null
  teamId: string | null
}

/**
 * Who sees a module: everyone the global ones; a team's members (and admins) the team's; only its
 * owner a personal one. The same rule as `visibleTo`, in memory.
 */
export const canSeeModule = (actor: Actor, m: ModuleScope) => {
  if (actor.kind !== 'staff') return m.scope !== 'personal'
  if (m.scope === 'global') return true
  if (m.scope === 'personal') return m.ownerId === actor.id
  return actor.role === 'admin' || (m.teamId !== null && actor.teamIds.includes(m.teamId))
}

/** The SQL form of `canSeeModule`, used by the list and every single read. */
export const moduleVisibleTo = (actor: Actor): SQL => {
  if (actor.kind !== 'staff') return sql`${textModules.scope} <> 'personal'`
  const personal = and(eq(textModules.scope, 'personal'), eq(textModules.ownerId, actor.id))!
  const global = eq(textModules.scope, 'global')
  if (actor.role === 'admin') return or(global, personal, eq(textModules.scope, 'team'))!
  const team =
    actor.teamIds.length > 0
      ? and(eq(textModules.scope, 'team'), inArray(textModules.teamId, actor.teamIds))
      : undefined
  return or(global, personal, team)!
}

/**
 * Who may create, change or archive a module of this scope: anyone their personal ones, a team's
 * supervisors and admins the team's, admins the global ones.
 */
export const canManageModule = (actor: Actor, m: ModuleScope) => {
  if (m.scope === 'personal') return actor.kind === 'staff' && m.ownerId === actor.id
  if (isAdmin(actor)) return true
  if (m.scope === 'global' || actor.kind !== 'staff') return false
  return m.teamId !== null && actor.supervisedTeamIds.includes(m.teamId)
}
