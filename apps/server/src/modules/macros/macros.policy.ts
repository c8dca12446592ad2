import { type SQL, sql } from 'drizzle-orm'
import type { Actor } from '../../platform/context.ts'
import { macros } from './macros.tables.ts'

/** Who sees (and may apply) a macro: admins all; others the global ones and their teams'. */
export const canSeeMacro = (actor: Actor, teamIds: readonly string[]) => {
  if (actor.kind !== 'staff' || actor.role === 'admin') return true
  return teamIds.length === 0 || teamIds.some((id) => actor.teamIds.includes(id))
}

/** The SQL form of `canSeeMacro`, used by the list and every single read. */
export const macroVisibleTo = (actor: Actor): SQL | undefined => {
  if (actor.kind !== 'staff' || actor.role === 'admin') return undefined
  const mine = sql`${macros.teamIds} && ${sql.param(actor.teamIds)}::uuid[]`
  return sql`(cardinality(${macros.teamIds}) = 0 OR ${mine})`
}

/**
 * Who may create, change or archive a macro with these teams: admins any; a supervisor one that
 * belongs only to teams they supervise (never a global one).
 */
export const canManageMacro = (actor: Actor, teamIds: readonly string[]) => {
  if (actor.kind !== 'staff') return true
  if (actor.role === 'admin') return true
  if (teamIds.length === 0) return false
  return teamIds.every((id) => actor.supervisedTeamIds.includes(id))
}
