import { expect, test } from '@playwright/test'
import { expectAccessible, screenshot, signedIn, state } from './fixtures.ts'

test('an admin sets up an email channel: field errors, the list, a failing connection check', async ({
  browser,
}) => {
  const { context, page } = await signedIn(browser, state().admin, 'en-US')
  await page.getByTestId('nav-email-admin').click()
  await expect(page.getByRole('heading', { name: 'Email channels' })).toBeVisible()
  await expectAccessible(page, 'the email channels page')

  await page.getByTestId('channel-new').click()
  const form = page.getByTestId('email-channel-form')
  await form.getByTestId('channel-name').fill('Support')
  await form.getByTestId('channel-address').fill('support@e2e.test')
  await form.getByTestId('channel-provider').click()
  await page.getByRole('option', { name: 'IONOS' }).click()
  await expect(form.getByTestId('imap-host')).toHaveValue('imap.ionos.de')
  await expect(form.getByTestId('imap-user')).toHaveValue('support@e2e.test')
  await expectAccessible(page, 'the email channel form')
  await screenshot(page, 'email-channel-form-en')

  // Nothing listens there: the check must fail, quickly.
  await form.getByTestId('imap-host').fill('not a host!')
  await form.getByTestId('imap-secret').fill('secret-1')
  await form.getByTestId('smtp-enabled').click()
  await form.getByTestId('channel-save').click()
  await expect(page.getByTestId('email-channel-error')).toBeVisible()
  await expect(form.getByTestId('imap-host')).toHaveAttribute('aria-invalid', 'true')

  await form.getByTestId('imap-host').fill('127.0.0.1')
  await form.getByLabel('Port').first().fill('1')
  await form.getByTestId('channel-save').click()
  await expect(form).toBeHidden()

  const row = page.getByTestId('channel-row').filter({ hasText: 'support@e2e.test' })
  await expect(row).toContainText('Support')
  await expect(row).toContainText('No SMTP')
  await expect(row.getByTestId('channel-state')).toBeVisible()
  await screenshot(page, 'email-channels-en')

  await row.getByRole('button', { name: 'Check the connection of Support' }).click()
  const imap = page.getByTestId('check-imap')
  await expect(imap).toBeVisible({ timeout: 30_000 })
  await expect(imap).toHaveAttribute('data-ok', 'false')
  await expect(imap).toContainText('IMAP: failed')
  await expectAccessible(page, 'the connection check')
  await screenshot(page, 'email-check-en')
  await page.getByRole('button', { name: 'Close', exact: true }).last().click()

  // Editing keeps the stored password unless a new one is typed.
  await row.getByRole('button', { name: 'Edit Support' }).click()
  await expect(form.getByTestId('imap-secret')).toHaveValue('')
  await expect(form.getByText('Leave empty to keep the stored one.')).toBeVisible()
  await page.getByRole('button', { name: 'Cancel' }).click()

  await page.getByRole('link', { name: 'None' }).first().click()
  await expect(page.getByRole('heading', { name: 'Received mail' })).toBeVisible()
  await expect(page.getByTestId('messages-empty')).toBeVisible()
  await expectAccessible(page, 'the received mail page')
  await context.close()
})

test('the Microsoft 365 preset shows the OAuth2 section, and its field errors land on its fields', async ({
  browser,
}) => {
  const { context, page } = await signedIn(browser, state().admin, 'en-US')
  await page.getByTestId('nav-email-admin').click()
  await page.getByTestId('channel-new').click()
  const form = page.getByTestId('email-channel-form')
  await form.getByTestId('channel-name').fill('Microsoft')
  await form.getByTestId('channel-address').fill('ms@e2e.test')
  await expect(form.getByTestId('oauth-section')).toBeHidden()
  await form.getByTestId('channel-provider').click()
  await page.getByRole('option', { name: 'Microsoft 365' }).click()

  const oauth = form.getByTestId('oauth-section')
  await expect(oauth).toBeVisible()
  await expect(form.getByTestId('oauth-tokenUrl')).toHaveValue(
    'https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token',
  )
  await expect(form.getByTestId('oauth-scope')).toHaveValue('https://outlook.office365.com/.default')
  await expect(oauth.getByText('Replace <tenant> with your tenant ID')).toBeVisible()
  // The desk fetches the tokens: no password or token per server.
  await expect(form.getByTestId('imap-secret')).toBeHidden()
  await expect(form.getByTestId('imap-secret-oauth')).toBeVisible()
  await expectAccessible(page, 'the email channel form with OAuth2')
  await oauth.scrollIntoViewIfNeeded()
  await screenshot(page, 'email-channel-oauth-en')

  // The server's field errors show on the OAuth2 fields.
  await form.getByTestId('oauth-tokenUrl').fill('not a url')
  await form.getByTestId('channel-save').click()
  await expect(page.getByTestId('email-channel-error')).toBeVisible()
  await expect(form.getByTestId('oauth-tokenUrl')).toHaveAttribute('aria-invalid', 'true')
  await expect(form.getByTestId('oauth-clientId')).toHaveAttribute('aria-invalid', 'true')

  // Without OAuth2 settings, oauth2 takes a static access token again.
  await form.getByTestId('oauth-clear').click()
  await expect(form.getByTestId('oauth-tokenUrl')).toHaveValue('')
  await expect(form.getByTestId('imap-secret')).toBeVisible()
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(form).toBeHidden()
  await context.close()
})
