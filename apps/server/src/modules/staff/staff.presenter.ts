import type { Me, StaffUser } from '@tresen/contract'
import type { StaffRow } from './staff.repository.ts'

export type Membership = { id: string; name: string; role: 'member' | 'supervisor' }
export type StaffWithTeams = { staff: StaffRow; teams: Membership[] }

/** A staff user as the API shows them: the same for every staff viewer (no secrets on the row). */
export const presentStaff = ({ staff, teams }: StaffWithTeams): StaffUser => ({
  id: staff.id,
  name: staff.name,
  email: staff.email,
  role: staff.role,
  language: staff.language,
  active: staff.active,
  teams: teams.map((t) => ({ id: t.id, name: t.name, role: t.role })),
  createdAt: staff.createdAt.toISOString(),
  updatedAt: staff.updatedAt.toISOString(),
})

/** The caller's own profile (`/me`). */
export const presentMe = ({ staff, teams }: StaffWithTeams): Me => ({
  id: staff.id,
  name: staff.name,
  email: staff.email,
  role: staff.role,
  language: staff.language,
  teams: teams.map((t) => ({ id: t.id, name: t.name, role: t.role })),
  escalationEmails: staff.escalationEmails,
})
