import { randomBytes } from 'node:crypto'
import type { CreateStaffInput, ListStaffQuery, UpdateProfileInput, UpdateStaffInput } from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import { changedFields, recordAudit, SECRET_CHANGED } from '../audit/index.ts'
import { hashPassword } from '../auth/index.ts'
import { returnTicketsToQueue } from '../tickets/index.ts'
import { authorize, can, endsSessions, removesActiveAdmin } from './staff.policy.ts'
import type { StaffWithTeams } from './staff.presenter.ts'
import * as repo from './staff.repository.ts'

/** A readable random password (about 120 bits) for new accounts when none is given. */
export const generatePassword = () => randomBytes(15).toString('base64url')

const withTeams = async (db: Queryable, rows: repo.StaffRow[]): Promise<StaffWithTeams[]> => {
  const memberships = await repo.membershipsOf(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((staff) => ({
    staff,
    teams: memberships
      .filter((m) => m.staffId === staff.id)
      .map((m) => ({ id: m.id, name: m.name, role: m.role })),
  }))
}

const loadWithTeams = async (db: Queryable, id: string) => {
  const staff = await repo.findById(db, id)
  if (!staff) throw new AppError('staff.not_found')
  const [full] = await withTeams(db, [staff])
  return full!
}

/** What the audit log shows of a staff user: never the password, only that it was set. */
const auditView = (full: StaffWithTeams) => ({
  name: full.staff.name,
  email: full.staff.email,
  role: full.staff.role,
  language: full.staff.language,
  active: full.staff.active,
  teams: full.teams.map((t) => `${t.name} (${t.role})`).sort(),
})

const auditStaff = (
  ctx: Ctx,
  action: string,
  before: StaffWithTeams | null,
  after: StaffWithTeams,
  passwordSet: boolean,
) => {
  const diff = changedFields(before ? auditView(before) : {}, auditView(after))
  const password = passwordSet ? { password: SECRET_CHANGED } : {}
  return recordAudit(ctx, {
    action,
    targetType: 'staff',
    targetId: after.staff.id,
    targetLabel: `${after.staff.name} <${after.staff.email}>`,
    before: before ? { ...diff.before, ...password } : null,
    after: { ...diff.after, ...password },
  })
}

const checkTeamsExist = async (db: Queryable, memberships: { teamId: string }[]) => {
  const teamIds = [...new Set(memberships.map((t) => t.teamId))]
  if ((await repo.countExistingTeams(db, teamIds)) !== teamIds.length) {
    throw new AppError('team.not_found', 'A team in `teams` does not exist.')
  }
}

/** A unique-index race (two requests with the same email at once) reads as the same 409. */
const mapEmailTaken = (err: unknown): never => {
  if (repo.isEmailTaken(err)) throw new AppError('staff.email_taken')
  throw err
}

/**
 * Creates a staff user with a password credential and team memberships, in one transaction.
 * Admins only (the desk itself, as CLI and seeder, passes as admin).
 */
export const createStaff = async (ctx: Ctx, input: CreateStaffInput) => {
  authorize(ctx.actor, 'staff.create')
  const generatedPassword = input.password ? undefined : generatePassword()
  const passwordHash = await hashPassword(input.password ?? generatedPassword!)
  return inTransaction(ctx, async (ctx) => {
    if (await repo.findByEmail(ctx.db, input.email)) throw new AppError('staff.email_taken')
    await checkTeamsExist(ctx.db, input.teams)
    const now = ctx.clock.now()
    const staff = await repo
      .insert(ctx.db, {
        name: input.name,
        email: input.email.toLowerCase(),
        role: input.role,
        language: input.language,
        createdAt: now,
        updatedAt: now,
      })
      .catch(mapEmailTaken)
    await repo.setPasswordHash(ctx.db, staff.id, passwordHash, now)
    await repo.replaceMemberships(ctx.db, staff.id, input.teams)
    const [full] = await withTeams(ctx.db, [staff])
    await auditStaff(ctx, 'staff.created', null, full!, true)
    return { ...full!, generatedPassword }
  })
}

/** Staff users for pickers and administration: active ones, or all of them for admins. */
export const listStaff = async (ctx: Ctx, query: ListStaffQuery) => {
  authorize(ctx.actor, query.includeInactive ? 'staff.read_inactive' : 'staff.list')
  const rows = await repo.list(ctx.db, query)
  return withTeams(ctx.db, rows)
}

/** One staff user; a deactivated one only for admins (for everyone else it does not exist). */
export const getStaff = async (ctx: Ctx, id: string) => {
  authorize(ctx.actor, 'staff.read')
  const found = await loadWithTeams(ctx.db, id)
  if (!found.staff.active && !can(ctx.actor, 'staff.read_inactive')) throw new AppError('staff.not_found')
  return found
}

/**
 * Changes a staff user (admins only). A new password or a deactivation ends all the user's
 * sessions; API tokens stay (a deactivated user's tokens are refused while they are inactive).
 * The last active admin can be neither demoted nor deactivated.
 */
export const updateStaff = async (ctx: Ctx, id: string, input: UpdateStaffInput) => {
  authorize(ctx.actor, input.active === false ? 'staff.deactivate' : 'staff.update')
  const passwordHash = input.password ? await hashPassword(input.password) : undefined
  return inTransaction(ctx, async (ctx) => {
    let target = await repo.findById(ctx.db, id)
    if (!target) throw new AppError('staff.not_found')
    const [before] = await withTeams(ctx.db, [target])
    if (removesActiveAdmin(target, input)) {
      const others = await repo.lockOtherActiveAdmins(ctx.db, id)
      // Read again under the lock: a concurrent change may have been committed meanwhile.
      target = (await repo.findById(ctx.db, id))!
      if (removesActiveAdmin(target, input) && others.length === 0) throw new AppError('staff.last_admin')
    }
    if (input.email && (await repo.findOtherByEmail(ctx.db, input.email, id))) {
      throw new AppError('staff.email_taken')
    }
    if (input.teams) await checkTeamsExist(ctx.db, input.teams)
    const now = ctx.clock.now()
    const updated = await repo
      .update(ctx.db, id, {
        name: input.name,
        email: input.email?.toLowerCase(),
        role: input.role,
        language: input.language,
        active: input.active,
        updatedAt: now,
      })
      .catch(mapEmailTaken)
    if (passwordHash) await repo.setPasswordHash(ctx.db, id, passwordHash, now)
    if (input.teams) await repo.replaceMemberships(ctx.db, id, input.teams)
    if (endsSessions(target, input)) await repo.endAllSessions(ctx.db, id)
    if (target.active && input.active === false) await returnTicketsToQueue(ctx, id)
    // Role, teams, activity or password may have changed: cached sign-ins of this user go.
    await publishAuthChange(ctx.db, { staffId: id })
    const [full] = await withTeams(ctx.db, [updated!])
    const action =
      target.active && input.active === false
        ? 'staff.deactivated'
        : !target.active && input.active === true
          ? 'staff.reactivated'
          : 'staff.updated'
    await auditStaff(ctx, action, before!, full!, !!passwordHash)
    return full!
  })
}

/** Deactivates a staff user. Never deletes: tickets and their history reference staff. */
export const deactivateStaff = (ctx: Ctx, id: string) => updateStaff(ctx, id, { active: false })

/** The caller changes their own name, language or email choice; nothing else about them. */
export const updateProfile = async (ctx: Ctx, input: UpdateProfileInput) => {
  if (ctx.actor.kind !== 'staff') throw new AppError('auth.forbidden')
  const staffId = ctx.actor.id
  return inTransaction(ctx, async (ctx) => {
    if (input.name !== undefined || input.language !== undefined || input.escalationEmails !== undefined) {
      await repo.update(ctx.db, staffId, {
        name: input.name,
        language: input.language,
        escalationEmails: input.escalationEmails,
        updatedAt: ctx.clock.now(),
      })
      await publishAuthChange(ctx.db, { staffId })
    }
    return loadWithTeams(ctx.db, staffId)
  })
}
