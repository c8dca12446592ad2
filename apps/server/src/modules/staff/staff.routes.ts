import {
  CreatedStaffUser,
  CreateStaffInput,
  IdParams,
  ListStaffQuery,
  Me,
  StaffUser,
  UpdateProfileInput,
  UpdateStaffInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import { presentMe, presentStaff } from './staff.presenter.ts'
import * as staff from './staff.service.ts'

const tags = ['staff']

export const staffRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/users',
    { schema: { tags, querystring: ListStaffQuery, response: { 200: z.array(StaffUser) } } },
    async (req) => (await staff.listStaff(req.ctx, req.query)).map(presentStaff),
  )

  app.get('/users/:id', { schema: { tags, params: IdParams, response: { 200: StaffUser } } }, async (req) =>
    presentStaff(await staff.getStaff(req.ctx, req.params.id)),
  )

  app.post(
    '/users',
    { schema: { tags, body: CreateStaffInput, response: { 201: CreatedStaffUser } } },
    async (req, reply) => {
      const created = await staff.createStaff(req.ctx, req.body)
      return reply.code(201).send({ ...presentStaff(created), generatedPassword: created.generatedPassword })
    },
  )

  app.patch(
    '/users/:id',
    { schema: { tags, params: IdParams, body: UpdateStaffInput, response: { 200: StaffUser } } },
    async (req) => presentStaff(await staff.updateStaff(req.ctx, req.params.id, req.body)),
  )

  app.delete(
    '/users/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await staff.deactivateStaff(req.ctx, req.params.id)
      return noContent(reply)
    },
  )

  app.patch('/me', { schema: { tags, body: UpdateProfileInput, response: { 200: Me } } }, async (req) =>
    presentMe(await staff.updateProfile(req.ctx, req.body)),
  )
}
