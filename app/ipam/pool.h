/*
 * pool.h: pools, the heart of CloudPAM.
 *
 * A pool is a CIDR in a VRF, optionally inside a parent pool.  The rules
 * of DESIGN.md are kept here and nowhere else: prefixes are canonical; a
 * child lies inside its parent (same VRF, same family); siblings never
 * overlap and neither do top-level pools of one VRF; special-purpose
 * ranges are refused unless allowed; a pool with children is deleted only
 * with cascade.  Every change is one transaction that also keeps the
 * parent's free space and utilization current.
 *
 * Rows returned point into the arena given; errors are struct err with
 * the HTTP status the API answers.
 */
#ifndef CLOUDPAM_IPAM_POOL_H
#define CLOUDPAM_IPAM_POOL_H

#include <stdint.h>

#include "ip/ip.h"
#include "ip/ip_blocks.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "store/store.h"

enum ipam_pool_field {
	IPAM_POOL_NAME = 1u << 0,
	IPAM_POOL_ACCOUNT = 1u << 1,
	IPAM_POOL_TYPE = 1u << 2,
	IPAM_POOL_STATUS = 1u << 3,
	IPAM_POOL_DESCRIPTION = 1u << 4,
	IPAM_POOL_TAGS = 1u << 5,
	IPAM_POOL_EXTERNAL_ID = 1u << 6,
	IPAM_POOL_REGION = 1u << 7,
	IPAM_POOL_SOURCE = 1u << 8
};

/* What a caller gives to create or change a pool.  NULL/0: not given. */
struct ipam_pool_in {
	const char *name;
	const char *cidr;
	int64_t vrf_id;
	int64_t parent_id;
	int64_t account_id;
	const char *type;   /* supernet region vpc subnet reserved other */
	const char *status; /* planned active deprecated reserved */
	const char *source; /* manual discovered imported planned */
	const char *description;
	const char *tags; /* a JSON object of strings, as text */
	const char *external_id;
	const char *region;
	const char *actor; /* who makes the change */
	unsigned set;      /* enum ipam_pool_field bits given (update) */
};

/* Names of the enumerations, for validation, forms and docs. */
extern const char *const ipam_pool_types[];
extern const char *const ipam_pool_statuses[];
extern const char *const ipam_pool_sources[];

/* Whether value is one of the NULL-terminated names. */
int ipam_name_in(const char *value, const char *const *names);

/* Utilization of a pool from its counters, exact. */
struct ipam_utilization {
	struct ip_count used, free, total;
	double percent; /* 0..100 */
};

void ipam_pool_utilization_of(
    const struct store_pool *p, struct ipam_utilization *out);

/* Parse a stored pool's cidr (always canonical). */
int ipam_pool_prefix(
    const struct store_pool *p, struct ip_prefix *out, struct err *err);

/*
 * Create a pool (201 semantics).  400 for bad input (field named), 400
 * "invalid_reference" for an unknown VRF, parent or account, 400
 * "outside_parent", 400 "special_range", 409 "overlap" naming the
 * conflicting pool.  On success *out is the new pool as stored.
 */
int ipam_pool_create(struct store *st, struct arena *arena,
    const struct ipam_pool_in *in, struct store_pool *out, struct err *err);

/* Change the fields in->set names; the cidr, VRF and parent never
 * change.  404 when there is no such pool. */
int ipam_pool_update(struct store *st, struct arena *arena, int64_t id,
    const struct ipam_pool_in *in, struct store_pool *out, struct err *err);

/* Delete; 409 "has_children" unless cascade.  *deleted counts pools. */
int ipam_pool_delete(struct store *st, struct arena *arena, int64_t id,
    int cascade, int64_t *deleted, struct err *err);

int ipam_pool_get(struct store *st, struct arena *arena, int64_t id,
    struct store_pool *out, struct err *err);

/* --- allocation ------------------------------------------------------- */

enum ipam_strategy {
	IPAM_FIRST_FIT,
	IPAM_BEST_FIT,
	IPAM_LAST_FIT,
	IPAM_STRATEGY__MAX
};

extern const char *const ipam_strategy_names[IPAM_STRATEGY__MAX];

/*
 * Render the answer to store with an idempotency key: the text and
 * status the first request got, returned as is to a retry.
 */
typedef char *(*ipam_render_fn)(
    const struct store_pool *pool, struct arena *arena, void *ctx);

struct ipam_allocation_in {
	int64_t parent_id;
	int prefix_len;
	const char *name;
	int64_t account_id;
	enum ipam_strategy strategy;
	const char *type;   /* default: derived from the parent */
	const char *status; /* default: active */
	const char *description;
	const char *tags;
	const char *region;
	int dry_run;
	const char *idempotency_key; /* NULL: none */
	const char *request_hash;    /* of the request body */
	ipam_render_fn render;
	void *render_ctx;
	const char *actor;
};

struct ipam_allocation_out {
	struct store_pool pool; /* the new pool (not stored on a dry run) */
	struct ip_prefix block;
	int replayed; /* an idempotent retry: see below */
	int replay_status;
	const char *replay_body;
};

/*
 * Carve the next free block of in->prefix_len out of the parent and make
 * it a child pool, in one transaction.  409 "pool_full" (message naming
 * the largest free block) when nothing fits; 422 "idempotency_conflict"
 * when the key was used with another body; a retry with the same key and
 * body sets out->replayed with the first answer.
 */
int ipam_pool_allocate(struct store *st, struct arena *arena,
    const struct ipam_allocation_in *in, struct ipam_allocation_out *out,
    struct err *err);

/* --- blocks of a pool ----------------------------------------------- */

enum ipam_block_state {
	IPAM_BLOCK_FREE,
	IPAM_BLOCK_USED,
	IPAM_BLOCK_PARTIAL,
	IPAM_BLOCK__MAX
};

extern const char *const ipam_block_state_names[IPAM_BLOCK__MAX];

enum ipam_block_filter {
	IPAM_BLOCKS_ALL,
	IPAM_BLOCKS_FREE,
	IPAM_BLOCKS_USED, /* used or partly used */
	IPAM_BLOCKS__MAX
};

struct ipam_block {
	struct ip_prefix prefix;
	enum ipam_block_state state;
	int has_pool;           /* a child in the way (used, partial) */
	struct store_pool pool; /* that child */
};

struct ipam_blocks_out {
	struct ipam_block *items;
	size_t n;
	uint64_t total; /* saturated */
	char total_exact[IP_COUNT_STRLEN];
};

/*
 * The candidate blocks of length len inside pool id, page by page (page
 * from 1), filtered.  Computed from arithmetic and the free-space table,
 * never by listing the whole space.  400 when len is not longer than the
 * pool's or the candidates cannot be counted in 64 bits for a filter.
 */
int ipam_pool_blocks(struct store *st, struct arena *arena, int64_t id, int len,
    enum ipam_block_filter filter, uint64_t page, uint64_t page_size,
    struct ipam_blocks_out *out, struct err *err);

#endif
