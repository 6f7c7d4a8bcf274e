/*
 * blocks.c: the candidate blocks of one length inside a pool, page by
 * page, as free, used or partly used.
 *
 * Nothing here walks the address space.  A page of all candidates is
 * index arithmetic plus two index probes per block (the free prefix that
 * may hold it, the child in its way); the free and used filters walk the
 * pool's free-space table, whose rows are few even in a large pool, so a
 * page of /64s inside a /32 costs what a page of /24s inside a /16 does.
 */
#include "ipam/pool.h"

#include <stdio.h>
#include <string.h>

#include "ipam/ipam_internal.h"

#define FREE_BATCH 512

const char *const ipam_block_state_names[IPAM_BLOCK__MAX] = {
	"free",    /* IPAM_BLOCK_FREE */
	"used",    /* IPAM_BLOCK_USED */
	"partial", /* IPAM_BLOCK_PARTIAL */
};

/* State of one candidate and, unless free, the child in its way. */
static int
classify(struct store *st, struct arena *arena, int64_t pool_id,
    struct ipam_block *b, struct err *err)
{
	char first[IP_KEY_STRLEN], last[IP_KEY_STRLEN];
	struct store_free_block f;
	struct ip_prefix holder;
	int found;

	ip_prefix_keys(&b->prefix, first, last);
	if (store_free_at(st, pool_id, last, arena, &f, &found, err) == -1)
		return -1;
	b->state = IPAM_BLOCK_USED;
	if (found) {
		if (ip_prefix_parse(f.cidr, strlen(f.cidr), &holder, err) == -1)
			return -1;
		if (ip_prefix_contains(&holder, &b->prefix)) {
			b->state = IPAM_BLOCK_FREE;
			return 0;
		}
		/* Free prefixes are aligned: one starting inside b lies in
		 * it. */
		if (strcmp(f.first_key, first) >= 0)
			b->state = IPAM_BLOCK_PARTIAL;
	}
	return store_pool_child_in(st, pool_id,
	    b->prefix.addr.family == IP_FAMILY_V4 ? 4 : 6, first, last, arena,
	    &b->pool, &b->has_pool, err);
}

static int
page_all(struct store *st, struct arena *arena, const struct store_pool *pool,
    const struct ip_prefix *pp, int len, uint64_t offset, uint64_t size,
    struct ipam_blocks_out *out, struct err *err)
{
	uint64_t i;

	for (i = offset; i < out->total && out->n < size; i++) {
		struct ipam_block *b = &out->items[out->n];

		memset(b, 0, sizeof(*b));
		if (ip_prefix_child(pp, (unsigned)len, i, &b->prefix, err) ==
		        -1 ||
		    classify(st, arena, pool->id, b, err) == -1)
			return -1;
		out->n++;
	}
	return 0;
}

/* Walk the free prefixes long enough to hold a block of len, in order,
 * calling fn with the range of candidate indexes each one covers. */
typedef int (*range_fn)(
    uint64_t from, uint64_t count, void *arg, struct err *err);

static int
walk_free(struct store *st, struct arena *arena, const struct store_pool *pool,
    const struct ip_prefix *pp, int len, range_fn fn, void *arg,
    struct err *err)
{
	struct store_free_block *rows;
	struct ip_prefix f;
	const char *from = "";
	uint64_t index;
	size_t n, i;

	do {
		if (store_free_list(st, pool->id, from, FREE_BATCH, arena,
		        &rows, &n, err) == -1)
			return -1;
		for (i = 0; i < n; i++) {
			if (rows[i].prefix_len > len)
				continue;
			if (ip_prefix_parse(rows[i].cidr, strlen(rows[i].cidr),
			        &f, err) == -1 ||
			    ip_prefix_child_index(pp, (unsigned)len, &f.addr,
			        &index, err) == -1 ||
			    fn(index, (uint64_t)1 << (len - rows[i].prefix_len),
			        arg, err) == -1)
				return -1;
		}
		if (n > 0) {
			/* Continue after the last row: its key plus one. */
			char *next = arena_strdup(arena, rows[n - 1].first_key);

			if (next == NULL)
				return err_set(
				    err, 500, "internal", "out of memory");
			next[strlen(next) - 1]++;
			from = next;
		}
	} while (n == FREE_BATCH);
	return 0;
}

struct filter_ctx {
	struct store *st;
	struct arena *arena;
	const struct store_pool *pool;
	const struct ip_prefix *pp;
	int len;
	int want_free;
	uint64_t offset, size;
	uint64_t seen;   /* matching candidates before the current range */
	uint64_t cursor; /* next candidate index not yet classified */
	struct ipam_blocks_out *out;
};

/* Emit candidates [from, from + count) that match, inside the page. */
static int
emit(struct filter_ctx *c, uint64_t from, uint64_t count, int state_known,
    struct err *err)
{
	uint64_t skip, i;

	if (c->seen + count <= c->offset || c->out->n >= c->size) {
		c->seen += count;
		return 0;
	}
	skip = c->offset > c->seen ? c->offset - c->seen : 0;
	for (i = from + skip; i < from + count && c->out->n < c->size; i++) {
		struct ipam_block *b = &c->out->items[c->out->n];

		memset(b, 0, sizeof(*b));
		if (ip_prefix_child(
		        c->pp, (unsigned)c->len, i, &b->prefix, err) == -1)
			return -1;
		if (state_known)
			b->state = IPAM_BLOCK_FREE;
		else if (classify(c->st, c->arena, c->pool->id, b, err) == -1)
			return -1;
		c->out->n++;
	}
	c->seen += count;
	return 0;
}

static int
on_free_range(uint64_t from, uint64_t count, void *arg, struct err *err)
{
	struct filter_ctx *c = arg;
	int rc = 0;

	if (c->want_free)
		rc = emit(c, from, count, 1, err);
	else if (from > c->cursor)
		rc = emit(c, c->cursor, from - c->cursor, 0, err);
	c->cursor = from + count;
	return rc;
}

int
ipam_pool_blocks(struct store *st, struct arena *arena, int64_t id, int len,
    enum ipam_block_filter filter, uint64_t page, uint64_t page_size,
    struct ipam_blocks_out *out, struct err *err)
{
	struct store_pool pool;
	struct ip_prefix pp;
	struct filter_ctx c;
	int width;

	memset(out, 0, sizeof(*out));
	if (store_pool_get(st, id, arena, &pool, err) == -1 ||
	    ipam_pool_prefix(&pool, &pp, err) == -1)
		return -1;
	width = pp.addr.family == IP_FAMILY_V4 ? 32 : 128;
	if (len <= pp.len || len > width)
		return err_field(err, 400, "invalid_value", "prefix_len",
		    "prefix_len must be from %d to %d inside a /%d", pp.len + 1,
		    width, pp.len);
	if (page == 0 || page_size == 0)
		return err_field(err, 400, "invalid_value", "page",
		    "page and page_size start at 1");
	out->items =
	    arena_calloc(arena, (size_t)page_size, sizeof(*out->items));
	if (out->items == NULL)
		return err_set(err, 500, "internal", "out of memory");
	out->total = ip_blocks_count(&pp, (unsigned)len, out->total_exact);
	if (filter == IPAM_BLOCKS_ALL) {
		if (page - 1 > UINT64_MAX / page_size)
			return 0;
		return page_all(st, arena, &pool, &pp, len,
		    (page - 1) * page_size, page_size, out, err);
	}
	if (len - pp.len > 63)
		return err_field(err, 400, "invalid_value", "prefix_len",
		    "too many /%d blocks to filter; choose a prefix_len up to "
		    "/%d, or status=all",
		    len, pp.len + 63);
	memset(&c, 0, sizeof(c));
	c.st = st;
	c.arena = arena;
	c.pool = &pool;
	c.pp = &pp;
	c.len = len;
	c.want_free = filter == IPAM_BLOCKS_FREE;
	c.offset = (page - 1) * page_size;
	c.size = page_size;
	c.out = out;
	if (walk_free(st, arena, &pool, &pp, len, on_free_range, &c, err) == -1)
		return -1;
	if (!c.want_free && c.cursor < out->total &&
	    emit(&c, c.cursor, out->total - c.cursor, 0, err) == -1)
		return -1;
	out->total = c.seen;
	snprintf(out->total_exact, sizeof(out->total_exact), "%llu",
	    (unsigned long long)c.seen);
	return 0;
}
