import { APIError } from 'better-auth/api'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import * as repo from './auth.repository.ts'
import {
  type AuthDeps,
  type Authenticated,
  csrfTokenFor,
  policyOf,
  type RequestOrigin,
  SIGN_IN_LIMITS,
  sessionTokenFromCookies,
  signInEvent,
} from './auth.service.ts'
import { claimTotpCode } from './auth.totp-replay.ts'

// Enrolling, confirming, disabling and new recovery codes of the caller, through the auth
// library's two-factor plugin. Each answer that rotates the session cookie carries its new CSRF token.

type Caller = { auth: Authenticated; headers: Headers; origin: RequestOrigin }

const labelOf = (caller: Caller) => `${caller.auth.staff.name} <${caller.auth.staff.email}>`

/** Password confirmations count like sign-in attempts, so a taken-over session cannot guess it. */
const countPasswordAttempt = async (deps: AuthDeps, caller: Caller) => {
  const count = await repo.countAttempt(deps.db, `password:${caller.auth.staff.id}`, 15 * 60)
  if (count > SIGN_IN_LIMITS.perAccount) throw new AppError('auth.too_many_attempts')
}

const libraryCall = async <T>(
  fn: () => Promise<T>,
  onClientError: (err: APIError) => never | Promise<never>,
): Promise<T> => {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof APIError && err.statusCode < 500) await onClientError(err)
    throw err
  }
}

const rotated = (deps: AuthDeps, headers: Headers) => {
  const cookies = headers.getSetCookie()
  const token = sessionTokenFromCookies(cookies)
  return { cookies, csrfToken: token ? csrfTokenFor(deps.secret, token) : undefined }
}

export const twoFactorStatus = async (deps: AuthDeps, auth: Authenticated) => {
  const [row, policy] = await Promise.all([
    repo.findTwoFactor(deps.db, auth.staff.id),
    policyOf(deps.db, auth.staff.role),
  ])
  return {
    enabled: auth.staff.twoFactorEnabled,
    required: policy.requireTwoFactor,
    pending: !!row && !row.verified,
  }
}

/**
 * Starts an enrolment: a new secret and recovery codes, shown once. Nothing changes at sign-in
 * until the first code confirms it. Starting again replaces an unconfirmed secret.
 */
export const startEnrolment = async (deps: AuthDeps, caller: Caller, password: string) => {
  if (caller.auth.staff.twoFactorEnabled) throw new AppError('auth.two_factor_already_enabled')
  await countPasswordAttempt(deps, caller)
  const result = await libraryCall(
    () => deps.lib.api.enableTwoFactor({ body: { password, issuer: 'Tresen' }, headers: caller.headers }),
    (err) => {
      if (/already/i.test(err.message)) throw new AppError('auth.two_factor_already_enabled')
      throw new AppError('auth.wrong_password')
    },
  )
  // A new secret: the steps used with the old one say nothing about its codes.
  await repo.clearTotpSteps(deps.db, caller.auth.staff.id)
  const { totpURI, backupCodes } = result as { totpURI: string; backupCodes: string[] }
  const secret = new URL(totpURI).searchParams.get('secret') ?? ''
  return { totpUri: totpURI, secret, recoveryCodes: backupCodes }
}

/** Confirms an enrolment with a first code: from now on, sign-in asks for a code. */
export const confirmEnrolment = async (deps: AuthDeps, caller: Caller, code: string) => {
  if (caller.auth.staff.twoFactorEnabled) throw new AppError('auth.two_factor_already_enabled')
  const row = await repo.findTwoFactor(deps.db, caller.auth.staff.id)
  if (!row) throw new AppError('auth.two_factor_not_enabled')
  const email = caller.auth.staff.email.toLowerCase()
  const count = await repo.countAttempt(deps.db, `account:${email}`, 15 * 60)
  if (count > SIGN_IN_LIMITS.perAccount) throw new AppError('auth.too_many_attempts')
  await claimTotpCode(deps, caller.auth.staff, code, caller.origin, 'enrolment')
  const result = await libraryCall(
    () => deps.lib.api.verifyTOTP({ body: { code }, headers: caller.headers, returnHeaders: true }),
    async (): Promise<never> => {
      await signInEvent(deps.db, caller.origin, {
        action: 'auth.two_factor_failed',
        staffId: caller.auth.staff.id,
        label: labelOf(caller),
        detail: { method: 'totp', reason: 'wrong_code', during: 'enrolment' },
      })
      throw new AppError('auth.invalid_code')
    },
  )
  await repo.clearAttempts(deps.db, `account:${email}`)
  await signInEvent(deps.db, caller.origin, {
    action: 'auth.two_factor_enrolled',
    staffId: caller.auth.staff.id,
    label: labelOf(caller),
    detail: { method: 'totp' },
  })
  await publishAuthChange(deps.db, { staffId: caller.auth.staff.id })
  return rotated(deps, result.headers)
}

/** Turns two-factor sign-in off (password required); its secret and recovery codes are deleted. */
export const disableTwoFactor = async (deps: AuthDeps, caller: Caller, password: string) => {
  if (!caller.auth.staff.twoFactorEnabled && !(await repo.findTwoFactor(deps.db, caller.auth.staff.id)))
    throw new AppError('auth.two_factor_not_enabled')
  await countPasswordAttempt(deps, caller)
  const result = await libraryCall(
    () => deps.lib.api.disableTwoFactor({ body: { password }, headers: caller.headers, returnHeaders: true }),
    () => {
      throw new AppError('auth.wrong_password')
    },
  )
  await signInEvent(deps.db, caller.origin, {
    action: 'auth.two_factor_disabled',
    staffId: caller.auth.staff.id,
    label: labelOf(caller),
  })
  await publishAuthChange(deps.db, { staffId: caller.auth.staff.id })
  return rotated(deps, result.headers)
}

/** New recovery codes (the old ones stop working), shown once. */
export const regenerateRecoveryCodes = async (deps: AuthDeps, caller: Caller, password: string) => {
  if (!caller.auth.staff.twoFactorEnabled) throw new AppError('auth.two_factor_not_enabled')
  await countPasswordAttempt(deps, caller)
  const result = await libraryCall(
    () => deps.lib.api.generateBackupCodes({ body: { password }, headers: caller.headers }),
    () => {
      throw new AppError('auth.wrong_password')
    },
  )
  await signInEvent(deps.db, caller.origin, {
    action: 'auth.recovery_codes_regenerated',
    staffId: caller.auth.staff.id,
    label: labelOf(caller),
  })
  return { recoveryCodes: (result as { backupCodes: string[] }).backupCodes }
}
