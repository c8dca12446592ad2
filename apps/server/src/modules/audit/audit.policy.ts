import { type Actor, isAdmin } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

/** Only admins (and the desk itself) read the audit log; nobody changes it. */
export const canReadAudit = (actor: Actor) => isAdmin(actor)

export const authorizeAuditRead = (actor: Actor) => {
  if (!canReadAudit(actor)) throw new AppError('auth.forbidden')
}
