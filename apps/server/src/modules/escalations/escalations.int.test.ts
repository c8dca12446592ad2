import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { startSmtpSink } from '../../../test/smtp-sink.ts'
import { fixedClock } from '../../platform/clock.ts'
import { type DeskEvent, EventListener } from '../../platform/events.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { auditRecords, emailOutbound, escalations, promises, slaPolicies } from '../../schema.ts'
import { smtpTransport } from '../email/email.outbound.ts'
import { createChannelRow, until } from '../email/email.test-support.ts'
import { sendDue } from '../email/index.ts'
import { firePromisesDue, slaPolicyCache } from '../promises/index.ts'
import { defaultEscalationSettings, escalationSettingsCache } from './index.ts'

const clock = fixedClock('2026-12-07T09:00:00Z')
let t: TestApp
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let listener: EventListener
const heard: DeskEvent[] = []
type Staff = Awaited<ReturnType<TestApp['buildStaff']>>
let admin: Staff
let agent: Staff
let supervisor: Staff
let otherAgent: Staff
let otherSupervisor: Staff
let teamId: string
let otherTeamId: string

const api = (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  headers: Record<string, string>,
  payload?: object,
) => t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) })

type Esc = {
  id: string
  state: string
  reason: string
  causes: { reason: string; words?: string[]; transfers?: number; note?: string; promiseKinds?: string[] }[]
  joinDueAt: string | null
  overdueAt: string | null
  joinedByName: string | null
  joinMode: string | null
  canJoin: boolean
  waitedMinutes: number
}
const escalationsOf = async (ticketId: string, who: Staff = agent) => {
  const res = await api('GET', `/tickets/${ticketId}/escalations`, who.headers)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as Esc[]
}
const timelineTypes = async (ticketId: string) => {
  const res = await api('GET', `/tickets/${ticketId}`, agent.headers)
  return (res.json().timeline as { kind: string; type?: string }[])
    .filter((e) => e.kind === 'event')
    .map((e) => e.type)
}
const sweep = async () => {
  let n = 0
  for (let k = await firePromisesDue(t.ctxAs()); k > 0; k = await firePromisesDue(t.ctxAs())) n += k
  return n
}
const minutes = (m: number) => clock.set(new Date(clock.now().getTime() + m * 60_000))
const inbound = (ticketId: string, text: string) =>
  api('POST', `/tickets/${ticketId}/interactions`, agent.headers, { kind: 'inbound', text })
const newTicket = (team = teamId) => t.buildTicket({ teamId: team, subject: unique('Lieferung ') })

beforeAll(async () => {
  t = await startTestApp({ clock })
  sink = await startSmtpSink()
  listener = new EventListener(t.database.url, () => {})
  listener.on('event', (e: DeskEvent) => heard.push(e))
  await listener.start()
  admin = await t.buildStaff({ role: 'admin' })
  teamId = (await t.buildTeam()).id
  otherTeamId = (await t.buildTeam()).id
  agent = await t.buildStaff({ teams: [{ teamId }], name: 'Anna Agent' })
  supervisor = await t.buildStaff({
    teams: [{ teamId, role: 'supervisor' }],
    name: 'Sabine Supervisor',
    language: 'de',
  })
  otherAgent = await t.buildStaff({ teams: [{ teamId: otherTeamId }] })
  otherSupervisor = await t.buildStaff({ teams: [{ teamId: otherTeamId, role: 'supervisor' }] })
  await createChannelRow(t.ctxAs(), t.sessionSecret, {
    teamId,
    address: 'service@desk.example',
    acknowledge: false,
    smtp: { host: '127.0.0.1', port: sink.port, security: 'none', auth: 'password' },
  })
})
afterAll(async () => {
  await listener?.close()
  await sink?.close()
  await t?.close()
})
beforeEach(async () => {
  clock.set('2026-12-07T09:00:00Z')
  await t.db.delete(slaPolicies)
  slaPolicyCache.forget()
  await api('PUT', '/settings/escalations', admin.headers, defaultEscalationSettings)
  escalationSettingsCache.forget()
})

describe('rules that raise an escalation', () => {
  it('raises on a target in warning, adds the breach to the same escalation, and tells the supervisors', async () => {
    const res = await api('POST', '/sla-policies', admin.headers, {
      name: 'Schnell',
      targets: { firstResponse: { minutes: 60, business: false } },
    })
    expect(res.statusCode, res.body).toBe(201)
    const ticket = await newTicket()
    expect(await escalationsOf(ticket.id)).toEqual([])

    minutes(46) // 75 % of an hour: warning
    heard.length = 0
    expect(await sweep()).toBeGreaterThan(0)
    let [e] = await escalationsOf(ticket.id)
    expect(e).toMatchObject({ state: 'waiting', reason: 'promise_warning', canJoin: false })
    expect(e!.causes).toEqual([
      expect.objectContaining({ reason: 'promise_warning', promiseKinds: ['sla.first_response'] }),
    ])
    expect(e!.joinDueAt).toBe('2026-12-07T10:01:00.000Z')
    await until('the raised escalation heard', async () =>
      heard.find((h) => h.type === 'escalation.raised' && h.ticketId === ticket.id),
    )
    const told = heard.find((h) => h.type === 'escalation.raised')!
    expect(told.data).toMatchObject({
      escalationId: e!.id,
      reason: 'promise_warning',
      notify: [supervisor.id],
    })
    expect(told.teamId).toBe(teamId)

    minutes(15) // the hour is up: breached, the same escalation gathers it
    await sweep()
    const list = await escalationsOf(ticket.id)
    expect(list).toHaveLength(1)
    e = list[0]
    expect(e!.causes.map((c) => c.reason)).toEqual(['promise_warning', 'promise_breached'])
    // The join promise is the desk's own: the ticket's due time and breach are the customer's target.
    const ticketRes = await api('GET', `/tickets/${ticket.id}`, agent.headers)
    const join = ticketRes.json().promises.find((p: { kind: string }) => p.kind === 'escalation.join')
    // (due at 10:01 too: nobody joined, so it went on to the admins)
    expect(join).toMatchObject({ state: 'breached', customerFacing: false })
    expect(ticketRes.json().promise.state).toBe('breached')
    expect((await timelineTypes(ticket.id)).filter((x) => x === 'escalation.raised')).toHaveLength(2)
  })

  it('does not raise on warning or breach when the rules are off', async () => {
    await api('PUT', '/settings/escalations', admin.headers, {
      joinTargetMinutes: 15,
      onWarning: false,
      onBreach: false,
      transfersThreshold: 3,
      onComplaint: true,
      extraComplaintWords: [],
      ignoredComplaintWords: [],
    })
    await api('POST', '/sla-policies', admin.headers, {
      name: 'Schnell',
      targets: { firstResponse: { minutes: 60, business: false } },
    })
    const ticket = await newTicket()
    minutes(61)
    await sweep()
    expect(await escalationsOf(ticket.id)).toEqual([])
  })

  it('raises on complaint words in what the customer wrote, in German and English', async () => {
    const de = await newTicket()
    await inbound(de.id, 'Das ist eine Frechheit. Ich kündige meinen Vertrag!')
    const [e] = await escalationsOf(de.id)
    expect(e).toMatchObject({ reason: 'complaint', state: 'waiting' })
    expect(e!.causes[0]!.words).toEqual(['kündige', 'Frechheit'])

    const en = await newTicket()
    await inbound(en.id, 'This is unacceptable, my lawyer will contact you.')
    expect((await escalationsOf(en.id))[0]!.causes[0]!.words).toEqual(['lawyer*', 'unacceptable'])

    const calm = await newTicket()
    await inbound(
      calm.id,
      'Danke, das hat geholfen.\n\nAm 6.12.2026 schrieb Service:\n> Sie können jederzeit kündigen.',
    )
    expect(await escalationsOf(calm.id)).toEqual([])

    // Staff words never count: an internal note or a reply with the same words raises nothing.
    const note = await newTicket()
    await api('POST', `/tickets/${note.id}/interactions`, agent.headers, {
      kind: 'note',
      text: 'Kunde will kündigen?',
    })
    expect(await escalationsOf(note.id)).toEqual([])
  })

  it('uses the words admins add and leaves out the ones they ignore', async () => {
    const saved = await api('PUT', '/settings/escalations', admin.headers, {
      joinTargetMinutes: 15,
      onWarning: true,
      onBreach: true,
      transfersThreshold: 3,
      onComplaint: true,
      extraComplaintWords: ['Schlichtung*'],
      ignoredComplaintWords: ['cancel'],
    })
    expect(saved.statusCode, saved.body).toBe(200)
    expect(saved.json().builtInComplaintWords).toContain('Beschwerde*')
    const a = await newTicket()
    await inbound(a.id, 'Ich wende mich an die Schlichtungsstelle.')
    expect((await escalationsOf(a.id))[0]!.causes[0]!.words).toEqual(['Schlichtung*'])
    const b = await newTicket()
    await inbound(b.id, 'Please cancel my order 4711.')
    expect(await escalationsOf(b.id)).toEqual([])
  })

  it('raises on the third transfer of one ticket, not before', async () => {
    const ticket = await newTicket()
    const hops = [otherTeamId, teamId, otherTeamId]
    for (const [i, to] of hops.entries()) {
      const res = await api('POST', `/tickets/${ticket.id}/assign`, admin.headers, {
        teamId: to,
        reason: `Weitergabe ${i + 1}`,
      })
      expect(res.statusCode, res.body).toBe(200)
      const list = await escalationsOf(ticket.id, admin)
      expect(list.length, `after transfer ${i + 1}`).toBe(i < 2 ? 0 : 1)
    }
    const [e] = await escalationsOf(ticket.id, admin)
    expect(e!.causes[0]).toMatchObject({ reason: 'transfers', transfers: 3 })
    // Raised in the team that has it now: that team's supervisor is told and may join.
    expect((await escalationsOf(ticket.id, otherSupervisor))[0]!.canJoin).toBe(true)
  })

  it('"I need help" raises with the agent\'s note; bad input and guessed tickets are refused', async () => {
    const ticket = await newTicket()
    const res = await api('POST', `/tickets/${ticket.id}/escalations`, agent.headers, {
      note: 'Kunde droht mit Anwalt, ich komme nicht weiter.',
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().causes[0]).toMatchObject({
      reason: 'help_requested',
      note: 'Kunde droht mit Anwalt, ich komme nicht weiter.',
      byName: 'Anna Agent',
    })
    // A second call adds to the same escalation.
    await api('POST', `/tickets/${ticket.id}/escalations`, agent.headers, { note: 'Bitte dringend.' })
    expect((await escalationsOf(ticket.id))[0]!.causes).toHaveLength(2)

    const empty = await api('POST', `/tickets/${ticket.id}/escalations`, agent.headers, { note: '   ' })
    expect(empty.statusCode).toBe(400)
    expect(empty.headers['content-type']).toContain('application/problem+json')
    const hidden = await api('POST', `/tickets/${ticket.id}/escalations`, otherAgent.headers, {
      note: 'Hilfe',
    })
    expect(hidden.statusCode).toBe(404)
    const guessed = await api('POST', `/tickets/${crypto.randomUUID()}/escalations`, agent.headers, {
      note: 'Hilfe',
    })
    expect(guessed.statusCode).toBe(404)
    expect((await api('GET', `/tickets/${ticket.id}/escalations`, otherAgent.headers)).statusCode).toBe(404)

    const solved = await newTicket()
    await api('PATCH', `/tickets/${solved.id}`, agent.headers, {
      status: 'solved',
      closing: { askedAnythingElse: true, resolution: 'confirmed' },
    })
    const late = await api('POST', `/tickets/${solved.id}/escalations`, agent.headers, { note: 'Hilfe' })
    expect(late.statusCode).toBe(409)
    expect(late.json().code).toBe('escalation.ticket_done')
  })
})

describe('joining, overdue, resolving', () => {
  const raise = async () => {
    const ticket = await newTicket()
    const res = await api('POST', `/tickets/${ticket.id}/escalations`, agent.headers, {
      note: 'Bitte helfen',
    })
    expect(res.statusCode, res.body).toBe(201)
    return { ticket, escalation: res.json() as Esc }
  }

  it('lets only a supervisor of the team (or an admin) join, once, and keeps the join promise', async () => {
    const { ticket, escalation } = await raise()
    const byAgent = await api('POST', `/escalations/${escalation.id}/join`, agent.headers, {
      mode: 'take_over',
    })
    expect(byAgent.statusCode).toBe(403)
    expect(byAgent.json().code).toBe('escalation.not_supervisor')
    const byStranger = await api('POST', `/escalations/${escalation.id}/join`, otherSupervisor.headers, {
      mode: 'take_over',
    })
    expect(byStranger.statusCode).toBe(404)
    const guessed = await api('POST', `/escalations/${crypto.randomUUID()}/join`, supervisor.headers, {
      mode: 'take_over',
    })
    expect(guessed.statusCode).toBe(404)
    const noNote = await api('POST', `/escalations/${escalation.id}/join`, supervisor.headers, {
      mode: 'advise',
    })
    expect(noNote.statusCode).toBe(400)

    minutes(4)
    const joined = await api('POST', `/escalations/${escalation.id}/join`, supervisor.headers, {
      mode: 'advise',
      note: 'Bitte Gutschrift über 20 € anbieten.',
    })
    expect(joined.statusCode, joined.body).toBe(200)
    expect(joined.json()).toMatchObject({
      state: 'joined',
      joinMode: 'advise',
      joinedByName: 'Sabine Supervisor',
      waitedMinutes: 4,
      joinDueAt: null,
    })
    const again = await api('POST', `/escalations/${escalation.id}/join`, supervisor.headers, {
      mode: 'take_over',
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('escalation.not_waiting')

    const detail = (await api('GET', `/tickets/${ticket.id}`, agent.headers)).json()
    expect(detail.promises.find((p: { kind: string }) => p.kind === 'escalation.join').state).toBe('met')
    const note = detail.timeline.find(
      (e: { kind: string; interactionKind?: string; bodyText?: string; text?: string }) =>
        e.kind !== 'event' && JSON.stringify(e).includes('Gutschrift über 20 €'),
    )
    expect(note).toBeTruthy()
    expect(await timelineTypes(ticket.id)).toContain('escalation.joined')
    // Nothing left to fire for it.
    minutes(30)
    await sweep()
    expect((await escalationsOf(ticket.id))[0]!.overdueAt).toBeNull()
  })

  it('take over assigns the ticket to the supervisor', async () => {
    const { ticket, escalation } = await raise()
    const res = await api('POST', `/escalations/${escalation.id}/join`, supervisor.headers, {
      mode: 'take_over',
    })
    expect(res.statusCode, res.body).toBe(200)
    const detail = (await api('GET', `/tickets/${ticket.id}`, supervisor.headers)).json()
    expect(detail.assignee?.id ?? detail.assigneeId).toBe(supervisor.id)
  })

  it('goes on to the admins once when nobody joins in time, also after a restart of the sweep', async () => {
    const { ticket, escalation } = await raise()
    minutes(14)
    await sweep()
    expect((await escalationsOf(ticket.id))[0]!.overdueAt).toBeNull()
    minutes(2)
    heard.length = 0
    expect(await sweep()).toBe(1)
    expect(await sweep()).toBe(0)
    const [e] = await escalationsOf(ticket.id)
    expect(e!.overdueAt).not.toBeNull()
    expect(e!.state).toBe('waiting')
    await until('the overdue escalation heard', async () =>
      heard.find((h) => h.type === 'escalation.overdue'),
    )
    const told = heard.filter((h) => h.type === 'escalation.overdue')
    expect(told).toHaveLength(1)
    expect((told[0]!.data as { notify: string[] }).notify).toContain(admin.id)
    const types = await timelineTypes(ticket.id)
    expect(types.filter((x) => x === 'escalation.overdue')).toHaveLength(1)
    const [join] = await t.db
      .select()
      .from(promises)
      .where(and(eq(promises.ticketId, ticket.id), eq(promises.kind, 'escalation.join')))
    expect(join!.state).toBe('breached')
    // A promise the desk kept to itself: the ticket shows no breach and asks no apology.
    const detail = (await api('GET', `/tickets/${ticket.id}`, agent.headers)).json()
    expect(detail.promise).toBeNull()
    // An admin can still join it.
    const joined = await api('POST', `/escalations/${escalation.id}/join`, admin.headers, {
      mode: 'advise',
      note: 'Ich übernehme die Klärung.',
    })
    expect(joined.statusCode, joined.body).toBe(200)
  })

  it('is resolved when the ticket is solved, and by a supervisor', async () => {
    const { ticket, escalation } = await raise()
    const solved = await api('PATCH', `/tickets/${ticket.id}`, agent.headers, {
      status: 'solved',
      closing: { askedAnythingElse: true, resolution: 'confirmed' },
    })
    expect(solved.statusCode, solved.body).toBe(200)
    const [e] = await escalationsOf(ticket.id)
    expect(e!.state).toBe('resolved')
    const detail = (await api('GET', `/tickets/${ticket.id}`, agent.headers)).json()
    expect(detail.promises.find((p: { kind: string }) => p.kind === 'escalation.join').state).toBe(
      'cancelled',
    )
    const twice = await api('POST', `/escalations/${escalation.id}/resolve`, supervisor.headers)
    expect(twice.statusCode).toBe(409)

    const other = await raise()
    expect((await api('POST', `/escalations/${other.escalation.id}/resolve`, agent.headers)).statusCode).toBe(
      403,
    )
    const done = await api('POST', `/escalations/${other.escalation.id}/resolve`, supervisor.headers)
    expect(done.statusCode, done.body).toBe(200)
    expect(done.json().state).toBe('resolved')
    // After it is resolved, a new reason raises a new escalation.
    await api('POST', `/tickets/${other.ticket.id}/escalations`, agent.headers, { note: 'Noch einmal' })
    expect(await escalationsOf(other.ticket.id)).toHaveLength(2)
  })
})

describe('email to supervisors who chose it', () => {
  it('queues one email per new escalation for supervisors who want it, and sends it over SMTP', async () => {
    const me = await api('PATCH', '/me', supervisor.headers, { escalationEmails: true })
    expect(me.statusCode, me.body).toBe(200)
    expect(me.json().escalationEmails).toBe(true)
    const ticket = await newTicket()
    await api('POST', `/tickets/${ticket.id}/escalations`, agent.headers, { note: 'Kunde sehr verärgert' })
    await api('POST', `/tickets/${ticket.id}/escalations`, agent.headers, { note: 'Noch dringender' })
    const rows = await t.db
      .select()
      .from(emailOutbound)
      .where(and(eq(emailOutbound.ticketId, ticket.id), eq(emailOutbound.kind, 'notice')))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.toAddress).toBe(supervisor.email)
    expect(rows[0]!.notice?.subject).toContain(`Eskalation: Ticket #${ticket.number}`)
    expect(rows[0]!.notice?.text).toContain('Kunde sehr verärgert')

    const before = sink.received.length
    await sendDue(t.ctxAs(), smtpTransport(createSecretBox(t.sessionSecret)), 50)
    const mail = sink.received.slice(before).find((m) => m.to.includes(supervisor.email))
    expect(mail).toBeTruthy()
    const raw = mail!.raw.toString('utf8')
    expect(raw).toContain('Auto-Submitted: auto-generated')
    expect(raw).not.toMatch(/^In-Reply-To:/m)
    await api('PATCH', '/me', supervisor.headers, { escalationEmails: false })
  })
})

describe('the supervisor board', () => {
  it("shows the team's escalations, tickets about to breach, breaches today and agents' load", async () => {
    await api('POST', '/sla-policies', admin.headers, {
      name: 'Schnell',
      targets: { firstResponse: { minutes: 60, business: false } },
    })
    const breached = await t.buildTicket({ teamId, assigneeId: agent.id, subject: unique('Kaputt ') })
    const soon = await t.buildTicket({ teamId, assigneeId: agent.id, subject: unique('Bald ') })
    await t.buildTicket({ teamId: otherTeamId, subject: unique('Fremd ') })
    void soon
    minutes(61)
    await sweep()
    // A ticket created later is still running, due within the hour.
    const fresh = await t.buildTicket({ teamId, subject: unique('Neu ') })
    minutes(1)
    const res = await api('GET', '/supervisor/board', supervisor.headers)
    expect(res.statusCode, res.body).toBe(200)
    const board = res.json()
    expect(board.escalations.some((e: { ticketId: string }) => e.ticketId === breached.id)).toBe(true)
    expect(board.escalations.every((e: { teamId: string }) => e.teamId === teamId)).toBe(true)
    expect(board.aboutToBreach.map((x: { ticketId: string }) => x.ticketId)).toContain(fresh.id)
    const mine = board.breachesToday.find((b: { teamId: string }) => b.teamId === teamId)
    expect(mine.breaches).toBeGreaterThanOrEqual(2)
    expect(board.breachesToday.some((b: { teamId: string }) => b.teamId === otherTeamId)).toBe(false)
    const load = board.agentLoad.find((a: { staffId: string }) => a.staffId === agent.id)
    expect(load).toMatchObject({ name: 'Anna Agent' })
    // Breached tickets count as breached only, so the three add up to the agent's open tickets.
    expect(load.breached).toBeGreaterThanOrEqual(2)
    expect(load.open).toBe(0)

    expect((await api('GET', '/supervisor/board', agent.headers)).statusCode).toBe(403)
    const all = (await api('GET', '/supervisor/board', admin.headers)).json()
    expect(all.breachesToday.some((b: { teamId: string }) => b.teamId === otherTeamId)).toBe(true)
    const list = await api('GET', '/escalations?state=open', supervisor.headers)
    expect(list.statusCode).toBe(200)
    expect(list.json().items.every((e: { teamId: string }) => e.teamId === teamId)).toBe(true)
    expect((await api('GET', '/escalations', agent.headers)).statusCode).toBe(403)
    expect((await api('GET', '/escalations?state=nope', supervisor.headers)).statusCode).toBe(400)
  })
})

describe('settings', () => {
  it('are for admins, refuse bad words with a pointer, and are audited', async () => {
    const bad = await api('PUT', '/settings/escalations', admin.headers, {
      joinTargetMinutes: 0,
      onWarning: true,
      onBreach: true,
      transfersThreshold: 3,
      onComplaint: true,
      extraComplaintWords: ['*'],
      ignoredComplaintWords: [],
    })
    expect(bad.statusCode).toBe(400)
    expect(JSON.stringify(bad.json())).toContain('extraComplaintWords')
    expect((await api('GET', '/settings/escalations', supervisor.headers)).statusCode).toBe(403)
    const ok = await api('PUT', '/settings/escalations', admin.headers, {
      joinTargetMinutes: 10,
      onWarning: false,
      onBreach: true,
      transfersThreshold: 4,
      onComplaint: true,
      extraComplaintWords: ['Ombudsstelle'],
      ignoredComplaintWords: [],
    })
    expect(ok.statusCode, ok.body).toBe(200)
    const audit = await t.db
      .select()
      .from(auditRecords)
      .where(eq(auditRecords.action, 'escalation.settings_updated'))
    expect(audit.length).toBeGreaterThan(0)
    // The new join target applies to the next escalation.
    const ticket = await newTicket()
    await api('POST', `/tickets/${ticket.id}/escalations`, agent.headers, { note: 'Hilfe' })
    expect((await escalationsOf(ticket.id))[0]!.joinDueAt).toBe('2026-12-07T09:10:00.000Z')
    expect(await t.db.select().from(escalations).where(eq(escalations.ticketId, ticket.id))).toHaveLength(1)
  })
})
