/*
 * ipam_internal.h: helpers shared by the files of app/ipam.  Never
 * included from another layer.
 */
#ifndef CLOUDPAM_IPAM_INTERNAL_H
#define CLOUDPAM_IPAM_INTERNAL_H

#include "ipam/pool.h"

/* Turn a 404 from a lookup of a referenced row into 400
 * "invalid_reference" naming field.  Returns -1. */
int ipam_reference_error(
    struct err *err, const char *field, const char *what, int64_t id);

/* Fill a free-block row for p; key and cidr are the caller's buffers. */
void ipam_free_block_of(const struct ip_prefix *p, char *key, char *cidr,
    struct store_free_block *out);

/* Take block out of the free space of pool parent_id: the free block
 * that holds it is known (read by the caller) or looked up. */
int ipam_free_take(struct store *st, struct arena *arena, int64_t parent_id,
    const struct ip_prefix *block, const struct store_free_block *known,
    struct err *err);
int ipam_free_give(struct store *st, struct arena *arena,
    const struct store_pool *parent, const struct ip_prefix *block,
    struct err *err);
int ipam_pool_count_child(struct store_pool *parent,
    const struct ip_prefix *child, int sign, struct err *err);
int ipam_parent_account(struct store *st, const struct store_pool *parent,
    const struct ip_prefix *child, int sign, struct err *err);

/* Flags of ipam_pool_insert_locked. */
#define IPAM_INSERT_CHECKED 0x1u   /* overlap and special ranges checked */
#define IPAM_INSERT_UNCOUNTED 0x2u /* the caller counts the parent's use */

/*
 * Insert pool p (already parsed) under parent (when in->parent_id) in
 * vrf_id, inside the caller's transaction; holder: the parent's free
 * block that holds p, when the caller read it (allocation), else NULL.
 * IPAM_INSERT_CHECKED: the caller made the overlap and special-range
 * checks (allocation);
 * IPAM_INSERT_UNCOUNTED: the caller adds p to the parent's counters
 * itself and writes them later (an import writes each parent once, as
 * PostgreSQL slows with every version of a row one transaction makes).
 */
int ipam_pool_insert_locked(struct store *st, struct arena *arena,
    const struct ipam_pool_in *in, const struct ip_prefix *p,
    struct store_pool *parent, int64_t vrf_id, unsigned flags,
    const struct store_free_block *holder, struct store_pool *out,
    struct err *err);

/*
 * End the caller's transaction: commit when rc is 0, else roll back.
 * Returns 0 when committed, -1 (err filled) otherwise.
 */
int ipam_finish(struct store *st, int rc, struct err *err);

#endif
