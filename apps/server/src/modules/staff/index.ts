/** Staff users: create and manage the people who work the desk. */

export { findByEmail as findStaffByEmail, findById as findStaffById } from './staff.repository.ts'
export { createStaff, deactivateStaff, generatePassword, updateStaff } from './staff.service.ts'
/** Tables other modules join (sign-in reads the users and their credentials). */
export { apiTokens, authAccounts, authSessions, authVerifications, staffUsers } from './staff.tables.ts'
