/** Custom ticket fields: the definitions admins keep, and the pure rules of the values tickets hold. */

export { fieldRoutes } from './fields.routes.ts'
/**
 * Defines a ticket field (admins and the desk itself); every field definition (archived ones
 * too), for checking and filtering ticket values.
 */
export { createField, fieldDefinitions } from './fields.service.ts'
export { ticketFields } from './fields.tables.ts'
export {
  applyFieldInput,
  type FieldChange,
  type FieldCondition,
  type FieldDef,
  type FieldValues,
  missingRequired,
  parseFieldFilters,
} from './fields.values.ts'
