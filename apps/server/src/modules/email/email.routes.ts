import {
  ConnectionCheck,
  CreateEmailChannelInput,
  EmailChannel,
  IdParams,
  InboundMessage,
  InboundMessageQuery,
  page,
  UpdateEmailChannelInput,
} from '@tresen/contract'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import * as email from './email.service.ts'

const tags = ['email']

/** Email channels and the record of received mail (admins); retrying a failed reply (agents). */
export const emailRoutes: FastifyPluginAsyncZod<{ box: SecretBox }> = async (app, { box }) => {
  /** The request's context with the box that opens the channels' secrets. */
  const ctx = (req: FastifyRequest): email.EmailCtx => ({ ...req.ctx, box })

  app.get('/email/channels', { schema: { tags, response: { 200: z.array(EmailChannel) } } }, async (req) =>
    email.listChannels(ctx(req)),
  )

  app.post(
    '/email/channels',
    { schema: { tags, body: CreateEmailChannelInput, response: { 201: EmailChannel } } },
    async (req, reply) => reply.code(201).send(await email.createChannel(ctx(req), req.body)),
  )

  app.get(
    '/email/channels/:id',
    { schema: { tags, params: IdParams, response: { 200: EmailChannel } } },
    async (req) => email.getChannel(ctx(req), req.params.id),
  )

  app.patch(
    '/email/channels/:id',
    { schema: { tags, params: IdParams, body: UpdateEmailChannelInput, response: { 200: EmailChannel } } },
    async (req) => email.updateChannel(ctx(req), req.params.id, req.body),
  )

  app.post(
    '/email/channels/:id/check',
    {
      schema: {
        tags,
        params: IdParams,
        description:
          'Signs in to the IMAP and SMTP servers with the stored settings and reports what happened.',
        response: { 200: ConnectionCheck },
      },
    },
    async (req) => email.checkConnection(ctx(req), req.params.id),
  )

  app.get(
    '/email/messages',
    { schema: { tags, querystring: InboundMessageQuery, response: { 200: page(InboundMessage) } } },
    async (req) => email.listMessages(ctx(req), req.query),
  )

  app.get(
    '/email/messages/:id/raw',
    {
      schema: {
        tags,
        params: IdParams,
        description: 'The message as received (message/rfc822), as a download.',
      },
    },
    async (req, reply) => {
      const { stream, row } = await email.rawMessage(ctx(req), req.params.id)
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="message-${row.id}.eml"`)
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('content-length', row.size)
        .send(stream)
    },
  )

  app.post(
    '/email/messages/:id/retry',
    {
      schema: {
        tags,
        params: IdParams,
        response: {
          200: z.object({
            status: z.string(),
            ticketNumber: z.number().int().nullable(),
            reason: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const outcome = await email.retryMessage(ctx(req), req.params.id)
      return {
        status: outcome.status,
        ticketNumber: outcome.status === 'imported' ? outcome.ticketNumber : null,
        reason: outcome.status === 'ignored' || outcome.status === 'failed' ? outcome.reason : null,
      }
    },
  )

  app.post(
    '/email/messages/:id/dismiss',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await email.dismissMessage(ctx(req), req.params.id)
      return noContent(reply)
    },
  )

  app.post(
    '/interactions/:id/delivery/retry',
    {
      schema: {
        tags,
        params: IdParams,
        description: 'Sends a reply whose email delivery failed or bounced once more.',
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await email.retryDelivery(req.ctx, req.params.id)
      return noContent(reply)
    },
  )
}
