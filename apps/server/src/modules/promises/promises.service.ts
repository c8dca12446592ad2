import type { TicketPromise } from '@tresen/contract'
import { v7 as uuidv7 } from 'uuid'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import type { DomainEvent, EventDefinition } from '../../platform/domain-events.ts'
import { publishEvent } from '../../platform/events.ts'
import {
  type BusinessCalendar,
  calendarFor,
  isOpen as calendarIsOpen,
  nextOpening,
  WALL_CLOCK,
} from '../calendars/index.ts'
import { eventOf, intake, setPromiseSummary } from '../tickets/index.ts'
import * as clock from './promises.clock.ts'
import { promiseBreached, promiseResumed, promiseWarning } from './promises.events.ts'
import { isCustomerFacing, promiseKind } from './promises.kinds.ts'
import * as repo from './promises.repository.ts'
import type { PromiseState } from './promises.tables.ts'

type Row = repo.PromiseRow

/** A promise's clock as the pure functions see it. */
export const clockOf = (p: Row): clock.Clock => ({
  targetMs: p.targetMs,
  warnAt: p.warnAt,
  business: p.business,
  consumedMs: p.consumedMs,
  resumedAt: p.resumedAt,
})

/** The row with a new clock: due time and next moment recomputed from it and the marks. */
const withClock = (p: Row, c: clock.Clock, cal: BusinessCalendar): Row => {
  const next = { ...p, ...c }
  next.dueAt = clock.dueAt(c, cal)
  next.nextFireAt = clock.nextFireAt(c, cal, next)
  return next
}

const OPEN = new Set<PromiseState>(['running', 'paused', 'warning', 'breached'])
export const isOpen = (p: Pick<Row, 'state'>) => OPEN.has(p.state)

/** The state of an open promise from its marks: breached before warning before running. */
const openStateOf = (p: Row): PromiseState =>
  !p.resumedAt ? 'paused' : p.breachedAt ? 'breached' : p.warnedAt ? 'warning' : 'running'

export type StartInput = {
  kind: string
  ticketId: string
  targetMs: number
  business: boolean
  warnAt?: number
  /** Null: no warning before it is due (a scheduled action). */
  warn?: boolean
  policyId?: string | null
  startedAt: Date
  data?: Record<string, unknown>
}

/** A new running promise (not yet written). */
export const newPromise = (input: StartInput, cal: BusinessCalendar, now: Date): Row => {
  const base: Row = {
    id: uuidv7(),
    kind: input.kind,
    ticketId: input.ticketId,
    policyId: input.policyId ?? null,
    business: input.business,
    targetMs: input.targetMs,
    warnAt: input.warnAt ?? 0.75,
    state: 'running',
    startedAt: input.startedAt,
    resumedAt: input.startedAt,
    consumedMs: 0,
    pauseReason: null,
    pauseUntil: null,
    dueAt: null,
    warnedAt: input.warn === false ? input.startedAt : null,
    breachedAt: null,
    metAt: null,
    cancelledAt: null,
    nextFireAt: null,
    data: input.data ?? {},
    createdAt: now,
  }
  return withClock(base, clockOf(base), cal)
}

export const pauseRow = (
  p: Row,
  cal: BusinessCalendar,
  at: Date,
  reason: string,
  until: Date | null,
): Row => {
  const paused = withClock(
    { ...p, pauseReason: reason, pauseUntil: until },
    clock.pause(clockOf(p), cal, at),
    cal,
  )
  return { ...paused, state: 'paused' }
}

export const resumeRow = (p: Row, cal: BusinessCalendar, at: Date): Row => {
  const resumed = withClock({ ...p, pauseReason: null, pauseUntil: null }, clock.resume(clockOf(p), at), cal)
  return { ...resumed, state: openStateOf(resumed) }
}

export const meetRow = (p: Row, cal: BusinessCalendar, at: Date): Row => ({
  ...p,
  consumedMs: clock.usedMs(clockOf(p), cal, at),
  resumedAt: null,
  state: 'met',
  metAt: at,
  nextFireAt: null,
})

export const cancelRow = (p: Row, at: Date): Row => ({
  ...p,
  state: 'cancelled',
  cancelledAt: at,
  nextFireAt: null,
})

/**
 * A new target (another policy, another priority): the time used stays used. A breach or a
 * warning the longer target no longer reaches is taken back.
 */
export const retargetRow = (
  p: Row,
  cal: BusinessCalendar,
  at: Date,
  t: { targetMs: number; business: boolean; warnAt: number; policyId: string | null },
): Row => {
  // The time used so far carries over as it was counted (open time stays open time when the new
  // target counts wall time: the clock never had the closed hours to count).
  const consumed = clock.usedMs(clockOf(p), cal, at)
  const c: clock.Clock = {
    targetMs: t.targetMs,
    warnAt: t.warnAt,
    business: t.business,
    consumedMs: consumed,
    resumedAt: p.resumedAt ? at : null,
  }
  const marks = {
    breachedAt: consumed >= t.targetMs ? (p.breachedAt ?? null) : null,
    warnedAt: consumed >= t.targetMs * t.warnAt ? (p.warnedAt ?? null) : null,
  }
  const next = withClock({ ...p, ...marks, policyId: t.policyId }, c, cal)
  return { ...next, state: openStateOf(next) }
}

/**
 * What the sweep does with a claimed promise at `now`: the end of a manual pause resumes it; a
 * warning time reached warns; the due time reached breaches (or, for a scheduled action, keeps it
 * once done). Returns the new row and the timeline event kind, if any.
 */
export const fireRow = (
  p: Row,
  cal: BusinessCalendar,
  now: Date,
): { row: Row; event?: EventDefinition; due?: true } => {
  if (!isOpen(p)) return { row: { ...p, nextFireAt: null } }
  if (!p.resumedAt) {
    if (p.pauseUntil && p.pauseUntil <= now)
      return { row: resumeRow(p, cal, p.pauseUntil), event: promiseResumed }
    return { row: { ...p, nextFireAt: p.pauseUntil } }
  }
  const due = clock.dueAt(clockOf(p), cal)
  if (due && due <= now && !p.breachedAt) return { row: p, due: true }
  const warning = clock.warningAt(clockOf(p), cal)
  if (!p.warnedAt && warning && warning <= now) {
    const warned = withClock({ ...p, warnedAt: warning }, clockOf(p), cal)
    return { row: { ...warned, state: 'warning' }, event: promiseWarning }
  }
  return { row: withClock(p, clockOf(p), cal) }
}

const breach = (p: Row, cal: BusinessCalendar): Row => {
  const at = clock.dueAt(clockOf(p), cal) ?? p.startedAt
  const breached = withClock({ ...p, breachedAt: at, warnedAt: p.warnedAt ?? at }, clockOf(p), cal)
  return { ...breached, state: 'breached' }
}

/** The worst state and the earliest due time of a ticket's open promises. */
export const summaryOf = (open: readonly Pick<Row, 'state' | 'dueAt'>[]) => {
  const order: PromiseState[] = ['breached', 'warning', 'running', 'paused']
  const live = open.filter((p) => OPEN.has(p.state))
  if (live.length === 0) return { state: null, dueAt: null }
  const state = order.find((s) => live.some((p) => p.state === s)) as
    | 'breached'
    | 'warning'
    | 'running'
    | 'paused'
  const dues = live.filter((p) => p.state !== 'paused' && p.dueAt).map((p) => p.dueAt!.getTime())
  return { state, dueAt: dues.length ? new Date(Math.min(...dues)) : null }
}

/** Writes new and changed promises, their timeline events and the tickets' summaries. */
export const persist = async (
  ctx: Ctx,
  changes: { inserted?: Row[]; updated?: Row[]; events?: DomainEvent[]; ticketIds: readonly string[] },
) => {
  if (changes.inserted?.length) await repo.insertPromises(ctx.db, changes.inserted)
  if (changes.updated?.length) await repo.savePromises(ctx.db, changes.updated)
  if (changes.events?.length) await intake.recordEvents(ctx, changes.events)
  await refreshSummaries(ctx, changes.ticketIds)
}

export const refreshSummaries = async (ctx: Ctx, ticketIds: readonly string[]) => {
  if (ticketIds.length === 0) return
  // The ticket's due time and state tell of promises to the customer only.
  const open = (await repo.openOfTickets(ctx.db, ticketIds)).filter((p) => isCustomerFacing(p.kind))
  const byTicket = new Map<string, typeof open>()
  for (const id of ticketIds) byTicket.set(id, [])
  for (const p of open) byTicket.get(p.ticketId)?.push(p)
  await setPromiseSummary(
    ctx.db,
    [...byTicket].map(([ticketId, rows]) => ({ ticketId, ...summaryOf(rows) })),
  )
}

/** A timeline event for promises of one ticket changing state. */
export const stateEvent = (
  ctx: Ctx,
  def: EventDefinition,
  ticketId: string,
  changes: { from: Row; to: Row }[],
  reason?: string,
) =>
  eventOf(
    ctx,
    def,
    ticketId,
    Object.fromEntries(changes.map((c) => [c.to.kind, { from: c.from.state, to: c.to.state }])),
    reason,
  )

/**
 * Fires the promises whose moment has come (warnings, breaches, ends of manual pauses, scheduled
 * actions), up to `limit` in one transaction: claimed with SKIP LOCKED, so with several processes
 * each fires once; a process killed meanwhile leaves them to the next sweep. Returns how many.
 */
export const firePromisesDue = async (ctx: Ctx, opts: { limit?: number } = {}) => {
  const run = async (tx: Ctx) => {
    const now = tx.clock.now()
    const claimed = await repo.claimDue(tx.db, now, opts.limit ?? 500)
    if (claimed.length === 0) return 0
    const teams = await repo.teamsOfTickets(tx.db, [...new Set(claimed.map((p) => p.ticketId))])
    const cals = new Map<string, BusinessCalendar>()
    const calOf = async (teamId: string | null) => {
      const key = teamId ?? ''
      let cal = cals.get(key)
      if (!cal) {
        cal = await calendarFor(tx.db, { teamId })
        cals.set(key, cal)
      }
      return cal
    }
    const updated: Row[] = []
    const byTicketEvent = new Map<string, { def: EventDefinition; changes: { from: Row; to: Row }[] }>()
    for (const p of claimed) {
      const team = teams.get(p.ticketId)
      const cal = await calOf(team?.teamId ?? null)
      const fired = fireRow(p, cal, now)
      let row = fired.row
      let def = fired.event
      if (fired.due) {
        const outcome = (await promiseKind(p.kind)?.onDue?.(tx, p)) ?? 'breached'
        if (outcome === 'met') row = meetRow(p, cal, now)
        else {
          row = breach(p, cal)
          def = promiseBreached
        }
      }
      updated.push(row)
      if (def) {
        const key = `${p.ticketId}:${def.kind}`
        const entry = byTicketEvent.get(key) ?? { def, changes: [] }
        entry.changes.push({ from: p, to: row })
        byTicketEvent.set(key, entry)
      }
    }
    const events = [...byTicketEvent].map(([key, e]) =>
      stateEvent(tx, e.def, key.slice(0, key.indexOf(':')), e.changes),
    )
    const ticketIds = [...new Set(claimed.map((p) => p.ticketId))]
    await persist(tx, { updated, events, ticketIds })
    // Open pages and inboxes hear of it (warning, breach) at once.
    for (const ticketId of new Set(events.map((e) => e.ticketId))) {
      const team = teams.get(ticketId)
      await publishEvent(tx.db, {
        type: 'ticket.promises_changed',
        ticketId,
        teamId: team?.teamId ?? null,
        assigneeId: team?.assigneeId ?? null,
        at: now.toISOString(),
      })
    }
    return claimed.length
  }
  return inTransaction(ctx, run)
}

const warned = (p: Row) => p.warnedAt !== null && p.warnedAt.getTime() !== p.startedAt.getTime()

/** A ticket's promises with their figures now, open ones first (the ticket detail shows them). */
export const presentPromises = async (
  ctx: Ctx,
  ticketId: string,
  teamId: string | null,
): Promise<TicketPromise[]> => {
  const rows = await repo.ofTicket(ctx.db, ticketId)
  if (rows.length === 0) return []
  const cal = await calendarFor(ctx.db, { teamId })
  const now = ctx.clock.now()
  const iso = (d: Date | null) => d?.toISOString() ?? null
  return rows
    .map((p) => {
      const open = isOpen(p)
      const v = open ? clock.view(clockOf(p), cal, now, p) : null
      return {
        id: p.id,
        kind: p.kind,
        // A promise started without a warning carries its start as the warning mark: not a warning.
        state: v ? (v.state === 'running' && warned(p) ? 'warning' : v.state) : p.state,
        business: p.business,
        targetMinutes: Math.round(p.targetMs / 60_000),
        startedAt: p.startedAt.toISOString(),
        dueAt: open ? iso(p.dueAt) : null,
        leftMinutes: v ? Math.round(v.leftMs / 60_000) : null,
        pauseReason: p.pauseReason,
        pauseUntil: iso(p.pauseUntil),
        warnedAt: warned(p) ? iso(p.warnedAt) : null,
        breachedAt: iso(p.breachedAt),
        metAt: iso(p.metAt),
        policyId: p.policyId,
        apologized: p.breachedAt && typeof p.data.apologized === 'boolean' ? p.data.apologized : null,
        customerFacing: isCustomerFacing(p.kind),
      } satisfies TicketPromise
    })
    .sort((a, b) => Number(OPEN.has(b.state)) - Number(OPEN.has(a.state)))
}

/** Starts a promise on a ticket now (a module's scheduled action): counted in the team's calendar. */
export const startPromise = async (ctx: Ctx, input: StartInput) => {
  const scope = (await repo.teamsOfTickets(ctx.db, [input.ticketId])).get(input.ticketId)
  const cal = await calendarFor(ctx.db, { teamId: scope?.teamId ?? null })
  const row = newPromise(input, cal, ctx.clock.now())
  await persist(ctx, { inserted: [row], ticketIds: [input.ticketId] })
  return row
}

/**
 * When the customer can expect an answer: the earliest due time of a running first or next
 * response, and whether the desk is open now (else when it opens), in the team's time zone.
 * Null when no response target runs.
 */
export const expectedAnswerOf = async (ctx: Ctx, ticketId: string) => {
  const rows = (await repo.ofTicket(ctx.db, ticketId)).filter(
    (p) =>
      (p.kind === 'sla.first_response' || p.kind === 'sla.next_response') &&
      isOpen(p) &&
      p.resumedAt &&
      p.dueAt,
  )
  if (rows.length === 0) return null
  const dueAt = new Date(Math.min(...rows.map((p) => p.dueAt!.getTime())))
  const scope = (await repo.teamsOfTickets(ctx.db, [ticketId])).get(ticketId)
  const cal = await calendarFor(ctx.db, { teamId: scope?.teamId ?? null })
  const now = ctx.clock.now()
  const open = calendarIsOpen(cal, now)
  // Without a calendar of its own the desk speaks German time (the wall clock counts in UTC).
  const timeZone = cal === WALL_CLOCK ? 'Europe/Berlin' : cal.spec.timeZone
  return { dueAt, timeZone, openNow: open, opensAt: open ? null : nextOpening(cal, now) }
}
export type ExpectedAnswer = NonNullable<Awaited<ReturnType<typeof expectedAnswerOf>>>

/**
 * Keeps (`met`) or drops (`cancelled`) a ticket's open promises of one kind now: a module's
 * promise whose purpose was reached (a supervisor joined) or went away. Returns how many.
 */
export const settlePromises = async (ctx: Ctx, ticketId: string, kind: string, to: 'met' | 'cancelled') => {
  const open = (await repo.openOfTicket(ctx.db, ticketId)).filter((p) => p.kind === kind)
  if (open.length === 0) return 0
  const now = ctx.clock.now()
  const scope = (await repo.teamsOfTickets(ctx.db, [ticketId])).get(ticketId)
  const cal = await calendarFor(ctx.db, { teamId: scope?.teamId ?? null })
  const updated = open.map((p) => (to === 'met' ? meetRow(p, cal, now) : cancelRow(p, now)))
  await persist(ctx, { updated, ticketIds: [ticketId] })
  return updated.length
}
