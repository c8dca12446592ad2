import { sql } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Database } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'

const Health = z.object({ status: z.literal('ok') })

/**
 * `/healthz`: the process runs. `/readyz`: it can serve: set-up is done (the first start's admin
 * and demo company are committed), it is not shutting down, and the database answers.
 */
export const healthRoutes: FastifyPluginAsyncZod<{
  database: Database
  notReady?: () => string | null
}> = async (app, { database, notReady }) => {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Health } } },
    async () => ({
      status: 'ok' as const,
    }),
  )
  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Health } } },
    async (req) => {
      const reason = notReady?.()
      if (reason) throw new AppError('internal.unavailable', reason)
      try {
        await database.db.execute(sql`SELECT 1`)
      } catch (err) {
        req.log.warn({ err }, 'database not reachable')
        throw new AppError('internal.unavailable', 'The database is not reachable.')
      }
      return { status: 'ok' as const }
    },
  )
}
