import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

/** The desk's own webhook event types; every domain event kind can be named as well. */
export const WEBHOOK_DESK_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'ticket.solved',
  'message.added',
] as const

/** An event type a subscription names: a desk type above or a domain event kind (dotted lower case). */
export const WebhookEventType = z
  .string()
  .trim()
  .min(3)
  .max(100)
  .regex(/^[a-z]+(\.[a-z_]+)+$/, 'an event type such as ticket.created')

const WebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => URL.canParse(v), 'a full URL such as https://example.com/hooks/tresen')

/** A host name or IP address the desk may deliver to although it resolves to a private address. */
const PrivateHost = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9.:[\]-]+$/, 'a host name or IP address')

export const CreateWebhookInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  url: WebhookUrl,
  events: z.array(WebhookEventType).min(1).max(100),
  active: z.boolean().default(true),
  /**
   * The URL's host, when it is meant to resolve to a private or loopback address (a receiver in
   * the company network). Link-local, multicast and reserved addresses stay refused. Plain http
   * is allowed only for such a host.
   */
  allowPrivateHost: PrivateHost.nullable().default(null),
  /** Attempts before a delivery counts as failed. */
  maxAttempts: z.number().int().min(1).max(12).default(8),
})
export type CreateWebhookInput = z.infer<typeof CreateWebhookInput>

export const UpdateWebhookInput = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  url: WebhookUrl.optional(),
  events: z.array(WebhookEventType).min(1).max(100).optional(),
  active: z.boolean().optional(),
  allowPrivateHost: PrivateHost.nullable().optional(),
  maxAttempts: z.number().int().min(1).max(12).optional(),
})
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookInput>

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'failed'])
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>

/** One try to deliver: what the receiver answered, or why nothing was sent. */
export const WebhookAttempt = z.object({
  number: z.number().int(),
  at: Timestamp,
  statusCode: z.number().int().nullable(),
  /** The start of the response body (at most 2,000 characters). */
  responseBody: z.string().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
})
export type WebhookAttempt = z.infer<typeof WebhookAttempt>

export const WebhookDelivery = z.object({
  /** The idempotency key: the `webhook-id` header, the same on every retry and resend. */
  id: Id,
  subscriptionId: Id,
  type: z.string(),
  eventId: Id.nullable(),
  ticketId: Id.nullable(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: Timestamp.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  deliveredAt: Timestamp.nullable(),
  attemptLog: z.array(WebhookAttempt),
})
export type WebhookDelivery = z.infer<typeof WebhookDelivery>

export const Webhook = z.object({
  id: Id,
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  allowPrivateHost: z.string().nullable(),
  maxAttempts: z.number().int(),
  /** The newest delivery's state, or null before the first. */
  lastDelivery: z
    .object({
      id: Id,
      type: z.string(),
      status: WebhookDeliveryStatus,
      statusCode: z.number().int().nullable(),
      at: Timestamp,
    })
    .nullable(),
  secretRotatedAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Webhook = z.infer<typeof Webhook>

/** A subscription with its signing secret: answered only by create and rotate, never again. */
export const WebhookWithSecret = Webhook.extend({
  /** `whsec_` and the base64 key, as the Standard Webhooks libraries take it. */
  secret: z.string(),
})
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>

/** An event type a subscription can name. */
export const WebhookEventOption = z.object({
  type: z.string(),
  /** 'desk': one of the desk's webhook types; 'domain': a domain event kind as the modules define it. */
  group: z.enum(['desk', 'domain']),
})
export type WebhookEventOption = z.infer<typeof WebhookEventOption>

export const WebhookDeliveryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
})
export type WebhookDeliveryQuery = z.infer<typeof WebhookDeliveryQuery>

export const WebhookDeliveryParams = z.object({ id: Id, deliveryId: Id })
