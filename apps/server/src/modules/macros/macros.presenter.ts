import type { Macro } from '@tresen/contract'
import type { Actor } from '../../platform/context.ts'
import { canManageMacro } from './macros.policy.ts'
import type { MacroWithTeams } from './macros.service.ts'

export const presentMacro = (actor: Actor, { macro, teams }: MacroWithTeams): Macro => ({
  id: macro.id,
  name: macro.name,
  teams,
  actions: macro.actions,
  archived: macro.archivedAt !== null,
  editable: canManageMacro(actor, macro.teamIds),
  createdAt: macro.createdAt.toISOString(),
  updatedAt: macro.updatedAt.toISOString(),
})
