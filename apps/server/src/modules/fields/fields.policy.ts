import { type Actor, isAdmin } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'

/**
 * Who may do what with ticket field definitions. Pure. Every staff member reads the fields in use
 * (the ticket view and the inbox filter show them); defining, changing, ordering and archiving
 * them is for admins (and the desk itself). Archived fields are seen by admins only.
 */
export type FieldAction = 'field.read' | 'field.read_archived' | 'field.write'

export const can = (actor: Actor, action: FieldAction): boolean => {
  switch (action) {
    case 'field.read':
      return true
    case 'field.read_archived':
    case 'field.write':
      return isAdmin(actor)
  }
}

export const authorize = (actor: Actor, action: FieldAction) => {
  if (!can(actor, action)) throw new AppError('auth.forbidden')
}
