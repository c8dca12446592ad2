import { parseArgs } from 'node:util'

export type Options = {
  quick: boolean
  sizes: number[]
  duration: number
  warmup: number
  connections: number
  /** Requests per second of the paced runs that latency targets are judged on. */
  rate: number
  poolSize: number
  only: string[]
  keep: boolean
  pgDir: string | undefined
  /** A PostgreSQL server to use instead of the embedded one (its role must be able to create databases). */
  databaseUrl: string | undefined
}

export const USAGE = `Usage: npm run bench -- [options]

  --quick               10k tickets, 5 s per scenario (a few minutes in all)
  --sizes 10000,1000000 data sizes (tickets) to measure; default 10000,1000000
  --duration S          seconds per scenario; default 10 (quick: 5)
  --warmup S            seconds of unmeasured load before each scenario; default 2 (quick: 1)
  --connections C       concurrent connections; default 10
  --rate R              requests per second of the paced run that latency targets are judged on; default 50
  --pool N              database pool size of Tresen and of the baseline server; default 10
  --only a,b            only these scenarios (names or prefixes, e.g. inbox, search_de)
  --keep                keep the seeded databases (and the embedded cluster) for the next run
  --pg-dir DIR          where the embedded cluster lives (default: a temporary directory,
                        or $TMPDIR/tresen-bench-pg with --keep)
  -h, --help

Environment: BENCH_DATABASE_URL=postgres://user:pw@host:5432/postgres uses that PostgreSQL server
instead of the embedded one; the databases tresen_bench_<tickets> are created on it.`

const positiveInt = (name: string, raw: string) => {
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`)
  return n
}

/** Reads the command line; throws with a message on bad input. Returns null when help was asked for. */
export const parseOptions = (argv: string[], env: NodeJS.ProcessEnv): Options | null => {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      pool: { type: 'string' },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'pg-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) return null
  const quick = values.quick ?? false
  const sizes = values.sizes
    ? values.sizes.split(',').map((s) => positiveInt('sizes', s.trim()))
    : quick
      ? [10_000]
      : [10_000, 1_000_000]
  const databaseUrl = env.BENCH_DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error('BENCH_DATABASE_URL must be a postgres:// URL')
  return {
    quick,
    sizes,
    duration: values.duration ? positiveInt('duration', values.duration) : quick ? 5 : 10,
    warmup: values.warmup !== undefined ? Number(values.warmup) || 0 : quick ? 1 : 2,
    connections: values.connections ? positiveInt('connections', values.connections) : 10,
    rate: values.rate ? positiveInt('rate', values.rate) : 50,
    poolSize: values.pool ? positiveInt('pool', values.pool) : 10,
    only: values.only
      ? values.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    keep: values.keep ?? false,
    pgDir: values['pg-dir'],
    databaseUrl,
  }
}
