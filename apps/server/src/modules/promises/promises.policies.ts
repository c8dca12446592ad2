import type {
  CreateSlaPolicyInput,
  PausePromisesInput,
  SlaPolicy,
  UpdateSlaPolicyInput,
} from '@tresen/contract'
import type { z } from 'zod'
import { type Ctx, inTransaction, isAdmin } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import type { DomainEvent, InTransactionSubscriber } from '../../platform/domain-events.ts'
import { AppError } from '../../platform/errors.ts'
import { SharedCache } from '../../platform/shared-cache.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { type BusinessCalendar, calendarFor } from '../calendars/index.ts'
import { findVisibleTicketScope, ticketEvents } from '../tickets/index.ts'
import { promisePaused, promiseResumed } from './promises.events.ts'
import * as repo from './promises.repository.ts'
import {
  cancelRow,
  meetRow,
  newPromise,
  pauseRow,
  persist,
  resumeRow,
  retargetRow,
  stateEvent,
} from './promises.service.ts'
import {
  isSlaKind,
  matchPolicy,
  type OpenSla,
  type SlaHappening,
  type SlaKind,
  slaPlan,
  targetKeyOf,
  targetMs,
} from './promises.sla.ts'

type Row = repo.PromiseRow

/** The response-target policies, in every process; read again when any process changes one. */
export const slaPolicyCache = new SharedCache<repo.PolicyRow[]>('sla_policies.changed', (db) =>
  repo.listPolicies(db),
)

const policies = async (db: Queryable) => slaPolicyCache.value() ?? repo.listPolicies(db)

// ---------------------------------------------------------------------------------------------
// Policies (admins write, staff read)

const presentPolicy = (p: repo.PolicyRow): SlaPolicy => ({
  id: p.id,
  name: p.name,
  position: p.position,
  active: p.active,
  conditions: p.conditions as SlaPolicy['conditions'],
  targets: p.targets as SlaPolicy['targets'],
  warnAt: Math.round(p.warnAt * 100) / 100,
  maxPauseMinutes: p.maxPauseMinutes,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
})

const authorizeAdmin = (ctx: Ctx) => {
  if (!isAdmin(ctx.actor)) throw new AppError('auth.forbidden')
}
const notFound = () => new AppError('sla_policy.not_found')
const AUDITED = ['name', 'position', 'active', 'conditions', 'targets', 'warnAt', 'maxPauseMinutes'] as const
const auditView = (p: repo.PolicyRow) => ({ ...presentPolicy(p) }) as Record<string, unknown>

export const listSlaPolicies = async (ctx: Ctx) => (await repo.listPolicies(ctx.db)).map(presentPolicy)

export const getSlaPolicy = async (ctx: Ctx, id: string) => {
  const row = await repo.findPolicy(ctx.db, id)
  if (!row) throw notFound()
  return presentPolicy(row)
}

export const createSlaPolicy = (ctx: Ctx, input: z.output<typeof CreateSlaPolicyInput>) => {
  authorizeAdmin(ctx)
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now()
    await slaPolicyCache.changed(tx.db, now)
    const row = await repo.insertPolicy(tx.db, {
      name: input.name,
      position: input.position ?? (await repo.nextPosition(tx.db)),
      active: input.active,
      conditions: input.conditions,
      targets: input.targets,
      warnAt: input.warnAt,
      maxPauseMinutes: input.maxPauseMinutes,
      createdAt: now,
      updatedAt: now,
    })
    await recordAudit(tx, {
      action: 'sla_policy.created',
      targetType: 'sla_policy',
      targetId: row.id,
      targetLabel: row.name,
      before: null,
      after: changedFields({}, auditView(row), { fields: AUDITED }).after,
    })
    return presentPolicy(row)
  })
}

/**
 * Changes a policy (admins). The open promises it made take the new targets at once, keeping the
 * time used; a policy switched off or with a target removed cancels those promises. Tickets the
 * new conditions match or no longer match follow at their next change.
 */
export const updateSlaPolicy = (ctx: Ctx, id: string, input: z.output<typeof UpdateSlaPolicyInput>) => {
  authorizeAdmin(ctx)
  return inTransaction(ctx, async (tx) => {
    const before = await repo.findPolicy(tx.db, id, { forUpdate: true })
    if (!before) throw notFound()
    const now = tx.clock.now()
    await slaPolicyCache.changed(tx.db, now)
    const row = await repo.updatePolicy(tx.db, id, { ...input, updatedAt: now })
    const diff = changedFields(auditView(before), auditView(row), { fields: AUDITED })
    if (Object.keys(diff.after).length)
      await recordAudit(tx, {
        action: 'sla_policy.updated',
        targetType: 'sla_policy',
        targetId: id,
        targetLabel: row.name,
        ...diff,
      })
    await applyPolicyToOpen(tx, row)
    return presentPolicy(row)
  })
}

export const deleteSlaPolicy = (ctx: Ctx, id: string) => {
  authorizeAdmin(ctx)
  return inTransaction(ctx, async (tx) => {
    const before = await repo.findPolicy(tx.db, id, { forUpdate: true })
    if (!before) throw notFound()
    await slaPolicyCache.changed(tx.db, tx.clock.now())
    await applyPolicyToOpen(tx, { ...before, active: false })
    await repo.deletePolicy(tx.db, id)
    await recordAudit(tx, {
      action: 'sla_policy.deleted',
      targetType: 'sla_policy',
      targetId: id,
      targetLabel: before.name,
      before: auditView(before),
      after: null,
    })
  })
}

/** Moves the open promises of a policy to its current targets, a batch at a time. */
const applyPolicyToOpen = async (ctx: Ctx, policy: repo.PolicyRow) => {
  const now = ctx.clock.now()
  const cals = new Map<string, BusinessCalendar>()
  let after: string | undefined
  for (;;) {
    const batch = await repo.ofPolicyOpen(ctx.db, policy.id, 500, after)
    if (batch.length === 0) return
    after = batch.at(-1)!.id
    const scopes = await repo.teamsOfTickets(ctx.db, [...new Set(batch.map((p) => p.ticketId))])
    const updated: Row[] = []
    for (const p of batch) {
      if (!isSlaKind(p.kind)) continue
      const teamId = scopes.get(p.ticketId)?.teamId ?? null
      const cal = cals.get(teamId ?? '') ?? (await calendarFor(ctx.db, { teamId }))
      cals.set(teamId ?? '', cal)
      const target = policy.active ? policy.targets[targetKeyOf(p.kind)] : undefined
      updated.push(
        target
          ? retargetRow(p, cal, now, {
              targetMs: targetMs(target),
              business: target.business,
              warnAt: policy.warnAt,
              policyId: policy.id,
            })
          : cancelRow(p, now),
      )
    }
    await persist(ctx, { updated, ticketIds: [...new Set(batch.map((p) => p.ticketId))] })
  }
}

// ---------------------------------------------------------------------------------------------
// The rules: an in-transaction subscriber of the ticket's events

const { interactionAdded, statusChanged } = ticketEvents

const happeningOf = (
  event: DomainEvent,
): { happening: SlaHappening; openedByCustomer?: boolean; apology?: boolean } | null => {
  if (event.kind === interactionAdded.kind) {
    const d = event.data as {
      direction: string
      automated: boolean
      first: boolean
      channel: string
      apology?: boolean
    }
    if (d.automated || d.direction === 'internal' || d.channel === 'note') return null
    if (d.first) return { happening: { type: 'created' }, openedByCustomer: d.direction === 'inbound' }
    if (d.direction === 'inbound') return { happening: { type: 'customer_message' } }
    return { happening: { type: 'public_reply' }, apology: d.apology ?? false }
  }
  if (event.kind === statusChanged.kind) {
    const d = event.data as { status: { from: string | null; to: string } }
    return { happening: { type: 'status', from: d.status.from, to: d.status.to } }
  }
  return { happening: { type: 'facts_changed' } }
}

/** Applies the response-target rules to one ticket after one of its events. */
export const applySla = async (ctx: Ctx, event: DomainEvent) => {
  const found = happeningOf(event)
  if (!found) return
  const facts = await repo.ticketFacts(ctx.db, event.ticketId)
  if (!facts) return
  const open = (await repo.openOfTicket(ctx.db, facts.id)).filter((p) => isSlaKind(p.kind))
  const policy = matchPolicy(await policies(ctx.db), { ...facts, tags: facts.tags })
  const waiting = facts.firstResponseAt === null && facts.waitingSince !== null
  // The first reply after a breach: whether it apologised is kept with each breached promise.
  const apologies =
    found.apology === undefined
      ? []
      : open
          .filter((p) => p.breachedAt && p.data.apologized === undefined)
          .map((p) => ({
            ...p,
            data: { ...p.data, apologized: found.apology, apologyAt: event.at.toISOString() },
          }))
  for (const a of apologies)
    open.splice(
      open.findIndex((p) => p.id === a.id),
      1,
      a,
    )
  const steps = slaPlan({
    happening: found.happening,
    status: facts.status,
    policy,
    open: open.map(
      (p): OpenSla => ({
        id: p.id,
        kind: p.kind as SlaKind,
        policyId: p.policyId,
        targetMs: p.targetMs,
        paused: !p.resumedAt,
        pauseReason: p.pauseReason,
      }),
    ),
    repliedBefore: facts.firstResponseAt !== null,
    openedByCustomer: found.openedByCustomer ?? waiting,
  })
  if (steps.length === 0 && apologies.length === 0) return
  const cal = await calendarFor(ctx.db, { teamId: facts.teamId })
  const now = event.at
  const byId = new Map(open.map((p) => [p.id, p]))
  const inserted: Row[] = []
  const paused: { from: Row; to: Row }[] = []
  const resumed: { from: Row; to: Row }[] = []
  for (const step of steps) {
    if (step.do === 'start') {
      inserted.push(
        newPromise(
          {
            kind: step.kind,
            ticketId: facts.id,
            targetMs: targetMs(step.target),
            business: step.target.business,
            warnAt: policy?.warnAt,
            policyId: policy?.id ?? null,
            startedAt: step.from === 'created' ? facts.createdAt : now,
          },
          cal,
          now,
        ),
      )
      continue
    }
    const p = byId.get(step.id)
    if (!p) continue
    let next: Row
    switch (step.do) {
      case 'meet':
        next = meetRow(p, cal, now)
        break
      case 'cancel':
        next = cancelRow(p, now)
        break
      case 'pause':
        next = pauseRow(p, cal, now, step.reason, null)
        paused.push({ from: p, to: next })
        break
      case 'resume':
        next = resumeRow(p, cal, now)
        resumed.push({ from: p, to: next })
        break
      case 'retarget':
        next = retargetRow(p, cal, now, {
          targetMs: targetMs(step.target),
          business: step.target.business,
          warnAt: policy?.warnAt ?? p.warnAt,
          policyId: step.policyId,
        })
        break
    }
    byId.set(p.id, next)
  }
  const events = [
    ...(paused.length ? [stateEvent(ctx, promisePaused, facts.id, paused, 'pending')] : []),
    ...(resumed.length ? [stateEvent(ctx, promiseResumed, facts.id, resumed)] : []),
  ]
  const updated = [...byId.values()].filter(
    (p) => p !== open.find((o) => o.id === p.id) || apologies.some((a) => a.id === p.id),
  )
  await persist(ctx, { inserted, updated, events, ticketIds: [facts.id] })
}

/** The kinds the rules react to. */
export const SLA_EVENT_KINDS = [
  'interaction.added',
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.tags_changed',
  'ticket.assigned',
  'ticket.transferred',
] as const

/**
 * The rules as a subscriber: in the command's transaction, so a ticket's promises change with it.
 * While no policy is active (and the cache knows it), commands do no work for it.
 */
export const slaSubscriber: { when: 'in_transaction' } & InTransactionSubscriber = {
  when: 'in_transaction',
  name: 'promises.sla',
  kinds: SLA_EVENT_KINDS,
  wants: () => {
    const known = slaPolicyCache.value()
    return !known || known.some((p) => p.active)
  },
  handle: applySla,
}

// ---------------------------------------------------------------------------------------------
// Manual pause

const visibleTicket = async (ctx: Ctx, ticketId: string) => {
  const scope = await findVisibleTicketScope(ctx, ticketId)
  if (!scope || ctx.actor.kind !== 'staff') throw new AppError('ticket.not_found')
  return scope
}

/**
 * Pauses a ticket's running response clocks for a reason, at most for the policy's longest pause;
 * they resume by themselves when it ends (the sweep), or earlier by `resumePromises`.
 */
export const pausePromises = async (
  ctx: Ctx,
  ticketId: string,
  input: z.output<typeof PausePromisesInput>,
) => {
  const scope = await visibleTicket(ctx, ticketId)
  return inTransaction(ctx, async (tx) => {
    const open = (await repo.openOfTicket(tx.db, scope.id)).filter((p) => isSlaKind(p.kind) && p.resumedAt)
    if (open.length === 0) throw new AppError('promise.nothing_to_pause')
    const all = await policies(tx.db)
    const max = Math.min(...open.map((p) => all.find((x) => x.id === p.policyId)?.maxPauseMinutes ?? 1440))
    if (input.minutes > max)
      throw new AppError('promise.pause_too_long', undefined, [
        { pointer: '/body/minutes', detail: `at most ${max}` },
      ])
    const now = tx.clock.now()
    const cal = await calendarFor(tx.db, { teamId: scope.teamId })
    const until = new Date(now.getTime() + input.minutes * 60_000)
    const changes = open.map((p) => ({ from: p, to: pauseRow(p, cal, now, input.reason, until) }))
    await persist(tx, {
      updated: changes.map((c) => c.to),
      events: [stateEvent(tx, promisePaused, scope.id, changes, input.reason)],
      ticketIds: [scope.id],
    })
  })
}

export const resumePromises = async (ctx: Ctx, ticketId: string) => {
  const scope = await visibleTicket(ctx, ticketId)
  return inTransaction(ctx, async (tx) => {
    const open = (await repo.openOfTicket(tx.db, scope.id)).filter(
      (p) => isSlaKind(p.kind) && !p.resumedAt && p.pauseReason !== 'pending',
    )
    if (open.length === 0) throw new AppError('promise.nothing_to_resume')
    const now = tx.clock.now()
    const cal = await calendarFor(tx.db, { teamId: scope.teamId })
    const changes = open.map((p) => ({ from: p, to: resumeRow(p, cal, now) }))
    await persist(tx, {
      updated: changes.map((c) => c.to),
      events: [stateEvent(tx, promiseResumed, scope.id, changes)],
      ticketIds: [scope.id],
    })
  })
}
