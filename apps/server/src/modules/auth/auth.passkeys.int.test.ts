import * as OTPAuth from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, startTestApp, type TestApp } from '../../../test/harness.ts'
import { softwareAuthenticator } from '../../../test/software-authenticator.ts'

// The WebAuthn ceremonies run against the desk's real verification; the authenticator is
// software (test/software-authenticator.ts) and builds what a platform authenticator sends.

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t?.close())

const ORIGIN = 'http://localhost:8080'
type Staff = Awaited<ReturnType<TestApp['buildStaff']>>

const auditOf = async (staffId: string, action: string) =>
  (
    await t.database.pool.query(
      'SELECT action, after FROM audit_records WHERE target_id = $1 AND action = $2 ORDER BY seq',
      [staffId, action],
    )
  ).rows

/** Registers a passkey of a software authenticator through the API, signed in with the password. */
const register = async (person: Staff, name = 'Laptop') => {
  const s = await signIn(t.app, person.email, person.password)
  const device = softwareAuthenticator({ origin: ORIGIN })
  const options = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/passkeys/options',
    headers: s.headers,
    payload: { password: person.password },
  })
  expect(options.statusCode).toBe(200)
  const { challengeId, options: o } = options.json()
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/passkeys',
    headers: s.headers,
    payload: { challengeId, name, credential: device.create(o) },
  })
  expect(created.statusCode).toBe(201)
  return { device, session: s, passkey: created.json() }
}

const passkeySignIn = async (
  device: ReturnType<typeof softwareAuthenticator>,
  override: { origin?: string; userVerified?: boolean } = {},
) => {
  const options = await t.app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' })
  expect(options.statusCode).toBe(200)
  const { challengeId, options: o } = options.json()
  const credential = device.get(o, override)
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/passkey/sign-in',
    payload: { challengeId, credential },
  })
  return { res, challengeId, credential }
}

const cookieOf = (res: Awaited<ReturnType<TestApp['app']['inject']>>) =>
  res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')

const setPolicy = (admin: Staff, policy: { requireTwoFactor: boolean; ssoOnly: boolean }) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/sign-in-policies',
    headers: admin.headers,
    payload: { policies: [{ role: 'agent', ...policy }] },
  })

describe('passkeys', () => {
  it('registers a named passkey (password required), lists it and signs in with it', async () => {
    const agent = await t.buildStaff()
    const s = await signIn(t.app, agent.email, agent.password)
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/passkeys/options',
      headers: s.headers,
      payload: { password: 'not-my-password' },
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().code).toBe('auth.wrong_password')

    const { device, passkey } = await register(agent, 'YubiKey im Büro')
    expect(passkey).toMatchObject({ name: 'YubiKey im Büro', deviceType: 'singleDevice', lastUsedAt: null })
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/passkeys', headers: agent.headers })
    expect(list.json()).toEqual([passkey])
    const options = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/passkeys/options',
        headers: s.headers,
        payload: { password: agent.password },
      })
    ).json().options
    // The relying party is the public URL's host; known passkeys are not offered twice.
    expect(options.rp).toEqual({ name: 'Tresen', id: 'localhost' })
    expect(options.excludeCredentials).toEqual([
      expect.objectContaining({ id: device.credentialId, transports: ['internal'] }),
    ])

    const { res } = await passkeySignIn(device)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ user: { email: agent.email }, signInMethod: 'passkey' })
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: cookieOf(res) },
    })
    expect(me.json()).toMatchObject({ user: { id: agent.id }, signInMethod: 'passkey' })
    const csrf = res.json().csrfToken as string
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: { cookie: cookieOf(res), 'x-csrf-token': csrf },
      payload: { name: 'from a passkey session' },
    })
    expect(changed.statusCode).toBe(201)

    expect(await auditOf(agent.id, 'auth.passkey_registered')).toEqual([
      {
        action: 'auth.passkey_registered',
        after: { passkeyId: passkey.id, name: 'YubiKey im Büro', deviceType: 'singleDevice' },
      },
    ])
    expect((await auditOf(agent.id, 'auth.signed_in')).at(-1).after).toEqual({
      method: 'passkey',
      passkeyId: passkey.id,
    })
    const used = await t.app.inject({ method: 'GET', url: '/api/v1/me/passkeys', headers: agent.headers })
    expect(used.json()[0].lastUsedAt).toEqual(expect.any(String))
  })

  it('removes a passkey; another person’s or an unknown one is not found; a removed one signs nobody in', async () => {
    const agent = await t.buildStaff()
    const other = await t.buildStaff()
    const { device, passkey } = await register(agent)
    const s = await signIn(t.app, other.email, other.password)
    const foreign = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/passkeys/${passkey.id}`,
      headers: s.headers,
    })
    expect(foreign.statusCode).toBe(404)
    expect(foreign.json().code).toBe('passkey.not_found')
    const bad = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/me/passkeys/not-a-uuid',
      headers: s.headers,
    })
    expect(bad.statusCode).toBe(400)
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/passkeys/${passkey.id}`,
      headers: agent.headers,
    })
    expect(removed.statusCode).toBe(204)
    expect(await auditOf(agent.id, 'auth.passkey_removed')).toHaveLength(1)
    const { res } = await passkeySignIn(device)
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.passkey_failed')
    const failed = await t.database.pool.query(
      "SELECT after FROM audit_records WHERE action = 'auth.sign_in_failed' AND actor_label = 'passkey' ORDER BY seq DESC LIMIT 1",
    )
    expect(failed.rows[0].after).toEqual({ method: 'passkey', reason: 'unknown_passkey' })
  })

  it('refuses a replayed answer, another origin, no user verification and a bad body', async () => {
    const agent = await t.buildStaff()
    const { device, passkey } = await register(agent)
    const first = await passkeySignIn(device)
    expect(first.res.statusCode).toBe(200)
    // The same answer again: its challenge was taken.
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/passkey/sign-in',
      payload: { challengeId: first.challengeId, credential: first.credential },
    })
    expect(replay.statusCode).toBe(401)
    expect(replay.json().code).toBe('auth.passkey_failed')
    const phished = await passkeySignIn(device, { origin: 'https://tresen.example.evil' })
    expect(phished.res.statusCode).toBe(401)
    const unverified = await passkeySignIn(device, { userVerified: false })
    expect(unverified.res.statusCode).toBe(401)
    const reasons = (await auditOf(agent.id, 'auth.sign_in_failed')).map((r) => r.after)
    expect(reasons).toEqual([
      { method: 'passkey', reason: 'challenge_ended', passkeyId: passkey.id },
      { method: 'passkey', reason: 'verification_failed', passkeyId: passkey.id },
      { method: 'passkey', reason: 'verification_failed', passkeyId: passkey.id },
    ])
    const garbage = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/passkey/sign-in',
      payload: { challengeId: first.challengeId, credential: { id: 'x' } },
    })
    expect(garbage.statusCode).toBe(400)
    expect(garbage.json().code).toBe('request.invalid')
  })

  it('refuses a registration answer for another origin or a used challenge', async () => {
    const agent = await t.buildStaff()
    const s = await signIn(t.app, agent.email, agent.password)
    const device = softwareAuthenticator({ origin: ORIGIN })
    const start = async () =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/passkeys/options',
          headers: s.headers,
          payload: { password: agent.password },
        })
      ).json()
    const a = await start()
    const phished = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/passkeys',
      headers: s.headers,
      payload: {
        challengeId: a.challengeId,
        name: 'x',
        credential: device.create(a.options, { origin: 'https://evil.test' }),
      },
    })
    expect(phished.statusCode).toBe(400)
    expect(phished.json().code).toBe('passkey.registration_failed')
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/passkeys',
      headers: s.headers,
      payload: { challengeId: a.challengeId, name: 'x', credential: device.create(a.options) },
    })
    expect(again.statusCode).toBe(400)
    // Without a session nothing can be registered.
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/me/passkeys' })
    expect(anonymous.statusCode).toBe(401)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me/passkeys', headers: agent.headers })).json(),
    ).toEqual([])
  })

  it('satisfies a role’s two-factor requirement: a passkey is phishing-resistant multi-factor', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const agent = await t.buildStaff()
    const { device } = await register(agent)
    expect((await setPolicy(admin, { requireTwoFactor: true, ssoOnly: false })).statusCode).toBe(200)
    try {
      const { res } = await passkeySignIn(device)
      expect(res.statusCode).toBe(200)
      expect(res.json().twoFactor).toEqual({ enabled: false, required: true, enrolmentRequired: false })
      const teams = await t.app.inject({
        method: 'GET',
        url: '/api/v1/teams',
        headers: { cookie: cookieOf(res) },
      })
      expect(teams.statusCode).toBe(200)
    } finally {
      await setPolicy(admin, { requireTwoFactor: false, ssoOnly: false })
    }
  })

  it('refuses passkey sign-in for a role that signs in with SSO only, as password sign-in is', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const agent = await t.buildStaff()
    const { device } = await register(agent)
    const adminKey = await register(admin)
    await setPolicy(admin, { requireTwoFactor: false, ssoOnly: true })
    try {
      const { res } = await passkeySignIn(device)
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('auth.sso_required')
      expect(res.cookies.filter((c) => c.name === 'tresen.session_token' && c.value)).toHaveLength(0)
      expect((await auditOf(agent.id, 'auth.sign_in_failed')).at(-1).after).toMatchObject({
        method: 'passkey',
        reason: 'sso_required',
      })
      // Registering one is refused as well.
      const s = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/passkeys/options',
        headers: agent.headers,
        payload: { password: agent.password },
      })
      expect(s.json().code).toBe('auth.sso_required')
      // Admins keep their way in.
      expect((await passkeySignIn(adminKey.device)).res.statusCode).toBe(200)
    } finally {
      await setPolicy(admin, { requireTwoFactor: false, ssoOnly: false })
    }
  })
})

describe('TOTP replay protection', () => {
  it('takes a code once: the same code again is refused and recorded', async () => {
    const agent = await t.buildStaff()
    const s = await signIn(t.app, agent.email, agent.password)
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/enrol',
      headers: s.headers,
      payload: { password: agent.password },
    })
    const totp = OTPAuth.URI.parse(started.json().totpUri) as OTPAuth.TOTP
    const enrolCode = totp.generate({ timestamp: Date.now() - 30_000 })
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/confirm',
      headers: s.headers,
      payload: { code: enrolCode },
    })
    expect(confirmed.statusCode).toBe(200)

    const twoSteps = async (code: string) => {
      const first = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: agent.email, password: agent.password },
      })
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in/two-factor',
        headers: { cookie: cookieOf(first) },
        payload: { code },
      })
    }
    // The enrolment's code was used once already.
    const reusedEnrolCode = await twoSteps(enrolCode)
    expect(reusedEnrolCode.statusCode).toBe(401)
    expect(reusedEnrolCode.json().code).toBe('auth.code_reused')
    const code = totp.generate()
    expect((await twoSteps(code)).statusCode).toBe(200)
    const replay = await twoSteps(code)
    expect(replay.statusCode).toBe(401)
    expect(replay.json().code).toBe('auth.code_reused')
    expect(replay.cookies.filter((c) => c.name === 'tresen.session_token' && c.value)).toHaveLength(0)
    const reused = (await auditOf(agent.id, 'auth.two_factor_failed')).filter(
      (r) => r.after.reason === 'code_reused',
    )
    expect(reused).toHaveLength(2)
    // The next code works.
    expect((await twoSteps(totp.generate({ timestamp: Date.now() + 30_000 }))).statusCode).toBe(200)
  })
})
