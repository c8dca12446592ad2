import {
  Escalation,
  EscalationSettings,
  EscalationSettingsView,
  JoinEscalationInput,
  ListEscalationsQuery,
  RequestHelpInput,
  SupervisorBoard,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import * as escalations from './escalations.service.ts'

const tags = ['escalations']
const IdParams = z.object({ id: z.uuid() })

/** Escalations of a ticket, "I need help", joining and resolving, the supervisor board, the rules. */
export const escalationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/tickets/:id/escalations',
    { schema: { tags, params: IdParams, response: { 200: z.array(Escalation) } } },
    (req) => escalations.ticketEscalations(req.ctx, req.params.id),
  )

  app.post(
    '/tickets/:id/escalations',
    { schema: { tags, params: IdParams, body: RequestHelpInput, response: { 201: Escalation } } },
    async (req, reply) =>
      reply.code(201).send(await escalations.requestHelp(req.ctx, req.params.id, req.body.note)),
  )

  app.get(
    '/escalations',
    {
      schema: {
        tags,
        querystring: ListEscalationsQuery,
        response: { 200: z.object({ items: z.array(Escalation) }) },
      },
    },
    (req) => escalations.listEscalations(req.ctx, req.query),
  )

  app.get('/escalations/:id', { schema: { tags, params: IdParams, response: { 200: Escalation } } }, (req) =>
    escalations.getEscalation(req.ctx, req.params.id),
  )

  app.post(
    '/escalations/:id/join',
    { schema: { tags, params: IdParams, body: JoinEscalationInput, response: { 200: Escalation } } },
    (req) => escalations.joinEscalation(req.ctx, req.params.id, req.body),
  )

  app.post(
    '/escalations/:id/resolve',
    { schema: { tags, params: IdParams, response: { 200: Escalation } } },
    (req) => escalations.resolveEscalation(req.ctx, req.params.id),
  )

  app.get('/supervisor/board', { schema: { tags, response: { 200: SupervisorBoard } } }, (req) =>
    escalations.supervisorBoard(req.ctx),
  )

  app.get('/settings/escalations', { schema: { tags, response: { 200: EscalationSettingsView } } }, (req) =>
    escalations.getEscalationSettings(req.ctx),
  )

  app.put(
    '/settings/escalations',
    { schema: { tags, body: EscalationSettings, response: { 200: EscalationSettingsView } } },
    (req) => escalations.updateEscalationSettings(req.ctx, req.body),
  )
}
