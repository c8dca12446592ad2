import type { Language } from '@tresen/contract'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../../platform/clock.ts'
import { type Ctx, SYSTEM } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import type { Storage } from '../../platform/storage.ts'
import { answerFollowUp, viewFollowUp } from './closing.service.ts'
import { followUpPage, type PageState } from './closing.texts.ts'

export type PublicDeps = { db: Queryable; clock: Clock; storage: Storage; publicUrl: string }

const STATUS: Record<PageState, number> = {
  valid: 200,
  recorded: 200,
  used: 409,
  expired: 410,
  unknown: 404,
  bad_answer: 400,
}

/** A reader without a known link: the browser's language, German unless it prefers English. */
const browserLanguage = (req: FastifyRequest): Language =>
  /^\s*en\b/i.test(req.headers['accept-language'] ?? '') ? 'en' : 'de'

const send = (
  reply: FastifyReply,
  page: { language: Language; state: PageState; token?: string; number?: number; answer?: 'yes' | 'no' },
) =>
  reply
    .code(STATUS[page.state])
    .type('text/html; charset=utf-8')
    // The token is in the address: no referrer, no caching, no indexing, nothing run, no frames.
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .header('x-frame-options', 'DENY')
    .send(followUpPage(page))

const answerOf = (value: unknown) => (value === 'yes' || value === 'no' ? value : undefined)

/**
 * The customer's follow-up links, without sign-in: GET shows the question with a button per
 * answer (no script), only the POST of a button records. Outside /api/v1, so no staff auth.
 */
export const closingPublicRoutes: FastifyPluginAsync<PublicDeps> = async (app, deps) => {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 2048 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )
  const ctxOf = (req: FastifyRequest): Ctx => ({
    db: deps.db,
    actor: SYSTEM,
    clock: deps.clock,
    storage: deps.storage,
    log: req.log,
    publicUrl: deps.publicUrl,
  })

  app.get<{ Params: { token: string }; Querystring: { answer?: string } }>(
    '/follow-up/:token',
    async (req, reply) => {
      const view = await viewFollowUp(ctxOf(req), req.params.token)
      if (view.state === 'unknown') return send(reply, { language: browserLanguage(req), state: 'unknown' })
      const answer = answerOf(req.query.answer)
      return send(reply, {
        language: view.language,
        state: view.state,
        token: req.params.token,
        number: view.number,
        ...(answer ? { answer } : {}),
      })
    },
  )

  app.post<{ Params: { token: string }; Body: Record<string, unknown> | undefined }>(
    '/follow-up/:token',
    async (req, reply) => {
      const answer = answerOf(req.body?.answer)
      if (!answer) {
        const view = await viewFollowUp(ctxOf(req), req.params.token)
        const language = view.state === 'unknown' ? browserLanguage(req) : view.language
        return send(reply, { language, state: view.state === 'valid' ? 'bad_answer' : view.state })
      }
      const done = await answerFollowUp(ctxOf(req), req.params.token, answer)
      if (done.state === 'unknown') return send(reply, { language: browserLanguage(req), state: 'unknown' })
      return send(reply, {
        language: done.language,
        state: done.state,
        number: done.number,
        ...('answer' in done ? { answer: done.answer } : {}),
      })
    },
  )
}
