/** Outbound webhooks: admins subscribe URLs to events; signed deliveries with retries and a log. */

export { type Resolver, systemResolver, type WebhookNet } from './webhooks.net.ts'
export { webhookRoutes } from './webhooks.routes.ts'
export type { WebhooksCtx } from './webhooks.service.ts'
/** The after-commit subscriber (fan-out), the delivery worker and one pass of it. */
export { deliverWebhooksDue, startWebhookWorker, webhookSubscriber } from './webhooks.worker.ts'
