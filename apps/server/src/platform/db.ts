import { createHash } from 'node:crypto'
import path from 'node:path'
import { is, Param, Placeholder, type SQL, sql } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { SERVER_DIR } from './paths.ts'
// The query builder needs no schema (the desk uses no relational queries): platform/ knows no
// module's tables; apps/server/src/schema.ts collects them for migrations.
export type Db = NodePgDatabase
/** A transaction handle or the pool-backed database: both run queries the same way. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type Queryable = Db | Tx

export const MIGRATIONS_DIR = path.join(SERVER_DIR, 'drizzle')
const MIGRATION_LOCK = 7_110_451 // arbitrary constant: one advisory lock key for migrations

export type Database = { db: Db; pool: pg.Pool; close: () => Promise<void> }

// Dates, counts and ids come back as JS types we choose: bigint counts as numbers (they stay < 2^53).
pg.types.setTypeParser(20, (v) => Number(v))

export const connectDatabase = (
  url: string,
  opts: { poolSize?: number; appName?: string } = {},
): Database => {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    application_name: opts.appName ?? 'tresen',
    connectionTimeoutMillis: 5000,
    // Desk queries are short; JIT compilation would add tens of milliseconds to the larger ones.
    options: '-c jit=off',
  })
  // A dropped connection (restart, failover, a terminated backend) must not crash the process:
  // idle ones are replaced by the pool, and a query on a checked-out one fails with its error.
  pool.on('error', (err) => {
    process.emitWarning(`idle PostgreSQL connection failed: ${err.message}`)
  })
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      process.emitWarning(`PostgreSQL connection failed: ${err.message}`)
    })
  })
  const db = drizzle(pool, { casing: 'snake_case' })
  return { db, pool, close: () => pool.end() }
}

const dialect = new PgDialect({ casing: 'snake_case' })

const textHash = (text: string) => createHash('sha1').update(text).digest('base64url').slice(0, 12)

const runNamed = async <T extends Record<string, unknown>>(
  db: Queryable,
  id: string,
  text: string,
  values: unknown[],
): Promise<T[]> => {
  const client = (db as unknown as { session: { client: pg.Pool | pg.PoolClient } }).session.client
  try {
    const res = await client.query<T>({ name: id, text, values })
    return res.rows
  } catch (err) {
    // Like the query builder's errors: the statement's text goes with the cause.
    throw Object.assign(new Error(`Failed query: ${text}`, { cause: err }), { query: text })
  }
}

type Shape = { id: string; text: string; params: unknown[] }
const shapes = new Map<string, Shape>()

/**
 * Runs one of the statements every message or request runs as a named prepared statement: each
 * connection parses it once and PostgreSQL may keep one plan. The query builder runs once per
 * shape of the statement (which columns, how many rows), with placeholders for every value;
 * afterwards only the values are filled in. `build` must use `sql.placeholder` for all values:
 * one fixed at build time (a column's default function) would be sent again every time, so it
 * is refused.
 */
export const executeShaped = async <T extends Record<string, unknown>>(
  db: Queryable,
  name: string,
  shape: string,
  build: () => SQL,
  values: Record<string, unknown>,
): Promise<T[]> => {
  const key = `${name}\u0000${shape}`
  let q = shapes.get(key)
  if (!q) {
    const built = dialect.sqlToQuery(build())
    const fixed = built.params.filter(
      (p) => !is(p, Placeholder) && !(is(p, Param) && is(p.value, Placeholder)),
    )
    if (fixed.length) throw new Error(`statement ${name} has ${fixed.length} fixed values; use placeholders`)
    q = { id: `${name}_${textHash(built.sql)}`, text: built.sql, params: built.params }
    shapes.set(key, q)
  }
  return runNamed<T>(db, q.id, q.text, fill(q.params, values))
}

/** The values for a shape's placeholders, through the columns' encoders (null stays null). */
const fill = (params: unknown[], values: Record<string, unknown>) =>
  params.map((p) => {
    const named = is(p, Placeholder) ? p : is(p, Param) && is(p.value, Placeholder) ? p.value : null
    if (!named) return p
    if (!(named.name in values)) throw new Error(`no value for placeholder ${named.name}`)
    const value = values[named.name]
    return value === null || !is(p, Param) ? value : p.encoder.mapToDriverValue(value)
  })

/** Placeholders named `prefix` + key for an object's defined values, and the values under those names. */
export const placeholders = <V extends Record<string, unknown>>(prefix: string, row: V) => {
  const keys = Object.keys(row).filter((k) => row[k] !== undefined)
  return {
    keys,
    row: Object.fromEntries(keys.map((k) => [k, sql.placeholder(prefix + k)])) as { [K in keyof V]: V[K] },
    values: Object.fromEntries(keys.map((k) => [prefix + k, row[k]])),
  }
}

/**
 * Runs the committed migrations. Several processes may start at once: an advisory lock makes
 * them run one after another, and the later ones find nothing left to do.
 */
export const runMigrations = async (url: string) => {
  const client = new pg.Client({ connectionString: url, application_name: 'tresen-migrate' })
  await client.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR, migrationsSchema: 'drizzle' })
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    await client.end()
  }
}

/** Which committed migrations the database has not applied yet. */
export const pendingMigrations = async (db: Queryable) => {
  const fs = await import('node:fs')
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[]
  }
  let appliedCount = 0
  try {
    const res = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
    )
    appliedCount = Number(res.rows[0]?.n ?? 0)
  } catch {
    appliedCount = 0 // no migrations table yet: nothing applied
  }
  return {
    total: journal.entries.length,
    applied: appliedCount,
    pending: journal.entries.slice(appliedCount).map((e) => e.tag),
  }
}

/** Creates the database named in the URL when the server allows it and it is missing. */
export const ensureDatabase = async (url: string) => {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''))
  if (!name) return
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`)
  } finally {
    await client.end()
  }
}
