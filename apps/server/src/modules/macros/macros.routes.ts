import {
  ApplyMacroInput,
  CreateMacroInput,
  IdParams,
  Macro,
  MacroQuery,
  TicketDetail,
  UpdateMacroInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { getTicketDetail } from '../tickets/index.ts'
import { presentMacro } from './macros.presenter.ts'
import * as macros from './macros.service.ts'

const tags = ['macros']

export const macroRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/macros',
    { schema: { tags, querystring: MacroQuery, response: { 200: z.array(Macro) } } },
    async (req) => (await macros.listMacros(req.ctx, req.query)).map((m) => presentMacro(req.ctx.actor, m)),
  )

  app.get('/macros/:id', { schema: { tags, params: IdParams, response: { 200: Macro } } }, async (req) =>
    presentMacro(req.ctx.actor, await macros.getMacro(req.ctx, req.params.id)),
  )

  app.post(
    '/macros',
    { schema: { tags, body: CreateMacroInput, response: { 201: Macro } } },
    async (req, reply) =>
      reply.code(201).send(presentMacro(req.ctx.actor, await macros.createMacro(req.ctx, req.body))),
  )

  app.patch(
    '/macros/:id',
    { schema: { tags, params: IdParams, body: UpdateMacroInput, response: { 200: Macro } } },
    async (req) => presentMacro(req.ctx.actor, await macros.updateMacro(req.ctx, req.params.id, req.body)),
  )

  app.post(
    '/macros/:id/apply',
    {
      schema: {
        tags,
        description:
          'Applies every action of the macro to the ticket in one transaction; answers with the ticket.',
        params: IdParams,
        body: ApplyMacroInput,
        response: { 200: TicketDetail },
      },
    },
    async (req) =>
      getTicketDetail(req.ctx, await macros.applyMacro(req.ctx, req.params.id, req.body), {
        afterOwnCommand: true,
      }),
  )
}
