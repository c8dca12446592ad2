import { AddInteractionInput } from '@tresen/contract'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../platform/errors.ts'
import type { UploadedFile } from './tickets.service.ts'

/** A file name that is safe to store and offer: no path, no control characters, bounded length. */
export const safeFilename = (name: string | undefined) => {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  const cleaned = [...base]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 || '<>:"|?*'.includes(ch) ? '_' : ch))
    .join('')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 200)
  return cleaned || 'attachment'
}

/** Reads a multipart reply: its fields validated like the JSON body, its files buffered. */
export const readInteractionUpload = async (req: FastifyRequest) => {
  const fields: Record<string, string> = {}
  const files: UploadedFile[] = []
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const data = await part.toBuffer()
      files.push({
        filename: safeFilename(part.filename),
        contentType: part.mimetype || 'application/octet-stream',
        data,
      })
    } else if (typeof part.value === 'string') {
      fields[part.fieldname] = part.value
    }
  }
  // The closing checklist's answers come as one JSON field (a form has no nested fields).
  const { closing, ...plain } = fields
  let answers: unknown
  if (closing !== undefined) {
    try {
      answers = JSON.parse(closing)
    } catch {
      throw new AppError('request.invalid', 'The form fields are invalid.', [
        { pointer: '/body/closing', detail: 'a JSON object of answers' },
      ])
    }
  }
  const parsed = AddInteractionInput.safeParse(closing === undefined ? plain : { ...plain, closing: answers })
  if (!parsed.success) {
    throw new AppError(
      'request.invalid',
      'The form fields are invalid.',
      parsed.error.issues.map((i) => ({ pointer: `/body/${i.path.join('/')}`, detail: i.message })),
    )
  }
  return { input: parsed.data, files }
}
