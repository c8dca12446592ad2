import type { Actor } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { loadStaffWithTeams } from './auth.repository.ts'
import { toActor } from './auth.service.ts'

/** Auth: sign-in (password, two-factor, single sign-on), sessions, personal API tokens. */
export { hashPassword } from './auth.lib.ts'
export { createApiToken, hashApiToken } from './auth.service.ts'

/** The actor of a staff user (role and teams), for commands run on their behalf (CLI, seeding). */
export const loadActor = async (db: Queryable, staffId: string): Promise<Actor | undefined> => {
  const staff = await loadStaffWithTeams(db, staffId)
  return staff ? toActor(staff) : undefined
}
