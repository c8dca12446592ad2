import { ClosingChecklist, ClosingSettings } from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import * as closing from './closing.service.ts'

const tags = ['closing']

/** The checklist for agents, and the closing settings for admins. */
export const closingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/closing/checklist', { schema: { tags, response: { 200: ClosingChecklist } } }, (req) =>
    closing.getChecklist(req.ctx),
  )

  app.get('/settings/closing', { schema: { tags, response: { 200: ClosingSettings } } }, (req) =>
    closing.getClosingSettings(req.ctx),
  )

  app.put(
    '/settings/closing',
    { schema: { tags, body: ClosingSettings, response: { 200: ClosingSettings } } },
    (req) => closing.updateClosingSettings(req.ctx, req.body),
  )
}
