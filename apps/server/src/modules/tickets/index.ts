/** Tickets: the desk's cases, their timelines, assignment, transfer and merge, and the intake of every channel. */

export {
  type ChannelAdapter,
  type ContactData,
  type OutgoingReply,
  registerChannel,
} from './tickets.channels.ts'
/** Wires the closing checklist into every solve (the closing module's, at boot). */
export { type CloseCheck, type ClosingRules, registerClosingRules } from './tickets.closing.ts'
/** The typed events of a ticket's life, for subscribers of other modules. */
export * as ticketEvents from './tickets.events.ts'
export { ticketEventKinds } from './tickets.events.ts'
export { type Contact, intake, type RecordedContact } from './tickets.intake.ts'
export { ticketJobs } from './tickets.jobs.ts'
/** Whether an actor may see a ticket with this team and assignee (the in-memory form of the visibility rule). */
export { canSee, type TicketScope } from './tickets.policy.ts'
/** The promises module keeps a ticket's due time and worst promise state on it (one statement). */
export { CONTENT_LIMIT, setPromiseSummary, type TicketRow } from './tickets.repository.ts'
export { addTicketRule, type TicketRule } from './tickets.rules.ts'
export {
  addInteraction,
  assignTicket,
  closeSolvedTickets,
  createTicket,
  eventOf,
  findVisibleTicketScope,
  getTicketDetail,
  listTickets,
  mergeTicket,
  providePromises,
  returnTicketsToQueue,
  type TicketRef,
  type UploadedFile,
  updateTicket,
} from './tickets.service.ts'
/** The tickets table and their timeline events, for other modules' joins (a customer's or a team's tickets, a ticket's transfers). */
export { ticketEvents as ticketTimeline, tickets } from './tickets.tables.ts'
