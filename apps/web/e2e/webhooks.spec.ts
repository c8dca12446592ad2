import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from '@playwright/test'
import { Webhook } from 'standardwebhooks'
import { expectAccessible, screenshot, signedIn, state } from './fixtures.ts'

test('an admin subscribes a receiver, copies the secret, sends a test and resends it', async ({
  browser,
}) => {
  // A receiver in "our own network": loopback, allowed explicitly on the subscription.
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('thanks from the receiver')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  const { context, page } = await signedIn(browser, state().admin, 'en-US')
  await page.getByTestId('nav-webhooks').click()
  await expect(page.getByRole('heading', { name: 'Webhooks' })).toBeVisible()
  await expectAccessible(page, 'the webhooks page')

  // A private address without the allowance is refused with a clear error.
  await page.getByTestId('webhook-new').click()
  await page.getByLabel('Name').fill('CRM')
  await page.getByLabel('URL').fill(`http://127.0.0.1:${port}/hook`)
  await page.getByTestId('webhook-save').click()
  await expect(page.getByTestId('webhook-error')).toContainText('only https')
  await page.getByLabel('Allowed private host').fill('127.0.0.1')
  await expectAccessible(page, 'the webhook form')
  await page.getByTestId('webhook-save').click()

  const secret = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? ''
  expect(secret).toMatch(/^whsec_/)
  await screenshot(page, 'webhook-secret-en')
  await page.getByRole('button', { name: 'Close', exact: true }).last().click()

  const row = page.getByTestId('webhook-row').filter({ hasText: 'CRM' })
  await expect(row).toContainText('Nothing sent yet')
  await row.getByRole('button', { name: 'Send test' }).click()
  await expect(row.getByTestId('delivery-status')).toHaveText('Delivered', { timeout: 15_000 })
  expect(received).toHaveLength(1)
  const body = new Webhook(secret).verify(received[0]!.body, received[0]!.headers as Record<string, string>)
  expect(body).toMatchObject({ type: 'webhook.ping' })

  await row.getByTestId('webhook-log').click()
  const delivery = page.getByTestId('delivery-row').first()
  await expect(delivery).toContainText('webhook.ping')
  await expect(delivery).toContainText('200')
  await delivery.getByRole('button', { name: 'Details' }).click()
  await expect(page.getByText('thanks from the receiver')).toBeVisible()
  await page.mouse.move(0, 0)
  await expectAccessible(page, 'the delivery log')
  await screenshot(page, 'webhook-log-en')
  await delivery.getByTestId('delivery-resend').click()
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2)
  expect(received[1]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id'])
  await page.getByRole('button', { name: 'Close', exact: true }).last().click()

  await page.getByRole('button', { name: 'Delete' }).first().click()
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByText('No webhooks yet.')).toBeVisible()
  await context.close()
  server.close()
})

test('the webhooks page speaks German', async ({ browser }) => {
  const { context, page } = await signedIn(browser, state().admin, 'de-DE')
  await page.locator('header').getByText('DE', { exact: true }).click()
  await page.getByTestId('nav-webhooks').click()
  await expect(page.getByRole('heading', { name: 'Webhooks' })).toBeVisible()
  await page.getByTestId('webhook-new').click()
  await expect(page.getByText('Erlaubter privater Host')).toBeVisible()
  await expect(page.getByText('Wählen Sie mindestens ein Ereignis.')).toBeHidden()
  await expectAccessible(page, 'the webhook form in German')
  await screenshot(page, 'webhook-form-de')
  await page.getByRole('button', { name: 'Abbrechen' }).click()
  await page.locator('header').getByText('EN', { exact: true }).click()
  await expect(page.getByTestId('webhook-new')).toHaveText('New webhook')
  await context.close()
})
