/*
 * ip_blocks.h: exact address counts and child blocks by index.
 *
 * An IPv6 space holds up to 2^128 addresses and ::/0 split into /128s has
 * 2^128 children, one more than a 128-bit number holds, so a count is a
 * 129-bit unsigned number (struct ip_count) with exact decimal text.  A
 * uint64_t view saturates at UINT64_MAX for callers that only compare or
 * page.
 *
 * Child blocks are never listed: the index-th block of length len inside
 * a parent is computed directly, so page k of the /64s in a /32 costs the
 * same as page 0 (DESIGN.md, "Rules of the address space").
 */
#ifndef CLOUDPAM_IP_BLOCKS_H
#define CLOUDPAM_IP_BLOCKS_H

#include <stdint.h>

#include "ip/ip.h"

struct err;

/* Decimal text of any count, with its NUL: 2^129 - 1 has 39 digits. */
#define IP_COUNT_STRLEN 40

/* A count of addresses or blocks: top * 2^128 + high * 2^64 + low. */
struct ip_count {
	uint64_t high;
	uint64_t low;
	uint8_t top; /* 0 or 1 */
};

#define IP_COUNT_ZERO                                                          \
	{                                                                      \
		0, 0, 0                                                        \
	}

/* Set c to v. */
void ip_count_set(struct ip_count *c, uint64_t v);

/* The number of addresses in p, exactly: 2^(width - len). */
void ip_prefix_size(const struct ip_prefix *p, struct ip_count *out);

/*
 * The number of addresses in p, saturated at UINT64_MAX; when out is not
 * NULL the exact decimal count is written there ("256",
 * "340282366920938463463374607431768211456" for ::/0).
 */
uint64_t ip_prefix_count(const struct ip_prefix *p, char out[IP_COUNT_STRLEN]);

/*
 * sum += c.  Returns -1 with 500 "count_overflow", sum unchanged, if the
 * result would reach 2^129 (more than two whole address spaces).
 */
int ip_count_add(
    struct ip_count *sum, const struct ip_count *c, struct err *err);

/*
 * difference -= c.  Returns -1 with 500 "count_underflow", difference
 * unchanged, if c is larger.
 */
int ip_count_sub(
    struct ip_count *difference, const struct ip_count *c, struct err *err);

/* <0, 0 or >0 as a is less than, equal to or greater than b. */
int ip_count_compare(const struct ip_count *a, const struct ip_count *b);

/* c as a uint64_t, UINT64_MAX when it does not fit. */
uint64_t ip_count_u64(const struct ip_count *c);

/* part / whole as a double, for utilisation; 0 when whole is zero. */
double ip_count_ratio(
    const struct ip_count *part, const struct ip_count *whole);

/* Write c in decimal.  Returns out. */
char *ip_count_format(const struct ip_count *c, char out[IP_COUNT_STRLEN]);

/*
 * Write c as "2^k" when it is a power of two ("2^80", "2^0"), else in
 * decimal, for display beside a prefix.  Returns out.
 */
char *ip_count_format_power(
    const struct ip_count *c, char out[IP_COUNT_STRLEN]);

/*
 * The number of blocks of length len inside parent: 2^(len - parent->len),
 * or 0 when len is shorter than the parent's or longer than the family's
 * width.  Saturated at UINT64_MAX; when exact is not NULL the exact
 * decimal count is written there.
 */
uint64_t ip_blocks_count(
    const struct ip_prefix *parent, unsigned len, char exact[IP_COUNT_STRLEN]);

/*
 * Write the index-th (from 0) block of length len inside parent into out:
 * the 5th /64 of 2001:db8::/32 (index 4) is 2001:db8:0:4::/64.  O(1).
 * Returns -1 with 400 and "invalid_prefix_length" when len is shorter than
 * the parent's or longer than the width, or "index_out_of_range" when
 * index >= ip_blocks_count().  Indexes past 2^64 - 1 are not reachable.
 */
int ip_prefix_child(const struct ip_prefix *parent, unsigned len,
    uint64_t index, struct ip_prefix *out, struct err *err);

/*
 * The index of the block of length len inside parent that holds a: the
 * inverse of ip_prefix_child, to find the page showing an address.
 * Returns -1 with 400 and "invalid_prefix_length" as ip_prefix_child,
 * "outside_parent" when a is not inside parent, or "index_out_of_range"
 * when the index does not fit in 64 bits.
 */
int ip_prefix_child_index(const struct ip_prefix *parent, unsigned len,
    const struct ip_addr *a, uint64_t *index, struct err *err);

#endif
