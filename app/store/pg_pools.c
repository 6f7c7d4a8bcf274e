/*
 * pg_pools.c: pools, their free space and totals on PostgreSQL.
 *
 * In a write transaction store_pool_get() locks the pool it reads
 * (pg_catalog.c says why): that is the parent lock an allocation holds.
 */
#include "store/pg_internal.h"

#include <string.h>

/* The most prefixes one PGQ_POOL_BY_CIDRS asks for: /128 down to /0. */
#define PG_CIDRS_MAX 129

/* Read the POOL_SELECT columns of a row. */
static int
pool_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_pool *p = out;

	p->id = pg_col_int(r, row, 0);
	p->name = pg_col_text(r, row, 1, arena);
	p->cidr = pg_col_text(r, row, 2, arena);
	p->family = (int)pg_col_int(r, row, 3);
	p->prefix_len = (int)pg_col_int(r, row, 4);
	p->first_key = pg_col_text(r, row, 5, arena);
	p->last_key = pg_col_text(r, row, 6, arena);
	p->vrf_id = pg_col_int(r, row, 7);
	p->parent_id = pg_col_int(r, row, 8);
	p->account_id = pg_col_int(r, row, 9);
	p->type = pg_col_text(r, row, 10, arena);
	p->status = pg_col_text(r, row, 11, arena);
	p->source = pg_col_text(r, row, 12, arena);
	p->description = pg_col_text(r, row, 13, arena);
	p->tags = pg_col_text(r, row, 14, arena);
	p->external_id = pg_col_text(r, row, 15, arena);
	p->region = pg_col_text(r, row, 16, arena);
	p->used_top = (uint64_t)pg_col_int(r, row, 17);
	p->used_high = (uint64_t)pg_col_int(r, row, 18);
	p->used_low = (uint64_t)pg_col_int(r, row, 19);
	p->children = pg_col_int(r, row, 20);
	p->created_at = pg_col_text(r, row, 21, arena);
	p->updated_at = pg_col_text(r, row, 22, arena);
	p->created_by = pg_col_text(r, row, 23, arena);
	p->updated_by = pg_col_text(r, row, 24, arena);
	p->vrf_name = pg_col_text(r, row, 25, arena);
	p->account_name = pg_col_text(r, row, 26, arena);
	return p->name && p->cidr && p->first_key && p->last_key && p->type &&
	               p->status && p->source && p->description && p->tags &&
	               p->external_id && p->region && p->created_at &&
	               p->updated_at && p->created_by && p->updated_by &&
	               p->vrf_name && p->account_name
	           ? 0
	           : -1;
}

static int
pool_rows(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t limit, struct arena *arena, struct store_pool **out, size_t *n,
    struct err *err)
{
	return pg_rows(st, id, p, limit, arena, sizeof(**out), pool_row,
	    (void **)out, n, err);
}

int
pg_pool_insert(struct store *st, const struct store_pool *in,
    struct arena *arena, struct store_pool *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int found;

	pg_text(&p, 1, in->name);
	pg_text(&p, 2, in->cidr);
	pg_int(&p, 3, in->family);
	pg_int(&p, 4, in->prefix_len);
	pg_text(&p, 5, in->first_key);
	pg_text(&p, 6, in->last_key);
	pg_int(&p, 7, in->vrf_id);
	pg_id(&p, 8, in->parent_id);
	pg_id(&p, 9, in->account_id);
	pg_text(&p, 10, in->type);
	pg_text(&p, 11, in->status);
	pg_text(&p, 12, in->source);
	pg_text(&p, 13, in->description);
	pg_text(&p, 14, in->tags);
	pg_text(&p, 15, in->external_id);
	pg_text(&p, 16, in->region);
	pg_text(&p, 17, in->created_by ? in->created_by : "");
	if (pg_row_one(st, PGQ_POOL_INSERT, &p, arena, pool_row, out, &found,
	        err) == -1) {
		if (err->status == 409)
			return err_field(err, 409, "overlap", "cidr",
			    "%s already exists in this VRF", in->cidr);
		return -1;
	}
	if (!found)
		return err_field(err, 409, "overlap", "cidr",
		    "%s already exists in this VRF", in->cidr);
	return 0;
}

int
pg_pool_get(struct store *st, int64_t id, struct arena *arena,
    struct store_pool *out, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	int found;

	pg_int(&p, 1, id);
	if (pg_row_one(st,
	        pg_of(st)->writing ? PGQ_POOL_GET_LOCK : PGQ_POOL_GET, &p,
	        arena, pool_row, out, &found, err) == -1)
		return -1;
	if (!found)
		return err_set(err, 404, "not_found", "no pool with id %lld",
		    (long long)id);
	return 0;
}

int
pg_pool_update(struct store *st, const struct store_pool *in, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, in->id);
	pg_text(&p, 2, in->name);
	pg_id(&p, 3, in->account_id);
	pg_text(&p, 4, in->type);
	pg_text(&p, 5, in->status);
	pg_text(&p, 6, in->description);
	pg_text(&p, 7, in->tags);
	pg_text(&p, 8, in->external_id);
	pg_text(&p, 9, in->region);
	pg_text(&p, 10, in->updated_by ? in->updated_by : "");
	return pg_exec_done(st, PGQ_POOL_UPDATE, &p, err);
}

int
pg_pool_delete(struct store *st, int64_t id, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, id);
	return pg_exec_done(st, PGQ_POOL_DELETE, &p, err);
}

int
pg_pool_set_used(struct store *st, int64_t id, uint64_t top, uint64_t high,
    uint64_t low, int64_t children, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	/* bigint holds the unsigned halves' bits, as SQLite's INTEGER. */
	pg_int(&p, 1, id);
	pg_int(&p, 2, (int64_t)top);
	pg_int(&p, 3, (int64_t)high);
	pg_int(&p, 4, (int64_t)low);
	pg_int(&p, 5, children);
	return pg_exec_done(st, PGQ_POOL_SET_USED, &p, err);
}

static void
filter_params(
    struct pg_params *p, const struct store_pool_filter *f, const char *like)
{
	pg_id(p, 1, f->vrf_id);
	pg_id(p, 2, f->parent_id);
	pg_id(p, 3, f->account_id);
	pg_text(p, 4, f->type);
	pg_text(p, 5, f->status);
	pg_text(p, 6, f->source);
	pg_id(p, 7, f->family);
	pg_text(p, 8, f->tag_key);
	pg_text(p, 9, f->tag_value);
	pg_text(p, 10, like);
	if (f->leaves_only)
		pg_int(p, 11, 1);
	else
		pg_null(p, 11);
}

int
pg_pool_list(struct store *st, struct arena *arena,
    const struct store_pool_filter *f, struct store_page *page,
    struct store_pool **out, size_t *n, struct err *err)
{
	enum pg_stmt list = PGQ_POOL_LIST, count = PGQ_POOL_COUNT;
	struct pg_params p = PG_PARAMS_INIT;

	*n = 0;
	/* Children and top-level pools have index-served statements. */
	if (f->parent_id > 0) {
		list = PGQ_POOL_LIST_CHILDREN;
		count = PGQ_POOL_COUNT_CHILDREN;
	} else if (f->parent_id == -1) {
		list = PGQ_POOL_LIST_TOP;
		count = PGQ_POOL_COUNT_TOP;
	}
	filter_params(&p, f, pg_like_pattern(arena, f->q));
	if (pg_count(st, count, &p, &page->total, err) == -1)
		return -1;
	pg_limit(&p, 12, page->limit);
	pg_int(&p, 13, page->offset);
	return pool_rows(st, list, &p, page->limit, arena, out, n, err);
}

/*
 * The pool a descending seek on first_key found (LIMIT 1), kept only when
 * it reaches first_key: pools of one parent never overlap, so the last one
 * starting before a range's end is the only one that can reach into it.
 */
static int
pool_reaching(struct store *st, enum pg_stmt id, const struct pg_params *p,
    const char *first_key, struct arena *arena, struct store_pool *out,
    int *found, struct err *err)
{
	if (pg_row_one(st, id, p, arena, pool_row, out, found, err) == -1)
		return -1;
	if (*found && strcmp(out->last_key, first_key) < 0)
		*found = 0;
	return 0;
}

int
pg_pool_overlapping_sibling(struct store *st, int64_t vrf_id, int64_t parent_id,
    int family, const char *first_key, const char *last_key,
    struct arena *arena, struct store_pool *out, int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, vrf_id);
	pg_int(&p, 2, parent_id);
	pg_int(&p, 3, family);
	pg_text(&p, 4, last_key);
	return pool_reaching(
	    st, PGQ_POOL_SIBLING, &p, first_key, arena, out, found, err);
}

/* {"a","b"}: an array value for one text[] parameter, in arena memory.
 * Prefixes hold no quote or backslash, but escape them all the same. */
static const char *
text_array(struct arena *arena, const char *const *items, size_t n)
{
	size_t size = 3, i, at = 0;
	const char *c;
	char *a;

	for (i = 0; i < n; i++)
		size += 2 * strlen(items[i]) + 3;
	if ((a = arena_alloc(arena, size)) == NULL)
		return NULL;
	a[at++] = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			a[at++] = ',';
		a[at++] = '"';
		for (c = items[i]; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				a[at++] = '\\';
			a[at++] = *c;
		}
		a[at++] = '"';
	}
	a[at++] = '}';
	a[at] = '\0';
	return a;
}

int
pg_pool_by_cidrs(struct store *st, int64_t vrf_id, const char *const *cidrs,
    size_t ncidrs, struct arena *arena, struct store_pool **out, size_t *n,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	const char *array;

	*n = 0;
	if (ncidrs > PG_CIDRS_MAX)
		return err_set(err, 500, "internal", "too many prefixes");
	if ((array = text_array(arena, cidrs, ncidrs)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	pg_text(&p, 1, array);
	pg_id(&p, 2, vrf_id);
	return pool_rows(st, PGQ_POOL_BY_CIDRS, &p, -1, arena, out, n, err);
}

int
pg_pool_within(struct store *st, int64_t vrf_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_page *page, struct store_pool **out, size_t *n,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	*n = 0;
	pg_int(&p, 1, family);
	pg_text(&p, 2, first_key);
	pg_text(&p, 3, last_key);
	pg_id(&p, 4, vrf_id);
	if (pg_count(st, PGQ_POOL_WITHIN_COUNT, &p, &page->total, err) == -1)
		return -1;
	pg_limit(&p, 5, page->limit);
	pg_int(&p, 6, page->offset);
	return pool_rows(
	    st, PGQ_POOL_WITHIN, &p, page->limit, arena, out, n, err);
}

int
pg_pool_child_in(struct store *st, int64_t parent_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_pool *out, int *found, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, parent_id);
	pg_int(&p, 2, family);
	pg_text(&p, 3, last_key);
	return pool_reaching(
	    st, PGQ_POOL_CHILDREN_RANGE, &p, first_key, arena, out, found, err);
}

int
pg_pool_descendants(struct store *st, int64_t id, struct arena *arena,
    int64_t **ids, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	size_t rows, i;
	PGresult *r;
	int64_t *v;

	*n = 0;
	pg_int(&p, 1, id);
	if ((r = pg_exec(st, PGQ_POOL_DESCENDANTS, &p, err)) == NULL)
		return -1;
	rows = (size_t)PQntuples(r);
	v = arena_calloc(arena, rows > 0 ? rows : 1, sizeof(*v));
	for (i = 0; v != NULL && i < rows; i++)
		v[i] = pg_col_int(r, (int)i, 0);
	PQclear(r);
	if (v == NULL)
		return err_set(err, 500, "internal", "out of memory");
	*ids = v;
	*n = rows;
	return 0;
}

static int
pool_top(struct store *st, enum pg_stmt id, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_limit(&p, 1, limit);
	return pool_rows(st, id, &p, limit, arena, out, n, err);
}

int
pg_pool_recent(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	return pool_top(st, PGQ_POOL_RECENT, limit, arena, out, n, err);
}

int
pg_pool_parents(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	return pool_top(st, PGQ_POOL_PARENTS, limit, arena, out, n, err);
}

int
pg_totals(struct store *st, struct store_totals *out, struct err *err)
{
	PGresult *r = pg_exec(st, PGQ_TOTALS, NULL, err);

	if (r == NULL)
		return -1;
	out->pools = pg_col_int(r, 0, 0);
	out->vrfs = pg_col_int(r, 0, 1);
	out->accounts = pg_col_int(r, 0, 2);
	PQclear(r);
	return 0;
}

/* --- free space --- */

int
pg_free_insert(struct store *st, int64_t pool_id,
    const struct store_free_block *b, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, pool_id);
	pg_text(&p, 2, b->first_key);
	pg_int(&p, 3, b->prefix_len);
	pg_text(&p, 4, b->cidr);
	return pg_exec_done(st, PGQ_FREE_INSERT, &p, err);
}

int
pg_free_delete(
    struct store *st, int64_t pool_id, const char *first_key, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, pool_id);
	pg_text(&p, 2, first_key);
	return pg_exec_done(st, PGQ_FREE_DELETE, &p, err);
}

static int
free_row(const PGresult *r, int row, struct arena *arena, void *out)
{
	struct store_free_block *b = out;

	b->first_key = pg_col_text(r, row, 0, arena);
	b->prefix_len = (int)pg_col_int(r, row, 1);
	b->cidr = pg_col_text(r, row, 2, arena);
	return b->first_key != NULL && b->cidr != NULL ? 0 : -1;
}

static const enum pg_stmt by_fit[STORE_FIT__MAX] = {
	PGQ_FREE_FIRST,   /* STORE_FIT_FIRST */
	PGQ_FREE_BEST,    /* STORE_FIT_BEST */
	PGQ_FREE_LAST,    /* STORE_FIT_LAST */
	PGQ_FREE_LARGEST, /* STORE_FIT_LARGEST */
};

/*
 * The pool (locked in a write transaction) and then its free block, in
 * one round trip.  The second statement starts after the first has its
 * lock, so under READ COMMITTED it reads the free space as the previous
 * holder of the lock committed it.
 */
int
pg_pool_get_free(struct store *st, int64_t id, int max_len, enum store_fit fit,
    struct arena *arena, struct store_pool *pool, struct store_free_block *free,
    int *found, struct err *err)
{
	struct pg_params pp = PG_PARAMS_INIT, fp = PG_PARAMS_INIT;
	PGresult *r1, *r2;
	int rc = 0;

	*found = 0;
	if ((unsigned)fit >= STORE_FIT__MAX)
		return err_set(err, 500, "internal", "unknown fit");
	pg_int(&pp, 1, id);
	pg_int(&fp, 1, id);
	pg_int(&fp, 2, max_len);
	if (pg_exec_pair(st,
	        pg_of(st)->writing ? PGQ_POOL_GET_LOCK : PGQ_POOL_GET, &pp,
	        by_fit[fit], &fp, &r1, &r2, err) == -1)
		return -1;
	if (PQntuples(r1) == 0)
		rc = err_set(err, 404, "not_found", "no pool with id %lld",
		    (long long)id);
	else if (pool_row(r1, 0, arena, pool) == -1 ||
	         (PQntuples(r2) > 0 && free_row(r2, 0, arena, free) == -1))
		rc = err_set(err, 500, "internal", "out of memory");
	else
		*found = PQntuples(r2) > 0;
	PQclear(r1);
	PQclear(r2);
	return rc;
}

int
pg_free_find(struct store *st, int64_t pool_id, int max_len, enum store_fit fit,
    struct arena *arena, struct store_free_block *out, int *found,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	*found = 0;
	if ((unsigned)fit >= STORE_FIT__MAX)
		return err_set(err, 500, "internal", "unknown fit");
	pg_int(&p, 1, pool_id);
	pg_int(&p, 2, max_len);
	return pg_row_one(
	    st, by_fit[fit], &p, arena, free_row, out, found, err);
}

int
pg_free_at(struct store *st, int64_t pool_id, const char *key,
    struct arena *arena, struct store_free_block *out, int *found,
    struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, pool_id);
	pg_text(&p, 2, key);
	return pg_row_one(
	    st, PGQ_FREE_AT, &p, arena, free_row, out, found, err);
}

int
pg_free_list(struct store *st, int64_t pool_id, const char *from_key,
    int64_t limit, struct arena *arena, struct store_free_block **out,
    size_t *n, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_int(&p, 1, pool_id);
	pg_text(&p, 2, from_key);
	pg_limit(&p, 3, limit);
	return pg_rows(st, PGQ_FREE_LIST, &p, limit, arena, sizeof(**out),
	    free_row, (void **)out, n, err);
}
