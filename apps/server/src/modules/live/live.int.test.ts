import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { signIn, startTestApp, type TestApp } from '../../../test/harness.ts'
import { buildApp } from '../../app.ts'
import { assignTicket, updateTicket } from '../tickets/index.ts'
import { CLOSE_SESSION_ENDED, LIVE_PATH } from './index.ts'

type Received = { type: string; ticketId?: string; at: string; data?: Record<string, unknown> }

type Connection = {
  ws: WebSocket
  received: Received[]
  closed: Promise<{ code: number; reason: string }>
  waitFor: (ticketId: string, type?: string) => Promise<Received>
}

/** Opens a live socket; rejects with the HTTP status when the upgrade is refused. */
const connect = (baseUrl: string, headers: Record<string, string>, opts: { autoPong?: boolean } = {}) =>
  new Promise<Connection>((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${LIVE_PATH}`, {
      headers,
      autoPong: opts.autoPong ?? true,
    })
    const received: Received[] = []
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    )
    ws.on('message', (raw) => received.push(JSON.parse(raw.toString()) as Received))
    ws.on('unexpected-response', (req, res) => {
      // The server must close the connection of a refused upgrade itself.
      const closedByServer = new Promise<boolean>((done) => {
        req.socket!.once('close', () => done(true))
        setTimeout(() => done(false), 2000)
      })
      void closedByServer.then((byServer) => {
        req.destroy()
        reject(Object.assign(new Error('refused'), { status: res.statusCode, closedByServer: byServer }))
      })
    })
    ws.on('error', reject)
    ws.on('open', () =>
      resolve({
        ws,
        received,
        closed,
        waitFor: async (ticketId, type) => {
          const until = Date.now() + 5000
          for (;;) {
            const hit = received.find((m) => m.ticketId === ticketId && (!type || m.type === type))
            if (hit) return hit
            if (Date.now() > until) throw new Error(`no ${type ?? 'event'} for ${ticketId} within 5 s`)
            await new Promise((r) => setTimeout(r, 20))
          }
        },
      }),
    )
  })

const refusal = (p: Promise<Connection>) =>
  p.then(
    (c) => {
      c.ws.close()
      return 101
    },
    (err: { status?: number; closedByServer?: boolean }) => {
      expect(err.closedByServer).toBe(true)
      return err.status
    },
  )

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
  ])

let t: TestApp
let base: string
const sockets: WebSocket[] = []
beforeAll(async () => {
  t = await startTestApp()
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  for (const ws of sockets) ws.terminate()
  await t.close()
})

describe('live updates', () => {
  it('sends an agent the events of their team, and a transfer away from it, but nothing of other teams', async () => {
    const teamA = await t.buildTeam()
    const teamB = await t.buildTeam()
    const agent = await t.buildStaff({ teams: [{ teamId: teamA.id }] })
    const live = await connect(base, agent.headers)
    sockets.push(live.ws)

    const inA = await t.buildTicket({ teamId: teamA.id })
    const created = await live.waitFor(inA.id, 'ticket.created')
    expect(created).toEqual({
      type: 'ticket.created',
      ticketId: inA.id,
      at: expect.any(String),
      data: expect.objectContaining({ status: 'new' }),
    })

    const inB = await t.buildTicket({ teamId: teamB.id })
    // Notifications arrive in commit order: once a later ticket of team A is here, B's would be too.
    const later = await t.buildTicket({ teamId: teamA.id })
    await live.waitFor(later.id, 'ticket.created')

    await assignTicket(t.ctxAs(), inA.id, { teamId: teamB.id, reason: 'belongs to team B' })
    const transfer = await live.waitFor(inA.id, 'ticket.updated')
    expect(transfer.ticketId).toBe(inA.id)

    // Now the ticket is team B's only: further changes no longer reach the agent.
    await updateTicket(t.ctxAs(), inA.id, { priority: 'high' })
    const last = await t.buildTicket({ teamId: teamA.id })
    await live.waitFor(last.id, 'ticket.created')
    expect(live.received.filter((m) => m.ticketId === inB.id)).toEqual([])
    expect(live.received.filter((m) => m.ticketId === inA.id).map((m) => m.type)).toEqual([
      'ticket.created',
      'ticket.updated',
    ])
    for (const m of live.received) expect(Object.keys(m).sort()).toEqual(['at', 'data', 'ticketId', 'type'])
  })

  it('refuses an upgrade without credentials or with an unknown token (401)', async () => {
    expect(await refusal(connect(base, {}))).toBe(401)
    expect(await refusal(connect(base, { authorization: 'Bearer tresen_nope' }))).toBe(401)
  })

  it('accepts a session cookie only from the desk origin (cross-site WebSocket hijacking)', async () => {
    const agent = await t.buildStaff()
    const session = await signIn(t.app, agent.email, agent.password)
    const cookie = { cookie: session.cookie }
    expect(await refusal(connect(base, { ...cookie, origin: 'https://evil.example' }))).toBe(403)
    expect(await refusal(connect(base, { ...cookie, origin: 'http://localhost:8080.evil.example' }))).toBe(
      403,
    )
    expect(await refusal(connect(base, cookie))).toBe(403)
    expect(await refusal(connect(base, { ...cookie, origin: 'http://localhost:8080' }))).toBe(101)
  })

  it('answers a plain GET without an upgrade with an error, not a hanging request', async () => {
    const agent = await t.buildStaff()
    const res = await t.app.inject({ url: LIVE_PATH, headers: agent.headers })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
  })

  it('accepts a Bearer token without Origin, from a client that is not a browser', async () => {
    const agent = await t.buildStaff()
    expect(await refusal(connect(base, agent.headers))).toBe(101)
  })
})

describe('live updates over time', () => {
  let fast: Awaited<ReturnType<typeof buildApp>>
  let fastBase: string
  beforeAll(async () => {
    fast = await buildApp({
      config: { publicUrl: 'http://localhost:8080', logLevel: 'silent' },
      database: t.database,
      sessionSecret: randomBytes(32).toString('base64url'),
      storage: t.storage,
      live: { databaseUrl: t.database.url, pingIntervalMs: 100, sessionCheckMs: 150 },
      logger: false,
    })
    fastBase = await fast.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => fast.close())

  it('drops a socket that stops answering pings', async () => {
    const agent = await t.buildStaff()
    const live = await connect(fastBase, agent.headers, { autoPong: false })
    sockets.push(live.ws)
    const { code } = await withTimeout(live.closed, 3000)
    expect(code).toBe(1006) // terminated without a close frame
  })

  it('keeps a socket that answers pings', async () => {
    const agent = await t.buildStaff()
    const live = await connect(fastBase, agent.headers)
    sockets.push(live.ws)
    await new Promise((r) => setTimeout(r, 500))
    expect(live.ws.readyState).toBe(WebSocket.OPEN)
    live.ws.close()
  })

  it('closes the socket of a session that was signed out, at the next check', async () => {
    const agent = await t.buildStaff()
    const session = await signIn(fast, agent.email, agent.password)
    const live = await connect(fastBase, { cookie: session.cookie, origin: 'http://localhost:8080' })
    sockets.push(live.ws)
    await new Promise((r) => setTimeout(r, 400))
    expect(live.ws.readyState).toBe(WebSocket.OPEN)
    const out = await fast.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: session.headers })
    expect(out.statusCode).toBe(204)
    const closed = await withTimeout(live.closed, 3000)
    expect(closed).toEqual({ code: CLOSE_SESSION_ENDED, reason: 'session ended' })
  })
})

describe('presence', () => {
  type Presence = {
    type: 'presence'
    ticketId: string
    at: string
    data: { staff: { id: string; name: string }; state: string; connectionId: string }
  }
  const presenceOf = (c: Connection, ticketId?: string) =>
    c.received.filter((m) => m.type === 'presence' && (!ticketId || m.ticketId === ticketId)) as Presence[]
  const waitForPresence = async (c: Connection, ticketId: string, state: string, count = 1) => {
    const until = Date.now() + 5000
    for (;;) {
      const hits = presenceOf(c, ticketId).filter((m) => m.data.state === state)
      if (hits.length >= count) return hits[count - 1]!
      if (Date.now() > until) throw new Error(`no presence ${state} for ${ticketId} within 5 s`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  const send = (c: Connection, ticketId: string, state: string, extra: Record<string, unknown> = {}) =>
    c.ws.send(JSON.stringify({ type: 'presence', ticketId, state, ...extra }))
  const open = async (headers: Record<string, string>) => {
    const c = await connect(base, headers)
    sockets.push(c.ws)
    return c
  }

  let team: { id: string }
  let otherTeam: { id: string }
  let anna: Awaited<ReturnType<TestApp['buildStaff']>>
  let bernd: Awaited<ReturnType<TestApp['buildStaff']>>
  let carla: Awaited<ReturnType<TestApp['buildStaff']>>
  let admin: Awaited<ReturnType<TestApp['buildStaff']>>
  beforeAll(async () => {
    team = await t.buildTeam()
    otherTeam = await t.buildTeam()
    anna = await t.buildStaff({ teams: [{ teamId: team.id }], name: 'Anna Anwesend' })
    bernd = await t.buildStaff({ teams: [{ teamId: team.id }], name: 'Bernd Beobachter' })
    carla = await t.buildStaff({ teams: [{ teamId: otherTeam.id }], name: 'Carla Anderswo' })
    admin = await t.buildStaff({ role: 'admin', name: 'Ada Admin' })
  })

  it('tells the others who may see the ticket who is viewing and typing, with the name the desk knows', async () => {
    const ticket = await t.buildTicket({ teamId: team.id })
    const a = await open(anna.headers)
    const aSecondTab = await open(anna.headers)
    const b = await open(bernd.headers)
    const c = await open(carla.headers)
    const boss = await open(admin.headers)

    // A client cannot choose the name or the connection others see.
    send(a, ticket.id, 'viewing', { staff: { id: carla.id, name: 'Mallory' }, connectionId: 'spoofed' })
    const seen = await waitForPresence(b, ticket.id, 'viewing')
    expect(seen).toEqual({
      type: 'presence',
      ticketId: ticket.id,
      at: expect.any(String),
      data: {
        staff: { id: anna.id, name: 'Anna Anwesend' },
        state: 'viewing',
        connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    })
    expect(new Date(seen.at).getTime()).toBeGreaterThan(Date.now() - 60_000)
    expect(await waitForPresence(boss, ticket.id, 'viewing')).toEqual(seen)
    // Anna's other tab hears it; the sending connection does not.
    expect(await waitForPresence(aSecondTab, ticket.id, 'viewing')).toEqual(seen)

    send(a, ticket.id, 'typing')
    const typing = await waitForPresence(b, ticket.id, 'typing')
    expect(typing.data).toEqual({ ...seen.data, state: 'typing' })

    // Events arrive in order: once these later tickets are here, any presence would have come first.
    const laterInTeam = await t.buildTicket({ teamId: team.id })
    await a.waitFor(laterInTeam.id, 'ticket.created')
    const laterInOther = await t.buildTicket({ teamId: otherTeam.id })
    await c.waitFor(laterInOther.id, 'ticket.created')
    expect(presenceOf(a)).toEqual([])
    expect(presenceOf(c)).toEqual([])
    for (const ws of [a, aSecondTab, b, c, boss]) ws.ws.close()
  })

  it('ignores presence for a ticket the sender may not see, or that does not exist', async () => {
    const hidden = await t.buildTicket({ teamId: otherTeam.id })
    const visible = await t.buildTicket({ teamId: team.id })
    const a = await open(anna.headers)
    const boss = await open(admin.headers)
    const c = await open(carla.headers)
    send(a, hidden.id, 'viewing')
    send(a, hidden.id, 'typing')
    send(a, hidden.number as unknown as string, 'viewing')
    send(a, '0190a000-0000-7000-8000-000000000000', 'viewing')
    send(a, visible.id, 'viewing') // handled after the others: once it is here, they would be too
    await waitForPresence(boss, visible.id, 'viewing')
    expect(presenceOf(boss).map((m) => m.ticketId)).toEqual([visible.id])
    const later = await t.buildTicket({ teamId: otherTeam.id })
    await c.waitFor(later.id, 'ticket.created')
    expect(presenceOf(c)).toEqual([])
    expect(a.ws.readyState).toBe(WebSocket.OPEN)
    for (const ws of [a, boss, c]) ws.ws.close()
  })

  it('says left for every ticket a connection was still on when it closes', async () => {
    const one = await t.buildTicket({ teamId: team.id })
    const two = await t.buildTicket({ teamId: team.id })
    const three = await t.buildTicket({ teamId: team.id })
    const a = await open(anna.headers)
    const b = await open(bernd.headers)
    send(a, one.id, 'viewing')
    send(a, two.id, 'typing')
    send(a, three.id, 'viewing')
    send(a, three.id, 'left')
    const leftThree = await waitForPresence(b, three.id, 'left')
    await waitForPresence(b, two.id, 'typing')
    a.ws.close()
    const leftOne = await waitForPresence(b, one.id, 'left')
    const leftTwo = await waitForPresence(b, two.id, 'left')
    for (const left of [leftOne, leftTwo]) {
      expect(left.data).toEqual({ ...leftThree.data, state: 'left' })
    }
    // 'left' was said for the third ticket already; closing does not repeat it.
    const later = await t.buildTicket({ teamId: team.id })
    await b.waitFor(later.id, 'ticket.created')
    expect(presenceOf(b, three.id).map((m) => m.data.state)).toEqual(['viewing', 'left'])

    // A connection that is dropped without a close frame leaves too.
    const dropped = await open(anna.headers)
    send(dropped, one.id, 'viewing')
    await waitForPresence(b, one.id, 'viewing', 2)
    dropped.ws.terminate()
    await waitForPresence(b, one.id, 'left', 2)
    b.ws.close()
  })

  it('ignores frames it does not understand and keeps the socket open', async () => {
    const ticket = await t.buildTicket({ teamId: team.id })
    const a = await open(anna.headers)
    const b = await open(bernd.headers)
    for (const frame of [
      'hello',
      '',
      '{',
      'null',
      '42',
      '[]',
      '{}',
      '{"type":"presence"}',
      JSON.stringify({ type: 'presence', ticketId: 'not-a-uuid', state: 'viewing' }),
      JSON.stringify({ type: 'presence', ticketId: ticket.id, state: 'sleeping' }),
      JSON.stringify({ type: 'presence', ticketId: ticket.id }),
      JSON.stringify({ type: 'subscribe', ticketId: ticket.id, state: 'viewing' }),
      JSON.stringify({ type: 'presence', ticketId: [ticket.id], state: 'viewing' }),
      `{"type":"presence","ticketId":"${ticket.id}","state":"viewing","x":"${'y'.repeat(3000)}"`,
    ]) {
      a.ws.send(frame)
    }
    a.ws.send(Buffer.from([0, 1, 2, 3]), { binary: true })
    send(a, ticket.id, 'viewing')
    const seen = await waitForPresence(b, ticket.id, 'viewing')
    expect(seen.data.staff.id).toBe(anna.id)
    expect(presenceOf(b, ticket.id)).toHaveLength(1)
    expect(a.ws.readyState).toBe(WebSocket.OPEN)
    // Still connected and still receiving.
    const later = await t.buildTicket({ teamId: team.id })
    await a.waitFor(later.id, 'ticket.created')
    for (const ws of [a, b]) ws.ws.close()
  })

  it('drops frames beyond 20 in 10 seconds from one socket', async () => {
    const ticket = await t.buildTicket({ teamId: team.id })
    const a = await open(anna.headers)
    const b = await open(bernd.headers)
    for (let i = 0; i < 40; i++) send(a, ticket.id, i % 2 === 0 ? 'viewing' : 'typing')
    await waitForPresence(b, ticket.id, 'typing', 10)
    const later = await t.buildTicket({ teamId: team.id })
    await b.waitFor(later.id, 'ticket.created')
    await new Promise((r) => setTimeout(r, 200))
    expect(presenceOf(b, ticket.id)).toHaveLength(20)
    expect(a.ws.readyState).toBe(WebSocket.OPEN)
    // Another socket has its own allowance.
    const other = await open(anna.headers)
    send(other, ticket.id, 'left')
    await waitForPresence(b, ticket.id, 'left')
    for (const ws of [a, b, other]) ws.ws.close()
  })
})
