-- 0005_ids: ids are never reused.  On SQLite this needs a table of
-- high-water marks; PostgreSQL's identity columns already never hand out
-- an id twice, so there is nothing to do here but keep the versions of
-- both backends in step.
SELECT 1;
