/*
 * store_copy.c: the tables `cloudpam migrate copy` moves, described once
 * for every backend, and store.h's copy functions.
 *
 * Each table lists its columns in the order they travel and how each is
 * kept (enum store_copy_kind); the backends (sqlite_copy.c, pg_copy.c)
 * build their statements from these names alone and turn every value
 * into, and back from, one canonical text.  The list describes schema
 * version STORE_COPY_SCHEMA: a migration that adds a table or a column
 * adds it here too, and raises that number.
 */
#include "store/store.h"

#include "store/store_internal.h"

#define COLUMNS(c) c, sizeof(c) / sizeof(c[0])

static const struct store_copy_column settings[] = {
	{ "key", STORE_COPY_TEXT },
	{ "value", STORE_COPY_TEXT },
	{ "updated_at", STORE_COPY_TIME },
};

static const struct store_copy_column vrfs[] = {
	{ "id", STORE_COPY_INT },
	{ "name", STORE_COPY_TEXT },
	{ "rd", STORE_COPY_TEXT },
	{ "description", STORE_COPY_TEXT },
	{ "created_at", STORE_COPY_TIME },
	{ "updated_at", STORE_COPY_TIME },
};

static const struct store_copy_column accounts[] = {
	{ "id", STORE_COPY_INT },
	{ "provider", STORE_COPY_TEXT },
	{ "external_key", STORE_COPY_TEXT },
	{ "name", STORE_COPY_TEXT },
	{ "platform", STORE_COPY_TEXT },
	{ "tier", STORE_COPY_TEXT },
	{ "environment", STORE_COPY_TEXT },
	{ "regions", STORE_COPY_TEXT },
	{ "tags", STORE_COPY_TEXT },
	{ "description", STORE_COPY_TEXT },
	{ "created_at", STORE_COPY_TIME },
	{ "updated_at", STORE_COPY_TIME },
};

static const struct store_copy_column pools[] = {
	{ "id", STORE_COPY_INT },
	{ "name", STORE_COPY_TEXT },
	{ "cidr", STORE_COPY_TEXT },
	{ "family", STORE_COPY_INT },
	{ "prefix_len", STORE_COPY_INT },
	{ "first_key", STORE_COPY_TEXT },
	{ "last_key", STORE_COPY_TEXT },
	{ "vrf_id", STORE_COPY_INT },
	{ "parent_id", STORE_COPY_INT },
	{ "account_id", STORE_COPY_INT },
	{ "type", STORE_COPY_TEXT },
	{ "status", STORE_COPY_TEXT },
	{ "source", STORE_COPY_TEXT },
	{ "description", STORE_COPY_TEXT },
	{ "tags", STORE_COPY_TEXT },
	{ "external_id", STORE_COPY_TEXT },
	{ "region", STORE_COPY_TEXT },
	{ "used_top", STORE_COPY_INT },
	{ "used_high", STORE_COPY_INT },
	{ "used_low", STORE_COPY_INT },
	{ "children", STORE_COPY_INT },
	{ "created_at", STORE_COPY_TIME },
	{ "updated_at", STORE_COPY_TIME },
	{ "created_by", STORE_COPY_TEXT },
	{ "updated_by", STORE_COPY_TEXT },
};

static const struct store_copy_column free_blocks[] = {
	{ "pool_id", STORE_COPY_INT },
	{ "first_key", STORE_COPY_TEXT },
	{ "prefix_len", STORE_COPY_INT },
	{ "cidr", STORE_COPY_TEXT },
};

static const struct store_copy_column special_ranges[] = {
	{ "id", STORE_COPY_INT },
	{ "cidr", STORE_COPY_TEXT },
	{ "family", STORE_COPY_INT },
	{ "prefix_len", STORE_COPY_INT },
	{ "first_key", STORE_COPY_TEXT },
	{ "last_key", STORE_COPY_TEXT },
	{ "name", STORE_COPY_TEXT },
	{ "reference", STORE_COPY_TEXT },
	{ "registry", STORE_COPY_TEXT },
	{ "category", STORE_COPY_TEXT },
	{ "always_allowed", STORE_COPY_BOOL },
	{ "allowed", STORE_COPY_BOOL },
};

static const struct store_copy_column idempotency_keys[] = {
	{ "scope", STORE_COPY_TEXT },
	{ "key", STORE_COPY_TEXT },
	{ "request_hash", STORE_COPY_TEXT },
	{ "status", STORE_COPY_INT },
	{ "response", STORE_COPY_TEXT },
	{ "created_at", STORE_COPY_TIME },
};

static const struct store_copy_column users[] = {
	{ "id", STORE_COPY_INT },
	{ "username", STORE_COPY_TEXT },
	{ "display_name", STORE_COPY_TEXT },
	{ "email", STORE_COPY_TEXT },
	{ "role", STORE_COPY_TEXT },
	{ "source", STORE_COPY_TEXT },
	{ "password_hash", STORE_COPY_TEXT },
	{ "disabled", STORE_COPY_BOOL },
	{ "created_at", STORE_COPY_TIME },
	{ "updated_at", STORE_COPY_TIME },
	{ "last_login_at", STORE_COPY_TIME_OPT },
};

static const struct store_copy_column sessions[] = {
	{ "id_hash", STORE_COPY_TEXT },
	{ "user_id", STORE_COPY_INT },
	{ "created_at", STORE_COPY_INT },
	{ "last_seen_at", STORE_COPY_INT },
	{ "client_addr", STORE_COPY_TEXT },
};

static const struct store_copy_column api_keys[] = {
	{ "id", STORE_COPY_INT },
	{ "user_id", STORE_COPY_INT },
	{ "name", STORE_COPY_TEXT },
	{ "scope", STORE_COPY_TEXT },
	{ "accounts", STORE_COPY_TEXT },
	{ "secret_hash", STORE_COPY_TEXT },
	{ "expires_at", STORE_COPY_INT },
	{ "last_used_at", STORE_COPY_INT },
	{ "revoked_at", STORE_COPY_INT },
	{ "created_at", STORE_COPY_TIME },
};

static const struct store_copy_column login_throttle[] = {
	{ "key", STORE_COPY_TEXT },
	{ "failures", STORE_COPY_INT },
	{ "last_failure_at", STORE_COPY_INT },
	{ "locked_until", STORE_COPY_INT },
};

static const struct store_copy_column audit_events[] = {
	{ "id", STORE_COPY_INT },
	{ "at", STORE_COPY_TIME_MS },
	{ "actor", STORE_COPY_TEXT },
	{ "actor_type", STORE_COPY_TEXT },
	{ "key_id", STORE_COPY_INT },
	{ "action", STORE_COPY_TEXT },
	{ "object_type", STORE_COPY_TEXT },
	{ "object_id", STORE_COPY_TEXT },
	{ "before", STORE_COPY_TEXT },
	{ "after", STORE_COPY_TEXT },
	{ "request_id", STORE_COPY_TEXT },
	{ "client_addr", STORE_COPY_TEXT },
};

/*
 * Pools go in id order: a pool's parent always has the lower id, as a
 * parent must exist when its child is inserted and ids only grow.
 */
const struct store_copy_def store_copy_defs[STORE_COPY__MAX] = {
	{ "settings", COLUMNS(settings), 1, -1, 0 }, /* STORE_COPY_SETTINGS */
	{ "vrfs", COLUMNS(vrfs), 1, 1, 1 },          /* STORE_COPY_VRFS */
	{ "accounts", COLUMNS(accounts), 1, 0, 1 },  /* STORE_COPY_ACCOUNTS */
	{ "pools", COLUMNS(pools), 1, 0, 1 },        /* STORE_COPY_POOLS */
	{ "free_blocks", COLUMNS(free_blocks), 2, 0,
	    0 }, /* STORE_COPY_FREE_BLOCKS */
	{ "special_ranges", COLUMNS(special_ranges), 1, -1,
	    1 }, /* STORE_COPY_SPECIAL_RANGES */
	{ "idempotency_keys", COLUMNS(idempotency_keys), 2, 0,
	    0 },                              /* STORE_COPY_IDEMPOTENCY_KEYS */
	{ "users", COLUMNS(users), 1, 0, 1 }, /* STORE_COPY_USERS */
	{ "sessions", COLUMNS(sessions), 1, 0, 0 }, /* STORE_COPY_SESSIONS */
	{ "api_keys", COLUMNS(api_keys), 1, 0, 1 }, /* STORE_COPY_API_KEYS */
	{ "login_throttle", COLUMNS(login_throttle), 1, 0,
	    0 }, /* STORE_COPY_LOGIN_THROTTLE */
	{ "audit_events", COLUMNS(audit_events), 1, 0,
	    1 }, /* STORE_COPY_AUDIT_EVENTS */
};

const char *
store_copy_name(enum store_copy_table t)
{
	return store_copy_defs[t].name;
}

size_t
store_copy_columns(enum store_copy_table t)
{
	return store_copy_defs[t].ncolumns;
}

int
store_copy_count(
    struct store *st, enum store_copy_table t, int64_t *rows, struct err *err)
{
	return st->ops->copy_count(st, &store_copy_defs[t], rows, err);
}

int
store_copy_extra(
    struct store *st, enum store_copy_table t, int64_t *rows, struct err *err)
{
	const struct store_copy_def *d = &store_copy_defs[t];

	*rows = 0;
	if (d->seeded < 0)
		return 0;
	if (st->ops->copy_count(st, d, rows, err) == -1)
		return -1;
	*rows = *rows > d->seeded ? *rows - d->seeded : 0;
	return 0;
}

int
store_copy_read(struct store *st, enum store_copy_table t,
    const char *const *after, size_t limit, struct arena *arena,
    const char ***values, size_t *n, struct err *err)
{
	return st->ops->copy_read(
	    st, &store_copy_defs[t], after, limit, arena, values, n, err);
}

int
store_copy_write(struct store *st, enum store_copy_table t,
    const char *const *values, size_t n, struct err *err)
{
	if (n > STORE_COPY_WRITE_MAX)
		return err_set(err, 500, "internal", "at most %d rows a write",
		    STORE_COPY_WRITE_MAX);
	if (n == 0)
		return 0;
	return st->ops->copy_write(st, &store_copy_defs[t], values, n, err);
}

int
store_copy_clear_seeds(struct store *st, struct err *err)
{
	int t;

	/* Children first; no seeded row is referred to by another. */
	for (t = STORE_COPY__MAX - 1; t >= 0; t--)
		if (store_copy_defs[t].seeded != 0 &&
		    st->ops->copy_clear(st, &store_copy_defs[t], err) == -1)
			return -1;
	return 0;
}

int
store_copy_id_high(
    struct store *st, enum store_copy_table t, int64_t *high, struct err *err)
{
	*high = 0;
	if (!store_copy_defs[t].has_id)
		return 0;
	return st->ops->copy_id_high(st, &store_copy_defs[t], high, err);
}

int
store_copy_set_id_high(
    struct store *st, enum store_copy_table t, int64_t high, struct err *err)
{
	if (!store_copy_defs[t].has_id)
		return 0;
	return st->ops->copy_set_id_high(st, &store_copy_defs[t], high, err);
}
