/*
 * pg_stmt.c: every SQL statement of the PostgreSQL backend, in one table
 * indexed by enum pg_stmt (pg_internal.h).  The statements say what
 * sqlite_stmt.c says, in PostgreSQL's dialect:
 *
 * - Only bound parameters vary; optional filters are written as
 *   ($N::type IS NULL OR column = $N), the cast naming the type a NULL
 *   parameter could not tell.
 * - Times are timestamptz, answered as ISO 8601 UTC text in the form
 *   SQLite stores ("2026-11-23T01:02:03Z", the audit log with
 *   milliseconds).
 * - SQLite's LIKE ignores ASCII case, so these use ILIKE; its NOCASE
 *   names compare lower(name).
 * - The *_LOCK reads are for write transactions: they lock the row read
 *   (FOR NO KEY UPDATE, which still lets other transactions insert rows
 *   that refer to it), see pg_catalog.c.
 */
#include "store/pg_internal.h"

/* timestamptz as ISO 8601 UTC text, to the second and to the ms. */
#define TIME(x)                                                                \
	"to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define TIME_MS(x)                                                             \
	"to_char(" x " AT TIME ZONE 'UTC', "                                   \
	"'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* A pool's columns, from pools p joined by POOL_JOINS. */
#define POOL_COLUMNS                                                           \
	"p.id, p.name, p.cidr, p.family, p.prefix_len, p.first_key, "          \
	"p.last_key, p.vrf_id, coalesce(p.parent_id, 0), "                     \
	"coalesce(p.account_id, 0), p.type, p.status, p.source, "              \
	"p.description, p.tags, p.external_id, p.region, p.used_top, "         \
	"p.used_high, p.used_low, p.children, " TIME(                          \
	    "p.created_at") ", " TIME("p.updated_at") ", p.created_by, "       \
	                                              "p.updated_by, v.name, " \
	                                              "coalesce(a.name, '') "
#define POOL_JOINS                                                             \
	"JOIN vrfs v ON v.id = p.vrf_id "                                      \
	"LEFT JOIN accounts a ON a.id = p.account_id "
#define POOL_SELECT "SELECT " POOL_COLUMNS "FROM pools p " POOL_JOINS

/* The filters of struct store_pool_filter, parameters $1 to $11. */
#define POOL_FILTER                                                            \
	"($1::bigint IS NULL OR p.vrf_id = $1) "                               \
	"AND ($2::bigint IS NULL OR ($2 = -1 AND p.parent_id IS NULL) "        \
	"OR p.parent_id = $2) "                                                \
	"AND ($3::bigint IS NULL OR p.account_id = $3) "                       \
	"AND ($4::text IS NULL OR p.type = $4) "                               \
	"AND ($5::text IS NULL OR p.status = $5) "                             \
	"AND ($6::text IS NULL OR p.source = $6) "                             \
	"AND ($7::integer IS NULL OR p.family = $7) "                          \
	"AND ($8::text IS NULL OR p.tags::jsonb ->> $8 = $9::text) "           \
	"AND ($10::text IS NULL OR p.name ILIKE $10 OR p.cidr ILIKE $10 "      \
	"OR p.external_id ILIKE $10 OR p.description ILIKE $10) "              \
	"AND ($11::integer IS NULL OR p.children = 0) "

#define ACCOUNT_SELECT                                                         \
	"SELECT a.id, a.provider, a.external_key, a.name, a.platform, "        \
	"a.tier, a.environment, a.regions, a.tags, a.description, " TIME(      \
	    "a.created_at") ", " TIME("a.updated_at") ", "                     \
	                                              "(SELECT count(*) FROM " \
	                                              "pools p WHERE "         \
	                                              "p.account_id = a.id) "  \
	                                              "FROM accounts a "

#define ACCOUNT_FILTER                                                         \
	"($1::text IS NULL OR a.provider = $1) AND ($2::text IS NULL OR "      \
	"a.name ILIKE $2 OR a.external_key ILIKE $2) "

#define VRF_SELECT                                                             \
	"SELECT v.id, v.name, v.rd, v.description, " TIME(                     \
	    "v.created_at") ", " TIME("v.updated_at") ", "                     \
	                                              "(SELECT count(*) FROM " \
	                                              "pools p WHERE "         \
	                                              "p.vrf_id = v.id) FROM " \
	                                              "vrfs v "

#define USER_COLUMNS                                                           \
	"u.id, u.username, u.display_name, u.email, u.role, u.source, "        \
	"u.password_hash, u.disabled, " TIME("u.created_at") ", " TIME(        \
	    "u.updated_at") ", coalesce(" TIME("u.last_login_at") ", '')"

#define USER_SELECT "SELECT " USER_COLUMNS " FROM users u "

#define KEY_SELECT                                                             \
	"SELECT k.id, k.user_id, k.name, k.scope, k.accounts, "                \
	"k.secret_hash, k.expires_at, k.last_used_at, k.revoked_at, " TIME(    \
	    "k.created_at") ", " USER_COLUMNS " FROM api_keys k JOIN users u " \
	                    "ON u.id = k.user_id "

#define AUDIT_SELECT                                                           \
	"SELECT id, " TIME_MS("at") ", actor, actor_type, action, "            \
	                            "object_type, object_id, before, after, "  \
	                            "request_id, client_addr, "                \
	                            "key_id FROM audit_events "

/* The filters of struct store_audit_filter, parameters $1 to $7. */
#define AUDIT_FILTER                                                           \
	"($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR "           \
	"action = $2) AND ($3::text IS NULL OR object_type = $3) "             \
	"AND ($4::text IS NULL OR object_id = $4) "                            \
	"AND ($5::timestamptz IS NULL OR at >= $5) "                           \
	"AND ($6::timestamptz IS NULL OR at < $6) "                            \
	"AND ($7::bigint IS NULL OR id > $7) "

#define FREE_SELECT "SELECT first_key, prefix_len, cidr FROM free_blocks "

const char *const pg_stmt_sql[PGQ__MAX] = {
	/* PGQ_CONFIGURE: $1 lock timeout (ms), $2 read only (on/off). */
	"SELECT set_config('lock_timeout', $1, false), "
	"set_config('TimeZone', 'UTC', false), "
	"set_config('client_min_messages', 'warning', false), "
	"set_config('default_transaction_read_only', $2, false)",
	/* PGQ_PING */
	"SELECT 1",
	/* PGQ_SCHEMA_EXISTS */
	"SELECT 1 WHERE to_regclass('schema_migrations') IS NOT NULL",
	/* PGQ_SCHEMA_CURRENT */
	"SELECT coalesce(max(version), 0), count(*) FROM schema_migrations",
	/* PGQ_SCHEMA_RECORD */
	"INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
	/* PGQ_SCHEMA_APPLIED_AT */
	"SELECT " TIME("applied_at") " FROM schema_migrations "
	                             "WHERE version = $1",
	/* PGQ_MIGRATE_LOCK: one migrator at a time, until its transaction
	 * ends (the key is "CloudPAM" in ASCII). */
	"SELECT pg_advisory_xact_lock(4858380648010760525)",
	/* PGQ_SETTING_GET */
	"SELECT value FROM settings WHERE key = $1",
	/* PGQ_SETTING_SET */
	"INSERT INTO settings (key, value) VALUES ($1, $2) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
	"updated_at = now()",
	/* PGQ_BEGIN: a reader sees one snapshot throughout. */
	"BEGIN ISOLATION LEVEL REPEATABLE READ",
	/* PGQ_BEGIN_WRITE: each statement sees what committed before it,
	 * so a row waited for is read as its locker left it. */
	"BEGIN ISOLATION LEVEL READ COMMITTED",
	/* PGQ_COMMIT */
	"COMMIT",
	/* PGQ_VRF_INSERT */
	"INSERT INTO vrfs (name, rd, description) VALUES ($1, $2, $3) "
	"ON CONFLICT DO NOTHING RETURNING id",
	/* PGQ_VRF_GET */
	VRF_SELECT "WHERE v.id = $1",
	/* PGQ_VRF_GET_LOCK: the VRF whose top-level pools a writer checks. */
	VRF_SELECT "WHERE v.id = $1 FOR NO KEY UPDATE OF v",
	/* PGQ_VRF_FIND_NAME */
	VRF_SELECT "WHERE lower(v.name) = lower($1)",
	/* PGQ_VRF_UPDATE */
	"UPDATE vrfs SET name = $2, rd = $3, description = $4, "
	"updated_at = now() WHERE id = $1",
	/* PGQ_VRF_DELETE */
	"DELETE FROM vrfs WHERE id = $1",
	/* PGQ_VRF_LIST */
	VRF_SELECT "ORDER BY v.id LIMIT $1 OFFSET $2",
	/* PGQ_VRF_COUNT */
	"SELECT count(*) FROM vrfs",
	/* PGQ_ACCOUNT_INSERT */
	"INSERT INTO accounts (provider, external_key, name, platform, tier, "
	"environment, regions, tags, description) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	"ON CONFLICT DO NOTHING RETURNING id",
	/* PGQ_ACCOUNT_GET */
	ACCOUNT_SELECT "WHERE a.id = $1",
	/* PGQ_ACCOUNT_UPDATE */
	"UPDATE accounts SET provider = $2, external_key = $3, name = $4, "
	"platform = $5, tier = $6, environment = $7, regions = $8, tags = $9, "
	"description = $10, updated_at = now() WHERE id = $1",
	/* PGQ_ACCOUNT_DELETE */
	"DELETE FROM accounts WHERE id = $1",
	/* PGQ_ACCOUNT_LIST */
	ACCOUNT_SELECT
	"WHERE " ACCOUNT_FILTER
	"ORDER BY lower(a.name) COLLATE \"C\", a.id LIMIT $3 OFFSET $4",
	/* PGQ_ACCOUNT_COUNT */
	"SELECT count(*) FROM accounts a WHERE " ACCOUNT_FILTER,
	/* PGQ_ACCOUNT_FIND_KEY */
	ACCOUNT_SELECT "WHERE a.provider = $1 AND a.external_key = $2",
	/* PGQ_POOL_INSERT: the pool as stored; a pool already there with this
	 * cidr in this VRF returns no row. */
	"WITH p AS (INSERT INTO pools (name, cidr, family, prefix_len, "
	"first_key, last_key, vrf_id, parent_id, account_id, type, status, "
	"source, description, tags, external_id, region, created_by, "
	"updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	"$12, $13, $14, $15, $16, $17, $17) ON CONFLICT DO NOTHING "
	"RETURNING *) SELECT " POOL_COLUMNS "FROM p " POOL_JOINS,
	/* PGQ_POOL_GET */
	POOL_SELECT "WHERE p.id = $1",
	/* PGQ_POOL_GET_LOCK: the pool a writer changes or allocates from. */
	POOL_SELECT "WHERE p.id = $1 FOR NO KEY UPDATE OF p",
	/* PGQ_POOL_UPDATE */
	"UPDATE pools SET name = $2, account_id = $3, type = $4, status = $5, "
	"description = $6, tags = $7, external_id = $8, region = $9, "
	"updated_by = $10, updated_at = now() WHERE id = $1",
	/* PGQ_POOL_DELETE */
	"DELETE FROM pools WHERE id = $1",
	/* PGQ_POOL_SET_USED */
	"UPDATE pools SET used_top = $2, used_high = $3, used_low = $4, "
	"children = $5 WHERE id = $1",
	/* PGQ_POOL_LIST */
	POOL_SELECT "WHERE " POOL_FILTER
	            "ORDER BY p.vrf_id, p.family, p.first_key, p.prefix_len "
	            "LIMIT $12 OFFSET $13",
	/* PGQ_POOL_COUNT */
	"SELECT count(*) FROM pools p WHERE " POOL_FILTER,
	/* PGQ_POOL_LIST_CHILDREN: $2 is a parent id, so the parent index
	 * serves both the filter and the order. */
	POOL_SELECT "WHERE p.parent_id = $2 AND " POOL_FILTER
	            "ORDER BY p.family, p.first_key LIMIT $12 OFFSET $13",
	/* PGQ_POOL_COUNT_CHILDREN */
	"SELECT count(*) FROM pools p WHERE p.parent_id = $2 AND " POOL_FILTER,
	/* PGQ_POOL_LIST_TOP */
	POOL_SELECT "WHERE p.parent_id IS NULL AND " POOL_FILTER
	            "ORDER BY p.vrf_id, p.family, p.first_key, p.prefix_len "
	            "LIMIT $12 OFFSET $13",
	/* PGQ_POOL_COUNT_TOP */
	"SELECT count(*) FROM pools p WHERE p.parent_id IS NULL "
	"AND " POOL_FILTER,
	/* PGQ_POOL_SIBLING: the last sibling starting at or before $4 (the
	 * range's end), through the siblings index. */
	POOL_SELECT "WHERE p.vrf_id = $1 AND coalesce(p.parent_id, 0) = $2 "
	            "AND p.family = $3 AND p.first_key <= $4 "
	            "ORDER BY p.first_key DESC LIMIT 1",
	/* PGQ_POOL_BY_CIDRS: every prefix in one array parameter, one index
	 * probe each; $2 narrows to a VRF. */
	POOL_SELECT "WHERE p.cidr = ANY ($1::text[]) "
	            "AND ($2::bigint IS NULL OR p.vrf_id = $2) "
	            "ORDER BY p.prefix_len DESC, p.vrf_id",
	/* PGQ_POOL_WITHIN */
	POOL_SELECT "WHERE p.family = $1 AND p.first_key >= $2 AND "
	            "p.first_key <= $3 AND p.last_key <= $3 AND "
	            "($4::bigint IS NULL OR p.vrf_id = $4) "
	            "ORDER BY p.first_key, p.prefix_len LIMIT $5 OFFSET $6",
	/* PGQ_POOL_WITHIN_COUNT */
	"SELECT count(*) FROM pools p WHERE p.family = $1 AND "
	"p.first_key >= $2 AND p.first_key <= $3 AND p.last_key <= $3 AND "
	"($4::bigint IS NULL OR p.vrf_id = $4)",
	/* PGQ_POOL_CHILDREN_RANGE: the last child starting at or before the
	 * range's end (the caller checks that it reaches into it). */
	POOL_SELECT "WHERE p.parent_id = $1 AND p.family = $2 AND "
	            "p.first_key <= $3 ORDER BY p.first_key DESC LIMIT 1",
	/* PGQ_POOL_DESCENDANTS */
	"WITH RECURSIVE d (id, depth) AS (SELECT id, 0 FROM pools WHERE "
	"parent_id = $1 UNION ALL SELECT p.id, d.depth + 1 FROM pools p JOIN "
	"d ON p.parent_id = d.id) SELECT id FROM d ORDER BY depth DESC",
	/* PGQ_POOL_RECENT */
	POOL_SELECT "ORDER BY p.updated_at DESC, p.id DESC LIMIT $1",
	/* PGQ_POOL_PARENTS */
	POOL_SELECT "WHERE p.children > 0 ORDER BY p.id LIMIT $1",
	/* PGQ_TOTALS */
	"SELECT (SELECT count(*) FROM pools), (SELECT count(*) FROM vrfs), "
	"(SELECT count(*) FROM accounts)",
	/* PGQ_FREE_INSERT */
	"INSERT INTO free_blocks (pool_id, first_key, prefix_len, cidr) "
	"VALUES ($1, $2, $3, $4)",
	/* PGQ_FREE_DELETE */
	"DELETE FROM free_blocks WHERE pool_id = $1 AND first_key = $2",
	/* PGQ_FREE_FIRST */
	FREE_SELECT "WHERE pool_id = $1 AND prefix_len <= $2 "
	            "ORDER BY first_key LIMIT 1",
	/* PGQ_FREE_BEST */
	FREE_SELECT "WHERE pool_id = $1 AND prefix_len <= $2 "
	            "ORDER BY prefix_len DESC, first_key LIMIT 1",
	/* PGQ_FREE_LAST */
	FREE_SELECT "WHERE pool_id = $1 AND prefix_len <= $2 "
	            "ORDER BY first_key DESC LIMIT 1",
	/* PGQ_FREE_LARGEST */
	FREE_SELECT "WHERE pool_id = $1 AND prefix_len <= $2 "
	            "ORDER BY prefix_len, first_key LIMIT 1",
	/* PGQ_FREE_AT */
	FREE_SELECT "WHERE pool_id = $1 AND first_key <= $2 "
	            "ORDER BY first_key DESC LIMIT 1",
	/* PGQ_FREE_LIST */
	FREE_SELECT "WHERE pool_id = $1 AND first_key >= $2 "
	            "ORDER BY first_key LIMIT $3",
	/* PGQ_IDEMPOTENCY_CLAIM: waits while another transaction holds the
	 * key, then inserts nothing if it committed (pg_catalog.c). */
	"INSERT INTO idempotency_keys (scope, key, request_hash, status, "
	"response) VALUES ($1, $2, '', 0, '') ON CONFLICT DO NOTHING",
	/* PGQ_IDEMPOTENCY_GET: an answer, not a claim. */
	"SELECT request_hash, status, response FROM idempotency_keys "
	"WHERE scope = $1 AND key = $2 AND status <> 0",
	/* PGQ_IDEMPOTENCY_PUT: fills this transaction's claim, or makes the
	 * row; no row changed means another answer is there already. */
	"INSERT INTO idempotency_keys (scope, key, request_hash, status, "
	"response) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, key) DO "
	"UPDATE SET request_hash = excluded.request_hash, "
	"status = excluded.status, response = excluded.response "
	"WHERE idempotency_keys.status = 0",
	/* PGQ_SPECIAL_OVERLAPPING */
	"SELECT id, cidr, name, reference, registry, category, "
	"always_allowed, allowed FROM special_ranges WHERE family = $1 AND "
	"first_key <= $3 AND last_key >= $2 AND NOT allowed "
	"ORDER BY prefix_len DESC",
	/* PGQ_SPECIAL_LIST */
	"SELECT id, cidr, name, reference, registry, category, "
	"always_allowed, allowed FROM special_ranges ORDER BY family, "
	"first_key, prefix_len",
	/* PGQ_SPECIAL_SET_ALLOWED */
	"UPDATE special_ranges SET allowed = $2 WHERE id = $1 AND "
	"NOT always_allowed",
	/* PGQ_USERS_LOCK: a writer counting admins holds off every other
	 * writer of users until it commits (readers go on). */
	"LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE",
	/* PGQ_USER_INSERT */
	"INSERT INTO users (username, display_name, email, role, source, "
	"password_hash, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7) "
	"ON CONFLICT DO NOTHING RETURNING id",
	/* PGQ_USER_GET */
	USER_SELECT "WHERE u.id = $1",
	/* PGQ_USER_FIND */
	USER_SELECT "WHERE u.username = $1",
	/* PGQ_USER_UPDATE */
	"UPDATE users SET display_name = $2, email = $3, role = $4, "
	"source = $5, password_hash = $6, disabled = $7, updated_at = now() "
	"WHERE id = $1",
	/* PGQ_USER_SET_LOGIN */
	"UPDATE users SET last_login_at = now() WHERE id = $1",
	/* PGQ_USER_DELETE */
	"DELETE FROM users WHERE id = $1",
	/* PGQ_USER_LIST */
	USER_SELECT "ORDER BY u.username COLLATE \"C\" LIMIT $1 OFFSET $2",
	/* PGQ_USER_COUNTS */
	"SELECT count(*), count(*) FILTER (WHERE role = 'admin' AND "
	"NOT disabled) FROM users",
	/* PGQ_SESSION_INSERT */
	"INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, "
	"client_addr) VALUES ($1, $2, $3, $4, $5)",
	/* PGQ_SESSION_GET */
	"SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, "
	"s.client_addr, " USER_COLUMNS
	" FROM sessions s JOIN users u ON u.id = s.user_id "
	"WHERE s.id_hash = $1",
	/* PGQ_SESSION_TOUCH */
	"UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
	/* PGQ_SESSION_DELETE */
	"DELETE FROM sessions WHERE id_hash = $1",
	/* PGQ_SESSION_DELETE_USER */
	"DELETE FROM sessions WHERE user_id = $1",
	/* PGQ_KEY_INSERT */
	"INSERT INTO api_keys (user_id, name, scope, accounts, secret_hash, "
	"expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	/* PGQ_KEY_GET */
	KEY_SELECT "WHERE k.id = $1",
	/* PGQ_KEY_LIST */
	KEY_SELECT "WHERE ($1::bigint IS NULL OR k.user_id = $1) "
	           "ORDER BY k.id DESC LIMIT $2 OFFSET $3",
	/* PGQ_KEY_COUNT */
	"SELECT count(*) FROM api_keys WHERE ($1::bigint IS NULL OR "
	"user_id = $1)",
	/* PGQ_KEY_TOUCH */
	"UPDATE api_keys SET last_used_at = $2 WHERE id = $1",
	/* PGQ_KEY_REVOKE */
	"UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0",
	/* PGQ_THROTTLE_GET */
	"SELECT failures, last_failure_at, locked_until FROM login_throttle "
	"WHERE key = $1",
	/* PGQ_THROTTLE_PUT */
	"INSERT INTO login_throttle (key, failures, last_failure_at, "
	"locked_until) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE "
	"SET failures = excluded.failures, "
	"last_failure_at = excluded.last_failure_at, "
	"locked_until = excluded.locked_until",
	/* PGQ_THROTTLE_CLEAR */
	"DELETE FROM login_throttle WHERE key = $1",
	/* PGQ_AUDIT_INSERT: a transaction's events, as arrays, at its
	 * commit; ids are drawn only once the lock is held, and it is held
	 * until the commit ends (pg_audit.c; the key is "CPAudit!"). */
	"WITH audit_lock AS (SELECT "
	"pg_advisory_xact_lock(4850448771129635873)) "
	"INSERT INTO audit_events (actor, actor_type, action, object_type, "
	"object_id, before, after, request_id, client_addr, key_id) "
	"SELECT e.* FROM audit_lock, unnest($1::text[], $2::text[], "
	"$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
	"$8::text[], $9::text[], $10::bigint[]) AS e",
	/* PGQ_AUDIT_LIST */
	AUDIT_SELECT "WHERE " AUDIT_FILTER
	             "ORDER BY id DESC LIMIT $8 OFFSET $9",
	/* PGQ_AUDIT_LIST_ASC */
	AUDIT_SELECT "WHERE " AUDIT_FILTER "ORDER BY id LIMIT $8 OFFSET $9",
	/* PGQ_AUDIT_COUNT */
	"SELECT count(*) FROM audit_events WHERE " AUDIT_FILTER,
};

int
pg_stmt_later(enum pg_stmt id)
{
	switch (id) {
	case PGQ_BEGIN:
	case PGQ_BEGIN_WRITE:
	case PGQ_FREE_INSERT:
	case PGQ_FREE_DELETE:
	case PGQ_POOL_SET_USED:
	case PGQ_AUDIT_INSERT:
		return 1;
	default:
		return 0;
	}
}
