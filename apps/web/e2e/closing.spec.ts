import { expect, test } from '@playwright/test'
import { createTicket, expectAccessible, screenshot, signedIn, state } from './fixtures.ts'

/**
 * A proper close: solving a ticket asks the closing checklist first. Cancelling leaves the ticket
 * as it was; the solve waits until every required item is answered; the answers are shown on the
 * timeline and beside the ticket. Once in German, once in English.
 */

const texts = {
  de: {
    locale: 'de-DE',
    solved: 'Gelöst',
    open: 'Offen',
    title: 'Vor dem Lösen',
    asked: 'Gefragt, ob es noch etwas gibt',
    followUp: 'Nachfrage beim Kunden planen',
    event: 'hat die Abschluss-Checkliste beantwortet',
    planned: 'Eine Nachfrage fragt den Kunden',
  },
  en: {
    locale: 'en-US',
    solved: 'Solved',
    open: 'Open',
    title: 'Before solving',
    asked: 'Asked whether there is anything else',
    followUp: 'Schedule a follow-up',
    event: 'answered the closing checklist',
    planned: 'A follow-up will ask the customer',
  },
}

for (const [lang, x] of Object.entries(texts)) {
  test(`solving asks the closing checklist first and keeps the answers (${lang})`, async ({ browser }) => {
    const run = Date.now().toString(36)
    const ticket = await createTicket(`Schaltung hakt ${run}`)
    const { context, page } = await signedIn(browser, state().admin, x.locale)
    await page.locator('header').getByText(lang.toUpperCase(), { exact: true }).click()
    await page.goto(`/tickets/${ticket.number}`)
    await expect(page.getByTestId('ticket-subject')).toHaveText(`Schaltung hakt ${run}`)

    const chooseSolved = async () => {
      await page.getByTestId('ticket-status').click()
      await page.getByRole('option', { name: x.solved, exact: true }).click()
    }
    // Cancelled: nothing is solved.
    await chooseSolved()
    const dialog = page.getByRole('dialog', { name: x.title })
    await expect(dialog).toBeVisible()
    await dialog.getByRole('button', { name: lang === 'de' ? 'Abbrechen' : 'Cancel' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByTestId('ticket-status')).not.toHaveValue(x.solved)

    // The solve waits for every required answer.
    await chooseSolved()
    await expect(dialog).toBeVisible()
    const confirm = dialog.getByTestId('closing-confirm')
    await expect(confirm).toBeDisabled()
    await dialog.getByLabel(x.asked).check()
    await expect(confirm).toBeDisabled()
    await dialog.getByLabel(x.followUp).check()
    await expect(confirm).toBeEnabled()
    await expectAccessible(page, `the closing checklist (${lang})`)
    await screenshot(page, `closing-checklist-${lang}`)
    await confirm.click()
    await expect(dialog).toBeHidden()

    await expect(page.getByTestId('ticket-status')).toHaveValue(x.solved)
    const event = page.getByTestId('timeline-event').filter({ hasText: x.event })
    await expect(event).toBeVisible()
    await expect(event.getByTestId('closing-answers')).toContainText(x.asked)
    await expect(event.getByTestId('closing-answers')).toContainText(x.followUp)
    await expect(page.getByTestId('closing-summary')).toContainText(x.planned)
    await context.close()
  })
}
