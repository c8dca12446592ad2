import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from './clock.ts'
import type { Queryable } from './db.ts'
import type { Storage } from './storage.ts'

export type StaffRole = 'agent' | 'supervisor' | 'admin'

/** Who is acting: a signed-in staff user (with the teams they belong to) or the desk itself. */
export type Actor =
  | {
      kind: 'staff'
      id: string
      role: StaffRole
      /** Teams the user is a member or supervisor of. */
      teamIds: string[]
      /** Teams the user supervises. */
      supervisedTeamIds: string[]
    }
  | { kind: 'system' }

export const SYSTEM: Actor = { kind: 'system' }

/** Everything a command needs, passed explicitly. Inside `inTransaction`, `db` is the transaction. */
export type Ctx = {
  db: Queryable
  actor: Actor
  clock: Clock
  storage: Storage
  log: FastifyBaseLogger
  inTx?: boolean
  /** Where a request came from (for the audit log); absent for the CLI and jobs. */
  origin?: Origin
  /** What the command's changes are made by besides the actor (a macro); carried onto their events. */
  cause?: { type: 'macro'; id: string; name: string }
  /** The desk's public address (TRESEN_PUBLIC_URL), for links sent to customers. */
  publicUrl?: string
}

export type Origin = { ip?: string; userAgent?: string; requestId?: string }

/** Runs `fn` in one transaction (or the caller's, when already in one): all or nothing. */
export const inTransaction = <T>(ctx: Ctx, fn: (ctx: Ctx) => Promise<T>): Promise<T> => {
  if (ctx.inTx) return fn(ctx)
  return (ctx.db as Extract<Queryable, { transaction: unknown }>).transaction((tx) =>
    fn({ ...ctx, db: tx, inTx: true }),
  )
}

export const isAdmin = (actor: Actor) => actor.kind === 'system' || actor.role === 'admin'
