/*
 * Unit tests for app/ip/ip_set.c: subtract, aggregate, free-block search
 * and free counts, by hand-checked tables, then properties over random
 * parents and children: free space and children together give back the
 * parent, free prefixes overlap nothing and are minimal, found blocks are
 * aligned and free, and on small parents the fits match a brute-force
 * search over every candidate block.
 */
#include "ip/ip_set.h"
#include "ip/ip.h"
#include "lib/err.h"
#include "unit/tap.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ITERATIONS 10000
#define LIST_MAX 512

static uint64_t rng_state = 0x2545f4914f6cdd1du;

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

/* Parse a space-separated list; returns the count. */
static size_t
parse_list(const char *s, struct ip_prefix *v)
{
	struct err err = ERR_INIT;
	size_t n = 0, len;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		len = strcspn(s, " ");
		if (len == 0)
			break;
		if (ip_prefix_parse(s, len, &v[n], &err) == -1)
			tap_diag("bad test input: %s", err.message);
		else
			n++;
		s += len;
	}
	return n;
}

/* Format v[0..n) space-separated into out. */
static char *
format_list(const struct ip_prefix *v, size_t n, char *out, size_t cap)
{
	char text[IP_PREFIX_STRLEN];
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0,
		    "%s%s", i ? " " : "", ip_prefix_format(&v[i], text));
	return out;
}

static const struct {
	const char *parent;
	const char *children; /* sorted */
	const char *want;
} subtracts[] = {
	{ "10.0.0.0/8", "10.1.0.0/16",
	    "10.0.0.0/16 10.2.0.0/15 10.4.0.0/14 10.8.0.0/13 10.16.0.0/12 "
	    "10.32.0.0/11 10.64.0.0/10 10.128.0.0/9" },
	{ "10.0.0.0/24", "", "10.0.0.0/24" },
	{ "10.0.0.0/24", "10.0.0.0/24", "" },
	{ "10.0.0.0/24", "10.0.0.0/8", "" },
	{ "10.0.0.0/24", "10.0.0.0/26 10.0.0.128/26",
	    "10.0.0.64/26 10.0.0.192/26" },
	{ "10.0.0.0/24", "10.0.0.0/25 10.0.0.0/26", "10.0.0.128/25" },
	{ "10.0.0.0/24", "10.0.0.0/25 10.0.0.0/25 10.0.0.64/26",
	    "10.0.0.128/25" },
	{ "10.0.0.0/24", "10.0.0.1/32",
	    "10.0.0.0/32 10.0.0.2/31 10.0.0.4/30 10.0.0.8/29 10.0.0.16/28 "
	    "10.0.0.32/27 10.0.0.64/26 10.0.0.128/25" },
	{ "10.0.0.0/24", "10.0.0.255/32",
	    "10.0.0.0/25 10.0.0.128/26 10.0.0.192/27 10.0.0.224/28 "
	    "10.0.0.240/29 10.0.0.248/30 10.0.0.252/31 10.0.0.254/32" },
	{ "10.0.0.0/24", "9.0.0.0/8 10.0.0.0/25 11.0.0.0/8 ::/0",
	    "10.0.0.128/25" },
	{ "10.0.0.0/30", "10.0.0.1/32 10.0.0.2/32", "10.0.0.0/32 10.0.0.3/32" },
	{ "10.0.0.0/32", "", "10.0.0.0/32" },
	{ "10.0.0.0/32", "10.0.0.0/32", "" },
	{ "0.0.0.0/0", "", "0.0.0.0/0" },
	{ "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1" },
	{ "0.0.0.0/0", "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16",
	    "0.0.0.0/5 8.0.0.0/7 11.0.0.0/8 12.0.0.0/6 16.0.0.0/4 32.0.0.0/3 "
	    "64.0.0.0/2 128.0.0.0/3 160.0.0.0/5 168.0.0.0/6 172.0.0.0/12 "
	    "172.32.0.0/11 172.64.0.0/10 172.128.0.0/9 173.0.0.0/8 "
	    "174.0.0.0/7 176.0.0.0/4 192.0.0.0/9 192.128.0.0/11 "
	    "192.160.0.0/13 192.169.0.0/16 192.170.0.0/15 192.172.0.0/14 "
	    "192.176.0.0/12 192.192.0.0/10 193.0.0.0/8 194.0.0.0/7 "
	    "196.0.0.0/6 200.0.0.0/5 208.0.0.0/4 224.0.0.0/3" },
	{ "::/0", "::/1", "8000::/1" },
	{ "::/0", "8000::/1", "::/1" },
	{ "2001:db8::/32", "2001:db8::/48 2001:db8:1::/48",
	    "2001:db8:2::/47 2001:db8:4::/46 2001:db8:8::/45 2001:db8:10::/44 "
	    "2001:db8:20::/43 2001:db8:40::/42 2001:db8:80::/41 "
	    "2001:db8:100::/40 2001:db8:200::/39 2001:db8:400::/38 "
	    "2001:db8:800::/37 2001:db8:1000::/36 2001:db8:2000::/35 "
	    "2001:db8:4000::/34 2001:db8:8000::/33" },
	{ "2001:db8::/126", "2001:db8::2/127", "2001:db8::/127" },
	{ "2001:db8::/64", "10.0.0.0/8 2001:db8::/56", "" },
};

static void
test_subtract(void)
{
	struct ip_prefix parent, children[64], out[LIST_MAX];
	struct err err = ERR_INIT;
	char have[4096], name[256];
	size_t i, n, count;

	for (i = 0; i < sizeof(subtracts) / sizeof(subtracts[0]); i++) {
		parse(subtracts[i].parent, &parent);
		n = parse_list(subtracts[i].children, children);
		snprintf(name, sizeof(name), "%s minus [%s]",
		    subtracts[i].parent, subtracts[i].children);
		if (ip_set_subtract(&parent, children, n, out, LIST_MAX, &count,
		        &err) == -1) {
			tap_ok(0, "%s", name);
			tap_diag("have: error \"%s\"", err.message);
			continue;
		}
		tap_str(format_list(out, count, have, sizeof(have)),
		    subtracts[i].want, name);
	}
}

/* Subtracting one address from ::/0 leaves 128 prefixes. */
static void
test_subtract_wide(void)
{
	struct ip_prefix parent, child, out[LIST_MAX];
	struct err err = ERR_INIT;
	char a[IP_PREFIX_STRLEN], b[IP_PREFIX_STRLEN], c[IP_PREFIX_STRLEN];
	size_t count = 0;

	parse("::/0", &parent);
	parse("::1/128", &child);
	ip_set_subtract(&parent, &child, 1, out, LIST_MAX, &count, &err);
	tap_ok(count == 128 &&
	           strcmp(ip_prefix_format(&out[0], a), "::/128") == 0 &&
	           strcmp(ip_prefix_format(&out[1], b), "::2/127") == 0 &&
	           strcmp(ip_prefix_format(&out[127], c), "8000::/1") == 0,
	    "::/0 minus ::1/128 is 128 prefixes from ::/128 to 8000::/1");
	parse("0.0.0.0/0", &parent);
	parse("255.255.255.255/32", &child);
	ip_set_subtract(&parent, &child, 1, out, LIST_MAX, &count, &err);
	tap_ok(count == 32 &&
	           strcmp(ip_prefix_format(&out[0], a), "0.0.0.0/1") == 0 &&
	           strcmp(ip_prefix_format(&out[31], b),
	               "255.255.255.254/32") == 0,
	    "0.0.0.0/0 minus 255.255.255.255/32 is 32 prefixes");
}

struct calls {
	int n;
	int stop_at;
	int fail_at;
};

static int
count_calls(const struct ip_prefix *p, void *arg, struct err *err)
{
	struct calls *c = arg;

	(void)p;
	c->n++;
	if (c->n == c->fail_at)
		return err_set(err, 418, "teapot", "callback failed");
	return c->n == c->stop_at;
}

static void
test_subtract_errors(void)
{
	struct ip_prefix parent, children[4], out[8];
	struct err err = ERR_INIT;
	struct calls calls = { 0, 3, 0 };
	char have[512];
	size_t count = 0;
	int rc;

	parse("10.0.0.0/24", &parent);
	parse_list("10.0.0.128/26 10.0.0.0/26", children);
	rc = ip_set_subtract(&parent, children, 2, out, 8, &count, &err);
	tap_ok(rc == -1 && err.status == 500 &&
	           strcmp(err.code, "unsorted_children") == 0 &&
	           strcmp(err.message,
	               "children out of order at index 1: 10.0.0.0/26 after "
	               "10.0.0.128/26") == 0,
	    "unsorted children are refused");
	if (rc != -1)
		tap_diag("have: %d %s", rc, err.message);

	parse("10.0.0.0/8", &parent);
	parse("10.1.0.0/16", &children[0]);
	err_clear(&err);
	rc = ip_set_subtract(&parent, children, 1, out, 4, &count, &err);
	tap_ok(rc == -1 && count == 8 && err.status == 500 &&
	           strcmp(err.code, "buffer_too_small") == 0 &&
	           strcmp(format_list(out, 4, have, sizeof(have)),
	               "10.0.0.0/16 10.2.0.0/15 10.4.0.0/14 10.8.0.0/13") == 0,
	    "capacity 4 for 8 prefixes: -1, count 8, first 4 filled");

	rc = ip_set_subtract_each(
	    &parent, children, 1, count_calls, &calls, &err);
	tap_ok(rc == 0 && calls.n == 3, "callback returning 1 stops the walk");
	calls.n = 0;
	calls.stop_at = 0;
	calls.fail_at = 2;
	err_clear(&err);
	rc = ip_set_subtract_each(
	    &parent, children, 1, count_calls, &calls, &err);
	tap_ok(rc == -1 && calls.n == 2 && strcmp(err.code, "teapot") == 0,
	    "callback returning -1 fails the walk with its err");
	err_clear(&err);
	rc = ip_set_subtract(&parent, NULL, 0, out, 0, &count, &err);
	tap_ok(rc == -1 && count == 1, "capacity 0 reports the count needed");
}

static const struct {
	const char *in;
	const char *want;
} aggregates[] = {
	{ "10.0.0.0/25 10.0.0.128/25", "10.0.0.0/24" },
	{ "10.0.3.0/24 10.0.1.0/24 10.0.0.0/24 10.0.2.0/24", "10.0.0.0/22" },
	{ "10.0.1.0/24 10.0.2.0/24", "10.0.1.0/24 10.0.2.0/24" },
	{ "10.0.0.0/8 10.1.0.0/16 10.0.0.0/8", "10.0.0.0/8" },
	{ "192.168.0.0/24 2001:db8:8000::/33 10.0.0.0/8 2001:db8::/33",
	    "10.0.0.0/8 192.168.0.0/24 2001:db8::/32" },
	{ "0.0.0.0/1 128.0.0.0/1", "0.0.0.0/0" },
	{ "::/1 8000::/1 0.0.0.0/0", "0.0.0.0/0 ::/0" },
	{ "10.0.0.1/32 10.0.0.2/31 10.0.0.0/32 10.0.0.4/30", "10.0.0.0/29" },
	{ "", "" },
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "255.255.255.255/32 255.255.255.254/32", "255.255.255.254/31" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128 ::/128",
	    "::/128 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
	{ "10.0.0.1/32 10.0.0.2/32", "10.0.0.1/32 10.0.0.2/32" },
	{ "10.0.0.1/32 10.0.0.2/31 10.0.0.4/30 10.0.0.8/29 10.0.0.0/32",
	    "10.0.0.0/28" },
	{ "10.0.0.0/24 10.0.0.0/25 10.0.0.128/25 10.0.1.0/24", "10.0.0.0/23" },
	{ "::ffff:10.0.0.0/104 10.0.0.0/8", "10.0.0.0/8 ::ffff:10.0.0.0/104" },
	{ "2001:db8::/127 2001:db8::2/127 2001:db8::4/126", "2001:db8::/125" },
};

static void
test_aggregate(void)
{
	struct ip_prefix v[64];
	char have[1024], name[256];
	size_t i, n;

	for (i = 0; i < sizeof(aggregates) / sizeof(aggregates[0]); i++) {
		n = parse_list(aggregates[i].in, v);
		n = ip_set_aggregate(v, n);
		snprintf(
		    name, sizeof(name), "aggregate [%s]", aggregates[i].in);
		tap_str(format_list(v, n, have, sizeof(have)),
		    aggregates[i].want, name);
	}
}

static const struct {
	const char *parent;
	const char *children;
	unsigned len;
	enum ip_fit fit;
	const char *want; /* prefix, or error code and message */
	const char *largest;
} fits[] = {
	{ "10.0.0.0/16", "", 24, IP_FIT_FIRST, "10.0.0.0/24", NULL },
	{ "10.0.0.0/16", "", 24, IP_FIT_BEST, "10.0.0.0/24", NULL },
	{ "10.0.0.0/16", "", 24, IP_FIT_LAST, "10.0.255.0/24", NULL },
	{ "10.0.0.0/24", "10.0.0.0/26", 26, IP_FIT_FIRST, "10.0.0.64/26",
	    NULL },
	{ "10.0.0.0/24", "10.0.0.0/26", 26, IP_FIT_BEST, "10.0.0.64/26", NULL },
	{ "10.0.0.0/24", "10.0.0.0/26", 26, IP_FIT_LAST, "10.0.0.192/26",
	    NULL },
	{ "10.0.0.0/24", "10.0.0.0/26", 25, IP_FIT_FIRST, "10.0.0.128/25",
	    NULL },
	{ "10.0.0.0/24", "10.0.0.64/26 10.0.0.160/27", 27, IP_FIT_FIRST,
	    "10.0.0.0/27", NULL },
	{ "10.0.0.0/24", "10.0.0.64/26 10.0.0.160/27", 27, IP_FIT_BEST,
	    "10.0.0.128/27", NULL },
	{ "10.0.0.0/24", "10.0.0.64/26 10.0.0.160/27", 27, IP_FIT_LAST,
	    "10.0.0.224/27", NULL },
	{ "10.0.0.0/24", "10.0.0.128/26", 28, IP_FIT_FIRST, "10.0.0.0/28",
	    NULL },
	{ "10.0.0.0/24", "10.0.0.128/26", 28, IP_FIT_BEST, "10.0.0.192/28",
	    NULL },
	{ "10.0.0.0/24", "10.0.0.128/26", 28, IP_FIT_LAST, "10.0.0.240/28",
	    NULL },
	{ "10.0.0.0/24", "10.0.0.1/32", 32, IP_FIT_BEST, "10.0.0.0/32", NULL },
	{ "10.0.0.0/24", "10.0.0.1/32", 31, IP_FIT_BEST, "10.0.0.2/31", NULL },
	{ "10.0.0.0/24", "", 24, IP_FIT_LAST, "10.0.0.0/24", NULL },
	{ "10.0.0.0/24", "10.0.0.0/25 10.0.0.128/26", 25, IP_FIT_FIRST,
	    "pool_full: no free /25 in 10.0.0.0/24; the largest free block "
	    "is 10.0.0.192/26",
	    "10.0.0.192/26" },
	{ "10.0.0.0/24", "10.0.0.0/26 10.0.0.128/26", 25, IP_FIT_BEST,
	    "pool_full: no free /25 in 10.0.0.0/24; the largest free block "
	    "is 10.0.0.64/26",
	    "10.0.0.64/26" },
	{ "10.0.0.0/24", "10.0.0.0/24", 26, IP_FIT_LAST,
	    "pool_full: no free /26 in 10.0.0.0/24: it is full", "none" },
	{ "10.0.0.0/24", "10.0.0.0/16", 32, IP_FIT_FIRST,
	    "pool_full: no free /32 in 10.0.0.0/24: it is full", "none" },
	{ "10.0.0.0/24", "", 16, IP_FIT_FIRST,
	    "invalid_prefix_length: a /16 block does not fit in 10.0.0.0/24",
	    NULL },
	{ "10.0.0.0/24", "", 33, IP_FIT_FIRST,
	    "invalid_prefix_length: prefix length 33 exceeds 32", NULL },
	{ "10.0.0.0/24", "", 24, (enum ip_fit)7,
	    "invalid_strategy: unknown allocation strategy 7", NULL },
	{ "2001:db8::/32", "2001:db8::/48", 48, IP_FIT_FIRST, "2001:db8:1::/48",
	    NULL },
	{ "2001:db8::/32", "2001:db8::/48", 48, IP_FIT_LAST,
	    "2001:db8:ffff::/48", NULL },
	{ "2001:db8::/32", "2001:db8::/48", 64, IP_FIT_BEST, "2001:db8:1::/64",
	    NULL },
	{ "2001:db8::/32", "2001:db8:1::/48", 64, IP_FIT_BEST, "2001:db8::/64",
	    NULL },
	{ "::/0", "", 128, IP_FIT_LAST,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", NULL },
	{ "::/0", "", 0, IP_FIT_BEST, "::/0", NULL },
	{ "::/0", "::/1", 1, IP_FIT_FIRST, "8000::/1", NULL },
	{ "::/0", "::/1 8000::/1", 64, IP_FIT_FIRST,
	    "pool_full: no free /64 in ::/0: it is full", "none" },
	{ "0.0.0.0/0", "", 32, IP_FIT_LAST, "255.255.255.255/32", NULL },
	{ "0.0.0.0/0", "", 32, IP_FIT_FIRST, "0.0.0.0/32", NULL },
	{ "0.0.0.0/0", "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16", 8,
	    IP_FIT_BEST, "11.0.0.0/8", NULL },
	{ "10.0.0.0/8", "10.0.0.0/24 10.0.1.0/24 10.0.3.0/24", 24, IP_FIT_BEST,
	    "10.0.2.0/24", NULL },
	{ "10.0.0.0/8", "10.0.0.0/24 10.0.1.0/24 10.0.3.0/24", 24, IP_FIT_FIRST,
	    "10.0.2.0/24", NULL },
	{ "10.0.0.0/8", "10.0.0.0/24 10.0.1.0/24 10.0.3.0/24", 16, IP_FIT_FIRST,
	    "10.1.0.0/16", NULL },
};

static void
test_find_free(void)
{
	struct ip_prefix parent, children[16], out, largest;
	struct err err;
	char have[600], text[IP_PREFIX_STRLEN], lg[IP_PREFIX_STRLEN];
	size_t i, n;
	int rc, pass;

	for (i = 0; i < sizeof(fits) / sizeof(fits[0]); i++) {
		parse(fits[i].parent, &parent);
		n = parse_list(fits[i].children, children);
		err_clear(&err);
		largest.len = 0;
		rc = ip_set_find_free(&parent, children, n, fits[i].len,
		    fits[i].fit, &out, &largest, &err);
		if (rc == 0)
			ip_prefix_format(&out, have);
		else
			snprintf(have, sizeof(have), "%s: %s", err.code,
			    err.message);
		pass = strcmp(have, fits[i].want) == 0;
		if (fits[i].largest != NULL)
			pass = pass &&
			       strcmp(largest.len == IP_LEN_NONE
			                  ? "none"
			                  : ip_prefix_format(&largest, lg),
			           fits[i].largest) == 0 &&
			       err.status == 409;
		tap_ok(pass, "%s in %s minus [%s], /%u: %s",
		    (unsigned)fits[i].fit < IP_FIT__MAX
		        ? ip_fit_names[fits[i].fit]
		        : "bad fit",
		    ip_prefix_format(&parent, text), fits[i].children,
		    fits[i].len, fits[i].want);
		if (!pass)
			tap_diag(
			    "have: \"%s\"; want: \"%s\"", have, fits[i].want);
	}
}

static void
test_free_count(void)
{
	static const struct {
		const char *parent;
		const char *children;
		const char *want;
	} counts[] = {
		{ "10.0.0.0/8", "10.1.0.0/16", "16711680" },
		{ "10.0.0.0/8", "", "16777216" },
		{ "10.0.0.0/8", "10.0.0.0/8", "0" },
		{ "0.0.0.0/0", "", "4294967296" },
		{ "::/0", "", "340282366920938463463374607431768211456" },
		{ "::/0", "::/1", "170141183460469231731687303715884105728" },
		{ "::/0", "::1/128",
		    "340282366920938463463374607431768211455" },
		{ "2001:db8::/32", "2001:db8::/33 2001:db8::/48",
		    "39614081257132168796771975168" },
	};
	struct ip_prefix parent, children[8];
	struct ip_count c;
	struct err err = ERR_INIT;
	char have[IP_COUNT_STRLEN], name[160];
	size_t i, n;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		parse(counts[i].parent, &parent);
		n = parse_list(counts[i].children, children);
		snprintf(name, sizeof(name), "free addresses in %s minus [%s]",
		    counts[i].parent, counts[i].children);
		if (ip_set_free_count(&parent, children, n, &c, &err) == -1) {
			tap_ok(0, "%s", name);
			tap_diag("have: error %s", err.message);
			continue;
		}
		tap_str(ip_count_format(&c, have), counts[i].want, name);
	}
	tap_ok(strcmp(ip_fit_names[IP_FIT_FIRST], "first_fit") == 0 &&
	           strcmp(ip_fit_names[IP_FIT_BEST], "best_fit") == 0 &&
	           strcmp(ip_fit_names[IP_FIT_LAST], "last_fit") == 0,
	    "fit names");
}

/* A random parent and up to 10 sorted children, some nested or outside. */
struct scene {
	struct ip_prefix parent;
	struct ip_prefix children[12];
	size_t n;
};

static void
random_prefix_in(
    const struct ip_prefix *outer, unsigned span, struct ip_prefix *out)
{
	struct ip_addr a = outer->addr;
	struct err err = ERR_INIT;
	unsigned width = ip_addr_width(&a), len;

	/* Any address inside outer: random host bits. */
	if (width == 32)
		a.low |=
		    rng() & (outer->len == 0 ? 0xffffffffu
		                             : (1u << (32 - outer->len)) - 1);
	else if (outer->len <= 64) {
		a.low = rng();
		if (outer->len < 64)
			a.high |=
			    rng() &
			    ((outer->len == 0
			            ? UINT64_MAX
			            : ((uint64_t)1 << (64 - outer->len)) - 1));
	} else if (outer->len < 128) {
		a.low |= rng() & (((uint64_t)1 << (128 - outer->len)) - 1);
	}
	len = outer->len + (unsigned)(rng() % (span + 1));
	if (len > width)
		len = width;
	ip_prefix_from_addr(&a, len, out, &err);
}

static void
random_scene(struct scene *s)
{
	struct ip_prefix space;
	struct err err = ERR_INIT;
	unsigned width, i, k;

	memset(&space, 0, sizeof(space));
	space.addr.family = rng() % 2 ? IP_FAMILY_V6 : IP_FAMILY_V4;
	width = ip_addr_width(&space.addr);
	/* Parents of every size, small ones often enough to brute-force. */
	space.len = 0;
	random_prefix_in(&space, width, &s->parent);
	if (rng() % 3 == 0)
		ip_prefix_from_addr(&s->parent.addr,
		    width - (unsigned)(rng() % 11), &s->parent, &err);
	k = (unsigned)(rng() % 11);
	s->n = 0;
	for (i = 0; i < k; i++) {
		if (rng() % 8 == 0)
			random_prefix_in(&space, width, &s->children[s->n++]);
		else
			random_prefix_in(
			    &s->parent, 1 + rng() % 12, &s->children[s->n++]);
	}
	ip_prefix_sort(s->children, s->n);
}

/* Sum of the sizes of v as a count. */
static void
size_of(const struct ip_prefix *v, size_t n, struct ip_count *sum)
{
	struct ip_count c, zero = IP_COUNT_ZERO;
	struct err err = ERR_INIT;
	size_t i;

	*sum = zero;
	for (i = 0; i < n; i++) {
		ip_prefix_size(&v[i], &c);
		ip_count_add(sum, &c, &err);
	}
}

/* Element-wise: memcmp would compare padding bytes too. */
static int
same_list(const struct ip_prefix *a, const struct ip_prefix *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ip_prefix_compare(&a[i], &b[i]) != 0)
			return 0;
	return 1;
}

static int
check_scene_free(
    const struct scene *s, const struct ip_prefix *free_list, size_t nfree)
{
	struct ip_prefix all[LIST_MAX], again[LIST_MAX];
	struct ip_count counted, summed;
	struct err err = ERR_INIT;
	size_t i, j, n = 0, m;

	for (i = 0; i < nfree; i++) {
		if (!ip_prefix_contains(&s->parent, &free_list[i]))
			return 0;
		if (i > 0 &&
		    (ip_prefix_compare(&free_list[i - 1], &free_list[i]) >= 0 ||
		        ip_prefix_overlaps(&free_list[i - 1], &free_list[i])))
			return 0;
		for (j = 0; j < s->n; j++)
			if (ip_prefix_overlaps(&free_list[i], &s->children[j]))
				return 0;
		all[n++] = free_list[i];
	}
	/* Minimal: aggregating the free list changes nothing. */
	memcpy(again, free_list, nfree * sizeof(*again));
	if (ip_set_aggregate(again, nfree) != nfree ||
	    !same_list(again, free_list, nfree))
		return 0;
	/* Free plus the children (clipped to the parent) is the parent. */
	for (j = 0; j < s->n; j++) {
		if (ip_prefix_contains(&s->children[j], &s->parent))
			all[n++] = s->parent;
		else if (ip_prefix_contains(&s->parent, &s->children[j]))
			all[n++] = s->children[j];
	}
	m = ip_set_aggregate(all, n);
	if (m != 1 || ip_prefix_compare(&all[0], &s->parent) != 0)
		return 0;
	/* The exact free count is the sum of the free prefixes. */
	if (ip_set_free_count(&s->parent, s->children, s->n, &counted, &err) ==
	    -1)
		return 0;
	size_of(free_list, nfree, &summed);
	return ip_count_compare(&counted, &summed) == 0;
}

static void
prop_subtract(void)
{
	struct scene s;
	struct ip_prefix free_list[LIST_MAX];
	struct err err = ERR_INIT;
	char a[IP_PREFIX_STRLEN];
	size_t nfree;
	int i, bad = 0, nonempty = 0;

	for (i = 0; i < ITERATIONS && !bad; i++) {
		random_scene(&s);
		if (ip_set_subtract(&s.parent, s.children, s.n, free_list,
		        LIST_MAX, &nfree, &err) == -1 ||
		    !check_scene_free(&s, free_list, nfree)) {
			bad = 1;
			tap_diag("parent %s, %zu children: %s",
			    ip_prefix_format(&s.parent, a), s.n, err.message);
		}
		nonempty += nfree > 0 && s.n > 0;
	}
	tap_ok(!bad && nonempty > ITERATIONS / 4,
	    "subtract: free is minimal, disjoint, and with the children "
	    "aggregates to the parent, %d random cases",
	    ITERATIONS);
}

/* What each fit must answer, worked out from the free list. */
static int
expect_fit(const struct ip_prefix *free_list, size_t nfree, unsigned len,
    enum ip_fit fit, struct ip_prefix *want)
{
	struct err err = ERR_INIT;
	struct ip_addr last;
	size_t i, pick = nfree;

	for (i = 0; i < nfree; i++) {
		if (free_list[i].len > len)
			continue;
		if (pick == nfree || fit == IP_FIT_LAST ||
		    (fit == IP_FIT_BEST &&
		        free_list[i].len > free_list[pick].len))
			pick = i;
		if (fit == IP_FIT_FIRST)
			break;
	}
	if (pick == nfree)
		return -1;
	if (fit != IP_FIT_LAST)
		return ip_prefix_from_addr(
		    &free_list[pick].addr, len, want, &err);
	ip_prefix_last(&free_list[pick], &last);
	return ip_prefix_from_addr(&last, len, want, &err);
}

static int
check_found(const struct scene *s, const struct ip_prefix *found, unsigned len)
{
	struct ip_prefix aligned;
	struct err err = ERR_INIT;
	size_t j;

	ip_prefix_from_addr(&found->addr, len, &aligned, &err);
	if (found->len != len || ip_prefix_compare(&aligned, found) != 0 ||
	    !ip_prefix_contains(&s->parent, found))
		return 0;
	for (j = 0; j < s->n; j++)
		if (ip_prefix_overlaps(found, &s->children[j]))
			return 0;
	return 1;
}

static int
check_fit(const struct scene *s, const struct ip_prefix *free_list,
    size_t nfree, unsigned len, enum ip_fit fit)
{
	struct ip_prefix found, want, largest;
	struct err err = ERR_INIT;
	size_t i, big = nfree;
	int rc = ip_set_find_free(
	    &s->parent, s->children, s->n, len, fit, &found, &largest, &err);

	if (expect_fit(free_list, nfree, len, fit, &want) == 0)
		return rc == 0 && ip_prefix_compare(&found, &want) == 0 &&
		       check_found(s, &found, len);
	for (i = 0; i < nfree; i++)
		if (big == nfree || free_list[i].len < free_list[big].len)
			big = i;
	if (rc != -1 || err.status != 409 || strcmp(err.code, "pool_full"))
		return 0;
	if (big == nfree)
		return largest.len == IP_LEN_NONE;
	return ip_prefix_compare(&largest, &free_list[big]) == 0;
}

static void
prop_find_free(void)
{
	struct scene s;
	struct ip_prefix free_list[LIST_MAX];
	struct err err = ERR_INIT;
	char a[IP_PREFIX_STRLEN];
	size_t nfree;
	unsigned len, width;
	int i, bad = 0, fit;

	for (i = 0; i < ITERATIONS && !bad; i++) {
		random_scene(&s);
		ip_set_subtract(&s.parent, s.children, s.n, free_list, LIST_MAX,
		    &nfree, &err);
		width = ip_addr_width(&s.parent.addr);
		len = s.parent.len + (unsigned)(rng() % 14);
		if (len > width)
			len = width;
		for (fit = 0; fit < IP_FIT__MAX && !bad; fit++) {
			if (check_fit(
			        &s, free_list, nfree, len, (enum ip_fit)fit))
				continue;
			bad = 1;
			tap_diag("parent %s, %zu children, /%u, %s",
			    ip_prefix_format(&s.parent, a), s.n, len,
			    ip_fit_names[fit]);
		}
	}
	tap_ok(!bad,
	    "find_free: aligned, inside, overlaps no child, picks per "
	    "strategy, %d random cases x 3 fits",
	    ITERATIONS);
}

/* Whether the block of length len at candidate index k is free. */
static int
brute_free(
    const struct scene *s, unsigned len, uint64_t k, struct ip_prefix *block)
{
	struct ip_addr a = s->parent.addr;
	struct err err = ERR_INIT;
	size_t j;

	a.low += k << (ip_addr_width(&a) - len);
	ip_prefix_from_addr(&a, len, block, &err);
	for (j = 0; j < s->n; j++)
		if (ip_prefix_overlaps(block, &s->children[j]))
			return 0;
	return 1;
}

/* Small parents: FIRST and LAST against trying every candidate. */
static void
prop_brute_force(void)
{
	struct scene s;
	struct ip_prefix first, last, block, got;
	struct err err;
	unsigned len, host, tried = 0;
	uint64_t k, count;
	int i, bad = 0, any;

	for (i = 0; i < ITERATIONS * 4 && !bad; i++) {
		random_scene(&s);
		host = ip_addr_width(&s.parent.addr) - s.parent.len;
		if (host > 10)
			continue;
		tried++;
		len = s.parent.len + (unsigned)(rng() % (host + 1));
		count = (uint64_t)1 << (len - s.parent.len);
		any = 0;
		for (k = 0; k < count; k++) {
			if (!brute_free(&s, len, k, &block))
				continue;
			if (!any)
				first = block;
			last = block;
			any = 1;
		}
		err_clear(&err);
		if (ip_set_find_free(&s.parent, s.children, s.n, len,
		        IP_FIT_FIRST, &got, NULL, &err) == 0)
			bad |= !any || ip_prefix_compare(&got, &first) != 0;
		else
			bad |= any || strcmp(err.code, "pool_full") != 0;
		if (ip_set_find_free(&s.parent, s.children, s.n, len,
		        IP_FIT_LAST, &got, NULL, &err) == 0)
			bad |= !any || ip_prefix_compare(&got, &last) != 0;
		else
			bad |= any;
	}
	tap_ok(!bad && tried > 1000,
	    "first/last fit equal brute force on %u small parents", tried);
}

/* Aggregate of random lists: same space, sorted, disjoint, no siblings. */
static int
check_aggregate(const struct ip_prefix *parent, const struct ip_prefix *in,
    size_t n, const struct ip_prefix *out, size_t m)
{
	struct ip_prefix a[LIST_MAX], b[LIST_MAX], up;
	struct err err = ERR_INIT;
	size_t i, na, nb;

	for (i = 1; i < m; i++) {
		if (ip_prefix_compare(&out[i - 1], &out[i]) >= 0 ||
		    ip_prefix_overlaps(&out[i - 1], &out[i]))
			return 0;
		/* Two halves of one prefix should have been merged. */
		if (out[i].len == out[i - 1].len && out[i].len > 0 &&
		    ip_prefix_from_addr(
		        &out[i].addr, out[i].len - 1u, &up, &err) == 0 &&
		    ip_prefix_contains(&up, &out[i - 1]))
			return 0;
	}
	if (ip_set_subtract(parent, in, n, a, LIST_MAX, &na, &err) == -1 ||
	    ip_set_subtract(parent, out, m, b, LIST_MAX, &nb, &err) == -1)
		return 0;
	return na == nb && same_list(a, b, na);
}

static void
prop_aggregate(void)
{
	struct scene s;
	struct ip_prefix v[16], sorted[16];
	char a[IP_PREFIX_STRLEN];
	size_t n, m, i, j;
	int iteration, bad = 0, merged = 0;

	for (iteration = 0; iteration < ITERATIONS && !bad; iteration++) {
		random_scene(&s);
		/* Children inside the parent, plus some siblings, shuffled. */
		for (i = n = 0; i < s.n; i++)
			if (ip_prefix_contains(&s.parent, &s.children[i]))
				v[n++] = s.children[i];
		for (i = n; i > 1; i--) {
			j = (size_t)(rng() % i);
			sorted[0] = v[i - 1];
			v[i - 1] = v[j];
			v[j] = sorted[0];
		}
		memcpy(sorted, v, n * sizeof(*v));
		ip_prefix_sort(sorted, n);
		m = ip_set_aggregate(v, n);
		merged += m < n;
		if (!check_aggregate(&s.parent, sorted, n, v, m)) {
			bad = 1;
			tap_diag("parent %s, %zu prefixes",
			    ip_prefix_format(&s.parent, a), n);
		}
	}
	tap_ok(!bad && merged > 100,
	    "aggregate: same space, sorted, disjoint, no siblings left, "
	    "%d random lists",
	    ITERATIONS);
}

int
main(void)
{
	test_subtract();
	test_subtract_wide();
	test_subtract_errors();
	test_aggregate();
	test_find_free();
	test_free_count();
	prop_subtract();
	prop_find_free();
	prop_brute_force();
	prop_aggregate();
	return tap_done();
}
