import type {
  CreateTextModuleInput,
  RenderTextModuleInput,
  TextModuleQuery,
  UpdateTextModuleInput,
} from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { canSee } from '../tickets/index.ts'
import { canManageModule, type ModuleScope } from './text-modules.policy.ts'
import { renderTextModule } from './text-modules.render.ts'
import * as repo from './text-modules.repository.ts'

/**
 * The desk's time zone for "today" and the expected answer time. One desk, one zone, until a
 * setting exists.
 */
export const DESK_TIME_ZONE = 'Europe/Berlin'

/**
 * When the customer of a ticket can expect an answer. The service promises supply it; until they
 * do, there is none and the variable reads as missing.
 */
export type ExpectedAnswerSource = (ctx: Ctx, ticketId: string) => Promise<Date | null>
let expectedAnswerSource: ExpectedAnswerSource = async () => null

/** Sets where `{{ticket.expectedAnswer}}` comes from (called once at boot by the module that knows). */
export const provideExpectedAnswer = (source: ExpectedAnswerSource) => {
  expectedAnswerSource = source
}

const notFound = () => new AppError('text_module.not_found')

const audited = (scope: ModuleScope['scope']) => scope !== 'personal'
const AUDIT_FIELDS = ['shortcut', 'title', 'tags', 'variants', 'archived'] as const
const auditView = (m: repo.TextModuleRow) => ({
  scope: m.scope,
  teamId: m.teamId,
  shortcut: m.shortcut,
  title: m.title,
  tags: m.tags,
  variants: m.variants,
  archived: m.archivedAt !== null,
})

const staffOnly = (ctx: Ctx) => {
  if (ctx.actor.kind !== 'staff') throw new AppError('auth.forbidden')
  return ctx.actor
}

/** The modules the actor may see (the same rule as a single read). */
export const listTextModules = (ctx: Ctx, query: TextModuleQuery) =>
  repo.listVisible(ctx.db, ctx.actor, query)

/** One module the actor may see; another's personal one or another team's is not found. */
export const getTextModule = async (ctx: Ctx, id: string) => {
  const row = await repo.findVisible(ctx.db, ctx.actor, id)
  if (!row) throw notFound()
  return row
}

/**
 * Creates a module: anyone a personal one, a team's supervisors a team one, admins any. The desk
 * itself (the demo data, set-up) may create team and global ones, without an author.
 */
export const createTextModule = (ctx: Ctx, input: CreateTextModuleInput) =>
  inTransaction(ctx, async (ctx) => {
    const actor = input.scope === 'personal' ? staffOnly(ctx) : ctx.actor
    const scope: ModuleScope = {
      scope: input.scope,
      ownerId: input.scope === 'personal' && actor.kind === 'staff' ? actor.id : null,
      teamId: input.scope === 'team' ? (input.teamId ?? null) : null,
    }
    if (scope.teamId && !(await repo.teamExists(ctx.db, scope.teamId))) {
      throw new AppError('team.not_found', undefined, [{ pointer: '/body/teamId', detail: 'unknown team' }])
    }
    if (!canManageModule(actor, scope)) throw new AppError('auth.forbidden')
    const now = ctx.clock.now()
    const id = await repo.insert(ctx.db, {
      ...scope,
      shortcut: input.shortcut,
      title: input.title,
      tags: [...new Set(input.tags)],
      variants: input.variants,
      createdById: actor.kind === 'staff' ? actor.id : null,
      createdAt: now,
      updatedAt: now,
    })
    const row = (await repo.findVisible(ctx.db, actor, id))!
    if (audited(scope.scope)) {
      await recordAudit(ctx, {
        action: 'text_module.created',
        targetType: 'text_module',
        targetId: id,
        targetLabel: input.title,
        after: auditView(row.module),
      })
    }
    return row
  })

/** Changes or archives (`archived: true`) a module the actor may manage; the others see it unchanged. */
export const updateTextModule = (ctx: Ctx, id: string, input: UpdateTextModuleInput) =>
  inTransaction(ctx, async (ctx) => {
    const before = await repo.findVisible(ctx.db, ctx.actor, id, { forUpdate: true })
    if (!before) throw notFound()
    if (!canManageModule(ctx.actor, before.module)) throw new AppError('auth.forbidden')
    const now = ctx.clock.now()
    await repo.update(ctx.db, id, {
      shortcut: input.shortcut,
      title: input.title,
      tags: input.tags && [...new Set(input.tags)],
      variants: input.variants,
      ...(input.archived === undefined
        ? {}
        : { archivedAt: input.archived ? (before.module.archivedAt ?? now) : null }),
      updatedAt: now,
    })
    const row = (await repo.findVisible(ctx.db, ctx.actor, id))!
    if (audited(before.module.scope)) {
      const diff = changedFields(auditView(before.module), auditView(row.module), { fields: AUDIT_FIELDS })
      if (diff.after && Object.keys(diff.after).length > 0) {
        await recordAudit(ctx, {
          action:
            input.archived === true && !before.module.archivedAt
              ? 'text_module.archived'
              : 'text_module.updated',
          targetType: 'text_module',
          targetId: id,
          targetLabel: row.module.title,
          ...diff,
        })
      }
    }
    return row
  })

const ticketIdOf = async (ctx: Ctx, ref: string | number) =>
  typeof ref === 'number' ? await repo.ticketIdForNumber(ctx.db, ref) : ref

/**
 * Fills a module in for a ticket the actor may see, in the ticket's language (else the other
 * variant, with `fallback`), and counts the use. Archived modules are not inserted.
 */
export const renderForTicket = (ctx: Ctx, id: string, input: RenderTextModuleInput) =>
  inTransaction(ctx, async (ctx) => {
    const found = await repo.findVisible(ctx.db, ctx.actor, id)
    if (!found || found.module.archivedAt) throw notFound()
    const ticketId = await ticketIdOf(ctx, input.ticket)
    const ticket = ticketId ? await repo.ticketContext(ctx.db, ticketId) : undefined
    if (!ticket || !canSee(ctx.actor, ticket)) {
      throw new AppError('ticket.not_found', undefined, [{ pointer: '/body/ticket', detail: 'not found' }])
    }
    const agentName = ctx.actor.kind === 'staff' ? await repo.staffName(ctx.db, ctx.actor.id) : undefined
    const rendered = renderTextModule(found.module.variants, {
      ticket: { number: ticket.number, subject: ticket.subject, language: ticket.language },
      customer: { name: ticket.customerName, formOfAddress: ticket.formOfAddress ?? null },
      agent: agentName ? { name: agentName } : null,
      team: ticket.teamName ? { name: ticket.teamName } : null,
      expectedAnswer: await expectedAnswerSource(ctx, ticket.id),
      now: ctx.clock.now(),
      timeZone: DESK_TIME_ZONE,
    })
    await repo.countUse(ctx.db, id)
    return rendered
  })
