/*
 * sqlite_internal.h: what the files of the SQLite backend share.
 *
 * All SQL of the backend is in one table, sqlite_stmt_sql[], indexed by
 * enum stmt and prepared at most once per connection (sqlite_stmt.c).
 * Never included from outside app/store.
 */
#ifndef CLOUDPAM_STORE_SQLITE_INTERNAL_H
#define CLOUDPAM_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

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

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmts[STMT__MAX];
	struct store_options opt;
};

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

#endif
