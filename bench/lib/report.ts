import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Measurement } from './load.ts'

export type Entry = {
  scenario: string
  tickets: number
  rps: number
  p50_ms: number
  p95_ms: number
  p99_ms: number
  errors: number
  baseline: { name: string; rps: number; p99_ms: number } | null
  /** Tresen's throughput divided by its baseline's. */
  ratio: number | null
  target: string | null
  met: boolean | null
  what: string
  requests: number
  max_ms: number
  rss_max_mb: number | null
  statuses?: Record<string, number>
  first_error?: string
  /** The same requests at a steady rate (`--rate`); latency targets are judged on these figures. */
  paced?: { rate: number; rps: number; p50_ms: number; p95_ms: number; p99_ms: number; errors: number }
}

export type SizeSummary = {
  tickets: number
  database: { reused: boolean; tickets_before: number; seed_seconds: number | null; data: string }
  actors: Record<string, string>
  /** CPU used by other processes while this run was idle (% of all cores), before each server. */
  background_cpu_pct: { before_tresen: number | null; before_baselines?: number | null }
  rss_max_mb: number | null
  rss_target: { text: string; met: boolean | null }
  removed_writes?: { tickets: number; replies: number }
}

export type Machine = {
  cpu: string
  cores: number
  ram_gb: number
  os: string
  node: string
  postgres: string
  postgres_settings: Record<string, string>
  database: 'embedded' | 'external'
}

export type Report = {
  started_at: string
  finished_at: string
  options: Record<string, unknown>
  machine: Machine
  sizes: SizeSummary[]
  results: Entry[]
  notes: string[]
}

export const RSS_LIMIT_MB = 250

/** EXPLAIN (ANALYZE, BUFFERS) of a scenario's query, captured when the scenario missed its target. */
export type Explained = { tickets: number; scenario: string; label: string; sql: string; plan: string }

const osName = () => {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8')
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)
    return `${m?.[1] ?? os.type()} (kernel ${os.release()})`
  } catch {
    return `${os.type()} ${os.release()}`
  }
}

export const machineInfo = (
  postgres: { version: string; settings: Record<string, string> },
  database: 'embedded' | 'external',
): Machine => ({
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores: os.cpus().length,
  ram_gb: Math.round(os.totalmem() / 1024 ** 3),
  os: osName(),
  node: process.version,
  postgres: postgres.version,
  postgres_settings: postgres.settings,
  database,
})

export const entryOf = (
  scenario: {
    name: string
    what: string
    target?: { text: string; check: (m: Measurement, r: number | null) => boolean; paced?: boolean }
  },
  tickets: number,
  m: Measurement,
  baseline: { name: string; m: Measurement } | null,
  paced?: { rate: number; m: Measurement },
): Entry => {
  const ratio = baseline && baseline.m.rps > 0 ? Math.round((m.rps / baseline.m.rps) * 100) / 100 : null
  const judged = scenario.target?.paced && paced ? paced.m : m
  return {
    scenario: scenario.name,
    tickets,
    rps: m.rps,
    p50_ms: m.p50_ms,
    p95_ms: m.p95_ms,
    p99_ms: m.p99_ms,
    errors: m.errors,
    baseline: baseline ? { name: baseline.name, rps: baseline.m.rps, p99_ms: baseline.m.p99_ms } : null,
    ratio,
    target: scenario.target?.text ?? null,
    met: scenario.target ? scenario.target.check(judged, ratio) : null,
    ...(paced
      ? {
          paced: {
            rate: paced.rate,
            rps: paced.m.rps,
            p50_ms: paced.m.p50_ms,
            p95_ms: paced.m.p95_ms,
            p99_ms: paced.m.p99_ms,
            errors: paced.m.errors,
          },
        }
      : {}),
    what: scenario.what,
    requests: m.requests,
    max_ms: m.max_ms,
    rss_max_mb: m.rss_max_mb,
    ...(m.errors > 0 ? { statuses: m.statuses } : {}),
    ...(m.firstErrorBody ? { first_error: m.firstErrorBody } : {}),
  }
}

const fmtTickets = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${n / 1000}k`
      : String(n)
const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '–')
const verdict = (met: boolean | null) => (met === null ? '' : met ? 'met' : '**missed**')

/** The results as a Markdown table, one row per scenario and size, with each size's memory line. */
export const markdownTable = (results: Entry[], sizes: SizeSummary[]) => {
  const head = [
    '| scenario | tickets | rps | p50 ms | p95 ms | p99 ms | errors | baseline | ratio | paced: p50 / p95 / p99 ms | target | result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- | --- |',
  ]
  const rows = results.map((e) =>
    [
      e.scenario,
      fmtTickets(e.tickets),
      String(Math.round(e.rps)),
      fmtMs(e.p50_ms),
      fmtMs(e.p95_ms),
      fmtMs(e.p99_ms),
      String(e.errors),
      e.baseline ? `${e.baseline.name} (${Math.round(e.baseline.rps)} rps)` : '–',
      e.ratio === null ? '–' : e.ratio.toFixed(2),
      e.paced
        ? `${fmtMs(e.paced.p50_ms)} / ${fmtMs(e.paced.p95_ms)} / ${fmtMs(e.paced.p99_ms)} at ${e.paced.rate}/s${e.paced.errors ? ` (${e.paced.errors} errors)` : ''}`
        : '–',
      e.target ?? '–',
      verdict(e.met),
    ].join(' | '),
  )
  const memory = sizes.map(
    (s) =>
      `- ${fmtTickets(s.tickets)} tickets: server RSS max ${s.rss_max_mb ?? '?'} MB under load (target ${s.rss_target.text}): ${verdict(s.rss_target.met) || 'not measured'}`,
  )
  return [...head, ...rows.map((r) => `| ${r} |`), '', ...memory].join('\n')
}

export const machineMarkdown = (r: Report) => {
  const m = r.machine
  const o = r.options
  return [
    `Run ${r.started_at} – ${r.finished_at}.`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.ram_gb} GB RAM, ${m.os}`,
    `- Node ${m.node}; ${m.postgres.split(',')[0]} (${m.database}; ${Object.entries(m.postgres_settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')})`,
    `- Load: autocannon on the same machine over loopback, ${o.connections} connections, ${o.duration} s per scenario after ${o.warmup} s warm-up; database pool ${o.pool} (Tresen and baseline)`,
    ...r.sizes.map(
      (s) =>
        `- ${fmtTickets(s.tickets)}: ${s.database.data}; ${s.database.reused ? `reused a seeded database (${s.database.tickets_before} tickets)` : `seeded in ${s.database.seed_seconds ?? '?'} s`}; actors ${Object.entries(
          s.actors,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}; other load on the machine ${s.background_cpu_pct.before_tresen ?? '?'}% / ${s.background_cpu_pct.before_baselines ?? '?'}% CPU (before Tresen / before the baselines)`,
    ),
  ].join('\n')
}

export const reportMarkdown = (r: Report) =>
  [
    '# Tresen bench results',
    '',
    machineMarkdown(r),
    '',
    markdownTable(r.results, r.sizes),
    ...(r.notes.length > 0 ? ['', '## Notes', '', ...r.notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n')

export const explainMarkdown = (r: Report, explained: Explained[]) =>
  [
    '# Query plans of the missed targets',
    '',
    `EXPLAIN (ANALYZE, BUFFERS) of the main queries of each scenario that missed its target in the run of ${r.started_at}, run once warm after the load. The SQL is written by hand after the repositories (bench/lib/queries.ts).`,
    ...explained.flatMap((x) => [
      '',
      `## ${x.scenario} at ${fmtTickets(x.tickets)} tickets: ${x.label}`,
      '',
      '```sql',
      x.sql.trim(),
      '```',
      '',
      '```',
      x.plan,
      '```',
    ]),
    '',
  ].join('\n')

/** Writes `<dir>/<stamp>.json`, `.md` and, when there are plans, `.explain.md`; returns their paths. */
export const writeReport = (dir: string, r: Report, explained: Explained[]) => {
  fs.mkdirSync(dir, { recursive: true })
  const stamp = r.started_at.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')
  const json = path.join(dir, `${stamp}.json`)
  const md = path.join(dir, `${stamp}.md`)
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`)
  fs.writeFileSync(md, reportMarkdown(r))
  if (explained.length === 0) return { json, md }
  const plans = path.join(dir, `${stamp}.explain.md`)
  fs.writeFileSync(plans, explainMarkdown(r, explained))
  return { json, md, plans }
}
