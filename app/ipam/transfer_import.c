/*
 * transfer_import.c: checking and making every row of an import inside
 * one transaction.
 *
 * Speed matters (100,000 rows in a few seconds), so: each row's store work
 * uses a scratch arena reset before the next; pool rows are sorted once
 * and a parent in the file is found by binary search over them, a parent
 * already in the database by one index probe; a parent made by the
 * import is kept in memory while its children are made; accounts are
 * read once and found by binary search; the store's statements are
 * prepared once per connection.  Every parent's counters are kept in
 * memory and written once at the end: a row updated once per child would
 * leave PostgreSQL a version per update to walk, all in one transaction,
 * and the import quadratic.
 */
#include "ipam/transfer_import.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ip/ip.h"
#include "ip/ip_blocks.h"
#include "ipam/audit.h"
#include "ipam/catalog.h"
#include "ipam/ipam_internal.h"
#include "ipam/objects.h"
#include "ipam/pool.h"
#include "ipam/transfer_rows.h"

#define PROGRESS_EVERY 256 /* rows between reports */
#define SCRATCH_SIZE (64 * 1024)

/* A row to make: for pools, where it goes. */
struct place {
	struct ipam_row *row;
	struct ip_prefix prefix; /* pools: the parsed cidr */
	int64_t vrf_id;          /* pools: resolved */
	int64_t id;              /* what was made; 0 until then */
	struct store_pool *kept; /* pools: as made, once a parent */
};

struct account_key {
	const char *key;
	const char *provider;
	int64_t id;
};

/* The parents given children so far, by id (open addressing). */
struct counted {
	struct store_pool **slot; /* NULL: free */
	size_t cap, n;            /* cap: 0 or a power of two */
};

struct import {
	struct store *st;
	struct arena *arena;   /* the caller's: rows, places, errors */
	struct arena *scratch; /* one row's store work */
	const struct ipam_import_in *in;
	struct ipam_rows rows;
	struct place *places; /* pools: by VRF, address, length */
	size_t nplaces;
	struct account_key *accounts; /* by key */
	size_t naccounts;
	struct counted counted;
	size_t created, vrfs_created;
};

typedef int (*apply_fn)(
    struct import *imp, struct place *place, struct err *err);

static int
fail(struct import *imp, struct ipam_row *row, const struct err *why,
    struct err *err)
{
	return ipam_rows_fail(&imp->rows, row, why, err);
}

static int
places_alloc(struct import *imp, struct err *err)
{
	size_t n = imp->rows.n ? imp->rows.n : 1;

	imp->places = arena_calloc(imp->arena, n, sizeof(*imp->places));
	return imp->places ? 0 : err_set(err, 500, "internal", "out of memory");
}

/* --- accounts --- */

static int
account_apply(struct import *imp, struct place *place, struct err *err)
{
	const char *const *v = place->row->v;
	struct store_account a, out;

	memset(&a, 0, sizeof(a));
	a.provider = v[IPAM_AC_PROVIDER];
	a.external_key = v[IPAM_AC_EXTERNAL_KEY];
	a.name = v[IPAM_AC_NAME];
	a.platform = v[IPAM_AC_PLATFORM] ? v[IPAM_AC_PLATFORM] : "";
	a.tier = v[IPAM_AC_TIER] ? v[IPAM_AC_TIER] : "";
	a.environment = v[IPAM_AC_ENVIRONMENT] ? v[IPAM_AC_ENVIRONMENT] : "";
	a.regions = v[IPAM_AC_REGIONS] ? v[IPAM_AC_REGIONS] : "[]";
	a.tags = v[IPAM_AC_TAGS] ? v[IPAM_AC_TAGS] : "{}";
	a.description = v[IPAM_AC_DESCRIPTION] ? v[IPAM_AC_DESCRIPTION] : "";
	if (ipam_account_create_in(
	        imp->st, imp->scratch, &a, "account.import", &out, err) == -1)
		return -1;
	place->id = out.id;
	return 0;
}

/* Accounts are made in file order. */
static int
account_places(struct import *imp, struct err *err)
{
	size_t i;

	if (places_alloc(imp, err) == -1)
		return -1;
	for (i = 0; i < imp->rows.n; i++)
		imp->places[i].row = &imp->rows.items[i];
	imp->nplaces = imp->rows.n;
	return 0;
}

/* --- pools: places --- */

static const char *
vrf_of(const struct place *place)
{
	return place->row->v[IPAM_PC_VRF];
}

/* VRF names, case-insensitive as the database compares them; the
 * default VRF (no name given) first. */
static int
by_vrf_name(const void *a, const void *b)
{
	const char *p = vrf_of(a), *q = vrf_of(b);

	if (p == NULL || q == NULL)
		return (p != NULL) - (q != NULL);
	return strcasecmp(p, q);
}

static int
place_cmp(const struct place *x, int64_t vrf_id, const struct ip_prefix *p)
{
	if (x->vrf_id != vrf_id)
		return x->vrf_id < vrf_id ? -1 : 1;
	return ip_prefix_compare(&x->prefix, p);
}

/* VRF, then address, then length: parents first; then file order. */
static int
by_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;
	int c = place_cmp(x, y->vrf_id, &y->prefix);

	if (c != 0)
		return c;
	return (x->row->line > y->row->line) - (x->row->line < y->row->line);
}

/* Parse every row's cidr; the rows that have one get a place. */
static int
pool_places(struct import *imp, struct err *err)
{
	struct ipam_row *row;
	struct place *place;
	struct err why;
	size_t i;

	if (places_alloc(imp, err) == -1)
		return -1;
	for (i = 0; i < imp->rows.n; i++) {
		row = &imp->rows.items[i];
		if (row->v[IPAM_PC_CIDR] == NULL)
			continue;
		place = &imp->places[imp->nplaces];
		err_clear(&why);
		if (ip_prefix_parse(row->v[IPAM_PC_CIDR],
		        strlen(row->v[IPAM_PC_CIDR]), &place->prefix,
		        &why) == 0) {
			place->row = row;
			imp->nplaces++;
			continue;
		}
		snprintf(why.field, sizeof(why.field), "cidr");
		if (!row->failed && fail(imp, row, &why, err) == -1)
			return -1;
	}
	return 0;
}

/* The VRF id of a name: found, or made with the import. */
static int
vrf_id_of(struct import *imp, const char *name, int64_t *id, struct err *err)
{
	struct store_vrf vrf, made;
	int found;

	*id = IPAM_DEFAULT_VRF;
	if (name == NULL)
		return 0;
	if (store_vrf_find_name(
	        imp->st, name, imp->scratch, &vrf, &found, err) == -1)
		return -1;
	if (!found) {
		memset(&made, 0, sizeof(made));
		made.name = name;
		made.rd = "";
		made.description = "";
		if (ipam_vrf_create_in(imp->st, imp->scratch, &made,
		        "vrf.import", &vrf, err) == -1)
			return -1;
		imp->vrfs_created++;
	}
	*id = vrf.id;
	return 0;
}

/* Give the places run[0..n) (one VRF name) their VRF id; on a bad name
 * every row of the run fails. */
static int
vrf_resolve(struct import *imp, struct place *run, size_t n, struct err *err)
{
	struct err why = ERR_INIT;
	int64_t id;
	size_t i;

	arena_reset(imp->scratch);
	if (vrf_id_of(imp, vrf_of(run), &id, &why) == -1) {
		if (why.status >= 500) {
			*err = why;
			return -1;
		}
		snprintf(why.field, sizeof(why.field), "vrf");
	}
	for (i = 0; i < n; i++) {
		run[i].vrf_id = id;
		if (why.status != 0 && !run[i].row->failed &&
		    fail(imp, run[i].row, &why, err) == -1)
			return -1;
	}
	return 0;
}

/* Give every place its VRF id, then sort the places into order. */
static int
places_sort(struct import *imp, struct err *err)
{
	struct place *p = imp->places;
	size_t i, start = 0;

	qsort(p, imp->nplaces, sizeof(*p), by_vrf_name);
	for (i = 1; i <= imp->nplaces; i++) {
		if (i < imp->nplaces && by_vrf_name(&p[start], &p[i]) == 0)
			continue;
		if (vrf_resolve(imp, p + start, i - start, err) == -1)
			return -1;
		start = i;
	}
	qsort(p, imp->nplaces, sizeof(*p), by_place);
	return 0;
}

/*
 * The places of this file at vrf_id and p: *first and the count.  More
 * than one is a duplicate, which fails as an overlap.
 */
static size_t
places_at(struct import *imp, int64_t vrf_id, const struct ip_prefix *p,
    struct place **first)
{
	size_t lo = 0, hi = imp->nplaces, mid, n = 0;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (place_cmp(&imp->places[mid], vrf_id, p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = imp->places + lo;
	while (lo + n < imp->nplaces &&
	       place_cmp(&imp->places[lo + n], vrf_id, p) == 0)
		n++;
	return n;
}

/* --- pools: accounts --- */

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct account_key *)a)->key,
	    ((const struct account_key *)b)->key);
}

/* Read every account once; pools name theirs by external key. */
static int
accounts_load(struct import *imp, struct err *err)
{
	struct store_account_filter f = { NULL, NULL };
	struct store_page page = { 0, 1, 0 };
	struct store_account *rows;
	size_t n, i;

	if (store_account_list(
	        imp->st, imp->arena, &f, &page, &rows, &n, err) == -1)
		return -1;
	if (page.total > 1) {
		page.limit = page.total;
		if (store_account_list(
		        imp->st, imp->arena, &f, &page, &rows, &n, err) == -1)
			return -1;
	}
	imp->accounts =
	    arena_calloc(imp->arena, n ? n : 1, sizeof(*imp->accounts));
	if (imp->accounts == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < n; i++) {
		imp->accounts[i].key = rows[i].external_key;
		imp->accounts[i].provider = rows[i].provider;
		imp->accounts[i].id = rows[i].id;
	}
	imp->naccounts = n;
	qsort(imp->accounts, n, sizeof(*imp->accounts), by_key);
	return 0;
}

/*
 * The account whose external key is key.  Keys are unique per provider;
 * when two providers share one, the provider its prefix names wins.
 */
static int
account_find(struct import *imp, const char *key, int64_t *id, struct err *err)
{
	size_t lo = 0, hi = imp->naccounts, mid, n = 0, i, colon;
	const struct account_key *a;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(imp->accounts[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	a = imp->accounts + lo;
	while (lo + n < imp->naccounts && strcmp(a[n].key, key) == 0)
		n++;
	colon = strcspn(key, ":");
	for (i = 0; i < n; i++)
		if (n == 1 || (strlen(a[i].provider) == colon &&
		                  strncmp(a[i].provider, key, colon) == 0)) {
			*id = a[i].id;
			return 0;
		}
	if (n == 0)
		return err_field(err, 400, "invalid_reference", "account_key",
		    "no account with key %.200s; import accounts first", key);
	return err_field(err, 400, "invalid_reference", "account_key",
	    "%zu accounts have the key %.200s", n, key);
}

/* --- pools: parents --- */

/*
 * A copy in the import's arena of a pool just made, kept while its
 * children are made so that none of them reads it back.
 */
static struct store_pool *
pool_keep(struct arena *arena, const struct store_pool *p)
{
	static const size_t texts[] = { offsetof(struct store_pool, name),
		offsetof(struct store_pool, cidr),
		offsetof(struct store_pool, first_key),
		offsetof(struct store_pool, last_key),
		offsetof(struct store_pool, type),
		offsetof(struct store_pool, status),
		offsetof(struct store_pool, source),
		offsetof(struct store_pool, description),
		offsetof(struct store_pool, tags),
		offsetof(struct store_pool, external_id),
		offsetof(struct store_pool, region),
		offsetof(struct store_pool, created_at),
		offsetof(struct store_pool, updated_at),
		offsetof(struct store_pool, created_by),
		offsetof(struct store_pool, updated_by),
		offsetof(struct store_pool, vrf_name),
		offsetof(struct store_pool, account_name) };
	struct store_pool *k = arena_alloc(arena, sizeof(*k));
	const char **text;
	size_t i;

	if (k == NULL)
		return NULL;
	*k = *p;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		text = (const char **)(void *)((char *)k + texts[i]);
		if (*text != NULL &&
		    (*text = arena_strdup(arena, *text)) == NULL)
			return NULL;
	}
	return k;
}

static size_t
counted_hash(int64_t id, size_t cap)
{
	uint64_t h = (uint64_t)id * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 32) & (cap - 1);
}

/* The slot of id: its parent, or the free slot where it goes. */
static struct store_pool **
counted_slot(struct counted *c, int64_t id)
{
	size_t i = counted_hash(id, c->cap);

	while (c->slot[i] != NULL && c->slot[i]->id != id)
		i = (i + 1) & (c->cap - 1);
	return &c->slot[i];
}

static int
counted_grow(struct import *imp, struct err *err)
{
	struct counted *c = &imp->counted;
	struct store_pool **old = c->slot;
	size_t i, cap = c->cap;

	c->cap = cap ? cap * 2 : 64;
	c->slot = arena_calloc(imp->arena, c->cap, sizeof(*c->slot));
	if (c->slot == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < cap; i++)
		if (old[i] != NULL)
			*counted_slot(c, old[i]->id) = old[i];
	return 0;
}

/*
 * The import's copy of parent, whose counters are counted in memory
 * until counted_write: the one already kept, else a copy of parent as
 * read now.
 */
static struct store_pool *
counted_get(
    struct import *imp, const struct store_pool *parent, struct err *err)
{
	struct counted *c = &imp->counted;
	struct store_pool **slot, *kept;

	if ((c->n + 1) * 2 > c->cap && counted_grow(imp, err) == -1)
		return NULL;
	slot = counted_slot(c, parent->id);
	if (*slot != NULL)
		return *slot;
	if ((kept = pool_keep(imp->arena, parent)) == NULL) {
		err_set(err, 500, "internal", "out of memory");
		return NULL;
	}
	c->n++;
	return *slot = kept;
}

/* Write every counted parent's counters, once each. */
static int
counted_write(struct import *imp, struct err *err)
{
	struct counted *c = &imp->counted;
	const struct store_pool *p;
	size_t i;

	for (i = 0; i < c->cap; i++)
		if ((p = c->slot[i]) != NULL &&
		    store_pool_set_used(imp->st, p->id, p->used_top,
		        p->used_high, p->used_low, p->children, err) == -1)
			return -1;
	return 0;
}

/* The parent named by a row, among same[0..n) of this file: *kept is
 * where to count the child once made. */
static int
parent_in_file(struct import *imp, struct place *place, struct place *same,
    size_t n, struct store_pool *parent, struct store_pool **kept,
    struct err *err)
{
	const char *cidr = place->row->v[IPAM_PC_PARENT_CIDR];
	struct place *made = NULL;
	size_t i;

	for (i = 0; i < n && made == NULL; i++)
		if (same[i].id != 0)
			made = &same[i];
	for (i = 0; i < n && made == NULL; i++)
		if (!same[i].row->failed)
			/* Not made yet, so it sorts after the row: it cannot
			 * hold it. */
			return err_field(err, 400, "outside_parent", "cidr",
			    "%s is not inside the parent %.64s",
			    place->row->v[IPAM_PC_CIDR], cidr);
	if (made == NULL)
		return err_field(err, 400, "invalid_reference", "parent_cidr",
		    "the parent %.64s (line %ld) has errors", cidr,
		    same[0].row->line);
	if (made->kept == NULL &&
	    (store_pool_get(imp->st, made->id, imp->scratch, parent, err) ==
	            -1 ||
	        (made->kept = counted_get(imp, parent, err)) == NULL))
		return -1;
	*parent = *made->kept;
	*kept = made->kept;
	return 0;
}

/* The parent named by a row, in the database; *kept as in the file. */
static int
parent_in_store(struct import *imp, struct place *place,
    const struct ip_prefix *pp, struct store_pool *parent,
    struct store_pool **kept, struct err *err)
{
	char cidr[IP_PREFIX_STRLEN];
	const char *key = ip_prefix_format(pp, cidr);
	struct store_pool *found;
	size_t n;

	if (store_pool_by_cidrs(imp->st, place->vrf_id, &key, 1, imp->scratch,
	        &found, &n, err) == -1)
		return -1;
	if (n == 0)
		return err_field(err, 400, "invalid_reference", "parent_cidr",
		    "no pool %s in VRF %.64s", cidr,
		    vrf_of(place) ? vrf_of(place) : "default");
	if ((*kept = counted_get(imp, &found[0], err)) == NULL)
		return -1;
	*parent = **kept;
	return 0;
}

/* Find the parent a row names, in the file (*kept) or the database, and
 * check that it holds the row. */
static int
parent_find(struct import *imp, struct place *place, struct store_pool *parent,
    struct store_pool **kept, struct err *err)
{
	const char *cidr = place->row->v[IPAM_PC_PARENT_CIDR];
	struct ip_prefix pp;
	struct place *same;
	size_t n;

	if (ip_prefix_parse(cidr, strlen(cidr), &pp, err) == -1) {
		snprintf(err->field, sizeof(err->field), "parent_cidr");
		return -1;
	}
	n = places_at(imp, place->vrf_id, &pp, &same);
	if ((n > 0 ? parent_in_file(imp, place, same, n, parent, kept, err)
	           : parent_in_store(imp, place, &pp, parent, kept, err)) == -1)
		return -1;
	if (!ip_prefix_contains(&pp, &place->prefix) ||
	    ip_prefix_compare(&pp, &place->prefix) == 0)
		return err_field(err, 400, "outside_parent", "cidr",
		    "%s is not inside the parent %.64s (%s)",
		    place->row->v[IPAM_PC_CIDR], cidr, parent->name);
	return 0;
}

/* --- pools: making them --- */

static int
enums_check(const struct ipam_pool_in *in, struct err *err)
{
	if (in->type != NULL && !ipam_name_in(in->type, ipam_pool_types))
		return err_field(err, 400, "invalid_value", "type",
		    "type must be one of supernet, region, vpc, subnet, "
		    "reserved, other");
	if (in->status != NULL && !ipam_name_in(in->status, ipam_pool_statuses))
		return err_field(err, 400, "invalid_value", "status",
		    "status must be one of planned, active, deprecated, "
		    "reserved");
	if (!ipam_name_in(in->source, ipam_pool_sources))
		return err_field(err, 400, "invalid_value", "source",
		    "source must be one of manual, discovered, imported, "
		    "planned");
	return 0;
}

/* A second row of the same place fails as the overlap it is, naming
 * the first rather than a pool id that only lives until rollback. */
static int
duplicate_check(struct import *imp, struct place *place, struct err *err)
{
	struct place *same;
	size_t n, i;

	n = places_at(imp, place->vrf_id, &place->prefix, &same);
	for (i = 0; i < n; i++)
		if (&same[i] != place && same[i].id != 0)
			return err_field(err, 409, "overlap", "cidr",
			    "%s is already on line %ld",
			    place->row->v[IPAM_PC_CIDR], same[i].row->line);
	return 0;
}

static void
pool_input(struct import *imp, struct place *place, struct ipam_pool_in *in)
{
	const char *const *v = place->row->v;

	memset(in, 0, sizeof(*in));
	in->name = v[IPAM_PC_NAME];
	in->cidr = v[IPAM_PC_CIDR];
	in->vrf_id = place->vrf_id;
	in->type = v[IPAM_PC_TYPE];
	in->status = v[IPAM_PC_STATUS];
	in->source = v[IPAM_PC_SOURCE] ? v[IPAM_PC_SOURCE] : "imported";
	in->description = v[IPAM_PC_DESCRIPTION];
	in->tags = v[IPAM_PC_TAGS];
	in->external_id = v[IPAM_PC_EXTERNAL_ID];
	in->region = v[IPAM_PC_REGION];
	in->actor = imp->in->actor;
}

/* Check and make the pool of one row, inside the import's transaction. */
static int
pool_apply(struct import *imp, struct place *place, struct err *err)
{
	const char *account = place->row->v[IPAM_PC_ACCOUNT_KEY];
	struct store_pool parent, out, *kept = NULL;
	struct ipam_pool_in in;

	pool_input(imp, place, &in);
	if (enums_check(&in, err) == -1 ||
	    duplicate_check(imp, place, err) == -1)
		return -1;
	if (account != NULL &&
	    account_find(imp, account, &in.account_id, err) == -1)
		return -1;
	if (place->row->v[IPAM_PC_PARENT_CIDR] != NULL) {
		if (parent_find(imp, place, &parent, &kept, err) == -1)
			return -1;
		in.parent_id = parent.id;
	}
	if (ipam_pool_insert_locked(imp->st, imp->scratch, &in, &place->prefix,
	        &parent, place->vrf_id, IPAM_INSERT_UNCOUNTED, NULL, &out,
	        err) == -1 ||
	    ipam_audit(imp->st, "pool.import", "pool", out.id, NULL,
	        ipam_pool_json(&out), err) == -1)
		return -1;
	place->id = out.id;
	return kept != NULL
	           ? ipam_pool_count_child(kept, &place->prefix, 1, err)
	           : 0;
}

/* --- the import --- */

/*
 * Make every place in order.  A row refused for its content (4xx) is
 * listed and the next one tried; anything else stops the import.  A
 * refused row wrote nothing: every check comes before the first write.
 */
static int
apply_places(struct import *imp, apply_fn apply, struct err *err)
{
	struct place *place;
	struct err why;
	size_t i, n = imp->nplaces;

	for (i = 0; i < n; i++) {
		if (i % PROGRESS_EVERY == 0)
			ipam_rows_report(
			    &imp->rows, IPAM_IMPORT_APPLY, i, i, n);
		place = &imp->places[i];
		if (place->row->failed)
			continue;
		err_clear(&why);
		arena_reset(imp->scratch);
		if (apply(imp, place, &why) == 0) {
			imp->created++;
			continue;
		}
		if (why.status < 400 || why.status >= 500) {
			*err = why;
			return -1;
		}
		if (fail(imp, place->row, &why, err) == -1)
			return -1;
	}
	ipam_rows_report_end(&imp->rows, IPAM_IMPORT_APPLY, n, n);
	return 0;
}

static int
apply_all(struct import *imp, struct err *err)
{
	if (imp->in->kind == IPAM_TRANSFER_ACCOUNTS)
		return account_places(imp, err) == -1
		           ? -1
		           : apply_places(imp, account_apply, err);
	if (pool_places(imp, err) == -1 || places_sort(imp, err) == -1 ||
	    accounts_load(imp, err) == -1)
		return -1;
	if (apply_places(imp, pool_apply, err) == -1)
		return -1;
	return counted_write(imp, err);
}

/* One transaction: committed only when every row was made. */
static int
transaction(struct import *imp, struct err *err)
{
	if (store_begin(imp->st, 1, err) == -1)
		return -1;
	if (apply_all(imp, err) == -1) {
		store_rollback(imp->st);
		return -1;
	}
	if (imp->rows.nerrors > 0 || imp->in->dry_run) {
		store_rollback(imp->st);
		return 0;
	}
	if (store_commit(imp->st, err) == -1) {
		store_rollback(imp->st);
		return -1;
	}
	return 0;
}

int
ipam_import(struct store *st, struct arena *arena,
    const struct ipam_import_in *in, struct ipam_import_out *out,
    struct err *err)
{
	struct import imp;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&imp, 0, sizeof(imp));
	imp.st = st;
	imp.arena = arena;
	imp.in = in;
	ipam_rows_init(
	    &imp.rows, in->kind, arena, in->progress, in->progress_ctx);
	if ((imp.scratch = arena_new(SCRATCH_SIZE)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	rc = ipam_rows_read(&imp.rows, in->format, in->text, in->len, err);
	if (rc == 0) {
		ipam_rows_report_end(
		    &imp.rows, IPAM_IMPORT_PARSE, imp.rows.n, in->len);
		rc = transaction(&imp, err);
	}
	ipam_rows_free(&imp.rows);
	arena_free(imp.scratch);
	if (rc == -1)
		return -1;
	ipam_rows_sort_errors(&imp.rows);
	out->rows = imp.rows.n;
	out->created = imp.created;
	out->vrfs_created = imp.vrfs_created;
	out->errors = imp.rows.errors;
	out->nerrors = imp.rows.nerrors;
	return 0;
}
