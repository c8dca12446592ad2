import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HTML_SECURITY_HEADERS } from '../src/platform/web-app.ts'
import { startTestApp, type TestApp } from './harness.ts'

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

const expectSecurityHeaders = (headers: Record<string, unknown>) => {
  expect(headers['content-security-policy']).toBe(CSP)
  expect(headers['referrer-policy']).toBe('same-origin')
  expect(headers['x-frame-options']).toBe('DENY')
}

const expectProblem404 = (res: {
  statusCode: number
  headers: Record<string, unknown>
  json: () => unknown
}) => {
  expect(res.statusCode).toBe(404)
  expect(res.headers['content-type']).toContain('application/problem+json')
  expect(res.json()).toMatchObject({ code: 'request.not_found' })
}

describe('the built web app', () => {
  let t: TestApp
  let root: string
  let dist: string
  const INDEX =
    '<!doctype html><html><head><script type="module" src="/assets/index-4f3a2b.js"></script></head><body><div id="root">tresen-web-index</div></body></html>'

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-web-'))
    dist = path.join(root, 'dist')
    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(dist, 'index.html'), INDEX)
    fs.writeFileSync(path.join(dist, 'assets/index-4f3a2b.js'), 'console.log("tresen")\n')
    fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the web app')
    t = await startTestApp({ webDir: dist })
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(root, { recursive: true, force: true })
  })

  it('serves index.html at / without caching, with the security headers', async () => {
    for (const url of ['/', '/index.html']) {
      const res = await t.app.inject({ url, headers: { accept: HTML } })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toContain('text/html')
      expect(res.body).toContain('tresen-web-index')
      expect(res.headers['cache-control']).toBe('no-cache')
      expectSecurityHeaders(res.headers)
    }
  })

  it('caches files under /assets/ for a year as immutable, and other files not', async () => {
    const js = await t.app.inject('/assets/index-4f3a2b.js')
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toContain('javascript')
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.body).toContain('console.log("tresen")')
    const icon = await t.app.inject('/favicon.svg')
    expect(icon.statusCode).toBe(200)
    expect(icon.headers['cache-control']).toBe('no-cache')
  })

  it('answers a page navigation to any other path with index.html (the web app routes it)', async () => {
    for (const url of ['/tickets/10001', '/settings/views?tab=mine', '/a/b/c/', '/assets']) {
      const res = await t.app.inject({ url, headers: { accept: HTML } })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toContain('text/html')
      expect(res.body).toBe(INDEX)
      expect(res.headers['cache-control']).toBe('no-cache')
      expectSecurityHeaders(res.headers)
    }
    const head = await t.app.inject({ method: 'HEAD', url: '/tickets/10001', headers: { accept: HTML } })
    expect(head.statusCode).toBe(200)
  })

  it('keeps problem+json 404s for API paths, other methods, missing files and clients not asking for HTML', async () => {
    const agent = await t.buildStaff()
    expectProblem404(await t.app.inject({ url: '/api/nothing', headers: { accept: HTML } }))
    expectProblem404(await t.app.inject({ url: '/api', headers: { accept: HTML } }))
    expectProblem404(
      await t.app.inject({ url: '/api/v1/nothing-here', headers: { ...agent.headers, accept: HTML } }),
    )
    expect((await t.app.inject({ url: '/api/v1/nothing-here', headers: { accept: HTML } })).statusCode).toBe(
      401,
    )
    expectProblem404(await t.app.inject({ url: '/tickets/10001', headers: { accept: 'application/json' } }))
    expectProblem404(await t.app.inject({ url: '/tickets/10001' }))
    expectProblem404(await t.app.inject({ url: '/assets/index-missing.js', headers: { accept: '*/*' } }))
    expectProblem404(await t.app.inject({ method: 'POST', url: '/tickets', headers: { accept: HTML } }))
  })

  it('never serves a file outside the web app directory', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await t.app.inject({ url })
      expect(res.body, url).not.toContain('outside the web app')
      expect(res.statusCode, url).not.toBe(200)
    }
  })

  it('leaves the API, health checks and API docs as they were', async () => {
    expect((await t.app.inject('/healthz')).statusCode).toBe(200)
    expect((await t.app.inject('/api/openapi.json')).statusCode).toBe(200)
    const me = await t.app.inject({ url: '/api/v1/me', headers: { accept: HTML } })
    expect(me.statusCode).toBe(401)
    expect(me.headers['content-type']).toContain('application/problem+json')
    expect(me.headers['content-security-policy']).toBeUndefined()
  })
})

describe('without a built web app', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ webDir: path.join(os.tmpdir(), 'tresen-no-web-app-here') })
  })
  afterAll(() => t?.close())

  it('explains at / in German and English how to build it', async () => {
    const res = await t.app.inject({ url: '/', headers: { accept: HTML } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('npm run build -w @tresen/web')
    expect(res.body).toContain('nicht gebaut')
    expect(res.body).toContain('not built')
    expectSecurityHeaders(res.headers)
    expect(HTML_SECURITY_HEADERS['content-security-policy']).toBe(CSP)
  })

  it('answers other paths with the problem+json 404', async () => {
    expectProblem404(await t.app.inject({ url: '/tickets/10001', headers: { accept: HTML } }))
    expectProblem404(await t.app.inject({ url: '/api/nothing', headers: { accept: HTML } }))
  })
})
