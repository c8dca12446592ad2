/** Teams: groups of staff that tickets are routed to, with members and supervisors. */

export { canManageMembers as canManageTeamMembers } from './teams.policy.ts'
export { addMember, archiveTeam, createTeam, getTeam, listTeams, removeMember } from './teams.service.ts'
/** Tables other modules join (a ticket's team, membership checks). */
export { teamMembers, teams } from './teams.tables.ts'
