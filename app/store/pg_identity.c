/*
 * pg_identity.c: users, sessions, API keys and login throttling on
 * PostgreSQL (the audit log: pg_audit.c).
 *
 * In a write transaction store_user_counts() first locks the users table
 * against other writers (pg_catalog.c says why).
 */
#include "store/pg_internal.h"

#include <string.h>

/* --- users --- */

/* The USER_COLUMNS of a row from column first on. */
static int
user_cols(const PGresult *r, int row, int first, struct arena *arena,
    struct store_user *u)
{
	const char **texts[] = { &u->username, &u->display_name, &u->email,
		&u->role, &u->source, &u->password_hash };
	const char **times[] = { &u->created_at, &u->updated_at,
		&u->last_login_at };
	size_t i;

	u->id = pg_col_int(r, row, first);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((*texts[i] = pg_col_text(
		         r, row, first + 1 + (int)i, arena)) == NULL)
			return -1;
	u->disabled = pg_col_bool(r, row, first + 7);
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		if ((*times[i] = pg_col_text(
		         r, row, first + 8 + (int)i, arena)) == NULL)
			return -1;
	return 0;
}

static int
user_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	return user_cols(r, row, 0, arena, out);
}

static void
user_params(struct pg_params *p, int first, const struct store_user *in)
{
	pg_text(p, first, in->display_name ? in->display_name : "");
	pg_text(p, first + 1, in->email ? in->email : "");
	pg_text(p, first + 2, in->role);
	pg_text(p, first + 3, in->source ? in->source : "local");
	pg_text(p, first + 4, in->password_hash ? in->password_hash : "");
	pg_text(p, first + 5, in->disabled ? "true" : "false");
}

int
pg_user_insert(
    struct store *st, const struct store_user *in, int64_t *id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, in->username);
	user_params(&p, 2, in);
	if (pg_insert_id(st, PGQ_USER_INSERT, &p, id, err) == -1)
		return -1;
	if (*id == 0)
		return err_field(err, 409, "conflict", "username",
		    "a user named \"%s\" already exists", in->username);
	return 0;
}

int
pg_user_get(struct store *st, int64_t id, struct arena *arena,
    struct store_user *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int found;

	pg_int(&p, 1, id);
	if (pg_row_one(
	        st, PGQ_USER_GET, &p, arena, user_row, out, &found, err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no user with id %lld",
		    (long long)id);
	return 0;
}

int
pg_user_find(struct store *st, const char *username, struct arena *arena,
    struct store_user *out, int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, username);
	return pg_row_one(
	    st, PGQ_USER_FIND, &p, arena, user_row, out, found, err);
}

int
pg_user_update(struct store *st, const struct store_user *in, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, in->id);
	user_params(&p, 2, in);
	return pg_exec_done(st, PGQ_USER_UPDATE, &p, err);
}

static int
by_id(struct store *st, enum pg_stmt stmt, int64_t id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, id);
	return pg_exec_done(st, stmt, &p, err);
}

int
pg_user_set_login(struct store *st, int64_t id, struct err *err)
{
	return by_id(st, PGQ_USER_SET_LOGIN, id, err);
}

int
pg_user_delete(struct store *st, int64_t id, struct err *err)
{
	return by_id(st, PGQ_USER_DELETE, id, err);
}

int
pg_user_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_user **out, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t admins;

	*n = 0;
	if (pg_user_counts(st, &page->total, &admins, err) == -1)
		return -1;
	pg_limit(&p, 1, page->limit);
	pg_int(&p, 2, page->offset);
	return pg_rows(st, PGQ_USER_LIST, &p, page->limit, arena, sizeof(**out),
	    user_row, (void **)out, n, err);
}

int
pg_user_counts(struct store *st, int64_t *all, int64_t *admins, struct err *err)
{
	PGresult *r;

	/* A writer deciding by these counts keeps them true until it
	 * commits. */
	if (pg_of(st)->writing &&
	    pg_exec_done(st, PGQ_USERS_LOCK, NULL, err) == -1)
		return -1;
	if ((r = pg_exec(st, PGQ_USER_COUNTS, NULL, err)) == NULL)
		return -1;
	*all = pg_col_int(r, 0, 0);
	*admins = pg_col_int(r, 0, 1);
	PQclear(r);
	return 0;
}

/* --- sessions --- */

static int
session_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_session *s = out;

	s->id_hash = pg_col_text(r, row, 0, arena);
	s->user_id = pg_col_int(r, row, 1);
	s->created_at = pg_col_int(r, row, 2);
	s->last_seen_at = pg_col_int(r, row, 3);
	s->client_addr = pg_col_text(r, row, 4, arena);
	if (s->id_hash == NULL || s->client_addr == NULL)
		return -1;
	return user_cols(r, row, 5, arena, &s->user);
}

int
pg_session_insert(
    struct store *st, const struct store_session *in, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, in->id_hash);
	pg_int(&p, 2, in->user_id);
	pg_int(&p, 3, in->created_at);
	pg_int(&p, 4, in->last_seen_at);
	pg_text(&p, 5, in->client_addr ? in->client_addr : "");
	return pg_exec_done(st, PGQ_SESSION_INSERT, &p, err);
}

int
pg_session_get(struct store *st, const char *id_hash, struct arena *arena,
    struct store_session *out, int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, id_hash);
	return pg_row_one(
	    st, PGQ_SESSION_GET, &p, arena, session_row, out, found, err);
}

int
pg_session_touch(
    struct store *st, const char *id_hash, int64_t now, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, id_hash);
	pg_int(&p, 2, now);
	return pg_exec_done(st, PGQ_SESSION_TOUCH, &p, err);
}

int
pg_session_delete(struct store *st, const char *id_hash, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, id_hash);
	return pg_exec_done(st, PGQ_SESSION_DELETE, &p, err);
}

int
pg_session_delete_user(struct store *st, int64_t user_id, struct err *err)
{
	return by_id(st, PGQ_SESSION_DELETE_USER, user_id, err);
}

/* --- API keys --- */

static int
key_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_api_key *k = out;

	k->id = pg_col_int(r, row, 0);
	k->user_id = pg_col_int(r, row, 1);
	k->name = pg_col_text(r, row, 2, arena);
	k->scope = pg_col_text(r, row, 3, arena);
	k->accounts = pg_col_text(r, row, 4, arena);
	k->secret_hash = pg_col_text(r, row, 5, arena);
	k->expires_at = pg_col_int(r, row, 6);
	k->last_used_at = pg_col_int(r, row, 7);
	k->revoked_at = pg_col_int(r, row, 8);
	k->created_at = pg_col_text(r, row, 9, arena);
	if (!k->name || !k->scope || !k->accounts || !k->secret_hash ||
	    !k->created_at)
		return -1;
	return user_cols(r, row, 10, arena, &k->user);
}

int
pg_key_insert(struct store *st, const struct store_api_key *in, int64_t *id,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, in->user_id);
	pg_text(&p, 2, in->name);
	pg_text(&p, 3, in->scope);
	pg_text(&p, 4, in->accounts ? in->accounts : "[]");
	pg_text(&p, 5, in->secret_hash);
	pg_int(&p, 6, in->expires_at);
	return pg_insert_id(st, PGQ_KEY_INSERT, &p, id, err);
}

int
pg_key_get(struct store *st, int64_t id, struct arena *arena,
    struct store_api_key *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int found;

	pg_int(&p, 1, id);
	if (pg_row_one(st, PGQ_KEY_GET, &p, arena, key_row, out, &found, err) ==
	    -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no API key with id %lld",
		    (long long)id);
	return 0;
}

int
pg_key_list(struct store *st, int64_t user_id, struct arena *arena,
    struct store_page *page, struct store_api_key **out, size_t *n,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	*n = 0;
	pg_id(&p, 1, user_id);
	if (pg_count(st, PGQ_KEY_COUNT, &p, &page->total, err) == -1)
		return -1;
	pg_limit(&p, 2, page->limit);
	pg_int(&p, 3, page->offset);
	return pg_rows(st, PGQ_KEY_LIST, &p, page->limit, arena, sizeof(**out),
	    key_row, (void **)out, n, err);
}

static int
key_at(struct store *st, enum pg_stmt stmt, int64_t id, int64_t now,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, id);
	pg_int(&p, 2, now);
	return pg_exec_done(st, stmt, &p, err);
}

int
pg_key_touch(struct store *st, int64_t id, int64_t now, struct err *err)
{
	return key_at(st, PGQ_KEY_TOUCH, id, now, err);
}

int
pg_key_revoke(struct store *st, int64_t id, int64_t now, struct err *err)
{
	return key_at(st, PGQ_KEY_REVOKE, id, now, err);
}

/* --- login throttling --- */

int
pg_throttle_get(struct store *st, const char *key, struct store_throttle *out,
    int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *r;

	memset(out, 0, sizeof(*out));
	*found = 0;
	pg_text(&p, 1, key);
	if ((r = pg_exec(st, PGQ_THROTTLE_GET, &p, err)) == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		*found = 1;
		out->failures = pg_col_int(r, 0, 0);
		out->last_failure_at = pg_col_int(r, 0, 1);
		out->locked_until = pg_col_int(r, 0, 2);
	}
	PQclear(r);
	return 0;
}

int
pg_throttle_put(struct store *st, const char *key,
    const struct store_throttle *in, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, key);
	pg_int(&p, 2, in->failures);
	pg_int(&p, 3, in->last_failure_at);
	pg_int(&p, 4, in->locked_until);
	return pg_exec_done(st, PGQ_THROTTLE_PUT, &p, err);
}

int
pg_throttle_clear(struct store *st, const char *key, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, key);
	return pg_exec_done(st, PGQ_THROTTLE_CLEAR, &p, err);
}
