import { EventEmitter } from 'node:events'
import { type SQL, sql } from 'drizzle-orm'
import pg from 'pg'
import type { Queryable } from './db.ts'

export const EVENTS_CHANNEL = 'tresen_events'

/** A change other server processes and connected clients should hear about. */
export type DeskEvent = {
  type: string
  ticketId?: string
  /** The ticket's team and assignee after the change: who may hear about it. */
  teamId?: string | null
  assigneeId?: string | null
  /** The team and assignee before the change, when they changed (a transfer): they hear it too. */
  previousTeamId?: string | null
  previousAssigneeId?: string | null
  at: string
  data?: Record<string, unknown>
}

/**
 * Publishes through PostgreSQL NOTIFY to every server process (including this one). Inside the
 * caller's transaction an event is delivered only when the change is committed; on the pool
 * (presence, which changes nothing) it is delivered at once.
 */
export const publishEvent = async (db: Queryable, event: DeskEvent) => {
  await db.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`)
}

/**
 * The `pg_notify(…)` call that publishes an event, for a statement that also writes (one round
 * trip instead of two), with the event's JSON as the placeholder `name`; `number` names a column
 * of that statement that becomes `data.number`.
 */
export const notifyPlaceholder = (name: string, number?: SQL) =>
  number
    ? sql`pg_notify(${sql.raw(`'${EVENTS_CHANNEL}'`)}, jsonb_set(${sql.placeholder(name)}::jsonb, '{data,number}', to_jsonb(${number}))::text)`
    : sql`pg_notify(${sql.raw(`'${EVENTS_CHANNEL}'`)}, ${sql.placeholder(name)}::text)`

/** The desk event that tells every process to forget cached sign-ins (see auth.cache.ts). */
export const AUTH_CHANGED = 'auth.changed'
export type AuthChange = { staffId?: string }

/** This process's own listeners hear of an auth change at once, before the commit's NOTIFY. */
export const localAuthChanges = new EventEmitter().setMaxListeners(0)

/**
 * Announces that a staff member's credentials or rights changed (or, without `staffId`, anyone's):
 * this process forgets them now, every process again when the transaction commits.
 */
export const publishAuthChange = async (db: Queryable, change: AuthChange) => {
  localAuthChanges.emit('change', change)
  await publishEvent(db, { type: AUTH_CHANGED, at: new Date().toISOString(), data: change })
}

/** Listens on one dedicated connection and re-emits desk events locally; reconnects when dropped. */
export class EventListener extends EventEmitter {
  private client?: pg.Client
  private closed = false
  private retry?: NodeJS.Timeout

  constructor(
    private readonly url: string,
    private readonly onProblem: (err: Error) => void,
  ) {
    super()
    this.setMaxListeners(0)
  }

  async start() {
    const client = new pg.Client({ connectionString: this.url, application_name: 'tresen-events' })
    client.on('notification', (msg) => {
      if (msg.channel !== EVENTS_CHANNEL || !msg.payload) return
      try {
        this.emit('event', JSON.parse(msg.payload) as DeskEvent)
      } catch (err) {
        this.onProblem(err as Error)
      }
    })
    client.on('error', (err) => {
      this.onProblem(err)
      this.reconnect()
    })
    await client.connect()
    await client.query(`LISTEN ${EVENTS_CHANNEL}`)
    this.client = client
    // Whatever was published while this connection was away is lost: listeners may start afresh.
    this.emit('connected')
  }

  private reconnect() {
    if (this.closed || this.retry) return
    this.client?.end().catch((err: Error) => this.onProblem(err))
    this.client = undefined
    this.retry = setTimeout(() => {
      this.retry = undefined
      this.start().catch((err: Error) => {
        this.onProblem(err)
        this.reconnect()
      })
    }, 1000)
  }

  async close() {
    this.closed = true
    if (this.retry) clearTimeout(this.retry)
    await this.client?.end()
  }
}
