/** Macros: several ticket changes applied with one click, each an ordinary event naming the macro. */

export { macroRoutes } from './macros.routes.ts'
/** Creates a macro (admins, a team's supervisors, the desk itself). */
export { createMacro } from './macros.service.ts'
export { macros } from './macros.tables.ts'
