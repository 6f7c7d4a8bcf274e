/*
 * Unit tests for app/ip/ip_blocks.c: exact counts and their text, 129-bit
 * count arithmetic, child blocks by index in IPv4 and IPv6, and properties
 * over random parents (child and index invert each other, neighbours
 * touch) and random counts (checked against schoolbook decimal).
 */
#include "ip/ip_blocks.h"
#include "ip/ip.h"
#include "lib/err.h"
#include "unit/tap.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ITERATIONS 10000

static uint64_t rng_state = 0xda942042e4dd58b5u;

/* xorshift64: deterministic, so a failure reproduces. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
parse(const char *s, struct ip_prefix *p)
{
	struct err err = ERR_INIT;

	if (ip_prefix_parse(s, strlen(s), p, &err) == -1)
		tap_diag("bad test input: %s", err.message);
}

static const struct {
	const char *prefix;
	uint64_t count;
	const char *exact;
	const char *power;
} sizes[] = {
	{ "10.0.0.0/8", 16777216, "16777216", "2^24" },
	{ "10.0.0.0/24", 256, "256", "2^8" },
	{ "0.0.0.0/0", 4294967296u, "4294967296", "2^32" },
	{ "1.2.3.4/32", 1, "1", "2^0" },
	{ "::/0", UINT64_MAX, "340282366920938463463374607431768211456",
	    "2^128" },
	{ "::/1", UINT64_MAX, "170141183460469231731687303715884105728",
	    "2^127" },
	{ "2001:db8::/32", UINT64_MAX, "79228162514264337593543950336",
	    "2^96" },
	{ "2001:db8::/48", UINT64_MAX, "1208925819614629174706176", "2^80" },
	{ "2001:db8::/64", UINT64_MAX, "18446744073709551616", "2^64" },
	{ "2001:db8::/65", 9223372036854775808u, "9223372036854775808",
	    "2^63" },
	{ "::1/128", 1, "1", "2^0" },
};

static void
test_sizes(void)
{
	struct ip_prefix p;
	struct ip_count c;
	char exact[IP_COUNT_STRLEN], power[IP_COUNT_STRLEN], name[128];
	uint64_t n;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		parse(sizes[i].prefix, &p);
		n = ip_prefix_count(&p, exact);
		snprintf(name, sizeof(name), "%s holds %s addresses",
		    sizes[i].prefix, sizes[i].exact);
		tap_str(exact, sizes[i].exact, name);
		snprintf(name, sizeof(name), "%s count as uint64 is %llu",
		    sizes[i].prefix, (unsigned long long)sizes[i].count);
		tap_ok(n == sizes[i].count && ip_prefix_count(&p, NULL) == n,
		    "%s", name);
		ip_prefix_size(&p, &c);
		snprintf(name, sizeof(name), "%s holds %s addresses",
		    sizes[i].prefix, sizes[i].power);
		tap_str(ip_count_format_power(&c, power), sizes[i].power, name);
	}
}

static void
test_count_math(void)
{
	struct ip_count a, b, big, zero = IP_COUNT_ZERO, max;
	struct ip_prefix p;
	struct err err = ERR_INIT;
	char s[IP_COUNT_STRLEN];

	parse("::/1", &p);
	ip_prefix_size(&p, &a);
	b = a;
	tap_ok(ip_count_add(&a, &b, &err) == 0 &&
	           strcmp(ip_count_format(&a, s),
	               "340282366920938463463374607431768211456") == 0,
	    "2^127 + 2^127 = 2^128");
	big = a;
	tap_ok(ip_count_add(&a, &big, &err) == -1 && err.status == 500 &&
	           strcmp(err.code, "count_overflow") == 0 &&
	           ip_count_compare(&a, &big) == 0,
	    "2^128 + 2^128 overflows and leaves the sum alone");
	ip_count_set(&b, 1);
	tap_ok(ip_count_sub(&a, &b, &err) == 0 &&
	           strcmp(ip_count_format(&a, s),
	               "340282366920938463463374607431768211455") == 0,
	    "2^128 - 1");
	tap_str(ip_count_format_power(&a, s),
	    "340282366920938463463374607431768211455",
	    "2^128 - 1 is not a power of two: decimal");
	tap_ok(ip_count_add(&a, &big, &err) == 0 &&
	           strcmp(ip_count_format(&a, s),
	               "680564733841876926926749214863536422911") == 0,
	    "2^129 - 1 is the largest count");
	max = a;
	tap_ok(ip_count_add(&a, &b, &err) == -1, "2^129 - 1 + 1 overflows");
	err_clear(&err);
	a = zero;
	tap_ok(ip_count_sub(&a, &b, &err) == -1 && err.status == 500 &&
	           strcmp(err.code, "count_underflow") == 0 &&
	           ip_count_compare(&a, &zero) == 0,
	    "0 - 1 underflows and leaves the difference alone");
	tap_str(ip_count_format(&zero, s), "0", "zero formats as 0");
	tap_str(ip_count_format_power(&zero, s), "0", "zero has no power");
	ip_count_set(&a, 10000000000000000000u);
	tap_str(ip_count_format(&a, s), "10000000000000000000", "10^19");
	ip_count_set(&a, 999999999);
	tap_str(ip_count_format(&a, s), "999999999", "10^9 - 1");
	ip_count_set(&a, 1000000000);
	tap_str(ip_count_format(&a, s), "1000000000", "10^9");
	ip_count_set(&a, UINT64_MAX);
	tap_str(ip_count_format(&a, s), "18446744073709551615", "2^64 - 1");
	tap_ok(ip_count_u64(&a) == UINT64_MAX &&
	           ip_count_u64(&max) == UINT64_MAX && ip_count_u64(&b) == 1,
	    "uint64 view saturates");
	tap_ok(ip_count_compare(&b, &a) < 0 && ip_count_compare(&max, &a) > 0 &&
	           ip_count_compare(&a, &a) == 0,
	    "compare orders counts");
	ip_count_set(&a, 3);
	tap_str(ip_count_format_power(&a, s), "3", "3 is not a power of two");
	ip_count_sub(&big, &b, &err); /* 2^128 - 1 */
	ip_prefix_size(&p, &a);       /* 2^127 */
	tap_ok(ip_count_ratio(&a, &big) > 0.4999 &&
	           ip_count_ratio(&a, &big) < 0.5001 &&
	           ip_count_ratio(&a, &zero) == 0 &&
	           ip_count_ratio(&zero, &a) == 0,
	    "ratio 2^127 / (2^128 - 1) is one half; over zero is 0");
}

static const struct {
	const char *parent;
	unsigned len;
	uint64_t count;
	const char *exact;
} block_counts[] = {
	{ "10.0.0.0/16", 24, 256, "256" },
	{ "10.0.0.0/16", 16, 1, "1" },
	{ "10.0.0.0/16", 15, 0, "0" },
	{ "10.0.0.0/16", 33, 0, "0" },
	{ "0.0.0.0/0", 32, 4294967296u, "4294967296" },
	{ "2001:db8::/32", 64, 4294967296u, "4294967296" },
	{ "2001:db8::/32", 48, 65536, "65536" },
	{ "2001:db8::/32", 96, UINT64_MAX, "18446744073709551616" },
	{ "2001:db8::/32", 128, UINT64_MAX, "79228162514264337593543950336" },
	{ "::/0", 128, UINT64_MAX, "340282366920938463463374607431768211456" },
	{ "::/0", 129, 0, "0" },
};

static void
test_block_counts(void)
{
	struct ip_prefix p;
	char exact[IP_COUNT_STRLEN];
	size_t i;
	uint64_t n;
	int pass;

	for (i = 0; i < sizeof(block_counts) / sizeof(block_counts[0]); i++) {
		parse(block_counts[i].parent, &p);
		n = ip_blocks_count(&p, block_counts[i].len, exact);
		pass = n == block_counts[i].count &&
		       strcmp(exact, block_counts[i].exact) == 0 &&
		       ip_blocks_count(&p, block_counts[i].len, NULL) == n;
		tap_ok(pass, "%s has %s /%u blocks", block_counts[i].parent,
		    block_counts[i].exact, block_counts[i].len);
		if (!pass)
			tap_diag("have: %llu %s; want: %llu %s",
			    (unsigned long long)n, exact,
			    (unsigned long long)block_counts[i].count,
			    block_counts[i].exact);
	}
}

static const struct {
	const char *parent;
	unsigned len;
	uint64_t index;
	const char *want; /* prefix, or "code: message" */
} children[] = {
	{ "2001:db8::/32", 64, 4, "2001:db8:0:4::/64" },
	{ "2001:db8::/32", 64, 0, "2001:db8::/64" },
	{ "2001:db8::/32", 64, 4294967295u, "2001:db8:ffff:ffff::/64" },
	{ "2001:db8::/32", 64, 4294967296u,
	    "index_out_of_range: 2001:db8::/32 has 4294967296 /64 blocks; "
	    "index 4294967296 is past the end" },
	{ "2001:db8::/32", 48, 65535, "2001:db8:ffff::/48" },
	{ "2001:db8::/32", 128, 1, "2001:db8::1/128" },
	{ "2001:db8::/32", 128, UINT64_MAX,
	    "2001:db8::ffff:ffff:ffff:ffff/128" },
	{ "2001:db8::/32", 32, 0, "2001:db8::/32" },
	{ "2001:db8::/32", 32, 1,
	    "index_out_of_range: 2001:db8::/32 has 1 /32 blocks; index 1 is "
	    "past the end" },
	{ "2001:db8::/32", 16, 0,
	    "invalid_prefix_length: a /16 block does not fit in "
	    "2001:db8::/32" },
	{ "2001:db8::/32", 129, 0,
	    "invalid_prefix_length: prefix length 129 exceeds 128" },
	{ "::/0", 0, 0, "::/0" },
	{ "::/0", 64, UINT64_MAX, "ffff:ffff:ffff:ffff::/64" },
	{ "::/0", 128, UINT64_MAX, "::ffff:ffff:ffff:ffff/128" },
	{ "::/0", 1, 1, "8000::/1" },
	{ "10.0.0.0/16", 24, 0, "10.0.0.0/24" },
	{ "10.0.0.0/16", 24, 5, "10.0.5.0/24" },
	{ "10.0.0.0/16", 24, 255, "10.0.255.0/24" },
	{ "10.0.0.0/16", 24, 256,
	    "index_out_of_range: 10.0.0.0/16 has 256 /24 blocks; index 256 is "
	    "past the end" },
	{ "10.0.0.0/16", 26, 5, "10.0.1.64/26" },
	{ "10.0.0.0/16", 32, 65535, "10.0.255.255/32" },
	{ "10.0.0.0/16", 8, 0,
	    "invalid_prefix_length: a /8 block does not fit in 10.0.0.0/16" },
	{ "10.0.0.0/16", 33, 0,
	    "invalid_prefix_length: prefix length 33 exceeds 32" },
	{ "0.0.0.0/0", 32, 4294967295u, "255.255.255.255/32" },
	{ "0.0.0.0/0", 0, 0, "0.0.0.0/0" },
	{ "0.0.0.0/0", 1, 1, "128.0.0.0/1" },
};

static void
test_children(void)
{
	struct ip_prefix parent, out;
	struct err err;
	char have[600], text[IP_PREFIX_STRLEN];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		parse(children[i].parent, &parent);
		err_clear(&err);
		rc = ip_prefix_child(
		    &parent, children[i].len, children[i].index, &out, &err);
		if (rc == 0)
			ip_prefix_format(&out, have);
		else
			snprintf(have, sizeof(have), "%s: %s", err.code,
			    err.message);
		tap_ok(strcmp(have, children[i].want) == 0 &&
		           (rc == 0 || err.status == 400),
		    "child %llu of the /%u blocks of %s is %s",
		    (unsigned long long)children[i].index, children[i].len,
		    ip_prefix_format(&parent, text), children[i].want);
		if (strcmp(have, children[i].want) != 0)
			tap_diag("have: \"%s\"; want: \"%s\"", have,
			    children[i].want);
	}
}

static const struct {
	const char *parent;
	unsigned len;
	const char *addr;
	const char *want; /* index, or "code: message" */
} indexes[] = {
	{ "2001:db8::/32", 64, "2001:db8:0:4::1", "4" },
	{ "2001:db8::/32", 64, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	    "4294967295" },
	{ "2001:db8::/32", 128, "2001:db8::ffff:ffff:ffff:ffff",
	    "18446744073709551615" },
	{ "2001:db8::/32", 128, "2001:db8:0:1::",
	    "index_out_of_range: the index of 2001:db8:0:1:: among the /128 "
	    "blocks of 2001:db8::/32 does not fit in 64 bits" },
	{ "2001:db8::/32", 64, "2001:db9::",
	    "outside_parent: 2001:db9:: is not in 2001:db8::/32" },
	{ "2001:db8::/32", 64, "10.0.0.1",
	    "outside_parent: 10.0.0.1 is not in 2001:db8::/32" },
	{ "2001:db8::/32", 31, "2001:db8::",
	    "invalid_prefix_length: a /31 block does not fit in "
	    "2001:db8::/32" },
	{ "10.0.0.0/16", 24, "10.0.5.77", "5" },
	{ "10.0.0.0/16", 16, "10.0.5.77", "0" },
	{ "10.0.0.0/16", 32, "10.0.255.255", "65535" },
	{ "0.0.0.0/0", 0, "255.255.255.255", "0" },
	{ "::/0", 0, "ffff::", "0" },
};

static void
test_indexes(void)
{
	struct ip_prefix parent;
	struct ip_addr a;
	struct err err;
	char have[600];
	uint64_t index;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(indexes) / sizeof(indexes[0]); i++) {
		parse(indexes[i].parent, &parent);
		err_clear(&err);
		ip_addr_parse(
		    indexes[i].addr, strlen(indexes[i].addr), &a, &err);
		rc = ip_prefix_child_index(
		    &parent, indexes[i].len, &a, &index, &err);
		if (rc == 0)
			snprintf(have, sizeof(have), "%llu",
			    (unsigned long long)index);
		else
			snprintf(have, sizeof(have), "%s: %s", err.code,
			    err.message);
		tap_ok(strcmp(have, indexes[i].want) == 0,
		    "index of %s among the /%u blocks of %s is %s",
		    indexes[i].addr, indexes[i].len, indexes[i].parent,
		    indexes[i].want);
		if (strcmp(have, indexes[i].want) != 0)
			tap_diag("have: \"%s\"; want: \"%s\"", have,
			    indexes[i].want);
	}
}

static void
random_prefix(struct ip_prefix *p)
{
	struct ip_addr a;
	struct err err = ERR_INIT;

	a.family = rng() % 2 ? IP_FAMILY_V6 : IP_FAMILY_V4;
	a.high = a.family == IP_FAMILY_V6 ? rng() : 0;
	a.low = a.family == IP_FAMILY_V6 ? rng() : rng() & 0xffffffffu;
	ip_prefix_from_addr(
	    &a, (unsigned)(rng() % (ip_addr_width(&a) + 1)), p, &err);
}

/* One child by random index: inside, aligned, invertible, touching. */
static int
check_child(const struct ip_prefix *parent, unsigned len, uint64_t index)
{
	struct ip_prefix child, next, aligned;
	struct ip_addr first, last;
	struct err err = ERR_INIT;
	uint64_t back;

	if (ip_prefix_child(parent, len, index, &child, &err) == -1)
		return 0;
	ip_prefix_first(&child, &first);
	ip_prefix_last(&child, &last);
	ip_prefix_from_addr(&child.addr, len, &aligned, &err);
	if (child.len != len || !ip_prefix_contains(parent, &child) ||
	    ip_prefix_compare(&aligned, &child) != 0 ||
	    ip_prefix_child_index(parent, len, &first, &back, &err) == -1 ||
	    back != index ||
	    ip_prefix_child_index(parent, len, &last, &back, &err) == -1 ||
	    back != index)
		return 0;
	if (index == UINT64_MAX ||
	    ip_prefix_child(parent, len, index + 1, &next, &err) == -1)
		return 1;
	/* The next block starts right after this one ends. */
	last.low++;
	if (last.low == 0)
		last.high++;
	return ip_addr_compare(&last, &next.addr) == 0;
}

static void
prop_children(void)
{
	struct ip_prefix parent;
	unsigned len, width, split;
	uint64_t index;
	int i, bad = 0;

	for (i = 0; i < ITERATIONS && !bad; i++) {
		random_prefix(&parent);
		width = ip_addr_width(&parent.addr);
		len = parent.len + (unsigned)(rng() % (width - parent.len + 1));
		split = len - parent.len;
		index = rng();
		if (split < 64)
			index &= ((uint64_t)1 << split) - 1;
		if (!check_child(&parent, len, index)) {
			bad = 1;
			tap_diag("parent /%u, len %u, index %llu", parent.len,
			    len, (unsigned long long)index);
		}
	}
	tap_ok(!bad,
	    "child(index) is inside, aligned, maps back to index and touches "
	    "the next, %d random cases",
	    ITERATIONS);
}

/* Schoolbook decimal of top * 2^128 + high * 2^64 + low, bit by bit. */
static void
slow_decimal(const struct ip_count *c, char *out)
{
	int digits[45] = { 0 }, n = 1, i, j, carry, bit;

	for (i = 128; i >= 0; i--) {
		bit = i == 128  ? c->top
		      : i >= 64 ? (int)(c->high >> (i - 64) & 1)
		                : (int)(c->low >> i & 1);
		carry = bit;
		for (j = 0; j < n; j++) {
			digits[j] = digits[j] * 2 + carry;
			carry = digits[j] / 10;
			digits[j] %= 10;
		}
		if (carry)
			digits[n++] = carry;
	}
	for (j = 0; j < n; j++)
		out[j] = (char)('0' + digits[n - 1 - j]);
	out[n] = '\0';
}

static void
random_count(struct ip_count *c)
{
	uint64_t r = rng();

	c->top = (uint8_t)(r & 1);
	c->high = r & 2 ? rng() >> (rng() % 64) : 0;
	c->low = r & 4 ? rng() >> (rng() % 64) : rng();
}

static void
prop_counts(void)
{
	struct ip_count a, b, sum;
	struct err err = ERR_INIT;
	char have[IP_COUNT_STRLEN], want[48];
	int i, bad = 0;

	for (i = 0; i < ITERATIONS && !bad; i++) {
		random_count(&a);
		random_count(&b);
		ip_count_format(&a, have);
		slow_decimal(&a, want);
		if (strcmp(have, want) != 0) {
			bad = 1;
			tap_diag("have: %s; want: %s", have, want);
		}
		sum = a;
		if (ip_count_add(&sum, &b, &err) == 0 &&
		    (ip_count_compare(&sum, &a) < 0 ||
		        ip_count_sub(&sum, &b, &err) == -1 ||
		        ip_count_compare(&sum, &a) != 0))
			bad = 1;
	}
	tap_ok(!bad,
	    "count decimal matches schoolbook; (a + b) - b == a, %d random "
	    "counts",
	    ITERATIONS);
}

int
main(void)
{
	test_sizes();
	test_count_math();
	test_block_counts();
	test_children();
	test_indexes();
	prop_children();
	prop_counts();
	return tap_done();
}
