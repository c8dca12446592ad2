import type { Actor } from '../../platform/context.ts'
import { isAdmin } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

/**
 * Who may do what with customers and organizations. They are shared by the whole desk: every
 * staff role reads, creates and updates them (an agent on the phone must be able to fix an
 * address). Deleting is for admins only, because it erases history other teams may rely on.
 * There is no per-record visibility, so lists need no `visibleTo` predicate.
 */
export type CustomerAction =
  | 'customer.read'
  | 'customer.create'
  | 'customer.update'
  | 'customer.delete'
  | 'organization.read'
  | 'organization.create'
  | 'organization.update'
  | 'organization.delete'

export const can = (actor: Actor, action: CustomerAction): boolean => {
  switch (action) {
    case 'customer.read':
    case 'customer.create':
    case 'customer.update':
    case 'organization.read':
    case 'organization.create':
    case 'organization.update':
      return true
    case 'customer.delete':
    case 'organization.delete':
      return isAdmin(actor)
  }
}

export const authorize = (actor: Actor, action: CustomerAction) => {
  if (!can(actor, action)) throw new AppError('auth.forbidden')
}
