import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { AppError, ERRORS, type ErrorCode, type FieldProblem } from './errors.ts'

const TYPE_BASE = 'https://tresen.dev/problems/'

const pickLanguage = (req: FastifyRequest): 'de' | 'en' =>
  /^de\b/i.test(String(req.headers['accept-language'] ?? '')) ? 'de' : 'en'

export const sendProblem = (req: FastifyRequest, reply: FastifyReply, err: AppError) => {
  const entry = ERRORS[err.code]
  const lang = pickLanguage(req)
  return reply
    .code(err.status)
    .type('application/problem+json')
    .send({
      type: `${TYPE_BASE}${err.code.replace('.', '/')}`,
      code: err.code,
      title: entry[lang],
      status: err.status,
      // 5xx details stay in the log, except why the service is not ready (our own words, no internals).
      ...(err.detail && (err.status < 500 || err.code === 'internal.unavailable')
        ? { detail: err.detail }
        : {}),
      instance: req.url,
      requestId: req.id,
      ...(err.errors ? { errors: err.errors } : {}),
      ...(err.params ? { params: err.params } : {}),
    })
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.invalid',
  FST_ERR_CTP_INVALID_TYPE: 'request.unsupported_media_type',
  FST_REQ_FILE_TOO_LARGE: 'attachment.too_large',
  FST_FILES_LIMIT: 'request.too_large',
  FST_PARTS_LIMIT: 'request.too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'request.unsupported_media_type',
  FST_ERR_VALIDATION: 'request.invalid',
}

const toPointer = (path: ReadonlyArray<PropertyKey>, where: string) =>
  `/${[where, ...path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1'))].join('/')}`

/** Answers a request no route matched, or returns false to leave it to the problem+json 404. */
export type NotFoundFallback = (req: FastifyRequest, reply: FastifyReply) => Promise<boolean>

/** Maps every error to application/problem+json (RFC 9457); 5xx details are logged, never shown. */
export const installErrorHandling = (app: FastifyInstance, opts: { notFound?: NotFoundFallback } = {}) => {
  app.setErrorHandler((error: FastifyError | AppError, req, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) req.log.error({ err: error }, 'request failed')
      return sendProblem(req, reply, error)
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body'
      const errors: FieldProblem[] = error.validation.map((v) => ({
        pointer: toPointer(v.instancePath.split('/').filter(Boolean), where),
        detail: v.message ?? 'is invalid',
      }))
      return sendProblem(req, reply, new AppError('request.invalid', `The ${where} is invalid.`, errors))
    }
    if (isResponseSerializationError(error)) {
      req.log.error({ err: error, issues: error.cause?.issues }, 'response did not match its schema')
      return sendProblem(req, reply, new AppError('internal.error'))
    }
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return sendProblem(req, reply, new AppError('request.invalid', 'The body is not valid JSON.'))
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined
    if (mapped) return sendProblem(req, reply, new AppError(mapped, error.message))
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const code: ErrorCode =
        error.statusCode === 413
          ? 'request.too_large'
          : error.statusCode === 415
            ? 'request.unsupported_media_type'
            : error.statusCode === 429
              ? 'request.rate_limited'
              : error.statusCode === 404
                ? 'request.not_found'
                : 'request.invalid'
      return sendProblem(req, reply, new AppError(code, error.message))
    }
    req.log.error({ err: error }, 'unexpected error')
    return sendProblem(req, reply, new AppError('internal.error'))
  })
  app.setNotFoundHandler(async (req, reply) => {
    if (opts.notFound && (await opts.notFound(req, reply))) return reply
    return sendProblem(req, reply, new AppError('request.not_found'))
  })
}
