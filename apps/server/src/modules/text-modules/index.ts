/** Text modules (snippets): personal, team and global replies with variables filled from the ticket. */

export { textModuleRoutes } from './text-modules.routes.ts'
/**
 * Creates a module (team and global ones also as the desk itself); fills a module in for a ticket
 * the actor may see, and counts the use.
 */
export { createTextModule, provideExpectedAnswer, renderForTicket } from './text-modules.service.ts'
export { textModules } from './text-modules.tables.ts'
