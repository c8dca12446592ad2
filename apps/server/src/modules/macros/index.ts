/** Macros: several ticket changes applied with one click, each an ordinary event naming the macro. */

export { macroRoutes } from './macros.routes.ts'
export { macros } from './macros.tables.ts'
