import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'
import { api, expectAccessible, screenshot, signedIn, state } from './fixtures.ts'

/**
 * Response targets, once in German and once in English: an admin sets up a policy with a short
 * first-response target (a minute, around the clock) for tickets with one tag; a customer's ticket
 * shows the promise on the ticket page; an agent pauses it (a pause longer than the policy allows
 * is refused at the minutes field) and resumes it; the reply keeps it. A second ticket runs on:
 * it turns "due soon" and then "missed" while its page stays open (live updates, no reload), the
 * timeline says so, and the inbox finds it with the promise filter and marks its row.
 */

const texts = {
  de: {
    locale: 'de-DE',
    nav: 'Antwortziele',
    title: 'Richtlinien für Antwortziele',
    firstResponse: 'Erste Antwort',
    running: 'läuft',
    warning: 'bald fällig',
    breached: 'überschritten',
    paused: 'pausiert',
    met: 'eingehalten',
    kept: 'Erledigt (1)',
    pauseTitle: 'Antwortziele pausieren',
    reason: 'Grund',
    minutes: 'Wie lange (Minuten)',
    warnedEvent: 'Antwortziel bald fällig',
    breachedEvent: 'Antwortziel überschritten',
    pausedEvent: 'hat die Antwortziele pausiert',
    filter: 'Antwortziele',
    filterBreached: 'Überschritten',
    sort: 'Nächste Fälligkeit',
    mark: 'Überfällig',
  },
  en: {
    locale: 'en-US',
    nav: 'Response targets',
    title: 'Response target policies',
    firstResponse: 'First response',
    running: 'running',
    warning: 'due soon',
    breached: 'missed',
    paused: 'paused',
    met: 'met',
    kept: 'Kept (1)',
    pauseTitle: 'Pause the response targets',
    reason: 'Reason',
    minutes: 'For how long (minutes)',
    warnedEvent: 'response target due soon',
    breachedEvent: 'response target missed',
    pausedEvent: 'paused the response targets',
    filter: 'Response targets',
    filterBreached: 'Missed',
    sort: 'Due next',
    mark: 'Missed',
  },
}

/** A ticket a customer wrote, with the tag the test's policy applies to. */
const customerTicket = async (subject: string, tag: string) => {
  const s = state()
  const customers = await api<{ items: { id: string }[] }>('GET', '/customers?limit=1')
  return api<{ id: string; number: number }>('POST', '/tickets', {
    subject,
    customerId: customers.items[0]!.id,
    channel: 'email',
    teamId: s.teamId,
    assigneeId: s.agents[0]!.id,
    tags: [tag],
    message: { text: `Guten Tag,\n\n${subject}\n\nViele Grüße`, direction: 'inbound' },
  })
}

/**
 * No serious or critical accessibility violations in the parts of the page this feature draws (the
 * ticket page holds others' parts too, which their own specs check).
 */
const expectPartAccessible = async (page: Page, selectors: string[], what: string) => {
  let axe = new AxeBuilder({ page })
  for (const selector of selectors) axe = axe.include(selector)
  const results = await axe.analyze()
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(bad, `accessibility of ${what}`).toEqual([])
}

const chip = (page: Page, kind = 'sla.first_response') =>
  page.getByTestId('promise-bar').locator(`[data-testid="promise-chip"][data-kind="${kind}"]`)

for (const [lang, x] of Object.entries(texts)) {
  test(`response targets: policy, promise bar, pause, warning and breach (${lang})`, async ({ browser }) => {
    // The second ticket's minute must run out while the page is open: allow for it.
    test.setTimeout(300_000)
    const run = `${lang}${Date.now().toString(36)}`
    const tag = `sla-${run}`
    const { context, page } = await signedIn(browser, state().admin, x.locale)
    await page.locator('header').getByText(lang.toUpperCase(), { exact: true }).click()

    // The admin sets up the policy.
    await page.getByRole('link', { name: x.nav, exact: true }).click()
    await expect(page.getByRole('heading', { name: x.title })).toBeVisible()
    await page.getByTestId('sla-policy-new').click()
    const form = page.getByRole('dialog')
    // A name of spaces only passes the browser and is refused by the server, at the name field.
    await page.getByTestId('sla-policy-name').fill('   ')
    await page.getByTestId('sla-policy-tags').fill(tag)
    await page.getByTestId('sla-policy-tags').press('Enter')
    await page.getByTestId('sla-target-firstResponse-on').check()
    await page.getByTestId('sla-target-firstResponse-value').fill('1')
    await page.getByTestId('sla-target-firstResponse-unit').click()
    await page.getByRole('option', { name: lang === 'de' ? 'Minuten' : 'minutes', exact: true }).click()
    await page.getByTestId('sla-target-firstResponse-business').uncheck({ force: true })
    await page.getByTestId('sla-policy-warn').fill('50')
    await page.getByTestId('sla-policy-max-pause').fill('30')
    await page.getByTestId('sla-policy-save').click()
    await expect(page.getByTestId('sla-policy-name')).toHaveAttribute('aria-invalid', 'true')
    await expect(form).toBeVisible()
    await page.getByTestId('sla-policy-name').fill(`Schnell ${run}`)
    await expectAccessible(page, `the policy form (${lang})`)
    await page.getByTestId('sla-policy-save').click()
    await expect(form).toBeHidden()
    const row = page.locator(`[data-testid="sla-policy-row"][data-name="Schnell ${run}"]`)
    await expect(row).toContainText(`#${tag}`)
    await expect(row.getByTestId('sla-policy-targets')).toContainText(x.firstResponse)
    // First in the order, so no other policy of the desk takes its tickets.
    const names = () =>
      page.getByTestId('sla-policy-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))
    const up = row.getByRole('button', {
      name: lang === 'de' ? `„Schnell ${run}“ nach oben` : `Move “Schnell ${run}” up`,
    })
    for (let at = (await names()).indexOf(`Schnell ${run}`); at > 0; at--) {
      await up.click()
      await expect.poll(async () => (await names()).indexOf(`Schnell ${run}`)).toBe(at - 1)
    }
    await expect(page.getByTestId('sla-policy-row').first()).toHaveAttribute('data-name', `Schnell ${run}`)
    await expectAccessible(page, `the policies page (${lang})`)
    await screenshot(page, `sla-policies-${lang}`)

    // Two customers write; the second ticket's minute runs from now.
    const paused = await customerTicket(`Drucker streikt ${run}`, tag)
    const late = await customerTicket(`Rechnung fehlt ${run}`, tag)

    // The first ticket: the bar shows the first response, running.
    await page.goto(`/tickets/${paused.number}`)
    await expect(chip(page)).toBeVisible()
    await expect(chip(page)).toContainText(x.firstResponse)
    await expect(chip(page)).toHaveAttribute('data-state', 'running')
    await expect(chip(page).getByTestId('promise-state')).toHaveText(x.running)

    // A pause longer than the policy allows is refused at the minutes field; a shorter one stops the clock.
    await page.getByTestId('promise-pause').click()
    const dialog = page.getByRole('dialog', { name: x.pauseTitle })
    await dialog.getByLabel(x.reason).fill(`Kunde im Urlaub ${run}`)
    await dialog.getByLabel(x.minutes).fill('45')
    await dialog.getByTestId('promise-pause-submit').click()
    await expect(dialog.getByLabel(x.minutes)).toHaveAttribute('aria-invalid', 'true')
    await expectAccessible(page, `the pause dialog (${lang})`)
    await dialog.getByLabel(x.minutes).fill('20')
    await dialog.getByTestId('promise-pause-submit').click()
    await expect(dialog).toBeHidden()
    await expect(chip(page)).toHaveAttribute('data-state', 'paused')
    await expect(chip(page)).toContainText(`Kunde im Urlaub ${run}`)
    await expect(page.getByTestId('timeline-event').filter({ hasText: x.pausedEvent })).toContainText(
      `Kunde im Urlaub ${run}`,
    )
    await page.getByTestId('promise-resume').click()
    await expect(chip(page)).toHaveAttribute('data-state', 'running')

    // The reply keeps the promise: it folds away as met.
    await api('POST', `/tickets/${paused.id}/interactions`, { kind: 'reply', text: 'Wir kümmern uns darum.' })
    await expect(chip(page)).toHaveCount(0)
    await page.getByTestId('promise-kept-toggle').click()
    await expect(page.getByTestId('promise-kept-toggle')).toHaveText(x.kept)
    await expect(page.getByTestId('promise-kept-chip')).toContainText(`${x.firstResponse}: ${x.met}`)

    // The second ticket: due soon after half its minute, then missed, without reloading the page.
    await page.goto(`/tickets/${late.number}`)
    await expect(chip(page)).toContainText(x.firstResponse)
    await expect(chip(page)).toHaveAttribute('data-state', 'warning', { timeout: 60_000 })
    await expect(chip(page).getByTestId('promise-state')).toHaveText(x.warning)
    await page.mouse.move(0, 0)
    await expectAccessible(page, `a promise due soon (${lang})`)
    await screenshot(page, `promise-warning-${lang}`)
    await expect(chip(page)).toHaveAttribute('data-state', 'breached', { timeout: 60_000 })
    await expect(chip(page).getByTestId('promise-state')).toHaveText(x.breached)
    await expect(page.locator('[data-testid="timeline-event"][data-type="promise.warning"]')).toContainText(
      x.warnedEvent,
    )
    const breachEvent = page.locator('[data-testid="timeline-event"][data-type="promise.breached"]')
    await expect(breachEvent).toContainText(x.breachedEvent)
    await expect(breachEvent).toContainText(x.firstResponse)
    await expectPartAccessible(page, ['[data-testid="promise-bar"]', 'ol'], `a missed promise (${lang})`)
    await screenshot(page, `promise-breached-${lang}`)

    // The inbox: the promise filter finds it, sorted by what is due next, and its row is marked.
    await page.goto('/inbox/all')
    await page.getByTestId('inbox-promise-filter').click()
    await page.getByRole('option', { name: x.filterBreached, exact: true }).click()
    await page.keyboard.press('Escape')
    await page.getByRole('combobox', { name: lang === 'de' ? 'Sortieren nach' : 'Sort by' }).click()
    await page.getByRole('option', { name: x.sort, exact: true }).click()
    await expect(page).toHaveURL(/promise=breached/)
    await expect(page).toHaveURL(/sort=due/)
    const lateRow = page.getByTestId('ticket-row').filter({ hasText: `Rechnung fehlt ${run}` })
    await expect(lateRow.getByTestId('promise-mark')).toHaveAttribute('data-state', 'breached')
    await expect(lateRow.getByTestId('promise-mark')).toContainText(x.mark)
    await expect(page.getByTestId('ticket-row').filter({ hasText: `Drucker streikt ${run}` })).toHaveCount(0)
    await expectAccessible(page, `the inbox with marked rows (${lang})`)
    await screenshot(page, `inbox-promises-${lang}`)

    // The policy is switched off again, so later tests' tickets are not touched by it.
    await page.goto('/admin/sla-policies')
    await row.getByTestId('sla-policy-active').click({ force: true })
    await expect(row).toContainText(lang === 'de' ? 'Inaktiv' : 'Inactive')
    await context.close()
  })
}
