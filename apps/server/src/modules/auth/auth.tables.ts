import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { staffRole, staffUsers } from '../staff/staff.tables.ts'

/** Sign-in attempts per key (account or client address) in a fixed window, counted atomically. */
export const signInAttempts = pgTable('sign_in_attempts', {
  key: text().primaryKey(),
  count: integer().notNull(),
  windowStart: timestamp({ withTimezone: true }).notNull(),
})

/**
 * A staff user's TOTP secret and recovery codes, both encrypted by the auth library's two-factor
 * plugin (which owns this table). `verified` stays false until the first code confirms enrolment.
 */
export const authTwoFactors = pgTable(
  'auth_two_factors',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    secret: text().notNull(),
    backupCodes: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    verified: boolean().notNull().default(true),
    failedVerificationCount: integer().notNull().default(0),
    lockedUntil: timestamp({ withTimezone: true }),
  },
  (t) => [index('auth_two_factors_user_idx').on(t.userId)],
)

/**
 * The last TOTP time step (unix time / 30 s) accepted for a staff user: a code is taken once, so
 * one seen over a shoulder or phished cannot be used again while it is still valid.
 */
export const totpUsedSteps = pgTable('totp_used_steps', {
  staffId: uuid()
    .primaryKey()
    .references(() => staffUsers.id, { onDelete: 'cascade' }),
  lastStep: bigint({ mode: 'number' }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** A staff user's passkeys (WebAuthn credentials): the public key and what the authenticator said. */
export const staffPasskeys = pgTable(
  'staff_passkeys',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    staffId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** The credential id (base64url), as the authenticator names it at sign-in. */
    credentialId: text().notNull().unique(),
    /** The COSE public key (base64url). */
    publicKey: text().notNull(),
    /** The signature counter; 0 for authenticators that keep none (most synced passkeys). */
    counter: bigint({ mode: 'number' }).notNull().default(0),
    transports: text().array().notNull().default([]),
    /** 'singleDevice' or 'multiDevice' (synced). */
    deviceType: text().notNull(),
    backedUp: boolean().notNull().default(false),
    aaguid: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('staff_passkeys_staff_idx').on(t.staffId)],
)

/** WebAuthn challenges handed out and not yet answered; each is taken once, within five minutes. */
export const passkeyChallenges = pgTable('passkey_challenges', {
  id: uuid().primaryKey().$defaultFn(uuidv7),
  challenge: text().notNull(),
  /** 'registration' (of this staff user) or 'sign_in' (anyone's discoverable passkey). */
  purpose: text().notNull(),
  staffId: uuid().references(() => staffUsers.id, { onDelete: 'cascade' }),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
})

/** What sign-in requires of each role; a role without a row requires nothing extra. */
export const signInPolicies = pgTable('sign_in_policies', {
  role: staffRole().primaryKey(),
  requireTwoFactor: boolean().notNull().default(false),
  /** Password sign-in refused: single sign-on only. Never honoured for admins (the way back in). */
  ssoOnly: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

export type GroupMapping = {
  /** A value of the provider's groups claim (a group name or, for Entra ID, an object id). */
  group: string
  teamIds: string[]
  role: 'agent' | 'supervisor' | 'admin' | null
}

/** OpenID Connect providers for single sign-on, configured by admins. */
export const ssoProviders = pgTable('sso_providers', {
  id: uuid().primaryKey().$defaultFn(uuidv7),
  name: text().notNull(),
  /** The issuer URL; the discovery document is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: text().notNull(),
  clientId: text().notNull(),
  /** Sealed with the secret box (AES-256-GCM); never returned. */
  clientSecretSealed: text(),
  scopes: text().array().notNull().default(['openid', 'email', 'profile']),
  /** Addresses accepted from this provider (lower case); empty accepts every domain. */
  emailDomains: text().array().notNull().default([]),
  groupsClaim: text().notNull().default('groups'),
  groupMappings: jsonb().$type<GroupMapping[]>().notNull().default([]),
  /** Create a staff user at the first sign-in of an unknown address. */
  jitEnabled: boolean().notNull().default(false),
  defaultRole: staffRole().notNull().default('agent'),
  /** Treat the provider's addresses as verified even without `email_verified` (Entra ID sends none). */
  trustEmails: boolean().notNull().default(false),
  enabled: boolean().notNull().default(true),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
