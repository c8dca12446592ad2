import { randomBytes } from 'node:crypto'
import { expect, type Page, test } from '@playwright/test'
import { api, expectAccessible, newContext, screenshot, signIn, state } from './fixtures.ts'

/** A new agent of the e2e team with a known password. */
const newAgent = async (language: 'de' | 'en') => {
  const email = `passkey-${language}-${randomBytes(4).toString('hex')}@example.test`
  const password = `pw-${randomBytes(8).toString('hex')}-long`
  const name = language === 'de' ? 'Paula Pohl' : 'Peter Parker'
  await api('POST', '/users', {
    name,
    email,
    role: 'agent',
    language,
    password,
    teams: [{ teamId: state().teamId, role: 'member' }],
  })
  return { email, password, name }
}

/** Chromium's virtual authenticator for this page: a platform authenticator that says yes at once. */
const virtualAuthenticator = async (page: Page) => {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  }
}

const setAgentPolicy = (policy: { ssoOnly: boolean }) =>
  api('PUT', '/sign-in-policies', { policies: [{ role: 'agent', requireTwoFactor: false, ...policy }] })

const cases = [
  {
    language: 'de' as const,
    locale: 'de-DE',
    words: {
      add: 'Passkey hinzufügen',
      continue: 'Weiter',
      create: 'Passkey erstellen',
      added: 'Der Passkey wurde hinzugefügt.',
      wrongPassword: 'Das aktuelle Passwort ist falsch.',
      never: 'nie',
      signOut: 'Abmelden',
      account: 'Konto von',
      passkeyButton: 'Mit Passkey anmelden',
      remove: (name: string) => `Passkey ${name} entfernen`,
      none: 'Noch keine Passkeys.',
      failed:
        'Der Passkey konnte nicht bestätigt werden. Bitte versuchen Sie es erneut oder melden Sie sich mit Ihrem Passwort an.',
      inbox: 'Meine',
      ssoRequired: 'Ihre Rolle meldet sich per Single Sign-on an. Nutzen Sie die Schaltfläche unten.',
    },
    passkeyName: 'Laptop im Büro',
  },
  {
    language: 'en' as const,
    locale: 'en-US',
    words: {
      add: 'Add passkey',
      continue: 'Continue',
      create: 'Create passkey',
      added: 'The passkey was added.',
      wrongPassword: 'The current password is wrong.',
      never: 'never',
      signOut: 'Sign out',
      account: 'Account of',
      passkeyButton: 'Sign in with a passkey',
      remove: (name: string) => `Remove passkey ${name}`,
      none: 'No passkeys yet.',
      failed: 'The passkey could not be verified. Please try again or sign in with your password.',
      inbox: 'Mine',
      ssoRequired: 'Your role signs in with single sign-on. Use the button below.',
    },
    passkeyName: 'Office laptop',
  },
]

for (const c of cases) {
  test(`an agent adds a passkey, signs in with it and removes it (${c.language})`, async ({ browser }) => {
    const agent = await newAgent(c.language)
    const w = c.words
    const context = await newContext(browser, c.locale)
    const page = await context.newPage()
    const authenticator = await virtualAuthenticator(page)
    await signIn(page, agent)

    // Adding: the password first (a wrong one is refused), then a name, then the device.
    await page.goto('/profile')
    const section = page.getByTestId('passkeys')
    await expect(section.getByText(w.none)).toBeVisible()
    await section.getByRole('button', { name: w.add }).click()
    await section.locator('input[type="password"]').fill(`${agent.password}-wrong`)
    await section.getByRole('button', { name: w.continue }).click()
    await expect(section.getByTestId('passkey-error')).toHaveText(w.wrongPassword)
    await section.locator('input[type="password"]').fill(agent.password)
    await section.getByRole('button', { name: w.continue }).click()
    await section.getByTestId('passkey-name').fill(c.passkeyName)
    await section.getByRole('button', { name: w.create }).click()
    await expect(page.getByText(w.added)).toBeVisible()
    const row = section.getByTestId('passkey-row')
    await expect(row).toHaveCount(1)
    await expect(row).toContainText(c.passkeyName)
    await expect(row.getByTestId('passkey-last-used')).toHaveText(w.never)
    const stored = await authenticator.credentials()
    expect(stored).toHaveLength(1)
    expect(stored[0]!.isResidentCredential).toBe(true)
    await expectAccessible(page, `the profile with a passkey (${c.language})`)
    await screenshot(page, `profile-passkeys-${c.language}`)

    // Signing out, and in again with the passkey alone: no address, no password, no code.
    await page.getByRole('button', { name: `${w.account} ${agent.name}` }).click()
    await page.getByRole('menuitem', { name: w.signOut }).click()
    await expect(page).toHaveURL(/\/sign-in/)
    await expectAccessible(page, `the sign-in page with the passkey button (${c.language})`)
    await screenshot(page, `sign-in-passkey-${c.language}`)
    await page.getByRole('button', { name: w.passkeyButton }).click()
    await expect(page.getByTestId('inbox-title')).toHaveText(w.inbox)
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).json())
    expect(session).toMatchObject({ signInMethod: 'passkey', user: { email: agent.email } })

    // A role that signs in with single sign-on only is refused, with the page's words for it.
    await page.getByRole('button', { name: `${w.account} ${agent.name}` }).click()
    await page.getByRole('menuitem', { name: w.signOut }).click()
    await expect(page).toHaveURL(/\/sign-in/)
    await setAgentPolicy({ ssoOnly: true })
    try {
      await page.getByRole('button', { name: w.passkeyButton }).click()
      await expect(page.getByTestId('sign-in-error')).toHaveText(w.ssoRequired)
    } finally {
      await setAgentPolicy({ ssoOnly: false })
    }
    await page.getByRole('button', { name: w.passkeyButton }).click()
    await expect(page.getByTestId('inbox-title')).toHaveText(w.inbox)

    // Removing it: the list says when it was used; afterwards the device's copy no longer signs in.
    await page.goto('/profile')
    await expect(row.getByTestId('passkey-last-used')).not.toHaveText(w.never)
    page.once('dialog', (dialog) => void dialog.accept())
    await section.getByRole('button', { name: w.remove(c.passkeyName) }).click()
    await expect(section.getByText(w.none)).toBeVisible()
    await expect(row).toHaveCount(0)

    await page.getByRole('button', { name: `${w.account} ${agent.name}` }).click()
    await page.getByRole('menuitem', { name: w.signOut }).click()
    await expect(page).toHaveURL(/\/sign-in/)
    await page.getByRole('button', { name: w.passkeyButton }).click()
    await expect(page.getByTestId('sign-in-error')).toHaveText(w.failed)
    await context.close()
  })
}
