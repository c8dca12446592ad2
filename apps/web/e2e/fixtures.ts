import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { type Browser, type BrowserContext, expect, type Page } from '@playwright/test'
import { readState } from './desk.ts'

export const state = () => readState() as ReturnType<typeof readState> & { token: string }

export const SCREENSHOT_DIR = join(import.meta.dirname, '../test-results/screenshots')

/** Calls the API as the e2e admin (Bearer token), for test data. */
export const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const s = state()
  const res = await fetch(`${s.baseURL}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${s.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** A fresh ticket in the agents' team, from a demo customer, assigned to the first agent. */
export const createTicket = async (subject: string, opts: { assigneeId?: string | null } = {}) => {
  const s = state()
  const customers = await api<{ items: { id: string; name: string }[] }>('GET', '/customers?limit=1')
  const customer = customers.items[0]!
  const ticket = await api<{ id: string; number: number }>('POST', '/tickets', {
    subject,
    customerId: customer.id,
    channel: 'email',
    teamId: s.teamId,
    assigneeId: opts.assigneeId === undefined ? s.agents[0]!.id : opts.assigneeId,
    message: { text: `Guten Tag,\n\n${subject}\n\nViele Grüße`, direction: 'inbound' },
  })
  return { ...ticket, customer }
}

export const newContext = (browser: Browser, locale = 'de-DE') =>
  browser.newContext({ baseURL: state().baseURL, locale })

export const signIn = async (page: Page, who: { email: string; password: string }) => {
  await page.goto('/sign-in')
  await page.locator('input[type="email"]').fill(who.email)
  await page.locator('input[type="password"]').fill(who.password)
  await page.locator('button[type="submit"]').click()
  await expect(page.getByTestId('inbox-title')).toBeVisible()
}

export const signedIn = async (
  browser: Browser,
  who: { email: string; password: string },
  locale?: string,
) => {
  const context: BrowserContext = await newContext(browser, locale)
  const page = await context.newPage()
  await signIn(page, who)
  return { context, page }
}

/** No serious or critical accessibility violations (axe-core). */
export const expectAccessible = async (page: Page, what: string) => {
  const results = await new AxeBuilder({ page }).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = bad.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes
        .slice(0, 5)
        .map(
          (n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').split('\n').slice(1).join(' ').trim()}`,
        )
        .join('\n  ')}`,
  )
  expect(report, `accessibility of ${what}`).toEqual([])
}

export const screenshot = async (page: Page, name: string) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}
