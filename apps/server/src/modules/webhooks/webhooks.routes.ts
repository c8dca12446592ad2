import {
  CreateWebhookInput,
  IdParams,
  page,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryParams,
  WebhookDeliveryQuery,
  WebhookEventOption,
  WebhookWithSecret,
} from '@tresen/contract'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { defaultNet, type WebhookNet } from './webhooks.net.ts'
import * as webhooks from './webhooks.service.ts'

const tags = ['webhooks']

/** Outbound webhooks: subscriptions, their deliveries, resend and test messages (admins). */
export const webhookRoutes: FastifyPluginAsyncZod<{ box: SecretBox; net?: WebhookNet }> = async (
  app,
  opts,
) => {
  const ctx = (req: FastifyRequest): webhooks.WebhooksCtx => ({
    ...req.ctx,
    box: opts.box,
    net: opts.net ?? defaultNet,
  })

  app.get(
    '/webhooks/event-types',
    {
      schema: {
        tags,
        description: 'The event types a webhook can subscribe to.',
        response: { 200: z.array(WebhookEventOption) },
      },
    },
    async (req) => webhooks.listEventTypes(ctx(req)),
  )
  app.get('/webhooks', { schema: { tags, response: { 200: z.array(Webhook) } } }, async (req) =>
    webhooks.listWebhooks(ctx(req)),
  )
  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        description: 'Subscribes a URL. The answer carries the signing secret; it is not shown again.',
        body: CreateWebhookInput,
        response: { 201: WebhookWithSecret },
      },
    },
    async (req, reply) => reply.code(201).send(await webhooks.createWebhook(ctx(req), req.body)),
  )
  app.get('/webhooks/:id', { schema: { tags, params: IdParams, response: { 200: Webhook } } }, async (req) =>
    webhooks.getWebhook(ctx(req), req.params.id),
  )
  app.patch(
    '/webhooks/:id',
    { schema: { tags, params: IdParams, body: UpdateWebhookInput, response: { 200: Webhook } } },
    async (req) => webhooks.updateWebhook(ctx(req), req.params.id, req.body),
  )
  app.delete(
    '/webhooks/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await webhooks.deleteWebhook(ctx(req), req.params.id)
      return noContent(reply)
    },
  )
  app.post(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        description: 'A new signing secret, shown in this answer only; the old one stops working at once.',
        params: IdParams,
        response: { 200: WebhookWithSecret },
      },
    },
    async (req) => webhooks.rotateSecret(ctx(req), req.params.id),
  )
  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: WebhookDeliveryQuery,
        response: { 200: page(WebhookDelivery) },
      },
    },
    async (req) => webhooks.listDeliveries(ctx(req), req.params.id, req.query),
  )
  app.post(
    '/webhooks/:id/deliveries/:deliveryId/resend',
    {
      schema: {
        tags,
        description:
          'Sends the delivery again: same webhook-id and body, due now, with a fresh attempt budget.',
        params: WebhookDeliveryParams,
        response: { 202: WebhookDelivery },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await webhooks.resendDelivery(ctx(req), req.params.id, req.params.deliveryId)),
  )
  app.post(
    '/webhooks/:id/ping',
    {
      schema: {
        tags,
        description: 'Queues a test message of type webhook.ping.',
        params: IdParams,
        response: { 202: WebhookDelivery },
      },
    },
    async (req, reply) => reply.code(202).send(await webhooks.sendPing(ctx(req), req.params.id)),
  )
}
