import cliProgress from 'cli-progress'
import { type Command, InvalidArgumentError } from 'commander'
import type { SeedBenchProgress, SeedBenchResult } from '../modules/benchdata/index.ts'
import { box, CliError, readConfig, withRuntime } from './common.ts'

type SeedBenchCliOptions = { tickets: number; seed: number; concurrency: number }

const parseCount = (min: number, max: number) => (value: string) => {
  const n = Number(value.replace(/_/g, ''))
  if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`)
  }
  return n
}

const PHASE_LABELS: Record<SeedBenchProgress['phase'], string> = {
  prepare: 'preparing  ',
  load: 'loading    ',
  indexes: 'indexes    ',
  constraints: 'foreign keys',
  analyze: 'vacuuming  ',
}

/** One progress bar per phase on stderr (a line every few seconds when stderr is not a terminal). */
const progressBar = () => {
  let bar: cliProgress.SingleBar | undefined
  let phase: string | undefined
  return {
    update: (p: SeedBenchProgress) => {
      if (p.phase !== phase) {
        bar?.stop()
        phase = p.phase
        bar = new cliProgress.SingleBar(
          {
            format: `${PHASE_LABELS[p.phase]} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | {detail}`,
            stream: process.stderr,
            noTTYOutput: true,
            notTTYSchedule: 5000,
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(p.total, p.done, { detail: p.detail })
        return
      }
      bar?.setTotal(p.total)
      bar?.update(p.done, { detail: p.detail })
    },
    stop: () => bar?.stop(),
  }
}

const summary = (result: SeedBenchResult) => {
  const rows = Object.entries(result.counts)
  const total = rows.reduce((sum, [, n]) => sum + n, 0)
  const width = Math.max(...rows.map(([t]) => t.length))
  const lines = [
    ...rows.map(([table, n]) => `${table.padEnd(width)}  ${n.toLocaleString('en-US').padStart(12)}`),
    `${'total'.padEnd(width)}  ${total.toLocaleString('en-US').padStart(12)}`,
    '',
    `${result.seconds.toFixed(1)} s, ${Math.round(result.rowsPerSecond).toLocaleString('en-US')} rows/s` +
      ` (load ${result.phases.load.toFixed(1)} s, indexes ${result.phases.indexes.toFixed(1)} s,` +
      ` foreign keys ${result.phases.constraints.toFixed(1)} s, vacuum ${result.phases.analyze.toFixed(1)} s)`,
    `slowest steps: ${[...result.steps]
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 6)
      .map((s) => `${s.name} ${s.seconds.toFixed(1)} s`)
      .join(', ')}`,
    `tickets #${result.firstTicketNumber}–#${result.lastTicketNumber}, marked ${result.tag}`,
  ]
  return lines.join('\n')
}

/** `tresen seed-bench --tickets N`: adds a large generated data set for load tests. */
// The generator and its word lists (faker) load only for this command, not into every server.
const loadBenchdata = () => import('../modules/benchdata/index.ts')

export const seedBenchData = async (opts: SeedBenchCliOptions) => {
  const config = readConfig()
  await withRuntime(config, {}, async (runtime) => {
    const controller = new AbortController()
    const onSignal = () => {
      if (controller.signal.aborted) {
        process.stderr.write('\ntresen: interrupted again; leaving now, indexes may be missing\n')
        process.exit(130)
      }
      process.stderr.write(
        '\ntresen: stopping; restoring indexes and foreign keys (Ctrl-C again to leave now)\n',
      )
      controller.abort()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    const bar = progressBar()
    let result: SeedBenchResult
    try {
      result = await (await loadBenchdata()).seedBench(runtime.database.pool, {
        tickets: opts.tickets,
        seed: opts.seed,
        concurrency: opts.concurrency,
        onProgress: bar.update,
        signal: controller.signal,
      })
    } catch (err) {
      if (controller.signal.aborted)
        throw new CliError('seed-bench was interrupted; the rows loaded so far stay')
      throw err
    } finally {
      bar.stop()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    process.stdout.write(`${summary(result)}\n`)
    process.stdout.write(
      `${box([
        `Generated staff (e.g. the admin ${result.adminEmails[0]})`,
        `sign in with the password ${result.staffPassword}`,
        'This password is shown only now.',
      ])}\n`,
    )
  })
}

export const registerSeedBench = (program: Command) =>
  program
    .command('seed-bench')
    .description('add a large generated data set for load tests (teams, staff, customers, tickets)')
    .requiredOption(
      '--tickets <n>',
      'number of tickets (customers, staff and teams scale with it)',
      parseCount(1, 100_000_000),
    )
    .option('--seed <n>', 'random seed: the same seed gives the same data', parseCount(0, 2 ** 31 - 1), 1)
    .option('--concurrency <n>', 'database connections used in parallel', parseCount(1, 16), 2)
    .action(seedBenchData)
