import {
  ApiToken,
  ChangePasswordInput,
  CreatedApiToken,
  CreateTokenInput,
  IdParams,
  Me,
  SessionInfo,
  SignInInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent, staffOf } from '../../platform/http.ts'
import { SESSION_COOKIE_PREFIX } from './auth.lib.ts'
import { toWebHeaders } from './auth.plugin.ts'
import * as auth from './auth.service.ts'

const tags = ['auth']

export const authRoutes: FastifyPluginAsyncZod<{ deps: auth.AuthDeps }> = async (app, { deps }) => {
  app.post(
    '/auth/sign-in',
    { config: { public: true }, schema: { tags, body: SignInInput, response: { 200: SessionInfo } } },
    async (req, reply) => {
      const result = await auth.signIn(deps, {
        ...req.body,
        ip: req.ip,
        headers: toWebHeaders(req),
        previousSessionToken: (
          req.cookies[`${SESSION_COOKIE_PREFIX}.session_token`] ??
          req.cookies[`__Secure-${SESSION_COOKIE_PREFIX}.session_token`]
        )?.split('.')[0],
      })
      reply.header('set-cookie', result.cookies)
      return result.info
    },
  )

  app.post('/auth/sign-out', { schema: { tags, response: { 204: z.null() } } }, async (req, reply) => {
    reply.header('set-cookie', await auth.signOut(deps, toWebHeaders(req), staffOf(req).id))
    return noContent(reply)
  })

  // Not signed in is an answer here, not an error: the web app asks before it shows sign-in.
  app.get(
    '/auth/session',
    {
      config: { optionalAuth: true },
      schema: {
        tags,
        description: "The caller's session; 204 when the request carries no valid session or token.",
        response: { 200: SessionInfo, 204: z.null() },
      },
    },
    async (req, reply) => {
      if (!req.auth) return noContent(reply)
      return {
        user: auth.toMe(req.auth.staff),
        csrfToken: req.auth.sessionToken ? auth.csrfTokenFor(deps.secret, req.auth.sessionToken) : '',
      }
    },
  )

  app.get('/me', { schema: { tags, response: { 200: Me } } }, async (req) => auth.toMe(req.auth!.staff))

  app.post(
    '/me/password',
    {
      schema: {
        tags,
        body: ChangePasswordInput,
        response: { 200: z.object({ csrfToken: z.string().optional() }) },
      },
    },
    async (req, reply) => {
      const result = await auth.changePassword(deps, toWebHeaders(req), req.body, staffOf(req).id)
      reply.header('set-cookie', result.cookies)
      return { csrfToken: result.csrfToken }
    },
  )

  app.get('/me/tokens', { schema: { tags, response: { 200: z.array(ApiToken) } } }, async (req) =>
    auth.listApiTokens(req.ctx, staffOf(req).id),
  )
  app.post(
    '/me/tokens',
    { schema: { tags, body: CreateTokenInput, response: { 201: CreatedApiToken } } },
    async (req, reply) =>
      reply.code(201).send(await auth.createApiToken(req.ctx, staffOf(req).id, req.body.name)),
  )
  app.delete(
    '/me/tokens/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await auth.revokeApiToken(req.ctx, staffOf(req).id, req.params.id)
      return noContent(reply)
    },
  )
}
