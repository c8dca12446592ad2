import { and, desc, eq, gte, ilike, lt, lte, type SQL, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { staffUsers } from '../staff/index.ts'
import { auditRecords, auditSearchText } from './audit.tables.ts'

export type AuditRow = typeof auditRecords.$inferSelect
export type NewAuditRow = Omit<typeof auditRecords.$inferInsert, 'seq' | 'actorLabel'> & {
  actorLabel?: string
}

/** Writes one record; the actor's name and email at this moment become its label. */
export const insert = async (db: Queryable, row: NewAuditRow) => {
  let actorLabel = row.actorLabel
  if (actorLabel === undefined) {
    if (row.actorId) {
      const [who] = await db
        .select({ name: staffUsers.name, email: staffUsers.email })
        .from(staffUsers)
        .where(eq(staffUsers.id, row.actorId))
      actorLabel = who ? `${who.name} <${who.email}>` : row.actorId
    } else {
      actorLabel = 'Tresen'
    }
  }
  await db.insert(auditRecords).values({ ...row, actorLabel })
}

export type AuditFilter = {
  q?: string
  action?: string
  actorId?: string
  targetType?: string
  targetId?: string
  from?: Date
  to?: Date
  /** Records older than this sequence number (the next page). */
  before?: number
}

const where = (f: AuditFilter): SQL | undefined => {
  const conditions: (SQL | undefined)[] = []
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    conditions.push(sql`${auditSearchText(auditRecords)} ILIKE ${pattern}`)
  }
  if (f.action) {
    conditions.push(
      f.action.endsWith('.')
        ? ilike(auditRecords.action, `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
        : eq(auditRecords.action, f.action),
    )
  }
  if (f.actorId) conditions.push(eq(auditRecords.actorId, f.actorId))
  if (f.targetType) conditions.push(eq(auditRecords.targetType, f.targetType))
  if (f.targetId) conditions.push(eq(auditRecords.targetId, f.targetId))
  if (f.from) conditions.push(gte(auditRecords.at, f.from))
  if (f.to) conditions.push(lte(auditRecords.at, f.to))
  if (f.before !== undefined) conditions.push(lt(auditRecords.seq, f.before))
  return and(...conditions)
}

/** Newest first. */
export const list = (db: Queryable, filter: AuditFilter, limit: number) =>
  db.select().from(auditRecords).where(where(filter)).orderBy(desc(auditRecords.seq)).limit(limit)

export const count = async (db: Queryable, filter: AuditFilter) => {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditRecords).where(where(filter))
  return row?.n ?? 0
}
