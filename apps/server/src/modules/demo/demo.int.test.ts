import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, startTestApp, type TestApp } from '../../../test/harness.ts'
import { DEMO_STAFF_DOMAIN, seedDemo } from './index.ts'

describe('seedDemo', () => {
  let t: TestApp
  let first: Awaited<ReturnType<typeof seedDemo>>

  beforeAll(async () => {
    t = await startTestApp()
    first = await seedDemo(t.ctxAs())
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  const rows = async <T>(query: ReturnType<typeof sql>) => (await t.db.execute(query)).rows as T[]
  const count = async (query: ReturnType<typeof sql>) =>
    Number((await rows<{ n: number }>(query))[0]?.n ?? Number.NaN)

  it('creates the company: 3 teams, 6 staff, 4 organizations, 25 customers, 40 tickets', async () => {
    expect(first).toMatchObject({
      seeded: true,
      counts: {
        teams: 3,
        staff: 6,
        organizations: 4,
        customers: 25,
        tickets: 40,
        fields: 3,
        textModules: 9,
        macros: 3,
      },
    })
    expect(await count(sql`SELECT count(*)::int AS n FROM teams`)).toBe(3)
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM staff_users WHERE email LIKE ${`%@${DEMO_STAFF_DOMAIN}`}`,
      ),
    ).toBe(6)
    expect(await count(sql`SELECT count(*)::int AS n FROM organizations`)).toBe(4)
    expect(await count(sql`SELECT count(*)::int AS n FROM customers`)).toBe(25)
    expect(await count(sql`SELECT count(*)::int AS n FROM tickets`)).toBe(40)
  })

  it('has tickets on every customer channel, in German and English, in every status', async () => {
    const channels = await rows<{ channel: string }>(sql`SELECT DISTINCT channel::text FROM tickets`)
    expect(channels.map((r) => r.channel).sort()).toEqual(['chat', 'email', 'phone', 'portal', 'walk_in'])
    const languages = await rows<{ language: string; n: number }>(
      sql`SELECT language, count(*)::int AS n FROM tickets GROUP BY 1 ORDER BY 1`,
    )
    expect(languages.map((r) => r.language)).toEqual(['de', 'en'])
    expect(languages.every((r) => r.n >= 8)).toBe(true)
    const statuses = await rows<{ status: string }>(sql`SELECT DISTINCT status FROM tickets ORDER BY 1`)
    expect(statuses.map((r) => r.status).sort()).toEqual(
      ['closed', 'new', 'on_hold', 'open', 'pending', 'solved'].sort(),
    )
  })

  it('gives tickets timelines: replies, internal notes, transfers with reasons, a merge', async () => {
    const directions = await rows<{ direction: string; n: number }>(
      sql`SELECT direction, count(*)::int AS n FROM interactions GROUP BY 1`,
    )
    const by = Object.fromEntries(directions.map((r) => [r.direction, r.n]))
    expect(by.inbound).toBeGreaterThanOrEqual(45)
    expect(by.outbound).toBeGreaterThanOrEqual(30)
    expect(by.internal).toBeGreaterThanOrEqual(8)
    const transfers = await rows<{ reason: string | null }>(
      sql`SELECT reason FROM ticket_events WHERE type = 'ticket.transferred'`,
    )
    expect(transfers.length).toBeGreaterThanOrEqual(3)
    expect(transfers.every((r) => (r.reason ?? '').length > 0)).toBe(true)
    expect(await count(sql`SELECT count(*)::int AS n FROM tickets WHERE merged_into_id IS NOT NULL`)).toBe(1)
  })

  it('spreads the history over the past weeks, ticket numbers in time order, nothing in the future', async () => {
    const span = (
      await rows<{ oldest: Date; newest: Date; latest_event: Date; latest_message: Date }>(sql`
        SELECT min(created_at) AS oldest, max(created_at) AS newest,
               (SELECT max(created_at) FROM ticket_events) AS latest_event,
               (SELECT max(created_at) FROM interactions) AS latest_message
        FROM tickets`)
    )[0]!
    const now = Date.now()
    expect(now - new Date(span.oldest).getTime()).toBeGreaterThan(20 * 86_400_000)
    expect(now - new Date(span.newest).getTime()).toBeLessThan(86_400_000)
    expect(new Date(span.latest_event).getTime()).toBeLessThanOrEqual(now)
    expect(new Date(span.latest_message).getTime()).toBeLessThanOrEqual(now)
    const outOfOrder = await count(sql`
      SELECT count(*)::int AS n FROM (
        SELECT created_at < lag(created_at) OVER (ORDER BY number) AS earlier FROM tickets
      ) s WHERE earlier`)
    expect(outOfOrder).toBe(0)
  })

  it('knows which customers wait for an answer and when each ticket was first answered', async () => {
    // The merge survivor keeps the earlier wait of both tickets instead; every other ticket's
    // values follow from its messages, and a solved or closed ticket has nobody waiting.
    const disagree = await count(sql`
      SELECT count(*)::int AS n FROM tickets t
        LEFT JOIN LATERAL (
          SELECT min(i.created_at) FILTER (WHERE i.direction = 'outbound') AS first_reply,
                 max(i.created_at) FILTER (WHERE i.direction = 'outbound') AS last_reply
            FROM interactions i WHERE i.ticket_id = t.id) r ON true
        LEFT JOIN LATERAL (
          SELECT min(i.created_at) AS since FROM interactions i
           WHERE i.ticket_id = t.id AND i.direction = 'inbound'
             AND (r.last_reply IS NULL OR i.created_at > r.last_reply)) w ON true
       WHERE t.merged_into_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM interactions m WHERE m.ticket_id = t.id AND m.merged_from_ticket_id IS NOT NULL)
         AND (t.first_response_at IS DISTINCT FROM r.first_reply OR t.waiting_since IS DISTINCT FROM
              CASE WHEN t.status IN ('solved', 'closed') THEN NULL ELSE w.since END)`)
    expect(disagree).toBe(0)
    const waitingOpen = await count(
      sql`SELECT count(*)::int AS n FROM tickets WHERE waiting_since IS NOT NULL AND status IN ('new', 'open')`,
    )
    expect(waitingOpen).toBeGreaterThanOrEqual(3)
    expect(
      await count(sql`SELECT count(*)::int AS n FROM tickets WHERE first_response_at IS NOT NULL`),
    ).toBeGreaterThanOrEqual(20)
  })

  it('shows its email replies as delivered, not as failures for want of a channel', async () => {
    const replies = await rows<{ status: string | null }>(sql`
      SELECT i.channel_data->'delivery'->>'status' AS status FROM interactions i
        JOIN tickets t ON t.id = i.ticket_id
       WHERE t.channel = 'email' AND i.direction = 'outbound'`)
    expect(replies.length).toBeGreaterThanOrEqual(10)
    expect(replies.every((r) => r.status === 'sent')).toBe(true)
  })

  it('stores customers with emails and E.164 phones, German and English', async () => {
    const phones = await rows<{ phone: string }>(sql`SELECT phone FROM customer_phones`)
    expect(phones.length).toBeGreaterThanOrEqual(20)
    expect(phones.every((p) => /^\+[1-9]\d{6,14}$/.test(p.phone))).toBe(true)
    expect(await count(sql`SELECT count(DISTINCT customer_id)::int AS n FROM customer_emails`)).toBe(25)
    const languages = await rows<{ language: string }>(
      sql`SELECT DISTINCT language FROM customers ORDER BY 1`,
    )
    expect(languages.map((r) => r.language)).toEqual(['de', 'en'])
  })

  it('lets demo staff sign in and see their teams’ tickets', async () => {
    if (!first.seeded) throw new Error('not seeded')
    const session = await signIn(t.app, `markus.keller@${DEMO_STAFF_DOMAIN}`, first.staffPassword)
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets?limit=100',
      headers: session.headers,
    })
    expect(res.statusCode).toBe(200)
    const items = (res.json() as { items: { team: { name: string } | null }[] }).items
    expect(items.length).toBeGreaterThan(5)
    expect(items.every((i) => i.team?.name === 'Technik' || i.team === null)).toBe(true)
  })

  it('defines ticket fields in German and English and fills them on some tickets', async () => {
    const fields = await rows<{
      key: string
      type: string
      label_de: string
      label_en: string
      options: { value: string }[]
    }>(sql`SELECT key, type, label_de, label_en, options FROM ticket_fields ORDER BY position`)
    expect(fields.map((f) => [f.key, f.type, f.label_de, f.label_en])).toEqual([
      ['order_number', 'text', 'Bestellnummer', 'Order number'],
      ['product', 'select', 'Produkt', 'Product'],
      ['contract_type', 'select', 'Vertragsart', 'Contract type'],
    ])
    expect(fields[1]!.options.map((o) => o.value)).toContain('e_bike')
    expect(await count(sql`SELECT count(*)::int AS n FROM tickets WHERE fields <> '{}'::jsonb`)).toBe(15)
    // Every stored value is one the field knows (select values among its options).
    const unknown = await count(sql`
      SELECT count(*)::int AS n FROM tickets t, jsonb_each_text(t.fields) v
        LEFT JOIN ticket_fields f ON f.key = v.key
       WHERE f.id IS NULL OR (f.type = 'select' AND NOT f.options @> jsonb_build_array(jsonb_build_object('value', v.value)))`)
    expect(unknown).toBe(0)
    // The API shows them on the ticket and filters by them.
    if (!first.seeded) throw new Error('not seeded')
    const session = await signIn(t.app, `lena.hoffmann@${DEMO_STAFF_DOMAIN}`, first.staffPassword)
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tickets?field=product:eq:e_bike&limit=100',
      headers: session.headers,
    })
    expect(res.statusCode, res.body).toBe(200)
    const items = (res.json() as { items: { fields: Record<string, unknown> }[] }).items
    expect(items.length).toBe(3)
    expect(items.every((i) => i.fields.product === 'e_bike')).toBe(true)
  })

  it('has global and team text modules in German and English that fill in for a ticket', async () => {
    const modules = await rows<{ scope: string; shortcut: string; team: string | null; langs: string[] }>(sql`
      SELECT m.scope::text AS scope, m.shortcut, tm.name AS team,
             ARRAY(SELECT jsonb_object_keys(m.variants) ORDER BY 1) AS langs
        FROM text_modules m LEFT JOIN teams tm ON tm.id = m.team_id ORDER BY m.shortcut`)
    expect(modules.filter((m) => m.scope === 'global').map((m) => m.shortcut)).toEqual(
      expect.arrayContaining(['abschluss', 'gruss', 'nochwas', 'wartezeit']),
    )
    expect(modules.filter((m) => m.scope === 'team').map((m) => m.team)).toEqual(
      expect.arrayContaining(['Kundenservice', 'Technik', 'Buchhaltung']),
    )
    expect(modules.every((m) => m.langs.join() === 'de,en')).toBe(true)
    if (!first.seeded) throw new Error('not seeded')
    const session = await signIn(t.app, `jonas.weber@${DEMO_STAFF_DOMAIN}`, first.staffPassword)
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/text-modules', headers: session.headers })
    expect(list.statusCode, list.body).toBe(200)
    const visible =
      (list.json() as { items?: { shortcut: string }[] }).items ?? (list.json() as { shortcut: string }[])
    const shortcuts = visible.map((m) => m.shortcut)
    // Jonas is in customer service: the global modules and his team's, not the workshop's.
    expect(shortcuts).toEqual(
      expect.arrayContaining(['gruss', 'wartezeit', 'nochwas', 'abschluss', 'versand']),
    )
    expect(shortcuts).not.toContain('werkstatt')
  })

  it('has macros that ask the customer (pending, with a text module reply) and send a solution', async () => {
    const macros = await rows<{ name: string; team_ids: string[] }>(
      sql`SELECT name, team_ids FROM macros ORDER BY name`,
    )
    expect(macros.map((m) => m.name)).toEqual(
      expect.arrayContaining(['Rückfrage an Kunden / Ask customer', 'Lösung senden / Send solution']),
    )
    if (!first.seeded) throw new Error('not seeded')
    const session = await signIn(t.app, `jonas.weber@${DEMO_STAFF_DOMAIN}`, first.staffPassword)
    const ask = (
      await rows<{ id: string }>(sql`SELECT id FROM macros WHERE name = 'Rückfrage an Kunden / Ask customer'`)
    )[0]!
    const ticket = (
      await rows<{ id: string; number: number }>(sql`
        SELECT t.id, t.number FROM tickets t JOIN teams tm ON tm.id = t.team_id
         WHERE tm.name = 'Kundenservice' AND t.status = 'new' AND t.language = 'de' ORDER BY t.number LIMIT 1`)
    )[0]!
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/macros/${ask.id}/apply`,
      headers: session.headers,
      payload: { ticket: ticket.number },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ status: 'pending' })
    const reply = (
      await rows<{ body: string }>(sql`
        SELECT body_text AS body FROM interactions WHERE ticket_id = ${ticket.id} AND direction = 'outbound'
         ORDER BY created_at DESC LIMIT 1`)
    )[0]!
    expect(reply.body).toContain(`#${ticket.number}`)
    expect(reply.body).toContain('Jonas Weber')
    expect(reply.body).not.toMatch(/\{\{|fehlt\]/)
  })

  it('does nothing when run again', async () => {
    const before = await count(sql`SELECT count(*)::int AS n FROM tickets`)
    expect(await seedDemo(t.ctxAs())).toEqual({ seeded: false })
    expect(await count(sql`SELECT count(*)::int AS n FROM tickets`)).toBe(before)
    expect(await count(sql`SELECT count(*)::int AS n FROM customers`)).toBe(25)
    expect(await count(sql`SELECT count(*)::int AS n FROM ticket_fields`)).toBe(3)
    expect(await count(sql`SELECT count(*)::int AS n FROM text_modules`)).toBe(9)
    expect(await count(sql`SELECT count(*)::int AS n FROM macros`)).toBe(3)
  })
})
