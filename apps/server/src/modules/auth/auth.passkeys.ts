import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server'
import type { PasskeyCredential, RegisterPasskeyInput } from '@tresen/contract'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import { verifyPassword } from './auth.lib.ts'
import * as repo from './auth.repository.ts'
import {
  type AuthDeps,
  type Authenticated,
  countSignInAttempt,
  endPreviousSession,
  forgiveSignIn,
  labelOf,
  policyOf,
  type RequestOrigin,
  SIGN_IN_LIMITS,
  sessionInfo,
  sessionTokenFromCookies,
  signInEvent,
} from './auth.service.ts'

// Passkeys (WebAuthn) with @simplewebauthn/server: the desk keeps the credentials and the
// challenges, verifies every ceremony itself, and lets the auth library start the session.
// Passkey sign-in is the whole sign-in: a passkey is possession of a device key plus the
// device's own user verification (PIN or biometrics), so it counts as two factors.

type Caller = { auth: Authenticated; headers: Headers; origin: RequestOrigin }

/** The relying party: the host and origin of the desk's public URL (TRESEN_PUBLIC_URL). */
export const relyingParty = (publicUrl: string) => {
  const url = new URL(publicUrl)
  return { id: url.hostname, origin: url.origin, name: 'Tresen' }
}

const rpOf = (deps: AuthDeps) => relyingParty(String(deps.lib.options.baseURL))

const fromBase64url = (value: string) => new Uint8Array(Buffer.from(value, 'base64url'))
const toBase64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

const present = (row: repo.PasskeyRow) => ({
  id: row.id,
  name: row.name,
  deviceType: row.deviceType as 'singleDevice' | 'multiDevice',
  backedUp: row.backedUp,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
})

export const listPasskeys = async (deps: AuthDeps, auth: Authenticated) =>
  (await repo.listPasskeys(deps.db, auth.staff.id)).map(present)

/**
 * Options for registering a new passkey. The password is asked for first: a passkey signs in on
 * its own, so a session left open on a shared computer must not be enough to add one.
 */
export const startRegistration = async (deps: AuthDeps, caller: Caller, password: string) => {
  const staff = caller.auth.staff
  if ((await policyOf(deps.db, staff.role)).ssoOnly) throw new AppError('auth.sso_required')
  const count = await repo.countAttempt(deps.db, `password:${staff.id}`, 15 * 60)
  if (count > SIGN_IN_LIMITS.perAccount) throw new AppError('auth.too_many_attempts')
  const digest = await repo.findPasswordHash(deps.db, staff.id)
  if (!digest || !(await verifyPassword(digest, password))) throw new AppError('auth.wrong_password')
  const rp = rpOf(deps)
  const existing = await repo.listPasskeys(deps.db, staff.id)
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: staff.email,
    userDisplayName: staff.name,
    userID: new TextEncoder().encode(staff.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.credentialId,
      transports: p.transports as AuthenticatorTransportFuture[],
    })),
    // Discoverable, so that sign-in needs no address; user verification, so it is two factors.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  })
  const challengeId = await repo.insertChallenge(deps.db, {
    challenge: options.challenge,
    purpose: 'registration',
    staffId: staff.id,
  })
  return { challengeId, options: options as unknown as Record<string, unknown> }
}

/** Verifies the authenticator's answer and stores the passkey under the given name. */
export const finishRegistration = async (deps: AuthDeps, caller: Caller, input: RegisterPasskeyInput) => {
  const staff = caller.auth.staff
  const challenge = await repo.takeChallenge(deps.db, input.challengeId, 'registration', staff.id)
  if (!challenge) throw new AppError('passkey.registration_failed')
  const rp = rpOf(deps)
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>
  try {
    verified = await verifyRegistrationResponse({
      response: input.credential as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    })
  } catch (err) {
    // The library says what did not match (origin, challenge, user verification): worth telling.
    throw new AppError('passkey.registration_failed', err instanceof Error ? err.message : undefined)
  }
  if (!verified.verified || !verified.registrationInfo) throw new AppError('passkey.registration_failed')
  const info = verified.registrationInfo
  if (await repo.findPasskeyByCredential(deps.db, info.credential.id))
    throw new AppError('passkey.registration_failed')
  const row = await repo.insertPasskey(deps.db, {
    staffId: staff.id,
    name: input.name,
    credentialId: info.credential.id,
    publicKey: toBase64url(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    aaguid: info.aaguid,
  })
  await signInEvent(deps.db, caller.origin, {
    action: 'auth.passkey_registered',
    staffId: staff.id,
    label: labelOf(staff),
    detail: { passkeyId: row.id, name: row.name, deviceType: row.deviceType },
  })
  return present(row)
}

/** Removes a passkey of the caller's; someone else's is as unknown as a missing one. */
export const removePasskey = async (deps: AuthDeps, caller: Caller, id: string) => {
  const row = await repo.deletePasskey(deps.db, caller.auth.staff.id, id)
  if (!row) throw new AppError('passkey.not_found')
  await signInEvent(deps.db, caller.origin, {
    action: 'auth.passkey_removed',
    staffId: caller.auth.staff.id,
    label: labelOf(caller.auth.staff),
    detail: { passkeyId: row.id, name: row.name },
  })
}

/** Options for a passkey sign-in: no address asked, the browser offers the passkeys it has. */
export const startSignIn = async (deps: AuthDeps) => {
  const options = await generateAuthenticationOptions({
    rpID: rpOf(deps).id,
    userVerification: 'required',
  })
  const challengeId = await repo.insertChallenge(deps.db, {
    challenge: options.challenge,
    purpose: 'sign_in',
  })
  return { challengeId, options: options as unknown as Record<string, unknown> }
}

/**
 * Signs in with a passkey. Attempts count like password attempts (per address, and per account
 * once the passkey names one). A role that signs in with single sign-on only is refused, as its
 * password sign-in is; an admin never is. The session needs no second factor.
 */
export const signInWithPasskey = async (
  deps: AuthDeps,
  input: {
    challengeId: string
    credential: PasskeyCredential
    origin: RequestOrigin
    headers: Headers
    previousSessionToken?: string
  },
) => {
  const { origin } = input
  const challenge = await repo.takeChallenge(deps.db, input.challengeId, 'sign_in')
  const passkey = await repo.findPasskeyByCredential(deps.db, input.credential.id)
  const owner = passkey ? await repo.loadStaffWithTeams(deps.db, passkey.staffId) : undefined
  if (!owner) {
    const count = await repo.countAttempt(deps.db, `address:${origin.ip}`, 15 * 60)
    if (count > SIGN_IN_LIMITS.perAddress) throw new AppError('auth.too_many_attempts')
    await signInEvent(deps.db, origin, {
      action: 'auth.sign_in_failed',
      label: 'passkey',
      detail: { method: 'passkey', reason: 'unknown_passkey' },
    })
    throw new AppError('auth.passkey_failed')
  }
  const email = owner.email.toLowerCase()
  await countSignInAttempt(deps, email, origin, owner.id)
  const fail = async (reason: string): Promise<never> => {
    await signInEvent(deps.db, origin, {
      action: 'auth.sign_in_failed',
      staffId: owner.id,
      label: labelOf(owner),
      detail: { method: 'passkey', reason, passkeyId: passkey!.id },
    })
    throw new AppError(reason === 'sso_required' ? 'auth.sso_required' : 'auth.passkey_failed')
  }
  if (!challenge) return fail('challenge_ended')
  if (!owner.active) return fail('account_disabled')
  const rp = rpOf(deps)
  let newCounter: number
  try {
    const result = await verifyAuthenticationResponse({
      response: input.credential as unknown as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: passkey!.credentialId,
        publicKey: fromBase64url(passkey!.publicKey),
        counter: passkey!.counter,
        transports: passkey!.transports as AuthenticatorTransportFuture[],
      },
    })
    if (!result.verified) return await fail('verification_failed')
    newCounter = result.authenticationInfo.newCounter
  } catch (err) {
    if (err instanceof AppError) throw err
    // The library throws on every mismatch (challenge, origin, signature, counter going back).
    return fail('verification_failed')
  }
  // Checked after the passkey proved who it is, as the password is checked before saying so.
  if ((await policyOf(deps.db, owner.role)).ssoOnly) return fail('sso_required')
  await repo.touchPasskey(deps.db, passkey!.id, newCounter)
  const started = await deps.lib.api.startPasskeySession({
    body: { userId: owner.id },
    headers: input.headers,
    returnHeaders: true,
  })
  await forgiveSignIn(deps, email, origin.ip)
  await endPreviousSession(deps, input.previousSessionToken)
  await publishAuthChange(deps.db, { staffId: owner.id })
  await signInEvent(deps.db, origin, {
    action: 'auth.signed_in',
    staffId: owner.id,
    label: labelOf(owner),
    detail: { method: 'passkey', passkeyId: passkey!.id },
  })
  const cookies = started.headers.getSetCookie()
  const token = sessionTokenFromCookies(cookies) ?? started.response.token
  await repo.setSessionMethod(deps.db, token, 'passkey')
  return { cookies, info: await sessionInfo(deps, owner.id, token, 'passkey') }
}
