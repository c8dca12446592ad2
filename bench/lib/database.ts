import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { normalizePhone } from '../../apps/server/src/modules/customers/customers.phone.ts'
import { startEmbeddedPostgres } from '../../apps/server/src/platform/embedded-postgres.ts'
import type { Options } from './options.ts'
import { freePort, onCleanup } from './processes.ts'

// bigint counts as numbers (they stay far below 2^53 here).
pg.types.setTypeParser(20, (v) => Number(v))

export type Cluster = {
  /** Which server this is, for the results (embedded or the host of BENCH_DATABASE_URL). */
  kind: 'embedded' | 'external'
  /** Removed with everything in it at the end of the run. */
  temporary: boolean
  /** URL of the database `name` on this server. */
  urlOf: (name: string) => string
  /** A client connected to the server's maintenance database. */
  admin: () => Promise<pg.Client>
}

// The embedded cluster listens on loopback only and lives as long as the run (or, with --keep,
// until removed by hand); a fixed password lets a kept cluster be opened again.
const EMBEDDED_PASSWORD = 'tresen-bench'

/** The embedded PostgreSQL in a temporary (or kept) directory, or the server of BENCH_DATABASE_URL. */
export const openCluster = async (opts: Options, log: (line: string) => void): Promise<Cluster> => {
  if (opts.databaseUrl) {
    const base = new URL(opts.databaseUrl)
    return {
      kind: 'external',
      temporary: false,
      urlOf: (name) => {
        const u = new URL(base)
        u.pathname = `/${name}`
        return u.toString()
      },
      admin: async () => {
        const c = new pg.Client({ connectionString: base.toString() })
        await c.connect()
        return c
      },
    }
  }
  const keptDir = opts.pgDir ?? (opts.keep ? path.join(os.tmpdir(), 'tresen-bench-pg') : undefined)
  let root: string
  if (keptDir) {
    root = path.resolve(keptDir)
    fs.mkdirSync(root, { recursive: true })
  } else {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-'))
    onCleanup('temporary cluster directory', () => fs.rmSync(root, { recursive: true, force: true }))
  }
  // As root, PostgreSQL runs as the postgres user, which must be able to reach its data directory.
  fs.chmodSync(root, 0o755)
  const port = await freePort()
  log(`embedded PostgreSQL in ${root} on port ${port}${keptDir ? ' (kept after the run)' : ''}`)
  const cluster = await startEmbeddedPostgres({
    dir: path.join(root, 'pg'),
    port,
    password: EMBEDDED_PASSWORD,
  })
  onCleanup('embedded PostgreSQL', () => cluster.stop())
  const base = new URL(cluster.url)
  return {
    kind: 'embedded',
    temporary: !keptDir,
    urlOf: (name) => {
      const u = new URL(base)
      u.pathname = `/${name}`
      return u.toString()
    },
    admin: async () => {
      const c = new pg.Client({ connectionString: base.toString() })
      await c.connect()
      return c
    },
  }
}

export const connect = async (url: string) => {
  const c = new pg.Client({ connectionString: url, application_name: 'tresen-bench' })
  await c.connect()
  return c
}

/** Tickets in the database, or null when it has no schema yet. */
export const ticketCount = async (url: string) => {
  const c = await connect(url)
  try {
    const { rows } = await c.query<{ exists: boolean }>(
      "SELECT to_regclass('public.tickets') IS NOT NULL AS exists",
    )
    if (!rows[0]?.exists) return null
    // Exact count: the estimate of a freshly seeded table is not reliable.
    const r = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets')
    return r.rows[0]!.n
  } finally {
    await c.end()
  }
}

/** What a completed seed writes on its database; a seed that was interrupted has none. */
const SEEDED_MARK = /^tresen-bench: seeded (\d+) tickets$/

/**
 * The database for one data size: reused when a completed seed of at least `tickets` tickets is in
 * it (a kept seed), otherwise created afresh. Returns its URL and whether it still needs seeding.
 */
export const prepareDatabase = async (
  cluster: Cluster,
  tickets: number,
  keep: boolean,
  prefix = 'tresen_bench_',
) => {
  const name = `${prefix}${tickets}`
  const url = cluster.urlOf(name)
  const admin = await cluster.admin()
  try {
    const { rows } = await admin.query<{ mark: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1",
      [name],
    )
    if (rows.length > 0) {
      const seeded = Number(SEEDED_MARK.exec(rows[0]!.mark ?? '')?.[1] ?? 0)
      if (seeded >= tickets) return { name, url, existing: (await ticketCount(url)) ?? 0, needsSeed: false }
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
    }
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  if (!keep && !cluster.temporary) {
    onCleanup(`database ${name}`, async () => {
      const a = await cluster.admin()
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await a.end()
      }
    })
  }
  return { name, url, existing: 0, needsSeed: true }
}

/** Marks the database as completely seeded, so a later run with --keep may reuse it. */
export const markSeeded = async (cluster: Cluster, name: string, tickets: number) => {
  const admin = await cluster.admin()
  try {
    await admin.query(`COMMENT ON DATABASE ${name} IS 'tresen-bench: seeded ${tickets} tickets'`)
  } finally {
    await admin.end()
  }
}

export type Staff = { id: string; email: string; role: string }

export type Sample = {
  agent: Staff & { teamIds: string[]; openAssigned: number }
  supervisor: Staff & { teamId: string; unassigned: number }
  admin: Staff | undefined
  teamIds: string[]
  /** Tickets the agent may see: for the detail view. */
  detailNumbers: number[]
  /** Tickets the agent may see and reply to. */
  replyNumbers: number[]
  customerIds: string[]
  emails: string[]
  phones: string[]
  /** Of the stored phone numbers drawn, how many the API itself would reject as invalid. */
  invalidPhones: { drawn: number; invalid: number }
  names: string[]
  postgres: { version: string; settings: Record<string, string> }
}

/** Agents, teams and records the scenarios rotate over, chosen from the seeded data. */
export const pickSample = async (url: string): Promise<Sample> => {
  const c = await connect(url)
  const q = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) =>
    (await c.query<T>(text, params)).rows
  try {
    const [agent] = await q<{ id: string; email: string; n: number }>(
      `SELECT s.id, s.email, count(*)::int AS n
         FROM tickets t JOIN staff_users s ON s.id = t.assignee_id
        WHERE s.role = 'agent' AND s.active AND t.merged_into_id IS NULL
          AND t.status IN ('new', 'open', 'pending', 'on_hold')
        GROUP BY s.id, s.email ORDER BY n DESC, s.email LIMIT 1`,
    )
    if (!agent) throw new Error('the data has no agent with assigned open tickets')
    const agentTeams = (
      await q<{ team_id: string }>('SELECT team_id FROM team_members WHERE staff_id = $1', [agent.id])
    ).map((r) => r.team_id)
    const [supervisor] = await q<{ id: string; email: string; team_id: string; n: number }>(
      `SELECT s.id, s.email, tm.team_id, count(t.id)::int AS n
         FROM staff_users s
         JOIN team_members tm ON tm.staff_id = s.id
         LEFT JOIN tickets t ON t.team_id = tm.team_id AND t.assignee_id IS NULL
              AND t.status IN ('new', 'open') AND t.merged_into_id IS NULL
        WHERE s.role = 'supervisor' AND s.active
        GROUP BY s.id, s.email, tm.team_id ORDER BY n DESC, s.email LIMIT 1`,
    )
    if (!supervisor) throw new Error('the data has no supervisor in a team')
    const [admin] = await q<{ id: string; email: string }>(
      "SELECT id, email FROM staff_users WHERE role = 'admin' AND active ORDER BY created_at, email LIMIT 1",
    )
    const teamIds = (
      await q<{ id: string }>('SELECT id FROM teams WHERE archived_at IS NULL ORDER BY name')
    ).map((r) => r.id)
    const visible = `merged_into_id IS NULL AND (team_id = ANY($1::uuid[]) OR assignee_id = $2)`
    const detailNumbers = (
      await q<{ number: number }>(
        `SELECT number FROM tickets WHERE ${visible} ORDER BY random() LIMIT 2000`,
        [agentTeams, agent.id],
      )
    ).map((r) => r.number)
    const replyNumbers = (
      await q<{ number: number }>(
        `SELECT number FROM tickets WHERE ${visible} AND status IN ('new', 'open', 'pending')
          ORDER BY random() LIMIT 2000`,
        [agentTeams, agent.id],
      )
    ).map((r) => r.number)
    const customerIds = (
      await q<{ id: string }>('SELECT id FROM customers ORDER BY random() LIMIT 1000')
    ).map((r) => r.id)
    const emails = (
      await q<{ email: string }>('SELECT email FROM customer_emails ORDER BY random() LIMIT 1000')
    ).map((r) => r.email)
    // Only numbers the API accepts: a lookup with an invalid number is a 400, not a lookup.
    const drawnPhones = (
      await q<{ phone: string }>('SELECT phone FROM customer_phones ORDER BY random() LIMIT 3000')
    ).map((r) => r.phone)
    const phones = drawnPhones
      .map((p) => ({ p, typed: otherNotation(p) }))
      .filter(({ p, typed }) => normalizePhone(typed) === p)
      .map(({ typed }) => typed)
      .slice(0, 1000)
    const validCount = drawnPhones.filter((p) => normalizePhone(p) === p).length
    const names = (await q<{ name: string }>('SELECT name FROM customers ORDER BY random() LIMIT 1000')).map(
      (r) => withTypo(r.name),
    )
    const [version] = await q<{ v: string }>('SELECT version() AS v')
    const settings = Object.fromEntries(
      (
        await q<{ name: string; setting: string; unit: string | null }>(
          `SELECT name, setting, unit FROM pg_settings
            WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_connections', 'synchronous_commit', 'fsync')`,
        )
      ).map((r) => [r.name, r.unit ? `${r.setting} × ${r.unit}` : r.setting]),
    )
    return {
      agent: { id: agent.id, email: agent.email, role: 'agent', teamIds: agentTeams, openAssigned: agent.n },
      supervisor: {
        id: supervisor.id,
        email: supervisor.email,
        role: 'supervisor',
        teamId: supervisor.team_id,
        unassigned: supervisor.n,
      },
      admin: admin ? { ...admin, role: 'admin' } : undefined,
      teamIds,
      detailNumbers,
      replyNumbers,
      customerIds,
      emails,
      phones,
      invalidPhones: { drawn: drawnPhones.length, invalid: drawnPhones.length - validCount },
      names,
      postgres: { version: version!.v, settings },
    }
  } finally {
    await c.end()
  }
}

/**
 * A stored E.164 number as a person would type it: German numbers in national notation
 * ("+491711234567" → "0171 1234567"), others with the international prefix 00.
 */
export const otherNotation = (e164: string) => {
  if (e164.startsWith('+49')) {
    const national = `0${e164.slice(3)}`
    return `${national.slice(0, 4)} ${national.slice(4)}`
  }
  return `00${e164.slice(1)}`
}

/** A name with one letter of its last word left out ("Anna Schmidt" → "Anna Schmit"): a typo. */
export const withTypo = (name: string) => {
  const words = name.split(' ')
  const last = words.at(-1) ?? ''
  if (last.length < 4) return name
  const chars = [...last]
  chars.splice(chars.length - 2, 1)
  words[words.length - 1] = chars.join('')
  return words.join(' ')
}

/**
 * The table of the bare-insert baseline: shaped like tickets (columns, defaults, the generated
 * search column, every index, the foreign keys to customers and teams), but with its own numbers.
 */
export const createBaselineTable = async (url: string) => {
  const c = await connect(url)
  try {
    await c.query('DROP TABLE IF EXISTS bench_baseline_tickets')
    await c.query('CREATE SEQUENCE IF NOT EXISTS bench_baseline_number_seq')
    await c.query(
      'CREATE TABLE bench_baseline_tickets (LIKE tickets INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING INDEXES)',
    )
    await c.query(
      "ALTER TABLE bench_baseline_tickets ALTER COLUMN number SET DEFAULT nextval('bench_baseline_number_seq')",
    )
    await c.query(
      'ALTER TABLE bench_baseline_tickets ADD FOREIGN KEY (customer_id) REFERENCES customers(id), ADD FOREIGN KEY (team_id) REFERENCES teams(id)',
    )
  } finally {
    await c.end()
  }
}

export const dropBaselineTable = async (url: string) => {
  const c = await connect(url)
  try {
    await c.query('DROP TABLE IF EXISTS bench_baseline_tickets')
    await c.query('DROP SEQUENCE IF EXISTS bench_baseline_number_seq')
  } finally {
    await c.end()
  }
}

/**
 * Removes what the write scenarios added (tickets tagged `tag`, replies and events of `staffId`
 * since `since`), so a kept database stays at its seeded size for the next run.
 */
export const removeWrites = async (url: string, tag: string, staffId: string, since: Date) => {
  const c = await connect(url)
  try {
    await c.query('BEGIN')
    const created = 'SELECT id FROM tickets WHERE tags @> ARRAY[$1]::text[]'
    await c.query(`DELETE FROM ticket_events WHERE ticket_id IN (${created})`, [tag])
    await c.query(`DELETE FROM interactions WHERE ticket_id IN (${created})`, [tag])
    const t = await c.query(`DELETE FROM tickets WHERE id IN (${created})`, [tag])
    const i = await c.query('DELETE FROM interactions WHERE author_staff_id = $1 AND created_at >= $2', [
      staffId,
      since,
    ])
    await c.query('DELETE FROM ticket_events WHERE actor_staff_id = $1 AND created_at >= $2', [
      staffId,
      since,
    ])
    await c.query('COMMIT')
    // The deleted rows sit at the newest end of every updated_at index, where the next reads
    // start; without a vacuum each of them steps over the dead entries first.
    await c.query('VACUUM (ANALYZE) tickets, interactions, ticket_events')
    return { tickets: t.rowCount ?? 0, replies: i.rowCount ?? 0 }
  } catch (err) {
    await c.query('ROLLBACK')
    throw err
  } finally {
    await c.end()
  }
}

/** Runs EXPLAIN (ANALYZE, BUFFERS) of a query and returns the plan as text. */
export const explain = async (url: string, sqlText: string, params: unknown[] = []) => {
  const c = await connect(url)
  try {
    // Once to warm the cache the way the load did, then the measured plan.
    await c.query(sqlText, params)
    const { rows } = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sqlText}`, params)
    return rows.map((r) => r['QUERY PLAN']).join('\n')
  } finally {
    await c.end()
  }
}
