import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, startTestApp, type TestApp } from '../../../test/harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

describe('auth', () => {
  it('signs in with email and password and sets an HTTP-only SameSite session cookie', async () => {
    const agent = await t.buildStaff()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: agent.email.toUpperCase(), password: agent.password },
    })
    expect(res.statusCode).toBe(200)
    const cookie = res.cookies.find((c) => c.name === 'tresen.session_token')
    expect(cookie?.httpOnly).toBe(true)
    expect(cookie?.sameSite).toBe('Lax')
    expect(res.json().user.email).toBe(agent.email)
    expect(res.json().csrfToken).toEqual(expect.any(String))
  })

  it('rejects a wrong password with problem+json and no cookie', async () => {
    const agent = await t.buildStaff()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: agent.email, password: 'wrong-password-123' },
    })
    expect(res.statusCode).toBe(401)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().code).toBe('auth.invalid_credentials')
    expect(res.cookies).toHaveLength(0)
  })

  it('answers an unknown address exactly like a wrong password', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nobody@example.test', password: 'whatever-123456' },
    })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.invalid_credentials')
  })

  it('requires authentication on API routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me' })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.unauthenticated')
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Bearer tresen_nope' },
    })
    expect(bad.statusCode).toBe(401)
  })

  it('answers the session question without a session with 204, not an error', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session' })
    expect(none.statusCode).toBe(204)
    expect(none.body).toBe('')
    // An ended or forged session cookie is no session either.
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      cookies: { 'tresen.session_token': 'forged.value' },
    })
    expect(forged.statusCode).toBe(204)
    // A token that does not work is an error the caller should hear of.
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { authorization: 'Bearer tresen_nope' },
    })
    expect(bad.statusCode).toBe(401)
    expect(bad.json().code).toBe('auth.unauthenticated')
    // Signed in, it tells who and the CSRF token.
    const agent = await t.buildStaff()
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: agent.email, password: agent.password },
    })
    const cookie = signedIn.cookies.find((c) => c.name === 'tresen.session_token')!
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      cookies: { [cookie.name]: cookie.value },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ user: { email: agent.email }, csrfToken: expect.any(String) })
  })

  it('accepts a personal API token as Bearer and stores only its hash', async () => {
    const agent = await t.buildStaff()
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: agent.headers })
    expect(res.statusCode).toBe(200)
    expect(res.json().id).toBe(agent.id)
    const rows = await t.database.pool.query('SELECT token_hash FROM api_tokens WHERE staff_id = $1', [
      agent.id,
    ])
    expect(rows.rows[0].token_hash).not.toContain(agent.token)
    expect(rows.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('revokes a token so it stops working', async () => {
    const agent = await t.buildStaff()
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: agent.headers,
      payload: { name: 'ci' },
    })
    expect(created.statusCode).toBe(201)
    const { id, token } = created.json()
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/tokens/${id}`,
      headers: agent.headers,
    })
    expect(del.statusCode).toBe(204)
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.statusCode).toBe(401)
  })

  it('requires the CSRF token for changing requests made with the session cookie', async () => {
    const agent = await t.buildStaff()
    const s = await signIn(t.app, agent.email, agent.password)
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: { cookie: s.cookie },
      payload: { name: 'x' },
    })
    expect(without.statusCode).toBe(403)
    expect(without.json().code).toBe('auth.csrf_failed')
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { name: 'x' },
    })
    expect(wrong.statusCode).toBe(403)
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: s.headers,
      payload: { name: 'x' },
    })
    expect(ok.statusCode).toBe(201)
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })
    expect(read.statusCode).toBe(200)
  })

  it('rotates the session at sign-in: the session the client had before ends', async () => {
    const agent = await t.buildStaff()
    const first = await signIn(t.app, agent.email, agent.password)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { cookie: first.cookie },
      payload: { email: agent.email, password: agent.password },
    })
    expect(res.statusCode).toBe(200)
    const newCookie = res.cookies.find((c) => c.name === 'tresen.session_token')!.value
    expect(first.cookie).not.toContain(newCookie)
    const old = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: first.cookie } })
    expect(old.statusCode).toBe(401)
  })

  it('ends all other sessions when the password changes', async () => {
    const agent = await t.buildStaff()
    const a = await signIn(t.app, agent.email, agent.password)
    const b = await signIn(t.app, agent.email, agent.password)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: a.headers,
      payload: { currentPassword: agent.password, newPassword: 'a-brand-new-password-2026' },
    })
    expect(res.statusCode).toBe(200)
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: b.cookie } })
    expect(other.statusCode).toBe(401)
    const newCookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: newCookie } })
    expect(mine.statusCode).toBe(200)
    await signIn(t.app, agent.email, 'a-brand-new-password-2026')
    await expect(signIn(t.app, agent.email, agent.password)).rejects.toThrow(/401/)
  })

  it('rejects a password change with the wrong current password', async () => {
    const agent = await t.buildStaff()
    const s = await signIn(t.app, agent.email, agent.password)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: s.headers,
      payload: { currentPassword: 'not-my-password', newPassword: 'another-long-password' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('auth.wrong_password')
  })

  it('limits sign-in attempts per account, also when they arrive in parallel', async () => {
    const agent = await t.buildStaff()
    const attempts = await Promise.all(
      Array.from({ length: 25 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: agent.email, password: 'guess-guess-guess' },
        }),
      ),
    )
    const limited = attempts.filter((r) => r.statusCode === 429)
    const checked = attempts.filter((r) => r.statusCode === 401)
    expect(checked.length).toBe(10)
    expect(limited.length).toBe(15)
    expect(limited[0]!.json().code).toBe('auth.too_many_attempts')
    const real = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: agent.email, password: agent.password },
    })
    expect(real.statusCode).toBe(429)
  })

  it('does not let a deactivated user sign in or use a token', async () => {
    const agent = await t.buildStaff()
    await t.database.pool.query('UPDATE staff_users SET active = false WHERE id = $1', [agent.id])
    await expect(signIn(t.app, agent.email, agent.password)).rejects.toThrow(/401/)
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: agent.headers })
    expect(res.statusCode).toBe(401)
  })
})
