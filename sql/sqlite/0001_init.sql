-- 0001_init: the bookkeeping every later migration relies on.
--
-- schema_migrations is created by the migrator itself before this file
-- runs; settings holds instance-wide key/value settings.
CREATE TABLE settings (
	key        TEXT PRIMARY KEY NOT NULL,
	value      TEXT NOT NULL,
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

INSERT INTO settings (key, value) VALUES ('instance_name', 'CloudPAM');
