/*
 * ip.c: parsing, canonical text, order and containment of addresses and
 * prefixes.
 *
 * Parsing is one left-to-right pass that stops at the first problem and
 * says what it was and where (1-based byte position), so a person can fix
 * the input from the message alone.  Formatting writes bytes directly into
 * the caller's buffer; nothing here allocates or loops per address.
 */
#include "ip/ip.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ip/ip_internal.h"
#include "lib/err.h"

/* Longest part of the input quoted back in a message, in bytes. */
#define QUOTE_MAX 64

const char *const ip_family_names[IP_FAMILY__MAX] = {
	"ipv4", /* IP_FAMILY_V4 */
	"ipv6", /* IP_FAMILY_V6 */
};

/* One parse: the whole input (for positions) and the problem found. */
struct parse {
	const char *s;
	char why[128];
};

static int why(struct parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record the problem; returns -1. */
static int
why(struct parse *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->why, sizeof(ps->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* The byte at i is not allowed there. */
static int
unexpected(struct parse *ps, size_t i)
{
	unsigned char c = (unsigned char)ps->s[i];

	if (c == ' ')
		return why(ps, "unexpected space at position %zu", i + 1);
	if (c > ' ' && c < 0x7f)
		return why(
		    ps, "unexpected character '%c' at position %zu", c, i + 1);
	return why(ps, "unexpected byte 0x%02x at position %zu", c, i + 1);
}

/*
 * Quote the input for a message: printable ASCII as is, anything else as
 * \xHH, " and \ escaped, cut after QUOTE_MAX bytes.  The message may reach
 * a log line or a JSON string, so no raw control bytes get through.
 */
static void
quote(const char *s, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < QUOTE_MAX && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c >= ' ' && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (i < n && o + 4 <= cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static int
refuse(struct parse *ps, size_t n, const char *what, const char *code,
    struct err *err)
{
	char quoted[QUOTE_MAX * 4 + 8];

	quote(ps->s, n, quoted, sizeof(quoted));
	return err_set(
	    err, 400, code, "invalid %s \"%s\": %s", what, quoted, ps->why);
}

/* Dotted-quad IPv4 in s[i..end), strictly: see ip.h. */
static int
parse_v4(struct parse *ps, size_t i, size_t end, uint32_t *out)
{
	uint32_t value = 0, octet = 0;
	unsigned count = 0, digits = 0;

	for (; i < end; i++) {
		char c = ps->s[i];

		if (c >= '0' && c <= '9') {
			/* "010" is octal to inet_aton(3): refuse, not guess. */
			if (digits == 1 && octet == 0)
				return why(
				    ps, "leading zero in octet %u", count + 1);
			octet = octet * 10 + (uint32_t)(c - '0');
			if (octet > 255)
				return why(
				    ps, "octet %u exceeds 255", count + 1);
			digits++;
		} else if (c == '.') {
			if (digits == 0)
				return why(ps, "empty octet %u", count + 1);
			if (count == 3 && i + 1 == end)
				return unexpected(ps, i);
			if (count == 3)
				return why(ps, "more than 4 octets");
			value = value << 8 | octet;
			count++;
			octet = 0;
			digits = 0;
		} else {
			return unexpected(ps, i);
		}
	}
	if (digits == 0)
		return why(ps, "empty octet %u", count + 1);
	if (count != 3)
		return why(ps, "only %u octet%s; expected 4", count + 1,
		    count == 0 ? "" : "s");
	*out = value << 8 | octet;
	return 0;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read hex digits from *i on; returns how many (the value of at most 4). */
static unsigned
read_group(struct parse *ps, size_t *i, size_t end, unsigned *value)
{
	unsigned digits = 0;
	int h;

	*value = 0;
	while (*i < end && (h = hex_value(ps->s[*i])) >= 0) {
		if (digits < 4)
			*value = *value << 4 | (unsigned)h;
		digits++;
		(*i)++;
	}
	return digits;
}

/* Put the embedded IPv4 of s[start..end) into groups count, count + 1. */
static int
parse_v6_tail(
    struct parse *ps, size_t start, size_t end, uint16_t *g, unsigned *count)
{
	uint32_t v4 = 0;

	if (*count > 6)
		return why(ps, "more than 8 groups");
	if (parse_v4(ps, start, end, &v4) == -1)
		return -1;
	g[(*count)++] = (uint16_t)(v4 >> 16);
	g[(*count)++] = (uint16_t)(v4 & 0xffff);
	return 0;
}

/* Spread the groups over 128 bits, "::" at gap (-1: none) as zeros. */
static int
join_groups(struct parse *ps, const uint16_t *g, unsigned count, int gap,
    struct ip_u128 *out)
{
	uint16_t full[8] = { 0 };
	unsigned i, tail;

	if (gap < 0 && count != 8)
		return why(ps, "only %u groups; expected 8", count);
	/* RFC 4291 section 2.2: "::" stands for one or more zero groups. */
	if (gap >= 0 && count > 7)
		return why(ps, "too many groups with \"::\"");
	if (gap < 0)
		gap = (int)count;
	tail = count - (unsigned)gap;
	for (i = 0; i < (unsigned)gap; i++)
		full[i] = g[i];
	for (i = 0; i < tail; i++)
		full[8 - tail + i] = g[(unsigned)gap + i];
	out->high = out->low = 0;
	for (i = 0; i < 4; i++) {
		out->high = out->high << 16 | full[i];
		out->low = out->low << 16 | full[i + 4];
	}
	return 0;
}

/* Check the separator after a group at *i; note a "::" in *gap. */
static int
parse_v6_colon(
    struct parse *ps, size_t *i, size_t end, unsigned count, int *gap)
{
	if (ps->s[*i] != ':')
		return unexpected(ps, *i);
	(*i)++;
	if (*i < end && ps->s[*i] == ':') {
		if (*gap >= 0)
			return why(ps, "more than one \"::\"");
		*gap = (int)count;
		(*i)++;
	} else if (*i == end) {
		return why(ps, "single ':' at the end");
	}
	return 0;
}

/* IPv6 text in s[i..end), RFC 4291 section 2.2. */
static int
parse_v6(struct parse *ps, size_t i, size_t end, struct ip_u128 *out)
{
	uint16_t g[8];
	unsigned count = 0, digits, value;
	int gap = -1;
	size_t start;

	if (i < end && ps->s[i] == ':') {
		if (i + 1 >= end || ps->s[i + 1] != ':')
			return why(ps, "single ':' at the start");
		gap = 0;
		i += 2;
	}
	while (i < end) {
		start = i;
		digits = read_group(ps, &i, end, &value);
		if (i < end && ps->s[i] == '.') {
			if (parse_v6_tail(ps, start, end, g, &count) == -1)
				return -1;
			break;
		}
		if (digits == 0)
			return unexpected(ps, i);
		if (digits > 4)
			return why(ps, "group %u has more than 4 hex digits",
			    count + 1);
		if (count == 8)
			return why(ps, "more than 8 groups");
		g[count++] = (uint16_t)value;
		if (i == end)
			break;
		if (parse_v6_colon(ps, &i, end, count, &gap) == -1)
			return -1;
	}
	return join_groups(ps, g, count, gap, out);
}

/* An address of either family in s[0..end). */
static int
parse_addr(struct parse *ps, size_t end, struct ip_addr *out)
{
	struct ip_u128 v6 = { 0, 0 };
	uint32_t v4 = 0;

	if (end == 0)
		return why(ps, "empty input");
	if (memchr(ps->s, ':', end) != NULL) {
		if (parse_v6(ps, 0, end, &v6) == -1)
			return -1;
		ip_u128_to_addr(v6, IP_FAMILY_V6, out);
		return 0;
	}
	if (parse_v4(ps, 0, end, &v4) == -1)
		return -1;
	ip_u128_to_addr(ip_u128_make(0, v4), IP_FAMILY_V4, out);
	return 0;
}

/* The decimal prefix length in s[i..end), at most width. */
static int
parse_len(struct parse *ps, size_t i, size_t end, unsigned width, unsigned *out)
{
	unsigned value = 0;
	size_t start = i;

	if (i == end)
		return why(ps, "empty prefix length");
	for (; i < end; i++) {
		char c = ps->s[i];

		if (c < '0' || c > '9')
			return unexpected(ps, i);
		if (i == start + 1 && value == 0)
			return why(ps, "leading zero in prefix length");
		/* Stop counting once too big: no overflow on long input. */
		if (value < 1000)
			value = value * 10 + (unsigned)(c - '0');
	}
	if (value >= 1000)
		return why(ps, "prefix length exceeds %u", width);
	if (value > width)
		return why(ps, "prefix length %u exceeds %u", value, width);
	*out = value;
	return 0;
}

int
ip_addr_parse(const char *s, size_t n, struct ip_addr *out, struct err *err)
{
	struct parse ps = { s, "" };

	if (parse_addr(&ps, n, out) == -1)
		return refuse(&ps, n, "IP address", "invalid_ip", err);
	return 0;
}

/* Clear host bits, or refuse naming the canonical prefix. */
static int
check_host_bits(struct ip_prefix *p, unsigned flags, struct err *err)
{
	struct ip_u128 v = ip_u128_of_addr(&p->addr);
	struct ip_u128 first = ip_prefix_first_u128(p);
	char text[IP_PREFIX_STRLEN];

	if (ip_u128_compare(v, first) == 0)
		return 0;
	ip_u128_to_addr(first, p->addr.family, &p->addr);
	if (flags & IP_PARSE_MASK)
		return 0;
	return err_set(err, 400, "host_bits_set",
	    "host bits set; did you mean %s?", ip_prefix_format(p, text));
}

int
ip_prefix_parse_flags(const char *s, size_t n, unsigned flags,
    struct ip_prefix *out, struct err *err)
{
	struct parse ps = { s, "" };
	const char *slash = n > 0 ? memchr(s, '/', n) : NULL;
	size_t end = slash ? (size_t)(slash - s) : n;
	unsigned width, len;

	if (end == 0 && n > 0) {
		why(&ps, "missing address before '/'");
		goto fail;
	}
	if (parse_addr(&ps, end, &out->addr) == -1)
		goto fail;
	width = ip_addr_width(&out->addr);
	if (slash == NULL && !(flags & IP_PARSE_BARE)) {
		why(&ps, "missing prefix length");
		goto fail;
	}
	len = width;
	if (slash != NULL && parse_len(&ps, end + 1, n, width, &len) == -1)
		goto fail;
	out->len = (uint8_t)len;
	return check_host_bits(out, flags, err);
fail:
	return refuse(&ps, n, "CIDR", "invalid_cidr", err);
}

int
ip_prefix_parse(const char *s, size_t n, struct ip_prefix *out, struct err *err)
{
	return ip_prefix_parse_flags(s, n, 0, out, err);
}

int
ip_prefix_parse_loose(
    const char *s, size_t n, struct ip_prefix *out, struct err *err)
{
	return ip_prefix_parse_flags(s, n, IP_PARSE_MASK, out, err);
}

unsigned
ip_addr_width(const struct ip_addr *a)
{
	return ip_width(a->family);
}

int
ip_prefix_from_addr(const struct ip_addr *a, unsigned len,
    struct ip_prefix *out, struct err *err)
{
	unsigned width = ip_addr_width(a);

	if (len > width)
		return err_set(err, 400, "invalid_prefix_length",
		    "prefix length %u exceeds %u", len, width);
	out->addr = *a;
	out->len = (uint8_t)len;
	ip_u128_to_addr(ip_prefix_first_u128(out), a->family, &out->addr);
	return 0;
}

static char *
put_decimal(char *p, unsigned v)
{
	char digits[10];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

/* A 16-bit group in lowercase hex without leading zeros (RFC 5952 4.1). */
static char *
put_hex_group(char *p, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hex[(v >> shift) & 0xf];
	return p;
}

static char *
put_v4(char *p, uint32_t v)
{
	p = put_decimal(p, v >> 24);
	*p++ = '.';
	p = put_decimal(p, (v >> 16) & 0xff);
	*p++ = '.';
	p = put_decimal(p, (v >> 8) & 0xff);
	*p++ = '.';
	return put_decimal(p, v & 0xff);
}

/* The longest run of two or more zero groups, the first on a tie. */
static void
longest_zero_run(const unsigned *g, int *best, int *best_len)
{
	int i, run = 0;

	*best = -1;
	*best_len = 1; /* RFC 5952 4.2.2: one zero group stays "0" */
	for (i = 0; i < 8; i++) {
		run = g[i] == 0 ? run + 1 : 0;
		if (run > *best_len) {
			*best_len = run;
			*best = i - run + 1;
		}
	}
}

static char *
put_v6(char *p, uint64_t high, uint64_t low)
{
	unsigned g[8];
	int i, best, best_len;

	/* RFC 5952 section 5: IPv4-mapped keeps its dotted tail. */
	if (high == 0 && low >> 32 == 0xffff) {
		memcpy(p, "::ffff:", 7);
		return put_v4(p + 7, (uint32_t)low);
	}
	for (i = 0; i < 4; i++) {
		g[i] = (unsigned)(high >> (48 - 16 * i)) & 0xffff;
		g[i + 4] = (unsigned)(low >> (48 - 16 * i)) & 0xffff;
	}
	longest_zero_run(g, &best, &best_len);
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i > 0 && (best < 0 || i != best + best_len))
			*p++ = ':';
		p = put_hex_group(p, g[i]);
	}
	return p;
}

char *
ip_addr_format(const struct ip_addr *a, char out[IP_ADDR_STRLEN])
{
	char *p;

	if (a->family == IP_FAMILY_V4)
		p = put_v4(out, (uint32_t)a->low);
	else
		p = put_v6(out, a->high, a->low);
	*p = '\0';
	return out;
}

char *
ip_prefix_format(const struct ip_prefix *p, char out[IP_PREFIX_STRLEN])
{
	char *end;

	ip_addr_format(&p->addr, out);
	end = out + strlen(out);
	*end++ = '/';
	end = put_decimal(end, p->len);
	*end = '\0';
	return out;
}

int
ip_addr_compare(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return ip_u128_compare(ip_u128_of_addr(a), ip_u128_of_addr(b));
}

int
ip_prefix_compare(const struct ip_prefix *a, const struct ip_prefix *b)
{
	int c = ip_addr_compare(&a->addr, &b->addr);

	if (c != 0)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

static void
sift_down(struct ip_prefix *v, size_t root, size_t n)
{
	struct ip_prefix tmp;
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    ip_prefix_compare(&v[child], &v[child + 1]) < 0)
			child++;
		if (ip_prefix_compare(&v[root], &v[child]) >= 0)
			return;
		tmp = v[root];
		v[root] = v[child];
		v[child] = tmp;
		root = child;
	}
}

/* qsort(3) may call malloc (glibc's merge sort); heapsort never does. */
void
ip_prefix_sort(struct ip_prefix *v, size_t n)
{
	struct ip_prefix tmp;
	size_t i;

	if (n < 2)
		return;
	for (i = n / 2; i > 0; i--)
		sift_down(v, i - 1, n);
	for (i = n - 1; i > 0; i--) {
		tmp = v[0];
		v[0] = v[i];
		v[i] = tmp;
		sift_down(v, 0, i);
	}
}

bool
ip_prefix_contains_addr(const struct ip_prefix *p, const struct ip_addr *a)
{
	struct ip_u128 network = ip_u128_not(ip_u128_low_mask(ip_host_bits(p)));

	if (p->addr.family != a->family)
		return false;
	return ip_u128_compare(ip_u128_and(ip_u128_of_addr(a), network),
	           ip_prefix_first_u128(p)) == 0;
}

bool
ip_prefix_contains(const struct ip_prefix *outer, const struct ip_prefix *inner)
{
	if (outer->len > inner->len)
		return false;
	return ip_prefix_contains_addr(outer, &inner->addr);
}

bool
ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b)
{
	/* Prefixes nest or are disjoint: overlap means one holds the other. */
	if (a->len <= b->len)
		return ip_prefix_contains_addr(a, &b->addr);
	return ip_prefix_contains_addr(b, &a->addr);
}

void
ip_prefix_first(const struct ip_prefix *p, struct ip_addr *out)
{
	ip_u128_to_addr(ip_prefix_first_u128(p), p->addr.family, out);
}

void
ip_prefix_last(const struct ip_prefix *p, struct ip_addr *out)
{
	ip_u128_to_addr(ip_prefix_last_u128(p), p->addr.family, out);
}

char *
ip_addr_key(const struct ip_addr *a, char out[IP_KEY_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		out[i] = hex[(a->high >> (60 - 4 * i)) & 0xf];
		out[i + 16] = hex[(a->low >> (60 - 4 * i)) & 0xf];
	}
	out[32] = '\0';
	return out;
}

void
ip_prefix_keys(const struct ip_prefix *p, char first[IP_KEY_STRLEN],
    char last[IP_KEY_STRLEN])
{
	struct ip_addr a;

	ip_prefix_first(p, &a);
	ip_addr_key(&a, first);
	ip_prefix_last(p, &a);
	ip_addr_key(&a, last);
}

bool
ip_addr_unmap(const struct ip_addr *a, struct ip_addr *out)
{
	if (a->family != IP_FAMILY_V6 || a->high != 0 || a->low >> 32 != 0xffff)
		return false;
	ip_u128_to_addr(
	    ip_u128_make(0, a->low & 0xffffffffu), IP_FAMILY_V4, out);
	return true;
}
