/*
 * ip_set.h: sets of prefixes: free space, aggregation, free-block search.
 *
 * The used space of a parent is given as its children: an array sorted by
 * ip_prefix_compare (ip_prefix_sort() does that).  Children may nest (a
 * pool and its own allocations can be passed together) and may include
 * prefixes outside the parent or of the other family, which are ignored;
 * a child that contains the parent uses all of it.  A child out of order
 * is an error, since it would silently give wrong answers.
 *
 * Every function here walks the children once and does work per free
 * range, never per address or per candidate block, so a /32 of IPv6
 * costs what a /16 of IPv4 does.  Nothing allocates.
 */
#ifndef CLOUDPAM_IP_SET_H
#define CLOUDPAM_IP_SET_H

#include <stddef.h>

#include "ip/ip.h"
#include "ip/ip_blocks.h"

struct err;

/*
 * Called with each prefix of a result in address order.  Return 0 to go
 * on, 1 to stop early (the walk then returns 0), or -1 after filling err to
 * fail (the walk then returns -1).  p is valid only during the call.
 */
typedef int (*ip_prefix_fn)(
    const struct ip_prefix *p, void *arg, struct err *err);

/* Strategies for ip_set_find_free(). */
enum ip_fit {
	IP_FIT_FIRST, /* lowest address */
	IP_FIT_BEST,  /* inside the smallest free block that fits */
	IP_FIT_LAST,  /* highest address */
	IP_FIT__MAX
};

/* "first_fit", "best_fit", "last_fit", indexed by enum ip_fit. */
extern const char *const ip_fit_names[IP_FIT__MAX];

/* Prefix length marking "no block" in ip_set_find_free()'s largest. */
#define IP_LEN_NONE 255

/*
 * Call fn with the free space of parent (parent minus children) as the
 * fewest prefixes, in address order.  Returns 0, or -1 with err filled
 * when fn fails or, with 500 "unsorted_children", when children are out
 * of order.
 */
int ip_set_subtract_each(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, ip_prefix_fn fn, void *arg,
    struct err *err);

/*
 * As ip_set_subtract_each, into out (room for cap prefixes); *count is set
 * to the number of free prefixes.  If that exceeds cap, out holds the
 * first cap of them, *count says how many there are, and -1 is returned
 * with 500 "buffer_too_small".
 */
int ip_set_subtract(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, struct ip_prefix *out,
    size_t cap, size_t *count, struct err *err);

/*
 * Replace v[0..n) in place by the fewest prefixes covering exactly the
 * same addresses, sorted; overlapping, duplicate, nested and adjacent
 * prefixes merge, families stay apart.  Returns the new count (<= n).
 * Cannot fail.
 */
size_t ip_set_aggregate(struct ip_prefix *v, size_t n);

/*
 * Find a free block of length len inside parent, aligned to its size and
 * overlapping no child, by fit:
 *   IP_FIT_FIRST: the lowest such block;
 *   IP_FIT_BEST:  the lowest block inside the smallest free prefix (of the
 *                 fewest-prefixes free space) that can hold it, which
 *                 keeps larger free blocks whole;
 *   IP_FIT_LAST:  the highest such block.
 * On success fills out and returns 0.  When no block fits returns -1 with
 * 409 "pool_full" and a message naming the largest free block; largest,
 * if not NULL, is then set to that block (lowest on a tie), or has len
 * IP_LEN_NONE when nothing is free.  Returns -1 with 400
 * "invalid_prefix_length" when len is shorter than the parent's or longer
 * than the width, 400 "invalid_strategy" for an unknown fit, and 500
 * "unsorted_children" as ip_set_subtract_each.
 */
int ip_set_find_free(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, unsigned len, enum ip_fit fit,
    struct ip_prefix *out, struct ip_prefix *largest, struct err *err);

/*
 * Count the free addresses of parent exactly into out.  Fails only with
 * 500 "unsorted_children".
 */
int ip_set_free_count(const struct ip_prefix *parent,
    const struct ip_prefix *children, size_t n, struct ip_count *out,
    struct err *err);

#endif
