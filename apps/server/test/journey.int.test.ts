import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaff } from '../src/modules/staff/index.ts'
import { signIn, startTestApp, type TestApp } from './harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

/**
 * The first hour of a new desk, through the API only: the admin printed at first start signs in,
 * sets up a team and an agent, and the agent works a customer's case from first contact to solved.
 */
describe('journey: from first sign-in to a solved ticket', () => {
  it('works end to end and leaves the whole story in the timeline', async () => {
    await createStaff(t.ctxAs(), {
      name: 'Administrator',
      email: 'admin@tresen.local',
      role: 'admin',
      language: 'de',
      password: 'first-start-password-1',
      teams: [],
    })
    const admin = await signIn(t.app, 'admin@tresen.local', 'first-start-password-1')
    const call = async (
      session: { headers: Record<string, string> },
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      payload?: object,
    ) => {
      const res = await t.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: session.headers,
        ...(payload ? { payload } : {}),
      })
      if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`)
      return res.json()
    }

    const service = await call(admin, 'POST', '/teams', { name: 'Kundenservice' })
    const billing = await call(admin, 'POST', '/teams', { name: 'Buchhaltung' })
    const agentUser = await call(admin, 'POST', '/users', {
      name: 'Lena Fischer',
      email: 'lena@tresen.local',
      role: 'agent',
      language: 'de',
      password: 'lena-password-2026',
      teams: [{ teamId: service.id, role: 'member' }],
    })
    const billingAgent = await call(admin, 'POST', '/users', {
      name: 'Tom Becker',
      email: 'tom@tresen.local',
      role: 'agent',
      language: 'en',
      teams: [{ teamId: billing.id, role: 'member' }],
    })
    expect(billingAgent.generatedPassword).toEqual(expect.any(String))

    const lena = await signIn(t.app, 'lena@tresen.local', 'lena-password-2026')
    const customer = await call(lena, 'POST', '/customers', {
      name: 'Jürgen Weiß',
      language: 'de',
      emails: ['juergen.weiss@example.de'],
      phones: [{ number: '0171 2345678' }],
    })
    expect(customer.phones[0].number).toBe('+491712345678')

    const ticket = await call(lena, 'POST', '/tickets', {
      subject: 'Rechnung doppelt abgebucht',
      customerId: customer.id,
      channel: 'phone',
      message: {
        text: 'Herr Weiß ruft an: Die Rechnung vom Oktober wurde zweimal abgebucht.',
        direction: 'inbound',
      },
    })
    const duplicate = await call(lena, 'POST', '/tickets', {
      subject: 'Doppelte Abbuchung',
      customerId: customer.id,
      channel: 'email',
      message: {
        text: 'Ich schreibe zusätzlich per E-Mail wegen der doppelten Abbuchung.',
        direction: 'inbound',
      },
    })
    await call(lena, 'POST', `/tickets/${ticket.number}/assign`, { assigneeId: agentUser.id })
    await call(lena, 'POST', `/tickets/${ticket.number}/interactions`, {
      kind: 'reply',
      text: 'Guten Tag Herr Weiß, wir prüfen die Abbuchung und melden uns bis morgen.',
    })
    await call(lena, 'POST', `/tickets/${ticket.number}/interactions`, {
      kind: 'note',
      text: 'Zahlung 4711 doppelt im Export.',
    })
    const merged = await call(lena, 'POST', `/tickets/${duplicate.number}/merge`, {
      into: ticket.number,
      reason: 'Gleiche Abbuchung',
    })
    expect(merged.id).toBe(ticket.id)
    const transferred = await call(lena, 'POST', `/tickets/${ticket.number}/assign`, {
      teamId: billing.id,
      reason: 'Erstattung muss die Buchhaltung freigeben',
    })
    expect(transferred.team.name).toBe('Buchhaltung')

    const tom = await signIn(t.app, 'tom@tresen.local', billingAgent.generatedPassword)
    await call(tom, 'POST', `/tickets/${ticket.number}/assign`, { assigneeId: billingAgent.id })
    await call(tom, 'POST', `/tickets/${ticket.number}/interactions`, {
      kind: 'reply',
      text: 'Die doppelte Abbuchung wurde erstattet.',
      status: 'solved',
      closing: { askedAnythingElse: true, resolution: 'confirmed' },
    })

    const final = await call(admin, 'GET', `/tickets/${duplicate.number}`)
    expect(final.id).toBe(ticket.id)
    expect(final.status).toBe('solved')
    expect(final.solvedAt).not.toBeNull()
    const story = final.timeline.map(
      (e: { kind: string; type?: string; direction?: string; author?: { name: string } }) =>
        e.kind === 'event' ? e.type : `${e.direction}:${e.author?.name}`,
    )
    // The merged ticket's e-mail keeps its own time, so it sorts between the ticket's own entries.
    expect(story).toEqual([
      'inbound:Jürgen Weiß',
      'ticket.created',
      'inbound:Jürgen Weiß',
      'ticket.assigned',
      'outbound:Lena Fischer',
      'ticket.status_changed',
      'internal:Lena Fischer',
      'ticket.merged',
      'ticket.transferred',
      'ticket.assigned',
      'outbound:Tom Becker',
      'ticket.status_changed',
      'ticket.closing_answered',
    ])
    const transfer = final.timeline.find((e: { type?: string }) => e.type === 'ticket.transferred')
    expect(transfer).toMatchObject({
      reason: 'Erstattung muss die Buchhaltung freigeben',
      actor: { name: 'Lena Fischer' },
    })
    // Lena's team no longer holds the ticket: she cannot see it, like any ticket outside her teams.
    expect(
      (await t.app.inject({ url: `/api/v1/tickets/${ticket.id}`, headers: lena.headers })).statusCode,
    ).toBe(404)
  })
})
