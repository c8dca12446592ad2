import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Clock } from '../../platform/clock.ts'
import { AppError } from '../../platform/errors.ts'
import {
  AUTH_CHANGED,
  type AuthChange,
  type DeskEvent,
  EventListener,
  localAuthChanges,
} from '../../platform/events.ts'
import { AuthCache } from './auth.cache.ts'
import { type AuthDeps, type Authenticated, authenticate, csrfTokenMatches } from './auth.service.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes that need no signed-in caller (sign-in, health). */
    public?: boolean
    /** Reading routes that also answer a caller without a session (no `req.auth`); a bad token still gets 401. */
    optionalAuth?: boolean
    /** Routes a user may call while their role requires two-factor sign-in they have not set up. */
    duringEnrolment?: boolean
  }
  interface FastifyRequest {
    auth?: Authenticated
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** How long a sign-in is taken from memory before it is checked in the database again. */
export const AUTH_CACHE_TTL_MS = 10_000

export const toWebHeaders = (req: FastifyRequest) => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else headers.set(name, String(value))
  }
  return headers
}

/**
 * Authenticates every /api/v1 route that is not marked public: a Bearer API token or the session
 * cookie. Changing requests made with the cookie must carry the session's CSRF token.
 */
export const authPlugin = fp(
  async (
    app: FastifyInstance,
    opts: {
      deps: AuthDeps
      clock: Clock
      /**
       * With the database's URL, recent sign-ins are cached for AUTH_CACHE_TTL_MS and dropped on
       * every auth change, heard through LISTEN/NOTIFY from all processes; without it, none are.
       */
      databaseUrl?: string
      cache?: AuthCache
    },
  ) => {
    const cache = opts.cache ?? (opts.databaseUrl ? new AuthCache(AUTH_CACHE_TTL_MS) : undefined)
    if (cache && opts.databaseUrl) {
      const listener = new EventListener(opts.databaseUrl, (err) =>
        app.log.warn({ err }, 'auth cache: the event connection failed; reconnecting'),
      )
      listener.on('event', (event: DeskEvent) => {
        if (event.type === AUTH_CHANGED) cache.invalidate((event.data ?? {}) as AuthChange)
      })
      // Changes published while the connection was down were missed: forget everything.
      listener.on('connected', () => cache.invalidate({}))
      const local = (change: AuthChange) => cache.invalidate(change)
      localAuthChanges.on('change', local)
      await listener.start()
      app.addHook('onClose', async () => {
        localAuthChanges.off('change', local)
        await listener.close()
      })
    }
    app.decorateRequest('auth', undefined)
    app.addHook('onRequest', async (req, reply) => {
      if (req.routeOptions.config?.public || !req.url.startsWith('/api/v1/')) return
      const auth = await authenticate(opts.deps, toWebHeaders(req), opts.clock.now(), cache)
      if (!auth) {
        // A token that does not work is the caller's mistake to hear of; no session is not.
        const optional = req.routeOptions.config?.optionalAuth && SAFE_METHODS.has(req.method)
        if (optional && !req.headers.authorization) return
        throw new AppError('auth.unauthenticated')
      }
      if (auth.via === 'session' && !SAFE_METHODS.has(req.method)) {
        const given = req.headers['x-csrf-token']
        if (
          !csrfTokenMatches(
            opts.deps.secret,
            auth.sessionToken!,
            typeof given === 'string' ? given : undefined,
          )
        ) {
          throw new AppError('auth.csrf_failed')
        }
      }
      if (auth.enrolmentRequired && !req.routeOptions.config?.duringEnrolment) {
        throw new AppError('auth.two_factor_enrolment_required')
      }
      if (auth.cookies?.length) reply.header('set-cookie', auth.cookies)
      req.auth = auth
    })
  },
  { name: 'tresen-auth' },
)
