/*
 * libFuzzer target for app/ip: parse arbitrary bytes as a prefix and as an
 * address.  Whatever parses must format to text that parses back to the
 * same value and the same text, and must be accepted exactly when libc's
 * inet_pton(3) accepts it.  A second prefix derived from the input then
 * exercises contains, overlaps, subtract, aggregate, free-block search and
 * child blocks, each checked against the others.  Any disagreement traps.
 */
#include "ip/ip.h"
#include "ip/ip_blocks.h"
#include "ip/ip_set.h"
#include "lib/err.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

static uint64_t
hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3u;
	return h ? h : 1;
}

static uint64_t
next(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void
round_trip_prefix(const struct ip_prefix *p)
{
	struct ip_prefix q;
	struct err err = ERR_INIT;
	char text[IP_PREFIX_STRLEN], again[IP_PREFIX_STRLEN];

	ip_prefix_format(p, text);
	CHECK(strlen(text) < IP_PREFIX_STRLEN);
	CHECK(ip_prefix_parse(text, strlen(text), &q, &err) == 0);
	CHECK(ip_prefix_compare(p, &q) == 0);
	CHECK(strcmp(ip_prefix_format(&q, again), text) == 0);
}

/* Acceptance and value agree with inet_pton(3). */
static void
check_addr(const uint8_t *data, size_t size)
{
	struct ip_addr a, b;
	struct err err = ERR_INIT;
	unsigned char bytes[16];
	char s[64], text[IP_ADDR_STRLEN];
	int rc, af, i;

	rc = ip_addr_parse((const char *)data, size, &a, &err);
	if (rc == 0) {
		ip_addr_format(&a, text);
		CHECK(ip_addr_parse(text, strlen(text), &b, &err) == 0);
		CHECK(ip_addr_compare(&a, &b) == 0);
	}
	if (size >= sizeof(s) || memchr(data, '\0', size) != NULL)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	af = memchr(s, ':', size) ? AF_INET6 : AF_INET;
	CHECK((inet_pton(af, s, bytes) == 1) == (rc == 0));
	if (rc != 0)
		return;
	for (i = 0; af == AF_INET && i < 4; i++)
		CHECK(bytes[i] == (uint8_t)(a.low >> (24 - 8 * i)));
	for (i = 0; af == AF_INET6 && i < 8; i++) {
		CHECK(bytes[i] == (uint8_t)(a.high >> (56 - 8 * i)));
		CHECK(bytes[i + 8] == (uint8_t)(a.low >> (56 - 8 * i)));
	}
}

/* A prefix near p: same address with random bits flipped, any length. */
static void
derive(const struct ip_prefix *p, uint64_t *state, struct ip_prefix *q)
{
	struct ip_addr a = p->addr;
	struct err err = ERR_INIT;
	unsigned width = ip_addr_width(&a), shift = next(state) % 64;

	if (width == 32)
		a.low ^= (next(state) >> shift) & 0xffffffffu;
	else if (next(state) % 2)
		a.low ^= next(state) >> shift;
	else
		a.high ^= next(state) >> shift;
	CHECK(ip_prefix_from_addr(
	          &a, (unsigned)(next(state) % (width + 1)), q, &err) == 0);
}

static void
check_pair(const struct ip_prefix *p, const struct ip_prefix *q)
{
	struct ip_addr first, last;

	CHECK(ip_prefix_overlaps(p, q) ==
	      (ip_prefix_contains(p, q) || ip_prefix_contains(q, p)));
	CHECK(ip_prefix_overlaps(p, q) == ip_prefix_overlaps(q, p));
	ip_prefix_first(q, &first);
	ip_prefix_last(q, &last);
	if (ip_prefix_contains(p, q))
		CHECK(ip_prefix_contains_addr(p, &first) &&
		      ip_prefix_contains_addr(p, &last));
	if (!ip_prefix_overlaps(p, q))
		CHECK(!ip_prefix_contains_addr(p, &first) &&
		      !ip_prefix_contains_addr(p, &last));
	CHECK((ip_prefix_compare(p, q) < 0) == (ip_prefix_compare(q, p) > 0));
}

/* p minus q, then free plus q aggregates back to p; counts agree. */
static void
check_subtract(const struct ip_prefix *p, const struct ip_prefix *q)
{
	struct ip_prefix free_list[260];
	struct ip_count size, used, counted, summed = IP_COUNT_ZERO, c;
	struct err err = ERR_INIT;
	size_t n, i;

	CHECK(ip_set_subtract(p, q, 1, free_list, 256, &n, &err) == 0);
	CHECK(n <= 2 * 128);
	for (i = 0; i < n; i++) {
		CHECK(ip_prefix_contains(p, &free_list[i]));
		CHECK(!ip_prefix_overlaps(q, &free_list[i]));
		CHECK(i == 0 ||
		      ip_prefix_compare(&free_list[i - 1], &free_list[i]) < 0);
		ip_prefix_size(&free_list[i], &c);
		CHECK(ip_count_add(&summed, &c, &err) == 0);
	}
	CHECK(ip_set_free_count(p, q, 1, &counted, &err) == 0);
	CHECK(ip_count_compare(&counted, &summed) == 0);
	ip_prefix_size(p, &size);
	if (ip_prefix_contains(q, p)) {
		CHECK(n == 0 && ip_count_u64(&counted) == 0);
		return;
	}
	if (ip_prefix_contains(p, q)) {
		ip_prefix_size(q, &used);
		CHECK(ip_count_sub(&size, &used, &err) == 0);
		free_list[n++] = *q;
	}
	CHECK(ip_count_compare(&size, &counted) == 0);
	CHECK(ip_set_aggregate(free_list, n) == 1 &&
	      ip_prefix_compare(&free_list[0], p) == 0);
}

static void
check_find_free(
    const struct ip_prefix *p, const struct ip_prefix *q, uint64_t *state)
{
	struct ip_prefix found, largest;
	struct err err = ERR_INIT;
	unsigned width = ip_addr_width(&p->addr);
	unsigned len = p->len + (unsigned)(next(state) % (width - p->len + 1));
	enum ip_fit fit = (enum ip_fit)(next(state) % IP_FIT__MAX);
	struct ip_prefix aligned;

	/* One child fills p for a block of length len only in these cases. */
	bool full = ip_prefix_overlaps(p, q) &&
	            (ip_prefix_contains(q, p) || len == p->len);

	if (ip_set_find_free(p, q, 1, len, fit, &found, &largest, &err) == -1) {
		CHECK(full && strcmp(err.code, "pool_full") == 0);
		CHECK(largest.len == IP_LEN_NONE || !ip_prefix_contains(q, p));
		return;
	}
	CHECK(!full);
	CHECK(found.len == len && ip_prefix_contains(p, &found));
	CHECK(!ip_prefix_overlaps(&found, q));
	CHECK(ip_prefix_from_addr(&found.addr, len, &aligned, &err) == 0);
	CHECK(ip_prefix_compare(&aligned, &found) == 0);
}

static void
check_child(const struct ip_prefix *p, uint64_t *state)
{
	struct ip_prefix child;
	struct err err = ERR_INIT;
	char exact[IP_COUNT_STRLEN];
	unsigned width = ip_addr_width(&p->addr);
	unsigned len = p->len + (unsigned)(next(state) % (width - p->len + 1));
	uint64_t count = ip_blocks_count(p, len, exact), index, back;

	CHECK(count > 0 && exact[0] != '0');
	index = next(state) % count;
	CHECK(ip_prefix_child(p, len, index, &child, &err) == 0);
	CHECK(ip_prefix_contains(p, &child) && child.len == len);
	CHECK(ip_prefix_child_index(p, len, &child.addr, &back, &err) == 0);
	CHECK(back == index);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ip_prefix p, loose, q;
	struct err err = ERR_INIT;
	uint64_t state = hash(data, size);
	const char *s = (const char *)data;

	check_addr(data, size);
	if (ip_prefix_parse(s, size, &p, &err) == 0) {
		round_trip_prefix(&p);
		CHECK(ip_prefix_parse_loose(s, size, &loose, &err) == 0);
		CHECK(ip_prefix_compare(&p, &loose) == 0);
	} else {
		CHECK(err.status == 400);
		CHECK(strcmp(err.code, "invalid_cidr") == 0 ||
		      strcmp(err.code, "host_bits_set") == 0);
		CHECK(strlen(err.message) < sizeof(err.message) - 1);
	}
	if (ip_prefix_parse_flags(
	        s, size, IP_PARSE_MASK | IP_PARSE_BARE, &p, &err) == -1)
		return 0;
	round_trip_prefix(&p);
	derive(&p, &state, &q);
	round_trip_prefix(&q);
	check_pair(&p, &q);
	check_pair(&q, &p);
	check_subtract(&p, &q);
	check_subtract(&q, &p);
	check_find_free(&p, &q, &state);
	check_child(&p, &state);
	return 0;
}
