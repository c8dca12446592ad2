import { expect, type Page, test } from '@playwright/test'
import { expectAccessible, signedIn, state } from './fixtures.ts'

const pick = async (page: Page, label: string, search: string, option: string) => {
  const input = page.getByRole('dialog').getByRole('combobox', { name: label, exact: true })
  await input.click()
  await input.fill(search)
  await page.getByRole('option', { name: option, exact: true }).click()
}

test('an admin creates a calendar for Bavaria and sees Epiphany in the preview (English)', async ({
  browser,
}) => {
  const { context, page } = await signedIn(browser, state().admin, 'en-US')
  await page.getByTestId('nav-calendars').click()
  await expect(page.getByRole('heading', { name: 'Business hours', level: 1 })).toBeVisible()
  // the demo company's default calendar
  await expect(
    page.getByTestId('calendar-row').filter({ hasText: 'Geschäftszeiten Baden-Württemberg' }),
  ).toContainText('DE-BW')
  await page.getByTestId('calendar-new').click()
  const name = `Bavaria ${Date.now()}`
  await page.getByRole('dialog').getByRole('textbox', { name: 'Name', exact: true }).fill(name)
  await page.getByRole('button', { name: 'Saturday: add a time frame' }).click()
  await page.getByLabel('Saturday: frame 1 from').fill('09:00')
  await page.getByLabel('Saturday: frame 1 to').fill('13:00')
  await pick(page, 'State', 'Bay', 'Bayern') // state names come in the country's language
  await expectAccessible(page, 'the calendar form')
  await page.getByTestId('calendar-save').click()

  await expect(page.getByTestId('calendar-row').filter({ hasText: name })).toContainText('DE-BY')
  await expect(page.getByRole('heading', { name: `The next 14 days: ${name}` })).toBeVisible()
  await page.getByLabel('Preview from').fill('2026-01-01')
  const epiphany = page.getByTestId('calendar-preview-day').filter({ hasText: 'Epiphany' })
  await expect(epiphany).toContainText('Closed')
  await expectAccessible(page, 'the calendars page')
  await context.close()
})

test('eine Admin legt einen Kalender für Augsburg an und sieht das Friedensfest (Deutsch)', async ({
  browser,
}) => {
  const { context, page } = await signedIn(browser, state().admin, 'de-DE')
  await page.locator('header').getByText('DE', { exact: true }).click()
  await page.getByTestId('nav-calendars').click()
  await expect(page.getByRole('heading', { name: 'Geschäftszeiten', level: 1 })).toBeVisible()
  await page.getByTestId('calendar-new').click()
  const name = `Augsburg ${Date.now()}`
  await page.getByRole('dialog').getByRole('textbox', { name: 'Name', exact: true }).fill(name)
  await pick(page, 'Bundesland', 'Bay', 'Bayern')
  await pick(page, 'Region', 'Augs', 'Stadt Augsburg')
  // an invalid frame is refused with its place named
  await page.getByLabel('Montag: Zeitfenster 1 bis').fill('25:00')
  await page.getByTestId('calendar-save').click()
  await expect(page.getByTestId('calendar-error')).toContainText('week/mon/0/to')
  await page.getByLabel('Montag: Zeitfenster 1 bis').fill('18:00')
  await page.getByTestId('calendar-save').click()

  await expect(page.getByTestId('calendar-row').filter({ hasText: name })).toContainText('DE-BY-A')
  await page.getByLabel('Vorschau ab').fill('2026-08-03')
  await expect(
    page.getByTestId('calendar-preview-day').filter({ hasText: 'Augsburger Friedensfest' }),
  ).toContainText('Geschlossen')
  // Augsburg keeps Assumption Day (15 August) as a public holiday as well
  await expect(page.getByTestId('calendar-preview-day').filter({ hasText: 'Mariä Himmelfahrt' })).toHaveCount(
    1,
  )
  await context.close()
})
