import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm'
import type { Actor } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { teams } from '../teams/index.ts'
import { tickets } from '../tickets/index.ts'
import { macroVisibleTo } from './macros.policy.ts'
import { macros } from './macros.tables.ts'

export type MacroRow = typeof macros.$inferSelect

/** The macros the actor may see, by name. */
export const listVisible = (db: Queryable, actor: Actor, f: { archived?: boolean }) =>
  db
    .select()
    .from(macros)
    .where(and(macroVisibleTo(actor), f.archived ? isNotNull(macros.archivedAt) : isNull(macros.archivedAt)))
    .orderBy(asc(macros.name), asc(macros.id))

/** One macro the actor may see, or undefined: hidden and missing alike. */
export const findVisible = async (
  db: Queryable,
  actor: Actor,
  id: string,
  opts: { forUpdate?: boolean } = {},
) => {
  const query = db
    .select()
    .from(macros)
    .where(and(eq(macros.id, id), macroVisibleTo(actor)))
  const [row] = opts.forUpdate ? await query.for('update') : await query
  return row
}

export const insert = async (db: Queryable, values: typeof macros.$inferInsert) => {
  const [row] = await db.insert(macros).values(values).returning()
  return row!
}

export const update = async (db: Queryable, id: string, values: Partial<typeof macros.$inferInsert>) => {
  const [row] = await db.update(macros).set(values).where(eq(macros.id, id)).returning()
  return row!
}

/** Names of these teams (archived ones left out). */
export const teamNames = (db: Queryable, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .select({ id: teams.id, name: teams.name })
        .from(teams)
        .where(and(inArray(teams.id, ids), isNull(teams.archivedAt)))

export const ticketIdForNumber = async (db: Queryable, number: number) => {
  const [row] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number))
  return row?.id
}

/** The ticket's tags, its row locked until the macro's transaction ends. */
export const lockTags = async (db: Queryable, id: string) => {
  const [row] = await db.select({ tags: tickets.tags }).from(tickets).where(eq(tickets.id, id)).for('update')
  return row?.tags
}
