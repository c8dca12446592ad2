import { expect, type Page, test } from '@playwright/test'
import { api, expectAccessible, screenshot, signedIn, state } from './fixtures.ts'

/**
 * Bringing in a supervisor, once in German and once in English. A customer's ticket has a
 * first-response target of one minute. Its agent watches it turn "due soon" and then "missed" on
 * the open page; the reply editor asks for an apology; the agent asks for help with a note. The
 * team's supervisor, on the supervisor board in another browser, is told live (a notification
 * and the board, no reload), and joins by advising. The agent sees the advice arrive, and cannot
 * solve the ticket before answering the closing checklist; solving resolves the escalation.
 */

const texts = {
  de: {
    locale: 'de-DE',
    help: 'Hilfe anfordern',
    helpTitle: 'Die Teamleitung um Hilfe bitten',
    helpNote: 'Wobei brauchen Sie Hilfe?',
    helpSend: 'Anfrage senden',
    panel: 'An die Teamleitung eskaliert',
    board: 'Übersicht Teamleitung',
    notification: (n: number) => `Eskalation bei Ticket #${n}`,
    adviseFor: (n: number) => `Beraten: #${n}`,
    adviseTitle: (n: number) => `Zu Ticket #${n} beraten`,
    adviseNote: 'Ihr Rat (interne Notiz)',
    adviseSend: 'Rat senden',
    solved: 'Gelöst',
    checklist: 'Vor dem Lösen',
    asked: 'Gefragt, ob es noch etwas gibt',
    joinedEvent: 'als Teamleitung dazugekommen',
  },
  en: {
    locale: 'en-US',
    help: 'I need help',
    helpTitle: 'Ask a supervisor for help',
    helpNote: 'What do you need help with?',
    helpSend: 'Send request',
    panel: 'Escalated to a supervisor',
    board: 'Supervisor board',
    notification: (n: number) => `Escalation on ticket #${n}`,
    adviseFor: (n: number) => `Advise on #${n}`,
    adviseTitle: (n: number) => `Advise on ticket #${n}`,
    adviseNote: 'Your advice (internal note)',
    adviseSend: 'Send advice',
    solved: 'Solved',
    checklist: 'Before solving',
    asked: 'Asked whether there is anything else',
    joinedEvent: 'joined as supervisor',
  },
}

const chip = (page: Page) =>
  page.getByTestId('promise-bar').locator('[data-testid="promise-chip"][data-kind="sla.first_response"]')

for (const [lang, x] of Object.entries(texts)) {
  test(`escalation: warning, breach, apology, help, the supervisor joins live, the checklist (${lang})`, async ({
    browser,
  }) => {
    // The ticket's minute must run out while the pages are open.
    test.setTimeout(300_000)
    const s = state()
    const run = `${lang}${Date.now().toString(36)}`
    const tag = `esc-${run}`
    const agent = lang === 'de' ? s.agents[0]! : s.agents[1]!

    // A supervisor of the agents' team, and a one-minute first-response target for the test's tag.
    const password = `Sup-${run}-long-enough-pw`
    const supervisor = { email: `sup-${run}@e2e.test`, password, name: `Sabine ${run}` }
    await api('POST', '/users', {
      ...supervisor,
      role: 'agent',
      language: lang,
      teams: [{ teamId: s.teamId, role: 'supervisor' }],
    })
    await api('POST', '/sla-policies', {
      name: `Eskalation ${run}`,
      conditions: { tags: [tag] },
      targets: { firstResponse: { minutes: 1, business: false } },
      warnAt: 0.5,
      // First in the order, so no other policy of the desk takes the ticket.
      position: 0,
    })
    const policies = await api<{ id: string; name: string }[]>('GET', '/sla-policies')
    const mine = policies.find((p) => p.name === `Eskalation ${run}`)!

    const customers = await api<{ items: { id: string }[] }>('GET', '/customers?limit=1')
    const ticket = await api<{ id: string; number: number }>('POST', '/tickets', {
      subject: `Lieferung verspätet ${run}`,
      customerId: customers.items[0]!.id,
      channel: 'email',
      teamId: s.teamId,
      assigneeId: agent.id,
      tags: [tag],
      message: {
        text: 'Guten Tag,\n\nmeine Lieferung ist seit zwei Wochen überfällig.\n\nGrüße',
        direction: 'inbound',
      },
    })

    // The supervisor watches the board; the agent opens the ticket.
    const sup = await signedIn(browser, supervisor, x.locale)
    await sup.page.goto('/supervisor')
    await expect(sup.page.getByRole('heading', { name: x.board, level: 1 })).toBeVisible()
    const ag = await signedIn(browser, agent, x.locale)
    await ag.page.locator('header').getByText(lang.toUpperCase(), { exact: true }).click()
    await ag.page.goto(`/tickets/${ticket.number}`)
    await expect(chip(ag.page)).toHaveAttribute('data-state', 'running')

    // Due soon after half the minute: the rule escalates, the supervisor hears of it at once.
    await expect(chip(ag.page)).toHaveAttribute('data-state', 'warning', { timeout: 60_000 })
    const note = sup.page.getByTestId('escalation-notification').filter({ hasText: `#${ticket.number}` })
    await expect(sup.page.getByText(x.notification(ticket.number)).first()).toBeVisible({ timeout: 15_000 })
    await expect(note.first()).toBeVisible()
    const row = sup.page.locator(`[data-testid="board-escalation"][data-ticket="${ticket.number}"]`)
    await expect(row).toBeVisible()

    // Missed: the agent's reply is asked to apologise.
    await expect(chip(ag.page)).toHaveAttribute('data-state', 'breached', { timeout: 60_000 })
    await expect(ag.page.getByTestId('apology-prompt')).toBeVisible()
    await expect(ag.page.getByTestId('escalation-panel')).toHaveAttribute('data-state', 'waiting')

    // The agent asks for help with a note; the panel lists it with the rules' reasons.
    await ag.page.getByRole('button', { name: x.help, exact: true }).click()
    const help = ag.page.getByRole('dialog', { name: x.helpTitle })
    await help.getByRole('button', { name: x.helpSend }).click()
    await expect(help).toBeVisible() // a note is required
    await help.getByLabel(x.helpNote).fill(`Kunde will kündigen ${run}`)
    await expectAccessible(ag.page, `the help dialog (${lang})`)
    await help.getByRole('button', { name: x.helpSend }).click()
    await expect(help).toBeHidden()
    const panel = ag.page.getByRole('region', { name: x.panel })
    await expect(panel).toContainText(`Kunde will kündigen ${run}`)
    await expect(
      panel.locator('[data-testid="escalation-cause"][data-reason="help_requested"]'),
    ).toBeVisible()
    await screenshot(ag.page, `escalation-agent-${lang}`)

    // The supervisor joins from the board by advising; the agent sees it without reloading.
    await expect(row).toBeVisible()
    await expectAccessible(sup.page, `the supervisor board (${lang})`)
    await screenshot(sup.page, `supervisor-board-${lang}`)
    await sup.page.getByRole('button', { name: x.adviseFor(ticket.number), exact: true }).click()
    const advise = sup.page.getByRole('dialog', { name: x.adviseTitle(ticket.number) })
    await advise.getByLabel(x.adviseNote).fill(`Bitte Expressversand kostenlos anbieten ${run}`)
    await advise.getByRole('button', { name: x.adviseSend }).click()
    await expect(advise).toBeHidden()
    await expect(row)
      .toHaveCount(0, { timeout: 15_000 })
      .catch(async () => {
        // Joined escalations stay on the board in their own table.
        await expect(sup.page.getByTestId('board-joined')).toContainText(`#${ticket.number}`)
      })
    await expect(ag.page.getByTestId('escalation-panel')).toHaveAttribute('data-state', 'joined', {
      timeout: 15_000,
    })
    await expect(ag.page.getByText(`Bitte Expressversand kostenlos anbieten ${run}`)).toBeVisible()
    await expect(ag.page.getByTestId('timeline-event').filter({ hasText: x.joinedEvent })).toBeVisible()

    // The agent cannot solve before the checklist is answered; solving resolves the escalation.
    await ag.page.getByTestId('ticket-status').click()
    await ag.page.getByRole('option', { name: x.solved, exact: true }).click()
    const checklist = ag.page.getByRole('dialog', { name: x.checklist })
    const confirm = checklist.getByTestId('closing-confirm')
    await expect(confirm).toBeDisabled()
    await checklist.getByLabel(x.asked).check()
    await checklist.getByTestId('closing-resolution-confirmed').check()
    await expect(confirm).toBeEnabled()
    await confirm.click()
    await expect(checklist).toBeHidden()
    await expect(ag.page.getByTestId('ticket-status')).toHaveValue(x.solved)
    await expect(ag.page.getByTestId('escalation-panel')).toHaveCount(0, { timeout: 15_000 })
    const list = await api<{ state: string }[]>('GET', `/tickets/${ticket.id}/escalations`)
    expect(list[0]!.state).toBe('resolved')

    await api('DELETE', `/sla-policies/${mine.id}`).catch(() => undefined)
    await ag.context.close()
    await sup.context.close()
  })
}
