/** Staff users: create and manage the people who work the desk. */

export { findByEmail as findStaffByEmail } from './staff.repository.ts'
export { createStaff, generatePassword } from './staff.service.ts'
