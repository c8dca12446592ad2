import type {
  AddInteractionInput,
  AssignTicketInput,
  CreateTicketInput,
  MergeTicketInput,
  TicketDetail,
  TicketQuery,
  UpdateTicketInput,
} from '@tresen/contract'
import { findMissingMarks } from '@tresen/contract'
import { v7 as uuidv7 } from 'uuid'
import type { z } from 'zod'
import { type Ctx, inTransaction, SYSTEM } from '../../platform/context.ts'
import { type DomainEvent, deskEvents, type EventDefinition, newEvent } from '../../platform/domain-events.ts'
import { AppError } from '../../platform/errors.ts'
import { publishEvent } from '../../platform/events.ts'
import { sanitizeMessageHtml } from '../../platform/html.ts'
import { messageHtmlToText } from '../../platform/html-text.ts'
import { deliverReply } from './tickets.channels.ts'
import { answerChecklist, autoCloseDays } from './tickets.closing.ts'
import {
  closingAnswered,
  fieldsChanged,
  followUpOf,
  followUpOpened,
  interactionAdded,
  languageChanged,
  priorityChanged,
  statusChanged,
  subjectChanged,
  tagsChanged,
  ticketAssigned,
  ticketCreated,
  ticketEventKinds,
  ticketMerged,
  ticketMergedInto,
  ticketTransferred,
} from './tickets.events.ts'
import {
  checkRequired,
  closesTicket,
  definitions,
  fieldConditions,
  fieldInput,
  isClosing,
} from './tickets.fields.ts'
import { authorize, canCreateInTeam, canSee, isTransfer } from './tickets.policy.ts'
import { presentDetail, presentTicket } from './tickets.presenter.ts'
import * as repo from './tickets.repository.ts'
import { applyRules } from './tickets.rules.ts'
import { earliest, timeFigures } from './tickets.time.ts'

export type TicketRef = string | number

const staffId = (ctx: Ctx) => (ctx.actor.kind === 'staff' ? ctx.actor.id : null)

const notFound = () => new AppError('ticket.not_found')

/** The id a reference names: a number resolves through merges to the surviving ticket. */
const idOf = async (ctx: Ctx, ref: TicketRef) =>
  typeof ref === 'number' ? await repo.idForNumber(ctx.db, ref) : ref

/** The ticket a command works on, visible to the actor and locked; merged tickets take no more work. */
const lockForCommand = async (ctx: Ctx, ref: TicketRef) => {
  const id = await idOf(ctx, ref)
  const ticket = id ? await repo.findVisibleForUpdate(ctx.db, ctx.actor, id) : undefined
  if (!ticket) throw notFound()
  if (ticket.mergedIntoId)
    throw new AppError('ticket.merged', `Ticket #${ticket.number} was merged into another ticket.`)
  return ticket
}

type EventTicket = Pick<repo.TicketRow, 'id' | 'teamId' | 'assigneeId' | 'number' | 'status'>

export const notifyTicket = (ctx: Ctx, type: string, ticket: repo.TicketRow, before?: repo.TicketRow) =>
  publishEvent(ctx.db, deskEvent(ctx, type, ticket, before))

/** What other processes and open views hear about a change of a ticket. */
const deskEvent = (ctx: Ctx, type: string, ticket: EventTicket, before?: EventTicket) => ({
  type,
  ticketId: ticket.id,
  teamId: ticket.teamId,
  assigneeId: ticket.assigneeId,
  ...(before && (before.teamId !== ticket.teamId || before.assigneeId !== ticket.assigneeId)
    ? { previousTeamId: before.teamId, previousAssigneeId: before.assigneeId }
    : {}),
  at: ctx.clock.now().toISOString(),
  data: { number: ticket.number, status: ticket.status },
})

const messageBody = (text: string | undefined, html: string | undefined) => {
  const safeHtml = html ? sanitizeMessageHtml(html) : null
  const bodyText = text?.trim() ? text : safeHtml ? messageHtmlToText(safeHtml) : ''
  return { bodyText, bodyHtml: safeHtml }
}

/**
 * A reply or note from the editor: its HTML sanitized again here, and the text part derived from
 * that HTML (what the client sent as text is not trusted to say the same).
 */
const staffBody = (input: Pick<AddInteractionInput, 'text' | 'html'>) => {
  if (!input.html?.trim()) return messageBody(input.text, undefined)
  const bodyHtml = sanitizeMessageHtml(input.html)
  return { bodyText: messageHtmlToText(bodyHtml), bodyHtml }
}

/** A reply still showing a text module's mark for a missing value ("[Kundenname fehlt]") is not sent. */
const refuseUnfilled = (body: { bodyText: string; bodyHtml: string | null }) => {
  const marks = findMissingMarks(`${body.bodyText}\n${body.bodyHtml ?? ''}`)
  if (marks.length > 0) {
    throw new AppError('ticket.reply_unfilled', `Replace ${marks.join(', ')} before sending.`, [
      { pointer: '/body/text', detail: `unfilled: ${marks.join(', ')}` },
    ])
  }
}

/** An event of this command: now, by the actor. */
export const eventOf = <E extends EventDefinition>(
  ctx: Ctx,
  def: E,
  ticketId: string,
  data: z.input<E['schema']>,
  reason?: string | null,
) =>
  newEvent(def, {
    ticketId,
    at: ctx.clock.now(),
    actorStaffId: staffId(ctx),
    reason: reason ?? null,
    cause: ctx.cause ?? null,
    data,
  })

const ownKinds = new Map<string, EventDefinition>(ticketEventKinds.map((d) => [d.kind, d]))

/** The events that belong on the timeline, as its rows. */
export const timelineRows = (events: readonly DomainEvent[]): repo.NewEvent[] =>
  events
    .filter((e) => {
      const def = ownKinds.get(e.kind) ?? deskEvents.definition(e.kind)
      if (!def) throw new Error(`event kind "${e.kind}" is not defined`)
      return def.timeline
    })
    .map((e) => ({
      id: e.id,
      ticketId: e.ticketId,
      type: e.kind,
      changes: e.data as Record<string, { from: unknown; to: unknown }>,
      reason: e.reason,
      ...(e.cause ? { cause: e.cause } : {}),
      actorStaffId: e.actorStaffId,
      createdAt: e.at,
    }))

/** The command's change is written: the events' subscribers take over, in the same transaction. */
export const recorded = (ctx: Ctx, events: readonly DomainEvent[]) => deskEvents.dispatch(ctx, events)

const checkAssignee = async (ctx: Ctx, teamId: string | null, assigneeId: string | null | undefined) => {
  if (!assigneeId) return
  if (!(await repo.staffExists(ctx.db, assigneeId))) {
    throw new AppError('staff.not_found', 'The assignee does not exist.', [
      { pointer: '/body/assigneeId', detail: 'unknown user' },
    ])
  }
  if (teamId && !(await repo.isActiveMember(ctx.db, teamId, assigneeId)))
    throw new AppError('ticket.assignee_not_in_team')
}

/** Opens a ticket for a customer, optionally with its first message, as one transaction. */
export const createTicket = (ctx: Ctx, input: CreateTicketInput, files: UploadedFile[] = []) =>
  openTicket(ctx, input, files, null)

/** A first message as a channel gives it (see tickets.intake.ts): its author, key and data. */
export type FirstContact = {
  customer: { id: string; language: 'de' | 'en' }
  threadKey: string | null
  channelData: repo.NewInteraction['channelData']
  automated: boolean
  /** The closed ticket the customer wrote to: the new ticket continues it (linked both ways). */
  followUpOf?: { id: string; number: number }
}

/**
 * Opens a ticket. `contact` null: a staff member's (or the API's) input, checked against what
 * exists and what the actor may do. A channel's contact: the desk itself found or made the
 * customer in this transaction, and the team is the channel's.
 */
export const openTicket = (
  ctx: Ctx,
  input: CreateTicketInput,
  files: UploadedFile[],
  contact: FirstContact | null,
) =>
  // Ticket, first message and events are one statement, atomic by itself: a transaction (two more
  // round trips) only when attachments are stored beside it or a subscriber works in it.
  (files.length > 0 ||
    deskEvents.hasSubscribers([ticketCreated.kind, interactionAdded.kind, fieldsChanged.kind])
    ? inTransaction
    : withoutTransaction)(ctx, async (ctx) => {
    const teamId = input.teamId ?? (ctx.actor.kind === 'staff' ? (ctx.actor.teamIds[0] ?? null) : null)
    const scope = contact
      ? null
      : await repo.creationScope(ctx.db, {
          customerId: input.customerId,
          teamId,
          assigneeId: input.assigneeId ?? null,
          actorId: staffId(ctx),
        })
    const customer = scope ? scope.customer : contact!.customer
    if (!customer) {
      throw new AppError('customer.not_found', 'The customer does not exist.', [
        { pointer: '/body/customerId', detail: 'unknown customer' },
      ])
    }
    if (teamId && scope && scope.teamName === null) {
      throw new AppError('team.not_found', 'The team does not exist.', [
        { pointer: '/body/teamId', detail: 'unknown team' },
      ])
    }
    if (!canCreateInTeam(ctx.actor, teamId)) {
      throw new AppError(teamId ? 'team.not_found' : 'ticket.team_required', undefined, [
        { pointer: '/body/teamId', detail: teamId ? 'not one of your teams' : 'required' },
      ])
    }
    await checkAssignee(ctx, teamId, input.assigneeId)
    // Custom fields: checked only when given, or when the ticket is opened solved or closed.
    const defs = input.fields || isClosing(input.status) ? await definitions(ctx) : null
    const fieldSet = defs && input.fields ? fieldInput(defs, {}, input.fields) : null
    if (defs && isClosing(input.status)) checkRequired(defs, teamId, fieldSet?.values ?? {})
    const now = ctx.clock.now()
    const firstBody = input.message ? messageBody(input.message.text, input.message.html) : undefined
    const id = uuidv7()
    const language = input.language ?? customer.language
    let interaction: (repo.NewInteraction & { id: string }) | null = null
    if (input.message && firstBody) {
      const m = input.message
      const inbound = m.direction === 'inbound'
      interaction = {
        id: uuidv7(),
        ticketId: id,
        channel: input.channel,
        direction: m.direction,
        authorCustomerId: inbound ? customer.id : null,
        authorStaffId: inbound ? null : staffId(ctx),
        language,
        ...firstBody,
        ...(contact
          ? { threadKey: contact.threadKey, channelData: contact.channelData ?? null }
          : channelColumns(m.channelData)),
        createdAt: now,
      }
    }
    const created = eventOf(ctx, ticketCreated, id, {
      status: { from: null, to: input.status },
      ...(teamId ? { team: { from: null, to: teamId } } : {}),
      ...(input.assigneeId ? { assignee: { from: null, to: input.assigneeId } } : {}),
    })
    const events: DomainEvent[] = [created]
    const fieldsEvent =
      fieldSet && Object.keys(fieldSet.changes).length > 0
        ? eventOf(ctx, fieldsChanged, id, fieldSet.changes)
        : null
    if (fieldsEvent) events.push(fieldsEvent)
    if (interaction)
      events.push(
        eventOf(ctx, interactionAdded, id, {
          interactionId: interaction.id,
          channel: interaction.channel,
          direction: interaction.direction,
          automated: contact?.automated ?? false,
          first: true,
        }),
      )
    const answered = await answerChecklist(ctx, events, input.closing)
    if (answered) events.push(eventOf(ctx, closingAnswered, id, answered.data))
    const origin = contact?.followUpOf
    if (origin) events.push(eventOf(ctx, followUpOf, id, { followUpOf: { from: null, to: origin.number } }))
    const times = timeFigures(
      { status: 'new', solvedAt: null, closedAt: null, waitingSince: null, firstResponseAt: null },
      events,
      now,
    )
    const ticket = {
      id,
      content: firstBody?.bodyText ?? '',
      subject: input.subject,
      status: input.status,
      priority: input.priority,
      channel: input.channel,
      teamId,
      assigneeId: input.assigneeId ?? null,
      customerId: customer.id,
      language,
      tags: [...new Set(input.tags)],
      fields: fieldSet && Object.keys(fieldSet.values).length > 0 ? fieldSet.values : undefined,
      ...(answered ? { closing: answered.closing } : {}),
      ...(origin ? { followUpOfId: origin.id } : {}),
      createdAt: now,
      updatedAt: now,
      solvedAt: times.solvedAt,
      closedAt: times.closedAt,
      waitingSince: times.waitingSince,
      firstResponseAt: times.firstResponseAt,
    }
    // Ticket, first message, timeline and the desk event in one round trip.
    const number = await repo.insertTicketWithMessage(ctx.db, {
      ticket,
      interaction,
      events: timelineRows(events),
      event: deskEvent(ctx, 'ticket.created', { ...ticket, number: 0 }),
    })
    if (interaction) await storeFiles(ctx, ticket.id, interaction.id, files, now)
    if (origin) {
      // The closed ticket learns which ticket continues it (its number exists only now).
      const opened = eventOf(ctx, followUpOpened, origin.id, { followUp: { from: null, to: number } })
      await repo.insertEvents(ctx.db, timelineRows([opened]))
      events.push(opened)
    }
    await recorded(ctx, events)
    // Everything the new ticket's page shows was just written or looked up: its detail needs no
    // read (none of a channel's tickets, nor one with files, answers with it).
    const detail =
      scope && files.length === 0 && !answered
        ? presentDetail(
            {
              ticket: {
                ...ticket,
                number,
                mergedIntoId: null,
                version: 1,
                solvedAt: ticket.solvedAt ?? null,
                closedAt: ticket.closedAt ?? null,
                waitingSince: ticket.waitingSince ?? null,
                firstResponseAt: ticket.firstResponseAt ?? null,
                fields: ticket.fields ?? {},
                followUpOfId: null,
                closing: ticket.closing ?? null,
                promiseDueAt: null,
                promiseState: null,
              },
              teamName: scope.teamName,
              assigneeName: ticket.assigneeId ? scope.assigneeName : null,
              customerName: scope.customer!.name,
              mergedIntoNumber: null,
              followUpOfNumber: null,
            },
            interaction
              ? [
                  {
                    interaction: {
                      bodyHtml: null,
                      threadKey: null,
                      channelData: null,
                      mergedFromTicketId: null,
                      authorStaffId: null,
                      authorCustomerId: null,
                      ...interaction,
                      bodyText: interaction.bodyText ?? '',
                      language: interaction.language ?? ticket.language,
                      createdAt: interaction.createdAt ?? now,
                    },
                    staffName: interaction.authorStaffId ? scope.actorName : null,
                    customerName: interaction.authorCustomerId ? scope.customer!.name : null,
                    mergedFromNumber: null,
                  },
                ]
              : [],
            [
              {
                event: {
                  id: created.id,
                  ticketId: id,
                  type: created.kind,
                  changes: created.data,
                  reason: created.reason,
                  cause: created.cause ?? null,
                  actorStaffId: created.actorStaffId,
                  createdAt: created.at,
                },
                actorName: created.actorStaffId ? scope.actorName : null,
              },
              ...(fieldsEvent
                ? [
                    {
                      event: {
                        id: fieldsEvent.id,
                        ticketId: id,
                        type: fieldsEvent.kind,
                        changes: fieldsEvent.data,
                        reason: fieldsEvent.reason,
                        cause: fieldsEvent.cause ?? null,
                        actorStaffId: fieldsEvent.actorStaffId,
                        createdAt: fieldsEvent.at,
                      },
                      actorName: fieldsEvent.actorStaffId ? scope.actorName : null,
                    },
                  ]
                : []),
            ],
            [],
            await promisesOf(ctx, id),
          )
        : undefined
    return { id: ticket.id, number, interactionId: interaction?.id ?? null, detail }
  })

const withoutTransaction = <T>(ctx: Ctx, fn: (ctx: Ctx) => Promise<T>) => fn(ctx)

const storeFiles = async (
  ctx: Ctx,
  ticketId: string,
  interactionId: string,
  files: UploadedFile[],
  now: Date,
) => {
  for (const file of files) {
    const stored = await ctx.storage.put(file.data)
    await repo.insertAttachment(ctx.db, {
      interactionId,
      ticketId,
      filename: file.filename,
      contentType: file.contentType,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.key,
      createdAt: now,
    })
  }
}

/**
 * The key later contacts find this one's ticket by, for the channel data a client may send: an
 * email's Message-ID, a call's id. Channels that take contacts in themselves give theirs.
 */
export const threadKeyOf = (data: AddInteractionInput['channelData']) =>
  data?.channel === 'email'
    ? (data.messageId ?? null)
    : data?.channel === 'phone'
      ? (data.callId ?? null)
      : null

const channelColumns = (data: AddInteractionInput['channelData']) => ({
  channelData: data ?? null,
  threadKey: threadKeyOf(data),
})

const changeKinds = {
  subject: subjectChanged,
  status: statusChanged,
  priority: priorityChanged,
  language: languageChanged,
} as const

/** Changes subject, status, priority, language or tags; each change is an event with from → to. */
export const updateTicket = (ctx: Ctx, ref: TicketRef, input: UpdateTicketInput) =>
  inTransaction(ctx, async (ctx) => {
    const ticket = await lockForCommand(ctx, ref)
    authorize(ctx.actor, 'ticket.update', ticket)
    const now = ctx.clock.now()
    const events: DomainEvent[] = []
    const set: Partial<repo.TicketRow> = {}
    for (const field of ['subject', 'status', 'priority', 'language'] as const) {
      const to = input[field]
      if (to !== undefined && to !== ticket[field]) {
        Object.assign(set, { [field]: to })
        events.push(
          eventOf(
            ctx,
            changeKinds[field] as EventDefinition,
            ticket.id,
            { [field]: { from: ticket[field], to } },
            input.reason,
          ),
        )
      }
    }
    if (input.tags) {
      const tags = [...new Set(input.tags)].sort()
      const before = [...ticket.tags].sort()
      if (tags.join('\u0000') !== before.join('\u0000')) {
        set.tags = tags
        events.push(eventOf(ctx, tagsChanged, ticket.id, { tags: { from: before, to: tags } }, input.reason))
      }
    }
    const defs = input.fields || isClosing(input.status) ? await definitions(ctx) : null
    if (defs && input.fields) {
      const { values, changes } = fieldInput(defs, ticket.fields, input.fields)
      if (Object.keys(changes).length > 0) {
        set.fields = values
        events.push(eventOf(ctx, fieldsChanged, ticket.id, changes, input.reason))
      }
    }
    if (events.length === 0) return ticket.id
    const all = applyRules(ticket, events)
    if (closesTicket(all))
      checkRequired(defs ?? (await definitions(ctx)), ticket.teamId, set.fields ?? ticket.fields)
    const answered = await answerChecklist(ctx, all, input.closing)
    if (answered) {
      set.closing = answered.closing
      all.push(eventOf(ctx, closingAnswered, ticket.id, answered.data, input.reason))
    }
    const updated = await repo.updateTicket(ctx.db, ticket.id, {
      ...set,
      ...timeFigures(ticket, all, now),
      updatedAt: now,
    })
    await repo.insertEvents(ctx.db, timelineRows(all))
    await recorded(ctx, all)
    await notifyTicket(ctx, 'ticket.updated', updated)
    return ticket.id
  })

/**
 * Assigns a ticket to a team and/or a person. Moving it to another team, or from one person to
 * another, is a transfer and needs a reason, so the next agent knows why it came to them.
 */
export const assignTicket = (ctx: Ctx, ref: TicketRef, input: AssignTicketInput) =>
  inTransaction(ctx, async (ctx) => {
    const ticket = await lockForCommand(ctx, ref)
    authorize(ctx.actor, 'ticket.assign', ticket)
    const teamId = input.teamId ?? ticket.teamId
    if (input.teamId && input.teamId !== ticket.teamId && !(await repo.teamExists(ctx.db, input.teamId))) {
      throw new AppError('team.not_found', 'The team does not exist.', [
        { pointer: '/body/teamId', detail: 'unknown team' },
      ])
    }
    if (input.expectAssigneeId !== undefined && input.expectAssigneeId !== ticket.assigneeId) {
      // Someone else took (or handed on) the ticket since the caller looked: not a transfer.
      const holder = ticket.assigneeId ? await repo.staffName(ctx.db, ticket.assigneeId) : null
      throw new AppError(
        'ticket.already_taken',
        holder ? `${holder} has already taken this ticket.` : 'The ticket is no longer assigned as shown.',
        undefined,
        { name: holder ?? '' },
      )
    }
    let assigneeId = input.assigneeId === undefined ? ticket.assigneeId : input.assigneeId
    if (input.assigneeId === undefined && assigneeId && teamId !== ticket.teamId) {
      // The ticket leaves the team; its assignee stays only if they belong to the new team too.
      if (!teamId || !(await repo.isActiveMember(ctx.db, teamId, assigneeId))) assigneeId = null
    } else if (input.assigneeId) {
      await checkAssignee(ctx, teamId, assigneeId)
    }
    const after = { teamId, assigneeId }
    const changes: { team?: { from: string | null; to: string | null }; assignee?: typeof changes.team } = {}
    if (teamId !== ticket.teamId) changes.team = { from: ticket.teamId, to: teamId }
    if (assigneeId !== ticket.assigneeId) changes.assignee = { from: ticket.assigneeId, to: assigneeId }
    if (Object.keys(changes).length === 0) return ticket.id
    const transfer = isTransfer(ticket, after)
    if (transfer && !input.reason) {
      throw new AppError('ticket.transfer_reason_required', undefined, [
        { pointer: '/body/reason', detail: 'required for a transfer' },
      ])
    }
    const now = ctx.clock.now()
    const events = applyRules(ticket, [
      eventOf(ctx, transfer ? ticketTransferred : ticketAssigned, ticket.id, changes, input.reason),
    ])
    const updated = await repo.updateTicket(ctx.db, ticket.id, {
      teamId,
      assigneeId,
      ...timeFigures(ticket, events, now),
      updatedAt: now,
    })
    await repo.insertEvents(ctx.db, timelineRows(events))
    await recorded(ctx, events)
    await notifyTicket(ctx, 'ticket.updated', updated, ticket)
    return ticket.id
  })

/**
 * A person leaves (deactivated): their open tickets go back to their team's queue, each with an
 * assignment event, so nobody's customer waits on someone who no longer works here. Runs in the
 * caller's transaction.
 */
export const returnTicketsToQueue = (ctx: Ctx, staffId: string) =>
  inTransaction(ctx, async (ctx) => {
    const held = await repo.lockOpenAssignedTo(ctx.db, staffId)
    if (held.length === 0) return 0
    const updated = await repo.unassign(
      ctx.db,
      held.map((t) => t.id),
      ctx.clock.now(),
    )
    const events = held.map((t) =>
      eventOf(ctx, ticketAssigned, t.id, { assignee: { from: staffId, to: null } }),
    )
    await repo.insertEvents(ctx.db, timelineRows(events))
    await recorded(ctx, events)
    const before = new Map(held.map((t) => [t.id, t]))
    for (const ticket of updated) await notifyTicket(ctx, 'ticket.updated', ticket, before.get(ticket.id))
    return updated.length
  })

/** Adds a public reply, an internal note or a customer message to the timeline. */
export const addInteraction = (
  ctx: Ctx,
  ref: TicketRef,
  input: AddInteractionInput,
  files: UploadedFile[] = [],
) =>
  inTransaction(ctx, async (ctx) => {
    const ticket = await lockForCommand(ctx, ref)
    authorize(ctx.actor, 'ticket.reply', ticket)
    return appendContact(ctx, ticket, input, files, null)
  })

/** A message as a channel gives it (see tickets.intake.ts): who wrote it, its key and data. */
export type LaterContact = {
  authorCustomerId: string
  threadKey: string | null
  channelData: repo.NewInteraction['channelData']
  automated: boolean
}

/**
 * A message on a ticket the caller has locked and may work on: the interaction, its events and
 * what the rules make of them (a customer's message reopens, a first reply opens), the time
 * figures, search text and desk event in one statement; then its files, its subscribers and,
 * for a public reply, its delivery through the channel.
 */
export const appendContact = async (
  ctx: Ctx,
  ticket: repo.TicketRow,
  input: AddInteractionInput,
  files: UploadedFile[],
  contact: LaterContact | null,
) => {
  const body =
    contact === null && input.kind !== 'inbound' ? staffBody(input) : messageBody(input.text, input.html)
  if (input.kind === 'reply') refuseUnfilled(body)
  if (!body.bodyText.trim() && files.length === 0) {
    throw new AppError('request.invalid', 'A message needs text or an attachment.', [
      { pointer: '/body/text', detail: 'must not be empty' },
    ])
  }
  const now = ctx.clock.now()
  const direction = input.kind === 'note' ? 'internal' : input.kind === 'reply' ? 'outbound' : 'inbound'
  const channel = input.kind === 'note' ? 'note' : (input.channel ?? ticket.channel)
  const interaction = {
    id: uuidv7(),
    ticketId: ticket.id,
    channel,
    direction,
    authorStaffId: direction === 'inbound' ? null : staffId(ctx),
    authorCustomerId: direction === 'inbound' ? (contact?.authorCustomerId ?? ticket.customerId) : null,
    language: ticket.language,
    ...body,
    ...(contact
      ? { threadKey: contact.threadKey, channelData: contact.channelData ?? null }
      : channelColumns(input.channelData)),
    createdAt: now,
  } satisfies repo.NewInteraction
  const own: DomainEvent[] = [
    eventOf(ctx, interactionAdded, ticket.id, {
      interactionId: interaction.id,
      channel,
      direction,
      automated: contact?.automated ?? false,
      first: false,
      ...(input.kind === 'reply' && input.apology !== undefined ? { apology: input.apology } : {}),
    }),
  ]
  if (input.status && input.status !== ticket.status)
    own.push(eventOf(ctx, statusChanged, ticket.id, { status: { from: ticket.status, to: input.status } }))
  const events = applyRules(ticket, own)
  if (closesTicket(events)) checkRequired(await definitions(ctx), ticket.teamId, ticket.fields)
  const answered = await answerChecklist(ctx, events, input.closing)
  if (answered) events.push(eventOf(ctx, closingAnswered, ticket.id, answered.data))
  const set: Partial<repo.TicketRow> = {
    updatedAt: now,
    ...timeFigures(ticket, events, now),
    ...(answered ? { closing: answered.closing } : {}),
  }
  // The row is locked: the ticket after this statement is the one before with `set` applied.
  const updated: repo.TicketRow = { ...ticket, ...set, version: ticket.version + 1 }
  await repo.appendInteraction(ctx.db, {
    interaction,
    events: timelineRows(events),
    ticketId: ticket.id,
    set,
    appendText: body.bodyText,
    event: deskEvent(ctx, 'ticket.interaction_added', updated),
  })
  await storeFiles(ctx, ticket.id, interaction.id, files, now)
  await recorded(ctx, events)
  if (direction === 'outbound')
    await deliverReply(ctx, {
      ticket: updated,
      interactionId: interaction.id,
      channel,
      text: body.bodyText,
      html: body.bodyHtml,
    })
  return { ticketId: ticket.id, interactionId: interaction.id }
}

export type UploadedFile = { filename: string; contentType: string; data: Buffer }

/**
 * Merges a ticket into another about the same matter: its timeline moves to the survivor, its
 * number keeps resolving there, and both timelines record the merge.
 */
export const mergeTicket = (ctx: Ctx, ref: TicketRef, input: MergeTicketInput) =>
  inTransaction(ctx, async (ctx) => {
    const sourceId = await idOf(ctx, ref)
    const targetId = await idOf(ctx, input.into)
    if (!sourceId || !targetId) throw notFound()
    if (sourceId === targetId) throw new AppError('ticket.merge_self')
    // Lock both rows in a fixed order so two crossing merges cannot deadlock.
    const [first, second] = [sourceId, targetId].sort()
    const a = await repo.findVisibleForUpdate(ctx.db, ctx.actor, first!)
    const b = await repo.findVisibleForUpdate(ctx.db, ctx.actor, second!)
    const source = a?.id === sourceId ? a : b
    const target = a?.id === targetId ? a : b
    if (!source || !target || source.id !== sourceId || target.id !== targetId) throw notFound()
    authorize(ctx.actor, 'ticket.merge', source)
    authorize(ctx.actor, 'ticket.merge', target)
    if (source.mergedIntoId) throw new AppError('ticket.already_merged')
    if (target.mergedIntoId)
      throw new AppError('ticket.merged', `Ticket #${target.number} was merged into another ticket.`)
    const now = ctx.clock.now()
    await repo.moveTimeline(ctx.db, source.id, target.id)
    await repo.appendContentOf(ctx.db, source.id, target.id)
    const tags = [...new Set([...target.tags, ...source.tags])].sort()
    await repo.updateTicket(ctx.db, source.id, {
      mergedIntoId: target.id,
      status: 'closed',
      closedAt: now,
      waitingSince: null,
      updatedAt: now,
    })
    const updated = await repo.updateTicket(ctx.db, target.id, {
      tags,
      waitingSince: earliest(target.waitingSince, source.waitingSince),
      firstResponseAt: earliest(target.firstResponseAt, source.firstResponseAt),
      updatedAt: now,
    })
    const events = [
      eventOf(
        ctx,
        ticketMergedInto,
        source.id,
        { mergedInto: { from: null, to: target.number }, status: { from: source.status, to: 'closed' } },
        input.reason,
      ),
      eventOf(ctx, ticketMerged, target.id, { merged: { from: null, to: source.number } }, input.reason),
    ]
    await repo.insertEvents(ctx.db, timelineRows(events))
    await recorded(ctx, events)
    await notifyTicket(ctx, 'ticket.merged', updated)
    return target.id
  })

/**
 * A ticket with its timeline. A number of a merged ticket shows the ticket it was merged into.
 * `afterOwnCommand` shows the result of a command the caller just made, even when it took the
 * ticket out of their sight (a transfer to another team).
 */
export const getTicketDetail = async (ctx: Ctx, ref: TicketRef, opts: { afterOwnCommand?: boolean } = {}) => {
  const id = await idOf(ctx, ref)
  if (!id) throw notFound()
  const actor = opts.afterOwnCommand ? SYSTEM : ctx.actor
  if (!ctx.inTx) {
    // One round of prepared reads; a ticket the actor may not see is as missing as one that is not.
    const read = await repo.readDetailOnPool(ctx.db, id)
    if (!read.row || !canSee(actor, read.row.ticket)) throw notFound()
    return presentDetail(read.row, read.interactions, read.events, read.files, await promisesOf(ctx, id))
  }
  const row = await repo.findVisibleWithNames(ctx.db, actor, id)
  if (!row) throw notFound()
  // Inside a transaction all reads share its one connection: one after another.
  const interactions = await repo.interactionsOf(ctx.db, row.ticket.id)
  const events = await repo.eventsOf(ctx.db, row.ticket.id)
  const files = await repo.attachmentsOfTicket(ctx.db, row.ticket.id)
  return presentDetail(row, interactions, events, files, await promisesOf(ctx, row.ticket.id))
}

/** Who tells a ticket's promises with their figures (the promises module, wired at boot). */
type PromisesProvider = (ctx: Ctx, ticketId: string) => Promise<TicketDetail['promises']>
let promisesOf: PromisesProvider = async () => []
export const providePromises = (provider: PromisesProvider) => {
  promisesOf = provider
}

/** A page cursor: the sort key and id of the last row shown (the key is null for a ticket nothing waits on). */
const encodeCursor = (at: Date | null, id: string) =>
  Buffer.from(JSON.stringify([at?.toISOString() ?? null, id])).toString('base64url')
const decodeCursor = (cursor: string, sort: TicketQuery['sort']) => {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad cursor')
    if (at === null && (sort === 'waiting' || sort === 'due')) return { at: null, id }
    const date = typeof at === 'string' ? new Date(at) : new Date(Number.NaN)
    if (Number.isNaN(date.getTime())) throw new Error('bad cursor')
    return { at: date, id }
  } catch {
    throw new AppError('ticket.invalid_cursor', undefined, [
      { pointer: '/querystring/cursor', detail: 'invalid' },
    ])
  }
}

/** Lists the tickets the actor may see, newest first (or longest waiting first), a page at a time. */
export const listTickets = async (ctx: Ctx, query: TicketQuery, opts: { walkBudget?: number } = {}) => {
  const assigneeId =
    query.assigneeId === 'me'
      ? (staffId(ctx) ?? undefined)
      : query.assigneeId === 'none'
        ? null
        : query.assigneeId
  const filter: repo.ListFilter = {
    statuses: query.status,
    ...(query.teamId === 'mine'
      ? { teamIds: ctx.actor.kind === 'staff' ? ctx.actor.teamIds : [] }
      : { teamId: query.teamId }),
    assigneeId,
    customerId: query.customerId,
    tag: query.tag,
    promiseStates: query.promise,
    ...(query.field?.length ? { fields: await fieldConditions(ctx, query.field) } : {}),
    q: query.q,
    sort: query.sort,
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor, query.sort) : undefined,
    ...(opts.walkBudget ? { walkBudget: opts.walkBudget } : {}),
  }
  // Custom field conditions the GIN index can answer walk the list first, like a search (below);
  // others (ranges, an unticked box) are plain filters of the list.
  const fieldWalk = !query.q && Boolean(filter.fields?.some((c) => c.kind === 'contains'))
  let rows = await repo.listVisible(ctx.db, ctx.actor, {
    ...filter,
    searchPlan: query.q ? 'walk' : undefined,
    ...(fieldWalk ? { fieldPlan: 'walk' as const } : {}),
  })
  // Few matches in the walk of a long list: the GIN index collects them (when a condition can use it).
  if (
    fieldWalk &&
    rows.length <= query.limit &&
    (await repo.listReachesWalkBudget(ctx.db, ctx.actor, { ...filter, fieldPlan: 'walk' }))
  ) {
    rows = await repo.listVisible(ctx.db, ctx.actor, { ...filter, fieldPlan: 'collect' })
  }
  // A search whose walk found less than a page: either the list is short (the walk saw it all) or
  // the words are rare, and then the index collects every hit.
  if (
    query.q &&
    rows.length <= query.limit &&
    (await repo.listReachesWalkBudget(ctx.db, ctx.actor, filter))
  ) {
    rows = await repo.listVisible(ctx.db, ctx.actor, { ...filter, searchPlan: 'collect' })
  }
  // Nothing with these words: the tickets whose subject is spelt like them ("Fahradschloss").
  if (query.q && rows.length === 0 && !query.cursor) {
    const similar = await repo.listSimilarSubjects(ctx.db, ctx.actor, { ...filter, q: query.q })
    if (similar.length > 0) {
      return { items: similar.map(presentTicket), nextCursor: null, match: 'similar' as const }
    }
  }
  const items = rows.slice(0, query.limit)
  const last = items.at(-1)
  const nextCursor =
    rows.length > query.limit && last ? encodeCursor(sortKey(last.ticket, query.sort), last.ticket.id) : null
  return { items: items.map(presentTicket), nextCursor, ...(query.q ? { match: 'exact' as const } : {}) }
}

const sortKey = (ticket: repo.TicketRow, sort: TicketQuery['sort']) =>
  sort === 'created'
    ? ticket.createdAt
    : sort === 'waiting'
      ? ticket.waitingSince
      : sort === 'due'
        ? ticket.promiseDueAt
        : ticket.updatedAt

/** A ticket's id, team and assignee when the actor may see it; undefined when hidden or missing. */
export const findVisibleTicketScope = (ctx: Pick<Ctx, 'db' | 'actor'>, id: string) =>
  repo.findVisibleScope(ctx.db, ctx.actor, id)

/** An attachment the actor may see, with a way to read its bytes. */
export const getAttachment = async (ctx: Ctx, id: string) => {
  const attachment = await repo.findAttachment(ctx.db, ctx.actor, id)
  if (!attachment) throw new AppError('attachment.not_found')
  return { attachment, open: () => ctx.storage.get(attachment.storageKey) }
}

/**
 * Closes tickets solved more than `days` ago, in batches; a customer who answers within that time
 * reopens the ticket instead. Returns how many were closed.
 */
export const closeSolvedTickets = (ctx: Ctx, opts: { days?: number; limit?: number } = {}) =>
  inTransaction(ctx, async (ctx) => {
    const days = opts.days ?? (await autoCloseDays(ctx))
    const now = ctx.clock.now()
    const due = await repo.lockSolvedBefore(
      ctx.db,
      new Date(now.getTime() - days * 86_400_000),
      opts.limit ?? 500,
    )
    for (const ticket of due) {
      await repo.updateTicket(ctx.db, ticket.id, { status: 'closed', closedAt: now, updatedAt: now })
    }
    const events = due.map((t) =>
      eventOf(
        ctx,
        statusChanged,
        t.id,
        { status: { from: 'solved', to: 'closed' } },
        `closed automatically ${days} days after solving`,
      ),
    )
    await repo.insertEvents(ctx.db, timelineRows(events))
    await recorded(ctx, events)
    return due.length
  })
