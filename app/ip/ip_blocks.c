/*
 * ip_blocks.c: exact 129-bit counts, their decimal text, and child blocks
 * of a prefix computed by index instead of by listing.
 */
#include "ip/ip_blocks.h"

#include <stdio.h>

#include "ip/ip_internal.h"
#include "lib/err.h"

/* 2^k for k in 0..128. */
static void
count_power(unsigned k, struct ip_count *c)
{
	c->top = k >= 128;
	c->high = k >= 64 && k < 128 ? (uint64_t)1 << (k - 64) : 0;
	c->low = k < 64 ? (uint64_t)1 << k : 0;
}

void
ip_count_set(struct ip_count *c, uint64_t v)
{
	c->top = 0;
	c->high = 0;
	c->low = v;
}

void
ip_prefix_size(const struct ip_prefix *p, struct ip_count *out)
{
	count_power(ip_host_bits(p), out);
}

uint64_t
ip_prefix_count(const struct ip_prefix *p, char out[IP_COUNT_STRLEN])
{
	struct ip_count c;

	ip_prefix_size(p, &c);
	if (out != NULL)
		ip_count_format(&c, out);
	return ip_count_u64(&c);
}

int
ip_count_add(struct ip_count *sum, const struct ip_count *c, struct err *err)
{
	struct ip_u128 a = ip_u128_make(sum->high, sum->low);
	struct ip_u128 r = ip_u128_add(a, ip_u128_make(c->high, c->low));
	unsigned top = sum->top + c->top + (ip_u128_compare(r, a) < 0);

	if (top > 1)
		return err_set(
		    err, 500, "count_overflow", "address count overflow");
	sum->top = (uint8_t)top;
	sum->high = r.high;
	sum->low = r.low;
	return 0;
}

int
ip_count_sub(
    struct ip_count *difference, const struct ip_count *c, struct err *err)
{
	struct ip_u128 a = ip_u128_make(difference->high, difference->low);
	struct ip_u128 b = ip_u128_make(c->high, c->low);

	if (ip_count_compare(difference, c) < 0)
		return err_set(
		    err, 500, "count_underflow", "address count underflow");
	difference->top =
	    (uint8_t)(difference->top - c->top - (ip_u128_compare(a, b) < 0));
	a = ip_u128_sub(a, b);
	difference->high = a.high;
	difference->low = a.low;
	return 0;
}

int
ip_count_compare(const struct ip_count *a, const struct ip_count *b)
{
	if (a->top != b->top)
		return a->top < b->top ? -1 : 1;
	return ip_u128_compare(
	    ip_u128_make(a->high, a->low), ip_u128_make(b->high, b->low));
}

uint64_t
ip_count_u64(const struct ip_count *c)
{
	if (c->top != 0 || c->high != 0)
		return UINT64_MAX;
	return c->low;
}

static double
count_double(const struct ip_count *c)
{
	const double two64 = 18446744073709551616.0;

	return ((double)c->top * two64 + (double)c->high) * two64 +
	       (double)c->low;
}

double
ip_count_ratio(const struct ip_count *part, const struct ip_count *whole)
{
	double w = count_double(whole);

	return w == 0 ? 0 : count_double(part) / w;
}

/*
 * Divide the 160-bit number in limbs (most significant first) by 10^9 in
 * place and return the remainder.  Each step divides a number below
 * 10^9 * 2^32 < 2^62, so uint64_t suffices without a 128-bit type.
 */
static uint32_t
divide_billion(uint32_t limbs[5])
{
	uint64_t rest = 0;
	int i;

	for (i = 0; i < 5; i++) {
		uint64_t cur = rest << 32 | limbs[i];

		limbs[i] = (uint32_t)(cur / 1000000000u);
		rest = cur % 1000000000u;
	}
	return (uint32_t)rest;
}

char *
ip_count_format(const struct ip_count *c, char out[IP_COUNT_STRLEN])
{
	uint32_t limbs[5], chunks[5];
	int n = 0, i, len;

	limbs[0] = c->top;
	limbs[1] = (uint32_t)(c->high >> 32);
	limbs[2] = (uint32_t)c->high;
	limbs[3] = (uint32_t)(c->low >> 32);
	limbs[4] = (uint32_t)c->low;
	do {
		chunks[n++] = divide_billion(limbs);
	} while (
	    (limbs[0] | limbs[1] | limbs[2] | limbs[3] | limbs[4]) && n < 5);
	/* The leading chunk unpadded, the rest as nine digits each. */
	len = snprintf(out, IP_COUNT_STRLEN, "%u", (unsigned)chunks[n - 1]);
	for (i = n - 2; i >= 0; i--)
		len += snprintf(out + len, (size_t)(IP_COUNT_STRLEN - len),
		    "%09u", (unsigned)chunks[i]);
	return out;
}

/* k when c is 2^k, else -1. */
static int
count_log2(const struct ip_count *c)
{
	struct ip_u128 v = ip_u128_make(c->high, c->low);

	if (c->top != 0)
		return ip_u128_is_zero(v) ? 128 : -1;
	/* A power of two has one bit set: clearing the lowest leaves 0. */
	if (ip_u128_is_zero(v) ||
	    !ip_u128_is_zero(ip_u128_and(v, ip_u128_decrement(v))))
		return -1;
	return (int)ip_u128_trailing_zeros(v);
}

char *
ip_count_format_power(const struct ip_count *c, char out[IP_COUNT_STRLEN])
{
	int k = count_log2(c);

	if (k < 0)
		return ip_count_format(c, out);
	snprintf(out, IP_COUNT_STRLEN, "2^%d", k);
	return out;
}

uint64_t
ip_blocks_count(
    const struct ip_prefix *parent, unsigned len, char exact[IP_COUNT_STRLEN])
{
	struct ip_count c = IP_COUNT_ZERO;

	if (len >= parent->len && len <= ip_addr_width(&parent->addr))
		count_power(len - parent->len, &c);
	if (exact != NULL)
		ip_count_format(&c, exact);
	return ip_count_u64(&c);
}

static int
check_child_len(const struct ip_prefix *parent, unsigned len, struct err *err)
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

int
ip_prefix_child(const struct ip_prefix *parent, unsigned len, uint64_t index,
    struct ip_prefix *out, struct err *err)
{
	unsigned split = len - parent->len;
	struct ip_u128 offset, first;
	char text[IP_PREFIX_STRLEN];

	if (check_child_len(parent, len, err) == -1)
		return -1;
	if (split < 64 && index >> split != 0)
		return err_set(err, 400, "index_out_of_range",
		    "%s has %llu /%u blocks; index %llu is past the end",
		    ip_prefix_format(parent, text),
		    (unsigned long long)1 << split, len,
		    (unsigned long long)index);
	/* index < 2^split, so the shifted offset stays inside the parent. */
	offset = ip_u128_shift_left(
	    ip_u128_make(0, index), ip_addr_width(&parent->addr) - len);
	first = ip_u128_add(ip_prefix_first_u128(parent), offset);
	ip_u128_to_addr(first, parent->addr.family, &out->addr);
	out->len = (uint8_t)len;
	return 0;
}

int
ip_prefix_child_index(const struct ip_prefix *parent, unsigned len,
    const struct ip_addr *a, uint64_t *index, struct err *err)
{
	struct ip_u128 offset;
	char text[IP_PREFIX_STRLEN], addr[IP_ADDR_STRLEN];

	if (check_child_len(parent, len, err) == -1)
		return -1;
	if (!ip_prefix_contains_addr(parent, a))
		return err_set(err, 400, "outside_parent", "%s is not in %s",
		    ip_addr_format(a, addr), ip_prefix_format(parent, text));
	offset = ip_u128_sub(ip_u128_of_addr(a), ip_prefix_first_u128(parent));
	offset =
	    ip_u128_shift_right(offset, ip_addr_width(&parent->addr) - len);
	if (offset.high != 0)
		return err_set(err, 400, "index_out_of_range",
		    "the index of %s among the /%u blocks of %s does not fit "
		    "in 64 bits",
		    ip_addr_format(a, addr), len,
		    ip_prefix_format(parent, text));
	*index = offset.low;
	return 0;
}
