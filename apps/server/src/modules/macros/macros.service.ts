import type { ApplyMacroInput, CreateMacroInput, MacroAction, UpdateMacroInput } from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { renderForTicket } from '../text-modules/index.ts'
import { addInteraction, assignTicket, findVisibleTicketScope, updateTicket } from '../tickets/index.ts'
import { canManageMacro } from './macros.policy.ts'
import * as repo from './macros.repository.ts'

export type MacroWithTeams = { macro: repo.MacroRow; teams: { id: string; name: string }[] }

const notFound = () => new AppError('macro.not_found')

const withTeams = async (ctx: Ctx, rows: repo.MacroRow[]): Promise<MacroWithTeams[]> => {
  const names = new Map(
    (await repo.teamNames(ctx.db, [...new Set(rows.flatMap((r) => r.teamIds))])).map((t) => [t.id, t.name]),
  )
  return rows.map((macro) => ({
    macro,
    teams: macro.teamIds.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : [])),
  }))
}

/** Teams given must exist; the pointer names the first unknown one. */
const checkTeams = async (ctx: Ctx, teamIds: string[]) => {
  const known = new Set((await repo.teamNames(ctx.db, teamIds)).map((t) => t.id))
  const i = teamIds.findIndex((id) => !known.has(id))
  if (i >= 0)
    throw new AppError('team.not_found', undefined, [
      { pointer: `/body/teamIds/${i}`, detail: 'unknown team' },
    ])
}

const auditView = (m: repo.MacroRow) => ({
  name: m.name,
  teamIds: m.teamIds,
  actions: m.actions,
  archived: m.archivedAt !== null,
})

/** The macros the actor sees (`manage`: only those they may change). */
export const listMacros = async (ctx: Ctx, query: { archived?: boolean; manage?: boolean }) => {
  const rows = await repo.listVisible(ctx.db, ctx.actor, query)
  return withTeams(ctx, query.manage ? rows.filter((r) => canManageMacro(ctx.actor, r.teamIds)) : rows)
}

export const getMacro = async (ctx: Ctx, id: string) => {
  const row = await repo.findVisible(ctx.db, ctx.actor, id)
  if (!row) throw notFound()
  return (await withTeams(ctx, [row]))[0]!
}

/** Creates a macro: admins any, supervisors one of the teams they supervise. */
export const createMacro = (ctx: Ctx, input: CreateMacroInput) =>
  inTransaction(ctx, async (ctx) => {
    const teamIds = [...new Set(input.teamIds)]
    if (!canManageMacro(ctx.actor, teamIds)) throw new AppError('auth.forbidden')
    await checkTeams(ctx, teamIds)
    const now = ctx.clock.now()
    const row = await repo.insert(ctx.db, {
      name: input.name,
      teamIds,
      actions: input.actions,
      createdById: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
      createdAt: now,
      updatedAt: now,
    })
    await recordAudit(ctx, {
      action: 'macro.created',
      targetType: 'macro',
      targetId: row.id,
      targetLabel: row.name,
      after: auditView(row),
    })
    return (await withTeams(ctx, [row]))[0]!
  })

/** Changes or archives a macro the actor may manage, before and after. */
export const updateMacro = (ctx: Ctx, id: string, input: UpdateMacroInput) =>
  inTransaction(ctx, async (ctx) => {
    const before = await repo.findVisible(ctx.db, ctx.actor, id, { forUpdate: true })
    if (!before) throw notFound()
    const teamIds = input.teamIds ? [...new Set(input.teamIds)] : before.teamIds
    if (!canManageMacro(ctx.actor, before.teamIds) || !canManageMacro(ctx.actor, teamIds))
      throw new AppError('auth.forbidden')
    if (input.teamIds) await checkTeams(ctx, teamIds)
    const now = ctx.clock.now()
    const row = await repo.update(ctx.db, id, {
      name: input.name,
      teamIds,
      actions: input.actions,
      ...(input.archived === undefined
        ? {}
        : { archivedAt: input.archived ? (before.archivedAt ?? now) : null }),
      updatedAt: now,
    })
    const diff = changedFields(auditView(before), auditView(row), {
      fields: ['name', 'teamIds', 'actions', 'archived'],
    })
    if (diff.after && Object.keys(diff.after).length > 0) {
      await recordAudit(ctx, {
        action: input.archived === true && !before.archivedAt ? 'macro.archived' : 'macro.updated',
        targetType: 'macro',
        targetId: id,
        targetLabel: row.name,
        ...diff,
      })
    }
    return (await withTeams(ctx, [row]))[0]!
  })

const byType = <T extends MacroAction['type']>(actions: MacroAction[], type: T) =>
  actions.filter((a): a is Extract<MacroAction, { type: T }> => a.type === type)

/**
 * Applies every action of a macro the actor sees to a ticket, in one transaction, through the
 * ordinary ticket commands as the actor (so a macro can do nothing the actor may not), each change
 * an ordinary event carrying the macro. Order: the reply, notes, then tags, priority and status,
 * then team and assignee (last, since a move to another team can take the ticket out of sight).
 */
export const applyMacro = (ctx: Ctx, id: string, input: ApplyMacroInput) =>
  inTransaction(ctx, async (outer) => {
    const macro = await repo.findVisible(outer.db, outer.actor, id)
    if (!macro || macro.archivedAt) throw notFound()
    const ctx: Ctx = { ...outer, cause: { type: 'macro', id: macro.id, name: macro.name } }
    const ticketId =
      typeof input.ticket === 'number' ? await repo.ticketIdForNumber(ctx.db, input.ticket) : input.ticket
    if (!ticketId || !(await findVisibleTicketScope(ctx, ticketId))) throw new AppError('ticket.not_found')
    const actions = macro.actions

    for (const reply of byType(actions, 'reply')) {
      const body = reply.textModuleId
        ? await renderForTicket(ctx, reply.textModuleId, { ticket: ticketId })
        : { text: reply.text ?? '', html: undefined }
      await addInteraction(ctx, ticketId, { kind: 'reply', text: body.text, html: body.html })
    }
    for (const note of byType(actions, 'note')) {
      await addInteraction(ctx, ticketId, { kind: 'note', text: note.text })
    }

    const [tags] = byType(actions, 'tags')
    const [priority] = byType(actions, 'priority')
    const [status] = byType(actions, 'status')
    if (tags || priority || status) {
      const current = tags ? ((await repo.lockTags(ctx.db, ticketId)) ?? []) : undefined
      await updateTicket(ctx, ticketId, {
        ...(tags && current
          ? { tags: [...current.filter((t) => !tags.remove.includes(t)), ...tags.add] }
          : {}),
        ...(priority ? { priority: priority.priority } : {}),
        ...(status ? { status: status.status } : {}),
        // A macro that solves passes the checklist like any solve: the answers come with the apply.
        ...(input.closing ? { closing: input.closing } : {}),
      })
    }

    const [team] = byType(actions, 'team')
    const [assignee] = byType(actions, 'assignee')
    if (team || assignee) {
      const me = ctx.actor.kind === 'staff' ? ctx.actor.id : null
      await assignTicket(ctx, ticketId, {
        ...(team ? { teamId: team.teamId } : {}),
        ...(assignee ? { assigneeId: assignee.assignee === 'me' ? me : assignee.assignee } : {}),
        reason: team?.reason || macro.name,
      })
    }
    return ticketId
  })
