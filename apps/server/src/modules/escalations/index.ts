/**
 * Bringing in a supervisor: rules raise escalations (a target in warning or breached, complaint
 * words, the n-th transfer, "I need help"), the team's supervisors hear of them at once, one joins
 * within the join promise's target or the admins are told; the supervisor board shows it all.
 */

export { escalationEventKinds } from './escalations.events.ts'
export { escalationRoutes } from './escalations.routes.ts'
export { escalationRules, joinPromiseKind } from './escalations.rules.ts'
export {
  DEFAULT_SETTINGS as defaultEscalationSettings,
  escalationSettingsCache,
  JOIN_KIND,
  raiseEscalation,
} from './escalations.service.ts'
