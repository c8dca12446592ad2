import cookie from '@fastify/cookie'
import multipart from '@fastify/multipart'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import { v7 as uuidv7 } from 'uuid'
import { type Config, DEFAULT_WEB_DIR } from './config.ts'
import { wireDesk } from './desk.ts'
import { auditRoutes } from './modules/audit/index.ts'
import { createAuthLib } from './modules/auth/auth.lib.ts'
import { authPlugin } from './modules/auth/auth.plugin.ts'
import { authRoutes } from './modules/auth/auth.routes.ts'
import { authenticate } from './modules/auth/auth.service.ts'
import { calendarRoutes } from './modules/calendars/index.ts'
import { closingPublicRoutes, closingRoutes } from './modules/closing/index.ts'
import { customerRoutes } from './modules/customers/customers.routes.ts'
import { emailRoutes } from './modules/email/index.ts'
import { escalationRoutes } from './modules/escalations/index.ts'
import { fieldRoutes } from './modules/fields/index.ts'
import { healthRoutes } from './modules/health/health.routes.ts'
import { type LiveOptions, livePlugin } from './modules/live/index.ts'
import { macroRoutes } from './modules/macros/index.ts'
import { promiseRoutes } from './modules/promises/index.ts'
import { staffRoutes } from './modules/staff/staff.routes.ts'
import { teamRoutes } from './modules/teams/teams.routes.ts'
import { textModuleRoutes } from './modules/text-modules/index.ts'
import { ticketRoutes } from './modules/tickets/tickets.routes.ts'
import { viewRoutes } from './modules/views/views.routes.ts'
import { webhookRoutes } from './modules/webhooks/index.ts'
import { type Clock, systemClock } from './platform/clock.ts'
import type { Database } from './platform/db.ts'
import { AppError } from './platform/errors.ts'
import { installErrorHandling } from './platform/http-errors.ts'
import { ATTACHMENT_LIMIT, BODY_LIMIT } from './platform/limits.ts'
import { createSecretBox } from './platform/secret-box.ts'
import type { Storage } from './platform/storage.ts'
import { webAppBuilt, webAppFallback, webAppPlugin } from './platform/web-app.ts'

export type AppDeps = {
  /** Without `webDir`, the web app is looked for in apps/web/dist of this checkout. */
  config: Pick<Config, 'publicUrl' | 'logLevel'> & Partial<Pick<Config, 'trustProxy' | 'webDir'>>
  database: Database
  sessionSecret: string
  storage: Storage
  clock?: Clock
  /** Live updates over WebSocket (`/api/v1/live`); without it the route does not exist. */
  live?: LiveOptions
  /** `false` for no logs; otherwise JSON logs at the configured level, to stdout or `logStream`. */
  logger?: false
  logStream?: NodeJS.WritableStream
  /** Why the process is not ready yet (first-start set-up running, shutting down), or null. */
  notReady?: () => string | null
}

/** Builds the HTTP application without listening: tests inject requests or listen on a free port. */
export const buildApp = async (deps: AppDeps) => {
  const clock = deps.clock ?? systemClock
  const app = Fastify({
    logger: deps.logger ?? {
      level: deps.config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => uuidv7(),
    trustProxy: parseTrustProxy(deps.config.trustProxy ?? 'false'),
  }).withTypeProvider<ZodTypeProvider>()

  // Event kinds, subscribers and channels of every module, checked once per process.
  wireDesk()
  const webDir = deps.config.webDir ?? DEFAULT_WEB_DIR
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // The web app is looked for once: its files become routes, and page navigations fall back to it.
  installErrorHandling(app, webAppBuilt(webDir) ? { notFound: webAppFallback(webDir) } : {})
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id)
    reply.header('x-content-type-options', 'nosniff')
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tresen API',
        version: '1',
        description:
          'REST API of the Tresen service desk. Authenticate with `Authorization: Bearer <personal API token>` or the session cookie from `POST /api/v1/auth/sign-in` (then send `x-csrf-token` with changing requests). Errors are `application/problem+json` (RFC 9457).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'tresen.session_token' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  )

  await app.register(cookie)
  await app.register(multipart, {
    limits: { fileSize: ATTACHMENT_LIMIT, files: 10, fields: 20, fieldSize: 512 * 1024, parts: 40 },
  })

  const authLib = createAuthLib({
    db: deps.database.db,
    secret: deps.sessionSecret,
    publicUrl: deps.config.publicUrl,
  })
  const authDeps = { lib: authLib, db: deps.database.db, secret: deps.sessionSecret }
  // Recent sign-ins are cached where changes can be heard from every process (live updates on).
  await app.register(authPlugin, { deps: authDeps, clock, databaseUrl: deps.live?.databaseUrl })
  app.decorateRequest('ctx', {
    getter() {
      if (!this.auth) throw new AppError('auth.unauthenticated')
      return {
        db: deps.database.db,
        actor: this.auth.actor,
        clock,
        storage: deps.storage,
        log: this.log,
        origin: { ip: this.ip, userAgent: this.headers['user-agent'], requestId: this.id },
        publicUrl: deps.config.publicUrl,
      }
    },
  })

  await app.register(healthRoutes, { database: deps.database, notReady: deps.notReady })
  if (deps.live) {
    await app.register(livePlugin, {
      ...deps.live,
      publicUrl: deps.config.publicUrl,
      db: deps.database.db,
      clock,
      reauthenticate: async (headers) => (await authenticate(authDeps, headers, clock.now()))?.actor,
    })
  }
  await app.register(
    async (api) => {
      await api.register(authRoutes, {
        deps: authDeps,
        sso: {
          db: deps.database.db,
          secret: deps.sessionSecret,
          publicUrl: deps.config.publicUrl,
          box: createSecretBox(deps.sessionSecret),
        },
        clock,
        storage: deps.storage,
      })
      await api.register(auditRoutes)
      await api.register(staffRoutes)
      await api.register(teamRoutes)
      await api.register(customerRoutes)
      await api.register(ticketRoutes)
      await api.register(viewRoutes)
      await api.register(textModuleRoutes)
      await api.register(macroRoutes)
      await api.register(fieldRoutes)
      await api.register(calendarRoutes)
      await api.register(closingRoutes)
      await api.register(promiseRoutes)
      await api.register(escalationRoutes)
      await api.register(emailRoutes, { box: createSecretBox(deps.sessionSecret) })
      await api.register(webhookRoutes, { box: createSecretBox(deps.sessionSecret) })
    },
    { prefix: '/api/v1' },
  )
  // The customer's follow-up links: public pages outside the API.
  await app.register(closingPublicRoutes, {
    db: deps.database.db,
    clock,
    storage: deps.storage,
    publicUrl: deps.config.publicUrl,
  })
  await app.register(webAppPlugin, { dir: webDir })
  return app
}

/** TRESEN_TRUST_PROXY as Fastify takes it: a boolean or a list of proxy addresses. */
const parseTrustProxy = (value: string): boolean | string[] => {
  if (value === 'true') return true
  if (value === 'false') return false
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
}

export type App = Awaited<ReturnType<typeof buildApp>>
