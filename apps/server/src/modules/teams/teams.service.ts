import type { UpdateTeamInput } from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { calendarExists } from '../calendars/index.ts'
import { findStaffById } from '../staff/index.ts'
import { authorize, canChangeMembership, canManageMembers, type TeamRole } from './teams.policy.ts'
import type { TeamWithMembers } from './teams.presenter.ts'
import * as repo from './teams.repository.ts'

const withMembers = async (db: Queryable, rows: repo.TeamRow[]): Promise<TeamWithMembers[]> => {
  const members = await repo.membersOf(
    db,
    rows.map((t) => t.id),
  )
  return rows.map((team) => ({ team, members: members.filter((m) => m.teamId === team.id) }))
}

const loadTeam = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}) => {
  const team = await repo.findActive(db, id, opts)
  if (!team) throw new AppError('team.not_found')
  return team
}

const withMembersOf = async (db: Queryable, team: repo.TeamRow) => (await withMembers(db, [team]))[0]!

const checkNameFree = async (db: Queryable, name: string, exceptId?: string) => {
  const existing = await repo.findByName(db, name)
  if (existing && existing.id !== exceptId) throw new AppError('team.name_taken')
}

/** Two requests creating the same name at once: the unique index decides, with the same 409. */
const mapNameTaken = (err: unknown): never => {
  if (repo.isNameTaken(err)) throw new AppError('team.name_taken')
  throw err
}

/** Teams that are not archived, with their active members. */
export const listTeams = async (ctx: Ctx) => {
  authorize(ctx.actor, 'team.read')
  return withMembers(ctx.db, await repo.listActive(ctx.db))
}

/** One team with its members; archived teams are not found. */
export const getTeam = async (ctx: Ctx, id: string) => {
  authorize(ctx.actor, 'team.read')
  return withMembersOf(ctx.db, await loadTeam(ctx.db, id))
}

/** Creates a team (admins, or the desk itself: CLI and demo seeder). Names are unique ignoring case. */
export const createTeam = (ctx: Ctx, input: { name: string; description?: string }) => {
  authorize(ctx.actor, 'team.create')
  return inTransaction(ctx, async (ctx) => {
    const name = input.name.trim()
    await checkNameFree(ctx.db, name)
    const now = ctx.clock.now()
    const team = await repo
      .insert(ctx.db, { name, description: input.description ?? '', createdAt: now, updatedAt: now })
      .catch(mapNameTaken)
    await recordAudit(ctx, {
      action: 'team.created',
      targetType: 'team',
      targetId: team.id,
      targetLabel: team.name,
      after: { name: team.name, description: team.description },
    })
    return { team, members: [] } satisfies TeamWithMembers
  })
}

/** Renames a team or changes its description (admins). */
export const updateTeam = (ctx: Ctx, id: string, input: UpdateTeamInput) => {
  authorize(ctx.actor, 'team.update')
  return inTransaction(ctx, async (ctx) => {
    const before = await loadTeam(ctx.db, id, { forUpdate: true })
    const name = input.name?.trim()
    if (name !== undefined) await checkNameFree(ctx.db, name, id)
    if (input.calendarId && !(await calendarExists(ctx.db, input.calendarId)))
      throw new AppError('calendar.not_found', undefined, [
        { pointer: '/body/calendarId', detail: 'unknown calendar' },
      ])
    const team = await repo
      .update(ctx.db, id, {
        name,
        description: input.description,
        calendarId: input.calendarId,
        updatedAt: ctx.clock.now(),
      })
      .catch(mapNameTaken)
    const diff = changedFields(before, team!, { fields: ['name', 'description', 'calendarId'] })
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(ctx, {
        action: 'team.updated',
        targetType: 'team',
        targetId: id,
        targetLabel: team!.name,
        ...diff,
      })
    }
    // Members see team names in their session: everyone's cached sign-ins go.
    await publishAuthChange(ctx.db, {})
    return withMembersOf(ctx.db, team!)
  })
}

/**
 * Archives a team (admins): it disappears from lists and pickers, memberships are kept.
 * Refused while tickets that are not solved or closed belong to it; the team row stays locked
 * until commit so no ticket can be moved into it meanwhile.
 */
export const archiveTeam = (ctx: Ctx, id: string) => {
  authorize(ctx.actor, 'team.archive')
  return inTransaction(ctx, async (ctx) => {
    const team = await loadTeam(ctx.db, id, { forUpdate: true })
    const open = await repo.countOpenTickets(ctx.db, id)
    if (open > 0) {
      throw new AppError('team.has_open_tickets', `${open} open ticket(s) still belong to this team.`)
    }
    const now = ctx.clock.now()
    await repo.update(ctx.db, id, { archivedAt: now, updatedAt: now })
    await recordAudit(ctx, {
      action: 'team.archived',
      targetType: 'team',
      targetId: id,
      targetLabel: team.name,
    })
    await publishAuthChange(ctx.db, {})
  })
}

/** Loads the team and checks the actor may manage its members at all, before looking at any user. */
const loadTeamForMembership = async (ctx: Ctx, teamId: string) => {
  const team = await loadTeam(ctx.db, teamId)
  if (!canManageMembers(ctx.actor, teamId)) throw new AppError('auth.forbidden')
  return team
}

/**
 * Adds a staff user to a team or changes their role there (admins; supervisors of the team
 * for plain members). Returns the team with its members.
 */
export const addMember = (ctx: Ctx, teamId: string, staffId: string, role: TeamRole) =>
  inTransaction(ctx, async (ctx) => {
    const team = await loadTeamForMembership(ctx, teamId)
    const staff = await findStaffById(ctx.db, staffId)
    if (!staff?.active) throw new AppError('staff.not_found', 'There is no active user with this id.')
    const current = (await repo.findMembership(ctx.db, teamId, staffId))?.role
    if (!canChangeMembership(ctx.actor, teamId, { current, next: role })) {
      throw new AppError('auth.forbidden')
    }
    await repo.upsertMembership(ctx.db, teamId, staffId, role)
    if (current !== role) {
      await recordAudit(ctx, {
        action: current ? 'team.member_role_changed' : 'team.member_added',
        targetType: 'team',
        targetId: teamId,
        targetLabel: team.name,
        before: current ? { member: staff.email, role: current } : null,
        after: { member: staff.email, role },
      })
    }
    await publishAuthChange(ctx.db, { staffId })
    return withMembersOf(ctx.db, team)
  })

/** Removes a staff user from a team; removing someone who is not a member changes nothing. */
export const removeMember = (ctx: Ctx, teamId: string, staffId: string) =>
  inTransaction(ctx, async (ctx) => {
    const team = await loadTeamForMembership(ctx, teamId)
    const staff = await findStaffById(ctx.db, staffId)
    if (!staff) throw new AppError('staff.not_found')
    const current = (await repo.findMembership(ctx.db, teamId, staffId))?.role
    if (!canChangeMembership(ctx.actor, teamId, { current, next: null })) {
      throw new AppError('auth.forbidden')
    }
    await repo.deleteMembership(ctx.db, teamId, staffId)
    if (current) {
      await recordAudit(ctx, {
        action: 'team.member_removed',
        targetType: 'team',
        targetId: teamId,
        targetLabel: team.name,
        before: { member: staff.email, role: current },
      })
    }
    await publishAuthChange(ctx.db, { staffId })
  })
