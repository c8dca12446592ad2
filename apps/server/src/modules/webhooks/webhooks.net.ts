import { promises as dns, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { ipLiteral, judgeAddress, normalHost } from './webhooks.address.ts'

/** Resolves a host name to its addresses; injected in tests (DNS rebinding, names of private hosts). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>

export const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family,
  }))

/** How the desk reaches receivers. */
export type WebhookNet = {
  resolve: Resolver
  /** The whole request, connect to last byte of the answer (default 10 s). */
  timeoutMs?: number
}

export const defaultNet: WebhookNet = { resolve: systemResolver }

/** Why a target is refused before anything is sent. */
export class TargetRefused extends Error {
  constructor(
    message: string,
    readonly reason: 'blocked' | 'unresolvable' | 'scheme',
  ) {
    super(message)
    this.name = 'TargetRefused'
  }
}

/** Whether the URL's host is the one the subscription allows to be private. */
export const isAllowedHost = (url: URL, allowPrivateHost: string | null) =>
  allowPrivateHost !== null && normalHost(url.hostname) === normalHost(allowPrivateHost)

/**
 * The addresses a URL's host stands for, every one checked by the address policy. Refused when
 * any address is refused (a name answering one public and one private address is refused), when
 * the name does not resolve, and for schemes other than https (http only for an allowed host).
 */
export const checkTarget = async (
  url: URL,
  opts: { allowPrivateHost: string | null; resolve: Resolver },
): Promise<LookupAddress[]> => {
  const allowPrivate = isAllowedHost(url, opts.allowPrivateHost)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivate))
    throw new TargetRefused('only https URLs are allowed (http only for an allowed private host)', 'scheme')
  if (url.username || url.password)
    throw new TargetRefused('the URL must not contain a user name or password', 'scheme')
  const literal = ipLiteral(url.hostname)
  let addresses: LookupAddress[]
  if (literal) {
    addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }]
  } else {
    try {
      addresses = await opts.resolve(normalHost(url.hostname))
    } catch (err) {
      throw new TargetRefused(
        `the host ${url.hostname} does not resolve (${(err as { code?: string }).code ?? (err as Error).message})`,
        'unresolvable',
      )
    }
    if (addresses.length === 0)
      throw new TargetRefused(`the host ${url.hostname} does not resolve`, 'unresolvable')
  }
  for (const a of addresses) {
    const verdict = judgeAddress(a.address, { allowPrivate })
    if (!verdict.allowed)
      throw new TargetRefused(
        `${url.hostname} resolves to ${a.address} (${verdict.range}), which webhooks may not reach`,
        'blocked',
      )
  }
  return addresses
}

/** A lookup that answers only the checked addresses: the connection goes where the check looked. */
const pinnedLookup =
  (addresses: LookupAddress[]): LookupFunction =>
  (_hostname, options, callback) => {
    const family = typeof options === 'object' ? options.family : options
    const fitting = addresses.filter((a) => !family || a.family === family || family === 0)
    const list = fitting.length ? fitting : addresses
    if ((options as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, list)
    else callback(null, list[0]!.address, list[0]!.family)
  }

export type SendResult = {
  statusCode: number | null
  /** The start of the answer (at most `BODY_KEPT` characters). */
  body: string | null
  retryAfter: string | undefined
  error: string | null
  /** For errors: whether trying again may help (network, timeout) or not (refused target). */
  retryable: boolean
  durationMs: number
}

export const BODY_KEPT = 2000
const BODY_READ = 64 * 1024

/**
 * POSTs a body to a checked target: the host is resolved and checked here, the connection
 * pinned to the checked addresses (and its peer address checked again once connected), redirects
 * are not followed. Never throws: the outcome says what happened.
 */
export const post = async (
  target: string,
  opts: {
    headers: Record<string, string>
    body: string
    allowPrivateHost: string | null
    net: WebhookNet
  },
): Promise<SendResult> => {
  const started = performance.now()
  const took = () => Math.round(performance.now() - started)
  const failed = (error: string, retryable: boolean): SendResult => ({
    statusCode: null,
    body: null,
    retryAfter: undefined,
    error,
    retryable,
    durationMs: took(),
  })
  let url: URL
  let addresses: LookupAddress[]
  try {
    url = new URL(target)
    addresses = await checkTarget(url, { allowPrivateHost: opts.allowPrivateHost, resolve: opts.net.resolve })
  } catch (err) {
    const refused = err instanceof TargetRefused
    return failed((err as Error).message, refused && (err as TargetRefused).reason === 'unresolvable')
  }
  const allowPrivate = isAllowedHost(url, opts.allowPrivateHost)
  const timeoutMs = opts.net.timeoutMs ?? 10_000
  return new Promise<SendResult>((resolve) => {
    let settled = false
    const done = (r: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(r)
    }
    const client = url.protocol === 'https:' ? https : http
    const req = client.request(url, {
      method: 'POST',
      agent: false,
      lookup: pinnedLookup(addresses),
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(opts.body)),
        'user-agent': 'Tresen-Webhooks/1',
        ...opts.headers,
      },
    })
    let refusedPeer = false
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`))
    }, timeoutMs)
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        const peer = socket.remoteAddress
        if (!peer || !judgeAddress(peer, { allowPrivate }).allowed) {
          refusedPeer = true
          req.destroy(new Error(`connected to ${peer}, which webhooks may not reach`))
        }
      })
    })
    req.on('error', (err) => done(failed(err.message, !refusedPeer)))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      const finish = () =>
        done({
          statusCode: res.statusCode ?? null,
          body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_KEPT),
          retryAfter: res.headers['retry-after'],
          error:
            res.statusCode && res.statusCode >= 300 && res.statusCode < 400
              ? `redirect to ${res.headers.location ?? '(no location)'} not followed`
              : null,
          retryable: false,
          durationMs: took(),
        })
      res.on('data', (chunk: Buffer) => {
        if (size < BODY_READ) chunks.push(chunk)
        size += chunk.length
        // Enough is kept; the rest of a large answer is not waited for.
        if (size >= BODY_READ) {
          finish()
          res.destroy()
        }
      })
      res.on('end', finish)
      res.on('error', finish)
    })
    req.end(opts.body)
  })
}
