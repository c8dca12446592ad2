import { hash, verify } from '@node-rs/argon2'
import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { createAuthEndpoint } from 'better-auth/api'
import { setSessionCookie } from 'better-auth/cookies'
import { genericOAuth, twoFactor } from 'better-auth/plugins'
import { z } from 'zod'
import type { Db } from '../../platform/db.ts'
import { authAccounts, authSessions, authVerifications, staffUsers } from '../staff/index.ts'
import { authTwoFactors } from './auth.tables.ts'

export const SESSION_COOKIE_PREFIX = 'tresen'
export const SESSION_DAYS = 7

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: the OWASP baseline). */
export const hashPassword = (password: string) => hash(password, { algorithm: 2 })
export const verifyPassword = (digest: string, password: string) =>
  verify(digest, password).catch(() => false)

/** How long the second step of a sign-in (the code) may take after the password. */
export const TWO_FACTOR_CHALLENGE_SECONDS = 600

const userFields = {
  role: { type: 'string', input: false },
  language: { type: 'string', input: false },
  active: { type: 'boolean', input: false },
} as const

const sessionFields = {
  signInMethod: { type: 'string', input: false, defaultValue: 'password' },
} as const

const adapter = (db: Db) =>
  drizzleAdapter(db, {
    provider: 'pg',
    schema: {
      user: staffUsers,
      session: authSessions,
      account: authAccounts,
      verification: authVerifications,
      twoFactor: authTwoFactors,
    },
  })

/** What every instance of the library shares: cookies, sessions, ids. */
const shared = (opts: { secret: string; publicUrl: string }) =>
  ({
    appName: 'Tresen',
    baseURL: opts.publicUrl,
    secret: opts.secret,
    trustedOrigins: [opts.publicUrl] as string[],
    session: {
      expiresIn: SESSION_DAYS * 24 * 3600,
      updateAge: 24 * 3600,
      additionalFields: sessionFields,
    },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: opts.publicUrl.startsWith('https://'),
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/' },
      database: { generateId: 'uuid' },
    },
  }) as const

/**
 * Starts a session for a staff user whose passkey the desk has verified (auth.passkeys.ts): the
 * library's own sessions and cookie, marked as a passkey sign-in. Server-only: never reachable
 * over HTTP, only through `lib.api` after the desk's WebAuthn check.
 */
const passkeySessions = () =>
  ({
    id: 'tresen-passkey-sessions',
    endpoints: {
      startPasskeySession: createAuthEndpoint.serverOnly(
        { method: 'POST', body: z.object({ userId: z.string() }) },
        async (ctx) => {
          const user = await ctx.context.internalAdapter.findUserById(ctx.body.userId)
          if (!user) throw new Error('passkey session: no such user')
          const session = await ctx.context.internalAdapter.createSession(user.id)
          await setSessionCookie(ctx, { session, user })
          return ctx.json({ token: session.token })
        },
      ),
    },
  }) as const

/**
 * The auth library: email/password sign-in, database sessions in `auth_sessions`, the session
 * cookie (HTTP-only, SameSite=Lax, Secure behind https), password change ending other sessions,
 * and the two-factor plugin (TOTP with encrypted secrets and recovery codes).
 */
export const createAuthLib = (opts: { db: Db; secret: string; publicUrl: string }) =>
  betterAuth({
    ...shared(opts),
    basePath: '/api/v1/auth',
    database: adapter(opts.db),
    plugins: [
      twoFactor({
        issuer: 'Tresen',
        twoFactorCookieMaxAge: TWO_FACTOR_CHALLENGE_SECONDS,
        backupCodeOptions: { amount: 10, length: 10, storeBackupCodes: 'encrypted' },
      }),
      passkeySessions(),
    ],
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: 12,
      maxPasswordLength: 256,
      password: {
        hash: hashPassword,
        verify: ({ hash: digest, password }) => verifyPassword(digest, password),
      },
    },
    // Sign-in attempts are limited by the desk itself, atomically in PostgreSQL (see auth.service.ts).
    user: { additionalFields: userFields },
  })

export type AuthLib = ReturnType<typeof createAuthLib>

/** What the desk decides during one SSO callback, through the library's hooks. */
export type SsoHooks = {
  /** The verified claims of the provider (ID token or userinfo). */
  profile: (claims: Record<string, unknown>) => Promise<void> | void
  /** A new staff user is about to be created: false refuses, else the fields to set. */
  beforeUserCreate: (user: { email: string }) => Promise<false | Record<string, unknown>>
  /** An account (the link to the provider) is about to be created; false refuses. */
  beforeAccountCreate: (account: { userId: string }) => Promise<boolean>
  /** A session is about to start; false refuses. */
  beforeSessionCreate: (session: { userId: string }) => Promise<boolean>
}

export type SsoProviderConfig = {
  id: string
  issuer: string
  clientId: string
  clientSecret?: string
  scopes: string[]
  jitEnabled: boolean
  trustEmails: boolean
}

/** Where providers send people back to (register it at the provider). */
export const ssoRedirectUri = (publicUrl: string, providerId: string) =>
  `${publicUrl.replace(/\/$/, '')}/api/v1/auth/sso/callback/${providerId}`

/**
 * An instance of the library for one OpenID Connect provider (generic OAuth plugin: discovery,
 * PKCE, state, nonce, ID token verification against the provider's keys). It shares the
 * database, secret and cookies with the main instance, so its sessions are ordinary sessions.
 * One instance per provider configuration, since the plugin reads its providers at start.
 */
export const createSsoLib = (
  opts: { db: Db; secret: string; publicUrl: string },
  provider: SsoProviderConfig,
  hooks: SsoHooks,
) =>
  betterAuth({
    ...shared(opts),
    basePath: '/api/v1/auth/sso',
    database: adapter(opts.db),
    user: { additionalFields: userFields },
    account: {
      accountLinking: {
        enabled: true,
        // An existing staff user is matched by an address the provider vouches for.
        trustedProviders: provider.trustEmails ? [provider.id] : [],
        requireLocalEmailVerified: false,
      },
    },
    plugins: [
      genericOAuth({
        config: [
          {
            providerId: provider.id,
            discoveryUrl: `${provider.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
            clientId: provider.clientId,
            clientSecret: provider.clientSecret,
            scopes: provider.scopes,
            pkce: true,
            requireIdTokenVerification: true,
            disableSignUp: !provider.jitEnabled,
            mapProfileToUser: async (claims) => {
              await hooks.profile(claims as Record<string, unknown>)
              return {}
            },
          },
        ],
      }),
    ],
    databaseHooks: {
      user: {
        create: {
          before: async (user) => {
            const result = await hooks.beforeUserCreate(user)
            return result === false ? false : { data: { ...user, ...result } }
          },
        },
      },
      account: {
        create: {
          before: async (account) => ((await hooks.beforeAccountCreate(account)) ? undefined : false),
        },
      },
      session: {
        create: {
          before: async (session) =>
            (await hooks.beforeSessionCreate(session))
              ? { data: { ...session, signInMethod: 'sso' } }
              : false,
        },
      },
    },
  })

export type SsoLib = ReturnType<typeof createSsoLib>
