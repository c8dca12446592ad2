import {
  AddInteractionInput,
  AssignTicketInput,
  CreateTicketInput,
  IdParams,
  MergeTicketInput,
  TicketDetail,
  TicketPage,
  TicketQuery,
  TicketRefParams,
  UpdateTicketInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { AppError } from '../../platform/errors.ts'
import { ATTACHMENT_LIMIT } from '../../platform/limits.ts'
import * as tickets from './tickets.service.ts'
import { readInteractionUpload } from './tickets.upload.ts'

const tags = ['tickets']
const ref = { params: TicketRefParams }

export const ticketRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/tickets', { schema: { tags, querystring: TicketQuery, response: { 200: TicketPage } } }, (req) =>
    tickets.listTickets(req.ctx, req.query),
  )

  app.post(
    '/tickets',
    { schema: { tags, body: CreateTicketInput, response: { 201: TicketDetail } } },
    async (req, reply) => {
      const { id, detail } = await tickets.createTicket(req.ctx, req.body)
      return reply.code(201).send(detail ?? (await tickets.getTicketDetail(req.ctx, id)))
    },
  )

  app.get('/tickets/:ref', { schema: { tags, ...ref, response: { 200: TicketDetail } } }, (req) =>
    tickets.getTicketDetail(req.ctx, req.params.ref),
  )

  app.patch(
    '/tickets/:ref',
    { schema: { tags, ...ref, body: UpdateTicketInput, response: { 200: TicketDetail } } },
    async (req) =>
      tickets.getTicketDetail(req.ctx, await tickets.updateTicket(req.ctx, req.params.ref, req.body)),
  )

  app.post(
    '/tickets/:ref/assign',
    { schema: { tags, ...ref, body: AssignTicketInput, response: { 200: TicketDetail } } },
    async (req) =>
      tickets.getTicketDetail(req.ctx, await tickets.assignTicket(req.ctx, req.params.ref, req.body), {
        afterOwnCommand: true,
      }),
  )

  app.post(
    '/tickets/:ref/interactions',
    { schema: { tags, ...ref, body: AddInteractionInput, response: { 201: TicketDetail } } },
    async (req, reply) => {
      const { ticketId } = await tickets.addInteraction(req.ctx, req.params.ref, req.body)
      return reply.code(201).send(await tickets.getTicketDetail(req.ctx, ticketId))
    },
  )

  app.post(
    '/tickets/:ref/interactions/upload',
    {
      schema: {
        tags,
        ...ref,
        consumes: ['multipart/form-data'],
        description: `A reply or note with attachments (multipart: fields kind, text, html, status; files up to ${ATTACHMENT_LIMIT / 1024 / 1024} MB each).`,
        response: { 201: TicketDetail },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw new AppError('request.unsupported_media_type', 'Send multipart/form-data.')
      const { input, files } = await readInteractionUpload(req)
      const { ticketId } = await tickets.addInteraction(req.ctx, req.params.ref, input, files)
      return reply.code(201).send(await tickets.getTicketDetail(req.ctx, ticketId))
    },
  )

  app.post(
    '/tickets/:ref/merge',
    { schema: { tags, ...ref, body: MergeTicketInput, response: { 200: TicketDetail } } },
    async (req) =>
      tickets.getTicketDetail(req.ctx, await tickets.mergeTicket(req.ctx, req.params.ref, req.body)),
  )

  app.get('/attachments/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    const { attachment, open } = await tickets.getAttachment(req.ctx, req.params.id)
    return reply
      .type(safeContentType(attachment.contentType))
      .header(
        'content-disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
      )
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('content-length', attachment.size)
      .send(await open())
  })
}

/** Types a browser could run or render as a page are served as plain bytes. */
const safeContentType = (type: string) =>
  /html|svg|xml|javascript|ecmascript|x-sh|pdf/i.test(type) || !/^[\w.+-]+\/[\w.+-]+$/.test(type)
    ? 'application/octet-stream'
    : type
