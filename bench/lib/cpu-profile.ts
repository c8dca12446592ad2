/**
 * A CPU profile of this process over one phase of a bench (the V8 sampling profiler through
 * node:inspector, the same data `node --cpu-prof` writes), saved as a .cpuprofile for Chrome
 * DevTools and summarised by package and by function.
 */
import fs from 'node:fs'
import { Session } from 'node:inspector/promises'

type CallFrame = { functionName: string; url: string; lineNumber: number }
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] }
export type CpuProfile = {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/** Starts the sampling profiler; the returned function stops it and gives the profile. */
export const startProfile = async (intervalUs = 500) => {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs })
  await session.post('Profiler.start')
  return async (): Promise<CpuProfile> => {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile }
    session.disconnect()
    return profile
  }
}

/** Where a sample's function lives, as a reader of the report thinks of it. */
const areaOf = (frame: CallFrame) => {
  const { url, functionName } = frame
  if (!url) {
    if (functionName === '(idle)') return 'idle (waiting for I/O)'
    if (functionName === '(garbage collector)') return 'garbage collection'
    if (functionName === '(program)') return 'V8 and native code'
    return `native: ${functionName || '(anonymous)'}`
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (pkg) return `npm: ${pkg[1]}`
  const mod = /apps\/server\/src\/(modules\/[^/]+|platform)\//.exec(url)
  if (mod) return `tresen: ${mod[1]}`
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`
  if (url.includes('/bench/')) return 'bench (load generator)'
  return url.replace(/^file:\/\//, '')
}

export type ProfileSummary = {
  sampled_ms: number
  /** Self time by area (package, Tresen module, node core), biggest first. */
  areas: { area: string; ms: number; pct: number }[]
  /** Functions with the most self time. */
  functions: { fn: string; ms: number; pct: number }[]
}

export const summarizeProfile = (p: CpuProfile, top = 15): ProfileSummary => {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  p.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0))
  })
  const total = [...self.values()].reduce((s, x) => s + x, 0)
  const areas = new Map<string, number>()
  const fns = new Map<string, number>()
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame
    const area = areaOf(frame)
    areas.set(area, (areas.get(area) ?? 0) + us)
    const file = frame.url.split('/').slice(-1)[0] ?? ''
    const fn = frame.url ? `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})` : area
    fns.set(fn, (fns.get(fn) ?? 0) + us)
  }
  const rows = <K extends string>(m: Map<string, number>, key: K) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          ({ [key]: k, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }) as {
            [P in K]: string
          } & { ms: number; pct: number },
      )
  return { sampled_ms: Math.round(total / 1000), areas: rows(areas, 'area'), functions: rows(fns, 'fn') }
}

export const saveProfile = (file: string, p: CpuProfile) => fs.writeFileSync(file, JSON.stringify(p))
