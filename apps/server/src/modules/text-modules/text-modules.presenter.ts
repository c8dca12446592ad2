import type { TextModule } from '@tresen/contract'
import type { Actor } from '../../platform/context.ts'
import { canManageModule } from './text-modules.policy.ts'
import type { TextModuleWithNames } from './text-modules.repository.ts'

/** A module as a viewer who may see it gets it, with whether they may change it. */
export const presentTextModule = (
  actor: Actor,
  { module: m, teamName, ownerName }: TextModuleWithNames,
): TextModule => ({
  id: m.id,
  scope: m.scope,
  team: m.teamId ? { id: m.teamId, name: teamName ?? '' } : null,
  owner: m.ownerId ? { id: m.ownerId, name: ownerName ?? '' } : null,
  shortcut: m.shortcut,
  title: m.title,
  tags: m.tags,
  variants: m.variants,
  usageCount: m.usageCount,
  archived: m.archivedAt !== null,
  editable: canManageModule(actor, m),
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
})
