/*
 * pool.c: creating, changing and deleting pools under the rules of the
 * address space, keeping each parent's free space and utilization
 * current in the same transaction.
 */
#include "ipam/pool.h"

#include "ipam/audit.h"
#include "ipam/objects.h"

#include <stdio.h>
#include <string.h>

#include "ip/ip_set.h"
#include "ipam/audit.h"
#include "ipam/ipam_internal.h"
#include "ipam/objects.h"

const char *const ipam_pool_types[] = { "supernet", "region", "vpc", "subnet",
	"reserved", "other", NULL };
const char *const ipam_pool_statuses[] = { "planned", "active", "deprecated",
	"reserved", NULL };
const char *const ipam_pool_sources[] = { "manual", "discovered", "imported",
	"planned", NULL };

int
ipam_name_in(const char *value, const char *const *names)
{
	size_t i;

	for (i = 0; value != NULL && names[i] != NULL; i++)
		if (strcmp(value, names[i]) == 0)
			return 1;
	return 0;
}

int
ipam_pool_prefix(
    const struct store_pool *p, struct ip_prefix *out, struct err *err)
{
	return ip_prefix_parse(p->cidr, strlen(p->cidr), out, err);
}

void
ipam_pool_utilization_of(
    const struct store_pool *p, struct ipam_utilization *out)
{
	struct ip_prefix prefix;
	struct err err = ERR_INIT;

	memset(out, 0, sizeof(*out));
	if (ipam_pool_prefix(p, &prefix, &err) == -1)
		return;
	ip_prefix_size(&prefix, &out->total);
	out->used.top = (uint8_t)p->used_top;
	out->used.high = p->used_high;
	out->used.low = p->used_low;
	out->free = out->total;
	if (ip_count_sub(&out->free, &out->used, &err) == -1)
		memset(&out->free, 0, sizeof(out->free));
	out->percent = 100.0 * ip_count_ratio(&out->used, &out->total);
}

/* Add (sign 1) or remove (sign -1) child's size to parent's counters, in
 * memory. */
int
ipam_pool_count_child(struct store_pool *parent, const struct ip_prefix *child,
    int sign, struct err *err)
{
	struct ip_count used, size;

	used.top = (uint8_t)parent->used_top;
	used.high = parent->used_high;
	used.low = parent->used_low;
	ip_prefix_size(child, &size);
	if ((sign > 0 ? ip_count_add(&used, &size, err)
	              : ip_count_sub(&used, &size, err)) == -1)
		return -1;
	parent->used_top = used.top;
	parent->used_high = used.high;
	parent->used_low = used.low;
	parent->children += sign;
	if (parent->children < 0)
		parent->children = 0;
	return 0;
}

/* As ipam_pool_count_child, in the database. */
int
ipam_parent_account(struct store *st, const struct store_pool *parent,
    const struct ip_prefix *child, int sign, struct err *err)
{
	struct store_pool p = *parent;

	if (ipam_pool_count_child(&p, child, sign, err) == -1)
		return -1;
	return store_pool_set_used(
	    st, p.id, p.used_top, p.used_high, p.used_low, p.children, err);
}

static int
family_db(const struct ip_prefix *p)
{
	return p->addr.family == IP_FAMILY_V4 ? 4 : 6;
}

void
ipam_free_block_of(const struct ip_prefix *p, char *key, char *cidr,
    struct store_free_block *out)
{
	char last[IP_KEY_STRLEN];

	ip_prefix_keys(p, key, last);
	ip_prefix_format(p, cidr);
	out->first_key = key;
	out->prefix_len = p->len;
	out->cidr = cidr;
}

struct carve_ctx {
	struct store *st;
	int64_t pool_id;
};

static int
carve_insert(const struct ip_prefix *p, void *arg, struct err *err)
{
	struct carve_ctx *c = arg;
	char key[IP_KEY_STRLEN], cidr[IP_PREFIX_STRLEN];
	struct store_free_block b;

	ipam_free_block_of(p, key, cidr, &b);
	return store_free_insert(c->st, c->pool_id, &b, err) == -1 ? -1 : 0;
}

/*
 * Take block out of the free space of pool parent: the free prefix that
 * holds it is replaced by what is left of it.  409 "overlap" when no free
 * prefix holds all of block.
 */
int
ipam_free_take(struct store *st, struct arena *arena, int64_t parent_id,
    const struct ip_prefix *block, const struct store_free_block *known,
    struct err *err)
{
	struct store_free_block f;
	struct ip_prefix holder;
	struct carve_ctx ctx = { st, parent_id };
	char first[IP_KEY_STRLEN], last[IP_KEY_STRLEN];
	int found = 1;

	ip_prefix_keys(block, first, last);
	if (known != NULL)
		f = *known;
	else if (store_free_at(st, parent_id, first, arena, &f, &found, err) ==
	         -1)
		return -1;
	if (!found ||
	    ip_prefix_parse(f.cidr, strlen(f.cidr), &holder, err) == -1 ||
	    !ip_prefix_contains(&holder, block))
		return err_field(err, 409, "overlap", "cidr",
		    "that space is already in use in the parent");
	if (store_free_delete(st, parent_id, f.first_key, err) == -1)
		return -1;
	return ip_set_subtract_each(&holder, block, 1, carve_insert, &ctx, err);
}

/* Give block back to the free space of pool parent, merging buddies. */
int
ipam_free_give(struct store *st, struct arena *arena,
    const struct store_pool *parent, const struct ip_prefix *block,
    struct err *err)
{
	struct ip_prefix b = *block, up, buddy, parent_prefix;
	struct store_free_block f, nb;
	char key[IP_KEY_STRLEN], last[IP_KEY_STRLEN], cidr[IP_PREFIX_STRLEN];
	int found;

	if (ipam_pool_prefix(parent, &parent_prefix, err) == -1)
		return -1;
	while (b.len > parent_prefix.len) {
		/* The buddy is the other half of the block one bit shorter. */
		if (ip_prefix_from_addr(&b.addr, b.len - 1u, &up, err) == -1 ||
		    ip_prefix_child(&up, b.len, 0, &buddy, err) == -1)
			return -1;
		if (ip_prefix_compare(&buddy, &b) == 0 &&
		    ip_prefix_child(&up, b.len, 1, &buddy, err) == -1)
			return -1;
		ip_prefix_keys(&buddy, key, last);
		if (store_free_at(
		        st, parent->id, key, arena, &f, &found, err) == -1)
			return -1;
		if (!found || strcmp(f.first_key, key) != 0 ||
		    f.prefix_len != (int)buddy.len)
			break;
		if (store_free_delete(st, parent->id, key, err) == -1)
			return -1;
		b = up;
	}
	ipam_free_block_of(&b, key, cidr, &nb);
	return store_free_insert(st, parent->id, &nb, err);
}

static int
check_enums(const struct ipam_pool_in *in, struct err *err)
{
	if (in->type != NULL && !ipam_name_in(in->type, ipam_pool_types))
		return err_field(err, 400, "invalid_value", "type",
		    "type must be one of supernet, region, vpc, subnet, "
		    "reserved, other");
	if (in->status != NULL && !ipam_name_in(in->status, ipam_pool_statuses))
		return err_field(err, 400, "invalid_value", "status",
		    "status must be one of planned, active, deprecated, "
		    "reserved");
	if (in->source != NULL && !ipam_name_in(in->source, ipam_pool_sources))
		return err_field(err, 400, "invalid_value", "source",
		    "source must be one of manual, discovered, imported, "
		    "planned");
	return 0;
}

/* Refuse special-purpose space that is not allowed. */
static int
check_special(struct store *st, struct arena *arena, const struct ip_prefix *p,
    const char *first, const char *last, struct err *err)
{
	struct store_special *hits;
	char cidr[IP_PREFIX_STRLEN];
	size_t n, i, pick = 0;

	if (store_special_overlapping(
	        st, family_db(p), first, last, arena, &hits, &n, err) == -1)
		return -1;
	if (n == 0)
		return 0;
	/* Name the most specific entry holding all of p, if one does; else
	 * the most specific one it overlaps (hits come longest first). */
	for (i = 0; i < n; i++) {
		struct ip_prefix h;
		struct err ignored = ERR_INIT;

		if (ip_prefix_parse(hits[i].cidr, strlen(hits[i].cidr), &h,
		        &ignored) == 0 &&
		    ip_prefix_contains(&h, p)) {
			pick = i;
			break;
		}
	}
	ip_prefix_format(p, cidr);
	return err_field(err, 400, "special_range", "cidr",
	    "%s overlaps %s, %s (%s, %s); an administrator can allow it "
	    "under special-purpose ranges",
	    cidr, hits[pick].cidr, hits[pick].name, hits[pick].reference,
	    hits[pick].registry);
}

/* Resolve parent and VRF of a new pool; checks containment. */
static int
place(struct store *st, struct arena *arena, const struct ipam_pool_in *in,
    const struct ip_prefix *p, struct store_pool *parent, int64_t *vrf_id,
    struct err *err)
{
	struct ip_prefix pp;
	struct store_vrf vrf;
	char cidr[IP_PREFIX_STRLEN];

	*vrf_id = in->vrf_id ? in->vrf_id : 1;
	if (in->parent_id == 0)
		return store_vrf_get(st, *vrf_id, arena, &vrf, err) == -1
		           ? ipam_reference_error(err, "vrf_id", "VRF", *vrf_id)
		           : 0;
	if (store_pool_get(st, in->parent_id, arena, parent, err) == -1)
		return ipam_reference_error(
		    err, "parent_id", "pool", in->parent_id);
	if (in->vrf_id != 0 && in->vrf_id != parent->vrf_id)
		return err_field(err, 400, "invalid_value", "vrf_id",
		    "a child pool is in its parent's VRF (%lld)",
		    (long long)parent->vrf_id);
	*vrf_id = parent->vrf_id;
	if (ipam_pool_prefix(parent, &pp, err) == -1)
		return -1;
	if (!ip_prefix_contains(&pp, p) || ip_prefix_compare(&pp, p) == 0)
		return err_field(err, 400, "outside_parent", "cidr",
		    "%s is not inside the parent %s (%s)",
		    ip_prefix_format(p, cidr), parent->cidr, parent->name);
	return 0;
}

int
ipam_reference_error(
    struct err *err, const char *field, const char *what, int64_t id)
{
	if (err->status != 404)
		return -1;
	return err_field(err, 400, "invalid_reference", field,
	    "no %s with id %lld", what, (long long)id);
}

/* The overlap check and insertion, inside the caller's transaction. */
int
ipam_pool_insert_locked(struct store *st, struct arena *arena,
    const struct ipam_pool_in *in, const struct ip_prefix *p,
    struct store_pool *parent, int64_t vrf_id, unsigned flags,
    const struct store_free_block *holder, struct store_pool *out,
    struct err *err)
{
	char first[IP_KEY_STRLEN], last[IP_KEY_STRLEN], cidr[IP_PREFIX_STRLEN];
	struct store_free_block whole;
	struct store_pool row, other;
	int found;

	ip_prefix_keys(p, first, last);
	ip_prefix_format(p, cidr);
	if (!(flags & IPAM_INSERT_CHECKED)) {
		if (in->parent_id == 0 &&
		    check_special(st, arena, p, first, last, err) == -1)
			return -1;
		if (store_pool_overlapping_sibling(st, vrf_id, in->parent_id,
		        family_db(p), first, last, arena, &other, &found,
		        err) == -1)
			return -1;
		if (found)
			return err_field(err, 409, "overlap", "cidr",
			    "%s overlaps %s (%s, id %lld)", cidr, other.cidr,
			    other.name, (long long)other.id);
	}
	memset(&row, 0, sizeof(row));
	row.name = in->name;
	row.cidr = cidr;
	row.family = family_db(p);
	row.prefix_len = p->len;
	row.first_key = first;
	row.last_key = last;
	row.vrf_id = vrf_id;
	row.parent_id = in->parent_id;
	row.account_id = in->account_id;
	row.type = in->type ? in->type : in->parent_id ? "subnet" : "supernet";
	row.status = in->status ? in->status : "active";
	row.source = in->source ? in->source : "manual";
	row.description = in->description ? in->description : "";
	row.tags = in->tags ? in->tags : "{}";
	row.external_id = in->external_id ? in->external_id : "";
	row.region = in->region ? in->region : "";
	row.created_by = in->actor ? in->actor : "";
	if (store_pool_insert(st, &row, arena, out, err) == -1)
		return -1;
	ipam_free_block_of(p, first, cidr, &whole);
	if (store_free_insert(st, out->id, &whole, err) == -1)
		return -1;
	if (in->parent_id != 0 &&
	    (ipam_free_take(st, arena, in->parent_id, p, holder, err) == -1 ||
	        (!(flags & IPAM_INSERT_UNCOUNTED) &&
	            ipam_parent_account(st, parent, p, 1, err) == -1)))
		return -1;
	return 0;
}

static int
check_account(
    struct store *st, struct arena *arena, int64_t account_id, struct err *err)
{
	struct store_account a;

	if (account_id == 0)
		return 0;
	if (store_account_get(st, account_id, arena, &a, err) == -1)
		return ipam_reference_error(
		    err, "account_id", "account", account_id);
	return 0;
}

int
ipam_pool_create(struct store *st, struct arena *arena,
    const struct ipam_pool_in *in, struct store_pool *out, struct err *err)
{
	struct store_pool parent;
	struct ip_prefix p;
	int64_t vrf_id;

	if (in->name == NULL || in->cidr == NULL)
		return err_field(err, 400, "missing_field",
		    in->name == NULL ? "name" : "cidr", "%s is required",
		    in->name == NULL ? "name" : "cidr");
	if (check_enums(in, err) == -1)
		return -1;
	if (ip_prefix_parse(in->cidr, strlen(in->cidr), &p, err) == -1) {
		snprintf(err->field, sizeof(err->field), "cidr");
		return -1;
	}
	if (store_begin(st, 1, err) == -1)
		return -1;
	if (place(st, arena, in, &p, &parent, &vrf_id, err) == -1 ||
	    check_account(st, arena, in->account_id, err) == -1 ||
	    ipam_pool_insert_locked(
	        st, arena, in, &p, &parent, vrf_id, 0, NULL, out, err) == -1 ||
	    ipam_audit(st, "pool.create", "pool", out->id, NULL,
	        ipam_pool_json(out), err) == -1 ||
	    store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
ipam_pool_get(struct store *st, struct arena *arena, int64_t id,
    struct store_pool *out, struct err *err)
{
	return store_pool_get(st, id, arena, out, err);
}

static void
apply_changes(struct store_pool *row, const struct ipam_pool_in *in)
{
	if (in->set & IPAM_POOL_NAME)
		row->name = in->name;
	if (in->set & IPAM_POOL_ACCOUNT)
		row->account_id = in->account_id;
	if (in->set & IPAM_POOL_TYPE)
		row->type = in->type;
	if (in->set & IPAM_POOL_STATUS)
		row->status = in->status;
	if (in->set & IPAM_POOL_DESCRIPTION)
		row->description = in->description;
	if (in->set & IPAM_POOL_TAGS)
		row->tags = in->tags;
	if (in->set & IPAM_POOL_EXTERNAL_ID)
		row->external_id = in->external_id;
	if (in->set & IPAM_POOL_REGION)
		row->region = in->region;
	row->updated_by = in->actor ? in->actor : "";
}

int
ipam_pool_update(struct store *st, struct arena *arena, int64_t id,
    const struct ipam_pool_in *in, struct store_pool *out, struct err *err)
{
	struct store_pool row;
	struct json_object *before;

	if (check_enums(in, err) == -1)
		return -1;
	if ((in->set & IPAM_POOL_NAME) && in->name == NULL)
		return err_field(
		    err, 400, "invalid_value", "name", "name cannot be empty");
	if (store_begin(st, 1, err) == -1)
		return -1;
	if (store_pool_get(st, id, arena, &row, err) == -1 ||
	    ((in->set & IPAM_POOL_ACCOUNT) &&
	        check_account(st, arena, in->account_id, err) == -1))
		goto fail;
	before = ipam_pool_json(&row);
	apply_changes(&row, in);
	if (store_pool_update(st, &row, err) == -1 ||
	    store_pool_get(st, id, arena, out, err) == -1) {
		json_object_put(before);
		goto fail;
	}
	if (ipam_audit(st, "pool.update", "pool", id, before,
	        ipam_pool_json(out), err) == -1 ||
	    store_commit(st, err) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* Delete one pool, recording its last state (row, or read now). */
static int
delete_one(struct store *st, struct arena *arena, int64_t id,
    const struct store_pool *row, struct err *err)
{
	struct store_pool got;

	if (row == NULL) {
		if (store_pool_get(st, id, arena, &got, err) == -1)
			return -1;
		row = &got;
	}
	if (store_pool_delete(st, id, err) == -1)
		return -1;
	return ipam_audit(
	    st, "pool.delete", "pool", id, ipam_pool_json(row), NULL, err);
}

int
ipam_pool_delete(struct store *st, struct arena *arena, int64_t id, int cascade,
    int64_t *deleted, struct err *err)
{
	struct store_pool row, parent;
	struct ip_prefix p;
	int64_t *ids;
	size_t n, i;

	*deleted = 0;
	if (store_begin(st, 1, err) == -1)
		return -1;
	if (store_pool_get(st, id, arena, &row, err) == -1)
		goto fail;
	if (row.children > 0 && !cascade) {
		err_set(err, 409, "has_children",
		    "%s (%s) has %lld child pool%s; delete with cascade=true "
		    "to delete them too",
		    row.name, row.cidr, (long long)row.children,
		    row.children == 1 ? "" : "s");
		goto fail;
	}
	if (store_pool_descendants(st, id, arena, &ids, &n, err) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (delete_one(st, arena, ids[i], NULL, err) == -1)
			goto fail;
	if (delete_one(st, arena, id, &row, err) == -1 ||
	    ipam_pool_prefix(&row, &p, err) == -1)
		goto fail;
	if (row.parent_id != 0 &&
	    (store_pool_get(st, row.parent_id, arena, &parent, err) == -1 ||
	        ipam_free_give(st, arena, &parent, &p, err) == -1 ||
	        ipam_parent_account(st, &parent, &p, -1, err) == -1))
		goto fail;
	if (store_commit(st, err) == -1)
		goto fail;
	*deleted = (int64_t)n + 1;
	return 0;
fail:
	store_rollback(st);
	return -1;
}
