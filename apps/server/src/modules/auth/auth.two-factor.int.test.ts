import * as OTPAuth from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, startTestApp, type TestApp } from '../../../test/harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t?.close())

type Res = Awaited<ReturnType<TestApp['app']['inject']>>

/** A cookie jar: later answers replace earlier cookies of the same name; expired ones go. */
const jar = () => {
  const cookies = new Map<string, string>()
  return {
    take(res: Res) {
      for (const c of res.cookies) {
        const expired = (c.maxAge !== undefined && c.maxAge <= 0) || (c.expires && c.expires < new Date())
        if (expired || c.value === '') cookies.delete(c.name)
        else cookies.set(c.name, c.value)
      }
      return res
    },
    get header() {
      return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    },
    has: (name: string) => cookies.has(name),
  }
}

/** The current code of a TOTP URI (the code's own window, no waiting). */
const codeOf = (uri: string, at = Date.now()) =>
  (OTPAuth.URI.parse(uri) as OTPAuth.TOTP).generate({ timestamp: at })
/** The previous step's code (still accepted): enrolment takes it, so sign-in's current code is fresh. */
const enrolCodeOf = (uri: string) => codeOf(uri, Date.now() - 30_000)
const wrongCodeOf = (uri: string) => String((Number(codeOf(uri)) + 500_000) % 1_000_000).padStart(6, '0')

const auditOf = async (staffId: string, action: string) =>
  (
    await t.database.pool.query(
      'SELECT action, actor_label, target_label, after, ip FROM audit_records WHERE target_id = $1 AND action = $2 ORDER BY seq',
      [staffId, action],
    )
  ).rows

/** Signs in with the password and enrols TOTP through the API; returns the URI and recovery codes. */
const enrol = async (person: { email: string; password: string }) => {
  const s = await signIn(t.app, person.email, person.password)
  const started = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/two-factor/enrol',
    headers: s.headers,
    payload: { password: person.password },
  })
  expect(started.statusCode).toBe(200)
  const { totpUri, secret, recoveryCodes } = started.json()
  const confirmed = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/two-factor/confirm',
    headers: s.headers,
    payload: { code: enrolCodeOf(totpUri) },
  })
  expect(confirmed.statusCode).toBe(200)
  return { totpUri: totpUri as string, secret: secret as string, recoveryCodes: recoveryCodes as string[] }
}

const passwordStep = async (c: ReturnType<typeof jar>, email: string, password: string) =>
  c.take(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { cookie: c.header },
      payload: { email, password },
    }),
  )

const secondStep = async (c: ReturnType<typeof jar>, payload: { code?: string; recoveryCode?: string }) =>
  c.take(
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in/two-factor',
      headers: { cookie: c.header },
      payload,
    }),
  )

describe('two-factor sign-in', () => {
  it('enrols with a first code and then asks for the code at sign-in', async () => {
    const agent = await t.buildStaff()
    const s = await signIn(t.app, agent.email, agent.password)
    const before = await t.app.inject({ method: 'GET', url: '/api/v1/me/two-factor', headers: s.headers })
    expect(before.json()).toEqual({ enabled: false, required: false, pending: false })

    const wrongPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/enrol',
      headers: s.headers,
      payload: { password: 'not-my-password' },
    })
    expect(wrongPassword.statusCode).toBe(400)
    expect(wrongPassword.json().code).toBe('auth.wrong_password')

    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/enrol',
      headers: s.headers,
      payload: { password: agent.password },
    })
    expect(started.statusCode).toBe(200)
    const { totpUri, secret, recoveryCodes } = started.json()
    expect(totpUri).toMatch(/^otpauth:\/\/totp\/Tresen:/)
    expect(secret).toMatch(/^[A-Z2-7]+$/)
    expect(recoveryCodes).toHaveLength(10)
    // Not yet in force: the password alone still signs in.
    const pending = await t.app.inject({ method: 'GET', url: '/api/v1/me/two-factor', headers: s.headers })
    expect(pending.json()).toMatchObject({ enabled: false, pending: true })
    expect((await passwordStep(jar(), agent.email, agent.password)).json().user.email).toBe(agent.email)

    const badConfirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/confirm',
      headers: s.headers,
      payload: { code: wrongCodeOf(totpUri) },
    })
    expect(badConfirm.statusCode).toBe(401)
    expect(badConfirm.json().code).toBe('auth.invalid_code')
    const garbage = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/confirm',
      headers: s.headers,
      payload: { code: '12ab' },
    })
    expect(garbage.statusCode).toBe(400)
    expect(garbage.json().errors[0].pointer).toBe('/body/code')

    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/confirm',
      headers: s.headers,
      payload: { code: enrolCodeOf(totpUri) },
    })
    expect(confirmed.statusCode).toBe(200)
    // The session is renewed on enrolment: the new cookie and CSRF token work.
    const cookie = confirmed.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/two-factor',
      headers: { cookie },
    })
    expect(after.json()).toMatchObject({ enabled: true, pending: false })
    expect(confirmed.json().csrfToken).toEqual(expect.any(String))

    // Sign-in now takes two steps.
    const c = jar()
    const first = await passwordStep(c, agent.email, agent.password)
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual({ twoFactorRequired: true })
    expect(c.has('tresen.session_token')).toBe(false)
    const noSession = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: c.header } })
    expect(noSession.statusCode).toBe(401)
    const second = await secondStep(c, { code: codeOf(totpUri) })
    expect(second.statusCode).toBe(200)
    expect(second.json()).toMatchObject({ user: { email: agent.email }, twoFactor: { enabled: true } })
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: c.header } })
    expect(me.statusCode).toBe(200)

    expect(await auditOf(agent.id, 'auth.two_factor_enrolled')).toHaveLength(1)
    expect(await auditOf(agent.id, 'auth.two_factor_verified')).toHaveLength(1)
    const failed = await auditOf(agent.id, 'auth.two_factor_failed')
    expect(failed).toHaveLength(1)
    expect(failed[0].after).toMatchObject({ reason: 'wrong_code', during: 'enrolment' })
    const signedIn = await auditOf(agent.id, 'auth.signed_in')
    expect(signedIn.at(-1).after).toEqual({ method: 'password+totp' })
    // No secret in any record.
    const all = await t.database.pool.query('SELECT * FROM audit_records WHERE target_id = $1', [agent.id])
    expect(JSON.stringify(all.rows)).not.toContain(secret)
    // The secret is stored encrypted, never as the authenticator sees it.
    const stored = await t.database.pool.query(
      'SELECT secret, backup_codes FROM auth_two_factors WHERE user_id = $1',
      [agent.id],
    )
    expect(stored.rows[0].secret).not.toContain(secret)
    expect(stored.rows[0].backup_codes).not.toContain(recoveryCodes[0])
  })

  it('refuses a wrong code, records it, and counts it like a wrong password', async () => {
    const agent = await t.buildStaff()
    const { totpUri } = await enrol(agent)
    const c = jar()
    await passwordStep(c, agent.email, agent.password)
    const wrong = await secondStep(c, { code: wrongCodeOf(totpUri) })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().code).toBe('auth.invalid_code')
    expect(c.has('tresen.session_token')).toBe(false)
    const failed = await auditOf(agent.id, 'auth.two_factor_failed')
    expect(failed.at(-1).after).toEqual({ method: 'totp', reason: 'wrong_code' })
    const counted = await t.database.pool.query('SELECT count FROM sign_in_attempts WHERE key = $1', [
      `account:${agent.email}`,
    ])
    expect(counted.rows[0].count).toBeGreaterThanOrEqual(2)
    // The right code still works in the same challenge, and clears the count.
    const right = await secondStep(c, { code: codeOf(totpUri) })
    expect(right.statusCode).toBe(200)
    const cleared = await t.database.pool.query('SELECT count FROM sign_in_attempts WHERE key = $1', [
      `account:${agent.email}`,
    ])
    expect(cleared.rows).toHaveLength(0)
  })

  it('ends a challenge after five wrong codes: the password is needed again', async () => {
    const agent = await t.buildStaff()
    const { totpUri } = await enrol(agent)
    const c = jar()
    await passwordStep(c, agent.email, agent.password)
    for (let i = 0; i < 5; i++)
      expect((await secondStep(c, { code: wrongCodeOf(totpUri) })).statusCode).toBe(401)
    const sixth = await secondStep(c, { code: codeOf(totpUri) })
    expect(sixth.statusCode).toBe(401)
    expect(sixth.json().code).toBe('auth.two_factor_expired')
  })

  it('limits code guesses per account together with password guesses', async () => {
    const agent = await t.buildStaff()
    const { totpUri } = await enrol(agent)
    const codes: number[] = []
    for (let round = 0; round < 3; round++) {
      const c = jar()
      const first = await passwordStep(c, agent.email, agent.password)
      codes.push(first.statusCode)
      if (first.statusCode !== 200) continue
      for (let i = 0; i < 4; i++) codes.push((await secondStep(c, { code: wrongCodeOf(totpUri) })).statusCode)
    }
    expect(codes).toContain(429)
    expect(await auditOf(agent.id, 'auth.locked_out')).toHaveLength(1)
  })

  it('takes a recovery code once, and only once', async () => {
    const agent = await t.buildStaff()
    const { recoveryCodes } = await enrol(agent)
    const c = jar()
    await passwordStep(c, agent.email, agent.password)
    const used = await secondStep(c, { recoveryCode: recoveryCodes[0]! })
    expect(used.statusCode).toBe(200)
    expect(used.json().user.email).toBe(agent.email)
    expect(await auditOf(agent.id, 'auth.recovery_code_used')).toHaveLength(1)

    const again = jar()
    await passwordStep(again, agent.email, agent.password)
    const reused = await secondStep(again, { recoveryCode: recoveryCodes[0]! })
    expect(reused.statusCode).toBe(401)
    expect(reused.json().code).toBe('auth.invalid_code')
    const other = await secondStep(again, { recoveryCode: recoveryCodes[1]! })
    expect(other.statusCode).toBe(200)
  })

  it('gives new recovery codes on request (the old ones stop working)', async () => {
    const agent = await t.buildStaff()
    const { totpUri, recoveryCodes } = await enrol(agent)
    const c = jar()
    await passwordStep(c, agent.email, agent.password)
    await secondStep(c, { code: codeOf(totpUri) })
    const csrf = (
      await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: c.header } })
    ).json().csrfToken
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/recovery-codes',
      headers: { cookie: c.header, 'x-csrf-token': csrf },
      payload: { password: agent.password },
    })
    expect(res.statusCode).toBe(200)
    const fresh = res.json().recoveryCodes as string[]
    expect(fresh).toHaveLength(10)
    expect(fresh).not.toContain(recoveryCodes[0])
    const d = jar()
    await passwordStep(d, agent.email, agent.password)
    expect((await secondStep(d, { recoveryCode: recoveryCodes[0]! })).statusCode).toBe(401)
    expect((await secondStep(d, { recoveryCode: fresh[0]! })).statusCode).toBe(200)
    expect(await auditOf(agent.id, 'auth.recovery_codes_regenerated')).toHaveLength(1)
  })

  it('turns two-factor sign-in off with the password', async () => {
    const agent = await t.buildStaff()
    const { totpUri } = await enrol(agent)
    const c = jar()
    await passwordStep(c, agent.email, agent.password)
    const session = await secondStep(c, { code: codeOf(totpUri) })
    const headers = { cookie: c.header, 'x-csrf-token': session.json().csrfToken }
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/disable',
      headers,
      payload: { password: 'not-my-password' },
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().code).toBe('auth.wrong_password')
    const off = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/disable',
      headers,
      payload: { password: agent.password },
    })
    expect(off.statusCode).toBe(200)
    const direct = await passwordStep(jar(), agent.email, agent.password)
    expect(direct.json().user.email).toBe(agent.email)
    expect(await auditOf(agent.id, 'auth.two_factor_disabled')).toHaveLength(1)
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/disable',
      headers: {
        cookie: direct.cookies.map((x) => `${x.name}=${x.value}`).join('; '),
        'x-csrf-token': direct.json().csrfToken,
      },
      payload: { password: agent.password },
    })
    expect(again.statusCode).toBe(400)
    expect(again.json().code).toBe('auth.two_factor_not_enabled')
  })

  it('refuses the second step without a challenge', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in/two-factor',
      payload: { code: '123456' },
    })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.two_factor_expired')
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in/two-factor',
      headers: { cookie: 'tresen.two_factor=2fa-forged.signature' },
      payload: { code: '123456' },
    })
    expect(forged.statusCode).toBe(401)
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in/two-factor',
      payload: { code: 'abc' },
    })
    expect(invalid.statusCode).toBe(400)
  })
})

describe('sign-in events', () => {
  it('records success, failure and an unknown address with the typed address', async () => {
    const agent = await t.buildStaff()
    await signIn(t.app, agent.email, agent.password)
    await passwordStep(jar(), agent.email, 'wrong-password-123')
    const unknown = `nobody-${Date.now()}@example.test`
    await passwordStep(jar(), unknown, 'whatever-123456')
    expect((await auditOf(agent.id, 'auth.signed_in'))[0].after).toEqual({ method: 'password' })
    expect((await auditOf(agent.id, 'auth.sign_in_failed'))[0].after).toEqual({ reason: 'wrong_password' })
    const rows = (
      await t.database.pool.query(
        "SELECT actor_id, target_label, after, ip FROM audit_records WHERE action = 'auth.sign_in_failed' AND target_label = $1",
        [unknown],
      )
    ).rows
    expect(rows).toEqual([
      { actor_id: null, target_label: unknown, after: { reason: 'unknown_address' }, ip: '127.0.0.1' },
    ])
  })

  it('records API tokens created and revoked', async () => {
    const agent = await t.buildStaff()
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: agent.headers,
      payload: { name: 'deploy' },
    })
    const { id, token } = created.json()
    await t.app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: agent.headers })
    const rows = (
      await t.database.pool.query(
        'SELECT action, actor_id, target_label, before, after FROM audit_records WHERE target_id = $1 ORDER BY seq',
        [id],
      )
    ).rows
    expect(rows.map((r) => r.action)).toEqual(['api_token.created', 'api_token.revoked'])
    expect(rows[0].actor_id).toBe(agent.id)
    expect(JSON.stringify(rows)).not.toContain(token)
    const unknown = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/tokens/${id}`,
      headers: agent.headers,
    })
    expect(unknown.statusCode).toBe(404)
  })
})

describe('two-factor required per role', () => {
  it('lets admins require it for a role; such a user must enrol before anything else', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const supervisor = await t.buildStaff({ role: 'supervisor' })
    const agent = await t.buildStaff()

    const forbidden = await t.app.inject({
      method: 'GET',
      url: '/api/v1/sign-in-policies',
      headers: agent.headers,
    })
    expect(forbidden.statusCode).toBe(403)
    const forbiddenPut = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: agent.headers,
      payload: { policies: [{ role: 'agent', requireTwoFactor: false, ssoOnly: false }] },
    })
    expect(forbiddenPut.statusCode).toBe(403)
    const adminSsoOnly = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: { policies: [{ role: 'admin', requireTwoFactor: false, ssoOnly: true }] },
    })
    expect(adminSsoOnly.statusCode).toBe(400)
    const badRole = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: { policies: [{ role: 'boss', requireTwoFactor: true, ssoOnly: false }] },
    })
    expect(badRole.statusCode).toBe(400)
    expect(badRole.json().errors[0].pointer).toBe('/body/policies/0/role')

    const set = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: { policies: [{ role: 'supervisor', requireTwoFactor: true, ssoOnly: false }] },
    })
    expect(set.statusCode).toBe(200)
    expect(set.json().policies).toContainEqual({ role: 'supervisor', requireTwoFactor: true, ssoOnly: false })
    const audit = (
      await t.database.pool.query(
        "SELECT actor_id, before, after FROM audit_records WHERE action = 'sign_in_policy.updated' AND target_id = 'supervisor'",
      )
    ).rows
    expect(audit).toEqual([
      { actor_id: admin.id, before: { requireTwoFactor: false }, after: { requireTwoFactor: true } },
    ])

    // The password signs in, but only enrolment is open.
    const s = await signIn(t.app, supervisor.email, supervisor.password)
    const session = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: s.cookie },
    })
    expect(session.json().twoFactor).toEqual({ enabled: false, required: true, enrolmentRequired: true })
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/teams', headers: { cookie: s.cookie } })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().code).toBe('auth.two_factor_enrolment_required')
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: s.headers,
      payload: { name: 'escape' },
    })
    expect(noToken.statusCode).toBe(403)
    // API tokens made before keep working.
    const viaToken = await t.app.inject({ method: 'GET', url: '/api/v1/teams', headers: supervisor.headers })
    expect(viaToken.statusCode).toBe(200)
    // Other roles are not affected.
    const a = await signIn(t.app, agent.email, agent.password)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/teams', headers: { cookie: a.cookie } })).statusCode,
    ).toBe(200)

    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/enrol',
      headers: s.headers,
      payload: { password: supervisor.password },
    })
    expect(started.statusCode).toBe(200)
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/two-factor/confirm',
      headers: s.headers,
      payload: { code: enrolCodeOf(started.json().totpUri) },
    })
    expect(confirmed.statusCode).toBe(200)
    const cookie = confirmed.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const open = await t.app.inject({ method: 'GET', url: '/api/v1/teams', headers: { cookie } })
    expect(open.statusCode).toBe(200)

    // From now on the code is asked for.
    const c = jar()
    expect((await passwordStep(c, supervisor.email, supervisor.password)).json()).toEqual({
      twoFactorRequired: true,
    })
    expect((await secondStep(c, { code: codeOf(started.json().totpUri) })).statusCode).toBe(200)

    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: { policies: [{ role: 'supervisor', requireTwoFactor: false, ssoOnly: false }] },
    })
  })

  it('refuses password sign-in for a role that signs in with SSO only, never for admins', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const agent = await t.buildStaff()
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: {
        policies: [
          { role: 'agent', requireTwoFactor: false, ssoOnly: true },
          { role: 'admin', requireTwoFactor: false, ssoOnly: false },
        ],
      },
    })
    const refused = await passwordStep(jar(), agent.email, agent.password)
    expect(refused.statusCode).toBe(403)
    expect(refused.json().code).toBe('auth.sso_required')
    expect(refused.cookies.filter((c) => c.name === 'tresen.session_token' && c.value)).toHaveLength(0)
    // A wrong password is still only a wrong password.
    const wrong = await passwordStep(jar(), agent.email, 'wrong-password-123')
    expect(wrong.json().code).toBe('auth.invalid_credentials')
    const adminIn = await passwordStep(jar(), admin.email, admin.password)
    expect(adminIn.statusCode).toBe(200)
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: { policies: [{ role: 'agent', requireTwoFactor: false, ssoOnly: false }] },
    })
  })
})
