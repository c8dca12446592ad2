import { expect, test } from '@playwright/test'
import { api, createTicket, expectAccessible, screenshot, signedIn, state } from './fixtures.ts'

/**
 * An admin defines a select field on the admin page, sets it on a ticket in the ticket view, sees
 * the change on the timeline and filters the inbox by it. Once in German, once in English.
 */

const texts = {
  de: {
    locale: 'de-DE',
    nav: 'Ticketfelder',
    newField: 'Neues Feld',
    labelEn: 'Bezeichnung (Englisch)',
    labelDe: 'Bezeichnung (Deutsch)',
    type: 'Typ',
    select: 'Auswahl',
    addOption: 'Option hinzufügen',
    save: 'Speichern',
    event: 'hat Ticketfelder geändert',
    filter: 'Feldfilter',
    field: 'Feld',
    value: 'Wert',
    apply: 'Anwenden',
  },
  en: {
    locale: 'en-US',
    nav: 'Ticket fields',
    newField: 'New field',
    labelEn: 'Label (English)',
    labelDe: 'Label (German)',
    type: 'Type',
    select: 'Selection',
    addOption: 'Add option',
    save: 'Save',
    event: 'changed ticket fields',
    filter: 'Field filter',
    field: 'Field',
    value: 'Value',
    apply: 'Apply',
  },
}

for (const [lang, x] of Object.entries(texts)) {
  test(`an admin defines a ticket field, sets it on a ticket and filters the inbox by it (${lang})`, async ({
    browser,
  }) => {
    const run = Date.now().toString(36)
    const labelEn = `Return reason ${run}`
    const labelDe = `Rücksendegrund ${run}`
    const shown = lang === 'de' ? labelDe : labelEn
    const ticket = await createTicket(`Rücksendung ${run}`)
    const { context, page } = await signedIn(browser, state().admin, x.locale)
    // The admin's own language wins over the browser's: choose the one of this run.
    await page.locator('header').getByText(lang.toUpperCase(), { exact: true }).click()
    await expect(page.getByRole('link', { name: x.nav })).toBeVisible()

    await page.getByRole('link', { name: x.nav }).click()
    await page.getByTestId('field-new').click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('textbox', { name: x.labelEn }).first().fill(labelEn)
    await dialog.getByRole('textbox', { name: x.labelDe }).first().fill(labelDe)
    await dialog.getByTestId('field-type').click()
    await page.getByRole('option', { name: x.select, exact: true }).click()
    for (const [en, de] of [
      ['Too small', 'Zu klein'],
      ['Damaged', 'Beschädigt'],
    ]) {
      await dialog.getByTestId('field-add-option').click()
      const row = dialog.getByRole('row').last()
      await row.getByLabel(x.labelEn).fill(en!)
      await row.getByLabel(x.labelDe).fill(de!)
    }
    await dialog.getByTestId('field-save').click()
    await expect(dialog).toBeHidden()
    const fieldRow = page.getByTestId('field-row').filter({ hasText: shown })
    await expect(fieldRow).toBeVisible()
    await expect(fieldRow).toContainText(`return_reason_${run}`)
    await expectAccessible(page, `the ticket fields admin page (${lang})`)
    await screenshot(page, `custom-fields-admin-${lang}`)

    await page.goto(`/tickets/${ticket.number}`)
    const panel = page.getByTestId('ticket-fields')
    await panel.getByLabel(shown).click()
    await page.getByRole('option', { name: lang === 'de' ? 'Zu klein' : 'Too small' }).click()
    await panel.getByTestId('ticket-fields-save').click()
    const event = page.getByTestId('timeline-event').filter({ hasText: x.event })
    await expect(event).toContainText(shown)
    await expect(event).toContainText(lang === 'de' ? 'Zu klein' : 'Too small')
    await screenshot(page, `custom-fields-ticket-${lang}`)

    await page.goto('/inbox/all')
    await page.getByTestId('field-filter-open').click()
    await page.getByTestId('field-filter-field').click()
    await page.getByRole('option', { name: shown }).click()
    await page.getByRole('combobox', { name: x.value }).click()
    await page.getByRole('option', { name: lang === 'de' ? 'Zu klein' : 'Too small' }).click()
    await page.getByTestId('field-filter-apply').click()
    await expect(page.getByTestId('field-filter-badge')).toContainText(shown)
    await expect(page.getByTestId('ticket-row')).toHaveCount(1)
    await expect(page.getByTestId('ticket-row')).toContainText(`Rücksendung ${run}`)
    expect(new URL(page.url()).searchParams.get('field')).toBe(`return_reason_${run}:eq:too-small`)

    const [field] = (await api<{ id: string; key: string }[]>('GET', '/ticket-fields')).filter(
      (f) => f.key === `return_reason_${run}`,
    )
    await api('PATCH', `/ticket-fields/${field!.id}`, { archived: true })
    await context.close()
  })
}
