import { type Config, ConfigError, loadConfig } from '../config.ts'
import { EmbeddedPostgresError } from '../platform/embedded-postgres.ts'
import { isAppError } from '../platform/errors.ts'
import { openRuntime, type Runtime } from '../platform/runtime.ts'

/** Exit codes of the `tresen` command, documented in the README. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (a user exists already, a check is unhealthy, …). */
  failure: 1,
  /** Bad arguments or invalid configuration: fix the command line or the environment. */
  usage: 2,
  /** The environment is not usable: PostgreSQL unreachable, port in use. */
  environment: 3,
} as const

/** A failure the CLI reports as one clear message with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])
// PostgreSQL SQLSTATEs that mean "we cannot use this server", not "a query failed".
const CONNECTION_SQLSTATES = new Set(['28000', '28P01', '3D000', '57P03', '53300'])

/** The error that actually happened: Drizzle wraps driver errors as `cause` of a "Failed query" error. */
const rootCause = (err: unknown): unknown => {
  let current = err
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause
  }
  return current
}

const messageOf = (input: unknown): string => {
  const err = rootCause(input)
  if (err instanceof AggregateError && err.errors.length > 0) {
    // Node reports a refused dual-stack connect as an AggregateError with an empty message.
    return err.message || messageOf(err.errors[0])
  }
  return err instanceof Error ? err.message : String(err)
}

/** Whether an error means the database cannot be reached or used at all. */
export const isConnectionError = (input: unknown): boolean => {
  const err = rootCause(input)
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || CONNECTION_SQLSTATES.has(code))) return true
  return /connection (timeout|terminated)|timeout expired/i.test(err.message)
}

/** host:port of the database the configuration points at, never with credentials. */
export const databaseAddress = (config: Config) => {
  if (!config.databaseUrl) return `127.0.0.1:${config.embeddedPgPort}`
  try {
    const url = new URL(config.databaseUrl)
    return `${url.hostname || 'localhost'}:${url.port || 5432}`
  } catch {
    return 'the configured DATABASE_URL'
  }
}

/** Turns any error into the message and exit code the CLI reports. */
export const describeFailure = (err: unknown, config?: Config): { message: string; exitCode: number } => {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode }
  if (err instanceof ConfigError) {
    return {
      message: `invalid configuration:\n${err.problems.map((p) => `  - ${p}`).join('\n')}`,
      exitCode: EXIT.usage,
    }
  }
  if (err instanceof EmbeddedPostgresError) return { message: err.message, exitCode: EXIT.environment }
  if (config && isConnectionError(err)) {
    return {
      message: `cannot reach PostgreSQL at ${databaseAddress(config)}: ${messageOf(err)}`,
      exitCode: EXIT.environment,
    }
  }
  if (isAppError(err)) return { message: err.detail ?? err.message, exitCode: EXIT.failure }
  return { message: `unexpected error: ${messageOf(err)}`, exitCode: EXIT.failure }
}

/** Writes a CLI failure to stderr as `tresen: <message>`. */
export const reportFailure = (message: string) => {
  process.stderr.write(`tresen: ${message}\n`)
}

/** Loads the configuration, turning problems into a usage error. */
export const readConfig = (overrides: Partial<Config> = {}) => loadConfig(process.env, overrides)

/**
 * Runs `fn` with an open runtime (database pool, embedded PostgreSQL when configured) and closes
 * it afterwards, whatever happens. Connection failures become "cannot reach PostgreSQL" errors.
 */
export const withRuntime = async <T>(
  config: Config,
  opts: { migrate?: boolean },
  fn: (runtime: Runtime) => Promise<T>,
): Promise<T> => {
  let runtime: Runtime
  try {
    runtime = await openRuntime(config, { migrate: opts.migrate })
  } catch (err) {
    const failure = describeFailure(err, config)
    throw new CliError(failure.message, failure.exitCode)
  }
  try {
    return await fn(runtime)
  } catch (err) {
    if (err instanceof CliError) throw err
    const failure = describeFailure(err, config)
    throw new CliError(failure.message, failure.exitCode)
  } finally {
    await runtime.close()
  }
}

/** Reads all of stdin (for `--password-stdin`), without the trailing newline. */
export const readStdin = async () => {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** A framed block for output that must not be missed (a one-time password). */
export const box = (lines: string[]) => {
  const width = Math.max(...lines.map((l) => l.length))
  const bar = '─'.repeat(width + 2)
  return [`┌${bar}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${bar}┘`].join('\n')
}
