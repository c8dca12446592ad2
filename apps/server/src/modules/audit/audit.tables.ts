import { sql } from 'drizzle-orm'
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * The audit log: one immutable row per administrative change or sign-in event. A trigger refuses
 * UPDATE and DELETE (see the migration), so a record cannot be changed through the desk or SQL
 * short of dropping the trigger. `seq` orders records written in the same millisecond.
 */
/** What the free-text search of the log looks through, one expression so one index serves it. */
export const auditSearchText = (t: {
  action: unknown
  actorLabel: unknown
  targetLabel: unknown
  targetId: unknown
  ip: unknown
}) =>
  sql`(${t.action} || ' ' || ${t.actorLabel} || ' ' || ${t.targetLabel} || ' ' || coalesce(${t.targetId}, '') || ' ' || coalesce(${t.ip}, ''))`

export const auditRecords = pgTable(
  'audit_records',
  {
    seq: bigserial({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull(),
    /** A staff user's id, or null for the desk itself (CLI, jobs) and for unknown sign-ins. */
    actorId: uuid(),
    /** Who it was in words at the time (name and email), kept if the user is renamed or removed. */
    actorLabel: text().notNull(),
    /** Dotted: `staff.created`, `team.member_added`, `webhook.deleted`, `auth.sign_in_failed`. */
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    targetLabel: text().notNull().default(''),
    /** The changed fields before and after (secrets never: only that they changed). */
    before: jsonb(),
    after: jsonb(),
    ip: text(),
    userAgent: text(),
    requestId: text(),
  },
  (t) => [
    index('audit_records_at_idx').on(t.at),
    index('audit_records_actor_idx').on(t.actorId, t.at),
    index('audit_records_target_idx').on(t.targetType, t.targetId),
    index('audit_records_action_idx').on(t.action, t.at),
    // The admin's free-text search (audit.repository.ts `searchText`) is a trigram match on this.
    index('audit_records_search_idx').using('gin', sql`${auditSearchText(t)} gin_trgm_ops`),
  ],
)
