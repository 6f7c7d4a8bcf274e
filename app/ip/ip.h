/*
 * ip.h: IPv4 and IPv6 addresses and prefixes as one type.
 *
 * Pure arithmetic: no I/O, no allocation.  Callers pass output buffers
 * sized by the constants below.  ip_set.h (subtract, aggregate, free-block
 * search) and ip_blocks.h (child blocks, address counts) build on this.
 *
 * Representation.  An address is a 128-bit unsigned number in two halves,
 * high and low, tagged with its family.  IPv6 uses all 128 bits; IPv4 uses
 * the low 32 bits of low and keeps high and the upper half of low zero.  A
 * prefix length counts from the top of the family's width (32 or 128), so
 * an IPv4 /24 has 8 host bits and an IPv6 /64 has 64.  Addresses of
 * different families never contain, overlap or equal each other.
 *
 * IPv4-mapped IPv6 (::ffff:0:0/96, RFC 4291 section 2.5.5.2) is handled
 * deliberately as IPv6: "::ffff:10.0.0.0/104" parses to an IPv6 prefix of
 * length 104 and is neither equal to nor inside 10.0.0.0/8.  An IPAM
 * records what it was given; folding mapped addresses into IPv4 would
 * silently merge two spaces that routers keep apart.  The canonical text
 * of a mapped address is ::ffff:a.b.c.d (RFC 5952 section 5);
 * ip_addr_unmap() converts explicitly where a caller wants IPv4.
 *
 * Text accepted (ip_addr_parse, ip_prefix_parse):
 *   IPv4: exactly four decimal octets 0..255 with no leading zeros
 *         ("010.0.0.1" is refused: some tools read it as octal).
 *   IPv6: RFC 4291 section 2.2: eight groups of one to four hex digits
 *         (either case, leading zeros allowed), at most one "::" standing
 *         for one or more zero groups, optionally ending in an embedded
 *         dotted IPv4 address that counts as two groups.  No zone ("%eth0").
 *   Prefix: address, "/", decimal length 0..32 or 0..128, no leading zero.
 *   Nothing else: no spaces, signs, brackets or trailing text.
 */
#ifndef CLOUDPAM_IP_H
#define CLOUDPAM_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;

/* Buffer sizes, each counting the terminating NUL. */
#define IP_ADDR_STRLEN 46   /* as INET6_ADDRSTRLEN; canonical needs 40 */
#define IP_PREFIX_STRLEN 50 /* address, "/128" */
#define IP_KEY_STRLEN 33    /* 32 hex digits */

/* Parse flags for ip_prefix_parse_flags(). */
#define IP_PARSE_MASK 0x1u /* clear host bits instead of refusing */
#define IP_PARSE_BARE 0x2u /* a bare address is a /32 or /128 */

enum ip_family { IP_FAMILY_V4, IP_FAMILY_V6, IP_FAMILY__MAX };

/* "ipv4", "ipv6", indexed by enum ip_family. */
extern const char *const ip_family_names[IP_FAMILY__MAX];

struct ip_addr {
	uint8_t family; /* enum ip_family */
	uint64_t high;  /* bits 127..64; zero for IPv4 */
	uint64_t low;   /* bits 63..0; IPv4 in bits 31..0 */
};

struct ip_prefix {
	struct ip_addr addr; /* network address: host bits are zero */
	uint8_t len;         /* 0..32 for IPv4, 0..128 for IPv6 */
};

/* Width in bits of the family of a: 32 or 128. */
unsigned ip_addr_width(const struct ip_addr *a);

/*
 * Parse exactly n bytes of s (no NUL needed; a NUL inside is refused) as
 * an IPv4 or IPv6 address.  On failure returns -1 and fills err with 400,
 * "invalid_ip" and a message naming the problem and quoting the input;
 * *out is then unspecified.
 */
int ip_addr_parse(
    const char *s, size_t n, struct ip_addr *out, struct err *err);

/*
 * Parse exactly n bytes of s as a prefix in CIDR notation, strictly: the
 * length is required and host bits must be zero.  On failure returns -1
 * and fills err with status 400 and either code "invalid_cidr", message
 * 'invalid CIDR "<input>": <problem>' (for example "leading zero in octet
 * 1"), or code "host_bits_set", message "host bits set; did you mean
 * 10.0.0.0/8?" naming the canonical prefix, which *out then holds (for a
 * form to offer); after any other failure *out is unspecified.
 */
int ip_prefix_parse(
    const char *s, size_t n, struct ip_prefix *out, struct err *err);

/*
 * As ip_prefix_parse, but host bits are cleared: "10.1.2.3/8" gives
 * 10.0.0.0/8.  For internal use (cloud APIs, imports), never for what a
 * person typed into a form.
 */
int ip_prefix_parse_loose(
    const char *s, size_t n, struct ip_prefix *out, struct err *err);

/* As ip_prefix_parse, with IP_PARSE_* flags or'ed together. */
int ip_prefix_parse_flags(const char *s, size_t n, unsigned flags,
    struct ip_prefix *out, struct err *err);

/*
 * Make the prefix of length len that contains a (host bits cleared).
 * Returns -1 with 400 "invalid_prefix_length" when len exceeds the width.
 */
int ip_prefix_from_addr(const struct ip_addr *a, unsigned len,
    struct ip_prefix *out, struct err *err);

/*
 * Write the canonical text of a into out: dotted decimal for IPv4, RFC 5952
 * for IPv6 (lowercase, no leading zeros, the longest run of two or more
 * zero groups as "::", the first such run on a tie, ::ffff:a.b.c.d for
 * IPv4-mapped).  Returns out.
 */
char *ip_addr_format(const struct ip_addr *a, char out[IP_ADDR_STRLEN]);

/* Write the canonical "address/len" of p into out.  Returns out. */
char *ip_prefix_format(const struct ip_prefix *p, char out[IP_PREFIX_STRLEN]);

/*
 * Total order: family (IPv4 first), then address, then length.  Returns
 * <0, 0 or >0 as strcmp.  Sorted, a parent comes right before its first
 * child and nested prefixes run outermost to innermost, so walking a sorted
 * list backwards meets the innermost first.
 */
int ip_addr_compare(const struct ip_addr *a, const struct ip_addr *b);
int ip_prefix_compare(const struct ip_prefix *a, const struct ip_prefix *b);

/* Sort v in place by ip_prefix_compare.  Heapsort: no allocation. */
void ip_prefix_sort(struct ip_prefix *v, size_t n);

/* Whether a lies inside p.  False across families. */
bool ip_prefix_contains_addr(
    const struct ip_prefix *p, const struct ip_addr *a);

/* Whether inner lies inside outer; a prefix contains itself. */
bool ip_prefix_contains(
    const struct ip_prefix *outer, const struct ip_prefix *inner);

/* Whether a and b share an address (one then contains the other). */
bool ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b);

/* First (network) and last (broadcast) address of p. */
void ip_prefix_first(const struct ip_prefix *p, struct ip_addr *out);
void ip_prefix_last(const struct ip_prefix *p, struct ip_addr *out);

/*
 * Write a as 32 lowercase hex digits of its 128-bit value, zero-padded:
 * fixed width, so text comparison (SQL "BETWEEN", byte-wise collation)
 * orders keys as numbers.  IPv4 10.0.0.1 is "0000000000000000000000000a000001".
 * The key does not carry the family (IPv4 1.2.3.4 and IPv6 ::102:304 share
 * a key): store the family in its own column and put it before the key in
 * every index and range condition.  Returns out.
 */
char *ip_addr_key(const struct ip_addr *a, char out[IP_KEY_STRLEN]);

/*
 * Keys of the first and last address of p, for a range row: p contains a
 * exactly when first <= key(a) <= last within the same family.
 */
void ip_prefix_keys(const struct ip_prefix *p, char first[IP_KEY_STRLEN],
    char last[IP_KEY_STRLEN]);

/*
 * If a is IPv4-mapped IPv6 (::ffff:a.b.c.d), write the IPv4 address into
 * out and return true; otherwise return false and leave out alone.
 */
bool ip_addr_unmap(const struct ip_addr *a, struct ip_addr *out);

#endif
