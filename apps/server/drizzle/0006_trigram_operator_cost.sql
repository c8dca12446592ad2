-- pg_trgm declares its word-similarity operators (<% and %>) as cheap as comparing two integers,
-- so on a few thousand customers the planner prefers reading every row and comparing each name
-- (about 8 µs a row: 25-30 ms for 3,000 customers) to asking the trigram index (under 0.5 ms).
-- Their real cost makes it ask the index for names, organizations and subjects at every size.
-- Changing an extension's function needs its owner; without that right the search still works,
-- only slower on small tables, and `tresen doctor` says so.
DO $$
BEGIN
  ALTER FUNCTION word_similarity_op(text, text) COST 1000;
  ALTER FUNCTION word_similarity_commutator_op(text, text) COST 1000;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_trgm word similarity cost left unchanged (%): name search may read whole tables', SQLERRM;
END
$$;
