/*
 * sqlite_pools.c: pools, their free space and totals on SQLite.
 */
#include "store/sqlite_internal.h"

#include <string.h>

/* Read the POOL_SELECT columns of the current row. */
static int
pool_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_pool *p = row;

	p->id = sqlite3_column_int64(s, 0);
	p->name = sqlite_col_text(s, 1, arena);
	p->cidr = sqlite_col_text(s, 2, arena);
	p->family = sqlite3_column_int(s, 3);
	p->prefix_len = sqlite3_column_int(s, 4);
	p->first_key = sqlite_col_text(s, 5, arena);
	p->last_key = sqlite_col_text(s, 6, arena);
	p->vrf_id = sqlite3_column_int64(s, 7);
	p->parent_id = sqlite3_column_int64(s, 8);
	p->account_id = sqlite3_column_int64(s, 9);
	p->type = sqlite_col_text(s, 10, arena);
	p->status = sqlite_col_text(s, 11, arena);
	p->source = sqlite_col_text(s, 12, arena);
	p->description = sqlite_col_text(s, 13, arena);
	p->tags = sqlite_col_text(s, 14, arena);
	p->external_id = sqlite_col_text(s, 15, arena);
	p->region = sqlite_col_text(s, 16, arena);
	p->used_top = (uint64_t)sqlite3_column_int64(s, 17);
	p->used_high = (uint64_t)sqlite3_column_int64(s, 18);
	p->used_low = (uint64_t)sqlite3_column_int64(s, 19);
	p->children = sqlite3_column_int64(s, 20);
	p->created_at = sqlite_col_text(s, 21, arena);
	p->updated_at = sqlite_col_text(s, 22, arena);
	p->created_by = sqlite_col_text(s, 23, arena);
	p->updated_by = sqlite_col_text(s, 24, arena);
	p->vrf_name = sqlite_col_text(s, 25, arena);
	p->account_name = sqlite_col_text(s, 26, arena);
	return p->account_name != NULL && p->updated_by != NULL &&
	               p->name != NULL && p->tags != NULL && p->region != NULL
	           ? 0
	           : -1;
}

/* Collect the rows of s (up to limit, or all when limit < 0). */
static int
pool_rows(struct store *st, sqlite3_stmt *s, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	return sqlite_rows(st, s, limit, arena, sizeof(**out), pool_row,
	    (void **)out, n, "pool rows", err);
}

int
sqlite_pool_insert(struct store *st, const struct store_pool *in,
    struct arena *arena, struct store_pool *out, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_INSERT, err);

	if (s == NULL)
		return -1;
	sqlite_bind_text(s, 1, in->name);
	sqlite_bind_text(s, 2, in->cidr);
	sqlite3_bind_int(s, 3, in->family);
	sqlite3_bind_int(s, 4, in->prefix_len);
	sqlite_bind_text(s, 5, in->first_key);
	sqlite_bind_text(s, 6, in->last_key);
	sqlite3_bind_int64(s, 7, in->vrf_id);
	sqlite_bind_id(s, 8, in->parent_id);
	sqlite_bind_id(s, 9, in->account_id);
	sqlite_bind_text(s, 10, in->type);
	sqlite_bind_text(s, 11, in->status);
	sqlite_bind_text(s, 12, in->source);
	sqlite_bind_text(s, 13, in->description);
	sqlite_bind_text(s, 14, in->tags);
	sqlite_bind_text(s, 15, in->external_id);
	sqlite_bind_text(s, 16, in->region);
	sqlite_bind_text(s, 17, in->created_by ? in->created_by : "");
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		if ((sqlite3_extended_errcode(sqlite_db(st)) & 0xff) ==
		    SQLITE_CONSTRAINT)
			return err_field(err, 409, "overlap", "cidr",
			    "%s already exists in this VRF", in->cidr);
		return sqlite_fail(st, err, "pool insert");
	}
	sqlite3_reset(s);
	return sqlite_pool_get(
	    st, sqlite3_last_insert_rowid(sqlite_db(st)), arena, out, err);
}

int
sqlite_pool_get(struct store *st, int64_t id, struct arena *arena,
    struct store_pool *out, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_GET, err);
	struct store_pool *rows;
	size_t n;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (pool_rows(st, s, 1, arena, &rows, &n, err) == -1)
		return -1;
	if (n == 0)
		return err_set(err, 404, "not_found", "no pool with id %lld",
		    (long long)id);
	*out = rows[0];
	return 0;
}

int
sqlite_pool_update(
    struct store *st, const struct store_pool *in, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_UPDATE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, in->id);
	sqlite_bind_text(s, 2, in->name);
	sqlite_bind_id(s, 3, in->account_id);
	sqlite_bind_text(s, 4, in->type);
	sqlite_bind_text(s, 5, in->status);
	sqlite_bind_text(s, 6, in->description);
	sqlite_bind_text(s, 7, in->tags);
	sqlite_bind_text(s, 8, in->external_id);
	sqlite_bind_text(s, 9, in->region);
	sqlite_bind_text(s, 10, in->updated_by ? in->updated_by : "");
	return sqlite_exec_stmt(st, s, "pool update", err);
}

int
sqlite_pool_delete(struct store *st, int64_t id, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_DELETE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return sqlite_exec_stmt(st, s, "pool delete", err);
}

int
sqlite_pool_set_used(struct store *st, int64_t id, uint64_t top, uint64_t high,
    uint64_t low, int64_t children, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_SET_USED, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (int64_t)top);
	sqlite3_bind_int64(s, 3, (int64_t)high);
	sqlite3_bind_int64(s, 4, (int64_t)low);
	sqlite3_bind_int64(s, 5, children);
	return sqlite_exec_stmt(st, s, "pool used", err);
}

static void
filter_bind(
    sqlite3_stmt *s, const struct store_pool_filter *f, const char *like)
{
	sqlite_bind_id(s, 1, f->vrf_id);
	sqlite_bind_id(s, 2, f->parent_id);
	sqlite_bind_id(s, 3, f->account_id);
	sqlite_bind_text(s, 4, f->type);
	sqlite_bind_text(s, 5, f->status);
	sqlite_bind_text(s, 6, f->source);
	sqlite_bind_id(s, 7, f->family);
	sqlite_bind_text(s, 8, f->tag_key);
	sqlite_bind_text(s, 9, f->tag_value);
	sqlite_bind_text(s, 10, like);
	if (f->leaves_only)
		sqlite3_bind_int(s, 11, 1);
}

int
sqlite_pool_list(struct store *st, struct arena *arena,
    const struct store_pool_filter *f, struct store_page *page,
    struct store_pool **out, size_t *n, struct err *err)
{
	const char *like = sqlite_like_pattern(arena, f->q);
	enum stmt list = STMT_POOL_LIST, count = STMT_POOL_COUNT;
	sqlite3_stmt *s;
	int rc;

	/* Children and top-level pools have index-served statements. */
	if (f->parent_id > 0) {
		list = STMT_POOL_LIST_CHILDREN;
		count = STMT_POOL_COUNT_CHILDREN;
	} else if (f->parent_id == -1) {
		list = STMT_POOL_LIST_TOP;
		count = STMT_POOL_COUNT_TOP;
	}
	s = sqlite_stmt(st, count, err);
	if (s == NULL)
		return -1;
	filter_bind(s, f, like);
	rc = sqlite3_step(s);
	page->total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return sqlite_fail(st, err, "pool count");
	s = sqlite_stmt(st, list, err);
	if (s == NULL)
		return -1;
	filter_bind(s, f, like);
	sqlite3_bind_int64(s, 12, page->limit);
	sqlite3_bind_int64(s, 13, page->offset);
	return pool_rows(st, s, page->limit, arena, out, n, err);
}

/*
 * The pool a descending seek on first_key found (s, bound, LIMIT 1),
 * kept only when it reaches first_key: pools of one parent never overlap,
 * so the last one starting before a range's end is the only one that can
 * reach into the range.
 */
static int
pool_reaching(struct store *st, sqlite3_stmt *s, const char *first_key,
    struct arena *arena, struct store_pool *out, int *found, struct err *err)
{
	if (sqlite_row_one(
	        st, s, arena, pool_row, out, found, "pool seek", err) == -1)
		return -1;
	if (*found && strcmp(out->last_key, first_key) < 0)
		*found = 0;
	return 0;
}

int
sqlite_pool_overlapping_sibling(struct store *st, int64_t vrf_id,
    int64_t parent_id, int family, const char *first_key, const char *last_key,
    struct arena *arena, struct store_pool *out, int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_SIBLING, err);

	*found = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, vrf_id);
	sqlite3_bind_int64(s, 2, parent_id);
	sqlite3_bind_int(s, 3, family);
	sqlite_bind_text(s, 5, last_key);
	return pool_reaching(st, s, first_key, arena, out, found, err);
}

int
sqlite_pool_by_cidrs(struct store *st, int64_t vrf_id, const char *const *cidrs,
    size_t ncidrs, struct arena *arena, struct store_pool **out, size_t *n,
    struct err *err)
{
	sqlite3_stmt *s;
	size_t i;

	*n = 0;
	if (ncidrs > SQLITE_CIDRS_MAX)
		return err_set(err, 500, "internal", "too many prefixes");
	/* One statement, one index probe per prefix, most specific first. */
	if ((s = sqlite_stmt(st, STMT_POOL_BY_CIDRS, err)) == NULL)
		return -1;
	for (i = 0; i < ncidrs; i++)
		sqlite_bind_text(s, (int)i + 1, cidrs[i]);
	sqlite_bind_id(s, SQLITE_CIDRS_MAX + 1, vrf_id);
	return pool_rows(st, s, -1, arena, out, n, err);
}

int
sqlite_pool_within(struct store *st, int64_t vrf_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_page *page, struct store_pool **out, size_t *n,
    struct err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = sqlite_stmt(st, STMT_POOL_WITHIN_COUNT, err)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, family);
	sqlite_bind_text(s, 2, first_key);
	sqlite_bind_text(s, 3, last_key);
	sqlite_bind_text(s, 4, last_key);
	sqlite_bind_id(s, 5, vrf_id);
	rc = sqlite3_step(s);
	page->total = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return sqlite_fail(st, err, "pool within count");
	if ((s = sqlite_stmt(st, STMT_POOL_WITHIN, err)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, family);
	sqlite_bind_text(s, 2, first_key);
	sqlite_bind_text(s, 3, last_key);
	sqlite_bind_text(s, 4, last_key);
	sqlite_bind_id(s, 5, vrf_id);
	sqlite3_bind_int64(s, 6, page->limit);
	sqlite3_bind_int64(s, 7, page->offset);
	return pool_rows(st, s, page->limit, arena, out, n, err);
}

int
sqlite_pool_child_in(struct store *st, int64_t parent_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_pool *out, int *found, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_CHILDREN_RANGE, err);

	*found = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, parent_id);
	sqlite_bind_text(s, 3, last_key);
	sqlite3_bind_int(s, 4, family);
	return pool_reaching(st, s, first_key, arena, out, found, err);
}

int
sqlite_pool_descendants(struct store *st, int64_t id, struct arena *arena,
    int64_t **ids, size_t *n, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_POOL_DESCENDANTS, err);
	size_t cap = 64;
	int64_t *v, *grown;
	int rc = SQLITE_DONE;

	*n = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	v = arena_alloc(arena, cap * sizeof(*v));
	while (v != NULL && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			grown = arena_alloc(arena, 2 * cap * sizeof(*v));
			if (grown != NULL)
				memcpy(grown, v, cap * sizeof(*v));
			v = grown;
			cap *= 2;
			if (v == NULL)
				break;
		}
		v[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (v == NULL)
		return err_set(err, 500, "internal", "out of memory");
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, err, "descendants");
	*ids = v;
	return 0;
}

static int
pool_top(struct store *st, enum stmt id, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, id, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, limit);
	return pool_rows(st, s, limit, arena, out, n, err);
}

int
sqlite_pool_recent(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	return pool_top(st, STMT_POOL_RECENT, limit, arena, out, n, err);
}

int
sqlite_pool_parents(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	return pool_top(st, STMT_POOL_PARENTS, limit, arena, out, n, err);
}

int
sqlite_totals(struct store *st, struct store_totals *out, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_TOTALS, err);
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->pools = sqlite3_column_int64(s, 0);
		out->vrfs = sqlite3_column_int64(s, 1);
		out->accounts = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return sqlite_fail(st, err, "totals");
	return 0;
}

/* --- free space --- */

int
sqlite_free_insert(struct store *st, int64_t pool_id,
    const struct store_free_block *b, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_FREE_INSERT, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pool_id);
	sqlite_bind_text(s, 2, b->first_key);
	sqlite3_bind_int(s, 3, b->prefix_len);
	sqlite_bind_text(s, 4, b->cidr);
	return sqlite_exec_stmt(st, s, "free insert", err);
}

int
sqlite_free_delete(
    struct store *st, int64_t pool_id, const char *first_key, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_FREE_DELETE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pool_id);
	sqlite_bind_text(s, 2, first_key);
	return sqlite_exec_stmt(st, s, "free delete", err);
}

static int
free_row(sqlite3_stmt *s, struct arena *arena, void *row)
{
	struct store_free_block *b = row;

	b->first_key = sqlite_col_text(s, 0, arena);
	b->prefix_len = sqlite3_column_int(s, 1);
	b->cidr = sqlite_col_text(s, 2, arena);
	return b->first_key != NULL && b->cidr != NULL ? 0 : -1;
}

static int
free_rows(struct store *st, sqlite3_stmt *s, int64_t limit, struct arena *arena,
    struct store_free_block **out, size_t *n, struct err *err)
{
	return sqlite_rows(st, s, limit, arena, sizeof(**out), free_row,
	    (void **)out, n, "free blocks", err);
}

static int
free_one(struct store *st, sqlite3_stmt *s, struct arena *arena,
    struct store_free_block *out, int *found, struct err *err)
{
	return sqlite_row_one(
	    st, s, arena, free_row, out, found, "free blocks", err);
}

int
sqlite_pool_get_free(struct store *st, int64_t id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_pool *pool,
    struct store_free_block *free, int *found, struct err *err)
{
	*found = 0;
	if (sqlite_pool_get(st, id, arena, pool, err) == -1)
		return -1;
	return sqlite_free_find(st, id, max_len, fit, arena, free, found, err);
}

int
sqlite_free_find(struct store *st, int64_t pool_id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_free_block *out,
    int *found, struct err *err)
{
	static const enum stmt by_fit[STORE_FIT__MAX] = {
		STMT_FREE_FIRST,   /* STORE_FIT_FIRST */
		STMT_FREE_BEST,    /* STORE_FIT_BEST */
		STMT_FREE_LAST,    /* STORE_FIT_LAST */
		STMT_FREE_LARGEST, /* STORE_FIT_LARGEST */
	};
	sqlite3_stmt *s = sqlite_stmt(st, by_fit[fit], err);

	*found = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pool_id);
	sqlite3_bind_int(s, 2, max_len);
	return free_one(st, s, arena, out, found, err);
}

int
sqlite_free_at(struct store *st, int64_t pool_id, const char *key,
    struct arena *arena, struct store_free_block *out, int *found,
    struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_FREE_AT, err);

	*found = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pool_id);
	sqlite_bind_text(s, 2, key);
	return free_one(st, s, arena, out, found, err);
}

int
sqlite_free_list(struct store *st, int64_t pool_id, const char *from_key,
    int64_t limit, struct arena *arena, struct store_free_block **out,
    size_t *n, struct err *err)
{
	sqlite3_stmt *s = sqlite_stmt(st, STMT_FREE_LIST, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, pool_id);
	sqlite_bind_text(s, 2, from_key);
	sqlite3_bind_int64(s, 3, limit);
	return free_rows(st, s, limit, arena, out, n, err);
}
