import { randomUUID } from 'node:crypto'
import websocket from '@fastify/websocket'
import type { PresenceState } from '@tresen/contract'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { WebSocket } from 'ws'
import type { Clock } from '../../platform/clock.ts'
import type { Actor } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { type DeskEvent, EventListener, publishEvent } from '../../platform/events.ts'
import { findStaffById } from '../staff/index.ts'
import { findVisibleTicketScope, type TicketScope } from '../tickets/index.ts'
import {
  type FrameBudget,
  mayReceive,
  originAllowed,
  PRESENCE,
  parsePresence,
  takeFrame,
  toMessage,
} from './live.policy.ts'

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
  /** The pool (never a transaction): presence checks tickets and publishes at once. */
  db: Queryable
  clock: Clock
}

export const LIVE_PATH = '/api/v1/live'
export const DEFAULT_PING_INTERVAL_MS = 30_000
export const DEFAULT_SESSION_CHECK_MS = 5 * 60_000
/** WebSocket close code sent when the session or token behind a socket has ended. */
export const CLOSE_SESSION_ENDED = 4401
// A client that cannot keep up with this much unsent data is dropped; it reconnects and reloads.
const MAX_BUFFERED_BYTES = 1024 * 1024
// Tickets one connection can be present on at once; announcing more says 'left' for the oldest.
const MAX_PRESENCE_PER_SOCKET = 20

type Client = {
  /** Random per connection: presence names it, so the sender's own socket is skipped. */
  connectionId: string
  socket: WebSocket
  actor: Actor
  credentials: Headers
  alive: boolean
  check: NodeJS.Timeout
  budget: FrameBudget
  /** The staff member's name as presence shows it, read from the database once. */
  name?: string
  /** Tickets this connection said it is viewing or typing on, with who may see them. */
  presence: Map<string, TicketScope>
  /** Presence messages are handled one after another, so 'viewing' cannot overtake 'left'. */
  queue: Promise<void>
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
 * Clients may send presence frames (`{ type: 'presence', ticketId, state }`); the others who may
 * see that ticket receive them as events of type 'presence', on every process.
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
        if (client.socket.readyState !== client.socket.OPEN) continue
        if (!mayReceive(client.actor, event, client.connectionId)) continue
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
      if (actor) {
        client.actor = actor
        client.name = undefined // read again, should it have changed
      } else client.socket.close(CLOSE_SESSION_ENDED, 'session ended')
    }

    /**
     * Presence goes to every process at once: NOTIFY on the pool, outside any transaction, as a
     * desk event of type 'presence' with the ticket's scope, so each process forwards it to the
     * sockets whose user may see the ticket, like any other event.
     */
    const publishPresence = async (
      client: Client,
      ticketId: string,
      scope: TicketScope,
      state: PresenceState,
    ) => {
      if (client.actor.kind !== 'staff') return
      client.name ??= (await findStaffById(opts.db, client.actor.id))?.name ?? ''
      await publishEvent(opts.db, {
        type: PRESENCE,
        ticketId,
        teamId: scope.teamId,
        assigneeId: scope.assigneeId,
        at: opts.clock.now().toISOString(),
        data: { staff: { id: client.actor.id, name: client.name }, state, connectionId: client.connectionId },
      })
    }

    const onPresence = async (client: Client, ticketId: string, state: PresenceState) => {
      const scope = await findVisibleTicketScope({ db: opts.db, actor: client.actor }, ticketId)
      if (!scope) return // hidden or missing: nobody hears about it
      const ticketScope = { teamId: scope.teamId, assigneeId: scope.assigneeId }
      client.presence.delete(ticketId)
      if (state !== 'left') {
        client.presence.set(ticketId, ticketScope)
        if (client.presence.size > MAX_PRESENCE_PER_SOCKET) {
          const [oldestId, oldestScope] = client.presence.entries().next().value!
          client.presence.delete(oldestId)
          await publishPresence(client, oldestId, oldestScope, 'left')
        }
      }
      await publishPresence(client, ticketId, ticketScope, state)
    }

    /** Says 'left' for every ticket the connection was still present on. */
    const leaveAll = async (client: Client) => {
      const present = [...client.presence]
      client.presence.clear()
      for (const [ticketId, scope] of present) await publishPresence(client, ticketId, scope, 'left')
    }

    const enqueue = (client: Client, log: FastifyInstance['log'], task: () => Promise<void>) => {
      client.queue = client.queue.then(task).catch((err: Error) => {
        // The database may be briefly away; presence is best effort and the socket stays open.
        log.warn({ err }, 'live updates: could not publish presence')
      })
    }

    if (!app.hasDecorator('websocketServer')) {
      // Clients send pongs, presence frames (about 100 bytes) and the close frame.
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
          connectionId: randomUUID(),
          socket,
          actor: req.auth!.actor,
          credentials: credentialsOf(req),
          alive: true,
          check: setInterval(() => void recheck(client), sessionCheckMs),
          budget: { windowStart: Date.now(), used: 0 },
          presence: new Map(),
          queue: Promise.resolve(),
        }
        client.check.unref()
        clients.add(client)
        socket.on('pong', () => {
          client.alive = true
        })
        // Anything but a valid presence frame within the rate limit is ignored; the socket stays open.
        socket.on('message', (data, isBinary) => {
          if (!clients.has(client) || !takeFrame(client.budget, Date.now()) || isBinary) return
          const input = parsePresence(String(data))
          if (input) enqueue(client, req.log, () => onPresence(client, input.ticketId, input.state))
        })
        socket.on('error', (err) => req.log.warn({ err }, 'live updates: socket error'))
        socket.on('close', () => {
          clearInterval(client.check)
          if (clients.delete(client)) enqueue(client, req.log, () => leaveAll(client))
        })
      },
    )

    app.addHook('onClose', async () => {
      clearInterval(heartbeat)
      const closing = [...clients]
      clients.clear()
      // Other processes' clients hear that this process's people left before it goes away.
      for (const client of closing) {
        clearInterval(client.check)
        enqueue(client, app.log, () => leaveAll(client))
      }
      await Promise.all(closing.map((client) => client.queue))
      for (const client of closing) client.socket.terminate()
      await listener.close()
    })
  },
  { name: 'tresen-live' },
)
