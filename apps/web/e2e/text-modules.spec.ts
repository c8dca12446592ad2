import { expect, test } from '@playwright/test'
import { api, expectAccessible, signedIn, state } from './fixtures.ts'

/**
 * An agent types `::` and a few letters in the reply editor, picks a text module, sees it filled in
 * with the customer's name and sends it; then applies a macro and sees its changes and events.
 * Once with the UI in German, once in English.
 */

let moduleShortcut = ''
let macroName = ''

test.beforeAll(async () => {
  const s = state()
  const run = Date.now().toString(36)
  moduleShortcut = `eing${run}`
  await api('POST', '/text-modules', {
    scope: 'global',
    shortcut: moduleShortcut,
    title: `Eingangsbestätigung ${run}`,
    variants: {
      de: {
        body: '{{customer.greeting}}\n\nvielen Dank für Ihre Nachricht zu Ticket {{ticket.number}}.\n\nViele Grüße\n{{agent.name}}',
      },
      en: {
        body: '{{customer.greeting}}\n\nthank you for your message about ticket {{ticket.number}}.\n\nBest regards\n{{agent.name}}',
      },
    },
  })
  macroName = `Rückfrage ${run}`
  await api('POST', '/macros', {
    name: macroName,
    teamIds: [s.teamId],
    actions: [
      { type: 'priority', priority: 'high' },
      { type: 'tags', add: ['rueckfrage'] },
      { type: 'note', text: `Rückfrage per Makro ${run}` },
      { type: 'status', status: 'pending' },
    ],
  })
})

const ticketFor = async (name: string, formOfAddress: 'ms' | 'mr', language: 'de' | 'en') => {
  const s = state()
  const customer = await api<{ id: string }>('POST', '/customers', { name, language, formOfAddress })
  return api<{ id: string; number: number }>('POST', '/tickets', {
    subject: language === 'de' ? 'Frage zur Lieferung' : 'Question about delivery',
    customerId: customer.id,
    channel: 'email',
    teamId: s.teamId,
    language,
    message: { text: 'Hallo, wo bleibt mein Paket?', direction: 'inbound' },
  })
}

for (const run of [
  {
    ui: 'German',
    agent: 0,
    locale: 'de-DE',
    customer: 'Alex Müller',
    form: 'ms',
    language: 'de',
    greeting: 'Sehr geehrte Frau Müller,',
    pending: 'Wartend',
    byMacro: (name: string) => `durch Makro „${name}“`,
  },
  {
    ui: 'English',
    agent: 1,
    locale: 'en-GB',
    customer: 'Sam Smith',
    form: 'mr',
    language: 'en',
    greeting: 'Dear Mr Smith,',
    pending: 'Pending',
    byMacro: (name: string) => `by macro “${name}”`,
  },
] as const) {
  test(`inserts a text module with :: and applies a macro (${run.ui} UI)`, async ({ browser }) => {
    const s = state()
    const agent = s.agents[run.agent]!
    const ticket = await ticketFor(run.customer, run.form, run.language)
    const { context, page } = await signedIn(browser, agent, run.locale)
    await page.goto(`/tickets/${ticket.number}`)
    await expect(page.getByTestId('ticket-subject')).toBeVisible()

    // `::` and a few letters open the suggestions; Enter inserts the filled-in module.
    const editor = page.getByTestId('reply-text')
    await editor.click()
    await page.keyboard.type(`::${moduleShortcut.slice(0, 6)}`)
    const suggestions = page.getByTestId('text-module-suggestions')
    await expect(suggestions.getByTestId('text-module-option').first()).toContainText(moduleShortcut)
    await page.keyboard.press('Enter')
    await expect(suggestions).toHaveCount(0)
    await expect(editor).toContainText(run.greeting)
    await expect(editor).toContainText(`#${ticket.number}`)
    await expect(editor).toContainText(agent.name)
    await expect(editor).not.toContainText('::')
    await expect(editor).not.toContainText('{{')
    await expectAccessible(page, `the reply editor with a text module (${run.ui})`)

    await page.getByTestId('reply-send').click()
    const message = page.getByTestId('timeline-message').filter({ hasText: run.greeting })
    await expect(message).toBeVisible()
    await expect(message).toContainText(`#${ticket.number}`)
    await expect(editor).toHaveText('')

    // The macro: one click, every change on the timeline as an event naming it.
    await page.getByTestId('macro-open').click()
    await page.getByTestId('macro-item').filter({ hasText: macroName }).click()
    await expect(page.getByTestId('ticket-status')).toHaveValue(run.pending)
    const byMacro = page.getByTestId('timeline-event').filter({ hasText: run.byMacro(macroName) })
    await expect(byMacro).toHaveCount(3)
    await expect(page.getByTestId('timeline-note').filter({ hasText: 'Rückfrage per Makro' })).toBeVisible()

    const detail = await api<{ status: string; priority: string; tags: string[] }>(
      'GET',
      `/tickets/${ticket.number}`,
    )
    expect(detail).toMatchObject({ status: 'pending', priority: 'high', tags: ['rueckfrage'] })
    await context.close()
  })
}

test('a module with a missing value shows a mark, and the reply is not sent until it is replaced', async ({
  browser,
}) => {
  const s = state()
  const run = Date.now().toString(36)
  await api('POST', '/text-modules', {
    scope: 'global',
    shortcut: `frist${run}`,
    title: `Antwortfrist ${run}`,
    variants: { de: { body: 'Wir antworten bis {{ticket.expectedAnswer}}.' } },
  })
  const ticket = await ticketFor('Alex Müller', 'ms', 'de')
  const { context, page } = await signedIn(browser, s.agents[0]!, 'de-DE')
  await page.goto(`/tickets/${ticket.number}`)
  await page.getByTestId('text-module-picker').click()
  await page.getByPlaceholder('Kürzel oder Titel').fill(`frist${run}`)
  await page.getByText(`Antwortfrist ${run}`).click()
  const editor = page.getByTestId('reply-text')
  const mark = editor.locator('mark[data-missing="ticket.expectedAnswer"]')
  await expect(mark).toHaveText('[voraussichtliche Antwortzeit fehlt]')
  await page.getByTestId('reply-send').click()
  await expect(page.getByTestId('reply-error')).toContainText('fehlende Werte')
  // Clicking the mark selects it; typing replaces it.
  await mark.click()
  await page.keyboard.type('morgen Mittag')
  await expect(editor).toHaveText('Wir antworten bis morgen Mittag.')
  await page.getByTestId('reply-send').click()
  await expect(
    page.getByTestId('timeline-message').filter({ hasText: 'Wir antworten bis morgen Mittag.' }),
  ).toBeVisible()
  await context.close()
})
