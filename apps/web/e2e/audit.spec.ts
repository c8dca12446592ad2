import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { api, expectAccessible, screenshot, signedIn } from './fixtures.ts'

for (const { locale, lang, nav, heading, search, show, exportLabel, header, separator } of [
  {
    locale: 'de-DE',
    lang: 'de',
    nav: 'Protokoll',
    heading: 'Protokoll',
    search: 'Suchen',
    show: 'Änderungen zeigen',
    exportLabel: 'Als CSV exportieren',
    header: 'Zeit (UTC);Wer;Aktion',
    separator: ';',
  },
  {
    locale: 'en-US',
    lang: 'en',
    nav: 'Audit log',
    heading: 'Audit log',
    search: 'Search',
    show: 'Show changes',
    exportLabel: 'Export as CSV',
    header: 'Time (UTC),Who,Action',
    separator: ',',
  },
]) {
  test(`an admin finds a change in the audit log and exports it as CSV (${lang})`, async ({ browser }) => {
    const marker = `Prüfung ${lang} ${Date.now().toString(36)}`
    const team = await api<{ id: string }>('POST', '/teams', { name: `=HYPERLINK("x") ${marker}` })
    await api('PATCH', `/teams/${team.id}`, { description: 'Neue Beschreibung' })

    // An admin of their own who reads the desk in this language (the account's language wins).
    const who = {
      email: `audit-${lang}-${Date.now().toString(36)}@e2e.test`,
      password: 'audit-admin-password-1',
    }
    await api('POST', '/users', { name: `Audit ${lang}`, ...who, role: 'admin', language: lang, teams: [] })
    const { context, page } = await signedIn(browser, who, locale)
    await page.getByRole('link', { name: nav }).click()
    await expect(page.getByRole('heading', { name: heading })).toBeVisible()
    await page.getByLabel(search, { exact: true }).fill(marker)
    const rows = page.getByRole('table', { name: heading }).getByRole('row')
    await expect(rows.filter({ hasText: 'team.updated' })).toHaveCount(1)
    await expect(rows.filter({ hasText: 'team.created' })).toHaveCount(1)
    await rows.filter({ hasText: 'team.updated' }).getByRole('button', { name: show }).click()
    await expect(page.getByText('Neue Beschreibung')).toBeVisible()
    await expectAccessible(page, `the audit log (${lang})`)
    await screenshot(page, `audit-log-${lang}`)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: exportLabel }).click(),
    ])
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.startsWith(`\uFEFF${header}`)).toBe(true)
    const lines = csv.trim().split('\r\n').slice(1)
    expect(lines).toHaveLength(2)
    // The team's name would be a formula: it is written as text.
    expect(csv).toContain(`${separator}"'=HYPERLINK(""x"")`)
    await context.close()
  })
}
