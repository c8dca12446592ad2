import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { StaffRole } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { apiTokens, authAccounts, authSessions, authVerifications, staffUsers } from '../staff/index.ts'
import {
  authTwoFactors,
  passkeyChallenges,
  signInAttempts,
  signInPolicies,
  ssoProviders,
  staffPasskeys,
  totpUsedSteps,
} from './auth.tables.ts'

/**
 * Counts one attempt for `key` in a fixed window and returns the count including this one.
 * One statement, so parallel attempts each see their own increment.
 */
export const countAttempt = async (db: Queryable, key: string, windowSeconds: number) => {
  const rows = await db.execute<{ count: number }>(sql`
    INSERT INTO ${signInAttempts} (key, count, window_start) VALUES (${key}, 1, now())
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN ${signInAttempts.windowStart} < now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE ${signInAttempts.count} + 1 END,
      window_start = CASE WHEN ${signInAttempts.windowStart} < now() - make_interval(secs => ${windowSeconds}) THEN now() ELSE ${signInAttempts.windowStart} END
    RETURNING count`)
  return Number(rows.rows[0]?.count ?? 0)
}

export const clearAttempts = (db: Queryable, key: string) =>
  db.delete(signInAttempts).where(eq(signInAttempts.key, key))

/** Takes one counted attempt back (a sign-in that succeeded), never below zero. */
export const forgiveAttempt = (db: Queryable, key: string) =>
  db.execute(
    sql`UPDATE ${signInAttempts} SET count = greatest(${signInAttempts.count} - 1, 0) WHERE ${signInAttempts.key} = ${key}`,
  )

type Membership = { id: string; name: string; role: 'member' | 'supervisor' }

/** The user's active teams as one JSON array, so an actor loads in one round trip. */
// Written out with table names: Drizzle leaves columns unqualified in a one-table select.
const teamsOf = sql<Membership[]>`coalesce((
  SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'role', m.role) ORDER BY t.name)
  FROM team_members m JOIN teams t ON t.id = m.team_id
  WHERE m.staff_id = "staff_users"."id" AND t.archived_at IS NULL
), '[]'::json)`

/** The staff user with their team memberships: what an Actor is built from. */
export const loadStaffWithTeams = async (db: Queryable, staffId: string) => {
  const [row] = await db
    .select({ user: staffUsers, teams: teamsOf })
    .from(staffUsers)
    .where(eq(staffUsers.id, staffId))
  return row ? { ...row.user, teams: row.teams } : undefined
}

/** The owner of an unrevoked API token, with their teams, in one query. */
export const loadStaffByTokenHash = async (db: Queryable, tokenHash: string) => {
  const [row] = await db
    .select({ user: staffUsers, teams: teamsOf, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, apiTokens.staffId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
  return row
    ? { staff: { ...row.user, teams: row.teams }, tokenId: row.tokenId, lastUsedAt: row.lastUsedAt }
    : undefined
}

/** Marks a token used, at most once a minute, so authenticating stays a read. */
export const touchToken = (db: Queryable, id: string, now: Date) =>
  db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000))),
      ),
    )

export const insertToken = async (
  db: Queryable,
  values: { staffId: string; name: string; tokenHash: string; prefix: string },
) => {
  const [row] = await db.insert(apiTokens).values(values).returning()
  return row!
}

export const listTokens = (db: Queryable, staffId: string) =>
  db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.staffId, staffId), isNull(apiTokens.revokedAt)))
    .orderBy(apiTokens.createdAt)

export const revokeToken = async (db: Queryable, staffId: string, id: string, now: Date) => {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.staffId, staffId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id })
  return rows.length > 0
}

export const deleteSessionByToken = (db: Queryable, token: string) =>
  db.delete(authSessions).where(eq(authSessions.token, token))

export const deleteSessionsOf = (db: Queryable, staffId: string) =>
  db.delete(authSessions).where(eq(authSessions.userId, staffId))

export const findToken = async (db: Queryable, staffId: string, id: string) => {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.staffId, staffId), isNull(apiTokens.revokedAt)))
  return row
}

/** The policy of every role that has one. */
export const listPolicies = (db: Queryable) => db.select().from(signInPolicies)

export const findPolicy = async (db: Queryable, role: StaffRole) => {
  const [row] = await db.select().from(signInPolicies).where(eq(signInPolicies.role, role))
  return row
}

export const upsertPolicy = (
  db: Queryable,
  values: { role: StaffRole; requireTwoFactor: boolean; ssoOnly: boolean },
  now: Date,
) =>
  db
    .insert(signInPolicies)
    .values({ ...values, updatedAt: now })
    .onConflictDoUpdate({
      target: signInPolicies.role,
      set: { requireTwoFactor: values.requireTwoFactor, ssoOnly: values.ssoOnly, updatedAt: now },
    })

/** Whether an enrolment was started (secret stored) and whether it was confirmed. */
export const findTwoFactor = async (db: Queryable, staffId: string) => {
  const [row] = await db
    .select({ verified: authTwoFactors.verified })
    .from(authTwoFactors)
    .where(eq(authTwoFactors.userId, staffId))
  return row
}

/** The user a pending second-factor challenge belongs to (the challenge cookie names its record). */
export const findChallengeUser = async (db: Queryable, identifier: string) => {
  const [row] = await db
    .select({ id: staffUsers.id, email: staffUsers.email })
    .from(authVerifications)
    .innerJoin(staffUsers, sql`${staffUsers.id}::text = ${authVerifications.value}`)
    .where(eq(authVerifications.identifier, identifier))
  return row
}

export const findSessionMethod = async (db: Queryable, token: string) => {
  const [row] = await db
    .select({ signInMethod: authSessions.signInMethod })
    .from(authSessions)
    .where(eq(authSessions.token, token))
  return row?.signInMethod
}

export type SsoProviderRow = typeof ssoProviders.$inferSelect

export const listProviders = (db: Queryable) => db.select().from(ssoProviders).orderBy(asc(ssoProviders.name))

export const findProvider = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(ssoProviders).where(eq(ssoProviders.id, id))
  return row
}

export const insertProvider = async (db: Queryable, values: typeof ssoProviders.$inferInsert) => {
  const [row] = await db.insert(ssoProviders).values(values).returning()
  return row!
}

export const updateProvider = async (
  db: Queryable,
  id: string,
  values: Partial<typeof ssoProviders.$inferInsert>,
) => {
  const [row] = await db.update(ssoProviders).set(values).where(eq(ssoProviders.id, id)).returning()
  return row
}

export const deleteProvider = async (db: Queryable, id: string) => {
  const rows = await db.delete(ssoProviders).where(eq(ssoProviders.id, id)).returning()
  return rows[0]
}

/** Accounts that signed in through a provider end with it. */
export const deleteProviderAccounts = (db: Queryable, providerId: string) =>
  db.delete(authAccounts).where(eq(authAccounts.providerId, providerId))

/** The stored (encrypted) TOTP secret of a staff user. */
export const findTwoFactorSecret = async (db: Queryable, staffId: string) => {
  const [row] = await db
    .select({ secret: authTwoFactors.secret })
    .from(authTwoFactors)
    .where(eq(authTwoFactors.userId, staffId))
  return row?.secret
}

/**
 * Takes a TOTP time step for a staff user if it is later than the last one taken: one atomic
 * statement, so two requests with the same code cannot both pass. False: already used.
 */
export const claimTotpStep = async (db: Queryable, staffId: string, step: number) => {
  const rows = await db.execute(sql`
    INSERT INTO ${totpUsedSteps} (staff_id, last_step, updated_at) VALUES (${staffId}, ${step}, now())
    ON CONFLICT (staff_id) DO UPDATE SET last_step = excluded.last_step, updated_at = now()
    WHERE ${totpUsedSteps.lastStep} < excluded.last_step
    RETURNING staff_id`)
  return rows.rows.length > 0
}

/** A new TOTP secret starts with no used steps (its steps mean other codes). */
export const clearTotpSteps = (db: Queryable, staffId: string) =>
  db.delete(totpUsedSteps).where(eq(totpUsedSteps.staffId, staffId))

/** The password hash of a staff user's password account, if they have one. */
export const findPasswordHash = async (db: Queryable, staffId: string) => {
  const [row] = await db
    .select({ password: authAccounts.password })
    .from(authAccounts)
    .where(and(eq(authAccounts.userId, staffId), eq(authAccounts.providerId, 'credential')))
  return row?.password ?? undefined
}

export type PasskeyRow = typeof staffPasskeys.$inferSelect

export const listPasskeys = (db: Queryable, staffId: string) =>
  db.select().from(staffPasskeys).where(eq(staffPasskeys.staffId, staffId)).orderBy(staffPasskeys.createdAt)

export const findPasskeyByCredential = async (db: Queryable, credentialId: string) => {
  const [row] = await db.select().from(staffPasskeys).where(eq(staffPasskeys.credentialId, credentialId))
  return row
}

export const insertPasskey = async (db: Queryable, values: typeof staffPasskeys.$inferInsert) => {
  const [row] = await db.insert(staffPasskeys).values(values).returning()
  return row!
}

export const deletePasskey = async (db: Queryable, staffId: string, id: string) => {
  const [row] = await db
    .delete(staffPasskeys)
    .where(and(eq(staffPasskeys.id, id), eq(staffPasskeys.staffId, staffId)))
    .returning()
  return row
}

export const touchPasskey = (db: Queryable, id: string, counter: number) =>
  db.update(staffPasskeys).set({ counter, lastUsedAt: sql`now()` }).where(eq(staffPasskeys.id, id))

/** Stores a challenge for five minutes; expired ones are swept on the way. */
export const insertChallenge = async (
  db: Queryable,
  values: { challenge: string; purpose: 'registration' | 'sign_in'; staffId?: string },
) => {
  await db.delete(passkeyChallenges).where(lt(passkeyChallenges.expiresAt, sql`now()`))
  const [row] = await db
    .insert(passkeyChallenges)
    .values({ ...values, expiresAt: sql`now() + interval '5 minutes'` })
    .returning({ id: passkeyChallenges.id })
  return row!.id
}

/** Takes a challenge (once): the challenge text, or undefined when unknown, expired or used. */
export const takeChallenge = async (
  db: Queryable,
  id: string,
  purpose: 'registration' | 'sign_in',
  staffId?: string,
) => {
  const [row] = await db
    .delete(passkeyChallenges)
    .where(
      and(
        eq(passkeyChallenges.id, id),
        eq(passkeyChallenges.purpose, purpose),
        staffId ? eq(passkeyChallenges.staffId, staffId) : isNull(passkeyChallenges.staffId),
        sql`${passkeyChallenges.expiresAt} > now()`,
      ),
    )
    .returning({ challenge: passkeyChallenges.challenge })
  return row?.challenge
}

/** Marks how a session began (the library fills in its default, 'password'). */
export const setSessionMethod = (db: Queryable, token: string, signInMethod: string) =>
  db.update(authSessions).set({ signInMethod }).where(eq(authSessions.token, token))
