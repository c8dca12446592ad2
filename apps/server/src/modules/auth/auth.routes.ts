import {
  ApiToken,
  ChangePasswordInput,
  CreatedApiToken,
  CreateSsoProvider,
  CreateTokenInput,
  IdParams,
  Me,
  Passkey,
  PasskeyOptions,
  PasskeySignInInput,
  PasswordConfirmation,
  RecoveryCodes,
  RegisterPasskeyInput,
  SessionInfo,
  SignInInput,
  SignInPolicies,
  SignInResult,
  SsoButton,
  SsoProvider,
  TwoFactorCodeInput,
  TwoFactorEnrolment,
  TwoFactorSignInInput,
  TwoFactorStatus,
  UpdateSignInPolicies,
  UpdateSsoProvider,
} from '@tresen/contract'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { noContent, staffOf } from '../../platform/http.ts'
import type { Storage } from '../../platform/storage.ts'
import { SESSION_COOKIE_PREFIX } from './auth.lib.ts'
import * as passkeys from './auth.passkeys.ts'
import { toWebHeaders } from './auth.plugin.ts'
import * as auth from './auth.service.ts'
import * as settings from './auth.settings.ts'
import * as sso from './auth.sso.ts'
import * as twoFactor from './auth.two-factor.ts'

const tags = ['auth']
const adminTags = ['sign-in settings']

const originOf = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] })
const callerOf = (req: FastifyRequest) => ({
  auth: req.auth!,
  headers: toWebHeaders(req),
  origin: originOf(req),
})
/** Allowed while the caller's role requires two-factor sign-in that is not set up yet. */
const enrolment = { duringEnrolment: true } as const

const previousSessionToken = (req: FastifyRequest) =>
  (
    req.cookies[`${SESSION_COOKIE_PREFIX}.session_token`] ??
    req.cookies[`__Secure-${SESSION_COOKIE_PREFIX}.session_token`]
  )?.split('.')[0]

const withCookies = <T>(reply: FastifyReply, result: { cookies: string[] } & T) => {
  const { cookies, ...rest } = result
  if (cookies.length) reply.header('set-cookie', cookies)
  return rest
}

export const authRoutes: FastifyPluginAsyncZod<{
  deps: auth.AuthDeps
  sso: sso.SsoDeps
  clock: Clock
  storage: Storage
}> = async (app, { deps, sso: ssoDeps, clock, storage }) => {
  app.post(
    '/auth/sign-in',
    {
      config: { public: true },
      schema: {
        tags,
        description:
          'Password sign-in. With two-factor sign-in set up, the answer is `{ twoFactorRequired: true }` and the code goes to `POST /auth/sign-in/two-factor`.',
        body: SignInInput,
        response: { 200: SignInResult },
      },
    },
    async (req, reply) => {
      const result = await auth.signIn(deps, {
        ...req.body,
        ...originOf(req),
        headers: toWebHeaders(req),
        previousSessionToken: previousSessionToken(req),
      })
      reply.header('set-cookie', result.cookies)
      return result.info
    },
  )

  app.post(
    '/auth/sign-in/two-factor',
    {
      config: { public: true },
      schema: {
        tags,
        description:
          'The second step of a sign-in: `{ code }` of the authenticator app or `{ recoveryCode }`.',
        body: TwoFactorSignInInput,
        response: { 200: SessionInfo },
      },
    },
    async (req, reply) => {
      const body = req.body as { code?: string; recoveryCode?: string }
      const result = await auth.signInSecondFactor(deps, {
        code: body.code,
        recoveryCode: body.recoveryCode,
        ...originOf(req),
        headers: toWebHeaders(req),
      })
      reply.header('set-cookie', result.cookies)
      return result.info
    },
  )

  app.post(
    '/auth/passkey/options',
    {
      config: { public: true },
      schema: {
        tags,
        description:
          'Starts a passkey sign-in: WebAuthn options for `navigator.credentials.get` and the challenge (five minutes, once).',
        response: { 200: PasskeyOptions },
      },
    },
    async () => passkeys.startSignIn(deps),
  )
  app.post(
    '/auth/passkey/sign-in',
    {
      config: { public: true },
      schema: {
        tags,
        description:
          'Signs in with a passkey (the answer of `navigator.credentials.get`); no second factor is asked.',
        body: PasskeySignInInput,
        response: { 200: SessionInfo },
      },
    },
    async (req, reply) => {
      const result = await passkeys.signInWithPasskey(deps, {
        ...req.body,
        origin: originOf(req),
        headers: toWebHeaders(req),
        previousSessionToken: previousSessionToken(req),
      })
      reply.header('set-cookie', result.cookies)
      return result.info
    },
  )

  app.post(
    '/auth/sign-out',
    { config: enrolment, schema: { tags, response: { 204: z.null() } } },
    async (req, reply) => {
      reply.header('set-cookie', await auth.signOut(deps, toWebHeaders(req), staffOf(req).id))
      return noContent(reply)
    },
  )

  // Not signed in is an answer here, not an error: the web app asks before it shows sign-in.
  app.get(
    '/auth/session',
    {
      config: { optionalAuth: true, ...enrolment },
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
        twoFactor: await auth.twoFactorOf(deps.db, req.auth.staff, req.auth.signInMethod),
        signInMethod: req.auth.signInMethod as 'password' | 'passkey' | 'sso' | 'token',
      }
    },
  )

  app.get('/me', { config: enrolment, schema: { tags, response: { 200: Me } } }, async (req) =>
    auth.toMe(req.auth!.staff),
  )

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

  // ── two-factor sign-in of the caller ──
  app.get(
    '/me/two-factor',
    { config: enrolment, schema: { tags, response: { 200: TwoFactorStatus } } },
    async (req) => twoFactor.twoFactorStatus(deps, req.auth!),
  )
  app.post(
    '/me/two-factor/enrol',
    {
      config: enrolment,
      schema: {
        tags,
        description:
          'Starts an enrolment (password required): the secret and ten recovery codes, shown once. Confirm with a first code.',
        body: PasswordConfirmation,
        response: { 200: TwoFactorEnrolment },
      },
    },
    async (req) => twoFactor.startEnrolment(deps, callerOf(req), req.body.password),
  )
  app.post(
    '/me/two-factor/confirm',
    {
      config: enrolment,
      schema: {
        tags,
        description: 'Confirms the enrolment with a code; the session cookie is renewed (new CSRF token).',
        body: TwoFactorCodeInput,
        response: { 200: z.object({ csrfToken: z.string().optional() }) },
      },
    },
    async (req, reply) =>
      withCookies(reply, await twoFactor.confirmEnrolment(deps, callerOf(req), req.body.code)),
  )
  app.post(
    '/me/two-factor/disable',
    {
      schema: {
        tags,
        body: PasswordConfirmation,
        response: { 200: z.object({ csrfToken: z.string().optional() }) },
      },
    },
    async (req, reply) =>
      withCookies(reply, await twoFactor.disableTwoFactor(deps, callerOf(req), req.body.password)),
  )
  app.post(
    '/me/two-factor/recovery-codes',
    { schema: { tags, body: PasswordConfirmation, response: { 200: RecoveryCodes } } },
    async (req) => twoFactor.regenerateRecoveryCodes(deps, callerOf(req), req.body.password),
  )

  // ── passkeys of the caller ──
  app.get('/me/passkeys', { schema: { tags, response: { 200: z.array(Passkey) } } }, async (req) =>
    passkeys.listPasskeys(deps, req.auth!),
  )
  app.post(
    '/me/passkeys/options',
    {
      schema: {
        tags,
        description:
          'Starts registering a passkey (password required): WebAuthn options for `navigator.credentials.create`.',
        body: PasswordConfirmation,
        response: { 200: PasskeyOptions },
      },
    },
    async (req) => passkeys.startRegistration(deps, callerOf(req), req.body.password),
  )
  app.post(
    '/me/passkeys',
    { schema: { tags, body: RegisterPasskeyInput, response: { 201: Passkey } } },
    async (req, reply) =>
      reply.code(201).send(await passkeys.finishRegistration(deps, callerOf(req), req.body)),
  )
  app.delete(
    '/me/passkeys/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await passkeys.removePasskey(deps, callerOf(req), req.params.id)
      return noContent(reply)
    },
  )

  // ── personal API tokens ──
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

  // ── single sign-on ──
  app.get(
    '/auth/sso/providers',
    { config: { public: true }, schema: { tags, response: { 200: z.array(SsoButton) } } },
    async () => sso.listSsoButtons(deps.db),
  )
  app.get(
    '/auth/sso/:id/start',
    {
      config: { public: true },
      schema: { tags, description: 'Redirects to the provider to sign in.', params: IdParams },
    },
    async (req, reply) => {
      const { url, cookies } = await sso.startSso(ssoDeps, req.params.id, toWebHeaders(req), req.log)
      if (cookies.length) reply.header('set-cookie', cookies)
      return reply.redirect(url, 302)
    },
  )
  app.get(
    '/auth/sso/callback/:id',
    {
      config: { public: true },
      schema: { tags, description: 'Where the provider sends the browser back to.', params: IdParams },
    },
    async (req, reply) => {
      const request = new Request(`${ssoDeps.publicUrl.replace(/\/$/, '')}${req.url}`, {
        headers: toWebHeaders(req),
      })
      const origin = { ...originOf(req), requestId: req.id }
      const result = await sso.finishSso(
        ssoDeps,
        { clock, storage, log: req.log },
        req.params.id,
        request,
        origin,
        (event) => auth.signInEvent(deps.db, origin, event),
      )
      if (result.cookies.length) reply.header('set-cookie', result.cookies)
      return reply.redirect(result.location, 302)
    },
  )

  // ── administration ──
  app.get(
    '/sign-in-policies',
    { schema: { tags: adminTags, response: { 200: SignInPolicies } } },
    async (req) => settings.getSignInPolicies(req.ctx),
  )
  app.put(
    '/sign-in-policies',
    { schema: { tags: adminTags, body: UpdateSignInPolicies, response: { 200: SignInPolicies } } },
    async (req) => settings.updateSignInPolicies(req.ctx, req.body),
  )
  app.get(
    '/sso-providers',
    { schema: { tags: adminTags, response: { 200: z.array(SsoProvider) } } },
    async (req) => sso.listSsoProviders(req.ctx, ssoDeps),
  )
  app.post(
    '/sso-providers',
    { schema: { tags: adminTags, body: CreateSsoProvider, response: { 201: SsoProvider } } },
    async (req, reply) => reply.code(201).send(await sso.createSsoProvider(req.ctx, ssoDeps, req.body)),
  )
  app.get(
    '/sso-providers/:id',
    { schema: { tags: adminTags, params: IdParams, response: { 200: SsoProvider } } },
    async (req) => sso.getSsoProvider(req.ctx, ssoDeps, req.params.id),
  )
  app.patch(
    '/sso-providers/:id',
    {
      schema: { tags: adminTags, params: IdParams, body: UpdateSsoProvider, response: { 200: SsoProvider } },
    },
    async (req) => sso.updateSsoProvider(req.ctx, ssoDeps, req.params.id, req.body),
  )
  app.delete(
    '/sso-providers/:id',
    { schema: { tags: adminTags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await sso.deleteSsoProvider(req.ctx, req.params.id)
      return noContent(reply)
    },
  )
}
