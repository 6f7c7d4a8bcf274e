/*
 * ip_set.c: free space of a parent, aggregation and free-block search.
 *
 * Everything rests on two steps.  walk_free() turns sorted children into
 * the maximal free address ranges of the parent, one pass with a cursor.
 * decompose() turns one range into the fewest prefixes covering it: at
 * each step the largest block that is both aligned at the range's start
 * and no longer than what is left, so at most two per bit of width.  The
 * blocks so found are the maximal aligned blocks inside the range; any
 * aligned block inside free space lies inside exactly one of them, which
 * is what makes the fit strategies exact without trying candidates.
 */
#include "ip/ip_set.h"

#include "ip/ip_internal.h"
#include "lib/err.h"

const char *const ip_fit_names[IP_FIT__MAX] = {
	"first_fit", /* IP_FIT_FIRST */
	"best_fit",  /* IP_FIT_BEST */
	"last_fit",  /* IP_FIT_LAST */
};

/* Called with a free range [first, last]; returns as ip_prefix_fn. */
typedef int (*free_range_fn)(
    struct ip_u128 first, struct ip_u128 last, void *arg, struct err *err);

/*
 * Host bits of the largest block that starts at first, is aligned there
 * and ends at or before last.
 */
static unsigned
largest_block(struct ip_u128 first, struct ip_u128 last, unsigned width)
{
	unsigned bits = ip_u128_trailing_zeros(first), fit;
	struct ip_u128 span = ip_u128_sub(last, first);

	if (bits > width)
		bits = width;
	/* The largest 2^fit with 2^fit - 1 <= span. */
	if (ip_u128_is_max(span))
		fit = 128;
	else
		fit = ip_u128_bit_length(ip_u128_increment(span)) - 1;
	return fit < bits ? fit : bits;
}

/* Call fn with each prefix of the fewest covering [first, last]. */
static int
decompose(struct ip_u128 first, struct ip_u128 last, unsigned family,
    ip_prefix_fn fn, void *arg, struct err *err)
{
	unsigned width = ip_width(family), bits;
	struct ip_u128 block_last;
	struct ip_prefix p;
	int rc;

	for (;;) {
		bits = largest_block(first, last, width);
		ip_u128_to_addr(first, family, &p.addr);
		p.len = (uint8_t)(width - bits);
		if ((rc = fn(&p, arg, err)) != 0)
			return rc;
		block_last = ip_u128_or(first, ip_u128_low_mask(bits));
		if (ip_u128_compare(block_last, last) == 0)
			return 0;
		first = ip_u128_increment(block_last);
	}
}

static int
unsorted(const struct ip_prefix *children, size_t i, struct err *err)
{
	char a[IP_PREFIX_STRLEN], b[IP_PREFIX_STRLEN];

	return err_set(err, 500, "unsorted_children",
	    "children out of order at index %zu: %s after %s", i,
	    ip_prefix_format(&children[i], a),
	    ip_prefix_format(&children[i - 1], b));
}

/*
 * Call fn with each maximal free range of parent in address order.
 * Returns 0 when done, 1 when fn stopped early, -1 on failure.
 */
static int
walk_free(const struct ip_prefix *parent, const struct ip_prefix *children,
    size_t n, free_range_fn fn, void *arg, struct err *err)
{
	struct ip_u128 cursor = ip_prefix_first_u128(parent);
	struct ip_u128 end = ip_prefix_last_u128(parent), first, last;
	bool full = false;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct ip_prefix *c = &children[i];

		if (i > 0 && ip_prefix_compare(&children[i - 1], c) > 0)
			return unsorted(children, i, err);
		if (full || !ip_prefix_overlaps(parent, c))
			continue;
		/* Clip to the parent: a child holding it uses all of it. */
		first = ip_prefix_first_u128(c);
		last = ip_prefix_last_u128(c);
		if (c->len < parent->len) {
			first = ip_prefix_first_u128(parent);
			last = end;
		}
		if (ip_u128_compare(last, cursor) < 0)
			continue; /* inside a child already seen */
		if (ip_u128_compare(first, cursor) > 0) {
			rc = fn(cursor, ip_u128_decrement(first), arg, err);
			if (rc != 0)
				return rc;
		}
		if (ip_u128_compare(last, end) == 0)
			full = true;
		else
			cursor = ip_u128_increment(last);
	}
	if (full)
		return 0;
	return fn(cursor, end, arg, err);
}

/* Carries the caller's per-prefix callback through walk_free(). */
struct each {
	unsigned family;
	ip_prefix_fn fn;
	void *arg;
};

static int
each_range(
    struct ip_u128 first, struct ip_u128 last, void *arg, struct err *err)
{
	struct each *e = arg;

	return decompose(first, last, e->family, e->fn, e->arg, err);
}

int
ip_set_subtract_each(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, ip_prefix_fn fn, void *arg,
    struct err *err)
{
	struct each e = { parent->addr.family, fn, arg };

	if (walk_free(parent, children, n, each_range, &e, err) == -1)
		return -1;
	return 0;
}

struct collect {
	struct ip_prefix *out;
	size_t cap;
	size_t count;
};

static int
collect_prefix(const struct ip_prefix *p, void *arg, struct err *err)
{
	struct collect *c = arg;

	(void)err;
	if (c->count < c->cap)
		c->out[c->count] = *p;
	c->count++;
	return 0;
}

int
ip_set_subtract(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, struct ip_prefix *out,
    size_t cap, size_t *count, struct err *err)
{
	struct collect c = { out, cap, 0 };

	if (ip_set_subtract_each(
	        parent, children, n, collect_prefix, &c, err) == -1)
		return -1;
	*count = c.count;
	if (c.count > cap)
		return err_set(err, 500, "buffer_too_small",
		    "free space is %zu prefixes; room for %zu", c.count, cap);
	return 0;
}

/* Whether a range ending at last runs into one starting at first. */
static bool
touches(struct ip_u128 last, struct ip_u128 first, unsigned family)
{
	struct ip_u128 top = ip_u128_low_mask(ip_width(family));

	if (ip_u128_compare(last, top) == 0)
		return true;
	return ip_u128_compare(first, ip_u128_increment(last)) <= 0;
}

static int
store_prefix(const struct ip_prefix *p, void *arg, struct err *err)
{
	struct collect *c = arg;

	(void)err;
	c->out[c->count++] = *p;
	return 0;
}

size_t
ip_set_aggregate(struct ip_prefix *v, size_t n)
{
	struct collect c = { v, n, 0 };
	struct ip_u128 first, last, next;
	unsigned family;
	size_t i = 0, j;

	ip_prefix_sort(v, n);
	while (i < n) {
		family = v[i].addr.family;
		first = ip_prefix_first_u128(&v[i]);
		last = ip_prefix_last_u128(&v[i]);
		for (j = i + 1;
		     j < n && v[j].addr.family == family &&
		     touches(last, ip_prefix_first_u128(&v[j]), family);
		     j++) {
			next = ip_prefix_last_u128(&v[j]);
			if (ip_u128_compare(next, last) > 0)
				last = next;
		}
		/*
		 * v[i..j) covers [first, last], so the fewest prefixes for it
		 * number at most j - i: writing them from c.count <= i never
		 * overtakes what is still to be read.
		 */
		decompose(first, last, family, store_prefix, &c, NULL);
		i = j;
	}
	return c.count;
}

/* State of one free-block search, fed the free prefixes in order. */
struct fit {
	unsigned len;
	enum ip_fit fit;
	bool found;
	struct ip_prefix block; /* the free prefix chosen so far */
	struct ip_prefix largest;
};

static int
fit_prefix(const struct ip_prefix *p, void *arg, struct err *err)
{
	struct fit *f = arg;

	(void)err;
	if (p->len < f->largest.len)
		f->largest = *p;
	if (p->len > f->len)
		return 0; /* too small */
	switch (f->fit) {
	case IP_FIT_FIRST:
		f->block = *p;
		f->found = true;
		return 1;
	case IP_FIT_BEST:
		if (!f->found || p->len > f->block.len)
			f->block = *p;
		f->found = true;
		/* An exact fit cannot be beaten, and is the lowest one. */
		return p->len == f->len;
	default:
		f->block = *p;
		f->found = true;
		return 0;
	}
}

static int
check_len(const struct ip_prefix *parent, unsigned len, struct err *err)
{
	unsigned width = ip_addr_width(&parent->addr);
	char text[IP_PREFIX_STRLEN];

	if (len > width)
		return err_set(err, 400, "invalid_prefix_length",
		    "prefix length %u exceeds %u", len, width);
	if (len < parent->len)
		return err_set(err, 400, "invalid_prefix_length",
		    "a /%u block does not fit in %s", len,
		    ip_prefix_format(parent, text));
	return 0;
}

static int
pool_full(const struct ip_prefix *parent, const struct fit *f, struct err *err)
{
	char text[IP_PREFIX_STRLEN], free_text[IP_PREFIX_STRLEN];

	ip_prefix_format(parent, text);
	if (f->largest.len == IP_LEN_NONE)
		return err_set(err, 409, "pool_full",
		    "no free /%u in %s: it is full", f->len, text);
	return err_set(err, 409, "pool_full",
	    "no free /%u in %s; the largest free block is %s", f->len, text,
	    ip_prefix_format(&f->largest, free_text));
}

int
ip_set_find_free(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, unsigned len, enum ip_fit fit,
    struct ip_prefix *out, struct ip_prefix *largest, struct err *err)
{
	struct fit f = { 0 };
	struct ip_u128 first, host;

	if (check_len(parent, len, err) == -1)
		return -1;
	if ((unsigned)fit >= IP_FIT__MAX)
		return err_set(err, 400, "invalid_strategy",
		    "unknown allocation strategy %d", (int)fit);
	f.len = len;
	f.fit = fit;
	f.largest.addr.family = parent->addr.family;
	f.largest.len = IP_LEN_NONE;
	if (ip_set_subtract_each(parent, children, n, fit_prefix, &f, err))
		return -1;
	if (!f.found) {
		if (largest != NULL)
			*largest = f.largest;
		return pool_full(parent, &f, err);
	}
	/* Lowest block of the free prefix, or its highest for LAST_FIT. */
	first = ip_prefix_first_u128(&f.block);
	if (fit == IP_FIT_LAST) {
		host = ip_u128_low_mask(ip_addr_width(&parent->addr) - len);
		first = ip_u128_and(
		    ip_prefix_last_u128(&f.block), ip_u128_not(host));
	}
	ip_u128_to_addr(first, parent->addr.family, &out->addr);
	out->len = (uint8_t)len;
	return 0;
}

static int
count_range(
    struct ip_u128 first, struct ip_u128 last, void *arg, struct err *err)
{
	struct ip_count *total = arg, size = IP_COUNT_ZERO;
	struct ip_u128 span = ip_u128_sub(last, first);

	/* last - first + 1 reaches 2^128 only for the whole of ::/0. */
	if (ip_u128_is_max(span)) {
		size.top = 1;
	} else {
		span = ip_u128_increment(span);
		size.high = span.high;
		size.low = span.low;
	}
	return ip_count_add(total, &size, err);
}

int
ip_set_free_count(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, struct ip_count *out,
    struct err *err)
{
	struct ip_count zero = IP_COUNT_ZERO;

	*out = zero;
	if (walk_free(parent, children, n, count_range, out, err) == -1)
		return -1;
	return 0;
}
