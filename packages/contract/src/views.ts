import { z } from 'zod'
import { Id } from './common.ts'
import { TicketQuery, TicketSort, TicketStatus } from './tickets.ts'

/** How many saved views one user may keep. */
export const SAVED_VIEW_LIMIT = 50

/**
 * The filters a saved view stores: the list filters of TicketQuery, without paging (cursor, limit).
 * Each field is validated exactly like the query string, so a saved view always makes a valid query.
 */
export const SavedViewQueryInput = z.strictObject({
  status: z.array(TicketStatus).max(20).optional(),
  teamId: TicketQuery.shape.teamId,
  assigneeId: TicketQuery.shape.assigneeId,
  customerId: TicketQuery.shape.customerId,
  tag: TicketQuery.shape.tag,
  q: TicketQuery.shape.q,
  field: TicketQuery.shape.field,
  promise: TicketQuery.shape.promise,
  sort: TicketSort.optional(),
})
export type SavedViewQueryInput = z.infer<typeof SavedViewQueryInput>

/** A saved view's filters as the API returns them (the same fields, already validated when saved). */
export const SavedViewQuery = z.object({
  status: z.array(TicketStatus).optional(),
  teamId: z.union([Id, z.literal('mine')]).optional(),
  assigneeId: z.union([Id, z.enum(['me', 'none'])]).optional(),
  customerId: Id.optional(),
  tag: z.string().optional(),
  q: z.string().optional(),
  field: z.array(z.string()).optional(),
  promise: z.array(z.enum(['running', 'paused', 'warning', 'breached'])).optional(),
  sort: TicketSort.optional(),
})
export type SavedViewQuery = z.infer<typeof SavedViewQuery>

/** A named inbox filter of one staff user. */
export const SavedView = z.object({ id: Id, name: z.string(), query: SavedViewQuery })
export type SavedView = z.infer<typeof SavedView>

export const CreateSavedViewInput = z.strictObject({
  /** Unique per user, compared case-insensitively. */
  name: z.string().trim().min(1).max(100),
  query: SavedViewQueryInput,
})
export type CreateSavedViewInput = z.infer<typeof CreateSavedViewInput>
