import { and, asc, count, eq, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { savedViews } from './views.tables.ts'

export type SavedViewRow = typeof savedViews.$inferSelect

/** A user's saved views, by name (case-insensitively). */
export const listOf = (db: Queryable, staffId: string) =>
  db
    .select()
    .from(savedViews)
    .where(eq(savedViews.staffId, staffId))
    .orderBy(asc(sql`lower(${savedViews.name})`), asc(savedViews.name), asc(savedViews.id))

/**
 * Serializes the view changes of one user until the transaction ends, so two concurrent saves
 * cannot both pass the limit check.
 */
export const lockOwner = (db: Queryable, staffId: string) =>
  db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`saved_views:${staffId}`}))`)

export const countOf = async (db: Queryable, staffId: string) => {
  const [row] = await db.select({ n: count() }).from(savedViews).where(eq(savedViews.staffId, staffId))
  return row?.n ?? 0
}

export const insert = async (db: Queryable, values: typeof savedViews.$inferInsert) => {
  const [row] = await db.insert(savedViews).values(values).returning()
  return row!
}

/** Deletes a view of this user; undefined when there is none with this id (or it is someone else's). */
export const deleteOwn = async (db: Queryable, staffId: string, id: string) => {
  const [row] = await db
    .delete(savedViews)
    .where(and(eq(savedViews.id, id), eq(savedViews.staffId, staffId)))
    .returning({ id: savedViews.id })
  return row
}

/** Whether an error is the unique violation of (staff, lower(name)). */
export const isNameTaken = (err: unknown) => {
  for (let cur = err, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const { code, constraint } = cur as { code?: unknown; constraint?: unknown }
    if (code === '23505') return constraint === 'saved_views_staff_name_key'
    cur = (cur as { cause?: unknown }).cause
  }
  return false
}
