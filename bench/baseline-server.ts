/**
 * The yardstick: a bare Fastify server with a node-postgres pool of the same size as Tresen's,
 * doing the least a ticket desk must do for a write and a read. No auth, no validation, no
 * transaction, no events. Run by bench/run.ts as its own process (node --import tsx).
 */
import Fastify from 'fastify'
import pg from 'pg'

const url = process.env.BASELINE_DATABASE_URL
const port = Number(process.env.BASELINE_PORT ?? 0)
const poolSize = Number(process.env.BASELINE_POOL_SIZE ?? 10)
if (!url) {
  process.stderr.write('baseline-server: BASELINE_DATABASE_URL is not set\n')
  process.exit(2)
}

const pool = new pg.Pool({ connectionString: url, max: poolSize })

// The columns Tresen reads and returns; not the generated search vector, which is large and which
// the API never sends.
const COLUMNS = `id, number, subject, status, priority, channel, team_id, assignee_id, customer_id, language,
  tags, merged_into_id, version, created_at, updated_at, solved_at, closed_at`
const app = Fastify({ logger: false })

type InsertBody = { subject: string; customerId: string; teamId: string; tags?: string[] }

// (1) The equivalent of creating a ticket: one INSERT into a table shaped like tickets
// (same columns, defaults, generated search column and indexes), returning the row.
app.post<{ Body: InsertBody }>('/insert', async (req, reply) => {
  const b = req.body
  const { rows } = await pool.query(
    `INSERT INTO bench_baseline_tickets
       (id, subject, status, priority, channel, team_id, customer_id, language, tags, created_at, updated_at)
     VALUES (gen_random_uuid(), $1, 'new', 'normal', 'api', $2, $3, 'de', $4, now(), now())
     RETURNING ${COLUMNS}`,
    [b.subject, b.teamId, b.customerId, b.tags ?? []],
  )
  return reply.code(201).send(rows[0])
})

// (2) A bare indexed read of one page: 25 tickets of a team, newest first, in the order of
// tickets_team_updated_idx (team_id, updated_at DESC, id DESC), which answers it with a range scan.
app.get<{ Querystring: { teamId: string } }>('/select', async (req) => {
  const { rows } = await pool.query(
    `SELECT ${COLUMNS} FROM tickets WHERE team_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 25`,
    [req.query.teamId],
  )
  return { items: rows }
})

app.get('/ready', async () => {
  await pool.query('SELECT 1')
  return { status: 'ok' }
})

const shutdown = async () => {
  await app.close()
  await pool.end()
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown())
process.on('SIGINT', () => void shutdown())

await app.listen({ port, host: '127.0.0.1' })
