import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

export const staffRoutes: FastifyPluginAsyncZod = async () => {}
