import { randomBytes } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { connectDatabase } from '../src/platform/db.ts'
import { FsStorage } from '../src/platform/storage.ts'
import { signIn, startTestApp, type TestApp } from './harness.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

describe('http', () => {
  it('answers health and readiness', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' })
    expect((await t.app.inject('/readyz')).statusCode).toBe(200)
  })

  it('reports not ready when the database is unreachable', async () => {
    const database = connectDatabase('postgres://nobody:x@127.0.0.1:1/none')
    const app = await buildApp({
      config: { publicUrl: 'http://localhost:8080', logLevel: 'silent' },
      database,
      sessionSecret: randomBytes(32).toString('hex'),
      storage: new FsStorage('/tmp/unused'),
      logger: false,
    })
    const res = await app.inject('/readyz')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ code: 'internal.unavailable' })
    await app.close()
    await database.close()
  })

  it('publishes an OpenAPI 3.1 document that names every route and its responses', async () => {
    const res = await t.app.inject('/api/openapi.json')
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toBe('3.1.0')
    for (const path of [
      '/api/v1/tickets',
      '/api/v1/tickets/{ref}',
      '/api/v1/tickets/{ref}/merge',
      '/api/v1/auth/sign-in',
      '/api/v1/customers',
      '/api/v1/teams',
      '/api/v1/users',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path)
    }
    expect(doc.paths['/api/v1/tickets'].post.responses['201']).toBeDefined()
    const docs = await t.app.inject('/api/docs/')
    expect(docs.statusCode).toBe(200)
    expect(docs.headers['content-type']).toContain('text/html')
  })

  it('answers unknown routes with a problem+json 404 (401 before sign-in) and sets a request id', async () => {
    const agent = await t.buildStaff()
    expect((await t.app.inject('/api/v1/nothing-here')).statusCode).toBe(401)
    const res = await t.app.inject({ url: '/api/v1/nothing-here', headers: agent.headers })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.headers['x-request-id']).toBeTruthy()
    const own = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })
    expect(own.headers['x-request-id']).toBe('abc-123')
  })

  it('gives problem titles in German when the client prefers German', async () => {
    const res = await t.app.inject({ url: '/api/v1/me', headers: { 'accept-language': 'de-DE,de;q=0.9' } })
    expect(res.json().title).toBe('Bitte melden Sie sich an.')
  })

  it('never writes passwords, tokens, cookies or CSRF tokens to the log', async () => {
    const stream = new PassThrough()
    let logged = ''
    stream.on('data', (chunk) => {
      logged += chunk.toString()
    })
    const app = await buildApp({
      config: { publicUrl: 'http://localhost:8080', logLevel: 'trace' },
      database: t.database,
      sessionSecret: randomBytes(32).toString('hex'),
      storage: t.storage,
      logStream: stream,
    })
    const agent = await t.buildStaff()
    const session = await signIn(app, agent.email, agent.password)
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: agent.email, password: 'wrong-but-secret-123' },
    })
    await app.inject({ url: '/api/v1/me', headers: agent.headers })
    await app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: session.headers,
      payload: { name: 'x' },
    })
    await app.close()
    expect(logged.length).toBeGreaterThan(100)
    for (const secret of [
      agent.password,
      'wrong-but-secret-123',
      agent.token,
      session.csrfToken,
      session.cookie.split('=')[1]!.slice(0, 20),
    ]) {
      expect(logged).not.toContain(secret)
    }
  })
})
