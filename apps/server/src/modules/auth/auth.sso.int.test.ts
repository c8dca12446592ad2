import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { followToApp, startOidcProvider } from '../../../test/oidc-provider.ts'

const DESK = 'http://localhost:8080'
const CLIENT_ID = 'tresen-desk'
const CLIENT_SECRET = `secret-${randomUUID()}`

let t: TestApp
let idp: Awaited<ReturnType<typeof startOidcProvider>>
let admin: Awaited<ReturnType<TestApp['buildStaff']>>
const providerIds: string[] = []
const emails = {
  alice: `${unique('alice')}@firma.example`,
  bob: `${unique('bob')}@firma.example`,
  carol: `${unique('carol')}@firma.example`,
  dave: `${unique('dave')}@firma.example`,
  eve: `${unique('eve')}@elsewhere.example`,
}

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.buildStaff({ role: 'admin' })
  // The redirect URI contains the provider's id, known only after it is created: the client is
  // registered for a few ids made up front and the providers take them over.
  for (let i = 0; i < 8; i++) providerIds.push(randomUUID())
  idp = await startOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: providerIds.map((id) => `${DESK}/api/v1/auth/sso/callback/${id}`),
    accounts: {
      alice: {
        email: emails.alice,
        email_verified: true,
        name: 'Alice Anders',
        groups: ['support-1st', 'desk-leads'],
      },
      bob: { email: emails.bob, email_verified: true, name: 'Bob Berger', groups: ['support-1st'] },
      carol: { email: emails.carol, email_verified: true, name: 'Carol Christ', groups: [] },
      dave: { email: emails.dave, email_verified: false, name: 'Dave Dorn', groups: [] },
      eve: { email: emails.eve, email_verified: true, name: 'Eve Ebert', groups: [] },
    },
  })
})
afterAll(async () => {
  await idp?.close()
  await t?.close()
})

/** Creates a provider through the API and moves it onto one of the registered ids. */
const createProvider = async (overrides: Record<string, unknown> = {}) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sso-providers',
    headers: admin.headers,
    payload: {
      name: 'Firma Login',
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scopes: ['openid', 'email', 'profile', 'groups'],
      ...overrides,
    },
  })
  expect(res.statusCode).toBe(201)
  const id = providerIds.shift()!
  await t.database.pool.query('UPDATE sso_providers SET id = $1 WHERE id = $2', [id, res.json().id])
  return { ...res.json(), id }
}

const cookieHeader = (cookies: { name: string; value: string }[]) =>
  cookies
    .filter((c) => c.value)
    .map((c) => `${c.name}=${c.value}`)
    .join('; ')

/** A browser signing in through the provider: start at the desk, through the provider, back. */
const ssoSignIn = async (providerId: string, as: string, tamper?: (callback: URL) => void) => {
  idp.signInAs(as)
  const start = await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${providerId}/start` })
  expect(start.statusCode).toBe(302)
  const deskCookies = cookieHeader(start.cookies)
  const callback = new URL(
    await followToApp(start.headers.location as string, `${DESK}/api/v1/auth/sso/callback/`),
  )
  tamper?.(callback)
  const back = await t.app.inject({
    method: 'GET',
    url: callback.pathname + callback.search,
    headers: { cookie: deskCookies },
  })
  expect(back.statusCode).toBe(302)
  const session = back.cookies.find((c) => c.name === 'tresen.session_token' && c.value)
  return {
    location: back.headers.location as string,
    cookie: session ? `${session.name}=${session.value}` : undefined,
  }
}

const sessionOf = async (cookie: string) =>
  (await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } })).json()

const audit = async (action: string, label: string) =>
  (
    await t.database.pool.query(
      'SELECT actor_id, target_id, target_label, after FROM audit_records WHERE action = $1 AND target_label LIKE $2 ORDER BY seq',
      [action, `%${label}%`],
    )
  ).rows

describe('single sign-on with OpenID Connect', () => {
  it('keeps the client secret sealed and never returns it', async () => {
    const provider = await createProvider({ name: 'Sealed' })
    expect(provider).not.toHaveProperty('clientSecret')
    expect(provider.hasClientSecret).toBe(true)
    expect(provider.redirectUri).toMatch(
      /^http:\/\/localhost:8080\/api\/v1\/auth\/sso\/callback\/[0-9a-f-]{36}$/,
    )
    const row = (
      await t.database.pool.query('SELECT client_secret_sealed FROM sso_providers WHERE id = $1', [
        provider.id,
      ])
    ).rows[0]
    expect(row.client_secret_sealed).toMatch(/^v1:/)
    expect(row.client_secret_sealed).not.toContain(CLIENT_SECRET)
    const records = await t.database.pool.query(
      "SELECT * FROM audit_records WHERE action LIKE 'sso_provider.%'",
    )
    expect(records.rows.length).toBeGreaterThan(0)
    expect(JSON.stringify(records.rows)).not.toContain(CLIENT_SECRET)
    expect(records.rows[0].after.clientSecretSealed).toBe('[changed]')
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sso-providers/${provider.id}`,
      headers: admin.headers,
    })
  })

  it('signs in, creates the user just in time and maps groups to role and teams', async () => {
    const first = await t.buildTeam()
    const other = await t.buildTeam()
    const provider = await createProvider({
      jitEnabled: true,
      groupMappings: [
        { group: 'support-1st', teamIds: [first.id], role: null },
        { group: 'desk-leads', teamIds: [], role: 'supervisor' },
        { group: 'billing', teamIds: [other.id], role: null },
      ],
    })
    const buttons = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sso/providers' })
    expect(buttons.json()).toContainEqual({
      id: provider.id,
      name: 'Firma Login',
      startUrl: `/api/v1/auth/sso/${provider.id}/start`,
    })

    const alice = await ssoSignIn(provider.id, 'alice')
    expect(alice.location).toBe(`${DESK}/`)
    expect(alice.cookie).toBeDefined()
    const session = await sessionOf(alice.cookie!)
    expect(session.user).toMatchObject({ email: emails.alice, name: 'Alice Anders', role: 'supervisor' })
    expect(session.user.teams.map((x: { id: string }) => x.id)).toEqual([first.id])
    expect(session.signInMethod).toBe('sso')
    const created = await audit('auth.sso_user_created', emails.alice)
    expect(created).toHaveLength(1)
    expect(created[0].after).toMatchObject({ provider: 'Firma Login', groups: ['support-1st', 'desk-leads'] })
    const signedIn = await audit('auth.signed_in', emails.alice)
    expect(signedIn.at(-1).after).toMatchObject({ method: 'sso', providerId: provider.id })

    // The second time the same account is found, not created again.
    const again = await ssoSignIn(provider.id, 'alice')
    expect((await sessionOf(again.cookie!)).user.id).toBe(session.user.id)
    expect(await audit('auth.sso_user_created', emails.alice)).toHaveLength(1)
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sso-providers/${provider.id}`,
      headers: admin.headers,
    })
  })

  it('matches an existing user by verified address and applies the mapping at every sign-in', async () => {
    const first = await t.buildTeam()
    const untouched = await t.buildTeam()
    const bob = await t.buildStaff({ teams: [{ teamId: untouched.id }] })
    await t.database.pool.query('UPDATE staff_users SET email = $1 WHERE id = $2', [emails.bob, bob.id])
    const provider = await createProvider({
      groupMappings: [{ group: 'support-1st', teamIds: [first.id], role: null }],
    })
    const res = await ssoSignIn(provider.id, 'bob')
    const session = await sessionOf(res.cookie!)
    expect(session.user.id).toBe(bob.id)
    expect(session.user.role).toBe('agent')
    expect(session.user.teams.map((x: { id: string }) => x.id).sort()).toEqual(
      [first.id, untouched.id].sort(),
    )

    // Bob leaves the group at the provider: the mapped team goes, the other team stays.
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sso-providers/${provider.id}`,
      headers: admin.headers,
      payload: { groupMappings: [{ group: 'support-2nd', teamIds: [first.id], role: null }] },
    })
    const later = await ssoSignIn(provider.id, 'bob')
    const after = await sessionOf(later.cookie!)
    expect(after.user.teams.map((x: { id: string }) => x.id)).toEqual([untouched.id])
    const staffAudit = (
      await t.database.pool.query(
        "SELECT action FROM audit_records WHERE target_id = $1 AND action = 'staff.updated'",
        [bob.id],
      )
    ).rows
    expect(staffAudit.length).toBeGreaterThanOrEqual(1)
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sso-providers/${provider.id}`,
      headers: admin.headers,
    })
  })

  it('refuses an unknown person when just-in-time accounts are off, an unverified address, and a foreign domain', async () => {
    const dave = await t.buildStaff()
    await t.database.pool.query('UPDATE staff_users SET email = $1 WHERE id = $2', [emails.dave, dave.id])
    const provider = await createProvider({ jitEnabled: false, emailDomains: ['firma.example'] })
    const before = (await t.database.pool.query('SELECT count(*)::int AS n FROM staff_users')).rows[0].n

    const carol = await ssoSignIn(provider.id, 'carol')
    expect(carol.cookie).toBeUndefined()
    expect(carol.location).toBe(`${DESK}/sign-in?sso_error=no_account`)
    expect((await t.database.pool.query('SELECT count(*)::int AS n FROM staff_users')).rows[0].n).toBe(before)
    expect((await audit('auth.sso_sign_in_failed', emails.carol))[0].after).toMatchObject({
      reason: 'no_account',
    })

    const unverified = await ssoSignIn(provider.id, 'dave')
    expect(unverified.cookie).toBeUndefined()
    expect(unverified.location).toBe(`${DESK}/sign-in?sso_error=not_linked`)

    const foreign = await ssoSignIn(provider.id, 'eve')
    expect(foreign.cookie).toBeUndefined()
    expect(foreign.location).toBe(`${DESK}/sign-in?sso_error=domain_not_allowed`)
    expect((await audit('auth.sso_sign_in_failed', emails.eve))[0].after).toMatchObject({
      reason: 'domain_not_allowed',
    })
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sso-providers/${provider.id}`,
      headers: admin.headers,
    })
  })

  it('refuses a tampered callback: wrong state, or another browser', async () => {
    const provider = await createProvider({ jitEnabled: true })
    const wrongState = await ssoSignIn(provider.id, 'carol', (url) =>
      url.searchParams.set('state', 'forged-state'),
    )
    expect(wrongState.cookie).toBeUndefined()
    expect(wrongState.location).toBe(`${DESK}/sign-in?sso_error=invalid_state`)

    const wrongCode = await ssoSignIn(provider.id, 'carol', (url) =>
      url.searchParams.set('code', 'forged-code'),
    )
    expect(wrongCode.cookie).toBeUndefined()
    expect(wrongCode.location).toMatch(/sso_error=/)

    // The callback arrives in a browser that did not start the sign-in (no state cookie).
    idp.signInAs('carol')
    const start = await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${provider.id}/start` })
    const callback = new URL(
      await followToApp(start.headers.location as string, `${DESK}/api/v1/auth/sso/callback/`),
    )
    const elsewhere = await t.app.inject({ method: 'GET', url: callback.pathname + callback.search })
    expect(elsewhere.cookies.find((c) => c.name === 'tresen.session_token' && c.value)).toBeUndefined()
    expect(elsewhere.headers.location).toMatch(/sso_error=/)
    const rows = await audit('auth.sso_sign_in_failed', '')
    expect(rows.some((r) => r.after.reason === 'invalid_state')).toBe(true)
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sso-providers/${provider.id}`,
      headers: admin.headers,
    })
  })

  it('does not ask an SSO session to enrol in the desk’s two-factor sign-in', async () => {
    const provider = await createProvider({ jitEnabled: true })
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: { policies: [{ role: 'agent', requireTwoFactor: true, ssoOnly: true }] },
    })
    const carol = await ssoSignIn(provider.id, 'carol')
    const session = await sessionOf(carol.cookie!)
    expect(session.twoFactor).toMatchObject({ required: true, enrolmentRequired: false })
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/teams', headers: { cookie: carol.cookie! } }))
        .statusCode,
    ).toBe(200)
    // SSO only for agents; the admin keeps the password.
    expect((await signIn(t.app, admin.email, admin.password)).cookie).toBeTruthy()
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/sign-in-policies',
      headers: admin.headers,
      payload: { policies: [{ role: 'agent', requireTwoFactor: false, ssoOnly: false }] },
    })
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sso-providers/${provider.id}`,
      headers: admin.headers,
    })
  })
})

describe('SSO provider administration', () => {
  it('validates providers and hides them from non-admins', async () => {
    const agent = await t.buildStaff()
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso-providers',
      headers: admin.headers,
      payload: { name: 'X', issuer: 'not a url', clientId: 'x' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/issuer')
    const ftp = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso-providers',
      headers: admin.headers,
      payload: { name: 'X', issuer: 'ftp://idp.example', clientId: 'x' },
    })
    expect(ftp.statusCode).toBe(400)
    const noClient = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso-providers',
      headers: admin.headers,
      payload: { name: 'X', issuer: 'https://idp.example' },
    })
    expect(noClient.statusCode).toBe(400)
    expect(noClient.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/clientId')
    const badMapping = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso-providers',
      headers: admin.headers,
      payload: {
        name: 'X',
        issuer: 'https://idp.example',
        clientId: 'x',
        groupMappings: [{ group: 'g', teamIds: ['nope'], role: 'boss' }],
      },
    })
    expect(badMapping.statusCode).toBe(400)

    const missing = randomUUID()
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({
        method,
        url: `/api/v1/sso-providers/${missing}`,
        headers: admin.headers,
        ...(method === 'PATCH' ? { payload: { name: 'Y' } } : {}),
      })
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('sso_provider.not_found')
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/sso-providers/garbage', headers: admin.headers }))
        .statusCode,
    ).toBe(400)
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${missing}/start` })).statusCode).toBe(
      404,
    )

    for (const [method, url] of [
      ['GET', '/api/v1/sso-providers'],
      ['POST', '/api/v1/sso-providers'],
      ['GET', `/api/v1/sso-providers/${missing}`],
      ['DELETE', `/api/v1/sso-providers/${missing}`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: agent.headers,
        ...(method === 'POST'
          ? { payload: { name: 'X', issuer: 'https://idp.example', clientId: 'x' } }
          : {}),
      })
      expect(res.statusCode).toBe(403)
    }

    // Changing and removing the secret is recorded without the value.
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso-providers',
      headers: admin.headers,
      payload: {
        name: 'Keycloak',
        issuer: 'https://sso.example/realms/desk',
        clientId: 'desk',
        clientSecret: 's1',
      },
    })
    const id = created.json().id
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sso-providers/${id}`,
      headers: admin.headers,
      payload: { clientSecret: null, jitEnabled: true },
    })
    expect(patched.json()).toMatchObject({ hasClientSecret: false, jitEnabled: true })
    const record = (
      await t.database.pool.query(
        "SELECT before, after FROM audit_records WHERE action = 'sso_provider.updated' AND target_id = $1",
        [id],
      )
    ).rows[0]
    expect(record).toEqual({
      before: { clientSecretSealed: '[changed]', jitEnabled: false },
      after: { clientSecretSealed: '[changed]', jitEnabled: true },
    })
    const disabled = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sso-providers/${id}`,
      headers: admin.headers,
      payload: { enabled: false },
    })
    expect(disabled.statusCode).toBe(200)
    const buttons = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sso/providers' })
    expect(buttons.json().map((b: { id: string }) => b.id)).not.toContain(id)
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${id}/start` })).statusCode).toBe(404)
  })

  it('sends the browser back with a message when the provider cannot be reached', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sso-providers',
      headers: admin.headers,
      payload: { name: 'Down', issuer: 'http://127.0.0.1:9', clientId: 'desk', clientSecret: 's' },
    })
    const start = await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${created.json().id}/start` })
    expect(start.statusCode).toBe(302)
    expect(start.headers.location).toBe(`${DESK}/sign-in?sso_error=unavailable`)
  })
})
