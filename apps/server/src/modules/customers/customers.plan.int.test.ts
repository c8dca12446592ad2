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
})
