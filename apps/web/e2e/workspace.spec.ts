import { expect, type Page, test } from '@playwright/test'
import { api, createTicket, newContext, signedIn, state } from './fixtures.ts'

/**
 * The account's own language wins over the browser's; the admin's is English. Switches it in the
 * header (remembered on the account) and gives back a function that switches it back.
 */
const speak = async (page: Page, language: 'DE' | 'EN', was: 'DE' | 'EN') => {
  const pick = async (l: 'DE' | 'EN') => {
    await page.locator('header').getByText(l, { exact: true }).click()
    await expect(page.locator('html')).toHaveAttribute('lang', l.toLowerCase())
  }
  if (language !== was) await pick(language)
  return async () => {
    if (language !== was) await pick(was)
  }
}

/** Badge labels whose text does not fit (cut with an ellipsis). */
const cutBadges = (page: Page) =>
  page
    .getByTestId('ticket-table')
    .locator('.mantine-Badge-label')
    .evaluateAll((els) =>
      els.filter((el) => el.scrollWidth > el.clientWidth).map((el) => el.textContent ?? ''),
    )

test.describe('where the desk opens', () => {
  for (const [language, title] of [
    ['EN', 'All open'],
    ['DE', 'Alle offenen'],
  ] as const) {
    test(`an admin lands on "${title}" (${language})`, async ({ browser }) => {
      const { context, page } = await signedIn(browser, state().admin, 'en-US')
      await expect(page).toHaveURL(/\/inbox\/all$/)
      const back = await speak(page, language, 'EN')
      await expect(page.getByTestId('inbox-title')).toHaveText(title)
      await back()
      await context.close()
    })
  }

  test('an agent still lands on their own tickets', async ({ browser }) => {
    const { context, page } = await signedIn(browser, state().agents[1]!, 'en-US')
    await expect(page).toHaveURL(/\/inbox\/mine$/)
    await context.close()
  })

  test('an empty search names what was searched for', async ({ browser }) => {
    const { context, page } = await signedIn(browser, state().admin, 'en-US')
    await page.goto('/inbox/search?q=zzqqxxnothing')
    await expect(page.getByTestId('inbox-empty')).toHaveText('No ticket matches “zzqqxxnothing”.')
    await context.close()
  })
})

test.describe('inbox badges read whole', () => {
  for (const language of ['DE', 'EN'] as const) {
    for (const width of [1280, 1440, 1920]) {
      test(`${language} at ${width} px`, async ({ browser }) => {
        const { context, page } = await signedIn(browser, state().admin, 'en-US')
        const back = await speak(page, language, 'EN')
        await page.setViewportSize({ width, height: 900 })
        await expect(page.getByTestId('ticket-row').first()).toBeVisible()
        expect(
          await page.getByTestId('ticket-table').locator('.mantine-Badge-label').count(),
        ).toBeGreaterThan(0)
        expect(await cutBadges(page)).toEqual([])
        await back()
        await context.close()
      })
    }
  }
})

test.describe('on a phone (390 px)', () => {
  test('the inbox and a ticket do not scroll sideways; the search box stays usable', async ({ browser }) => {
    const ticket = await createTicket('Lieferung kam beschädigt an, bitte um Ersatz für das Regal')
    const { context, page } = await signedIn(browser, state().agents[0]!, 'de-DE')
    await page.setViewportSize({ width: 390, height: 844 })
    await expect(page.getByTestId('ticket-row').first()).toBeVisible()
    // The page's width, and what reaches past the screen when it is too wide.
    const overflow = () =>
      page.evaluate(() => {
        const width = document.documentElement.scrollWidth
        if (width <= window.innerWidth) return []
        return Array.from(document.querySelectorAll('body *'))
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
          .slice(-5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.getBoundingClientRect().right}`)
      })
    expect(await overflow()).toEqual([])
    const search = page.getByRole('textbox', { name: /suche/i }).first()
    expect((await search.boundingBox())!.width).toBeGreaterThanOrEqual(120)
    await page.goto(`/tickets/${ticket.number}`)
    await expect(page.getByTestId('ticket-subject')).toBeVisible()
    expect(await overflow()).toEqual([])
    await context.close()
  })
})

test('j and k on the ticket page walk the list the agent came from', async ({ browser }) => {
  await createTicket('Pager eins')
  await createTicket('Pager zwei')
  // Erika's account speaks German.
  const { context, page } = await signedIn(browser, state().agents[0]!)
  const rows = page.getByTestId('ticket-row')
  await expect(rows.nth(1)).toBeVisible()
  const numberOf = async (i: number) =>
    (await rows.nth(i).locator('a').first().textContent())!.replace('#', '')
  const first = await numberOf(0)
  const second = await numberOf(1)
  await rows.nth(0).click()
  await expect(page).toHaveURL(new RegExp(`/tickets/${first}$`))
  await expect(page.getByTestId('ticket-subject')).toBeVisible()
  await page.keyboard.press('j')
  await expect(page).toHaveURL(new RegExp(`/tickets/${second}$`))
  await expect(page.getByTestId('ticket-position')).toHaveText(/^2 von \d+$/)
  await page.keyboard.press('k')
  await expect(page).toHaveURL(new RegExp(`/tickets/${first}$`))
  await context.close()
})

test.describe('merging', () => {
  test('goes to the surviving ticket at once, and warns when the customers differ', async ({ browser }) => {
    const s = state()
    const customers = await api<{ items: { id: string; name: string }[] }>('GET', '/customers?limit=2')
    const other = customers.items[1]!
    const from = await createTicket('Doppelt gemeldet: Rechnung fehlt')
    const into = await api<{ id: string; number: number }>('POST', '/tickets', {
      subject: 'Rechnung fehlt',
      customerId: other.id,
      channel: 'email',
      teamId: s.teamId,
      assigneeId: s.agents[0]!.id,
      message: { text: 'Die Rechnung fehlt.', direction: 'inbound' },
    })
    const { context, page } = await signedIn(browser, s.agents[0]!)
    await page.goto(`/tickets/${from.number}`)
    await page.getByRole('button', { name: 'Zusammenführen' }).click()
    await page.getByTestId('merge-search').fill(String(into.number))
    await page.getByRole('radio', { name: new RegExp(`^#${into.number} `) }).check()
    await expect(page.getByTestId('merge-other-customer')).toContainText(other.name)
    await page.getByTestId('merge-confirm').click()
    await expect(page).toHaveURL(new RegExp(`/tickets/${into.number}$`))
    await expect(page.getByTestId('ticket-subject')).toHaveText('Rechnung fehlt')
    await context.close()
  })
})

test('the demo tickets with email replies show no red error notices', async ({ browser }) => {
  // The demo company's tickets are the first ones, before any a test created.
  const list = await api<{ items: { number: number; channel: string }[] }>(
    'GET',
    '/tickets?status=new,open,pending,solved,closed&sort=created&limit=100',
  )
  const demo = list.items
    .filter((x) => x.channel === 'email')
    .map((x) => x.number)
    .sort((a, b) => a - b)
    .slice(0, 12)
  const { context, page } = await signedIn(browser, state().admin, 'en-US')
  let withReplies = 0
  for (const number of demo) {
    await page.goto(`/tickets/${number}`)
    await expect(page.getByTestId('ticket-subject')).toBeVisible()
    await expect(page.getByTestId('timeline-message').first()).toBeVisible()
    if ((await page.getByTestId('delivery-status').count()) > 0) withReplies++
    await expect(page.locator('[data-testid="delivery-status"]:not([data-status="sent"])')).toHaveCount(0)
    await expect(page.getByTestId('no-channel-notice')).toHaveCount(0)
    await expect(page.getByRole('alert')).toHaveCount(0)
  }
  expect(withReplies, 'demo tickets with a reply sent by email').toBeGreaterThan(0)
  await context.close()
})

test.describe('a search with a typo', () => {
  test('offers tickets whose subject is spelt alike, and says so', async ({ browser }) => {
    const ticket = await createTicket('Zahnkranz am Hinterrad quietscht')
    const { context, page } = await signedIn(browser, state().agents[0]!)
    await page.goto(`/inbox/search?q=${encodeURIComponent('Zahnkrnaz')}`)
    await expect(page.getByTestId('search-similar')).toHaveText(
      'Kein genauer Treffer für „Zahnkrnaz“. Tickets mit ähnlich geschriebenem Betreff:',
    )
    await expect(page.getByTestId('ticket-table')).toContainText(`#${ticket.number}`)
    // An exact hit shows no such hint.
    await page.goto(`/inbox/search?q=${encodeURIComponent('Zahnkranz')}`)
    await expect(page.getByTestId('ticket-table')).toContainText(`#${ticket.number}`)
    await expect(page.getByTestId('search-similar')).toHaveCount(0)
    await context.close()
  })

  test('finds a customer with two letters swapped, and a name typed as a phone number gets a hint', async ({
    browser,
  }) => {
    // A demo customer; "juila" keeps too few of the name's letter triples for the ordinary search.
    const name = 'Julia Fischer'
    const swapped = 'Juila Fischer'
    const first = 'Julia'
    const { context, page } = await signedIn(browser, state().agents[1]!, 'en-US')
    await page.goto(`/customers?q=${encodeURIComponent(swapped)}`)
    await expect(page.getByTestId('customers-similar')).toHaveText(
      `No exact match for “${swapped}”. Customers with a similarly spelt name:`,
    )
    await expect(page.getByRole('link', { name })).toBeVisible()
    await page.goto(`/customers?by=phone&q=${encodeURIComponent(first)}`)
    await expect(page.getByTestId('customers-phone-hint')).toContainText('Enter a phone number')
    await expect(page.getByRole('alert')).toHaveCount(0)
    await context.close()
  })
})

test.describe('a first visit', () => {
  test('the sign-in page asks for nothing it may not see, and its password button says what it does', async ({
    browser,
  }) => {
    const context = await newContext(browser, 'de-DE')
    const page = await context.newPage()
    const refused: string[] = []
    page.on('response', (res) => {
      if (res.status() >= 400) refused.push(`${res.status()} ${new URL(res.url()).pathname}`)
    })
    const consoleErrors: string[] = []
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text())
    })
    await page.goto('/')
    await expect(page).toHaveURL(/\/sign-in/)
    const toggle = page.getByRole('button', { name: 'Passwort anzeigen' })
    await expect(toggle).toBeVisible()
    await page.locator('input[type="password"]').fill('geheim')
    await toggle.click()
    await expect(page.getByRole('button', { name: 'Passwort verbergen' })).toHaveAttribute(
      'aria-pressed',
      'true',
    )
    await expect(page.locator('input[type="text"][autocomplete="current-password"]')).toHaveValue('geheim')
    expect(refused).toEqual([])
    expect(consoleErrors).toEqual([])
    await context.close()
  })
})

test('taking a ticket a colleague has just taken says who has it, and takes nothing from them', async ({
  browser,
}) => {
  const s = state()
  const ticket = await createTicket('Wer übernimmt die Speichen?', { assigneeId: null })
  const { context, page } = await signedIn(browser, s.agents[0]!)
  // No live updates reach this page, so it still shows the ticket unassigned when the colleague takes it.
  await page.routeWebSocket(/\/api\/v1\/live/, () => {})
  await page.goto(`/tickets/${ticket.number}`)
  await expect(page.getByTestId('ticket-assignee')).toHaveText('Nicht zugewiesen')
  await api('POST', `/tickets/${ticket.id}/assign`, { assigneeId: s.agents[1]!.id, expectAssigneeId: null })
  await page.getByTestId('ticket-take').click()
  await expect(page.getByText(`Bereits übernommen von ${s.agents[1]!.name}.`)).toBeVisible()
  await expect(page.getByTestId('ticket-assignee')).toHaveText(s.agents[1]!.name)
  const after = await api<{ assignee: { id: string } | null }>('GET', `/tickets/${ticket.id}`)
  expect(after.assignee?.id).toBe(s.agents[1]!.id)
  await context.close()
})
