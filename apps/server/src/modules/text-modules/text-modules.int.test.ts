import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { auditRecords, customers, interactions } from '../../schema.ts'
import { textModules } from './text-modules.tables.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ clock: { now: () => new Date('2026-12-07T10:00:00Z') } })
})
afterAll(() => t.close())

type Method = 'GET' | 'POST' | 'PATCH'
const api = (method: Method, url: string, headers: Record<string, string>, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  })

const variants = {
  de: {
    subject: 'Ticket {{ticket.number}}',
    body: '{{customer.greeting}}\n\nIhr Ticket {{ticket.number}} ({{ticket.subject}}) ist bei {{team.name}}.\n\nViele Grüße\n{{agent.name}}',
  },
  en: {
    body: '{{customer.greeting}}\n\nYour ticket {{ticket.number}} is with {{team.name}}.\n\nBest regards\n{{agent.firstName}}',
  },
}

const setup = async () => {
  const team = await t.buildTeam()
  const otherTeam = await t.buildTeam()
  const admin = await t.buildStaff({ role: 'admin', name: 'Ada Admin' })
  const supervisor = await t.buildStaff({
    role: 'supervisor',
    name: 'Sven Super',
    teams: [{ teamId: team.id, role: 'supervisor' }],
  })
  const agent = await t.buildStaff({ name: 'Jana Berger', teams: [{ teamId: team.id }] })
  const outsider = await t.buildStaff({ name: 'Olaf Other', teams: [{ teamId: otherTeam.id }] })
  return { team, otherTeam, admin, supervisor, agent, outsider }
}

const create = async (headers: Record<string, string>, body: Record<string, unknown>) => {
  const res = await api('POST', '/text-modules', headers, {
    shortcut: unique('s').slice(0, 20),
    title: unique('Title '),
    variants,
    ...body,
  })
  return res
}

describe('text modules: visibility', () => {
  it('shows personal modules to their owner, team ones to the team, global ones to all; hidden is 404', async () => {
    const { team, admin, supervisor, agent, outsider } = await setup()
    const personal = (await create(agent.headers, { scope: 'personal' })).json()
    const teamModule = (await create(supervisor.headers, { scope: 'team', teamId: team.id })).json()
    const global = (await create(admin.headers, { scope: 'global' })).json()
    expect(personal).toMatchObject({ scope: 'personal', owner: { id: agent.id }, editable: true })
    expect(teamModule).toMatchObject({ scope: 'team', team: { id: team.id } })

    const ids = async (headers: Record<string, string>) =>
      ((await api('GET', '/text-modules?limit=200', headers)).json() as { id: string }[]).map((m) => m.id)
    const agentSees = await ids(agent.headers)
    expect(agentSees).toEqual(expect.arrayContaining([personal.id, teamModule.id, global.id]))
    const outsiderSees = await ids(outsider.headers)
    expect(outsiderSees).toContain(global.id)
    expect(outsiderSees).not.toContain(personal.id)
    expect(outsiderSees).not.toContain(teamModule.id)
    // Admins see every team's modules (to manage them), never someone's personal ones.
    const adminSees = await ids(admin.headers)
    expect(adminSees).toContain(teamModule.id)
    expect(adminSees).not.toContain(personal.id)

    for (const [headers, id] of [
      [outsider.headers, personal.id],
      [outsider.headers, teamModule.id],
      [admin.headers, personal.id],
      [supervisor.headers, personal.id],
      [agent.headers, randomUUID()],
    ] as const) {
      for (const res of [
        await api('GET', `/text-modules/${id}`, headers),
        await api('PATCH', `/text-modules/${id}`, headers, { title: 'Mine now' }),
        await api('POST', `/text-modules/${id}/render`, headers, { ticket: randomUUID() }),
      ]) {
        expect(res.statusCode).toBe(404)
        expect(res.json().code).toBe('text_module.not_found')
      }
    }
    expect((await api('GET', '/text-modules/not-a-uuid', agent.headers)).statusCode).toBe(400)
  })

  it('finds modules by the start of the shortcut or a part of the title, exact shortcut first', async () => {
    const { agent } = await setup()
    const tag = unique('q')
      .replace(/[^a-z0-9]/gi, '')
      .slice(-8)
      .toLowerCase()
    await create(agent.headers, { scope: 'personal', shortcut: `${tag}x`, title: 'Zweiter' })
    await create(agent.headers, { scope: 'personal', shortcut: tag, title: 'Erster' })
    await create(agent.headers, { scope: 'personal', shortcut: 'zz', title: `Enthält ${tag} im Titel` })
    const res = await api('GET', `/text-modules?q=${encodeURIComponent(`::${tag}`)}`, agent.headers)
    expect(res.statusCode).toBe(200)
    expect(res.json().map((m: { shortcut: string }) => m.shortcut)).toEqual([tag, `${tag}x`, 'zz'])
  })
})

describe('text modules: who may manage', () => {
  it('lets agents keep personal modules only, supervisors their team, admins global ones', async () => {
    const { team, otherTeam, supervisor, agent } = await setup()
    for (const [headers, body] of [
      [agent.headers, { scope: 'global' }],
      [agent.headers, { scope: 'team', teamId: team.id }],
      [supervisor.headers, { scope: 'global' }],
      [supervisor.headers, { scope: 'team', teamId: otherTeam.id }],
    ] as const) {
      const res = await create(headers, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(403)
      expect(res.json().code).toBe('auth.forbidden')
    }
    const teamModule = (await create(supervisor.headers, { scope: 'team', teamId: team.id })).json()
    const asAgent = await api('GET', `/text-modules/${teamModule.id}`, agent.headers)
    expect(asAgent.json().editable).toBe(false)
    expect(
      (await api('PATCH', `/text-modules/${teamModule.id}`, agent.headers, { title: 'x' })).statusCode,
    ).toBe(403)
    const unknownTeam = await create(supervisor.headers, { scope: 'team', teamId: randomUUID() })
    expect(unknownTeam.statusCode).toBe(404)
    expect(unknownTeam.json().errors[0].pointer).toBe('/body/teamId')
  })

  it('archives and audits team and global modules (not personal ones)', async () => {
    const { team, supervisor, agent, admin } = await setup()
    const teamModule = (
      await create(supervisor.headers, { scope: 'team', teamId: team.id, title: 'Versandinfo' })
    ).json()
    const archived = await api('PATCH', `/text-modules/${teamModule.id}`, supervisor.headers, {
      archived: true,
      title: 'Versandinfo alt',
    })
    expect(archived.statusCode).toBe(200)
    expect(archived.json()).toMatchObject({ archived: true, title: 'Versandinfo alt' })
    const list = (await api('GET', '/text-modules?limit=200', agent.headers)).json() as { id: string }[]
    expect(list.map((m) => m.id)).not.toContain(teamModule.id)
    const archivedList = (await api('GET', '/text-modules?archived=true', supervisor.headers)).json() as {
      id: string
    }[]
    expect(archivedList.map((m) => m.id)).toContain(teamModule.id)

    const records = await t.db.select().from(auditRecords).where(eq(auditRecords.targetId, teamModule.id))
    expect(records.map((r) => r.action).sort()).toEqual(['text_module.archived', 'text_module.created'])
    const change = records.find((r) => r.action === 'text_module.archived')!
    expect(change).toMatchObject({
      actorId: supervisor.id,
      before: { title: 'Versandinfo', archived: false },
      after: { title: 'Versandinfo alt', archived: true },
    })

    const personal = (await create(agent.headers, { scope: 'personal' })).json()
    await api('PATCH', `/text-modules/${personal.id}`, agent.headers, { title: 'Neu' })
    expect(await t.db.select().from(auditRecords).where(eq(auditRecords.targetId, personal.id))).toEqual([])
    const global = (await create(admin.headers, { scope: 'global' })).json()
    expect(
      (await t.db.select().from(auditRecords).where(eq(auditRecords.targetId, global.id))).map(
        (r) => r.action,
      ),
    ).toEqual(['text_module.created'])
  })

  it('refuses bad input with problem+json pointers', async () => {
    const { agent, team } = await setup()
    const cases: [unknown, string][] = [
      [{ scope: 'personal', title: 'x', variants }, '/body/shortcut'],
      [{ scope: 'personal', shortcut: 'zwei worte', title: 'x', variants }, '/body/shortcut'],
      [{ scope: 'private', shortcut: 'a', title: 'x', variants }, '/body/scope'],
      [{ scope: 'personal', shortcut: 'a', title: '', variants }, '/body/title'],
      [{ scope: 'personal', shortcut: 'a', title: 'x', variants: {} }, '/body/variants'],
      [{ scope: 'personal', shortcut: 'a', title: 'x', variants: { fr: { body: 'x' } } }, '/body/variants'],
      [
        { scope: 'personal', shortcut: 'a', title: 'x', variants: { de: { body: '  ' } } },
        '/body/variants/de/body',
      ],
      [
        { scope: 'personal', shortcut: 'a', title: 'x', variants: { de: { body: 'Hallo {{kunde.name}}' } } },
        '/body/variants/de/body',
      ],
      [
        {
          scope: 'personal',
          shortcut: 'a',
          title: 'x',
          variants: { en: { body: 'x', subject: '{{nope}}' } },
        },
        '/body/variants/en/subject',
      ],
      [{ scope: 'team', shortcut: 'a', title: 'x', variants }, '/body/teamId'],
      [{ scope: 'personal', teamId: team.id, shortcut: 'a', title: 'x', variants }, '/body/teamId'],
      [{ scope: 'personal', shortcut: 'a', title: 'x', variants, usageCount: 5 }, '/body'],
    ]
    for (const [payload, pointer] of cases) {
      const res = await api('POST', '/text-modules', agent.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(
        res.json().errors.map((e: { pointer: string }) => e.pointer),
        JSON.stringify(payload),
      ).toContain(pointer)
    }
    const mine = (await create(agent.headers, { scope: 'personal' })).json()
    const bad = await api('POST', `/text-modules/${mine.id}/render`, agent.headers, { ticket: 'abc' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].pointer).toBe('/body/ticket')
    expect((await api('GET', '/text-modules?limit=0', agent.headers)).statusCode).toBe(400)
  })
})

describe('text modules: rendering for a ticket', () => {
  const ticketFor = async (
    teamId: string,
    opts: { name: string; form: 'ms' | 'mr' | null; language: 'de' | 'en' },
  ) => {
    const customer = await t.buildCustomer({ name: opts.name, language: opts.language })
    await t.db.update(customers).set({ formOfAddress: opts.form }).where(eq(customers.id, customer.id))
    return t.buildTicket({ teamId, customerId: customer.id, subject: 'Paket fehlt', language: opts.language })
  }

  it('fills in the variables in the ticket language and counts each use', async () => {
    const { team, agent } = await setup()
    const m = (await create(agent.headers, { scope: 'personal' })).json()
    const de = await ticketFor(team.id, { name: 'Alex Müller', form: 'ms', language: 'de' })
    const res = await api('POST', `/text-modules/${m.id}/render`, agent.headers, { ticket: de.id })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      language: 'de',
      fallback: false,
      subject: `Ticket #${de.number}`,
      text: `Sehr geehrte Frau Müller,\n\nIhr Ticket #${de.number} (Paket fehlt) ist bei ${team.name}.\n\nViele Grüße\nJana Berger`,
      html: expect.stringContaining('<p>Sehr geehrte Frau Müller,</p>'),
      missing: [],
    })
    const en = await ticketFor(team.id, { name: 'Sam Smith', form: 'mr', language: 'en' })
    const byNumber = await api('POST', `/text-modules/${m.id}/render`, agent.headers, { ticket: en.number })
    expect(byNumber.json()).toMatchObject({
      language: 'en',
      fallback: false,
      subject: null,
      text: `Dear Mr Smith,\n\nYour ticket #${en.number} is with ${team.name}.\n\nBest regards\nJana`,
    })
    const [row] = await t.db.select().from(textModules).where(eq(textModules.id, m.id))
    expect(row!.usageCount).toBe(2)
    expect((await api('GET', `/text-modules/${m.id}`, agent.headers)).json().usageCount).toBe(2)
  })

  it('falls back to the other variant and marks missing values in both languages', async () => {
    const { team, agent } = await setup()
    const onlyDe = (
      await create(agent.headers, {
        scope: 'personal',
        variants: {
          de: {
            body: '{{customer.greeting}} {{customer.firstName}}, Antwort bis {{ticket.expectedAnswer}}. Heute: {{today}}',
          },
        },
      })
    ).json()
    const onlyEn = (
      await create(agent.headers, {
        scope: 'personal',
        variants: {
          en: {
            body: '{{customer.greeting}} {{customer.firstName}}, answer by {{ticket.expectedAnswer}}. Today: {{today}}',
          },
        },
      })
    ).json()
    const enTicket = await ticketFor(team.id, { name: 'Müller', form: null, language: 'en' })
    const deTicket = await ticketFor(team.id, { name: 'Müller', form: null, language: 'de' })
    const a = (
      await api('POST', `/text-modules/${onlyDe.id}/render`, agent.headers, { ticket: enTicket.id })
    ).json()
    expect(a).toMatchObject({
      language: 'de',
      fallback: true,
      text: 'Guten Tag Müller, [Vorname des Kunden fehlt], Antwort bis [voraussichtliche Antwortzeit fehlt]. Heute: 7. Dezember 2026',
      missing: ['customer.firstName', 'ticket.expectedAnswer'],
    })
    expect(a.html).toContain('<mark data-missing="customer.firstName">[Vorname des Kunden fehlt]</mark>')
    const b = (
      await api('POST', `/text-modules/${onlyEn.id}/render`, agent.headers, { ticket: deTicket.id })
    ).json()
    expect(b).toMatchObject({
      language: 'en',
      fallback: true,
      text: "Dear Müller, [customer's first name missing], answer by [expected answer time missing]. Today: 7 December 2026",
    })
  })

  it('renders only for tickets the agent may see', async () => {
    const { otherTeam, agent, admin } = await setup()
    const global = (await create(admin.headers, { scope: 'global' })).json()
    const hidden = await t.buildTicket({ teamId: otherTeam.id })
    for (const ticket of [hidden.id, randomUUID(), 99_999_999]) {
      const res = await api('POST', `/text-modules/${global.id}/render`, agent.headers, { ticket })
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('ticket.not_found')
    }
    const [row] = await t.db.select().from(textModules).where(eq(textModules.id, global.id))
    expect(row!.usageCount).toBe(0)
  })
})

describe('replies with unfilled marks', () => {
  it('refuses to send a reply that still shows a mark, in either language; a note may keep one', async () => {
    const { team, agent } = await setup()
    const ticket = await t.buildTicket({ teamId: team.id })
    for (const payload of [
      { kind: 'reply', text: 'Hallo [Kundenname fehlt], danke.' },
      {
        kind: 'reply',
        html: '<p>Dear <mark data-missing="customer.name">[customer name missing]</mark>,</p>',
      },
      { kind: 'reply', text: 'ok', html: '<p>Antwort bis [voraussichtliche Antwortzeit fehlt]</p>' },
    ]) {
      const res = await api('POST', `/tickets/${ticket.id}/interactions`, agent.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json()).toMatchObject({ code: 'ticket.reply_unfilled', errors: [{ pointer: '/body/text' }] })
    }
    const replies = await t.db
      .select()
      .from(interactions)
      .where(and(eq(interactions.ticketId, ticket.id), eq(interactions.direction, 'outbound')))
    expect(replies).toEqual([])
    const note = await api('POST', `/tickets/${ticket.id}/interactions`, agent.headers, {
      kind: 'note',
      text: 'Kunde fragen: [Kundenname fehlt]',
    })
    expect(note.statusCode).toBe(201)
  })

  it('keeps the sanitized HTML of a reply and derives its text part from it', async () => {
    const { team, agent } = await setup()
    const ticket = await t.buildTicket({ teamId: team.id })
    const res = await api('POST', `/tickets/${ticket.id}/interactions`, agent.headers, {
      kind: 'reply',
      text: 'something else entirely',
      html: '<p>Guten Tag <strong>Frau</strong> Müller,</p><ul><li><p>eins</p></li><li><p>zwei</p></li></ul><p><a href="https://example.com/x" onclick="alert(1)">Link</a><script>alert(1)</script></p>',
    })
    expect(res.statusCode).toBe(201)
    const reply = res.json().timeline.findLast((e: { kind: string }) => e.kind === 'interaction')
    expect(reply.html).toContain('<strong>Frau</strong>')
    expect(reply.html).not.toContain('script')
    expect(reply.html).not.toContain('onclick')
    expect(reply.text).toBe('Guten Tag Frau Müller,\n\n- eins\n- zwei\n\nLink <https://example.com/x>')
  })
})
