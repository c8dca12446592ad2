import { CreateSavedViewInput, IdParams, SavedView } from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import { presentSavedView } from './views.presenter.ts'
import * as views from './views.service.ts'

const tags = ['views']

export const viewRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/me/views', { schema: { tags, response: { 200: z.array(SavedView) } } }, async (req) =>
    (await views.listSavedViews(req.ctx)).map(presentSavedView),
  )

  app.post(
    '/me/views',
    { schema: { tags, body: CreateSavedViewInput, response: { 201: SavedView } } },
    async (req, reply) =>
      reply.code(201).send(presentSavedView(await views.createSavedView(req.ctx, req.body))),
  )

  app.delete(
    '/me/views/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await views.deleteSavedView(req.ctx, req.params.id)
      return noContent(reply)
    },
  )
}
