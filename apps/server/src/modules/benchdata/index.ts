/** Bench data: a large, realistic data set for load tests, loaded with COPY. */

export type { SeedBenchOptions, SeedBenchProgress, SeedBenchResult } from './benchdata.seed.ts'
/** Adds teams, staff, customers and N tickets with conversations and timelines to the database. */
export { BENCH_DOMAIN, seedBench, sizesFor } from './benchdata.seed.ts'
