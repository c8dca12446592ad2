import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

export const ticketRoutes: FastifyPluginAsyncZod = async () => {}
