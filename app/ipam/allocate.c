/*
 * allocate.c: "next free block", atomically.
 *
 * The whole allocation is one BEGIN IMMEDIATE transaction: two workers
 * asking at once are serialised by the database's write lock, so they get
 * two different blocks or a clear "pool full".  The free-space table
 * answers "where" with one index seek: the lowest, highest or smallest
 * free prefix long enough, whose first (or last) aligned block is the
 * answer.
 */
#include "ipam/pool.h"

#include <stdio.h>
#include <string.h>

#include "ipam/audit.h"
#include "ipam/ipam_internal.h"
#include "ipam/objects.h"

const char *const ipam_strategy_names[IPAM_STRATEGY__MAX] = {
	"first_fit", /* IPAM_FIRST_FIT */
	"best_fit",  /* IPAM_BEST_FIT */
	"last_fit",  /* IPAM_LAST_FIT */
};

static const enum store_fit fits[IPAM_STRATEGY__MAX] = {
	STORE_FIT_FIRST, /* IPAM_FIRST_FIT */
	STORE_FIT_BEST,  /* IPAM_BEST_FIT */
	STORE_FIT_LAST,  /* IPAM_LAST_FIT */
};

/* 409 "pool_full" naming the largest free block. */
static int
pool_full(struct store *st, struct arena *arena,
    const struct store_pool *parent, int len, int width, struct err *err)
{
	struct store_free_block largest;
	int found;

	if (store_free_find(st, parent->id, width, STORE_FIT_LARGEST, arena,
	        &largest, &found, err) == -1)
		return -1;
	if (!found)
		return err_field(err, 409, "pool_full", "prefix_len",
		    "pool full: no free /%d in %s (%s); it is fully used", len,
		    parent->cidr, parent->name);
	return err_field(err, 409, "pool_full", "prefix_len",
	    "pool full: no free /%d in %s (%s); the largest free block is %s",
	    len, parent->cidr, parent->name, largest.cidr);
}

/* Pick the block of length len inside free prefix holder by strategy. */
static int
pick(const struct ip_prefix *holder, int len, enum ipam_strategy strategy,
    struct ip_prefix *out, struct err *err)
{
	uint64_t last = ip_blocks_count(holder, (unsigned)len, NULL) - 1;

	return ip_prefix_child(holder, (unsigned)len,
	    strategy == IPAM_LAST_FIT ? last : 0, out, err);
}

static int
check_request(const struct ipam_allocation_in *in,
    const struct ip_prefix *parent, struct err *err)
{
	int width = parent->addr.family == IP_FAMILY_V4 ? 32 : 128;

	if ((unsigned)in->strategy >= IPAM_STRATEGY__MAX)
		return err_field(err, 400, "invalid_value", "strategy",
		    "strategy must be first_fit, best_fit or last_fit");
	if (in->prefix_len <= parent->len || in->prefix_len > width)
		return err_field(err, 400, "invalid_value", "prefix_len",
		    "prefix_len must be from %d to %d inside a /%d",
		    parent->len + 1, width, parent->len);
	if (in->type && !ipam_name_in(in->type, ipam_pool_types))
		return err_field(err, 400, "invalid_value", "type",
		    "type must be one of supernet, region, vpc, subnet, "
		    "reserved, other");
	if (in->status && !ipam_name_in(in->status, ipam_pool_statuses))
		return err_field(err, 400, "invalid_value", "status",
		    "status must be one of planned, active, deprecated, "
		    "reserved");
	return 0;
}

/* A retry with the key: the first answer, or 422 for another body. */
static int
replay(struct store *st, struct arena *arena,
    const struct ipam_allocation_in *in, const char *scope,
    struct ipam_allocation_out *out, int *done, struct err *err)
{
	char *hash, *body;
	int status, found;

	*done = 0;
	if (in->idempotency_key == NULL)
		return 0;
	if (store_idempotency_get(st, scope, in->idempotency_key, arena, &hash,
	        &status, &body, &found, err) == -1)
		return -1;
	if (!found)
		return 0;
	if (strcmp(hash, in->request_hash ? in->request_hash : "") != 0)
		return err_set(err, 422, "idempotency_conflict",
		    "this Idempotency-Key was used with a different request "
		    "body");
	out->replayed = 1;
	out->replay_status = status;
	out->replay_body = body;
	*done = 1;
	return 0;
}

static const char *
child_type(const struct store_pool *parent)
{
	if (strcmp(parent->type, "supernet") == 0)
		return "region";
	if (strcmp(parent->type, "region") == 0)
		return "vpc";
	return "subnet";
}

static int
allocate_locked(struct store *st, struct arena *arena,
    const struct ipam_allocation_in *in, struct ipam_allocation_out *out,
    struct err *err)
{
	struct store_pool parent;
	struct store_free_block f;
	struct ip_prefix pp, holder;
	struct ipam_pool_in pin;
	char cidr[IP_PREFIX_STRLEN], scope[48];
	int found, done;

	snprintf(
	    scope, sizeof(scope), "allocate:%lld", (long long)in->parent_id);
	if (replay(st, arena, in, scope, out, &done, err) == -1 || done)
		return done ? 0 : -1;
	/* The parent (locked) and its free space, in one round trip; the
	 * request is checked against the parent after. */
	if (store_pool_get_free(st, in->parent_id, in->prefix_len,
	        fits[in->strategy], arena, &parent, &f, &found, err) == -1 ||
	    ipam_pool_prefix(&parent, &pp, err) == -1 ||
	    check_request(in, &pp, err) == -1)
		return -1;
	if (!found)
		return pool_full(st, arena, &parent, in->prefix_len,
		    pp.addr.family == IP_FAMILY_V4 ? 32 : 128, err);
	if (ip_prefix_parse(f.cidr, strlen(f.cidr), &holder, err) == -1 ||
	    pick(&holder, in->prefix_len, in->strategy, &out->block, err) == -1)
		return -1;
	if (in->dry_run)
		return 0;
	memset(&pin, 0, sizeof(pin));
	pin.name = in->name;
	pin.cidr = ip_prefix_format(&out->block, cidr);
	pin.parent_id = parent.id;
	pin.account_id = in->account_id;
	pin.type = in->type ? in->type : child_type(&parent);
	pin.status = in->status;
	pin.description = in->description;
	pin.tags = in->tags;
	pin.region = in->region ? in->region : parent.region;
	pin.actor = in->actor;
	if (in->account_id != 0) {
		struct store_account a;

		if (store_account_get(st, in->account_id, arena, &a, err) == -1)
			return ipam_reference_error(
			    err, "account_id", "account", in->account_id);
	}
	if (ipam_pool_insert_locked(st, arena, &pin, &out->block, &parent,
	        parent.vrf_id, IPAM_INSERT_CHECKED, &f, &out->pool,
	        err) == -1 ||
	    ipam_audit(st, "pool.allocate", "pool", out->pool.id, NULL,
	        ipam_pool_json(&out->pool), err) == -1)
		return -1;
	if (in->idempotency_key != NULL && in->render != NULL)
		return store_idempotency_put(st, scope, in->idempotency_key,
		    in->request_hash ? in->request_hash : "", 201,
		    in->render(&out->pool, arena, in->render_ctx), err);
	return 0;
}

int
ipam_pool_allocate(struct store *st, struct arena *arena,
    const struct ipam_allocation_in *in, struct ipam_allocation_out *out,
    struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (in->name == NULL && !in->dry_run)
		return err_field(
		    err, 400, "missing_field", "name", "name is required");
	if (store_begin(st, 1, err) == -1)
		return -1;
	if (allocate_locked(st, arena, in, out, err) == -1) {
		store_rollback(st);
		if (err->status == 404 && err->field[0] == '\0')
			return err_set(err, 404, "not_found",
			    "no pool with id %lld", (long long)in->parent_id);
		return -1;
	}
	if (in->dry_run || out->replayed) {
		store_rollback(st);
		return 0;
	}
	if (store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}
