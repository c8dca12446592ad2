import { type Actor, isAdmin } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

/**
 * Who may do what with email: channels and the received messages (their settings, secrets and
 * raw mail) are the admins'; sending a failed reply again is anyone's who sees its ticket (the
 * command checks the ticket, hidden is 404).
 */
export type EmailAction = 'email.manage' | 'email.retry_delivery'

export const can = (actor: Actor, action: EmailAction) =>
  action === 'email.manage' ? isAdmin(actor) : actor.kind === 'staff' || actor.kind === 'system'

export const authorize = (actor: Actor, action: EmailAction) => {
  if (!can(actor, action)) throw new AppError('auth.forbidden')
}
