import {
  Calendar,
  CalendarPreview,
  CalendarPreviewQuery,
  CalendarRegions,
  CalendarRegionsQuery,
  CreateCalendarInput,
  IdParams,
  UpdateCalendarInput,
} from '@tresen/contract'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import type { HolidayLanguage } from './calendars.math.ts'
import { authorize } from './calendars.policy.ts'
import { presentCalendar } from './calendars.presenter.ts'
import { holidayRegions } from './calendars.regions.ts'
import * as calendars from './calendars.service.ts'

const tags = ['calendars']

const language = (req: FastifyRequest): HolidayLanguage =>
  /^de\b/i.test(String(req.headers['accept-language'] ?? '')) ? 'de' : 'en'

/** Business-hours calendars: staff read them, admins write them. */
export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/calendars', { schema: { tags, response: { 200: z.array(Calendar) } } }, async (req) =>
    (await calendars.listCalendars(req.ctx)).map((c) => presentCalendar(c.row, c.usedBy)),
  )

  app.get(
    '/calendars/regions',
    {
      schema: {
        tags,
        description: 'Countries with public holidays; with `country`, its states and their regions.',
        querystring: CalendarRegionsQuery,
        response: { 200: CalendarRegions },
      },
    },
    async (req) => {
      authorize(req.ctx.actor, 'calendar.read')
      return holidayRegions(language(req), req.query.country)
    },
  )

  app.get(
    '/calendars/:id',
    { schema: { tags, params: IdParams, response: { 200: Calendar } } },
    async (req) => {
      const c = await calendars.getCalendar(req.ctx, req.params.id)
      return presentCalendar(c.row, c.usedBy)
    },
  )

  app.get(
    '/calendars/:id/preview',
    {
      schema: {
        tags,
        description:
          'The plan of the next days: frames, holidays (named in the request’s language), exceptions.',
        params: IdParams,
        querystring: CalendarPreviewQuery,
        response: { 200: CalendarPreview },
      },
    },
    async (req) => calendars.previewCalendar(req.ctx, req.params.id, req.query, language(req)),
  )

  app.post(
    '/calendars',
    { schema: { tags, body: CreateCalendarInput, response: { 201: Calendar } } },
    async (req, reply) => {
      const c = await calendars.createCalendar(req.ctx, req.body)
      return reply.code(201).send(presentCalendar(c.row, c.usedBy))
    },
  )

  app.patch(
    '/calendars/:id',
    { schema: { tags, params: IdParams, body: UpdateCalendarInput, response: { 200: Calendar } } },
    async (req) => {
      const c = await calendars.updateCalendar(req.ctx, req.params.id, req.body)
      return presentCalendar(c.row, c.usedBy)
    },
  )

  app.delete(
    '/calendars/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await calendars.deleteCalendar(req.ctx, req.params.id)
      return noContent(reply)
    },
  )
}
