-- 0004_identity: users, sessions, API keys, login throttling and the
-- append-only audit log.
--
-- Secrets are never stored: a session row is keyed by the SHA-256 of the
-- cookie value, an API key by the SHA-256 of its secret part (both are 256
-- random bits, so a fast hash is enough; passwords use argon2id).  Times
-- the code compares (expiry, idle, throttling) are Unix seconds; times
-- people read are ISO 8601 UTC text like the rest of the schema.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL
	              CHECK (role IN ('admin', 'operator', 'viewer', 'auditor')),
	source        TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'sso')),
	password_hash TEXT NOT NULL DEFAULT '',
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	last_login_at TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE sessions (
	id_hash      TEXT PRIMARY KEY NOT NULL,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	client_addr  TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	scope        TEXT NOT NULL CHECK (scope IN ('read', 'write', 'collector')),
	accounts     TEXT NOT NULL DEFAULT '[]',
	secret_hash  TEXT NOT NULL,
	expires_at   INTEGER NOT NULL DEFAULT 0,
	last_used_at INTEGER NOT NULL DEFAULT 0,
	revoked_at   INTEGER NOT NULL DEFAULT 0,
	created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE INDEX api_keys_user ON api_keys (user_id);

-- Failed logins per "user:NAME" and per "addr:IP".
CREATE TABLE login_throttle (
	key             TEXT PRIMARY KEY NOT NULL,
	failures        INTEGER NOT NULL,
	last_failure_at INTEGER NOT NULL,
	locked_until    INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_events (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL
	            DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	actor       TEXT NOT NULL,
	actor_type  TEXT NOT NULL
	            CHECK (actor_type IN ('user', 'key', 'system', 'anonymous')),
	key_id      INTEGER NOT NULL DEFAULT 0,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL DEFAULT '',
	before      TEXT,
	after       TEXT,
	request_id  TEXT NOT NULL DEFAULT '',
	client_addr TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX audit_events_object ON audit_events (object_type, object_id, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_at ON audit_events (at);

-- The log is append-only: no statement of CloudPAM changes or removes an
-- event, and the database refuses it from anyone else too.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit events cannot be changed');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit events cannot be deleted');
END;
