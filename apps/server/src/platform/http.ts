import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Ctx } from './context.ts'
import { AppError } from './errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The command context of this request: its caller, the database, the clock. */
    ctx: Ctx
  }
}

/** The signed-in staff actor of a request (every non-public /api/v1 route has one). */
export const staffOf = (req: FastifyRequest) => {
  // The context's getter refuses a request nobody signed in to.
  const actor = req.ctx.actor
  if (actor.kind !== 'staff') throw new AppError('auth.unauthenticated')
  return actor
}

export const requireAdmin = (req: FastifyRequest) => {
  const actor = staffOf(req)
  if (actor.role !== 'admin') throw new AppError('auth.forbidden')
  return actor
}

export const noContent = (reply: FastifyReply) => reply.code(204).send()
