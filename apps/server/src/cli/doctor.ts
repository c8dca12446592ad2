import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { sql } from 'drizzle-orm'
import { type Config, ConfigError } from '../config.ts'
import { pendingMigrations } from '../platform/db.ts'
import { RUNNING_BUILT } from '../platform/paths.ts'
import { openRuntime, type Runtime } from '../platform/runtime.ts'
import { FsStorage } from '../platform/storage.ts'
import { describeFailure, EXIT, readConfig } from './common.ts'
import { attachmentsDir } from './context.ts'

/** The PostgreSQL extensions the migrations create: trigram search and GIN over plain columns. */
const EXTENSIONS = ['pg_trgm', 'btree_gin'] as const

/** One check; a warning (`warn`) is printed as such but does not fail the doctor. */
export type Check = { name: string; ok: boolean; warn?: boolean; detail?: string }

const MIN_PG_VERSION = 150000
const TEXT_SEARCH_CONFIGS = ['german', 'english']

const fileMode = (file: string) => {
  try {
    return fs.statSync(file).mode & 0o777
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

const secretsCheck = (file: string, modeBefore: number | undefined): Check => {
  const name = 'secrets file is private (mode 0600)'
  if (modeBefore === undefined) {
    const now = fileMode(file)
    return now === undefined
      ? { name, ok: false, detail: `${file} does not exist` }
      : { name, ok: now === 0o600, detail: `${file} was created now with mode ${now.toString(8)}` }
  }
  return modeBefore === 0o600
    ? { name, ok: true, detail: file }
    : {
        name,
        ok: false,
        detail: `${file} has mode ${modeBefore.toString(8).padStart(4, '0')}; run chmod 600 ${file}`,
      }
}

const databaseChecks = async (runtime: Runtime): Promise<Check[]> => {
  const db = runtime.database.db
  const checks: Check[] = []
  const version = await db.execute<{ num: string; text: string }>(
    sql`SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`,
  )
  const num = Number(version.rows[0]?.num)
  const text = version.rows[0]?.text ?? 'unknown'
  checks.push({
    name: 'database reachable (PostgreSQL 15 or newer)',
    ok: num >= MIN_PG_VERSION,
    detail:
      num >= MIN_PG_VERSION ? `PostgreSQL ${text}` : `PostgreSQL ${text} is too old; 15 or newer is required`,
  })
  const migrations = await pendingMigrations(db)
  checks.push({
    name: 'migrations applied',
    ok: migrations.pending.length === 0,
    detail:
      migrations.pending.length === 0
        ? `${migrations.applied} of ${migrations.total}`
        : `${migrations.pending.length} pending: ${migrations.pending.join(', ')}; run "tresen migrate"`,
  })
  const ext = await db.execute<{ extname: string; extversion: string }>(
    sql`SELECT extname, extversion FROM pg_extension WHERE extname IN ('pg_trgm', 'btree_gin')`,
  )
  for (const name of EXTENSIONS) {
    const found = ext.rows.find((r) => r.extname === name)
    checks.push({
      name: `extension ${name} installed`,
      ok: Boolean(found),
      detail: found
        ? `version ${found.extversion}`
        : 'missing; "tresen migrate" creates it (needs the contrib package on an external server)',
    })
  }
  // Migration 0006 gives these operators their real cost, when the database user may (see there).
  const costs = await db.execute<{ proname: string; procost: number }>(
    sql`SELECT proname, procost FROM pg_proc
         WHERE proname IN ('word_similarity_op', 'word_similarity_commutator_op')`,
  )
  const cheap = costs.rows.filter((r) => Number(r.procost) < 1000).map((r) => r.proname)
  if (costs.rows.length > 0)
    checks.push({
      name: 'name search uses its trigram indexes',
      ok: true,
      warn: cheap.length > 0,
      detail:
        cheap.length > 0
          ? `pg_trgm's ${cheap.join(' and ')} keep their default cost, so on small tables name searches read every row; as the database's owner run: ${cheap.map((f) => `ALTER FUNCTION ${f}(text, text) COST 1000;`).join(' ')}`
          : undefined,
    })
  const configs = await db.execute<{ cfgname: string }>(
    sql`SELECT cfgname FROM pg_ts_config WHERE cfgname IN ('german', 'english')`,
  )
  const present = new Set(configs.rows.map((r) => r.cfgname))
  const missing = TEXT_SEARCH_CONFIGS.filter((c) => !present.has(c))
  checks.push({
    name: 'text search configurations german and english present',
    ok: missing.length === 0,
    detail: missing.length === 0 ? undefined : `missing: ${missing.join(', ')}`,
  })
  return checks
}

/** Runs every check; none of them changes the database (no migrations). */
export const runChecks = async (): Promise<Check[]> => {
  let config: Config
  try {
    config = readConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return [{ name: 'configuration valid', ok: false, detail: err.problems.join('; ') }]
  }
  const checks: Check[] = [
    {
      name: 'configuration valid',
      ok: true,
      detail: config.databaseUrl ? 'external PostgreSQL (DATABASE_URL)' : 'embedded PostgreSQL',
    },
    {
      name: 'server built',
      ok: true,
      warn: !RUNNING_BUILT,
      detail: RUNNING_BUILT
        ? 'apps/server/dist/tresen.mjs'
        : 'running the TypeScript sources (about 50 MB more memory): the build is missing or older than the sources; "npm run build" or "npm start" builds it',
    },
  ]
  const secretsFile = path.join(config.dataDir, 'secrets.json')
  const secretsModeBefore = fileMode(secretsFile)

  const storage = new FsStorage(attachmentsDir(config.dataDir))
  try {
    await storage.check()
    checks.push({ name: 'attachment storage writable', ok: true, detail: storage.root })
  } catch (err) {
    checks.push({
      name: 'attachment storage writable',
      ok: false,
      detail: `${storage.root}: ${(err as Error).message}`,
    })
  }

  let runtime: Runtime | undefined
  try {
    if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'pg', 'PG_VERSION'))) {
      // Doctor changes nothing: it does not create the embedded cluster on a new data dir.
      throw new Error(
        `the embedded database in ${path.join(config.dataDir, 'pg')} does not exist yet; run \`tresen start\` or \`tresen migrate\``,
      )
    }
    runtime = await openRuntime(config, { migrate: false })
    checks.push(...(await databaseChecks(runtime)))
  } catch (err) {
    const failure = describeFailure(err, config)
    checks.push({ name: 'database reachable (PostgreSQL 15 or newer)', ok: false, detail: failure.message })
    for (const name of [
      'migrations applied',
      ...EXTENSIONS.map((name) => `extension ${name} installed`),
      'text search configurations german and english present',
    ]) {
      checks.push({ name, ok: false, detail: 'not checked: the database is not reachable' })
    }
  } finally {
    await runtime?.close()
  }
  checks.push(secretsCheck(secretsFile, secretsModeBefore))
  return checks
}

/** `tresen doctor`: prints every check with ✓ or ✗; exit code 0 only when all pass. */
export const doctor = async () => {
  const checks = await runChecks()
  for (const c of checks) {
    process.stdout.write(`${c.ok ? (c.warn ? '!' : '✓') : '✗'} ${c.name}${c.detail ? `: ${c.detail}` : ''}\n`)
  }
  const failed = checks.filter((c) => !c.ok).length
  process.stdout.write(failed === 0 ? 'All checks passed.\n' : `${failed} check(s) failed.\n`)
  process.exitCode = failed === 0 ? EXIT.ok : EXIT.failure
}

export const registerDoctor = (program: Command) =>
  program
    .command('doctor')
    .description('check configuration, database, migrations, storage and secrets; changes nothing')
    .action(doctor)
