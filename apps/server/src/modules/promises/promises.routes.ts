import {
  CreateSlaPolicyInput,
  IdParams,
  PausePromisesInput,
  SlaPolicy,
  UpdateSlaPolicyInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import * as policies from './promises.policies.ts'

const tags = ['service promises']

export const promiseRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/sla-policies', { schema: { tags, response: { 200: z.array(SlaPolicy) } } }, async (req) =>
    policies.listSlaPolicies(req.ctx),
  )
  app.get(
    '/sla-policies/:id',
    { schema: { tags, params: IdParams, response: { 200: SlaPolicy } } },
    async (req) => policies.getSlaPolicy(req.ctx, req.params.id),
  )
  app.post(
    '/sla-policies',
    { schema: { tags, body: CreateSlaPolicyInput, response: { 201: SlaPolicy } } },
    async (req, reply) => reply.code(201).send(await policies.createSlaPolicy(req.ctx, req.body)),
  )
  app.patch(
    '/sla-policies/:id',
    { schema: { tags, params: IdParams, body: UpdateSlaPolicyInput, response: { 200: SlaPolicy } } },
    async (req) => policies.updateSlaPolicy(req.ctx, req.params.id, req.body),
  )
  app.delete(
    '/sla-policies/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await policies.deleteSlaPolicy(req.ctx, req.params.id)
      return noContent(reply)
    },
  )
  app.post(
    '/tickets/:id/promises/pause',
    { schema: { tags, params: IdParams, body: PausePromisesInput, response: { 204: z.null() } } },
    async (req, reply) => {
      await policies.pausePromises(req.ctx, req.params.id, req.body)
      return noContent(reply)
    },
  )
  app.post(
    '/tickets/:id/promises/resume',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await policies.resumePromises(req.ctx, req.params.id)
      return noContent(reply)
    },
  )
}
