import type { Sample } from './database.ts'
import type { Measurement, Req } from './load.ts'

export type Tokens = { agent: string; supervisor: string; admin: string }

/** Where the deep-page scenarios start: a cursor found by following nextCursor beforehand. */
export type DeepCursors = Record<'mine' | 'team' | 'all', { cursor: string | null; page: number }>

export type Target = {
  text: string
  check: (m: Measurement, ratio: number | null) => boolean
  /**
   * Judged on the paced run (a steady `--rate` of requests, the load of a busy desk) instead of the
   * run at full speed: latency targets. At full speed latency is mostly queueing (p50 ≈ connections / rps).
   */
  paced?: boolean
}

export type Scenario = {
  name: string
  what: string
  kind: 'read' | 'write'
  /** The baseline its throughput is compared with: writes with the bare insert, reads with the bare select. */
  baseline: 'baseline_insert' | 'baseline_select'
  target?: Target
  next: () => Req
}

/** The text a write scenario tags its tickets with, so they can be removed afterwards. */
export const WRITE_TAG = 'bench-load'

const p99Below = (ms: number, note = ''): Target => ({
  text: `p99 < ${ms} ms${note}`,
  check: (m) => m.errors === 0 && m.p99_ms < ms,
  paced: true,
})
const p95Below = (ms: number, note = ''): Target => ({
  text: `p95 < ${ms} ms${note}`,
  check: (m) => m.errors === 0 && m.p95_ms < ms,
  paced: true,
})

/** Round-robin over a list; every call gives the next element. */
const rotate = <T>(items: T[]) => {
  if (items.length === 0) throw new Error('nothing to rotate over')
  let i = 0
  return () => items[i++ % items.length]!
}

/** Search words as agents type them, with inflected forms the stemmer has to bring together. */
export const SEARCH_QUERIES = {
  de: ['Rücksendungen', 'Rechnung storniert', 'Lieferungen', 'Garantiefälle', 'Erstattung nicht erhalten'],
  en: ['refunds', 'broken charger', 'delayed deliveries', 'invoice cancelled', 'warranty'],
}

const INBOX = {
  mine: '/api/v1/tickets?assigneeId=me&status=new,open,pending,on_hold',
  all: '/api/v1/tickets?status=new,open,pending,on_hold',
  team: (teamId: string) => `/api/v1/tickets?teamId=${teamId}&assigneeId=none&status=new,open`,
  teamDue: (teamId: string) => `/api/v1/tickets?teamId=${teamId}&status=new,open,pending,on_hold&sort=due`,
  breached: '/api/v1/tickets?status=new,open,pending,on_hold&promise=breached&sort=due',
}

/** The inbox URLs the deep-page cursors are found for, with the token that sees them. */
export const inboxUrls = (sample: Sample, tokens: Tokens) => ({
  mine: { path: INBOX.mine, token: tokens.agent },
  team: { path: INBOX.team(sample.supervisor.teamId), token: tokens.supervisor },
  all: { path: INBOX.all, token: tokens.admin },
})

export const buildScenarios = (sample: Sample, tokens: Tokens, deep: DeepCursors): Scenario[] => {
  const inbox = inboxUrls(sample, tokens)
  const get = (path: string, token: string): Req => ({ method: 'GET', path, token })
  const fixed = (path: string, token: string) => () => get(path, token)
  const withCursor = (path: string, cursor: string | null) =>
    cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path
  const deepNote = (d: { page: number }) => `page ${d.page + 1}`
  const detail = rotate(sample.detailNumbers)
  const reply = rotate(sample.replyNumbers)
  const customer = rotate(sample.customerIds)
  const searchDe = rotate(SEARCH_QUERIES.de)
  const searchEn = rotate(SEARCH_QUERIES.en)
  const email = rotate(sample.emails)
  const phone = rotate(sample.phones)
  const name = rotate(sample.names)
  const teamId = sample.agent.teamIds[0]
  let n = 0

  return [
    {
      name: 'inbox_mine',
      what: 'my open tickets, first page (agent)',
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(25, ' (at 1M)'),
      next: fixed(inbox.mine.path, inbox.mine.token),
    },
    {
      name: 'inbox_mine_deep',
      what: `my open tickets, ${deepNote(deep.mine)} by cursor (agent)`,
      kind: 'read',
      baseline: 'baseline_select',
      next: fixed(withCursor(inbox.mine.path, deep.mine.cursor), inbox.mine.token),
    },
    {
      name: 'inbox_team_unassigned',
      what: "a team's unassigned new/open tickets, first page (supervisor)",
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(25, ' (at 1M)'),
      next: fixed(inbox.team.path, inbox.team.token),
    },
    {
      name: 'inbox_team_unassigned_deep',
      what: `a team's unassigned tickets, ${deepNote(deep.team)} by cursor (supervisor)`,
      kind: 'read',
      baseline: 'baseline_select',
      next: fixed(withCursor(inbox.team.path, deep.team.cursor), inbox.team.token),
    },
    {
      name: 'inbox_all_open',
      what: 'all open tickets, first page (admin)',
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(25, ' (at 1M)'),
      next: fixed(inbox.all.path, inbox.all.token),
    },
    {
      name: 'inbox_team_due',
      what: "a team's open tickets, the next promise due first (supervisor)",
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(25, ' (at 1M)'),
      next: fixed(INBOX.teamDue(sample.supervisor.teamId), tokens.supervisor),
    },
    {
      name: 'inbox_breached',
      what: 'all open tickets with a breached promise, due first (admin)',
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(25, ' (at 1M)'),
      next: fixed(INBOX.breached, tokens.admin),
    },
    {
      name: 'inbox_all_open_deep',
      what: `all open tickets, ${deepNote(deep.all)} by cursor (admin)`,
      kind: 'read',
      baseline: 'baseline_select',
      next: fixed(withCursor(inbox.all.path, deep.all.cursor), inbox.all.token),
    },
    {
      name: 'ticket_detail',
      what: `a ticket with its timeline, over ${sample.detailNumbers.length} tickets (agent)`,
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(25, ' (at 1M)'),
      next: () => get(`/api/v1/tickets/${detail()}`, tokens.agent),
    },
    {
      name: 'search_de',
      what: `full-text search, German (${SEARCH_QUERIES.de.join(', ')}) (agent)`,
      kind: 'read',
      baseline: 'baseline_select',
      target: p95Below(100, ' (at 1M)'),
      next: () => get(`/api/v1/tickets?q=${encodeURIComponent(searchDe())}`, tokens.agent),
    },
    {
      name: 'search_en',
      what: `full-text search, English (${SEARCH_QUERIES.en.join(', ')}) (agent)`,
      kind: 'read',
      baseline: 'baseline_select',
      target: p95Below(100, ' (at 1M)'),
      next: () => get(`/api/v1/tickets?q=${encodeURIComponent(searchEn())}`, tokens.agent),
    },
    {
      name: 'customer_by_email',
      what: `customer lookup by email, over ${sample.emails.length} addresses (agent)`,
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(10),
      next: () => get(`/api/v1/customers?email=${encodeURIComponent(email())}`, tokens.agent),
    },
    {
      name: 'customer_by_phone',
      what: 'customer lookup by phone in national notation (stored as E.164) (agent)',
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(10),
      next: () => get(`/api/v1/customers?phone=${encodeURIComponent(phone())}`, tokens.agent),
    },
    {
      name: 'customer_by_name',
      what: 'fuzzy customer search by name with a typo (agent)',
      kind: 'read',
      baseline: 'baseline_select',
      target: p99Below(10),
      next: () => get(`/api/v1/customers?q=${encodeURIComponent(name())}`, tokens.agent),
    },
    {
      name: 'add_reply',
      what: `a public reply, over ${sample.replyNumbers.length} tickets (agent)`,
      kind: 'write',
      baseline: 'baseline_insert',
      next: () => ({
        method: 'POST',
        path: `/api/v1/tickets/${reply()}/interactions`,
        token: tokens.agent,
        body: {
          kind: 'reply',
          text: 'Guten Tag, vielen Dank für Ihre Nachricht. Wir haben die Rücksendung angestoßen und melden uns, sobald die Gutschrift gebucht ist.',
        },
      }),
    },
    {
      name: 'create_ticket',
      what: 'a new ticket with its first message (agent)',
      kind: 'write',
      baseline: 'baseline_insert',
      target: {
        text: '≥ 0.5× bare insert',
        check: (m, ratio) => m.errors === 0 && ratio !== null && ratio >= 0.5,
      },
      next: () => ({
        method: 'POST',
        path: '/api/v1/tickets',
        token: tokens.agent,
        body: {
          subject: `Akku lädt nicht mehr (${++n})`,
          customerId: customer(),
          ...(teamId ? { teamId } : {}),
          tags: [WRITE_TAG],
          message: {
            text: 'Hallo, seit gestern lädt der Akku meines E-Bikes nicht mehr. Das Ladegerät blinkt rot. Was kann ich tun?',
          },
        },
      }),
    },
  ]
}

/** The baselines' requests: the same rotation of customers and teams as the scenarios use. */
export const baselineRequests = (sample: Sample) => {
  const customer = rotate(sample.customerIds)
  const team = rotate(sample.teamIds)
  const agentTeam = sample.agent.teamIds[0] ?? sample.teamIds[0]!
  let n = 0
  return {
    baseline_insert: (): Req => ({
      method: 'POST',
      path: '/insert',
      body: {
        subject: `Akku lädt nicht mehr (${++n})`,
        customerId: customer(),
        teamId: agentTeam,
        tags: [WRITE_TAG],
      },
    }),
    baseline_select: (): Req => ({ method: 'GET', path: `/select?teamId=${team()}` }),
  }
}

/** Whether a scenario is selected by --only (names or prefixes); everything when none given. */
export const selected = (name: string, only: string[]) =>
  only.length === 0 || only.some((o) => name === o || name.startsWith(o))
