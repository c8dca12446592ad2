import { hash, verify } from '@node-rs/argon2'
import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import type { Db } from '../../platform/db.ts'
import { authAccounts, authSessions, authVerifications, staffUsers } from '../staff/index.ts'

export const SESSION_COOKIE_PREFIX = 'tresen'
export const SESSION_DAYS = 7

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: the OWASP baseline). */
export const hashPassword = (password: string) => hash(password, { algorithm: 2 })
export const verifyPassword = (digest: string, password: string) =>
  verify(digest, password).catch(() => false)

/**
 * The auth library: email/password sign-in, database sessions in `auth_sessions`, the session
 * cookie (HTTP-only, SameSite=Lax, Secure behind https), password change ending other sessions.
 */
export const createAuthLib = (opts: { db: Db; secret: string; publicUrl: string }) =>
  betterAuth({
    appName: 'Tresen',
    baseURL: opts.publicUrl,
    basePath: '/api/v1/auth',
    secret: opts.secret,
    trustedOrigins: [opts.publicUrl],
    database: drizzleAdapter(opts.db, {
      provider: 'pg',
      schema: {
        user: staffUsers,
        session: authSessions,
        account: authAccounts,
        verification: authVerifications,
      },
    }),
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
    user: {
      additionalFields: {
        role: { type: 'string', input: false },
        language: { type: 'string', input: false },
        active: { type: 'boolean', input: false },
      },
    },
    session: { expiresIn: SESSION_DAYS * 24 * 3600, updateAge: 24 * 3600 },
    // Sign-in attempts are limited by the desk itself, atomically in PostgreSQL (see auth.service.ts).
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: opts.publicUrl.startsWith('https://'),
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/' },
      database: { generateId: 'uuid' },
    },
  })

export type AuthLib = ReturnType<typeof createAuthLib>
