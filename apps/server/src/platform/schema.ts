// Every table of the desk, for Drizzle's query builder and drizzle-kit.
export * from '../modules/auth/auth.tables.ts'
export * from '../modules/customers/customers.tables.ts'
export * from '../modules/email/email.tables.ts'
export * from '../modules/staff/staff.tables.ts'
export * from '../modules/teams/teams.tables.ts'
export * from '../modules/tickets/tickets.tables.ts'
export * from '../modules/views/views.tables.ts'
