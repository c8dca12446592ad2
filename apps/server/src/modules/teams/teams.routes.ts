import {
  CreateTeamInput,
  IdParams,
  SetTeamMemberInput,
  Team,
  TeamMemberParams,
  UpdateTeamInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import { presentTeam } from './teams.presenter.ts'
import * as teams from './teams.service.ts'

const tags = ['teams']

export const teamRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/teams', { schema: { tags, response: { 200: z.array(Team) } } }, async (req) =>
    (await teams.listTeams(req.ctx)).map(presentTeam),
  )

  app.get('/teams/:id', { schema: { tags, params: IdParams, response: { 200: Team } } }, async (req) =>
    presentTeam(await teams.getTeam(req.ctx, req.params.id)),
  )

  app.post(
    '/teams',
    { schema: { tags, body: CreateTeamInput, response: { 201: Team } } },
    async (req, reply) => reply.code(201).send(presentTeam(await teams.createTeam(req.ctx, req.body))),
  )

  app.patch(
    '/teams/:id',
    { schema: { tags, params: IdParams, body: UpdateTeamInput, response: { 200: Team } } },
    async (req) => presentTeam(await teams.updateTeam(req.ctx, req.params.id, req.body)),
  )

  app.delete(
    '/teams/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await teams.archiveTeam(req.ctx, req.params.id)
      return noContent(reply)
    },
  )

  app.put(
    '/teams/:id/members/:staffId',
    { schema: { tags, params: TeamMemberParams, body: SetTeamMemberInput, response: { 200: Team } } },
    async (req) =>
      presentTeam(await teams.addMember(req.ctx, req.params.id, req.params.staffId, req.body.role)),
  )

  app.delete(
    '/teams/:id/members/:staffId',
    { schema: { tags, params: TeamMemberParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await teams.removeMember(req.ctx, req.params.id, req.params.staffId)
      return noContent(reply)
    },
  )
}
