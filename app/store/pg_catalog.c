/*
 * pg_catalog.c: transactions, VRFs, accounts, idempotency keys and
 * special-purpose ranges on PostgreSQL.
 *
 * How a write transaction stays correct without SQLite's one writer at a
 * time.  The domain begins every change with store_begin(immediate = 1)
 * and then reads what decides the change: an allocation reads the parent
 * pool, its free blocks and its children; a new top-level pool reads its
 * VRF and the VRF's top-level pools; a role change counts the admins.
 * On PostgreSQL such a transaction runs at READ COMMITTED, and the reads
 * that decide lock what they read, so two writers of the same thing take
 * turns and the second reads what the first committed:
 *
 * - store_pool_get() locks the pool row (SELECT ... FOR NO KEY UPDATE):
 *   the parent of an allocation or of a new child, the pool updated or
 *   deleted.  Every change to a pool's children, free blocks and
 *   counters happens under its lock, so two allocations in one pool get
 *   two blocks or a clean "pool full"; allocations in different pools run
 *   side by side.  NO KEY UPDATE, not UPDATE, so inserting a child that
 *   refers to the row (a foreign key takes KEY SHARE) does not wait.
 * - store_vrf_get() locks the VRF row likewise: top-level pools have no
 *   parent row, so their VRF stands in for it.
 * - store_user_counts() locks the users table against other writers
 *   (SHARE ROW EXCLUSIVE; readers go on), so two admins demoted at once
 *   cannot leave none, and two first-start setups cannot both succeed.
 * - store_idempotency_get() claims the key with an insert: a second
 *   request with the same key waits for the first to commit, then reads
 *   its answer (status 0 marks a claim, never an answer).
 *
 * Everything else is guarded by constraints: a unique violation is 409
 * "conflict" (inserts use ON CONFLICT DO NOTHING, so a 409 leaves the
 * transaction usable, as the import needs), a deadlock or lock timeout
 * 503 "database_busy".  Two advisory locks are taken, both for the
 * length of a transaction: one by migrations (pg.c) and one by the insert
 * of a transaction's audit events at its commit, so that audit ids are
 * handed out in commit order (pg_audit.c).  Without immediate, a
 * transaction reads one snapshot (REPEATABLE READ).
 */
#include "store/pg_internal.h"

#include <stdlib.h>
#include <string.h>

int
pg_begin(struct store *st, int immediate, struct err *err)
{
	struct pg_store *db = pg_of(st);

	pg_audit_discard(db);
	if (pg_exec_done(
	        st, immediate ? PGQ_BEGIN_WRITE : PGQ_BEGIN, NULL, err) == -1)
		return -1;
	db->in_transaction = 1;
	/* A read-only store cannot lock rows; nor can it write. */
	db->writing = immediate != 0 && !db->opt.readonly;
	return 0;
}

int
pg_commit(struct store *st, struct err *err)
{
	struct pg_store *db = pg_of(st);
	PGresult *r;
	int rolled_back;

	if (db->naudit > 0 && pg_audit_flush(st, err) == -1) {
		pg_rollback(st);
		return -1;
	}
	r = pg_exec(st, PGQ_COMMIT, NULL, err);
	if (r == NULL) {
		/* A statement sent ahead failed, and COMMIT was skipped. */
		pg_rollback(st);
		return -1;
	}
	db->in_transaction = 0;
	db->writing = 0;
	/* COMMIT of a transaction that failed rolls it back, and says so
	 * only in its command tag. */
	rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
	PQclear(r);
	if (rolled_back)
		return err_set(err, 500, "database",
		    "the transaction failed and was rolled back");
	return 0;
}

void
pg_rollback(struct store *st)
{
	struct pg_store *db = pg_of(st);
	struct err ignored = ERR_INIT;
	PGTransactionStatusType status;

	pg_settle(st, &ignored);
	status = PQtransactionStatus(db->conn);
	pg_audit_discard(db);
	db->in_transaction = 0;
	db->writing = 0;
	if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR)
		PQclear(PQexec(db->conn, "ROLLBACK"));
}

/* An insert that a unique constraint kept out (no id): the caller's
 * conflict, as SQLite's constraint failure. */
static int
insert_checked(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t *new_id, const char *what, struct err *err)
{
	if (pg_insert_id(st, id, p, new_id, err) == -1)
		return -1;
	if (*new_id == 0)
		return err_set(err, 409, "conflict", "%s already exists", what);
	return 0;
}

/* A unique violation of an update (already mapped to 409) named. */
static int
update_checked(struct store *st, enum pg_stmt id, const struct pg_params *p,
    const char *what, struct err *err)
{
	if (pg_exec_done(st, id, p, err) == -1) {
		if (err->status == 409)
			err_set(
			    err, 409, "conflict", "%s already exists", what);
		return -1;
	}
	return 0;
}

/* --- VRFs --- */

static int
vrf_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_vrf *v = out;

	v->id = pg_col_int(r, row, 0);
	v->name = pg_col_text(r, row, 1, arena);
	v->rd = pg_col_text(r, row, 2, arena);
	v->description = pg_col_text(r, row, 3, arena);
	v->created_at = pg_col_text(r, row, 4, arena);
	v->updated_at = pg_col_text(r, row, 5, arena);
	v->pools = pg_col_int(r, row, 6);
	return v->name && v->rd && v->description && v->created_at &&
	               v->updated_at
	           ? 0
	           : -1;
}

int
pg_vrf_insert(
    struct store *st, const struct store_vrf *in, int64_t *id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, in->name);
	pg_text(&p, 2, in->rd);
	pg_text(&p, 3, in->description);
	return insert_checked(
	    st, PGQ_VRF_INSERT, &p, id, "a VRF with this name", err);
}

int
pg_vrf_get(struct store *st, int64_t id, struct arena *arena,
    struct store_vrf *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int found;

	pg_int(&p, 1, id);
	if (pg_row_one(st, pg_of(st)->writing ? PGQ_VRF_GET_LOCK : PGQ_VRF_GET,
	        &p, arena, vrf_row, out, &found, err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no VRF with id %lld",
		    (long long)id);
	return 0;
}

int
pg_vrf_find_name(struct store *st, const char *name, struct arena *arena,
    struct store_vrf *out, int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, name);
	return pg_row_one(
	    st, PGQ_VRF_FIND_NAME, &p, arena, vrf_row, out, found, err);
}

int
pg_vrf_update(struct store *st, const struct store_vrf *in, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, in->id);
	pg_text(&p, 2, in->name);
	pg_text(&p, 3, in->rd);
	pg_text(&p, 4, in->description);
	return update_checked(
	    st, PGQ_VRF_UPDATE, &p, "a VRF with this name", err);
}

int
pg_vrf_delete(struct store *st, int64_t id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, id);
	return pg_exec_done(st, PGQ_VRF_DELETE, &p, err);
}

int
pg_vrf_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_vrf **out, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	*n = 0;
	if (pg_count(st, PGQ_VRF_COUNT, NULL, &page->total, err) == -1)
		return -1;
	pg_limit(&p, 1, page->limit);
	pg_int(&p, 2, page->offset);
	return pg_rows(st, PGQ_VRF_LIST, &p, page->limit, arena, sizeof(**out),
	    vrf_row, (void **)out, n, err);
}

/* --- accounts --- */

static int
account_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_account *a = out;
	const char **texts[] = { &a->provider, &a->external_key, &a->name,
		&a->platform, &a->tier, &a->environment, &a->regions, &a->tags,
		&a->description, &a->created_at, &a->updated_at };
	size_t i;

	a->id = pg_col_int(r, row, 0);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((*texts[i] = pg_col_text(r, row, (int)i + 1, arena)) ==
		    NULL)
			return -1;
	a->pools = pg_col_int(r, row, 12);
	return 0;
}

static void
account_params(struct pg_params *p, int first, const struct store_account *in)
{
	pg_text(p, first, in->provider);
	pg_text(p, first + 1, in->external_key);
	pg_text(p, first + 2, in->name);
	pg_text(p, first + 3, in->platform);
	pg_text(p, first + 4, in->tier);
	pg_text(p, first + 5, in->environment);
	pg_text(p, first + 6, in->regions);
	pg_text(p, first + 7, in->tags);
	pg_text(p, first + 8, in->description);
}

int
pg_account_insert(struct store *st, const struct store_account *in, int64_t *id,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	account_params(&p, 1, in);
	return insert_checked(st, PGQ_ACCOUNT_INSERT, &p, id,
	    "an account with this provider and key", err);
}

int
pg_account_get(struct store *st, int64_t id, struct arena *arena,
    struct store_account *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int found;

	pg_int(&p, 1, id);
	if (pg_row_one(st, PGQ_ACCOUNT_GET, &p, arena, account_row, out, &found,
	        err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no account with id %lld",
		    (long long)id);
	return 0;
}

int
pg_account_find_key(struct store *st, const char *provider,
    const char *external_key, struct arena *arena, struct store_account *out,
    int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, provider);
	pg_text(&p, 2, external_key);
	return pg_row_one(
	    st, PGQ_ACCOUNT_FIND_KEY, &p, arena, account_row, out, found, err);
}

int
pg_account_update(
    struct store *st, const struct store_account *in, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, in->id);
	account_params(&p, 2, in);
	return update_checked(st, PGQ_ACCOUNT_UPDATE, &p,
	    "an account with this provider and key", err);
}

int
pg_account_delete(struct store *st, int64_t id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, id);
	return pg_exec_done(st, PGQ_ACCOUNT_DELETE, &p, err);
}

const char *
pg_like_pattern(struct arena *arena, const char *q)
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
pg_account_list(struct store *st, struct arena *arena,
    const struct store_account_filter *f, struct store_page *page,
    struct store_account **out, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	*n = 0;
	pg_text(&p, 1, f->provider);
	pg_text(&p, 2, pg_like_pattern(arena, f->q));
	if (pg_count(st, PGQ_ACCOUNT_COUNT, &p, &page->total, err) == -1)
		return -1;
	pg_limit(&p, 3, page->limit);
	pg_int(&p, 4, page->offset);
	return pg_rows(st, PGQ_ACCOUNT_LIST, &p, page->limit, arena,
	    sizeof(**out), account_row, (void **)out, n, err);
}

/* --- idempotency --- */

int
pg_idempotency_get(struct store *st, const char *scope, const char *key,
    struct arena *arena, char **request_hash, int *status, char **response,
    int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *r;

	*found = 0;
	pg_text(&p, 1, scope);
	pg_text(&p, 2, key);
	/* A writer claims the key first: if another transaction holds it,
	 * this waits until that one ends, then finds its answer. */
	if (pg_of(st)->writing &&
	    pg_exec_done(st, PGQ_IDEMPOTENCY_CLAIM, &p, err) == -1)
		return -1;
	if ((r = pg_exec(st, PGQ_IDEMPOTENCY_GET, &p, err)) == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		*found = 1;
		*request_hash = (char *)pg_col_text(r, 0, 0, arena);
		*status = (int)pg_col_int(r, 0, 1);
		*response = (char *)pg_col_text(r, 0, 2, arena);
	}
	PQclear(r);
	if (*found && (*request_hash == NULL || *response == NULL))
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
pg_idempotency_put(struct store *st, const char *scope, const char *key,
    const char *request_hash, int status, const char *response, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t changed;

	pg_text(&p, 1, scope);
	pg_text(&p, 2, key);
	pg_text(&p, 3, request_hash);
	pg_int(&p, 4, status);
	pg_text(&p, 5, response);
	if (pg_exec_changed(st, PGQ_IDEMPOTENCY_PUT, &p, &changed, err) == -1)
		return -1;
	if (changed == 0)
		return err_set(err, 409, "conflict",
		    "this Idempotency-Key already has an answer");
	return 0;
}

/* --- special-purpose ranges --- */

static int
special_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_special *s = out;

	s->id = pg_col_int(r, row, 0);
	s->cidr = pg_col_text(r, row, 1, arena);
	s->name = pg_col_text(r, row, 2, arena);
	s->reference = pg_col_text(r, row, 3, arena);
	s->registry = pg_col_text(r, row, 4, arena);
	s->category = pg_col_text(r, row, 5, arena);
	s->always_allowed = pg_col_bool(r, row, 6);
	s->allowed = pg_col_bool(r, row, 7);
	return s->cidr && s->name && s->reference && s->registry && s->category
	           ? 0
	           : -1;
}

int
pg_special_overlapping(struct store *st, int family, const char *first_key,
    const char *last_key, struct arena *arena, struct store_special **out,
    size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, family);
	pg_text(&p, 2, first_key);
	pg_text(&p, 3, last_key);
	return pg_rows(st, PGQ_SPECIAL_OVERLAPPING, &p, -1, arena,
	    sizeof(**out), special_row, (void **)out, n, err);
}

int
pg_special_list(struct store *st, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err)
{
	return pg_rows(st, PGQ_SPECIAL_LIST, NULL, -1, arena, sizeof(**out),
	    special_row, (void **)out, n, err);
}

int
pg_special_set_allowed(
    struct store *st, int64_t id, int allowed, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int64_t changed;

	pg_int(&p, 1, id);
	pg_text(&p, 2, allowed ? "true" : "false");
	if (pg_exec_changed(st, PGQ_SPECIAL_SET_ALLOWED, &p, &changed, err) ==
	    -1)
		return -1;
	if (changed == 0)
		return err_set(err, 404, "not_found",
		    "no special range %lld that can be changed", (long long)id);
	return 0;
}
