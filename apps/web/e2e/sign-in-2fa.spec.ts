import { randomBytes } from 'node:crypto'
import { expect, type Page, test } from '@playwright/test'
import * as OTPAuth from 'otpauth'
import { api, expectAccessible, newContext, screenshot, signIn, state } from './fixtures.ts'

/** A new staff user of the e2e team with a known password. */
const newUser = async (language: 'de' | 'en', role: 'agent' | 'supervisor' = 'agent') => {
  const email = `totp-${language}-${randomBytes(4).toString('hex')}@example.test`
  const password = `pw-${randomBytes(8).toString('hex')}-long`
  await api('POST', '/users', {
    name: language === 'de' ? 'Tanja Teschner' : 'Tom Turner',
    email,
    role,
    language,
    password,
    teams: [{ teamId: state().teamId, role: 'member' }],
  })
  return { email, password }
}

/** The API as the e2e admin, for answers without a body too. */
const call = async (method: string, path: string, body?: unknown) => {
  const s = state()
  const res = await fetch(`${s.baseURL}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${s.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  expect(res.ok, `${method} ${path}`).toBe(true)
  return res.status === 204 ? undefined : res.json()
}

const totpOf = (secret: string) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 })

/** A new agent of the e2e team with two-factor sign-in set up through the API; its TOTP. */
const agentWithTotp = async (language: 'de' | 'en') => {
  const s = state()
  const { email, password } = await newUser(language)
  const signIn = await fetch(`${s.baseURL}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const { csrfToken } = (await signIn.json()) as { csrfToken: string }
  const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }
  const enrol = await fetch(`${s.baseURL}/api/v1/me/two-factor/enrol`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ password }),
  })
  const { totpUri } = (await enrol.json()) as { totpUri: string }
  const totp = OTPAuth.URI.parse(totpUri) as OTPAuth.TOTP
  const confirm = await fetch(`${s.baseURL}/api/v1/me/two-factor/confirm`, {
    method: 'POST',
    headers,
    // The previous step's code (still accepted): each code is taken once, sign-in uses the current one.
    body: JSON.stringify({ code: totp.generate({ timestamp: Date.now() - 30_000 }) }),
  })
  expect(confirm.status).toBe(200)
  return { email, password, totp }
}

const cases = [
  {
    language: 'de' as const,
    locale: 'de-DE',
    codeTitle: 'Code eingeben',
    wrong: 'Dieser Code ist ungültig. Bitte versuchen Sie es erneut.',
    inbox: 'Meine',
  },
  {
    language: 'en' as const,
    locale: 'en-US',
    codeTitle: 'Enter your code',
    wrong: 'This code is not valid. Please try again.',
    inbox: 'Mine',
  },
]

for (const c of cases) {
  test(`an agent with TOTP signs in with password and code (${c.language})`, async ({ browser }) => {
    const agent = await agentWithTotp(c.language)
    const context = await newContext(browser, c.locale)
    const page = await context.newPage()
    await page.goto('/sign-in')
    await page.locator('input[type="email"]').fill(agent.email)
    await page.locator('input[type="password"]').fill(agent.password)
    await page.locator('button[type="submit"]').click()

    await expect(page.getByRole('heading', { name: c.codeTitle })).toBeVisible()
    await expectAccessible(page, `the code step (${c.language})`)
    await screenshot(page, `sign-in-code-${c.language}`)
    const wrong = String((Number(agent.totp.generate()) + 500_000) % 1_000_000).padStart(6, '0')
    await page.getByTestId('sign-in-code').fill(wrong)
    await page.locator('button[type="submit"]').click()
    await expect(page.getByTestId('sign-in-error')).toHaveText(c.wrong)

    await page.getByTestId('sign-in-code').fill(agent.totp.generate())
    await page.locator('button[type="submit"]').click()
    await expect(page.getByTestId('inbox-title')).toHaveText(c.inbox)
    await context.close()
  })
}

/** The profile's set-up: password, QR code and key, first code, recovery codes. */
const enrolInPage = async (
  page: Page,
  password: string,
  words: { setUp: string; continue: string; turnOn: string; saved: string },
) => {
  const section = page.getByTestId('two-factor')
  await section.getByRole('button', { name: words.setUp }).click()
  await section.locator('input[type="password"]').fill(password)
  await section.getByRole('button', { name: words.continue }).click()
  await expect(page.getByTestId('two-factor-qr')).toBeVisible()
  const secret = (await page.getByTestId('two-factor-secret').textContent())!.trim()
  await page
    .getByTestId('two-factor-first-code')
    .fill(totpOf(secret).generate({ timestamp: Date.now() - 30_000 }))
  await section.getByRole('button', { name: words.turnOn }).click()
  await expect(page.getByTestId('recovery-codes')).toBeVisible()
  const codes = (await page.getByTestId('recovery-codes').textContent())!.trim().split(/\s+/)
  expect(codes).toHaveLength(10)
  await section.getByRole('button', { name: words.saved }).click()
  return { secret, codes }
}

test('an agent sets up two-factor sign-in in the profile and signs in with a recovery code (en)', async ({
  browser,
}) => {
  const who = await newUser('en')
  const context = await newContext(browser, 'en-US')
  const page = await context.newPage()
  await signIn(page, who)
  await page.goto('/profile')
  await expect(page.getByTestId('two-factor-state')).toHaveText('Off')
  const { codes } = await enrolInPage(page, who.password, {
    setUp: 'Set up',
    continue: 'Continue',
    turnOn: 'Turn on',
    saved: 'I have saved them',
  })
  await expect(page.getByTestId('two-factor-state')).toHaveText('On')
  await expectAccessible(page, 'the profile with two-factor sign-in')
  await context.close()

  const later = await newContext(browser, 'en-US')
  const again = await later.newPage()
  await again.goto('/sign-in')
  await again.locator('input[type="email"]').fill(who.email)
  await again.locator('input[type="password"]').fill(who.password)
  await again.locator('button[type="submit"]').click()
  await again.getByRole('button', { name: 'Use a recovery code' }).click()
  await again.getByTestId('sign-in-code').fill(codes[0]!)
  await again.locator('button[type="submit"]').click()
  await expect(again.getByTestId('inbox-title')).toHaveText('Mine')
  await later.close()
})

test('a supervisor whose role requires two-factor sign-in sets it up before the desk opens (de)', async ({
  browser,
}) => {
  const who = await newUser('de', 'supervisor')
  await call('PUT', '/sign-in-policies', {
    policies: [{ role: 'supervisor', requireTwoFactor: true, ssoOnly: false }],
  })
  try {
    const context = await newContext(browser, 'de-DE')
    const page = await context.newPage()
    await page.goto('/sign-in')
    await page.locator('input[type="email"]').fill(who.email)
    await page.locator('input[type="password"]').fill(who.password)
    await page.locator('button[type="submit"]').click()
    await expect(page.getByRole('heading', { name: 'Anmeldung mit zweitem Faktor einrichten' })).toBeVisible()
    await expectAccessible(page, 'the required set-up')
    await enrolInPage(page, who.password, {
      setUp: 'Einrichten',
      continue: 'Weiter',
      turnOn: 'Einschalten',
      saved: 'Ich habe sie gespeichert',
    })
    await expect(page.getByTestId('inbox-title')).toBeVisible()
    await context.close()
  } finally {
    await call('PUT', '/sign-in-policies', {
      policies: [{ role: 'supervisor', requireTwoFactor: false, ssoOnly: false }],
    })
  }
})

test('an admin sees the sign-in settings; the sign-in page offers each active provider (en)', async ({
  browser,
}) => {
  const provider = (await call('POST', '/sso-providers', {
    name: 'Firma SSO',
    issuer: 'https://sso.example/realms/desk',
    clientId: 'desk',
    clientSecret: 'not-a-real-secret',
  })) as { id: string; redirectUri: string }
  try {
    const context = await newContext(browser, 'en-US')
    const page = await context.newPage()
    await signIn(page, state().admin)
    await page.goto('/admin/sign-in')
    await expect(page.getByRole('heading', { name: 'Requirements per role' })).toBeVisible()
    await expect(page.getByText('Firma SSO')).toBeVisible()
    await expect(page.getByText(provider.redirectUri)).toBeVisible()
    await expectAccessible(page, 'the sign-in settings')
    await screenshot(page, 'sign-in-settings-en')

    await context.close()

    const visitor = await newContext(browser, 'en-US')
    const signInPage = await visitor.newPage()
    await signInPage.goto('/sign-in')
    await expect(signInPage.getByRole('link', { name: 'Sign in with Firma SSO' })).toHaveAttribute(
      'href',
      `/api/v1/auth/sso/${provider.id}/start`,
    )
    await visitor.close()
  } finally {
    await call('DELETE', `/sso-providers/${provider.id}`)
  }
})
