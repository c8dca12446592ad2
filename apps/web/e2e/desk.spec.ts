import { expect, test } from '@playwright/test'
import {
  createTicket,
  expectAccessible,
  newContext,
  screenshot,
  signedIn,
  signIn,
  state,
} from './fixtures.ts'

test.describe('signing in', () => {
  test('a wrong password is refused with a message; the right one opens the inbox', async ({ browser }) => {
    const context = await newContext(browser, 'en-US')
    const page = await context.newPage()
    await page.goto('/')
    await expect(page).toHaveURL(/\/sign-in/)
    await expect(page.getByRole('heading', { name: 'Sign in to Tresen' })).toBeVisible()
    await expectAccessible(page, 'the sign-in page')
    await page.locator('input[type="email"]').fill(state().agents[1]!.email)
    await page.locator('input[type="password"]').fill('not-the-password')
    await page.locator('button[type="submit"]').click()
    await expect(page.getByTestId('sign-in-error')).toBeVisible()
    await signIn(page, state().agents[1]!)
    await expect(page.getByTestId('inbox-title')).toHaveText('Mine')
    await context.close()
  })

  test('German is the default when the browser prefers German', async ({ browser }) => {
    const context = await newContext(browser, 'de-DE')
    const page = await context.newPage()
    await page.goto('/sign-in')
    await expect(page.getByRole('heading', { name: 'Bei Tresen anmelden' })).toBeVisible()
    await context.close()
  })
})

test('an agent works a ticket from the inbox to solved: reply, note, transfer with reason', async ({
  browser,
}) => {
  const s = state()
  const ticket = await createTicket('Rücksendung des Fahrradschlosses')
  const { context, page } = await signedIn(browser, s.agents[0]!)
  await expect(page.getByTestId('inbox-title')).toHaveText('Meine')
  const row = page.getByTestId('ticket-row').filter({ hasText: 'Rücksendung des Fahrradschlosses' })
  await expect(row).toBeVisible()
  await expect(row).toContainText(ticket.customer.name)
  await expectAccessible(page, 'the inbox')
  await screenshot(page, 'inbox-de')

  await row.click()
  await expect(page.getByTestId('ticket-subject')).toHaveText('Rücksendung des Fahrradschlosses')
  await expect(page.getByTestId('customer-panel')).toContainText(ticket.customer.name)
  await expectAccessible(page, 'the ticket page')
  await screenshot(page, 'ticket-de')

  // A public reply
  await page.getByTestId('reply-text').fill('Guten Tag, wir holen das Schloss morgen ab.')
  await page.getByTestId('reply-send').click()
  await expect(
    page.getByTestId('timeline-message').filter({ hasText: 'wir holen das Schloss morgen ab' }),
  ).toBeVisible()
  await expect(page.getByTestId('reply-text')).toHaveText('')

  // An internal note, shown differently
  await page.getByTestId('reply-text').blur()
  await page.locator('body').press('n')
  await expect(page.getByTestId('reply-text')).toBeFocused()
  await page.getByTestId('reply-text').fill('Kunde ist Stammkunde.')
  await page.getByTestId('reply-send').click()
  await expect(page.getByTestId('timeline-note').filter({ hasText: 'Kunde ist Stammkunde.' })).toBeVisible()

  // Transfer: refused without a reason, done with one
  await page.getByTestId('transfer-open').click()
  await page.getByTestId('transfer-assignee').click()
  await page.getByRole('option', { name: s.agents[1]!.name }).click()
  await page.getByTestId('transfer-submit').click()
  await expect(page.getByText('Bitte geben Sie einen Grund für die Übergabe an.')).toBeVisible()
  await page.getByTestId('transfer-reason').fill('Oliver kennt den Lieferanten.')
  await page.getByTestId('transfer-submit').click()
  await expect(page.getByTestId('ticket-assignee')).toHaveText(s.agents[1]!.name)
  await expect(
    page.getByTestId('timeline-event').filter({ hasText: 'Oliver kennt den Lieferanten.' }),
  ).toBeVisible()

  // Solved with the last reply (r switches the editor back from note to reply)
  await page.getByTestId('reply-text').blur()
  await page.locator('body').press('r')
  await expect(page.getByTestId('reply-send-solve')).toBeVisible()
  await page.getByTestId('reply-text').fill('Erledigt, vielen Dank für Ihre Geduld!')
  await page.getByTestId('reply-send-solve').click()
  // The closing checklist comes first.
  const closing = page.getByRole('dialog', { name: 'Vor dem Lösen' })
  await closing.getByLabel('Gefragt, ob es noch etwas gibt').check()
  await closing.getByLabel('Kunde hat bestätigt').check()
  await closing.getByTestId('closing-confirm').click()
  await expect(closing).toBeHidden()
  await expect(page.getByTestId('ticket-status')).toHaveValue('Gelöst')
  await context.close()
})

test('a second agent sees a reply and a new ticket appear live, without reloading', async ({ browser }) => {
  const s = state()
  const ticket = await createTicket('Klingel defekt nach Reparatur')
  const a = await signedIn(browser, s.agents[0]!)
  const b = await signedIn(browser, s.agents[1]!, 'en-US')

  await b.page.goto(`/tickets/${ticket.number}`)
  await expect(b.page.getByTestId('ticket-subject')).toHaveText('Klingel defekt nach Reparatur')
  await a.page.goto(`/tickets/${ticket.number}`)
  await a.page.getByTestId('reply-text').fill('Wir schicken Ihnen eine neue Klingel.')
  await a.page.getByTestId('reply-send').click()
  await expect(
    b.page.getByTestId('timeline-message').filter({ hasText: 'Wir schicken Ihnen eine neue Klingel.' }),
  ).toBeVisible()

  // A new ticket in the team reaches the other agent's open team view.
  await b.page.getByTestId('view-unassigned').click()
  await expect(b.page.getByTestId('inbox-title')).toHaveText('Unassigned in my teams')
  const fresh = await createTicket('Neues Ticket während die Ansicht offen ist', { assigneeId: null })
  await expect(b.page.getByTestId('ticket-row').filter({ hasText: `#${fresh.number}` })).toBeVisible()
  await a.context.close()
  await b.context.close()
})

test('two agents on one ticket see each other (collision warning)', async ({ browser }) => {
  const s = state()
  const ticket = await createTicket('Rechnung doppelt erhalten')
  const a = await signedIn(browser, s.agents[0]!)
  const b = await signedIn(browser, s.agents[1]!, 'en-US')
  await a.page.goto(`/tickets/${ticket.number}`)
  await b.page.goto(`/tickets/${ticket.number}`)
  await expect(a.page.getByTestId('collision-warning')).toContainText(s.agents[1]!.name)
  await expect(b.page.getByTestId('collision-warning')).toContainText(s.agents[0]!.name)
  await b.page.getByTestId('reply-text').fill('Dear customer, ')
  await expect(a.page.getByTestId('collision-warning')).toContainText('schreibt gerade')
  // Leaving the ticket ends the warning for the other.
  await b.page.getByTestId('view-mine').click()
  await expect(a.page.getByTestId('collision-warning')).toHaveCount(0)
  await a.context.close()
  await b.context.close()
})

test('switching the language changes the whole UI and is remembered', async ({ browser }) => {
  const s = state()
  const ticket = await createTicket('Sprache wechseln')
  const { context, page } = await signedIn(browser, s.agents[0]!)
  await expect(page.getByTestId('inbox-title')).toHaveText('Meine')
  await page.locator('header').getByText('EN', { exact: true }).click()
  await expect(page.getByTestId('inbox-title')).toHaveText('Mine')
  await expect(page.getByRole('columnheader', { name: 'Subject' })).toBeVisible()
  await screenshot(page, 'inbox-en')
  await page.goto(`/tickets/${ticket.number}`)
  await expect(page.getByRole('button', { name: 'Transfer' })).toBeVisible()
  await screenshot(page, 'ticket-en')
  await page.reload()
  await expect(page.getByRole('button', { name: 'Transfer' })).toBeVisible()
  // Back to German for the other tests of this agent.
  await page.locator('header').getByText('DE', { exact: true }).click()
  await expect(page.getByRole('button', { name: 'Übergeben' })).toBeVisible()
  await context.close()
})

test('a draft survives a failed send and a reload', async ({ browser }) => {
  const s = state()
  const ticket = await createTicket('Entwurf darf nicht verloren gehen')
  const { context, page } = await signedIn(browser, s.agents[0]!)
  await page.goto(`/tickets/${ticket.number}`)
  await page.getByTestId('reply-text').fill('Ein langer, sorgfältiger Text.')
  await page.route('**/api/v1/tickets/*/interactions', (route) => route.abort('connectionreset'))
  await page.getByTestId('reply-send').click()
  await expect(page.getByTestId('reply-error')).toBeVisible()
  await expect(page.getByTestId('reply-text')).toHaveText('Ein langer, sorgfältiger Text.')
  await page.unroute('**/api/v1/tickets/*/interactions')
  await page.reload()
  await expect(page.getByTestId('reply-text')).toHaveText('Ein langer, sorgfältiger Text.')
  await context.close()
})

test('a ticket that does not exist or is hidden shows a clear page', async ({ browser }) => {
  const { context, page } = await signedIn(browser, state().agents[0]!)
  await page.goto('/tickets/99999999')
  await expect(page.getByRole('heading', { name: 'Nicht gefunden' })).toBeVisible()
  await context.close()
})

test('a lost live connection shows a banner and comes back by itself', async ({ browser }) => {
  const { context, page } = await signedIn(browser, state().agents[0]!)
  let drop: (() => void) | undefined
  await page.routeWebSocket('**/api/v1/live', (ws) => {
    const server = ws.connectToServer()
    drop = () => {
      ws.close()
      server.close()
    }
  })
  await page.reload()
  await expect(page.getByTestId('inbox-title')).toBeVisible()
  await expect.poll(() => drop !== undefined).toBe(true)
  drop!()
  await expect(page.getByTestId('connection-lost')).toBeVisible()
  await expect(page.getByTestId('connection-lost')).toHaveCount(0, { timeout: 20_000 })
  await context.close()
})
