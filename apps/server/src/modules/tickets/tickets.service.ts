import type {
  AddInteractionInput,
  AssignTicketInput,
  CreateTicketInput,
  MergeTicketInput,
  TicketQuery,
  UpdateTicketInput,
} from '@tresen/contract'
import { v7 as uuidv7 } from 'uuid'
import { type Ctx, inTransaction, SYSTEM } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { publishEvent } from '../../platform/events.ts'
import { htmlToText, sanitizeMessageHtml } from '../../platform/html.ts'
import {
  authorize,
  canCreateInTeam,
  canSee,
  earliest,
  isTransfer,
  responseTimes,
  statusTimestamps,
} from './tickets.policy.ts'
import { presentDetail, presentTicket } from './tickets.presenter.ts'
import * as repo from './tickets.repository.ts'

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

const notify = (ctx: Ctx, type: string, ticket: repo.TicketRow, before?: repo.TicketRow) =>
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
  const bodyText = text?.trim() ? text : safeHtml ? htmlToText(safeHtml) : ''
  return { bodyText, bodyHtml: safeHtml }
}

type Change = Record<string, { from: unknown; to: unknown }>

const eventRow = (ctx: Ctx, ticketId: string, type: string, changes: Change, reason?: string | null) => ({
  ticketId,
  type,
  changes,
  reason: reason || null,
  actorStaffId: staffId(ctx),
  createdAt: ctx.clock.now(),
})

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
export const createTicket = (
  ctx: Ctx,
  input: CreateTicketInput,
  files: UploadedFile[] = [],
  opts: { knownIds?: boolean } = {},
) =>
  // Ticket, first message and events are one statement, atomic by itself: a transaction (two more
  // round trips) only when attachments are stored beside it.
  (files.length > 0 ? inTransaction : withoutTransaction)(ctx, async (ctx) => {
    // knownIds: the desk itself found or made customer and team in this transaction (a channel).
    const teamId = input.teamId ?? (ctx.actor.kind === 'staff' ? (ctx.actor.teamIds[0] ?? null) : null)
    const scope = opts.knownIds
      ? null
      : await repo.creationScope(ctx.db, {
          customerId: input.customerId,
          teamId,
          assigneeId: input.assigneeId ?? null,
          actorId: staffId(ctx),
        })
    const customer = scope ? scope.customer : { id: input.customerId, language: input.language ?? 'de' }
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
    const now = ctx.clock.now()
    const firstBody = input.message ? messageBody(input.message.text, input.message.html) : undefined
    const firstDirection = input.message ? input.message.direction : undefined
    const ticket = {
      id: uuidv7(),
      content: firstBody?.bodyText ?? '',
      subject: input.subject,
      status: input.status,
      priority: input.priority,
      channel: input.channel,
      teamId,
      assigneeId: input.assigneeId ?? null,
      customerId: customer.id,
      language: input.language ?? customer.language,
      tags: [...new Set(input.tags)],
      createdAt: now,
      updatedAt: now,
      ...statusTimestamps('new', input.status, now),
      ...(firstDirection
        ? responseTimes({ waitingSince: null, firstResponseAt: null }, firstDirection, now)
        : {}),
    }
    let interaction: (repo.NewInteraction & { id: string }) | null = null
    if (input.message && firstBody) {
      const m = input.message
      const inbound = m.direction === 'inbound'
      interaction = {
        id: uuidv7(),
        ticketId: ticket.id,
        channel: input.channel,
        direction: m.direction,
        authorCustomerId: inbound ? customer.id : null,
        authorStaffId: inbound ? null : staffId(ctx),
        language: ticket.language,
        ...firstBody,
        ...channelColumns(m.channelData),
        createdAt: now,
      }
    }
    const created = {
      id: uuidv7(),
      ...eventRow(ctx, ticket.id, 'ticket.created', {
        status: { from: null, to: ticket.status },
        ...(ticket.teamId ? { team: { from: null, to: ticket.teamId } } : {}),
        ...(ticket.assigneeId ? { assignee: { from: null, to: ticket.assigneeId } } : {}),
      }),
    }
    // Ticket, first message, event and the desk event in one round trip.
    const number = await repo.insertTicketWithMessage(ctx.db, {
      ticket,
      interaction,
      events: [created],
      event: deskEvent(ctx, 'ticket.created', { ...ticket, number: 0 }),
    })
    if (interaction) await storeFiles(ctx, ticket.id, interaction.id, files, now)
    // Everything the new ticket's page shows was just written or looked up: its detail needs no
    // read (none of a channel's tickets, nor one with files, answers with it).
    const detail =
      scope && files.length === 0
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
              },
              teamName: scope.teamName,
              assigneeName: ticket.assigneeId ? scope.assigneeName : null,
              customerName: scope.customer!.name,
              mergedIntoNumber: null,
            },
            interaction
              ? [
                  {
                    interaction: {
                      bodyHtml: null,
                      emailMessageId: null,
                      callId: null,
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
                event: { ...created, reason: created.reason ?? null },
                actorName: created.actorStaffId ? scope.actorName : null,
              },
            ],
            [],
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

const channelColumns = (data: AddInteractionInput['channelData']) => ({
  channelData: data ?? null,
  emailMessageId: data?.channel === 'email' ? (data.messageId ?? null) : null,
  callId: data?.channel === 'phone' ? (data.callId ?? null) : null,
})

/** Changes subject, status, priority, language or tags; each change is an event with from → to. */
export const updateTicket = (ctx: Ctx, ref: TicketRef, input: UpdateTicketInput) =>
  inTransaction(ctx, async (ctx) => {
    const ticket = await lockForCommand(ctx, ref)
    authorize(ctx.actor, 'ticket.update', ticket)
    const now = ctx.clock.now()
    const events: ReturnType<typeof eventRow>[] = []
    const set: Partial<repo.TicketRow> = {}
    const simple = ['subject', 'status', 'priority', 'language'] as const
    for (const field of simple) {
      const to = input[field]
      if (to !== undefined && to !== ticket[field]) {
        Object.assign(set, { [field]: to })
        events.push(
          eventRow(
            ctx,
            ticket.id,
            `ticket.${field}_changed`,
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
        events.push(
          eventRow(ctx, ticket.id, 'ticket.tags_changed', { tags: { from: before, to: tags } }, input.reason),
        )
      }
    }
    if (events.length === 0) return ticket.id
    if (set.status) Object.assign(set, statusTimestamps(ticket.status, set.status, now))
    const updated = await repo.updateTicket(ctx.db, ticket.id, { ...set, updatedAt: now })
    await repo.insertEvents(ctx.db, events)
    await notify(ctx, 'ticket.updated', updated)
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
    const changes: Change = {}
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
    const updated = await repo.updateTicket(ctx.db, ticket.id, { teamId, assigneeId, updatedAt: now })
    await repo.insertEvents(ctx.db, [
      eventRow(ctx, ticket.id, transfer ? 'ticket.transferred' : 'ticket.assigned', changes, input.reason),
    ])
    await notify(ctx, 'ticket.updated', updated, ticket)
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
    await repo.insertEvents(
      ctx.db,
      held.map((t) => eventRow(ctx, t.id, 'ticket.assigned', { assignee: { from: staffId, to: null } })),
    )
    const before = new Map(held.map((t) => [t.id, t]))
    for (const ticket of updated) await notify(ctx, 'ticket.updated', ticket, before.get(ticket.id))
    return updated.length
  })

/** Adds a public reply, an internal note or a customer message to the timeline. */
export const addInteraction = (
  ctx: Ctx,
  ref: TicketRef,
  input: AddInteractionInput,
  files: UploadedFile[] = [],
  opts: InteractionOptions = {},
) =>
  inTransaction(ctx, async (ctx) => {
    const ticket = opts.lockedTicket ?? (await lockForCommand(ctx, ref))
    authorize(ctx.actor, 'ticket.reply', ticket)
    const body = messageBody(input.text, input.html)
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
      authorCustomerId: direction === 'inbound' ? (opts.authorCustomerId ?? ticket.customerId) : null,
      language: ticket.language,
      ...body,
      ...channelColumns(input.channelData),
      createdAt: now,
    } satisfies repo.NewInteraction
    // A reply takes a new ticket into work; a customer's message reopens a waiting or solved one
    // (an automatic message does not: opts.reopen false).
    let status = input.status
    if (!status && direction === 'outbound' && ticket.status === 'new') status = 'open'
    if (
      !status &&
      direction === 'inbound' &&
      opts.reopen !== false &&
      ['pending', 'solved', 'on_hold'].includes(ticket.status)
    )
      status = 'open'
    const set: Partial<repo.TicketRow> = {
      updatedAt: now,
      ...(opts.waits === false ? {} : responseTimes(ticket, direction, now)),
    }
    const events: repo.NewEvent[] = []
    if (status && status !== ticket.status) {
      Object.assign(set, { status }, statusTimestamps(ticket.status, status, now))
      events.push(
        eventRow(ctx, ticket.id, 'ticket.status_changed', { status: { from: ticket.status, to: status } }),
      )
    }
    // The row is locked: the ticket after this statement is the one before with `set` applied.
    const updated: repo.TicketRow = { ...ticket, ...set, version: ticket.version + 1 }
    await repo.appendInteraction(ctx.db, {
      interaction,
      events,
      ticketId: ticket.id,
      set,
      appendText: body.bodyText,
      event: deskEvent(ctx, 'ticket.interaction_added', updated),
    })
    await storeFiles(ctx, ticket.id, interaction.id, files, now)
    if (direction === 'outbound') {
      for (const hook of replyHooks) {
        await hook(ctx, {
          ticket: updated,
          interactionId: interaction.id,
          channel,
          text: body.bodyText,
          html: body.bodyHtml,
        })
      }
    }
    return { ticketId: ticket.id, interactionId: interaction.id }
  })

export type UploadedFile = { filename: string; contentType: string; data: Buffer }

export type InteractionOptions = {
  /** false: a customer's message does not reopen a pending or solved ticket (automatic mail). */
  reopen?: boolean
  /** false: the message does not start or end the customer's wait (bounces, automatic mail). */
  waits?: boolean
  /** Who wrote an inbound message when it is not the ticket's customer (a colleague in copy). */
  authorCustomerId?: string
  /** The ticket, already locked by the caller in this transaction (`ticketMail.threadTicket`). */
  lockedTicket?: repo.TicketRow
}

/** What a channel needs to send a public reply: the ticket after the reply and the message. */
export type PublicReply = {
  ticket: repo.TicketRow
  interactionId: string
  channel: string
  text: string
  html: string | null
}
export type ReplyHook = (ctx: Ctx, reply: PublicReply) => Promise<void>

const replyHooks = new Set<ReplyHook>()

/**
 * Registers what happens to a public reply inside its transaction (the email channel queues the
 * mail there, so a reply and its delivery are written together or not at all).
 */
export const onPublicReply = (hook: ReplyHook) => {
  replyHooks.add(hook)
}

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
    await repo.insertEvents(ctx.db, [
      eventRow(
        ctx,
        source.id,
        'ticket.merged_into',
        { mergedInto: { from: null, to: target.number }, status: { from: source.status, to: 'closed' } },
        input.reason,
      ),
      eventRow(ctx, target.id, 'ticket.merged', { merged: { from: null, to: source.number } }, input.reason),
    ])
    await notify(ctx, 'ticket.merged', updated)
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
    return presentDetail(read.row, read.interactions, read.events, read.files)
  }
  const row = await repo.findVisibleWithNames(ctx.db, actor, id)
  if (!row) throw notFound()
  // Inside a transaction all reads share its one connection: one after another.
  const interactions = await repo.interactionsOf(ctx.db, row.ticket.id)
  const events = await repo.eventsOf(ctx.db, row.ticket.id)
  const files = await repo.attachmentsOfTicket(ctx.db, row.ticket.id)
  return presentDetail(row, interactions, events, files)
}

/** A page cursor: the sort key and id of the last row shown (the key is null for a ticket nothing waits on). */
const encodeCursor = (at: Date | null, id: string) =>
  Buffer.from(JSON.stringify([at?.toISOString() ?? null, id])).toString('base64url')
const decodeCursor = (cursor: string, sort: TicketQuery['sort']) => {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad cursor')
    if (at === null && sort === 'waiting') return { at: null, id }
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
    q: query.q,
    sort: query.sort,
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor, query.sort) : undefined,
    ...(opts.walkBudget ? { walkBudget: opts.walkBudget } : {}),
  }
  let rows = await repo.listVisible(ctx.db, ctx.actor, {
    ...filter,
    searchPlan: query.q ? 'walk' : undefined,
  })
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
  sort === 'created' ? ticket.createdAt : sort === 'waiting' ? ticket.waitingSince : ticket.updatedAt

/** A ticket's id, team and assignee when the actor may see it; undefined when hidden or missing. */
export const findVisibleTicketScope = (ctx: Pick<Ctx, 'db' | 'actor'>, id: string) =>
  repo.findVisibleScope(ctx.db, ctx.actor, id)

/** An attachment the actor may see, with a way to read its bytes. */
export const getAttachment = async (ctx: Ctx, id: string) => {
  const attachment = await repo.findAttachment(ctx.db, ctx.actor, id)
  if (!attachment) throw new AppError('attachment.not_found')
  return { attachment, open: () => ctx.storage.get(attachment.storageKey) }
}

export const AUTO_CLOSE_DAYS = 7

/**
 * Closes tickets solved more than `days` ago, in batches; a customer who answers within that time
 * reopens the ticket instead. Returns how many were closed.
 */
export const closeSolvedTickets = (ctx: Ctx, opts: { days?: number; limit?: number } = {}) =>
  inTransaction(ctx, async (ctx) => {
    const days = opts.days ?? AUTO_CLOSE_DAYS
    const now = ctx.clock.now()
    const due = await repo.lockSolvedBefore(
      ctx.db,
      new Date(now.getTime() - days * 86_400_000),
      opts.limit ?? 500,
    )
    for (const ticket of due) {
      await repo.updateTicket(ctx.db, ticket.id, { status: 'closed', closedAt: now, updatedAt: now })
    }
    await repo.insertEvents(
      ctx.db,
      due.map((t) =>
        eventRow(
          ctx,
          t.id,
          'ticket.status_changed',
          { status: { from: 'solved', to: 'closed' } },
          `closed automatically ${days} days after solving`,
        ),
      ),
    )
    return due.length
  })

/**
 * What the email channel reads and records about tickets, as the desk itself (no visibility
 * rule: mail arrives for whatever ticket it names).
 */
export const ticketMail = {
  /** The surviving ticket a reply belongs to, by the Message-IDs it refers to. */
  ticketIdForMessageIds: (ctx: Ctx, ids: string[]) => repo.ticketIdForMessageIds(ctx.db, ids),
  ticket: (ctx: Ctx, id: string) => repo.findTicketRow(ctx.db, id),
  /**
   * The ticket a message continues, locked for the rest of the transaction: by the Message-IDs it
   * refers to, else by a ticket number (merged tickets resolve to their survivor).
   */
  lockThread: (ctx: Ctx, by: { messageIds: string[] } | { number: number }) =>
    'number' in by
      ? repo.ticketForNumberForUpdate(ctx.db, by.number)
      : repo.threadTicketForUpdate(ctx.db, by.messageIds),
  thread: (ctx: Ctx, ticketId: string) => repo.emailThreadOf(ctx.db, ticketId),
  interaction: (ctx: Ctx, id: string) => repo.interactionById(ctx.db, id),
  attachments: (ctx: Ctx, interactionId: string) => repo.attachmentsOfInteraction(ctx.db, interactionId),
  /** An event on the ticket's timeline by the desk itself (an acknowledgement sent, …). */
  recordEvent: async (ctx: Ctx, ticketId: string, type: string, changes: Change, reason?: string) => {
    await repo.insertEvents(ctx.db, [eventRow(ctx, ticketId, type, changes, reason)])
  },
  /** Records channel data the desk learns later (a delivery's outcome, the Message-ID it was sent with). */
  patchChannelData: async (ctx: Ctx, interactionId: string, patch: Record<string, unknown>) => {
    await repo.patchChannelData(ctx.db, interactionId, patch)
    // A delivery's outcome arrives after the reply: open views of the ticket hear about it.
    if ('delivery' in patch) {
      const interaction = await repo.interactionById(ctx.db, interactionId)
      const ticket = interaction ? await repo.findTicketRow(ctx.db, interaction.ticketId) : undefined
      if (ticket) await notify(ctx, 'ticket.interaction_updated', ticket)
    }
  },
}
