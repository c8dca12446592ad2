import { type CreateSavedViewInput, SAVED_VIEW_LIMIT } from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { fieldDefinitions, parseFieldFilters } from '../fields/index.ts'
import { ownerOf } from './views.policy.ts'
import * as repo from './views.repository.ts'

/** The caller's saved views, by name. */
export const listSavedViews = (ctx: Ctx) => repo.listOf(ctx.db, ownerOf(ctx.actor))

/** Saves a named filter for the caller; names are unique per user regardless of case. */
export const createSavedView = (ctx: Ctx, input: CreateSavedViewInput) =>
  inTransaction(ctx, async (ctx) => {
    const staffId = ownerOf(ctx.actor)
    if (input.query.field?.length) await checkFieldFilters(ctx, input.query.field)
    await repo.lockOwner(ctx.db, staffId)
    if ((await repo.countOf(ctx.db, staffId)) >= SAVED_VIEW_LIMIT) throw new AppError('view.limit_reached')
    try {
      return await repo.insert(ctx.db, {
        staffId,
        name: input.name,
        query: input.query,
        createdAt: ctx.clock.now(),
      })
    } catch (err) {
      if (repo.isNameTaken(err)) {
        throw new AppError('view.name_taken', undefined, [{ pointer: '/body/name', detail: 'already used' }])
      }
      throw err
    }
  })

/** Custom field filters name fields that exist, with values they could hold (as the list checks them). */
const checkFieldFilters = async (ctx: Ctx, filters: string[]) => {
  const parsed = parseFieldFilters(await fieldDefinitions(ctx), filters, '/body/query/field')
  if (parsed.problems.length > 0) {
    throw new AppError(
      parsed.unknownOnly ? 'field.unknown' : 'field.invalid_value',
      'A custom field filter is invalid.',
      parsed.problems,
    )
  }
}

/** Deletes one of the caller's views; another user's view is not found, like a missing one. */
export const deleteSavedView = async (ctx: Ctx, id: string) => {
  const deleted = await repo.deleteOwn(ctx.db, ownerOf(ctx.actor), id)
  if (!deleted) throw new AppError('view.not_found')
}
