/*
 * sqlite_catalog.c: transactions, VRFs, accounts, idempotency keys and
 * special-purpose ranges on SQLite.
 */
#include "store/sqlite_internal.h"

#include <string.h>

static int
step_simple(struct store *st, enum stmt id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, id, err);

	if (s == NULL)
		return -1;
	return sqlite_exec_stmt(st, s, sqlite_stmt_sql[id], err);
}

int
sqlite_begin(struct store *st, int immediate, struct err *err)
{
	return step_simple(
	    st, immediate ? STMT_BEGIN_IMMEDIATE : STMT_BEGIN, err);
}

int
sqlite_commit(struct store *st, struct err *err)
{
	return step_simple(st, STMT_COMMIT, err);
}

void
sqlite_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(sqlite_db(st)))
		sqlite3_exec(sqlite_db(st), "ROLLBACK", NULL, NULL, NULL);
}

/* A constraint failure is the caller's conflict, not a database error. */
static int
insert_fail(struct store *st, struct err *err, const char *what)
{
	if ((sqlite3_extended_errcode(sqlite_db(st)) & 0xff) ==
	    SQLITE_CONSTRAINT)
		return err_set(err, 409, "conflict", "%s already exists", what);
	return sqlite_fail(st, err, what);
}

/* --- VRFs --- */

static int
vrf_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_vrf *v = row;

	v->id = sqlite3_column_int64(s, 0);
	v->name = sqlite_col_text(s, 1, arena);
	v->rd = sqlite_col_text(s, 2, arena);
	v->description = sqlite_col_text(s, 3, arena);
	v->created_at = sqlite_col_text(s, 4, arena);
	v->updated_at = sqlite_col_text(s, 5, arena);
	v->pools = sqlite3_column_int64(s, 6);
	return v->name && v->rd && v->description && v->created_at &&
	               v->updated_at
	           ? 0
	           : -1;
}

int
sqlite_vrf_insert(
    struct store *st, const struct store_vrf *in, int64_t *id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_VRF_INSERT, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, in->name);
	sqlite_bind_text(s, 2, in->rd);
	sqlite_bind_text(s, 3, in->description);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return insert_fail(st, err, "a VRF with this name");
	}
	sqlite3_reset(s);
	*id = sqlite3_last_insert_rowid(sqlite_db(st));
	return 0;
}

static int
vrf_one(struct store *st, sqlite3_stmt *s, struct arena *arena,
    struct store_vrf *out, int *found, struct err *err)
{
	return sqlite_row_one(st, s, arena, vrf_row, out, found, "vrf", err);
}

int
sqlite_vrf_get(struct store *st, int64_t id, struct arena *arena,
    struct store_vrf *out, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_VRF_GET, err);
	int found;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (vrf_one(st, s, arena, out, &found, err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no VRF with id %lld",
		    (long long)id);
	return 0;
}

int
sqlite_vrf_find_name(struct store *st, const char *name, struct arena *arena,
    struct store_vrf *out, int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_VRF_FIND_NAME, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, name);
	return vrf_one(st, s, arena, out, found, err);
}

int
sqlite_vrf_update(struct store *st, const struct store_vrf *in, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_VRF_UPDATE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, in->id);
	sqlite_bind_text(s, 2, in->name);
	sqlite_bind_text(s, 3, in->rd);
	sqlite_bind_text(s, 4, in->description);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return insert_fail(st, err, "a VRF with this name");
	}
	sqlite3_reset(s);
	return 0;
}

int
sqlite_vrf_delete(struct store *st, int64_t id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_VRF_DELETE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sqlite_exec_stmt(st, s, "vrf delete", err);
}

int
sqlite_vrf_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_vrf **out, size_t *n, struct err *err)
{
	sqlite3_stmt *s;

	*n = 0;
	if ((s = sqlite_stmt(st, STMT_VRF_COUNT, err)) == NULL ||
	    sqlite_count(st, s, &page->total, err) == -1)
		return -1;
	if ((s = sqlite_stmt(st, STMT_VRF_LIST, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, page->limit);
	sqlite3_bind_int64(s, 2, page->offset);
	return sqlite_rows(st, s, page->limit, arena, sizeof(**out), vrf_row,
	    (void **)out, n, "vrf list", err);
}

/* --- accounts --- */

static int
account_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_account *a = row;

	const char **texts[] = { &a->provider, &a->external_key, &a->name,
		&a->platform, &a->tier, &a->environment, &a->regions, &a->tags,
		&a->description, &a->created_at, &a->updated_at };
	size_t i;

	a->id = sqlite3_column_int64(s, 0);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((*texts[i] = sqlite_col_text(s, (int)i + 1, arena)) == NULL)
			return -1;
	a->pools = sqlite3_column_int64(s, 12);
	return 0;
}

static void
account_bind(sqlite3_stmt *s, int first, const struct store_account *in)
{
	sqlite_bind_text(s, first, in->provider);
	sqlite_bind_text(s, first + 1, in->external_key);
	sqlite_bind_text(s, first + 2, in->name);
	sqlite_bind_text(s, first + 3, in->platform);
	sqlite_bind_text(s, first + 4, in->tier);
	sqlite_bind_text(s, first + 5, in->environment);
	sqlite_bind_text(s, first + 6, in->regions);
	sqlite_bind_text(s, first + 7, in->tags);
	sqlite_bind_text(s, first + 8, in->description);
}

int
sqlite_account_insert(struct store *st, const struct store_account *in,
    int64_t *id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_ACCOUNT_INSERT, err);

	if (s == NULL)
		return -1;
	account_bind(s, 1, in);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return insert_fail(
		    st, err, "an account with this provider and key");
	}
	sqlite3_reset(s);
	*id = sqlite3_last_insert_rowid(sqlite_db(st));
	return 0;
}

static int
account_one(struct store *st, sqlite3_stmt *s, struct arena *arena,
    struct store_account *out, int *found, struct err *err)
{
	return sqlite_row_one(
	    st, s, arena, account_row, out, found, "account", err);
}

int
sqlite_account_get(struct store *st, int64_t id, struct arena *arena,
    struct store_account *out, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_ACCOUNT_GET, err);
	int found;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (account_one(st, s, arena, out, &found, err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no account with id %lld",
		    (long long)id);
	return 0;
}

int
sqlite_account_find_key(struct store *st, const char *provider,
    const char *external_key, struct arena *arena, struct store_account *out,
    int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_ACCOUNT_FIND_KEY, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, provider);
	sqlite_bind_text(s, 2, external_key);
	return account_one(st, s, arena, out, found, err);
}

int
sqlite_account_update(
    struct store *st, const struct store_account *in, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_ACCOUNT_UPDATE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, in->id);
	account_bind(s, 2, in);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return insert_fail(
		    st, err, "an account with this provider and key");
	}
	sqlite3_reset(s);
	return 0;
}

int
sqlite_account_delete(struct store *st, int64_t id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_ACCOUNT_DELETE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sqlite_exec_stmt(st, s, "account delete", err);
}

/* "%q%" with LIKE's wildcards escaped, in arena memory; NULL for NULL. */
const char *
sqlite_like_pattern(struct arena *arena, const char *q)
{
	size_t i, n;
	char *p;

	if (q == NULL || q[0] == '\0')
		return NULL;
	n = strlen(q);
	p = arena_alloc(arena, 2 * n + 3);
	if (p == NULL)
		return NULL;
	n = 0;
	p[n++] = '%';
	for (i = 0; q[i] != '\0'; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[n++] = '\\';
		p[n++] = q[i];
	}
	p[n++] = '%';
	p[n] = '\0';
	return p;
}

int
sqlite_account_list(struct store *st, struct arena *arena,
    const struct store_account_filter *f, struct store_page *page,
    struct store_account **out, size_t *n, struct err *err)
{
	const char *like = sqlite_like_pattern(arena, f->q);
	sqlite3_stmt *s;

	*n = 0;
	if ((s = sqlite_stmt(st, STMT_ACCOUNT_COUNT, err)) == NULL)
		return -1;
	sqlite_bind_text(s, 1, f->provider);
	sqlite_bind_text(s, 2, like);
	if (sqlite_count(st, s, &page->total, err) == -1)
		return -1;
	if ((s = sqlite_stmt(st, STMT_ACCOUNT_LIST, err)) == NULL)
		return -1;
	sqlite_bind_text(s, 1, f->provider);
	sqlite_bind_text(s, 2, like);
	sqlite3_bind_int64(s, 3, page->limit);
	sqlite3_bind_int64(s, 4, page->offset);
	return sqlite_rows(st, s, page->limit, arena, sizeof(**out),
	    account_row, (void **)out, n, "account list", err);
}

/* --- idempotency --- */

int
sqlite_idempotency_get(struct store *st, const char *scope, const char *key,
    struct arena *arena, char **request_hash, int *status, char **response,
    int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_IDEMPOTENCY_GET, err);
	int rc;

	*found = 0;
	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, scope);
	sqlite_bind_text(s, 2, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*found = 1;
		*request_hash = (char *)sqlite_col_text(s, 0, arena);
		*status = sqlite3_column_int(s, 1);
		*response = (char *)sqlite_col_text(s, 2, arena);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, err, "idempotency");
	return 0;
}

int
sqlite_idempotency_put(struct store *st, const char *scope, const char *key,
    const char *request_hash, int status, const char *response, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_IDEMPOTENCY_PUT, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, scope);
	sqlite_bind_text(s, 2, key);
	sqlite_bind_text(s, 3, request_hash);
	sqlite3_bind_int(s, 4, status);
	sqlite_bind_text(s, 5, response);
	return sqlite_exec_stmt(st, s, "idempotency put", err);
}

/* --- special-purpose ranges --- */

static int
special_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_special *r = row;

	r->id = sqlite3_column_int64(s, 0);
	r->cidr = sqlite_col_text(s, 1, arena);
	r->name = sqlite_col_text(s, 2, arena);
	r->reference = sqlite_col_text(s, 3, arena);
	r->registry = sqlite_col_text(s, 4, arena);
	r->category = sqlite_col_text(s, 5, arena);
	r->always_allowed = sqlite3_column_int(s, 6);
	r->allowed = sqlite3_column_int(s, 7);
	return r->cidr && r->name && r->reference && r->registry && r->category
	           ? 0
	           : -1;
}

static int
special_rows(struct store *st, sqlite3_stmt *s, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err)
{
	return sqlite_rows(st, s, -1, arena, sizeof(**out), special_row,
	    (void **)out, n, "special ranges", err);
}

int
sqlite_special_overlapping(struct store *st, int family, const char *first_key,
    const char *last_key, struct arena *arena, struct store_special **out,
    size_t *n, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SPECIAL_OVERLAPPING, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, family);
	sqlite_bind_text(s, 2, first_key);
	sqlite_bind_text(s, 3, last_key);
	return special_rows(st, s, arena, out, n, err);
}

int
sqlite_special_list(struct store *st, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SPECIAL_LIST, err);

	if (s == NULL)
		return -1;
	return special_rows(st, s, arena, out, n, err);
}

int
sqlite_special_set_allowed(
    struct store *st, int64_t id, int allowed, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_SPECIAL_SET_ALLOWED, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, allowed);
	if (sqlite_exec_stmt(st, s, "special allow", err) == -1)
		return -1;
	if (sqlite3_changes(sqlite_db(st)) == 0)
		return err_set(err, 404, "not_found",
		    "no special range %lld that can be changed", (long long)id);
	return 0;
}
