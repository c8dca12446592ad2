import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Me } from '@tresen/contract'
import { APIError } from 'better-auth/api'
import type { Actor, Ctx } from '../../platform/context.ts'
import type { Db } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import { findStaffByEmail } from '../staff/index.ts'
import type { AuthCache } from './auth.cache.ts'
import { type AuthLib, SESSION_COOKIE_PREFIX } from './auth.lib.ts'
import * as repo from './auth.repository.ts'

export type AuthDeps = { lib: AuthLib; db: Db; secret: string }

const WINDOW_SECONDS = 15 * 60
/** Attempts allowed per window for one account and for one client address. */
export const SIGN_IN_LIMITS = { perAccount: 10, perAddress: 50 }

type StaffWithTeams = NonNullable<Awaited<ReturnType<typeof repo.loadStaffWithTeams>>>

export const toActor = (staff: StaffWithTeams): Actor => ({
  kind: 'staff',
  id: staff.id,
  role: staff.role,
  teamIds: staff.teams.map((t) => t.id),
  supervisedTeamIds: staff.teams.filter((t) => t.role === 'supervisor').map((t) => t.id),
})

export const toMe = (staff: StaffWithTeams): Me => ({
  id: staff.id,
  name: staff.name,
  email: staff.email,
  role: staff.role,
  language: staff.language,
  teams: staff.teams,
})

/** The CSRF token of a cookie session: an HMAC of the session token, so it needs no storage. */
export const csrfTokenFor = (secret: string, sessionToken: string) =>
  createHmac('sha256', secret).update(`csrf:${sessionToken}`).digest('base64url')

export const csrfTokenMatches = (secret: string, sessionToken: string, given: string | undefined) => {
  if (!given) return false
  const expected = Buffer.from(csrfTokenFor(secret, sessionToken))
  const actual = Buffer.from(given)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

const setCookies = (headers: Headers) => headers.getSetCookie()

/**
 * Signs a staff user in. Attempts are counted per account and per address before the password
 * is checked, in one atomic statement each, so parallel guesses are limited as well as serial ones.
 * A session the client already had is ended: the session cookie is rotated at every sign-in.
 */
export const signIn = async (
  deps: AuthDeps,
  input: { email: string; password: string; ip: string; headers: Headers; previousSessionToken?: string },
) => {
  const email = input.email.trim().toLowerCase()
  const [perAccount, perAddress] = await Promise.all([
    repo.countAttempt(deps.db, `account:${email}`, WINDOW_SECONDS),
    repo.countAttempt(deps.db, `address:${input.ip}`, WINDOW_SECONDS),
  ])
  if (perAccount > SIGN_IN_LIMITS.perAccount || perAddress > SIGN_IN_LIMITS.perAddress) {
    throw new AppError('auth.too_many_attempts')
  }
  const staff = await findStaffByEmail(deps.db, email)
  if (!staff?.active) {
    // Spend the same time as a real check so that unknown addresses cannot be told apart.
    await import('./auth.lib.ts').then((m) => m.hashPassword(input.password))
    throw new AppError('auth.invalid_credentials')
  }
  let result: Awaited<ReturnType<typeof callSignIn>>
  try {
    result = await callSignIn(deps, email, input.password, input.headers)
  } catch (err) {
    if (err instanceof APIError && err.statusCode < 500) throw new AppError('auth.invalid_credentials')
    throw err
  }
  // Only failures count against an address: a whole office signing in through one address (NAT)
  // in the morning must not lock itself out.
  await Promise.all([
    repo.clearAttempts(deps.db, `account:${email}`),
    repo.forgiveAttempt(deps.db, `address:${input.ip}`),
  ])
  if (input.previousSessionToken) {
    await repo.deleteSessionByToken(deps.db, input.previousSessionToken)
    // Whose session it was is not known here (a shared browser): everyone's cached sign-ins go.
    await publishAuthChange(deps.db, {})
  }
  const token = result.response.token
  const full = await repo.loadStaffWithTeams(deps.db, staff.id)
  return {
    cookies: setCookies(result.headers),
    info: { user: toMe(full!), csrfToken: csrfTokenFor(deps.secret, token) },
  }
}

const callSignIn = (deps: AuthDeps, email: string, password: string, headers: Headers) =>
  deps.lib.api.signInEmail({ body: { email, password, rememberMe: true }, headers, returnHeaders: true })

export type Authenticated = {
  actor: Extract<Actor, { kind: 'staff' }>
  staff: StaffWithTeams
  via: 'session' | 'token'
  sessionToken?: string
  cookies?: string[]
}

export const hashApiToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** The session cookie's value (signed token), whichever of its two names the browser sent. */
const sessionCookieValue = (cookieHeader: string | null) => {
  if (!cookieHeader) return undefined
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    const name = part.slice(0, eq).trim()
    if (
      name === `${SESSION_COOKIE_PREFIX}.session_token` ||
      name === `__Secure-${SESSION_COOKIE_PREFIX}.session_token`
    )
      return part.slice(eq + 1).trim()
  }
  return undefined
}

/**
 * Finds who is calling: a Bearer API token or the session cookie. Undefined when nobody valid.
 * With a cache, a credential seen a moment ago is not looked up again (see auth.cache.ts).
 */
export const authenticate = async (
  deps: AuthDeps,
  headers: Headers,
  now: Date,
  cache?: AuthCache,
): Promise<Authenticated | undefined> => {
  const authz = headers.get('authorization')
  if (authz) {
    const match = /^Bearer\s+(\S+)$/i.exec(authz)
    if (!match) return undefined
    const tokenHash = hashApiToken(match[1]!)
    const cached = cache?.get(`t:${tokenHash}`)
    if (cached) return cached
    const found = await repo.loadStaffByTokenHash(deps.db, tokenHash)
    if (!found?.staff.active) return undefined
    const staff = found.staff
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
      await repo.touchToken(deps.db, found.tokenId, now)
    }
    const auth: Authenticated = { actor: toActor(staff) as Authenticated['actor'], staff, via: 'token' }
    cache?.set(`t:${tokenHash}`, auth)
    return auth
  }
  const cookie = sessionCookieValue(headers.get('cookie'))
  if (!cookie) return undefined
  const key = `s:${createHash('sha256').update(cookie).digest('hex')}`
  const cached = cache?.get(key)
  if (cached) return cached
  const result = await deps.lib.api.getSession({ headers, returnHeaders: true })
  const session = result.response
  if (!session) return undefined
  const staff = await repo.loadStaffWithTeams(deps.db, session.user.id)
  if (!staff?.active) return undefined
  const auth: Authenticated = {
    actor: toActor(staff) as Authenticated['actor'],
    staff,
    via: 'session',
    sessionToken: session.session.token,
    cookies: setCookies(result.headers),
  }
  cache?.set(key, auth)
  return auth
}

export const signOut = async (deps: AuthDeps, headers: Headers, staffId: string) => {
  const result = await deps.lib.api.signOut({ headers, returnHeaders: true })
  await publishAuthChange(deps.db, { staffId })
  return setCookies(result.headers)
}

/** Changes the caller's password and ends every other session of theirs. */
export const changePassword = async (
  deps: AuthDeps,
  headers: Headers,
  input: { currentPassword: string; newPassword: string },
  staffId: string,
) => {
  try {
    const result = await deps.lib.api.changePassword({
      body: { ...input, revokeOtherSessions: true },
      headers,
      returnHeaders: true,
    })
    await publishAuthChange(deps.db, { staffId })
    const token = result.response.token
    return {
      cookies: setCookies(result.headers),
      csrfToken: token ? csrfTokenFor(deps.secret, token) : undefined,
    }
  } catch (err) {
    if (err instanceof APIError && err.statusCode < 500) {
      if (/password/i.test(err.message) && /short|long/i.test(err.message))
        throw new AppError('auth.weak_password')
      throw new AppError('auth.wrong_password')
    }
    throw err
  }
}

const presentToken = (t: Awaited<ReturnType<typeof repo.insertToken>>) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
})

/** Creates a personal API token; the token itself is returned once and only its hash is stored. */
export const createApiToken = async (ctx: Ctx, staffId: string, name: string) => {
  const token = `tresen_${randomBytes(32).toString('base64url')}`
  const row = await repo.insertToken(ctx.db, {
    staffId,
    name,
    tokenHash: hashApiToken(token),
    prefix: token.slice(0, 14),
  })
  return { ...presentToken(row), token }
}

export const listApiTokens = async (ctx: Ctx, staffId: string) =>
  (await repo.listTokens(ctx.db, staffId)).map(presentToken)

export const revokeApiToken = async (ctx: Ctx, staffId: string, id: string) => {
  if (!(await repo.revokeToken(ctx.db, staffId, id, ctx.clock.now()))) throw new AppError('token.not_found')
  await publishAuthChange(ctx.db, { staffId })
}
