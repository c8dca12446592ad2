import type { Interaction, Ticket, TicketDetail, TicketEvent } from '@tresen/contract'
import type * as repo from './tickets.repository.ts'

type InteractionRow = Awaited<ReturnType<typeof repo.interactionsOf>>[number]
type EventRow = Awaited<ReturnType<typeof repo.eventsOf>>[number]
type AttachmentRow = Awaited<ReturnType<typeof repo.attachmentsOfTicket>>[number]

export const presentTicket = (row: repo.TicketWithNames): Ticket => {
  const t = row.ticket
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    language: t.language,
    tags: t.tags,
    team: t.teamId ? { id: t.teamId, name: row.teamName ?? '' } : null,
    assignee: t.assigneeId ? { id: t.assigneeId, name: row.assigneeName ?? '' } : null,
    customer: { id: t.customerId, name: row.customerName },
    mergedInto:
      t.mergedIntoId && row.mergedIntoNumber ? { id: t.mergedIntoId, number: row.mergedIntoNumber } : null,
    followUpOf:
      t.followUpOfId && row.followUpOfNumber ? { id: t.followUpOfId, number: row.followUpOfNumber } : null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    solvedAt: t.solvedAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null,
    waitingSince: t.waitingSince?.toISOString() ?? null,
    firstResponseAt: t.firstResponseAt?.toISOString() ?? null,
    fields: t.fields ?? {},
    promise: t.promiseState ? { state: t.promiseState, dueAt: t.promiseDueAt?.toISOString() ?? null } : null,
  }
}

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`

const presentInteraction = (row: InteractionRow, files: AttachmentRow[]): Interaction => {
  const i = row.interaction
  const author: Interaction['author'] = i.authorStaffId
    ? { type: 'staff', id: i.authorStaffId, name: row.staffName ?? '' }
    : i.authorCustomerId
      ? { type: 'customer', id: i.authorCustomerId, name: row.customerName ?? '' }
      : { type: 'system', id: null, name: 'Tresen' }
  return {
    kind: 'interaction',
    id: i.id,
    channel: i.channel,
    direction: i.direction,
    author,
    text: i.bodyText,
    html: i.bodyHtml,
    channelData: i.channelData ?? null,
    attachments: files.map((f) => ({
      id: f.id,
      filename: f.filename,
      contentType: f.contentType,
      size: f.size,
      url: attachmentUrl(f.id),
    })),
    mergedFromTicketNumber: row.mergedFromNumber ?? null,
    createdAt: i.createdAt.toISOString(),
  }
}

const presentEvent = (row: EventRow): TicketEvent => ({
  kind: 'event',
  id: row.event.id,
  type: row.event.type,
  actor: row.event.actorStaffId ? { id: row.event.actorStaffId, name: row.actorName ?? '' } : null,
  changes: row.event.changes,
  reason: row.event.reason,
  cause: row.event.cause ?? null,
  createdAt: row.event.createdAt.toISOString(),
})

/** The ticket with its whole timeline, interactions and change events in time order. */
export const presentDetail = (
  row: repo.TicketWithNames,
  interactionRows: InteractionRow[],
  eventRows: EventRow[],
  files: AttachmentRow[],
  promises: TicketDetail['promises'] = [],
): TicketDetail => {
  const byInteraction = new Map<string, AttachmentRow[]>()
  for (const f of files)
    byInteraction.set(f.interactionId, [...(byInteraction.get(f.interactionId) ?? []), f])
  const timeline = [
    ...interactionRows.map((r) => presentInteraction(r, byInteraction.get(r.interaction.id) ?? [])),
    ...eventRows.map(presentEvent),
  ].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || (a.kind === b.kind ? 0 : a.kind === 'event' ? 1 : -1),
  )
  return { ...presentTicket(row), timeline, closing: row.ticket.closing ?? null, promises }
}
