/*
 * transfer_export.c: every pool or account as CSV or JSON.
 *
 * Database ids do not travel: a pool's parent is written as its cidr, its
 * account as the account's external key and its VRF by name.  The whole
 * table is read in one query (its order puts parents first); parents and
 * accounts are then found by binary search over the rows by id.  JSON is
 * made one row object at a time with json-c and appended, so memory holds
 * one row's objects, not a tree of the whole table.
 */
#include "ipam/transfer_export.h"

#include <stdlib.h>
#include <string.h>

#include "ipam/csv.h"

struct id_text {
	int64_t id;
	const char *text;
};

struct export
{
	struct store *st;
	struct arena *arena;
	enum ipam_format format;
	struct buf *out;
	struct buf tags, list; /* one row's CSV lists, reused */
	size_t rows;
};

static int
by_id(const void *a, const void *b)
{
	const struct id_text *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static const char *
text_of(const struct id_text *index, size_t n, int64_t id)
{
	struct id_text key = { id, NULL }, *hit;

	if (id == 0 || n == 0)
		return NULL;
	hit = bsearch(&key, index, n, sizeof(*index), by_id);
	return hit ? hit->text : NULL;
}

/* Every account, in the store's order. */
static int
accounts_read(
    struct export *ex, struct store_account **rows, size_t *n, struct err *err)
{
	struct store_account_filter f = { NULL, NULL };
	struct store_page page = { 0, 1, 0 };

	*n = 0;
	if (store_account_list(ex->st, ex->arena, &f, &page, rows, n, err) ==
	    -1)
		return -1;
	if (page.total <= 1)
		return 0;
	page.limit = page.total;
	return store_account_list(ex->st, ex->arena, &f, &page, rows, n, err);
}

static int
index_make(struct export *ex, size_t n, struct id_text **index, struct err *err)
{
	*index = arena_calloc(ex->arena, n ? n : 1, sizeof(**index));
	return *index ? 0 : err_set(err, 500, "internal", "out of memory");
}

static void
begin(struct export *ex, const struct ipam_column *columns, size_t n)
{
	const char *names[IPAM_COLUMNS_MAX];
	size_t i;

	if (ex->format == IPAM_FORMAT_JSON) {
		buf_puts(ex->out, "{\"items\": [");
		return;
	}
	for (i = 0; i < n; i++)
		names[i] = columns[i].name;
	csv_put_record(ex->out, names, n);
}

static int
finish(struct export *ex, struct err *err)
{
	if (ex->format == IPAM_FORMAT_JSON)
		buf_puts(ex->out, ex->rows ? "\n]}\n" : "]}\n");
	if (ex->out->oom || ex->tags.oom || ex->list.oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

/* Append one JSON row object (taken) to the items. */
static int
put_json(struct export *ex, struct json_object *o, struct err *err)
{
	const char *text;
	size_t len;

	if (o == NULL)
		return err_set(err, 500, "internal", "out of memory");
	text = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	buf_puts(ex->out, ex->rows++ ? ",\n" : "\n");
	buf_append(ex->out, text, len);
	json_object_put(o);
	return 0;
}

static void
add_text(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(
	    o, key, value ? json_object_new_string(value) : NULL);
}

/* Stored JSON text (tags, regions) as an object of the row; fallback
 * when unreadable. */
static void
add_stored(
    struct json_object *o, const char *key, const char *text, json_type type)
{
	struct json_object *v = json_tokener_parse(text ? text : "");

	if (v == NULL || !json_object_is_type(v, type)) {
		json_object_put(v);
		v = type == json_type_array ? json_object_new_array()
		                            : json_object_new_object();
	}
	json_object_object_add(o, key, v);
}

/* --- pools --- */

static int
pool_json(struct export *ex, const struct store_pool *p, const char *parent,
    const char *account, struct err *err)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return err_set(err, 500, "internal", "out of memory");
	add_text(o, "name", p->name);
	add_text(o, "cidr", p->cidr);
	add_text(o, "vrf", p->vrf_name);
	add_text(o, "parent_cidr", parent);
	add_text(o, "account_key", account);
	add_text(o, "type", p->type);
	add_text(o, "status", p->status);
	add_text(o, "source", p->source);
	add_text(o, "description", p->description);
	add_stored(o, "tags", p->tags, json_type_object);
	add_text(o, "external_id", p->external_id);
	add_text(o, "region", p->region);
	return put_json(ex, o, err);
}

static void
pool_csv(struct export *ex, const struct store_pool *p, const char *parent,
    const char *account)
{
	const char *f[IPAM_PC__MAX];

	buf_reset(&ex->tags);
	ipam_tags_to_list(p->tags, &ex->tags);
	f[IPAM_PC_NAME] = p->name;
	f[IPAM_PC_CIDR] = p->cidr;
	f[IPAM_PC_VRF] = p->vrf_name;
	f[IPAM_PC_PARENT_CIDR] = parent;
	f[IPAM_PC_ACCOUNT_KEY] = account;
	f[IPAM_PC_TYPE] = p->type;
	f[IPAM_PC_STATUS] = p->status;
	f[IPAM_PC_SOURCE] = p->source;
	f[IPAM_PC_DESCRIPTION] = p->description;
	f[IPAM_PC_TAGS] = ex->tags.data ? ex->tags.data : "";
	f[IPAM_PC_EXTERNAL_ID] = p->external_id;
	f[IPAM_PC_REGION] = p->region;
	csv_put_record(ex->out, f, IPAM_PC__MAX);
}

/* The external key of every account, by id. */
static int
account_keys(
    struct export *ex, struct id_text **index, size_t *n, struct err *err)
{
	struct store_account *rows;
	size_t i;

	if (accounts_read(ex, &rows, n, err) == -1 ||
	    index_make(ex, *n, index, err) == -1)
		return -1;
	for (i = 0; i < *n; i++) {
		(*index)[i].id = rows[i].id;
		(*index)[i].text = rows[i].external_key;
	}
	qsort(*index, *n, sizeof(**index), by_id);
	return 0;
}

static int
export_pools(struct export *ex, struct err *err)
{
	struct store_pool_filter f;
	struct store_page page = { 0, -1, 0 };
	struct store_pool *rows;
	struct id_text *cidrs, *keys;
	size_t n, nkeys, i;
	const char *parent, *account;

	memset(&f, 0, sizeof(f));
	if (account_keys(ex, &keys, &nkeys, err) == -1 ||
	    store_pool_list(ex->st, ex->arena, &f, &page, &rows, &n, err) ==
	        -1 ||
	    index_make(ex, n, &cidrs, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		cidrs[i].id = rows[i].id;
		cidrs[i].text = rows[i].cidr;
	}
	qsort(cidrs, n, sizeof(*cidrs), by_id);
	begin(ex, ipam_pool_columns, IPAM_PC__MAX);
	for (i = 0; i < n; i++) {
		parent = text_of(cidrs, n, rows[i].parent_id);
		account = text_of(keys, nkeys, rows[i].account_id);
		if (ex->format == IPAM_FORMAT_CSV)
			pool_csv(ex, &rows[i], parent, account);
		else if (pool_json(ex, &rows[i], parent, account, err) == -1)
			return -1;
	}
	return finish(ex, err);
}

/* --- accounts --- */

static int
account_json(struct export *ex, const struct store_account *a, struct err *err)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return err_set(err, 500, "internal", "out of memory");
	add_text(o, "provider", a->provider);
	add_text(o, "external_key", a->external_key);
	add_text(o, "name", a->name);
	add_text(o, "platform", a->platform);
	add_text(o, "tier", a->tier);
	add_text(o, "environment", a->environment);
	add_stored(o, "regions", a->regions, json_type_array);
	add_stored(o, "tags", a->tags, json_type_object);
	add_text(o, "description", a->description);
	return put_json(ex, o, err);
}

static void
account_csv(struct export *ex, const struct store_account *a)
{
	const char *f[IPAM_AC__MAX];

	buf_reset(&ex->tags);
	buf_reset(&ex->list);
	ipam_tags_to_list(a->tags, &ex->tags);
	ipam_regions_to_list(a->regions, &ex->list);
	f[IPAM_AC_PROVIDER] = a->provider;
	f[IPAM_AC_EXTERNAL_KEY] = a->external_key;
	f[IPAM_AC_NAME] = a->name;
	f[IPAM_AC_PLATFORM] = a->platform;
	f[IPAM_AC_TIER] = a->tier;
	f[IPAM_AC_ENVIRONMENT] = a->environment;
	f[IPAM_AC_REGIONS] = ex->list.data ? ex->list.data : "";
	f[IPAM_AC_TAGS] = ex->tags.data ? ex->tags.data : "";
	f[IPAM_AC_DESCRIPTION] = a->description;
	csv_put_record(ex->out, f, IPAM_AC__MAX);
}

static int
export_accounts(struct export *ex, struct err *err)
{
	struct store_account *rows;
	size_t n, i;

	if (accounts_read(ex, &rows, &n, err) == -1)
		return -1;
	begin(ex, ipam_account_columns, IPAM_AC__MAX);
	for (i = 0; i < n; i++) {
		if (ex->format == IPAM_FORMAT_CSV)
			account_csv(ex, &rows[i]);
		else if (account_json(ex, &rows[i], err) == -1)
			return -1;
	}
	return finish(ex, err);
}

int
ipam_export(struct store *st, struct arena *arena, enum ipam_transfer_kind kind,
    enum ipam_format format, struct buf *out, struct err *err)
{
	struct export ex;
	int rc;

	memset(&ex, 0, sizeof(ex));
	ex.st = st;
	ex.arena = arena;
	ex.format = format;
	ex.out = out;
	buf_init(&ex.tags);
	buf_init(&ex.list);
	rc = kind == IPAM_TRANSFER_ACCOUNTS ? export_accounts(&ex, err)
	                                    : export_pools(&ex, err);
	buf_free(&ex.tags);
	buf_free(&ex.list);
	return rc;
}
