/*
 * sqlite_identity.c: users, sessions, API keys, login throttling and the
 * audit log on SQLite.
 */
#include "store/sqlite_internal.h"

#include <string.h>

static int
step_done(struct store *st, sqlite3_stmt *s, const char *what, struct err *err)
{
	return sqlite_exec_stmt(st, s, what, err);
}

/* --- users --- */

/* The USER_COLUMNS of a row from column first on. */
static int
user_cols(sqlite3_stmt *s, int first, struct arena *arena, struct store_user *u)
{
	const char **texts[] = { &u->username, &u->display_name, &u->email,
		&u->role, &u->source, &u->password_hash };
	const char **times[] = { &u->created_at, &u->updated_at,
		&u->last_login_at };
	size_t i;

	u->id = sqlite3_column_int64(s, first);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((*texts[i] = sqlite_col_text(
		         s, first + 1 + (int)i, arena)) == NULL)
			return -1;
	u->disabled = sqlite3_column_int(s, first + 7);
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		if ((*times[i] = sqlite_col_text(
		         s, first + 8 + (int)i, arena)) == NULL)
			return -1;
	return 0;
}

static int
user_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	return user_cols(s, 0, arena, row);
}

static void
user_bind(sqlite3_stmt *s, int first, const struct store_user *in)
{
	sqlite_bind_text(s, first, in->display_name ? in->display_name : "");
	sqlite_bind_text(s, first + 1, in->email ? in->email : "");
	sqlite_bind_text(s, first + 2, in->role);
	sqlite_bind_text(s, first + 3, in->source ? in->source : "local");
	sqlite_bind_text(
	    s, first + 4, in->password_hash ? in->password_hash : "");
	sqlite3_bind_int(s, first + 5, in->disabled ? 1 : 0);
}

int
sqlite_user_insert(
    struct store *st, const struct store_user *in, int64_t *id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_USER_INSERT, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, in->username);
	user_bind(s, 2, in);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		if ((sqlite3_extended_errcode(sqlite_db(st)) & 0xff) ==
		    SQLITE_CONSTRAINT)
			return err_field(err, 409, "conflict", "username",
			    "a user named \"%s\" already exists", in->username);
		return sqlite_fail(st, err, "user insert");
	}
	sqlite3_reset(s);
	*id = sqlite3_last_insert_rowid(sqlite_db(st));
	return 0;
}

int
sqlite_user_get(struct store *st, int64_t id, struct arena *arena,
    struct store_user *out, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_USER_GET, err);
	int found;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite_row_one(
	        st, s, arena, user_row, out, &found, "user get", err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no user with id %lld",
		    (long long)id);
	return 0;
}

int
sqlite_user_find(struct store *st, const char *username, struct arena *arena,
    struct store_user *out, int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_USER_FIND, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, username);
	return sqlite_row_one(
	    st, s, arena, user_row, out, found, "user find", err);
}

int
sqlite_user_update(
    struct store *st, const struct store_user *in, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_USER_UPDATE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, in->id);
	user_bind(s, 2, in);
	return step_done(st, s, "user update", err);
}

int
sqlite_user_set_login(struct store *st, int64_t id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_USER_SET_LOGIN, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return step_done(st, s, "user login time", err);
}

int
sqlite_user_delete(struct store *st, int64_t id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_USER_DELETE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return step_done(st, s, "user delete", err);
}

int
sqlite_user_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_user **out, size_t *n, struct err *err)
{
	sqlite3_stmt *s;
	int64_t admins;

	*n = 0;
	if (sqlite_user_counts(st, &page->total, &admins, err) == -1)
		return -1;
	if ((s = sqlite_stmt(st, STMT_USER_LIST, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, page->limit);
	sqlite3_bind_int64(s, 2, page->offset);
	return sqlite_rows(st, s, page->limit, arena, sizeof(**out), user_row,
	    (void **)out, n, "user list", err);
}

int
sqlite_user_counts(
    struct store *st, int64_t *all, int64_t *admins, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_USER_COUNTS, err);
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*all = sqlite3_column_int64(s, 0);
		*admins = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return sqlite_fail(st, err, "user counts");
	return 0;
}

/* --- sessions --- */

static int
session_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_session *x = row;

	x->id_hash = sqlite_col_text(s, 0, arena);
	x->user_id = sqlite3_column_int64(s, 1);
	x->created_at = sqlite3_column_int64(s, 2);
	x->last_seen_at = sqlite3_column_int64(s, 3);
	x->client_addr = sqlite_col_text(s, 4, arena);
	if (x->id_hash == NULL || x->client_addr == NULL)
		return -1;
	return user_cols(s, 5, arena, &x->user);
}

int
sqlite_session_insert(
    struct store *st, const struct store_session *in, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SESSION_INSERT, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, in->id_hash);
	sqlite3_bind_int64(s, 2, in->user_id);
	sqlite3_bind_int64(s, 3, in->created_at);
	sqlite3_bind_int64(s, 4, in->last_seen_at);
	sqlite_bind_text(s, 5, in->client_addr ? in->client_addr : "");
	return step_done(st, s, "session insert", err);
}

int
sqlite_session_get(struct store *st, const char *id_hash, struct arena *arena,
    struct store_session *out, int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SESSION_GET, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, id_hash);
	return sqlite_row_one(
	    st, s, arena, session_row, out, found, "session get", err);
}

int
sqlite_session_touch(
    struct store *st, const char *id_hash, int64_t now, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SESSION_TOUCH, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, id_hash);
	sqlite3_bind_int64(s, 2, now);
	return step_done(st, s, "session touch", err);
}

int
sqlite_session_delete(struct store *st, const char *id_hash, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SESSION_DELETE, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, id_hash);
	return step_done(st, s, "session delete", err);
}

int
sqlite_session_delete_user(struct store *st, int64_t user_id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SESSION_DELETE_USER, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, user_id);
	return step_done(st, s, "session delete user", err);
}

/* --- API keys --- */

static int
key_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_api_key *k = row;

	k->id = sqlite3_column_int64(s, 0);
	k->user_id = sqlite3_column_int64(s, 1);
	k->name = sqlite_col_text(s, 2, arena);
	k->scope = sqlite_col_text(s, 3, arena);
	k->accounts = sqlite_col_text(s, 4, arena);
	k->secret_hash = sqlite_col_text(s, 5, arena);
	k->expires_at = sqlite3_column_int64(s, 6);
	k->last_used_at = sqlite3_column_int64(s, 7);
	k->revoked_at = sqlite3_column_int64(s, 8);
	k->created_at = sqlite_col_text(s, 9, arena);
	if (!k->name || !k->scope || !k->accounts || !k->secret_hash ||
	    !k->created_at)
		return -1;
	return user_cols(s, 10, arena, &k->user);
}

int
sqlite_key_insert(struct store *st, const struct store_api_key *in, int64_t *id,
    struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_KEY_INSERT, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, in->user_id);
	sqlite_bind_text(s, 2, in->name);
	sqlite_bind_text(s, 3, in->scope);
	sqlite_bind_text(s, 4, in->accounts ? in->accounts : "[]");
	sqlite_bind_text(s, 5, in->secret_hash);
	sqlite3_bind_int64(s, 6, in->expires_at);
	if (step_done(st, s, "key insert", err) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(sqlite_db(st));
	return 0;
}

int
sqlite_key_get(struct store *st, int64_t id, struct arena *arena,
    struct store_api_key *out, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_KEY_GET, err);
	int found;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite_row_one(
	        st, s, arena, key_row, out, &found, "key get", err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no API key with id %lld",
		    (long long)id);
	return 0;
}

int
sqlite_key_list(struct store *st, int64_t user_id, struct arena *arena,
    struct store_page *page, struct store_api_key **out, size_t *n,
    struct err *err)
{
	sqlite3_stmt *s;

	*n = 0;
	if ((s = sqlite_stmt(st, STMT_KEY_COUNT, err)) == NULL)
		return -1;
	sqlite_bind_id(s, 1, user_id);
	if (sqlite_count(st, s, &page->total, err) == -1)
		return -1;
	if ((s = sqlite_stmt(st, STMT_KEY_LIST, err)) == NULL)
		return -1;
	sqlite_bind_id(s, 1, user_id);
	sqlite3_bind_int64(s, 2, page->limit);
	sqlite3_bind_int64(s, 3, page->offset);
	return sqlite_rows(st, s, page->limit, arena, sizeof(**out), key_row,
	    (void **)out, n, "key list", err);
}

int
sqlite_key_touch(struct store *st, int64_t id, int64_t now, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_KEY_TOUCH, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return step_done(st, s, "key touch", err);
}

int
sqlite_key_revoke(struct store *st, int64_t id, int64_t now, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_KEY_REVOKE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return step_done(st, s, "key revoke", err);
}

/* --- login throttling --- */

int
sqlite_throttle_get(struct store *st, const char *key,
    struct store_throttle *out, int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_THROTTLE_GET, err);
	int rc;

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	*found = rc == SQLITE_ROW;
	memset(out, 0, sizeof(*out));
	if (rc == SQLITE_ROW) {
		out->failures = sqlite3_column_int64(s, 0);
		out->last_failure_at = sqlite3_column_int64(s, 1);
		out->locked_until = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, err, "throttle get");
	return 0;
}

int
sqlite_throttle_put(struct store *st, const char *key,
    const struct store_throttle *in, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_THROTTLE_PUT, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, in->failures);
	sqlite3_bind_int64(s, 3, in->last_failure_at);
	sqlite3_bind_int64(s, 4, in->locked_until);
	return step_done(st, s, "throttle put", err);
}

int
sqlite_throttle_clear(struct store *st, const char *key, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_THROTTLE_CLEAR, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, key);
	return step_done(st, s, "throttle clear", err);
}

/* --- audit --- */

static int
audit_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_audit *a = row;
	const char **texts[] = { &a->at, &a->actor, &a->actor_type, &a->action,
		&a->object_type, &a->object_id, &a->before, &a->after,
		&a->request_id, &a->client_addr };
	size_t i;

	a->id = sqlite3_column_int64(s, 0);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (sqlite3_column_type(s, (int)i + 1) == SQLITE_NULL) {
			*texts[i] = NULL;
			continue;
		}
		if ((*texts[i] = sqlite_col_text(s, (int)i + 1, arena)) == NULL)
			return -1;
	}
	a->key_id = sqlite3_column_int64(s, 11);
	return a->at && a->actor && a->action ? 0 : -1;
}

int
sqlite_audit_insert(
    struct store *st, const struct store_audit *in, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_AUDIT_INSERT, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, in->actor);
	sqlite_bind_text(s, 2, in->actor_type);
	sqlite_bind_text(s, 3, in->action);
	sqlite_bind_text(s, 4, in->object_type);
	sqlite_bind_text(s, 5, in->object_id ? in->object_id : "");
	sqlite_bind_text(s, 6, in->before);
	sqlite_bind_text(s, 7, in->after);
	sqlite_bind_text(s, 8, in->request_id ? in->request_id : "");
	sqlite_bind_text(s, 9, in->client_addr ? in->client_addr : "");
	sqlite3_bind_int64(s, 10, in->key_id);
	return step_done(st, s, "audit insert", err);
}

static void
audit_bind_filter(sqlite3_stmt *s, const struct store_audit_filter *f)
{
	sqlite_bind_text(s, 1, f->actor);
	sqlite_bind_text(s, 2, f->action);
	sqlite_bind_text(s, 3, f->object_type);
	sqlite_bind_text(s, 4, f->object_id);
	sqlite_bind_text(s, 5, f->since);
	sqlite_bind_text(s, 6, f->until);
	if (f->after_id > 0)
		sqlite3_bind_int64(s, 7, f->after_id);
	else
		sqlite3_bind_null(s, 7);
}

int
sqlite_audit_list(struct store *st, struct arena *arena,
    const struct store_audit_filter *f, struct store_page *page,
    struct store_audit **out, size_t *n, struct err *err)
{
	sqlite3_stmt *s;

	*n = 0;
	if ((s = sqlite_stmt(st, STMT_AUDIT_COUNT, err)) == NULL)
		return -1;
	audit_bind_filter(s, f);
	if (sqlite_count(st, s, &page->total, err) == -1)
		return -1;
	s = sqlite_stmt(
	    st, f->after_id > 0 ? STMT_AUDIT_LIST_ASC : STMT_AUDIT_LIST, err);
	if (s == NULL)
		return -1;
	audit_bind_filter(s, f);
	sqlite3_bind_int64(s, 8, page->limit);
	sqlite3_bind_int64(s, 9, page->offset);
	return sqlite_rows(st, s, page->limit, arena, sizeof(**out), audit_row,
	    (void **)out, n, "audit list", err);
}
