/** Tickets: the desk's cases, their timelines, assignment, transfer and merge. */

export { ticketJobs } from './tickets.jobs.ts'
/** Whether an actor may see a ticket with this team and assignee (the in-memory form of the visibility rule). */
export { canSee, type TicketScope } from './tickets.policy.ts'
export { CONTENT_LIMIT } from './tickets.repository.ts'
export {
  addInteraction,
  assignTicket,
  closeSolvedTickets,
  createTicket,
  findVisibleTicketScope,
  getTicketDetail,
  type InteractionOptions,
  listTickets,
  mergeTicket,
  onPublicReply,
  type PublicReply,
  returnTicketsToQueue,
  type TicketRef,
  ticketMail,
  type UploadedFile,
  updateTicket,
} from './tickets.service.ts'
