/** Tickets: the desk's cases, their timelines, assignment, transfer and merge. */
export {
  addInteraction,
  assignTicket,
  createTicket,
  getTicketDetail,
  listTickets,
  mergeTicket,
  type TicketRef,
  type UploadedFile,
  updateTicket,
} from './tickets.service.ts'
