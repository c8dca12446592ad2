import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { BENCH_DOMAIN, type SeedBenchProgress, type SeedBenchResult, seedBench } from './index.ts'

const TICKETS = 300

describe('seedBench', () => {
  let t: TestApp
  let result: SeedBenchResult
  let indexesBefore: unknown[]
  let keysBefore: unknown[]
  let existingTicket: { number: number }
  const progress: SeedBenchProgress[] = []

  const query = async <T>(text: string, values: unknown[] = []) =>
    (await t.database.pool.query(text, values)).rows as T[]
  const one = async (text: string, values: unknown[] = []) =>
    Number(Object.values((await query<Record<string, unknown>>(text, values))[0]!)[0])
  const schema = () =>
    Promise.all([
      query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 2`),
      query(
        `SELECT conrelid::regclass::text AS table, conname, pg_get_constraintdef(oid) AS def, convalidated
           FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 2`,
      ),
    ])

  beforeAll(async () => {
    t = await startTestApp()
    // An existing desk: a team, an agent and a ticket made through the services.
    const team = await t.buildTeam('Kundenservice')
    existingTicket = await t.buildTicket({ teamId: team.id, subject: 'Rücksendung vor dem Laden' })
    ;[indexesBefore, keysBefore] = await schema()
    result = await seedBench(t.database.pool, {
      tickets: TICKETS,
      seed: 5,
      onProgress: (p) => progress.push(p),
    })
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  it('adds the tickets with 4 to 6 interactions and 2 to 4 events each', async () => {
    expect(result.counts.tickets).toBe(TICKETS)
    expect(await one(`SELECT count(*) FROM tickets`)).toBe(TICKETS + 1)
    const perTicket = await query<{ interactions: number; events: number }>(
      `SELECT (SELECT count(*)::int FROM interactions i WHERE i.ticket_id = t.id) AS interactions,
              (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id) AS events
         FROM tickets t WHERE t.number > $1`,
      [existingTicket.number],
    )
    expect(perTicket).toHaveLength(TICKETS)
    for (const row of perTicket) {
      expect(row.interactions).toBeGreaterThanOrEqual(4)
      expect(row.interactions).toBeLessThanOrEqual(6)
      expect(row.events).toBeGreaterThanOrEqual(2)
      expect(row.events).toBeLessThanOrEqual(4)
    }
    expect(
      await one(
        `SELECT count(*) FROM interactions WHERE ticket_id IN (SELECT id FROM tickets WHERE number > $1)`,
        [existingTicket.number],
      ),
    ).toBe(result.counts.interactions)
  })

  it('scales teams, staff, customers and organizations with the tickets', async () => {
    expect(result.counts).toMatchObject({ teams: 3, organizations: 9, customers: 90 })
    expect(result.counts.customer_emails).toBeGreaterThanOrEqual(90)
    const roles = await query<{ role: string; n: number }>(
      `SELECT role::text, count(*)::int AS n FROM staff_users WHERE email LIKE $1 GROUP BY 1`,
      [`%@${BENCH_DOMAIN}`],
    )
    const byRole = Object.fromEntries(roles.map((r) => [r.role, r.n]))
    expect(byRole.admin).toBeGreaterThanOrEqual(1)
    expect(byRole.supervisor).toBe(3)
    expect(byRole.agent).toBeGreaterThan(0)
    // every generated staff user has a password credential
    expect(
      await one(
        `SELECT count(*) FROM staff_users s WHERE s.email LIKE $1
           AND NOT EXISTS (SELECT 1 FROM auth_accounts a WHERE a.user_id = s.id AND a.provider_id = 'credential' AND a.password LIKE '$argon2%')`,
        [`%@${BENCH_DOMAIN}`],
      ),
    ).toBe(0)
  })

  it('spreads tickets over channels, statuses and both languages, assigned within their team', async () => {
    const shares = await query<{ channel: string; n: number }>(
      `SELECT channel::text, count(*)::int AS n FROM tickets WHERE number > $1 GROUP BY 1`,
      [existingTicket.number],
    )
    const share = (c: string) => (shares.find((s) => s.channel === c)?.n ?? 0) / TICKETS
    expect(share('email')).toBeGreaterThan(0.3)
    expect(share('email')).toBeLessThan(0.6)
    expect(share('phone')).toBeGreaterThan(0.15)
    expect(
      await one(`SELECT count(DISTINCT language) FROM tickets WHERE number > $1`, [existingTicket.number]),
    ).toBe(2)
    expect(
      await one(`SELECT count(*) FROM tickets WHERE number > $1 AND status = 'closed'`, [
        existingTicket.number,
      ]),
    ).toBeGreaterThan(TICKETS * 0.7)
    expect(
      await one(`SELECT count(*) FROM tickets WHERE number > $1 AND team_id IS NULL`, [
        existingTicket.number,
      ]),
    ).toBe(0)
    expect(
      await one(
        `SELECT count(*) FROM tickets t WHERE t.number > $1 AND t.assignee_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.team_id AND m.staff_id = t.assignee_id)`,
        [existingTicket.number],
      ),
    ).toBe(0)
    expect(
      await one(
        `SELECT count(*) FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.language <> c.language`,
      ),
    ).toBe(0)
  })

  it('keeps timestamps consistent with the timeline', async () => {
    const bad = await one(
      `SELECT count(*) FROM tickets t WHERE t.number > $1 AND (
          t.updated_at < t.created_at OR t.updated_at > now()
          OR (t.status IN ('solved', 'closed')) <> (t.solved_at IS NOT NULL)
          OR (t.status = 'closed') <> (t.closed_at IS NOT NULL)
          OR t.closed_at < t.solved_at
          OR EXISTS (SELECT 1 FROM interactions i WHERE i.ticket_id = t.id AND (i.created_at < t.created_at OR i.created_at > t.updated_at))
          OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND (e.created_at < t.created_at OR e.created_at > t.updated_at)))`,
      [existingTicket.number],
    )
    expect(bad).toBe(0)
    expect(
      await one(
        `SELECT count(*) FROM tickets WHERE number > $1 AND created_at < now() - interval '2 years'`,
        [existingTicket.number],
      ),
    ).toBeGreaterThan(0)
  })

  it('fills waiting time and first response as the tickets service keeps them', async () => {
    const disagree = await one(
      `SELECT count(*) FROM tickets t
         LEFT JOIN LATERAL (
           SELECT min(i.created_at) FILTER (WHERE i.direction = 'outbound') AS first_reply,
                  max(i.created_at) FILTER (WHERE i.direction = 'outbound') AS last_reply
             FROM interactions i WHERE i.ticket_id = t.id) r ON true
         LEFT JOIN LATERAL (
           SELECT min(i.created_at) AS since FROM interactions i
            WHERE i.ticket_id = t.id AND i.direction = 'inbound'
              AND (r.last_reply IS NULL OR i.created_at > r.last_reply)) w ON true
        WHERE t.number > $1
          AND (t.first_response_at IS DISTINCT FROM r.first_reply OR t.waiting_since IS DISTINCT FROM w.since)`,
      [existingTicket.number],
    )
    expect(disagree).toBe(0)
    const waiting = await one(
      `SELECT count(*) FROM tickets WHERE number > $1 AND waiting_since IS NOT NULL AND status IN ('new', 'open')`,
      [existingTicket.number],
    )
    expect(waiting).toBeGreaterThan(0)
    expect(
      await one(`SELECT count(*) FROM tickets WHERE number > $1 AND first_response_at IS NOT NULL`, [
        existingTicket.number,
      ]),
    ).toBeGreaterThan(TICKETS * 0.5)
  })

  it('writes channel data and its columns for email and phone messages', async () => {
    const rows = await query<{ channel: string; ok: boolean }>(
      `SELECT channel::text,
              bool_and(CASE channel
                WHEN 'email' THEN thread_key = channel_data->>'messageId'
                WHEN 'phone' THEN thread_key = channel_data->>'callId' AND (channel_data->>'durationSeconds')::int > 0
                ELSE thread_key IS NULL END) AS ok
         FROM interactions GROUP BY 1`,
    )
    expect(rows.map((r) => r.channel)).toEqual(expect.arrayContaining(['email', 'phone', 'note']))
    for (const r of rows) expect(r, r.channel).toMatchObject({ ok: true })
    const lengths = await query<{ min: number; max: number }>(
      `SELECT min(length(body_text))::int AS min, max(length(body_text))::int AS max FROM interactions i
         JOIN tickets t ON t.id = i.ticket_id WHERE t.number > $1`,
      [existingTicket.number],
    )
    expect(lengths[0]!.min).toBeGreaterThanOrEqual(100)
    expect(lengths[0]!.max).toBeLessThanOrEqual(800)
    // newlines and backslashes came through COPY unharmed
    expect(await one(`SELECT count(*) FROM interactions WHERE body_text LIKE E'%\\n\\n%'`)).toBeGreaterThan(0)
  })

  it('restores every index and foreign key with the same name and definition', async () => {
    const [indexesAfter, keysAfter] = await schema()
    expect(indexesAfter).toEqual(indexesBefore)
    expect(keysAfter).toEqual(keysBefore)
    expect(progress.some((p) => p.phase === 'indexes')).toBe(true)
  })

  it('continues the ticket numbers: a ticket created afterwards gets a higher number', async () => {
    expect(result.firstTicketNumber).toBeGreaterThan(existingTicket.number)
    const team = await t.buildTeam()
    const after = await t.buildTicket({ teamId: team.id })
    expect(after.number).toBeGreaterThan(result.lastTicketNumber)
    expect(await one(`SELECT max(number) FROM tickets WHERE number <> $1`, [after.number])).toBe(
      result.lastTicketNumber,
    )
  })

  it('finds generated tickets through German and English full-text search', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const search = async (q: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets?q=${encodeURIComponent(q)}`,
        headers: admin.headers,
      })
      expect(res.statusCode).toBe(200)
      return (res.json() as { items: { number: number; language: string }[] }).items
    }
    // the German stemmer matches Rücksendungen, Rücksendung, … ; the English one refund, refunded, …
    const german = (await search('Rücksendung')).filter((i) => i.number > existingTicket.number)
    expect(german.length).toBeGreaterThan(0)
    expect(german.every((i) => i.language === 'de')).toBe(true)
    const english = (await search('refunds')).filter((i) => i.number > existingTicket.number)
    expect(english.length).toBeGreaterThan(0)
    expect(english.every((i) => i.language === 'en')).toBe(true)
  })

  it('reads a generated ticket through the API with its timeline', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${result.firstTicketNumber + 7}`,
      headers: admin.headers,
    })
    expect(res.statusCode).toBe(200)
    const detail = res.json() as { customer: { name: string }; team: { name: string }; timeline: unknown[] }
    expect(detail.team.name).toContain(`(${result.tag})`)
    expect(detail.timeline.length).toBeGreaterThanOrEqual(6)
  })

  it('adds a second run next to the first without collisions', async () => {
    const second = await seedBench(t.database.pool, { tickets: 20, seed: 5 })
    expect(second.tag).not.toBe(result.tag)
    expect(second.firstTicketNumber).toBeGreaterThan(result.lastTicketNumber)
    const [indexesAfter] = await schema()
    expect(indexesAfter).toEqual(indexesBefore)
  })

  it('restores indexes and foreign keys when the load is aborted', async () => {
    const controller = new AbortController()
    const run = seedBench(t.database.pool, {
      tickets: 20_000,
      seed: 9,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'load' && p.done > 0) controller.abort()
      },
    })
    await expect(run).rejects.toThrow(/aborted/)
    const [indexesAfter, keysAfter] = await schema()
    expect(indexesAfter).toEqual(indexesBefore)
    expect(keysAfter).toEqual(keysBefore)
  }, 120_000)
})
