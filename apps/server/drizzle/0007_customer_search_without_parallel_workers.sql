-- Name searches on customers and organizations read a few dozen rows through the trigram index,
-- but pg_trgm's row estimates for a word-similarity match are high (about 3,000 of 300,000), so
-- the planner starts a parallel worker for them. Starting it costs more than the whole search:
-- measured at 300,000 customers, 20-26 ms for such a query against 3-6 ms without the worker.
-- No desk read of these two tables gains from parallel workers.
ALTER TABLE customers SET (parallel_workers = 0);
--> statement-breakpoint
ALTER TABLE organizations SET (parallel_workers = 0);
