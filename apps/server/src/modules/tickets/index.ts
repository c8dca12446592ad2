/** Tickets: the desk's cases, their timelines, assignment, transfer and merge. */

export { ticketJobs } from './tickets.jobs.ts'
export {
  addInteraction,
  assignTicket,
  closeSolvedTickets,
  createTicket,
  getTicketDetail,
  listTickets,
  mergeTicket,
  type TicketRef,
  type UploadedFile,
  updateTicket,
} from './tickets.service.ts'
