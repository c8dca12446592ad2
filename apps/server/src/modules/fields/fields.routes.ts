import {
  CreateTicketFieldInput,
  IdParams,
  ReorderTicketFieldsInput,
  TicketField,
  TicketFieldQuery,
  UpdateTicketFieldInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { presentField } from './fields.presenter.ts'
import * as fields from './fields.service.ts'

const tags = ['ticket fields']

export const fieldRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/ticket-fields',
    { schema: { tags, querystring: TicketFieldQuery, response: { 200: z.array(TicketField) } } },
    async (req) => (await fields.listFields(req.ctx, { archived: req.query.archived })).map(presentField),
  )

  app.get(
    '/ticket-fields/:id',
    { schema: { tags, params: IdParams, response: { 200: TicketField } } },
    async (req) => presentField(await fields.getField(req.ctx, req.params.id)),
  )

  app.post(
    '/ticket-fields',
    { schema: { tags, body: CreateTicketFieldInput, response: { 201: TicketField } } },
    async (req, reply) => reply.code(201).send(presentField(await fields.createField(req.ctx, req.body))),
  )

  app.patch(
    '/ticket-fields/:id',
    { schema: { tags, params: IdParams, body: UpdateTicketFieldInput, response: { 200: TicketField } } },
    async (req) => presentField(await fields.updateField(req.ctx, req.params.id, req.body)),
  )

  app.put(
    '/ticket-fields/order',
    { schema: { tags, body: ReorderTicketFieldsInput, response: { 200: z.array(TicketField) } } },
    async (req) => (await fields.reorderFields(req.ctx, req.body)).map(presentField),
  )
}
