import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { closingFollowUps, closingSettings } from './closing.tables.ts'

export type SettingsRow = typeof closingSettings.$inferSelect
export type FollowUpRow = typeof closingFollowUps.$inferSelect

export const readSettings = async (db: Queryable, opts: { forUpdate?: boolean } = {}) => {
  const q = db.select().from(closingSettings).where(eq(closingSettings.id, 1))
  const [row] = await (opts.forUpdate ? q.for('update') : q)
  return row
}

export const saveSettings = async (
  db: Queryable,
  values: Omit<typeof closingSettings.$inferInsert, 'id'>,
) => {
  const [row] = await db
    .insert(closingSettings)
    .values({ id: 1, ...values })
    .onConflictDoUpdate({ target: closingSettings.id, set: values })
    .returning()
  return row!
}

/**
 * The follow-up of one solve, claimed: inserted when there is none yet (answers the new row), or
 * nothing when another call already sent it (the unique key on ticket and solve time waits for
 * a concurrent sender's commit, then refuses).
 */
export const claimFollowUp = async (db: Queryable, values: typeof closingFollowUps.$inferInsert) => {
  const [row] = await db
    .insert(closingFollowUps)
    .values(values)
    .onConflictDoNothing({ target: [closingFollowUps.ticketId, closingFollowUps.solvedAt] })
    .returning()
  return row
}

export const setInteraction = (db: Queryable, id: string, interactionId: string) =>
  db.update(closingFollowUps).set({ interactionId }).where(eq(closingFollowUps.id, id))

export const findByTokenHash = async (
  db: Queryable,
  tokenHash: string,
  opts: { forUpdate?: boolean } = {},
) => {
  const q = db.select().from(closingFollowUps).where(eq(closingFollowUps.tokenHash, tokenHash))
  const [row] = await (opts.forUpdate ? q.for('update') : q)
  return row
}

/** Records the customer's answer once: nothing when it was answered meanwhile. */
export const recordAnswer = async (db: Queryable, id: string, answer: 'yes' | 'no', at: Date) => {
  const [row] = await db
    .update(closingFollowUps)
    .set({ answer, answeredAt: at })
    .where(and(eq(closingFollowUps.id, id), isNull(closingFollowUps.answeredAt)))
    .returning()
  return row
}

export const followUpsOf = (db: Queryable, ticketId: string) =>
  db
    .select()
    .from(closingFollowUps)
    .where(eq(closingFollowUps.ticketId, ticketId))
    .orderBy(sql`${closingFollowUps.sentAt} desc`)
