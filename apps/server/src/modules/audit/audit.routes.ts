import { Readable } from 'node:stream'
import { AuditExportQuery, AuditPage, AuditQuery } from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { presentAuditRecord } from './audit.presenter.ts'
import * as audit from './audit.service.ts'

const tags = ['audit']

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    { schema: { tags, querystring: AuditQuery, response: { 200: AuditPage } } },
    async (req) => {
      const page = await audit.listAudit(req.ctx, req.query)
      return { ...page, items: page.items.map(presentAuditRecord) }
    },
  )

  app.get(
    '/audit/export.csv',
    {
      schema: {
        tags,
        querystring: AuditExportQuery,
        produces: ['text/csv'],
        description:
          'The filtered log as CSV (UTF-8 with a byte order mark; semicolons with lang=de). Cells a spreadsheet would run as a formula start with an apostrophe.',
      },
    },
    async (req, reply) => {
      const lines = audit.exportAudit(req.ctx, req.query)
      const day = req.ctx.clock.now().toISOString().slice(0, 10)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tresen-audit-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(lines))
    },
  )
}
