// The audit log: immutable records of administrative changes and sign-in events.
export { auditRoutes } from './audit.routes.ts'
/** Writes one record in the caller's transaction; `changedFields` builds its before/after. */
export {
  type AuditEntry,
  changedFields,
  recordAudit,
  recordSignInEvent,
  SECRET_CHANGED,
} from './audit.service.ts'
export { auditRecords } from './audit.tables.ts'
