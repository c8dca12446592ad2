import { z } from 'zod'

export const Id = z.uuid()
export const Language = z.enum(['de', 'en'])
export type Language = z.infer<typeof Language>
export const StaffRole = z.enum(['agent', 'supervisor', 'admin'])
export type StaffRole = z.infer<typeof StaffRole>
export const Timestamp = z.iso.datetime({ offset: true })

/** RFC 9457 problem details, as every error response of the API. */
export const Problem = z.object({
  type: z.string(),
  code: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  /** Values a client needs to say the error in its own words, e.g. who took a ticket. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
})
export type Problem = z.infer<typeof Problem>

export const IdParams = z.object({ id: Id })

/** A page of a list with an opaque cursor for the next page (null on the last page). */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() })
