import type { Team } from '@tresen/contract'
import type { TeamMemberRow, TeamRow } from './teams.repository.ts'

export type TeamWithMembers = { team: TeamRow; members: TeamMemberRow[] }

/** A team with its active members, as every staff viewer sees it. */
export const presentTeam = ({ team, members }: TeamWithMembers): Team => ({
  id: team.id,
  name: team.name,
  description: team.description,
  members: members.map((m) => ({ id: m.id, name: m.name, role: m.role })),
  calendarId: team.calendarId ?? null,
  createdAt: team.createdAt.toISOString(),
  updatedAt: team.updatedAt.toISOString(),
})
