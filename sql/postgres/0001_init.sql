-- 0001_init: the bookkeeping every later migration relies on.
--
-- schema_migrations is created by the migrator itself before this file
-- runs; settings holds instance-wide key/value settings.
--
-- PostgreSQL keeps times as timestamptz; app/store/pg_stmt.c answers them
-- as ISO 8601 UTC text ("2026-11-23T01:02:03Z"), as SQLite stores them.
CREATE TABLE settings (
	key        text PRIMARY KEY,
	value      text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO settings (key, value) VALUES ('instance_name', 'CloudPAM');
