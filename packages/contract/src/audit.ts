import { z } from 'zod'
import { Id, page, Timestamp } from './common.ts'

/** One immutable audit record: who did what to which record, when and from where. */
export const AuditRecord = z.object({
  seq: z.number().int(),
  at: Timestamp,
  actorId: Id.nullable(),
  actorLabel: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  targetLabel: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
})
export type AuditRecord = z.infer<typeof AuditRecord>

const dateOrTime = z.union([z.iso.date(), Timestamp])

/** Filters of the audit log; `action` ending in a dot matches a family (`staff.`). */
export const AuditQuery = z.object({
  q: z.string().trim().max(200).optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]*)*$/, 'an action such as staff.created, or a family such as staff.')
    .max(100)
    .optional(),
  actorId: Id.optional(),
  targetType: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .max(50)
    .optional(),
  targetId: z.string().max(100).optional(),
  /** From this day (in UTC) or instant on. */
  from: dateOrTime.optional(),
  /** Up to and including this day (in UTC) or instant. */
  to: dateOrTime.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d+$/, 'a cursor from a previous page').optional(),
})
export type AuditQuery = z.infer<typeof AuditQuery>

export const AuditPage = page(AuditRecord).extend({ total: z.number().int() })
export type AuditPage = z.infer<typeof AuditPage>

export const AuditExportQuery = AuditQuery.omit({ limit: true, cursor: true }).extend({
  lang: z.enum(['de', 'en']).optional(),
})
export type AuditExportQuery = z.infer<typeof AuditExportQuery>
