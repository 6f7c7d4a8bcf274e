/*
 * search.c: address and prefix search.
 *
 * The pools containing an address are exactly the pools whose cidr is
 * one of the address's own prefixes, /32 down to /0 (or /128 to /0): so
 * the search asks the cidr index for those 33 (or 129) strings, most
 * specific first, and never scans.
 */
#include "ipam/search.h"

#include <stdio.h>
#include <string.h>

#include "ip/ip.h"

static int
by_prefixes(struct store *st, struct arena *arena, int64_t vrf_id,
    const struct ip_addr *a, int from_len, struct store_pool **out, size_t *n,
    struct err *err)
{
	const char **cidrs;
	struct ip_prefix p;
	char *text;
	size_t count = 0;
	int len;

	cidrs = arena_calloc(arena, (size_t)from_len + 1, sizeof(*cidrs));
	if (cidrs == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (len = from_len; len >= 0; len--) {
		if (ip_prefix_from_addr(a, (unsigned)len, &p, err) == -1)
			return -1;
		text = arena_alloc(arena, IP_PREFIX_STRLEN);
		if (text == NULL)
			return err_set(err, 500, "internal", "out of memory");
		cidrs[count++] = ip_prefix_format(&p, text);
	}
	return store_pool_by_cidrs(
	    st, vrf_id, cidrs, count, arena, out, n, err);
}

int
ipam_search_ip(struct store *st, struct arena *arena, int64_t vrf_id,
    const char *ip, struct store_pool **out, size_t *n, struct err *err)
{
	struct ip_addr a;

	if (ip_addr_parse(ip, strlen(ip), &a, err) == -1) {
		snprintf(err->code, sizeof(err->code), "invalid_ip");
		snprintf(err->field, sizeof(err->field), "ip");
		return -1;
	}
	return by_prefixes(
	    st, arena, vrf_id, &a, (int)ip_addr_width(&a), out, n, err);
}

int
ipam_search_contains(struct store *st, struct arena *arena, int64_t vrf_id,
    const char *cidr, struct store_pool **out, size_t *n, struct err *err)
{
	struct ip_prefix p;

	if (ip_prefix_parse(cidr, strlen(cidr), &p, err) == -1) {
		snprintf(err->field, sizeof(err->field), "cidr_contains");
		return -1;
	}
	return by_prefixes(st, arena, vrf_id, &p.addr, p.len, out, n, err);
}

int
ipam_search_within(struct store *st, struct arena *arena, int64_t vrf_id,
    const char *cidr, struct store_page *page, struct store_pool **out,
    size_t *n, struct err *err)
{
	char first[IP_KEY_STRLEN], last[IP_KEY_STRLEN];
	struct ip_prefix p;

	if (ip_prefix_parse(cidr, strlen(cidr), &p, err) == -1) {
		snprintf(err->field, sizeof(err->field), "cidr_within");
		return -1;
	}
	ip_prefix_keys(&p, first, last);
	return store_pool_within(st, vrf_id,
	    p.addr.family == IP_FAMILY_V4 ? 4 : 6, first, last, arena, page,
	    out, n, err);
}
