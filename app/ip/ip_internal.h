/*
 * ip_internal.h: 128-bit unsigned arithmetic shared by the files of app/ip.
 *
 * Every address is a 128-bit number: IPv6 uses all of it, IPv4 the low 32
 * bits (the high 96 are always zero).  A prefix of length len in a family
 * of width bits has width - len host bits, so one set of helpers serves
 * both families.  Two uint64_t halves rather than unsigned __int128 keep
 * the code portable to every C11 compiler and give one code path to test.
 *
 * Never included from outside app/ip.
 */
#ifndef CLOUDPAM_IP_INTERNAL_H
#define CLOUDPAM_IP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ip/ip.h"

struct ip_u128 {
	uint64_t high;
	uint64_t low;
};

static inline struct ip_u128
ip_u128_make(uint64_t high, uint64_t low)
{
	struct ip_u128 x = { high, low };

	return x;
}

static inline struct ip_u128
ip_u128_of_addr(const struct ip_addr *a)
{
	return ip_u128_make(a->high, a->low);
}

static inline void
ip_u128_to_addr(struct ip_u128 x, unsigned family, struct ip_addr *out)
{
	out->family = (uint8_t)family;
	out->high = x.high;
	out->low = x.low;
}

static inline int
ip_u128_compare(struct ip_u128 a, struct ip_u128 b)
{
	if (a.high != b.high)
		return a.high < b.high ? -1 : 1;
	if (a.low != b.low)
		return a.low < b.low ? -1 : 1;
	return 0;
}

static inline bool
ip_u128_is_zero(struct ip_u128 x)
{
	return x.high == 0 && x.low == 0;
}

static inline bool
ip_u128_is_max(struct ip_u128 x)
{
	return x.high == UINT64_MAX && x.low == UINT64_MAX;
}

/* x + 1 and x - 1 modulo 2^128. */
static inline struct ip_u128
ip_u128_increment(struct ip_u128 x)
{
	x.low++;
	x.high += x.low == 0;
	return x;
}

static inline struct ip_u128
ip_u128_decrement(struct ip_u128 x)
{
	x.high -= x.low == 0;
	x.low--;
	return x;
}

/* Sum modulo 2^128. */
static inline struct ip_u128
ip_u128_add(struct ip_u128 a, struct ip_u128 b)
{
	struct ip_u128 r;

	r.low = a.low + b.low;
	r.high = a.high + b.high + (r.low < a.low);
	return r;
}

/* Difference modulo 2^128. */
static inline struct ip_u128
ip_u128_sub(struct ip_u128 a, struct ip_u128 b)
{
	struct ip_u128 r;

	r.low = a.low - b.low;
	r.high = a.high - b.high - (a.low < b.low);
	return r;
}

static inline struct ip_u128
ip_u128_and(struct ip_u128 a, struct ip_u128 b)
{
	return ip_u128_make(a.high & b.high, a.low & b.low);
}

static inline struct ip_u128
ip_u128_or(struct ip_u128 a, struct ip_u128 b)
{
	return ip_u128_make(a.high | b.high, a.low | b.low);
}

static inline struct ip_u128
ip_u128_not(struct ip_u128 a)
{
	return ip_u128_make(~a.high, ~a.low);
}

/* 2^bits - 1 for bits in 0..128: the host mask of a block of 2^bits. */
static inline struct ip_u128
ip_u128_low_mask(unsigned bits)
{
	if (bits >= 128)
		return ip_u128_make(UINT64_MAX, UINT64_MAX);
	if (bits >= 64)
		return ip_u128_make(
		    bits == 64 ? 0 : UINT64_MAX >> (128 - bits), UINT64_MAX);
	return ip_u128_make(0, bits == 0 ? 0 : UINT64_MAX >> (64 - bits));
}

/* x << bits; bits shifted out are lost, 128 or more gives zero. */
static inline struct ip_u128
ip_u128_shift_left(struct ip_u128 x, unsigned bits)
{
	if (bits == 0)
		return x;
	if (bits >= 128)
		return ip_u128_make(0, 0);
	if (bits >= 64)
		return ip_u128_make(x.low << (bits - 64), 0);
	return ip_u128_make(
	    x.high << bits | x.low >> (64 - bits), x.low << bits);
}

/* x >> bits; 128 or more gives zero. */
static inline struct ip_u128
ip_u128_shift_right(struct ip_u128 x, unsigned bits)
{
	if (bits == 0)
		return x;
	if (bits >= 128)
		return ip_u128_make(0, 0);
	if (bits >= 64)
		return ip_u128_make(0, x.high >> (bits - 64));
	return ip_u128_make(
	    x.high >> bits, x.low >> bits | x.high << (64 - bits));
}

static inline unsigned
ip_u64_trailing_zeros(uint64_t x)
{
	unsigned n = 0;

	/* Binary search: a handful of steps, no compiler builtin needed. */
	if (x == 0)
		return 64;
	if ((x & 0xffffffffu) == 0) {
		n += 32;
		x >>= 32;
	}
	if ((x & 0xffffu) == 0) {
		n += 16;
		x >>= 16;
	}
	if ((x & 0xffu) == 0) {
		n += 8;
		x >>= 8;
	}
	if ((x & 0xfu) == 0) {
		n += 4;
		x >>= 4;
	}
	if ((x & 0x3u) == 0) {
		n += 2;
		x >>= 2;
	}
	if ((x & 0x1u) == 0)
		n += 1;
	return n;
}

/* Trailing zero bits, 128 for zero: the alignment of an address. */
static inline unsigned
ip_u128_trailing_zeros(struct ip_u128 x)
{
	if (x.low != 0)
		return ip_u64_trailing_zeros(x.low);
	return 64 + ip_u64_trailing_zeros(x.high);
}

static inline unsigned
ip_u64_bit_length(uint64_t x)
{
	unsigned n = 0;

	if (x >> 32) {
		n += 32;
		x >>= 32;
	}
	if (x >> 16) {
		n += 16;
		x >>= 16;
	}
	if (x >> 8) {
		n += 8;
		x >>= 8;
	}
	if (x >> 4) {
		n += 4;
		x >>= 4;
	}
	if (x >> 2) {
		n += 2;
		x >>= 2;
	}
	if (x >> 1) {
		n += 1;
		x >>= 1;
	}
	return n + (unsigned)x;
}

/* Bits needed to write x: 0 for zero, 128 when the top bit is set. */
static inline unsigned
ip_u128_bit_length(struct ip_u128 x)
{
	if (x.high != 0)
		return 64 + ip_u64_bit_length(x.high);
	return ip_u64_bit_length(x.low);
}

/* Address width of a family in bits: 32 or 128. */
static inline unsigned
ip_width(unsigned family)
{
	return family == IP_FAMILY_V4 ? 32 : 128;
}

/* Number of host bits of p. */
static inline unsigned
ip_host_bits(const struct ip_prefix *p)
{
	return ip_width(p->addr.family) - p->len;
}

static inline struct ip_u128
ip_prefix_first_u128(const struct ip_prefix *p)
{
	return ip_u128_and(ip_u128_of_addr(&p->addr),
	    ip_u128_not(ip_u128_low_mask(ip_host_bits(p))));
}

static inline struct ip_u128
ip_prefix_last_u128(const struct ip_prefix *p)
{
	return ip_u128_or(
	    ip_u128_of_addr(&p->addr), ip_u128_low_mask(ip_host_bits(p)));
}

#endif
