/*
 * search.h: finding pools by address, by prefix and by text.
 */
#ifndef CLOUDPAM_IPAM_SEARCH_H
#define CLOUDPAM_IPAM_SEARCH_H

#include "lib/arena.h"
#include "lib/err.h"
#include "store/store.h"

/*
 * Every pool containing the address ip (vrf_id 0: in any VRF), innermost
 * first.  One index probe per prefix length, never a scan.  400
 * "invalid_ip" for a bad address.
 */
int ipam_search_ip(struct store *st, struct arena *arena, int64_t vrf_id,
    const char *ip, struct store_pool **out, size_t *n, struct err *err);

/* Every pool containing the prefix cidr (itself included), innermost
 * first. */
int ipam_search_contains(struct store *st, struct arena *arena, int64_t vrf_id,
    const char *cidr, struct store_pool **out, size_t *n, struct err *err);

/* Pools inside the prefix cidr (itself included), in address order. */
int ipam_search_within(struct store *st, struct arena *arena, int64_t vrf_id,
    const char *cidr, struct store_page *page, struct store_pool **out,
    size_t *n, struct err *err);

#endif
