import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import type { Clock } from '../../platform/clock.ts'
import { auditRecords, closingFollowUps, emailOutbound, interactions } from '../../schema.ts'
import { composeMail, createChannelRow } from '../email/email.test-support.ts'
import { ingestMessage } from '../email/index.ts'
import { closeSolvedTickets, getTicketDetail } from '../tickets/index.ts'
import { defaultClosingSettings, followUpDelay, sendFollowUp } from './index.ts'

// The desk's time, movable: real time plus an offset the tests advance (no sleeping).
let offset = 0
const clock: Clock = { now: () => new Date(Date.now() + offset) }

let t: TestApp
type Staff = Awaited<ReturnType<TestApp['buildStaff']>>
let admin: Staff
let agent: Staff
let teamId: string
let channel: Awaited<ReturnType<typeof createChannelRow>>

const api = (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  })

const ANSWERED = { askedAnythingElse: true, resolution: 'confirmed' }
const FOLLOW_UP = { askedAnythingElse: true, resolution: 'follow_up' }

const newTicket = async (language: 'de' | 'en' = 'de') => {
  const customer = await t.buildCustomer({ language })
  return t.buildTicket({ teamId, customerId: customer.id, language })
}

const solve = (id: string, closing?: Record<string, unknown>) =>
  api('PATCH', `/tickets/${id}`, agent.headers, { status: 'solved', ...(closing ? { closing } : {}) })

const eventTypes = async (id: string) =>
  (await getTicketDetail(t.ctxAs(), id)).timeline.flatMap((e) => (e.kind === 'event' ? [e.type] : []))

const ctx = () => ({ ...t.ctxAs(), publicUrl: 'http://localhost:8080' })

/** The token of the yes link in the follow-up message the desk wrote on the ticket. */
const tokenOf = async (interactionId: string) => {
  const [row] = await t.db.select().from(interactions).where(eq(interactions.id, interactionId))
  const m = /\/follow-up\/([A-Za-z0-9_-]{43})\?answer=yes/.exec(row!.bodyText)
  return m![1]!
}

const page = (method: 'GET' | 'POST', token: string, answer?: string, lang = 'de') =>
  t.app.inject({
    method,
    url: `/follow-up/${token}${method === 'GET' && answer ? `?answer=${answer}` : ''}`,
    headers: {
      'accept-language': lang,
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(method === 'POST' ? { payload: answer === undefined ? '' : `answer=${answer}` } : {}),
  })

beforeAll(async () => {
  t = await startTestApp({ clock })
  admin = await t.buildStaff({ role: 'admin' })
  teamId = (await t.buildTeam()).id
  agent = await t.buildStaff({ teams: [{ teamId }] })
  channel = await createChannelRow(t.ctxAs(), t.sessionSecret, {
    teamId,
    address: `${unique('desk')}@desk.example`,
    smtp: { host: '127.0.0.1', port: 2525, security: 'none', auth: 'password' },
  })
})
afterAll(() => t?.close())

describe('the closing checklist', () => {
  it('refuses a solve without answers with 422 problem+json naming every missing item', async () => {
    const ticket = await newTicket()
    const res = await solve(ticket.id)
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toContain('application/problem+json')
    const body = res.json()
    expect(body.code).toBe('ticket.close_checklist_missing')
    expect(body.errors).toEqual([
      { pointer: '/body/closing/askedAnythingElse', detail: 'required to solve' },
      { pointer: '/body/closing/resolution', detail: 'required to solve' },
    ])
    expect(body.params).toEqual({ missing: 'askedAnythingElse,resolution' })
    const de = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tickets/${ticket.id}`,
      headers: { ...agent.headers, 'accept-language': 'de' },
      payload: { status: 'solved', closing: { resolution: 'confirmed' } },
    })
    expect(de.statusCode).toBe(422)
    expect(de.json().title).toBe(
      'Bitte beantworten Sie die Abschluss-Checkliste, bevor Sie das Ticket lösen.',
    )
    expect(de.json().errors).toEqual([
      { pointer: '/body/closing/askedAnythingElse', detail: 'required to solve' },
    ])
    expect((await getTicketDetail(t.ctxAs(), ticket.id)).status).toBe('new')
  })

  it('refuses wrong answers and unknown items, each by its pointer', async () => {
    const ticket = await newTicket()
    const res = await solve(ticket.id, { askedAnythingElse: 'yes', resolution: 'maybe', mood: true })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('ticket.close_checklist_invalid')
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/closing/askedAnythingElse',
      '/body/closing/resolution',
      '/body/closing/mood',
    ])
    const badShape = await solve(ticket.id, { 'not a key': true })
    expect(badShape.statusCode).toBe(400)
    expect(badShape.json().code).toBe('request.invalid')
  })

  it('solves with the answers, stores them and shows them on the timeline and in the detail', async () => {
    const ticket = await newTicket()
    const res = await solve(ticket.id, ANSWERED)
    expect(res.statusCode, res.body).toBe(200)
    const detail = res.json()
    expect(detail.status).toBe('solved')
    expect(detail.closing).toMatchObject({
      answeredById: agent.id,
      followUp: false,
      answers: [
        { key: 'askedAnythingElse', answer: true, answerLabel: null },
        {
          key: 'resolution',
          answer: 'confirmed',
          answerLabel: { de: 'Kunde hat bestätigt', en: 'Customer confirmed' },
          label: { en: 'The customer confirmed the solution, or a follow-up is scheduled' },
        },
      ],
    })
    const event = detail.timeline.find((e: { type?: string }) => e.type === 'ticket.closing_answered')
    expect(event.actor.id).toBe(agent.id)
    expect(event.changes.checklist.to).toHaveLength(2)
    expect(event.changes.followUp.to).toBe(false)
    const again = await api('GET', `/tickets/${ticket.number}`, agent.headers)
    expect(again.json().closing.answers).toHaveLength(2)
    // Closing a solved ticket asks nothing again.
    const closed = await api('PATCH', `/tickets/${ticket.id}`, agent.headers, { status: 'closed' })
    expect(closed.statusCode, closed.body).toBe(200)
  })

  it('asks the same with a reply that solves, and when staff open a ticket already solved', async () => {
    const ticket = await newTicket()
    const refused = await api('POST', `/tickets/${ticket.id}/interactions`, agent.headers, {
      kind: 'reply',
      text: 'Erledigt.',
      status: 'solved',
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().code).toBe('ticket.close_checklist_missing')
    const ok = await api('POST', `/tickets/${ticket.id}/interactions`, agent.headers, {
      kind: 'reply',
      text: 'Erledigt.',
      status: 'solved',
      closing: FOLLOW_UP,
    })
    expect(ok.statusCode, ok.body).toBe(201)
    expect(ok.json().closing.followUp).toBe(true)
    const customer = await t.buildCustomer()
    const opened = await api('POST', '/tickets', agent.headers, {
      subject: 'Am Telefon gelöst',
      customerId: customer.id,
      teamId,
      status: 'solved',
    })
    expect(opened.statusCode).toBe(422)
    const openedOk = await api('POST', '/tickets', agent.headers, {
      subject: 'Am Telefon gelöst',
      customerId: customer.id,
      teamId,
      status: 'solved',
      closing: ANSWERED,
    })
    expect(openedOk.statusCode, openedOk.body).toBe(201)
    expect(openedOk.json().closing.answers).toHaveLength(2)
    expect(openedOk.json().timeline.map((e: { type?: string }) => e.type)).toContain(
      'ticket.closing_answered',
    )
  })

  it('takes the answers as one JSON field of a reply with attachments (multipart)', async () => {
    const ticket = await newTicket()
    const upload = (fields: Record<string, string>) => {
      const boundary = `----closing${unique()}`
      const parts = Object.entries(fields).map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      const file = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="beleg.txt"\r\nContent-Type: text/plain\r\n\r\nBeleg\r\n`
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/tickets/${ticket.id}/interactions/upload`,
        headers: { ...agent.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `${parts.join('')}${file}--${boundary}--\r\n`,
      })
    }
    const base = { kind: 'reply', text: 'Anbei der Beleg.', status: 'solved' }
    expect((await upload(base)).json().code).toBe('ticket.close_checklist_missing')
    const broken = await upload({ ...base, closing: '{not json' })
    expect(broken.statusCode).toBe(400)
    expect(broken.json().errors).toEqual([{ pointer: '/body/closing', detail: 'a JSON object of answers' }])
    const ok = await upload({ ...base, closing: JSON.stringify(ANSWERED) })
    expect(ok.statusCode, ok.body).toBe(201)
    expect(ok.json().closing.answers).toHaveLength(2)
  })

  it('holds for macros: a solving macro is refused without answers and solves with them', async () => {
    const macro = await api('POST', '/macros', admin.headers, {
      name: 'Lösen',
      teamIds: [],
      actions: [{ type: 'status', status: 'solved' }],
    })
    expect(macro.statusCode, macro.body).toBe(201)
    const ticket = await newTicket()
    const refused = await api('POST', `/macros/${macro.json().id}/apply`, agent.headers, {
      ticket: ticket.id,
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/closing/askedAnythingElse',
      '/body/closing/resolution',
    ])
    const ok = await api('POST', `/macros/${macro.json().id}/apply`, agent.headers, {
      ticket: ticket.id,
      closing: ANSWERED,
    })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().status).toBe('solved')
    expect(ok.json().closing.answers).toHaveLength(2)
  })
})

describe('the closing settings', () => {
  it('are for admins only', async () => {
    expect((await api('GET', '/settings/closing', agent.headers)).statusCode).toBe(403)
    expect((await api('PUT', '/settings/closing', agent.headers, defaultClosingSettings)).statusCode).toBe(
      403,
    )
    const checklist = await api('GET', '/closing/checklist', agent.headers)
    expect(checklist.statusCode).toBe(200)
    expect(checklist.json().items.map((i: { key: string }) => i.key)).toEqual([
      'askedAnythingElse',
      'resolution',
    ])
    const res = await api('GET', '/settings/closing', admin.headers)
    expect(res.json()).toMatchObject({
      followUpDelayBusinessHours: 16,
      followUpLinkDays: 14,
      autoCloseDays: 7,
    })
    expect(await followUpDelay(t.ctxAs())).toEqual({ businessHours: 16 })
  })

  it('refuse bad input with a pointer per problem', async () => {
    const bad = await api('PUT', '/settings/closing', admin.headers, {
      ...defaultClosingSettings,
      items: [
        ...defaultClosingSettings.items,
        { key: 'Bad Key', kind: 'check', label: { de: 'x', en: 'x' } },
        {
          key: 'oneOption',
          kind: 'choice',
          label: { de: 'x', en: 'x' },
          options: [{ value: 'a', label: { de: 'a', en: 'a' } }],
        },
        { key: 'resolution', kind: 'check', label: { de: '', en: 'x' } },
      ],
      autoCloseDays: 0,
    })
    expect(bad.statusCode).toBe(400)
    const pointers = bad.json().errors.map((e: { pointer: string }) => e.pointer)
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/body/items/2/key',
        '/body/items/3/options',
        '/body/items/4/label/de',
        '/body/autoCloseDays',
      ]),
    )
    const removed = await api('PUT', '/settings/closing', admin.headers, {
      ...defaultClosingSettings,
      items: defaultClosingSettings.items.slice(1),
    })
    expect(removed.statusCode).toBe(409)
    expect(removed.json().code).toBe('closing.item_removed')
    expect(removed.json().params).toEqual({ keys: 'askedAnythingElse' })
  })

  it('add and retire items, with an audit record, and the next solve asks the new checklist', async () => {
    const next = {
      ...defaultClosingSettings,
      items: [
        { ...defaultClosingSettings.items[0]!, retired: true },
        defaultClosingSettings.items[1]!,
        {
          key: 'docsLinked',
          kind: 'check',
          label: { de: 'Hilfeartikel verlinkt', en: 'Help article linked' },
          required: true,
        },
        { key: 'note', kind: 'check', label: { de: 'Notiz', en: 'Note' }, required: false },
      ],
      autoCloseDays: 3,
    }
    const res = await api('PUT', '/settings/closing', admin.headers, next)
    expect(res.statusCode, res.body).toBe(200)
    try {
      const [audit] = await t.db
        .select()
        .from(auditRecords)
        .where(eq(auditRecords.action, 'closing.settings_updated'))
      expect(audit?.actorId).toBe(admin.id)
      expect(Object.keys(audit?.after ?? {})).toEqual(expect.arrayContaining(['items', 'autoCloseDays']))
      const ticket = await newTicket()
      const refused = await solve(ticket.id, ANSWERED)
      expect(refused.statusCode).toBe(422)
      // The retired item is no longer asked (an answer to it is ignored), the new one is.
      expect(refused.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
        '/body/closing/docsLinked',
      ])
      const ok = await solve(ticket.id, { resolution: 'confirmed', docsLinked: true })
      expect(ok.statusCode, ok.body).toBe(200)
      // The quiet period follows the setting: solved four days ago closes after three.
      offset = 4 * 86_400_000
      try {
        await closeSolvedTickets(t.ctxAs())
      } finally {
        offset = 0
      }
      const detail = await getTicketDetail(t.ctxAs(), ticket.id)
      expect(detail.status).toBe('closed')
      const closedEvent = detail.timeline.find(
        (e) => e.kind === 'event' && e.reason?.includes('automatically'),
      )
      expect(closedEvent && 'reason' in closedEvent ? closedEvent.reason : '').toBe(
        'closed automatically 3 days after solving',
      )
    } finally {
      const restored = await api('PUT', '/settings/closing', admin.headers, {
        ...next,
        items: next.items.map((i) => ({ ...i, retired: i.key === 'docsLinked' || i.key === 'note' })),
        autoCloseDays: 7,
      })
      expect(restored.statusCode, restored.body).toBe(200)
    }
  })
})

describe('the follow-up', () => {
  const solvedForFollowUp = async (language: 'de' | 'en' = 'de') => {
    const ticket = await newTicket(language)
    expect((await solve(ticket.id, FOLLOW_UP)).statusCode).toBe(200)
    return ticket
  }

  it('is sent once per solve through the ticket channel, in the customer language', async () => {
    const ticket = await solvedForFollowUp('en')
    const first = await sendFollowUp(ctx(), ticket.id)
    expect(first.sent).toBe(true)
    const second = await sendFollowUp(ctx(), ticket.id)
    expect(second).toEqual({ sent: false, reason: 'already_sent' })
    const both = await Promise.all([sendFollowUp(ctx(), ticket.id), sendFollowUp(ctx(), ticket.id)])
    expect(both.every((r) => !r.sent)).toBe(true)
    const rows = await t.db.select().from(closingFollowUps).where(eq(closingFollowUps.ticketId, ticket.id))
    expect(rows).toHaveLength(1)
    const messages = await t.db.select().from(interactions).where(eq(interactions.ticketId, ticket.id))
    const outbound = messages.filter((m) => m.direction === 'outbound')
    expect(outbound).toHaveLength(1)
    expect(outbound[0]!.bodyText).toContain('Is your problem really solved?')
    expect(outbound[0]!.bodyText).toContain('http://localhost:8080/follow-up/')
    expect(outbound[0]!.authorStaffId).toBeNull()
    const mail = await t.db.select().from(emailOutbound).where(eq(emailOutbound.ticketId, ticket.id))
    expect(mail).toHaveLength(1)
    expect(await eventTypes(ticket.id)).toContain('ticket.follow_up_sent')
  })

  it('is not sent when the customer confirmed, or the ticket is no longer solved', async () => {
    const confirmed = await newTicket()
    await solve(confirmed.id, ANSWERED)
    expect(await sendFollowUp(ctx(), confirmed.id)).toEqual({ sent: false, reason: 'not_requested' })
    const open = await newTicket()
    expect(await sendFollowUp(ctx(), open.id)).toEqual({ sent: false, reason: 'not_solved' })
  })

  it('records nothing when its link is fetched (a link scanner), and "no" reopens with an event', async () => {
    const ticket = await solvedForFollowUp('de')
    const sent = await sendFollowUp(ctx(), ticket.id)
    if (!sent.sent) throw new Error('not sent')
    const token = await tokenOf(sent.interactionId)
    for (const answer of ['no', 'yes', undefined]) {
      const view = await page('GET', token, answer)
      expect(view.statusCode).toBe(200)
      expect(view.headers['content-type']).toContain('text/html')
      expect(view.headers['referrer-policy']).toBe('no-referrer')
      expect(view.body).toContain('<html lang="de">')
      expect(view.body).toContain('Ist Ihr Anliegen gelöst?')
      expect(view.body).toContain(`action="/follow-up/${token}"`)
      expect(view.body).not.toContain('<script')
    }
    const [row] = await t.db.select().from(closingFollowUps).where(eq(closingFollowUps.ticketId, ticket.id))
    expect(row!.answeredAt).toBeNull()
    expect((await getTicketDetail(t.ctxAs(), ticket.id)).status).toBe('solved')

    const no = await page('POST', token, 'no')
    expect(no.statusCode).toBe(200)
    expect(no.body).toContain('Wir haben Ihr Ticket wieder geöffnet')
    const detail = await getTicketDetail(t.ctxAs(), ticket.id)
    expect(detail.status).toBe('open')
    const events = detail.timeline.filter((e) => e.kind === 'event')
    const notSolved = events.find((e) => e.type === 'ticket.customer_not_solved')
    expect(notSolved?.reason).toBe('customer says not solved')
    const reopened = events.find((e) => e.type === 'ticket.status_changed' && e.changes.status?.to === 'open')
    expect(reopened?.reason).toBe('customer says not solved')

    // Used: a clear page, a 4xx, nothing recorded again.
    const again = await page('POST', token, 'yes')
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('bereits verwendet')
    expect(await eventTypes(ticket.id)).not.toContain('ticket.customer_confirmed')
    expect((await page('GET', token, 'yes')).statusCode).toBe(409)
  })

  it('"yes" records the confirmation and keeps the ticket solved', async () => {
    const ticket = await solvedForFollowUp('en')
    const sent = await sendFollowUp(ctx(), ticket.id)
    if (!sent.sent) throw new Error('not sent')
    const token = await tokenOf(sent.interactionId)
    const view = await page('GET', token, 'yes', 'de')
    expect(view.body).toContain('<html lang="en">')
    expect(view.body).toContain('Yes, solved – confirm')
    const yes = await page('POST', token, 'yes')
    expect(yes.statusCode).toBe(200)
    expect(yes.body).toContain('Thank you for confirming')
    expect((await getTicketDetail(t.ctxAs(), ticket.id)).status).toBe('solved')
    expect(await eventTypes(ticket.id)).toContain('ticket.customer_confirmed')
  })

  it('refuses expired, forged and empty answers with a clear page and a 4xx, recording nothing', async () => {
    const ticket = await solvedForFollowUp('de')
    const sent = await sendFollowUp(ctx(), ticket.id)
    if (!sent.sent) throw new Error('not sent')
    const token = await tokenOf(sent.interactionId)

    const empty = await page('POST', token, undefined)
    expect(empty.statusCode).toBe(400)
    const wrong = await page('POST', token, 'maybe')
    expect(wrong.statusCode).toBe(400)

    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`
    for (const bad of [forged, 'short', `${token}x`]) {
      const res = await page('POST', bad, 'no', 'en')
      expect(res.statusCode).toBe(404)
      expect(res.body).toContain('This link is not valid.')
      expect((await page('GET', bad, 'no', 'de')).body).toContain('Dieser Link ist ungültig.')
    }

    offset = 15 * 86_400_000
    try {
      const expired = await page('POST', token, 'no')
      expect(expired.statusCode).toBe(410)
      expect(expired.body).toContain('abgelaufen')
      expect((await page('GET', token, 'no')).statusCode).toBe(410)
    } finally {
      offset = 0
    }
    const [row] = await t.db.select().from(closingFollowUps).where(eq(closingFollowUps.ticketId, ticket.id))
    expect(row!.answeredAt).toBeNull()
    expect((await getTicketDetail(t.ctxAs(), ticket.id)).status).toBe('solved')
  })
})

describe('after the solve', () => {
  const mailFrom = async (from: string, subject: string, headers: { inReplyTo?: string } = {}) => {
    const outcome = await ingestMessage(
      t.ctxAs(),
      channel,
      await composeMail({
        from,
        to: channel.address,
        subject,
        text: 'Hallo, es geht leider immer noch nicht.',
        messageId: `<${unique()}@kunde.example>`,
        ...(headers.inReplyTo ? { inReplyTo: headers.inReplyTo } : {}),
      }),
      { source: 'smtp' },
    )
    if (outcome.status !== 'imported') throw new Error(JSON.stringify(outcome))
    return outcome
  }

  it('a customer reply to a solved ticket reopens it', async () => {
    const from = `${unique('kunde')}@kunde.example`
    const first = await mailFrom(from, 'Fahrrad quietscht')
    expect((await solve(first.ticketId, ANSWERED)).statusCode).toBe(200)
    const reply = await mailFrom(from, `Re: Fahrrad quietscht [#${first.ticketNumber}]`)
    expect(reply.ticketId).toBe(first.ticketId)
    expect(reply.created).toBe(false)
    expect((await getTicketDetail(t.ctxAs(), first.ticketId)).status).toBe('open')
  })

  it('a customer message to a closed ticket opens a follow-up ticket linked both ways', async () => {
    const from = `${unique('kunde')}@kunde.example`
    const first = await mailFrom(from, 'Rechnung fehlt')
    expect((await solve(first.ticketId, ANSWERED)).statusCode).toBe(200)
    expect(
      (await api('PATCH', `/tickets/${first.ticketId}`, agent.headers, { status: 'closed' })).statusCode,
    ).toBe(200)
    const later = await mailFrom(from, `Re: Rechnung fehlt [#${first.ticketNumber}]`)
    expect(later.created).toBe(true)
    expect(later.ticketId).not.toBe(first.ticketId)
    const res = await api('GET', `/tickets/${later.ticketNumber}`, agent.headers)
    expect(res.json().followUpOf).toEqual({ id: first.ticketId, number: first.ticketNumber })
    const newEvent = res.json().timeline.find((e: { type?: string }) => e.type === 'ticket.follow_up_of')
    expect(newEvent.changes.followUpOf.to).toBe(first.ticketNumber)
    const old = await getTicketDetail(t.ctxAs(), first.ticketId)
    expect(old.status).toBe('closed')
    expect(old.followUpOf).toBeNull()
    const oldEvent = old.timeline.find((e) => e.kind === 'event' && e.type === 'ticket.follow_up_opened')
    expect(oldEvent && 'changes' in oldEvent ? oldEvent.changes.followUp?.to : null).toBe(later.ticketNumber)
    const list = await api('GET', `/tickets?customerId=${res.json().customer.id}`, agent.headers)
    const listed = list.json().items.find((i: { id: string }) => i.id === later.ticketId)
    expect(listed.followUpOf.number).toBe(first.ticketNumber)
  })
})
