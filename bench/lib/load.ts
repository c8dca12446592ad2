import fs from 'node:fs'
import autocannon from 'autocannon'

/** One request of a scenario; the scenario hands out a new one for every request made. */
export type Req = { method: 'GET' | 'POST'; path: string; body?: unknown; token?: string }

export type Measurement = {
  requests: number
  seconds: number
  rps: number
  p50_ms: number
  p95_ms: number
  p99_ms: number
  max_ms: number
  errors: number
  /** Status codes that were not 2xx, with how often; and the first such body, to say why. */
  statuses: Record<string, number>
  firstErrorBody?: string
  rss_max_mb: number | null
}

/** The q-quantile of sorted values (nearest rank). */
const quantile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** The resident memory of a process in MB, from /proc (Linux); null where there is no /proc. */
export const rssMb = (pid: number): number | null => {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
    return m ? Number(m[1]) / 1024 : null
  } catch {
    return null
  }
}

const cpuTimes = () => {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const v = line.trim().split(/\s+/).slice(1).map(Number)
  const idle = (v[3] ?? 0) + (v[4] ?? 0)
  return { idle, total: v.reduce((a, b) => a + b, 0) }
}

/**
 * How busy the whole machine is (% of all cores) over `ms` while this run puts no load on it:
 * other work on a shared machine skews every figure, so each run records it. Null without /proc.
 */
export const backgroundCpuPct = async (ms = 2000): Promise<number | null> => {
  try {
    const a = cpuTimes()
    await new Promise((r) => setTimeout(r, ms))
    const b = cpuTimes()
    const total = b.total - a.total
    return total > 0 ? Math.round((100 * (total - (b.idle - a.idle))) / total) : null
  } catch {
    return null
  }
}

/**
 * Drives `next()` requests at `url` with `connections` concurrent connections for `seconds`, and
 * samples the resident memory of `pid` meanwhile. Latencies are kept exactly (not in buckets), so
 * p95 is available, which autocannon's own summary lacks.
 */
export const measure = async (opts: {
  url: string
  next: () => Req
  seconds: number
  connections: number
  pid: number
  onTick?: (elapsedS: number, requests: number) => void
}): Promise<Measurement> => {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let errors = 0
  let firstErrorBody: string | undefined
  let rssMax: number | null = null
  const sample = () => {
    const mb = rssMb(opts.pid)
    if (mb !== null) rssMax = Math.max(rssMax ?? 0, mb)
  }
  sample()
  const sampler = setInterval(sample, 200)
  const started = process.hrtime.bigint()
  const ticker = opts.onTick
    ? setInterval(() => opts.onTick!(Number(process.hrtime.bigint() - started) / 1e9, latencies.length), 250)
    : undefined

  let finish: (r: autocannon.Result) => void = () => {}
  let fail: (e: unknown) => void = () => {}
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve
    fail = reject
  })
  const instance = autocannon(
    {
      url: opts.url,
      connections: opts.connections,
      duration: opts.seconds,
      timeout: 10,
      requests: [
        {
          setupRequest: (req) => {
            const r = opts.next()
            const headers: Record<string, string> = {}
            if (r.token) headers.authorization = `Bearer ${r.token}`
            if (r.body !== undefined) headers['content-type'] = 'application/json'
            return {
              ...req,
              method: r.method,
              path: r.path,
              headers,
              body: r.body !== undefined ? JSON.stringify(r.body) : undefined,
            }
          },
          onResponse: (status, body) => {
            if ((status < 200 || status >= 300) && firstErrorBody === undefined) {
              firstErrorBody = `${status} ${body.slice(0, 500)}`
            }
          },
        },
      ],
    },
    (err, result) => (err ? fail(err) : finish(result)),
  )
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime)
    if (statusCode < 200 || statusCode >= 300) {
      errors++
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    }
  })
  const result = await done
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  clearInterval(sampler)
  if (ticker) clearInterval(ticker)
  sample()
  // Connection errors include the timeouts; neither reached the 'response' event.
  errors += result.errors
  if (result.timeouts > 0) statuses.timeout = result.timeouts
  if (result.errors > result.timeouts) statuses.connection = result.errors - result.timeouts
  const sorted = Float64Array.from(latencies).sort()
  return {
    requests: latencies.length,
    seconds: round(seconds),
    rps: round(latencies.length / seconds, 0),
    p50_ms: round(quantile(sorted, 0.5)),
    p95_ms: round(quantile(sorted, 0.95)),
    p99_ms: round(quantile(sorted, 0.99)),
    max_ms: round(sorted.at(-1) ?? Number.NaN),
    errors,
    statuses,
    ...(firstErrorBody !== undefined ? { firstErrorBody } : {}),
    rss_max_mb: rssMax === null ? null : round(rssMax, 0),
  }
}

/**
 * Sends `next()` requests at a steady `rate` per second for `seconds` (open loop: a slow answer
 * does not delay the next request), and measures each from sending to the last byte. This is the
 * load of many people each clicking now and then; autocannon's own rate limit sends each second's
 * requests in a burst, which measures queueing instead.
 */
export const measurePaced = async (opts: {
  url: string
  next: () => Req
  seconds: number
  rate: number
  pid: number
  onTick?: (elapsedS: number, requests: number) => void
}): Promise<Measurement> => {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let errors = 0
  let firstErrorBody: string | undefined
  let rssMax: number | null = null
  const sample = () => {
    const mb = rssMb(opts.pid)
    if (mb !== null) rssMax = Math.max(rssMax ?? 0, mb)
  }
  sample()
  const sampler = setInterval(sample, 200)
  const total = Math.round(opts.seconds * opts.rate)
  const interval = 1000 / opts.rate
  const started = performance.now()
  const ticker = opts.onTick
    ? setInterval(() => opts.onTick!((performance.now() - started) / 1000, latencies.length), 250)
    : undefined
  const inFlight: Promise<void>[] = []
  const send = async () => {
    const r = opts.next()
    const t0 = performance.now()
    try {
      const res = await fetch(`${opts.url}${r.path}`, {
        method: r.method,
        headers: {
          ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
          ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: r.body !== undefined ? JSON.stringify(r.body) : undefined,
        signal: AbortSignal.timeout(10_000),
      })
      const body = await res.text()
      latencies.push(performance.now() - t0)
      if (!res.ok) {
        errors++
        statuses[res.status] = (statuses[res.status] ?? 0) + 1
        firstErrorBody ??= `${res.status} ${body.slice(0, 500)}`
      }
    } catch (err) {
      errors++
      const kind = (err as Error).name === 'TimeoutError' ? 'timeout' : 'connection'
      statuses[kind] = (statuses[kind] ?? 0) + 1
    }
  }
  for (let i = 0; i < total; i++) {
    const due = started + i * interval
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    inFlight.push(send())
  }
  await Promise.all(inFlight)
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  if (ticker) clearInterval(ticker)
  sample()
  const sorted = Float64Array.from(latencies).sort()
  return {
    requests: latencies.length,
    seconds: round(seconds),
    rps: round(latencies.length / seconds, 0),
    p50_ms: round(quantile(sorted, 0.5)),
    p95_ms: round(quantile(sorted, 0.95)),
    p99_ms: round(quantile(sorted, 0.99)),
    max_ms: round(sorted.at(-1) ?? Number.NaN),
    errors,
    statuses,
    ...(firstErrorBody !== undefined ? { firstErrorBody } : {}),
    rss_max_mb: rssMax === null ? null : round(rssMax, 0),
  }
}
