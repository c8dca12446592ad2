import type {
  CreateTicketFieldInput,
  ReorderTicketFieldsInput,
  UpdateTicketFieldInput,
} from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import { AppError, type FieldProblem } from '../../platform/errors.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { authorize, can } from './fields.policy.ts'
import { presentField, toDef } from './fields.presenter.ts'
import * as repo from './fields.repository.ts'
import { definitionProblems, type FieldDef } from './fields.values.ts'

const notFound = () => new AppError('field.not_found')

const invalid = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError('request.invalid', 'The ticket field is invalid.', problems)
}

/** Teams a field is required for must exist (archived teams are as missing). */
const checkTeams = async (ctx: Ctx, teamIds: string[]) => {
  const known = await repo.activeTeamIds(ctx.db, teamIds)
  const problems = teamIds.flatMap((id, n) =>
    known.has(id) ? [] : [{ pointer: `/body/requiredTeamIds/${n}`, detail: 'unknown team' }],
  )
  if (problems.length > 0) throw new AppError('team.not_found', 'A team does not exist.', problems)
}

/** What the audit log keeps of a field: its whole definition as the API shows it. */
const audited = (row: repo.TicketFieldRow) => {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = presentField(row)
  return rest
}

/** The fields in use, in their order; admins may ask for the archived ones too. */
export const listFields = async (ctx: Ctx, opts: { archived?: boolean } = {}) => {
  authorize(ctx.actor, 'field.read')
  if (opts.archived) authorize(ctx.actor, 'field.read_archived')
  return repo.list(ctx.db, opts)
}

/** One field; an archived field is not found except by admins. */
export const getField = async (ctx: Ctx, id: string) => {
  authorize(ctx.actor, 'field.read')
  const row = await repo.findById(ctx.db, id)
  if (!row || (row.archivedAt && !can(ctx.actor, 'field.read_archived'))) throw notFound()
  return row
}

/** Defines a ticket field (admins). Keys are unique among all fields, archived ones included. */
export const createField = (ctx: Ctx, input: CreateTicketFieldInput) => {
  authorize(ctx.actor, 'field.write')
  return inTransaction(ctx, async (ctx) => {
    invalid(definitionProblems(input))
    await checkTeams(ctx, input.requiredTeamIds)
    if (await repo.findByKey(ctx.db, input.key)) {
      throw new AppError('field.key_taken', undefined, [{ pointer: '/body/key', detail: 'already used' }])
    }
    const now = ctx.clock.now()
    const row = await repo
      .insert(ctx.db, {
        key: input.key,
        type: input.type,
        labelDe: input.label.de,
        labelEn: input.label.en,
        descriptionDe: input.description.de,
        descriptionEn: input.description.en,
        options: input.options,
        min: input.min ?? null,
        max: input.max ?? null,
        position: input.position ?? (await repo.nextPosition(ctx.db)),
        required: input.required,
        requiredTeamIds: input.requiredTeamIds,
        createdAt: now,
        updatedAt: now,
      })
      .catch((err) => {
        if (repo.isKeyTaken(err))
          throw new AppError('field.key_taken', undefined, [{ pointer: '/body/key', detail: 'already used' }])
        throw err
      })
    await recordAudit(ctx, {
      action: 'ticket_field.created',
      targetType: 'ticket_field',
      targetId: row.id,
      targetLabel: row.key,
      after: audited(row),
    })
    return row
  })
}

/**
 * Changes a field (admins): labels, help text, options (added, relabelled or retired, never
 * removed), bounds, position, where it is required, archived or not. Key and type stay.
 */
export const updateField = (ctx: Ctx, id: string, input: UpdateTicketFieldInput) => {
  authorize(ctx.actor, 'field.write')
  return inTransaction(ctx, async (ctx) => {
    const before = await repo.findById(ctx.db, id, { forUpdate: true })
    if (!before) throw notFound()
    const required = input.required ?? before.required
    const requiredTeamIds =
      input.requiredTeamIds ?? (input.required && input.required !== 'teams' ? [] : before.requiredTeamIds)
    const next = {
      type: before.type,
      options: input.options ?? before.options,
      min: input.min === undefined ? before.min : input.min,
      max: input.max === undefined ? before.max : input.max,
      required,
      requiredTeamIds,
    }
    invalid(definitionProblems(next, { options: before.options }))
    if (input.requiredTeamIds) await checkTeams(ctx, input.requiredTeamIds)
    const now = ctx.clock.now()
    const row = await repo.update(ctx.db, id, {
      ...(input.label ? { labelDe: input.label.de, labelEn: input.label.en } : {}),
      ...(input.description
        ? { descriptionDe: input.description.de, descriptionEn: input.description.en }
        : {}),
      options: next.options,
      min: next.min,
      max: next.max,
      ...(input.position === undefined ? {} : { position: input.position }),
      required,
      requiredTeamIds,
      ...(input.archived === undefined
        ? {}
        : { archivedAt: input.archived ? (before.archivedAt ?? now) : null }),
      updatedAt: now,
    })
    const diff = changedFields(audited(before), audited(row))
    if (Object.keys(diff.after).length > 0) {
      const archivedNow = diff.after.archived === true
      const restored = diff.after.archived === false
      await recordAudit(ctx, {
        action: archivedNow
          ? 'ticket_field.archived'
          : restored
            ? 'ticket_field.restored'
            : 'ticket_field.updated',
        targetType: 'ticket_field',
        targetId: id,
        targetLabel: row.key,
        ...diff,
      })
    }
    return row
  })
}

/** Puts the fields in use in the given order (admins); archived fields go after them. */
export const reorderFields = (ctx: Ctx, input: ReorderTicketFieldsInput) => {
  authorize(ctx.actor, 'field.write')
  return inTransaction(ctx, async (ctx) => {
    const all = await repo.lockAll(ctx.db)
    const active = all.filter((f) => !f.archivedAt)
    const given = new Set(input.ids)
    const problems: FieldProblem[] = []
    input.ids.forEach((id, n) => {
      if (!active.some((f) => f.id === id))
        problems.push({ pointer: `/body/ids/${n}`, detail: 'unknown field' })
      else if (input.ids.indexOf(id) !== n)
        problems.push({ pointer: `/body/ids/${n}`, detail: 'given twice' })
    })
    if (active.some((f) => !given.has(f.id)))
      problems.push({ pointer: '/body/ids', detail: 'name every field in use once' })
    invalid(problems)
    const before = [...active].sort((a, b) => a.position - b.position || a.key.localeCompare(b.key))
    const archived = all.filter((f) => f.archivedAt).map((f) => f.id)
    await repo.setPositions(ctx.db, [...input.ids, ...archived], ctx.clock.now())
    const keyOf = new Map(all.map((f) => [f.id, f.key]))
    await recordAudit(ctx, {
      action: 'ticket_field.reordered',
      targetType: 'ticket_field',
      targetLabel: 'order',
      before: { order: before.map((f) => f.key) },
      after: { order: input.ids.map((id) => keyOf.get(id)) },
    })
    return repo.list(ctx.db)
  })
}

/** Every field (archived ones too) as the value rules need them: for the tickets module. */
export const fieldDefinitions = async (ctx: Pick<Ctx, 'db'>): Promise<FieldDef[]> =>
  (await repo.list(ctx.db, { archived: true })).map(toDef)
