import { sql } from 'drizzle-orm'
import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'

export const staffRole = pgEnum('staff_role', ['agent', 'supervisor', 'admin'])
export const language = pgEnum('language', ['de', 'en'])

/** Staff accounts. Also the user model of the auth library (sign-in, sessions). */
export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    email: text().notNull(),
    emailVerified: boolean().notNull().default(false),
    image: text(),
    role: staffRole().notNull().default('agent'),
    language: language().notNull().default('de'),
    active: boolean().notNull().default(true),
    /** Set by the auth library's two-factor plugin once TOTP is confirmed. */
    twoFactorEnabled: boolean().notNull().default(false),
    /** Escalations meant for this person also come by email. */
    escalationEmails: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('staff_users_email_key').on(sql`lower(${t.email})`)],
)

/** Sign-in sessions (cookie). Managed by the auth library. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    token: text().notNull().unique(),
    userId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    ipAddress: text(),
    userAgent: text(),
    /** How the session began: 'password' (with its second factor, if any) or 'sso'. */
    signInMethod: text().notNull().default('password'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
)

/** Credentials (the password hash) of a staff user. Managed by the auth library. */
export const authAccounts = pgTable(
  'auth_accounts',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    accountId: text().notNull(),
    providerId: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    accessToken: text(),
    refreshToken: text(),
    idToken: text(),
    accessTokenExpiresAt: timestamp({ withTimezone: true }),
    refreshTokenExpiresAt: timestamp({ withTimezone: true }),
    scope: text(),
    password: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_accounts_user_idx').on(t.userId)],
)

export const authVerifications = pgTable('auth_verifications', {
  id: uuid().primaryKey().$defaultFn(uuidv7),
  identifier: text().notNull(),
  value: text().notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** Personal API tokens; only a SHA-256 hash of the token is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    staffId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    prefix: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('api_tokens_staff_idx').on(t.staffId)],
)
