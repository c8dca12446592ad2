import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { teams } from '../teams/index.ts'
import { ticketFields } from './fields.tables.ts'

export type TicketFieldRow = typeof ticketFields.$inferSelect

/** Fields in their order (archived ones only when asked for). */
export const list = (db: Queryable, opts: { archived?: boolean } = {}) =>
  db
    .select()
    .from(ticketFields)
    .where(opts.archived ? undefined : isNull(ticketFields.archivedAt))
    .orderBy(asc(ticketFields.position), asc(ticketFields.key))

export const findById = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}) => {
  const query = db.select().from(ticketFields).where(eq(ticketFields.id, id))
  const [row] = opts.forUpdate ? await query.for('update') : await query
  return row
}

export const findByKey = async (db: Queryable, key: string) => {
  const [row] = await db.select({ id: ticketFields.id }).from(ticketFields).where(eq(ticketFields.key, key))
  return row
}

/** The position after the last field. */
export const nextPosition = async (db: Queryable) => {
  const [row] = await db
    .select({ next: sql<number>`coalesce(max(${ticketFields.position}) + 1, 0)::int` })
    .from(ticketFields)
  return Number(row?.next ?? 0)
}

export const insert = async (db: Queryable, values: typeof ticketFields.$inferInsert) => {
  const [row] = await db.insert(ticketFields).values(values).returning()
  return row!
}

export const update = async (
  db: Queryable,
  id: string,
  values: Partial<typeof ticketFields.$inferInsert>,
) => {
  const [row] = await db.update(ticketFields).set(values).where(eq(ticketFields.id, id)).returning()
  return row!
}

/** Locks every field row (a reorder rewrites all positions). */
export const lockAll = (db: Queryable) => db.select().from(ticketFields).for('update')

export const setPositions = async (db: Queryable, ids: string[], now: Date) => {
  for (const [position, id] of ids.entries()) {
    await db.update(ticketFields).set({ position, updatedAt: now }).where(eq(ticketFields.id, id))
  }
}

/** Which of these teams exist and are not archived. */
export const activeTeamIds = async (db: Queryable, ids: string[]) => {
  if (ids.length === 0) return new Set<string>()
  const rows = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(inArray(teams.id, ids), isNull(teams.archivedAt)))
  return new Set(rows.map((r) => r.id))
}

/** Two admins creating the same key at once: the unique index decides. */
export const isKeyTaken = (err: unknown) => {
  const pgError = (err as { cause?: unknown })?.cause ?? err
  const { code, constraint } = (pgError ?? {}) as { code?: string; constraint?: string }
  return code === '23505' && constraint === 'ticket_fields_key_key'
}
