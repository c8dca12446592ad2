import type { Actor } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

/** Saved views belong to one staff user; only they read or change them. The desk itself has none. */
export const ownerOf = (actor: Actor) => {
  if (actor.kind !== 'staff') throw new AppError('auth.forbidden', 'Saved views belong to staff users.')
  return actor.id
}
