import {
  CreateTextModuleInput,
  IdParams,
  RenderedTextModule,
  RenderTextModuleInput,
  TextModule,
  TextModuleQuery,
  UpdateTextModuleInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { presentTextModule } from './text-modules.presenter.ts'
import * as modules from './text-modules.service.ts'

const tags = ['text-modules']

export const textModuleRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/text-modules',
    { schema: { tags, querystring: TextModuleQuery, response: { 200: z.array(TextModule) } } },
    async (req) =>
      (await modules.listTextModules(req.ctx, req.query)).map((m) => presentTextModule(req.ctx.actor, m)),
  )

  app.get(
    '/text-modules/:id',
    { schema: { tags, params: IdParams, response: { 200: TextModule } } },
    async (req) => presentTextModule(req.ctx.actor, await modules.getTextModule(req.ctx, req.params.id)),
  )

  app.post(
    '/text-modules',
    { schema: { tags, body: CreateTextModuleInput, response: { 201: TextModule } } },
    async (req, reply) =>
      reply
        .code(201)
        .send(presentTextModule(req.ctx.actor, await modules.createTextModule(req.ctx, req.body))),
  )

  app.patch(
    '/text-modules/:id',
    { schema: { tags, params: IdParams, body: UpdateTextModuleInput, response: { 200: TextModule } } },
    async (req) =>
      presentTextModule(req.ctx.actor, await modules.updateTextModule(req.ctx, req.params.id, req.body)),
  )

  app.post(
    '/text-modules/:id/render',
    {
      schema: {
        tags,
        description: 'Fills the module in for a ticket (and counts the use): what the reply editor inserts.',
        params: IdParams,
        body: RenderTextModuleInput,
        response: { 200: RenderedTextModule },
      },
    },
    (req) => modules.renderForTicket(req.ctx, req.params.id, req.body),
  )
}
