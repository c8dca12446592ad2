/** Outbound webhooks: admins subscribe URLs to events; signed deliveries with retries and a log. */

/** Each process's cache of what active subscriptions want (no fan-out rows while none does). */
export { typesForKind, WebhookInterest, webhookInterest } from './webhooks.interest.ts'
/** The nightly retention of the delivery log, and one run of it. */
export { purgeWebhookDeliveries, WEBHOOK_RETENTION_DAYS, webhookRetentionJob } from './webhooks.jobs.ts'
export { type Resolver, systemResolver, type WebhookNet } from './webhooks.net.ts'
export { webhookRoutes } from './webhooks.routes.ts'
export type { WebhooksCtx } from './webhooks.service.ts'
/** The after-commit subscriber (fan-out), the delivery worker and one pass of it. */
export { deliverWebhooksDue, startWebhookWorker, webhookSubscriber } from './webhooks.worker.ts'
