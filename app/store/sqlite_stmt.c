/*
 * sqlite_stmt.c: every SQL statement of the SQLite backend, in one table
 * indexed by enum stmt (sqlite_internal.h).  Only bound parameters vary;
 * optional filters are written as (?N IS NULL OR column = ?N).
 */
#include "store/sqlite_internal.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* The next id of a table, never one given before (0005_ids.sql). */
#define NEXT_ID(table) "(SELECT high + 1 FROM id_high WHERE name = '" table "')"

#define POOL_SELECT                                                            \
	"SELECT p.id, p.name, p.cidr, p.family, p.prefix_len, p.first_key, "   \
	"p.last_key, p.vrf_id, coalesce(p.parent_id, 0), "                     \
	"coalesce(p.account_id, 0), p.type, p.status, p.source, "              \
	"p.description, p.tags, p.external_id, p.region, p.used_top, "         \
	"p.used_high, p.used_low, p.children, p.created_at, p.updated_at, "    \
	"p.created_by, p.updated_by, v.name, coalesce(a.name, '') "            \
	"FROM pools p JOIN vrfs v ON v.id = p.vrf_id "                         \
	"LEFT JOIN accounts a ON a.id = p.account_id "

/* The filters of struct store_pool_filter, parameters ?1 to ?11. */
#define POOL_FILTER                                                            \
	"(?1 IS NULL OR p.vrf_id = ?1) "                                       \
	"AND (?2 IS NULL OR (?2 = -1 AND p.parent_id IS NULL) "                \
	"OR p.parent_id = ?2) "                                                \
	"AND (?3 IS NULL OR p.account_id = ?3) "                               \
	"AND (?4 IS NULL OR p.type = ?4) "                                     \
	"AND (?5 IS NULL OR p.status = ?5) "                                   \
	"AND (?6 IS NULL OR p.source = ?6) "                                   \
	"AND (?7 IS NULL OR p.family = ?7) "                                   \
	"AND (?8 IS NULL OR json_extract(p.tags, '$.\"' || ?8 || '\"') = ?9) " \
	"AND (?10 IS NULL OR p.name LIKE ?10 ESCAPE '\\' "                     \
	"OR p.cidr LIKE ?10 ESCAPE '\\' OR p.external_id LIKE ?10 ESCAPE "     \
	"'\\' "                                                                \
	"OR p.description LIKE ?10 ESCAPE '\\') "                              \
	"AND (?11 IS NULL OR p.children = 0) "

#define ACCOUNT_SELECT                                                         \
	"SELECT a.id, a.provider, a.external_key, a.name, a.platform, "        \
	"a.tier, a.environment, a.regions, a.tags, a.description, "            \
	"a.created_at, a.updated_at, "                                         \
	"(SELECT count(*) FROM pools p WHERE p.account_id = a.id) "            \
	"FROM accounts a "

#define VRF_SELECT                                                             \
	"SELECT v.id, v.name, v.rd, v.description, v.created_at, "             \
	"v.updated_at, (SELECT count(*) FROM pools p WHERE p.vrf_id = v.id) "  \
	"FROM vrfs v "

#define USER_COLUMNS                                                           \
	"u.id, u.username, u.display_name, u.email, u.role, u.source, "        \
	"u.password_hash, u.disabled, u.created_at, u.updated_at, "            \
	"u.last_login_at"

#define USER_SELECT "SELECT " USER_COLUMNS " FROM users u "

#define KEY_SELECT                                                             \
	"SELECT k.id, k.user_id, k.name, k.scope, k.accounts, "                \
	"k.secret_hash, k.expires_at, k.last_used_at, k.revoked_at, "          \
	"k.created_at, " USER_COLUMNS                                          \
	" FROM api_keys k JOIN users u ON u.id = k.user_id "

#define AUDIT_SELECT                                                           \
	"SELECT id, at, actor, actor_type, action, object_type, object_id, "   \
	"before, after, request_id, client_addr, key_id FROM audit_events "

/* The filters of struct store_audit_filter, parameters ?1 to ?7. */
#define AUDIT_FILTER                                                           \
	"(?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2) "          \
	"AND (?3 IS NULL OR object_type = ?3) "                                \
	"AND (?4 IS NULL OR object_id = ?4) AND (?5 IS NULL OR at >= ?5) "     \
	"AND (?6 IS NULL OR at < ?6) AND (?7 IS NULL OR id > ?7) "

const char *const sqlite_stmt_sql[STMT__MAX] = {
	/* STMT_SCHEMA_EXISTS */
	"SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
	"name = 'schema_migrations'",
	/* STMT_SCHEMA_CURRENT */
	"SELECT coalesce(max(version), 0), count(*) FROM schema_migrations",
	/* STMT_SCHEMA_RECORD */
	"INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
	/* STMT_SCHEMA_APPLIED_AT */
	"SELECT applied_at FROM schema_migrations WHERE version = ?1",
	/* STMT_SETTING_GET */
	"SELECT value FROM settings WHERE key = ?1",
	/* STMT_SETTING_SET */
	"INSERT INTO settings (key, value) VALUES (?1, ?2) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
	"updated_at = " NOW,
	/* STMT_BEGIN */
	"BEGIN",
	/* STMT_BEGIN_IMMEDIATE */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_VRF_INSERT */
	"INSERT INTO vrfs (id, name, rd, description) "
	"VALUES (" NEXT_ID("vrfs") ", ?1, ?2, ?3)",
	/* STMT_VRF_GET */
	VRF_SELECT "WHERE v.id = ?1",
	/* STMT_VRF_FIND_NAME */
	VRF_SELECT "WHERE v.name = ?1",
	/* STMT_VRF_UPDATE */
	"UPDATE vrfs SET name = ?2, rd = ?3, description = ?4, "
	"updated_at = " NOW " WHERE id = ?1",
	/* STMT_VRF_DELETE */
	"DELETE FROM vrfs WHERE id = ?1",
	/* STMT_VRF_LIST */
	VRF_SELECT "ORDER BY v.id LIMIT ?1 OFFSET ?2",
	/* STMT_VRF_COUNT */
	"SELECT count(*) FROM vrfs",
	/* STMT_ACCOUNT_INSERT */
	"INSERT INTO accounts (id, provider, external_key, name, platform, "
	"tier, environment, regions, tags, description) "
	"VALUES (" NEXT_ID("accounts") ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* STMT_ACCOUNT_GET */
	ACCOUNT_SELECT "WHERE a.id = ?1",
	/* STMT_ACCOUNT_UPDATE */
	"UPDATE accounts SET provider = ?2, external_key = ?3, name = ?4, "
	"platform = ?5, tier = ?6, environment = ?7, regions = ?8, tags = ?9, "
	"description = ?10, updated_at = " NOW " WHERE id = ?1",
	/* STMT_ACCOUNT_DELETE */
	"DELETE FROM accounts WHERE id = ?1",
	/* STMT_ACCOUNT_LIST */
	ACCOUNT_SELECT
	"WHERE (?1 IS NULL OR a.provider = ?1) AND "
	"(?2 IS NULL OR a.name LIKE ?2 ESCAPE '\\' OR a.external_key LIKE ?2 "
	"ESCAPE '\\') ORDER BY a.name COLLATE NOCASE, a.id LIMIT ?3 OFFSET ?4",
	/* STMT_ACCOUNT_COUNT */
	"SELECT count(*) FROM accounts a WHERE (?1 IS NULL OR a.provider = ?1) "
	"AND (?2 IS NULL OR a.name LIKE ?2 ESCAPE '\\' OR a.external_key LIKE "
	"?2 ESCAPE '\\')",
	/* STMT_ACCOUNT_FIND_KEY */
	ACCOUNT_SELECT "WHERE a.provider = ?1 AND a.external_key = ?2",
	/* STMT_POOL_INSERT */
	"INSERT INTO pools (id, name, cidr, family, prefix_len, first_key, "
	"last_key, vrf_id, parent_id, account_id, type, status, source, "
	"description, tags, external_id, region, created_by, updated_by) "
	"VALUES (" NEXT_ID(
	    "pools") ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	             "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
	/* STMT_POOL_GET */
	POOL_SELECT "WHERE p.id = ?1",
	/* STMT_POOL_UPDATE */
	"UPDATE pools SET name = ?2, account_id = ?3, type = ?4, status = ?5, "
	"description = ?6, tags = ?7, external_id = ?8, region = ?9, "
	"updated_by = ?10, updated_at = " NOW " WHERE id = ?1",
	/* STMT_POOL_DELETE */
	"DELETE FROM pools WHERE id = ?1",
	/* STMT_POOL_SET_USED */
	"UPDATE pools SET used_top = ?2, used_high = ?3, used_low = ?4, "
	"children = ?5 WHERE id = ?1",
	/* STMT_POOL_LIST */
	POOL_SELECT "WHERE " POOL_FILTER
	            "ORDER BY p.vrf_id, p.family, p.first_key, p.prefix_len "
	            "LIMIT ?12 OFFSET ?13",
	/* STMT_POOL_COUNT */
	"SELECT count(*) FROM pools p WHERE " POOL_FILTER,
	/* STMT_POOL_LIST_CHILDREN: ?2 is a parent id, so the parent index
	 * serves both the filter and the order. */
	POOL_SELECT "WHERE p.parent_id = ?2 AND " POOL_FILTER
	            "ORDER BY p.family, p.first_key LIMIT ?12 OFFSET ?13",
	/* STMT_POOL_COUNT_CHILDREN */
	"SELECT count(*) FROM pools p WHERE p.parent_id = ?2 AND " POOL_FILTER,
	/* STMT_POOL_LIST_TOP: top-level pools through the parent index. */
	POOL_SELECT "WHERE p.parent_id IS NULL AND " POOL_FILTER
	            "ORDER BY p.vrf_id, p.family, p.first_key, p.prefix_len "
	            "LIMIT ?12 OFFSET ?13",
	/* STMT_POOL_COUNT_TOP */
	"SELECT count(*) FROM pools p WHERE p.parent_id IS NULL "
	"AND " POOL_FILTER,
	/* STMT_POOL_SIBLING */
	POOL_SELECT "WHERE p.vrf_id = ?1 AND coalesce(p.parent_id, 0) = ?2 "
	            "AND p.family = ?3 AND p.first_key <= ?5 "
	            "ORDER BY p.first_key DESC LIMIT 1",
	/* STMT_POOL_BY_CIDR */
	POOL_SELECT "WHERE p.cidr = ?1 AND (?2 IS NULL OR p.vrf_id = ?2)",
	/* STMT_POOL_BY_CIDRS: up to 129 prefixes in one statement, unused
	 * ones bound to NULL (which matches nothing); ?130 narrows to a VRF. */
	POOL_SELECT
	"WHERE p.cidr IN ("
	"?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
	"?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,"
	"?33,?34,?35,?36,?37,?38,?39,?40,?41,?42,?43,?44,?45,?46,?47,"
	"?48,?49,?50,?51,?52,?53,?54,?55,?56,?57,?58,?59,?60,?61,?62,"
	"?63,?64,?65,?66,?67,?68,?69,?70,?71,?72,?73,?74,?75,?76,?77,"
	"?78,?79,?80,?81,?82,?83,?84,?85,?86,?87,?88,?89,?90,?91,?92,"
	"?93,?94,?95,?96,?97,?98,?99,?100,?101,?102,?103,?104,?105,"
	"?106,?107,?108,?109,?110,?111,?112,?113,?114,?115,?116,?117,"
	"?118,?119,?120,?121,?122,?123,?124,?125,?126,?127,?128,?129"
	") AND (?130 IS NULL OR p.vrf_id = ?130) "
	"ORDER BY p.prefix_len DESC, p.vrf_id",
	/* STMT_POOL_WITHIN */
	POOL_SELECT
	"WHERE p.family = ?1 AND p.first_key >= ?2 AND "
	"p.first_key <= ?3 AND p.last_key <= ?4 AND "
	"(?5 IS NULL OR p.vrf_id = ?5) ORDER BY p.first_key, p.prefix_len "
	"LIMIT ?6 OFFSET ?7",
	/* STMT_POOL_WITHIN_COUNT */
	"SELECT count(*) FROM pools p WHERE p.family = ?1 AND "
	"p.first_key >= ?2 AND p.first_key <= ?3 AND p.last_key <= ?4 AND "
	"(?5 IS NULL OR p.vrf_id = ?5)",
	/* STMT_POOL_CHILDREN_RANGE: the last child starting at or before the
	 * range's end; children never overlap, so it is the only one that
	 * can reach into the range (the caller checks that it does). */
	POOL_SELECT "WHERE p.parent_id = ?1 AND p.family = ?4 AND "
	            "p.first_key <= ?3 ORDER BY p.first_key DESC LIMIT 1",
	/* STMT_POOL_DESCENDANTS */
	"WITH RECURSIVE d (id, depth) AS (SELECT id, 0 FROM pools WHERE "
	"parent_id = ?1 UNION ALL SELECT p.id, d.depth + 1 FROM pools p JOIN "
	"d ON p.parent_id = d.id) SELECT id FROM d ORDER BY depth DESC",
	/* STMT_POOL_RECENT */
	POOL_SELECT "ORDER BY p.updated_at DESC, p.id DESC LIMIT ?1",
	/* STMT_POOL_PARENTS */
	POOL_SELECT "WHERE p.children > 0 ORDER BY p.id LIMIT ?1",
	/* STMT_TOTALS */
	"SELECT (SELECT count(*) FROM pools), (SELECT count(*) FROM vrfs), "
	"(SELECT count(*) FROM accounts)",
	/* STMT_FREE_INSERT */
	"INSERT INTO free_blocks (pool_id, first_key, prefix_len, cidr) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* STMT_FREE_DELETE */
	"DELETE FROM free_blocks WHERE pool_id = ?1 AND first_key = ?2",
	/* STMT_FREE_FIRST */
	"SELECT first_key, prefix_len, cidr FROM free_blocks WHERE "
	"pool_id = ?1 AND prefix_len <= ?2 ORDER BY first_key LIMIT 1",
	/* STMT_FREE_BEST */
	"SELECT first_key, prefix_len, cidr FROM free_blocks WHERE "
	"pool_id = ?1 AND prefix_len <= ?2 ORDER BY prefix_len DESC, "
	"first_key LIMIT 1",
	/* STMT_FREE_LAST */
	"SELECT first_key, prefix_len, cidr FROM free_blocks WHERE "
	"pool_id = ?1 AND prefix_len <= ?2 ORDER BY first_key DESC LIMIT 1",
	/* STMT_FREE_LARGEST */
	"SELECT first_key, prefix_len, cidr FROM free_blocks WHERE "
	"pool_id = ?1 AND prefix_len <= ?2 ORDER BY prefix_len, first_key "
	"LIMIT 1",
	/* STMT_FREE_AT */
	"SELECT first_key, prefix_len, cidr FROM free_blocks WHERE "
	"pool_id = ?1 AND first_key <= ?2 ORDER BY first_key DESC LIMIT 1",
	/* STMT_FREE_LIST */
	"SELECT first_key, prefix_len, cidr FROM free_blocks WHERE "
	"pool_id = ?1 AND first_key >= ?2 ORDER BY first_key LIMIT ?3",
	/* STMT_IDEMPOTENCY_GET */
	"SELECT request_hash, status, response FROM idempotency_keys "
	"WHERE scope = ?1 AND key = ?2",
	/* STMT_IDEMPOTENCY_PUT */
	"INSERT INTO idempotency_keys (scope, key, request_hash, status, "
	"response) VALUES (?1, ?2, ?3, ?4, ?5)",
	/* STMT_SPECIAL_OVERLAPPING */
	"SELECT id, cidr, name, reference, registry, category, "
	"always_allowed, allowed FROM special_ranges WHERE family = ?1 AND "
	"first_key <= ?3 AND last_key >= ?2 AND allowed = 0 "
	"ORDER BY prefix_len DESC",
	/* STMT_SPECIAL_LIST */
	"SELECT id, cidr, name, reference, registry, category, "
	"always_allowed, allowed FROM special_ranges ORDER BY family, "
	"first_key, prefix_len",
	/* STMT_SPECIAL_SET_ALLOWED */
	"UPDATE special_ranges SET allowed = ?2 WHERE id = ?1 AND "
	"always_allowed = 0",
	/* STMT_USER_INSERT */
	"INSERT INTO users (id, username, display_name, email, role, source, "
	"password_hash, disabled) "
	"VALUES (" NEXT_ID("users") ", ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/* STMT_USER_GET */
	USER_SELECT "WHERE u.id = ?1",
	/* STMT_USER_FIND */
	USER_SELECT "WHERE u.username = ?1",
	/* STMT_USER_UPDATE */
	"UPDATE users SET display_name = ?2, email = ?3, role = ?4, "
	"source = ?5, password_hash = ?6, disabled = ?7, updated_at = " NOW
	" WHERE id = ?1",
	/* STMT_USER_SET_LOGIN */
	"UPDATE users SET last_login_at = " NOW " WHERE id = ?1",
	/* STMT_USER_DELETE */
	"DELETE FROM users WHERE id = ?1",
	/* STMT_USER_LIST */
	USER_SELECT "ORDER BY u.username LIMIT ?1 OFFSET ?2",
	/* STMT_USER_COUNTS */
	"SELECT count(*), coalesce(sum(role = 'admin' AND disabled = 0), 0) "
	"FROM users",
	/* STMT_SESSION_INSERT */
	"INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, "
	"client_addr) VALUES (?1, ?2, ?3, ?4, ?5)",
	/* STMT_SESSION_GET */
	"SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, "
	"s.client_addr, " USER_COLUMNS
	" FROM sessions s JOIN users u ON u.id = s.user_id "
	"WHERE s.id_hash = ?1",
	/* STMT_SESSION_TOUCH */
	"UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
	/* STMT_SESSION_DELETE */
	"DELETE FROM sessions WHERE id_hash = ?1",
	/* STMT_SESSION_DELETE_USER */
	"DELETE FROM sessions WHERE user_id = ?1",
	/* STMT_KEY_INSERT */
	"INSERT INTO api_keys (id, user_id, name, scope, accounts, "
	"secret_hash, expires_at) "
	"VALUES (" NEXT_ID("api_keys") ", ?1, ?2, ?3, ?4, ?5, ?6)",
	/* STMT_KEY_GET */
	KEY_SELECT "WHERE k.id = ?1",
	/* STMT_KEY_LIST */
	KEY_SELECT "WHERE (?1 IS NULL OR k.user_id = ?1) "
	           "ORDER BY k.id DESC LIMIT ?2 OFFSET ?3",
	/* STMT_KEY_COUNT */
	"SELECT count(*) FROM api_keys WHERE (?1 IS NULL OR user_id = ?1)",
	/* STMT_KEY_TOUCH */
	"UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
	/* STMT_KEY_REVOKE */
	"UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0",
	/* STMT_THROTTLE_GET */
	"SELECT failures, last_failure_at, locked_until FROM login_throttle "
	"WHERE key = ?1",
	/* STMT_THROTTLE_PUT */
	"INSERT INTO login_throttle (key, failures, last_failure_at, "
	"locked_until) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE "
	"SET failures = excluded.failures, "
	"last_failure_at = excluded.last_failure_at, "
	"locked_until = excluded.locked_until",
	/* STMT_THROTTLE_CLEAR */
	"DELETE FROM login_throttle WHERE key = ?1",
	/* STMT_AUDIT_INSERT */
	"INSERT INTO audit_events (actor, actor_type, action, object_type, "
	"object_id, before, after, request_id, client_addr, key_id) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* STMT_AUDIT_LIST */
	AUDIT_SELECT "WHERE " AUDIT_FILTER
	             "ORDER BY id DESC LIMIT ?8 OFFSET ?9",
	/* STMT_AUDIT_LIST_ASC */
	AUDIT_SELECT "WHERE " AUDIT_FILTER "ORDER BY id LIMIT ?8 OFFSET ?9",
	/* STMT_AUDIT_COUNT */
	"SELECT count(*) FROM audit_events WHERE " AUDIT_FILTER,
};
