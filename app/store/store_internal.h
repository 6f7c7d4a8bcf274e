/*
 * store_internal.h: what store.c and the backends share.
 *
 * A backend is a table of functions, struct store_ops, one entry per
 * function of store.h with the same parameters (minus the "store_"
 * prefix of its name).  Every backend's connection begins with a
 * struct store, so a struct store * is also a pointer to the backend's
 * own struct (sqlite_internal.h, pg_internal.h); store.c reaches the
 * backend through st->ops and nothing else.  Never included from outside
 * app/store.
 */
#ifndef CLOUDPAM_STORE_STORE_INTERNAL_H
#define CLOUDPAM_STORE_STORE_INTERNAL_H

#include "store/migrations.h"
#include "store/store.h"

struct store_copy_def;

struct store_ops {
	const char *name; /* store_backend(): "sqlite", "postgres" */
	/* The URL prefixes this backend answers to, NULL-terminated. */
	const char *const *schemes;
	const struct store_migration *migrations; /* store_migrations() */
	struct store *(*open)(
	    const char *url, const struct store_options *opt, struct err *err);
	void (*close)(struct store *st);
	int (*checkpoint)(struct store *st, struct err *err);
	int (*schema)(
	    struct store *st, struct store_schema *out, struct err *err);
	int (*migrate_up)(struct store *st, int *applied, struct err *err);
	int (*migration_applied_at)(struct store *st, int version,
	    struct arena *arena, char **applied_at, struct err *err);
	int (*check_ready)(struct store *st, struct err *err);
	int (*setting_get)(struct store *st, const char *key,
	    struct arena *arena, char **value, struct err *err);
	int (*setting_set)(struct store *st, const char *key, const char *value,
	    struct err *err);
	int (*begin)(struct store *st, int immediate, struct err *err);
	int (*commit)(struct store *st, struct err *err);
	void (*rollback)(struct store *st);
	int (*vrf_insert)(struct store *st, const struct store_vrf *in,
	    int64_t *id, struct err *err);
	int (*vrf_get)(struct store *st, int64_t id, struct arena *arena,
	    struct store_vrf *out, struct err *err);
	int (*vrf_find_name)(struct store *st, const char *name,
	    struct arena *arena, struct store_vrf *out, int *found,
	    struct err *err);
	int (*vrf_update)(
	    struct store *st, const struct store_vrf *in, struct err *err);
	int (*vrf_delete)(struct store *st, int64_t id, struct err *err);
	int (*vrf_list)(struct store *st, struct arena *arena,
	    struct store_page *page, struct store_vrf **out, size_t *n,
	    struct err *err);
	int (*account_insert)(struct store *st, const struct store_account *in,
	    int64_t *id, struct err *err);
	int (*account_get)(struct store *st, int64_t id, struct arena *arena,
	    struct store_account *out, struct err *err);
	int (*account_update)(
	    struct store *st, const struct store_account *in, struct err *err);
	int (*account_delete)(struct store *st, int64_t id, struct err *err);
	int (*account_list)(struct store *st, struct arena *arena,
	    const struct store_account_filter *f, struct store_page *page,
	    struct store_account **out, size_t *n, struct err *err);
	int (*account_find_key)(struct store *st, const char *provider,
	    const char *external_key, struct arena *arena,
	    struct store_account *out, int *found, struct err *err);
	int (*pool_insert)(struct store *st, const struct store_pool *in,
	    struct arena *arena, struct store_pool *out, struct err *err);
	int (*pool_get)(struct store *st, int64_t id, struct arena *arena,
	    struct store_pool *out, struct err *err);
	int (*pool_update)(
	    struct store *st, const struct store_pool *in, struct err *err);
	int (*pool_delete)(struct store *st, int64_t id, struct err *err);
	int (*pool_set_used)(struct store *st, int64_t id, uint64_t top,
	    uint64_t high, uint64_t low, int64_t children, struct err *err);
	int (*pool_list)(struct store *st, struct arena *arena,
	    const struct store_pool_filter *f, struct store_page *page,
	    struct store_pool **out, size_t *n, struct err *err);
	int (*pool_overlapping_sibling)(struct store *st, int64_t vrf_id,
	    int64_t parent_id, int family, const char *first_key,
	    const char *last_key, struct arena *arena, struct store_pool *out,
	    int *found, struct err *err);
	int (*pool_by_cidrs)(struct store *st, int64_t vrf_id,
	    const char *const *cidrs, size_t ncidrs, struct arena *arena,
	    struct store_pool **out, size_t *n, struct err *err);
	int (*pool_within)(struct store *st, int64_t vrf_id, int family,
	    const char *first_key, const char *last_key, struct arena *arena,
	    struct store_page *page, struct store_pool **out, size_t *n,
	    struct err *err);
	int (*pool_child_in)(struct store *st, int64_t parent_id, int family,
	    const char *first_key, const char *last_key, struct arena *arena,
	    struct store_pool *out, int *found, struct err *err);
	int (*pool_descendants)(struct store *st, int64_t id,
	    struct arena *arena, int64_t **ids, size_t *n, struct err *err);
	int (*pool_recent)(struct store *st, int64_t limit, struct arena *arena,
	    struct store_pool **out, size_t *n, struct err *err);
	int (*pool_parents)(struct store *st, int64_t limit,
	    struct arena *arena, struct store_pool **out, size_t *n,
	    struct err *err);
	int (*totals)(
	    struct store *st, struct store_totals *out, struct err *err);
	int (*free_insert)(struct store *st, int64_t pool_id,
	    const struct store_free_block *b, struct err *err);
	int (*free_delete)(struct store *st, int64_t pool_id,
	    const char *first_key, struct err *err);
	int (*pool_get_free)(struct store *st, int64_t id, int max_len,
	    enum store_fit fit, struct arena *arena, struct store_pool *pool,
	    struct store_free_block *free, int *found, struct err *err);
	int (*free_find)(struct store *st, int64_t pool_id, int max_len,
	    enum store_fit fit, struct arena *arena,
	    struct store_free_block *out, int *found, struct err *err);
	int (*free_at)(struct store *st, int64_t pool_id, const char *key,
	    struct arena *arena, struct store_free_block *out, int *found,
	    struct err *err);
	int (*free_list)(struct store *st, int64_t pool_id,
	    const char *from_key, int64_t limit, struct arena *arena,
	    struct store_free_block **out, size_t *n, struct err *err);
	int (*idempotency_get)(struct store *st, const char *scope,
	    const char *key, struct arena *arena, char **request_hash,
	    int *status, char **response, int *found, struct err *err);
	int (*idempotency_put)(struct store *st, const char *scope,
	    const char *key, const char *request_hash, int status,
	    const char *response, struct err *err);
	int (*special_overlapping)(struct store *st, int family,
	    const char *first_key, const char *last_key, struct arena *arena,
	    struct store_special **out, size_t *n, struct err *err);
	int (*special_list)(struct store *st, struct arena *arena,
	    struct store_special **out, size_t *n, struct err *err);
	int (*special_set_allowed)(
	    struct store *st, int64_t id, int allowed, struct err *err);
	int (*user_insert)(struct store *st, const struct store_user *in,
	    int64_t *id, struct err *err);
	int (*user_get)(struct store *st, int64_t id, struct arena *arena,
	    struct store_user *out, struct err *err);
	int (*user_find)(struct store *st, const char *username,
	    struct arena *arena, struct store_user *out, int *found,
	    struct err *err);
	int (*user_update)(
	    struct store *st, const struct store_user *in, struct err *err);
	int (*user_set_login)(struct store *st, int64_t id, struct err *err);
	int (*user_delete)(struct store *st, int64_t id, struct err *err);
	int (*user_list)(struct store *st, struct arena *arena,
	    struct store_page *page, struct store_user **out, size_t *n,
	    struct err *err);
	int (*user_counts)(
	    struct store *st, int64_t *all, int64_t *admins, struct err *err);
	int (*session_insert)(
	    struct store *st, const struct store_session *in, struct err *err);
	int (*session_get)(struct store *st, const char *id_hash,
	    struct arena *arena, struct store_session *out, int *found,
	    struct err *err);
	int (*session_touch)(struct store *st, const char *id_hash, int64_t now,
	    struct err *err);
	int (*session_delete)(
	    struct store *st, const char *id_hash, struct err *err);
	int (*session_delete_user)(
	    struct store *st, int64_t user_id, struct err *err);
	int (*key_insert)(struct store *st, const struct store_api_key *in,
	    int64_t *id, struct err *err);
	int (*key_get)(struct store *st, int64_t id, struct arena *arena,
	    struct store_api_key *out, struct err *err);
	int (*key_list)(struct store *st, int64_t user_id, struct arena *arena,
	    struct store_page *page, struct store_api_key **out, size_t *n,
	    struct err *err);
	int (*key_touch)(
	    struct store *st, int64_t id, int64_t now, struct err *err);
	int (*key_revoke)(
	    struct store *st, int64_t id, int64_t now, struct err *err);
	int (*throttle_get)(struct store *st, const char *key,
	    struct store_throttle *out, int *found, struct err *err);
	int (*throttle_put)(struct store *st, const char *key,
	    const struct store_throttle *in, struct err *err);
	int (*throttle_clear)(
	    struct store *st, const char *key, struct err *err);
	int (*audit_insert)(
	    struct store *st, const struct store_audit *in, struct err *err);
	int (*audit_list)(struct store *st, struct arena *arena,
	    const struct store_audit_filter *f, struct store_page *page,
	    struct store_audit **out, size_t *n, struct err *err);
	int (*copy_count)(struct store *st, const struct store_copy_def *d,
	    int64_t *rows, struct err *err);
	int (*copy_read)(struct store *st, const struct store_copy_def *d,
	    const char *const *after, size_t limit, struct arena *arena,
	    const char ***values, size_t *n, struct err *err);
	int (*copy_write)(struct store *st, const struct store_copy_def *d,
	    const char *const *values, size_t n, struct err *err);
	int (*copy_clear)(
	    struct store *st, const struct store_copy_def *d, struct err *err);
	int (*copy_id_high)(struct store *st, const struct store_copy_def *d,
	    int64_t *high, struct err *err);
	int (*copy_set_id_high)(struct store *st,
	    const struct store_copy_def *d, int64_t high, struct err *err);
};

/*
 * How a column of a copied table is kept, and so how each backend reads
 * it into the canonical text of store_copy_read() and writes it back.
 */
enum store_copy_kind {
	STORE_COPY_TEXT,     /* text as it is */
	STORE_COPY_INT,      /* an integer, in decimal */
	STORE_COPY_BOOL,     /* "0" or "1" (PostgreSQL: boolean) */
	STORE_COPY_TIME,     /* "2026-11-23T01:02:03Z" (timestamptz) */
	STORE_COPY_TIME_MS,  /* "2026-11-23T01:02:03.456Z" (timestamptz) */
	STORE_COPY_TIME_OPT, /* as STORE_COPY_TIME, "" for never (NULL) */
	STORE_COPY_KIND__MAX
};

struct store_copy_column {
	const char *name;
	enum store_copy_kind kind;
};

/*
 * One table a copy moves: its columns in the order they travel, the
 * first nkeys of them its primary key (the order rows are read in).  The
 * names are SQL identifiers of our schema, the only text a backend puts
 * into a copy statement besides fixed SQL; values are always bound.
 */
struct store_copy_def {
	const char *name;
	const struct store_copy_column *columns;
	size_t ncolumns;
	size_t nkeys;
	/*
	 * Rows `migrate up` seeds, which a copy deletes and replaces with
	 * the source's; -1: any number (configuration that a server started
	 * on the target may have written already).
	 */
	int seeded;
	int has_id; /* column 0 is "id", handed out by the database */
};

/* Every table a copy moves, indexed by enum store_copy_table. */
extern const struct store_copy_def store_copy_defs[STORE_COPY__MAX];

/* Columns of the widest copied table. */
#define STORE_COPY_COLUMNS_MAX 32

/* The first member of every backend's connection struct. */
struct store {
	const struct store_ops *ops;
};

extern const struct store_ops sqlite_ops;
extern const struct store_ops pg_ops;

#endif
