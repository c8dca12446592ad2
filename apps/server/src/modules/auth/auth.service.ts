import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Me } from '@tresen/contract'
import { APIError } from 'better-auth/api'
import type { Actor, Ctx, StaffRole } from '../../platform/context.ts'
import { inTransaction } from '../../platform/context.ts'
import type { Db, Queryable } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import { recordAudit, recordSignInEvent } from '../audit/index.ts'
import { findStaffByEmail } from '../staff/index.ts'
import type { AuthCache } from './auth.cache.ts'
import { type AuthLib, SESSION_COOKIE_PREFIX } from './auth.lib.ts'
import * as repo from './auth.repository.ts'
import { claimTotpCode } from './auth.totp-replay.ts'

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

/** Where a sign-in request came from, for the audit log. */
export type RequestOrigin = { ip: string; userAgent?: string }

/** Writes a sign-in event of the audit log (outside any command: the person may be unknown). */
export const signInEvent = (
  db: Queryable,
  origin: RequestOrigin,
  event: { action: string; staffId?: string | null; label: string; detail?: Record<string, unknown> },
) =>
  recordSignInEvent(db, {
    at: new Date(),
    ...event,
    ip: origin.ip,
    userAgent: origin.userAgent,
  })

export const labelOf = (staff: { name: string; email: string }) => `${staff.name} <${staff.email}>`

/** What sign-in requires of a role (nothing extra without a stored policy). */
export const policyOf = async (db: Queryable, role: StaffRole) => {
  const row = await repo.findPolicy(db, role)
  return {
    requireTwoFactor: row?.requireTwoFactor ?? false,
    // Admins always keep password sign-in: the way back in when single sign-on fails.
    ssoOnly: role !== 'admin' && (row?.ssoOnly ?? false),
  }
}

/** The two-factor state of a signed-in user, as the session answer tells it. */
export const twoFactorOf = async (db: Queryable, staff: StaffWithTeams, signInMethod: string) => {
  const policy = await policyOf(db, staff.role)
  return {
    enabled: staff.twoFactorEnabled,
    required: policy.requireTwoFactor,
    enrolmentRequired: policy.requireTwoFactor && !staff.twoFactorEnabled && signInMethod === 'password',
  }
}

export const toMe = (staff: StaffWithTeams): Me => ({
  id: staff.id,
  name: staff.name,
  email: staff.email,
  role: staff.role,
  language: staff.language,
  teams: staff.teams,
  escalationEmails: staff.escalationEmails,
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

/** The session token inside a set-cookie header of the library (signed, URL-encoded). */
export const sessionTokenFromCookies = (cookies: string[]) => {
  for (const c of cookies) {
    const m = /^(?:__Secure-)?tresen\.session_token=([^;]*)/.exec(c)
    if (m?.[1]) return decodeURIComponent(m[1]).split('.')[0]
  }
  return undefined
}

type SignInAnswer =
  | { cookies: string[]; info: { twoFactorRequired: true } }
  | { cookies: string[]; info: Awaited<ReturnType<typeof sessionInfo>> }

export const sessionInfo = async (
  deps: AuthDeps,
  staffId: string,
  token: string,
  signInMethod: 'password' | 'passkey' = 'password',
) => {
  const full = (await repo.loadStaffWithTeams(deps.db, staffId))!
  return {
    user: toMe(full),
    csrfToken: csrfTokenFor(deps.secret, token),
    twoFactor: await twoFactorOf(deps.db, full, signInMethod),
    signInMethod,
  }
}

/** Counts an attempt per account and per address; over the limit, refused (and the lockout recorded). */
export const countSignInAttempt = async (
  deps: AuthDeps,
  email: string,
  origin: RequestOrigin,
  staffId: string | null,
) => {
  const [perAccount, perAddress] = await Promise.all([
    repo.countAttempt(deps.db, `account:${email}`, WINDOW_SECONDS),
    repo.countAttempt(deps.db, `address:${origin.ip}`, WINDOW_SECONDS),
  ])
  if (perAccount > SIGN_IN_LIMITS.perAccount || perAddress > SIGN_IN_LIMITS.perAddress) {
    // Recorded once, when the limit is first passed, not for every refused attempt after it.
    if (perAccount === SIGN_IN_LIMITS.perAccount + 1 || perAddress === SIGN_IN_LIMITS.perAddress + 1) {
      await signInEvent(deps.db, origin, {
        action: 'auth.locked_out',
        staffId,
        label: email,
        detail: { limit: perAccount > SIGN_IN_LIMITS.perAccount ? 'account' : 'address' },
      })
    }
    throw new AppError('auth.too_many_attempts')
  }
}

/** A successful sign-in no longer counts against the account, and its address is forgiven one. */
export const forgiveSignIn = (deps: AuthDeps, email: string, ip: string) =>
  Promise.all([
    repo.clearAttempts(deps.db, `account:${email}`),
    repo.forgiveAttempt(deps.db, `address:${ip}`),
  ])

export const endPreviousSession = async (deps: AuthDeps, token?: string) => {
  if (!token) return
  await repo.deleteSessionByToken(deps.db, token)
  // Whose session it was is not known here (a shared browser): everyone's cached sign-ins go.
  await publishAuthChange(deps.db, {})
}

/**
 * Signs a staff user in. Attempts are counted per account and per address before the password
 * is checked, in one atomic statement each, so parallel guesses are limited as well as serial ones.
 * A session the client already had is ended: the session cookie is rotated at every sign-in.
 * With two-factor sign-in set up, the answer asks for the code (a challenge cookie carries the
 * state) and the session starts only with the second step.
 */
export const signIn = async (
  deps: AuthDeps,
  input: {
    email: string
    password: string
    ip: string
    userAgent?: string
    headers: Headers
    previousSessionToken?: string
  },
): Promise<SignInAnswer> => {
  const email = input.email.trim().toLowerCase()
  const origin = { ip: input.ip, userAgent: input.userAgent }
  const staff = await findStaffByEmail(deps.db, email)
  await countSignInAttempt(deps, email, origin, staff?.id ?? null)
  if (!staff?.active) {
    // Spend the same time as a real check so that unknown addresses cannot be told apart.
    await import('./auth.lib.ts').then((m) => m.hashPassword(input.password))
    await signInEvent(deps.db, origin, {
      action: 'auth.sign_in_failed',
      staffId: staff?.id ?? null,
      label: staff ? labelOf(staff) : email,
      detail: { reason: staff ? 'account_disabled' : 'unknown_address' },
    })
    throw new AppError('auth.invalid_credentials')
  }
  let result: Awaited<ReturnType<typeof callSignIn>>
  try {
    result = await callSignIn(deps, email, input.password, input.headers)
  } catch (err) {
    if (err instanceof APIError && err.statusCode < 500) {
      await signInEvent(deps.db, origin, {
        action: 'auth.sign_in_failed',
        staffId: staff.id,
        label: labelOf(staff),
        detail: { reason: 'wrong_password' },
      })
      throw new AppError('auth.invalid_credentials')
    }
    throw err
  }
  const response = result.response as { token?: string | null; twoFactorRedirect?: boolean }
  const policy = await policyOf(deps.db, staff.role)
  if (policy.ssoOnly) {
    // The password was right, so saying why is no leak; no session or challenge remains.
    if (response.token) await repo.deleteSessionByToken(deps.db, response.token)
    await signInEvent(deps.db, origin, {
      action: 'auth.sign_in_failed',
      staffId: staff.id,
      label: labelOf(staff),
      detail: { reason: 'sso_required' },
    })
    throw new AppError('auth.sso_required')
  }
  if (response.twoFactorRedirect) {
    // The account's count stays until the code is right too: password and code guesses share it.
    await repo.forgiveAttempt(deps.db, `address:${input.ip}`)
    await endPreviousSession(deps, input.previousSessionToken)
    return { cookies: setCookies(result.headers), info: { twoFactorRequired: true } }
  }
  // Only failures count against an address: a whole office signing in through one address (NAT)
  // in the morning must not lock itself out.
  await forgiveSignIn(deps, email, input.ip)
  await endPreviousSession(deps, input.previousSessionToken)
  await signInEvent(deps.db, origin, {
    action: 'auth.signed_in',
    staffId: staff.id,
    label: labelOf(staff),
    detail: { method: 'password' },
  })
  const token = response.token!
  return { cookies: setCookies(result.headers), info: await sessionInfo(deps, staff.id, token) }
}

/** The challenge record named by the two-factor cookie (signed `identifier.signature`). */
const challengeIdentifier = (cookieHeader: string | null) => {
  const value = cookieValue(cookieHeader, 'two_factor')
  if (!value) return undefined
  const decoded = decodeURIComponent(value)
  const dot = decoded.lastIndexOf('.')
  return dot > 0 ? decoded.slice(0, dot) : undefined
}

/**
 * The second step of a sign-in: the authenticator's code or a recovery code (which works once).
 * Wrong codes count against the account like wrong passwords; the library also ends a challenge
 * after five wrong codes and locks the second factor after ten in a row.
 */
export const signInSecondFactor = async (
  deps: AuthDeps,
  input: { code?: string; recoveryCode?: string; ip: string; userAgent?: string; headers: Headers },
) => {
  const origin = { ip: input.ip, userAgent: input.userAgent }
  const identifier = challengeIdentifier(input.headers.get('cookie'))
  const owner = identifier ? await repo.findChallengeUser(deps.db, identifier) : undefined
  if (!owner) throw new AppError('auth.two_factor_expired')
  const email = owner.email.toLowerCase()
  await countSignInAttempt(deps, email, origin, owner.id)
  const staff = (await repo.loadStaffWithTeams(deps.db, owner.id))!
  const kind = input.recoveryCode ? 'recovery_code' : 'totp'
  if (!input.recoveryCode) await claimTotpCode(deps, staff, input.code!, origin)
  let result: { headers: Headers; response: { token: string } }
  try {
    result = (input.recoveryCode
      ? await deps.lib.api.verifyBackupCode({
          body: { code: input.recoveryCode, trustDevice: false },
          headers: input.headers,
          returnHeaders: true,
        })
      : await deps.lib.api.verifyTOTP({
          body: { code: input.code!, trustDevice: false },
          headers: input.headers,
          returnHeaders: true,
        })) as unknown as { headers: Headers; response: { token: string } }
  } catch (err) {
    if (err instanceof APIError && err.statusCode < 500) {
      const expired = /cookie|too many attempts/i.test(err.message)
      await signInEvent(deps.db, origin, {
        action: 'auth.two_factor_failed',
        staffId: staff.id,
        label: labelOf(staff),
        detail: {
          method: kind,
          reason: expired ? 'challenge_ended' : err.statusCode === 429 ? 'locked' : 'wrong_code',
        },
      })
      if (err.statusCode === 429) throw new AppError('auth.too_many_attempts')
      throw new AppError(expired ? 'auth.two_factor_expired' : 'auth.invalid_code')
    }
    throw err
  }
  await forgiveSignIn(deps, email, input.ip)
  await signInEvent(deps.db, origin, {
    action: kind === 'totp' ? 'auth.two_factor_verified' : 'auth.recovery_code_used',
    staffId: staff.id,
    label: labelOf(staff),
  })
  await signInEvent(deps.db, origin, {
    action: 'auth.signed_in',
    staffId: staff.id,
    label: labelOf(staff),
    detail: { method: `password+${kind}` },
  })
  return {
    cookies: setCookies(result.headers),
    info: await sessionInfo(deps, staff.id, result.response.token),
  }
}

const callSignIn = (deps: AuthDeps, email: string, password: string, headers: Headers) =>
  deps.lib.api.signInEmail({ body: { email, password, rememberMe: true }, headers, returnHeaders: true })

export type Authenticated = {
  actor: Extract<Actor, { kind: 'staff' }>
  staff: StaffWithTeams
  via: 'session' | 'token'
  sessionToken?: string
  /** How the session began ('password' or 'sso'); 'token' for API tokens. */
  signInMethod: string
  /** The role requires two-factor sign-in and none is set up: only enrolment is allowed. */
  enrolmentRequired: boolean
  cookies?: string[]
}

export const hashApiToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** A cookie of the library's (signed value), whichever of its two names the browser sent. */
const cookieValue = (cookieHeader: string | null, suffix: string) => {
  if (!cookieHeader) return undefined
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    const name = part.slice(0, eq).trim()
    if (
      name === `${SESSION_COOKIE_PREFIX}.${suffix}` ||
      name === `__Secure-${SESSION_COOKIE_PREFIX}.${suffix}`
    )
      return part.slice(eq + 1).trim()
  }
  return undefined
}
const sessionCookieValue = (cookieHeader: string | null) => cookieValue(cookieHeader, 'session_token')

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
    // API tokens keep working when a role starts to require two-factor sign-in: they were made
    // in a signed-in session, and revoking them is the way to end them.
    const auth: Authenticated = {
      actor: toActor(staff) as Authenticated['actor'],
      staff,
      via: 'token',
      signInMethod: 'token',
      enrolmentRequired: false,
    }
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
  const signInMethod = (session.session as { signInMethod?: string }).signInMethod ?? 'password'
  const auth: Authenticated = {
    actor: toActor(staff) as Authenticated['actor'],
    staff,
    via: 'session',
    sessionToken: session.session.token,
    signInMethod,
    enrolmentRequired: staff.twoFactorEnabled
      ? false
      : (await twoFactorOf(deps.db, staff, signInMethod)).enrolmentRequired,
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
export const createApiToken = (ctx: Ctx, staffId: string, name: string) =>
  inTransaction(ctx, async (ctx) => {
    const token = `tresen_${randomBytes(32).toString('base64url')}`
    const row = await repo.insertToken(ctx.db, {
      staffId,
      name,
      tokenHash: hashApiToken(token),
      prefix: token.slice(0, 14),
    })
    await recordAudit(ctx, {
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: row.id,
      targetLabel: name,
      after: { name, prefix: row.prefix, staffId },
    })
    return { ...presentToken(row), token }
  })

export const listApiTokens = async (ctx: Ctx, staffId: string) =>
  (await repo.listTokens(ctx.db, staffId)).map(presentToken)

export const revokeApiToken = (ctx: Ctx, staffId: string, id: string) =>
  inTransaction(ctx, async (ctx) => {
    const token = await repo.findToken(ctx.db, staffId, id)
    if (!token || !(await repo.revokeToken(ctx.db, staffId, id, ctx.clock.now())))
      throw new AppError('token.not_found')
    await recordAudit(ctx, {
      action: 'api_token.revoked',
      targetType: 'api_token',
      targetId: id,
      targetLabel: token.name,
      before: { name: token.name, prefix: token.prefix, staffId },
    })
    await publishAuthChange(ctx.db, { staffId })
  })
