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
