/*
 * store.h: the one storage interface of CloudPAM.
 *
 * Everything the domain keeps goes through these functions; the SQL of
 * each backend lives with the backend (sqlite*.c, pg*.c), prepared once
 * per connection.  store.c forwards each call to the backend the URL
 * named (store_internal.h).  A store is one connection, opened by a
 * worker after it is forked and used for the worker's life.
 *
 * Errors map onto struct err: a busy or locked database is 503
 * "database_busy", a lost or unreadable database 503 "database_unavailable",
 * anything unexpected 500 "database" (logged with the backend's message).
 */
#ifndef CLOUDPAM_STORE_STORE_H
#define CLOUDPAM_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"

struct store;

struct store_options {
	int busy_timeout_ms; /* how long to wait for a lock */
	int readonly;        /* open for reading only */
	/*
	 * Leave checkpoints to store_checkpoint() called by someone else
	 * (the supervisor), so no request pays for one.
	 */
	int external_checkpoints;
};

/*
 * Open the database named by url: "sqlite:PATH" (the file is created
 * unless readonly) or a libpq URI "postgres://..." / "postgresql://...".
 * Returns NULL with err filled when the URL names no known backend or the
 * database cannot be opened.
 */
struct store *store_open(
    const char *url, const struct store_options *opt, struct err *err);

/* Close the connection and finalise its statements.  Accepts NULL. */
void store_free(struct store *st);

/*
 * Move what the write-ahead log holds into the database, without waiting
 * for readers (SQLite's PASSIVE checkpoint).  A no-op for backends that
 * need none.  -1 with err on failure.
 */
int store_checkpoint(struct store *st, struct err *err);

/* The backend's name: "sqlite" or "postgres". */
const char *store_backend(const struct store *st);

/* The name of the backend a URL would open; NULL for none. */
const char *store_url_backend(const char *url);

struct store_migration;

/* The migrations this binary carries for st's backend (migrations.h),
 * ending with an entry whose sql is NULL.  Static data. */
const struct store_migration *store_migrations(const struct store *st);

struct store_schema {
	int current; /* highest applied version, 0 for an empty database */
	int known;   /* highest version this binary carries */
	int applied; /* number of applied migrations */
};

/* Read the schema state.  A database with no migration table is 0. */
int store_schema(struct store *st, struct store_schema *out, struct err *err);

/*
 * Apply every migration newer than the database, each in its own
 * transaction, recording it in schema_migrations.  *applied receives how
 * many ran.  Refuses (err "schema_newer") a database newer than the
 * binary.  A failing migration is rolled back and named in err.
 */
int store_migrate_up(struct store *st, int *applied, struct err *err);

/* Name and time of applied migration version, for `migrate status`. */
int store_migration_applied_at(struct store *st, int version,
    struct arena *arena, char **applied_at, struct err *err);

/*
 * Readiness: the database answers a query and its schema is current.
 * 0 when ready, else -1 with err (503) saying why.
 */
int store_check_ready(struct store *st, struct err *err);

/* A value of the settings table into arena memory; NULL when absent. */
int store_setting_get(struct store *st, const char *key, struct arena *arena,
    char **value, struct err *err);

/* Set a value of the settings table (insert or replace). */
int store_setting_set(
    struct store *st, const char *key, const char *value, struct err *err);

/* --- transactions ------------------------------------------------- */

/*
 * Begin a transaction; immediate makes it a writer that never acts on a
 * stale read: SQLite takes the write lock at once (BEGIN IMMEDIATE), so
 * two writers never both read then both write; PostgreSQL locks the rows
 * whose reads decide the write (the parent pool, the VRF of a top-level
 * pool, see pg_catalog.c).  Without immediate the transaction reads one
 * snapshot.
 */
int store_begin(struct store *st, int immediate, struct err *err);
int store_commit(struct store *st, struct err *err);
/* Roll back; harmless when no transaction is open. */
void store_rollback(struct store *st);

/* --- rows ----------------------------------------------------------- */

/*
 * Rows point into the arena given to the call that read them.  Integer
 * references that are absent are 0.
 */
struct store_vrf {
	int64_t id;
	const char *name;
	const char *rd;
	const char *description;
	const char *created_at;
	const char *updated_at;
	int64_t pools;
};

struct store_account {
	int64_t id;
	const char *provider;
	const char *external_key;
	const char *name;
	const char *platform;
	const char *tier;
	const char *environment;
	const char *regions; /* JSON array text */
	const char *tags;    /* JSON object text */
	const char *description;
	const char *created_at;
	const char *updated_at;
	int64_t pools;
};

struct store_pool {
	int64_t id;
	const char *name;
	const char *cidr;
	int family; /* 4 or 6 */
	int prefix_len;
	const char *first_key;
	const char *last_key;
	int64_t vrf_id;
	int64_t parent_id;
	int64_t account_id;
	const char *type;
	const char *status;
	const char *source;
	const char *description;
	const char *tags; /* JSON object text */
	const char *external_id;
	const char *region;
	uint64_t used_top, used_high, used_low; /* addresses in children */
	int64_t children;
	const char *created_at;
	const char *updated_at;
	const char *created_by;
	const char *updated_by;
	const char *vrf_name;     /* joined */
	const char *account_name; /* joined, "" without account */
};

struct store_free_block {
	const char *first_key;
	int prefix_len;
	const char *cidr;
};

struct store_special {
	int64_t id;
	const char *cidr;
	const char *name;
	const char *reference;
	const char *registry;
	const char *category;
	int always_allowed;
	int allowed;
};

/* A page of a list: offset and limit in, total out. */
struct store_page {
	int64_t offset;
	int64_t limit;
	int64_t total;
};

/* --- VRFs ----------------------------------------------------------- */

int store_vrf_insert(
    struct store *st, const struct store_vrf *in, int64_t *id, struct err *err);
/* 404 "not_found" when there is no such VRF. */
int store_vrf_get(struct store *st, int64_t id, struct arena *arena,
    struct store_vrf *out, struct err *err);
int store_vrf_find_name(struct store *st, const char *name, struct arena *arena,
    struct store_vrf *out, int *found, struct err *err);
int store_vrf_update(
    struct store *st, const struct store_vrf *in, struct err *err);
int store_vrf_delete(struct store *st, int64_t id, struct err *err);
int store_vrf_list(struct store *st, struct arena *arena,
    struct store_page *page, struct store_vrf **out, size_t *n,
    struct err *err);

/* --- accounts ------------------------------------------------------- */

struct store_account_filter {
	const char *q;        /* name or external key contains */
	const char *provider; /* exact, or NULL */
};

int store_account_insert(struct store *st, const struct store_account *in,
    int64_t *id, struct err *err);
int store_account_get(struct store *st, int64_t id, struct arena *arena,
    struct store_account *out, struct err *err);
int store_account_update(
    struct store *st, const struct store_account *in, struct err *err);
int store_account_delete(struct store *st, int64_t id, struct err *err);
int store_account_list(struct store *st, struct arena *arena,
    const struct store_account_filter *f, struct store_page *page,
    struct store_account **out, size_t *n, struct err *err);
/* The account with this provider and key: *found 0 when none. */
int store_account_find_key(struct store *st, const char *provider,
    const char *external_key, struct arena *arena, struct store_account *out,
    int *found, struct err *err);

/* --- pools ---------------------------------------------------------- */

struct store_pool_filter {
	int64_t vrf_id;     /* 0: any */
	int64_t parent_id;  /* 0: any; -1: top-level only */
	int64_t account_id; /* 0: any */
	const char *type;
	const char *status;
	const char *source;
	int family;          /* 0: any */
	const char *tag_key; /* with tag_value: tags[key] == value */
	const char *tag_value;
	const char *q;   /* name, cidr, external id or description */
	int leaves_only; /* pools without children */
};

/* Insert; in->id is ignored.  Fills *out with the pool as stored (as
 * store_pool_get reads it; one statement on PostgreSQL). */
int store_pool_insert(struct store *st, const struct store_pool *in,
    struct arena *arena, struct store_pool *out, struct err *err);
int store_pool_get(struct store *st, int64_t id, struct arena *arena,
    struct store_pool *out, struct err *err);
/* Write the changeable fields (name, account, type, status, description,
 * tags, external id, region, updated_by) of in->id. */
int store_pool_update(
    struct store *st, const struct store_pool *in, struct err *err);
int store_pool_delete(struct store *st, int64_t id, struct err *err);
/* Set the utilization counters and child count of a pool. */
int store_pool_set_used(struct store *st, int64_t id, uint64_t top,
    uint64_t high, uint64_t low, int64_t children, struct err *err);
int store_pool_list(struct store *st, struct arena *arena,
    const struct store_pool_filter *f, struct store_page *page,
    struct store_pool **out, size_t *n, struct err *err);
/*
 * The sibling (same VRF and parent, 0 for top-level) whose range overlaps
 * [first_key, last_key] of family; *found 0 when none.
 */
int store_pool_overlapping_sibling(struct store *st, int64_t vrf_id,
    int64_t parent_id, int family, const char *first_key, const char *last_key,
    struct arena *arena, struct store_pool *out, int *found, struct err *err);
/*
 * Pools whose cidr is one of cidrs[0..ncidrs) (in vrf_id, or any VRF when
 * 0), most specific first: the pools containing an address or prefix.
 */
int store_pool_by_cidrs(struct store *st, int64_t vrf_id,
    const char *const *cidrs, size_t ncidrs, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);
/* Pools of family inside [first_key, last_key] (any VRF when 0). */
int store_pool_within(struct store *st, int64_t vrf_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_page *page, struct store_pool **out, size_t *n,
    struct err *err);
/*
 * The direct child of parent_id (of family, 4 or 6) that overlaps
 * [first_key, last_key], if any: one index seek, as children never
 * overlap.  *found 0 when none.
 */
int store_pool_child_in(struct store *st, int64_t parent_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_pool *out, int *found, struct err *err);
/* Ids of every descendant of id, deepest first (for cascade deletes). */
int store_pool_descendants(struct store *st, int64_t id, struct arena *arena,
    int64_t **ids, size_t *n, struct err *err);

/* The pools changed last, newest first. */
int store_pool_recent(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);
/* Pools that have children (for "fullest pools"), by id. */
int store_pool_parents(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err);

struct store_totals {
	int64_t pools, vrfs, accounts;
};
int store_totals(struct store *st, struct store_totals *out, struct err *err);

/* --- free space ------------------------------------------------------ */

enum store_fit {
	STORE_FIT_FIRST,   /* lowest address */
	STORE_FIT_BEST,    /* smallest free block that fits */
	STORE_FIT_LAST,    /* highest address */
	STORE_FIT_LARGEST, /* the largest free block */
	STORE_FIT__MAX
};

int store_free_insert(struct store *st, int64_t pool_id,
    const struct store_free_block *b, struct err *err);
int store_free_delete(
    struct store *st, int64_t pool_id, const char *first_key, struct err *err);
/*
 * A free block of pool_id with prefix length at most max_len, chosen by
 * fit; *found 0 when none.
 */
int store_free_find(struct store *st, int64_t pool_id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_free_block *out,
    int *found, struct err *err);
/*
 * store_pool_get of id and store_free_find in it, in one call: on
 * PostgreSQL one round trip, the free space read after the pool (and its
 * row lock, in a write transaction).  An allocation's first read.
 */
int store_pool_get_free(struct store *st, int64_t id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_pool *pool,
    struct store_free_block *free, int *found, struct err *err);
/* The free block starting at or before key (the one that may contain
 * it); *found 0 when none. */
int store_free_at(struct store *st, int64_t pool_id, const char *key,
    struct arena *arena, struct store_free_block *out, int *found,
    struct err *err);
/* Free blocks of pool_id starting at or after from_key, in order. */
int store_free_list(struct store *st, int64_t pool_id, const char *from_key,
    int64_t limit, struct arena *arena, struct store_free_block **out,
    size_t *n, struct err *err);

/* --- idempotency ------------------------------------------------------ */

/* The stored answer for (scope, key): *found 0 when none. */
int store_idempotency_get(struct store *st, const char *scope, const char *key,
    struct arena *arena, char **request_hash, int *status, char **response,
    int *found, struct err *err);
int store_idempotency_put(struct store *st, const char *scope, const char *key,
    const char *request_hash, int status, const char *response,
    struct err *err);

/* --- special-purpose ranges ----------------------------------------- */

/* Refused (not allowed) special ranges overlapping [first, last]. */
int store_special_overlapping(struct store *st, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err);
int store_special_list(struct store *st, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err);
int store_special_set_allowed(
    struct store *st, int64_t id, int allowed, struct err *err);

/* --- identity: users, sessions, API keys, login throttling ------------ */

struct store_user {
	int64_t id;
	const char *username;
	const char *display_name;
	const char *email;
	const char *role;          /* admin operator viewer auditor */
	const char *source;        /* local sso */
	const char *password_hash; /* argon2id encoded; "" for SSO users */
	int disabled;
	const char *created_at;
	const char *updated_at;
	const char *last_login_at; /* "" never */
};

/* Insert; 409 "conflict" when the username is taken. */
int store_user_insert(struct store *st, const struct store_user *in,
    int64_t *id, struct err *err);
/* 404 "not_found" when there is no such user. */
int store_user_get(struct store *st, int64_t id, struct arena *arena,
    struct store_user *out, struct err *err);
int store_user_find(struct store *st, const char *username, struct arena *arena,
    struct store_user *out, int *found, struct err *err);
/* Write display name, email, role, source, password hash and disabled. */
int store_user_update(
    struct store *st, const struct store_user *in, struct err *err);
int store_user_set_login(struct store *st, int64_t id, struct err *err);
int store_user_delete(struct store *st, int64_t id, struct err *err);
int store_user_list(struct store *st, struct arena *arena,
    struct store_page *page, struct store_user **out, size_t *n,
    struct err *err);
/* Users in all; enabled admins in admins. */
int store_user_counts(
    struct store *st, int64_t *all, int64_t *admins, struct err *err);

struct store_session {
	const char *id_hash; /* SHA-256 hex of the cookie value */
	int64_t user_id;
	int64_t created_at; /* Unix seconds */
	int64_t last_seen_at;
	const char *client_addr;
	struct store_user user; /* joined on reads */
};

int store_session_insert(
    struct store *st, const struct store_session *in, struct err *err);
/* The session and its user; *found 0 when none. */
int store_session_get(struct store *st, const char *id_hash,
    struct arena *arena, struct store_session *out, int *found,
    struct err *err);
int store_session_touch(
    struct store *st, const char *id_hash, int64_t now, struct err *err);
int store_session_delete(
    struct store *st, const char *id_hash, struct err *err);
/* End every session of a user. */
int store_session_delete_user(
    struct store *st, int64_t user_id, struct err *err);

struct store_api_key {
	int64_t id;
	int64_t user_id;
	const char *name;
	const char *scope;    /* read write collector */
	const char *accounts; /* JSON array of account ids (collector) */
	const char *secret_hash;
	int64_t expires_at; /* Unix seconds; 0 never */
	int64_t last_used_at;
	int64_t revoked_at; /* 0 not revoked */
	const char *created_at;
	struct store_user user; /* the owner, joined on reads */
};

int store_key_insert(struct store *st, const struct store_api_key *in,
    int64_t *id, struct err *err);
/* 404 "not_found" when there is no such key. */
int store_key_get(struct store *st, int64_t id, struct arena *arena,
    struct store_api_key *out, struct err *err);
/* Keys of user_id (0: every user), newest first. */
int store_key_list(struct store *st, int64_t user_id, struct arena *arena,
    struct store_page *page, struct store_api_key **out, size_t *n,
    struct err *err);
int store_key_touch(struct store *st, int64_t id, int64_t now, struct err *err);
int store_key_revoke(
    struct store *st, int64_t id, int64_t now, struct err *err);

struct store_throttle {
	int64_t failures;
	int64_t last_failure_at;
	int64_t locked_until;
};

/* Failed logins under key ("user:NAME", "addr:IP"); *found 0 when none. */
int store_throttle_get(struct store *st, const char *key,
    struct store_throttle *out, int *found, struct err *err);
int store_throttle_put(struct store *st, const char *key,
    const struct store_throttle *in, struct err *err);
int store_throttle_clear(struct store *st, const char *key, struct err *err);

/* --- audit log (append only) ------------------------------------------ */

struct store_audit {
	int64_t id;
	const char *at; /* ISO 8601 UTC with milliseconds */
	const char *actor;
	const char *actor_type; /* user key system anonymous */
	int64_t key_id;         /* the API key used, 0 none */
	const char *action;     /* "pool.create" */
	const char *object_type;
	const char *object_id;
	const char *before; /* JSON text or NULL */
	const char *after;
	const char *request_id;
	const char *client_addr;
};

struct store_audit_filter {
	const char *actor;
	const char *action;
	const char *object_type;
	const char *object_id;
	const char *since; /* at >= since */
	const char *until; /* at < until */
	int64_t after_id;  /* id > after_id (oldest first), for exports */
};

int store_audit_insert(
    struct store *st, const struct store_audit *in, struct err *err);
/* Events matching f, newest first (oldest first with f->after_id). */
int store_audit_list(struct store *st, struct arena *arena,
    const struct store_audit_filter *f, struct store_page *page,
    struct store_audit **out, size_t *n, struct err *err);

/* --- copying a whole database (`cloudpam migrate copy`) --------------- */

/*
 * The tables a copy moves, in the order it moves them: parents before
 * children, so every row's references are there before it is.  Each
 * column travels as text or NULL in one canonical form on every backend
 * (times as ISO 8601 UTC text as the API answers them, flags "0" or "1",
 * "" for a login never made), so two databases holding the same rows read
 * back the same strings.  SQLite's id high-water marks (id_high) are not
 * a table here: store_copy_id_high() carries them.
 */
enum store_copy_table {
	STORE_COPY_SETTINGS, /* instance name, secret: replaced */
	STORE_COPY_VRFS,     /* the default VRF is replaced */
	STORE_COPY_ACCOUNTS,
	STORE_COPY_POOLS, /* a parent's id is below its children's */
	STORE_COPY_FREE_BLOCKS,
	STORE_COPY_SPECIAL_RANGES, /* the policy flags: replaced */
	STORE_COPY_IDEMPOTENCY_KEYS,
	STORE_COPY_USERS,
	STORE_COPY_SESSIONS, /* so whoever is signed in stays so */
	STORE_COPY_API_KEYS,
	STORE_COPY_LOGIN_THROTTLE, /* so a lockout outlives the move */
	STORE_COPY_AUDIT_EVENTS,
	STORE_COPY__MAX
};

/* The schema version the copy's tables describe (store_copy.c): a copy
 * between databases of any other version is refused. */
#define STORE_COPY_SCHEMA 5

/* The table's name ("pools") and how many columns a row has; static. */
const char *store_copy_name(enum store_copy_table t);
size_t store_copy_columns(enum store_copy_table t);

/* The number of rows of t. */
int store_copy_count(
    struct store *st, enum store_copy_table t, int64_t *rows, struct err *err);

/*
 * Rows of t beyond what `migrate up` leaves in a new database: 0 for a
 * target fit to copy into.  The rows a copy replaces (settings, special
 * range policy, the default VRF) never count.
 */
int store_copy_extra(
    struct store *st, enum store_copy_table t, int64_t *rows, struct err *err);

/*
 * Up to limit rows of t in key order, from the first (after NULL) or
 * from the one after the row after, which is a row this function gave.
 * *values receives *n rows of store_copy_columns(t) values, row after
 * row, each text or NULL for SQL NULL, in arena memory.  In a
 * transaction (store_begin) every page reads the same snapshot.
 */
int store_copy_read(struct store *st, enum store_copy_table t,
    const char *const *after, size_t limit, struct arena *arena,
    const char ***values, size_t *n, struct err *err);

/*
 * Insert n rows of t, laid out as store_copy_read() gives them, ids and
 * all.  A row that collides fails the call with the database's words;
 * the caller rolls back.  At most STORE_COPY_WRITE_MAX rows a call.
 */
#define STORE_COPY_WRITE_MAX 500
int store_copy_write(struct store *st, enum store_copy_table t,
    const char *const *values, size_t n, struct err *err);

/*
 * Delete the rows `migrate up` seeded in the tables a copy replaces, so
 * the copy's own take their place.  Only for a target whose
 * store_copy_extra() is 0 for every table, inside its transaction.
 */
int store_copy_clear_seeds(struct store *st, struct err *err);

/*
 * The highest id t ever handed out, which may be past its highest row
 * (ids are never reused); 0 for a table without ids.
 */
int store_copy_id_high(
    struct store *st, enum store_copy_table t, int64_t *high, struct err *err);

/* Make the ids t hands out from now on higher than high (and than any it
 * handed out already).  A no-op for a table without ids. */
int store_copy_set_id_high(
    struct store *st, enum store_copy_table t, int64_t high, struct err *err);

#endif
