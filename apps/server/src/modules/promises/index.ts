/**
 * Service promises: response targets (policies matched per ticket, clocks in business time that
 * pause while the customer is asked), their warnings and breaches, and scheduled actions, all as
 * rows with one due time each, fired exactly once by the sweep.
 */

export { promiseEventKinds } from './promises.events.ts'
export { definePromiseKind, type PromiseKind } from './promises.kinds.ts'
export {
  createSlaPolicy,
  pausePromises,
  resumePromises,
  slaPolicyCache,
  slaSubscriber,
  updateSlaPolicy,
} from './promises.policies.ts'
export type { PromiseRow } from './promises.repository.ts'
export { promiseRoutes } from './promises.routes.ts'
export {
  type ExpectedAnswer,
  expectedAnswerOf,
  firePromisesDue,
  newPromise,
  persist,
  presentPromises,
  type StartInput,
  settlePromises,
  startPromise,
} from './promises.service.ts'
/** The promises table, for other modules' joins (a board's breaches per team). */
export { promises } from './promises.tables.ts'
export { startPromiseSweeper } from './promises.worker.ts'
