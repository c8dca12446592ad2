/** Text modules (snippets): personal, team and global replies with variables filled from the ticket. */

export { textModuleRoutes } from './text-modules.routes.ts'
/** Fills a module in for a ticket the actor may see, and counts the use. */
export { provideExpectedAnswer, renderForTicket } from './text-modules.service.ts'
export { textModules } from './text-modules.tables.ts'
