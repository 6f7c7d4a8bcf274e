/*
 * pg_internal.h: what the files of the PostgreSQL backend share.
 *
 * All SQL of the backend is in one table, pg_stmt_sql[], indexed by enum
 * pg_stmt and prepared (PQprepare) at most once per connection, the first
 * time it is used; values always travel as bound parameters ($1, ...) in
 * text form.  store.c reaches the functions below through pg_ops (pg.c).
 * Never included from outside app/store.
 */
#ifndef CLOUDPAM_STORE_PG_INTERNAL_H
#define CLOUDPAM_STORE_PG_INTERNAL_H

#include <libpq-fe.h>

#include "lib/buf.h"
#include "store/store.h"
#include "store/store_internal.h"

enum pg_stmt {
	PGQ_CONFIGURE,
	PGQ_PING,
	PGQ_SCHEMA_EXISTS,
	PGQ_SCHEMA_CURRENT,
	PGQ_SCHEMA_RECORD,
	PGQ_SCHEMA_APPLIED_AT,
	PGQ_MIGRATE_LOCK,
	PGQ_SETTING_GET,
	PGQ_SETTING_SET,
	PGQ_BEGIN,
	PGQ_BEGIN_WRITE,
	PGQ_COMMIT,
	PGQ_VRF_INSERT,
	PGQ_VRF_GET,
	PGQ_VRF_GET_LOCK,
	PGQ_VRF_FIND_NAME,
	PGQ_VRF_UPDATE,
	PGQ_VRF_DELETE,
	PGQ_VRF_LIST,
	PGQ_VRF_COUNT,
	PGQ_ACCOUNT_INSERT,
	PGQ_ACCOUNT_GET,
	PGQ_ACCOUNT_UPDATE,
	PGQ_ACCOUNT_DELETE,
	PGQ_ACCOUNT_LIST,
	PGQ_ACCOUNT_COUNT,
	PGQ_ACCOUNT_FIND_KEY,
	PGQ_POOL_INSERT,
	PGQ_POOL_GET,
	PGQ_POOL_GET_LOCK,
	PGQ_POOL_UPDATE,
	PGQ_POOL_DELETE,
	PGQ_POOL_SET_USED,
	PGQ_POOL_LIST,
	PGQ_POOL_COUNT,
	PGQ_POOL_LIST_CHILDREN,
	PGQ_POOL_COUNT_CHILDREN,
	PGQ_POOL_LIST_TOP,
	PGQ_POOL_COUNT_TOP,
	PGQ_POOL_SIBLING,
	PGQ_POOL_BY_CIDRS,
	PGQ_POOL_WITHIN,
	PGQ_POOL_WITHIN_COUNT,
	PGQ_POOL_CHILDREN_RANGE,
	PGQ_POOL_DESCENDANTS,
	PGQ_POOL_RECENT,
	PGQ_POOL_PARENTS,
	PGQ_TOTALS,
	PGQ_FREE_INSERT,
	PGQ_FREE_DELETE,
	PGQ_FREE_FIRST,
	PGQ_FREE_BEST,
	PGQ_FREE_LAST,
	PGQ_FREE_LARGEST,
	PGQ_FREE_AT,
	PGQ_FREE_LIST,
	PGQ_IDEMPOTENCY_CLAIM,
	PGQ_IDEMPOTENCY_GET,
	PGQ_IDEMPOTENCY_PUT,
	PGQ_SPECIAL_OVERLAPPING,
	PGQ_SPECIAL_LIST,
	PGQ_SPECIAL_SET_ALLOWED,
	PGQ_USERS_LOCK,
	PGQ_USER_INSERT,
	PGQ_USER_GET,
	PGQ_USER_FIND,
	PGQ_USER_UPDATE,
	PGQ_USER_SET_LOGIN,
	PGQ_USER_DELETE,
	PGQ_USER_LIST,
	PGQ_USER_COUNTS,
	PGQ_SESSION_INSERT,
	PGQ_SESSION_GET,
	PGQ_SESSION_TOUCH,
	PGQ_SESSION_DELETE,
	PGQ_SESSION_DELETE_USER,
	PGQ_KEY_INSERT,
	PGQ_KEY_GET,
	PGQ_KEY_LIST,
	PGQ_KEY_COUNT,
	PGQ_KEY_TOUCH,
	PGQ_KEY_REVOKE,
	PGQ_THROTTLE_GET,
	PGQ_THROTTLE_PUT,
	PGQ_THROTTLE_CLEAR,
	PGQ_AUDIT_INSERT,
	PGQ_AUDIT_LIST,
	PGQ_AUDIT_LIST_ASC,
	PGQ_AUDIT_COUNT,
	PGQ__MAX
};

extern const char *const pg_stmt_sql[PGQ__MAX];

/* Statements sent ahead before their answers are read (pg.c). */
#define PG_SENT_MAX 32

/* Audit events of a transaction, kept until its commit (pg_audit.c):
 * each column an array literal, "{...", closed at the insert. */
#define PG_AUDIT_COLUMNS 10

struct pg_audit_batch {
	struct buf col[PG_AUDIT_COLUMNS];
	size_t n; /* events */
};

/* A connection: a struct store * made by pg_open() points here. */
struct pg_store {
	struct store base; /* first: ops is &pg_ops */
	PGconn *conn;
	unsigned char prepared[PGQ__MAX]; /* on this connection */
	int in_transaction; /* between store_begin and commit/rollback */
	int writing;        /* ... begun with immediate: reads lock rows */
	int lost;           /* the connection broke: reset it before use */
	struct store_options opt;
	struct pg_audit_batch *audit; /* audit[0..naudit): this transaction's */
	size_t naudit, audit_cap;
	struct {
		enum pg_stmt id;
		int prepare; /* its preparation, not its execution */
	} sent[PG_SENT_MAX]; /* in the pipeline, unanswered (pg.c) */
	size_t nsent;
};

/* The PostgreSQL connection of st, which pg_open() made. */
static inline struct pg_store *
pg_of(struct store *st)
{
	return (struct pg_store *)st;
}

/* Parameters of one statement, in text form; unset ones are NULL. */
#define PG_PARAMS_MAX 20
#define PG_NUMBER_SIZE 24

struct pg_params {
	int n; /* the highest index set */
	const char *values[PG_PARAMS_MAX];
	char numbers[PG_PARAMS_MAX][PG_NUMBER_SIZE];
};

#define PG_PARAMS_INIT                                                         \
	{                                                                      \
		0                                                              \
	}

/* Set parameter $i (1-based): text (NULL stays NULL), an integer, an id
 * (0 is NULL, as an absent reference), or NULL. */
void pg_text(struct pg_params *p, int i, const char *text);
void pg_int(struct pg_params *p, int i, int64_t v);
void pg_id(struct pg_params *p, int i, int64_t id);
void pg_null(struct pg_params *p, int i);
/* A LIMIT: negative means none (NULL). */
void pg_limit(struct pg_params *p, int i, int64_t limit);

/*
 * Run statement id with p (NULL: none).  Returns the result (tuples or
 * command OK), which the caller PQclear()s; NULL with err filled (and the
 * error logged) when it fails.
 */
PGresult *pg_exec(struct store *st, enum pg_stmt id, const struct pg_params *p,
    struct err *err);

/* Run a statement whose rows, if any, are not wanted; inside a
 * transaction one of pg_stmt_later() is only sent, and its answer read
 * with the next statement's (an error then fails that one). */
int pg_exec_done(struct store *st, enum pg_stmt id, const struct pg_params *p,
    struct err *err);

/* Whether statement id may be sent ahead inside a transaction (pg_stmt.c). */
int pg_stmt_later(enum pg_stmt id);

/* Read the answers of statements sent ahead: before any direct use of
 * the connection.  -1 with err when one failed. */
int pg_settle(struct store *st, struct err *err);

/* Run two statements in one round trip (the second after the first, as
 * ever); their answers into *r1 and *r2, which the caller PQclear()s. */
int pg_exec_pair(struct store *st, enum pg_stmt id1, const struct pg_params *p1,
    enum pg_stmt id2, const struct pg_params *p2, PGresult **r1, PGresult **r2,
    struct err *err);

/* Run a statement; *changed receives the rows it changed. */
int pg_exec_changed(struct store *st, enum pg_stmt id,
    const struct pg_params *p, int64_t *changed, struct err *err);

/* Read row of r into out (arena for its strings); -1 out of memory. */
typedef int (*pg_row_fn)(
    const PGresult *r, int row, struct arena *arena, void *out);

/*
 * Run a statement and read each row (up to limit; limit < 0: all) with fn
 * into an array of size-byte rows in arena memory.  -1 with err when the
 * statement fails or memory runs out.
 */
int pg_rows(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t limit, struct arena *arena, size_t size, pg_row_fn fn, void **out,
    size_t *n, struct err *err);

/* Run a statement and read its first row, if any, into row. */
int pg_row_one(struct store *st, enum pg_stmt id, const struct pg_params *p,
    struct arena *arena, pg_row_fn fn, void *row, int *found, struct err *err);

/* Run a "SELECT count(*) ..." statement into *total. */
int pg_count(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t *total, struct err *err);

/*
 * Run an "INSERT ... ON CONFLICT DO NOTHING RETURNING id": *id is the new
 * row's, or 0 when a unique constraint kept it out.  Such an insert never
 * aborts the transaction it runs in, so a caller may go on after a 409
 * (the import lists a refused row and tries the next).
 */
int pg_insert_id(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t *new_id, struct err *err);

/*
 * Map a failed result (NULL: none, the connection broke) onto err and
 * log it: unique or foreign key violation 409 "conflict", serialization
 * failure, deadlock or lock timeout 503 "database_busy", a lost
 * connection 503 "database_unavailable" (reset before the next call),
 * anything else 500 "database".  Returns -1.
 */
int pg_fail(
    struct store *st, const PGresult *r, const char *what, struct err *err);

/* Column col of row as a string in arena memory ("" for NULL); NULL
 * when out of memory. */
const char *pg_col_text(
    const PGresult *r, int row, int col, struct arena *arena);
/* ... as text when not NULL, else NULL (for optional JSON values). */
const char *pg_col_text_or_null(
    const PGresult *r, int row, int col, struct arena *arena);
/* Column col as an integer (0 for NULL); as a boolean ("t") 1 or 0. */
int64_t pg_col_int(const PGresult *r, int row, int col);
int pg_col_bool(const PGresult *r, int row, int col);

/* "%q%" for LIKE with its wildcards escaped (backslash, PostgreSQL's
 * default escape), in arena memory; NULL when q is NULL or empty. */
const char *pg_like_pattern(struct arena *arena, const char *q);

/*
 * The functions of pg_ops: store.h's, named pg_ for store_ (contracts in
 * store.h).  pg.c connects, migrates and holds settings; pg_catalog.c
 * transactions, VRFs, accounts, idempotency and special ranges;
 * pg_pools.c pools and free space; pg_identity.c users, sessions, keys,
 * throttling and the audit log.
 */
struct store *pg_open(
    const char *url, const struct store_options *opt, struct err *err);
void pg_close(struct store *st);
int pg_checkpoint(struct store *st, struct err *err);
int pg_schema(struct store *st, struct store_schema *out, struct err *err);
int pg_migrate_up(struct store *st, int *applied, struct err *err);
int pg_migration_applied_at(struct store *st, int version, struct arena *arena,
    char **applied_at, struct err *err);
int pg_check_ready(struct store *st, struct err *err);
int pg_setting_get(struct store *st, const char *key, struct arena *arena,
    char **value, struct err *err);
int pg_setting_set(
    struct store *st, const char *key, const char *value, struct err *err);
int pg_begin(struct store *st, int immediate, struct err *err);
int pg_commit(struct store *st, struct err *err);
void pg_rollback(struct store *st);
int pg_vrf_insert(
    struct store *st, const struct store_vrf *in, int64_t *id, struct err *err);
int pg_vrf_get(struct store *st, int64_t id, struct arena *arena,
    struct store_vrf *out, struct err *err);
int pg_vrf_find_name(struct store *st, const char *name, struct arena *arena,
    struct store_vrf *out, int *found, struct err *err);
int pg_vrf_update(
    struct store *st, const struct store_vrf *in, struct err *err);
int pg_vrf_delete(struct store *st, int64_t id, struct err *err);
int pg_vrf_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_vrf **out, size_t *n, struct err *err);
int pg_account_insert(struct store *st, const struct store_account *in,
    int64_t *id, struct err *err);
int pg_account_get(struct store *st, int64_t id, struct arena *arena,
    struct store_account *out, struct err *err);
int pg_account_update(
    struct store *st, const struct store_account *in, struct err *err);
int pg_account_delete(struct store *st, int64_t id, struct err *err);
int pg_account_list(struct store *st, struct arena *arena,
    const struct store_account_filter *f, struct store_page *page,
    struct store_account **out, size_t *n, struct err *err);
int pg_account_find_key(struct store *st, const char *provider,
    const char *external_key, struct arena *arena, struct store_account *out,
    int *found, struct err *err);
int pg_pool_insert(struct store *st, const struct store_pool *in,
    struct arena *arena, struct store_pool *out, struct err *err);
int pg_pool_get(struct store *st, int64_t id, struct arena *arena,
    struct store_pool *out, struct err *err);
int pg_pool_update(
    struct store *st, const struct store_pool *in, struct err *err);
int pg_pool_delete(struct store *st, int64_t id, struct err *err);
int pg_pool_set_used(struct store *st, int64_t id, uint64_t top, uint64_t high,
    uint64_t low, int64_t children, struct err *err);
int pg_pool_list(struct store *st, struct arena *arena,
    const struct store_pool_filter *f, struct store_page *page,
    struct store_pool **out, size_t *n, struct err *err);
int pg_pool_overlapping_sibling(struct store *st, int64_t vrf_id,
    int64_t parent_id, int family, const char *first_key, const char *last_key,
    struct arena *arena, struct store_pool *out, int *found, struct err *err);
int pg_pool_by_cidrs(struct store *st, int64_t vrf_id, const char *const *cidrs,
    size_t ncidrs, struct arena *arena, struct store_pool **out, size_t *n,
    struct err *err);
int pg_pool_within(struct store *st, int64_t vrf_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_page *page, struct store_pool **out, size_t *n,
    struct err *err);
int pg_pool_child_in(struct store *st, int64_t parent_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_pool *out, int *found, struct err *err);
int pg_pool_descendants(struct store *st, int64_t id, struct arena *arena,
    int64_t **ids, size_t *n, struct err *err);
int pg_pool_recent(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);
int pg_pool_parents(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);
int pg_totals(struct store *st, struct store_totals *out, struct err *err);
int pg_free_insert(struct store *st, int64_t pool_id,
    const struct store_free_block *b, struct err *err);
int pg_free_delete(
    struct store *st, int64_t pool_id, const char *first_key, struct err *err);
int pg_pool_get_free(struct store *st, int64_t id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_pool *pool,
    struct store_free_block *free, int *found, struct err *err);
int pg_free_find(struct store *st, int64_t pool_id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_free_block *out,
    int *found, struct err *err);
int pg_free_at(struct store *st, int64_t pool_id, const char *key,
    struct arena *arena, struct store_free_block *out, int *found,
    struct err *err);
int pg_free_list(struct store *st, int64_t pool_id, const char *from_key,
    int64_t limit, struct arena *arena, struct store_free_block **out,
    size_t *n, struct err *err);
int pg_idempotency_get(struct store *st, const char *scope, const char *key,
    struct arena *arena, char **request_hash, int *status, char **response,
    int *found, struct err *err);
int pg_idempotency_put(struct store *st, const char *scope, const char *key,
    const char *request_hash, int status, const char *response,
    struct err *err);
int pg_special_overlapping(struct store *st, int family, const char *first_key,
    const char *last_key, struct arena *arena, struct store_special **out,
    size_t *n, struct err *err);
int pg_special_list(struct store *st, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err);
int pg_special_set_allowed(
    struct store *st, int64_t id, int allowed, struct err *err);
int pg_user_insert(struct store *st, const struct store_user *in, int64_t *id,
    struct err *err);
int pg_user_get(struct store *st, int64_t id, struct arena *arena,
    struct store_user *out, struct err *err);
int pg_user_find(struct store *st, const char *username, struct arena *arena,
    struct store_user *out, int *found, struct err *err);
int pg_user_update(
    struct store *st, const struct store_user *in, struct err *err);
int pg_user_set_login(struct store *st, int64_t id, struct err *err);
int pg_user_delete(struct store *st, int64_t id, struct err *err);
int pg_user_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_user **out, size_t *n, struct err *err);
int pg_user_counts(
    struct store *st, int64_t *all, int64_t *admins, struct err *err);
int pg_session_insert(
    struct store *st, const struct store_session *in, struct err *err);
int pg_session_get(struct store *st, const char *id_hash, struct arena *arena,
    struct store_session *out, int *found, struct err *err);
int pg_session_touch(
    struct store *st, const char *id_hash, int64_t now, struct err *err);
int pg_session_delete(struct store *st, const char *id_hash, struct err *err);
int pg_session_delete_user(struct store *st, int64_t user_id, struct err *err);
int pg_key_insert(struct store *st, const struct store_api_key *in, int64_t *id,
    struct err *err);
int pg_key_get(struct store *st, int64_t id, struct arena *arena,
    struct store_api_key *out, struct err *err);
int pg_key_list(struct store *st, int64_t user_id, struct arena *arena,
    struct store_page *page, struct store_api_key **out, size_t *n,
    struct err *err);
int pg_key_touch(struct store *st, int64_t id, int64_t now, struct err *err);
int pg_key_revoke(struct store *st, int64_t id, int64_t now, struct err *err);
int pg_throttle_get(struct store *st, const char *key,
    struct store_throttle *out, int *found, struct err *err);
int pg_throttle_put(struct store *st, const char *key,
    const struct store_throttle *in, struct err *err);
int pg_throttle_clear(struct store *st, const char *key, struct err *err);
/* Insert the transaction's audit events (pg_commit, before COMMIT);
 * forget them (rollback); and free their memory (pg_close). */
int pg_audit_flush(struct store *st, struct err *err);
void pg_audit_discard(struct pg_store *db);
void pg_audit_free(struct pg_store *db);
int pg_audit_insert(
    struct store *st, const struct store_audit *in, struct err *err);
int pg_audit_list(struct store *st, struct arena *arena,
    const struct store_audit_filter *f, struct store_page *page,
    struct store_audit **out, size_t *n, struct err *err);

/* The copy functions of pg_ops (store.h's store_copy_*, given the
 * table's description), in pg_copy.c. */
int pg_copy_count(struct store *st, const struct store_copy_def *d,
    int64_t *rows, struct err *err);
int pg_copy_read(struct store *st, const struct store_copy_def *d,
    const char *const *after, size_t limit, struct arena *arena,
    const char ***values, size_t *n, struct err *err);
int pg_copy_write(struct store *st, const struct store_copy_def *d,
    const char *const *values, size_t n, struct err *err);
int pg_copy_clear(
    struct store *st, const struct store_copy_def *d, struct err *err);
int pg_copy_id_high(struct store *st, const struct store_copy_def *d,
    int64_t *high, struct err *err);
int pg_copy_set_id_high(struct store *st, const struct store_copy_def *d,
    int64_t high, struct err *err);

#endif
