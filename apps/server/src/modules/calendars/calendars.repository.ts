import { asc, eq, sql } from 'drizzle-orm'
import type { Queryable } from '../../platform/db.ts'
import { calendars } from './calendars.tables.ts'

export type CalendarRow = typeof calendars.$inferSelect

export const list = (db: Queryable) =>
  db
    .select()
    .from(calendars)
    .orderBy(asc(sql`lower(${calendars.name})`), asc(calendars.id))

export const findById = async (db: Queryable, id: string, opts: { forUpdate?: boolean } = {}) => {
  const query = db.select().from(calendars).where(eq(calendars.id, id))
  const [row] = opts.forUpdate ? await query.for('update') : await query
  return row
}

/** The default calendar, locked when asked (changing the default serialises on it). */
export const findDefault = async (db: Queryable, opts: { forUpdate?: boolean } = {}) => {
  const query = db.select().from(calendars).where(eq(calendars.isDefault, true))
  const [row] = opts.forUpdate ? await query.for('update') : await query
  return row
}

export const insert = async (db: Queryable, values: typeof calendars.$inferInsert) => {
  const [row] = await db.insert(calendars).values(values).returning()
  return row!
}

export const update = async (db: Queryable, id: string, values: Partial<typeof calendars.$inferInsert>) => {
  const [row] = await db.update(calendars).set(values).where(eq(calendars.id, id)).returning()
  return row!
}

export const clearDefault = (db: Queryable, now: Date) =>
  db.update(calendars).set({ isDefault: false, updatedAt: now }).where(eq(calendars.isDefault, true))

export const remove = (db: Queryable, id: string) => db.delete(calendars).where(eq(calendars.id, id))

// teams.calendar_id and email_channels.calendar_id belong to this module (they name a calendar);
// reading them here keeps the calendar lookup one statement without importing those modules.

/** How many teams and email channels name each calendar. */
export const usage = async (db: Queryable): Promise<Map<string, { teams: number; channels: number }>> => {
  const { rows } = await db.execute<{ calendar_id: string; teams: number; channels: number }>(sql`
    SELECT calendar_id, sum(t)::int AS teams, sum(c)::int AS channels FROM (
      SELECT calendar_id, 1 AS t, 0 AS c FROM teams WHERE calendar_id IS NOT NULL AND archived_at IS NULL
      UNION ALL
      SELECT calendar_id, 0, 1 FROM email_channels WHERE calendar_id IS NOT NULL
    ) u GROUP BY calendar_id`)
  return new Map(rows.map((r) => [r.calendar_id, { teams: r.teams, channels: r.channels }]))
}

/** Whether any team (archived ones too: they keep their foreign key) or channel names the calendar. */
export const usageOf = async (db: Queryable, id: string) => {
  const { rows } = await db.execute<{ teams: number; channels: number }>(sql`
    SELECT (SELECT count(*)::int FROM teams WHERE calendar_id = ${id}) AS teams,
           (SELECT count(*)::int FROM email_channels WHERE calendar_id = ${id}) AS channels`)
  return rows[0] ?? { teams: 0, channels: 0 }
}

/**
 * The calendar that applies: the channel's, else the team's (the given team, or the channel's
 * team), else the default. Only id and version, so a cached compiled calendar needs no more.
 */
export const resolveFor = async (
  db: Queryable,
  opts: { teamId?: string | null; channelId?: string | null },
) => {
  const channelId = opts.channelId ?? null
  const teamId = opts.teamId ?? null
  const { rows } = await db.execute<{ id: string; updated_at: string | Date }>(sql`
    SELECT c.id, c.updated_at FROM calendars c
    WHERE c.id = COALESCE(
      (SELECT calendar_id FROM email_channels WHERE id = ${channelId}::uuid),
      (SELECT calendar_id FROM teams WHERE id = COALESCE(${teamId}::uuid,
        (SELECT team_id FROM email_channels WHERE id = ${channelId}::uuid))),
      (SELECT id FROM calendars WHERE is_default))`)
  const row = rows[0]
  return row ? { id: row.id, updatedAt: new Date(row.updated_at) } : undefined
}

export const isNameTaken = (err: unknown) => pgError(err, '23505', 'calendars_name_key')
export const isDefaultTaken = (err: unknown) => pgError(err, '23505', 'calendars_default_key')
export const isStillReferenced = (err: unknown) => pgError(err, '23503')

const pgError = (err: unknown, code: string, constraint?: string) => {
  const e = ((err as { cause?: unknown })?.cause ?? err ?? {}) as { code?: string; constraint?: string }
  return e.code === code && (constraint === undefined || e.constraint === constraint)
}
