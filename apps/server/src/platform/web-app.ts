import fs from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Headers of every HTML page the desk serves: its own scripts only, never inside a frame. */
export const HTML_SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; '),
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
}

// Vite names every file under assets/ by its content hash: a changed file has a new name.
const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

/** Whether `dir` holds a built web app. */
export const webAppBuilt = (dir: string) => fs.existsSync(path.join(dir, 'index.html'))

const isApiPath = (url: string) => {
  const pathname = url.split('?')[0]!
  return pathname === '/api' || pathname.startsWith('/api/')
}

const acceptsHtml = (req: FastifyRequest) => /\btext\/html\b/i.test(String(req.headers.accept ?? ''))

const sendHtml = (reply: FastifyReply, html: string | Buffer, status = 200) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .headers({ ...HTML_SECURITY_HEADERS, 'cache-control': REVALIDATE })
    .send(html)

/**
 * Serves the built web app from `dir` at `/`: files under /assets/ cached for a year, everything
 * else revalidated. Without a build, `/` explains how to make one. The routes are the files that
 * exist at start (no catch-all route), so unknown paths still reach the not-found handler, where
 * `webAppFallback` answers page navigations.
 */
export const webAppPlugin = async (app: FastifyInstance, opts: { dir: string }) => {
  if (!webAppBuilt(opts.dir)) {
    app.get('/', { schema: { hide: true } }, (_req, reply) => sendHtml(reply, NOT_BUILT_PAGE))
    return
  }
  await app.register(fastifyStatic, {
    root: opts.dir,
    wildcard: false,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (res, file) => {
      const relative = path.relative(opts.dir, file).split(path.sep).join('/')
      res.setHeader('cache-control', relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE)
      if (/\.html?$/i.test(file)) {
        for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) res.setHeader(name, value)
      }
    },
  })
}

/**
 * The single-page app's fallback for the not-found handler: a page navigation (GET or HEAD,
 * accepting text/html, outside /api/) to a path that is not a file gets index.html, so the web
 * app's router decides. Returns false when it does not answer.
 */
export const webAppFallback =
  (dir: string) =>
  async (req: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    if (isApiPath(req.url) || !acceptsHtml(req)) return false
    let html: Buffer
    try {
      // Read on every navigation, so a rebuild while the server runs is served at once.
      html = await fs.promises.readFile(path.join(dir, 'index.html'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw err
    }
    await sendHtml(reply, html)
    return true
  }

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tresen</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:.1rem .3rem;border-radius:.2rem}</style>
</head>
<body>
<h1>Tresen</h1>
<p>Die Weboberfläche ist noch nicht gebaut. Bauen Sie sie im Projektverzeichnis mit
<code>npm run build -w @tresen/web</code> und starten Sie den Server neu.</p>
<p lang="en">The web app is not built yet. Build it in the project directory with
<code>npm run build -w @tresen/web</code> and restart the server.</p>
<p>API: <a href="/api/docs/">/api/docs</a></p>
</body>
</html>
`
