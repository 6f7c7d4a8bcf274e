/*
 * sqlite_internal.h: what the files of the SQLite backend share.
 *
 * All SQL of the backend is in one table, sqlite_stmt_sql[], indexed by
 * enum stmt and prepared at most once per connection (sqlite_stmt.c).
 * store.c reaches the functions below through sqlite_ops (sqlite.c).
 * Never included from outside app/store.
 */
#ifndef CLOUDPAM_STORE_SQLITE_INTERNAL_H
#define CLOUDPAM_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_internal.h"

/* Prefixes one STMT_POOL_BY_CIDRS asks for at once: /128 down to /0. */
#define SQLITE_CIDRS_MAX 129

enum stmt {
	STMT_SCHEMA_EXISTS,
	STMT_SCHEMA_CURRENT,
	STMT_SCHEMA_RECORD,
	STMT_SCHEMA_APPLIED_AT,
	STMT_SETTING_GET,
	STMT_SETTING_SET,
	STMT_BEGIN,
	STMT_BEGIN_IMMEDIATE,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_VRF_INSERT,
	STMT_VRF_GET,
	STMT_VRF_FIND_NAME,
	STMT_VRF_UPDATE,
	STMT_VRF_DELETE,
	STMT_VRF_LIST,
	STMT_VRF_COUNT,
	STMT_ACCOUNT_INSERT,
	STMT_ACCOUNT_GET,
	STMT_ACCOUNT_UPDATE,
	STMT_ACCOUNT_DELETE,
	STMT_ACCOUNT_LIST,
	STMT_ACCOUNT_COUNT,
	STMT_ACCOUNT_FIND_KEY,
	STMT_POOL_INSERT,
	STMT_POOL_GET,
	STMT_POOL_UPDATE,
	STMT_POOL_DELETE,
	STMT_POOL_SET_USED,
	STMT_POOL_LIST,
	STMT_POOL_COUNT,
	STMT_POOL_LIST_CHILDREN,
	STMT_POOL_COUNT_CHILDREN,
	STMT_POOL_LIST_TOP,
	STMT_POOL_COUNT_TOP,
	STMT_POOL_SIBLING,
	STMT_POOL_BY_CIDR,
	STMT_POOL_BY_CIDRS,
	STMT_POOL_WITHIN,
	STMT_POOL_WITHIN_COUNT,
	STMT_POOL_CHILDREN_RANGE,
	STMT_POOL_DESCENDANTS,
	STMT_POOL_RECENT,
	STMT_POOL_PARENTS,
	STMT_TOTALS,
	STMT_FREE_INSERT,
	STMT_FREE_DELETE,
	STMT_FREE_FIRST,
	STMT_FREE_BEST,
	STMT_FREE_LAST,
	STMT_FREE_LARGEST,
	STMT_FREE_AT,
	STMT_FREE_LIST,
	STMT_IDEMPOTENCY_GET,
	STMT_IDEMPOTENCY_PUT,
	STMT_SPECIAL_OVERLAPPING,
	STMT_SPECIAL_LIST,
	STMT_SPECIAL_SET_ALLOWED,
	STMT_USER_INSERT,
	STMT_USER_GET,
	STMT_USER_FIND,
	STMT_USER_UPDATE,
	STMT_USER_SET_LOGIN,
	STMT_USER_DELETE,
	STMT_USER_LIST,
	STMT_USER_COUNTS,
	STMT_SESSION_INSERT,
	STMT_SESSION_GET,
	STMT_SESSION_TOUCH,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_USER,
	STMT_KEY_INSERT,
	STMT_KEY_GET,
	STMT_KEY_LIST,
	STMT_KEY_COUNT,
	STMT_KEY_TOUCH,
	STMT_KEY_REVOKE,
	STMT_THROTTLE_GET,
	STMT_THROTTLE_PUT,
	STMT_THROTTLE_CLEAR,
	STMT_AUDIT_INSERT,
	STMT_AUDIT_LIST,
	STMT_AUDIT_LIST_ASC,
	STMT_AUDIT_COUNT,
	STMT__MAX
};

extern const char *const sqlite_stmt_sql[STMT__MAX];

/* A connection: a struct store * made by sqlite_open() points here. */
struct sqlite_store {
	struct store base; /* first: ops is &sqlite_ops */
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmts[STMT__MAX];
	struct store_options opt;
};

/* The SQLite connection of st, which sqlite_open() made. */
static inline struct sqlite_store *
sqlite_of(struct store *st)
{
	return (struct sqlite_store *)st;
}

static inline sqlite3 *
sqlite_db(struct store *st)
{
	return sqlite_of(st)->db;
}

/* Map the connection's last error onto err (and log it).  Returns -1. */
int sqlite_fail(struct store *st, struct err *err, const char *what);

/* The statement, prepared once, reset and with bindings cleared; NULL
 * with err filled when it cannot be prepared. */
sqlite3_stmt *sqlite_stmt(struct store *st, enum stmt id, struct err *err);

/* Bind text, or NULL when s is NULL; and an id, or NULL when it is 0. */
void sqlite_bind_text(sqlite3_stmt *s, int i, const char *text);
void sqlite_bind_id(sqlite3_stmt *s, int i, int64_t id);

/* Column i as a string in arena memory ("" for NULL); NULL when out of
 * memory. */
const char *sqlite_col_text(sqlite3_stmt *s, int i, struct arena *arena);

/* Step a statement that returns no rows; -1 unless SQLITE_DONE. */
int sqlite_exec_stmt(
    struct store *st, sqlite3_stmt *s, const char *what, struct err *err);

/* Read the current row of s into row (size bytes); -1 out of memory. */
typedef int (*sqlite_row_fn)(sqlite3_stmt *s, struct arena *arena, void *row);

/*
 * Step s to the end (or limit rows; limit < 0: no limit), reading each
 * row with fn into an array of size-byte rows in arena memory; the
 * statement is reset.  -1 with err when memory runs out or a step fails
 * (what names the statement in the log).
 */
int sqlite_rows(struct store *st, sqlite3_stmt *s, int64_t limit,
    struct arena *arena, size_t size, sqlite_row_fn fn, void **out, size_t *n,
    const char *what, struct err *err);

/*
 * Step s once: read the row, if there is one, with fn into row; *found
 * says whether there was.  The statement is reset.  -1 with err when a
 * step fails or memory runs out.
 */
int sqlite_row_one(struct store *st, sqlite3_stmt *s, struct arena *arena,
    sqlite_row_fn fn, void *row, int *found, const char *what, struct err *err);

/* Step a "SELECT count(*) ..." statement into *total. */
int sqlite_count(
    struct store *st, sqlite3_stmt *s, int64_t *total, struct err *err);

/* "%q%" for LIKE with its wildcards escaped (ESCAPE '\\'), in arena
 * memory; NULL when q is NULL or empty. */
const char *sqlite_like_pattern(struct arena *arena, const char *q);

/*
 * The functions of sqlite_ops: store.h's, named sqlite_ for store_
 * (contracts in store.h).  sqlite.c opens, migrates and holds settings;
 * sqlite_catalog.c transactions, VRFs, accounts, idempotency and special
 * ranges; sqlite_pools.c pools and free space; sqlite_identity.c users,
 * sessions, keys, throttling and the audit log.
 */
struct store *sqlite_open(
    const char *url, const struct store_options *opt, struct err *err);
void sqlite_close(struct store *st);
int sqlite_checkpoint(struct store *st, struct err *err);
int sqlite_schema(struct store *st, struct store_schema *out, struct err *err);
int sqlite_migrate_up(struct store *st, int *applied, struct err *err);
int sqlite_migration_applied_at(struct store *st, int version,
    struct arena *arena, char **applied_at, struct err *err);
int sqlite_check_ready(struct store *st, struct err *err);
int sqlite_setting_get(struct store *st, const char *key, struct arena *arena,
    char **value, struct err *err);
int sqlite_setting_set(
    struct store *st, const char *key, const char *value, struct err *err);
int sqlite_begin(struct store *st, int immediate, struct err *err);
int sqlite_commit(struct store *st, struct err *err);
void sqlite_rollback(struct store *st);
int sqlite_vrf_insert(
    struct store *st, const struct store_vrf *in, int64_t *id, struct err *err);
int sqlite_vrf_get(struct store *st, int64_t id, struct arena *arena,
    struct store_vrf *out, struct err *err);
int sqlite_vrf_find_name(struct store *st, const char *name,
    struct arena *arena, struct store_vrf *out, int *found, struct err *err);
int sqlite_vrf_update(
    struct store *st, const struct store_vrf *in, struct err *err);
int sqlite_vrf_delete(struct store *st, int64_t id, struct err *err);
int sqlite_vrf_list(struct store *st, struct arena *arena,
    struct store_page *page, struct store_vrf **out, size_t *n,
    struct err *err);
int sqlite_account_insert(struct store *st, const struct store_account *in,
    int64_t *id, struct err *err);
int sqlite_account_get(struct store *st, int64_t id, struct arena *arena,
    struct store_account *out, struct err *err);
int sqlite_account_update(
    struct store *st, const struct store_account *in, struct err *err);
int sqlite_account_delete(struct store *st, int64_t id, struct err *err);
int sqlite_account_list(struct store *st, struct arena *arena,
    const struct store_account_filter *f, struct store_page *page,
    struct store_account **out, size_t *n, struct err *err);
int sqlite_account_find_key(struct store *st, const char *provider,
    const char *external_key, struct arena *arena, struct store_account *out,
    int *found, struct err *err);
int sqlite_pool_insert(struct store *st, const struct store_pool *in,
    struct arena *arena, struct store_pool *out, struct err *err);
int sqlite_pool_get(struct store *st, int64_t id, struct arena *arena,
    struct store_pool *out, struct err *err);
int sqlite_pool_update(
    struct store *st, const struct store_pool *in, struct err *err);
int sqlite_pool_delete(struct store *st, int64_t id, struct err *err);
int sqlite_pool_set_used(struct store *st, int64_t id, uint64_t top,
    uint64_t high, uint64_t low, int64_t children, struct err *err);
int sqlite_pool_list(struct store *st, struct arena *arena,
    const struct store_pool_filter *f, struct store_page *page,
    struct store_pool **out, size_t *n, struct err *err);
int sqlite_pool_overlapping_sibling(struct store *st, int64_t vrf_id,
    int64_t parent_id, int family, const char *first_key, const char *last_key,
    struct arena *arena, struct store_pool *out, int *found, struct err *err);
int sqlite_pool_by_cidrs(struct store *st, int64_t vrf_id,
    const char *const *cidrs, size_t ncidrs, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);
int sqlite_pool_within(struct store *st, int64_t vrf_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_page *page, struct store_pool **out, size_t *n,
    struct err *err);
int sqlite_pool_child_in(struct store *st, int64_t parent_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_pool *out, int *found, struct err *err);
int sqlite_pool_descendants(struct store *st, int64_t id, struct arena *arena,
    int64_t **ids, size_t *n, struct err *err);
int sqlite_pool_recent(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);
int sqlite_pool_parents(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);
int sqlite_totals(struct store *st, struct store_totals *out, struct err *err);
int sqlite_free_insert(struct store *st, int64_t pool_id,
    const struct store_free_block *b, struct err *err);
int sqlite_free_delete(
    struct store *st, int64_t pool_id, const char *first_key, struct err *err);
int sqlite_pool_get_free(struct store *st, int64_t id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_pool *pool,
    struct store_free_block *free, int *found, struct err *err);
int sqlite_free_find(struct store *st, int64_t pool_id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_free_block *out,
    int *found, struct err *err);
int sqlite_free_at(struct store *st, int64_t pool_id, const char *key,
    struct arena *arena, struct store_free_block *out, int *found,
    struct err *err);
int sqlite_free_list(struct store *st, int64_t pool_id, const char *from_key,
    int64_t limit, struct arena *arena, struct store_free_block **out,
    size_t *n, struct err *err);
int sqlite_idempotency_get(struct store *st, const char *scope, const char *key,
    struct arena *arena, char **request_hash, int *status, char **response,
    int *found, struct err *err);
int sqlite_idempotency_put(struct store *st, const char *scope, const char *key,
    const char *request_hash, int status, const char *response,
    struct err *err);
int sqlite_special_overlapping(struct store *st, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err);
int sqlite_special_list(struct store *st, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err);
int sqlite_special_set_allowed(
    struct store *st, int64_t id, int allowed, struct err *err);
int sqlite_user_insert(struct store *st, const struct store_user *in,
    int64_t *id, struct err *err);
int sqlite_user_get(struct store *st, int64_t id, struct arena *arena,
    struct store_user *out, struct err *err);
int sqlite_user_find(struct store *st, const char *username,
    struct arena *arena, struct store_user *out, int *found, struct err *err);
int sqlite_user_update(
    struct store *st, const struct store_user *in, struct err *err);
int sqlite_user_set_login(struct store *st, int64_t id, struct err *err);
int sqlite_user_delete(struct store *st, int64_t id, struct err *err);
int sqlite_user_list(struct store *st, struct arena *arena,
    struct store_page *page, struct store_user **out, size_t *n,
    struct err *err);
int sqlite_user_counts(
    struct store *st, int64_t *all, int64_t *admins, struct err *err);
int sqlite_session_insert(
    struct store *st, const struct store_session *in, struct err *err);
int sqlite_session_get(struct store *st, const char *id_hash,
    struct arena *arena, struct store_session *out, int *found,
    struct err *err);
int sqlite_session_touch(
    struct store *st, const char *id_hash, int64_t now, struct err *err);
int sqlite_session_delete(
    struct store *st, const char *id_hash, struct err *err);
int sqlite_session_delete_user(
    struct store *st, int64_t user_id, struct err *err);
int sqlite_key_insert(struct store *st, const struct store_api_key *in,
    int64_t *id, struct err *err);
int sqlite_key_get(struct store *st, int64_t id, struct arena *arena,
    struct store_api_key *out, struct err *err);
int sqlite_key_list(struct store *st, int64_t user_id, struct arena *arena,
    struct store_page *page, struct store_api_key **out, size_t *n,
    struct err *err);
int sqlite_key_touch(
    struct store *st, int64_t id, int64_t now, struct err *err);
int sqlite_key_revoke(
    struct store *st, int64_t id, int64_t now, struct err *err);
int sqlite_throttle_get(struct store *st, const char *key,
    struct store_throttle *out, int *found, struct err *err);
int sqlite_throttle_put(struct store *st, const char *key,
    const struct store_throttle *in, struct err *err);
int sqlite_throttle_clear(struct store *st, const char *key, struct err *err);
int sqlite_audit_insert(
    struct store *st, const struct store_audit *in, struct err *err);
int sqlite_audit_list(struct store *st, struct arena *arena,
    const struct store_audit_filter *f, struct store_page *page,
    struct store_audit **out, size_t *n, struct err *err);

/* The copy functions of sqlite_ops (store.h's store_copy_*, given the
 * table's description), in sqlite_copy.c. */
int sqlite_copy_count(struct store *st, const struct store_copy_def *d,
    int64_t *rows, struct err *err);
int sqlite_copy_read(struct store *st, const struct store_copy_def *d,
    const char *const *after, size_t limit, struct arena *arena,
    const char ***values, size_t *n, struct err *err);
int sqlite_copy_write(struct store *st, const struct store_copy_def *d,
    const char *const *values, size_t n, struct err *err);
int sqlite_copy_clear(
    struct store *st, const struct store_copy_def *d, struct err *err);
int sqlite_copy_id_high(struct store *st, const struct store_copy_def *d,
    int64_t *high, struct err *err);
int sqlite_copy_set_id_high(struct store *st, const struct store_copy_def *d,
    int64_t high, struct err *err);

#endif
