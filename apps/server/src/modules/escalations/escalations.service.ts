import type {
  Escalation,
  EscalationCause,
  EscalationSettings,
  EscalationSettingsView,
  JoinEscalationInput,
  Language,
  ListEscalationsQuery,
  SupervisorBoard,
} from '@tresen/contract'
import { EscalationSettings as SettingsSchema } from '@tresen/contract'
import { DateTime } from 'luxon'
import { type Actor, type Ctx, inTransaction, isAdmin, SYSTEM } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { publishEvent } from '../../platform/events.ts'
import { SharedCache } from '../../platform/shared-cache.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { queueNotice, textToHtml } from '../email/index.ts'
import { settlePromises, startPromise } from '../promises/index.ts'
import { findStaffById } from '../staff/index.ts'
import {
  addInteraction,
  assignTicket,
  eventOf,
  findVisibleTicketScope,
  intake,
  type TicketRow,
} from '../tickets/index.ts'
import {
  escalationJoined,
  escalationOverdue,
  escalationRaised,
  escalationResolved,
} from './escalations.events.ts'
import * as repo from './escalations.repository.ts'
import { noticeMessage } from './escalations.texts.ts'
import { BUILT_IN_COMPLAINT_WORDS, complaintMatcher, complaintWordsInForce } from './escalations.words.ts'

/** The promise kind of a supervisor joining an escalation in time. */
export const JOIN_KIND = 'escalation.join'

export const DEFAULT_SETTINGS: EscalationSettings = {
  joinTargetMinutes: 15,
  onWarning: true,
  onBreach: true,
  transfersThreshold: 3,
  onComplaint: true,
  extraComplaintWords: [],
  ignoredComplaintWords: [],
}

const settingsOf = (row: repo.SettingsRow | undefined): EscalationSettings =>
  row
    ? {
        joinTargetMinutes: row.joinTargetMinutes,
        onWarning: row.onWarning,
        onBreach: row.onBreach,
        transfersThreshold: row.transfersThreshold,
        onComplaint: row.onComplaint,
        extraComplaintWords: row.extraComplaintWords,
        ignoredComplaintWords: row.ignoredComplaintWords,
      }
    : DEFAULT_SETTINGS

/** The rules in every process's memory, read again when an admin changes them (see shared-cache.ts). */
export const escalationSettingsCache = new SharedCache<EscalationSettings>(
  'escalation_settings.changed',
  async (db) => settingsOf(await repo.readSettings(db)),
)

export const readEscalationSettings = async (db: Queryable) =>
  escalationSettingsCache.value() ?? settingsOf(await repo.readSettings(db))

let matcher: { for: EscalationSettings; find: (text: string) => string[] } | undefined
/** The complaint words of the settings in force, as a matcher (compiled once per settings). */
export const complaintWordsOf = (settings: EscalationSettings) => {
  if (matcher?.for !== settings)
    matcher = {
      for: settings,
      find: complaintMatcher(
        complaintWordsInForce(settings.extraComplaintWords, settings.ignoredComplaintWords),
      ),
    }
  return matcher.find
}

// ---------------------------------------------------------------------------------------------
// Who may do what

const isStaff = (a: Actor): a is Extract<Actor, { kind: 'staff' }> => a.kind === 'staff'

/** The teams whose escalations an actor oversees: null for every team (admins), else the ones they supervise. */
export const overseenTeams = (actor: Actor): string[] | null => {
  if (isAdmin(actor)) return null
  return isStaff(actor) ? actor.supervisedTeamIds : []
}

/** A supervisor of the escalation's team or of the ticket's team now, or an admin. */
export const canJoin = (actor: Actor, teams: { escalation: string | null; ticket: string | null }) => {
  if (isAdmin(actor)) return true
  if (!isStaff(actor)) return false
  return [teams.escalation, teams.ticket].some((t) => t !== null && actor.supervisedTeamIds.includes(t))
}

const requireOverseer = (actor: Actor) => {
  const teams = overseenTeams(actor)
  if (teams !== null && teams.length === 0) throw new AppError('escalation.not_supervisor')
  return teams
}

// ---------------------------------------------------------------------------------------------
// Presenting

const minutesBetween = (a: Date, b: Date) => Math.max(0, Math.floor((b.getTime() - a.getTime()) / 60_000))

export const presentEscalations = async (
  ctx: Pick<Ctx, 'db' | 'actor' | 'clock'>,
  rows: readonly repo.EscalationRow[],
  ticketTeams?: Map<string, string | null>,
): Promise<Escalation[]> => {
  if (rows.length === 0) return []
  const l = await repo.labels(ctx.db, rows)
  const now = ctx.clock.now()
  return rows.map((r) => {
    const ticket = l.tickets.get(r.ticketId)
    const iso = (d: Date | null) => d?.toISOString() ?? null
    return {
      id: r.id,
      ticketId: r.ticketId,
      ticketNumber: ticket?.number ?? 0,
      ticketSubject: ticket?.subject ?? '',
      teamId: r.teamId,
      teamName: r.teamId ? (l.teams.get(r.teamId) ?? null) : null,
      state: r.state,
      reason: r.reason,
      causes: r.causes,
      raisedAt: r.raisedAt.toISOString(),
      waitedMinutes: minutesBetween(r.raisedAt, r.joinedAt ?? r.resolvedAt ?? now),
      joinDueAt: r.state === 'waiting' ? iso(l.joinDue.get(r.ticketId) ?? null) : null,
      overdueAt: iso(r.overdueAt),
      joinedAt: iso(r.joinedAt),
      joinedById: r.joinedById,
      joinedByName: r.joinedById ? (l.staff.get(r.joinedById) ?? null) : null,
      joinMode: r.joinMode,
      resolvedAt: iso(r.resolvedAt),
      canJoin:
        r.state !== 'resolved' &&
        canJoin(ctx.actor, { escalation: r.teamId, ticket: ticketTeams?.get(r.ticketId) ?? r.teamId }),
    } satisfies Escalation
  })
}

// ---------------------------------------------------------------------------------------------
// Telling people

type Recipient = Awaited<ReturnType<typeof repo.supervisorsOf>>[number]

const ticketUrl = (ctx: Ctx, number: number) =>
  ctx.publicUrl ? `${ctx.publicUrl.replace(/\/$/, '')}/tickets/${number}` : null

/**
 * Tells the recipients of an escalation: a live message every desk that may see the ticket hears
 * (the ones named in `notify` show a notification), and an email to those who chose one.
 */
const tell = async (
  ctx: Ctx,
  kind: 'escalation.raised' | 'escalation.joined' | 'escalation.overdue' | 'escalation.resolved',
  ticket: TicketRow,
  escalation: { id: string; reason: string; raisedAt?: Date },
  recipients: readonly Recipient[],
  mail?: { kind: 'raised' | 'overdue'; cause: EscalationCause },
) => {
  const now = ctx.clock.now()
  await publishEvent(ctx.db, {
    type: kind,
    ticketId: ticket.id,
    teamId: ticket.teamId,
    assigneeId: ticket.assigneeId,
    at: now.toISOString(),
    data: {
      escalationId: escalation.id,
      reason: escalation.reason,
      ticketNumber: ticket.number,
      subject: ticket.subject,
      notify: recipients.map((r) => r.id),
    },
  })
  if (!mail) return
  for (const r of recipients.filter((x) => x.escalationEmails)) {
    const message = noticeMessage(r.language as Language, mail.kind, {
      number: ticket.number,
      subject: ticket.subject,
      cause: mail.cause,
      waitedMinutes: escalation.raisedAt ? minutesBetween(escalation.raisedAt, now) : 0,
      url: ticketUrl(ctx, ticket.number),
    })
    const queued = await queueNotice(ctx, {
      ticketId: ticket.id,
      teamId: ticket.teamId,
      to: r.email,
      subject: message.subject,
      text: message.text,
      html: textToHtml(message.text),
    })
    if (!queued)
      ctx.log.info({ ticketId: ticket.id }, 'escalation email not sent: no mailbox with SMTP settings')
  }
}

/** The team's supervisors; for a ticket without a team, or a team without one, the admins. */
const supervisorsFor = async (db: Queryable, teamId: string | null) => {
  const supervisors = teamId ? await repo.supervisorsOf(db, teamId) : []
  return supervisors.length > 0 ? supervisors : repo.activeAdmins(db)
}

/** The line on the timeline that says what raised it: the agent's note or the words found (a target's state says itself). */
const causeLine = (cause: EscalationCause) =>
  cause.note ?? (cause.words?.length ? cause.words.join(', ') : null)

// ---------------------------------------------------------------------------------------------
// Raising, joining, resolving

/**
 * Raises an escalation on a ticket with its cause, or adds the cause to the one open. A new one
 * starts its join promise (the target in business time of the team's calendar) and tells the
 * team's supervisors in the desk and, if they chose it, by email; a further cause tells them
 * in the desk only. Runs in the caller's transaction.
 */
export const raiseEscalation = (base: Ctx, ticket: TicketRow, cause: Omit<EscalationCause, 'at'>) =>
  inTransaction(base, async (ctx) => {
    const now = ctx.clock.now()
    const full: EscalationCause = { ...cause, at: now.toISOString() }
    const raised = await repo.raise(ctx.db, {
      ticketId: ticket.id,
      teamId: ticket.teamId,
      cause: full,
      at: now,
      byId: cause.byId ?? null,
    })
    if (raised.created) {
      const settings = await readEscalationSettings(ctx.db)
      await startPromise(ctx, {
        kind: JOIN_KIND,
        ticketId: ticket.id,
        targetMs: settings.joinTargetMinutes * 60_000,
        business: true,
        warn: false,
        startedAt: now,
        data: { escalationId: raised.id },
      })
    }
    await intake.recordEvent(
      ctx,
      eventOf(
        ctx,
        escalationRaised,
        ticket.id,
        { reason: { from: null, to: cause.reason } },
        causeLine(full),
      ),
    )
    const recipients = await supervisorsFor(ctx.db, ticket.teamId)
    await tell(
      ctx,
      'escalation.raised',
      ticket,
      { id: raised.id, reason: cause.reason },
      recipients,
      raised.created ? { kind: 'raised', cause: full } : undefined,
    )
    return { id: raised.id, created: raised.created }
  })

const visibleTicket = async (ctx: Ctx, ticketId: string) => {
  const scope = await findVisibleTicketScope(ctx, ticketId)
  if (!scope || !isStaff(ctx.actor)) throw new AppError('ticket.not_found')
  return scope
}

/** "I need help": an agent who may work on the ticket raises (or adds to) its escalation with a note. */
export const requestHelp = async (ctx: Ctx, ticketId: string, note: string) => {
  const scope = await visibleTicket(ctx, ticketId)
  const id = await inTransaction(ctx, async (tx) => {
    const ticket = await intake.ticket(tx, scope.id)
    if (!ticket || ticket.mergedIntoId) throw new AppError('ticket.not_found')
    if (ticket.status === 'solved' || ticket.status === 'closed') throw new AppError('escalation.ticket_done')
    const me = isStaff(tx.actor) ? await findStaffById(tx.db, tx.actor.id) : undefined
    const raised = await raiseEscalation(tx, ticket, {
      reason: 'help_requested',
      note,
      byId: me?.id ?? null,
      byName: me?.name ?? null,
    })
    return raised.id
  })
  return getEscalation(ctx, id)
}

/** One escalation the actor may see (its ticket is visible to them), else 404. */
export const getEscalation = async (ctx: Ctx, id: string) => {
  const row = await repo.findById(ctx.db, id)
  const scope = row ? await findVisibleTicketScope(ctx, row.ticketId) : undefined
  if (!row || !scope) throw new AppError('escalation.not_found')
  const [e] = await presentEscalations(ctx, [row], new Map([[row.ticketId, scope.teamId]]))
  return e!
}

export const ticketEscalations = async (ctx: Ctx, ticketId: string) => {
  const scope = await visibleTicket(ctx, ticketId)
  return presentEscalations(ctx, await repo.ofTicket(ctx.db, scope.id), new Map([[scope.id, scope.teamId]]))
}

export const listEscalations = async (ctx: Ctx, q: ListEscalationsQuery) => {
  const overseen = requireOverseer(ctx.actor)
  const teamIds =
    q.teamId === undefined ? overseen : overseen === null || overseen.includes(q.teamId) ? [q.teamId] : []
  const states: repo.EscalationRow['state'][] =
    q.state === 'open' ? ['waiting', 'joined'] : [q.state as repo.EscalationRow['state']]
  return {
    items: await presentEscalations(ctx, await repo.list(ctx.db, { states, teamIds, limit: q.limit })),
  }
}

/**
 * Locks an escalation the actor may see, with its ticket's scope now: the ticket first, as every
 * command on a ticket does, so a rule raising on it at the same time waits instead of deadlocking.
 */
const lockVisible = async (ctx: Ctx, id: string) => {
  const found = await repo.findById(ctx.db, id)
  const scope = found ? await findVisibleTicketScope(ctx, found.ticketId) : undefined
  if (!found || !scope) throw new AppError('escalation.not_found')
  await repo.lockTicket(ctx.db, found.ticketId)
  const row = (await repo.findById(ctx.db, id, { forUpdate: true }))!
  return { row, scope }
}

const TAKE_OVER_REASON: Record<Language, string> = {
  de: 'Übernommen von der Teamleitung (Eskalation)',
  en: 'Taken over by a supervisor (escalation)',
}

/**
 * A supervisor joins a waiting escalation: takes the ticket over (assigned to them, in their team
 * if it is not there) or advises with an internal note. The join promise is kept; the agent and
 * everyone on the ticket hear of it live.
 */
export const joinEscalation = async (ctx: Ctx, id: string, input: JoinEscalationInput) => {
  if (!isStaff(ctx.actor)) throw new AppError('auth.forbidden')
  const actor = ctx.actor
  await inTransaction(ctx, async (tx) => {
    const { row, scope } = await lockVisible(tx, id)
    if (!canJoin(actor, { escalation: row.teamId, ticket: scope.teamId }))
      throw new AppError('escalation.not_supervisor')
    if (row.state !== 'waiting') throw new AppError('escalation.not_waiting')
    const me = await findStaffById(tx.db, actor.id)
    const language: Language = me?.language === 'en' ? 'en' : 'de'
    if (input.mode === 'take_over') {
      const ticket = await intake.ticket(tx, row.ticketId)
      if (ticket?.assigneeId !== actor.id)
        await assignTicket(tx, row.ticketId, {
          assigneeId: actor.id,
          ...(ticket?.teamId && !actor.teamIds.includes(ticket.teamId) && actor.teamIds[0]
            ? { teamId: actor.teamIds[0] }
            : {}),
          reason: TAKE_OVER_REASON[language],
        })
    }
    if (input.note) await addInteraction(tx, row.ticketId, { kind: 'note', text: input.note })
    const now = tx.clock.now()
    await repo.update(tx.db, row.id, {
      state: 'joined',
      joinedAt: now,
      joinedById: actor.id,
      joinMode: input.mode,
    })
    await settlePromises(tx, row.ticketId, JOIN_KIND, 'met')
    await intake.recordEvent(
      tx,
      eventOf(tx, escalationJoined, row.ticketId, { joinMode: { from: null, to: input.mode } }),
    )
    const ticket = (await intake.ticket(tx, row.ticketId))!
    await tell(tx, 'escalation.joined', ticket, { id: row.id, reason: row.reason }, [])
  })
  return getEscalation(ctx, id)
}

/** Marks an open escalation resolved (and drops its join promise if nobody joined). Runs in the caller's transaction. */
const resolveRow = async (ctx: Ctx, row: repo.EscalationRow) => {
  const now = ctx.clock.now()
  await repo.update(ctx.db, row.id, {
    state: 'resolved',
    resolvedAt: now,
    resolvedById: isStaff(ctx.actor) ? ctx.actor.id : null,
  })
  if (row.state === 'waiting') await settlePromises(ctx, row.ticketId, JOIN_KIND, 'cancelled')
  await intake.recordEvent(
    ctx,
    eventOf(ctx, escalationResolved, row.ticketId, { state: { from: row.state, to: 'resolved' } }),
  )
  const ticket = await intake.ticket(ctx, row.ticketId)
  if (ticket) await tell(ctx, 'escalation.resolved', ticket, { id: row.id, reason: row.reason }, [])
}

/** A supervisor (or admin) says the escalation is done. */
export const resolveEscalation = async (ctx: Ctx, id: string) => {
  await inTransaction(ctx, async (tx) => {
    const { row, scope } = await lockVisible(tx, id)
    if (!canJoin(tx.actor, { escalation: row.teamId, ticket: scope.teamId }))
      throw new AppError('escalation.not_supervisor')
    if (row.state === 'resolved') throw new AppError('escalation.resolved')
    await resolveRow(tx, row)
  })
  return getEscalation(ctx, id)
}

/** The ticket was solved, closed or merged away: its open escalation is done. */
export const resolveOfTicket = async (ctx: Ctx, ticketId: string) => {
  const row = await repo.openOfTicket(ctx.db, ticketId, { forUpdate: true })
  if (row) await resolveRow(ctx, row)
}

/**
 * Nobody joined within the target: the escalation goes on to the admins (in the desk, and by
 * email to those who chose it). Called by the join promise's sweep, once.
 */
export const escalateToAdmins = async (base: Ctx, ticketId: string) => {
  const ctx = { ...base, actor: SYSTEM }
  await repo.lockTicket(ctx.db, ticketId)
  const row = await repo.openOfTicket(ctx.db, ticketId, { forUpdate: true })
  if (row?.state !== 'waiting') return 'met' as const
  const ticket = await intake.ticket(ctx, ticketId)
  if (!ticket) return 'met' as const
  const now = ctx.clock.now()
  await repo.update(ctx.db, row.id, { overdueAt: now })
  const admins = await repo.activeAdmins(ctx.db)
  await intake.recordEvent(
    ctx,
    eventOf(ctx, escalationOverdue, ticketId, { notified: { from: null, to: admins.length } }),
  )
  await tell(
    ctx,
    'escalation.overdue',
    ticket,
    { id: row.id, reason: row.reason, raisedAt: row.raisedAt },
    admins,
    {
      kind: 'overdue',
      cause: row.causes[0]!,
    },
  )
  return 'breached' as const
}

// ---------------------------------------------------------------------------------------------
// The board

/** Midnight today in the desk's time zone. */
const startOfToday = (now: Date, timeZone: string) =>
  DateTime.fromJSDate(now, { zone: timeZone }).startOf('day').toJSDate()

export const supervisorBoard = async (
  ctx: Ctx,
  opts: { timeZone?: string } = {},
): Promise<SupervisorBoard> => {
  const teamIds = requireOverseer(ctx.actor)
  const now = ctx.clock.now()
  const [open, about, breaches, load] = await Promise.all([
    repo.list(ctx.db, { states: ['waiting', 'joined'], teamIds, limit: 100 }),
    repo.aboutToBreach(ctx.db, { teamIds, until: new Date(now.getTime() + 3_600_000), limit: 25 }),
    repo.breachesSince(ctx.db, { teamIds, since: startOfToday(now, opts.timeZone ?? 'Europe/Berlin') }),
    repo.agentLoad(ctx.db, teamIds),
  ])
  return {
    generatedAt: now.toISOString(),
    escalations: await presentEscalations(ctx, open),
    aboutToBreach: about.map((t) => ({
      ticketId: t.ticketId,
      number: t.number,
      subject: t.subject,
      teamName: t.teamName,
      assigneeName: t.assigneeName,
      promiseState: t.promiseState === 'warning' ? 'warning' : 'running',
      dueAt: t.dueAt!.toISOString(),
    })),
    breachesToday: breaches,
    agentLoad: load,
  }
}

// ---------------------------------------------------------------------------------------------
// Settings

const adminOnly = (ctx: Ctx) => {
  if (!isAdmin(ctx.actor)) throw new AppError('auth.forbidden')
}

const view = (s: EscalationSettings): EscalationSettingsView => ({
  ...s,
  builtInComplaintWords: [...BUILT_IN_COMPLAINT_WORDS],
})

export const getEscalationSettings = async (ctx: Ctx) => {
  adminOnly(ctx)
  return view(settingsOf(await repo.readSettings(ctx.db)))
}

export const updateEscalationSettings = (ctx: Ctx, input: EscalationSettings) =>
  inTransaction(ctx, async (tx) => {
    adminOnly(tx)
    const next = SettingsSchema.parse(input)
    const before = settingsOf(await repo.readSettings(tx.db, { forUpdate: true }))
    await repo.saveSettings(tx.db, {
      ...next,
      updatedAt: tx.clock.now(),
      updatedById: isStaff(tx.actor) ? tx.actor.id : null,
    })
    await escalationSettingsCache.changed(tx.db, tx.clock.now())
    const diff = changedFields(before, next)
    if (diff.after && Object.keys(diff.after).length > 0)
      await recordAudit(tx, {
        action: 'escalation.settings_updated',
        targetType: 'escalation_settings',
        targetLabel: 'escalation rules',
        ...diff,
      })
    return view(next)
  })
