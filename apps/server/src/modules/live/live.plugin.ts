import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { WebSocket } from 'ws'
import type { Actor } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { type DeskEvent, EventListener } from '../../platform/events.ts'
import { mayReceive, originAllowed, toMessage } from './live.policy.ts'

export type LiveOptions = {
  /** The database whose desk events are streamed; this process opens one LISTEN connection to it. */
  databaseUrl: string
  /** How often every socket is pinged; a socket that did not answer the previous ping is dropped. */
  pingIntervalMs?: number
  /** How often a socket's credentials are checked again; it is closed when they no longer work. */
  sessionCheckMs?: number
}

type PluginOptions = LiveOptions & {
  publicUrl: string
  /** Who the credentials of an upgrade request belong to now, or undefined when they no longer work. */
  reauthenticate: (credentials: Headers) => Promise<Actor | undefined>
}

export const LIVE_PATH = '/api/v1/live'
export const DEFAULT_PING_INTERVAL_MS = 30_000
export const DEFAULT_SESSION_CHECK_MS = 5 * 60_000
/** WebSocket close code sent when the session or token behind a socket has ended. */
export const CLOSE_SESSION_ENDED = 4401
// A client that cannot keep up with this much unsent data is dropped; it reconnects and reloads.
const MAX_BUFFERED_BYTES = 1024 * 1024

type Client = {
  socket: WebSocket
  actor: Actor
  credentials: Headers
  alive: boolean
  check: NodeJS.Timeout
}

/** Only the header that authenticated the upgrade is kept, to check it again later. */
const credentialsOf = (req: FastifyRequest) => {
  const headers = new Headers()
  if (req.auth?.via === 'token' && req.headers.authorization) {
    headers.set('authorization', req.headers.authorization)
  } else if (req.headers.cookie) headers.set('cookie', req.headers.cookie)
  return headers
}

/**
 * Live updates: `GET /api/v1/live` upgrades to a WebSocket that receives the desk events its staff
 * member may see, as JSON `{ type, ticketId, at, data }`. One LISTEN connection per process feeds
 * every socket of that process, so an event committed by any process reaches every client.
 */
export const livePlugin = fp(
  async (app: FastifyInstance, opts: PluginOptions) => {
    const pingIntervalMs = opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS
    const sessionCheckMs = opts.sessionCheckMs ?? DEFAULT_SESSION_CHECK_MS
    const clients = new Set<Client>()

    const listener = new EventListener(opts.databaseUrl, (err) =>
      app.log.warn({ err }, 'live updates: the event connection failed; reconnecting'),
    )
    listener.on('event', (event: DeskEvent) => {
      let message: string | undefined
      for (const client of clients) {
        if (client.socket.readyState !== client.socket.OPEN || !mayReceive(client.actor, event)) continue
        if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          client.socket.terminate()
          continue
        }
        message ??= JSON.stringify(toMessage(event))
        client.socket.send(message)
      }
    })
    await listener.start()

    const heartbeat = setInterval(() => {
      for (const client of clients) {
        if (client.socket.readyState !== client.socket.OPEN) continue // closing: ws ends it itself
        if (!client.alive) {
          client.socket.terminate()
          continue
        }
        client.alive = false
        client.socket.ping()
      }
    }, pingIntervalMs)
    heartbeat.unref()

    const recheck = async (client: Client) => {
      let actor: Actor | undefined
      try {
        actor = await opts.reauthenticate(client.credentials)
      } catch (err) {
        // The database may be briefly away; the next check decides.
        app.log.warn({ err }, 'live updates: could not check a session again')
        return
      }
      if (actor) client.actor = actor
      else client.socket.close(CLOSE_SESSION_ENDED, 'session ended')
    }

    if (!app.hasDecorator('websocketServer')) {
      // Clients send nothing but pongs and the close frame.
      await app.register(websocket, { options: { maxPayload: 4096 } })
    }

    app.get(
      LIVE_PATH,
      {
        websocket: true,
        schema: { hide: true },
        preHandler: async (req) => {
          if (!req.auth) throw new AppError('auth.unauthenticated')
          if (req.auth.via === 'session' && !originAllowed(req.headers.origin, opts.publicUrl)) {
            throw new AppError('auth.forbidden', 'Live updates accept connections only from the desk itself.')
          }
        },
        // A refused upgrade got its HTTP error; the connection must not stay open after it. (The
        // websocket plugin's own hook for this does not run when authentication fails before it.)
        onResponse: async (req) => {
          if (req.headers.upgrade?.toLowerCase() === 'websocket') req.raw.socket.destroy()
        },
      },
      (socket, req) => {
        const client: Client = {
          socket,
          actor: req.auth!.actor,
          credentials: credentialsOf(req),
          alive: true,
          check: setInterval(() => void recheck(client), sessionCheckMs),
        }
        client.check.unref()
        clients.add(client)
        socket.on('pong', () => {
          client.alive = true
        })
        socket.on('error', (err) => req.log.warn({ err }, 'live updates: socket error'))
        socket.on('close', () => {
          clearInterval(client.check)
          clients.delete(client)
        })
      },
    )

    app.addHook('onClose', async () => {
      clearInterval(heartbeat)
      for (const client of clients) {
        clearInterval(client.check)
        client.socket.terminate()
      }
      clients.clear()
      await listener.close()
    })
  },
  { name: 'tresen-live' },
)
