import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'

/** A promise's state; `breached` stays until it is kept late (`met` with `breached_at`) or cancelled. */
export const PROMISE_STATES = ['running', 'paused', 'warning', 'breached', 'met', 'cancelled'] as const
export type PromiseState = (typeof PROMISE_STATES)[number]

/** What a response-target policy applies to: each list given must match (any of its entries). */
export type SlaConditions = {
  channels?: string[]
  priorities?: string[]
  teamIds?: string[]
  organizationIds?: string[]
  tags?: string[]
}
export type SlaTarget = { minutes: number; business: boolean }
export type SlaTargets = {
  firstResponse?: SlaTarget
  nextResponse?: SlaTarget
  periodicUpdate?: SlaTarget
  resolution?: SlaTarget
}

/** Response-target policies, matched in `position` order; the first active one that matches applies. */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    position: integer().notNull(),
    active: boolean().notNull().default(true),
    conditions: jsonb().$type<SlaConditions>().notNull().default(sql`'{}'::jsonb`),
    targets: jsonb().$type<SlaTargets>().notNull(),
    /** Share of a target used when it turns to warning (0.5–0.99). */
    warnAt: real().notNull().default(0.75),
    /** The longest manual pause an agent may set, in minutes. */
    maxPauseMinutes: integer().notNull().default(1440),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sla_policies_position_idx').on(t.position, t.id),
    check('sla_policies_warn_at_check', sql`${t.warnAt} > 0 AND ${t.warnAt} < 1`),
  ],
)

/**
 * One promise the desk made (a first answer within 4 business hours, a follow-up after two days,
 * …): its clock, target, state and due time. The clock counts open time of the ticket's team's
 * calendar (or wall time): `consumed_ms` is what was used up to `resumed_at`; while paused `resumed_at` is null.
 * `next_fire_at` is the next moment the sweep must look at it (warning, breach, end of a manual
 * pause); the sweep claims due rows with SKIP LOCKED, so each fires once.
 */
export const promises = pgTable(
  'promises',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    kind: text().notNull(),
    ticketId: uuid().notNull(),
    policyId: uuid(),
    business: boolean().notNull(),
    targetMs: bigint({ mode: 'number' }).notNull(),
    warnAt: real().notNull().default(0.75),
    state: text().$type<PromiseState>().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    resumedAt: timestamp({ withTimezone: true }),
    consumedMs: bigint({ mode: 'number' }).notNull().default(0),
    pauseReason: text(),
    pauseUntil: timestamp({ withTimezone: true }),
    dueAt: timestamp({ withTimezone: true }),
    warnedAt: timestamp({ withTimezone: true }),
    breachedAt: timestamp({ withTimezone: true }),
    metAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    nextFireAt: timestamp({ withTimezone: true }),
    /** What the kind needs to remember (the follow-up's solve, …). */
    data: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('promises_ticket_idx').on(t.ticketId, t.kind),
    index('promises_next_fire_idx').on(t.nextFireAt).where(sql`next_fire_at IS NOT NULL`),
    index('promises_breached_idx').on(t.breachedAt).where(sql`breached_at IS NOT NULL`),
    check(
      'promises_state_check',
      sql`${t.state} IN ('running', 'paused', 'warning', 'breached', 'met', 'cancelled')`,
    ),
  ],
)
