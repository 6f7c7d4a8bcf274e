/*
 * Unit tests for app/ip/ip.c: parsing (accepted and refused, with the exact
 * message), RFC 5952 canonical text, order, containment, range keys, and
 * properties over random prefixes checked against libc's inet_pton(3) and
 * inet_ntop(3) and against the range keys.
 */
#include "ip/ip.h"
#include "lib/err.h"
#include "unit/tap.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ITERATIONS 10000

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* xorshift64: deterministic, so a failure reproduces. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int
parse(const char *s, struct ip_prefix *p)
{
	struct err err = ERR_INIT;

	return ip_prefix_parse(s, strlen(s), p, &err);
}

static int
parse_addr(const char *s, struct ip_addr *a)
{
	struct err err = ERR_INIT;

	return ip_addr_parse(s, strlen(s), a, &err);
}

static const struct {
	const char *in;
	const char *want;
} accepts[] = {
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "255.255.255.255/32", "255.255.255.255/32" },
	{ "192.168.1.0/24", "192.168.1.0/24" },
	{ "100.64.0.0/10", "100.64.0.0/10" },
	{ "10.0.0.1/32", "10.0.0.1/32" },
	{ "0.0.0.0/32", "0.0.0.0/32" },
	{ "2001:db8::/32", "2001:db8::/32" },
	{ "::/0", "::/0" },
	{ "::1/128", "::1/128" },
	{ "::/128", "::/128" },
	{ "::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104" },
	{ "::ffff:0:0/96", "::ffff:0.0.0.0/96" },
	{ "0:0:0:0:0:ffff:a00:0/104", "::ffff:10.0.0.0/104" },
	{ "2001:DB8::/32", "2001:db8::/32" },
	{ "2001:0db8:0000:0000::/32", "2001:db8::/32" },
	{ "fc00::/7", "fc00::/7" },
	{ "fe80::/10", "fe80::/10" },
	{ "1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8/128" },
	{ "1:2:3:4:5:6:7::/128", "1:2:3:4:5:6:7:0/128" },
	{ "::2:3:4:5:6:7:8/128", "0:2:3:4:5:6:7:8/128" },
	{ "2001:db8:0:0:1:0:0:1/128", "2001:db8::1:0:0:1/128" },
	{ "::1.2.3.4/128", "::102:304/128" },
	{ "64:ff9b::192.0.2.33/128", "64:ff9b::c000:221/128" },
	{ "1:2:3:4:5:6:1.2.3.4/128", "1:2:3:4:5:6:102:304/128" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
	{ "8000::/1", "8000::/1" },
	{ "128.0.0.0/1", "128.0.0.0/1" },
};

static void
test_accepts(void)
{
	struct ip_prefix p;
	struct err err = ERR_INIT;
	char out[IP_PREFIX_STRLEN], name[128];
	size_t i;

	for (i = 0; i < sizeof(accepts) / sizeof(accepts[0]); i++) {
		snprintf(name, sizeof(name), "parse %s", accepts[i].in);
		if (ip_prefix_parse(
		        accepts[i].in, strlen(accepts[i].in), &p, &err) == -1) {
			tap_ok(0, "%s", name);
			tap_diag("have: error \"%s\"; want: %s", err.message,
			    accepts[i].want);
			continue;
		}
		tap_str(ip_prefix_format(&p, out), accepts[i].want, name);
	}
}

/* n == 0: use strlen(in). */
static const struct {
	const char *in;
	size_t n;
	const char *code;
	const char *message;
} refuses[] = {
	{ "010.0.0.0/8", 0, "invalid_cidr",
	    "invalid CIDR \"010.0.0.0/8\": leading zero in octet 1" },
	{ "10.0.00.0/16", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.00.0/16\": leading zero in octet 3" },
	{ "10.0.0.256/32", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.256/32\": octet 4 exceeds 255" },
	{ "10.1000.0.0/16", 0, "invalid_cidr",
	    "invalid CIDR \"10.1000.0.0/16\": octet 2 exceeds 255" },
	{ "10.0.0.0/33", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/33\": prefix length 33 exceeds 32" },
	{ "2001:db8::/129", 0, "invalid_cidr",
	    "invalid CIDR \"2001:db8::/129\": prefix length 129 exceeds 128" },
	{ "10.0.0.0/99999999999", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/99999999999\": prefix length exceeds 32" },
	{ "10.0.0.0/08", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/08\": leading zero in prefix length" },
	{ "10.0.0.0", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0\": missing prefix length" },
	{ "2001:db8::", 0, "invalid_cidr",
	    "invalid CIDR \"2001:db8::\": missing prefix length" },
	{ "10.0.0.0/", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/\": empty prefix length" },
	{ "", 0, "invalid_cidr", "invalid CIDR \"\": empty input" },
	{ "/8", 0, "invalid_cidr",
	    "invalid CIDR \"/8\": missing address before '/'" },
	{ " 10.0.0.0/8", 0, "invalid_cidr",
	    "invalid CIDR \" 10.0.0.0/8\": unexpected space at position 1" },
	{ "10.0.0.0/8 ", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/8 \": unexpected space at position 11" },
	{ "10.0.0.0 /8", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0 /8\": unexpected space at position 9" },
	{ "10.0.0.0/8x", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/8x\": unexpected character 'x' at "
	    "position 11" },
	{ "10.0.0.0/8/8", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/8/8\": unexpected character '/' at "
	    "position 11" },
	{ "10.0.0.0/-8", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/-8\": unexpected character '-' at "
	    "position 10" },
	{ "10.0.0.0/+8", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/+8\": unexpected character '+' at "
	    "position 10" },
	{ "10.0.0.0\0/8", 11, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0\\x00/8\": unexpected byte 0x00 at "
	    "position 9" },
	{ "10.0.0.0/8\n", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0/8\\x0a\": unexpected byte 0x0a at "
	    "position 11" },
	{ "\"10.0.0.0/8\"", 0, "invalid_cidr",
	    "invalid CIDR \"\\\"10.0.0.0/8\\\"\": unexpected character '\"' "
	    "at position 1" },
	{ "10.0.0/8", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0/8\": only 3 octets; expected 4" },
	{ "10/8", 0, "invalid_cidr",
	    "invalid CIDR \"10/8\": only 1 octet; expected 4" },
	{ "10.0.0.0.0/8", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0.0/8\": more than 4 octets" },
	{ "10.0.0.0./8", 0, "invalid_cidr",
	    "invalid CIDR \"10.0.0.0./8\": unexpected character '.' at "
	    "position 9" },
	{ "10..0.0/8", 0, "invalid_cidr",
	    "invalid CIDR \"10..0.0/8\": empty octet 2" },
	{ ".10.0.0/8", 0, "invalid_cidr",
	    "invalid CIDR \".10.0.0/8\": empty octet 1" },
	{ "0x0a.0.0.0/8", 0, "invalid_cidr",
	    "invalid CIDR \"0x0a.0.0.0/8\": unexpected character 'x' at "
	    "position 2" },
	{ "1:2:3:4:5:6:7/112", 0, "invalid_cidr",
	    "invalid CIDR \"1:2:3:4:5:6:7/112\": only 7 groups; expected 8" },
	{ "1:2:3:4:5:6:7:8:9/128", 0, "invalid_cidr",
	    "invalid CIDR \"1:2:3:4:5:6:7:8:9/128\": more than 8 groups" },
	{ "1:2:3:4:5:6:7:8::/128", 0, "invalid_cidr",
	    "invalid CIDR \"1:2:3:4:5:6:7:8::/128\": too many groups with "
	    "\"::\"" },
	{ "1::2::3/64", 0, "invalid_cidr",
	    "invalid CIDR \"1::2::3/64\": more than one \"::\"" },
	{ "12345::/16", 0, "invalid_cidr",
	    "invalid CIDR \"12345::/16\": group 1 has more than 4 hex "
	    "digits" },
	{ ":1::/16", 0, "invalid_cidr",
	    "invalid CIDR \":1::/16\": single ':' at the start" },
	{ "1::2:/64", 0, "invalid_cidr",
	    "invalid CIDR \"1::2:/64\": single ':' at the end" },
	{ "2001:db8:::/48", 0, "invalid_cidr",
	    "invalid CIDR \"2001:db8:::/48\": unexpected character ':' at "
	    "position 11" },
	{ "fe80::1%eth0/128", 0, "invalid_cidr",
	    "invalid CIDR \"fe80::1%eth0/128\": unexpected character '%' at "
	    "position 8" },
	{ "[2001:db8::]/32", 0, "invalid_cidr",
	    "invalid CIDR \"[2001:db8::]/32\": unexpected character '[' at "
	    "position 1" },
	{ "g::/16", 0, "invalid_cidr",
	    "invalid CIDR \"g::/16\": unexpected character 'g' at position 1" },
	{ "::ffff:010.0.0.0/104", 0, "invalid_cidr",
	    "invalid CIDR \"::ffff:010.0.0.0/104\": leading zero in octet 1" },
	{ "::ffff:10.0.0/104", 0, "invalid_cidr",
	    "invalid CIDR \"::ffff:10.0.0/104\": only 3 octets; expected 4" },
	{ "1.2.3.4::/64", 0, "invalid_cidr",
	    "invalid CIDR \"1.2.3.4::/64\": unexpected character ':' at "
	    "position 8" },
	{ "1:2:3:4:5:6:7:1.2.3.4/128", 0, "invalid_cidr",
	    "invalid CIDR \"1:2:3:4:5:6:7:1.2.3.4/128\": more than 8 groups" },
	{ "1:2:3:4:5:1.2.3.4/128", 0, "invalid_cidr",
	    "invalid CIDR \"1:2:3:4:5:1.2.3.4/128\": only 7 groups; "
	    "expected 8" },
	{ "::1.2.3.4:5/128", 0, "invalid_cidr",
	    "invalid CIDR \"::1.2.3.4:5/128\": unexpected character ':' at "
	    "position 10" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "/8",
	    0, "invalid_cidr",
	    "invalid CIDR \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaa...\": unexpected character 'a' at position 1" },
	{ "10.1.2.3/8", 0, "host_bits_set",
	    "host bits set; did you mean 10.0.0.0/8?" },
	{ "10.0.0.1/31", 0, "host_bits_set",
	    "host bits set; did you mean 10.0.0.0/31?" },
	{ "0.0.0.1/0", 0, "host_bits_set",
	    "host bits set; did you mean 0.0.0.0/0?" },
	{ "2001:db8::1/32", 0, "host_bits_set",
	    "host bits set; did you mean 2001:db8::/32?" },
	{ "2001:DB8:1::/32", 0, "host_bits_set",
	    "host bits set; did you mean 2001:db8::/32?" },
	{ "::ffff:10.0.0.1/104", 0, "host_bits_set",
	    "host bits set; did you mean ::ffff:10.0.0.0/104?" },
	{ "::1/0", 0, "host_bits_set", "host bits set; did you mean ::/0?" },
};

/* The input with bytes a TAP line cannot hold shown as '?'. */
static const char *
printable(const char *s, size_t n, char out[32])
{
	size_t i;

	for (i = 0; i < n && i < 31; i++)
		out[i] = s[i] > ' ' && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	return out;
}

static void
test_refuses(void)
{
	struct ip_prefix p;
	struct err err;
	char shown[32];
	size_t i, n;
	int rc, pass;

	for (i = 0; i < sizeof(refuses) / sizeof(refuses[0]); i++) {
		err_clear(&err);
		n = refuses[i].n ? refuses[i].n : strlen(refuses[i].in);
		rc = ip_prefix_parse(refuses[i].in, n, &p, &err);
		pass = rc == -1 && err.status == 400 &&
		       strcmp(err.code, refuses[i].code) == 0 &&
		       strcmp(err.message, refuses[i].message) == 0;
		tap_ok(pass, "refuse %s: %s",
		    printable(refuses[i].in, n, shown), refuses[i].message);
		if (!pass)
			tap_diag(
			    "have: %d %d %s \"%s\"; want: -1 400 %s \"%s\"", rc,
			    err.status, err.code, err.message, refuses[i].code,
			    refuses[i].message);
	}
}

static void
test_flags(void)
{
	struct ip_prefix p;
	struct err err = ERR_INIT;
	char out[IP_PREFIX_STRLEN];

	tap_ok(ip_prefix_parse_loose("10.1.2.3/8", 10, &p, &err) == 0 &&
	           strcmp(ip_prefix_format(&p, out), "10.0.0.0/8") == 0,
	    "loose parse masks 10.1.2.3/8 to 10.0.0.0/8");
	tap_ok(ip_prefix_parse_loose("2001:db8::1/32", 14, &p, &err) == 0 &&
	           strcmp(ip_prefix_format(&p, out), "2001:db8::/32") == 0,
	    "loose parse masks 2001:db8::1/32");
	tap_ok(ip_prefix_parse_loose("010.0.0.0/8", 11, &p, &err) == -1 &&
	           strcmp(err.code, "invalid_cidr") == 0,
	    "loose parse still refuses leading zeros");
	tap_ok(ip_prefix_parse_flags("10.0.0.1", 8, IP_PARSE_BARE, &p, &err) ==
	               0 &&
	           strcmp(ip_prefix_format(&p, out), "10.0.0.1/32") == 0,
	    "bare IPv4 address is a /32 with IP_PARSE_BARE");
	tap_ok(ip_prefix_parse_flags(
	           "2001:db8::1", 11, IP_PARSE_BARE, &p, &err) == 0 &&
	           strcmp(ip_prefix_format(&p, out), "2001:db8::1/128") == 0,
	    "bare IPv6 address is a /128 with IP_PARSE_BARE");
	tap_ok(ip_prefix_parse_flags("10.1.2.3/8", 10,
	           IP_PARSE_BARE | IP_PARSE_MASK, &p, &err) == 0 &&
	           strcmp(ip_prefix_format(&p, out), "10.0.0.0/8") == 0,
	    "flags combine");
	tap_ok(ip_prefix_parse_flags(
	           "10.1.2.3/8", 10, IP_PARSE_BARE, &p, &err) == -1 &&
	           strcmp(err.code, "host_bits_set") == 0,
	    "IP_PARSE_BARE alone still refuses host bits");
}

static const struct {
	const char *in;
	const char *code; /* NULL: accepted */
	const char *want; /* canonical form or message */
} addrs[] = {
	{ "10.0.0.1", NULL, "10.0.0.1" },
	{ "0.0.0.0", NULL, "0.0.0.0" },
	{ "::", NULL, "::" },
	{ "2001:DB8::1", NULL, "2001:db8::1" },
	{ "10.0.0.1/32", "invalid_ip",
	    "invalid IP address \"10.0.0.1/32\": unexpected character '/' at "
	    "position 9" },
	{ "", "invalid_ip", "invalid IP address \"\": empty input" },
	{ "1.2.3.04", "invalid_ip",
	    "invalid IP address \"1.2.3.04\": leading zero in octet 4" },
	{ "1.2.3.4 ", "invalid_ip",
	    "invalid IP address \"1.2.3.4 \": unexpected space at position 8" },
	{ "::g", "invalid_ip",
	    "invalid IP address \"::g\": unexpected character 'g' at "
	    "position 3" },
};

static void
test_addrs(void)
{
	struct ip_addr a;
	struct err err;
	char out[IP_ADDR_STRLEN];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		err_clear(&err);
		rc = ip_addr_parse(addrs[i].in, strlen(addrs[i].in), &a, &err);
		if (addrs[i].code == NULL && rc == 0) {
			tap_str(ip_addr_format(&a, out), addrs[i].want,
			    addrs[i].in);
		} else if (addrs[i].code == NULL) {
			tap_ok(0, "address %s", addrs[i].in);
			tap_diag("have: \"%s\"; want: %s", err.message,
			    addrs[i].want);
		} else {
			tap_ok(rc == -1 && err.status == 400 &&
			           strcmp(err.code, addrs[i].code) == 0 &&
			           strcmp(err.message, addrs[i].want) == 0,
			    "refuse address %s", addrs[i].want);
			if (rc != -1 || strcmp(err.message, addrs[i].want))
				tap_diag("have: %d \"%s\"; want: \"%s\"", rc,
				    err.message, addrs[i].want);
		}
	}
}

/* RFC 5952: section 2 variants, section 4 rules, section 5 mapped. */
static const struct {
	const char *in;
	const char *want;
} rfc5952[] = {
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
	{ "2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
	{ "2001:db8::1:0:0:1", "2001:db8::1:0:0:1" },
	{ "2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1" },
	{ "2001:0db8::1:0:0:1", "2001:db8::1:0:0:1" },
	{ "2001:db8:0:0:1::1", "2001:db8::1:0:0:1" },
	{ "2001:db8:0000:0:1::1", "2001:db8::1:0:0:1" },
	{ "2001:DB8:0:0:1::1", "2001:db8::1:0:0:1" },
	{ "2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001",
	    "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1" },
	{ "2001:db8:aaaa:bbbb:cccc:dddd:eeee:001",
	    "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1" },
	{ "2001:db8:aaaa:bbbb:cccc:dddd:eeee:01",
	    "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1" },
	{ "2001:db8:aaaa:bbbb:cccc:dddd::1",
	    "2001:db8:aaaa:bbbb:cccc:dddd:0:1" },
	{ "2001:db8:0:0:0::1", "2001:db8::1" },
	{ "2001:db8:0:0::1", "2001:db8::1" },
	{ "2001:db8:0::1", "2001:db8::1" },
	{ "2001:db8::0:1", "2001:db8::1" },
	{ "2001:db8::aaaa:0:0:1", "2001:db8::aaaa:0:0:1" },
	{ "2001:db8:0:0:aaaa::1", "2001:db8::aaaa:0:0:1" },
	{ "2001:db8::AAAA", "2001:db8::aaaa" },
	{ "2001:db8:0:0:0:0:2:1", "2001:db8::2:1" },
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
	{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
	{ "0:0:0:0:0:ffff:c000:201", "::ffff:192.0.2.1" },
	{ "0:0:0:0:0:0:0:0", "::" },
	{ "0:0:0:0:0:0:0:1", "::1" },
	{ "1:0:0:0:0:0:0:0", "1::" },
	{ "0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1" },
	{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
	{ "1:0:0:0:2:0:0:0", "1::2:0:0:0" },
	{ "fe80::0001:0002", "fe80::1:2" },
	{ "::ffff:ffff:ffff", "::ffff:255.255.255.255" },
	{ "::fffe:ffff:ffff", "::fffe:ffff:ffff" },
	{ "::1:ffff:0:0", "::1:ffff:0:0" },
};

static void
test_rfc5952(void)
{
	struct ip_addr a;
	char out[IP_ADDR_STRLEN], name[128];
	size_t i;

	for (i = 0; i < sizeof(rfc5952) / sizeof(rfc5952[0]); i++) {
		snprintf(name, sizeof(name), "RFC 5952: %s is %s",
		    rfc5952[i].in, rfc5952[i].want);
		if (parse_addr(rfc5952[i].in, &a) == -1) {
			tap_ok(0, "%s", name);
			tap_diag("have: refused; want: %s", rfc5952[i].want);
			continue;
		}
		tap_str(ip_addr_format(&a, out), rfc5952[i].want, name);
	}
}

static const struct {
	const char *a;
	const char *b;
	int contains; /* a contains b */
	int overlaps;
} pairs[] = {
	{ "10.0.0.0/8", "10.1.0.0/16", 1, 1 },
	{ "10.1.0.0/16", "10.0.0.0/8", 0, 1 },
	{ "10.0.0.0/8", "11.0.0.0/8", 0, 0 },
	{ "10.0.0.0/24", "10.0.1.0/24", 0, 0 },
	{ "10.0.0.0/8", "10.0.0.0/8", 1, 1 },
	{ "0.0.0.0/0", "255.255.255.255/32", 1, 1 },
	{ "0.0.0.0/0", "0.0.0.0/0", 1, 1 },
	{ "255.255.255.255/32", "0.0.0.0/0", 0, 1 },
	{ "10.0.0.1/32", "10.0.0.1/32", 1, 1 },
	{ "10.0.0.1/32", "10.0.0.2/32", 0, 0 },
	{ "128.0.0.0/1", "255.0.0.0/8", 1, 1 },
	{ "0.0.0.0/1", "128.0.0.0/1", 0, 0 },
	{ "::/0", "2001:db8::/32", 1, 1 },
	{ "::/0", "::/0", 1, 1 },
	{ "::/0", "0.0.0.0/0", 0, 0 },
	{ "0.0.0.0/0", "::/0", 0, 0 },
	{ "::ffff:10.0.0.0/104", "10.0.0.0/8", 0, 0 },
	{ "::ffff:0.0.0.0/96", "::ffff:10.0.0.0/104", 1, 1 },
	{ "2001:db8::/32", "2001:db9::/32", 0, 0 },
	{ "2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128", 1, 1 },
	{ "::/1", "8000::/1", 0, 0 },
	{ "::1/128", "::1/128", 1, 1 },
	{ "::/128", "::1/128", 0, 0 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 1, 1 },
};

static void
test_pairs(void)
{
	struct ip_prefix a, b;
	size_t i;
	int ok;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		ok = parse(pairs[i].a, &a) == 0 && parse(pairs[i].b, &b) == 0;
		tap_ok(ok && ip_prefix_contains(&a, &b) == pairs[i].contains,
		    "%s %s %s", pairs[i].a,
		    pairs[i].contains ? "contains" : "does not contain",
		    pairs[i].b);
		tap_ok(ok && ip_prefix_overlaps(&a, &b) == pairs[i].overlaps &&
		           ip_prefix_overlaps(&b, &a) == pairs[i].overlaps,
		    "%s %s %s", pairs[i].a,
		    pairs[i].overlaps ? "overlaps" : "does not overlap",
		    pairs[i].b);
	}
}

static const struct {
	const char *prefix;
	const char *addr;
	int contains;
} members[] = {
	{ "10.0.0.0/8", "10.255.255.255", 1 },
	{ "10.0.0.0/8", "10.0.0.0", 1 },
	{ "10.0.0.0/8", "11.0.0.0", 0 },
	{ "10.0.0.0/8", "9.255.255.255", 0 },
	{ "0.0.0.0/0", "0.0.0.0", 1 },
	{ "0.0.0.0/0", "255.255.255.255", 1 },
	{ "10.0.0.1/32", "10.0.0.1", 1 },
	{ "10.0.0.1/32", "10.0.0.0", 0 },
	{ "::/0", "10.0.0.1", 0 },
	{ "::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2001:db8::/128", "2001:db8::", 1 },
	{ "2001:db8::/128", "2001:db8::1", 0 },
	{ "::ffff:0:0/96", "::ffff:1.2.3.4", 1 },
	{ "::ffff:0:0/96", "1.2.3.4", 0 },
	{ "0.0.0.0/0", "::ffff:1.2.3.4", 0 },
};

static void
test_members(void)
{
	struct ip_prefix p;
	struct ip_addr a;
	size_t i;
	int ok;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		ok = parse(members[i].prefix, &p) == 0 &&
		     parse_addr(members[i].addr, &a) == 0;
		tap_ok(ok && ip_prefix_contains_addr(&p, &a) ==
		                 members[i].contains,
		    "%s %s %s", members[i].prefix,
		    members[i].contains ? "holds" : "does not hold",
		    members[i].addr);
	}
}

static void
test_order(void)
{
	static const char *const shuffled[] = { "2001:db8:1::/48",
		"10.0.0.0/16", "::ffff:0:0/96", "10.1.0.0/16", "0.0.0.0/0",
		"2001:db8::/48", "10.0.1.0/24", "::/0", "192.168.0.0/16",
		"10.0.0.0/24", "2001:db8::/32", "10.0.0.0/8" };
	const char *want = "0.0.0.0/0 10.0.0.0/8 10.0.0.0/16 10.0.0.0/24 "
	                   "10.0.1.0/24 10.1.0.0/16 192.168.0.0/16 ::/0 "
	                   "::ffff:0.0.0.0/96 2001:db8::/32 2001:db8::/48 "
	                   "2001:db8:1::/48 ";
	struct ip_prefix v[12], a, b;
	char have[512] = "", out[IP_PREFIX_STRLEN];
	size_t i;

	for (i = 0; i < 12; i++)
		parse(shuffled[i], &v[i]);
	ip_prefix_sort(v, 12);
	for (i = 0; i < 12; i++) {
		strcat(have, ip_prefix_format(&v[i], out));
		strcat(have, " ");
	}
	tap_str(have, want, "sort: family, then address, then length");
	ip_prefix_sort(v, 0);
	ip_prefix_sort(v, 1);
	tap_ok(1, "sort of 0 and 1 elements");
	parse("10.0.0.0/8", &a);
	parse("10.0.0.0/8", &b);
	tap_int(ip_prefix_compare(&a, &b), 0, "equal prefixes compare 0");
	parse("255.255.255.255/32", &a);
	parse("::/0", &b);
	tap_ok(ip_prefix_compare(&a, &b) < 0 && ip_prefix_compare(&b, &a) > 0,
	    "every IPv4 prefix sorts before every IPv6 prefix");
}

static const struct {
	const char *prefix;
	const char *first;
	const char *last;
	const char *first_key;
	const char *last_key;
} ranges[] = {
	{ "10.0.0.0/8", "10.0.0.0", "10.255.255.255",
	    "0000000000000000000000000a000000",
	    "0000000000000000000000000affffff" },
	{ "0.0.0.0/0", "0.0.0.0", "255.255.255.255",
	    "00000000000000000000000000000000",
	    "000000000000000000000000ffffffff" },
	{ "192.168.1.7/32", "192.168.1.7", "192.168.1.7",
	    "000000000000000000000000c0a80107",
	    "000000000000000000000000c0a80107" },
	{ "2001:db8::/32",
	    "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	    "20010db8000000000000000000000000",
	    "20010db8ffffffffffffffffffffffff" },
	{ "::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "00000000000000000000000000000000",
	    "ffffffffffffffffffffffffffffffff" },
	{ "2001:db8:0:4::/64",
	    "2001:db8:0:4::", "2001:db8:0:4:ffff:ffff:ffff:ffff",
	    "20010db8000000040000000000000000",
	    "20010db800000004ffffffffffffffff" },
};

static void
test_ranges(void)
{
	struct ip_prefix p;
	struct ip_addr a;
	char out[IP_ADDR_STRLEN], first[IP_KEY_STRLEN], last[IP_KEY_STRLEN];
	char name[160];
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		parse(ranges[i].prefix, &p);
		ip_prefix_first(&p, &a);
		snprintf(name, sizeof(name), "first of %s", ranges[i].prefix);
		tap_str(ip_addr_format(&a, out), ranges[i].first, name);
		ip_prefix_last(&p, &a);
		snprintf(name, sizeof(name), "last of %s", ranges[i].prefix);
		tap_str(ip_addr_format(&a, out), ranges[i].last, name);
		ip_prefix_keys(&p, first, last);
		snprintf(name, sizeof(name), "keys of %s", ranges[i].prefix);
		tap_ok(strcmp(first, ranges[i].first_key) == 0 &&
		           strcmp(last, ranges[i].last_key) == 0,
		    "%s", name);
		if (strcmp(first, ranges[i].first_key) ||
		    strcmp(last, ranges[i].last_key))
			tap_diag("have: %s %s; want: %s %s", first, last,
			    ranges[i].first_key, ranges[i].last_key);
	}
}

static void
test_misc(void)
{
	struct ip_addr a, b;
	struct ip_prefix p;
	struct err err = ERR_INIT;
	char out[IP_PREFIX_STRLEN];

	parse_addr("::ffff:192.0.2.1", &a);
	tap_ok(ip_addr_unmap(&a, &b) && b.family == IP_FAMILY_V4 &&
	           strcmp(ip_addr_format(&b, out), "192.0.2.1") == 0,
	    "unmap ::ffff:192.0.2.1 gives 192.0.2.1");
	parse_addr("::fffe:c000:201", &a);
	b.family = 99;
	tap_ok(!ip_addr_unmap(&a, &b) && b.family == 99,
	    "unmap leaves a non-mapped address alone");
	parse_addr("192.0.2.1", &a);
	tap_ok(!ip_addr_unmap(&a, &b), "unmap refuses IPv4");
	tap_ok(ip_prefix_from_addr(&a, 24, &p, &err) == 0 &&
	           strcmp(ip_prefix_format(&p, out), "192.0.2.0/24") == 0,
	    "from_addr 192.0.2.1 /24 is 192.0.2.0/24");
	tap_ok(ip_prefix_from_addr(&a, 33, &p, &err) == -1 &&
	           strcmp(err.code, "invalid_prefix_length") == 0 &&
	           strcmp(err.message, "prefix length 33 exceeds 32") == 0,
	    "from_addr refuses /33");
	parse_addr("2001:db8::1", &a);
	tap_ok(ip_prefix_from_addr(&a, 0, &p, &err) == 0 &&
	           strcmp(ip_prefix_format(&p, out), "::/0") == 0,
	    "from_addr 2001:db8::1 /0 is ::/0");
	tap_int(ip_addr_width(&a), 128, "IPv6 width is 128");
	parse_addr("1.2.3.4", &a);
	tap_int(ip_addr_width(&a), 32, "IPv4 width is 32");
	tap_ok(strcmp(ip_family_names[IP_FAMILY_V4], "ipv4") == 0 &&
	           strcmp(ip_family_names[IP_FAMILY_V6], "ipv6") == 0,
	    "family names");
}

/* A random address, IPv6 with many zero groups so "::" cases abound. */
static void
random_addr(struct ip_addr *a)
{
	uint64_t r = rng(), g;
	int i;

	a->family = r & 1 ? IP_FAMILY_V6 : IP_FAMILY_V4;
	a->high = a->low = 0;
	if (a->family == IP_FAMILY_V4) {
		a->low = rng() & 0xffffffffu;
		return;
	}
	for (i = 0; i < 8; i++) {
		g = (r >> (8 + 2 * i)) & 3 ? 0 : rng() & 0xffff;
		if ((r >> 40) % 7 == 0 && i == 5)
			g = 0xffff; /* now and then IPv4-mapped */
		if (i < 4)
			a->high = a->high << 16 | g;
		else
			a->low = a->low << 16 | g;
	}
}

static void
random_prefix(struct ip_prefix *p)
{
	struct ip_addr a;
	struct err err = ERR_INIT;

	random_addr(&a);
	ip_prefix_from_addr(
	    &a, (unsigned)(rng() % (ip_addr_width(&a) + 1)), p, &err);
}

static void
to_bytes(const struct ip_addr *a, unsigned char *b)
{
	int i;

	if (a->family == IP_FAMILY_V4) {
		for (i = 0; i < 4; i++)
			b[i] = (unsigned char)(a->low >> (24 - 8 * i));
		return;
	}
	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(a->high >> (56 - 8 * i));
		b[i + 8] = (unsigned char)(a->low >> (56 - 8 * i));
	}
}

static void
prop_round_trip(void)
{
	struct ip_prefix p, q;
	struct err err = ERR_INIT;
	char text[IP_PREFIX_STRLEN], again[IP_PREFIX_STRLEN];
	int i, bad = 0;

	for (i = 0; i < ITERATIONS && !bad; i++) {
		random_prefix(&p);
		ip_prefix_format(&p, text);
		if (ip_prefix_parse(text, strlen(text), &q, &err) == -1 ||
		    ip_prefix_compare(&p, &q) != 0 ||
		    strcmp(ip_prefix_format(&q, again), text) != 0) {
			bad = 1;
			tap_diag("%s: have %s (%s)", text, again, err.message);
		}
	}
	tap_ok(!bad, "parse(format(p)) == p, %d random prefixes", ITERATIONS);
}

/*
 * glibc's inet_ntop follows RFC 5952 except that it also writes
 * IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291) in dotted
 * form; those are skipped.
 */
static void
prop_ntop(void)
{
	struct ip_addr a;
	unsigned char bytes[16];
	char mine[IP_ADDR_STRLEN], libc[INET6_ADDRSTRLEN];
	int i, bad = 0, af;

	for (i = 0; i < ITERATIONS && !bad; i++) {
		random_addr(&a);
		if (a.family == IP_FAMILY_V6 && a.high == 0 &&
		    a.low >> 32 == 0 && (a.low >> 16 & 0xffff) != 0)
			continue;
		af = a.family == IP_FAMILY_V4 ? AF_INET : AF_INET6;
		to_bytes(&a, bytes);
		inet_ntop(af, bytes, libc, sizeof(libc));
		if (strcmp(ip_addr_format(&a, mine), libc) != 0) {
			bad = 1;
			tap_diag("have: %s; want: %s", mine, libc);
		}
	}
	tap_ok(!bad, "format agrees with inet_ntop, %d random addresses",
	    ITERATIONS);
}

/* Random text near the grammar: accepted exactly when inet_pton agrees. */
static void
prop_pton(void)
{
	static const char alphabet[] = "0123456789abcdefABCDEF::::....";
	struct ip_addr a, b;
	struct err err;
	unsigned char bytes[16], mine[16];
	char s[48], text[IP_ADDR_STRLEN];
	int i, bad = 0, accepted = 0, af, rc, want;
	size_t n, k;

	for (i = 0; i < ITERATIONS * 10 && !bad; i++) {
		if (rng() % 2) {
			random_addr(&a);
			ip_addr_format(&a, text);
			n = strlen(text);
			memcpy(s, text, n);
			/* Mutate one byte now and then. */
			if (rng() % 2 && n > 0)
				s[rng() % n] =
				    alphabet[rng() % (sizeof(alphabet) - 1)];
		} else {
			n = rng() % 24;
			for (k = 0; k < n; k++)
				s[k] = alphabet[rng() % (sizeof(alphabet) - 1)];
		}
		s[n] = '\0';
		af = memchr(s, ':', n) ? AF_INET6 : AF_INET;
		want = inet_pton(af, s, bytes) == 1;
		err_clear(&err);
		rc = ip_addr_parse(s, n, &b, &err);
		if (rc == 0)
			to_bytes(&b, mine);
		if (want != (rc == 0) ||
		    (want && memcmp(mine, bytes, af == AF_INET ? 4 : 16))) {
			bad = 1;
			tap_diag("\"%s\": have rc %d (%s); want %s", s, rc,
			    err.message, want ? "accepted" : "refused");
		}
		accepted += want;
	}
	tap_ok(!bad && accepted > 1000,
	    "parse agrees with inet_pton on %d strings (%d valid)",
	    ITERATIONS * 10, accepted);
}

/* Containment and overlap agree with comparing the range keys. */
static void
prop_keys(void)
{
	struct ip_prefix a, b;
	struct err err = ERR_INIT;
	char af[IP_KEY_STRLEN], al[IP_KEY_STRLEN], bf[IP_KEY_STRLEN],
	    bl[IP_KEY_STRLEN];
	int i, bad = 0, contains, overlaps;

	for (i = 0; i < ITERATIONS && !bad; i++) {
		random_prefix(&a);
		if (rng() % 2) {
			/* b near a: same address, another length. */
			ip_prefix_from_addr(&a.addr,
			    (unsigned)(rng() % (ip_addr_width(&a.addr) + 1)),
			    &b, &err);
		} else {
			random_prefix(&b);
		}
		ip_prefix_keys(&a, af, al);
		ip_prefix_keys(&b, bf, bl);
		contains = a.addr.family == b.addr.family &&
		           strcmp(af, bf) <= 0 && strcmp(bl, al) <= 0;
		overlaps = a.addr.family == b.addr.family &&
		           strcmp(af, bl) <= 0 && strcmp(bf, al) <= 0;
		if (ip_prefix_contains(&a, &b) != contains ||
		    ip_prefix_overlaps(&a, &b) != overlaps ||
		    ip_prefix_contains_addr(&a, &b.addr) !=
		        (a.addr.family == b.addr.family &&
		            strcmp(af, bf) <= 0 && strcmp(bf, al) <= 0) ||
		    (a.addr.family == b.addr.family &&
		        (ip_addr_compare(&a.addr, &b.addr) < 0) !=
		            (strcmp(af, bf) < 0)))
			bad = 1;
	}
	tap_ok(!bad, "contains/overlaps/compare agree with keys, %d pairs",
	    ITERATIONS);
}

int
main(void)
{
	test_accepts();
	test_refuses();
	test_flags();
	test_addrs();
	test_rfc5952();
	test_pairs();
	test_members();
	test_order();
	test_ranges();
	test_misc();
	prop_round_trip();
	prop_ntop();
	prop_pton();
	prop_keys();
	return tap_done();
}
