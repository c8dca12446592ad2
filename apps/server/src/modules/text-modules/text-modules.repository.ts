import { and, asc, desc, eq, ilike, isNotNull, isNull, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Actor } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { customers } from '../customers/index.ts'
import { staffUsers } from '../staff/index.ts'
import { teams } from '../teams/index.ts'
import { tickets } from '../tickets/index.ts'
import { moduleVisibleTo } from './text-modules.policy.ts'
import { textModules } from './text-modules.tables.ts'

export type TextModuleRow = typeof textModules.$inferSelect
export type TextModuleWithNames = { module: TextModuleRow; teamName: string | null; ownerName: string | null }

const owner = alias(staffUsers, 'owner')

const withNames = (db: Queryable) =>
  db
    .select({ module: textModules, teamName: teams.name, ownerName: owner.name })
    .from(textModules)
    .leftJoin(teams, eq(teams.id, textModules.teamId))
    .leftJoin(owner, eq(owner.id, textModules.ownerId))

const likePattern = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`)

/** The modules the actor may see, most used first; `q` matches the shortcut's start or the title. */
export const listVisible = (
  db: Queryable,
  actor: Actor,
  f: { q?: string; scope?: TextModuleRow['scope']; archived?: boolean; limit: number },
) => {
  const q = f.q ? likePattern(f.q.replace(/^:+/, '')) : ''
  return withNames(db)
    .where(
      and(
        moduleVisibleTo(actor),
        f.archived ? isNotNull(textModules.archivedAt) : isNull(textModules.archivedAt),
        f.scope ? eq(textModules.scope, f.scope) : undefined,
        q ? or(ilike(textModules.shortcut, `${q}%`), ilike(textModules.title, `%${q}%`)) : undefined,
      ),
    )
    .orderBy(
      // A shortcut that matches exactly, then one that starts so, then by use.
      ...(q
        ? [
            desc(sql`lower(${textModules.shortcut}) = lower(${q})`),
            desc(sql`${textModules.shortcut} ilike ${`${q}%`}`),
          ]
        : []),
      desc(textModules.usageCount),
      asc(textModules.title),
      asc(textModules.id),
    )
    .limit(f.limit)
}

/** One module the actor may see (archived ones too), or undefined: hidden and missing alike. */
export const findVisible = async (
  db: Queryable,
  actor: Actor,
  id: string,
  opts: { forUpdate?: boolean } = {},
) => {
  const query = withNames(db).where(and(eq(textModules.id, id), moduleVisibleTo(actor)))
  const [row] = opts.forUpdate ? await query.for('update', { of: textModules }) : await query
  return row
}

export const insert = async (db: Queryable, values: typeof textModules.$inferInsert) => {
  const [row] = await db.insert(textModules).values(values).returning({ id: textModules.id })
  return row!.id
}

export const update = (db: Queryable, id: string, values: Partial<typeof textModules.$inferInsert>) =>
  db.update(textModules).set(values).where(eq(textModules.id, id))

/** One more use (an insert into a reply). */
export const countUse = (db: Queryable, id: string) =>
  db
    .update(textModules)
    .set({ usageCount: sql`${textModules.usageCount} + 1` })
    .where(eq(textModules.id, id))

export const teamExists = async (db: Queryable, id: string) => {
  const [row] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, id), isNull(teams.archivedAt)))
  return Boolean(row)
}

/** What a module is filled in from: the ticket with its customer and team, and the agent's name. */
export const ticketContext = async (db: Queryable, ticketId: string) => {
  const [row] = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      language: tickets.language,
      teamId: tickets.teamId,
      assigneeId: tickets.assigneeId,
      customerName: customers.name,
      formOfAddress: customers.formOfAddress,
      teamName: teams.name,
    })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .where(eq(tickets.id, ticketId))
  return row
}

export const ticketIdForNumber = async (db: Queryable, number: number) => {
  const [row] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number))
  return row?.id
}

export const staffName = async (db: Queryable, id: string) => {
  const [row] = await db.select({ name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.id, id))
  return row?.name
}
