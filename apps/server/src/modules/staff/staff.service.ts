import { randomBytes } from 'node:crypto'
import type { CreateStaffInput } from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { hashPassword } from '../auth/auth.lib.ts'
import * as repo from './staff.repository.ts'

/** A readable random password (about 120 bits) for new accounts when none is given. */
export const generatePassword = () => randomBytes(15).toString('base64url')

/**
 * Creates a staff user with a password credential and team memberships, in one transaction.
 * Authorization is the caller's business (admins through the API, the CLI on the server).
 */
export const createStaff = (ctx: Ctx, input: CreateStaffInput) =>
  inTransaction(ctx, async (ctx) => {
    if (await repo.findByEmail(ctx.db, input.email)) throw new AppError('staff.email_taken')
    const teamIds = [...new Set(input.teams.map((t) => t.teamId))]
    if ((await repo.countExistingTeams(ctx.db, teamIds)) !== teamIds.length) {
      throw new AppError('team.not_found', 'A team in `teams` does not exist.')
    }
    const generatedPassword = input.password ? undefined : generatePassword()
    const now = ctx.clock.now()
    const staff = await repo.insert(ctx.db, {
      name: input.name,
      email: input.email.toLowerCase(),
      role: input.role,
      language: input.language,
      createdAt: now,
      updatedAt: now,
    })
    await repo.setPasswordHash(
      ctx.db,
      staff.id,
      await hashPassword(input.password ?? generatedPassword!),
      now,
    )
    await repo.replaceMemberships(ctx.db, staff.id, input.teams)
    return { staff, generatedPassword }
  })
