import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { searchCustomers, searchOrganizations } from './customers.repository.ts'
import { spellingVariants } from './customers.search.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
  // A small desk's directory: a few thousand customers in a few hundred organizations.
  await t.database.db.execute(sql`
    INSERT INTO organizations (id, name)
    SELECT gen_random_uuid(), 'Firma ' || substr(md5(i::text), 1, 10) FROM generate_series(1, 300) i`)
  await t.database.db.execute(sql`
    INSERT INTO customers (id, name)
    SELECT gen_random_uuid(), 'Kunde ' || substr(md5(i::text), 1, 12) FROM generate_series(1, 3000) i`)
  await t.database.db.execute(sql`ANALYZE customers`)
  await t.database.db.execute(sql`ANALYZE organizations`)
})
afterAll(() => t.close())

const plan = async (query: { toSQL: () => { sql: string; params: unknown[] } }) => {
  const { sql: text, params } = query.toSQL()
  const res = await t.database.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params)
  return res.rows.map((r) => r['QUERY PLAN']).join('\n')
}

describe('name search plans', () => {
  it('word similarity carries its real cost (migration 0006)', async () => {
    const res = await t.database.db.execute<{ proname: string; procost: number }>(
      sql`SELECT proname, procost FROM pg_proc WHERE proname IN ('word_similarity_op', 'word_similarity_commutator_op')`,
    )
    expect(res.rows.map((r) => Number(r.procost))).toEqual([1000, 1000])
  })

  it('asks the trigram index for customers and organizations instead of reading every row', async () => {
    const variants = spellingVariants('Jürgen Müller')
    expect(variants.length).toBeGreaterThan(1)
    const customers = await plan(searchCustomers(t.database.db, { variants, organizations: [] }, {}, 0, 26))
    expect(customers).toContain('customers_name_trgm_idx')
    expect(customers).not.toMatch(/Seq Scan on customers/)
    const orgs = await plan(searchOrganizations(t.database.db, variants, 0, 5))
    expect(orgs).toContain('organizations_name_trgm_idx')
    expect(orgs).not.toMatch(/Seq Scan on organizations/)
  })

  it('starts no parallel worker for a name search, even where the planner would (migration 0007)', async () => {
    const variants = spellingVariants('Jürgen Müller')
    const client = await t.database.pool.connect()
    try {
      // Parallel plans made free: without the tables' parallel_workers = 0 these plans gather.
      await client.query(`SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
        SET min_parallel_table_scan_size = 0; SET min_parallel_index_scan_size = 0`)
      for (const query of [
        searchCustomers(t.database.db, { variants, organizations: [] }, {}, 0, 26),
        searchOrganizations(t.database.db, variants, 0, 5),
      ]) {
        const { sql: text, params } = query.toSQL()
        const res = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params)
        expect(res.rows.map((r) => r['QUERY PLAN']).join('\n')).not.toMatch(/Gather|Parallel/)
      }
    } finally {
      await client.query('RESET ALL')
      client.release()
    }
  })
})
