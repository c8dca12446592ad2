import type { SignInPolicy, UpdateSignInPolicies } from '@tresen/contract'
import { type Ctx, inTransaction, isAdmin, type StaffRole } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import * as repo from './auth.repository.ts'

const ROLES: StaffRole[] = ['agent', 'supervisor', 'admin']

const authorizeAdmin = (ctx: Ctx) => {
  if (!isAdmin(ctx.actor)) throw new AppError('auth.forbidden')
}

/** What sign-in requires of each role, for admins. */
export const getSignInPolicies = async (ctx: Ctx): Promise<{ policies: SignInPolicy[] }> => {
  authorizeAdmin(ctx)
  const rows = await repo.listPolicies(ctx.db)
  return {
    policies: ROLES.map((role) => {
      const row = rows.find((r) => r.role === role)
      return { role, requireTwoFactor: row?.requireTwoFactor ?? false, ssoOnly: row?.ssoOnly ?? false }
    }),
  }
}

/**
 * Sets what sign-in requires of the given roles; each change is an audit record. Every cached
 * sign-in is dropped, so a new requirement applies to the next request of everyone.
 */
export const updateSignInPolicies = (ctx: Ctx, input: UpdateSignInPolicies) =>
  inTransaction(ctx, async (ctx) => {
    authorizeAdmin(ctx)
    const current = await getSignInPolicies(ctx)
    for (const next of input.policies) {
      const before = current.policies.find((p) => p.role === next.role)!
      const diff = changedFields(before, next, { fields: ['requireTwoFactor', 'ssoOnly'] })
      if (Object.keys(diff.after).length === 0) continue
      await repo.upsertPolicy(ctx.db, next, ctx.clock.now())
      await recordAudit(ctx, {
        action: 'sign_in_policy.updated',
        targetType: 'sign_in_policy',
        targetId: next.role,
        targetLabel: next.role,
        ...diff,
      })
    }
    await publishAuthChange(ctx.db, {})
    return getSignInPolicies(ctx)
  })
